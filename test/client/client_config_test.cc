#include "client/client_config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace drawbridge::client {
namespace {

namespace fs = std::filesystem;

class ClientConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("drawbridge-client-config-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string WriteFile(const std::string& name, const std::string& text, mode_t mode = 0600) {
    fs::path p = dir_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    ::chmod(p.c_str(), mode);
    return p.string();
  }

  EnvLookup Env() const {
    return [this](std::string_view name) -> std::optional<std::string> {
      auto it = env_.find(std::string(name));
      if (it == env_.end()) return std::nullopt;
      return it->second;
    };
  }

  fs::path dir_;
  std::map<std::string, std::string> env_;
};

// Test that the environment alone configures the client.
TEST_F(ClientConfigTest, ReadsEnvironment) {
  env_ = {{"DRAWBRIDGE_ADDR", "https://db.example.com"},
          {"DRAWBRIDGE_TOKEN", "dbt_secret"},
          {"DRAWBRIDGE_CA_FILE", "/etc/ca.pem"},
          {"DRAWBRIDGE_CONNECT_TIMEOUT", "2s"},
          {"DRAWBRIDGE_TIMEOUT", "1m"}};
  auto c = LoadClientConfig(Env());
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->addr, "https://db.example.com");
  EXPECT_EQ(c->token, "dbt_secret");
  EXPECT_EQ(c->ca_file, "/etc/ca.pem");
  EXPECT_EQ(c->timeouts.connect, std::chrono::seconds(2));
  EXPECT_EQ(c->timeouts.read, std::chrono::minutes(1));
  EXPECT_EQ(c->config_file, "");
}

// Test that the default config file under HOME is read when the environment says nothing.
TEST_F(ClientConfigTest, ReadsDefaultFileUnderHome) {
  WriteFile("home/.config/drawbridge/config.yaml",
            "addr: http://127.0.0.1:8080\ntoken: dbt_fromfile\nca_file: /x/ca.pem\n"
            "timeout: 500ms\n");
  env_ = {{"HOME", (dir_ / "home").string()}};
  auto c = LoadClientConfig(Env());
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->addr, "http://127.0.0.1:8080");
  EXPECT_EQ(c->token, "dbt_fromfile");
  EXPECT_EQ(c->ca_file, "/x/ca.pem");
  EXPECT_EQ(c->timeouts.read, std::chrono::milliseconds(500));
  EXPECT_NE(c->config_file.find("config.yaml"), std::string::npos);
}

// Test that XDG_CONFIG_HOME is preferred over HOME for the default file.
TEST_F(ClientConfigTest, PrefersXdgConfigHome) {
  WriteFile("xdg/drawbridge/config.yaml", "addr: http://xdg:1\n");
  WriteFile("home/.config/drawbridge/config.yaml", "addr: http://home:1\n");
  env_ = {{"HOME", (dir_ / "home").string()}, {"XDG_CONFIG_HOME", (dir_ / "xdg").string()}};
  auto c = LoadClientConfig(Env());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->addr, "http://xdg:1");
}

// Test that a relative ca_file in the config file names a file beside it, while one from the
// environment keeps the current directory's meaning; and that with XDG_CONFIG_HOME set only its
// file is read, which ConfigPath names.
TEST_F(ClientConfigTest, RelativeCaFileIsBesideTheConfigFile) {
  WriteFile("xdg/drawbridge/config.yaml", "addr: https://x:1\nca_file: certs/ca.pem\n");
  env_ = {{"XDG_CONFIG_HOME", (dir_ / "xdg").string()}};
  auto c = LoadClientConfig(Env());
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->ca_file, (dir_ / "xdg/drawbridge/certs/ca.pem").string());
  env_["DRAWBRIDGE_CA_FILE"] = "here/ca.pem";
  auto from_env = LoadClientConfig(Env());
  ASSERT_TRUE(from_env.ok());
  EXPECT_EQ(from_env->ca_file, "here/ca.pem");

  WriteFile("home/.config/drawbridge/config.yaml", "addr: http://home:1\n");
  env_ = {{"HOME", (dir_ / "home").string()}, {"XDG_CONFIG_HOME", (dir_ / "empty").string()}};
  auto only_xdg = LoadClientConfig(Env());
  ASSERT_TRUE(only_xdg.ok());
  EXPECT_EQ(only_xdg->addr, "");
  EXPECT_EQ(ConfigPath(Env())->first, (dir_ / "empty").string() + "/drawbridge/config.yaml");
}

// Test that each environment variable wins over the same key of the file.
TEST_F(ClientConfigTest, EnvironmentWinsOverFile) {
  std::string path = WriteFile("c.yaml", "addr: http://file:1\ntoken: file-token\n");
  env_ = {{"DRAWBRIDGE_CONFIG", path}, {"DRAWBRIDGE_ADDR", "http://env:2"}};
  auto c = LoadClientConfig(Env());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->addr, "http://env:2");
  EXPECT_EQ(c->token, "file-token");
}

// Test that a missing default file is no error, but a missing DRAWBRIDGE_CONFIG file is.
TEST_F(ClientConfigTest, ExplicitConfigFileMustExist) {
  env_ = {{"HOME", (dir_ / "nohome").string()}};
  auto none = LoadClientConfig(Env());
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(none->addr, "");
  env_ = {{"DRAWBRIDGE_CONFIG", (dir_ / "missing.yaml").string()}};
  auto missing = LoadClientConfig(Env());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("missing.yaml"), std::string::npos);
}

// Test that a misspelt key is refused with its file, line and the known keys.
TEST_F(ClientConfigTest, RefusesUnknownKeys) {
  std::string path = WriteFile("c.yaml", "addr: http://x:1\nadress: http://y:2\n");
  env_ = {{"DRAWBRIDGE_CONFIG", path}};
  auto c = LoadClientConfig(Env());
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(c.status().message().find("c.yaml:2:1"), std::string::npos) << c.status().message();
  EXPECT_NE(c.status().message().find("adress"), std::string::npos);
}

// Test that broken YAML is reported with its position.
TEST_F(ClientConfigTest, ReportsYamlSyntaxErrors) {
  std::string path = WriteFile("c.yaml", "addr: [unclosed\n");
  env_ = {{"DRAWBRIDGE_CONFIG", path}};
  auto c = LoadClientConfig(Env());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("c.yaml:"), std::string::npos);
}

// Test that a malformed timeout is refused naming the setting.
TEST_F(ClientConfigTest, RefusesBadTimeouts) {
  env_ = {{"DRAWBRIDGE_TIMEOUT", "soon"}};
  auto c = LoadClientConfig(Env());
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("DRAWBRIDGE_TIMEOUT"), std::string::npos);
}

// Test that a token in a file others can read draws a warning.
TEST_F(ClientConfigTest, WarnsAboutReadableTokenFile) {
  std::string open_path = WriteFile("open.yaml", "token: t\n", 0644);
  env_ = {{"DRAWBRIDGE_CONFIG", open_path}};
  auto open = LoadClientConfig(Env());
  ASSERT_TRUE(open.ok());
  ASSERT_EQ(open->warnings.size(), 1u);
  EXPECT_NE(open->warnings[0].find("chmod 600"), std::string::npos);
  std::string closed_path = WriteFile("closed.yaml", "token: t\n", 0600);
  env_ = {{"DRAWBRIDGE_CONFIG", closed_path}};
  auto closed = LoadClientConfig(Env());
  ASSERT_TRUE(closed.ok());
  EXPECT_TRUE(closed->warnings.empty());
}

// Test that describing the config never shows the token.
TEST_F(ClientConfigTest, DescribeHidesToken) {
  ClientConfig c{.addr = "https://x", .token = "dbt_verysecret"};
  EXPECT_EQ(c.Describe().find("verysecret"), std::string::npos);
  EXPECT_NE(c.Describe().find("token set"), std::string::npos);
}

// Test the duration forms timeouts accept.
TEST(ParseTimeout, AcceptsUnits) {
  EXPECT_EQ(ParseTimeout("250ms"), std::chrono::milliseconds(250));
  EXPECT_EQ(ParseTimeout("5s"), std::chrono::seconds(5));
  EXPECT_EQ(ParseTimeout("2m"), std::chrono::minutes(2));
  EXPECT_EQ(ParseTimeout("1h"), std::chrono::hours(1));
  EXPECT_FALSE(ParseTimeout("0s"));
  EXPECT_FALSE(ParseTimeout("-1s"));
  EXPECT_FALSE(ParseTimeout("5"));
  EXPECT_FALSE(ParseTimeout("5 s"));
  EXPECT_FALSE(ParseTimeout("s"));
}

}  // namespace
}  // namespace drawbridge::client
