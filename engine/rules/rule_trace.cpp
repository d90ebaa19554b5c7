#include "engine/rules/rule_trace.h"

#include <algorithm>
#include <cstdio>

namespace remo {

void RuleTrace::applied(const std::string& phase, const std::string& rule, const std::string& node, double seconds) {
  applications_.push_back(Application{phase, rule, node});
  Stats& s = stats_[rule];
  s.phase = phase;
  ++s.attempts;
  ++s.applied;
  s.seconds += seconds;
  if (log_) *log_ << "[rules] " << phase << ": " << rule << " at '" << node << "'\n";
}

void RuleTrace::attempted(const std::string& phase, const std::string& rule, double seconds) {
  Stats& s = stats_[rule];
  s.phase = phase;
  ++s.attempts;
  s.seconds += seconds;
}

void RuleTrace::translated(const std::string& rule, size_t count, double seconds) {
  Stats& s = stats_[rule];
  s.phase = "translate";
  s.attempts += count;
  s.applied += count;
  s.seconds += seconds;
}

void RuleTrace::write_summary(std::ostream& out) const {
  std::vector<std::pair<std::string, Stats>> rows(stats_.begin(), stats_.end());
  std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.second.applied != b.second.applied ? a.second.applied > b.second.applied : a.second.seconds > b.second.seconds;
  });
  size_t width = 4;
  for (const auto& [name, s] : rows) width = std::max(width, name.size());
  char line[160];
  std::snprintf(line, sizeof line, "%-*s  %-9s %8s %9s %10s\n", static_cast<int>(width), "rule", "phase", "applied",
                "attempts", "time ms");
  out << line;
  size_t applied = 0;
  double seconds = 0;
  for (const auto& [name, s] : rows) {
    std::snprintf(line, sizeof line, "%-*s  %-9s %8zu %9zu %10.3f\n", static_cast<int>(width), name.c_str(),
                  s.phase.c_str(), s.applied, s.attempts, s.seconds * 1e3);
    out << line;
    applied += s.applied;
    seconds += s.seconds;
  }
  std::snprintf(line, sizeof line, "%-*s  %-9s %8zu %9s %10.3f\n", static_cast<int>(width), "total", "", applied, "",
                seconds * 1e3);
  out << line;
}

void RuleTrace::request_explain(const std::string& rule, const std::string& node) {
  explain_rule_ = rule;
  explain_node_ = node;
  explanation_.reset();
}

}  // namespace remo
