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
#include <memory>
#include <optional>
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

struct AuditFilter {
  std::string tenant = "default";
  uint64_t after_seq = 0;  // events with seq > after_seq
  size_t limit = 1000;
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
  virtual StatusOr<std::vector<AuditRecord>> ReadAudit(const AuditFilter& filter) = 0;

  // Outbox delivery: undelivered messages due at `now`, and marking attempts.
  virtual StatusOr<std::vector<OutboxMessage>> DueOutbox(int64_t now, size_t limit) = 0;
  virtual Status MarkOutbox(int64_t id, bool delivered, int64_t next_attempt_at) = 0;
};

}  // namespace drawbridge
