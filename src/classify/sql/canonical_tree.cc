#include "classify/sql/canonical_tree.h"

#include <charconv>
#include <cstdint>
#include <string_view>

#include "classify/sql/json_node.h"

namespace drawbridge::classify::sql {
namespace {

namespace json = boost::json;

void AppendLength(uint64_t n, std::string& out) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(n >> (8 * i)));
}

void AppendText(char tag, std::string_view text, std::string& out) {
  out.push_back(tag);
  AppendLength(text.size(), out);
  out.append(text);
}

template <typename Number>
void AppendNumber(char tag, Number n, std::string& out) {
  char digits[32];
  auto [end, ec] = std::to_chars(digits, digits + sizeof digits, n);
  AppendText(tag, std::string_view(digits, static_cast<size_t>(end - digits)), out);
}

}  // namespace

void AppendCanonicalTree(const json::value& tree, std::string& out) {
  switch (tree.kind()) {
    case json::kind::object: {
      const json::object& object = tree.get_object();
      size_t fields = 0;
      for (const auto& entry : object) fields += IsPositionKey(entry.key()) ? 0 : 1;
      out.push_back('{');
      AppendLength(fields, out);
      for (const auto& entry : object) {
        if (IsPositionKey(entry.key())) continue;
        AppendText('k', entry.key(), out);
        AppendCanonicalTree(entry.value(), out);
      }
      return;
    }
    case json::kind::array: {
      const json::array& array = tree.get_array();
      out.push_back('[');
      AppendLength(array.size(), out);
      for (const json::value& item : array) AppendCanonicalTree(item, out);
      return;
    }
    case json::kind::string: AppendText('s', tree.get_string(), out); return;
    case json::kind::int64: AppendNumber('i', tree.get_int64(), out); return;
    case json::kind::uint64: AppendNumber('i', tree.get_uint64(), out); return;
    case json::kind::double_: AppendNumber('d', tree.get_double(), out); return;
    case json::kind::bool_: out.push_back(tree.get_bool() ? 'T' : 'F'); return;
    case json::kind::null: out.push_back('N'); return;
  }
}

}  // namespace drawbridge::classify::sql
