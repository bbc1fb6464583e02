#include "policy/yaml_reader.h"

#include <algorithm>

#include "policy/durations.h"
#include "policy/suggest.h"

namespace drawbridge::policy {
namespace {

constexpr size_t kMaxQuotedLength = 40;

std::string Quote(std::string_view text) {
  if (text.size() > kMaxQuotedLength)
    return "'" + std::string(text.substr(0, kMaxQuotedLength)) + "...'";
  return "'" + std::string(text) + "'";
}

// A plain (unquoted) scalar: quoted scalars are strings even when they look like numbers.
bool IsPlain(const YAML::Node& node) {
  return node.Tag() == "?";
}

}  // namespace

YamlReader::YamlReader(std::string file, Diagnostics* diagnostics, int64_t node_budget)
    : file_(std::move(file)), diagnostics_(diagnostics), budget_(node_budget) {}

SourcePos YamlReader::PosOf(const YAML::Node& node) const {
  YAML::Mark mark = node.Mark();
  if (mark.is_null()) return SourcePos{file_, 0, 0};
  return SourcePos{file_, mark.line + 1, mark.column + 1};
}

void YamlReader::Error(const SourcePos& pos, std::string message) {
  diagnostics_->Add(pos, std::move(message));
}

bool YamlReader::Spend() {
  if (budget_ > 0) {
    --budget_;
    return true;
  }
  if (!budget_reported_) {
    budget_reported_ = true;
    Error(SourcePos{file_, 1, 1},
          "the policy is too large to load (too many YAML nodes, counting each use of an alias); "
          "split it or use fewer aliases");
  }
  return false;
}

YamlValue YamlReader::Root(const YAML::Node& node) {
  SourcePos pos = PosOf(node);
  if (pos.line == 0) pos = SourcePos{file_, 1, 1};
  return YamlValue{node, pos, pos, "the file"};
}

YamlValue YamlReader::Child(const YAML::Node& node, const SourcePos& key_pos, std::string name) {
  SourcePos pos = node.IsNull() || PosOf(node).line == 0 ? key_pos : PosOf(node);
  return YamlValue{node, pos, key_pos, std::move(name)};
}

std::string YamlReader::Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Scalar: return Quote(node.Scalar());
    default: return "nothing";
  }
}

void YamlReader::WrongType(const YamlValue& value, std::string_view expected) {
  Error(value.pos,
        value.name + " must be " + std::string(expected) + ", got " + Describe(value.node));
}

std::optional<std::string> YamlReader::String(const YamlValue& value) {
  if (!Spend()) return std::nullopt;
  if (!value.node.IsScalar()) {
    WrongType(value, "a string");
    return std::nullopt;
  }
  return value.node.Scalar();
}

std::optional<int64_t> YamlReader::Integer(const YamlValue& value) {
  if (!Spend()) return std::nullopt;
  if (value.node.IsScalar() && IsPlain(value.node)) {
    const std::string& text = value.node.Scalar();
    size_t start = (!text.empty() && (text[0] == '-' || text[0] == '+')) ? 1 : 0;
    bool digits = text.size() > start && text.size() - start <= 9 &&
                  std::all_of(text.begin() + static_cast<long>(start), text.end(),
                              [](char c) { return c >= '0' && c <= '9'; });
    if (digits) {
      int64_t number = std::stoll(text.substr(start));
      return text[0] == '-' ? -number : number;
    }
  }
  WrongType(value, "an integer");
  return std::nullopt;
}

std::optional<bool> YamlReader::Bool(const YamlValue& value) {
  if (!Spend()) return std::nullopt;
  if (value.node.IsScalar() && IsPlain(value.node)) {
    const std::string& text = value.node.Scalar();
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
  }
  WrongType(value, "true or false");
  return std::nullopt;
}

std::optional<Seconds> YamlReader::Duration(const YamlValue& value) {
  std::optional<std::string> text = String(value);
  if (!text) return std::nullopt;
  std::optional<Seconds> duration = ParseDuration(*text);
  if (!duration) {
    Error(value.pos, "invalid duration " + Quote(*text) + " for " + value.name + "; write " +
                         std::string(kDurationForms));
  }
  return duration;
}

std::vector<YamlValue> YamlReader::List(const YamlValue& value) {
  std::vector<YamlValue> items;
  if (!Spend()) return items;
  if (!value.node.IsSequence()) {
    WrongType(value, "a list");
    return items;
  }
  std::string item_name = "an item of " + value.name;
  for (const YAML::Node& item : value.node) {
    if (!Spend()) break;
    items.push_back(Child(item, value.pos, item_name));
  }
  return items;
}

std::vector<StringAt> YamlReader::Strings(const YamlValue& value, bool scalar_ok) {
  std::vector<StringAt> out;
  if (scalar_ok && value.node.IsScalar()) {
    if (std::optional<std::string> text = String(value)) out.push_back({*text, value.pos});
    return out;
  }
  if (!value.node.IsSequence()) {
    if (Spend()) WrongType(value, scalar_ok ? "a string or a list of strings" : "a list");
    return out;
  }
  for (const YamlValue& item : List(value)) {
    if (std::optional<std::string> text = String(item)) out.push_back({*text, item.pos});
  }
  return out;
}

bool YamlReader::IsMap(const YamlValue& value) {
  if (!Spend()) return false;
  if (value.node.IsMap()) return true;
  WrongType(value, "a map");
  return false;
}

std::vector<std::pair<StringAt, YamlValue>> YamlReader::Entries(const YamlValue& value) {
  std::vector<std::pair<StringAt, YamlValue>> entries;
  if (!IsMap(value)) return entries;
  for (auto it = value.node.begin(); it != value.node.end(); ++it) {
    if (!Spend()) break;
    SourcePos key_pos = PosOf(it->first);
    if (!it->first.IsScalar()) {
      Error(key_pos, "keys in " + value.name + " must be strings, got " + Describe(it->first));
      continue;
    }
    const std::string& key = it->first.Scalar();
    entries.push_back({StringAt{key, key_pos}, Child(it->second, key_pos, Quote(key))});
  }
  return entries;
}

MapFields::MapFields(YamlReader& reader, const YamlValue& map, std::string_view what,
                     std::vector<std::string_view> allowed)
    : reader_(reader), what_(what), pos_(map.pos) {
  if (!reader.Spend()) return;
  if (!map.node.IsMap()) {
    reader.Error(map.pos, map.name + " must be a map (" + what_ + "), got " +
                              YamlReader::Describe(map.node));
    return;
  }
  ok_ = true;
  for (auto it = map.node.begin(); it != map.node.end(); ++it) {
    if (!reader.Spend()) break;
    SourcePos key_pos = reader.PosOf(it->first);
    if (!it->first.IsScalar()) {
      reader.Error(key_pos,
                   "keys in " + what_ + " must be strings, got " + YamlReader::Describe(it->first));
      continue;
    }
    const std::string& key = it->first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      reader.Error(key_pos, "unknown key " + Quote(key) + " in " + what_ +
                                DidYouMean(key, allowed) + " (allowed: " + QuotedList(allowed) +
                                ")");
      continue;
    }
    if (const YamlValue* earlier = Find(key)) {
      reader.Error(key_pos, "duplicate key " + Quote(key) + " in " + what_ +
                                "; it is already set at " + FormatPos(earlier->key_pos) +
                                ", keep one");
      continue;
    }
    fields_.push_back({key, reader.Child(it->second, key_pos, "'" + key + "'")});
  }
}

const YamlValue* MapFields::Find(std::string_view key) const {
  for (const auto& [name, value] : fields_) {
    if (name == key) return &value;
  }
  return nullptr;
}

std::optional<YamlValue> MapFields::Get(std::string_view key) const {
  const YamlValue* value = Find(key);
  if (value == nullptr) return std::nullopt;
  return *value;
}

std::optional<YamlValue> MapFields::Require(std::string_view key, std::string_view example) const {
  const YamlValue* value = Find(key);
  if (value != nullptr) return *value;
  if (ok_) {
    reader_.Error(pos_, "missing required key '" + std::string(key) + "' in " + what_ +
                            "; add e.g. " + std::string(example));
  }
  return std::nullopt;
}

}  // namespace drawbridge::policy
