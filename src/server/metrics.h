// Counters and histograms the server exports at GET /metrics in the Prometheus text format.
// Updates are lock-free atomics on the hot path (decisions, HTTP responses); labelled families
// whose label sets are open (decisions by rule) take a shared lock only to find their counter.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "drawbridge/decision.h"

namespace drawbridge::server {

// Cumulative histogram with fixed bucket bounds in seconds.
class Histogram {
 public:
  // Fine between 1 and 5 ms, where a check's p99 budget (3 ms) lies.
  static constexpr std::array<double, 14> kBounds = {0.00001, 0.000025, 0.00005, 0.0001, 0.00025,
                                                     0.0005,  0.001,    0.002,   0.003,  0.004,
                                                     0.005,   0.01,     0.1,     1.0};
  void Observe(double seconds);
  // Appends the `name_bucket`, `name_sum` and `name_count` lines, with `labels` ("" or `a="b"`).
  void Render(std::string& out, std::string_view name, std::string_view labels) const;

 private:
  std::array<std::atomic<uint64_t>, kBounds.size() + 1> buckets_{};
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_ns_{0};
};

class Metrics {
 public:
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
  using CounterMap = std::map<std::string, std::unique_ptr<std::atomic<uint64_t>>, std::less<>>;
  static void Increment(std::shared_mutex& mu, CounterMap& map, std::string_view key);

  std::array<Histogram, 3> decision_latency_;  // by decision
  mutable std::shared_mutex decisions_mu_;
  CounterMap decisions_;  // key: decision \x1f rule
  mutable std::shared_mutex http_mu_;
  CounterMap http_;  // key: method \x1f route \x1f status
  Histogram http_latency_;
  std::atomic<uint64_t> rate_limited_{0};
  std::atomic<uint64_t> open_request_cap_{0};
  Histogram audit_wait_;    // oldest entry of a group: queued to commit start
  Histogram audit_commit_;  // writing and committing a group
  std::atomic<uint64_t> committed_checks_{0};
  std::atomic<uint64_t> committed_transitions_{0};
};

// Escapes a Prometheus label value.
std::string LabelValue(std::string_view value);

}  // namespace drawbridge::server
