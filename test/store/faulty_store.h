// FaultyStore: a Store decorator for fail-closed tests. It forwards every call to the Store it
// wraps, except that it can be told to fail the Nth AppendAudit, AppendOutbox or Commit (counted
// from when the fault is armed, 1 = the next call) with a given Status. A failed call does not
// reach the wrapped store; a failed Commit leaves the wrapped transaction uncommitted, so it
// rolls back.
//
// Thread-safety: like the wrapped Store. Arming and counting are guarded by one mutex.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "drawbridge/store.h"

namespace drawbridge::testing {

class FaultyStore final : public Store {
 public:
  enum class Operation { kAppendAudit, kAppendOutbox, kCommit };

  explicit FaultyStore(std::unique_ptr<Store> inner) : inner_(std::move(inner)) {}

  // The next `nth`-th call of `operation` returns `status` (once). Re-arming replaces the fault.
  void FailNth(Operation operation, int nth, Status status) {
    std::lock_guard<std::mutex> lock(mu_);
    faults_[Index(operation)] = Fault{nth, std::move(status)};
  }
  void FailNthAppendAudit(int nth, Status status) {
    FailNth(Operation::kAppendAudit, nth, std::move(status));
  }
  void FailNthAppendOutbox(int nth, Status status) {
    FailNth(Operation::kAppendOutbox, nth, std::move(status));
  }
  void FailNthCommit(int nth, Status status) {
    FailNth(Operation::kCommit, nth, std::move(status));
  }

  // How many faults have fired so far.
  int faults_fired() const {
    std::lock_guard<std::mutex> lock(mu_);
    return fired_;
  }

  Store& inner() { return *inner_; }

  // How many times MarkOutbox was called (each call is one write of a delivery round).
  int mark_outbox_calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return mark_outbox_calls_;
  }

  StatusOr<std::unique_ptr<StoreTransaction>> Begin() override {
    DB_ASSIGN_OR_RETURN(std::unique_ptr<StoreTransaction> inner, inner_->Begin());
    return std::unique_ptr<StoreTransaction>(
        std::make_unique<Transaction>(*this, std::move(inner)));
  }
  StatusOr<std::optional<Request>> GetRequest(const std::string& tenant,
                                              const std::string& id) override {
    return inner_->GetRequest(tenant, id);
  }
  StatusOr<std::vector<Request>> ListRequests(const RequestFilter& filter) override {
    return inner_->ListRequests(filter);
  }
  StatusOr<std::map<RequestState, uint64_t>> CountRequestsByState(
      const std::string& tenant) override {
    return inner_->CountRequestsByState(tenant);
  }
  StatusOr<std::optional<Grant>> GetGrant(const std::string& tenant,
                                          const std::string& id) override {
    return inner_->GetGrant(tenant, id);
  }
  StatusOr<std::vector<Grant>> ListGrants(const GrantFilter& filter) override {
    return inner_->ListGrants(filter);
  }
  Status ForEachActiveGrantTerms(const std::string& tenant,
                                 const std::function<Status(const GrantTerms&)>& visit) override {
    return inner_->ForEachActiveGrantTerms(tenant, visit);
  }
  StatusOr<std::vector<Grant>> ListDueGrants(const std::string& tenant, int64_t now,
                                             size_t limit) override {
    return inner_->ListDueGrants(tenant, now, limit);
  }
  StatusOr<std::vector<AuditRecord>> ReadAudit(const AuditFilter& filter) override {
    return inner_->ReadAudit(filter);
  }
  StatusOr<std::optional<ApiToken>> GetToken(const std::string& tenant,
                                             const std::string& id) override {
    return inner_->GetToken(tenant, id);
  }
  StatusOr<std::vector<ApiToken>> ListTokens(const TokenFilter& filter) override {
    return inner_->ListTokens(filter);
  }
  StatusOr<uint64_t> TokenChangeCount() override { return inner_->TokenChangeCount(); }
  StatusOr<std::vector<OutboxMessage>> DueOutbox(int64_t now, size_t limit) override {
    return inner_->DueOutbox(now, limit);
  }
  Status MarkOutbox(std::span<const OutboxMark> marks) override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++mark_outbox_calls_;
    }
    return inner_->MarkOutbox(marks);
  }

 private:
  struct Fault {
    int countdown = 0;  // fires when a call brings it to 0
    Status status;
  };

  static size_t Index(Operation operation) { return static_cast<size_t>(operation); }

  // The fault to return for this call of `operation`, if it is the armed one.
  std::optional<Status> Tick(Operation operation) {
    std::lock_guard<std::mutex> lock(mu_);
    std::optional<Fault>& fault = faults_[Index(operation)];
    if (!fault || --fault->countdown > 0) return std::nullopt;
    Status status = std::move(fault->status);
    fault.reset();
    ++fired_;
    return status;
  }

  class Transaction final : public StoreTransaction {
   public:
    Transaction(FaultyStore& store, std::unique_ptr<StoreTransaction> inner)
        : store_(store), inner_(std::move(inner)) {}

    StatusOr<std::optional<Request>> GetRequest(const std::string& tenant,
                                                const std::string& id) override {
      DB_RETURN_IF_ERROR(CheckOpen());
      return inner_->GetRequest(tenant, id);
    }
    Status PutRequest(const Request& request) override {
      DB_RETURN_IF_ERROR(CheckOpen());
      return inner_->PutRequest(request);
    }
    StatusOr<std::optional<Grant>> GetGrant(const std::string& tenant,
                                            const std::string& id) override {
      DB_RETURN_IF_ERROR(CheckOpen());
      return inner_->GetGrant(tenant, id);
    }
    Status PutGrant(const Grant& grant) override {
      DB_RETURN_IF_ERROR(CheckOpen());
      return inner_->PutGrant(grant);
    }
    StatusOr<std::optional<ApiToken>> GetToken(const std::string& tenant,
                                               const std::string& id) override {
      DB_RETURN_IF_ERROR(CheckOpen());
      return inner_->GetToken(tenant, id);
    }
    Status PutToken(const ApiToken& token) override {
      DB_RETURN_IF_ERROR(CheckOpen());
      return inner_->PutToken(token);
    }
    StatusOr<AuditRecord> AuditHead(const std::string& tenant) override {
      DB_RETURN_IF_ERROR(CheckOpen());
      return inner_->AuditHead(tenant);
    }
    Status AppendAudit(const AuditRecord& event) override {
      DB_RETURN_IF_ERROR(CheckOpen());
      if (auto fault = store_.Tick(Operation::kAppendAudit)) return *fault;
      return inner_->AppendAudit(event);
    }
    Status AppendOutbox(OutboxMessage& message) override {
      DB_RETURN_IF_ERROR(CheckOpen());
      if (auto fault = store_.Tick(Operation::kAppendOutbox)) return *fault;
      return inner_->AppendOutbox(message);
    }
    Status Commit() override {
      DB_RETURN_IF_ERROR(CheckOpen());
      if (auto fault = store_.Tick(Operation::kCommit)) {
        inner_.reset();  // rolls back and releases the writer
        return *fault;
      }
      return inner_->Commit();
    }

   private:
    Status CheckOpen() const {
      if (inner_ == nullptr) return FailedPrecondition("the transaction failed to commit");
      return Status::Ok();
    }

    FaultyStore& store_;
    std::unique_ptr<StoreTransaction> inner_;
  };

  std::unique_ptr<Store> inner_;
  mutable std::mutex mu_;
  std::optional<Fault> faults_[3];  // guarded by mu_; by Operation
  int fired_ = 0;                   // guarded by mu_
  int mark_outbox_calls_ = 0;       // guarded by mu_
};

}  // namespace drawbridge::testing
