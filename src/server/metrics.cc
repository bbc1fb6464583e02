#include "server/metrics.h"

#include <charconv>
#include <cstdio>
#include <mutex>

namespace drawbridge::server {
namespace {

constexpr char kSep = '\x1f';

// The key of a counter being looked up, built in a buffer each thread reuses: recording a
// response allocates nothing once a thread has seen its longest key.
std::string& ScratchKey() {
  thread_local std::string key;
  key.clear();
  return key;
}

std::string FormatDouble(double v) {
  char buf[32];
  // Shortest text that reads back as the same double: a histogram's _sum keeps every digit.
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  if (ec != std::errc()) return "NaN";
  *end = '\0';
  return buf;
}

// The bucket `seconds` falls in: the first bound at or above it, else the last (+Inf).
size_t BucketOf(double seconds) {
  size_t i = 0;
  while (i < kHistogramBounds.size() && seconds > kHistogramBounds[i]) ++i;
  return i;
}

// A histogram family without labels: its HELP and TYPE lines, then its series.
void RenderHistogramFamily(std::string& out, const HistogramCounts& histogram,
                           std::string_view name, std::string_view help) {
  RenderFamilyHead(out, name, "histogram", help);
  histogram.Render(out, name, "");
}

}  // namespace

void RenderFamilyHead(std::string& out, std::string_view name, std::string_view type,
                      std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void RenderSingleSample(std::string& out, std::string_view name, std::string_view type,
                        std::string_view help, int64_t value) {
  RenderFamilyHead(out, name, type, help);
  out += name;
  out += ' ';
  out += std::to_string(value);
  out += '\n';
}

std::string LabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void HistogramCounts::Observe(double seconds) {
  ++buckets[BucketOf(seconds)];
  ++count;
  sum_ns += static_cast<uint64_t>(seconds * 1e9);
}

void HistogramCounts::Add(const HistogramCounts& other) {
  for (size_t i = 0; i < buckets.size(); ++i) buckets[i] += other.buckets[i];
  count += other.count;
  sum_ns += other.sum_ns;
}

void HistogramCounts::Render(std::string& out, std::string_view name,
                             std::string_view labels) const {
  uint64_t cumulative = 0;
  std::string prefix = labels.empty() ? "" : std::string(labels) + ",";
  for (size_t i = 0; i < buckets.size(); ++i) {
    cumulative += buckets[i];
    std::string le = i < kHistogramBounds.size() ? FormatDouble(kHistogramBounds[i]) : "+Inf";
    out += std::string(name) + "_bucket{" + prefix + "le=\"" + le + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  std::string braces = labels.empty() ? "" : "{" + std::string(labels) + "}";
  out += std::string(name) + "_sum" + braces + " " + FormatDouble(sum_ns / 1e9) + "\n";
  out += std::string(name) + "_count" + braces + " " + std::to_string(count) + "\n";
}

void Histogram::Observe(double seconds) {
  buckets_[BucketOf(seconds)].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

HistogramCounts Histogram::Snapshot() const {
  HistogramCounts counts;
  for (size_t i = 0; i < buckets_.size(); ++i) {
    counts.buckets[i] = buckets_[i].load(std::memory_order_relaxed);
  }
  counts.count = count_.load(std::memory_order_relaxed);
  counts.sum_ns = sum_ns_.load(std::memory_order_relaxed);
  return counts;
}

// Aligned to a cache line of its own: two threads' shards never share one.
struct alignas(64) Metrics::Shard {
  // Taken by its thread on every record and by a render reading it: uncontended but for scrapes.
  mutable std::mutex mu;
  Counts decisions;                                 // key: decision \x1f rule
  Counts http;                                      // key: method \x1f route \x1f status
  std::array<HistogramCounts, 3> decision_latency;  // by decision
  HistogramCounts http_latency;
};

namespace {
std::atomic<uint64_t> next_instance{1};

void Count(std::map<std::string, uint64_t, std::less<>>& counts, std::string_view key) {
  if (auto it = counts.find(key); it != counts.end()) {
    ++it->second;
  } else {
    counts.emplace(std::string(key), 1);
  }
}
}  // namespace

Metrics::Metrics() : instance_(next_instance.fetch_add(1, std::memory_order_relaxed)) {}
Metrics::~Metrics() = default;

Metrics::Shard& Metrics::Local() {
  // This thread's shard of each Metrics it has recorded for (one, but for tests that run several
  // servers in one process), made on its first record and kept when the thread ends, so that no
  // count is ever lost. Instance numbers are never reused: an entry for a destroyed object is
  // never matched.
  thread_local std::vector<std::pair<uint64_t, Shard*>> mine;
  for (const auto& [instance, shard] : mine) {
    if (instance == instance_) return *shard;
  }
  std::lock_guard lock(shards_mu_);
  Shard* shard = shards_.emplace_back(std::make_unique<Shard>()).get();
  mine.emplace_back(instance_, shard);
  return *shard;
}

void Metrics::RecordDecision(Decision decision, std::string_view rule, double seconds) {
  std::string& key = ScratchKey();
  key += DecisionName(decision);
  key += kSep;
  key += rule.empty() ? "none" : rule;
  Shard& shard = Local();
  std::lock_guard lock(shard.mu);
  shard.decision_latency[static_cast<size_t>(decision)].Observe(seconds);
  Count(shard.decisions, key);
}

void Metrics::RecordHttp(std::string_view method, std::string_view route, int status,
                         double seconds) {
  std::string& key = ScratchKey();
  key += method;
  key += kSep;
  key += route;
  key += kSep;
  char digits[12];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), status);
  key.append(digits, end);
  Shard& shard = Local();
  std::lock_guard lock(shard.mu);
  shard.http_latency.Observe(seconds);
  Count(shard.http, key);
}

void Metrics::Merge(Counts& decisions, Counts& http,
                    std::array<HistogramCounts, 3>& decision_latency,
                    HistogramCounts& http_latency) const {
  std::lock_guard lock(shards_mu_);
  for (const auto& shard : shards_) {
    std::lock_guard shard_lock(shard->mu);
    for (const auto& [key, n] : shard->decisions) decisions[key] += n;
    for (const auto& [key, n] : shard->http) http[key] += n;
    for (size_t d = 0; d < decision_latency.size(); ++d) {
      decision_latency[d].Add(shard->decision_latency[d]);
    }
    http_latency.Add(shard->http_latency);
  }
}

void Metrics::RecordGroupCommit(size_t checks, size_t transitions, double oldest_wait_seconds,
                                double commit_seconds) {
  audit_wait_.Observe(oldest_wait_seconds);
  audit_commit_.Observe(commit_seconds);
  committed_checks_.fetch_add(checks, std::memory_order_relaxed);
  committed_transitions_.fetch_add(transitions, std::memory_order_relaxed);
}

void Metrics::Render(std::string& out) const {
  Counts decisions, http;
  std::array<HistogramCounts, 3> decision_latency;
  HistogramCounts http_latency;
  Merge(decisions, http, decision_latency, http_latency);
  RenderFamilyHead(out, "drawbridge_decisions_total", "counter",
                   "Decisions made by POST /v1/check, by outcome and rule.");
  for (const auto& [key, value] : decisions) {
    size_t sep = key.find(kSep);
    out += "drawbridge_decisions_total{decision=\"" + key.substr(0, sep) + "\",rule=\"" +
           LabelValue(key.substr(sep + 1)) + "\"} " + std::to_string(value) + "\n";
  }
  RenderFamilyHead(out, "drawbridge_decision_seconds", "histogram",
                   "Time to decide a check (engine and audit).");
  for (size_t d = 0; d < decision_latency.size(); ++d) {
    decision_latency[d].Render(
        out, "drawbridge_decision_seconds",
        "decision=\"" + std::string(DecisionName(static_cast<Decision>(d))) + "\"");
  }
  RenderFamilyHead(out, "drawbridge_http_requests_total", "counter",
                   "HTTP responses by method, route and status.");
  for (const auto& [key, value] : http) {
    size_t a = key.find(kSep);
    size_t b = key.find(kSep, a + 1);
    out += "drawbridge_http_requests_total{method=\"" + key.substr(0, a) + "\",route=\"" +
           LabelValue(key.substr(a + 1, b - a - 1)) + "\",status=\"" + key.substr(b + 1) + "\"} " +
           std::to_string(value) + "\n";
  }
  RenderHistogramFamily(out, http_latency, "drawbridge_http_request_seconds",
                        "Time from a parsed request to its response.");
  RenderHistogramFamily(out, audit_wait_.Snapshot(), "drawbridge_audit_batch_wait_seconds",
                        "Per group commit (audited checks and workflow transitions): how long "
                        "its oldest entry waited for the commit to start.");
  RenderHistogramFamily(out, audit_commit_.Snapshot(), "drawbridge_audit_commit_seconds",
                        "Per group commit: writing and committing it, fsync included.");
  RenderSingleSample(out, "drawbridge_audit_committed_checks_total", "counter",
                     "Audited checks written by group commits (divide by "
                     "drawbridge_audit_commit_seconds_count for the mean batch).",
                     static_cast<int64_t>(committed_checks_.load()));
  RenderSingleSample(out, "drawbridge_audit_committed_transitions_total", "counter",
                     "Workflow transitions written by group commits.",
                     static_cast<int64_t>(committed_transitions_.load()));
  RenderSingleSample(out, "drawbridge_rate_limited_total", "counter",
                     "Calls answered 429 by a per-principal rate limit.",
                     static_cast<int64_t>(rate_limited_.load()));
  RenderSingleSample(out, "drawbridge_open_request_cap_total", "counter",
                     "Requests refused (429) at the cap on a requester's open requests.",
                     static_cast<int64_t>(open_request_cap_.load()));
}

}  // namespace drawbridge::server
