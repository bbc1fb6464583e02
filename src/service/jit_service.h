// JitService: the JIT workflow made durable. Each step runs a pure workflow transition, then
// writes the records, the audit events (hash-chained) and the outbox rows in ONE store
// transaction, then brings the in-memory grant index in step. If the store cannot record the
// event, the step fails and nothing changes (fail closed); a check whose use of a grant cannot
// be recorded answers deny.
//
// Decisions read only the in-memory index (loaded from the store at Open). Writers are
// serialised by a mutex (one tenant per service); checks without a grant use run concurrently.
// Workflow transitions and audited checks from many threads are written by one writer thread in
// group commits: one transaction and one fsync for everything queued while the last group was
// being written (group_commit.cc).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include "audit/chain.h"
#include "core/engine.h"
#include "core/explain.h"
#include "core/grant_index.h"
#include "core/published.h"
#include "core/workflow/workflow.h"
#include "drawbridge/clock.h"
#include "drawbridge/payload_analyzer.h"
#include "drawbridge/store.h"
#include "service/api_tokens.h"
#include "service/audit_records.h"

namespace drawbridge::service {

// One group commit, as the writer thread saw it.
struct GroupCommitReport {
  size_t checks = 0;       // audited decisions written
  size_t transitions = 0;  // workflow transitions written (refused ones are not counted)
  std::chrono::nanoseconds oldest_wait{0};  // the group's oldest entry, queued to commit start
  std::chrono::nanoseconds commit{0};       // writing and committing the group (fsync included)
  bool ok = true;
};

struct ServiceOptions {
  std::string tenant = "default";
  // Called on the writer thread after each group commit, before anyone in the group is answered
  // (metrics); must be cheap and not block.
  std::function<void(const GroupCommitReport&)> on_group_commit;
  // Runs `answer`, which answers everyone in one group commit, on the writer thread. A server
  // may wrap it to hand a whole group's answers to its own threads in one go; unset, `answer`
  // is simply called.
  std::function<void(const std::function<void()>& answer)> answer_group;
  // How long a group may gather under load. When the last group held more than one entry, the
  // writer waits until the oldest entry queued has waited this long (or kGatherEnough are
  // queued) before it writes: one fsync then serves more of them, which costs each of them up
  // to this much more wait and saves the CPU of the fsyncs not made. A lone writer never waits.
  // Zero writes at once.
  std::chrono::microseconds commit_gather{0};
  static constexpr size_t kGatherEnough = 64;
};

struct CheckOutcome {
  core::Verdict verdict;
  core::Explanation explanation;
  // Not ok when the check was refused before it was decided (an identifier over its cap): the
  // verdict is then a deny for input_too_large, and an API answers the caller's mistake.
  Status refused;
};

struct SweepReport {
  int expired_requests = 0;
  int expired_grants = 0;
  int activated_grants = 0;
};

// What a caller asks approval for: one exact action, with its payload.
struct ActionRequest {
  CheckRequest check;  // principal = requester
  std::string reason, ticket, source_ip;
};

class JitService {
 public:
  // Loads the audit head and every active grant from `store` into the index.
  ~JitService();  // writes what is queued, answering every check and transition in it

  static StatusOr<std::unique_ptr<JitService>> Open(
      std::shared_ptr<const core::CompiledPolicy> policy, Store& store, const WallClock& clock,
      workflow::IdSource& ids, const PayloadAnalyzer& analyzer, ServiceOptions options = {});

  StatusOr<Request> RequestAccess(const workflow::AccessRequestInput& input);
  // Checks the action first: only an action a require_approval guardrail stops can be requested.
  StatusOr<Request> RequestAction(const ActionRequest& input);
  StatusOr<Request> Review(const std::string& request_id, const workflow::ReviewInput& input);
  StatusOr<Request> Cancel(const std::string& request_id, const std::string& actor);
  StatusOr<Grant> Revoke(const std::string& grant_id, const workflow::RevokeInput& input);
  StatusOr<Grant> Release(const std::string& grant_id, const std::string& actor);
  StatusOr<Request> CloseBreakGlassReview(const std::string& request_id,
                                          const workflow::ReviewInput& input);

  // Decides; when an action grant was used, records its use durably (or answers deny). Decisions
  // that involved a guardrail or a grant are audited.
  CheckOutcome Check(const CheckRequest& request);
  // The same decision, answered through `done` once its audit event (if any) is durable. Checks
  // decided concurrently share one transaction and one fsync (group commit), so a server can
  // answer at line rate without ever allowing what it has not recorded. `done` runs on the
  // calling thread when nothing needs recording, otherwise on the service's writer thread; it
  // must not block. The request's views need only live until CheckAsync returns.
  void CheckAsync(const CheckRequest& request, std::function<void(CheckOutcome)> done);

  // Expires pending requests past their TTL and grants past expires_at; starts scheduled grants.
  StatusOr<SweepReport> Sweep();

  // --- API tokens (token_ops.cc, docs/TOKENS.md) --------------------------------------------
  // Tokens of this service's tenant. Each change writes the token row and its audit event
  // (token.created / token.revoked, which never carry the secret or its hash) in one store
  // transaction; the caller checks that `actor` may administer tokens.
  //
  // A new token: the secret is returned here once and stored only as its SHA-256.
  StatusOr<IssuedToken> CreateToken(const TokenInput& input, const std::string& actor);
  // kNotFound for an unknown id, kFailedPrecondition when it is already revoked.
  StatusOr<ApiToken> RevokeToken(const std::string& id, const std::string& actor);
  // Every token of the tenant, revoked ones included, in creation order.
  StatusOr<std::vector<ApiToken>> ListTokens();
  // --- end of API tokens ---------------------------------------------------------------------

  const core::GrantIndex& grants() const { return grants_; }
  // Checks and transitions waiting for the writer's next group commit.
  size_t QueuedWrites() const;
  // The policy in force now (a reload may replace it at any time; keep the pointer, not a
  // reference, for as long as it is used).
  std::shared_ptr<const core::CompiledPolicy> policy() const { return decider()->policy; }

  // Puts `policy` in force for every later decision and transition, recording a policy.changed
  // audit event (old and new version, `source`, `actor`). Recording the very policy the service
  // was opened with, before any other (a server start), names no old version. If the event
  // cannot be recorded, the old policy stays in force. Open requests keep the approvers they
  // were created under only as far as the new policy agrees: reviewers are re-checked against
  // the policy at review time.
  Status ReplacePolicy(std::shared_ptr<const core::CompiledPolicy> policy, const std::string& actor,
                       const std::string& source);
  Store& store() { return store_; }
  const std::string& tenant() const { return options_.tenant; }

 private:
  JitService(std::shared_ptr<const core::CompiledPolicy> policy, Store& store,
             const WallClock& clock, workflow::IdSource& ids, const PayloadAnalyzer& analyzer,
             ServiceOptions options);

  // Makes a transition in the writer's next group commit, with its `now` (seconds) and reading
  // through its transaction (so it sees the transitions written before it in the same group),
  // and returns once the group is durable. `make` may refuse (any error): nothing is written
  // for it, and the rest of the group is unaffected.
  using TransitionMaker =
      std::function<StatusOr<workflow::Transition>(int64_t now, StoreTransaction& tx)>;
  StatusOr<workflow::Transition> Apply(const TransitionMaker& make);
  // Apply for many at once: they share group commits. The results come in the makers' order.
  std::vector<StatusOr<workflow::Transition>> ApplyAll(std::span<const TransitionMaker> makers);
  // Writes a transition (records + audit + outbox) in its own transaction under this service's
  // tenant, then updates the index. The caller holds write_mu_.
  Status Commit(workflow::Transition& t, int64_t now_ms);
  // Revoke and Release: the grant and its request as the group's transaction sees them, ended
  // by `end`; `doing` names the step in errors ("revoking").
  using GrantEnding =
      std::function<StatusOr<workflow::Transition>(const Request&, const Grant&, int64_t now)>;
  StatusOr<Grant> EndGrant(const std::string& grant_id, std::string_view doing,
                           const GrantEnding& end);
  // Puts the transition's records, under this service's tenant, and its sealed events in `tx`.
  Status WriteTransition(StoreTransaction& tx, workflow::Transition& t, SealedEvents& sealed);
  // Appends audit events for `drafts` inside `tx`, continuing the chain from the stored head.
  Status AppendEvents(StoreTransaction& tx, std::span<const workflow::EventDraft> drafts,
                      int64_t now_ms);
  void SyncIndex(const Grant& grant);
  // The decision, and the audit event it needs when it involved a guardrail or a grant.
  std::optional<workflow::EventDraft> Decide(const CheckRequest& request, CheckOutcome& out) const;
  // Writes a decision's event (and the use of an action grant) now; denies when it cannot.
  void RecordCheck(CheckOutcome& out, workflow::EventDraft event);
  // Queues work for the writer thread, starting it on first use.
  struct PendingCheck;
  struct PendingTransition;
  using PendingWrite = std::variant<PendingCheck, PendingTransition>;
  void Enqueue(PendingWrite write);
  void Enqueue(std::span<PendingWrite> writes);
  void WriterLoop();
  // One group: one transaction, one commit; then the index, then every answer.
  void WriteGroup(std::vector<PendingWrite>& group);
  void StopWriter();
  // Writes a token row and its audit event in `tx`, then commits it (token_ops.cc).
  Status CommitToken(StoreTransaction& tx, const ApiToken& token, const workflow::EventDraft& event,
                     int64_t now_ms);

  Store& store_;
  const WallClock& clock_;
  workflow::IdSource& ids_;
  const PayloadAnalyzer& analyzer_;
  ServiceOptions options_;
  core::GrantIndex grants_;
  // The policy and the engine over it, swapped whole on reload; a decision or transition uses
  // the one snapshot it loaded from start to end.
  struct Decider {
    Decider(std::shared_ptr<const core::CompiledPolicy> p, core::GrantIndex& grants,
            const PayloadAnalyzer& analyzer)
        : policy(std::move(p)), engine(*policy, grants, analyzer) {}
    std::shared_ptr<const core::CompiledPolicy> policy;
    core::Engine engine;
  };
  std::shared_ptr<const Decider> decider() const { return decider_.Load(); }
  std::shared_ptr<const Decider> MakeDecider(std::shared_ptr<const core::CompiledPolicy> policy) {
    return std::make_shared<const Decider>(std::move(policy), grants_, analyzer_);
  }
  // Checks read it through their thread's reference (Local), transitions through Load.
  core::Published<Decider> decider_;
  std::mutex write_mu_;
  bool policy_recorded_ = false;  // a policy.changed was written; guarded by write_mu_

  struct PendingCheck {
    PreparedEvent event;
    CheckOutcome outcome;
    std::function<void(CheckOutcome)> done;
    std::chrono::steady_clock::time_point queued;
    Status refused;  // its event could not be made (the check then answers deny)
  };
  struct PendingTransition {
    const TransitionMaker* make;
    std::function<void(StatusOr<workflow::Transition>)> done;
    std::chrono::steady_clock::time_point queued;
    StatusOr<workflow::Transition> made = Internal("not made");
  };
  mutable std::mutex batch_mu_;  // guards the members below
  std::condition_variable batch_cv_;
  std::vector<PendingWrite> batch_;
  bool batch_stop_ = false;
  std::thread writer_thread_;  // one group commit at a time: one audit chain head at a time
};

// GrantSpec for the index from a stored grant.
core::GrantSpec ToGrantSpec(const Grant& grant);
// The same, into an existing spec (reusing its buffers when loading many grants).
void FillGrantSpec(const Grant& grant, core::GrantSpec& spec);
void FillGrantSpec(const GrantTerms& terms, core::GrantSpec& spec);

}  // namespace drawbridge::service
