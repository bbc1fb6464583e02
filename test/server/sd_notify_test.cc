// The server's messages to a service manager (systemd Type=notify), received on a real unix
// datagram socket named by NOTIFY_SOCKET: ready once listening, reloading around SIGHUP,
// stopping on SIGTERM.
#include "server/sd_notify.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstddef>
#include <cstring>

#include "server/server_e2e_support.h"

namespace drawbridge::testing {
namespace {

// A bound unix datagram socket standing in for systemd's notification socket.
class NotifySocket {
 public:
  // `name` is a path, or "@name" for an abstract socket.
  explicit NotifySocket(const std::string& name) : name_(name) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    if (name.empty() || name.size() >= sizeof(address.sun_path)) return;
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, name.data(), name.size());
    if (name[0] == '@') address.sun_path[0] = '\0';
    const auto size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size());
    bound_ = ::bind(fd_, reinterpret_cast<const sockaddr*>(&address), size) == 0;
  }
  ~NotifySocket() { ::close(fd_); }

  bool bound() const { return bound_; }

  // The next message, or "" when none came within `wait_ms`.
  std::string Next(int wait_ms = 10000) {
    pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
    if (::poll(&p, 1, wait_ms) != 1) return "";
    char buffer[4096];
    const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
    return n > 0 ? std::string(buffer, static_cast<size_t>(n)) : "";
  }

 private:
  std::string name_;
  int fd_ = -1;
  bool bound_ = false;
};

// Test that the server says READY=1 once it listens, RELOADING=1 then READY=1 around a SIGHUP,
// and STOPPING=1 when SIGTERM starts the drain.
TEST(ServiceManagerNotifyTest, ReadyReloadingStopping) {
  TempDir dir;
  NotifySocket socket(dir / "notify.sock");
  ASSERT_TRUE(socket.bound());
  ServerProcess server(dir, DevServerArgs(dir, CopyExamplePolicy(dir)),
                       {{"NOTIFY_SOCKET", dir / "notify.sock"}});
  const std::string ready = socket.Next();
  EXPECT_EQ(ready.rfind("READY=1\n", 0), 0u) << ready;
  EXPECT_NE(ready.find("STATUS=serving at " + server.url()), std::string::npos) << ready;

  server.Signal(SIGHUP);
  EXPECT_EQ(socket.Next(), "RELOADING=1");
  EXPECT_EQ(socket.Next(), "READY=1\nSTATUS=serving; reloaded");

  EXPECT_EQ(server.Stop(SIGTERM), 0);
  EXPECT_EQ(socket.Next(), "STOPPING=1\nSTATUS=draining");
}

// Test that an abstract socket ("@name") is reached too, and that no NOTIFY_SOCKET, or one that
// is not a socket path, is quietly ignored.
TEST(ServiceManagerNotifyTest, AbstractSocketsAndNoManager) {
  const std::string name = "@drawbridge-notify-test-" + std::to_string(::getpid());
  NotifySocket socket(name);
  ASSERT_TRUE(socket.bound());
  ::setenv("NOTIFY_SOCKET", name.c_str(), 1);
  server::NotifyServiceManager("READY=1");
  EXPECT_EQ(socket.Next(), "READY=1");
  // Neither reaches the socket, and neither fails.
  ::setenv("NOTIFY_SOCKET", name.substr(1).c_str(), 1);  // a relative path, not the socket
  server::NotifyServiceManager("WRONG=1");
  ::unsetenv("NOTIFY_SOCKET");
  server::NotifyServiceManager("WRONG=2");
  ::setenv("NOTIFY_SOCKET", name.c_str(), 1);
  server::NotifyServiceManager("STOPPING=1");
  EXPECT_EQ(socket.Next(), "STOPPING=1");  // the next one there is this, not a WRONG
  ::unsetenv("NOTIFY_SOCKET");
}

}  // namespace
}  // namespace drawbridge::testing
