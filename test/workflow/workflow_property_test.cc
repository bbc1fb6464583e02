// Properties of the workflow under random operation sequences over small random policies: no
// grant without enough distinct eligible approvals (or an auto rule, or break-glass), no
// unflagged self-approval, no reviewer counted twice, states only along the SPEC §4 graph,
// ended grants never live, and refused operations change nothing.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include "core/workflow/transitions.h"
#include "core/workflow/workflow.h"
#include "workflow/workflow_test_util.h"

namespace drawbridge::workflow {
namespace {

using namespace testing;

const std::vector<std::string> kPeople = {"user:u0", "user:u1", "user:u2",
                                          "user:u3", "user:u4", "user:outsider"};

// The random policy's approval rule, kept independently of the compiled policy so that the
// checks below do not trust the code under test to say who is an approver.
struct RuleModel {
  core::ApprovalSpec::Mode mode = core::ApprovalSpec::Mode::kSingle;
  std::vector<std::set<std::string>> steps;
  std::vector<int> min;
  bool distinct = true;
  bool allow_self = false;
};

struct PolicyModel {
  std::set<std::string> requesters, leads, dba;
  RuleModel access, action;
  int max_denials = 1;
  bool auto_staging = false;
  bool break_glass = false;
  int uses = 1;
  std::string yaml;
};

std::string List(const std::set<std::string>& names) {
  std::string text = "[";
  for (const std::string& n : names) text += (text.size() > 1 ? ", " : "") + n;
  return text + "]";
}

rc::Gen<std::set<std::string>> Subset(size_t min_size) {
  return rc::gen::suchThat(
      rc::gen::map(rc::gen::container<std::vector<bool>>(5, rc::gen::arbitrary<bool>()),
                   [](const std::vector<bool>& pick) {
                     std::set<std::string> names;
                     for (size_t i = 0; i < pick.size(); ++i) {
                       if (pick[i]) names.insert(kPeople[i]);
                     }
                     return names;
                   }),
      [min_size](const std::set<std::string>& s) { return s.size() >= min_size; });
}

PolicyModel GeneratePolicy() {
  PolicyModel m;
  m.requesters = *Subset(1);
  m.leads = *Subset(2);
  m.dba = *Subset(2);
  const int mode = *rc::gen::inRange(0, 3);
  const int single_min = *rc::gen::inRange(1, 3);
  m.max_denials = *rc::gen::inRange(1, 3);
  m.access.allow_self = *rc::gen::arbitrary<bool>();
  m.access.distinct = *rc::gen::arbitrary<bool>();
  m.auto_staging = *rc::gen::arbitrary<bool>();
  m.break_glass = *rc::gen::arbitrary<bool>();
  m.uses = *rc::gen::inRange(1, 3);
  std::string approval;
  if (mode == 0) {
    m.access.mode = core::ApprovalSpec::Mode::kSingle;
    m.access.steps = {m.leads};
    m.access.min = {single_min};
    approval = "{approvers: [group:leads], min_approvals: " + std::to_string(single_min);
  } else {
    m.access.mode = mode == 1 ? core::ApprovalSpec::Mode::kAllOf : core::ApprovalSpec::Mode::kAnyOf;
    m.access.steps = {m.leads, m.dba};
    m.access.min = {1, 1};
    approval = std::string("{") + (mode == 1 ? "all_of" : "any_of") +
               ": [{approvers: [group:leads], min_approvals: 1}, {approvers: [group:dba], "
               "min_approvals: 1}], distinct_steps: " +
               (m.access.distinct ? "true" : "false");
  }
  approval += ", max_denials: " + std::to_string(m.max_denials) +
              ", allow_self: " + (m.access.allow_self ? "true" : "false") + ", pending_ttl: 2h}";
  m.action.mode = core::ApprovalSpec::Mode::kSingle;
  m.action.steps = {m.leads};
  m.action.min = {1};
  m.action.allow_self = m.access.allow_self;
  m.yaml = "version: 1\ngroups:\n  req: " + List(m.requesters) + "\n  leads: " + List(m.leads) +
           "\n  dba: " + List(m.dba) + R"(
resources:
  - {id: db/prod, kind: postgres, labels: {env: prod}}
  - {id: db/staging, kind: postgres, labels: {env: staging}}
roles:
  admin: {permissions: [{actions: ["db.*"], resources: {kind: postgres}}]}
eligibility:
  - name: elevate
    principals: [group:req]
    roles: [admin]
    max_duration: 2h
    require: {reason: false}
    approval: )" +
           approval +
           (m.auto_staging ? "\n    auto_approve: [{when: {resources: {labels: {env: staging}}}, "
                             "max_duration: 1h}]"
                           : "") +
           (m.break_glass ? "\n    break_glass: {max_duration: 30m, notify: [group:leads]}" : "") +
           R"(
guardrails:
  - name: rail
    actions: [db.query]
    resources: {labels: {env: prod}}
    when: {sql: [drop]}
    effect: require_approval
    approval: {approvers: [group:leads], min_approvals: 1, ttl: 10m, uses: )" +
           std::to_string(m.uses) + ", allow_self: " + (m.access.allow_self ? "true" : "false") +
           "}\n";
  return m;
}

// Whether the distinct approvers meet the rule, by trying every way to seat them.
bool OracleApproves(const RuleModel& rule, const std::vector<std::string>& approvers) {
  const size_t n_steps = rule.steps.size();
  auto counts_meet = [&](const std::vector<int>& counts) {
    if (rule.mode == core::ApprovalSpec::Mode::kAnyOf) {
      for (size_t s = 0; s < n_steps; ++s) {
        if (counts[s] >= rule.min[s]) return true;
      }
      return false;
    }
    for (size_t s = 0; s < n_steps; ++s) {
      if (counts[s] < rule.min[s]) return false;
    }
    return true;
  };
  if (rule.mode != core::ApprovalSpec::Mode::kAllOf || !rule.distinct) {
    std::vector<int> counts(n_steps, 0);
    for (const std::string& a : approvers) {
      for (size_t s = 0; s < n_steps; ++s) counts[s] += rule.steps[s].count(a);
    }
    return counts_meet(counts);
  }
  std::vector<int> counts(n_steps, 0);
  std::function<bool(size_t)> seat = [&](size_t i) {
    if (i == approvers.size()) return counts_meet(counts);
    if (seat(i + 1)) return true;  // this approver seated nowhere
    for (size_t s = 0; s < n_steps; ++s) {
      if (!rule.steps[s].count(approvers[i])) continue;
      ++counts[s];
      const bool met = seat(i + 1);
      --counts[s];
      if (met) return true;
    }
    return false;
  };
  return seat(0);
}

enum class Op {
  kCreate,
  kCreateBreakGlass,
  kCreateAction,
  kReview,
  kCancel,
  kRevoke,
  kRelease,
  kConsume,
  kExpirePending,
  kExpireGrant,
  kActivate,
  kCloseBreakGlass,
  kAdvance,
  kCount
};

struct Step {
  Op op;
  size_t actor;
  size_t target;
  bool flag;
  int amount;
};

rc::Gen<Step> GenStep() {
  return rc::gen::build<Step>(
      // Reviews and creations dominate so that many requests reach a decision.
      rc::gen::set(&Step::op, rc::gen::weightedElement<Op>({{3, Op::kCreate},
                                                            {1, Op::kCreateBreakGlass},
                                                            {2, Op::kCreateAction},
                                                            {7, Op::kReview},
                                                            {1, Op::kCancel},
                                                            {1, Op::kRevoke},
                                                            {1, Op::kRelease},
                                                            {2, Op::kConsume},
                                                            {1, Op::kExpirePending},
                                                            {1, Op::kExpireGrant},
                                                            {1, Op::kActivate},
                                                            {1, Op::kCloseBreakGlass},
                                                            {2, Op::kAdvance}})),
      rc::gen::set(&Step::actor, rc::gen::inRange<size_t>(0, kPeople.size())),
      rc::gen::set(&Step::target, rc::gen::inRange<size_t>(0, 8)),
      rc::gen::set(&Step::flag, rc::gen::arbitrary<bool>()),
      rc::gen::set(&Step::amount, rc::gen::inRange(0, 4)));
}

struct World {
  const core::CompiledPolicy* policy = nullptr;
  const PolicyModel* model = nullptr;
  std::vector<Request> requests;
  std::map<std::string, Grant> grants;
  SequentialIdSource ids;
  int64_t now = kNow;
};

const Grant* GrantOf(const World& w, const Request& r) {
  auto it = w.grants.find(r.grant_id);
  return it == w.grants.end() ? nullptr : &it->second;
}

StatusOr<Transition> Apply(World& w, const Step& step) {
  const std::string& actor = kPeople[step.actor];
  const core::CompiledPolicy& policy = *w.policy;
  const int64_t durations[] = {20 * kMinute, kHour, 90 * kMinute, 3 * kHour};
  switch (step.op) {
    case Op::kCreate:
    case Op::kCreateBreakGlass: {
      AccessRequestInput input;
      input.requester = actor;
      input.roles = {"admin"};
      input.scope.resource = step.flag ? "db/staging" : "db/prod";
      input.duration_seconds = durations[step.amount];
      input.reason = "work";
      input.break_glass = step.op == Op::kCreateBreakGlass;
      if (!input.break_glass && step.target % 4 == 0) input.not_before = w.now + kHour;
      return CreateAccessRequest(policy, input, w.ids, w.now);
    }
    case Op::kCreateAction: {
      ActionRequestInput input;
      input.requester = actor;
      input.action = "db.query";
      input.resource = "db/prod";
      input.payload_kind = "sql";
      input.payload = "DROP TABLE t" + std::to_string(step.target);
      input.fingerprint = std::string(64, "0123456789abcdef"[step.target % 16]);
      input.guardrail = "rail";
      return CreateActionRequest(policy, input, w.ids, w.now);
    }
    case Op::kAdvance: return Status(InvalidArgument("not a transition"));
    default: break;
  }
  if (w.requests.empty()) return Status(NotFound("no requests yet"));
  const Request& request = w.requests[step.target % w.requests.size()];
  const Grant* grant = GrantOf(w, request);
  auto need_grant = [&]() -> Status {
    return grant == nullptr ? NotFound("request has no grant") : Status::Ok();
  };
  switch (step.op) {
    case Op::kReview:
      return RecordReview(policy, request, {actor, {}, step.flag, "c"}, w.ids, w.now);
    case Op::kCancel: return CancelRequest(request, actor, w.now);
    case Op::kRevoke:
      DB_RETURN_IF_ERROR(need_grant());
      return RevokeGrant(request, *grant, {actor, step.flag, "r"}, w.now);
    case Op::kRelease:
      DB_RETURN_IF_ERROR(need_grant());
      return ReleaseGrant(request, *grant, step.flag ? request.requester : actor, w.now);
    case Op::kConsume:
      DB_RETURN_IF_ERROR(need_grant());
      return ConsumeGrantUse(request, *grant, w.now);
    case Op::kExpirePending: return ExpirePendingRequest(request, w.now);
    case Op::kExpireGrant:
      DB_RETURN_IF_ERROR(need_grant());
      return ExpireGrant(request, *grant, w.now);
    case Op::kActivate:
      DB_RETURN_IF_ERROR(need_grant());
      return ActivateGrant(request, *grant, w.now);
    case Op::kCloseBreakGlass:
      return CloseBreakGlassReview(policy, request, {actor, {}, step.flag, "c"}, w.now);
    default: return Status(Internal("unreachable"));
  }
}

// The approvals that may count for `r` by the model: distinct, not system:auto, not the
// requester unless the rule allows (and the review is flagged).
std::vector<std::string> CountedApprovers(const RuleModel& rule, const Request& r) {
  std::vector<std::string> out;
  for (const Review& review : r.reviews) {
    if (!review.approve || review.reviewer == "system:auto") continue;
    if (review.reviewer == r.requester && !(rule.allow_self && review.self_review)) continue;
    out.push_back(review.reviewer);
  }
  return out;
}

void CheckInvariants(const World& w) {
  for (const Request& r : w.requests) {
    const RuleModel& rule = r.kind == RequestKind::kAccess ? w.model->access : w.model->action;
    std::set<std::string> seen;
    for (const Review& review : r.reviews) {
      RC_ASSERT(seen.insert(review.reviewer).second);  // nobody counted twice
      if (review.reviewer == r.requester) {
        RC_ASSERT(review.self_review);
        RC_ASSERT(rule.allow_self);
      } else {
        RC_ASSERT(!review.self_review);
      }
      if (review.reviewer != "system:auto") {
        bool approver = false;
        for (const auto& step : rule.steps) approver = approver || step.count(review.reviewer) > 0;
        RC_ASSERT(approver);
      }
    }
    const Grant* grant = GrantOf(w, r);
    const bool holds_grant = r.state == RequestState::kApproved ||
                             r.state == RequestState::kActive || IsTerminal(r.state);
    if (grant == nullptr) {
      RC_ASSERT(r.state == RequestState::kPending || r.state == RequestState::kDenied ||
                r.state == RequestState::kCancelled || r.state == RequestState::kExpired);
      continue;
    }
    RC_ASSERT(holds_grant);
    RC_ASSERT(grant->request_id == r.id);
    RC_ASSERT(grant->principal == r.requester);
    // Every grant is justified: break-glass, an auto rule, or enough eligible approvals.
    const bool by_auto = std::any_of(r.reviews.begin(), r.reviews.end(), [](const Review& v) {
      return v.reviewer == "system:auto" && !v.auto_rule.empty();
    });
    if (r.break_glass) {
      RC_ASSERT(grant->break_glass);
      RC_ASSERT(w.model->break_glass);
      RC_ASSERT(grant->expires_at - grant->not_before <= 30 * kMinute);
    } else if (by_auto) {
      RC_ASSERT(w.model->auto_staging);
      RC_ASSERT(r.scope.resource == "db/staging");
      RC_ASSERT(grant->expires_at - grant->not_before <= kHour);
    } else {
      RC_ASSERT(OracleApproves(rule, CountedApprovers(rule, r)));
    }
    if (r.kind == RequestKind::kAccess) {
      RC_ASSERT(grant->expires_at - grant->not_before == r.duration_seconds);
      RC_ASSERT(r.duration_seconds <= 2 * kHour);
    }
    // The grant's state follows the request's.
    const bool open = r.state == RequestState::kApproved || r.state == RequestState::kActive;
    RC_ASSERT((grant->state == GrantState::kActive) == open);
    if (grant->state != GrantState::kActive) {
      RC_ASSERT(!IsGrantLive(*grant, w.now));
      RC_ASSERT(!IsGrantLive(*grant, grant->not_before));
    }
    if (grant->state == GrantState::kConsumed) RC_ASSERT(grant->uses_left == 0);
    if (grant->kind == RequestKind::kAction) {
      RC_ASSERT(grant->uses_left >= 0 && grant->uses_left <= w.model->uses);
    }
    if (w.now >= grant->expires_at) RC_ASSERT(!IsGrantLive(*grant, w.now));
  }
}

RC_GTEST_PROP(WorkflowPropertyTest, RandomOperationsKeepTheInvariants, ()) {
  const PolicyModel model = GeneratePolicy();
  policy::LoadResult loaded = policy::LoadPolicyText(model.yaml, "p.yaml");
  // The validator refuses rules nobody could ever approve; those are not workflows to run.
  RC_PRE(loaded.ok());
  auto compiled = policy::Compile(loaded.document);
  RC_ASSERT(compiled.ok());
  World w;
  w.policy = compiled->get();
  w.model = &model;
  const auto steps = *rc::gen::container<std::vector<Step>>(GenStep());
  for (const Step& step : steps) {
    if (step.op == Op::kAdvance) {
      w.now += step.amount * 20 * kMinute + static_cast<int64_t>(step.target);
      CheckInvariants(w);
      continue;
    }
    const std::vector<Request> requests_before = w.requests;
    std::vector<std::string> before;
    for (const Request& r : w.requests) before.push_back(Describe(r));
    for (const auto& [id, g] : w.grants) before.push_back(Describe(g));
    const int64_t request_ids = w.ids.requests_issued(), grant_ids = w.ids.grants_issued();

    StatusOr<Transition> result = Apply(w, step);

    std::vector<std::string> after;
    for (const Request& r : w.requests) after.push_back(Describe(r));
    for (const auto& [id, g] : w.grants) after.push_back(Describe(g));
    RC_ASSERT(before == after);  // inputs are never modified
    if (!result.ok()) {
      RC_ASSERT(!result.status().message().empty());
      RC_ASSERT(w.ids.requests_issued() == request_ids);  // a refusal draws no ids
      RC_ASSERT(w.ids.grants_issued() == grant_ids);
      continue;
    }
    const Transition& t = *result;
    RC_ASSERT(!t.events.empty());
    auto existing = std::find_if(w.requests.begin(), w.requests.end(),
                                 [&](const Request& r) { return r.id == t.request.id; });
    if (existing == w.requests.end()) {
      RC_ASSERT(t.request.id == "r-" + std::to_string(w.ids.requests_issued()));
      w.requests.push_back(t.request);
    } else {
      if (existing->state != t.request.state) {
        // One transition may take two steps: a scheduled grant whose start has come but was
        // not yet recorded starts (grant.activated first), then ends (release, use).
        const bool started_first =
            existing->state == RequestState::kApproved &&
            t.events.front().type == "grant.activated" &&
            IsTransitionAllowed(RequestState::kApproved, RequestState::kActive) &&
            IsTransitionAllowed(RequestState::kActive, t.request.state);
        RC_ASSERT(IsTransitionAllowed(existing->state, t.request.state) || started_first);
      }
      // Reviews are only ever appended.
      RC_ASSERT(t.request.reviews.size() >= existing->reviews.size());
      *existing = t.request;
    }
    if (t.grant) w.grants[t.grant->id] = *t.grant;
    CheckInvariants(w);
  }
  size_t reviewed_grants = 0;
  for (const Request& r : w.requests) {
    if (!r.grant_id.empty() && !r.break_glass && !r.reviews.empty() &&
        r.reviews[0].reviewer != "system:auto") {
      ++reviewed_grants;
    }
  }
  RC_TAG(reviewed_grants > 0 ? "grant by review" : "no grant by review");
  RC_TAG(w.requests.empty() ? "no requests" : "requests");
}

// Test the exhaustive oracle against a hand-checked case, so that the property above rests on
// something known to be right.
TEST(WorkflowPropertyOracleTest, OracleSeatsDistinctApprovers) {
  RuleModel rule;
  rule.mode = core::ApprovalSpec::Mode::kAllOf;
  rule.steps = {{"user:a", "user:z"}, {"user:b", "user:z"}};
  rule.min = {1, 1};
  EXPECT_FALSE(OracleApproves(rule, {"user:z"}));
  EXPECT_TRUE(OracleApproves(rule, {"user:z", "user:a"}));
  EXPECT_FALSE(OracleApproves(rule, {"user:a"}));
  rule.distinct = false;
  EXPECT_TRUE(OracleApproves(rule, {"user:z"}));
}

}  // namespace
}  // namespace drawbridge::workflow
