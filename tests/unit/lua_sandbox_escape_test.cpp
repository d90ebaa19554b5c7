// Attempts to break out of the Lua sandbox, each of which must end in a clear error naming the
// script's file and line (or, where noted, be harmless), never a crash, hang or leak.
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "engine/graph/error.h"
#include "engine/lua/sandbox.h"
#include "engine/rules/rule_set.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

namespace fs = std::filesystem;
using testing_support::ScratchDir;

class LuaEscape : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& text) {
    fs::path file = dir_.path() / name;
    std::ofstream(file, std::ios::binary) << text;
    return file.string();
  }
  // Runs `code` as ext/s.lua; returns the error message, or "" (with a test failure) if none.
  std::string fails(const std::string& code, LuaLimits limits = {20'000'000, 64u << 20}) {
    LuaSandbox lua(limits);
    return fails_in(lua, code);
  }
  std::string fails_in(LuaSandbox& lua, const std::string& code) {
    try {
      lua.run_file(write("s.lua", code), "ext/s.lua");
    } catch (const Error& e) {
      return e.what();
    }
    ADD_FAILURE() << "ran without error: " << code;
    return "";
  }
  // The message must name the script and contain `what`.
  void expect_stopped(const std::string& code, const std::string& what, LuaLimits limits = {20'000'000, 64u << 20}) {
    std::string msg = fails(code, limits);
    EXPECT_NE(msg.find("ext/s.lua:"), std::string::npos) << code << "\n -> " << msg;
    EXPECT_NE(msg.find(what), std::string::npos) << code << "\n -> " << msg << "\n expected: " << what;
  }

  ScratchDir dir_{"remo_lua_escape"};
};

TEST_F(LuaEscape, NoBytecodeWayIn) {
  expect_stopped("local f = string.dump(function() end)", "field 'dump'");
  expect_stopped("return load('\\27Lua')", "global 'load'");
  expect_stopped("return load(function() return nil end)", "global 'load'");
  // Even through the string metatable, dump is gone: the metatable cannot be fetched.
  expect_stopped("local dump = getmetatable('').__index.dump", "index a boolean value");
  // A file that is bytecode is refused when loaded.
  LuaSandbox lua;
  try {
    lua.run_file(write("b.lua", std::string("\x1bLuaT\x00\x19\x93\r\n\x1a\n", 12)), "ext/b.lua");
    ADD_FAILURE() << "a bytecode file was loaded";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("attempt to load a binary chunk"), std::string::npos) << e.what();
  }
}

TEST_F(LuaEscape, TheStringMetatableIsLocked) {
  expect_stopped("if getmetatable('') ~= false then return end error('locked')", "locked");
  expect_stopped("getmetatable('').__index = {}", "index a boolean value");
  expect_stopped("setmetatable('', {})", "bad argument #1 to 'setmetatable' (table expected");
  // String methods keep working.
  LuaSandbox lua;
  lua.run_file(write("ok.lua", "assert(('ab'):upper() == 'AB') assert(('%d'):format(3) == '3')"), "ext/ok.lua");
}

TEST_F(LuaEscape, LibrariesAndGlobalsCannotBeChangedForOtherFiles) {
  expect_stopped("string.format = nil", "the string library is read-only (assigning string.format)");
  expect_stopped("math.floor = function() return 0 end", "the math library is read-only");
  expect_stopped("table.insert = print", "the table library is read-only");
  expect_stopped("local mt = getmetatable(_ENV).__index", "index a boolean value");
  // rawset, _G and plain globals write only into the script's own environment.
  LuaSandbox lua;
  lua.run_file(write("a.lua", "rawset(string, 'format', function() return 'hijacked' end)\n"
                              "_G.leaked = true\nshared = true\nrawset(_G, 'raw_leaked', true)"),
               "ext/a.lua");
  lua.run_file(write("b.lua", "assert(string.format('%d', 1) == '1', 'string.format was hijacked')\n"
                              "assert(leaked == nil and shared == nil and raw_leaked == nil, 'a global leaked')"),
               "ext/b.lua");
}

TEST_F(LuaEscape, NoDebugPackageRequireOrCollector) {
  expect_stopped("debug.sethook()", "global 'debug'");
  expect_stopped("return debug.getregistry()", "global 'debug'");
  expect_stopped("package.loadlib('libc.so.6', 'system')", "global 'package'");
  expect_stopped("package.path = '/tmp/?.lua'", "global 'package'");
  expect_stopped("collectgarbage('stop')", "global 'collectgarbage'");
  expect_stopped("io.write('x')", "global 'io'");
  expect_stopped("os.exit(1)", "global 'os'");
}

TEST_F(LuaEscape, RequireReachesOnlyLibModulesOfTheRuleFolders) {
  fs::create_directories(dir_.path() / "rules");
  auto load = [&](const std::string& code) -> std::string {
    std::ofstream(dir_.path() / "rules" / "r.lua") << code;
    try {
      RuleSet rules({(dir_.path() / "rules").string()});
    } catch (const Error& e) {
      return e.what();
    }
    return "";
  };
  for (const char* name : {"os", "io", "../../etc/passwd", "/etc/passwd", "lib/../x", "debug"}) {
    std::string msg = load(std::string("require('") + name + "')");
    EXPECT_NE(msg.find("r.lua:1:"), std::string::npos) << name << " -> " << msg;
    EXPECT_NE(msg.find("require('" + std::string(name) + "')"), std::string::npos) << name << " -> " << msg;
  }
}

TEST_F(LuaEscape, NoCoroutinesToDodgeTheBudget) {
  expect_stopped("local co = coroutine.create(function() while true do end end)", "global 'coroutine'");
  expect_stopped("coroutine.wrap(function() end)()", "global 'coroutine'");
}

const LuaLimits kSmallBudget{2'000'000, 64u << 20};

TEST_F(LuaEscape, EndlessLoopIsStopped) {
  expect_stopped("while true do end", "instruction budget of 2000000 exceeded", kSmallBudget);
}

TEST_F(LuaEscape, EndlessTailCallsAreStopped) {
  expect_stopped("local function f() return f() end f()", "instruction budget", kSmallBudget);
}

TEST_F(LuaEscape, EndlessMetamethodIsStopped) {
  expect_stopped("local t = setmetatable({}, {__index = function(t, k) while true do end end}) local _ = t.x",
                 "instruction budget", kSmallBudget);
}

TEST_F(LuaEscape, PcallInAnEndlessLoopCannotSwallowTheBudget) {
  expect_stopped("for i = 1, 10 do pcall(error) end while true do pcall(function() while true do end end) end",
                 "instruction budget", kSmallBudget);
}

TEST_F(LuaEscape, NoXpcallWhoseHandlerCouldOutliveTheBudget) {
  expect_stopped("local ok = xpcall(function() while true do end end, function() while true do end end)",
                 "global 'xpcall'", kSmallBudget);
}

TEST_F(LuaEscape, FinalizersCannotBeSetUp) {
  // Finalizers run with hooks off, out of the budget's reach: they cannot be set up at all.
  expect_stopped("setmetatable({}, {__gc = function() while true do end end})",
                 "setmetatable: __gc finalizers are not allowed in rule scripts", kSmallBudget);
  expect_stopped("local mt = {__gc = true} setmetatable({}, mt) mt.__gc = function() while true do end end",
                 "__gc finalizers are not allowed", kSmallBudget);
}

TEST_F(LuaEscape, BacktrackingPatternsCannotRunPastTheBudget) {
  // The matcher runs in C, out of the instruction hook's reach: 2^40 steps unless refused.
  auto start = std::chrono::steady_clock::now();
  expect_stopped("local s = string.rep('a', 40) string.find(s, string.rep('a?', 40) .. s)",
                 "string.find: a pattern with 40 repetitions over a 40-byte string may take about");
  expect_stopped("local s = string.rep('a', 5000) .. 'c' for _ in s:gmatch('a*a*a*b') do end",
                 "string.gmatch: a pattern with 3 repetitions over a 5001-byte string");
  expect_stopped("local s = string.rep('a', 5000) s:gsub('.-.-.-b', '')", "more than the instruction budget of 20000000");
  expect_stopped("local s = string.rep('a', 5000) s:match('(.*)(.*)(.*)b')", "string.match:");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  // What rules do stays allowed: short subjects, plain finds, a repetition over a long string.
  LuaSandbox lua({20'000'000, 64u << 20});
  lua.run_file(write("ok.lua", R"(
    assert(("onnx.Relu"):match("^onnx%.(.*)$") == "Relu")
    assert(("a b c"):gsub(" ", "_") == "a_b_c")
    local n = 0 for w in ("conv1/weight/read"):gmatch("[^/]+") do n = n + 1 end assert(n == 3)
    local long = string.rep("x", 100000) .. "needle"
    assert(long:find("needle", 1, true) == 100001)
    assert(#long:gsub("%s+", "") == #long)
    assert(("[%]*"):find("[%]*", 1, true) == 1)
  )"),
               "ext/ok.lua");
}

TEST_F(LuaEscape, HugeStringsHitTheMemoryCap) {
  const LuaLimits capped{1'000'000'000, 16u << 20};
  std::string rep = fails("local s = string.rep('x', 1 << 30)", capped);
  EXPECT_NE(rep.find("memory cap of 16 MiB exceeded"), std::string::npos) << rep;
  std::string concat = fails("local s = 'x' while true do s = s .. s end", capped);
  EXPECT_NE(concat.find("memory cap of 16 MiB exceeded"), std::string::npos) << concat;
  std::string table_concat = fails("local t = {} for i = 1, 64 do t[i] = string.rep('y', 1 << 20) end "
                                   "local s = table.concat(t)", capped);
  EXPECT_NE(table_concat.find("memory cap of 16 MiB exceeded"), std::string::npos) << table_concat;
  // A string too long for Lua itself is a plain error.
  expect_stopped("local s = string.rep('x', math.maxinteger)", "resulting string too large", capped);
}

TEST_F(LuaEscape, ErrorsInsideMetamethodsAreOrdinaryErrors) {
  expect_stopped("local t = setmetatable({}, {__index = function() error('from __index') end}) local _ = t.x",
                 "ext/s.lua:1: from __index");
  expect_stopped("local t = setmetatable({}, {__newindex = function() error('from __newindex') end}) t.x = 1",
                 "from __newindex");
  expect_stopped("local t = setmetatable({}, {__tostring = function() error('from __tostring') end}) print(t)",
                 "from __tostring");
  expect_stopped("local t = setmetatable({}, {__tostring = function() return {} end}) print(t)",
                 "'__tostring' must return a string");
  expect_stopped("local t = setmetatable({}, {__add = function() error('from __add') end}) local _ = t + 1",
                 "from __add");
  expect_stopped("local t = setmetatable({}, {__eq = function() error('from __eq') end}) "
                 "local _ = t == setmetatable({}, getmetatable(t))",
                 "from __eq");
  expect_stopped("do local x <close> = setmetatable({}, {__close = function() error('from __close') end}) end",
                 "from __close");
  expect_stopped("local x <close> = 42", "variable 'x' got a non-closable value");
  expect_stopped("setmetatable({}, {__gc = function() error('from __gc') end})", "__gc finalizers are not allowed");
}

}  // namespace
}  // namespace remo
