// Changing the policy of a running server: PUT /v1/policy (admin, YAML) and SIGHUP after an edit
// on disk. A broken policy is refused with its errors and the old one keeps serving.
#include <gtest/gtest.h>

#include <csignal>

#include "server/server_e2e_support.h"

namespace drawbridge::testing {
namespace {

using json = boost::json::value;

// alice may ask erin for db-read; `standing` also gives it to her without asking.
std::string Policy(bool standing) {
  std::string text =
      "version: 1\n"
      "groups:\n"
      "  dba: [user:alice]\n"
      "  leads: [user:erin]\n"
      "resources:\n"
      "  - {id: db/orders-prod, kind: postgres, labels: {env: prod}}\n"
      "roles:\n"
      "  db-read:\n"
      "    permissions:\n"
      "      - {actions: [db.query], resources: {kind: postgres}}\n";
  if (standing) {
    text +=
        "assignments:\n"
        "  - {principals: [user:alice], roles: [db-read]}\n";
  }
  text +=
      "eligibility:\n"
      "  - name: prod-read\n"
      "    principals: [group:dba]\n"
      "    roles: [db-read]\n"
      "    max_duration: 1h\n"
      "    approval: {approvers: [group:leads], min_approvals: 1}\n";
  return text;
}

// Well-formed YAML that names a role nobody defined, on line 7.
const char kBrokenPolicy[] =
    "version: 1\n"
    "groups:\n"
    "  dba: [user:alice]\n"
    "resources:\n"
    "  - {id: db/orders-prod, kind: postgres}\n"
    "assignments:\n"
    "  - {principals: [user:alice], roles: [no-such-role]}\n";

class PolicyReloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    policy_path_ = dir_ / "policy.yaml";
    WriteFile(policy_path_, Policy(/*standing=*/false));
    server_.emplace(dir_, std::vector<std::string>{"--dev", "--listen", "127.0.0.1:0", "--db",
                                                   dir_ / "db.sqlite", "--policy", policy_path_,
                                                   "--tokens-file", dir_ / "tokens.env"});
    tokens_ = ReadTokens(dir_ / "tokens.env");
    ASSERT_TRUE(tokens_.count("DRAWBRIDGE_TOKEN_ALICE") && tokens_.count("DRAWBRIDGE_TOKEN_ADMIN"));
  }

  std::string Token(const std::string& name) { return tokens_.at("DRAWBRIDGE_TOKEN_" + name); }

  std::string Version() {
    HttpResult r = Send(server_->port(), http::verb::get, "/v1/policy", Token("ALICE"));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? std::string(r.json().at("version").as_string()) : "";
  }

  std::string AliceDecision() {
    HttpResult r =
        Send(server_->port(), http::verb::post, "/v1/check", Token("ALICE"),
             Json(boost::json::object{{"action", "db.query"},
                                      {"resource", "db/orders-prod"},
                                      {"payload", {{"kind", "sql"}, {"text", "SELECT 1"}}}}));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? std::string(r.json().at("decision").as_string()) : "";
  }

  HttpResult Put(const std::string& who, const std::string& body,
                 const std::string& type = "application/yaml") {
    return Send(server_->port(), http::verb::put, "/v1/policy", Token(who), body, type);
  }

  TempDir dir_;
  std::string policy_path_;
  std::optional<ServerProcess> server_;
  std::map<std::string, std::string> tokens_;
};

// Test that GET /v1/policy shows every token the policy in force (its files' text and sha256
// version), and only an admin token where the server reads it from.
TEST_F(PolicyReloadTest, GetPolicyShowsThePolicyInForce) {
  HttpResult r = Send(server_->port(), http::verb::get, "/v1/policy", Token("ALICE"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json().at("version").as_string().size(), 64u) << r.body;
  EXPECT_FALSE(r.json().at("loaded_at").as_string().empty());
  EXPECT_FALSE(r.json().as_object().contains("source")) << r.body;
  const boost::json::value body = r.json();
  const auto& files = body.at("files").as_array();
  ASSERT_EQ(files.size(), 1u) << r.body;
  EXPECT_EQ(std::string(files[0].at("name").as_string()),
            std::filesystem::path(policy_path_).filename().string());
  EXPECT_EQ(std::string(files[0].at("text").as_string()), ReadFile(policy_path_));

  HttpResult admin = Send(server_->port(), http::verb::get, "/v1/policy", Token("ADMIN"));
  ASSERT_EQ(admin.status, 200) << admin.body;
  EXPECT_EQ(admin.json().at("source").as_string(), policy_path_);
}

// Test that the text GET /v1/policy shows is the one PUT put in force.
TEST_F(PolicyReloadTest, GetPolicyShowsWhatPutPutInForce) {
  std::string text = ReadFile(policy_path_) + "# reviewed\n";
  HttpResult put = Put("ADMIN", text);
  ASSERT_EQ(put.status, 200) << put.body;
  HttpResult r = Send(server_->port(), http::verb::get, "/v1/policy", Token("ALICE"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(std::string(r.json().at("files").at(0).at("text").as_string()), text);
  EXPECT_EQ(r.json().at("version"), put.json().at("version"));
}

// Test that a broken policy is refused with FILE:LINE errors and changes nothing.
TEST_F(PolicyReloadTest, BrokenPolicyIsRefusedAndTheOldOneKeepsServing) {
  const std::string before = Version();
  ASSERT_EQ(AliceDecision(), "approval_required");
  HttpResult r = Put("ADMIN", kBrokenPolicy);
  ASSERT_EQ(r.status, 422) << r.body;
  EXPECT_EQ(r.json().at("error").at("code"), "invalid_policy");
  const std::string message(r.json().at("error").at("message").as_string());
  EXPECT_NE(message.find("policy.yaml:7"), std::string::npos) << message;
  EXPECT_NE(message.find("no-such-role"), std::string::npos) << message;

  HttpResult not_yaml = Put("ADMIN", "groups: [unclosed\n");
  EXPECT_EQ(not_yaml.status, 422) << not_yaml.body;
  EXPECT_NE(not_yaml.body.find("policy.yaml:"), std::string::npos) << not_yaml.body;

  EXPECT_EQ(Version(), before);
  EXPECT_EQ(AliceDecision(), "approval_required");
  EXPECT_EQ(ReadFile(policy_path_), Policy(false));
}

// Test that a valid PUT serves the new policy at once, under a new version, with an audit event.
TEST_F(PolicyReloadTest, ValidPutChangesDecisionsAndIsAudited) {
  const std::string before = Version();
  ASSERT_EQ(AliceDecision(), "approval_required");
  HttpResult r = Put("ADMIN", Policy(/*standing=*/true));
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string after(r.json().at("version").as_string());
  EXPECT_NE(after, before);
  EXPECT_EQ(Version(), after);
  EXPECT_EQ(AliceDecision(), "allow");
  // The new text is what a restart would read.
  EXPECT_EQ(ReadFile(policy_path_), Policy(true));

  HttpResult log =
      Send(server_->port(), http::verb::get, "/v1/audit?type=policy.changed", Token("ADMIN"));
  ASSERT_EQ(log.status, 200) << log.body;
  bool found = false;
  std::istringstream lines(log.body);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    json event = boost::json::parse(line);
    if (event.at("type") == "policy.changed" && event.at("actor") == "user:admin") found = true;
  }
  EXPECT_TRUE(found) << log.body;
}

// Test that only admins may PUT a policy, and only as YAML.
TEST_F(PolicyReloadTest, PutNeedsAnAdminAndYaml) {
  const std::string before = Version();
  HttpResult user = Put("ALICE", Policy(true));
  EXPECT_EQ(user.status, 403) << user.body;
  HttpResult checker = Put("ENFORCER", Policy(true));
  EXPECT_EQ(checker.status, 403) << checker.body;
  HttpResult as_json = Put("ADMIN", Policy(true), "application/json");
  EXPECT_EQ(as_json.status, 415) << as_json.body;
  HttpResult as_text = Put("ADMIN", Policy(true), "text/plain");
  EXPECT_EQ(as_text.status, 415) << as_text.body;
  EXPECT_EQ(Version(), before);
  EXPECT_EQ(AliceDecision(), "approval_required");
}

// Test that SIGHUP reloads the policy file after it was edited on disk.
TEST_F(PolicyReloadTest, SighupReloadsTheFileOnDisk) {
  const std::string before = Version();
  ASSERT_EQ(AliceDecision(), "approval_required");
  WriteFile(policy_path_, Policy(/*standing=*/true));
  server_->Signal(SIGHUP);
  ASSERT_TRUE(Eventually([&] { return Version() != before; }, std::chrono::seconds(10)))
      << server_->Stderr();
  EXPECT_EQ(AliceDecision(), "allow");

  // A broken edit is refused on SIGHUP too: the last good policy keeps serving.
  const std::string good = Version();
  WriteFile(policy_path_, kBrokenPolicy);
  server_->Signal(SIGHUP);
  ASSERT_TRUE(Eventually(
      [&] { return server_->Stderr().find("policy reload refused") != std::string::npos; },
      std::chrono::seconds(10)))
      << server_->Stderr();
  EXPECT_EQ(Version(), good);
  EXPECT_EQ(AliceDecision(), "allow");
}

}  // namespace
}  // namespace drawbridge::testing
