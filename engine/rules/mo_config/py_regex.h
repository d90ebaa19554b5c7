#pragma once
// Node-name patterns of mo's transformations configs. mo compiles them with Python's `re` and
// tests them with re.match: anchored at the start of the name, not at the end (unless the
// pattern ends with '$'). std::regex (ECMAScript) with match_continuous gives the same anchoring.
//
// Dialect differences are handled where Python names can reasonably use them: `\A` and `\Z`
// become `^` and `$`, and a named group `(?P<name>...)` becomes a plain group. Constructs
// ECMAScript lacks (look-behind, `(?P=name)`, inline flags such as `(?i)`) are refused with an
// error naming the pattern, never matched differently.
#include <regex>
#include <string>

namespace remo {

class PyRegex {
 public:
  PyRegex() = default;
  // Throws remo::Error("pattern '...': why") when the pattern does not compile.
  explicit PyRegex(const std::string& pattern);

  const std::string& pattern() const { return pattern_; }
  // Python re.match(pattern, text) is not None.
  bool match(const std::string& text) const;

 private:
  std::string pattern_;
  std::regex regex_;
};

}  // namespace remo
