#include "policy/compiler.h"

#include <algorithm>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "classify/common/sha256.h"
#include "policy/loader.h"

namespace drawbridge::policy {
namespace {

using core::Id;
using core::kNoId;

class Compiler {
 public:
  explicit Compiler(const PolicyDocument& doc)
      : doc_(doc), out_(std::make_shared<core::CompiledPolicy>()) {}

  StatusOr<std::shared_ptr<const core::CompiledPolicy>> Run() {
    InternNames();
    DB_RETURN_IF_ERROR(CloseGroups());
    CompileResources();
    DB_RETURN_IF_ERROR(CompileRoles());
    DB_RETURN_IF_ERROR(CompileAssignments());
    DB_RETURN_IF_ERROR(CompileEligibility());
    DB_RETURN_IF_ERROR(CompileGuardrails());
    FinishValues();
    FinishActions();
    out_->source_files = doc_.files;
    return std::shared_ptr<const core::CompiledPolicy>(std::move(out_));
  }

 private:
  static bool IsGroupRef(std::string_view p) { return p.starts_with("group:"); }
  static std::string_view GroupName(std::string_view p) { return p.substr(6); }

  void InternPrincipal(std::string_view p) {
    if (p != "*" && !IsGroupRef(p)) out_->principals.Intern(p);
  }

  void InternNames() {
    for (const auto& [name, members] : doc_.groups) {
      out_->groups.Intern(name);
      for (const std::string& m : members) InternPrincipal(m);
    }
    for (const Assignment& a : doc_.assignments) {
      for (const std::string& p : a.principals) InternPrincipal(p);
    }
    for (const Eligibility& e : doc_.eligibility) {
      for (const std::string& p : e.principals) InternPrincipal(p);
    }
    for (const Guardrail& g : doc_.guardrails) {
      for (const std::string& p : g.principals) InternPrincipal(p);
      for (const std::string& p : g.except_principals) InternPrincipal(p);
    }
  }

  Status CloseGroups() {
    size_t n_groups = out_->groups.size();
    size_t n_principals = out_->principals.size();
    out_->group_members.assign(n_groups, {});
    out_->group_ancestors.assign(n_groups, core::IdSet(n_groups));
    out_->principal_groups.assign(n_principals, core::IdSet(n_groups));
    // Depth-first over nested groups; a cycle (which the loader reports) is refused here too.
    std::vector<int> state(n_groups, 0);  // 0 new, 1 visiting, 2 done
    std::vector<std::set<Id>> members(n_groups);
    std::vector<std::set<Id>> subgroups(n_groups);
    std::function<Status(Id)> visit = [&](Id g) -> Status {
      if (state[g] == 2) return Status::Ok();
      if (state[g] == 1) {
        return InvalidArgument("group cycle through '" + std::string(out_->groups.Name(g)) + "'");
      }
      state[g] = 1;
      auto it = doc_.groups.find(std::string(out_->groups.Name(g)));
      for (const std::string& m : it->second) {
        if (!IsGroupRef(m)) {
          members[g].insert(out_->principals.Find(m));
          continue;
        }
        Id sub = out_->groups.Find(GroupName(m));
        if (sub == kNoId) {
          return InvalidArgument("group '" + it->first + "' names unknown group '" + m + "'");
        }
        DB_RETURN_IF_ERROR(visit(sub));
        members[g].insert(members[sub].begin(), members[sub].end());
        subgroups[g].insert(sub);
        subgroups[g].insert(subgroups[sub].begin(), subgroups[sub].end());
      }
      state[g] = 2;
      return Status::Ok();
    };
    for (Id g = 0; g < n_groups; ++g) DB_RETURN_IF_ERROR(visit(g));
    for (Id g = 0; g < n_groups; ++g) {
      out_->group_members[g].assign(members[g].begin(), members[g].end());
      out_->group_ancestors[g].Add(g);
      for (Id p : members[g]) out_->principal_groups[p].Add(g);
      for (Id sub : subgroups[g]) out_->group_ancestors[sub].Add(g);
    }
    return Status::Ok();
  }

  void CompileResources() {
    for (const ResourceDecl& r : doc_.resources) {
      Id id = out_->resource_ids.Intern(r.id);
      if (id >= out_->resources.size()) out_->resources.resize(id + 1);
      core::ResourceC& c = out_->resources[id];
      c.id = r.id;
      c.kind = out_->values.Intern(r.kind);
      for (const auto& [key, value] : r.labels) {
        Id k = out_->label_keys.Intern(key);
        Id v = out_->values.Intern(value);
        c.labels.push_back({k, v, out_->label_keys.Name(k), out_->values.Name(v)});
      }
      std::sort(c.labels.begin(), c.labels.end(),
                [](const core::Label& a, const core::Label& b) { return a.key_text < b.key_text; });
    }
  }

  core::ActionMatcher Actions(const std::vector<std::string>& patterns) {
    core::ActionMatcher m;
    for (const std::string& a : patterns) {
      if (a == "*") {
        m.any = true;
      } else if (a.ends_with(".*")) {
        m.prefixes.push_back(a.substr(0, a.size() - 1));
      } else {
        m.exact.push_back(a);
      }
      m.patterns.push_back(a);
    }
    return m;
  }

  StatusOr<core::ResourceSelectorC> Selector(const ResourceSelector& s) {
    core::ResourceSelectorC c;
    for (const std::string& id : s.ids) {
      if (id.ends_with("*")) {
        c.id_prefixes.push_back(id.substr(0, id.size() - 1));
        continue;
      }
      Id r = out_->resource_ids.Find(id);
      if (r == kNoId) return InvalidArgument("selector names unknown resource '" + id + "'");
      c.catalog_ids.push_back(r);
    }
    for (const std::string& k : s.kinds) c.kinds.push_back(out_->values.Intern(k));
    auto label_values = [&](const std::map<std::string, std::vector<std::string>>& in,
                            std::vector<core::LabelValues>& out) {
      for (const auto& [key, values] : in) {
        core::LabelValues lv;
        lv.key = out_->label_keys.Intern(key);
        for (const std::string& v : values) lv.values.push_back(out_->values.Intern(v));
        out.push_back(std::move(lv));
      }
    };
    label_values(s.labels, c.labels);
    label_values(s.labels_not, c.labels_not);
    for (const std::string& key : s.labels_in_principal_groups) {
      c.label_in_principal_groups.push_back(out_->label_keys.Intern(key));
    }
    c.any = c.catalog_ids.empty() && c.id_prefixes.empty() && c.kinds.empty() && c.labels.empty() &&
            c.labels_not.empty() && c.label_in_principal_groups.empty();
    return c;
  }

  core::ConditionsC Conditions(const policy::Conditions& w) {
    core::ConditionsC c;
    c.facts.Add(w.sql_facts);
    c.facts.Add(w.shell_facts);
    c.facts.Add(w.http_facts);
    for (const std::string& p : w.http_paths) {
      if (p.ends_with("*")) {
        c.http_path_prefixes.push_back(p.substr(0, p.size() - 1));
      } else {
        c.http_paths_exact.push_back(p);
      }
    }
    for (const TimeWindow& t : w.time_windows) {
      c.time_windows.push_back({t.weekdays, t.start_minute, t.end_minute, t.utc_offset_minutes});
    }
    for (const Cidr& n : w.source_cidrs) c.source_cidrs.push_back({n.v6, n.address, n.prefix});
    c.require_mfa = w.require_mfa;
    return c;
  }

  static bool HasContextConditions(const core::ConditionsC& c) {
    return c.require_mfa || !c.time_windows.empty() || !c.source_cidrs.empty();
  }

  StatusOr<core::PrincipalMatcher> Principals(const std::vector<std::string>& list) {
    core::PrincipalMatcher m;
    m.groups.Resize(out_->groups.size());
    for (const std::string& p : list) {
      if (p == "*") {
        m.everyone = true;
      } else if (IsGroupRef(p)) {
        Id g = out_->groups.Find(GroupName(p));
        if (g == kNoId) return InvalidArgument("unknown group '" + p + "'");
        m.groups.Add(g);
      } else {
        m.principals.push_back(out_->principals.Find(p));
      }
    }
    return m;
  }

  static core::ApprovalSpec Approval(const ApprovalRule& r) {
    core::ApprovalSpec a;
    switch (r.mode) {
      case ApprovalRule::Mode::kSingle: a.mode = core::ApprovalSpec::Mode::kSingle; break;
      case ApprovalRule::Mode::kAllOf: a.mode = core::ApprovalSpec::Mode::kAllOf; break;
      case ApprovalRule::Mode::kAnyOf: a.mode = core::ApprovalSpec::Mode::kAnyOf; break;
    }
    for (const ApprovalStep& s : r.steps) a.steps.push_back({s.approvers, s.min_approvals});
    a.max_denials = r.max_denials;
    a.allow_self = r.allow_self;
    a.distinct_steps = r.distinct_steps;
    a.pending_ttl = r.pending_ttl;
    return a;
  }

  Status CompileRoles() {
    for (const Role& role : doc_.roles) {
      core::RoleC c;
      c.name = role.name;
      Id role_id = static_cast<Id>(out_->roles.size());
      role_ids_[role.name] = role_id;
      for (const Permission& p : role.permissions) {
        core::PermissionC perm;
        perm.actions = Actions(p.actions);
        DB_ASSIGN_OR_RETURN(perm.resources, Selector(p.resources));
        perm.role = role_id;
        c.permissions.push_back(static_cast<Id>(out_->permissions.size()));
        out_->permissions.push_back(std::move(perm));
      }
      out_->roles.push_back(std::move(c));
    }
    return Status::Ok();
  }

  StatusOr<std::vector<Id>> RoleIds(const std::vector<std::string>& names) {
    std::vector<Id> ids;
    for (const std::string& n : names) {
      auto it = role_ids_.find(n);
      if (it == role_ids_.end()) return InvalidArgument("unknown role '" + n + "'");
      ids.push_back(it->second);
    }
    return ids;
  }

  Status CompileAssignments() {
    size_t n_principals = out_->principals.size();
    std::vector<std::vector<core::StandingRef>> direct(n_principals);
    out_->group_standing.assign(out_->groups.size(), {});
    for (const Assignment& a : doc_.assignments) {
      core::AssignmentC c;
      DB_ASSIGN_OR_RETURN(c.principals, Principals(a.principals));
      DB_ASSIGN_OR_RETURN(c.roles, RoleIds(a.roles));
      c.when = Conditions(a.when);
      c.has_conditions = HasContextConditions(c.when);
      Id assignment = static_cast<Id>(out_->assignments.size());
      std::vector<core::StandingRef> refs;
      for (Id role : c.roles) {
        for (Id perm : out_->roles[role].permissions) refs.push_back({perm, assignment});
      }
      if (c.principals.everyone) {
        out_->everyone_standing.insert(out_->everyone_standing.end(), refs.begin(), refs.end());
      }
      for (Id p : c.principals.principals)
        direct[p].insert(direct[p].end(), refs.begin(), refs.end());
      c.principals.groups.ForEach([&](Id g) {
        auto& list = out_->group_standing[g];
        list.insert(list.end(), refs.begin(), refs.end());
      });
      out_->assignments.push_back(std::move(c));
    }
    // Each known principal's list: everyone's, its own, and its groups' (no duplicates).
    out_->principal_standing.assign(n_principals, {});
    for (Id p = 0; p < n_principals; ++p) {
      auto& list = out_->principal_standing[p];
      auto add = [&](const std::vector<core::StandingRef>& refs) {
        for (const core::StandingRef& r : refs) {
          bool seen = std::any_of(list.begin(), list.end(), [&](const core::StandingRef& x) {
            return x.permission == r.permission && x.assignment == r.assignment;
          });
          if (!seen) list.push_back(r);
        }
      };
      add(direct[p]);
      out_->principal_groups[p].ForEach([&](Id g) { add(out_->group_standing[g]); });
      add(out_->everyone_standing);
    }
    return Status::Ok();
  }

  Status CompileEligibility() {
    for (const Eligibility& e : doc_.eligibility) {
      core::EligibilityC c;
      c.name = e.name;
      DB_ASSIGN_OR_RETURN(c.principals, Principals(e.principals));
      DB_ASSIGN_OR_RETURN(c.roles, RoleIds(e.roles));
      c.max_duration = e.max_duration;
      c.require_reason = e.require.reason;
      c.ticket_pattern = e.require.ticket_pattern;
      c.approval = Approval(e.approval);
      for (const AutoApprove& a : e.auto_approve) {
        core::AutoApproveC auto_rule;
        auto_rule.when = Conditions(a.when);
        if (a.when.has_resources) {
          DB_ASSIGN_OR_RETURN(auto_rule.resources, Selector(a.when.resources));
        }
        auto_rule.max_duration = a.max_duration;
        c.auto_approve.push_back(std::move(auto_rule));
      }
      if (e.break_glass)
        c.break_glass = core::BreakGlassC{e.break_glass->max_duration, e.break_glass->notify};
      out_->eligibility.push_back(std::move(c));
    }
    return Status::Ok();
  }

  Status CompileGuardrails() {
    for (const Guardrail& g : doc_.guardrails) {
      core::GuardrailC c;
      c.name = g.name;
      c.description = g.description;
      DB_ASSIGN_OR_RETURN(c.principals, Principals(g.principals));
      DB_ASSIGN_OR_RETURN(c.except, Principals(g.except_principals));
      c.actions = Actions(g.actions);
      DB_ASSIGN_OR_RETURN(c.resources, Selector(g.resources));
      c.when = Conditions(g.when);
      switch (g.effect) {
        case GuardrailEffect::kDeny: c.effect = core::GuardrailEffect::kDeny; break;
        case GuardrailEffect::kRequireApproval:
          c.effect = core::GuardrailEffect::kRequireApproval;
          break;
        case GuardrailEffect::kRequireGrant: c.effect = core::GuardrailEffect::kRequireGrant; break;
      }
      c.approval = Approval(g.approval);
      c.ttl = g.ttl;
      c.uses = g.uses;
      out_->guardrails.push_back(std::move(c));
    }
    return Status::Ok();
  }

  // Values that name groups let `label_in_principal_groups` compare a label with membership.
  void FinishValues() {
    out_->value_group.assign(out_->values.size(), kNoId);
    for (Id v = 0; v < out_->values.size(); ++v)
      out_->value_group[v] = out_->groups.Find(out_->values.Name(v));
  }

  // Every exact action name the policy mentions gets an id; each matcher learns which ids it
  // matches, so a check tests a bit instead of comparing strings.
  void FinishActions() {
    auto intern = [&](const core::ActionMatcher& m) {
      for (const std::string& a : m.exact) out_->actions.Intern(a);
    };
    for (const auto& p : out_->permissions) intern(p.actions);
    for (const auto& g : out_->guardrails) intern(g.actions);
    auto learn = [&](core::ActionMatcher& m) {
      m.known.Resize(out_->actions.size());
      for (Id a = 0; a < out_->actions.size(); ++a) {
        if (m.Matches(out_->actions.Name(a))) m.known.Add(a);
      }
    };
    for (auto& p : out_->permissions) learn(p.actions);
    for (auto& g : out_->guardrails) learn(g.actions);
  }

  const PolicyDocument& doc_;
  std::shared_ptr<core::CompiledPolicy> out_;
  std::map<std::string, Id> role_ids_;
};

}  // namespace

std::string PolicyVersionOfTexts(const std::vector<std::string>& texts) {
  classify::Sha256 sha;
  sha.UpdateField("policy/1");
  for (const std::string& t : texts) sha.UpdateField(t);
  return classify::DigestHex(sha.Finish());
}

std::string PolicyVersionOfFiles(const std::vector<std::string>& files) {
  std::vector<std::string> texts;
  for (const std::string& f : files) {
    std::ifstream in(f, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    texts.push_back(text.str());
  }
  return PolicyVersionOfTexts(texts);
}

StatusOr<std::shared_ptr<const core::CompiledPolicy>> Compile(const PolicyDocument& document,
                                                              std::string version) {
  DB_ASSIGN_OR_RETURN(auto compiled, Compiler(document).Run());
  if (version.empty()) return compiled;
  auto policy = std::const_pointer_cast<core::CompiledPolicy>(compiled);
  policy->version = std::move(version);
  return std::shared_ptr<const core::CompiledPolicy>(std::move(policy));
}

StatusOr<std::shared_ptr<const core::CompiledPolicy>> LoadAndCompile(
    const std::filesystem::path& path) {
  LoadResult loaded = LoadPolicy(path);
  if (!loaded.ok()) return InvalidArgument(loaded.ErrorText());
  return Compile(loaded.document, PolicyVersionOfFiles(loaded.document.files));
}

}  // namespace drawbridge::policy
