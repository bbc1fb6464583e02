// The floor under any HTTP server on this machine: a bare epoll loop per thread that answers
// every request with a fixed 200 and does nothing else. bench/http.sh --ceiling replays the same
// check stream against it, so the gap between it and `drawbridge serve` is what the server's
// own code costs, and what it cannot reach is the kernel's and the load generator's share.
//
// Usage: null_server PORT [THREADS]

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

constexpr std::string_view kAnswer =
    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";

struct Connection {
  std::string pending;  // bytes of a request not yet complete
  std::string out;      // answers not yet accepted by the socket
  bool waiting_to_write = false;
};

// Length of the first complete request in `bytes`, or 0 if it is not complete yet. Only what
// the benchmark sends is understood: a head, and a body framed by Content-Length.
std::size_t CompleteRequestLength(std::string_view bytes) {
  const auto head_end = bytes.find("\r\n\r\n");
  if (head_end == std::string_view::npos) return 0;
  const std::string_view head = bytes.substr(0, head_end);
  std::size_t body = 0;
  for (std::size_t at = 0; at < head.size();) {
    const auto line_end = std::min(head.find("\r\n", at), head.size());
    const std::string_view line = head.substr(at, line_end - at);
    constexpr std::string_view kLength = "content-length:";
    if (line.size() > kLength.size() &&
        strncasecmp(line.data(), kLength.data(), kLength.size()) == 0) {
      std::string_view value = line.substr(kLength.size());
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      std::from_chars(value.data(), value.data() + value.size(), body);
    }
    at = line_end + 2;
  }
  const std::size_t total = head_end + 4 + body;
  return bytes.size() >= total ? total : 0;
}

int Listen(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  const int on = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &on, sizeof on);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      listen(fd, 1024) != 0) {
    std::perror("null_server: bind/listen");
    std::exit(1);
  }
  return fd;
}

// Sends what it can; false when the peer is gone.
bool Flush(int fd, Connection& connection) {
  while (!connection.out.empty()) {
    const ssize_t sent = send(fd, connection.out.data(), connection.out.size(), MSG_NOSIGNAL);
    if (sent < 0) return errno == EAGAIN;
    connection.out.erase(0, static_cast<std::size_t>(sent));
  }
  return true;
}

// Reads everything available and answers every complete request; false when the peer is gone.
bool Serve(int fd, Connection& connection) {
  char buffer[16384];
  for (;;) {
    const ssize_t got = recv(fd, buffer, sizeof buffer, 0);
    if (got == 0) return false;
    if (got < 0) break;
    connection.pending.append(buffer, static_cast<std::size_t>(got));
  }
  if (errno != EAGAIN) return false;
  std::size_t consumed = 0;
  while (const auto length =
             CompleteRequestLength(std::string_view(connection.pending).substr(consumed))) {
    consumed += length;
    connection.out.append(kAnswer);
  }
  connection.pending.erase(0, consumed);
  return Flush(fd, connection);
}

void Run(int port) {
  const int listener = Listen(port);
  const int poller = epoll_create1(0);
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.fd = listener;
  epoll_ctl(poller, EPOLL_CTL_ADD, listener, &event);
  std::unordered_map<int, Connection> connections;
  std::vector<epoll_event> ready(256);
  for (;;) {
    const int count = epoll_wait(poller, ready.data(), static_cast<int>(ready.size()), -1);
    for (int i = 0; i < count; ++i) {
      const int fd = ready[i].data.fd;
      if (fd == listener) {
        int accepted;
        while ((accepted = accept4(listener, nullptr, nullptr, SOCK_NONBLOCK)) >= 0) {
          const int on = 1;
          setsockopt(accepted, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
          epoll_event added{};
          added.events = EPOLLIN | EPOLLRDHUP;
          added.data.fd = accepted;
          epoll_ctl(poller, EPOLL_CTL_ADD, accepted, &added);
          connections[accepted];
        }
        continue;
      }
      Connection& connection = connections[fd];
      if (!Serve(fd, connection)) {
        epoll_ctl(poller, EPOLL_CTL_DEL, fd, nullptr);
        close(fd);
        connections.erase(fd);
        continue;
      }
      // A full socket buffer: wait for room rather than drop answers.
      if (connection.out.empty() == connection.waiting_to_write) {
        connection.waiting_to_write = !connection.out.empty();
        epoll_event changed{};
        changed.events = EPOLLIN | EPOLLRDHUP | (connection.waiting_to_write ? EPOLLOUT : 0u);
        changed.data.fd = fd;
        epoll_ctl(poller, EPOLL_CTL_MOD, fd, &changed);
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: null_server PORT [THREADS]\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const int threads = argc > 2 ? std::atoi(argv[2]) : 2;
  std::vector<std::thread> workers;
  for (int i = 0; i < threads; ++i) workers.emplace_back(Run, port);
  std::printf("null_server listening on 127.0.0.1:%d with %d threads\n", port, threads);
  std::fflush(stdout);
  for (auto& worker : workers) worker.join();
}
