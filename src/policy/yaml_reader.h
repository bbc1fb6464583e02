// Typed, position-aware reading of yaml-cpp nodes for the policy loader. Every accessor reports a
// wrong type, an unknown key or a missing key to Diagnostics at the right FILE:LINE:COL and
// returns "nothing", so the caller carries on and every error in a file is found in one pass.
// Thread-compatible.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policy/diagnostics.h"
#include "policy/document.h"

namespace drawbridge::policy {

// A YAML node, where it was written, and how messages name it.
struct YamlValue {
  YAML::Node node;
  SourcePos pos;      // the value's position; its key's when the value is empty
  SourcePos key_pos;  // the key's position, or `pos` for list items and roots
  std::string name;   // "min_approvals", "an item of 'principals'"
};

struct StringAt {
  std::string value;
  SourcePos pos;
};

class YamlReader {
 public:
  // `node_budget` bounds the work spent on one document: aliases let a small file expand into a
  // huge tree, and a policy never needs that many nodes.
  YamlReader(std::string file, Diagnostics* diagnostics, int64_t node_budget = 200'000);

  const std::string& file() const { return file_; }
  SourcePos PosOf(const YAML::Node& node) const;
  void Error(const SourcePos& pos, std::string message);

  // The document root, named "the file".
  YamlValue Root(const YAML::Node& node);

  // Each returns nothing (after reporting why) when the value has another type.
  std::optional<std::string> String(const YamlValue& value);
  std::optional<int64_t> Integer(const YamlValue& value);
  std::optional<bool> Bool(const YamlValue& value);
  std::optional<Seconds> Duration(const YamlValue& value);
  std::vector<YamlValue> List(const YamlValue& value);
  // A list of strings; with `scalar_ok` a single string stands for a list of one.
  std::vector<StringAt> Strings(const YamlValue& value, bool scalar_ok = false);
  // A map with free keys (group names, role names, labels): its entries in order, keys checked
  // to be strings. Duplicate keys are left to the caller, which knows how to name them.
  std::vector<std::pair<StringAt, YamlValue>> Entries(const YamlValue& value);
  bool IsMap(const YamlValue& value);

  // "a list", "a map", "the string 'x'", "nothing"
  static std::string Describe(const YAML::Node& node);

 private:
  friend class MapFields;
  bool Spend();
  YamlValue Child(const YAML::Node& node, const SourcePos& key_pos, std::string name);
  void WrongType(const YamlValue& value, std::string_view expected);

  std::string file_;
  Diagnostics* diagnostics_;
  int64_t budget_;
  bool budget_reported_ = false;
};

// The keys of one map, checked against those allowed where it appears. Unknown keys are reported
// with the nearest allowed key; so are duplicate and non-string keys.
class MapFields {
 public:
  // `what` names the map in messages: "approval", "a guardrail".
  MapFields(YamlReader& reader, const YamlValue& map, std::string_view what,
            std::vector<std::string_view> allowed);

  bool ok() const { return ok_; }
  const SourcePos& pos() const { return pos_; }
  bool Has(std::string_view key) const { return Find(key) != nullptr; }
  std::optional<YamlValue> Get(std::string_view key) const;
  // Like Get, but reports "missing required key" at the map when absent (and the map is a map).
  std::optional<YamlValue> Require(std::string_view key, std::string_view example) const;

 private:
  const YamlValue* Find(std::string_view key) const;

  YamlReader& reader_;
  std::string what_;
  SourcePos pos_;
  bool ok_ = false;
  std::vector<std::pair<std::string, YamlValue>> fields_;
};

}  // namespace drawbridge::policy
