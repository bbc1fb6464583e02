// MemoryStore: the Store port kept in process memory, for tests and for trying Drawbridge out.
// Nothing survives the process; never use it where a grant or an audit event must outlive a
// crash.
//
// Thread-safety: a MemoryStore may be used from many threads. Writers (Begin, MarkOutbox) are
// serialised by one mutex held for the life of a transaction, so a thread that holds a
// transaction must not call Begin or MarkOutbox again before finishing it. Readers run
// concurrently with each other and see only committed state.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "drawbridge/store.h"

namespace drawbridge {

class MemoryStore final : public Store {
 public:
  static std::unique_ptr<MemoryStore> Create();
  ~MemoryStore() override;

  MemoryStore(const MemoryStore&) = delete;
  MemoryStore& operator=(const MemoryStore&) = delete;

  StatusOr<std::unique_ptr<StoreTransaction>> Begin() override;
  StatusOr<std::optional<Request>> GetRequest(const std::string& tenant,
                                              const std::string& id) override;
  StatusOr<std::vector<Request>> ListRequests(const RequestFilter& filter) override;
  StatusOr<std::map<RequestState, uint64_t>> CountRequestsByState(
      const std::string& tenant) override;
  StatusOr<std::optional<Grant>> GetGrant(const std::string& tenant,
                                          const std::string& id) override;
  StatusOr<std::vector<Grant>> ListGrants(const GrantFilter& filter) override;
  Status ForEachActiveGrantTerms(const std::string& tenant,
                                 const std::function<Status(const GrantTerms&)>& visit) override;
  StatusOr<std::vector<Grant>> ListDueGrants(const std::string& tenant, int64_t now,
                                             size_t limit) override;
  StatusOr<std::vector<AuditRecord>> ReadAudit(const AuditFilter& filter) override;
  StatusOr<std::optional<ApiToken>> GetToken(const std::string& tenant,
                                             const std::string& id) override;
  StatusOr<std::vector<ApiToken>> ListTokens(const TokenFilter& filter) override;
  StatusOr<uint64_t> TokenChangeCount() override;
  StatusOr<std::vector<OutboxMessage>> DueOutbox(int64_t now, size_t limit) override;
  Status MarkOutbox(std::span<const OutboxMark> marks) override;

  // The committed tables; defined in memory_store.cc.
  struct Tables;

 private:
  MemoryStore();
  class Transaction;

  std::mutex writer_mu_;            // held by the open transaction, or by MarkOutbox
  std::shared_mutex tables_mu_;     // exclusive while a commit applies; shared for reads
  std::unique_ptr<Tables> tables_;  // guarded by tables_mu_; changed only by writer_mu_ holders
};

}  // namespace drawbridge
