// The HTTP seam between the connection layer (session.h) and the API (api_server.h): one
// Exchange per request, answered exactly once through `respond`, from any thread.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "server/mailbox.h"

namespace drawbridge::server {

namespace http = boost::beast::http;
using HttpRequest = http::request<http::string_body>;
using HttpResponse = http::response<http::string_body>;

struct Exchange {
  HttpRequest request;
  std::string peer_ip;
  std::string request_id;
  std::chrono::steady_clock::time_point started;
  boost::asio::any_io_executor executor;  // the connection's thread: timers live here
  Mailbox* mailbox = nullptr;             // the same thread, for answers made in bursts elsewhere
  std::function<void(HttpResponse)> respond;
  // The connection it came on and its number there, so a long poll can stop waiting for a client
  // that has gone. Null when there is no connection to watch. The connection lives at least as
  // long as `respond` is unanswered.
  class HangupWatch* connection = nullptr;
  uint64_t number = 0;
};

class HangupWatch {
 public:
  // Calls `on_hangup` once, on the connection's thread, if the client closes the connection
  // before exchange `number` is answered. Thread-safe.
  virtual void WatchHangup(uint64_t number, std::function<void()> on_hangup) = 0;

 protected:
  ~HangupWatch() = default;
};

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // Answers `exchange` now or later (a long poll, work on a blocking pool).
  virtual void Handle(std::shared_ptr<Exchange> exchange) = 0;
  // The answer to a request that could not even be parsed (too large, malformed); it is
  // counted and logged like any other answer, under `request_id`.
  virtual HttpResponse Reject(http::status status, std::string_view code, std::string_view message,
                              const std::string& request_id, const std::string& peer_ip) = 0;
  // Whether the server is shutting down: connections close after their current response.
  virtual bool draining() const = 0;
};

}  // namespace drawbridge::server
