#include "engine/lua/sandbox.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "engine/graph/error.h"
#include "engine/lua/lua_pattern_guard.h"

namespace remo {
namespace {

constexpr int kHookEvery = 1000;  // instructions between budget checks
const char kSandboxKey = 0;      // registry key (its address) for the owning sandbox

// Replaces print: scripts may log, to stderr, never to stdout where remo prints results.
int lua_log(lua_State* L) {
  int n = lua_gettop(L);
  std::string line = "[lua] ";
  for (int i = 1; i <= n; ++i) {
    size_t len = 0;
    const char* s = luaL_tolstring(L, i, &len);
    if (i > 1) line += '\t';
    line.append(s, len);
    lua_pop(L, 1);
  }
  std::fprintf(stderr, "%s\n", line.c_str());
  return 0;
}

int message_handler(lua_State* L) {
  const char* msg = lua_tostring(L, 1);
  if (!msg) msg = luaL_tolstring(L, 1, nullptr);
  luaL_traceback(L, L, msg, 1);
  return 1;
}

// Builds the function that makes each script file's _ENV (trusted code, run once per sandbox).
// A file's environment reads through to the globals but writes only to itself; its `_G` is
// itself; the libraries it sees (and the remo API table) are read-only views of its own, so no
// file can change what string.format or remo.op mean for another (even with rawset); and
// neither the environment's metatable nor the string metatable can be fetched, so
// `getmetatable('').__index` cannot be used to rewire string methods for everyone.
constexpr const char* kEnvironmentFactory = R"lua(
local globals, setmetatable, error, tostring, rawget, rawset, type, ipairs = ...
local metas = {}
local function view_meta(name)  -- the metatable of read-only views of globals[name]
  local lib = rawget(globals, name)
  if type(lib) ~= "table" then return nil end
  local meta = metas[name]
  if not meta or meta.__index ~= lib then
    meta = {__index = lib, __metatable = false, __newindex = function(_, key)
      error("the " .. name .. " library is read-only (assigning " .. name .. "." .. tostring(key) .. ")", 2)
    end}
    metas[name] = meta
  end
  return meta
end
getmetatable("").__metatable = false
local env_meta = {__index = globals, __metatable = false}
return function()
  local env = setmetatable({}, env_meta)
  env._G = env
  for _, name in ipairs({"string", "table", "math", "utf8", "remo"}) do
    local meta = view_meta(name)
    if meta then rawset(env, name, setmetatable({}, meta)) end
  end
  return env
end
)lua";

// Protected body of run_file: arg 1 is the loaded chunk, upvalue 1 the environment factory.
int run_chunk_in_new_environment(lua_State* L) {
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_call(L, 0, 1);
  if (!lua_setupvalue(L, 1, 1)) lua_pop(L, 1);
  lua_call(L, 0, 0);
  return 0;
}

// setmetatable, refusing metatables with a __gc field: Lua runs finalizers with hooks switched
// off, so a finalizer would run outside the instruction budget (an endless one would hang remo).
// Lua only registers a finalizer when the metatable has __gc at this moment, so checking here is
// enough. Upvalue 1: the original setmetatable.
int setmetatable_without_gc(lua_State* L) {
  // The argument checks here, so that their messages name setmetatable and the script's line.
  luaL_checktype(L, 1, LUA_TTABLE);
  luaL_argexpected(L, lua_type(L, 2) == LUA_TNIL || lua_type(L, 2) == LUA_TTABLE, 2, "nil or table");
  if (lua_type(L, 2) == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    const bool has_gc = lua_rawget(L, 2) != LUA_TNIL;
    lua_pop(L, 1);
    if (has_gc)
      return luaL_error(L, "setmetatable: __gc finalizers are not allowed in rule scripts "
                           "(they would run outside the instruction budget)");
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

void open_library(lua_State* L, const char* name, lua_CFunction open) {
  luaL_requiref(L, name, open, 1);
  lua_pop(L, 1);
}

}  // namespace

LuaSandbox& sandbox_of(lua_State* L) {
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kSandboxKey);
  auto* self = static_cast<LuaSandbox*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  return *self;
}

void* LuaSandbox::allocate(void* ud, void* ptr, size_t osize, size_t nsize) {
  auto* self = static_cast<LuaSandbox*>(ud);
  size_t old_size = ptr ? osize : 0;  // for a new block, osize encodes the object kind
  if (nsize == 0) {
    self->allocated_ -= old_size;
    std::free(ptr);
    return nullptr;
  }
  if (nsize > old_size && self->allocated_ - old_size + nsize > self->limits_.memory_bytes)
    return nullptr;  // Lua turns this into a memory error after an emergency collection
  void* p = std::realloc(ptr, nsize);
  if (p) self->allocated_ = self->allocated_ - old_size + nsize;
  return p;
}

void LuaSandbox::count_hook(lua_State* L, lua_Debug*) {
  LuaSandbox& self = sandbox_of(L);
  self.instructions_ += kHookEvery;
  // Once over budget, every later instruction fails again, so a script's own pcall cannot
  // swallow the error and carry on.
  if (self.instructions_ > self.limits_.instructions_per_call) {
    lua_sethook(L, &LuaSandbox::count_hook, LUA_MASKCOUNT, 1);
    luaL_error(L, "instruction budget of %I exceeded (an endless loop?)",
               static_cast<lua_Integer>(self.limits_.instructions_per_call));
  }
}

LuaSandbox::LuaSandbox(LuaLimits limits) : limits_(limits) {
  L_ = lua_newstate(&LuaSandbox::allocate, this);
  if (!L_) throw Error("cannot create a Lua state");
  lua_pushlightuserdata(L_, this);
  lua_rawsetp(L_, LUA_REGISTRYINDEX, &kSandboxKey);
  open_library(L_, LUA_GNAME, luaopen_base);
  open_library(L_, LUA_STRLIBNAME, luaopen_string);
  open_library(L_, LUA_TABLIBNAME, luaopen_table);
  open_library(L_, LUA_MATHLIBNAME, luaopen_math);
  open_library(L_, LUA_UTF8LIBNAME, luaopen_utf8);
  lua_pushglobaltable(L_);
  // Anything that reaches files, loads code or bytecode, or steers the collector goes; so does
  // xpcall, whose message handler would run again for every error the exhausted budget raises
  // inside it, without end (pcall remains).
  for (const char* name : {"dofile", "loadfile", "load", "collectgarbage", "require", "xpcall"}) {
    lua_pushnil(L_);
    lua_setfield(L_, -2, name);
  }
  lua_pushcfunction(L_, lua_log);
  lua_setfield(L_, -2, "print");
  lua_getfield(L_, -1, "setmetatable");
  lua_pushcclosure(L_, setmetatable_without_gc, 1);
  lua_setfield(L_, -2, "setmetatable");
  lua_getfield(L_, -1, "string");
  lua_pushnil(L_);
  lua_setfield(L_, -2, "dump");
  lua_pop(L_, 1);
  install_pattern_guard(L_, limits_.instructions_per_call);
  globals_ref_ = luaL_ref(L_, LUA_REGISTRYINDEX);
  if (luaL_loadbufferx(L_, kEnvironmentFactory, std::strlen(kEnvironmentFactory), "=sandbox", "t") != LUA_OK) {
    lua_close(L_);
    throw Error("cannot build the Lua sandbox environment");
  }
  push_globals();
  lua_getglobal(L_, "setmetatable");
  lua_getglobal(L_, "error");
  for (const char* name : {"tostring", "rawget", "rawset", "type", "ipairs"}) lua_getglobal(L_, name);
  if (lua_pcall(L_, 8, 1, 0) != LUA_OK) {
    std::string message = lua_tostring(L_, -1) ? lua_tostring(L_, -1) : "unknown error";
    lua_close(L_);
    throw Error("cannot build the Lua sandbox environment: " + message);
  }
  env_factory_ref_ = luaL_ref(L_, LUA_REGISTRYINDEX);
  lua_sethook(L_, &LuaSandbox::count_hook, LUA_MASKCOUNT, kHookEvery);
}

void LuaSandbox::push_new_environment() {
  lua_rawgeti(L_, LUA_REGISTRYINDEX, env_factory_ref_);
  lua_call(L_, 0, 1);
}

LuaSandbox::~LuaSandbox() {
  if (L_) lua_close(L_);
}

void LuaSandbox::push_globals() { lua_rawgeti(L_, LUA_REGISTRYINDEX, globals_ref_); }

void LuaSandbox::protected_call(int nargs, int nresults, const std::string& what) {
  int base = lua_gettop(L_) - nargs;  // index of the function
  lua_pushcfunction(L_, message_handler);
  lua_insert(L_, base);
  // A call may run inside another (a translation translating a body): the inner call gets its
  // own budget, and the outer one resumes with what it had used, so it cannot escape its own.
  const auto outer_instructions = instructions_;
  instructions_ = 0;
  lua_sethook(L_, &LuaSandbox::count_hook, LUA_MASKCOUNT, kHookEvery);
  int status = lua_pcall(L_, nargs, nresults, base);
  instructions_ = outer_instructions;
  lua_remove(L_, base);
  if (status == LUA_OK) return;
  std::string message;
  if (status == LUA_ERRMEM) {
    message = "memory cap of " + std::to_string(limits_.memory_bytes >> 20) + " MiB exceeded";
  } else {
    const char* m = lua_tostring(L_, -1);
    message = m ? m : "error object is not a string";
  }
  lua_pop(L_, 1);
  throw Error(what.empty() ? message : what + ": " + message);
}

void LuaSandbox::call(int nargs, int nresults) { protected_call(nargs, nresults, ""); }

void LuaSandbox::run_file(const std::string& path, const std::string& chunk_name) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(chunk_name + ": cannot read the file");
  std::stringstream text;
  text << in.rdbuf();
  std::string source = text.str();
  std::string chunk = "@" + chunk_name;
  int status = luaL_loadbufferx(L_, source.data(), source.size(), chunk.c_str(), "t");
  if (status != LUA_OK) {
    std::string message = lua_tostring(L_, -1) ? lua_tostring(L_, -1) : "cannot load";
    lua_pop(L_, 1);
    throw Error(message);
  }
  // The chunk runs in an environment of its own (see kEnvironmentFactory), made inside the
  // protected call so that even running out of memory there is an ordinary error.
  lua_rawgeti(L_, LUA_REGISTRYINDEX, env_factory_ref_);
  lua_pushcclosure(L_, run_chunk_in_new_environment, 1);
  lua_insert(L_, -2);
  protected_call(1, 0, "");
}

}  // namespace remo
