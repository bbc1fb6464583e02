// JitService: the JIT workflow made durable. Each step runs a pure workflow transition, then
// writes the records, the audit events (hash-chained) and the outbox rows in ONE store
// transaction, then brings the in-memory grant index in step. If the store cannot record the
// event, the step fails and nothing changes (fail closed); a check whose use of a grant cannot
// be recorded answers deny.
//
// Decisions read only the in-memory index (loaded from the store at Open). Writers are
// serialised by a mutex (one tenant per service); checks without a grant use run concurrently.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "audit/chain.h"
#include "core/engine.h"
#include "core/explain.h"
#include "core/grant_index.h"
#include "core/workflow/workflow.h"
#include "drawbridge/clock.h"
#include "drawbridge/payload_analyzer.h"
#include "drawbridge/store.h"

namespace drawbridge::service {

struct ServiceOptions {
  std::string tenant = "default";
};

struct CheckOutcome {
  core::Verdict verdict;
  core::Explanation explanation;
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

  // Expires pending requests past their TTL and grants past expires_at; starts scheduled grants.
  StatusOr<SweepReport> Sweep();

  const core::GrantIndex& grants() const { return grants_; }
  const core::CompiledPolicy& policy() const { return *policy_; }
  Store& store() { return store_; }
  const std::string& tenant() const { return options_.tenant; }

 private:
  JitService(std::shared_ptr<const core::CompiledPolicy> policy, Store& store,
             const WallClock& clock, workflow::IdSource& ids, const PayloadAnalyzer& analyzer,
             ServiceOptions options);

  // Under the writer lock: makes the transition with `now` (seconds) and commits it.
  template <typename MakeTransition>
  StatusOr<workflow::Transition> Apply(MakeTransition make);
  // Writes a transition (records + audit + outbox) in one transaction under this service's
  // tenant, then updates the index.
  Status Commit(workflow::Transition& t, int64_t now_ms);
  // Appends audit events for `drafts` inside `tx`, continuing the chain from the stored head.
  Status AppendEvents(StoreTransaction& tx, const std::vector<workflow::EventDraft>& drafts,
                      int64_t now_ms);
  void SyncIndex(const Grant& grant);
  StatusOr<Request> LoadRequest(const std::string& id);
  StatusOr<Grant> LoadGrant(const std::string& id);

  std::shared_ptr<const core::CompiledPolicy> policy_;
  Store& store_;
  const WallClock& clock_;
  workflow::IdSource& ids_;
  const PayloadAnalyzer& analyzer_;
  ServiceOptions options_;
  core::GrantIndex grants_;
  core::Engine engine_;
  std::mutex write_mu_;  // serialises transitions: one audit chain head at a time
};

// GrantSpec for the index from a stored grant.
core::GrantSpec ToGrantSpec(const Grant& grant);
// The same, into an existing spec (reusing its buffers when loading many grants).
void FillGrantSpec(const Grant& grant, core::GrantSpec& spec);

}  // namespace drawbridge::service
