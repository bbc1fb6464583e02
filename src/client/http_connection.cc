#include "client/http_connection.h"

#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

namespace drawbridge::client {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using boost::system::error_code;

namespace {

// Responses larger than this are refused (an audit export should be paged).
constexpr uint64_t kMaxResponseBytes = 256ull << 20;
constexpr auto kPollSlice = std::chrono::milliseconds(100);

std::string Seconds(std::chrono::milliseconds d) {
  if (d.count() % 1000 == 0) return std::to_string(d.count() / 1000) + "s";
  return std::to_string(d.count()) + "ms";
}

std::string Describe(const error_code& ec) {
  std::string out = ec.message();
  if (ec.category() == asio::error::get_ssl_category()) {
    // OpenSSL's reason ("certificate verify failed") is the useful part.
    char buf[256];
    ERR_error_string_n(static_cast<unsigned long>(ec.value()), buf, sizeof buf);
    out = buf;
  }
  return out;
}

// What to do about a failed TLS handshake: `verify` is OpenSSL's verdict on the server's
// certificate (X509_V_OK when the failure was not about it).
std::string TlsFailureHint(long verify, const std::string& why, const std::string& host) {
  switch (verify) {
    case X509_V_ERR_HOSTNAME_MISMATCH:
    case X509_V_ERR_IP_ADDRESS_MISMATCH:
      return " (the server's certificate is not for " + host +
             ": its subjectAltName must name it, e.g. openssl req -addext "
             "\"subjectAltName=DNS:localhost,IP:127.0.0.1\"; or use an address it names)";
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return " (renew the server's certificate, or check this machine's clock)";
    case X509_V_OK:
      return why.find("certificate") != std::string::npos
                 ? " (a private CA? set DRAWBRIDGE_CA_FILE or ca_file)"
                 : " (does the server speak TLS on this port?)";
    default:
      return " (a private CA? set DRAWBRIDGE_CA_FILE or ca_file to the CA that signed the "
             "server's certificate)";
  }
}

}  // namespace

struct HttpConnection::Impl {
  asio::io_context ioc;
  std::optional<ssl::context> tls;
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  bool open() const { return plain.has_value() || secure.has_value(); }
  beast::tcp_stream& lowest() { return secure ? beast::get_lowest_layer(*secure) : *plain; }
  template <typename F>
  void WithStream(F&& f) {
    if (secure) {
      f(*secure);
    } else {
      f(*plain);
    }
  }
};

HttpConnection::HttpConnection(BaseUrl url, Timeouts timeouts, std::unique_ptr<Impl> impl)
    : url_(std::move(url)), timeouts_(timeouts), impl_(std::move(impl)) {}

HttpConnection::~HttpConnection() {
  Close();
}

StatusOr<std::unique_ptr<HttpConnection>> HttpConnection::Open(BaseUrl url,
                                                               const std::string& ca_file,
                                                               Timeouts timeouts) {
  auto impl = std::make_unique<Impl>();
  if (url.tls) {
    impl->tls.emplace(ssl::context::tls_client);
    SSL_CTX_set_min_proto_version(impl->tls->native_handle(), TLS1_2_VERSION);
    error_code ec;
    if (ca_file.empty()) {
      impl->tls->set_default_verify_paths(ec);
      if (ec) return Unavailable("cannot load the system CA store: " + Describe(ec));
    } else {
      impl->tls->load_verify_file(ca_file, ec);
      if (ec) return InvalidArgument("cannot load CA file " + ca_file + ": " + Describe(ec));
    }
    impl->tls->set_verify_mode(ssl::verify_peer);
  }
  return std::unique_ptr<HttpConnection>(
      new HttpConnection(std::move(url), timeouts, std::move(impl)));
}

namespace {

// Runs `ioc` until `done`, the deadline passes, or `keep_going` says stop. On timeout or stop,
// `cancel` aborts the pending operation and its handler is allowed to finish.
enum class DriveResult { kDone, kTimedOut, kInterrupted };

DriveResult Drive(asio::io_context& ioc, const bool& done, SteadyClock::time_point deadline,
                  const KeepGoing& keep_going, const std::function<void()>& cancel) {
  ioc.restart();
  while (!done) {
    ioc.run_for(kPollSlice);
    if (done) break;
    DriveResult why = DriveResult::kDone;
    if (keep_going && !keep_going()) {
      why = DriveResult::kInterrupted;
    } else if (SteadyClock::now() >= deadline) {
      why = DriveResult::kTimedOut;
    } else {
      if (ioc.stopped()) ioc.restart();
      continue;
    }
    cancel();
    ioc.restart();
    ioc.run();
    return why;
  }
  return DriveResult::kDone;
}

}  // namespace

void HttpConnection::Close() {
  if (!impl_->open()) return;
  error_code ignored;
  impl_->lowest().socket().shutdown(tcp::socket::shutdown_both, ignored);
  impl_->lowest().socket().close(ignored);
  impl_->secure.reset();
  impl_->plain.reset();
  impl_->buffer.clear();
}

Status HttpConnection::Connect() {
  Close();
  const std::string where = url_.ToString();
  auto deadline = SteadyClock::now() + timeouts_.connect;
  auto fail = [&](DriveResult why, const std::string& phase) {
    Close();
    if (why == DriveResult::kInterrupted) return Unavailable(std::string(kInterruptedMessage));
    return Unavailable("cannot connect to the server at " + where + ": no answer within " +
                       Seconds(timeouts_.connect) + " (" + phase + ")");
  };

  tcp::resolver resolver(impl_->ioc);
  tcp::resolver::results_type endpoints;
  error_code ec;
  bool done = false;
  resolver.async_resolve(url_.host, std::to_string(url_.port),
                         [&](const error_code& e, tcp::resolver::results_type r) {
                           ec = e;
                           endpoints = std::move(r);
                           done = true;
                         });
  if (auto why = Drive(impl_->ioc, done, deadline, keep_going_, [&] { resolver.cancel(); });
      why != DriveResult::kDone) {
    return fail(why, "resolving " + url_.host);
  }
  if (ec) {
    return Unavailable("cannot connect to the server at " + where + ": cannot resolve " +
                       url_.host + ": " + Describe(ec));
  }

  if (url_.tls) {
    impl_->secure.emplace(impl_->ioc, *impl_->tls);
    SSL* native = impl_->secure->native_handle();
    // OpenSSL checks the name itself, so that a mismatch is reported as one (not as a generic
    // verify failure that reads like an unknown CA).
    if (url_.HostIsIpAddress()) {
      X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(native), url_.host.c_str());
    } else {
      SSL_set_tlsext_host_name(native, url_.host.c_str());
      SSL_set1_host(native, url_.host.c_str());
    }
  } else {
    impl_->plain.emplace(impl_->ioc);
  }
  ++connections_opened_;
  done = false;
  impl_->lowest().async_connect(endpoints, [&](const error_code& e, const tcp::endpoint&) {
    ec = e;
    done = true;
  });
  if (auto why = Drive(impl_->ioc, done, deadline, keep_going_, [&] { impl_->lowest().close(); });
      why != DriveResult::kDone) {
    return fail(why, "connecting");
  }
  if (ec) {
    Close();
    return Unavailable("cannot connect to the server at " + where + ": " + Describe(ec));
  }
  error_code ignored;
  impl_->lowest().socket().set_option(tcp::no_delay(true), ignored);

  if (url_.tls) {
    done = false;
    impl_->secure->async_handshake(ssl::stream_base::client, [&](const error_code& e) {
      ec = e;
      done = true;
    });
    if (auto why = Drive(impl_->ioc, done, deadline, keep_going_, [&] { impl_->lowest().close(); });
        why != DriveResult::kDone) {
      return fail(why, "TLS handshake");
    }
    if (ec) {
      Close();
      const long verify = SSL_get_verify_result(impl_->secure->native_handle());
      std::string why = verify != X509_V_OK ? "certificate verify failed: " +
                                                  std::string(X509_verify_cert_error_string(verify))
                                            : Describe(ec);
      return Unavailable("TLS with the server at " + where + " failed: " + why +
                         TlsFailureHint(verify, why, url_.host));
    }
  }
  return Status::Ok();
}

StatusOr<HttpResponse> HttpConnection::Exchange(const HttpRequest& request, bool& stale) {
  const std::string where = url_.ToString();
  stale = false;
  http::request<http::string_body> req;
  req.method(http::string_to_verb(request.method));
  req.target(url_.path_prefix + request.target);
  req.version(11);
  req.set(http::field::host, url_.HostHeader());
  req.set(http::field::user_agent, "drawbridge-cli/0.1");
  for (const auto& [name, value] : request.headers) req.set(name, value);
  req.keep_alive(true);
  req.body() = request.body;
  if (!request.body.empty() || request.method != "GET") req.prepare_payload();

  auto deadline = SteadyClock::now() + timeouts_.read + request.server_wait;
  auto timeout_status = [&] {
    return Unavailable("the server at " + where + " did not answer within " +
                       Seconds(timeouts_.read + request.server_wait));
  };
  auto cancel = [&] { impl_->lowest().close(); };
  // Runs the pending operation until `done`; an error when the deadline or an interrupt came
  // first (the connection is then closed).
  auto wait = [&](bool& done) -> std::optional<Status> {
    auto why = Drive(impl_->ioc, done, deadline, keep_going_, cancel);
    if (why == DriveResult::kDone) return std::nullopt;
    Close();
    if (why == DriveResult::kInterrupted) return Unavailable(std::string(kInterruptedMessage));
    return timeout_status();
  };
  error_code ec;
  bool done = false;
  impl_->WithStream([&](auto& stream) {
    http::async_write(stream, req, [&](const error_code& e, size_t) {
      ec = e;
      done = true;
    });
  });
  if (auto failed = wait(done)) return *failed;
  if (ec) {
    stale = true;
    Close();
    return Unavailable("lost the connection to the server at " + where + ": " + Describe(ec));
  }

  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxResponseBytes);
  done = false;
  impl_->WithStream([&](auto& stream) {
    http::async_read(stream, impl_->buffer, parser, [&](const error_code& e, size_t) {
      ec = e;
      done = true;
    });
  });
  if (auto failed = wait(done)) return *failed;
  if (ec) {
    stale = !parser.got_some();
    Close();
    if (ec == http::error::body_limit) {
      return ResourceExhausted("the answer of the server at " + where + " is larger than " +
                               std::to_string(kMaxResponseBytes >> 20) + " MiB");
    }
    // A TLS port closes on a plain request (or answers with an alert, not HTTP).
    const bool not_http =
        !parser.got_some() || ec.category() == make_error_code(http::error::bad_version).category();
    const std::string hint = !url_.tls && not_http
                                 ? " (no HTTP answer: if the server serves TLS, use an https:// "
                                   "address)"
                                 : "";
    return Unavailable("lost the connection to the server at " + where + ": " + Describe(ec) +
                       hint);
  }
  http::response<http::string_body> res = parser.release();
  HttpResponse out;
  out.status = static_cast<int>(res.result_int());
  out.content_type = std::string(res[http::field::content_type]);
  out.retry_after = std::string(res[http::field::retry_after]);
  out.location = std::string(res[http::field::location]);
  out.last_seq = std::string(res["X-Drawbridge-Last-Seq"]);
  out.body = std::move(res.body());
  if (!res.keep_alive()) Close();
  return out;
}

StatusOr<HttpResponse> HttpConnection::RoundTrip(const HttpRequest& request) {
  bool reused = impl_->open();
  if (!reused) DB_RETURN_IF_ERROR(Connect());
  bool stale = false;
  auto response = Exchange(request, stale);
  if (!response.ok() && stale && reused) {
    // The server closed the idle connection; nothing of this request was processed by it.
    DB_RETURN_IF_ERROR(Connect());
    response = Exchange(request, stale);
  }
  return response;
}

}  // namespace drawbridge::client
