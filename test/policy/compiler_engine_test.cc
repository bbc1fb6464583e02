// Table-driven decision tests: every rule of the decision procedure (SPEC §3), through the real
// loader and compiler, with a scripted payload analyzer so that the engine's rules are tested
// apart from the classifiers.
#include <gtest/gtest.h>

#include <functional>
#include <map>

#include "core/engine.h"
#include "core/explain.h"
#include "policy/compiler.h"
#include "policy/loader.h"

namespace drawbridge {
namespace {

using core::Reason;

// Facts come from a table keyed by the payload text; fingerprints hash every bound field.
class ScriptedAnalyzer : public PayloadAnalyzer {
 public:
  PayloadAnalysis Analyze(const Payload& p) const override {
    auto it = facts_.find(std::string(p.text));
    if (it != facts_.end()) return {it->second, ""};
    if (p.text == "garbage") return {FactSet{Fact::kUnparseable}, "syntax error"};
    return {FactSet{p.kind == Payload::Kind::kSql ? Fact::kSqlRead : Fact::kHttpMethodGet}, ""};
  }
  bool Fingerprint(const CheckRequest& r, std::string_view guardrail, Digest& out) const override {
    if (r.payload.text == "garbage") return false;
    std::string all = std::string(guardrail) + "|" + std::string(r.principal) + "|" +
                      std::string(r.action) + "|" + std::string(r.resource) + "|" +
                      std::string(r.payload.text);
    size_t h = std::hash<std::string>{}(all);
    out.fill(0);
    for (size_t i = 0; i < sizeof h; ++i) out[i] = static_cast<uint8_t>(h >> (8 * i));
    return true;
  }

 private:
  std::map<std::string, FactSet> facts_ = {
      {"DELETE FROM t", {Fact::kSqlDeleteAll, Fact::kSqlWrite}},
      {"DELETE FROM t WHERE id=1", {Fact::kSqlWrite}},
      {"DROP DATABASE d", {Fact::kSqlDropDatabase, Fact::kSqlDrop}},
      {"kubectl delete pod x", {Fact::kShellK8sDestructive}},
  };
};

constexpr char kPolicy[] = R"(
version: 1
groups:
  dba: [user:alice, user:bob]
  leads: [user:erin, user:frank]
  contractors: [user:dave]
  sre: [user:sam]
  team-a: [user:carol]
resources:
  - {id: db/orders-prod, kind: postgres, labels: {env: prod, owner: team-a}}
  - {id: db/orders-dev, kind: postgres, labels: {env: dev, owner: team-b}}
  - {id: k8s/prod, kind: kubernetes, labels: {env: prod}}
roles:
  db-read: {permissions: [{actions: [db.connect, db.query], resources: {kind: postgres}}]}
  db-admin: {permissions: [{actions: ["db.*"], resources: {kind: postgres}}]}
  owner-read: {permissions: [{actions: [db.query], resources: {label_in_principal_groups: owner}}]}
  k8s-ops: {permissions: [{actions: [shell.exec], resources: {kind: kubernetes}}]}
  office-hours: {permissions: [{actions: [app.use], resources: {ids: ["app/*"]}}]}
assignments:
  - {principals: [group:dba], roles: [db-read]}
  - {principals: ["*"], roles: [owner-read]}
  - {principals: [group:sre], roles: [k8s-ops]}
  - principals: [user:carol]
    roles: [office-hours]
    when: {time: [{days: mon-fri, hours: "09:00-17:00", tz: UTC}], source_cidrs: [10.0.0.0/8], mfa: true}
eligibility:
  - name: dba-elevation
    principals: [group:dba]
    roles: [db-admin]
    max_duration: 2h
    approval: {approvers: [group:leads], min_approvals: 1}
  - name: sre-k8s
    principals: [group:sre]
    roles: [k8s-ops]
    max_duration: 1h
    approval: {approvers: [group:leads], min_approvals: 1}
guardrails:
  - {name: never-drop-database, actions: [db.query], when: {sql: [drop_database]}, effect: deny}
  - {name: no-contractors-prod, principals: [group:contractors], actions: ["*"], resources: {labels: {env: prod}}, effect: deny}
  - name: destructive-sql-prod
    actions: [db.query]
    resources: {labels: {env: prod}}
    when: {sql: [delete_all, truncate]}
    effect: require_approval
    approval: {approvers: [group:leads], min_approvals: 2, ttl: 15m, uses: 1}
  - name: destructive-sql-staging
    actions: [db.query]
    resources: {labels: {env: staging}}
    when: {sql: [delete_all, truncate]}
    effect: require_approval
    approval: {approvers: [group:leads], min_approvals: 1, ttl: 15m, uses: 1}
  - name: no-standing-k8s-prod
    actions: [shell.exec]
    resources: {kind: kubernetes, labels: {env: prod}}
    except_principals: [user:sam]
    effect: require_grant
)";

// 2026-01-05 is a Monday.
constexpr int64_t kMonday10 = 1767607200;    // 2026-01-05T10:00:00Z
constexpr int64_t kSaturday10 = 1767434400;  // 2026-01-03T10:00:00Z

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    policy::LoadResult loaded = policy::LoadPolicyText(kPolicy, "policy.yaml");
    ASSERT_TRUE(loaded.ok()) << loaded.ErrorText();
    auto compiled = policy::Compile(loaded.document);
    ASSERT_TRUE(compiled.ok()) << compiled.status().ToString();
    policy_ = *compiled;
    engine_ = std::make_unique<core::Engine>(*policy_, grants_, analyzer_);
  }

  core::Verdict Check(std::string principal, std::string action, std::string resource,
                      std::string sql = "", int64_t now = kMonday10, CheckContext ctx = {}) {
    principal_ = std::move(principal);
    action_ = std::move(action);
    resource_ = std::move(resource);
    sql_ = std::move(sql);
    request_ = {};
    request_.principal = principal_;
    request_.action = action_;
    request_.resource = resource_;
    if (!sql_.empty()) {
      request_.payload.kind = action_ == "shell.exec" ? Payload::Kind::kShell : Payload::Kind::kSql;
      request_.payload.text = sql_;
    }
    request_.context = std::move(ctx);
    return engine_->Check(request_, TimePoint(std::chrono::seconds(now)));
  }

  core::Explanation Explain(const core::Verdict& v) { return core::Explain(*engine_, request_, v); }

  void AddAccessGrant(std::string id, std::string principal, std::vector<std::string> actions,
                      std::string resource, int64_t nb, int64_t exp) {
    core::GrantSpec g;
    g.id = std::move(id);
    g.principal = std::move(principal);
    g.actions = std::move(actions);
    g.scope.resource = std::move(resource);
    g.not_before = nb;
    g.expires_at = exp;
    ASSERT_TRUE(grants_.Add(g).ok());
  }

  // alice's approval of one action (its fingerprint), single use, for the 15 minutes from
  // Monday 10:00.
  void AddAliceActionGrant(std::string id, const Digest& fingerprint) {
    core::GrantSpec g;
    g.id = std::move(id);
    g.principal = "user:alice";
    g.kind = core::GrantKind::kAction;
    g.fingerprint = fingerprint;
    g.not_before = kMonday10 - 1;
    g.expires_at = kMonday10 + 900;
    g.uses = 1;
    ASSERT_TRUE(grants_.Add(g).ok());
  }

  ScriptedAnalyzer analyzer_;
  core::GrantIndex grants_;
  std::shared_ptr<const core::CompiledPolicy> policy_;
  std::unique_ptr<core::Engine> engine_;
  std::string principal_, action_, resource_, sql_;
  CheckRequest request_;
};

// Test that malformed principals, actions and resources are denied with a reason, never allowed.
TEST_F(EngineTest, BadInputIsDenied) {
  struct Case {
    std::string principal, action, resource;
    Reason reason;
  } cases[] = {
      {"alice", "db.query", "db/orders-prod", Reason::kInvalidPrincipal},
      {"root:alice", "db.query", "db/orders-prod", Reason::kInvalidPrincipal},
      {"user:", "db.query", "db/orders-prod", Reason::kInvalidPrincipal},
      {"user:alice", "DB.Query", "db/orders-prod", Reason::kInvalidAction},
      {"user:alice", "db..query", "db/orders-prod", Reason::kInvalidAction},
      {"user:alice", "", "db/orders-prod", Reason::kInvalidAction},
      {"user:alice", "db.query", "", Reason::kInvalidResource},
      {"user:alice", "db.query", "db/orders prod", Reason::kInvalidResource},
  };
  for (const Case& c : cases) {
    core::Verdict v = Check(c.principal, c.action, c.resource, "SELECT 1");
    EXPECT_EQ(v.decision, Decision::kDeny) << c.principal << " " << c.action << " " << c.resource;
    EXPECT_EQ(v.reason, c.reason) << c.principal << " " << c.action << " " << c.resource;
    EXPECT_FALSE(Explain(v).reason.empty());
  }
}

// Test that with nothing covering and nothing to request, the default is deny.
TEST_F(EngineTest, DefaultIsDeny) {
  core::Verdict v = Check("user:nobody", "db.query", "db/orders-dev", "SELECT 1");
  EXPECT_EQ(v.decision, Decision::kDeny);
  EXPECT_EQ(v.reason, Reason::kNoPermission);
}

// Test that a standing assignment allows and names its role.
TEST_F(EngineTest, StandingAssignmentAllows) {
  core::Verdict v = Check("user:alice", "db.query", "db/orders-prod", "SELECT 1");
  EXPECT_EQ(v.decision, Decision::kAllow);
  EXPECT_EQ(v.reason, Reason::kStandingPermission);
  auto e = Explain(v);
  EXPECT_NE(std::find(e.rules.begin(), e.rules.end(), "role:db-read"), e.rules.end());
}

// Test that an action outside standing access but covered by eligibility asks for access.
TEST_F(EngineTest, EligibilityMakesApprovalRequired) {
  core::Verdict v = Check("user:alice", "db.admin", "db/orders-prod");
  EXPECT_EQ(v.decision, Decision::kApprovalRequired);
  EXPECT_EQ(v.reason, Reason::kRequestAccess);
  auto e = Explain(v);
  ASSERT_TRUE(e.request.has_value());
  EXPECT_EQ(e.request->kind, "access");
  EXPECT_EQ(e.request->rule, "dba-elevation");
  EXPECT_EQ(e.request->min_approvals, 1);
  EXPECT_EQ(e.request->approvers, std::vector<std::string>{"group:leads"});
  EXPECT_EQ(e.request->max_duration_seconds, 7200);
  EXPECT_NE(e.request->command.find("drawbridge request access --role db-admin"),
            std::string::npos);
}

// Test that an active access grant allows, and is checked against time at decision time.
TEST_F(EngineTest, AccessGrantAllowsOnlyInsideItsWindow) {
  AddAccessGrant("g1", "user:alice", {"db.admin"}, "db/orders-prod", kMonday10 - 60,
                 kMonday10 + 60);
  EXPECT_EQ(Check("user:alice", "db.admin", "db/orders-prod").reason, Reason::kAccessGrant);
  EXPECT_EQ(Explain(Check("user:alice", "db.admin", "db/orders-prod")).grant, "g1");
  // Expired (no sweeper ran): never allows.
  EXPECT_EQ(Check("user:alice", "db.admin", "db/orders-prod", "", kMonday10 + 60).decision,
            Decision::kApprovalRequired);
  // Not yet valid.
  EXPECT_EQ(Check("user:alice", "db.admin", "db/orders-prod", "", kMonday10 - 61).decision,
            Decision::kApprovalRequired);
  // Another principal, action or resource is not covered.
  EXPECT_EQ(Check("user:bob", "db.admin", "db/orders-prod").decision, Decision::kApprovalRequired);
  EXPECT_EQ(Check("user:alice", "db.drop", "db/orders-prod").decision, Decision::kApprovalRequired);
  EXPECT_EQ(Check("user:alice", "db.admin", "db/orders-dev").decision, Decision::kApprovalRequired);
}

// Test that a deny guardrail wins over standing access and over grants.
TEST_F(EngineTest, DenyGuardrailWinsOverEverything) {
  AddAccessGrant("g1", "user:alice", {"db.query"}, "db/orders-prod", 0, kMonday10 + 3600);
  core::Verdict v = Check("user:alice", "db.query", "db/orders-prod", "DROP DATABASE d");
  EXPECT_EQ(v.decision, Decision::kDeny);
  EXPECT_EQ(v.reason, Reason::kDeniedByGuardrail);
  EXPECT_EQ(policy_->guardrails[v.guardrail].name, "never-drop-database");
  EXPECT_EQ(Check("user:dave", "db.query", "db/orders-prod", "SELECT 1").reason,
            Reason::kDeniedByGuardrail);
}

// Test that a require_approval guardrail is met only by an action grant with this exact
// fingerprint, whose single use is consumed.
TEST_F(EngineTest, ActionGrantIsBoundToOneActionAndConsumed) {
  core::Verdict first = Check("user:alice", "db.query", "db/orders-prod", "DELETE FROM t");
  ASSERT_EQ(first.decision, Decision::kApprovalRequired);
  EXPECT_EQ(first.reason, Reason::kRequestActionApproval);
  ASSERT_TRUE(first.has_fingerprint);
  auto e = Explain(first);
  ASSERT_TRUE(e.request.has_value());
  EXPECT_EQ(e.request->kind, "action");
  EXPECT_EQ(e.request->min_approvals, 2);
  EXPECT_EQ(e.request->fingerprint.size(), 64u);
  EXPECT_EQ(e.request->max_duration_seconds, 900);

  AddAliceActionGrant("a1", first.fingerprint);

  // Another statement, or another principal, is not opened by this approval.
  EXPECT_EQ(Check("user:bob", "db.query", "db/orders-prod", "DELETE FROM t").decision,
            Decision::kApprovalRequired);
  core::Verdict used = Check("user:alice", "db.query", "db/orders-prod", "DELETE FROM t");
  EXPECT_EQ(used.decision, Decision::kAllow);
  EXPECT_EQ(used.reason, Reason::kActionGrant);
  EXPECT_EQ(Explain(used).grant, "a1");
  // Used up.
  EXPECT_EQ(Check("user:alice", "db.query", "db/orders-prod", "DELETE FROM t").decision,
            Decision::kApprovalRequired);
}

// Test that an action approved under one guardrail does not meet another: a requester who
// describes a resource outside the catalog as staging (one approval) gets a grant that the same
// statement on the same resource, seen by the enforcement point as prod (two), does not use.
TEST_F(EngineTest, ActionGrantMeetsOnlyTheGuardrailItWasApprovedUnder) {
  CheckContext staging;
  staging.resource_kind = "postgres";
  staging.resource_labels = {{"env", "staging"}};
  CheckContext prod = staging;
  prod.resource_labels = {{"env", "prod"}};
  core::Verdict asked =
      Check("user:alice", "db.query", "db/reports", "DELETE FROM t", kMonday10, staging);
  ASSERT_EQ(asked.decision, Decision::kApprovalRequired);
  ASSERT_TRUE(asked.has_fingerprint);
  EXPECT_EQ(policy_->guardrails[asked.guardrail].name, "destructive-sql-staging");
  AddAliceActionGrant("a-staging", asked.fingerprint);

  core::Verdict as_prod =
      Check("user:alice", "db.query", "db/reports", "DELETE FROM t", kMonday10, prod);
  EXPECT_EQ(as_prod.decision, Decision::kApprovalRequired);
  EXPECT_EQ(policy_->guardrails[as_prod.guardrail].name, "destructive-sql-prod");
  EXPECT_NE(as_prod.fingerprint, asked.fingerprint);
  EXPECT_EQ(
      Check("user:alice", "db.query", "db/reports", "DELETE FROM t", kMonday10, staging).decision,
      Decision::kAllow);
}

// Test that a selective statement passes the guardrail that only looks for bulk deletes.
TEST_F(EngineTest, FactsDecideWhetherAGuardrailApplies) {
  core::Verdict v = Check("user:alice", "db.query", "db/orders-prod", "DELETE FROM t WHERE id=1");
  EXPECT_EQ(v.decision, Decision::kAllow);
  EXPECT_TRUE(v.classified);
  // Outside prod the guardrail does not apply at all.
  EXPECT_EQ(Check("user:alice", "db.query", "db/orders-dev", "DELETE FROM t").decision,
            Decision::kAllow);
}

// Test that a guardrail needing facts fails closed on a missing, mismatched or bad payload.
TEST_F(EngineTest, MissingOrUnparseablePayloadIsDenied) {
  EXPECT_EQ(Check("user:alice", "db.query", "db/orders-prod").reason, Reason::kPayloadRequired);
  EXPECT_EQ(Check("user:alice", "db.query", "db/orders-prod", "garbage").reason,
            Reason::kPayloadUnparseable);
  request_ = {};
  request_.principal = "user:alice";
  request_.action = "db.query";
  request_.resource = "db/orders-prod";
  request_.payload.kind = Payload::Kind::kShell;  // SQL guardrail, shell payload
  request_.payload.text = "DELETE FROM t";
  core::Verdict v = engine_->Check(request_, TimePoint(std::chrono::seconds(kMonday10)));
  EXPECT_EQ(v.decision, Decision::kDeny);
  EXPECT_EQ(v.reason, Reason::kPayloadRequired);
}

// Test that require_grant ignores standing access, is met by an access grant, and denies when
// nothing can be requested.
TEST_F(EngineTest, RequireGrantNeedsJitAccess) {
  // sam is exempt; bob has no standing and no eligibility for k8s.
  EXPECT_EQ(Check("user:sam", "shell.exec", "k8s/prod", "ls").decision, Decision::kAllow);
  EXPECT_EQ(Check("user:bob", "shell.exec", "k8s/prod", "ls").reason, Reason::kRequireGrantNoRule);
  // A claimed sre member (not sam) has standing, which is not enough.
  CheckContext ctx;
  ctx.groups = {"sre"};
  core::Verdict v = Check("user:zoe", "shell.exec", "k8s/prod", "ls", kMonday10, ctx);
  EXPECT_EQ(v.decision, Decision::kApprovalRequired);
  EXPECT_EQ(v.reason, Reason::kRequireGrant);
  AddAccessGrant("g9", "user:zoe", {"shell.exec"}, "k8s/prod", 0, kMonday10 + 10);
  EXPECT_EQ(Check("user:zoe", "shell.exec", "k8s/prod", "ls", kMonday10, ctx).reason,
            Reason::kAccessGrant);
}

// Test that catalog labels win over labels an enforcement point sends.
TEST_F(EngineTest, CatalogLabelsCannotBeDowngraded) {
  CheckContext ctx;
  ctx.resource_labels = {{"env", "dev"}};
  core::Verdict v =
      Check("user:alice", "db.query", "db/orders-prod", "DELETE FROM t", kMonday10, ctx);
  EXPECT_EQ(v.decision, Decision::kApprovalRequired);
}

// Test that a resource outside the catalog is judged by the labels and kind the caller sends.
TEST_F(EngineTest, UnknownResourceUsesCallerLabels) {
  CheckContext ctx;
  ctx.resource_kind = "postgres";
  ctx.resource_labels = {{"env", "prod"}};
  EXPECT_EQ(
      Check("user:alice", "db.query", "db/new-prod", "DELETE FROM t", kMonday10, ctx).decision,
      Decision::kApprovalRequired);
  EXPECT_EQ(Check("user:alice", "db.query", "db/new-prod", "SELECT 1", kMonday10, ctx).decision,
            Decision::kAllow);
  // Without a kind, neither the postgres role nor the eligible one covers it.
  EXPECT_EQ(Check("user:alice", "db.query", "db/unknown", "SELECT 1").decision, Decision::kDeny);
}

// Test that a resource label can be compared with the principal's groups.
TEST_F(EngineTest, LabelInPrincipalGroups) {
  EXPECT_EQ(Check("user:carol", "db.query", "db/orders-prod", "SELECT 1").decision,
            Decision::kAllow);
  EXPECT_EQ(Check("user:carol", "db.query", "db/orders-dev", "SELECT 1").decision, Decision::kDeny);
}

// Test that assignment conditions (time window, source CIDR, MFA) must all hold.
TEST_F(EngineTest, AssignmentConditions) {
  CheckContext ok;
  ok.mfa = true;
  ok.source_ip = "10.1.2.3";
  EXPECT_EQ(Check("user:carol", "app.use", "app/admin", "", kMonday10, ok).decision,
            Decision::kAllow);
  EXPECT_EQ(Check("user:carol", "app.use", "app/admin", "", kSaturday10, ok).decision,
            Decision::kDeny);
  CheckContext no_mfa = ok;
  no_mfa.mfa = false;
  EXPECT_EQ(Check("user:carol", "app.use", "app/admin", "", kMonday10, no_mfa).decision,
            Decision::kDeny);
  CheckContext outside = ok;
  outside.source_ip = "192.168.1.1";
  EXPECT_EQ(Check("user:carol", "app.use", "app/admin", "", kMonday10, outside).decision,
            Decision::kDeny);
  CheckContext unknown_ip = ok;
  unknown_ip.source_ip = "";
  EXPECT_EQ(Check("user:carol", "app.use", "app/admin", "", kMonday10, unknown_ip).decision,
            Decision::kDeny);
}

// Test that group claims from the identity provider add standing access.
TEST_F(EngineTest, GroupClaimsAddStandingAccess) {
  EXPECT_EQ(Check("user:newdba", "db.query", "db/orders-dev", "SELECT 1").decision,
            Decision::kDeny);
  CheckContext ctx;
  ctx.groups = {"dba"};
  EXPECT_EQ(Check("user:newdba", "db.query", "db/orders-dev", "SELECT 1", kMonday10, ctx).decision,
            Decision::kAllow);
}

// Test that a grant scoped by a label selector covers exactly the resources whose labels match.
TEST_F(EngineTest, SelectorScopedGrant) {
  core::GrantSpec g;
  g.id = "gs";
  g.principal = "user:bob";
  g.actions = {"db.*"};
  g.scope.selector = {{"kind", "postgres"}, {"env", "prod"}};
  g.not_before = 0;
  g.expires_at = kMonday10 + 10;
  ASSERT_TRUE(grants_.Add(g).ok());
  EXPECT_EQ(Check("user:bob", "db.admin", "db/orders-prod").reason, Reason::kAccessGrant);
  EXPECT_EQ(Check("user:bob", "db.admin", "db/orders-dev").decision, Decision::kApprovalRequired);
  EXPECT_TRUE(grants_.Remove(g));
  EXPECT_EQ(Check("user:bob", "db.admin", "db/orders-prod").decision, Decision::kApprovalRequired);
}

}  // namespace
}  // namespace drawbridge
