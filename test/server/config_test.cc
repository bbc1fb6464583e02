// The server's YAML configuration: the shipped example loads, settings read as documented, and
// a mistake is refused with the file and line.
#include "server/config.h"

#include <gtest/gtest.h>

#include "server/server_e2e_support.h"

namespace drawbridge::server {
namespace {

using drawbridge::testing::TempDir;
using drawbridge::testing::WriteFile;

// Test that examples/server/drawbridge.yaml, which SERVER.md tells operators to start from,
// loads.
TEST(ServerConfigTest, TheShippedExampleLoads) {
  auto config =
      LoadServerConfig(std::string(DRAWBRIDGE_SOURCE_DIR) + "/examples/server/drawbridge.yaml");
  ASSERT_TRUE(config.ok()) << config.status().message();
  ASSERT_FALSE(config->tenants.empty());
  EXPECT_EQ(config->tenants.front().policy, "/etc/drawbridge/policy/policy.yaml");
  EXPECT_EQ(config->shutdown_grace, std::chrono::seconds(25));
  EXPECT_EQ(config->shutdown_delay, std::chrono::seconds(0));
}

// Test that shutdown_delay reads as a duration, and a malformed one is refused with its line.
TEST(ServerConfigTest, ShutdownDelayIsADuration) {
  TempDir dir;
  const std::string path = dir / "server.yaml";
  WriteFile(path, "tenants: [{name: default, policy: p.yaml}]\nshutdown_delay: 15s\n");
  auto config = LoadServerConfig(path);
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->shutdown_delay, std::chrono::seconds(15));
  WriteFile(path, "tenants: [{name: default, policy: p.yaml}]\nshutdown_delay: soon\n");
  auto bad = LoadServerConfig(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("server.yaml:2"), std::string::npos)
      << bad.status().message();
}

// Test that an unknown setting is refused, naming the settings there are.
TEST(ServerConfigTest, UnknownSettingsAreRefused) {
  TempDir dir;
  const std::string path = dir / "server.yaml";
  WriteFile(path, "tenants: [{name: default, policy: p.yaml}]\nshutdown_dealy: 15s\n");
  auto config = LoadServerConfig(path);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("unknown setting 'shutdown_dealy'"), std::string::npos)
      << config.status().message();
  EXPECT_NE(config.status().message().find("shutdown_delay"), std::string::npos);
}

}  // namespace
}  // namespace drawbridge::server
