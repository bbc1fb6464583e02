// Concurrent HTTP POSTs on one long-lived libcurl multi handle, so one slow or dead endpoint
// never holds up the others: posts can be added while others are in flight, and each one
// finishes, and is reported, on its own timeout.
//
// Only http:// and https:// URLs are fetched, redirects are never followed, "Expect:
// 100-continue" is never sent, and response bodies are discarded. libcurl's global init is done
// once, on first use.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace drawbridge::notify {

namespace internal {
struct PostTransfer;  // one post in flight, defined in http_post.cc
}

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

// Thread-safety: one thread at a time calls Add, Drive and CancelAll (each poster has its own
// handles); Wakeup may be called from any thread.
class HttpPoster {
 public:
  using OnDone = std::function<void(const HttpOutcome& outcome)>;

  explicit HttpPoster(HttpPostOptions options = {});
  ~HttpPoster();  // abandons unfinished posts without reporting them

  HttpPoster(const HttpPoster&) = delete;
  HttpPoster& operator=(const HttpPoster&) = delete;

  // Starts `post`. `on_done` is called exactly once, from a later Drive or CancelAll, never from
  // Add itself, even when the post cannot start (a bad URL or header is reported as an error).
  void Add(HttpPost post, OnDone on_done);

  // Posts added and not yet reported.
  size_t InFlight() const { return transfers_.size(); }

  // Moves every transfer on and reports the ones that finished. Waits up to `wait` for socket
  // activity first, returning early on Wakeup; with nothing in flight it just waits.
  void Drive(std::chrono::milliseconds wait);

  // Reports every unfinished post as cancelled.
  void CancelAll();

  // Makes a waiting Drive return now, or the next one not wait.
  void Wakeup();

 private:
  using Transfers = std::list<std::unique_ptr<internal::PostTransfer>>;
  struct MultiDeleter {
    void operator()(void* multi) const;
  };

  // Reads finished transfers off the multi handle and reports them.
  void ReportFinished();
  // Takes `transfer` out of the multi handle and the list, then calls its on_done.
  void Report(Transfers::iterator transfer, const HttpOutcome& outcome);

  const HttpPostOptions options_;
  std::unique_ptr<void, MultiDeleter> multi_;  // a CURLM; null if libcurl could not start
  Transfers transfers_;
};

// "https://hooks.example/…": scheme and authority only. Webhook URLs often carry their secret in
// the path (Slack's do), so logs and reports show only this. User info is dropped.
std::string RedactUrl(std::string_view url);

// Whether the URL is http:// or https:// (case-insensitive), the only schemes ever fetched.
bool IsHttpUrl(std::string_view url);

}  // namespace drawbridge::notify
