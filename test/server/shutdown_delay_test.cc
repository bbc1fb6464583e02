// shutdown_delay: after SIGTERM the server answers /readyz with 503 while it still serves
// everything else (new connections included), so that a load balancer takes it out before its
// listener closes; then it drains and exits 0. A second signal skips the rest of the delay.
#include <gtest/gtest.h>

#include <csignal>

#include "server/server_e2e_support.h"

namespace drawbridge::testing {
namespace {

class ShutdownDelayTest : public ::testing::Test {
 protected:
  void Start(const std::string& delay) {
    const std::string policy = CopyExamplePolicy(dir_);
    WriteFile(dir_ / "server.yaml", "tenants: [{name: default, policy: " + policy +
                                        "}]\nshutdown_delay: " + delay + "\n");
    server_.emplace(dir_, std::vector<std::string>{"--config", dir_ / "server.yaml", "--listen",
                                                   "127.0.0.1:0", "--db", dir_ / "db.sqlite"});
  }
  int Get(const std::string& target) {
    return Send(server_->port(), http::verb::get, target, "").status;
  }

  TempDir dir_;
  std::optional<ServerProcess> server_;
};

// Test that during the delay /readyz is 503 and /healthz, on a new connection, still 200.
TEST_F(ShutdownDelayTest, NotReadyButServingDuringTheDelay) {
  Start("60s");
  ASSERT_EQ(Get("/readyz"), 200);
  const auto signalled = std::chrono::steady_clock::now();
  server_->Signal(SIGTERM);
  ASSERT_TRUE(Eventually([&] { return Get("/readyz") == 503; }, std::chrono::seconds(10)));
  EXPECT_EQ(Get("/healthz"), 200);
  EXPECT_EQ(server_->Stop(SIGTERM), 0) << server_->Stderr();
  EXPECT_NE(server_->Stderr().find("not ready; draining after shutdown_delay"), std::string::npos)
      << server_->Stderr();
  // A planned drain is not an error: alerts on error lines must not fire on every deploy.
  EXPECT_EQ(server_->Stderr().find(R"("level":"error")"), std::string::npos) << server_->Stderr();
  // The second SIGTERM (Stop's) cut the delay short.
  EXPECT_LT(std::chrono::steady_clock::now() - signalled, std::chrono::seconds(30));
}

// Test that without a second signal the server drains when the delay ends and exits 0.
TEST_F(ShutdownDelayTest, DrainsWhenTheDelayEnds) {
  Start("1s");
  server_->Signal(SIGTERM);
  // Signal 0 sends nothing: Stop only waits for the process to end on its own.
  EXPECT_EQ(server_->Stop(0, std::chrono::seconds(10)), 0) << server_->Stderr();
  EXPECT_NE(server_->Stderr().find("stopped"), std::string::npos) << server_->Stderr();
}

}  // namespace
}  // namespace drawbridge::testing
