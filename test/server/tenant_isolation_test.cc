// Tenants on one server: two tenants (sharing one policy file set and one database) never see
// each other's requests, grants, audit events or decisions, even for the same principal names.
#include <gtest/gtest.h>

#include "server/server_e2e_support.h"

namespace drawbridge::testing {
namespace {

using json = boost::json::value;

class TenantIsolationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const std::string policy = CopyExamplePolicy(dir_);
    const std::string db = dir_ / "db.sqlite";
    // The same principals in tenant "acme": only the tenant differs from the default tenant's.
    acme_["ALICE"] = CreateTokenLocally(dir_, db, policy, "acme", "user:alice", "user");
    acme_["ERIN"] = CreateTokenLocally(dir_, db, policy, "acme", "user:erin", "user");
    acme_["ADMIN"] = CreateTokenLocally(dir_, db, policy, "acme", "user:admin", "admin");
    acme_["ENFORCER"] = CreateTokenLocally(dir_, db, policy, "acme", "service:enforcer", "checker");
    WriteFile(dir_ / "server.yaml",
              "tenants:\n"
              "  - {name: default, policy: " +
                  policy +
                  "}\n"
                  "  - {name: acme, policy: " +
                  policy + "}\n");
    server_.emplace(dir_, std::vector<std::string>{"--config", dir_ / "server.yaml", "--dev",
                                                   "--listen", "127.0.0.1:0", "--db", db,
                                                   "--tokens-file", dir_ / "tokens.env"});
    for (const auto& [name, token] : ReadTokens(dir_ / "tokens.env")) {
      if (name.rfind("DRAWBRIDGE_TOKEN_", 0) == 0) default_[name.substr(17)] = token;
    }
    ASSERT_TRUE(default_.count("ALICE") && default_.count("ERIN") && default_.count("ADMIN"));
  }

  HttpResult Call(http::verb method, const std::string& target, const std::string& token,
                  const json& body = nullptr) {
    return Send(server_->port(), method, target, token, body.is_null() ? "" : Json(body));
  }

  // alice (of the tenant whose tokens are given) asks for db-admin on orders-prod.
  std::string RequestDbAdmin(const std::map<std::string, std::string>& tenant) {
    HttpResult r = Call(http::verb::post, "/v1/requests", tenant.at("ALICE"),
                        boost::json::object{{"kind", "access"},
                                            {"rule", "dba-elevation"},
                                            {"roles", boost::json::array{"db-admin"}},
                                            {"resource", "db/orders-prod"},
                                            {"duration", "30m"},
                                            {"reason", "fix the stuck migration"},
                                            {"ticket", "INC-42"}});
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? std::string(r.json().at("id").as_string()) : "";
  }

  std::string CheckAliceAsEnforcer(const std::string& enforcer_token) {
    HttpResult r = Call(http::verb::post, "/v1/check", enforcer_token,
                        boost::json::object{{"principal", "user:alice"},
                                            {"action", "db.query"},
                                            {"resource", "db/orders-prod"},
                                            {"payload", {{"kind", "sql"}, {"text", "SELECT 1"}}}});
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? std::string(r.json().at("decision").as_string()) : "";
  }

  static bool ListHasId(const HttpResult& list, const std::string& key, const std::string& id) {
    const json body = list.json();
    for (const auto& item : body.at(key).as_array()) {
      if (item.at("id").as_string() == id) return true;
    }
    return false;
  }

  TempDir dir_;
  std::optional<ServerProcess> server_;
  std::map<std::string, std::string> default_, acme_;
};

// Test that each token reports its own tenant.
TEST_F(TenantIsolationTest, TokensCarryTheirTenant) {
  HttpResult d = Call(http::verb::get, "/v1/whoami", default_["ALICE"]);
  HttpResult a = Call(http::verb::get, "/v1/whoami", acme_["ALICE"]);
  ASSERT_EQ(d.status, 200) << d.body;
  ASSERT_EQ(a.status, 200) << a.body;
  EXPECT_EQ(d.json().at("tenant"), "default");
  EXPECT_EQ(a.json().at("tenant"), "acme");
  EXPECT_EQ(a.json().at("principal"), "user:alice");
}

// Test that another tenant's request is 404 to get, review and cancel, and absent from lists.
TEST_F(TenantIsolationTest, RequestsAreInvisibleAcrossTenants) {
  const std::string id = RequestDbAdmin(default_);
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(Call(http::verb::get, "/v1/requests/" + id, acme_["ALICE"]).status, 404);
  EXPECT_EQ(Call(http::verb::get, "/v1/requests/" + id + "?wait=1s", acme_["ALICE"]).status, 404);
  EXPECT_EQ(Call(http::verb::post, "/v1/requests/" + id + "/reviews", acme_["ERIN"],
                 boost::json::object{{"approve", true}})
                .status,
            404);
  EXPECT_EQ(Call(http::verb::post, "/v1/requests/" + id + "/cancel", acme_["ALICE"],
                 boost::json::object{})
                .status,
            404);
  for (const std::string who : {"ALICE", "ADMIN"}) {
    HttpResult list = Call(http::verb::get, "/v1/requests", acme_[who]);
    ASSERT_EQ(list.status, 200) << list.body;
    EXPECT_FALSE(ListHasId(list, "requests", id)) << who << ": " << list.body;
  }
  // Nothing the other tenant tried touched it; its own tenant still sees it pending.
  HttpResult own = Call(http::verb::get, "/v1/requests/" + id, default_["ALICE"]);
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(own.json().at("state"), "pending");
  EXPECT_TRUE(ListHasId(Call(http::verb::get, "/v1/requests", default_["ADMIN"]), "requests", id));

  // And the other way round.
  const std::string acme_id = RequestDbAdmin(acme_);
  ASSERT_FALSE(acme_id.empty());
  EXPECT_EQ(Call(http::verb::get, "/v1/requests/" + acme_id, default_["ALICE"]).status, 404);
  EXPECT_FALSE(
      ListHasId(Call(http::verb::get, "/v1/requests", default_["ADMIN"]), "requests", acme_id));
}

// Test that a grant of one tenant is not listed, revocable or releasable in the other, and that
// the other tenant's checker does not see it.
TEST_F(TenantIsolationTest, GrantsAndChecksStayInTheirTenant) {
  const std::string id = RequestDbAdmin(default_);
  ASSERT_FALSE(id.empty());
  HttpResult approved = Call(http::verb::post, "/v1/requests/" + id + "/reviews", default_["ERIN"],
                             boost::json::object{{"approve", true}});
  ASSERT_EQ(approved.status, 200) << approved.body;
  const std::string grant(approved.json().at("grant").as_string());

  EXPECT_EQ(CheckAliceAsEnforcer(default_["ENFORCER"]), "allow");
  EXPECT_EQ(CheckAliceAsEnforcer(acme_["ENFORCER"]), "approval_required");

  for (const std::string target : {"/v1/grants", "/v1/grants?state=active",
                                   "/v1/grants?principal=user:alice", "/v1/grants?mine=true"}) {
    HttpResult list = Call(http::verb::get, target, acme_["ALICE"]);
    ASSERT_EQ(list.status, 200) << target << ": " << list.body;
    EXPECT_FALSE(ListHasId(list, "grants", grant)) << target << ": " << list.body;
  }
  EXPECT_EQ(Call(http::verb::post, "/v1/grants/" + grant + "/revoke", acme_["ADMIN"],
                 boost::json::object{{"reason", "not yours"}})
                .status,
            404);
  EXPECT_EQ(Call(http::verb::post, "/v1/grants/" + grant + "/release", acme_["ALICE"],
                 boost::json::object{})
                .status,
            404);
  // The grant survived both attempts.
  EXPECT_EQ(CheckAliceAsEnforcer(default_["ENFORCER"]), "allow");
  EXPECT_TRUE(
      ListHasId(Call(http::verb::get, "/v1/grants?mine=true", default_["ALICE"]), "grants", grant));
}

// Test that one tenant's audit export holds none of the other's events, and both chains verify.
TEST_F(TenantIsolationTest, AuditIsPerTenant) {
  const std::string id = RequestDbAdmin(default_);
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(Call(http::verb::post, "/v1/requests/" + id + "/reviews", default_["ERIN"],
                 boost::json::object{{"approve", true}})
                .status,
            200);
  HttpResult own = Call(http::verb::get, "/v1/audit", default_["ADMIN"]);
  ASSERT_EQ(own.status, 200) << own.body;
  EXPECT_NE(own.body.find(id), std::string::npos);

  HttpResult other = Call(http::verb::get, "/v1/audit", acme_["ADMIN"]);
  ASSERT_EQ(other.status, 200) << other.body;
  EXPECT_EQ(other.body.find(id), std::string::npos) << other.body;
  EXPECT_EQ(other.body.find("request.created"), std::string::npos) << other.body;
  std::istringstream lines(other.body);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    EXPECT_EQ(boost::json::parse(line).at("tenant"), "acme") << line;
  }
  for (const auto* tenant : {&default_, &acme_}) {
    HttpResult verify = Call(http::verb::get, "/v1/audit/verify", tenant->at("ADMIN"));
    ASSERT_EQ(verify.status, 200) << verify.body;
    EXPECT_TRUE(verify.json().at("ok").as_bool()) << verify.body;
  }
}

// Test that on a server with several tenants a policy may sign its webhooks only with the
// secrets its tenant lists: at start, and when its admin replaces the policy.
TEST(TenantWebhookSecretsTest, APolicySignsOnlyWithItsTenantsSecrets) {
  TempDir dir;
  const std::string db = dir / "db.sqlite";
  const std::string default_policy = CopyExamplePolicy(dir, "policy-default");
  const std::string acme_policy = CopyExamplePolicy(dir, "policy-acme");
  auto notify_with = [&](const std::string& secret) {
    return "version: 1\nnotifications:\n  - on: [\"*\"]\n    webhook: {url: "
           "\"http://127.0.0.1:9/hook\", format: json, secret_env: " +
           secret + "}\n";
  };
  WriteFile(acme_policy + "/notifications.yaml", notify_with("DEFAULT_SIEM_SECRET"));
  WriteFile(dir / "server.yaml", "tenants:\n  - {name: default, policy: " + default_policy +
                                     "}\n  - {name: acme, policy: " + acme_policy +
                                     ", webhook_secrets: [ACME_SIEM_SECRET]}\n");
  const std::vector<std::string> args = {
      "--config", dir / "server.yaml", "--listen", "127.0.0.1:0", "--db", db};
  try {
    ServerProcess refused(dir, args);
    ADD_FAILURE() << "the server started with another tenant's secret";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(
        std::string(e.what()).find(
            "secret_env 'DEFAULT_SIEM_SECRET' is not in the webhook_secrets of tenant 'acme'"),
        std::string::npos)
        << e.what();
  }
  EXPECT_FALSE(std::filesystem::exists(db)) << "a refused start wrote the database";

  WriteFile(acme_policy + "/notifications.yaml", notify_with("ACME_SIEM_SECRET"));
  const std::string admin = CreateTokenLocally(dir, db, acme_policy, "acme", "user:admin", "admin");
  ServerProcess server(dir, args);
  HttpResult got = Send(server.port(), http::verb::get, "/v1/policy", admin);
  ASSERT_EQ(got.status, 200) << got.body;
  boost::json::object files{{"files", got.json().at("files")}};
  for (auto& file : files["files"].as_array()) {
    if (file.at("name") == "notifications.yaml") {
      file.as_object()["text"] = notify_with("DEFAULT_SIEM_SECRET");
    }
  }
  HttpResult put =
      Send(server.port(), http::verb::put, "/v1/policy", admin, Json(files), "application/json");
  EXPECT_EQ(put.status, 422) << put.body;
  EXPECT_NE(put.body.find("webhook_secrets"), std::string::npos) << put.body;
  EXPECT_EQ(ReadFile(acme_policy + "/notifications.yaml"), notify_with("ACME_SIEM_SECRET"));
}

}  // namespace
}  // namespace drawbridge::testing
