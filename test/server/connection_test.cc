// The connection layer against clients that do not play by the rules: framing the caps do not
// cover (chunk extensions, trailers), transfer codings that leave the body's end to guesswork,
// HEAD, "Expect: 100-continue", and more connections than the server will hold. Raw sockets, so
// that every byte on the wire is the test's choice.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "server/server_e2e_support.h"

namespace drawbridge::testing {
namespace {

// A plain TCP connection to the server that sends exactly what it is given.
class RawConnection {
 public:
  explicit RawConnection(uint16_t port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd_ < 0 || ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
      throw std::runtime_error("cannot connect to the server");
    }
  }
  ~RawConnection() { Close(); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  // Sends all of `bytes`; false when the server closed the connection first.
  bool Send(std::string_view bytes) {
    while (!bytes.empty()) {
      const ssize_t sent = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (sent <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(sent));
    }
    return true;
  }

  // What arrives within `wait`, until `enough` says so or the server closes the connection.
  std::string Receive(std::chrono::milliseconds wait,
                      const std::function<bool(const std::string&)>& enough) {
    std::string got;
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (!enough(got)) {
      const auto left = std::chrono::duration_cast<std::chrono::microseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      timeval timeout{.tv_sec = static_cast<time_t>(left.count() / 1000000),
                      .tv_usec = static_cast<suseconds_t>(left.count() % 1000000)};
      ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
      char buffer[4096];
      const ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (n <= 0) {
        if (n == 0) closed_ = true;
        break;
      }
      got.append(buffer, static_cast<size_t>(n));
    }
    return got;
  }
  // Everything until the server closes the connection (or `wait` passes).
  std::string ReceiveUntilClosed(std::chrono::milliseconds wait) {
    return Receive(wait, [](const std::string&) { return false; });
  }
  bool closed() const { return closed_; }

  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
  bool closed_ = false;
};

// Whether `got` holds `count` whole response heads.
bool HasHeads(const std::string& got, size_t count) {
  size_t found = 0;
  for (size_t at = got.find("\r\n\r\n"); at != std::string::npos;
       at = got.find("\r\n\r\n", at + 4)) {
    ++found;
  }
  return found >= count;
}

class ConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override { server_.emplace(dir_, DevServerArgs(dir_)); }

  std::string Metrics() { return Send(server_->port(), http::verb::get, "/metrics", "").body; }
  bool Counted(const std::string& series) { return Metrics().find(series) != std::string::npos; }

  TempDir dir_;
  std::optional<ServerProcess> server_;
};

constexpr std::string_view kChunkedHead =
    "POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
    "Transfer-Encoding: chunked\r\n\r\n";

// Test that trailer fields without end are refused once they pass the read buffer, instead of
// being buffered for as long as the client sends them.
TEST_F(ConnectionTest, EndlessTrailerFieldsAreRefused) {
  RawConnection client(server_->port());
  std::string request(kChunkedHead);
  request += "0\r\n";
  while (request.size() < (256 << 10)) request += "X-Trailer: " + std::string(100, 't') + "\r\n";
  client.Send(request);
  EXPECT_TRUE(Eventually([&] { return Counted(R"(route="unparsed",status="431"} 1)"); }))
      << Metrics();
}

// Test that an endless chunk extension is refused the same way.
TEST_F(ConnectionTest, EndlessChunkExtensionIsRefused) {
  RawConnection client(server_->port());
  std::string request(kChunkedHead);
  request += "5;ext=" + std::string(256 << 10, 'e');
  client.Send(request);
  EXPECT_TRUE(Eventually([&] { return Counted(R"(route="unparsed",status="431"} 1)"); }))
      << Metrics();
}

// Test that a transfer coding other than chunked gets 400 and the connection is closed: what
// follows cannot be framed, and reading it as the next request is how requests are smuggled.
TEST_F(ConnectionTest, TransferCodingsOtherThanChunkedAreRefused) {
  for (std::string coding : {"identity", "gzip, chunked, gzip", "xchunked"}) {
    RawConnection client(server_->port());
    client.Send("POST /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: " + coding +
                "\r\n\r\n0\r\n\r\nGET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const std::string got = client.ReceiveUntilClosed(std::chrono::seconds(10));
    EXPECT_EQ(got.rfind("HTTP/1.1 400", 0), 0u) << coding << ": " << got;
    EXPECT_NE(got.find("Transfer-Encoding"), std::string::npos) << got;
    EXPECT_EQ(got.find("HTTP/1.1", 1), std::string::npos) << "a second answer: " << got;
    EXPECT_TRUE(client.closed()) << coding;
  }
}

// Test that framing a proxy in front could read differently is refused and the connection
// closed: a Transfer-Encoding on HTTP/1.0, which has none, and two Authorization headers.
TEST_F(ConnectionTest, AmbiguousFramingAndIdentityAreRefused) {
  const std::string version_ten =
      "POST /v1/check HTTP/1.0\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
      "0\r\n\r\n";
  const std::string two_tokens =
      "GET /v1/whoami HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer dbt_a\r\n"
      "Authorization: Bearer dbt_b\r\n\r\n";
  for (const auto& [request, says] : std::vector<std::pair<std::string, std::string>>{
           {version_ten, "needs HTTP/1.1"}, {two_tokens, "more than one Authorization"}}) {
    RawConnection client(server_->port());
    client.Send(request + "GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
    const std::string got = client.ReceiveUntilClosed(std::chrono::seconds(10));
    EXPECT_NE(got.find(" 400 "), std::string::npos) << got;
    EXPECT_NE(got.find(says), std::string::npos) << got;
    EXPECT_EQ(got.find("Content-Length:"), got.rfind("Content-Length:"))
        << "a second answer: " << got;
    EXPECT_TRUE(client.closed());
  }
}

// Test that the answer to HEAD has a Content-Length and no body, so that the next answer on the
// same connection is read from its first byte.
TEST_F(ConnectionTest, HeadAnswersCarryNoBody) {
  RawConnection client(server_->port());
  client.Send(
      "HEAD /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
      "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  const std::string got = client.Receive(std::chrono::seconds(10), [](const std::string& g) {
    return HasHeads(g, 2) && g.rfind("}") != std::string::npos;
  });
  const size_t first_end = got.find("\r\n\r\n");
  ASSERT_NE(first_end, std::string::npos) << got;
  const std::string first = got.substr(0, first_end);
  EXPECT_NE(first.find("Content-Length: "), std::string::npos) << first;
  EXPECT_EQ(first.find("Content-Length: 0\r"), std::string::npos) << first;
  EXPECT_EQ(got.substr(first_end + 4, 9), "HTTP/1.1 ") << got;
}

// Test that a made-up method reaches neither the log nor the metrics as sent: it could hold a
// token, and each new one would be a new metric series.
TEST_F(ConnectionTest, MadeUpMethodsAreNotEchoed) {
  const std::string method = "dbt_" + std::string(40, 'Q');
  RawConnection client(server_->port());
  client.Send(method + " /v1/whoami HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  const std::string got = client.Receive(std::chrono::seconds(10), [](const std::string& g) {
    return HasHeads(g, 1) && g.rfind("}") != std::string::npos;
  });
  ASSERT_EQ(got.substr(0, 9), "HTTP/1.1 ") << got;
  EXPECT_EQ(got.find(method), std::string::npos) << got;
  ASSERT_TRUE(Eventually([&] { return Counted("method=\"other\",route=\"/v1/whoami\""); }))
      << Metrics();
  EXPECT_EQ(Metrics().find(method), std::string::npos);
  ASSERT_TRUE(Eventually([&] {
    return server_->Stderr().find(R"("method":"other")") != std::string::npos;
  })) << server_->Stderr();
  EXPECT_EQ(server_->Stderr().find(method), std::string::npos) << server_->Stderr();
}

// Test that "Expect: 100-continue" is answered with 100 before the body is sent, and the request
// then completes.
TEST_F(ConnectionTest, ExpectContinueIsAnswered) {
  const std::string body = R"({"action":"db.query","resource":"db/orders-dev"})";
  const std::string token = ReadTokens(dir_ / "tokens.env").at("DRAWBRIDGE_TOKEN_ALICE");
  RawConnection client(server_->port());
  client.Send("POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token +
              "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " +
              std::to_string(body.size()) + "\r\n\r\n");
  const std::string interim =
      client.Receive(std::chrono::seconds(10), [](const std::string& g) { return HasHeads(g, 1); });
  ASSERT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  client.Send(body);
  const std::string answer = client.Receive(std::chrono::seconds(10), [](const std::string& g) {
    return HasHeads(g, 1) && g.find("\"decision\"") != std::string::npos;
  });
  EXPECT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
}

// Test that a body refused by its declared size gets 413 without a 100 first.
TEST_F(ConnectionTest, ExpectContinueWithATooLargeBodyGets413) {
  RawConnection client(server_->port());
  client.Send(
      "POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "Expect: 100-continue\r\nContent-Length: 999999999\r\n\r\n");
  const std::string got =
      client.Receive(std::chrono::seconds(10), [](const std::string& g) { return HasHeads(g, 1); });
  EXPECT_EQ(got.rfind("HTTP/1.1 413", 0), 0u) << got;
}

class ConnectionCapTest : public ::testing::Test {
 protected:
  void Start(const std::string& limits, rlim_t max_open_files = 0) {
    const std::string policy = CopyExamplePolicy(dir_);
    WriteFile(dir_ / "server.yaml",
              "tenants: [{name: default, policy: " + policy + "}]\nlimits: " + limits + "\n");
    server_.emplace(dir_,
                    std::vector<std::string>{"--config", dir_ / "server.yaml", "--listen",
                                             "127.0.0.1:0", "--db", dir_ / "db.sqlite"},
                    std::vector<std::pair<std::string, std::string>>{}, max_open_files);
  }

  TempDir dir_;
  std::optional<ServerProcess> server_;
};

// Test that at max_connections the server stops accepting, and accepts again (the waiting client
// is then answered) when a connection closes.
TEST_F(ConnectionCapTest, AcceptsAgainWhenAConnectionCloses) {
  Start("{max_connections: 2}");
  auto first = std::make_unique<RawConnection>(server_->port());
  RawConnection second(server_->port());
  ASSERT_TRUE(Eventually([&] {
    return server_->Stderr().find("connection limit reached") != std::string::npos;
  })) << server_->Stderr();
  RawConnection waiting(server_->port());  // completes in the kernel's backlog
  waiting.Send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
  auto answered = [](const std::string& g) { return HasHeads(g, 1); };
  EXPECT_EQ(waiting.Receive(std::chrono::milliseconds(500), answered), "")
      << "a third connection was served at max_connections 2";
  first.reset();
  EXPECT_EQ(waiting.Receive(std::chrono::seconds(10), answered).rfind("HTTP/1.1 200", 0), 0u);
}

// Test that one address holds at most max_connections_per_peer connections: one more is closed
// at once (with a warning), and is served again once one of the others closes.
TEST_F(ConnectionCapTest, OneAddressHoldsAtMostItsShare) {
  Start("{max_connections_per_peer: 2}");
  auto first = std::make_unique<RawConnection>(server_->port());
  RawConnection second(server_->port());
  RawConnection refused(server_->port());
  refused.ReceiveUntilClosed(std::chrono::seconds(10));
  EXPECT_TRUE(refused.closed()) << "a third connection from one address was kept open";
  ASSERT_TRUE(Eventually([&] {
    return server_->Stderr().find("limits.max_connections_per_peer") != std::string::npos;
  })) << server_->Stderr();
  first.reset();
  ASSERT_TRUE(Eventually([&] {
    try {
      return Send(server_->port(), http::verb::get, "/healthz", "").status == 200;
    } catch (const std::exception&) {
      return false;  // the first one's close not yet seen by the server
    }
  }));
}

// Test that a low open-file limit lowers max_connections to fit, with a warning, and the server
// still serves.
TEST_F(ConnectionCapTest, FitsTheOpenFileLimit) {
  Start("{max_connections: 100000}", 700);
  EXPECT_EQ(Send(server_->port(), http::verb::get, "/healthz", "").status, 200);
  const std::string log = server_->Stderr() + ReadFile(dir_ / "server.out");
  EXPECT_NE(log.find("limits.max_connections lowered"), std::string::npos) << log;
  EXPECT_NE(log.find("\"max_connections\":350"), std::string::npos) << log;
}

// The timeouts are kept by one sweep per I/O thread (server/deadlines.h): a connection closes
// within a quarter second after its deadline. The bounds below only say "long after".
using ConnectionTimeoutTest = ConnectionCapTest;

// Test that a request whose head never ends is closed at the read timeout, however steadily its
// bytes keep coming: the deadline covers the whole request, not each read (slow loris).
TEST_F(ConnectionTimeoutTest, ARequestThatNeverEndsIsClosedAtTheReadTimeout) {
  Start("{read_timeout: 1s, idle_timeout: 60s}");
  RawConnection client(server_->port());
  ASSERT_TRUE(client.Send("POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: "));
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!client.closed() && std::chrono::steady_clock::now() < give_up) {
    if (!client.Send("x")) break;  // the server reset the connection
    const std::string got = client.ReceiveUntilClosed(std::chrono::milliseconds(100));
    EXPECT_EQ(got, "") << "a request that never ended was answered";
  }
  EXPECT_LT(std::chrono::steady_clock::now(), give_up)
      << "a request dribbled in for 20 s at read_timeout 1s";
}

// Test that a keep-alive connection left idle after its answer is closed at the idle timeout.
TEST_F(ConnectionTimeoutTest, AnIdleConnectionIsClosedAtTheIdleTimeout) {
  Start("{idle_timeout: 1s}");
  RawConnection client(server_->port());
  ASSERT_TRUE(client.Send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"));
  const std::string answer =
      client.Receive(std::chrono::seconds(10), [](const std::string& g) { return HasHeads(g, 1); });
  ASSERT_EQ(answer.rfind("HTTP/1.1 200", 0), 0u) << answer;
  client.ReceiveUntilClosed(std::chrono::seconds(20));
  EXPECT_TRUE(client.closed()) << "an idle connection outlived idle_timeout 1s by 20 s";
}

// Test that a long poll is not cut short by the read or idle timeout: it waits as long as it
// asked to, and its connection then serves the next request.
TEST_F(ConnectionTimeoutTest, ALongPollOutlastsTheTimeouts) {
  const std::string token =
      CreateTokenLocally(dir_, dir_ / "db.sqlite", CopyExamplePolicy(dir_, "policy-for-the-token"),
                         "default", "user:alice", "user");
  Start("{read_timeout: 1s, idle_timeout: 1s}");
  HttpConnection alice(server_->port());
  HttpResult created =
      alice.Send(http::verb::post, "/v1/requests", token, Json(AliceDbAdminRequest()));
  ASSERT_EQ(created.status, 201) << created.body;
  const std::string id(created.json().at("id").as_string());
  HttpResult waited = alice.Send(http::verb::get, "/v1/requests/" + id + "?wait=3s", token);
  ASSERT_EQ(waited.status, 200) << waited.body;
  EXPECT_EQ(waited.json().at("state"), "pending");
  EXPECT_EQ(alice.Send(http::verb::get, "/healthz").status, 200);
}

}  // namespace
}  // namespace drawbridge::testing
