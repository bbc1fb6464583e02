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

// Test that only admins may PUT a policy, and only as YAML or as JSON files.
TEST_F(PolicyReloadTest, PutNeedsAnAdminAndYamlOrFiles) {
  const std::string before = Version();
  HttpResult user = Put("ALICE", Policy(true));
  EXPECT_EQ(user.status, 403) << user.body;
  HttpResult checker = Put("ENFORCER", Policy(true));
  EXPECT_EQ(checker.status, 403) << checker.body;
  HttpResult user_as_text = Put("ALICE", Policy(true), "text/plain");
  EXPECT_EQ(user_as_text.status, 403) << user_as_text.body;
  HttpResult yaml_as_json = Put("ADMIN", Policy(true), "application/json");
  EXPECT_EQ(yaml_as_json.status, 400) << yaml_as_json.body;
  HttpResult as_text = Put("ADMIN", Policy(true), "text/plain");
  EXPECT_EQ(as_text.status, 415) << as_text.body;
  EXPECT_EQ(Version(), before);
  EXPECT_EQ(AliceDecision(), "approval_required");
}

// Test that a one-file policy also takes the JSON shape GET shows, with exactly one file.
TEST_F(PolicyReloadTest, OneFilePolicyTakesOneJsonFile) {
  auto files = [](std::initializer_list<std::string> texts) {
    boost::json::array list;
    for (const std::string& t : texts) list.push_back({{"name", "any.yaml"}, {"text", t}});
    return Json(boost::json::object{{"files", list}});
  };
  HttpResult two = Put("ADMIN", files({Policy(true), Policy(true)}), "application/json");
  EXPECT_EQ(two.status, 422) << two.body;
  EXPECT_EQ(AliceDecision(), "approval_required");
  HttpResult one = Put("ADMIN", files({Policy(true)}), "application/json");
  ASSERT_EQ(one.status, 200) << one.body;
  EXPECT_EQ(AliceDecision(), "allow");
  EXPECT_EQ(ReadFile(policy_path_), Policy(true));
  EXPECT_FALSE(std::filesystem::exists(policy_path_ + ".new"));
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

// Test that a SIGHUP finding the same files changes nothing and records nothing: no new
// policy.changed event, the same version and load time.
TEST_F(PolicyReloadTest, SighupWithoutAnEditRecordsNothing) {
  auto policy_events = [&] {
    HttpResult r =
        Send(server_->port(), http::verb::get, "/v1/audit?type=policy.changed", Token("ADMIN"));
    EXPECT_EQ(r.status, 200) << r.body;
    return std::count(r.body.begin(), r.body.end(), '\n');
  };
  const std::string before = Version();
  const auto events = policy_events();
  ASSERT_GE(events, 1);
  server_->Signal(SIGHUP);
  ASSERT_TRUE(
      Eventually([&] { return server_->Stderr().find("policy unchanged") != std::string::npos; },
                 std::chrono::seconds(10)))
      << server_->Stderr();
  EXPECT_EQ(Version(), before);
  EXPECT_EQ(policy_events(), events);

  // An edit afterwards is still recorded.
  WriteFile(policy_path_, Policy(/*standing=*/true));
  server_->Signal(SIGHUP);
  ASSERT_TRUE(Eventually([&] { return Version() != before; }, std::chrono::seconds(10)));
  EXPECT_EQ(policy_events(), events + 1);
}

// A policy kept as a directory: groups.yaml and main.yaml are read; tests.yaml (policy tests)
// and notes/ are not, and must survive a replacement.
class DirectoryPolicyTest : public PolicyReloadTest {
 protected:
  void SetUp() override {
    policy_dir_ = dir_ / "policy";
    std::filesystem::create_directories(policy_dir_ + "/notes");
    WriteFile(policy_dir_ + "/groups.yaml", kGroups);
    WriteFile(policy_dir_ + "/main.yaml", Main(/*standing=*/false));
    WriteFile(policy_dir_ + "/tests.yaml", "not a policy: the server never reads this\n");
    WriteFile(policy_dir_ + "/notes/readme.txt", "who owns what\n");
    server_.emplace(dir_, std::vector<std::string>{"--dev", "--listen", "127.0.0.1:0", "--db",
                                                   dir_ / "db.sqlite", "--policy", policy_dir_,
                                                   "--tokens-file", dir_ / "tokens.env"});
    tokens_ = ReadTokens(dir_ / "tokens.env");
    ASSERT_TRUE(tokens_.count("DRAWBRIDGE_TOKEN_ALICE") && tokens_.count("DRAWBRIDGE_TOKEN_ADMIN"));
  }

  static constexpr char kGroups[] =
      "version: 1\n"
      "groups:\n"
      "  dba: [user:alice]\n"
      "  leads: [user:erin]\n";
  static std::string Main(bool standing) {
    std::string policy = Policy(standing);
    return "version: 1\n" + policy.substr(policy.find("resources:"));
  }

  HttpResult PutFiles(const std::vector<std::pair<std::string, std::string>>& files) {
    boost::json::array list;
    for (const auto& [name, text] : files) list.push_back({{"name", name}, {"text", text}});
    return Put("ADMIN", Json(boost::json::object{{"files", list}}), "application/json");
  }

  std::string policy_dir_;
};

// Test that GET shows a directory's files in load order and PUT of edited files swaps the
// directory whole: the new files in force and on disk, the files the policy does not read kept.
TEST_F(DirectoryPolicyTest, PutFilesReplacesTheDirectory) {
  HttpResult got = Send(server_->port(), http::verb::get, "/v1/policy", Token("ALICE"));
  ASSERT_EQ(got.status, 200) << got.body;
  const boost::json::value body = got.json();
  const auto& files = body.at("files").as_array();
  ASSERT_EQ(files.size(), 2u) << got.body;
  EXPECT_EQ(std::string(files[0].at("name").as_string()), "groups.yaml");
  EXPECT_EQ(std::string(files[1].at("name").as_string()), "main.yaml");
  ASSERT_EQ(AliceDecision(), "approval_required");

  // Sent in another order: the version is that of the files in load order, as a reload reads.
  HttpResult put = PutFiles({{"main.yaml", Main(true)}, {"groups.yaml", kGroups}});
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(AliceDecision(), "allow");
  EXPECT_EQ(ReadFile(policy_dir_ + "/main.yaml"), Main(true));
  EXPECT_EQ(ReadFile(policy_dir_ + "/groups.yaml"), kGroups);
  EXPECT_EQ(ReadFile(policy_dir_ + "/tests.yaml"), "not a policy: the server never reads this\n");
  EXPECT_EQ(ReadFile(policy_dir_ + "/notes/readme.txt"), "who owns what\n");
  EXPECT_FALSE(std::filesystem::exists(policy_dir_ + ".new"));

  const std::string version(put.json().at("version").as_string());
  // The reload reads the same files the PUT wrote: it finds the version unchanged.
  auto reloads = [&] { return CountOccurrences(server_->Stderr(), "policy unchanged"); };
  const size_t reloads_before = reloads();
  server_->Signal(SIGHUP);
  ASSERT_TRUE(Eventually([&] { return reloads() > reloads_before; }, std::chrono::seconds(10)))
      << server_->Stderr();
  EXPECT_EQ(Version(), version);

  // A file left out is no longer part of the policy.
  HttpResult merged = PutFiles({{"all.yaml", std::string(kGroups) + Main(true).substr(11)}});
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_FALSE(std::filesystem::exists(policy_dir_ + "/main.yaml"));
  EXPECT_TRUE(std::filesystem::exists(policy_dir_ + "/all.yaml"));
  EXPECT_EQ(AliceDecision(), "allow");
}

// Test that a directory policy refuses YAML, bad file names and a broken policy, and that a
// refusal leaves the directory and the policy in force as they were.
TEST_F(DirectoryPolicyTest, RefusalsChangeNothing) {
  const std::string before = Version();
  HttpResult yaml = Put("ADMIN", Policy(true));
  EXPECT_EQ(yaml.status, 409) << yaml.body;
  for (const char* name : {"../escape.yaml", ".hidden.yaml", "notes.txt", "tests.yaml"}) {
    HttpResult bad = PutFiles({{name, Policy(true)}});
    EXPECT_EQ(bad.status, 422) << name << ": " << bad.body;
  }
  HttpResult twice = PutFiles({{"a.yaml", Policy(true)}, {"a.yaml", Policy(true)}});
  EXPECT_EQ(twice.status, 422) << twice.body;
  HttpResult broken = PutFiles({{"groups.yaml", kGroups}, {"main.yaml", kBrokenPolicy}});
  ASSERT_EQ(broken.status, 422) << broken.body;
  EXPECT_NE(broken.body.find("main.yaml:"), std::string::npos) << broken.body;
  HttpResult empty = Put("ADMIN", R"({"files": []})", "application/json");
  EXPECT_EQ(empty.status, 400) << empty.body;

  EXPECT_EQ(Version(), before);
  EXPECT_EQ(AliceDecision(), "approval_required");
  EXPECT_EQ(ReadFile(policy_dir_ + "/main.yaml"), Main(false));
  EXPECT_FALSE(std::filesystem::exists(dir_ / "escape.yaml"));
  EXPECT_FALSE(std::filesystem::exists(policy_dir_ + ".new"));
}

// Test that dev mode serves a copy of the example policy made beside its tokens, so that a PUT
// changes the copy and never the example in the source tree.
TEST(DevModePolicyTest, PutChangesTheCopyNotTheExample) {
  TempDir dir;
  ServerProcess server(dir, {"--dev", "--listen", "127.0.0.1:0", "--db", dir / "db.sqlite",
                             "--tokens-file", dir / "tokens.env"});
  const auto tokens = ReadTokens(dir / "tokens.env");
  const std::string example_groups =
      ReadFile(std::string(DRAWBRIDGE_SOURCE_DIR) + "/examples/policy/groups.yaml");
  ASSERT_EQ(ReadFile(dir / "policy/groups.yaml"), example_groups);

  HttpResult got =
      Send(server.port(), http::verb::get, "/v1/policy", tokens.at("DRAWBRIDGE_TOKEN_ADMIN"));
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(std::string(got.json().at("source").as_string()), dir / "policy");
  boost::json::value files = got.json();
  files.as_object().erase("version");
  files.as_object().erase("loaded_at");
  files.as_object().erase("source");
  for (auto& file : files.at("files").as_array()) {
    if (file.at("name") == "groups.yaml") {
      file.as_object()["text"] = std::string(file.at("text").as_string()) + "# edited\n";
    }
  }
  HttpResult put = Send(server.port(), http::verb::put, "/v1/policy",
                        tokens.at("DRAWBRIDGE_TOKEN_ADMIN"), Json(files), "application/json");
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(ReadFile(dir / "policy/groups.yaml"), example_groups + "# edited\n");
  EXPECT_EQ(ReadFile(std::string(DRAWBRIDGE_SOURCE_DIR) + "/examples/policy/groups.yaml"),
            example_groups);
  EXPECT_TRUE(std::filesystem::exists(dir / "policy/tests"));
}

}  // namespace
}  // namespace drawbridge::testing
