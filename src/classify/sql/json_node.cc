#include "classify/sql/json_node.h"

namespace drawbridge::classify::sql {

namespace json = boost::json;

std::optional<Node> AsNode(const json::value& value) {
  const json::object* object = value.if_object();
  if (object == nullptr || object->size() != 1) return std::nullopt;
  const auto& [key, inner] = *object->begin();
  if (key.empty() || key[0] < 'A' || key[0] > 'Z') return std::nullopt;
  const json::object* fields = inner.if_object();
  if (fields == nullptr) return std::nullopt;
  return Node{std::string_view(key), fields};
}

const json::object* AsNodeOfType(const json::value& value, std::string_view type) {
  std::optional<Node> node = AsNode(value);
  return node && node->type == type ? node->fields : nullptr;
}

const json::value* Field(const json::object& fields, std::string_view name) {
  return fields.if_contains(name);
}

const json::object* ObjectField(const json::object& fields, std::string_view name) {
  const json::value* value = fields.if_contains(name);
  return value != nullptr ? value->if_object() : nullptr;
}

const json::array* ArrayField(const json::object& fields, std::string_view name) {
  const json::value* value = fields.if_contains(name);
  return value != nullptr ? value->if_array() : nullptr;
}

std::string_view StringField(const json::object& fields, std::string_view name) {
  const json::value* value = fields.if_contains(name);
  const json::string* text = value != nullptr ? value->if_string() : nullptr;
  return text != nullptr ? std::string_view(*text) : std::string_view();
}

bool BoolField(const json::object& fields, std::string_view name) {
  const json::value* value = fields.if_contains(name);
  return value != nullptr && value->is_bool() && value->get_bool();
}

int64_t IntField(const json::object& fields, std::string_view name) {
  const json::value* value = fields.if_contains(name);
  if (value == nullptr) return 0;
  if (value->is_int64()) return value->get_int64();
  if (value->is_uint64()) return static_cast<int64_t>(value->get_uint64());
  return 0;
}

bool HasItems(const json::object& fields, std::string_view name) {
  const json::array* items = ArrayField(fields, name);
  return items != nullptr && !items->empty();
}

std::string_view StringNodeValue(const json::value& value) {
  const json::object* string_node = AsNodeOfType(value, "String");
  return string_node != nullptr ? StringField(*string_node, "sval") : std::string_view();
}

std::string_view LastName(const json::array* names) {
  if (names == nullptr || names->empty()) return {};
  return StringNodeValue(names->back());
}

namespace {

const json::object* FindOption(const json::array* options, std::string_view name) {
  if (options == nullptr) return nullptr;
  for (const json::value& option : *options) {
    const json::object* def = AsNodeOfType(option, "DefElem");
    if (def != nullptr && StringField(*def, "defname") == name) return def;
  }
  return nullptr;
}

bool IsFalseWord(std::string_view word) {
  return word == "false" || word == "off" || word == "no" || word == "0" || word == "f" ||
         word == "n";
}

}  // namespace

bool OptionEnabled(const json::array* options, std::string_view name) {
  const json::object* def = FindOption(options, name);
  if (def == nullptr) return false;
  const json::value* arg = Field(*def, "arg");
  if (arg == nullptr) return true;
  std::optional<Node> node = AsNode(*arg);
  if (!node) return true;
  if (node->type == "String") return !IsFalseWord(StringField(*node->fields, "sval"));
  if (node->type == "Boolean") return BoolField(*node->fields, "boolval");
  if (node->type == "Integer") return IntField(*node->fields, "ival") != 0;
  return true;
}

std::string_view OptionString(const json::array* options, std::string_view name) {
  const json::object* def = FindOption(options, name);
  if (def == nullptr) return {};
  const json::value* arg = Field(*def, "arg");
  return arg != nullptr ? StringNodeValue(*arg) : std::string_view();
}

bool IsPositionKey(std::string_view key) {
  return key == "location" || key == "stmt_location" || key == "stmt_len";
}

bool SameTree(const json::value& a, const json::value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case json::kind::object: {
      const json::object& oa = a.get_object();
      const json::object& ob = b.get_object();
      size_t compared = 0;
      for (const auto& [key, value] : oa) {
        if (IsPositionKey(key)) continue;
        if (key == "ival" && value.is_object() && value.get_object().empty()) return false;
        const json::value* other = ob.if_contains(key);
        if (other == nullptr || !SameTree(value, *other)) return false;
        ++compared;
      }
      size_t b_fields = 0;
      for (const auto& entry : ob) b_fields += IsPositionKey(entry.key()) ? 0 : 1;
      return compared == b_fields;
    }
    case json::kind::array: {
      const json::array& aa = a.get_array();
      const json::array& ab = b.get_array();
      if (aa.size() != ab.size()) return false;
      for (size_t i = 0; i < aa.size(); ++i) {
        if (!SameTree(aa[i], ab[i])) return false;
      }
      return true;
    }
    default: return a == b;
  }
}

}  // namespace drawbridge::classify::sql
