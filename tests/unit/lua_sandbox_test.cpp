#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "engine/graph/error.h"
#include "engine/lua/sandbox.h"
#include "tests/unit/test_support.h"

namespace remo {
namespace {

namespace fs = std::filesystem;

// ctest runs tests in parallel processes, so each test writes into a folder of its own.
std::string write_script(const std::string& name, const std::string& text) {
  static testing_support::ScratchDir dir("remo_lua_sandbox");
  fs::path file = dir.path() / name;
  std::ofstream(file) << text;
  return file.string();
}

std::string run_and_fail(LuaSandbox& lua, const std::string& text) {
  std::string path = write_script("s.lua", text);
  try {
    lua.run_file(path, "ext/s.lua");
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "script ran without error: " << text;
  return "";
}

TEST(LuaSandbox, EndlessLoopHitsTheInstructionBudget) {
  LuaSandbox lua(LuaLimits{1'000'000, 64u << 20});
  EXPECT_NE(run_and_fail(lua, "while true do end").find("instruction budget"), std::string::npos);
}

TEST(LuaSandbox, PcallCannotSwallowTheBudget) {
  LuaSandbox lua(LuaLimits{1'000'000, 64u << 20});
  std::string msg = run_and_fail(lua, "for i = 1, 100 do pcall(function() while true do end end) end");
  EXPECT_NE(msg.find("instruction budget"), std::string::npos) << msg;
}

TEST(LuaSandbox, AllocationWithoutEndHitsTheMemoryCap) {
  LuaSandbox lua(LuaLimits{1'000'000'000, 16u << 20});
  std::string msg = run_and_fail(lua, "local t = {} local s = 'x' while true do s = s .. s t[#t+1] = s end");
  EXPECT_NE(msg.find("memory cap"), std::string::npos) << msg;
  // The state is still usable afterwards.
  lua.run_file(write_script("ok.lua", "local x = 1 + 1"), "ext/ok.lua");
}

TEST(LuaSandbox, NoFileOrProcessAccess) {
  LuaSandbox lua;
  for (const char* code : {"io.open('/etc/passwd')", "os.execute('true')", "dofile('/etc/passwd')",
                           "loadfile('/etc/passwd')", "load('return 1')", "require('os')",
                           "string.dump(print)", "collectgarbage()", "debug.getinfo(1)"}) {
    std::string msg = run_and_fail(lua, code);
    EXPECT_NE(msg.find("ext/s.lua:1:"), std::string::npos) << code << " -> " << msg;
  }
}

TEST(LuaSandbox, ErrorsCarryFileLineAndTraceback) {
  LuaSandbox lua;
  std::string msg = run_and_fail(lua, "local function f()\n  error('boom')\nend\nf()\n");
  EXPECT_NE(msg.find("ext/s.lua:2: boom"), std::string::npos) << msg;
  EXPECT_NE(msg.find("stack traceback"), std::string::npos) << msg;
}

TEST(LuaSandbox, BytecodeIsRefused) {
  LuaSandbox lua;
  std::string path = write_script("b.lua", std::string("\x1bLua\x54\x00", 6));
  EXPECT_THROW(lua.run_file(path, "ext/b.lua"), Error);
}

TEST(LuaSandbox, FilesDoNotSeeEachOthersGlobals) {
  LuaSandbox lua;
  lua.run_file(write_script("a.lua", "shared_value = 42"), "ext/a.lua");
  std::string msg = run_and_fail(lua, "if shared_value ~= nil then error('leaked') end error('clean')");
  EXPECT_NE(msg.find("clean"), std::string::npos) << msg;
}

}  // namespace
}  // namespace remo
