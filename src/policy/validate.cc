#include "policy/validate.h"

#include <set>
#include <string>
#include <vector>

#include "policy/durations.h"
#include "policy/group_graph.h"
#include "policy/suggest.h"

namespace drawbridge::policy {
namespace {

// "user:erin, user:frank" with at most a few names, so a large group stays readable.
std::string NameList(const std::vector<std::string>& names) {
  constexpr size_t kShown = 5;
  std::string out;
  for (size_t i = 0; i < names.size() && i < kShown; ++i) {
    if (i > 0) out += ", ";
    out += names[i];
  }
  if (names.size() > kShown) out += " and " + std::to_string(names.size() - kShown) + " more";
  return out;
}

std::string People(size_t count) {
  return std::to_string(count) + (count == 1 ? " approver" : " approvers");
}

template <typename T, typename NameOf, typename PosOf>
void ReportDuplicates(const std::vector<T>& items, std::string_view what, NameOf name_of,
                      PosOf pos_of, Diagnostics* diagnostics) {
  std::map<std::string, SourcePos> first_seen;
  for (const T& item : items) {
    const std::string& name = name_of(item);
    if (name.empty()) continue;
    auto [it, inserted] = first_seen.emplace(name, pos_of(item));
    if (!inserted) {
      diagnostics->Add(pos_of(item), std::string(what) + " '" + name +
                                         "' is defined twice: here and at " +
                                         FormatPos(it->second) + "; rename or remove one");
    }
  }
}

// Who may start what an approval rule approves.
struct Requesters {
  bool everyone = false;
  std::set<std::string> principals;  // when !everyone
  std::set<std::string> exempt;      // never requesters (guardrail except_principals)

  bool Contains(const std::string& principal) const {
    if (exempt.contains(principal)) return false;
    return everyone || principals.contains(principal);
  }
};

class Validator {
 public:
  Validator(const PolicyDocument& document, const References& references, Diagnostics* diagnostics)
      : document_(document),
        references_(references),
        diagnostics_(diagnostics),
        groups_(document.groups) {}

  void Run() {
    Duplicates();
    UnknownNames();
    GroupCycles();
    for (const Eligibility& rule : document_.eligibility) CheckEligibility(rule);
    for (const Guardrail& guardrail : document_.guardrails) CheckGuardrail(guardrail);
  }

 private:
  void Duplicates() {
    ReportDuplicates(
        document_.roles, "role", [](const Role& r) -> const std::string& { return r.name; },
        [](const Role& r) { return r.pos; }, diagnostics_);
    ReportDuplicates(
        document_.eligibility, "eligibility rule",
        [](const Eligibility& e) -> const std::string& { return e.name; },
        [](const Eligibility& e) { return e.pos; }, diagnostics_);
    ReportDuplicates(
        document_.guardrails, "guardrail",
        [](const Guardrail& g) -> const std::string& { return g.name; },
        [](const Guardrail& g) { return g.pos; }, diagnostics_);
    ReportDuplicates(
        document_.resources, "resource",
        [](const ResourceDecl& r) -> const std::string& { return r.id; },
        [](const ResourceDecl& r) { return r.pos; }, diagnostics_);
  }

  void UnknownNames() {
    std::vector<std::string> group_names;
    for (const auto& [name, members] : document_.groups) group_names.push_back(name);
    for (const NameRef& ref : references_.groups) {
      if (document_.groups.contains(ref.name)) continue;
      diagnostics_->Add(ref.pos, "unknown group '" + ref.name + "'" +
                                     DidYouMean(ref.name, group_names) +
                                     "; define it under 'groups:' (e.g. " + ref.name +
                                     ": [user:alice]) or fix the name");
    }
    std::set<std::string> role_set;
    std::vector<std::string> role_names;
    for (const Role& role : document_.roles) {
      if (role_set.insert(role.name).second) role_names.push_back(role.name);
    }
    for (const NameRef& ref : references_.roles) {
      if (role_set.contains(ref.name)) continue;
      diagnostics_->Add(ref.pos, "unknown role '" + ref.name + "'" +
                                     DidYouMean(ref.name, role_names) +
                                     "; define it under 'roles:' or fix the name");
    }
    std::set<std::string> id_set;
    std::vector<std::string> ids;
    for (const ResourceDecl& resource : document_.resources) {
      if (id_set.insert(resource.id).second) ids.push_back(resource.id);
    }
    for (const NameRef& ref : references_.resource_ids) {
      if (id_set.contains(ref.name)) continue;
      diagnostics_->Add(ref.pos, "resource '" + ref.name + "' is not in the catalog" +
                                     DidYouMean(ref.name, ids) +
                                     "; add it under 'resources:', fix the id, or end it in '*' "
                                     "to match ids by prefix");
    }
  }

  void GroupCycles() {
    for (const std::vector<std::string>& cycle : groups_.cycles()) {
      std::string path;
      for (const std::string& name : cycle) path += (path.empty() ? "" : " -> ") + name;
      auto pos = document_.group_pos.find(cycle.front());
      diagnostics_->Add(pos == document_.group_pos.end() ? SourcePos{} : pos->second,
                        "group cycle: " + path +
                            "; a group cannot contain itself, remove one of these memberships");
    }
  }

  bool NamesUnknownGroup(const std::vector<std::string>& principals) const {
    for (const std::string& principal : principals) {
      if (principal.starts_with("group:") && !document_.groups.contains(principal.substr(6))) {
        return true;
      }
    }
    return false;
  }

  // Every step of `rule` must be satisfiable by approvers other than the requester.
  void CheckApproval(const ApprovalRule& rule, const Requesters& requesters,
                     std::string_view rule_kind, const std::string& rule_name) {
    std::set<std::string> all_approvers;
    int total_minimum = 0;
    for (const ApprovalStep& step : rule.steps) {
      std::set<std::string> approvers = groups_.ExpandAll(step.approvers);
      all_approvers.insert(approvers.begin(), approvers.end());
      total_minimum += step.min_approvals;
      // Empty lists and unknown groups are reported already; counting them would only add noise.
      if (step.approvers.empty() || NamesUnknownGroup(step.approvers)) continue;
      const size_t needed = static_cast<size_t>(step.min_approvals);
      std::vector<std::string> listed(approvers.begin(), approvers.end());
      if (approvers.size() < needed) {
        diagnostics_->Add(step.pos, "min_approvals is " + std::to_string(needed) + " but " +
                                        std::string(rule_kind) + " '" + rule_name + "' has only " +
                                        People(approvers.size()) +
                                        (listed.empty() ? "" : " (" + NameList(listed) + ")") +
                                        "; add approvers or lower min_approvals");
        continue;
      }
      if (rule.allow_self) continue;
      std::vector<std::string> stuck;
      for (const std::string& approver : approvers) {
        if (requesters.Contains(approver) && approvers.size() - 1 < needed) {
          stuck.push_back(approver);
        }
      }
      if (stuck.empty()) continue;
      diagnostics_->Add(
          step.pos, NameList(stuck) + (stuck.size() == 1 ? " is" : " are") +
                        " both a possible requester and an approver of " + std::string(rule_kind) +
                        " '" + rule_name + "' and cannot approve their own request, leaving " +
                        People(approvers.size() - 1) + " for min_approvals " +
                        std::to_string(needed) + ": such a request could never be approved; " +
                        "add approvers, lower min_approvals, or set allow_self: true (audited)");
    }
    if (rule.mode == ApprovalRule::Mode::kAllOf && rule.distinct_steps &&
        all_approvers.size() < static_cast<size_t>(total_minimum) && rule.steps.size() > 1) {
      diagnostics_->Add(rule.pos, "all_of needs " + std::to_string(total_minimum) +
                                      " different approvers in total (each person counts for "
                                      "one step) but " +
                                      std::string(rule_kind) + " '" + rule_name + "' has only " +
                                      People(all_approvers.size()) +
                                      "; add approvers, lower min_approvals, or set "
                                      "distinct_steps: false");
    }
  }

  void CheckEligibility(const Eligibility& rule) {
    Requesters requesters;
    for (const std::string& principal : rule.principals) {
      if (principal == "*") requesters.everyone = true;
    }
    requesters.principals = groups_.ExpandAll(rule.principals);
    CheckApproval(rule.approval, requesters, "eligibility rule", rule.name);
    if (rule.break_glass && rule.break_glass->max_duration > rule.max_duration) {
      diagnostics_->Add(
          rule.break_glass->pos,
          "break_glass max_duration " + FormatDuration(rule.break_glass->max_duration) +
              " is longer than the rule's max_duration " + FormatDuration(rule.max_duration) +
              "; break-glass access must be shorter, lower it");
    }
    for (const AutoApprove& automatic : rule.auto_approve) {
      if (automatic.max_duration && *automatic.max_duration > rule.max_duration) {
        diagnostics_->Add(automatic.pos, "auto_approve max_duration " +
                                             FormatDuration(*automatic.max_duration) +
                                             " is longer than the rule's max_duration " +
                                             FormatDuration(rule.max_duration) + "; lower it");
      }
    }
  }

  void CheckGuardrail(const Guardrail& guardrail) {
    if (guardrail.effect != GuardrailEffect::kRequireApproval) return;
    // Only the principals a guardrail names are counted as requesters. A guardrail for everyone
    // would otherwise make every approver a requester, and a sole approver of such a rule would
    // be flagged although the rule mostly guards other people's actions.
    Requesters requesters;
    requesters.principals = groups_.ExpandAll(guardrail.principals);
    requesters.exempt = groups_.ExpandAll(guardrail.except_principals);
    CheckApproval(guardrail.approval, requesters, "guardrail", guardrail.name);
  }

  const PolicyDocument& document_;
  const References& references_;
  Diagnostics* diagnostics_;
  GroupGraph groups_;
};

}  // namespace

void ValidatePolicy(const PolicyDocument& document, const References& references,
                    Diagnostics* diagnostics) {
  Validator(document, references, diagnostics).Run();
}

}  // namespace drawbridge::policy
