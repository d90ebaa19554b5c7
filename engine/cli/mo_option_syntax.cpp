#include "engine/cli/mo_option_syntax.h"

#include <cctype>
#include <charconv>
#include <cstdlib>
#include <map>

#include "engine/graph/error.h"

namespace remo {
namespace {

std::string trim(const std::string& s) {
  size_t a = s.find_first_not_of(" \t");
  size_t b = s.find_last_not_of(" \t");
  return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

[[noreturn]] void fail(const std::string& option, const std::string& text, const std::string& expected) {
  throw Error(option + " '" + text + "': " + expected);
}

// Items of a bracket body, separated by commas and/or spaces.
std::vector<std::string> list_items(const std::string& body) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : body) {
    if (c == ',' || c == ' ' || c == '\t') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

bool parse_int(const std::string& t, int64_t& value) {
  auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), value);
  return !t.empty() && ec == std::errc() && end == t.data() + t.size();
}

double parse_number(const std::string& option, const std::string& whole, const std::string& t) {
  if (t == "True" || t == "true") return 1;
  if (t == "False" || t == "false") return 0;
  char* end = nullptr;
  double v = std::strtod(t.c_str(), &end);
  if (t.empty() || end != t.c_str() + t.size())
    fail(option, whole, "'" + t + "' is not a number");
  return v;
}

int64_t parse_dim(const std::string& option, const std::string& whole, const std::string& t) {
  if (t == "?" || t == "-1") return kDynamicDim;
  if (t.find("..") != std::string::npos)
    fail(option, whole, "dimension '" + t + "' is a range, which remo does not keep; use ? for a dynamic dimension");
  int64_t v = 0;
  if (!parse_int(t, v) || v < 0) fail(option, whole, "'" + t + "' is not a dimension (a number, -1 or ?)");
  return v;
}

// The text between `open` at position `at` and its matching `close`; advances `at` past it.
std::string bracket_body(const std::string& option, const std::string& whole, const std::string& s, size_t& at,
                         char open, char close) {
  size_t end = s.find(close, at);
  if (end == std::string::npos)
    fail(option, whole, "missing '" + std::string(1, close) + "' after '" + std::string(1, open) + "'");
  std::string body = s.substr(at + 1, end - at - 1);
  at = end + 1;
  return body;
}

// "name", "name:3" or "3:name" (the port side is all digits).
void split_port(const std::string& text, std::string& name, std::optional<int64_t>& out_port,
                std::optional<int64_t>& in_port) {
  name = text;
  size_t first = text.find(':');
  size_t last = text.rfind(':');
  int64_t port = 0;
  if (first != std::string::npos && parse_int(text.substr(0, first), port) && first + 1 < text.size()) {
    in_port = port;
    name = text.substr(first + 1);
  } else if (last != std::string::npos && last > 0 && parse_int(text.substr(last + 1), port)) {
    out_port = port;
    name = text.substr(0, last);
  }
}

std::vector<std::string> parse_one_layout(const std::string& option, const std::string& whole,
                                          const std::string& raw) {
  std::string t = trim(raw);
  std::vector<std::string> dims;
  if (t.empty()) fail(option, whole, "a layout is empty; expected letters such as nchw or [n,c,h,w]");
  if (t.find("...") != std::string::npos)
    fail(option, whole, "'" + t + "' uses '...', which remo does not support; name every axis");
  if (t.front() == '[') {
    if (t.back() != ']') fail(option, whole, "missing ']' in layout '" + t + "'");
    for (const std::string& item : list_items(t.substr(1, t.size() - 2))) dims.push_back(item);
  } else {
    for (char c : t) dims.emplace_back(1, c);
  }
  std::map<std::string, int> seen;
  for (std::string& d : dims) {
    for (char& c : d) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '?' && c != '_')
        fail(option, whole, "layout '" + t + "' has '" + std::string(1, c) + "'; expected letters, digits or ?");
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    if (d != "?" && seen[d]++) fail(option, whole, "layout '" + t + "' names axis " + d + " twice");
  }
  return dims;
}

}  // namespace

std::string layout_to_string(const std::vector<std::string>& layout) {
  std::string s = "[";
  for (size_t i = 0; i < layout.size(); ++i) s += (i ? "," : "") + layout[i];
  return s + "]";
}

std::vector<std::string> split_top_level(const std::string& text) {
  std::vector<std::string> out;
  std::string cur;
  int depth = 0;
  for (char c : text) {
    if (c == '[' || c == '(' || c == '{') ++depth;
    if (c == ']' || c == ')' || c == '}') --depth;
    if (c == ',' && depth <= 0) {
      out.push_back(trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(trim(cur));
  return out;
}

ElementType parse_type_option(const std::string& option, const std::string& text) {
  static const std::map<std::string, ElementType> aliases = {
      {"fp32", ElementType::f32},    {"float", ElementType::f32},   {"float32", ElementType::f32},
      {"fp16", ElementType::f16},    {"half", ElementType::f16},    {"float16", ElementType::f16},
      {"fp64", ElementType::f64},    {"double", ElementType::f64},  {"float64", ElementType::f64},
      {"int8", ElementType::i8},     {"int16", ElementType::i16},   {"int32", ElementType::i32},
      {"int64", ElementType::i64},   {"uint8", ElementType::u8},    {"uint16", ElementType::u16},
      {"uint32", ElementType::u32},  {"uint64", ElementType::u64},  {"bool", ElementType::boolean},
      {"boolean", ElementType::boolean}, {"bf16", ElementType::bf16}};
  std::string lower;
  for (char c : trim(text)) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (auto it = aliases.find(lower); it != aliases.end()) return it->second;
  if (auto t = parse_element_type(lower); t && *t != ElementType::dynamic && *t != ElementType::string) return *t;
  fail(option, text, "unknown element type; expected one of f32, f16, f64, i8, i16, i32, i64, u8, u16, u32, u64, boolean");
}

bool parse_bool_option(const std::string& option, const std::string& text) {
  if (text == "True" || text == "true" || text == "1" || text == "yes") return true;
  if (text == "False" || text == "false" || text == "0" || text == "no") return false;
  fail(option, text, "expected True or False");
}

std::vector<InputSpec> parse_input_option(const std::string& text) {
  const std::string option = "--input";
  std::vector<InputSpec> specs;
  for (const std::string& item : split_top_level(text)) {
    if (item.empty()) fail(option, text, "an input is empty; expected name[shape]{type}->value items separated by commas");
    InputSpec spec;
    spec.text = item;
    size_t at = item.find_first_of("[{");
    size_t arrow = item.find("->");
    size_t name_end = std::min(at, arrow);
    std::string name_part = trim(item.substr(0, name_end));
    if (name_part.empty()) fail(option, item, "the input has no name before its shape, type or value");
    split_port(name_part, spec.name, spec.output_port, spec.input_port);
    at = name_end;
    while (at < item.size()) {
      char c = item[at];
      if (c == '[') {
        if (spec.shape) fail(option, item, "gives two shapes");
        std::vector<int64_t> dims;
        for (const std::string& d : list_items(bracket_body(option, item, item, at, '[', ']')))
          dims.push_back(parse_dim(option, item, d));
        spec.shape = PartialShape(dims);
      } else if (c == '{') {
        if (spec.type) fail(option, item, "gives two types");
        spec.type = parse_type_option(option, bracket_body(option, item, item, at, '{', '}'));
      } else if (item.compare(at, 2, "->") == 0) {
        std::string v = trim(item.substr(at + 2));
        if (v.empty()) fail(option, item, "nothing after '->'; expected a value such as ->[1 2 3] or ->5");
        std::vector<double> values;
        if (v.front() == '[') {
          if (v.back() != ']') fail(option, item, "the value misses its closing ']'");
          for (const std::string& x : list_items(v.substr(1, v.size() - 2)))
            values.push_back(parse_number(option, item, x));
          if (values.empty()) fail(option, item, "the value is empty");
        } else {
          values.push_back(parse_number(option, item, v));
        }
        spec.value = std::move(values);
        at = item.size();
      } else if (c == ' ' || c == '\t') {
        ++at;
      } else {
        fail(option, item, "unexpected '" + std::string(1, c) + "'; expected [shape], {type} or ->value after the name");
      }
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

std::vector<OutputSpec> parse_output_option(const std::string& text) {
  std::vector<OutputSpec> specs;
  for (const std::string& item : split_top_level(text)) {
    if (item.empty()) fail("--output", text, "an output is empty; expected names separated by commas");
    OutputSpec spec;
    spec.text = item;
    split_port(item, spec.name, spec.output_port, spec.input_port);
    specs.push_back(std::move(spec));
  }
  return specs;
}

std::vector<InputValues> parse_input_values(const std::string& option, const std::string& text) {
  std::vector<InputValues> groups;
  std::string t = trim(text);
  if (t.empty()) fail(option, text, "no values; expected e.g. [123,117,104] or data[123,117,104]");
  if (t.find_first_of("[(") == std::string::npos) {  // "123,117,104": one unnamed group
    InputValues g;
    for (const std::string& x : list_items(t)) g.values.push_back(parse_number(option, text, x));
    groups.push_back(std::move(g));
    return groups;
  }
  for (const std::string& item : split_top_level(t)) {
    size_t open = item.find_first_of("[(");
    if (open == std::string::npos || item.empty())
      fail(option, item.empty() ? text : item, "expected name[values] or [values]");
    char close = item[open] == '[' ? ']' : ')';
    if (item.back() != close)
      fail(option, item, "expected the values to end with '" + std::string(1, close) + "'");
    InputValues g;
    g.input = trim(item.substr(0, open));
    for (const std::string& x : list_items(item.substr(open + 1, item.size() - open - 2)))
      g.values.push_back(parse_number(option, item, x));
    if (g.values.empty()) fail(option, item, "no values inside the brackets");
    groups.push_back(std::move(g));
  }
  return groups;
}

std::vector<LayoutSpec> parse_layout_option(const std::string& option, const std::string& text) {
  std::vector<LayoutSpec> specs;
  const bool arrows = option == "--layout";
  for (const std::string& item : split_top_level(text)) {
    if (item.empty()) fail(option, text, "a layout is empty; expected e.g. nchw, [n,c,h,w] or name(nchw)");
    LayoutSpec spec;
    std::string body = item;
    size_t open = item.find('(');
    if (open != std::string::npos) {
      if (item.back() != ')') fail(option, item, "expected name(layout) to end with ')'");
      spec.input = trim(item.substr(0, open));
      body = item.substr(open + 1, item.size() - open - 2);
      if (spec.input.empty()) fail(option, item, "no input name before '('");
    } else if (size_t bracket = item.find('['); bracket != std::string::npos && bracket > 0) {
      spec.input = trim(item.substr(0, bracket));  // name[n,c,h,w]
      body = item.substr(bracket);
    }
    size_t arrow = body.find("->");
    if (arrow != std::string::npos && !arrows)
      fail(option, item, "'->' belongs to --layout; " + option + " takes one layout per input");
    spec.source = parse_one_layout(option, item, arrow == std::string::npos ? body : body.substr(0, arrow));
    if (arrow != std::string::npos) {
      spec.target = parse_one_layout(option, item, body.substr(arrow + 2));
      if (spec.target.size() != spec.source.size())
        fail(option, item, "the two layouts have different ranks");
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

}  // namespace remo
