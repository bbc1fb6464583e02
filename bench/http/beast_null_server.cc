// The floor under any Boost.Beast server on this machine: the shortest idiomatic Beast loop (one
// io_context per thread, as `drawbridge serve` runs them; read a request, answer a fixed 200,
// keep the connection alive), with no routing, no authentication, no timeouts and no decision.
// bench/http.sh --ceiling replays the check stream against it next to null_server.cc (bare
// epoll), so the table separates what the kernel and wrk cost, what Beast and Asio add, and what
// the server's own code adds.
//
// Usage: beast_null_server PORT [THREADS]

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/socket_base.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <thread>
#include <vector>

namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  explicit Connection(tcp::socket socket) : socket_(std::move(socket)) {}

  void Read() {
    request_ = {};
    http::async_read(socket_, buffer_, request_,
                     [self = shared_from_this()](boost::system::error_code error, std::size_t) {
                       if (!error) self->Answer();
                     });
  }

 private:
  void Answer() {
    response_ = http::response<http::string_body>(http::status::ok, request_.version());
    response_.set(http::field::content_type, "application/json");
    response_.keep_alive(request_.keep_alive());
    response_.body() = "{}";
    response_.prepare_payload();
    http::async_write(socket_, response_,
                      [self = shared_from_this()](boost::system::error_code error, std::size_t) {
                        if (!error) self->Read();
                      });
  }

  tcp::socket socket_;
  boost::beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response<http::string_body> response_;
};

void Accept(tcp::acceptor& acceptor, std::vector<std::unique_ptr<asio::io_context>>& contexts,
            std::size_t next) {
  asio::io_context& context = *contexts[next % contexts.size()];
  acceptor.async_accept(
      context, [&acceptor, &contexts, next](boost::system::error_code error, tcp::socket socket) {
        if (!error) {
          socket.set_option(tcp::no_delay(true));
          std::make_shared<Connection>(std::move(socket))->Read();
        }
        Accept(acceptor, contexts, next + 1);
      });
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: beast_null_server PORT [THREADS]\n");
    return 2;
  }
  const auto port = static_cast<unsigned short>(std::atoi(argv[1]));
  const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  for (int i = 0; i < threads; ++i) contexts.push_back(std::make_unique<asio::io_context>(1));
  tcp::acceptor acceptor(*contexts.front(),
                         tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  Accept(acceptor, contexts, 0);
  std::vector<std::thread> workers;
  for (auto& context : contexts) {
    workers.emplace_back([&context] {
      auto guard = asio::make_work_guard(*context);
      context->run();
    });
  }
  std::printf("beast_null_server listening on 127.0.0.1:%u with %d threads\n", port, threads);
  std::fflush(stdout);
  for (auto& worker : workers) worker.join();
}
