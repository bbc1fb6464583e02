// Helpers for the workflow tests: a policy to run against, inputs with sensible defaults, and
// checks on transitions and errors.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/compiled_policy.h"
#include "core/workflow/workflow.h"
#include "policy/compiler.h"
#include "policy/loader.h"

namespace drawbridge::workflow::testing {

inline constexpr int64_t kNow = 1'767'261'600;  // 2026-01-01T10:00:00Z
inline constexpr int64_t kMinute = 60;
inline constexpr int64_t kHour = 3600;

// Groups, catalog and rules the tests share. user:zoe is both a lead and a DBA.
inline constexpr std::string_view kPolicyYaml = R"(
version: 1
groups:
  dba: [user:alice, user:bob, user:zoe]
  leads: [user:erin, user:frank, user:zoe]
  security: [user:grace, user:heidi]
  engineers: [user:carol, user:dave]
  oncall: [user:olga]
resources:
  - {id: db/orders-prod, kind: postgres, labels: {env: prod, data: pii}}
  - {id: db/orders-staging, kind: postgres, labels: {env: staging}}
  - {id: k8s/prod, kind: kubernetes, labels: {env: prod}}
  - {id: k8s/staging, kind: kubernetes, labels: {env: staging}}
roles:
  db-read: {permissions: [{actions: [db.connect, db.query], resources: {kind: postgres}}]}
  db-admin: {permissions: [{actions: ["db.*"], resources: {kind: postgres}}]}
  db-nonpii: {permissions: [{actions: [db.query], resources: {labels_not: {data: pii}}}]}
  k8s-admin: {permissions: [{actions: ["k8s.*"], resources: {kind: kubernetes}}]}
  prod-admin: {permissions: [{actions: ["*"], resources: {labels: {env: prod}}}]}
eligibility:
  - name: dba-elevation
    principals: [group:dba]
    roles: [db-admin, db-nonpii]
    max_duration: 2h
    require: {reason: true, ticket: "^(INC|CHG)-[0-9]+$"}
    approval: {approvers: [group:leads], min_approvals: 1, pending_ttl: 8h}
    auto_approve:
      - {when: {resources: {labels: {env: staging}}}, max_duration: 1h}
  - name: pii-read
    principals: [group:engineers]
    roles: [db-read]
    max_duration: 1h
    require: {reason: false}
    approval:
      all_of:
        - {approvers: [group:leads], min_approvals: 1}
        - {approvers: [group:dba], min_approvals: 1}
  - name: k8s-two-denials
    principals: [group:engineers]
    roles: [k8s-admin]
    max_duration: 4h
    require: {reason: true}
    approval: {approvers: [group:leads], min_approvals: 2, max_denials: 2}
  - name: self-service
    principals: [group:leads]
    roles: [k8s-admin]
    max_duration: 1h
    require: {reason: true}
    approval: {approvers: [group:leads], min_approvals: 1, allow_self: true}
  - name: oncall-breakglass
    principals: [group:oncall]
    roles: [prod-admin]
    max_duration: 1h
    require: {reason: true}
    approval: {approvers: [group:security], min_approvals: 1}
    break_glass: {max_duration: 30m, notify: [group:security]}
guardrails:
  - name: destructive-sql-prod
    actions: [db.query]
    resources: {labels: {env: prod}}
    when: {sql: [drop, truncate]}
    effect: require_approval
    approval: {approvers: [group:leads, group:dba], min_approvals: 2, ttl: 15m, uses: 2}
  - {name: never-drop-database, actions: [db.query], when: {sql: [drop_database]}, effect: deny}
)";

// Compiles policy text; fails the test (and returns null) when it does not load.
inline std::shared_ptr<const core::CompiledPolicy> CompileYaml(std::string_view yaml) {
  policy::LoadResult loaded = policy::LoadPolicyText(yaml, "p.yaml");
  EXPECT_TRUE(loaded.ok()) << loaded.ErrorText();
  if (!loaded.ok()) return nullptr;
  auto compiled = policy::Compile(loaded.document);
  EXPECT_TRUE(compiled.ok()) << compiled.status().ToString();
  if (!compiled.ok()) return nullptr;
  return *compiled;
}

inline const core::CompiledPolicy& TestPolicy() {
  static const std::shared_ptr<const core::CompiledPolicy> policy = CompileYaml(kPolicyYaml);
  return *policy;
}

// An access request by a DBA for db-admin on the production database: needs a lead.
inline AccessRequestInput DbaElevation(std::string requester = "user:alice") {
  AccessRequestInput input;
  input.requester = std::move(requester);
  input.roles = {"db-admin"};
  input.scope.resource = "db/orders-prod";
  input.duration_seconds = kHour;
  input.reason = "fix the stuck migration";
  input.ticket = "INC-1234";
  input.source_ip = "10.1.2.3";
  return input;
}

inline ReviewInput Approve(std::string reviewer, std::string comment = "ok") {
  return {std::move(reviewer), {}, true, std::move(comment)};
}
inline ReviewInput Deny(std::string reviewer, std::string comment = "no") {
  return {std::move(reviewer), {}, false, std::move(comment)};
}

inline std::vector<std::string> EventTypes(const Transition& transition) {
  std::vector<std::string> types;
  for (const EventDraft& event : transition.events) types.push_back(event.type);
  return types;
}

inline const EventDraft* FindEvent(const Transition& transition, std::string_view type) {
  for (const EventDraft& event : transition.events) {
    if (event.type == type) return &event;
  }
  return nullptr;
}

// Passes when `result` failed with `code` and a message containing every one of `parts`.
template <typename T>
::testing::AssertionResult FailsWith(const StatusOr<T>& result, StatusCode code,
                                     std::vector<std::string_view> parts) {
  if (result.ok()) return ::testing::AssertionFailure() << "the transition succeeded";
  const Status& status = result.status();
  if (status.code() != code) {
    return ::testing::AssertionFailure() << "code " << StatusCodeName(status.code()) << ", want "
                                         << StatusCodeName(code) << ": " << status.message();
  }
  for (std::string_view part : parts) {
    if (status.message().find(part) == std::string::npos) {
      return ::testing::AssertionFailure()
             << "message lacks '" << part << "': " << status.message();
    }
  }
  return ::testing::AssertionSuccess();
}

// Every field of a record as text, so that "nothing changed" is one comparison.
inline std::string Describe(const Scope& scope) {
  std::string text = scope.resource;
  for (const auto& [key, value] : scope.selector) text += " " + key + "=" + value;
  return text;
}

inline std::string Join(const std::vector<std::string>& items) {
  std::string text;
  for (const std::string& item : items) text += item + ",";
  return text;
}

inline std::string Describe(const Request& r) {
  std::string text = r.id + "|" + r.tenant + "|" + std::string(RequestKindName(r.kind)) + "|" +
                     std::string(RequestStateName(r.state)) + "|" + r.requester + "|" + r.reason +
                     "|" + r.ticket + "|" + r.source_ip + "|" + r.rule + "|" + r.policy_version +
                     "|" + Join(r.roles) + "|" + Join(r.actions) + "|" + Describe(r.scope) + "|" +
                     std::to_string(r.duration_seconds) + "|" + std::to_string(r.not_before) + "|" +
                     r.action + "|" + r.resource + "|" + r.payload_kind + "|" + r.payload + "|" +
                     Join(r.facts) + "|" + r.fingerprint + "|" + std::to_string(r.uses) + "|" +
                     std::to_string(r.break_glass) + std::to_string(r.post_review_open) + "|" +
                     std::to_string(r.created_at) + "|" + std::to_string(r.updated_at) + "|" +
                     std::to_string(r.pending_expires_at) + "|" + r.grant_id;
  for (const Review& v : r.reviews) {
    text += "|review:" + v.reviewer + "," + std::to_string(v.approve) + "," + v.comment + "," +
            std::to_string(v.at) + "," + std::to_string(v.self_review) + "," + v.auto_rule;
  }
  return text;
}

inline std::string Describe(const Grant& g) {
  return g.id + "|" + g.tenant + "|" + g.request_id + "|" + g.principal + "|" +
         std::string(RequestKindName(g.kind)) + "|" + std::string(GrantStateName(g.state)) + "|" +
         Join(g.actions) + "|" + Describe(g.scope) + "|" + g.fingerprint + "|" +
         std::to_string(g.not_before) + "|" + std::to_string(g.expires_at) + "|" +
         std::to_string(g.uses_left) + "|" + std::to_string(g.break_glass) + "|" +
         std::to_string(g.created_at) + "|" + std::to_string(g.ended_at) + "|" + g.ended_by;
}

}  // namespace drawbridge::workflow::testing
