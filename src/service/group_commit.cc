// The writer thread: audited checks and workflow transitions queued by many threads are written
// in group commits. Everything queued while one group was being written goes into the next
// transaction, so one fsync serves all of it; nobody is answered before what they wait for is
// durable. Within a group, each transition reads through the group's transaction, so it sees
// the ones written before it (two reviews of one request in one group count both). An entry
// that is refused before anything of it is written (a transition the workflow rules refuse, an
// event that cannot be made) fails alone; a store error fails the whole group, whose checks
// then answer deny.
#include <pthread.h>

#include <algorithm>
#include <thread>

#include "service/internal.h"
#include "service/jit_service.h"

namespace drawbridge::service {
namespace {

template <typename... F>
struct Overloaded : F... {
  using F::operator()...;
};

}  // namespace

void JitService::CheckAsync(const CheckRequest& request, std::function<void(CheckOutcome)> done) {
  CheckOutcome out;
  std::optional<workflow::EventDraft> event = Decide(request, out);
  if (!event) return done(std::move(out));
  if (out.verdict.action_grant.found()) {
    // Using an action grant changes its row as well: that stays one transaction of its own.
    RecordCheck(out, std::move(*event));
    return done(std::move(out));
  }
  // Encoded here, on the caller's thread, so that the writer only hashes and writes it.
  StatusOr<PreparedEvent> prepared = PrepareEvent(*event);
  if (!prepared.ok()) {
    FailClosed(out, prepared.status());
    return done(std::move(out));
  }
  Enqueue(PendingCheck{.event = std::move(prepared).value(),
                       .outcome = std::move(out),
                       .done = std::move(done),
                       .queued = std::chrono::steady_clock::now()});
}

StatusOr<workflow::Transition> JitService::Apply(const TransitionMaker& make) {
  return std::move(ApplyAll(std::span(&make, 1)).front());
}

std::vector<StatusOr<workflow::Transition>> JitService::ApplyAll(
    std::span<const TransitionMaker> makers) {
  if (makers.empty()) return {};
  std::mutex mu;
  std::condition_variable cv;
  std::vector<StatusOr<workflow::Transition>> results(makers.size(), Internal("not written"));
  size_t pending = makers.size();
  const auto queued = std::chrono::steady_clock::now();
  std::vector<PendingWrite> writes;
  writes.reserve(makers.size());
  for (size_t i = 0; i < makers.size(); ++i) {
    writes.emplace_back(PendingTransition{.make = &makers[i],
                                          .done =
                                              [&, i](StatusOr<workflow::Transition> r) {
                                                std::lock_guard lock(mu);
                                                results[i] = std::move(r);
                                                if (--pending == 0) cv.notify_one();
                                              },
                                          .queued = queued});
  }
  Enqueue(writes);  // all in one go, so that they share a group
  std::unique_lock lock(mu);
  cv.wait(lock, [&] { return pending == 0; });
  return results;
}

void JitService::Enqueue(PendingWrite write) {
  Enqueue(std::span(&write, 1));
}

void JitService::Enqueue(std::span<PendingWrite> writes) {
  {
    std::lock_guard lock(batch_mu_);
    if (!writer_thread_.joinable()) {
      writer_thread_ = std::thread([this] {
        pthread_setname_np(pthread_self(), "db-writer");
        WriterLoop();
      });
    }
    for (PendingWrite& w : writes) batch_.push_back(std::move(w));
  }
  batch_cv_.notify_one();
}

size_t JitService::QueuedWrites() const {
  std::lock_guard lock(batch_mu_);
  return batch_.size();
}

void JitService::WriterLoop() {
  constexpr size_t kMaxGroup = 4096;
  std::unique_lock lock(batch_mu_);
  size_t last_group = 0;
  while (true) {
    batch_cv_.wait(lock, [&] { return batch_stop_ || !batch_.empty(); });
    if (batch_.empty()) return;
    if (last_group > 1 && options_.commit_gather.count() > 0 &&
        batch_.size() < ServiceOptions::kGatherEnough) {
      // A sleep, not a wait on batch_cv_: every Enqueue notifies that, and waking for each
      // arrival would cost more than the gathering saves.
      const auto oldest = std::visit([](auto& w) { return w.queued; }, batch_.front());
      lock.unlock();
      std::this_thread::sleep_until(oldest + options_.commit_gather);
      lock.lock();
    }
    last_group = std::min(batch_.size(), kMaxGroup);
    std::vector<PendingWrite> group;
    if (batch_.size() <= kMaxGroup) {
      group.swap(batch_);
    } else {
      group.assign(std::make_move_iterator(batch_.begin()),
                   std::make_move_iterator(batch_.begin() + kMaxGroup));
      batch_.erase(batch_.begin(), batch_.begin() + kMaxGroup);
    }
    lock.unlock();
    WriteGroup(group);
    lock.lock();
  }
}

void JitService::WriteGroup(std::vector<PendingWrite>& group) {
  const auto start = std::chrono::steady_clock::now();
  GroupCommitReport report;
  report.oldest_wait = start - std::visit([](auto& w) { return w.queued; }, group.front());
  Status failed;  // a store error: nothing of the group is written
  {
    std::lock_guard write(write_mu_);
    const int64_t now_ms = clock_.NowMillis();
    StatusOr<std::unique_ptr<StoreTransaction>> tx = store_.Begin();
    StatusOr<audit::AuditChain> chain =
        tx.ok() ? ResumeChain(**tx, options_.tenant) : StatusOr<audit::AuditChain>(tx.status());
    failed = chain.status();
    auto write_check = [&](PendingCheck& c) {
      auto sealed = SealEvents(*chain, std::span(&c.event, 1), now_ms);
      if (!sealed.ok()) {
        c.refused = sealed.status();
        return;
      }
      failed = WriteEvents(**tx, *sealed);
      report.checks += failed.ok();
    };
    auto write_transition = [&](PendingTransition& p) {
      p.made = (*p.make)(now_ms / 1000, **tx);
      if (!p.made.ok()) return;
      auto sealed = SealEvents(*chain, p.made->events, now_ms);
      if (!sealed.ok()) {
        p.made = sealed.status();
        return;
      }
      failed = WriteTransition(**tx, *p.made, *sealed);
      report.transitions += failed.ok();
    };
    for (PendingWrite& w : group) {
      if (!failed.ok()) break;
      std::visit(Overloaded{write_check, write_transition}, w);
    }
    if (failed.ok()) failed = (*tx)->Commit();
    if (failed.ok()) {
      for (PendingWrite& w : group) {
        auto* p = std::get_if<PendingTransition>(&w);
        if (p != nullptr && p->made.ok() && p->made->grant) SyncIndex(*p->made->grant);
      }
    }
  }
  if (!failed.ok()) report.checks = report.transitions = 0;
  report.commit = std::chrono::steady_clock::now() - start;
  report.ok = failed.ok();
  if (options_.on_group_commit) options_.on_group_commit(report);
  auto answer_check = [&](PendingCheck& c) {
    if (!failed.ok()) FailClosed(c.outcome, failed);
    if (!c.refused.ok()) FailClosed(c.outcome, c.refused);
    c.done(std::move(c.outcome));
  };
  auto answer_transition = [&](PendingTransition& p) {
    p.done(failed.ok() ? std::move(p.made) : StatusOr<workflow::Transition>(failed));
  };
  const std::function<void()> answer = [&] {
    for (PendingWrite& w : group) std::visit(Overloaded{answer_check, answer_transition}, w);
  };
  if (options_.answer_group) return options_.answer_group(answer);
  answer();
}

void JitService::StopWriter() {
  {
    std::lock_guard lock(batch_mu_);
    batch_stop_ = true;
  }
  batch_cv_.notify_all();
  if (writer_thread_.joinable()) writer_thread_.join();
}

JitService::~JitService() {
  StopWriter();
}

}  // namespace drawbridge::service
