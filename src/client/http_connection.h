// One keep-alive HTTP/1.1 connection to a Drawbridge server, plain or TLS, used synchronously.
//
// TLS verifies the server certificate against the system store (or a PEM CA file), checks the
// host name (or IP address) and sends SNI; TLS 1.2 is the floor. Every phase has a deadline:
// connecting (resolve + TCP + handshake) gets Timeouts::connect, a request/response exchange gets
// Timeouts::read plus the long-poll wait the request asks the server for. While a call waits,
// the keep-going hook runs about every 100 ms; when it answers false the call is abandoned (the
// connection is closed) and fails with kUnavailable and the message kInterruptedMessage. A
// connection the server closed while idle is reopened once, transparently.
//
// Failures to reach the server are kUnavailable with a message naming the address. Not
// thread-safe: one connection per thread.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "client/base_url.h"
#include "client/client_config.h"
#include "drawbridge/status.h"

namespace drawbridge::client {

inline constexpr std::string_view kInterruptedMessage = "interrupted";

struct HttpRequest {
  std::string method = "GET";  // GET, POST, PUT
  std::string target;          // path and query, without the base URL's prefix
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;  // sent with Content-Length when non-empty or when method is not GET
  std::chrono::milliseconds server_wait{0};  // extra time the server may take (long-poll)
};

struct HttpResponse {
  int status = 0;
  std::string body;
  std::string content_type;
  std::string retry_after;
  std::string location;
  std::string last_seq;  // X-Drawbridge-Last-Seq (GET /v1/audit)
};

// Returns false to abandon the call in progress.
using KeepGoing = std::function<bool()>;

class HttpConnection {
 public:
  // Prepares TLS (reading the CA file) but does not connect yet.
  static StatusOr<std::unique_ptr<HttpConnection>> Open(BaseUrl url, const std::string& ca_file,
                                                        Timeouts timeouts);
  ~HttpConnection();
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  // Sends one request (Host, User-Agent and Content-Length are added) and reads its response.
  StatusOr<HttpResponse> RoundTrip(const HttpRequest& request);

  void set_keep_going(KeepGoing hook) { keep_going_ = std::move(hook); }
  const BaseUrl& url() const { return url_; }
  // How many connections this object opened so far (keep-alive reuse shows as 1).
  int connections_opened() const { return connections_opened_; }

 private:
  struct Impl;
  HttpConnection(BaseUrl url, Timeouts timeouts, std::unique_ptr<Impl> impl);

  Status Connect();
  // One attempt on the current connection. `stale` is set when it failed before any byte of the
  // response arrived on a reused connection, so that a retry on a fresh one is safe.
  StatusOr<HttpResponse> Exchange(const HttpRequest& request, bool& stale);
  void Close();

  BaseUrl url_;
  Timeouts timeouts_;
  KeepGoing keep_going_;
  std::unique_ptr<Impl> impl_;
  int connections_opened_ = 0;
};

}  // namespace drawbridge::client
