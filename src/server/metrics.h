// Counters and histograms the server exports at GET /metrics in the Prometheus text format.
// What every request records (its response, a check's decision) is counted per thread, in a
// shard only that thread writes: the I/O threads never pass a cache line back and forth on the
// check path. Rendering sums the shards.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "drawbridge/decision.h"

namespace drawbridge::server {

// Bucket bounds in seconds, fine between 1 and 5 ms, where a check's p99 budget (3 ms) lies.
inline constexpr std::array<double, 14> kHistogramBounds = {
    0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001,
    0.002,   0.003,    0.004,   0.005,  0.01,    0.1,    1.0};

// A histogram's counts, written by one thread at a time.
struct HistogramCounts {
  std::array<uint64_t, kHistogramBounds.size() + 1> buckets{};  // the last: above every bound
  uint64_t count = 0;
  uint64_t sum_ns = 0;

  void Observe(double seconds);
  void Add(const HistogramCounts& other);
  // Appends the `name_bucket`, `name_sum` and `name_count` lines, with `labels` ("" or `a="b"`).
  void Render(std::string& out, std::string_view name, std::string_view labels) const;
};

// A histogram one thread observes while others read it.
class Histogram {
 public:
  void Observe(double seconds);
  HistogramCounts Snapshot() const;

 private:
  std::array<std::atomic<uint64_t>, kHistogramBounds.size() + 1> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_ns_{0};
};

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // A decision made through POST /v1/check: its outcome, the rule that decided (or "none") and
  // how long deciding took.
  void RecordDecision(Decision decision, std::string_view rule, double seconds);
  // An HTTP response by route template ("/v1/requests/{id}") and status.
  void RecordHttp(std::string_view method, std::string_view route, int status, double seconds);
  // A 429: the caller's rate limit, or the cap on a requester's open requests.
  void RecordRateLimited() { rate_limited_.fetch_add(1, std::memory_order_relaxed); }
  void RecordOpenRequestCapReached() { open_request_cap_.fetch_add(1, std::memory_order_relaxed); }
  // One group commit: the audited checks and workflow transitions in it, how long its oldest
  // entry waited for it, how long writing and committing took.
  void RecordGroupCommit(size_t checks, size_t transitions, double oldest_wait_seconds,
                         double commit_seconds);

  // Appends every family this object holds.
  void Render(std::string& out) const;

 private:
  struct Shard;
  using Counts = std::map<std::string, uint64_t, std::less<>>;
  // The calling thread's shard, made on its first record.
  Shard& Local();
  // The per-request families summed over every thread's shard.
  void Merge(Counts& decisions, Counts& http, std::array<HistogramCounts, 3>& decision_latency,
             HistogramCounts& http_latency) const;

  const uint64_t instance_;  // tells this object's shards from another's in a thread's list
  mutable std::mutex shards_mu_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::atomic<uint64_t> rate_limited_{0};
  std::atomic<uint64_t> open_request_cap_{0};
  Histogram audit_wait_;    // oldest entry of a group: queued to commit start
  Histogram audit_commit_;  // writing and committing a group
  std::atomic<uint64_t> committed_checks_{0};
  std::atomic<uint64_t> committed_transitions_{0};
};

// Escapes a Prometheus label value.
std::string LabelValue(std::string_view value);

// A family's HELP and TYPE lines ("counter", "gauge", "histogram").
void RenderFamilyHead(std::string& out, std::string_view name, std::string_view type,
                      std::string_view help);
// A family of one series without labels: its head and its one sample.
void RenderSingleSample(std::string& out, std::string_view name, std::string_view type,
                        std::string_view help, int64_t value);

}  // namespace drawbridge::server
