// A small real HTTP/1.1 server for the client tests: listens on 127.0.0.1 on an ephemeral port,
// answers each route with a canned response, and records every request it received. Keep-alive
// like a real server; a route can also delay, never answer, or close the connection afterwards.
// One thread per connection; Stop() (or the destructor) ends them all.
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace drawbridge::client::testing {

struct CannedResponse {
  int status = 200;
  std::string body = "{}";
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds delay{0};
  bool never_answer = false;  // read the request, then stay silent until Stop()
  bool close_after = false;   // answer keep-alive, then close the connection anyway
};

struct ReceivedRequest {
  std::string method, target, authorization, content_type, host, body;
  int connection = 0;  // 1 for the first connection accepted, then 2, ...
};

class TestHttpServer {
 public:
  TestHttpServer() : acceptor_(ioc_) {
    using boost::asio::ip::tcp;
    tcp::endpoint endpoint(boost::asio::ip::make_address("127.0.0.1"), 0);
    acceptor_.open(endpoint.protocol());
    acceptor_.set_option(tcp::acceptor::reuse_address(true));
    acceptor_.bind(endpoint);
    acceptor_.listen();
    port_ = acceptor_.local_endpoint().port();
    accept_thread_ = std::thread([this] { AcceptLoop(); });
  }
  ~TestHttpServer() { Stop(); }

  // Answers `method` `path` (the target without its query) with `response`. Unknown routes get
  // a 404 in the API's error shape.
  void Route(const std::string& method, const std::string& path, CannedResponse response) {
    std::lock_guard lock(mu_);
    routes_[method + " " + path] = std::move(response);
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  uint16_t port() const { return port_; }

  std::vector<ReceivedRequest> received() const {
    std::lock_guard lock(mu_);
    return received_;
  }
  ReceivedRequest last() const {
    std::lock_guard lock(mu_);
    return received_.empty() ? ReceivedRequest{} : received_.back();
  }
  int connections() const { return connections_.load(); }

  void Stop() {
    if (stopping_.exchange(true)) return;
    {
      std::lock_guard lock(mu_);
      for (int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
      silence_.notify_all();
    }
    // Wake the blocking accept with one last connection.
    boost::system::error_code ignored;
    boost::asio::ip::tcp::socket poke(ioc_);
    poke.connect({boost::asio::ip::make_address("127.0.0.1"), port_}, ignored);
    accept_thread_.join();
    std::vector<std::thread> threads;
    {
      std::lock_guard lock(mu_);
      threads.swap(connection_threads_);
    }
    for (auto& t : threads) t.join();
  }

 private:
  void AcceptLoop() {
    while (true) {
      boost::asio::ip::tcp::socket socket(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (stopping_.load() || ec) return;
      int number = ++connections_;
      std::lock_guard lock(mu_);
      open_fds_.push_back(socket.native_handle());
      connection_threads_.emplace_back(
          [this, number, s = std::move(socket)]() mutable { Serve(std::move(s), number); });
    }
  }

  void Serve(boost::asio::ip::tcp::socket socket, int number) {
    namespace http = boost::beast::http;
    boost::beast::flat_buffer buffer;
    while (!stopping_.load()) {
      http::request<http::string_body> req;
      boost::system::error_code ec;
      http::read(socket, buffer, req, ec);
      if (ec) break;
      std::string path(req.target());
      path = path.substr(0, path.find('?'));
      CannedResponse canned;
      {
        std::lock_guard lock(mu_);
        received_.push_back({std::string(req.method_string()), std::string(req.target()),
                             std::string(req[http::field::authorization]),
                             std::string(req[http::field::content_type]),
                             std::string(req[http::field::host]), req.body(), number});
        auto it = routes_.find(std::string(req.method_string()) + " " + path);
        if (it == routes_.end()) {
          canned = {
              .status = 404,
              .body = R"({"error":{"code":"not_found","message":"no route )" + path + R"("}})"};
        } else {
          canned = it->second;
        }
      }
      if (canned.never_answer) {
        std::unique_lock lock(mu_);
        silence_.wait(lock, [this] { return stopping_.load(); });
        break;
      }
      if (canned.delay.count() > 0) std::this_thread::sleep_for(canned.delay);
      http::response<http::string_body> res{static_cast<http::status>(canned.status), 11};
      res.set(http::field::content_type, canned.content_type);
      for (const auto& [name, value] : canned.headers) res.set(name, value);
      res.keep_alive(req.keep_alive());
      res.body() = canned.body;
      res.prepare_payload();
      http::write(socket, res, ec);
      if (ec || !req.keep_alive() || canned.close_after) break;
    }
    std::lock_guard lock(mu_);
    std::erase(open_fds_, socket.native_handle());
    boost::system::error_code ignored;
    socket.shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
    socket.close(ignored);
  }

  boost::asio::io_context ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  uint16_t port_ = 0;
  std::thread accept_thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  mutable std::mutex mu_;
  std::condition_variable silence_;
  std::map<std::string, CannedResponse> routes_;
  std::vector<ReceivedRequest> received_;
  std::vector<int> open_fds_;
  std::vector<std::thread> connection_threads_;
};

}  // namespace drawbridge::client::testing
