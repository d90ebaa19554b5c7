#include "engine/ir/ir_attr_text.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>

#include "engine/graph/error.h"

namespace remo {
namespace {

const char* kind_label(AttrKind kind) {
  switch (kind) {
    case AttrKind::Bool: return "a bool";
    case AttrKind::Int: return "an int";
    case AttrKind::Float: return "a float";
    case AttrKind::String: return "a string";
    case AttrKind::Ints: return "a list of ints";
    case AttrKind::Floats: return "a list of floats";
    case AttrKind::Strings: return "a list of strings";
    case AttrKind::Type: return "an element type";
    case AttrKind::Tensor: return "a tensor";
    case AttrKind::Graph: return "a graph";
  }
  return "?";
}

template <typename T>
const T& expect(AttrKind kind, const AttrValue& value) {
  if (const T* v = std::get_if<T>(&value)) return *v;
  throw Error(std::string("value is ") + attr_kind_name(value) + ", expected " + kind_label(kind));
}

template <typename T, typename Format>
std::string join(const std::vector<T>& items, Format format) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += format(items[i]);
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Pieces of a ", "-joined list, trimmed. The empty text is the empty list.
std::vector<std::string_view> split_list(std::string_view text) {
  std::vector<std::string_view> pieces;
  if (trim(text).empty()) return pieces;
  size_t start = 0;
  while (true) {
    size_t comma = text.find(',', start);
    pieces.push_back(trim(text.substr(start, comma - start)));
    if (comma == std::string_view::npos) return pieces;
    start = comma + 1;
  }
}

template <typename T>
T parse_number(std::string_view text, const char* what) {
  T value{};
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size())
    throw Error("'" + std::string(text) + "' is not " + what);
  return value;
}

template <typename T>
std::vector<T> parse_numbers(std::string_view text, const char* what) {
  std::vector<T> values;
  for (std::string_view piece : split_list(text)) values.push_back(parse_number<T>(piece, what));
  return values;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                    [](unsigned char x, unsigned char y) { return std::tolower(x) == std::tolower(y); });
}

}  // namespace

std::string format_double(double value) {
  // The OpenVINO reader parses numbers with operator>>, which reads "inf"/"nan" as a silent 0.
  if (!std::isfinite(value)) throw Error("the value " + std::to_string(value) + " cannot be written to an IR");
  char buf[32];
  auto result = std::to_chars(buf, buf + sizeof buf, value);
  return std::string(buf, result.ptr);
}

std::string join_dims(const std::vector<int64_t>& dims) {
  return join(dims, [](int64_t d) { return std::to_string(d); });
}

std::string format_attr_value(AttrKind kind, const AttrValue& value) {
  switch (kind) {
    case AttrKind::Bool: return expect<bool>(kind, value) ? "true" : "false";
    case AttrKind::Int: return std::to_string(expect<int64_t>(kind, value));
    case AttrKind::Float: return format_double(expect<double>(kind, value));
    case AttrKind::String: return expect<std::string>(kind, value);
    case AttrKind::Ints: return join_dims(expect<std::vector<int64_t>>(kind, value));
    case AttrKind::Floats: return join(expect<std::vector<double>>(kind, value), format_double);
    case AttrKind::Strings:
      return join(expect<std::vector<std::string>>(kind, value), [](const std::string& s) { return s; });
    case AttrKind::Type: return std::string(type_name(expect<ElementType>(kind, value)));
    case AttrKind::Tensor:
    case AttrKind::Graph: break;
  }
  throw Error("a tensor or graph attribute has no IR <data> spelling");
}

AttrValue parse_attr_value(AttrKind kind, std::string_view text) {
  switch (kind) {
    case AttrKind::Bool:
      // The OpenVINO reader accepts these four spellings, in any case.
      if (equals_ignoring_case(text, "true") || text == "1") return true;
      if (equals_ignoring_case(text, "false") || text == "0") return false;
      throw Error("'" + std::string(text) + "' is not a bool (true/false)");
    case AttrKind::Int: return parse_number<int64_t>(trim(text), "an int");
    case AttrKind::Float: return parse_number<double>(trim(text), "a float");
    case AttrKind::String: return std::string(text);
    case AttrKind::Ints: return parse_numbers<int64_t>(text, "an int");
    case AttrKind::Floats: return parse_numbers<double>(text, "a float");
    case AttrKind::Strings: {
      // Like the OpenVINO reader: pieces are trimmed and empty ones dropped.
      std::vector<std::string> items;
      for (std::string_view piece : split_list(text))
        if (!piece.empty()) items.emplace_back(piece);
      return items;
    }
    case AttrKind::Type:
      if (auto type = parse_element_type(text)) return *type;
      throw Error("'" + std::string(text) + "' is not an element type name (f32, i64, boolean...)");
    case AttrKind::Tensor:
    case AttrKind::Graph: break;
  }
  throw Error("a tensor attribute cannot be read from IR <data>");
}

std::string join_tensor_names(std::vector<std::string> names) {
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::string out;
  for (const std::string& name : names) {
    if (!out.empty()) out += ',';
    for (char c : name) {
      if (c == ',') out += '\\';
      out += c;
    }
  }
  return out;
}

std::vector<std::string> split_tensor_names(std::string_view text) {
  std::vector<std::string> names;
  if (text.empty()) return names;
  std::string current;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\\' && i + 1 < text.size() && text[i + 1] == ',') {
      current += ',';
      ++i;
    } else if (text[i] == ',') {
      names.push_back(std::move(current));
      current.clear();
    } else {
      current += text[i];
    }
  }
  names.push_back(std::move(current));
  return names;
}

}  // namespace remo
