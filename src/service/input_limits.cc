#include "service/input_limits.h"

namespace drawbridge::service {
namespace {

Status TooLong(std::string_view field, size_t bytes, size_t max_bytes) {
  return InvalidArgument(std::string(field) + " is " + std::to_string(bytes) +
                         " bytes long; the limit is " + std::to_string(max_bytes) + " bytes");
}

// The first field found over its cap, described without allocating: the message is built only
// for a refusal.
struct Overflow {
  enum class What { kBytes, kEntries, kKeyBytes, kValueBytes, kItemBytes };
  What what = What::kBytes;
  std::string_view field;  // "resource", "context.labels", ...
  std::string_view key;    // kValueBytes: the label whose value is too long
  size_t size = 0;         // bytes, or entries
  size_t cap = 0;
};

// Each test answers whether its field is over the cap, remembering the first that is; chained
// with ||, the walk stops there.
class OverflowFinder {
 public:
  bool Bytes(std::string_view field, std::string_view text, size_t cap) {
    return text.size() > cap && Found({Overflow::What::kBytes, field, {}, text.size(), cap});
  }
  bool Entries(std::string_view field, size_t count, size_t cap) {
    return count > cap && Found({Overflow::What::kEntries, field, {}, count, cap});
  }
  // Labels of a check (views) or of a selector (strings) alike.
  template <typename LabelList>
  bool Labels(std::string_view field, const LabelList& labels) {
    if (Entries(field, labels.size(), kMaxLabels)) return true;
    for (const auto& [key, value] : labels) {
      if (key.size() > kMaxLabelKeyBytes) {
        return Found({Overflow::What::kKeyBytes, field, {}, key.size(), kMaxLabelKeyBytes});
      }
      if (value.size() > kMaxLabelValueBytes) {
        return Found({Overflow::What::kValueBytes, field, key, value.size(), kMaxLabelValueBytes});
      }
    }
    return false;
  }
  // A list of names, each capped.
  template <typename NameList>
  bool Names(std::string_view field, const NameList& names, size_t max_count, size_t max_bytes) {
    if (Entries(field, names.size(), max_count)) return true;
    for (const auto& name : names) {
      if (name.size() > max_bytes) {
        return Found({Overflow::What::kItemBytes, field, {}, name.size(), max_bytes});
      }
    }
    return false;
  }

  Status ToStatus() const {
    const std::string field(found_.field);
    switch (found_.what) {
      case Overflow::What::kBytes: return TooLong(field, found_.size, found_.cap);
      case Overflow::What::kEntries: return CheckEntryCount(field, found_.size, found_.cap);
      case Overflow::What::kKeyBytes: return TooLong("a key of " + field, found_.size, found_.cap);
      case Overflow::What::kValueBytes:
        return TooLong(field + "." + std::string(found_.key), found_.size, found_.cap);
      case Overflow::What::kItemBytes:
        return TooLong("an entry of " + field, found_.size, found_.cap);
    }
    return Internal("no field over its cap to report");
  }

 private:
  bool Found(const Overflow& overflow) {
    found_ = overflow;
    return true;
  }
  Overflow found_;
};

}  // namespace

Status CheckTextLength(std::string_view field, std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return Status::Ok();
  return TooLong(field, text.size(), max_bytes);
}

Status CheckEntryCount(std::string_view field, size_t count, size_t max_count) {
  if (count <= max_count) return Status::Ok();
  return InvalidArgument(std::string(field) + " has " + std::to_string(count) +
                         " entries; the limit is " + std::to_string(max_count));
}

Status CheckIdentifierLimits(const CheckRequest& request) {
  const CheckContext& context = request.context;
  OverflowFinder over;
  const bool refused = over.Bytes("principal", request.principal, kMaxPrincipalBytes) ||
                       over.Bytes("action", request.action, kMaxActionBytes) ||
                       over.Bytes("resource", request.resource, kMaxResourceBytes) ||
                       over.Labels("context.labels", context.resource_labels) ||
                       over.Bytes("context.kind", context.resource_kind, kMaxResourceKindBytes) ||
                       over.Names("context.groups", context.groups, kMaxGroups, kMaxGroupBytes) ||
                       over.Bytes("context.source_ip", context.source_ip, kMaxSourceIpBytes);
  return refused ? over.ToStatus() : Status::Ok();
}

Status CheckIdentifierLimits(const workflow::AccessRequestInput& input) {
  OverflowFinder over;
  const bool refused = over.Bytes("requester", input.requester, kMaxPrincipalBytes) ||
                       over.Bytes("resource", input.scope.resource, kMaxResourceBytes) ||
                       over.Labels("selector", input.scope.selector) ||
                       over.Names("roles", input.roles, kMaxRoles, kMaxRoleNameBytes) ||
                       over.Bytes("rule", input.rule, kMaxRuleNameBytes) ||
                       over.Names("group claims", input.group_claims, kMaxGroups, kMaxGroupBytes) ||
                       over.Bytes("source_ip", input.source_ip, kMaxSourceIpBytes);
  return refused ? over.ToStatus() : Status::Ok();
}

std::string_view Utf8Prefix(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t end = max_bytes;
  // Back off over continuation bytes (10xxxxxx) to the start of the character cut in two; a
  // character has at most three of them.
  auto continuation = [&](size_t i) {
    return (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80;
  };
  for (int steps = 0; steps < 3 && end > 0 && continuation(end); ++steps) --end;
  return text.substr(0, end);
}

}  // namespace drawbridge::service
