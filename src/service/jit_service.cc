#include "service/jit_service.h"

#include <pthread.h>

#include <boost/json.hpp>

#include "audit/digest.h"
#include "core/explain.h"
#include "core/hex.h"
#include "service/audit_records.h"
#include "service/input_limits.h"
#include "service/internal.h"

namespace drawbridge::service {
namespace {

std::string_view PayloadKindName(Payload::Kind kind) {
  switch (kind) {
    case Payload::Kind::kNone: return "none";
    case Payload::Kind::kSql: return "sql";
    case Payload::Kind::kShell: return "shell";
    case Payload::Kind::kArgv: return "argv";
    case Payload::Kind::kHttp: return "http";
  }
  return "none";
}

std::string PayloadText(const Payload& p) {
  switch (p.kind) {
    case Payload::Kind::kNone: return "";
    case Payload::Kind::kSql:
    case Payload::Kind::kShell: return std::string(p.text);
    case Payload::Kind::kArgv: {
      boost::json::array a;
      if (p.argv != nullptr) {
        for (const auto& s : *p.argv) a.emplace_back(s);
      }
      return boost::json::serialize(a);
    }
    case Payload::Kind::kHttp: return std::string(p.http_method) + " " + std::string(p.http_path);
  }
  return "";
}

// A check's payload in its audit event: at most kAuditedPayloadBytes of the text, and the whole
// text's length and SHA-256, so that a record stays small and still names the exact statement.
void AddAuditedPayload(workflow::EventDraft& event, const std::string& text) {
  std::string_view kept = Utf8Prefix(text, kAuditedPayloadBytes);
  event.Add("payload", std::string(kept))
      .Add("payload_bytes", static_cast<int64_t>(text.size()))
      .Add("payload_sha256", audit::HexEncode(audit::Sha256(text)))
      .Add("payload_truncated", kept.size() < text.size());
}

Status CheckReviewInput(const workflow::ReviewInput& input) {
  return CheckTextLength("comment", input.comment, kMaxCommentBytes);
}

// A Grant and its GrantTerms name the spec's fields alike.
template <typename GrantRecord>
void FillSpec(const GrantRecord& g, core::GrantSpec& s) {
  s.id = g.id;
  s.principal = g.principal;
  s.kind = g.kind == RequestKind::kAction ? core::GrantKind::kAction : core::GrantKind::kAccess;
  s.actions = g.actions;
  s.scope.resource = g.scope.resource;
  s.scope.selector = g.scope.selector;
  s.fingerprint = {};
  if (s.kind == core::GrantKind::kAction) core::DigestFromHex(g.fingerprint, s.fingerprint);
  s.not_before = g.not_before;
  s.expires_at = g.expires_at;
  s.uses = g.uses_left;
}

}  // namespace

void FillGrantSpec(const Grant& grant, core::GrantSpec& spec) {
  FillSpec(grant, spec);
}

void FillGrantSpec(const GrantTerms& terms, core::GrantSpec& spec) {
  FillSpec(terms, spec);
}

core::GrantSpec ToGrantSpec(const Grant& g) {
  core::GrantSpec s;
  FillGrantSpec(g, s);
  return s;
}

JitService::JitService(std::shared_ptr<const core::CompiledPolicy> policy, Store& store,
                       const WallClock& clock, workflow::IdSource& ids,
                       const PayloadAnalyzer& analyzer, ServiceOptions options)
    : store_(store),
      clock_(clock),
      ids_(ids),
      analyzer_(analyzer),
      options_(std::move(options)),
      decider_(MakeDecider(std::move(policy))) {}

StatusOr<std::unique_ptr<JitService>> JitService::Open(
    std::shared_ptr<const core::CompiledPolicy> policy, Store& store, const WallClock& clock,
    workflow::IdSource& ids, const PayloadAnalyzer& analyzer, ServiceOptions options) {
  if (policy == nullptr) return InvalidArgument("no policy");
  std::unique_ptr<JitService> service(
      new JitService(std::move(policy), store, clock, ids, analyzer, std::move(options)));
  // Only the terms of each active grant, in bulk: nothing else sees the index yet.
  core::GrantSpec spec;
  core::GrantIndex::Loader loader = service->grants_.Load();
  auto add = [&](const GrantTerms& terms) {
    FillGrantSpec(terms, spec);
    Status added = loader.Add(spec);
    return added.ok() ? added : added.WithContext("loading grant " + terms.id);
  };
  Status loaded = store.ForEachActiveGrantTerms(service->options_.tenant, add);
  loader.Finish();
  if (!loaded.ok()) return loaded.WithContext("loading active grants");
  return service;
}

Status JitService::AppendEvents(StoreTransaction& tx, std::span<const workflow::EventDraft> drafts,
                                int64_t now_ms) {
  DB_ASSIGN_OR_RETURN(audit::AuditChain chain, ResumeChain(tx, options_.tenant));
  DB_ASSIGN_OR_RETURN(SealedEvents sealed, SealEvents(chain, drafts, now_ms));
  return WriteEvents(tx, sealed);
}

Status JitService::Commit(workflow::Transition& t, int64_t now_ms) {
  DB_ASSIGN_OR_RETURN(std::unique_ptr<StoreTransaction> tx, store_.Begin());
  DB_ASSIGN_OR_RETURN(audit::AuditChain chain, ResumeChain(*tx, options_.tenant));
  DB_ASSIGN_OR_RETURN(SealedEvents sealed, SealEvents(chain, t.events, now_ms));
  DB_RETURN_IF_ERROR(WriteTransition(*tx, t, sealed));
  DB_RETURN_IF_ERROR(tx->Commit());
  if (t.grant) SyncIndex(*t.grant);
  return Status::Ok();
}

Status JitService::WriteTransition(StoreTransaction& tx, workflow::Transition& t,
                                   SealedEvents& sealed) {
  // Records are written to this service's tenant, whatever the transition filled in.
  t.request.tenant = options_.tenant;
  if (t.grant) t.grant->tenant = options_.tenant;
  DB_RETURN_IF_ERROR(tx.PutRequest(t.request));
  if (t.grant) DB_RETURN_IF_ERROR(tx.PutGrant(*t.grant));
  return WriteEvents(tx, sealed);
}

void JitService::SyncIndex(const Grant& grant) {
  core::GrantSpec spec = ToGrantSpec(grant);
  if (grant.state == GrantState::kActive) {
    if (!grants_.Add(spec).ok()) grants_.Remove(spec);  // never keep a grant we cannot index
  } else {
    grants_.Remove(spec);
  }
}

StatusOr<Request> JitService::RequestAccess(const workflow::AccessRequestInput& input) {
  DB_RETURN_IF_ERROR(CheckIdentifierLimits(input));
  DB_RETURN_IF_ERROR(CheckTextLength("reason", input.reason, kMaxReasonBytes));
  DB_RETURN_IF_ERROR(CheckTextLength("ticket", input.ticket, kMaxTicketBytes));
  DB_ASSIGN_OR_RETURN(
      workflow::Transition t,
      Apply([&](int64_t now, StoreTransaction&) -> StatusOr<workflow::Transition> {
        if (input.not_before > now + kMaxScheduleAheadSeconds) {
          return InvalidArgument("not_before is more than " +
                                 std::to_string(kMaxScheduleAheadSeconds / 86400) +
                                 " days ahead; schedule access at most that far in advance");
        }
        return workflow::CreateAccessRequest(*decider()->policy, input, ids_, now);
      }));
  return t.request;
}

StatusOr<Request> JitService::RequestAction(const ActionRequest& input) {
  DB_RETURN_IF_ERROR(CheckIdentifierLimits(input.check));
  DB_RETURN_IF_ERROR(CheckTextLength("source_ip", input.source_ip, kMaxSourceIpBytes));
  DB_RETURN_IF_ERROR(CheckTextLength("reason", input.reason, kMaxReasonBytes));
  DB_RETURN_IF_ERROR(CheckTextLength("ticket", input.ticket, kMaxTicketBytes));
  const std::string payload = PayloadText(input.check.payload);
  DB_RETURN_IF_ERROR(CheckTextLength("payload", payload, kMaxActionPayloadBytes));
  DB_ASSIGN_OR_RETURN(
      workflow::Transition t,
      Apply([&](int64_t now, StoreTransaction&) -> StatusOr<workflow::Transition> {
        const auto d = decider();
        core::Verdict v =
            d->engine.Check(input.check, TimePoint(std::chrono::seconds(now)), {.consume = false});
        if (v.decision != Decision::kApprovalRequired ||
            v.reason != core::Reason::kRequestActionApproval) {
          core::Explanation e = core::Explain(d->engine, input.check, v);
          return FailedPrecondition("this action needs no action approval: the decision is " +
                                    std::string(DecisionName(v.decision)) + " (" + e.reason + ")");
        }
        workflow::ActionRequestInput in;
        in.requester = std::string(input.check.principal);
        in.action = std::string(input.check.action);
        in.resource = std::string(input.check.resource);
        in.payload_kind = std::string(PayloadKindName(input.check.payload.kind));
        in.payload = payload;
        in.facts = FactNames(v.facts);
        in.fingerprint = core::DigestToHex(v.fingerprint);
        in.guardrail = d->policy->guardrails[v.guardrail].name;
        in.reason = input.reason;
        in.ticket = input.ticket;
        in.source_ip = input.source_ip;
        return workflow::CreateActionRequest(*d->policy, in, ids_, now);
      }));
  return t.request;
}

StatusOr<Request> JitService::Review(const std::string& request_id,
                                     const workflow::ReviewInput& input) {
  DB_RETURN_IF_ERROR(CheckReviewInput(input));
  DB_ASSIGN_OR_RETURN(
      workflow::Transition t,
      Apply([&](int64_t now, StoreTransaction& tx) -> StatusOr<workflow::Transition> {
        DB_ASSIGN_OR_RETURN(Request request, LoadRequest(tx, options_.tenant, request_id));
        return workflow::RecordReview(*decider()->policy, request, input, ids_, now);
      }));
  return t.request;
}

StatusOr<Request> JitService::Cancel(const std::string& request_id, const std::string& actor) {
  DB_ASSIGN_OR_RETURN(
      workflow::Transition t,
      Apply([&](int64_t now, StoreTransaction& tx) -> StatusOr<workflow::Transition> {
        DB_ASSIGN_OR_RETURN(Request request, LoadRequest(tx, options_.tenant, request_id));
        return workflow::CancelRequest(request, actor, now);
      }));
  return t.request;
}

StatusOr<Grant> JitService::EndGrant(const std::string& grant_id, std::string_view doing,
                                     const GrantEnding& end) {
  DB_ASSIGN_OR_RETURN(
      workflow::Transition t,
      Apply([&](int64_t now, StoreTransaction& tx) -> StatusOr<workflow::Transition> {
        DB_ASSIGN_OR_RETURN(Grant grant, LoadGrant(tx, options_.tenant, grant_id));
        DB_ASSIGN_OR_RETURN(Request request, LoadRequest(tx, options_.tenant, grant.request_id));
        return end(request, grant, now);
      }));
  if (!t.grant) {
    return Internal(std::string(doing) + " grant " + grant_id + " produced no grant record");
  }
  return *t.grant;
}

StatusOr<Grant> JitService::Revoke(const std::string& grant_id,
                                   const workflow::RevokeInput& input) {
  DB_RETURN_IF_ERROR(CheckTextLength("reason", input.reason, kMaxReasonBytes));
  return EndGrant(grant_id, "revoking", [&](const Request& r, const Grant& g, int64_t now) {
    return workflow::RevokeGrant(r, g, input, now);
  });
}

StatusOr<Grant> JitService::Release(const std::string& grant_id, const std::string& actor) {
  return EndGrant(grant_id, "releasing", [&](const Request& r, const Grant& g, int64_t now) {
    return workflow::ReleaseGrant(r, g, actor, now);
  });
}

StatusOr<Request> JitService::CloseBreakGlassReview(const std::string& request_id,
                                                    const workflow::ReviewInput& input) {
  DB_RETURN_IF_ERROR(CheckReviewInput(input));
  DB_ASSIGN_OR_RETURN(
      workflow::Transition t,
      Apply([&](int64_t now, StoreTransaction& tx) -> StatusOr<workflow::Transition> {
        DB_ASSIGN_OR_RETURN(Request request, LoadRequest(tx, options_.tenant, request_id));
        return workflow::CloseBreakGlassReview(*decider()->policy, request, input, now);
      }));
  return t.request;
}

void FailClosed(CheckOutcome& out, const Status& why) {
  out.verdict.decision = Decision::kDeny;
  out.explanation.decision = Decision::kDeny;
  out.explanation.reason =
      "the decision could not be recorded in the audit log (" + why.message() + "); denied";
  out.explanation.reason_code = "audit_unavailable";
  out.explanation.request.reset();
}

namespace {

// A check whose input is over a cap is a deny, whatever the policy says.
void RefuseCheck(CheckOutcome& out, const Status& why) {
  out.verdict.decision = Decision::kDeny;
  out.explanation.decision = Decision::kDeny;
  out.explanation.reason = why.message() + "; denied";
  out.explanation.reason_code = "input_too_large";
  out.explanation.request.reset();
  out.refused = why;
}

}  // namespace

std::optional<workflow::EventDraft> JitService::Decide(const CheckRequest& request,
                                                       CheckOutcome& out) const {
  // Refused before the engine sees it, and not audited: nothing of it is recorded anywhere.
  if (Status refused = CheckIdentifierLimits(request); !refused.ok()) {
    RefuseCheck(out, refused);
    return std::nullopt;
  }
  TimePoint now{std::chrono::seconds(clock_.NowSeconds())};
  // A replaced decider may live on in a thread's reference until its next check: it holds the
  // old policy, never the service's state (its engine only refers to that).
  const Decider& d = decider_.Local();
  out.verdict = d.engine.Check(request, now);
  out.explanation = core::Explain(d.engine, request, out.verdict);
  const core::Verdict& v = out.verdict;
  bool involved = v.applied_count > 0 || v.access_grant.found() || v.action_grant.found();
  if (!involved) return std::nullopt;
  workflow::EventDraft event = workflow::MakeEvent("check.decided", std::string(request.principal),
                                                   std::string(request.resource));
  event.notify = false;
  event.Add("action", std::string(request.action))
      .Add("decision", std::string(DecisionName(v.decision)))
      .Add("reason", out.explanation.reason_code)
      .Add("rules", out.explanation.rules)
      .Add("facts", out.explanation.facts);
  if (!out.explanation.grant.empty()) event.Add("grant", out.explanation.grant);
  if (request.payload.kind != Payload::Kind::kNone) {
    AddAuditedPayload(event, PayloadText(request.payload));
  }
  return event;
}

CheckOutcome JitService::Check(const CheckRequest& request) {
  CheckOutcome out;
  std::optional<workflow::EventDraft> event = Decide(request, out);
  if (!event) return out;
  RecordCheck(out, std::move(*event));
  return out;
}

void JitService::RecordCheck(CheckOutcome& out, workflow::EventDraft event) {
  const core::Verdict& v = out.verdict;
  std::lock_guard lock(write_mu_);
  const int64_t now_ms = clock_.NowMillis();
  std::vector<workflow::EventDraft> events{std::move(event)};
  std::optional<workflow::Transition> consumed;
  if (v.action_grant.found()) {
    auto grant = LoadGrant(store_, options_.tenant, out.explanation.grant);
    auto req = grant.ok() ? LoadRequest(store_, options_.tenant, grant->request_id)
                          : StatusOr<Request>(grant.status());
    if (!req.ok()) return FailClosed(out, req.status());
    auto t = workflow::ConsumeGrantUse(*req, *grant, now_ms / 1000);
    if (!t.ok()) return FailClosed(out, t.status());
    consumed = std::move(t).value();
    events.insert(events.end(), consumed->events.begin(), consumed->events.end());
  }
  auto tx = store_.Begin();
  Status s = tx.ok() ? Status::Ok() : tx.status();
  if (s.ok() && consumed) {
    s = (*tx)->PutRequest(consumed->request);
    if (s.ok() && consumed->grant) s = (*tx)->PutGrant(*consumed->grant);
  }
  if (s.ok()) s = AppendEvents(**tx, events, now_ms);
  if (s.ok()) s = (*tx)->Commit();
  if (!s.ok()) return FailClosed(out, s);
  if (consumed && consumed->grant && consumed->grant->state != GrantState::kActive) {
    SyncIndex(*consumed->grant);
  }
}

// The sweep's transitions go through the writer like any other, so a page of due grants is
// one group commit rather than one fsync each. Each is made from the records as the group's
// transaction sees them: one decided or changed since it was listed is left alone.
StatusOr<SweepReport> JitService::Sweep() {
  SweepReport report;
  enum class Step { kNone, kExpireRequest, kExpireGrant, kActivateGrant };
  struct Due {
    std::string id;  // a request id, or a grant id
    Step step = Step::kNone;
    bool refused = false;  // decided or changed since it was listed: nothing to do
  };
  // Writes every due item and counts what was done; a store error ends the sweep.
  auto sweep = [&](std::vector<Due>& due, const auto& make) -> StatusOr<int> {
    std::vector<TransitionMaker> makers;
    makers.reserve(due.size());
    for (Due& d : due) {
      makers.emplace_back(
          [&d, &make](int64_t now, StoreTransaction& tx) { return make(d, now, tx); });
    }
    std::vector<StatusOr<workflow::Transition>> written = ApplyAll(makers);
    int handled = 0;
    for (size_t i = 0; i < due.size(); ++i) {
      if (written[i].ok()) {
        ++handled;
        if (due[i].step == Step::kExpireRequest) ++report.expired_requests;
        if (due[i].step == Step::kExpireGrant) ++report.expired_grants;
        if (due[i].step == Step::kActivateGrant) ++report.activated_grants;
      } else if (!due[i].refused) {
        return written[i].status();  // a store error
      }
    }
    return handled;
  };
  const int64_t now = clock_.NowSeconds();
  RequestFilter pending;
  pending.tenant = options_.tenant;
  pending.state = RequestState::kPending;
  pending.limit = 100000;
  DB_ASSIGN_OR_RETURN(std::vector<Request> open, store_.ListRequests(pending));
  std::vector<Due> due_requests;
  for (const Request& r : open) {
    if (r.pending_expires_at <= now) due_requests.push_back({r.id});
  }
  // The step a transition took, or a refusal.
  auto took = [](Due& d, Step step, StatusOr<workflow::Transition> t) {
    d.step = t.ok() ? step : Step::kNone;
    d.refused = !t.ok();
    return t;
  };
  auto expire_request = [&](Due& d, int64_t at,
                            StoreTransaction& tx) -> StatusOr<workflow::Transition> {
    DB_ASSIGN_OR_RETURN(Request r, LoadRequest(tx, options_.tenant, d.id));
    return took(d, Step::kExpireRequest, workflow::ExpirePendingRequest(r, at));
  };
  if (!due_requests.empty()) DB_RETURN_IF_ERROR(sweep(due_requests, expire_request).status());

  // Only the due grants are read, never every running one. A handled grant leaves the due set, so
  // each page starts after the last; a page in which nothing could be handled ends the sweep.
  auto end_or_start_grant = [&](Due& d, int64_t at,
                                StoreTransaction& tx) -> StatusOr<workflow::Transition> {
    DB_ASSIGN_OR_RETURN(Grant g, LoadGrant(tx, options_.tenant, d.id));
    DB_ASSIGN_OR_RETURN(Request r, LoadRequest(tx, options_.tenant, g.request_id));
    if (g.expires_at <= at) return took(d, Step::kExpireGrant, workflow::ExpireGrant(r, g, at));
    if (r.state == RequestState::kApproved && g.not_before <= at) {
      return took(d, Step::kActivateGrant, workflow::ActivateGrant(r, g, at));
    }
    return took(d, Step::kNone, FailedPrecondition("grant " + d.id + " is not due"));
  };
  constexpr size_t kDuePage = 1000;
  while (true) {
    DB_ASSIGN_OR_RETURN(std::vector<Grant> listed,
                        store_.ListDueGrants(options_.tenant, now, kDuePage));
    std::vector<Due> due;
    due.reserve(listed.size());
    for (const Grant& g : listed) due.push_back({g.id});
    DB_ASSIGN_OR_RETURN(int handled, sweep(due, end_or_start_grant));
    if (listed.size() < kDuePage || handled == 0) break;
  }
  return report;
}

}  // namespace drawbridge::service
