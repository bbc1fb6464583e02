// Store: the port through which the service layer keeps requests, grants, the audit chain and
// the notification outbox. Implementations: in-memory (tests), SQLite (single node), later
// PostgreSQL. All pass one contract test suite (test/store/store_contract.h).
//
// Every workflow transition is one Transaction: the request/grant rows, the audit event and the
// outbox row commit together or not at all. A Transaction is used by one thread; a Store may be
// used from many threads (implementations serialise writers). Fallible calls return Status.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "drawbridge/model.h"
#include "drawbridge/status.h"

namespace drawbridge {

// The prev_hash of a tenant's first audit event: 64 zeros.
inline constexpr std::string_view kGenesisPrevHash =
    "0000000000000000000000000000000000000000000000000000000000000000";

struct RequestFilter {
  std::string tenant = "default";
  std::optional<RequestState> state;
  std::string requester;  // empty: any
  size_t limit = 1000;
};

struct GrantFilter {
  std::string tenant = "default";
  std::optional<GrantState> state;
  std::string principal;  // empty: any
  size_t limit = 1000000;
};

// What an active grant allows, without the rest of its record: the fields the in-memory grant
// index is built from at start (see Store::ForEachActiveGrantTerms).
struct GrantTerms {
  std::string id;
  std::string principal;
  RequestKind kind = RequestKind::kAccess;
  std::vector<std::string> actions;  // access
  Scope scope;                       // access
  std::string fingerprint;           // action: hex
  int64_t not_before = 0;
  int64_t expires_at = 0;
  int32_t uses_left = -1;  // -1 unlimited
};

// Sets `terms` from a full grant record, reusing its buffers.
inline void CopyGrantTerms(const Grant& grant, GrantTerms& terms) {
  terms.id = grant.id;
  terms.principal = grant.principal;
  terms.kind = grant.kind;
  terms.actions = grant.actions;
  terms.scope = grant.scope;
  terms.fingerprint = grant.fingerprint;
  terms.not_before = grant.not_before;
  terms.expires_at = grant.expires_at;
  terms.uses_left = grant.uses_left;
}

struct AuditFilter {
  std::string tenant = "default";
  uint64_t after_seq = 0;  // events with seq > after_seq
  size_t limit = 1000;
};

struct TokenFilter {
  std::string tenant = "default";
  bool all_tenants = false;     // every tenant's tokens (the server's authenticator)
  bool include_revoked = true;  // revoked tokens too
};

class StoreTransaction {
 public:
  virtual ~StoreTransaction() = default;  // rolls back when not committed

  virtual StatusOr<std::optional<Request>> GetRequest(const std::string& tenant,
                                                      const std::string& id) = 0;
  virtual Status PutRequest(const Request& request) = 0;  // insert or replace
  virtual StatusOr<std::optional<Grant>> GetGrant(const std::string& tenant,
                                                  const std::string& id) = 0;
  virtual Status PutGrant(const Grant& grant) = 0;  // insert or replace

  // The last audit event of the tenant (seq 0 and an empty hash when there is none).
  virtual StatusOr<AuditRecord> AuditHead(const std::string& tenant) = 0;
  // Appends; its seq must be head.seq + 1 and its prev_hash the head's hash, or
  // kGenesisPrevHash for the first event (the chain is built by the caller).
  virtual Status AppendAudit(const AuditRecord& event) = 0;
  // Appends and assigns message.id.
  virtual Status AppendOutbox(OutboxMessage& message) = 0;

  // API tokens. Insert or replace; a token's secret_hash is unique across all tenants.
  virtual StatusOr<std::optional<ApiToken>> GetToken(const std::string& tenant,
                                                     const std::string& id) = 0;
  virtual Status PutToken(const ApiToken& token) = 0;

  virtual Status Commit() = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Starts a write transaction. Writers are serialised; this may wait for another writer.
  virtual StatusOr<std::unique_ptr<StoreTransaction>> Begin() = 0;

  virtual StatusOr<std::optional<Request>> GetRequest(const std::string& tenant,
                                                      const std::string& id) = 0;
  virtual StatusOr<std::vector<Request>> ListRequests(const RequestFilter& filter) = 0;
  // How many of the tenant's requests are in each state (states with none are left out), for
  // the metrics: a count, without reading the rows.
  virtual StatusOr<std::map<RequestState, uint64_t>> CountRequestsByState(
      const std::string& tenant) = 0;
  virtual StatusOr<std::optional<Grant>> GetGrant(const std::string& tenant,
                                                  const std::string& id) = 0;
  virtual StatusOr<std::vector<Grant>> ListGrants(const GrantFilter& filter) = 0;
  // Calls `visit` for each grant ListGrants would return, in the same order, without building
  // the list (loading a million active grants at start). Stops at the first non-OK status from
  // `visit` and returns it. The Grant passed is valid only during the call.
  virtual Status ForEachGrant(const GrantFilter& filter,
                              const std::function<Status(const Grant&)>& visit) {
    auto grants = ListGrants(filter);
    if (!grants.ok()) return grants.status();
    for (const Grant& g : *grants) DB_RETURN_IF_ERROR(visit(g));
    return Status::Ok();
  }
  // Calls `visit` once with the terms of each active grant of `tenant`, in no particular order,
  // on the calling thread: the fast path for loading every active grant at start, reading only
  // what GrantTerms holds. Stops at the first non-OK status from `visit` and returns it. The
  // terms passed are valid only during the call; `visit` must not call the store.
  virtual Status ForEachActiveGrantTerms(const std::string& tenant,
                                         const std::function<Status(const GrantTerms&)>& visit) {
    GrantFilter filter;
    filter.tenant = tenant;
    filter.state = GrantState::kActive;
    GrantTerms terms;
    return ForEachGrant(filter, [&](const Grant& grant) {
      CopyGrantTerms(grant, terms);
      return visit(terms);
    });
  }
  // The active grants of `tenant` that the expiry sweep must act on at `now` (Unix seconds), in
  // list order (created_at, id), at most `limit`: those whose time has run out (expires_at <=
  // now: to expire), and those still scheduled — their request is approved, not yet active —
  // whose start has come (not_before <= now: to activate). Reads only those grants and the
  // scheduled ones, never every active grant, so a sweep costs what is due, not what is held.
  virtual StatusOr<std::vector<Grant>> ListDueGrants(const std::string& tenant, int64_t now,
                                                     size_t limit) = 0;
  virtual StatusOr<std::vector<AuditRecord>> ReadAudit(const AuditFilter& filter) = 0;

  // API tokens, listed in (tenant, created_at, id) order.
  virtual StatusOr<std::optional<ApiToken>> GetToken(const std::string& tenant,
                                                     const std::string& id) = 0;
  virtual StatusOr<std::vector<ApiToken>> ListTokens(const TokenFilter& filter) = 0;
  // A number that grows with every committed change to any token of any tenant (including
  // changes made by another process on the same database): while it stays the same, ListTokens
  // would return the same tokens. Cheap enough to poll every second.
  virtual StatusOr<uint64_t> TokenChangeCount() = 0;

  // Outbox delivery: undelivered messages due at `now`, and marking attempts.
  virtual StatusOr<std::vector<OutboxMessage>> DueOutbox(int64_t now, size_t limit) = 0;
  // Records one attempt of each message, all in one write (a deliverer marks a whole round at
  // once, not one durable write per message). A message that does not exist is skipped: the
  // others are recorded, and the result is kNotFound naming it.
  virtual Status MarkOutbox(std::span<const OutboxMark> marks) = 0;
};

}  // namespace drawbridge
