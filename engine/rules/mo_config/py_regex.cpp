#include "engine/rules/mo_config/py_regex.h"

#include <cctype>

#include "engine/graph/error.h"

namespace remo {
namespace {

// Rewrites the Python-only spellings that have an exact ECMAScript equivalent.
std::string to_ecmascript(const std::string& p) {
  std::string out;
  out.reserve(p.size());
  for (size_t i = 0; i < p.size(); ++i) {
    char c = p[i];
    if (c == '\\' && i + 1 < p.size()) {
      char next = p[++i];
      if (next == 'A') {
        out.push_back('^');
      } else if (next == 'Z') {
        out.push_back('$');
      } else {
        out.push_back('\\');
        out.push_back(next);
      }
      continue;
    }
    if (p.compare(i, 4, "(?P<") == 0) {
      size_t close = p.find('>', i + 4);
      if (close == std::string::npos) throw Error("unterminated group name");
      out.push_back('(');
      i = close;
      continue;
    }
    if (p.compare(i, 4, "(?P=") == 0) throw Error("named back-references (?P=name) are not supported");
    if (p.compare(i, 4, "(?<=") == 0 || p.compare(i, 4, "(?<!") == 0)
      throw Error("look-behind assertions are not supported");
    if (p.compare(i, 2, "(?") == 0 && i + 2 < p.size() && std::isalpha(static_cast<unsigned char>(p[i + 2])))
      throw Error("inline flags such as (?i) are not supported");
    out.push_back(c);
  }
  return out;
}

}  // namespace

namespace {
// A quantifier applied to a quantifier ("a**", ".*+"): Python refuses it ("multiple repeat", or
// a possessive form ECMAScript lacks), while std::regex would accept it and backtrack without
// end (found by fuzz_mo_config). Lazy forms ("*?", "+?", "??", "}?") are fine.
void refuse_repeated_quantifiers(const std::string& p) {
  bool in_class = false;
  for (size_t i = 0; i + 1 < p.size(); ++i) {
    const char c = p[i];
    if (c == '\\') { ++i; continue; }
    if (in_class) { in_class = c != ']'; continue; }
    if (c == '[') { in_class = true; continue; }
    const bool quantifier = c == '*' || c == '+' || c == '?' || c == '}';
    const char next = p[i + 1];
    if (quantifier && (next == '*' || next == '+' || next == '{'))
      throw Error(std::string("multiple repeat at position ") + std::to_string(i + 1) +
                  " (a quantifier after a quantifier)");
  }
}
}  // namespace

PyRegex::PyRegex(const std::string& pattern) : pattern_(pattern) {
  try {
    refuse_repeated_quantifiers(pattern);
    regex_ = std::regex(to_ecmascript(pattern), std::regex::ECMAScript | std::regex::optimize);
  } catch (const std::regex_error& e) {
    throw Error("pattern '" + pattern + "': not a valid regular expression (" + e.what() + ")");
  } catch (const Error& e) {
    throw Error("pattern '" + pattern + "': " + e.what());
  }
}

bool PyRegex::match(const std::string& text) const {
  return std::regex_search(text, regex_, std::regex_constants::match_continuous);
}

}  // namespace remo
