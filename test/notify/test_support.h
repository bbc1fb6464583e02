// Shared by the notify tests: a real HTTP receiver on 127.0.0.1, a port nobody listens on, a temp
// directory, and a writer of outbox rows that hold genuine audit records.
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/json/object.hpp>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "audit/chain.h"
#include "drawbridge/store.h"

namespace drawbridge::notify::testing {

#define NOTIFY_ASSERT_OK(expr)                 \
  do {                                         \
    const auto& notify_status_ = (expr);       \
    ASSERT_TRUE(notify_status_.ok()) << #expr; \
  } while (false)

class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "drawbridge-notify-XXXXXX");
    if (mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed";
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names lowercased
  std::string body;
  std::chrono::steady_clock::time_point at;

  std::string Header(const std::string& lowercase_name) const {
    auto it = headers.find(lowercase_name);
    return it == headers.end() ? "" : it->second;
  }
};

// A minimal HTTP/1.1 server on an ephemeral 127.0.0.1 port. In kAnswer mode it answers each
// request with the next queued status (200 when the queue is empty) and closes the connection;
// in kSilent mode it reads requests and never answers, like a hung endpoint.
class HttpReceiver {
 public:
  enum class Mode { kAnswer, kSilent };

  explicit HttpReceiver(Mode mode = Mode::kAnswer) : mode_(mode) {
    listener_ = socket(AF_INET, SOCK_STREAM, 0);
    int yes = 1;
    setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    if (bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        listen(listener_, 64) != 0) {
      ADD_FAILURE() << "cannot listen on 127.0.0.1";
    }
    socklen_t length = sizeof address;
    getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length);
    port_ = ntohs(address.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }

  ~HttpReceiver() {
    stopping_ = true;
    acceptor_.join();
    for (std::thread& connection : connections_) connection.join();
    close(listener_);
  }

  HttpReceiver(const HttpReceiver&) = delete;
  HttpReceiver& operator=(const HttpReceiver&) = delete;

  uint16_t port() const { return port_; }
  std::string Url(const std::string& path = "/hook") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }

  // The statuses the next requests get, in order.
  void QueueStatuses(std::vector<int> statuses) {
    std::lock_guard<std::mutex> lock(mu_);
    statuses_.insert(statuses_.end(), statuses.begin(), statuses.end());
  }

  std::vector<ReceivedRequest> Requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

  bool WaitForRequests(size_t count, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return arrived_.wait_for(lock, timeout, [&] { return requests_.size() >= count; });
  }

 private:
  void AcceptLoop() {
    while (!stopping_) {
      pollfd waiting{listener_, POLLIN, 0};
      if (poll(&waiting, 1, 20) <= 0) continue;
      int fd = accept(listener_, nullptr, nullptr);
      if (fd < 0) continue;
      connections_.emplace_back([this, fd] { Serve(fd); });
    }
  }

  // Reads into `buffer` until `done` says enough or the peer goes away or we stop.
  template <typename Done>
  bool ReadUntil(int fd, std::string& buffer, Done done) {
    char chunk[4096];
    while (!done()) {
      if (stopping_) return false;
      pollfd readable{fd, POLLIN, 0};
      if (poll(&readable, 1, 20) <= 0) continue;
      ssize_t n = read(fd, chunk, sizeof chunk);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<size_t>(n));
    }
    return true;
  }

  void Serve(int fd) {
    std::string buffer;
    size_t header_end = std::string::npos;
    bool ok = ReadUntil(fd, buffer, [&] {
      header_end = buffer.find("\r\n\r\n");
      return header_end != std::string::npos;
    });
    ReceivedRequest request;
    if (ok) {
      std::string head = buffer.substr(0, header_end);
      size_t line_end = head.find("\r\n");
      std::string first = head.substr(0, line_end);
      size_t space = first.find(' ');
      request.method = first.substr(0, space);
      request.target = first.substr(space + 1, first.rfind(' ') - space - 1);
      size_t pos = line_end;
      while (pos != std::string::npos && pos < head.size()) {
        size_t next = head.find("\r\n", pos + 2);
        std::string line = head.substr(pos + 2, next == std::string::npos ? next : next - pos - 2);
        size_t colon = line.find(':');
        if (colon != std::string::npos) {
          std::string name = line.substr(0, colon);
          std::transform(name.begin(), name.end(), name.begin(),
                         [](unsigned char c) { return std::tolower(c); });
          size_t start = line.find_first_not_of(' ', colon + 1);
          request.headers[name] = start == std::string::npos ? "" : line.substr(start);
        }
        pos = next;
      }
      size_t length = std::stoul(
          request.Header("content-length").empty() ? "0" : request.Header("content-length"));
      size_t body_start = header_end + 4;
      ok = ReadUntil(fd, buffer, [&] { return buffer.size() >= body_start + length; });
      request.body = buffer.substr(body_start, length);
      request.at = std::chrono::steady_clock::now();
    }
    if (ok) {
      int status = 200;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (!statuses_.empty() && mode_ == Mode::kAnswer) {
          status = statuses_.front();
          statuses_.pop_front();
        }
        requests_.push_back(request);
      }
      arrived_.notify_all();
      if (mode_ == Mode::kAnswer) {
        std::string response = "HTTP/1.1 " + std::to_string(status) +
                               " Status\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok";
        ssize_t written = write(fd, response.data(), response.size());
        (void)written;
      } else {
        while (!stopping_) std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    }
    close(fd);
  }

  const Mode mode_;
  int listener_ = -1;
  uint16_t port_ = 0;
  std::atomic<bool> stopping_{false};
  std::thread acceptor_;
  std::vector<std::thread> connections_;  // touched only by the acceptor thread, then the dtor
  mutable std::mutex mu_;
  std::condition_variable arrived_;
  std::deque<int> statuses_;
  std::vector<ReceivedRequest> requests_;
};

// A 127.0.0.1 port with no listener, so connecting is refused at once.
inline uint16_t RefusingPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  socklen_t length = sizeof address;
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

// Writes outbox rows the way the service does: each holds the JSON line of a sealed audit event.
class OutboxWriter {
 public:
  explicit OutboxWriter(Store& store, std::string tenant = "default")
      : store_(store), chain_(audit::AuditChain::Start(tenant).value()), tenant_(tenant) {}

  // The new row's id; 0 (and a test failure) when it could not be written.
  int64_t Append(const std::string& type, const std::string& actor, const std::string& subject,
                 boost::json::object details, int64_t now_seconds) {
    audit::AuditEventDraft draft{.time_ms = now_seconds * 1000,
                                 .actor = actor,
                                 .type = type,
                                 .subject = subject,
                                 .details = std::move(details)};
    auto event = chain_.Append(std::move(draft));
    if (!event.ok()) {
      ADD_FAILURE() << event.status().ToString();
      return 0;
    }
    OutboxMessage message;
    message.tenant = tenant_;
    message.event_type = type;
    message.payload = audit::EventToJsonLine(*event).value();
    message.created_at = now_seconds;
    message.next_attempt_at = now_seconds;
    auto tx = store_.Begin();
    if (!tx.ok() || !(*tx)->AppendOutbox(message).ok() || !(*tx)->Commit().ok()) {
      ADD_FAILURE() << "could not write the outbox row";
      return 0;
    }
    last_seq_ = event->seq;
    return message.id;
  }

  uint64_t last_seq() const { return last_seq_; }

 private:
  Store& store_;
  audit::AuditChain chain_;
  std::string tenant_;
  uint64_t last_seq_ = 0;
};

}  // namespace drawbridge::notify::testing
