// Counting approvals under a rule's ApprovalSpec (SPEC §4: min_approvals of a set of approvers,
// or all_of / any_of over such steps).
//
// The counting is split in two so that each half can be tested on its own:
//   * ApproverSteps: which steps name a principal as an approver, by the policy's groups (closed
//     transitively) plus the identity-provider group claims given;
//   * ApprovalsSatisfy: whether a set of distinct approvers, each described by the steps it may
//     serve, meets the spec.
//
// With all_of and distinct_steps (the default), one person's approval counts toward one step
// only: "one lead AND one DBA" needs two people even when someone is both. Whether the approvers
// can cover every step is a bipartite matching between approvers and step seats (a step with
// min_approvals n has n seats); the spec is met when every seat can be filled by a different
// approver. Augmenting paths find it; sizes are a handful of people and seats. Pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/compiled_policy.h"

namespace drawbridge::workflow {

// Indices of the steps of `spec` that name `principal` directly or through a group it belongs
// to. Empty when the principal is no approver of the rule.
std::vector<size_t> ApproverSteps(const core::CompiledPolicy& policy,
                                  const core::ApprovalSpec& spec, std::string_view principal,
                                  const std::vector<std::string>& group_claims);

// `approvers[i]` lists the steps approver i may serve; every entry is a different person.
bool ApprovalsSatisfy(const core::ApprovalSpec& spec,
                      const std::vector<std::vector<size_t>>& approvers);

// Every approver the spec names, as written ("group:leads", "user:erin"), in order, unique.
std::vector<std::string> ListedApprovers(const core::ApprovalSpec& spec);

// "min_approvals 2 of group:leads", "all_of [1 of group:leads; 1 of group:dba]": for messages.
std::string DescribeApproval(const core::ApprovalSpec& spec);

}  // namespace drawbridge::workflow
