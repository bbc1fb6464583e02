#include "server/listener.h"

#include <poll.h>

#include <atomic>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/ssl.hpp>
#include <cstdio>
#include <optional>
#include <random>

#include "server/log.h"
#include "service/api_tokens.h"

namespace drawbridge::server {

namespace net = boost::asio;
namespace beast = boost::beast;
using tcp = net::ip::tcp;
// A connection's socket is bound to its own io_context (no type-erased executor, no strand). Its
// timeouts are kept by the thread's Deadlines, not by a timer per read and write.
using TcpStream = net::basic_stream_socket<tcp, net::io_context::executor_type>;
using TlsStream = beast::ssl_stream<TcpStream>;

namespace {

// Room in a connection's read buffer beyond the header cap: one read's worth. A chunk header or
// the trailer fields must fit in it whole (Beast's caps cover neither).
constexpr size_t kReadSlack = 64 << 10;

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// Request ids: a per-process random prefix and a counter, unique and cheap.
std::string NewRequestId() {
  static const std::string prefix = [] {
    std::random_device rd;
    char buf[9];
    std::snprintf(buf, sizeof(buf), "%08x", rd());
    return std::string(buf);
  }();
  static std::atomic<uint64_t> counter{0};
  return prefix + "-" + std::to_string(counter.fetch_add(1, std::memory_order_relaxed) + 1);
}

bool UsableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  // A client that put its token there by mistake must not see it copied into every log line.
  if (id.find(service::kTokenPrefix) != std::string_view::npos) return false;
  for (char c : id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_' && c != '.') {
      return false;
    }
  }
  return true;
}

}  // namespace

class SessionBase : public std::enable_shared_from_this<SessionBase> {
 public:
  virtual ~SessionBase() = default;
  // Closes the connection if it is waiting for a request; otherwise it closes after answering.
  virtual void CloseIfIdle() = 0;
};

template <typename Stream>
class Session final : public SessionBase, public HangupWatch, public Deadlines::Watched {
 public:
  static constexpr bool kPlain = std::is_same_v<Stream, TcpStream>;

  // `tls` is the TLS context `stream` was made with (null for plain TCP): kept for the
  // connection's life, since a reload may replace the listener's.
  Session(Stream stream, std::shared_ptr<Listener> listener, Mailbox& mailbox, Deadlines& deadlines,
          const Limits& limits, HttpHandler& handler,
          std::shared_ptr<net::ssl::context> tls = nullptr)
      : tls_(std::move(tls)),
        stream_(std::move(stream)),
        listener_(std::move(listener)),
        mailbox_(mailbox),
        deadlines_(deadlines),
        limits_(limits),
        handler_(handler),
        buffer_(limits.max_header_bytes + kReadSlack) {}

  ~Session() override { listener_->Untrack(this); }

  void Run() {
    net::dispatch(Lowest().get_executor(), [self = Self()] {
      self->deadlines_.Watch(std::weak_ptr<Deadlines::Watched>(self));
      self->Begin();
    });
  }

  void CloseIfIdle() override {
    net::post(Lowest().get_executor(), [self = Self()] {
      if (!self->busy_) {
        beast::error_code ec;
        self->Lowest().shutdown(tcp::socket::shutdown_both, ec);
        self->Lowest().close(ec);
      }
    });
  }

 private:
  std::shared_ptr<Session> Self() { return std::static_pointer_cast<Session>(shared_from_this()); }
  TcpStream& Lowest() { return beast::get_lowest_layer(stream_); }

  // The deadline passed: closing the socket ends whatever is pending on it (a read, a write, the
  // handshake) with operation_aborted, and the handlers close the connection.
  void OnDeadline() override {
    beast::error_code ec;
    Lowest().close(ec);
  }

  void Begin() {
    beast::error_code ec;
    auto remote = Lowest().remote_endpoint(ec);
    if (!ec) peer_ip_ = remote.address().to_string();
    if constexpr (kPlain) {
      // Reads and writes are tried at once and waited for only when the socket is not ready.
      Lowest().non_blocking(true, ec);
      if (ec) return Close();
      Read();
    } else {
      ExpiresAfter(limits_.read_timeout);
      stream_.async_handshake(net::ssl::stream_base::server, [self = Self()](beast::error_code e) {
        if (e) {
          // Dropped; a server whose every handshake fails must still show why in its log. A
          // connection closed before saying anything (a load balancer's TCP probe) or closed by
          // the server itself (draining, the read timeout) is not a failed handshake.
          const bool failed = e != net::error::operation_aborted && e != net::error::eof;
          if (failed) {
            self->listener_->Warn("TLS handshake failed",
                                  {{"peer", self->peer_ip_}, {"error", e.message()}});
          }
          return;
        }
        self->Read();
      });
    }
  }

  void Read() {
    if (handler_.draining()) return Close();
    parser_.emplace();
    parser_->body_limit(limits_.max_body_bytes);
    parser_->header_limit(static_cast<uint32_t>(limits_.max_header_bytes));
    head_checked_ = false;
    busy_ = false;
    // The idle timeout covers the wait for the first byte; the read timeout the rest is folded
    // in: one deadline for the whole request keeps slow-loris clients bounded.
    ExpiresAfter(first_request_ ? limits_.read_timeout : limits_.idle_timeout);
    Parse();
  }

  // Feeds the parser what the buffer holds (a pipelined request may be there already), then
  // reads more until the request is whole. The head is parsed on its own first, to answer
  // "Expect: 100-continue" and refuse framing that cannot be trusted before any body is read.
  void Parse() {
    while (buffer_.size() > 0 && !parser_->is_done()) {
      beast::error_code ec;
      const size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == http::error::need_more) break;
      if (ec) return OnRead(ec);
      if (parser_->is_header_done() && !head_checked_) {
        head_checked_ = true;
        if (!HeadAcceptable()) return;
        parser_->eager(true);  // the body, chunked or not, in as few calls as it arrived in
        if (!parser_->is_done() &&
            beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
          net::async_write(stream_, net::buffer(kContinue),
                           [self = Self()](beast::error_code e, size_t) {
                             if (e) return self->Close();
                             self->Parse();
                           });
          return;
        }
      }
      if (used == 0) break;
    }
    if (parser_->is_done()) return OnRead({});
    ReadMore();
  }

  // Refuses a head whose framing cannot be trusted (400, then the connection closes).
  bool HeadAcceptable() {
    const auto& head = parser_->get();
    const auto coding = head[http::field::transfer_encoding];
    std::string problem;
    if (!coding.empty() && !beast::iequals(coding, "chunked")) {
      // Anything but plain chunked would leave the body's end to guesswork (RFC 9112 §6.3).
      problem = "unsupported Transfer-Encoding '" + std::string(coding) +
                "': send Content-Length or chunked";
    } else if (!coding.empty() && head.version() < 11) {
      // HTTP/1.0 has no chunked coding: a proxy in front may frame this body differently (RFC
      // 9112 §6.1 calls the framing faulty).
      problem = "Transfer-Encoding needs HTTP/1.1: send Content-Length with HTTP/1.0";
    } else if (head.count(http::field::authorization) > 1) {
      // Which one counts would be a guess, and a proxy in front may guess the other way.
      problem = "more than one Authorization header: send one";
    }
    if (problem.empty()) return true;
    first_request_ = false;
    busy_ = true;
    Reject(http::status::bad_request, "bad_request", problem);
    return false;
  }

  void ReadMore() {
    const size_t room = std::min<size_t>(buffer_.max_size() - buffer_.size(), kReadSlack);
    // Chunk extensions and trailer fields are not covered by the header or body caps.
    if (room == 0) return OnRead(http::error::buffer_overflow);
    stream_.async_read_some(buffer_.prepare(room), [self = Self()](beast::error_code ec, size_t n) {
      self->buffer_.commit(n);
      if (ec) return self->OnReadFailed(ec);
      self->Parse();
    });
  }

  // The end of the stream, or a failed read: what it means depends on what was read before it.
  void OnReadFailed(beast::error_code ec) {
    if (ec == net::error::eof || ec == net::ssl::error::stream_truncated) {
      // Closed between requests: the client is done. Closed within one: it was cut short.
      ec = parser_->got_some() ? http::error::partial_message : http::error::end_of_stream;
    }
    OnRead(ec);
  }

  void OnRead(beast::error_code ec) {
    first_request_ = false;
    head_ = parser_->is_header_done() && parser_->get().method() == http::verb::head;
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted ||
        ec == net::error::eof) {
      return Close();
    }
    busy_ = true;
    if (ec == http::error::body_limit) {
      return Reject(
          http::status::payload_too_large, "payload_too_large",
          "the request body is larger than " + std::to_string(limits_.max_body_bytes) + " bytes");
    }
    if (ec == http::error::header_limit) {
      return Reject(http::status::request_header_fields_too_large, "headers_too_large",
                    "the request headers are larger than " +
                        std::to_string(limits_.max_header_bytes) + " bytes");
    }
    if (ec == http::error::buffer_overflow) {
      return Reject(http::status::request_header_fields_too_large, "headers_too_large",
                    "a chunk header or the trailer fields are larger than " +
                        std::to_string(limits_.max_header_bytes + kReadSlack) + " bytes");
    }
    if (ec) {
      if (buffer_.size() == 0 && !parser_->got_some()) return Close();
      return Reject(http::status::bad_request, "bad_request",
                    "malformed HTTP request: " + ec.message());
    }
    auto exchange = std::make_shared<Exchange>();
    exchange->request = parser_->release();
    exchange->peer_ip = peer_ip_;
    auto incoming = exchange->request["X-Request-Id"];
    exchange->request_id = UsableRequestId(incoming) ? std::string(incoming) : NewRequestId();
    exchange->started = std::chrono::steady_clock::now();
    exchange->executor = Lowest().get_executor();
    exchange->mailbox = &mailbox_;
    keep_alive_ = exchange->request.keep_alive();
    version_ = exchange->request.version();
    ExpiresNever();  // a long poll may outlast the read timeout; the write sets its own
    // dispatch: an answer made on this connection's thread (an inline check) is written at once;
    // one made elsewhere (the blocking pool) is handed over to that thread.
    exchange->connection = this;
    exchange->number = ++exchanges_;
    exchange->respond = [self = Self()](HttpResponse response) {
      net::dispatch(self->Lowest().get_executor(), [self, r = std::move(response)]() mutable {
        self->answered_ = self->exchanges_;  // one exchange at a time: this one
        self->Send(std::move(r), self->keep_alive_);
      });
    };
    handler_.Handle(std::move(exchange));
  }

  // Readable data that is not a hang-up (a pipelined request) ends the watch: the socket would
  // stay readable, and the next read takes that data anyway.
  void WatchHangup(uint64_t number, std::function<void()> on_hangup) override {
    net::dispatch(Lowest().get_executor(),
                  [self = Self(), number, on_hangup = std::move(on_hangup)]() mutable {
                    if (self->answered_ >= number) return;
                    self->Lowest().async_wait(
                        tcp::socket::wait_read,
                        [self, number, on_hangup = std::move(on_hangup)](beast::error_code ec) {
                          if (ec || self->answered_ >= number) return;
                          if (PeerHungUp(self->Lowest().native_handle())) on_hangup();
                        });
                  });
  }

  static bool PeerHungUp(int fd) {
    pollfd probe{.fd = fd, .events = POLLRDHUP, .revents = 0};
    return ::poll(&probe, 1, 0) == 1 && (probe.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0;
  }

  // Answers a request that could not be read whole, then closes: what follows it on the
  // connection cannot be framed.
  void Reject(http::status status, std::string_view code, const std::string& message) {
    std::string id;
    if (parser_->is_header_done()) {
      auto incoming = parser_->get()["X-Request-Id"];
      if (UsableRequestId(incoming)) id = std::string(incoming);
    }
    if (id.empty()) id = NewRequestId();
    Send(handler_.Reject(status, code, message, id, peer_ip_), false);
  }

  void Send(HttpResponse response, bool keep_alive) {
    response.version(version_);
    response.keep_alive(keep_alive && !handler_.draining());
    response.prepare_payload();
    keep_open_ = response.keep_alive();
    Serialize(response, head_, wire_);
    ExpiresAfter(limits_.write_timeout);
    size_t written = 0;
    if constexpr (kPlain) {
      // A short answer almost always fits the socket's buffer: written now, no handler queued.
      beast::error_code ec;
      written = Lowest().write_some(net::buffer(wire_), ec);
      if (ec && ec != net::error::would_block && ec != net::error::try_again) return Close();
      if (!ec && written == wire_.size()) {
        if (!keep_open_) return Close();
        // The next read starts from a fresh handler: by then the client has more often sent
        // its next request (a read that finds nothing costs a system call), and a pipelined
        // request is not answered in a call chain nested in this one.
        return net::post(Lowest().get_executor(), [self = Self()] { self->Read(); });
      }
    }
    net::async_write(stream_, net::buffer(wire_) + written,
                     [self = Self()](beast::error_code ec, size_t) {
                       if (ec || !self->keep_open_) return self->Close();
                       self->Read();
                     });
  }

  // The whole response in one buffer, written with one send: Beast's serializer walks a view
  // over many small buffers, which costs more than copying a short answer once.
  // An answer to HEAD keeps its Content-Length but leaves out the body (RFC 9110 §9.3.2).
  static void Serialize(const HttpResponse& response, bool head, std::string& out) {
    out.clear();
    out += response.version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    char status[4];
    std::snprintf(status, sizeof(status), "%03u", response.result_int() % 1000);
    out += status;
    out += ' ';
    out += response.reason();
    out += "\r\n";
    for (const auto& field : response) {
      out += field.name_string();
      out += ": ";
      out += field.value();
      out += "\r\n";
    }
    out += "\r\n";
    if (!head) out += response.body();
  }

  void Close() {
    busy_ = false;
    beast::error_code ec;
    if constexpr (kPlain) {
      stream_.shutdown(tcp::socket::shutdown_send, ec);
    } else {
      ExpiresAfter(std::chrono::seconds(2));
      stream_.async_shutdown([self = Self()](beast::error_code) {});
    }
  }

  std::shared_ptr<net::ssl::context> tls_;  // declared first: the stream uses it to the end
  Stream stream_;
  std::shared_ptr<Listener> listener_;
  Mailbox& mailbox_;
  Deadlines& deadlines_;
  const Limits& limits_;
  HttpHandler& handler_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::string wire_;  // the response being written
  bool keep_open_ = true;
  std::string peer_ip_;
  bool keep_alive_ = true;
  unsigned version_ = 11;
  bool busy_ = false;
  bool first_request_ = true;
  bool head_checked_ = false;  // the request's head has passed HeadAcceptable
  bool head_ = false;          // the request being answered is a HEAD
  uint64_t exchanges_ = 0;     // requests handed to the handler so far
  uint64_t answered_ = 0;      // the last of them whose answer is being or was written
};

Listener::Listener(IoPool& pool, std::shared_ptr<net::ssl::context> ssl, const Limits& limits,
                   HttpHandler& handler)
    : pool_(pool),
      acceptor_(pool.main()),
      ssl_(std::move(ssl)),
      limits_(limits),
      handler_(handler),
      retry_(pool.main()) {}

StatusOr<std::shared_ptr<Listener>> Listener::Bind(IoPool& pool, const tcp::endpoint& endpoint,
                                                   std::shared_ptr<net::ssl::context> ssl,
                                                   const Limits& limits, HttpHandler& handler) {
  std::shared_ptr<Listener> l(new Listener(pool, std::move(ssl), limits, handler));
  beast::error_code ec;
  l->acceptor_.open(endpoint.protocol(), ec);
  if (!ec) l->acceptor_.set_option(net::socket_base::reuse_address(true), ec);
  if (!ec) l->acceptor_.bind(endpoint, ec);
  if (ec) {
    std::string hint;
    if (ec == net::error::address_in_use) {
      hint =
          " (another server has it: choose another with listen:, DRAWBRIDGE_LISTEN or "
          "--listen; port 0 picks a free one)";
    } else if (ec == net::error::access_denied) {
      hint = " (a port below 1024 needs CAP_NET_BIND_SERVICE)";
    } else if (ec == boost::system::errc::address_not_available) {
      hint = " (no interface of this host has that address)";
    }
    return Unavailable("cannot listen on " + endpoint.address().to_string() + ":" +
                       std::to_string(endpoint.port()) + ": " + ec.message() + hint);
  }
  l->port_ = l->acceptor_.local_endpoint().port();
  return l;
}

Status Listener::Listen() {
  beast::error_code ec;
  acceptor_.listen(net::socket_base::max_listen_connections, ec);
  if (ec)
    return Unavailable("cannot listen on port " + std::to_string(port_) + ": " + ec.message());
  return Status::Ok();
}

void Listener::Start() {
  net::dispatch(acceptor_.get_executor(), [self = shared_from_this()] { self->Accept(); });
}

void Listener::Accept() {
  const size_t lane = pool_.Next();
  acceptor_.async_accept(
      pool_.context(lane), [self = shared_from_this(), lane](beast::error_code ec, Socket s) {
        if (ec == net::error::operation_aborted) return;
        if (ec) {
          // Out of file descriptors, most likely: the connection stays in the backlog, so accepting
          // again at once would fail again at once, in a loop.
          self->Warn("accept failed; retrying in 100 ms", {{"error", ec.message()}});
          self->retry_.expires_after(std::chrono::milliseconds(100));
          self->retry_.async_wait([self](beast::error_code e) {
            if (!e) self->AcceptIfRoom();
          });
          return;
        }
        s.set_option(tcp::no_delay(true), ec);
        self->Open(std::move(s), lane);
        self->AcceptIfRoom();
      });
}

void Listener::AcceptIfRoom() {
  {
    std::lock_guard lock(mu_);
    if (stopped_) return;
    if (sessions_.size() >= limits_.max_connections) {
      paused_ = true;
      Warn("connection limit reached; accepting again when a connection closes",
           {{"max_connections", limits_.max_connections}});
      return;
    }
  }
  Accept();
}

void Listener::Warn(std::string_view message, boost::json::object fields) {
  // At most one line per kind of trouble every 10 s: these come in floods.
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(warn_mu_);
  auto& last = last_warned_[std::string(message)];
  if (last != std::chrono::steady_clock::time_point{} && now - last < std::chrono::seconds(10)) {
    return;
  }
  last = now;
  Log(LogLevel::kWarn, message, std::move(fields));
}

void Listener::Open(Socket socket, size_t lane) {
  beast::error_code ec;
  const auto remote = socket.remote_endpoint(ec);
  std::string peer = ec ? std::string() : remote.address().to_string();
  {
    std::lock_guard lock(mu_);
    size_t& open = per_peer_[peer];
    if (limits_.max_connections_per_peer > 0 && open >= limits_.max_connections_per_peer) {
      Warn("connections from one address at limits.max_connections_per_peer; refusing more",
           {{"peer", peer}, {"max_connections_per_peer", limits_.max_connections_per_peer}});
      socket.close(ec);
      return;
    }
    ++open;
  }
  if (std::shared_ptr<net::ssl::context> tls = ssl_.load()) {
    auto session = std::make_shared<Session<TlsStream>>(
        TlsStream(std::move(socket), *tls), shared_from_this(), pool_.mailbox(lane),
        pool_.deadlines(lane), limits_, handler_, tls);
    Track(session.get(), std::move(peer));
    session->Run();
  } else {
    auto session = std::make_shared<Session<TcpStream>>(std::move(socket), shared_from_this(),
                                                        pool_.mailbox(lane), pool_.deadlines(lane),
                                                        limits_, handler_);
    Track(session.get(), std::move(peer));
    session->Run();
  }
}

void Listener::Stop() {
  std::vector<std::shared_ptr<SessionBase>> open;
  {
    std::lock_guard lock(mu_);
    stopped_ = true;
    // A session whose last owner is gone is already closing; its destructor is waiting to untrack.
    for (const auto& [session, peer] : sessions_) {
      if (auto s = session->weak_from_this().lock()) open.push_back(std::move(s));
    }
  }
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    beast::error_code ec;
    self->acceptor_.close(ec);
    self->retry_.cancel();
  });
  for (const auto& s : open) s->CloseIfIdle();
}

// The peer's count was taken in Open.
void Listener::Track(SessionBase* session, std::string peer) {
  std::lock_guard lock(mu_);
  sessions_.emplace(session, std::move(peer));
}

void Listener::Untrack(SessionBase* session) {
  bool resume = false;
  {
    std::lock_guard lock(mu_);
    if (auto it = sessions_.find(session); it != sessions_.end()) {
      if (auto open = per_peer_.find(it->second); open != per_peer_.end() && --open->second == 0) {
        per_peer_.erase(open);
      }
      sessions_.erase(it);
    }
    if (paused_ && !stopped_ && sessions_.size() < limits_.max_connections) {
      paused_ = false;
      resume = true;
    }
  }
  if (resume) net::post(acceptor_.get_executor(), [self = shared_from_this()] { self->Accept(); });
}

size_t Listener::connections() const {
  std::lock_guard lock(mu_);
  return sessions_.size();
}

}  // namespace drawbridge::server
