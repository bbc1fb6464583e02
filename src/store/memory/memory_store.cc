#include "store/memory/memory_store.h"

#include <algorithm>
#include <map>
#include <utility>

namespace drawbridge {

using TenantKey = std::pair<std::string, std::string>;  // (tenant, id)

struct MemoryStore::Tables {
  std::map<TenantKey, Request> requests;
  std::map<TenantKey, Grant> grants;
  std::map<TenantKey, ApiToken> tokens;
  uint64_t token_changes = 0;
  std::map<std::string, std::vector<AuditRecord>> audit;  // by tenant, in seq order
  std::map<int64_t, OutboxMessage> outbox;                // by id
  int64_t last_outbox_id = 0;
};

namespace {

Status CheckKey(const std::string& what, const std::string& tenant, const std::string& id) {
  if (tenant.empty()) return InvalidArgument(what + " has no tenant");
  if (id.empty()) return InvalidArgument(what + " has no id");
  return Status::Ok();
}

// Rows in the order every store lists them: created_at, then id.
template <typename Row>
void SortAndLimit(std::vector<Row>& rows, size_t limit) {
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a.created_at, a.id) < std::tie(b.created_at, b.id);
  });
  if (rows.size() > limit) rows.resize(limit);
}

template <typename Row>
std::optional<Row> Find(const std::map<TenantKey, Row>& table, const std::string& tenant,
                        const std::string& id) {
  auto it = table.find(TenantKey(tenant, id));
  if (it == table.end()) return std::nullopt;
  return it->second;
}

// Calls `visit` on every row of `tenant`.
template <typename Row, typename Visit>
void ForTenant(const std::map<TenantKey, Row>& table, const std::string& tenant, Visit visit) {
  for (auto it = table.lower_bound(TenantKey(tenant, "")); it != table.end(); ++it) {
    if (it->first.first != tenant) break;
    visit(it->second);
  }
}

}  // namespace

// A transaction stages its writes beside the committed tables and applies them all at once in
// Commit. It holds the store's writer mutex for its whole life, so the committed tables cannot
// change under it and may be read without tables_mu_.
class MemoryStore::Transaction final : public StoreTransaction {
 public:
  Transaction(std::unique_lock<std::mutex> writer, std::shared_mutex& tables_mu, Tables& tables)
      : writer_(std::move(writer)), tables_mu_(tables_mu), tables_(tables) {}

  StatusOr<std::optional<Request>> GetRequest(const std::string& tenant,
                                              const std::string& id) override {
    DB_RETURN_IF_ERROR(CheckOpen());
    if (auto staged = Find(staged_requests_, tenant, id)) return staged;
    return Find(tables_.requests, tenant, id);
  }

  Status PutRequest(const Request& request) override {
    DB_RETURN_IF_ERROR(CheckOpen());
    DB_RETURN_IF_ERROR(CheckKey("request", request.tenant, request.id));
    staged_requests_.insert_or_assign(TenantKey(request.tenant, request.id), request);
    return Status::Ok();
  }

  StatusOr<std::optional<Grant>> GetGrant(const std::string& tenant,
                                          const std::string& id) override {
    DB_RETURN_IF_ERROR(CheckOpen());
    if (auto staged = Find(staged_grants_, tenant, id)) return staged;
    return Find(tables_.grants, tenant, id);
  }

  Status PutGrant(const Grant& grant) override {
    DB_RETURN_IF_ERROR(CheckOpen());
    DB_RETURN_IF_ERROR(CheckKey("grant", grant.tenant, grant.id));
    staged_grants_.insert_or_assign(TenantKey(grant.tenant, grant.id), grant);
    return Status::Ok();
  }

  StatusOr<AuditRecord> AuditHead(const std::string& tenant) override {
    DB_RETURN_IF_ERROR(CheckOpen());
    return Head(tenant);
  }

  Status AppendAudit(const AuditRecord& event) override {
    DB_RETURN_IF_ERROR(CheckOpen());
    if (event.tenant.empty()) return InvalidArgument("audit event has no tenant");
    AuditRecord head = Head(event.tenant);
    if (event.seq != head.seq + 1) {
      return FailedPrecondition("audit seq " + std::to_string(event.seq) +
                                " does not follow head " + std::to_string(head.seq) +
                                " of tenant " + event.tenant);
    }
    if (event.prev_hash != (head.seq == 0 ? std::string(kGenesisPrevHash) : head.hash)) {
      return FailedPrecondition("audit event " + std::to_string(event.seq) +
                                " does not link to the hash of the head of tenant " + event.tenant);
    }
    staged_audit_[event.tenant].push_back(event);
    return Status::Ok();
  }

  StatusOr<std::optional<ApiToken>> GetToken(const std::string& tenant,
                                             const std::string& id) override {
    DB_RETURN_IF_ERROR(CheckOpen());
    if (auto staged = Find(staged_tokens_, tenant, id)) return staged;
    return Find(tables_.tokens, tenant, id);
  }

  Status PutToken(const ApiToken& token) override {
    DB_RETURN_IF_ERROR(CheckOpen());
    DB_RETURN_IF_ERROR(CheckKey("token", token.tenant, token.id));
    if (token.secret_hash.empty()) return InvalidArgument("token " + token.id + " has no hash");
    staged_tokens_.insert_or_assign(TenantKey(token.tenant, token.id), token);
    return Status::Ok();
  }

  Status AppendOutbox(OutboxMessage& message) override {
    DB_RETURN_IF_ERROR(CheckOpen());
    if (message.tenant.empty()) return InvalidArgument("outbox message has no tenant");
    message.id = tables_.last_outbox_id + static_cast<int64_t>(staged_outbox_.size()) + 1;
    staged_outbox_.push_back(message);
    return Status::Ok();
  }

  Status Commit() override {
    DB_RETURN_IF_ERROR(CheckOpen());
    finished_ = true;
    // Every grant must come from a request of its tenant, as the SQLite foreign key demands.
    for (const auto& [key, grant] : staged_grants_) {
      TenantKey request_key(grant.tenant, grant.request_id);
      if (!staged_requests_.contains(request_key) && !tables_.requests.contains(request_key)) {
        writer_.unlock();
        return FailedPrecondition("grant " + grant.id + " refers to request '" + grant.request_id +
                                  "', which does not exist in tenant " + grant.tenant);
      }
    }
    if (Status unique = CheckTokenHashesUnique(); !unique.ok()) {
      writer_.unlock();
      return unique;
    }
    std::unique_lock<std::shared_mutex> exclusive(tables_mu_);
    for (auto& [key, token] : staged_tokens_) {
      tables_.tokens.insert_or_assign(key, std::move(token));
      ++tables_.token_changes;
    }
    for (auto& [key, request] : staged_requests_) {
      tables_.requests.insert_or_assign(key, std::move(request));
    }
    for (auto& [key, grant] : staged_grants_)
      tables_.grants.insert_or_assign(key, std::move(grant));
    for (auto& [tenant, events] : staged_audit_) {
      auto& chain = tables_.audit[tenant];
      chain.insert(chain.end(), std::make_move_iterator(events.begin()),
                   std::make_move_iterator(events.end()));
    }
    for (auto& message : staged_outbox_) {
      tables_.last_outbox_id = message.id;
      tables_.outbox.emplace(message.id, std::move(message));
    }
    exclusive.unlock();
    writer_.unlock();
    return Status::Ok();
  }

 private:
  Status CheckOpen() const {
    if (finished_) return FailedPrecondition("the transaction has already been committed");
    return Status::Ok();
  }

  // A secret hash names one token across all tenants, as the SQLite unique index demands.
  Status CheckTokenHashesUnique() const {
    std::map<std::string_view, const TenantKey*> owners;
    auto claim = [&](const TenantKey& key, const ApiToken& token) {
      auto [it, inserted] = owners.emplace(token.secret_hash, &key);
      return inserted || *it->second == key;
    };
    for (const auto& [key, token] : staged_tokens_) {
      if (!claim(key, token)) return FailedPrecondition("two tokens share one secret hash");
    }
    for (const auto& [key, token] : tables_.tokens) {
      if (staged_tokens_.contains(key)) continue;
      if (!claim(key, token)) {
        return FailedPrecondition("token " + key.second + " already has that secret hash");
      }
    }
    return Status::Ok();
  }

  AuditRecord Head(const std::string& tenant) const {
    if (auto staged = staged_audit_.find(tenant); staged != staged_audit_.end()) {
      return staged->second.back();
    }
    if (auto chain = tables_.audit.find(tenant);
        chain != tables_.audit.end() && !chain->second.empty()) {
      return chain->second.back();
    }
    AuditRecord none;
    none.tenant = tenant;
    return none;
  }

  std::unique_lock<std::mutex> writer_;
  std::shared_mutex& tables_mu_;
  Tables& tables_;
  bool finished_ = false;
  std::map<TenantKey, Request> staged_requests_;
  std::map<TenantKey, Grant> staged_grants_;
  std::map<TenantKey, ApiToken> staged_tokens_;
  std::map<std::string, std::vector<AuditRecord>> staged_audit_;
  std::vector<OutboxMessage> staged_outbox_;
};

MemoryStore::MemoryStore() : tables_(std::make_unique<Tables>()) {}
MemoryStore::~MemoryStore() = default;

std::unique_ptr<MemoryStore> MemoryStore::Create() {
  return std::unique_ptr<MemoryStore>(new MemoryStore());
}

StatusOr<std::unique_ptr<StoreTransaction>> MemoryStore::Begin() {
  std::unique_lock<std::mutex> writer(writer_mu_);
  return std::unique_ptr<StoreTransaction>(
      std::make_unique<Transaction>(std::move(writer), tables_mu_, *tables_));
}

StatusOr<std::optional<Request>> MemoryStore::GetRequest(const std::string& tenant,
                                                         const std::string& id) {
  std::shared_lock<std::shared_mutex> shared(tables_mu_);
  return Find(tables_->requests, tenant, id);
}

StatusOr<std::vector<Request>> MemoryStore::ListRequests(const RequestFilter& filter) {
  std::vector<Request> rows;
  {
    std::shared_lock<std::shared_mutex> shared(tables_mu_);
    ForTenant(tables_->requests, filter.tenant, [&](const Request& request) {
      if (filter.state && request.state != *filter.state) return;
      if (!filter.requester.empty() && request.requester != filter.requester) return;
      rows.push_back(request);
    });
  }
  SortAndLimit(rows, filter.limit);
  return rows;
}

StatusOr<std::map<RequestState, uint64_t>> MemoryStore::CountRequestsByState(
    const std::string& tenant) {
  std::map<RequestState, uint64_t> counts;
  std::shared_lock<std::shared_mutex> shared(tables_mu_);
  ForTenant(tables_->requests, tenant, [&](const Request& request) { ++counts[request.state]; });
  return counts;
}

StatusOr<std::optional<Grant>> MemoryStore::GetGrant(const std::string& tenant,
                                                     const std::string& id) {
  std::shared_lock<std::shared_mutex> shared(tables_mu_);
  return Find(tables_->grants, tenant, id);
}

StatusOr<std::vector<Grant>> MemoryStore::ListGrants(const GrantFilter& filter) {
  std::vector<Grant> rows;
  {
    std::shared_lock<std::shared_mutex> shared(tables_mu_);
    ForTenant(tables_->grants, filter.tenant, [&](const Grant& grant) {
      if (filter.state && grant.state != *filter.state) return;
      if (!filter.principal.empty() && grant.principal != filter.principal) return;
      rows.push_back(grant);
    });
  }
  SortAndLimit(rows, filter.limit);
  return rows;
}

Status MemoryStore::ForEachActiveGrantTerms(const std::string& tenant,
                                            const std::function<Status(const GrantTerms&)>& visit) {
  // Copied under the lock, visited after it, so that `visit` never runs inside the lock.
  std::vector<GrantTerms> active;
  {
    std::shared_lock<std::shared_mutex> shared(tables_mu_);
    ForTenant(tables_->grants, tenant, [&](const Grant& grant) {
      if (grant.state == GrantState::kActive) CopyGrantTerms(grant, active.emplace_back());
    });
  }
  for (const GrantTerms& terms : active) DB_RETURN_IF_ERROR(visit(terms));
  return Status::Ok();
}

StatusOr<std::vector<Grant>> MemoryStore::ListDueGrants(const std::string& tenant, int64_t now,
                                                        size_t limit) {
  // A walk of the tenant's grants: this store is for tests, where a sweep's cost is the records
  // it returns (the SQLite store reads only what is due).
  std::vector<Grant> rows;
  {
    std::shared_lock<std::shared_mutex> shared(tables_mu_);
    ForTenant(tables_->grants, tenant, [&](const Grant& grant) {
      if (grant.state != GrantState::kActive) return;
      if (grant.expires_at > now) {
        if (grant.not_before > now) return;
        auto request = tables_->requests.find(TenantKey(tenant, grant.request_id));
        if (request == tables_->requests.end()) return;
        const Request& scheduled = request->second;
        if (scheduled.state != RequestState::kApproved || scheduled.grant_id != grant.id) return;
      }
      rows.push_back(grant);
    });
  }
  SortAndLimit(rows, limit);
  return rows;
}

StatusOr<std::vector<AuditRecord>> MemoryStore::ReadAudit(const AuditFilter& filter) {
  std::shared_lock<std::shared_mutex> shared(tables_mu_);
  std::vector<AuditRecord> rows;
  auto chain = tables_->audit.find(filter.tenant);
  if (chain == tables_->audit.end()) return rows;
  for (const AuditRecord& event : chain->second) {
    if (rows.size() >= filter.limit) break;
    if (event.seq > filter.after_seq) rows.push_back(event);
  }
  return rows;
}

StatusOr<std::optional<ApiToken>> MemoryStore::GetToken(const std::string& tenant,
                                                        const std::string& id) {
  std::shared_lock<std::shared_mutex> shared(tables_mu_);
  return Find(tables_->tokens, tenant, id);
}

StatusOr<std::vector<ApiToken>> MemoryStore::ListTokens(const TokenFilter& filter) {
  std::vector<ApiToken> rows;
  {
    std::shared_lock<std::shared_mutex> shared(tables_mu_);
    for (const auto& [key, token] : tables_->tokens) {
      if (!filter.all_tenants && key.first != filter.tenant) continue;
      if (!filter.include_revoked && token.revoked_at != 0) continue;
      rows.push_back(token);
    }
  }
  std::sort(rows.begin(), rows.end(), [](const ApiToken& a, const ApiToken& b) {
    return std::tie(a.tenant, a.created_at, a.id) < std::tie(b.tenant, b.created_at, b.id);
  });
  return rows;
}

StatusOr<uint64_t> MemoryStore::TokenChangeCount() {
  std::shared_lock<std::shared_mutex> shared(tables_mu_);
  return tables_->token_changes;
}

StatusOr<std::vector<OutboxMessage>> MemoryStore::DueOutbox(int64_t now, size_t limit) {
  std::vector<OutboxMessage> rows;
  {
    std::shared_lock<std::shared_mutex> shared(tables_mu_);
    for (const auto& [id, message] : tables_->outbox) {
      if (!message.delivered && message.next_attempt_at <= now) rows.push_back(message);
    }
  }
  std::sort(rows.begin(), rows.end(), [](const OutboxMessage& a, const OutboxMessage& b) {
    return std::tie(a.next_attempt_at, a.id) < std::tie(b.next_attempt_at, b.id);
  });
  if (rows.size() > limit) rows.resize(limit);
  return rows;
}

Status MemoryStore::MarkOutbox(std::span<const OutboxMark> marks) {
  std::lock_guard<std::mutex> writer(writer_mu_);
  std::unique_lock<std::shared_mutex> exclusive(tables_mu_);
  Status missing;
  for (const OutboxMark& mark : marks) {
    auto it = tables_->outbox.find(mark.id);
    if (it == tables_->outbox.end()) {
      if (missing.ok())
        missing = NotFound("outbox message " + std::to_string(mark.id) + " does not exist");
      continue;
    }
    it->second.attempts += 1;
    it->second.delivered = mark.delivered;
    it->second.next_attempt_at = mark.next_attempt_at;
  }
  return missing;
}

}  // namespace drawbridge
