#include "core/compiled_policy.h"

#include <arpa/inet.h>

#include <algorithm>
#include <set>

namespace drawbridge::core {

std::string_view GuardrailEffectName(GuardrailEffect effect) {
  switch (effect) {
    case GuardrailEffect::kDeny: return "deny";
    case GuardrailEffect::kRequireApproval: return "require_approval";
    case GuardrailEffect::kRequireGrant: return "require_grant";
  }
  return "deny";
}

bool ActionMatcher::Matches(std::string_view action) const {
  if (any) return true;
  for (const std::string& e : exact) {
    if (e == action) return true;
  }
  for (const std::string& p : prefixes) {
    if (action.size() > p.size() && action.starts_with(p)) return true;
  }
  return false;
}

const Label* ResourceView::Find(std::string_view key) const {
  for (size_t i = 0; i < label_count; ++i) {
    if (labels[i].key_text == key) return &labels[i];
  }
  return nullptr;
}

const Label* ResourceView::FindKey(Id key) const {
  for (size_t i = 0; i < label_count; ++i) {
    if (labels[i].key == key) return &labels[i];
  }
  return nullptr;
}

bool TimeWindowC::Contains(TimePoint now) const {
  int64_t local = now.time_since_epoch().count() + int64_t{utc_offset_minutes} * 60;
  int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
  int minute = static_cast<int>((local - days * 86400) / 60);
  // 1970-01-01 was a Thursday: Monday-based weekday index 3.
  int weekday = static_cast<int>(((days % 7) + 7 + 3) % 7);
  if (start_minute <= end_minute) {
    return (weekdays >> weekday & 1) != 0 && minute >= start_minute && minute < end_minute;
  }
  // Across midnight: the part after midnight belongs to the window that started the day before.
  if (minute >= start_minute) return (weekdays >> weekday & 1) != 0;
  if (minute < end_minute) return (weekdays >> ((weekday + 6) % 7) & 1) != 0;
  return false;
}

namespace {

bool ParseIp(std::string_view text, CidrC& out) {
  char buf[64];
  if (text.empty() || text.size() >= sizeof buf) return false;
  std::copy(text.begin(), text.end(), buf);
  buf[text.size()] = '\0';
  if (inet_pton(AF_INET, buf, out.address.data()) == 1) {
    out.v6 = false;
    return true;
  }
  if (inet_pton(AF_INET6, buf, out.address.data()) == 1) {
    out.v6 = true;
    return true;
  }
  return false;
}

bool CidrContains(const CidrC& net, const CidrC& ip) {
  if (net.v6 != ip.v6) return false;
  int bits = net.prefix;
  for (size_t i = 0; bits > 0; ++i, bits -= 8) {
    uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((net.address[i] & mask) != (ip.address[i] & mask)) return false;
  }
  return true;
}

bool ContainsId(const std::vector<Id>& ids, Id id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

}  // namespace

bool CompiledPolicy::ResolveResource(std::string_view id, const CheckContext& context,
                                     std::vector<Label>& scratch, ResourceView& view) const {
  if (!IsValidResourceId(id)) return false;
  view.id = id;
  Id catalog = resource_ids.Find(id);
  if (catalog != kNoId) {
    // The catalog wins: labels an enforcement point sends cannot downgrade "prod" to "dev".
    const ResourceC& r = resources[catalog];
    view.catalog = catalog;
    view.kind = r.kind;
    view.kind_text = values.Name(r.kind);
    view.labels = r.labels.data();
    view.label_count = r.labels.size();
    return true;
  }
  view.catalog = kNoId;
  view.kind_text = context.resource_kind;
  view.kind = context.resource_kind.empty() ? kNoId : values.Find(context.resource_kind);
  scratch.clear();
  for (const auto& [key, value] : context.resource_labels) {
    scratch.push_back({label_keys.Find(key), values.Find(value), key, value});
  }
  std::sort(scratch.begin(), scratch.end(),
            [](const Label& a, const Label& b) { return a.key_text < b.key_text; });
  view.labels = scratch.data();
  view.label_count = scratch.size();
  return true;
}

const IdSet* CompiledPolicy::PrincipalGroups(Id principal, const CheckContext& context,
                                             IdSet& scratch) const {
  static const IdSet kNoGroups;
  const IdSet* base = principal == kNoId ? &kNoGroups : &principal_groups[principal];
  if (context.groups.empty()) return base;
  scratch = *base;
  for (std::string_view claim : context.groups) {
    Id g = groups.Find(claim);
    if (g != kNoId) scratch.AddAll(group_ancestors[g]);
  }
  return &scratch;
}

bool CompiledPolicy::Matches(const PrincipalMatcher& m, Id principal,
                             const IdSet& member_of) const {
  if (m.everyone) return true;
  if (principal != kNoId && ContainsId(m.principals, principal)) return true;
  return m.groups.Intersects(member_of);
}

bool CompiledPolicy::Matches(const ResourceSelectorC& s, const ResourceView& r,
                             const IdSet& member_of) const {
  if (s.any) return true;
  if (!s.catalog_ids.empty() || !s.id_prefixes.empty()) {
    bool hit = r.catalog != kNoId && ContainsId(s.catalog_ids, r.catalog);
    for (size_t i = 0; !hit && i < s.id_prefixes.size(); ++i)
      hit = r.id.starts_with(s.id_prefixes[i]);
    if (!hit) return false;
  }
  if (!s.kinds.empty() && (r.kind == kNoId || !ContainsId(s.kinds, r.kind))) return false;
  for (const LabelValues& lv : s.labels) {
    const Label* l = r.FindKey(lv.key);
    if (l == nullptr || l->value == kNoId || !ContainsId(lv.values, l->value)) return false;
  }
  for (const LabelValues& lv : s.labels_not) {
    const Label* l = r.FindKey(lv.key);
    if (l != nullptr && l->value != kNoId && ContainsId(lv.values, l->value)) return false;
  }
  for (Id key : s.label_in_principal_groups) {
    const Label* l = r.FindKey(key);
    if (l == nullptr || l->value == kNoId) return false;
    Id group = value_group[l->value];
    if (group == kNoId || !member_of.Has(group)) return false;
  }
  return true;
}

bool CompiledPolicy::MatchesContext(const ConditionsC& c, const CheckContext& context,
                                    TimePoint now) const {
  if (c.require_mfa && !context.mfa) return false;
  if (!c.time_windows.empty()) {
    bool inside = false;
    for (const TimeWindowC& w : c.time_windows) inside = inside || w.Contains(now);
    if (!inside) return false;
  }
  if (!c.source_cidrs.empty()) {
    CidrC ip;
    if (!ParseIp(context.source_ip, ip)) return false;  // unknown source: the condition fails
    bool inside = false;
    for (const CidrC& net : c.source_cidrs) inside = inside || CidrContains(net, ip);
    if (!inside) return false;
  }
  return true;
}

std::vector<std::string> CompiledPolicy::ExpandApprovers(
    const std::vector<std::string>& approvers) const {
  std::set<std::string> out;
  for (const std::string& a : approvers) {
    if (a.starts_with("group:")) {
      Id g = groups.Find(std::string_view(a).substr(6));
      if (g == kNoId) continue;
      for (Id p : group_members[g]) out.emplace(principals.Name(p));
    } else {
      out.insert(a);
    }
  }
  return {out.begin(), out.end()};
}

namespace {
bool IsWordChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}
}  // namespace

bool IsValidPrincipal(std::string_view principal) {
  size_t colon = principal.find(':');
  if (colon == std::string_view::npos) return false;
  std::string_view kind = principal.substr(0, colon);
  std::string_view name = principal.substr(colon + 1);
  if (kind != "user" && kind != "service" && kind != "agent") return false;
  if (name.empty() || name.size() > 200) return false;
  for (char c : name) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-' || c == '@' || c == '+';
    if (!ok) return false;
  }
  return true;
}

bool IsValidAction(std::string_view action) {
  if (action.empty() || action.size() > 128) return false;
  bool word_start = true;
  for (char c : action) {
    if (c == '.') {
      if (word_start) return false;
      word_start = true;
      continue;
    }
    if (word_start && !(c >= 'a' && c <= 'z')) return false;
    if (!IsWordChar(c)) return false;
    word_start = false;
  }
  return !word_start;
}

bool IsValidResourceId(std::string_view resource) {
  if (resource.empty() || resource.size() > 256) return false;
  for (char c : resource) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  }
  return true;
}

}  // namespace drawbridge::core
