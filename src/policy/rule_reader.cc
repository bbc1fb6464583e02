#include "policy/rule_reader.h"

#include <algorithm>

#include "drawbridge/facts.h"
#include "policy/cidr.h"
#include "policy/names.h"
#include "policy/suggest.h"
#include "policy/time_window.h"

namespace drawbridge::policy {
namespace {

// A glob may only have its '*' at the end: "db/*", "/admin/*".
bool HasInnerStar(std::string_view text) {
  size_t star = text.find('*');
  return star != std::string_view::npos && star + 1 != text.size();
}

}  // namespace

void RuleReader::ReportEmpty(const YamlValue& value, std::string_view example) {
  reader_.Error(value.pos, value.name +
                               " is empty, so it would match nothing; list at least one, e.g. " +
                               std::string(example));
}

std::vector<std::string> RuleReader::Principals(const YamlValue& value, bool allow_everyone) {
  std::vector<std::string> principals;
  std::vector<StringAt> items = reader_.Strings(value);
  if (items.empty() && value.node.IsSequence()) ReportEmpty(value, "[group:dba, user:alice]");
  for (const StringAt& item : items) {
    if (std::optional<std::string> problem = CheckPrincipal(item.value, allow_everyone)) {
      reader_.Error(item.pos, *problem);
      continue;
    }
    std::optional<PrincipalName> parsed = ParsePrincipal(item.value);
    if (parsed->kind == PrincipalKind::kGroup) {
      references_.groups.push_back({std::string(parsed->name), item.pos});
    }
    principals.push_back(item.value);
  }
  return principals;
}

std::vector<std::string> RuleReader::Actions(const YamlValue& value) {
  std::vector<std::string> actions;
  std::vector<StringAt> items = reader_.Strings(value);
  if (items.empty() && value.node.IsSequence()) ReportEmpty(value, "[db.query]");
  for (const StringAt& item : items) {
    if (std::optional<std::string> problem = CheckActionPattern(item.value)) {
      reader_.Error(item.pos, *problem);
      continue;
    }
    actions.push_back(item.value);
  }
  return actions;
}

std::vector<std::string> RuleReader::Roles(const YamlValue& value) {
  std::vector<std::string> roles;
  std::vector<StringAt> items = reader_.Strings(value);
  if (items.empty() && value.node.IsSequence()) ReportEmpty(value, "[db-read]");
  for (const StringAt& item : items) {
    references_.roles.push_back({item.value, item.pos});
    roles.push_back(item.value);
  }
  return roles;
}

ResourceSelector RuleReader::Selector(const YamlValue& value) {
  ResourceSelector selector;
  selector.pos = value.pos;
  MapFields fields(reader_, value, "a resource selector",
                   {"id", "ids", "kind", "labels", "labels_not", "label_in_principal_groups"});
  std::vector<StringAt> ids;
  if (auto id = fields.Get("id")) {
    if (std::optional<std::string> text = reader_.String(*id)) ids.push_back({*text, id->pos});
  }
  if (auto more = fields.Get("ids")) {
    std::vector<StringAt> listed = reader_.Strings(*more);
    if (listed.empty() && more->node.IsSequence()) ReportEmpty(*more, "[db/orders-prod, db/*]");
    ids.insert(ids.end(), listed.begin(), listed.end());
  }
  for (const StringAt& id : ids) {
    bool glob = id.value.ends_with("*");
    std::string_view stem = std::string_view(id.value).substr(0, id.value.size() - (glob ? 1 : 0));
    if (HasInnerStar(id.value) || (!stem.empty() && CheckResourceId(stem))) {
      reader_.Error(id.pos, "invalid resource id pattern '" + id.value +
                                "'; write an exact id such as db/orders-prod or a prefix ending "
                                "in '*' such as db/*");
      continue;
    }
    if (!glob) references_.resource_ids.push_back({id.value, id.pos});
    selector.ids.push_back(id.value);
  }
  if (auto kind = fields.Get("kind")) {
    for (const StringAt& item : reader_.Strings(*kind, /*scalar_ok=*/true)) {
      selector.kinds.push_back(item.value);
    }
    if (selector.kinds.empty() && kind->node.IsSequence()) ReportEmpty(*kind, "[postgres]");
  }
  auto read_labels = [&](std::string_view key,
                         std::map<std::string, std::vector<std::string>>& out) {
    std::optional<YamlValue> labels = fields.Get(key);
    if (!labels) return;
    for (const auto& [label, values] : reader_.Entries(*labels)) {
      std::vector<StringAt> items = reader_.Strings(values, /*scalar_ok=*/true);
      if (items.empty() && values.node.IsSequence()) ReportEmpty(values, "[prod, staging]");
      std::vector<std::string>& target = out[label.value];
      for (const StringAt& item : items) target.push_back(item.value);
    }
  };
  read_labels("labels", selector.labels);
  read_labels("labels_not", selector.labels_not);
  if (auto owners = fields.Get("label_in_principal_groups")) {
    for (const StringAt& item : reader_.Strings(*owners, /*scalar_ok=*/true)) {
      selector.labels_in_principal_groups.push_back(item.value);
    }
  }
  return selector;
}

FactSet RuleReader::Facts(const YamlValue& value, std::string_view family) {
  FactSet facts;
  std::vector<StringAt> items = reader_.Strings(value);
  if (items.empty() && value.node.IsSequence()) ReportEmpty(value, "[drop]");
  for (const StringAt& item : items) {
    std::optional<Fact> fact = ParseFactShortName(family, item.value);
    if (!fact) {
      std::vector<std::string_view> known = FactShortNames(family);
      reader_.Error(item.pos, "unknown " + std::string(family) + " fact '" + item.value + "'" +
                                  DidYouMean(item.value, known) + " (known: " + QuotedList(known) +
                                  ")");
      continue;
    }
    facts.Add(*fact);
  }
  return facts;
}

TimeWindow RuleReader::Window(const YamlValue& value) {
  TimeWindow window;
  window.pos = value.pos;
  MapFields fields(reader_, value, "a time window", {"days", "hours", "tz"});
  if (auto days = fields.Get("days")) {
    std::vector<StringAt> items = reader_.Strings(*days, /*scalar_ok=*/true);
    if (!items.empty()) window.weekdays = 0;
    for (const StringAt& item : items) {
      StatusOr<uint8_t> bits = ParseWeekdays(item.value);
      if (!bits.ok()) {
        reader_.Error(item.pos, bits.status().message());
        continue;
      }
      window.weekdays |= *bits;
    }
    if (items.empty() && days->node.IsSequence()) ReportEmpty(*days, "[mon, tue]");
  }
  if (auto hours = fields.Get("hours")) {
    if (std::optional<std::string> text = reader_.String(*hours)) {
      StatusOr<HourRange> range = ParseHourRange(*text);
      if (range.ok()) {
        window.start_minute = range->start_minute;
        window.end_minute = range->end_minute;
      } else {
        reader_.Error(hours->pos, range.status().message());
      }
    }
  }
  if (auto tz = fields.Get("tz")) {
    if (std::optional<std::string> text = reader_.String(*tz)) {
      StatusOr<int> offset = ParseUtcOffset(*text);
      if (offset.ok()) {
        window.utc_offset_minutes = *offset;
      } else {
        reader_.Error(tz->pos, offset.status().message());
      }
    }
  }
  return window;
}

Conditions RuleReader::When(const YamlValue& value, WhenContext context) {
  Conditions when;
  when.pos = value.pos;
  MapFields fields(
      reader_, value, "conditions (when)",
      {"sql", "shell", "http", "http_paths", "time", "source_cidrs", "mfa", "resources"});
  if (!fields.ok()) return when;
  auto allowed_here = [&](std::string_view key) {
    std::optional<YamlValue> field = fields.Get(key);
    if (!field) return false;
    bool payload_key = key == "sql" || key == "shell" || key == "http" || key == "http_paths";
    bool ok = key == "resources" ? context == WhenContext::kAutoApprove
                                 : !payload_key || context == WhenContext::kGuardrail;
    if (!ok) {
      std::string where = context == WhenContext::kAssignment  ? "an assignment"
                          : context == WhenContext::kGuardrail ? "a guardrail"
                                                               : "auto_approve";
      std::string allowed = context == WhenContext::kAssignment ? "time, source_cidrs, mfa"
                            : context == WhenContext::kGuardrail
                                ? "sql, shell, http, http_paths, time, source_cidrs, mfa"
                                : "resources, time, source_cidrs, mfa";
      std::string why = key == "resources"
                            ? "; the resources of a rule are set by its role or its own "
                              "'resources' key"
                            : "; conditions on the payload belong in guardrails";
      reader_.Error(field->key_pos, "'" + std::string(key) + "' is not a condition of " + where +
                                        why + " (allowed here: " + allowed + ")");
    }
    return ok;
  };
  if (allowed_here("sql")) when.sql_facts = Facts(*fields.Get("sql"), "sql");
  if (allowed_here("shell")) when.shell_facts = Facts(*fields.Get("shell"), "shell");
  if (allowed_here("http")) when.http_facts = Facts(*fields.Get("http"), "http");
  if (allowed_here("http_paths")) {
    for (const StringAt& path : reader_.Strings(*fields.Get("http_paths"))) {
      if (!path.value.starts_with("/") || HasInnerStar(path.value)) {
        reader_.Error(path.pos, "invalid HTTP path pattern '" + path.value +
                                    "'; write a path starting with '/', optionally ending in "
                                    "'*' as a prefix glob, e.g. \"/admin/*\"");
        continue;
      }
      when.http_paths.push_back(path.value);
    }
  }
  if (allowed_here("time")) {
    YamlValue time = *fields.Get("time");
    std::vector<YamlValue> windows = reader_.List(time);
    if (windows.empty() && time.node.IsSequence()) {
      ReportEmpty(time, "[{days: mon-fri, hours: \"08:00-18:00\", tz: UTC}]");
    }
    for (const YamlValue& window : windows) when.time_windows.push_back(Window(window));
  }
  if (allowed_here("source_cidrs")) {
    YamlValue cidrs = *fields.Get("source_cidrs");
    std::vector<StringAt> items = reader_.Strings(cidrs);
    if (items.empty() && cidrs.node.IsSequence()) ReportEmpty(cidrs, "[10.0.0.0/8]");
    for (const StringAt& item : items) {
      StatusOr<Cidr> cidr = ParseCidr(item.value);
      if (!cidr.ok()) {
        reader_.Error(item.pos, cidr.status().message());
        continue;
      }
      when.source_cidrs.push_back(*cidr);
    }
  }
  if (allowed_here("mfa")) {
    if (std::optional<bool> mfa = reader_.Bool(*fields.Get("mfa"))) when.require_mfa = *mfa;
  }
  if (allowed_here("resources")) {
    when.resources = Selector(*fields.Get("resources"));
    when.has_resources = true;
  }
  return when;
}

ApprovalStep RuleReader::Step(const YamlValue& value, const MapFields* single_step_fields) {
  ApprovalStep step;
  step.pos = value.pos;
  std::optional<MapFields> own_fields;
  if (single_step_fields == nullptr) {
    own_fields.emplace(reader_, value, "an approval step",
                       std::vector<std::string_view>{"approvers", "min_approvals"});
  }
  const MapFields& fields = single_step_fields ? *single_step_fields : *own_fields;
  if (!fields.ok()) return step;
  if (auto approvers = fields.Require("approvers", "approvers: [group:leads]")) {
    step.approvers = Principals(*approvers, /*allow_everyone=*/false);
  }
  if (auto min = fields.Get("min_approvals")) {
    if (std::optional<int64_t> count = reader_.Integer(*min)) {
      if (*count < 1) {
        reader_.Error(min->pos, "min_approvals must be at least 1, got " + std::to_string(*count) +
                                    "; to let requests through without review use auto_approve");
      } else {
        step.min_approvals = static_cast<int>(*count);
      }
    }
  }
  return step;
}

ApprovalRule RuleReader::Approval(const YamlValue& value, ActionApprovalLimits* limits) {
  ApprovalRule rule;
  rule.pos = value.pos;
  MapFields fields(reader_, value, "approval",
                   {"approvers", "min_approvals", "all_of", "any_of", "max_denials", "allow_self",
                    "distinct_steps", "pending_ttl", "ttl", "uses"});
  if (!fields.ok()) return rule;
  const bool single = fields.Has("approvers");
  const bool all_of = fields.Has("all_of");
  const bool any_of = fields.Has("any_of");
  if (single + all_of + any_of == 0) {
    reader_.Error(fields.pos(),
                  "approval needs 'approvers' (one step, e.g. {approvers: [group:leads], "
                  "min_approvals: 1}) or 'all_of'/'any_of' (a list of such steps)");
  } else if (single + all_of + any_of > 1) {
    reader_.Error(fields.pos(),
                  "approval has more than one of 'approvers', 'all_of' and 'any_of'; use "
                  "'approvers' for one step, or put every step in one 'all_of' or 'any_of' list");
  } else if (single) {
    rule.mode = ApprovalRule::Mode::kSingle;
    rule.steps.push_back(Step(value, &fields));
  } else {
    rule.mode = all_of ? ApprovalRule::Mode::kAllOf : ApprovalRule::Mode::kAnyOf;
    YamlValue steps = *fields.Get(all_of ? "all_of" : "any_of");
    for (const YamlValue& step : reader_.List(steps)) rule.steps.push_back(Step(step, nullptr));
    if (rule.steps.empty() && steps.node.IsSequence()) {
      ReportEmpty(steps, "[{approvers: [group:leads], min_approvals: 1}]");
    }
    if (auto min = fields.Get("min_approvals")) {
      reader_.Error(min->key_pos, "min_approvals goes inside each step of " +
                                      std::string(all_of ? "all_of" : "any_of") +
                                      ", not next to it");
    }
  }
  if (auto denials = fields.Get("max_denials")) {
    if (std::optional<int64_t> count = reader_.Integer(*denials)) {
      if (*count < 1) {
        reader_.Error(denials->pos,
                      "max_denials must be at least 1, got " + std::to_string(*count));
      } else {
        rule.max_denials = static_cast<int>(*count);
      }
    }
  }
  if (auto allow_self = fields.Get("allow_self")) {
    if (std::optional<bool> flag = reader_.Bool(*allow_self)) rule.allow_self = *flag;
  }
  if (auto distinct = fields.Get("distinct_steps")) {
    if (std::optional<bool> flag = reader_.Bool(*distinct)) rule.distinct_steps = *flag;
  }
  if (auto ttl = fields.Get("pending_ttl")) {
    if (std::optional<Seconds> duration = reader_.Duration(*ttl)) rule.pending_ttl = *duration;
  }
  for (std::string_view key : {"ttl", "uses"}) {
    std::optional<YamlValue> field = fields.Get(key);
    if (!field) continue;
    if (limits == nullptr) {
      reader_.Error(field->key_pos,
                    "'" + std::string(key) +
                        "' applies only to guardrail approvals (how long and how often an "
                        "approved action may be used); an access grant lasts the eligibility "
                        "rule's max_duration");
    } else if (key == "ttl") {
      if (std::optional<Seconds> duration = reader_.Duration(*field)) limits->ttl = *duration;
    } else if (std::optional<int64_t> uses = reader_.Integer(*field)) {
      if (*uses < 1) {
        reader_.Error(field->pos, "uses must be at least 1, got " + std::to_string(*uses) +
                                      "; an approved action is usable this many times");
      } else {
        limits->uses = static_cast<int>(*uses);
      }
    }
  }
  return rule;
}

}  // namespace drawbridge::policy
