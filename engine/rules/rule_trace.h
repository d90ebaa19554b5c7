#pragma once
// RuleTrace: what --trace-rules and --explain collect while rules run. Each rule application is
// printed as it happens (when a log stream is given); counts and time per rule are kept for a
// summary table; an --explain request is answered at the end of the phase its rule belongs to.
#include <cstddef>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

namespace remo {

class RuleTrace {
 public:
  struct Application {
    std::string phase, rule, node;
  };
  struct Stats {
    std::string phase;
    size_t attempts = 0;  // match attempts (a translation counts as one applied attempt)
    size_t applied = 0;
    double seconds = 0;   // matching and rewriting
  };

  // `log` receives one line per application; nullptr records silently.
  explicit RuleTrace(std::ostream* log = nullptr) : log_(log) {}

  // One rule application in `phase` at the root node named `node`, taking `seconds`.
  void applied(const std::string& phase, const std::string& rule, const std::string& node, double seconds);
  // One failed match attempt of `rule`, taking `seconds`.
  void attempted(const std::string& phase, const std::string& rule, double seconds);
  // `count` nodes translated by `rule` (a framework op's translation) taking `seconds` in total.
  void translated(const std::string& rule, size_t count, double seconds);

  const std::vector<Application>& applications() const { return applications_; }
  const std::map<std::string, Stats>& stats() const { return stats_; }
  // The table: rule, phase, applied, attempts, time in ms; busiest rules first.
  void write_summary(std::ostream& out) const;

  // Asks the phase driver to explain, at the end of RULE's phase, why RULE does not match at NODE.
  void request_explain(const std::string& rule, const std::string& node);
  const std::string& explain_rule() const { return explain_rule_; }
  const std::string& explain_node() const { return explain_node_; }
  // The answer, once the phase holding the rule has run; nullopt before (or if no phase had it).
  const std::optional<std::string>& explanation() const { return explanation_; }
  void set_explanation(std::string text) { explanation_ = std::move(text); }

 private:
  std::ostream* log_;
  std::vector<Application> applications_;
  std::map<std::string, Stats> stats_;
  std::string explain_rule_, explain_node_;
  std::optional<std::string> explanation_;
};

}  // namespace remo
