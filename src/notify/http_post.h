// Concurrent HTTP POSTs with libcurl's multi interface, so one slow or dead endpoint never holds
// up the others: every post in a batch runs at once and each finishes on its own timeout.
//
// Only http:// and https:// URLs are fetched, redirects are never followed, "Expect:
// 100-continue" is never sent, and response bodies are discarded. Callbacks run on the calling
// thread. Functions are thread-safe (each call has its own handles); libcurl's global init is
// done once, on first use.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace drawbridge::notify {

struct HttpPostOptions {
  std::chrono::milliseconds connect_timeout{2000};
  std::chrono::milliseconds total_timeout{5000};
  std::string user_agent = "Drawbridge-Webhook/1";
};

struct HttpPost {
  std::string url;
  std::vector<std::pair<std::string, std::string>> headers;  // Content-Type is added
  std::string body;
};

struct HttpOutcome {
  long status = 0;         // HTTP status; 0 when no response arrived
  std::string error;       // transport error; empty when a response arrived
  bool cancelled = false;  // stopped before it finished
  int64_t elapsed_ms = 0;

  bool Succeeded() const { return error.empty() && !cancelled && status >= 200 && status < 300; }
};

// Posts every request concurrently and calls `on_done(index, outcome)` once for each, as each
// finishes. Returns when all have finished, or soon (within ~100 ms) after `*cancel` becomes
// true, in which case the unfinished ones are reported with `cancelled` set.
void PostConcurrently(std::span<const HttpPost> posts, const HttpPostOptions& options,
                      const std::atomic<bool>* cancel,
                      const std::function<void(size_t index, const HttpOutcome& outcome)>& on_done);

// "https://hooks.example/…": scheme and authority only. Webhook URLs often carry their secret in
// the path (Slack's do), so logs and reports show only this. User info is dropped.
std::string RedactUrl(std::string_view url);

// Whether the URL is http:// or https:// (case-insensitive), the only schemes ever fetched.
bool IsHttpUrl(std::string_view url);

}  // namespace drawbridge::notify
