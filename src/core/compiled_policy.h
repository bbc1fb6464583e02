// CompiledPolicy: the immutable, fast form of a policy that the decision engine reads.
//
// Built by policy::Compile from a validated PolicyDocument; never changed afterwards, so any number
// of threads may read one concurrently. A policy change builds a new CompiledPolicy and swaps a
// shared_ptr. Strings are interned to dense ids; group membership is a bitset per principal.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/interner.h"
#include "drawbridge/decision.h"
#include "drawbridge/facts.h"

namespace drawbridge::core {

// ---- Matchers ----------------------------------------------------------------------------------

// Action patterns: exact names, "prefix.*" globs, or "*".
struct ActionMatcher {
  bool any = false;
  std::vector<std::string> exact;
  std::vector<std::string> prefixes;  // "db." for "db.*"
  std::vector<std::string> patterns;  // as written, for explanations
  // Which of the policy's interned action names match, so that a check compares ids, not text.
  IdSet known;

  bool Matches(std::string_view action) const;
  // `action_id` is the action's id in CompiledPolicy::actions, or kNoId for a name the policy
  // never mentions (then only a glob can match).
  bool Matches(Id action_id, std::string_view action) const {
    return action_id != kNoId ? known.Has(action_id) : Matches(action);
  }
};

// Who a rule applies to: named principals, members of groups, or everyone.
struct PrincipalMatcher {
  bool everyone = false;
  std::vector<Id> principals;
  IdSet groups;
  bool empty() const { return !everyone && principals.empty() && groups.empty(); }
};

// A resource as one check sees it: catalog entry, or what the caller sent.
struct Label {
  Id key = kNoId;    // kNoId: the policy never mentions this label
  Id value = kNoId;  // kNoId: the policy never mentions this value
  std::string_view key_text, value_text;
};

struct ResourceView {
  std::string_view id;
  Id catalog = kNoId;  // index into CompiledPolicy::resources, or kNoId
  Id kind = kNoId;     // value id of the kind
  std::string_view kind_text;
  const Label* labels = nullptr;  // sorted by key_text
  size_t label_count = 0;

  const Label* Find(std::string_view key) const;
  const Label* FindKey(Id key) const;
};

struct LabelValues {
  Id key = kNoId;
  std::vector<Id> values;
};

struct ResourceSelectorC {
  bool any = true;
  std::vector<Id> catalog_ids;  // exact ids (catalog indices)
  std::vector<std::string> id_prefixes;
  std::vector<Id> kinds;            // value ids
  std::vector<LabelValues> labels;  // each must hold
  std::vector<LabelValues> labels_not;
  std::vector<Id> label_in_principal_groups;  // label keys
};

struct TimeWindowC {
  uint8_t weekdays = 0x7f;  // bit 0 = Monday
  int start_minute = 0, end_minute = 24 * 60;
  int utc_offset_minutes = 0;
  bool Contains(TimePoint now) const;
};

struct CidrC {
  bool v6 = false;
  std::array<uint8_t, 16> address{};
  int prefix = 0;
};

struct ConditionsC {
  FactSet facts;  // any of; empty = no fact condition
  std::vector<std::string> http_path_prefixes, http_paths_exact;
  std::vector<TimeWindowC> time_windows;
  std::vector<CidrC> source_cidrs;
  bool require_mfa = false;
  bool has_facts() const {
    return !facts.empty() || !http_path_prefixes.empty() || !http_paths_exact.empty();
  }
};

// ---- Rules -------------------------------------------------------------------------------------

struct PermissionC {
  ActionMatcher actions;
  ResourceSelectorC resources;
  Id role = kNoId;
};

struct ApprovalStepSpec {
  std::vector<std::string> approvers;  // "user:erin", "group:leads"
  int min_approvals = 1;
};

struct ApprovalSpec {
  enum class Mode : uint8_t { kSingle, kAllOf, kAnyOf };
  Mode mode = Mode::kSingle;
  std::vector<ApprovalStepSpec> steps;
  int max_denials = 1;
  bool allow_self = false;
  bool distinct_steps = true;
  std::chrono::seconds pending_ttl{24 * 3600};
};

struct RoleC {
  std::string name;
  std::vector<Id> permissions;  // indices into CompiledPolicy::permissions
};

struct AssignmentC {
  PrincipalMatcher principals;
  std::vector<Id> roles;
  ConditionsC when;
  bool has_conditions = false;
};

struct AutoApproveC {
  ConditionsC when;
  ResourceSelectorC resources;
  std::optional<std::chrono::seconds> max_duration;
};

struct BreakGlassC {
  std::chrono::seconds max_duration{30 * 60};
  std::vector<std::string> notify;
};

struct EligibilityC {
  std::string name;
  PrincipalMatcher principals;
  std::vector<Id> roles;
  std::chrono::seconds max_duration{3600};
  bool require_reason = true;
  std::string ticket_pattern;
  ApprovalSpec approval;
  std::vector<AutoApproveC> auto_approve;
  std::optional<BreakGlassC> break_glass;
};

enum class GuardrailEffect : uint8_t { kDeny, kRequireApproval, kRequireGrant };
std::string_view GuardrailEffectName(GuardrailEffect effect);

struct GuardrailC {
  std::string name;
  std::string description;
  PrincipalMatcher principals;  // empty = everyone
  PrincipalMatcher except;
  ActionMatcher actions;
  ResourceSelectorC resources;
  ConditionsC when;
  GuardrailEffect effect = GuardrailEffect::kDeny;
  ApprovalSpec approval;
  std::chrono::seconds ttl{15 * 60};
  int uses = 1;
};

struct ResourceC {
  std::string id;
  Id kind = kNoId;
  std::vector<Label> labels;  // sorted by key_text; texts point into the interners
};

// A reference from a principal to a permission it holds standing, and through which assignment.
struct StandingRef {
  Id permission;
  Id assignment;
};

// ---- The policy --------------------------------------------------------------------------------

class CompiledPolicy {
 public:
  // Interned names.
  Interner principals;  // "user:alice"
  Interner groups;      // "dba" (without the "group:" prefix)
  Interner label_keys;  // "env"
  Interner values;      // label values and kinds: "prod", "postgres"
  Interner resource_ids;
  Interner actions;  // every exact action name the policy mentions

  std::vector<ResourceC> resources;            // indexed like resource_ids
  std::vector<IdSet> principal_groups;         // principal -> every group it is in (transitively)
  std::vector<IdSet> group_ancestors;          // group -> itself and every group containing it
  std::vector<std::vector<Id>> group_members;  // group -> principals (transitively)
  std::vector<Id> value_group;                 // value id -> group id of the same name, or kNoId

  std::vector<PermissionC> permissions;
  std::vector<RoleC> roles;
  std::vector<AssignmentC> assignments;
  std::vector<EligibilityC> eligibility;
  std::vector<GuardrailC> guardrails;

  // Standing permissions: per known principal, and for everyone ("*" assignments). Group claims
  // at check time add group_standing of each claimed group.
  std::vector<std::vector<StandingRef>> principal_standing;
  std::vector<StandingRef> everyone_standing;
  std::vector<std::vector<StandingRef>> group_standing;

  std::string version;  // SHA-256 of the policy source, hex
  std::vector<std::string> source_files;

  // Resolves a resource for one check. `scratch` holds caller-sent labels and must outlive view.
  bool ResolveResource(std::string_view id, const CheckContext& context,
                       std::vector<Label>& scratch, ResourceView& view) const;

  // Groups of a principal including identity-provider claims. Returns a pointer to the
  // precomputed set when there are no claims (no allocation), else fills `scratch`.
  const IdSet* PrincipalGroups(Id principal, const CheckContext& context, IdSet& scratch) const;

  bool Matches(const PrincipalMatcher& m, Id principal, const IdSet& groups) const;
  bool Matches(const ResourceSelectorC& s, const ResourceView& r, const IdSet& groups) const;
  // Non-fact conditions: time windows, source CIDRs, MFA.
  bool MatchesContext(const ConditionsC& c, const CheckContext& context, TimePoint now) const;

  // Every principal the approver list names (groups expanded), sorted and unique.
  std::vector<std::string> ExpandApprovers(const std::vector<std::string>& approvers) const;
};

// Syntax checks shared by the engine and the policy loader.
bool IsValidPrincipal(std::string_view principal);  // kind:name, kind in user|service|agent
bool IsValidAction(std::string_view action);        // dotted lowercase words
bool IsValidResourceId(std::string_view resource);  // printable, no spaces, <= 256 bytes

}  // namespace drawbridge::core
