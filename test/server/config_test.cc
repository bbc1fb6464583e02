// The server's YAML configuration: the shipped example loads, settings read as documented, and
// a mistake is refused with the file and line.
#include "server/config.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "server/server_e2e_support.h"

namespace drawbridge::server {
namespace {

using drawbridge::testing::ReadFile;
using drawbridge::testing::TempDir;
using drawbridge::testing::WriteFile;

// The names in the first column of the table under `heading` in docs/SERVER.md (rows that start
// "| `name`"); empty when there is no such heading.
std::set<std::string> ServerGuideTable(std::string_view heading) {
  const std::string guide = ReadFile(DRAWBRIDGE_SOURCE_DIR "/docs/SERVER.md");
  std::set<std::string> names;
  const size_t start = guide.find(heading);
  if (start == std::string::npos) return names;
  const std::string section = guide.substr(start, guide.find("\n#", start + 1) - start);
  for (size_t at = section.find("\n| `"); at != std::string::npos;
       at = section.find("\n| `", at + 1)) {
    names.insert(section.substr(at + 4, section.find('`', at + 4) - at - 4));
  }
  return names;
}

// Test that examples/server/drawbridge.yaml, which SERVER.md tells operators to start from,
// loads.
TEST(ServerConfigTest, TheShippedExampleLoads) {
  auto config =
      LoadServerConfig(std::string(DRAWBRIDGE_SOURCE_DIR) + "/examples/server/drawbridge.yaml");
  ASSERT_TRUE(config.ok()) << config.status().message();
  ASSERT_FALSE(config->tenants.empty());
  EXPECT_EQ(config->tenants.front().policy, "/etc/drawbridge/policy/default");
  EXPECT_EQ(config->shutdown_grace, std::chrono::seconds(25));
  EXPECT_EQ(config->shutdown_delay, std::chrono::seconds(0));
}

// Test that docs/SERVER.md's table lists exactly the keys a config file may set, and that the
// shipped example shows each of them (set or commented out), so neither drifts from the parser.
TEST(ServerConfigTest, EveryKeyIsDocumentedAndInTheExample) {
  const std::vector<std::string> keys = ConfigKeys();
  ASSERT_GT(keys.size(), 20u);
  EXPECT_EQ(ServerGuideTable("### Configuration file"),
            std::set<std::string>(keys.begin(), keys.end()));

  const std::string example = ReadFile(DRAWBRIDGE_SOURCE_DIR "/examples/server/drawbridge.yaml");
  for (const std::string& key : keys) {
    // The key at the start of a line (indented, or commented out), not the end of a longer one:
    // `timeout:` is not `read_timeout:`.
    const std::regex line("(^|\n)[ #]*" + key.substr(key.rfind('.') + 1) + ":");
    EXPECT_TRUE(std::regex_search(example, line))
        << key << " is not in examples/server/drawbridge.yaml";
  }
}

// Test that shutdown_delay reads as a duration, 0s being no delay, and a malformed one is refused
// with its line.
TEST(ServerConfigTest, ShutdownDelayIsADuration) {
  TempDir dir;
  const std::string path = dir / "server.yaml";
  WriteFile(path, "tenants: [{name: default, policy: p.yaml}]\nshutdown_delay: 15s\n");
  auto config = LoadServerConfig(path);
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->shutdown_delay, std::chrono::seconds(15));
  WriteFile(path, "tenants: [{name: default, policy: p.yaml}]\nshutdown_delay: 0s\n");
  auto none = LoadServerConfig(path);
  ASSERT_TRUE(none.ok()) << none.status().message();
  EXPECT_EQ(none->shutdown_delay, std::chrono::seconds(0));
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
  EXPECT_NE(config.status().message().find("shutdown_dealy: unknown setting"), std::string::npos)
      << config.status().message();
  EXPECT_NE(config.status().message().find("shutdown_delay"), std::string::npos);
}

// Test that every mistake in the file is refused with FILE:LINE, the key and what was expected,
// in the product's words rather than the YAML library's.
TEST(ServerConfigTest, EveryMistakeNamesItsLineAndKey) {
  struct Case {
    const char* text;
    const char* expected;  // a part of the message
  };
  const std::string tenants = "tenants: [{name: default, policy: p.yaml}]\n";
  for (const Case& c : std::initializer_list<Case>{
           {"listen: 127.0.0.1:80\nlisten: 127.0.0.1:81\n",
            ":2: listen: given twice (first at line 1)"},
           {"listen: [127.0.0.1]\n", ":1: listen: expected HOST:PORT, got a list"},
           {"listen: localhost:8080\n", ":1: listen: 'localhost' is not an IP address"},
           {"listen: 127.0.0.1:99999\n", ":1: listen: must be HOST:PORT"},
           {"threads: many\n", ":1: threads: expected a whole number 0..256, got 'many'"},
           {"threads: 1000\n", ":1: threads: must be 0..256"},
           {"threads: 0x10\n", ":1: threads: expected a whole number 0..256, got '0x10'"},
           {"limits:\n  burst: 1e999\n", ":2: limits.burst: expected a number"},
           {"database:\n", ":1: database: is empty"},
           {"tls: {cert: c.pem}\n", ":1: tls: needs both cert and key (key is missing)"},
           {"tls: {}\n", "tls: needs both cert and key (both are missing)"},
           {"tls:\n  cert: c.pem\n  key: ''\n", ":3: tls.key: is empty"},
           {"tls: {cert: c.pem, key: k.pem, ca: x}\n",
            "tls.ca: unknown setting (valid: cert, key)"},
           {"tenants: default\n", ":1: tenants: expected a list of {name, policy}, got 'default'"},
           {"tenants:\n  - name: a\n", "tenants[0]: needs a name and a policy (policy missing)"},
           {"tenants:\n  - {name: a, policy: p}\n  - {name: a, policy: q}\n",
            ":3: tenants[1].name: tenant 'a' is already listed at line 2"},
           {"tenants:\n  - {name: a, policy: p, webhook_secrets: A_SECRET}\n",
            "tenants[0].webhook_secrets: expected a list of environment variable names"},
           {"tenants:\n  - {name: a, policy: p, webhook_secrets: [\"A-SECRET\"]}\n",
            "got 'A-SECRET'"},
           {"tenants:\n  - {name: a, polcy: p}\n",
            "tenants[0].polcy: unknown setting; did you mean 'policy'?"},
           {"limits:\n  burst: 0\n", ":2: limits.burst: must be at least 1"},
           {"limits:\n  max_body_bytes: lots\n",
            ":2: limits.max_body_bytes: expected a number of bytes, got 'lots'"},
           {"limits:\n  read_timout: 5s\n",
            "limits.read_timout: unknown setting; did you mean 'read_timeout'?"},
           {"limits:\n  idle_timeout: forever\n", ":2: limits.idle_timeout: expected a duration"},
           {"limits:\n  burst: 5\n  burst: 6\n", ":3: limits.burst: given twice (first at line 2)"},
           {"limits: [1, 2]\n", ":1: limits: expected a map of limits"},
           {"webhooks: {timeout: 0s}\n", "webhooks.timeout: must be more than zero"},
           {"shutdown_grace: 0s\n", ":1: shutdown_grace: must be more than zero"},
           {"limits:\n  read_timeout: 1500ms\n",
            ":2: limits.read_timeout: takes whole seconds or more, such as 2s"},
           {"[1, 2]\n", "expected a map of settings, got a list"},
           {"listen: [unclosed\n", "not valid YAML"},
       }) {
    TempDir dir;
    const std::string path = dir / "server.yaml";
    // The tenants line goes last so that each case's own line numbers hold.
    WriteFile(path,
              std::string(c.text) + (std::string(c.text).find("tenants") == std::string::npos &&
                                             std::string(c.text).front() != '['
                                         ? tenants
                                         : ""));
    auto config = LoadServerConfig(path);
    ASSERT_FALSE(config.ok()) << c.text;
    const std::string& message = config.status().message();
    EXPECT_EQ(message.rfind(path, 0), 0u) << message;
    EXPECT_NE(message.find(c.expected), std::string::npos) << c.text << "\n" << message;
    EXPECT_EQ(message.find("bad conversion"), std::string::npos) << message;
    EXPECT_EQ(message.find("yaml-cpp"), std::string::npos) << message;
  }
  TempDir dir;
  const std::string empty = dir / "empty.yaml";
  WriteFile(empty, "");
  auto config = LoadServerConfig(empty);
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.status().message().find("the file is empty"), std::string::npos);
}

// Test that empty limits and webhooks sections keep the defaults, and every setting of the file
// is remembered with its line for the override warnings.
TEST(ServerConfigTest, EmptySectionsKeepDefaults) {
  TempDir dir;
  const std::string path = dir / "server.yaml";
  WriteFile(path,
            "listen: 127.0.0.1:9000\nlimits:\nwebhooks:\ndatabase: /var/db.sqlite\n"
            "tenants: [{name: default, policy: p.yaml}]\n");
  auto config = LoadServerConfig(path);
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->limits.max_body_bytes, Limits().max_body_bytes);
  EXPECT_EQ(config->file_origins.at("listen"), path + ":1");
  EXPECT_EQ(config->file_origins.at("database"), path + ":4");
  EXPECT_EQ(config->file_origins.at("tenants[default].policy"), path + ":5");
}

class ConfigEnvironmentTest : public ::testing::Test {
 protected:
  StatusOr<ServerConfig> Load(const std::string& text) {
    const std::string path = dir_ / "server.yaml";
    WriteFile(path, text);
    return LoadServerConfig(path);
  }
  Status Apply(ServerConfig& config, std::map<std::string, std::string> env) {
    return ApplyEnvironment(config, [env](const std::string& name) -> std::optional<std::string> {
      auto it = env.find(name);
      if (it == env.end()) return std::nullopt;
      return it->second;
    });
  }
  drawbridge::testing::TempDir dir_;
};

// Test that the variables SERVER.md's override table lists are the ones the server reads
// (DRAWBRIDGE_CONFIG_FILE, which names the file, is read by `serve` itself).
TEST_F(ConfigEnvironmentTest, TheDocumentedVariablesAreTheOnesRead) {
  auto config = Load("tenants: [{name: default, policy: p.yaml}]\n");
  ASSERT_TRUE(config.ok()) << config.status().message();
  std::set<std::string> read = {"DRAWBRIDGE_CONFIG_FILE"};
  ASSERT_TRUE(ApplyEnvironment(*config, [&](const std::string& name) -> std::optional<std::string> {
                read.insert(name);
                return std::nullopt;
              }).ok());
  EXPECT_EQ(ServerGuideTable("### Environment overrides"), read);
}

// Test that a variable replacing a setting of the file is recorded with the file's line, and an
// empty variable or one equal to the file's value is not an override.
TEST_F(ConfigEnvironmentTest, OverridesAreRecorded) {
  auto config = Load(
      "listen: 127.0.0.1:9000\ndatabase: /srv/a.sqlite\nthreads: 2\n"
      "tenants: [{name: default, policy: p.yaml}]\n");
  ASSERT_TRUE(config.ok()) << config.status().message();
  ASSERT_TRUE(Apply(*config, {{"DRAWBRIDGE_DB", "/srv/b.sqlite"},
                              {"DRAWBRIDGE_LISTEN", ""},
                              {"DRAWBRIDGE_THREADS", "2"},
                              {"DRAWBRIDGE_POLICY", "other.yaml"}})
                  .ok());
  EXPECT_EQ(config->database, "/srv/b.sqlite");
  EXPECT_EQ(config->listen, "127.0.0.1:9000");
  EXPECT_EQ(config->tenants.front().policy, "other.yaml");
  ASSERT_EQ(config->overridden.size(), 2u);
  EXPECT_EQ(config->overridden[0],
            "database: DRAWBRIDGE_DB replaces the value set at " + (dir_ / "server.yaml") + ":2");
  EXPECT_NE(config->overridden[1].find("tenants[default].policy: DRAWBRIDGE_POLICY"),
            std::string::npos);
  RecordOverride(*config, "threads", "--threads");
  EXPECT_EQ(config->overridden.back(),
            "threads: --threads replaces the value set at " + (dir_ / "server.yaml") + ":3");
}

// Test that a bad variable is refused naming it, and changes nothing it could half-apply.
TEST_F(ConfigEnvironmentTest, BadVariablesAreRefusedByName) {
  struct Case {
    std::map<std::string, std::string> env;
    const char* expected;
  };
  for (const Case& c : std::initializer_list<Case>{
           {{{"DRAWBRIDGE_LISTEN", "8080"}}, "DRAWBRIDGE_LISTEN: must be HOST:PORT"},
           {{{"DRAWBRIDGE_THREADS", "two"}}, "DRAWBRIDGE_THREADS: expected a whole number"},
           {{{"DRAWBRIDGE_THREADS", "-1"}}, "DRAWBRIDGE_THREADS: must be 0..256"},
           {{{"DRAWBRIDGE_TLS_CERT", "c.pem"}}, "DRAWBRIDGE_TLS_CERT: a certificate needs its key"},
           {{{"DRAWBRIDGE_TLS_KEY", "k.pem"}}, "DRAWBRIDGE_TLS_KEY: a key needs its certificate"},
           {{{"DRAWBRIDGE_POLICY", "p.yaml"}},
            "DRAWBRIDGE_POLICY: sets the policy of the tenant 'default'"},
       }) {
    auto config = Load("tenants: [{name: acme, policy: acme.yaml}]\n");
    ASSERT_TRUE(config.ok()) << config.status().message();
    Status s = Apply(*config, c.env);
    ASSERT_FALSE(s.ok()) << c.expected;
    EXPECT_NE(s.message().find(c.expected), std::string::npos) << s.message();
    ASSERT_EQ(config->tenants.size(), 1u);
    EXPECT_EQ(config->tenants.front().name, "acme");
  }
  // Both TLS variables together enable TLS on a file without it.
  auto config = Load("tenants: [{name: acme, policy: acme.yaml}]\n");
  ASSERT_TRUE(config.ok());
  ASSERT_TRUE(
      Apply(*config, {{"DRAWBRIDGE_TLS_CERT", "c.pem"}, {"DRAWBRIDGE_TLS_KEY", "k.pem"}}).ok());
  EXPECT_TRUE(config->tls());
}

}  // namespace
}  // namespace drawbridge::server
