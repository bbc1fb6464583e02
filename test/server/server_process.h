// Test support: runs the real `drawbridge serve` as a child process on a loopback port and talks
// to it over real HTTP. Header-only so that every server test binary shares it.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/json.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace drawbridge::testing {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

struct HttpResult {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
  boost::json::value json() const { return boost::json::parse(body); }
};

// One keep-alive connection; reconnects when the server closed it.
class HttpConnection {
 public:
  explicit HttpConnection(uint16_t port) : port_(port) {}

  HttpResult Send(http::verb method, const std::string& target, const std::string& token = "",
                  const std::string& body = "",
                  const std::string& content_type = "application/json",
                  const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    for (int attempt = 0; attempt < 2; ++attempt) {
      try {
        if (!stream_) Connect();
        http::request<http::string_body> req{method, target, 11};
        req.set(http::field::host, "127.0.0.1");
        if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
        for (const auto& [name, value] : headers) req.set(name, value);
        if (!body.empty() || method == http::verb::post || method == http::verb::put) {
          req.set(http::field::content_type, content_type);
          req.body() = body;
        }
        req.keep_alive(true);
        req.prepare_payload();
        // A server may answer (413) and stop reading before the body is sent: read anyway.
        boost::system::error_code write_error;
        http::write(*stream_, req, write_error);
        beast::flat_buffer buffer;
        http::response_parser<http::string_body> parser;
        parser.body_limit(64 << 20);
        parser.skip(method == http::verb::head);  // an answer to HEAD has no body to read
        http::read(*stream_, buffer, parser);
        auto res = parser.release();
        HttpResult r;
        r.status = res.result_int();
        r.body = res.body();
        for (const auto& f : res) r.headers[std::string(f.name_string())] = std::string(f.value());
        if (!res.keep_alive()) stream_.reset();
        return r;
      } catch (const boost::system::system_error&) {
        stream_.reset();
        if (attempt == 1) throw;
      }
    }
    return {};
  }

 private:
  void Connect() {
    stream_ = std::make_unique<beast::tcp_stream>(ioc_);
    stream_->connect(tcp::endpoint(net::ip::make_address("127.0.0.1"), port_));
  }
  uint16_t port_;
  net::io_context ioc_;
  std::unique_ptr<beast::tcp_stream> stream_;
};

inline HttpResult Send(uint16_t port, http::verb method, const std::string& target,
                       const std::string& token = "", const std::string& body = "",
                       const std::string& content_type = "application/json") {
  HttpConnection c(port);
  return c.Send(method, target, token, body, content_type);
}

inline std::string Json(const boost::json::value& v) {
  return boost::json::serialize(v);
}

// A temporary directory removed at destruction.
class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "dbsrv-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }
  std::string operator/(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// `drawbridge serve ARGS...` with stdout/stderr captured to files in `dir`.
class ServerProcess {
 public:
  // `max_open_files`, when not 0, is the server's hard and soft limit on open files.
  ServerProcess(const TempDir& dir, std::vector<std::string> args,
                std::vector<std::pair<std::string, std::string>> env = {},
                rlim_t max_open_files = 0)
      : out_(dir / "server.out"), err_(dir / "server.err") {
    // A restart must not read the last run's URL.
    std::filesystem::remove(out_);
    std::filesystem::remove(err_);
    const pid_t test_process = ::getpid();
    pid_ = ::fork();
    if (pid_ == 0) {
      // A test that crashes runs no destructor: the server must not outlive it.
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (::getppid() != test_process) ::_exit(127);
      int out = ::open(out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      int err = ::open(err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      ::dup2(out, 1);
      ::dup2(err, 2);
      ::chdir(DRAWBRIDGE_SOURCE_DIR);
      for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
      if (max_open_files != 0) {
        const rlimit files{.rlim_cur = max_open_files, .rlim_max = max_open_files};
        ::setrlimit(RLIMIT_NOFILE, &files);
      }
      std::vector<char*> argv;
      std::string binary = DRAWBRIDGE_BINARY;
      argv.push_back(binary.data());
      std::string serve = "serve";
      argv.push_back(serve.data());
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(binary.c_str(), argv.data());
      ::_exit(127);
    }
    // The server prints its URL once it is listening.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (std::chrono::steady_clock::now() < deadline) {
      std::ifstream in(out_);
      std::string line;
      while (std::getline(in, line)) {
        auto at = line.find("serving at http");
        if (at != std::string::npos) {
          url_ = line.substr(line.find("http", at));
          port_ = static_cast<uint16_t>(std::stoi(url_.substr(url_.rfind(':') + 1)));
          return;
        }
      }
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("server exited at start: " + Stderr());
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("server did not start: " + Stderr());
  }

  ~ServerProcess() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }

  // Sends `signal` and waits for the exit; returns the exit code (or 128 + signal).
  int Stop(int signal = SIGTERM, std::chrono::seconds timeout = std::chrono::seconds(30)) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, signal);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (::waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(pid_, SIGKILL);
        ::waitpid(pid_, &status, 0);
        pid_ = -1;
        return -1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  void Signal(int signal) { ::kill(pid_, signal); }

  uint16_t port() const { return port_; }
  const std::string& url() const { return url_; }
  std::string Stdout() const { return Slurp(out_); }
  std::string Stderr() const { return Slurp(err_); }

 private:
  static std::string Slurp(const std::string& path) {
    std::ifstream in(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  std::string out_, err_, url_;
  pid_t pid_ = -1;
  uint16_t port_ = 0;
};

// Reads `export NAME=VALUE` lines of a dev tokens file.
inline std::map<std::string, std::string> ReadTokens(const std::string& path) {
  std::map<std::string, std::string> out;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("export ", 0) != 0) continue;
    size_t eq = line.find('=');
    out[line.substr(7, eq - 7)] = line.substr(eq + 1);
  }
  return out;
}

}  // namespace drawbridge::testing
