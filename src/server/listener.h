// Accepts TCP connections and runs HTTP/1.1 sessions on them (plain or TLS): request body and
// header caps, read/write/idle timeouts, keep-alive, and a clean way to stop accepting and close
// idle connections when the server shuts down. Each connection runs on one of the pool's
// contexts, the one it was accepted onto; the acceptor runs on the pool's main context.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/json/object.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "drawbridge/status.h"
#include "server/config.h"
#include "server/http.h"
#include "server/io_pool.h"

namespace drawbridge::server {

class SessionBase;

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  // Binds to `endpoint`; `ssl` is null for plain HTTP.
  static StatusOr<std::shared_ptr<Listener>> Bind(IoPool& pool,
                                                  const boost::asio::ip::tcp::endpoint& endpoint,
                                                  std::shared_ptr<boost::asio::ssl::context> ssl,
                                                  const Limits& limits, HttpHandler& handler);
  // Starts taking connections into the kernel's backlog; before this, clients are refused.
  Status Listen();
  void Start();
  // Connections accepted from now on use `ssl` (a renewed certificate); open ones keep theirs.
  void ReplaceTls(std::shared_ptr<boost::asio::ssl::context> ssl) { ssl_.store(std::move(ssl)); }
  // Logs a warning, at most one line per `message` every 10 s: these come in floods.
  void Warn(std::string_view message, boost::json::object fields);
  // Stops accepting and closes connections that are idle between requests; busy ones close
  // after their response.
  void Stop();
  uint16_t port() const { return port_; }

  void Track(SessionBase* session, std::string peer);
  void Untrack(SessionBase* session);
  size_t connections() const;  // open client connections now

 private:
  using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp,
                                                  boost::asio::io_context::executor_type>;

  Listener(IoPool& pool, std::shared_ptr<boost::asio::ssl::context> ssl, const Limits& limits,
           HttpHandler& handler);
  void Accept();
  // Accepts the next connection unless the server is stopping or at limits.max_connections; in
  // that case the first connection to close resumes accepting.
  void AcceptIfRoom();
  // Runs a session for `socket` on the pool's context `lane`.
  void Open(Socket socket, size_t lane);

  IoPool& pool_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::atomic<std::shared_ptr<boost::asio::ssl::context>> ssl_;
  Limits limits_;
  HttpHandler& handler_;
  uint16_t port_ = 0;
  boost::asio::steady_timer retry_;  // the next accept after a failed one
  mutable std::mutex mu_;
  // Open connections (each untracks itself), with the client address each came from.
  std::unordered_map<SessionBase*, std::string> sessions_;
  std::unordered_map<std::string, size_t> per_peer_;  // open connections by client address
  bool stopped_ = false;
  bool paused_ = false;  // not accepting: at max_connections
  std::mutex warn_mu_;
  std::map<std::string, std::chrono::steady_clock::time_point, std::less<>> last_warned_;
};

}  // namespace drawbridge::server
