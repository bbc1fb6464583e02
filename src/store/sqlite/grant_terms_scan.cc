#include "store/sqlite/grant_terms_scan.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string_view>
#include <thread>
#include <vector>

#include "store/sqlite/rows.h"

namespace drawbridge::sqlite {
namespace {

// The terms columns, then the scan position: created_at and (the terms' own) id.
constexpr int kCreatedAtColumn = 10;

std::string ScanSql(const char* order) {
  return std::string("SELECT ") + kGrantTermsColumns +
         ", created_at FROM grants WHERE tenant = ?1 AND state = ?2 ORDER BY " + order;
}

const char* AscendingSql() {
  static const std::string sql = ScanSql("created_at, id");
  return sql.c_str();
}

const char* DescendingSql() {
  static const std::string sql = ScanSql("created_at DESC, id DESC");
  return sql.c_str();
}

StatusOr<Statement> PrepareScan(Connection& reader, const char* sql, const std::string& tenant) {
  DB_ASSIGN_OR_RETURN(Statement statement, reader.Prepare(sql));
  statement.BindText(1, tenant);
  statement.BindText(2, GrantStateName(GrantState::kActive));
  return statement;
}

// A row's place in the index order (SQLite's BINARY collation orders text like std::string).
struct Position {
  int64_t created_at = 0;
  std::string id;
};

bool Before(int64_t created_at, std::string_view id, const Position& p) {
  return created_at < p.created_at || (created_at == p.created_at && id < p.id);
}

bool After(int64_t created_at, std::string_view id, const Position& p) {
  return created_at > p.created_at || (created_at == p.created_at && id > p.id);
}

// How far one scan has claimed rows.
struct Frontier {
  bool started = false;
  Position last;
};

// Rows decoded by one scan; the first `claimed` are its to visit.
struct Batch {
  static constexpr size_t kRows = 512;
  std::vector<GrantTerms> terms = std::vector<GrantTerms>(kRows);
  std::vector<int64_t> created_at = std::vector<int64_t>(kRows);
  size_t rows = 0;
  size_t claimed = 0;
};

class TwoEndedScan {
 public:
  TwoEndedScan(const std::string& tenant, const std::function<Status(const GrantTerms&)>& visit)
      : tenant_(tenant), visit_(visit) {
    for (auto& batch : batches_) {
      batch = std::make_unique<Batch>();
      free_.push_back(batch.get());
    }
  }

  Status Run(Connection& ascending, Connection& descending) {
    std::thread up([&] { Scan(ascending, /*descending=*/false); });
    std::thread down([&] { Scan(descending, /*descending=*/true); });
    Visit();
    up.join();
    down.join();
    return error_;
  }

 private:
  // The caller's part: visit claimed batches as they come, until both scans have ended.
  void Visit() {
    std::unique_lock lock(mu_);
    while (true) {
      ready_cv_.wait(lock, [&] { return !ready_.empty() || running_ == 0; });
      if (ready_.empty()) return;
      Batch* batch = ready_.front();
      ready_.pop_front();
      bool stopped = stop_;
      lock.unlock();
      Status status;
      for (size_t i = 0; i < batch->claimed && !stopped && status.ok(); ++i) {
        status = visit_(batch->terms[i]);
      }
      lock.lock();
      if (!status.ok()) Fail(status);
      free_.push_back(batch);
      free_cv_.notify_one();
    }
  }

  void Scan(Connection& reader, bool descending) {
    Status status = ScanRows(reader, descending);
    std::lock_guard lock(mu_);
    if (!status.ok()) Fail(status);
    --running_;
    ready_cv_.notify_all();
  }

  Status ScanRows(Connection& reader, bool descending) {
    DB_ASSIGN_OR_RETURN(
        Statement statement,
        PrepareScan(reader, descending ? DescendingSql() : AscendingSql(), tenant_));
    bool done = false;
    while (!done) {
      Batch* batch = TakeFree();
      if (batch == nullptr) return Status::Ok();  // stopped
      batch->rows = 0;
      Status status;
      while (batch->rows < Batch::kRows) {
        StatusOr<bool> has_row = statement.Step();
        if (!has_row.ok()) {
          status = has_row.status();
          break;
        }
        if (!*has_row) {
          done = true;
          break;
        }
        status = ReadGrantTerms(statement, batch->terms[batch->rows]);
        if (!status.ok()) break;
        batch->created_at[batch->rows] = statement.Int(kCreatedAtColumn);
        ++batch->rows;
      }
      if (!Claim(*batch, descending)) done = true;
      if (!status.ok()) return status;
    }
    return Status::Ok();
  }

  Batch* TakeFree() {
    std::unique_lock lock(mu_);
    free_cv_.wait(lock, [&] { return !free_.empty() || stop_; });
    if (stop_) return nullptr;
    Batch* batch = free_.back();
    free_.pop_back();
    return batch;
  }

  // Claims the batch's leading rows that the other scan has not reached, and hands the batch to
  // the caller. False when the scans have met.
  bool Claim(Batch& batch, bool descending) {
    std::lock_guard lock(mu_);
    Frontier& mine = frontiers_[descending ? 1 : 0];
    const Frontier& theirs = frontiers_[descending ? 0 : 1];
    size_t claimed = 0;
    while (claimed < batch.rows) {
      const int64_t created_at = batch.created_at[claimed];
      const std::string_view id = batch.terms[claimed].id;
      if (theirs.started && (descending ? !After(created_at, id, theirs.last)
                                        : !Before(created_at, id, theirs.last))) {
        break;
      }
      ++claimed;
    }
    if (claimed > 0) {
      mine.started = true;
      mine.last.created_at = batch.created_at[claimed - 1];
      mine.last.id = batch.terms[claimed - 1].id;
    }
    batch.claimed = claimed;
    if (claimed > 0 && !stop_) {
      ready_.push_back(&batch);
      ready_cv_.notify_one();
    } else {
      free_.push_back(&batch);
      free_cv_.notify_one();
    }
    return claimed == batch.rows;
  }

  void Fail(const Status& status) {  // mu_ held
    if (error_.ok()) error_ = status;
    stop_ = true;
    free_cv_.notify_all();
  }

  const std::string& tenant_;
  const std::function<Status(const GrantTerms&)>& visit_;
  std::unique_ptr<Batch> batches_[8];  // a few per scan, so decoding runs ahead of visiting

  std::mutex mu_;
  std::condition_variable free_cv_;
  std::condition_variable ready_cv_;
  std::vector<Batch*> free_;  // guarded by mu_
  std::deque<Batch*> ready_;  // guarded by mu_
  int running_ = 2;           // scans not yet ended; guarded by mu_
  bool stop_ = false;         // guarded by mu_
  Status error_;              // the first failure; guarded by mu_
  // The last row each scan has claimed: [0] ascending, [1] descending. Guarded by mu_.
  Frontier frontiers_[2];
};

}  // namespace

Status ScanActiveGrantTerms(Connection& reader, const std::string& tenant,
                            const std::function<Status(const GrantTerms&)>& visit) {
  DB_ASSIGN_OR_RETURN(Statement statement, PrepareScan(reader, AscendingSql(), tenant));
  GrantTerms terms;  // reused: ReadGrantTerms sets every field
  while (true) {
    DB_ASSIGN_OR_RETURN(bool has_row, statement.Step());
    if (!has_row) return Status::Ok();
    DB_RETURN_IF_ERROR(ReadGrantTerms(statement, terms));
    DB_RETURN_IF_ERROR(visit(terms));
  }
}

Status ScanActiveGrantTermsFromBothEnds(Connection& ascending, Connection& descending,
                                        const std::string& tenant,
                                        const std::function<Status(const GrantTerms&)>& visit) {
  return TwoEndedScan(tenant, visit).Run(ascending, descending);
}

}  // namespace drawbridge::sqlite
