#include "engine/rules/rule_set.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "engine/graph/error.h"
#include "engine/rules/json_translation.h"

namespace remo {
namespace fs = std::filesystem;

namespace {

std::vector<fs::path> rule_files(const fs::path& folder) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::recursive_directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
    if (it->is_directory() && it->path().filename() == "lib") {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    auto ext = it->path().extension();
    bool test = it->path().filename().string().ends_with(".test.json");  // rule tests, not rules
    if ((ext == ".json" && !test) || ext == ".lua") files.push_back(it->path());
  }
  if (ec) throw Error(folder.string() + ": cannot list rule files: " + ec.message());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

namespace {

// A built-in folder: $ENV, else <exe>/../share/remo/NAME, else the source tree's NAME.
std::string builtin_data_folder(const char* env_name, const char* name) {
  if (const char* env = std::getenv(env_name); env && *env) return env;
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = exe.parent_path().parent_path() / "share" / "remo" / name;
    if (fs::is_directory(installed, ec)) return installed.string();
  }
  return std::string(REMO_SOURCE_RULES_DIR) + "/" + name;
}

}  // namespace

std::string RuleSet::builtin_folder() { return builtin_data_folder("REMO_RULES_DIR", "rules"); }
std::string RuleSet::builtin_scripts_folder() { return builtin_data_folder("REMO_SCRIPTS_DIR", "scripts"); }
std::string RuleSet::builtin_configs_folder() { return builtin_data_folder("REMO_CONFIGS_DIR", "configs"); }

RuleSet::RuleSet(const std::vector<std::string>& folders, LuaLimits limits)
    : folders_(folders), lua_(std::make_unique<LuaSandbox>(limits)) {
  install_lua_api(*lua_, &registrations_);
  install_require();
  for (const std::string& folder : folders) {
    std::error_code ec;
    if (!fs::is_directory(folder, ec)) throw Error(folder + ": rule folder does not exist");
    fs::path base = fs::path(folder).lexically_normal();
    for (const fs::path& file : rule_files(base)) {
      // Messages name a file by its folder's last component and its path inside: "rules/onnx/conv.lua".
      std::string display = (base.filename().empty() ? base.parent_path().filename() : base.filename()).string() +
                            "/" + file.lexically_relative(base).string();
      if (file.extension() == ".json") load_json(file.string(), display);
      else load_lua(file.string(), display);
    }
  }
  // Lua replacements may be registered in any file, before or after the pattern that names them.
  for (const auto& [name, rule] : patterns_)
    if (!rule.replacement.lua.empty() && !find_rewrite(rule.replacement.lua))
      throw Error(rule.replacement.path + ".lua: no function registered with remo.rewrite(\"" +
                  rule.replacement.lua + "\", fn) in any rule file");
}

const LuaRewrite* RuleSet::find_rewrite(const std::string& name) const {
  for (auto it = registrations_.rewrites.rbegin(); it != registrations_.rewrites.rend(); ++it)
    if (it->name == name) return &*it;
  return nullptr;
}

void RuleSet::load_json(const std::string& path, const std::string& display) {
  for (auto& [op, t] : parse_json_rule_file(path, display)) translators_[op] = std::move(t);
  for (auto& rule : parse_pattern_rules(path, display)) patterns_[rule.name] = std::move(rule);
}

void RuleSet::load_lua(const std::string& path, const std::string& display) {
  size_t before = registrations_.translations.size();
  lua_->run_file(path, display);
  for (size_t i = before; i < registrations_.translations.size(); ++i) {
    const LuaTranslation& r = registrations_.translations[i];
    Translator t;
    t.op = r.op;
    t.where = r.where;
    t.lua_function = r.function_ref;
    translators_[r.op] = std::move(t);
  }
}

namespace {
const char kRuleSetKey = 0;
const char kModulesKey = 0;
}  // namespace

void RuleSet::install_require() {
  lua_State* L = lua_->state();
  lua_pushlightuserdata(L, this);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kRuleSetKey);
  lua_newtable(L);
  lua_rawsetp(L, LUA_REGISTRYINDEX, &kModulesKey);
  lua_->push_globals();
  lua_pushcfunction(L, &RuleSet::lua_require);
  lua_setfield(L, -2, "require");
  lua_pop(L, 1);
}

// require("onnx_helpers") loads lib/onnx_helpers.lua from the first rule folder that has it,
// once; only names of letters, digits, '_' and '.' (a dot is a folder separator) are accepted,
// so no script can reach a file outside the rule folders.
int RuleSet::lua_require(lua_State* L) {
  std::string name = luaL_checkstring(L, 1);
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.')
      return luaL_error(L, "require('%s'): module names use letters, digits, '_' and '.'", name.c_str());
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kModulesKey);
  lua_getfield(L, -1, name.c_str());
  if (!lua_isnil(L, -1)) return 1;
  lua_pop(L, 1);
  lua_rawgetp(L, LUA_REGISTRYINDEX, &kRuleSetKey);
  auto* self = static_cast<RuleSet*>(lua_touserdata(L, -1));
  lua_pop(L, 1);
  std::string relative = name;
  std::replace(relative.begin(), relative.end(), '.', '/');
  relative = "lib/" + relative + ".lua";
  // Later folders override earlier ones, as for rules.
  for (auto it = self->folders_.rbegin(); it != self->folders_.rend(); ++it) {
    fs::path file = fs::path(*it) / relative;
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) continue;
    std::string display = fs::path(*it).lexically_normal().filename().string() + "/" + relative;
    std::ifstream in(file, std::ios::binary);
    std::string source((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::string chunk = "@" + display;
    if (luaL_loadbufferx(L, source.data(), source.size(), chunk.c_str(), "t") != LUA_OK) return lua_error(L);
    self->lua_->push_new_environment();  // the module's own _ENV, reading through to the globals
    if (!lua_setupvalue(L, -2, 1)) lua_pop(L, 1);
    lua_call(L, 0, 1);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      lua_pushboolean(L, 1);
    }
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, name.c_str());
    return 1;
  }
  return luaL_error(L, "require('%s'): no %s in any rule folder", name.c_str(), relative.c_str());
}

const Translator* RuleSet::find_translator(const std::string& op) const {
  auto it = translators_.find(op);
  return it == translators_.end() ? nullptr : &it->second;
}

}  // namespace remo
