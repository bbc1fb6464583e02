// Each test loads a small broken policy and checks both the message and where it points.
#include <gtest/gtest.h>

#include <string>

#include "policy/loader.h"
#include "policy_test_util.h"

namespace drawbridge::policy {
namespace {

using testing::HasError;
using testing::LoadErrors;

// Eight lines of valid policy; tests append sections from line 9 on.
constexpr std::string_view kBase = R"(version: 1
groups:
  dba: [user:alice, user:bob]
  leads: [user:erin, user:frank]
roles:
  db-read: {permissions: [{actions: [db.query], resources: {kind: postgres}}]}
resources:
  - {id: db/orders-prod, kind: postgres, labels: {env: prod}}
)";

std::string WithBase(std::string_view rest) {
  return std::string(kBase) + std::string(rest);
}

// Test that the base policy itself is valid, so every error below comes from the appended text.
TEST(PolicyErrors, BaseIsValid) {
  EXPECT_EQ(LoadErrors(kBase), "");
}

// --- YAML and file structure ---

// Test that a YAML syntax error is reported with its position.
TEST(PolicyErrors, YamlSyntaxError) {
  EXPECT_TRUE(HasError("version: 1\ngroups: [a, b\n", "3:1",
                       "YAML syntax error: end of sequence flow not found"));
}

// Test that a bad indentation is a YAML syntax error at the offending line.
TEST(PolicyErrors, YamlBadIndentation) {
  EXPECT_TRUE(HasError("version: 1\ngroups:\n  dba:\n    - user:alice\n   leads: []\n", "5:4",
                       "YAML syntax error"));
}

// Test that a file that is not YAML is the only error reported: the roles and groups it would
// have defined are not reported as unknown where other files use them.
TEST(PolicyErrors, YamlSyntaxErrorHidesNoOtherFile) {
  LoadResult result = LoadPolicyTexts({{"roles.yaml", "version: 1\nroles:\n  - name: [broken\n"},
                                       {"assign.yaml",
                                        "version: 1\ngroups:\n  dba: [user:alice]\nassignments:\n"
                                        "  - {principals: [group:dba], roles: [db-admin]}\n"}});
  ASSERT_EQ(result.errors.size(), 1u) << result.ErrorText();
  EXPECT_NE(result.errors[0].message.find("YAML syntax error"), std::string::npos)
      << result.ErrorText();
  EXPECT_EQ(result.errors[0].pos.file, "roles.yaml");
}

// Test that a file without a version says how to add one.
TEST(PolicyErrors, MissingVersion) {
  EXPECT_TRUE(HasError("groups: {}\n", "1:1",
                       "missing required key 'version' in the policy file; add e.g. 'version: 1'"));
}

// Test that only version 1 is accepted.
TEST(PolicyErrors, UnsupportedVersion) {
  EXPECT_TRUE(HasError("version: 2\n", "1:10", "unsupported policy version 2"));
}

// Test that a version that is not a number is a type error.
TEST(PolicyErrors, VersionNotAnInteger) {
  EXPECT_TRUE(HasError("version: one\n", "1:10", "'version' must be an integer, got 'one'"));
}

// Test that a file that is a list rather than a map is rejected as a whole.
TEST(PolicyErrors, RootIsNotAMap) {
  EXPECT_TRUE(HasError("- version: 1\n", "1:1", "a policy file must be a map of sections"));
}

// Test that a second YAML document in one file is an error.
TEST(PolicyErrors, SecondDocument) {
  EXPECT_TRUE(HasError("version: 1\n---\nversion: 1\n", "2:1", "holds one YAML document"));
}

// Test that text YAML reads as no document at all is an error, not an empty policy.
TEST(PolicyErrors, ContentThatIsNoDocument) {
  EXPECT_TRUE(HasError("&anchor,\nversion: 1\n", "1:1", "no YAML document could be read"));
}

// Test that a file holding only comments and an explicit null is an empty policy.
TEST(PolicyErrors, CommentsOnlyIsEmpty) {
  EXPECT_EQ(LoadErrors("# nothing\n---\n~\n"), "");
}

// Test that a misspelt section name suggests the right one.
TEST(PolicyErrors, UnknownTopLevelKey) {
  EXPECT_TRUE(HasError(WithBase("guardrials: []\n"), "9:1",
                       "unknown key 'guardrials' in the policy file; did you mean 'guardrails'?"));
}

// Test that a key set twice in one map names the first place.
TEST(PolicyErrors, DuplicateKeyInMap) {
  EXPECT_TRUE(HasError(WithBase(R"(guardrails:
  - name: g
    actions: [db.query]
    effect: deny
    effect: deny
)"),
                       "13:5",
                       "duplicate key 'effect' in a guardrail; it is already set at "
                       "policy.yaml:12:5"));
}

// --- types ---

// Test that a map where a list is expected is a type error at the value.
TEST(PolicyErrors, PrincipalsNotAList) {
  EXPECT_TRUE(HasError(WithBase("assignments:\n  - {principals: {a: b}, roles: [db-read]}\n"),
                       "10:18", "'principals' must be a list, got a map"));
}

// Test that an empty value is reported at its key.
TEST(PolicyErrors, EmptyValueReportedAtKey) {
  EXPECT_TRUE(HasError(WithBase("assignments:\n  - principals:\n    roles: [db-read]\n"), "10:5",
                       "'principals' must be a list, got nothing"));
}

// Test that an integer field rejects words.
TEST(PolicyErrors, MinApprovalsNotAnInteger) {
  EXPECT_TRUE(HasError(WithBase(R"(eligibility:
  - name: e
    principals: [group:dba]
    roles: [db-read]
    approval: {approvers: [group:leads], min_approvals: two}
)"),
                       "13:57", "'min_approvals' must be an integer, got 'two'"));
}

// Test that a boolean field accepts only true or false.
TEST(PolicyErrors, BoolNotTrueOrFalse) {
  EXPECT_TRUE(HasError(WithBase(R"(eligibility:
  - name: e
    principals: [group:dba]
    roles: [db-read]
    approval: {approvers: [group:leads], allow_self: yes}
)"),
                       "13:54", "'allow_self' must be true or false, got 'yes'"));
}

// Test that a label value may not be a map.
TEST(PolicyErrors, LabelValueWrongType) {
  EXPECT_TRUE(HasError(WithBase(R"(guardrails:
  - {name: g, actions: [db.query], effect: deny, resources: {labels: {env: {a: b}}}}
)"),
                       "10:76", "'env' must be a string or a list of strings, got a map"));
}

// --- required keys ---

// Test that an eligibility rule without roles names the missing key and an example.
TEST(PolicyErrors, EligibilityMissingRoles) {
  EXPECT_TRUE(HasError(WithBase(R"(eligibility:
  - name: e
    principals: [group:dba]
    approval: {approvers: [group:leads]}
)"),
                       "10:5",
                       "missing required key 'roles' in an eligibility rule; add e.g. roles: "
                       "[db-admin]"));
}

// Test that a guardrail needs an effect.
TEST(PolicyErrors, GuardrailMissingEffect) {
  EXPECT_TRUE(HasError(WithBase("guardrails:\n  - {name: g, actions: [db.query]}\n"), "10:5",
                       "missing required key 'effect' in a guardrail"));
}

// Test that an eligibility rule must say how it is approved.
TEST(PolicyErrors, EligibilityMissingApproval) {
  EXPECT_TRUE(HasError(WithBase("eligibility:\n  - {name: e, principals: [group:dba], roles: "
                                "[db-read]}\n"),
                       "10:5", "missing required key 'approval' in an eligibility rule"));
}

// Test that an approval needs approvers or steps.
TEST(PolicyErrors, ApprovalWithoutApprovers) {
  EXPECT_TRUE(HasError(WithBase(R"(eligibility:
  - name: e
    principals: [group:dba]
    roles: [db-read]
    approval: {min_approvals: 1}
)"),
                       "13:15", "approval needs 'approvers' (one step"));
}

// --- unknown keys ---

// Test that a misspelt approval key suggests the right one.
TEST(PolicyErrors, UnknownApprovalKey) {
  EXPECT_TRUE(HasError(WithBase(R"(eligibility:
  - name: e
    principals: [group:dba]
    roles: [db-read]
    approval: {aprovers: [group:leads]}
)"),
                       "13:16", "unknown key 'aprovers' in approval; did you mean 'approvers'?"));
}

// Test that ttl in an eligibility approval explains that it belongs to guardrails.
TEST(PolicyErrors, TtlOnlyForGuardrails) {
  EXPECT_TRUE(HasError(WithBase(R"(eligibility:
  - name: e
    principals: [group:dba]
    roles: [db-read]
    approval: {approvers: [group:leads], ttl: 15m}
)"),
                       "13:42", "'ttl' applies only to guardrail approvals"));
}

// --- references ---

// Test that an unknown group suggests the nearest defined group.
TEST(PolicyErrors, UnknownGroupInPrincipals) {
  EXPECT_TRUE(HasError(WithBase("assignments:\n  - {principals: [group:dbas], roles: [db-read]}\n"),
                       "10:19", "unknown group 'dbas'; did you mean 'dba'?"));
}

// Test that a group member naming an unknown group is reported at the member.
TEST(PolicyErrors, UnknownGroupAsMember) {
  EXPECT_TRUE(HasError("version: 1\ngroups:\n  sre: [user:carol, group:oncal]\n", "3:21",
                       "unknown group 'oncal'"));
}

// Test that an unknown role suggests the nearest defined role.
TEST(PolicyErrors, UnknownRole) {
  EXPECT_TRUE(HasError(WithBase("assignments:\n  - {principals: [group:dba], roles: [db-reed]}\n"),
                       "10:39", "unknown role 'db-reed'; did you mean 'db-read'?"));
}

// Test that an exact resource id that is not in the catalog is an error, with a suggestion.
TEST(PolicyErrors, ResourceIdNotInCatalog) {
  EXPECT_TRUE(HasError(WithBase(R"(guardrails:
  - {name: g, actions: [db.query], effect: deny, resources: {id: db/orders-prd}}
)"),
                       "10:66",
                       "resource 'db/orders-prd' is not in the catalog; did you mean "
                       "'db/orders-prod'?"));
}

// Test that an id pattern with '*' in the middle is rejected.
TEST(PolicyErrors, ResourceIdInnerStar) {
  EXPECT_TRUE(HasError(WithBase(R"(guardrails:
  - {name: g, actions: [db.query], effect: deny, resources: {ids: ["db/*/x"]}}
)"),
                       "10:68", "invalid resource id pattern 'db/*/x'"));
}

// --- group cycles ---

// Test that a cycle through two groups is named in order.
TEST(PolicyErrors, GroupCycle) {
  EXPECT_TRUE(HasError("version: 1\ngroups:\n  a: [group:b]\n  b: [user:x, group:a]\n", "3:3",
                       "group cycle: a -> b -> a"));
}

// Test that a group containing itself is a cycle.
TEST(PolicyErrors, GroupContainsItself) {
  EXPECT_TRUE(HasError("version: 1\ngroups:\n  ops: [user:x, group:ops]\n", "3:3",
                       "group cycle: ops -> ops"));
}

// --- names and syntax ---

// Test that a bare name is not a principal, and the message shows the fix.
TEST(PolicyErrors, InvalidPrincipal) {
  EXPECT_TRUE(HasError("version: 1\ngroups:\n  dba: [alice]\n", "3:9",
                       "invalid principal 'alice'; write user:NAME, service:NAME, agent:NAME or "
                       "group:NAME (e.g. user:alice)"));
}

// Test that "*" is not an approver.
TEST(PolicyErrors, EveryoneNotAnApprover) {
  EXPECT_TRUE(HasError(WithBase(R"(eligibility:
  - name: e
    principals: [group:dba]
    roles: [db-read]
    approval: {approvers: ["*"]}
)"),
                       "13:28", "'*' (everyone) is only allowed in the principals of assignments"));
}

// Test that action patterns are lowercase dotted words.
TEST(PolicyErrors, InvalidActionPattern) {
  EXPECT_TRUE(HasError(WithBase("guardrails:\n  - {name: g, actions: [DB.Query], effect: deny}\n"),
                       "10:25", "invalid action 'DB.Query'; write lowercase dotted words"));
}

// Test that a glob must be a whole trailing word.
TEST(PolicyErrors, InvalidActionGlob) {
  EXPECT_TRUE(HasError(WithBase("guardrails:\n  - {name: g, actions: [\"db*\"], effect: deny}\n"),
                       "10:25", "invalid action 'db*'"));
}

// Test that a rule name with spaces is rejected.
TEST(PolicyErrors, InvalidRuleName) {
  EXPECT_TRUE(HasError(WithBase("guardrails:\n  - {name: my rule, actions: [db.query], effect: "
                                "deny}\n"),
                       "10:12", "invalid name 'my rule'"));
}

// --- durations ---

// Test that a duration in words shows the accepted forms.
TEST(PolicyErrors, BadDuration) {
  EXPECT_TRUE(HasError(WithBase(R"(eligibility:
  - name: e
    principals: [group:dba]
    roles: [db-read]
    max_duration: 2 hours
    approval: {approvers: [group:leads]}
)"),
                       "13:19",
                       "invalid duration '2 hours' for 'max_duration'; write a positive number "
                       "with a unit, at most 10 years, e.g. 90s, 15m, 2h, 1d or 1h30m"));
}

// Test that a zero duration is rejected.
TEST(PolicyErrors, ZeroDuration) {
  EXPECT_TRUE(HasError(WithBase(R"(eligibility:
  - name: e
    principals: [group:dba]
    roles: [db-read]
    approval: {approvers: [group:leads], pending_ttl: 0s}
)"),
                       "13:55", "invalid duration '0s' for 'pending_ttl'"));
}

// Test that break-glass may not outlast the rule's own cap.
TEST(PolicyErrors, BreakGlassLongerThanMaxDuration) {
  EXPECT_TRUE(HasError(WithBase(R"(eligibility:
  - name: e
    principals: [group:dba]
    roles: [db-read]
    max_duration: 1h
    approval: {approvers: [group:leads]}
    break_glass: {max_duration: 2h}
)"),
                       "15:18",
                       "break_glass max_duration 2h is longer than the rule's max_duration 1h"));
}

// Test that auto-approval may not outlast the rule's own cap.
TEST(PolicyErrors, AutoApproveLongerThanMaxDuration) {
  EXPECT_TRUE(HasError(WithBase(R"(eligibility:
  - name: e
    principals: [group:dba]
    roles: [db-read]
    max_duration: 1h
    approval: {approvers: [group:leads]}
    auto_approve: [{when: {mfa: true}, max_duration: 90m}]
)"),
                       "15:20", "auto_approve max_duration 1h30m is longer"));
}

// --- ticket pattern ---

// Test that a ticket pattern that RE2 cannot compile shows RE2's reason.
TEST(PolicyErrors, InvalidTicketRegex) {
  EXPECT_TRUE(HasError(WithBase(R"(eligibility:
  - name: e
    principals: [group:dba]
    roles: [db-read]
    require: {ticket: "^(INC-[0-9]+$"}
    approval: {approvers: [group:leads]}
)"),
                       "13:23", "invalid ticket pattern: missing ): ^(INC-[0-9]+$"));
}

// --- approvals ---

// Test that min_approvals below 1 is rejected.
TEST(PolicyErrors, MinApprovalsZero) {
  EXPECT_TRUE(HasError(WithBase(R"(eligibility:
  - name: e
    principals: [group:dba]
    roles: [db-read]
    approval: {approvers: [group:leads], min_approvals: 0}
)"),
                       "13:57", "min_approvals must be at least 1, got 0"));
}

// Test that min_approvals above the number of distinct approvers is rejected.
TEST(PolicyErrors, MinApprovalsAboveApprovers) {
  EXPECT_TRUE(HasError(WithBase(R"(eligibility:
  - name: e
    principals: [group:dba]
    roles: [db-read]
    approval: {approvers: [group:leads, user:erin], min_approvals: 3}
)"),
                       "13:15",
                       "min_approvals is 3 but eligibility rule 'e' has only 2 approvers "
                       "(user:erin, user:frank)"));
}

// Test that a requester who is also an approver cannot count, and is named as stuck.
TEST(PolicyErrors, RequesterWouldBeStuck) {
  EXPECT_TRUE(HasError(WithBase(R"(eligibility:
  - name: e
    principals: [group:dba, user:erin]
    roles: [db-read]
    approval: {approvers: [group:leads], min_approvals: 2}
)"),
                       "13:15",
                       "user:erin is both a possible requester and an approver of eligibility "
                       "rule 'e' and cannot approve their own request, leaving 1 approver for "
                       "min_approvals 2"));
}

// Test that allow_self lifts the stuck-requester check.
TEST(PolicyErrors, AllowSelfLetsRequesterCount) {
  EXPECT_EQ(LoadErrors(WithBase(R"(eligibility:
  - name: e
    principals: [group:leads]
    roles: [db-read]
    approval: {approvers: [group:leads], min_approvals: 2, allow_self: true}
)")),
            "");
}

// Test that an all_of step that cannot be met is reported at that step.
TEST(PolicyErrors, AllOfStepTooFewApprovers) {
  EXPECT_TRUE(HasError(WithBase(R"(eligibility:
  - name: e
    principals: [user:carol]
    roles: [db-read]
    approval:
      all_of:
        - {approvers: [group:leads], min_approvals: 1}
        - {approvers: [group:dba], min_approvals: 3}
)"),
                       "16:11",
                       "min_approvals is 3 but eligibility rule 'e' has only 2 approvers"));
}

// Test that a guardrail naming its principals cannot rely on one of them as the sole approver.
TEST(PolicyErrors, GuardrailSoleApproverStuck) {
  EXPECT_TRUE(HasError(WithBase(R"(guardrails:
  - name: g
    principals: [group:leads]
    actions: [db.query]
    effect: require_approval
    approval: {approvers: [user:erin], min_approvals: 1}
)"),
                       "14:15",
                       "user:erin is both a possible requester and an approver of guardrail 'g'"));
}

// Test that an approver exempted by except_principals is not a requester.
TEST(PolicyErrors, ExemptApproverIsNotStuck) {
  EXPECT_EQ(LoadErrors(WithBase(R"(guardrails:
  - name: g
    principals: [group:leads]
    except_principals: [user:erin]
    actions: [db.query]
    effect: require_approval
    approval: {approvers: [user:erin], min_approvals: 1}
)")),
            "");
}

// Test that all_of with distinct steps needs enough different people overall.
TEST(PolicyErrors, AllOfDistinctPeopleShortfall) {
  EXPECT_TRUE(HasError(WithBase(R"(eligibility:
  - name: e
    principals: [user:carol]
    roles: [db-read]
    approval:
      all_of:
        - {approvers: [group:dba], min_approvals: 2}
        - {approvers: [user:alice], min_approvals: 1}
)"),
                       "14:7", "all_of needs 3 different approvers in total"));
}

// Test that min_approvals next to all_of is pointed out.
TEST(PolicyErrors, MinApprovalsBesideAllOf) {
  EXPECT_TRUE(HasError(WithBase(R"(eligibility:
  - name: e
    principals: [user:carol]
    roles: [db-read]
    approval: {all_of: [{approvers: [group:dba]}], min_approvals: 1}
)"),
                       "13:52", "min_approvals goes inside each step of all_of"));
}

// Test that approvers and all_of together are ambiguous.
TEST(PolicyErrors, ApproversAndAllOf) {
  EXPECT_TRUE(HasError(WithBase(R"(eligibility:
  - name: e
    principals: [user:carol]
    roles: [db-read]
    approval: {approvers: [group:dba], all_of: [{approvers: [group:leads]}]}
)"),
                       "13:15",
                       "approval has more than one of 'approvers', 'all_of' and 'any_of'"));
}

// --- guardrail effect and approval ---

// Test that a misspelt effect suggests the right one.
TEST(PolicyErrors, InvalidEffect) {
  EXPECT_TRUE(HasError(WithBase("guardrails:\n  - {name: g, actions: [db.query], effect: "
                                "require_aproval}\n"),
                       "10:44",
                       "invalid effect 'require_aproval'; write deny, require_approval or "
                       "require_grant; did you mean 'require_approval'?"));
}

// Test that require_approval without approval says what to add.
TEST(PolicyErrors, RequireApprovalWithoutApproval) {
  EXPECT_TRUE(HasError(WithBase("guardrails:\n  - {name: g, actions: [db.query], effect: "
                                "require_approval}\n"),
                       "10:5", "a guardrail with effect require_approval needs 'approval'"));
}

// Test that a deny guardrail may not carry an approval.
TEST(PolicyErrors, DenyWithApproval) {
  EXPECT_TRUE(HasError(WithBase(R"(guardrails:
  - name: g
    actions: [db.query]
    effect: deny
    approval: {approvers: [group:leads]}
)"),
                       "13:5", "a guardrail with effect deny takes no approval"));
}

// Test that an action approval must be usable at least once.
TEST(PolicyErrors, UsesBelowOne) {
  EXPECT_TRUE(HasError(WithBase(R"(guardrails:
  - name: g
    principals: [user:carol]
    actions: [db.query]
    effect: require_approval
    approval: {approvers: [group:leads], uses: 0}
)"),
                       "14:48", "uses must be at least 1, got 0"));
}

// Test that max_denials below 1 is rejected.
TEST(PolicyErrors, MaxDenialsZero) {
  EXPECT_TRUE(HasError(WithBase(R"(eligibility:
  - name: e
    principals: [user:carol]
    roles: [db-read]
    approval: {approvers: [group:leads], max_denials: 0}
)"),
                       "13:55", "max_denials must be at least 1, got 0"));
}

// --- conditions ---

// Test that an unknown SQL fact suggests the nearest known one.
TEST(PolicyErrors, UnknownSqlFact) {
  EXPECT_TRUE(HasError(WithBase("guardrails:\n  - {name: g, actions: [db.query], effect: deny, "
                                "when: {sql: [dorp]}}\n"),
                       "10:63", "unknown sql fact 'dorp'; did you mean 'drop'?"));
}

// Test that a fact of another family is unknown in this one.
TEST(PolicyErrors, FactFromWrongFamily) {
  EXPECT_TRUE(HasError(WithBase("guardrails:\n  - {name: g, actions: [shell.exec], effect: deny, "
                                "when: {shell: [truncate]}}\n"),
                       "10:67", "unknown shell fact 'truncate'"));
}

// Test that payload conditions are not allowed on standing access.
TEST(PolicyErrors, SqlConditionInAssignment) {
  EXPECT_TRUE(HasError(WithBase("assignments:\n  - {principals: [group:dba], roles: [db-read], "
                                "when: {sql: [drop]}}\n"),
                       "10:56", "'sql' is not a condition of an assignment"));
}

// Test that a resource selector is not a guardrail condition.
TEST(PolicyErrors, ResourcesConditionInGuardrail) {
  EXPECT_TRUE(HasError(WithBase("guardrails:\n  - {name: g, actions: [db.query], effect: deny, "
                                "when: {resources: {kind: postgres}}}\n"),
                       "10:57", "'resources' is not a condition of a guardrail"));
}

// Test that named time zones are refused with the reason and the fix.
TEST(PolicyErrors, NamedTimeZone) {
  EXPECT_TRUE(HasError(WithBase(R"(assignments:
  - principals: [group:dba]
    roles: [db-read]
    when: {time: [{days: mon-fri, hours: "08:00-18:00", tz: Europe/Paris}]}
)"),
                       "12:61",
                       "named time zones such as 'Europe/Paris' are not supported yet, only UTC "
                       "offsets"));
}

// Test that hours must be HH:MM-HH:MM.
TEST(PolicyErrors, BadHours) {
  EXPECT_TRUE(HasError(WithBase(R"(assignments:
  - principals: [group:dba]
    roles: [db-read]
    when: {time: [{hours: 8-18}]}
)"),
                       "12:27", "invalid hours '8-18'; write HH:MM-HH:MM"));
}

// Test that a misspelt day suggests the right one.
TEST(PolicyErrors, BadDay) {
  EXPECT_TRUE(HasError(WithBase(R"(assignments:
  - principals: [group:dba]
    roles: [db-read]
    when: {time: [{days: [mon, thr]}]}
)"),
                       "12:32", "invalid day 'thr'; did you mean 'thu'?"));
}

// Test that a prefix longer than the address is rejected.
TEST(PolicyErrors, CidrPrefixTooLong) {
  EXPECT_TRUE(HasError(WithBase(R"(assignments:
  - principals: [group:dba]
    roles: [db-read]
    when: {source_cidrs: [10.0.0.0/33]}
)"),
                       "12:27", "invalid CIDR '10.0.0.0/33': the prefix length is larger than 32"));
}

// Test that a malformed address is rejected.
TEST(PolicyErrors, CidrBadAddress) {
  EXPECT_TRUE(HasError(WithBase(R"(assignments:
  - principals: [group:dba]
    roles: [db-read]
    when: {source_cidrs: ["10.0.0.0/8", "10.0.0.300/32"]}
)"),
                       "12:41", "'10.0.0.300' is not an IP address"));
}

// Test that HTTP path patterns start with a slash.
TEST(PolicyErrors, HttpPathWithoutSlash) {
  EXPECT_TRUE(HasError(WithBase("guardrails:\n  - {name: g, actions: [http.request], effect: deny, "
                                "when: {http_paths: [\"admin/*\"]}}\n"),
                       "10:74", "invalid HTTP path pattern 'admin/*'"));
}

// --- notifications ---

// Test that an unknown event type suggests the nearest one.
TEST(PolicyErrors, UnknownNotificationEvent) {
  EXPECT_TRUE(HasError(WithBase(R"(notifications:
  - on: [request.craeted]
    webhook: {url: "https://chat.example/hooks/T000"}
)"),
                       "10:10",
                       "unknown event 'request.craeted'; did you mean 'request.created'?"));
}

// Test that the webhook format is json or slack.
TEST(PolicyErrors, BadWebhookFormat) {
  EXPECT_TRUE(HasError(WithBase(R"(notifications:
  - on: [request.created]
    webhook: {url: "https://chat.example/hooks/T000", format: teams}
)"),
                       "11:63", "invalid webhook format 'teams'; write json or slack"));
}

// Test that secret_env names an environment variable, not the secret itself.
TEST(PolicyErrors, BadSecretEnv) {
  EXPECT_TRUE(HasError(WithBase(R"(notifications:
  - on: [request.created]
    webhook: {url: "https://chat.example/hooks/T000", secret_env: "s3cr3t value"}
)"),
                       "11:67", "invalid environment variable name 's3cr3t value'"));
}

// Test that a webhook URL must be absolute http(s).
TEST(PolicyErrors, BadWebhookUrl) {
  EXPECT_TRUE(HasError(WithBase(R"(notifications:
  - on: [request.created]
    webhook: {url: "chat.example/hooks"}
)"),
                       "11:20", "invalid webhook url 'chat.example/hooks'"));
}

// --- duplicates within a file ---

// Test that a role defined twice names both places.
TEST(PolicyErrors, DuplicateRole) {
  EXPECT_TRUE(HasError("version: 1\nroles:\n  r: {permissions: []}\n  r: {permissions: []}\n",
                       "4:3", "role 'r' is defined twice: here and at policy.yaml:3:3"));
}

// Test that two eligibility rules with one name are an error.
TEST(PolicyErrors, DuplicateEligibilityName) {
  EXPECT_TRUE(HasError(WithBase(R"(eligibility:
  - {name: e, principals: [user:carol], roles: [db-read], approval: {approvers: [group:dba]}}
  - {name: e, principals: [user:carol], roles: [db-read], approval: {approvers: [group:dba]}}
)"),
                       "11:5",
                       "eligibility rule 'e' is defined twice: here and at "
                       "policy.yaml:10:5"));
}

// Test that two guardrails with one name are an error.
TEST(PolicyErrors, DuplicateGuardrailName) {
  EXPECT_TRUE(HasError(WithBase(R"(guardrails:
  - {name: g, actions: [db.query], effect: deny}
  - {name: g, actions: [db.connect], effect: deny}
)"),
                       "11:5", "guardrail 'g' is defined twice: here and at policy.yaml:10:5"));
}

// Test that a resource id declared twice is an error at the second id.
TEST(PolicyErrors, DuplicateResourceId) {
  EXPECT_TRUE(HasError(WithBase("  - {id: db/orders-prod, kind: postgres}\n"), "9:10",
                       "resource 'db/orders-prod' is defined twice: here and at policy.yaml:8:10"));
}

// Test that a group defined twice in one file is an error.
TEST(PolicyErrors, DuplicateGroupInOneFile) {
  EXPECT_TRUE(HasError("version: 1\ngroups:\n  a: [user:x]\n  a: [user:y]\n", "4:3",
                       "group 'a' is defined twice: here and at policy.yaml:3:3"));
}

// --- collecting ---

// Test that every error in a file is reported, in file order, not just the first.
TEST(PolicyErrors, CollectsAllErrorsInOrder) {
  LoadResult result = LoadPolicyText(WithBase(R"(guardrails:
  - {name: g1, actions: [DB], effect: deny}
  - {name: g2, actions: [db.query], effect: maybe}
  - {name: g3, actions: [db.query], effect: deny, when: {sql: [dropp]}}
)"),
                                     "policy.yaml");
  ASSERT_EQ(result.errors.size(), 3u) << result.ErrorText();
  EXPECT_EQ(result.errors[0].ToString().substr(0, 19), "policy.yaml:10:26: ");
  EXPECT_EQ(result.errors[1].pos.line, 11);
  EXPECT_EQ(result.errors[2].pos.line, 12);
}

// Test that an empty list of principals is reported as matching nobody.
TEST(PolicyErrors, EmptyPrincipals) {
  EXPECT_TRUE(HasError(WithBase("assignments:\n  - {principals: [], roles: [db-read]}\n"), "10:18",
                       "'principals' is empty, so it would match nothing"));
}

}  // namespace
}  // namespace drawbridge::policy
