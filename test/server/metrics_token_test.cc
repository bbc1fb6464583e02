// /metrics behind a bearer token (metrics_token_file): refused without it or with another one,
// served with it, rotated by SIGHUP; health checks stay open.
#include <gtest/gtest.h>

#include "server/server_e2e_support.h"

namespace drawbridge::testing {
namespace {

constexpr char kToken[] = "3f1c0a9e5b7d2c4e8a6f1b3d5c7e9a0b";
constexpr char kRotated[] = "9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d";

class MetricsTokenTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WriteFile(dir_ / "metrics.token", std::string(kToken) + "\n");
    WriteFile(dir_ / "server.yaml", "tenants: [{name: default, policy: " + CopyExamplePolicy(dir_) +
                                        "}]\nmetrics_token_file: " + (dir_ / "metrics.token") +
                                        "\n");
    server_.emplace(dir_, std::vector<std::string>{
                              "--config", dir_ / "server.yaml", "--dev", "--listen", "127.0.0.1:0",
                              "--db", dir_ / "db.sqlite", "--tokens-file", dir_ / "tokens.env"});
  }

  int MetricsStatus(const std::string& token) {
    return Send(server_->port(), http::verb::get, "/metrics", token).status;
  }

  std::string Metrics(const std::string& token) {
    return Send(server_->port(), http::verb::get, "/metrics", token).body;
  }

  TempDir dir_;
  std::optional<ServerProcess> server_;
};

// Test that /metrics answers 401 without the token or with another, 200 with it, and that the
// health checks need none.
TEST_F(MetricsTokenTest, MetricsNeedTheToken) {
  HttpResult none = Send(server_->port(), http::verb::get, "/metrics");
  EXPECT_EQ(none.status, 401) << none.body;
  EXPECT_EQ(none.headers["WWW-Authenticate"], "Bearer realm=\"drawbridge-metrics\"");
  EXPECT_EQ(none.body.find("drawbridge_"), std::string::npos);
  EXPECT_EQ(MetricsStatus(kRotated), 401);
  EXPECT_EQ(MetricsStatus(std::string(kToken) + "x"), 401);
  HttpResult with = Send(server_->port(), http::verb::get, "/metrics", kToken);
  EXPECT_EQ(with.status, 200);
  EXPECT_NE(with.body.find("drawbridge_grants_active"), std::string::npos);
  EXPECT_EQ(Send(server_->port(), http::verb::get, "/healthz").status, 200);
  EXPECT_EQ(Send(server_->port(), http::verb::get, "/readyz").status, 200);
}

// Test that SIGHUP takes a rotated token (the old one is refused from then on), and that a file
// that does not hold a usable token is refused, and counted, while the token in force stays.
TEST_F(MetricsTokenTest, SighupRotatesTheToken) {
  WriteFile(dir_ / "metrics.token", kRotated);
  server_->Signal(SIGHUP);
  ASSERT_TRUE(Eventually([&] { return MetricsStatus(kRotated) == 200; })) << server_->Stderr();
  EXPECT_EQ(MetricsStatus(kToken), 401);
  EXPECT_NE(Metrics(kRotated).find("drawbridge_metrics_token_reload_failures_total 0\n"),
            std::string::npos);

  WriteFile(dir_ / "metrics.token", "short\n");
  server_->Signal(SIGHUP);
  ASSERT_TRUE(Eventually([&] {
    return server_->Stderr().find("metrics token reload refused") != std::string::npos;
  })) << server_->Stderr();
  EXPECT_EQ(MetricsStatus(kRotated), 200);
  EXPECT_NE(Metrics(kRotated).find("drawbridge_metrics_token_reload_failures_total 1\n"),
            std::string::npos);
}

// Test that SIGHUP says when it reloaded the token, and that an edited configuration file is
// named as needing a restart rather than silently left unapplied.
TEST_F(MetricsTokenTest, SighupSaysWhatItReloadedAndWhatNeedsARestart) {
  server_->Signal(SIGHUP);
  ASSERT_TRUE(Eventually([&] {
    return server_->Stderr().find("policy unchanged") != std::string::npos;
  })) << server_->Stderr();
  EXPECT_EQ(server_->Stderr().find("metrics token reloaded"), std::string::npos);
  EXPECT_EQ(server_->Stderr().find("configuration file changed"), std::string::npos);

  WriteFile(dir_ / "metrics.token", kRotated);
  std::string config = ReadFile(dir_ / "server.yaml");
  WriteFile(dir_ / "server.yaml", config + "threads: 1\n");
  server_->Signal(SIGHUP);
  ASSERT_TRUE(Eventually([&] {
    return server_->Stderr().find("metrics token reloaded") != std::string::npos;
  })) << server_->Stderr();
  EXPECT_NE(server_->Stderr().find("configuration file changed since the server started"),
            std::string::npos)
      << server_->Stderr();
}

// Test that a server whose token file is missing or too short does not start, naming the file.
TEST(MetricsTokenStartTest, AnUnusableTokenFileStopsTheStart) {
  TempDir dir;
  const std::string policy = CopyExamplePolicy(dir);
  WriteFile(dir / "short.token", "abc\n");
  for (const std::string& file : {dir / "short.token", dir / "missing.token"}) {
    WriteFile(dir / "server.yaml", "tenants: [{name: default, policy: " + policy +
                                       "}]\nmetrics_token_file: " + file +
                                       "\ndatabase: " + (dir / "db.sqlite") + "\n");
    CliResult start =
        RunDrawbridge(dir, {"serve", "--config", dir / "server.yaml", "--listen", "127.0.0.1:0"});
    EXPECT_EQ(start.exit_code, 1) << start.err;
    EXPECT_NE(start.err.find("metrics_token_file " + file), std::string::npos) << start.err;
    EXPECT_FALSE(std::filesystem::exists(dir / "db.sqlite"));
  }
}

}  // namespace
}  // namespace drawbridge::testing
