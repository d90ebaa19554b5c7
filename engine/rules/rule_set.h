#pragma once
// RuleSet: every rule file found on the search path, loaded once per conversion. The search path
// is the built-in rules/ folder, then each --extensions folder in the order given; a later
// translation of the same framework op overrides an earlier one.
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/graph/attribute.h"
#include "engine/lua/lua_api.h"
#include "engine/lua/sandbox.h"
#include "engine/rules/pattern.h"

namespace remo {

// One attribute of a JSON translation: a fixed value, or copied from the framework attribute.
struct JsonAttr {
  std::optional<AttrValue> fixed;
  std::string from;                        // framework attribute name, when not fixed
  std::optional<AttrValue> default_value;  // used when the framework node lacks `from`
};

// A 1:1 translation from a JSON mapping table, valid for a range of framework opset versions.
struct JsonTranslation {
  std::string op;                  // opset op to create
  std::optional<std::vector<int>> inputs;  // framework input indices (0-based); all when absent
  std::map<std::string, JsonAttr> attrs;
  int64_t min_opset = 0;
  int64_t max_opset = INT64_MAX;
};

struct Translator {
  std::string op;     // framework op it translates
  std::string where;  // file (and line) it came from, for messages and traces
  std::vector<JsonTranslation> json;  // non-empty for a JSON translation
  int lua_function = LUA_NOREF;       // a Lua translation otherwise
};

class RuleSet {
 public:
  // Loads every *.json and *.lua file under each folder (recursively, in sorted path order),
  // except those under a folder named "lib": those are modules that rules load with require(),
  // and rule tests (*.test.json, see engine/rules/rule_tests.h).
  // Throws remo::Error naming the file (and line) of the first broken rule.
  explicit RuleSet(const std::vector<std::string>& folders, LuaLimits limits = {});

  const Translator* find_translator(const std::string& op) const;
  // Lua whole-graph passes (remo.pass), in registration order; run them with run_lua_pass
  // (engine/rules/lua_pass.h).
  const std::vector<LuaPass>& lua_passes() const { return registrations_.passes; }
  // Custom ops declared with remo.custom_op; make_op and write_ir take this registry.
  const CustomOpRegistry& custom_ops() const { return registrations_.custom_ops; }
  // Pattern rules ("patterns" in JSON files) by name; a later file's rule of the same name wins.
  const std::map<std::string, PatternRule>& pattern_rules() const { return patterns_; }
  // The function registered with remo.rewrite(name, fn) (the last one of that name), or nullptr.
  const LuaRewrite* find_rewrite(const std::string& name) const;
  LuaSandbox& lua() { return *lua_; }
  // The built-in rules folder: $REMO_RULES_DIR, else <exe>/../share/remo/rules, else the source tree's.
  static std::string builtin_folder();
  // The built-in scripts/ folder (replacers that transformations configs name by id), searched
  // right after rules/, and configs/ (mo transformations configs); found the same way, with
  // $REMO_SCRIPTS_DIR / $REMO_CONFIGS_DIR first.
  static std::string builtin_scripts_folder();
  static std::string builtin_configs_folder();

 private:
  void load_json(const std::string& path, const std::string& display);
  void load_lua(const std::string& path, const std::string& display);
  void install_require();
  static int lua_require(lua_State* L);

  std::vector<std::string> folders_;

  std::unique_ptr<LuaSandbox> lua_;
  LuaRegistrations registrations_;
  std::map<std::string, Translator> translators_;
  std::map<std::string, PatternRule> patterns_;
};

}  // namespace remo
