#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "policy/loader.h"

namespace drawbridge::policy {
namespace {

const std::filesystem::path kExample =
    std::filesystem::path(DRAWBRIDGE_SOURCE_DIR) / "examples" / "policy";

const Eligibility* FindEligibility(const PolicyDocument& document, std::string_view name) {
  for (const Eligibility& rule : document.eligibility) {
    if (rule.name == name) return &rule;
  }
  return nullptr;
}

const Guardrail* FindGuardrail(const PolicyDocument& document, std::string_view name) {
  for (const Guardrail& guardrail : document.guardrails) {
    if (guardrail.name == name) return &guardrail;
  }
  return nullptr;
}

// Test that the example policy directory loads without errors.
TEST(ExamplePolicy, LoadsWithoutErrors) {
  LoadResult result = LoadPolicy(kExample);
  EXPECT_TRUE(result.ok()) << result.ErrorText();
  EXPECT_EQ(result.document.files.size(), 6u);
  EXPECT_EQ(result.document.version, 1);
}

// Test that the example's files are read in name order and their sections concatenated.
TEST(ExamplePolicy, MergesFilesInNameOrder) {
  LoadResult result = LoadPolicy(kExample);
  ASSERT_TRUE(result.ok()) << result.ErrorText();
  const std::vector<std::string>& files = result.document.files;
  EXPECT_TRUE(std::is_sorted(files.begin(), files.end()));
  EXPECT_TRUE(files.front().ends_with("eligibility.yaml"));
  EXPECT_TRUE(result.document.groups.contains("dba"));
  EXPECT_EQ(result.document.group_pos.at("dba").line, 4);
  EXPECT_TRUE(result.document.group_pos.at("dba").file.ends_with("groups.yaml"));
  EXPECT_GE(result.document.resources.size(), 10u);
  EXPECT_GE(result.document.roles.size(), 10u);
  EXPECT_EQ(result.document.notifications.size(), 2u);
}

// Test that the composed approval for production personal data is one lead and one DBA.
TEST(ExamplePolicy, ProdPiiNeedsALeadAndADba) {
  LoadResult result = LoadPolicy(kExample);
  ASSERT_TRUE(result.ok()) << result.ErrorText();
  const Eligibility* rule = FindEligibility(result.document, "prod-pii-read");
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->approval.mode, ApprovalRule::Mode::kAllOf);
  ASSERT_EQ(rule->approval.steps.size(), 2u);
  EXPECT_EQ(rule->approval.steps[0].approvers, std::vector<std::string>{"group:leads"});
  EXPECT_EQ(rule->approval.steps[1].approvers, std::vector<std::string>{"group:dba"});
  EXPECT_EQ(rule->max_duration, Seconds(3600));
}

// Test that eligibility fields are read with their values and defaults.
TEST(ExamplePolicy, DbaElevationFields) {
  LoadResult result = LoadPolicy(kExample);
  ASSERT_TRUE(result.ok()) << result.ErrorText();
  const Eligibility* rule = FindEligibility(result.document, "dba-elevation");
  ASSERT_NE(rule, nullptr);
  EXPECT_EQ(rule->max_duration, Seconds(2 * 3600));
  EXPECT_TRUE(rule->require.reason);
  EXPECT_EQ(rule->require.ticket_pattern, "^(INC|CHG)-[0-9]+$");
  EXPECT_EQ(rule->approval.pending_ttl, Seconds(8 * 3600));
  EXPECT_FALSE(rule->approval.allow_self);
  ASSERT_EQ(rule->auto_approve.size(), 1u);
  EXPECT_TRUE(rule->auto_approve[0].when.has_resources);
  EXPECT_EQ(rule->auto_approve[0].when.resources.labels.at("env"),
            std::vector<std::string>{"staging"});
  EXPECT_EQ(rule->auto_approve[0].max_duration, Seconds(3600));

  const Eligibility* glass = FindEligibility(result.document, "oncall-breakglass");
  ASSERT_NE(glass, nullptr);
  ASSERT_TRUE(glass->break_glass.has_value());
  EXPECT_EQ(glass->break_glass->max_duration, Seconds(30 * 60));
}

// Test that guardrails carry their effect, facts, approval and action-approval limits.
TEST(ExamplePolicy, GuardrailFields) {
  LoadResult result = LoadPolicy(kExample);
  ASSERT_TRUE(result.ok()) << result.ErrorText();
  const Guardrail* sql = FindGuardrail(result.document, "destructive-sql-prod");
  ASSERT_NE(sql, nullptr);
  EXPECT_EQ(sql->effect, GuardrailEffect::kRequireApproval);
  EXPECT_TRUE(sql->when.sql_facts.Has(Fact::kSqlTruncate));
  EXPECT_FALSE(sql->when.sql_facts.Has(Fact::kSqlDropDatabase));
  EXPECT_EQ(sql->approval.steps.at(0).min_approvals, 2);
  EXPECT_EQ(sql->ttl, Seconds(15 * 60));
  EXPECT_EQ(sql->uses, 1);

  const Guardrail* drop_db = FindGuardrail(result.document, "never-drop-database");
  ASSERT_NE(drop_db, nullptr);
  EXPECT_EQ(drop_db->effect, GuardrailEffect::kDeny);
  EXPECT_TRUE(drop_db->when.sql_facts.Has(Fact::kSqlDropDatabase));

  const Guardrail* admin = FindGuardrail(result.document, "admin-app-delete");
  ASSERT_NE(admin, nullptr);
  EXPECT_TRUE(admin->when.http_facts.Has(Fact::kHttpMethodDelete));
  EXPECT_EQ(admin->resources.ids, std::vector<std::string>{"app/admin"});

  const Guardrail* standing = FindGuardrail(result.document, "no-standing-prod-admin");
  ASSERT_NE(standing, nullptr);
  EXPECT_EQ(standing->effect, GuardrailEffect::kRequireGrant);
  EXPECT_EQ(standing->except_principals, std::vector<std::string>{"service:ci-deployer"});
}

// Test that the contractor assignment's time window and networks are parsed.
TEST(ExamplePolicy, ContractorConditions) {
  LoadResult result = LoadPolicy(kExample);
  ASSERT_TRUE(result.ok()) << result.ErrorText();
  const Assignment* contractors = nullptr;
  for (const Assignment& assignment : result.document.assignments) {
    if (assignment.principals == std::vector<std::string>{"group:contractors"}) {
      contractors = &assignment;
    }
  }
  ASSERT_NE(contractors, nullptr);
  ASSERT_EQ(contractors->when.time_windows.size(), 1u);
  const TimeWindow& window = contractors->when.time_windows[0];
  EXPECT_EQ(window.weekdays, 0b0011111);
  EXPECT_EQ(window.start_minute, 8 * 60);
  EXPECT_EQ(window.end_minute, 18 * 60);
  EXPECT_EQ(window.utc_offset_minutes, 60);
  ASSERT_EQ(contractors->when.source_cidrs.size(), 2u);
  EXPECT_FALSE(contractors->when.source_cidrs[0].v6);
  EXPECT_EQ(contractors->when.source_cidrs[0].prefix, 16);
  EXPECT_TRUE(contractors->when.source_cidrs[1].v6);
}

// Test that the notification routes keep their webhook settings.
TEST(ExamplePolicy, NotificationRoutes) {
  LoadResult result = LoadPolicy(kExample);
  ASSERT_TRUE(result.ok()) << result.ErrorText();
  const NotificationRoute& slack = result.document.notifications.at(0);
  EXPECT_EQ(slack.webhook.format, "slack");
  EXPECT_EQ(slack.webhook.secret_env, "DRAWBRIDGE_WEBHOOK_SECRET");
  EXPECT_EQ(slack.on.size(), 4u);
}

// Test that loading the example policy stays fast: it happens on every reload.
TEST(ExamplePolicy, LoadsQuickly) {
  constexpr int kRuns = 20;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kRuns; ++i) ASSERT_TRUE(LoadPolicy(kExample).ok());
  auto per_load = (std::chrono::steady_clock::now() - start) / kRuns;
  RecordProperty(
      "microseconds_per_load",
      static_cast<int>(std::chrono::duration_cast<std::chrono::microseconds>(per_load).count()));
  EXPECT_LT(per_load, std::chrono::milliseconds(100));
}

}  // namespace
}  // namespace drawbridge::policy
