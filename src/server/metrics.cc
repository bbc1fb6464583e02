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

// A histogram family without labels: its HELP and TYPE lines, then its series.
void RenderHistogramFamily(std::string& out, const Histogram& histogram, std::string_view name,
                           std::string_view help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += " histogram\n";
  histogram.Render(out, name, "");
}

}  // namespace

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

void Histogram::Observe(double seconds) {
  size_t i = 0;
  while (i < kBounds.size() && seconds > kBounds[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_ns_.fetch_add(static_cast<uint64_t>(seconds * 1e9), std::memory_order_relaxed);
}

void Histogram::Render(std::string& out, std::string_view name, std::string_view labels) const {
  uint64_t cumulative = 0;
  std::string prefix = labels.empty() ? "" : std::string(labels) + ",";
  for (size_t i = 0; i <= kBounds.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    std::string le = i < kBounds.size() ? FormatDouble(kBounds[i]) : "+Inf";
    out += std::string(name) + "_bucket{" + prefix + "le=\"" + le + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  std::string braces = labels.empty() ? "" : "{" + std::string(labels) + "}";
  out += std::string(name) + "_sum" + braces + " " +
         FormatDouble(sum_ns_.load(std::memory_order_relaxed) / 1e9) + "\n";
  out += std::string(name) + "_count" + braces + " " +
         std::to_string(count_.load(std::memory_order_relaxed)) + "\n";
}

void Metrics::Increment(std::shared_mutex& mu, CounterMap& map, std::string_view key) {
  {
    std::shared_lock lock(mu);
    auto it = map.find(key);
    if (it != map.end()) {
      it->second->fetch_add(1, std::memory_order_relaxed);
      return;
    }
  }
  std::unique_lock lock(mu);
  auto& slot = map[std::string(key)];
  if (!slot) slot = std::make_unique<std::atomic<uint64_t>>(0);
  slot->fetch_add(1, std::memory_order_relaxed);
}

void Metrics::RecordDecision(Decision decision, std::string_view rule, double seconds) {
  decision_latency_[static_cast<size_t>(decision)].Observe(seconds);
  std::string& key = ScratchKey();
  key += DecisionName(decision);
  key += kSep;
  key += rule.empty() ? "none" : rule;
  Increment(decisions_mu_, decisions_, key);
}

void Metrics::RecordHttp(std::string_view method, std::string_view route, int status,
                         double seconds) {
  http_latency_.Observe(seconds);
  std::string& key = ScratchKey();
  key += method;
  key += kSep;
  key += route;
  key += kSep;
  char digits[12];
  auto [end, ec] = std::to_chars(digits, digits + sizeof(digits), status);
  key.append(digits, end);
  Increment(http_mu_, http_, key);
}

void Metrics::RecordGroupCommit(size_t checks, size_t transitions, double oldest_wait_seconds,
                                double commit_seconds) {
  audit_wait_.Observe(oldest_wait_seconds);
  audit_commit_.Observe(commit_seconds);
  committed_checks_.fetch_add(checks, std::memory_order_relaxed);
  committed_transitions_.fetch_add(transitions, std::memory_order_relaxed);
}

void Metrics::Render(std::string& out) const {
  out +=
      "# HELP drawbridge_decisions_total Decisions made by POST /v1/check, by outcome and rule.\n";
  out += "# TYPE drawbridge_decisions_total counter\n";
  {
    std::shared_lock lock(decisions_mu_);
    for (const auto& [key, value] : decisions_) {
      size_t sep = key.find(kSep);
      out += "drawbridge_decisions_total{decision=\"" + key.substr(0, sep) + "\",rule=\"" +
             LabelValue(key.substr(sep + 1)) + "\"} " + std::to_string(value->load()) + "\n";
    }
  }
  out += "# HELP drawbridge_decision_seconds Time to decide a check (engine and audit).\n";
  out += "# TYPE drawbridge_decision_seconds histogram\n";
  for (size_t d = 0; d < decision_latency_.size(); ++d) {
    decision_latency_[d].Render(
        out, "drawbridge_decision_seconds",
        "decision=\"" + std::string(DecisionName(static_cast<Decision>(d))) + "\"");
  }
  out += "# HELP drawbridge_http_requests_total HTTP responses by method, route and status.\n";
  out += "# TYPE drawbridge_http_requests_total counter\n";
  {
    std::shared_lock lock(http_mu_);
    for (const auto& [key, value] : http_) {
      size_t a = key.find(kSep);
      size_t b = key.find(kSep, a + 1);
      out += "drawbridge_http_requests_total{method=\"" + key.substr(0, a) + "\",route=\"" +
             LabelValue(key.substr(a + 1, b - a - 1)) + "\",status=\"" + key.substr(b + 1) +
             "\"} " + std::to_string(value->load()) + "\n";
    }
  }
  RenderHistogramFamily(out, http_latency_, "drawbridge_http_request_seconds",
                        "Time from a parsed request to its response.");
  RenderHistogramFamily(out, audit_wait_, "drawbridge_audit_batch_wait_seconds",
                        "Per group commit (audited checks and workflow transitions): how long "
                        "its oldest entry waited for the commit to start.");
  RenderHistogramFamily(out, audit_commit_, "drawbridge_audit_commit_seconds",
                        "Per group commit: writing and committing it, fsync included.");
  out +=
      "# HELP drawbridge_audit_committed_checks_total Audited checks written by group "
      "commits (divide by drawbridge_audit_commit_seconds_count for the mean batch).\n";
  out += "# TYPE drawbridge_audit_committed_checks_total counter\n";
  out +=
      "drawbridge_audit_committed_checks_total " + std::to_string(committed_checks_.load()) + "\n";
  out +=
      "# HELP drawbridge_audit_committed_transitions_total Workflow transitions written by "
      "group commits.\n";
  out += "# TYPE drawbridge_audit_committed_transitions_total counter\n";
  out += "drawbridge_audit_committed_transitions_total " +
         std::to_string(committed_transitions_.load()) + "\n";
  out += "# HELP drawbridge_rate_limited_total Calls answered 429 by a per-principal rate limit.\n";
  out += "# TYPE drawbridge_rate_limited_total counter\n";
  out += "drawbridge_rate_limited_total " + std::to_string(rate_limited_.load()) + "\n";
  out +=
      "# HELP drawbridge_open_request_cap_total Requests refused (429) at the cap on a "
      "requester's open requests.\n";
  out += "# TYPE drawbridge_open_request_cap_total counter\n";
  out += "drawbridge_open_request_cap_total " + std::to_string(open_request_cap_.load()) + "\n";
}

}  // namespace drawbridge::server
