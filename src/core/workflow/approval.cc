#include "core/workflow/approval.h"

#include <algorithm>
#include <functional>

namespace drawbridge::workflow {
namespace {

bool StepNames(const core::CompiledPolicy& policy, const core::ApprovalStepSpec& step,
               std::string_view principal, const core::IdSet& groups) {
  for (const std::string& approver : step.approvers) {
    if (approver.starts_with("group:")) {
      core::Id group = policy.groups.Find(std::string_view(approver).substr(6));
      if (group != core::kNoId && groups.Has(group)) return true;
    } else if (approver == principal) {
      return true;
    }
  }
  return false;
}

size_t CountServing(const std::vector<std::vector<size_t>>& approvers, size_t step) {
  return static_cast<size_t>(
      std::count_if(approvers.begin(), approvers.end(), [step](const std::vector<size_t>& steps) {
        return std::find(steps.begin(), steps.end(), step) != steps.end();
      }));
}

bool StepMet(const core::ApprovalSpec& spec, const std::vector<std::vector<size_t>>& approvers,
             size_t step) {
  return CountServing(approvers, step) >= static_cast<size_t>(spec.steps[step].min_approvals);
}

// Fills every seat (one per required approval of each step) with a different approver.
bool EverySeatFilled(const core::ApprovalSpec& spec,
                     const std::vector<std::vector<size_t>>& approvers) {
  std::vector<size_t> seat_step;
  for (size_t s = 0; s < spec.steps.size(); ++s) {
    for (int i = 0; i < spec.steps[s].min_approvals; ++i) seat_step.push_back(s);
  }
  if (seat_step.size() > approvers.size()) return false;
  constexpr size_t kFree = SIZE_MAX;
  std::vector<size_t> approver_of_seat(seat_step.size(), kFree);
  std::vector<bool> visited;
  // Finds an approver for `seat`, moving earlier assignments along an augmenting path.
  std::function<bool(size_t)> place = [&](size_t seat) {
    for (size_t a = 0; a < approvers.size(); ++a) {
      if (visited[a]) continue;
      const std::vector<size_t>& steps = approvers[a];
      if (std::find(steps.begin(), steps.end(), seat_step[seat]) == steps.end()) continue;
      visited[a] = true;
      auto holding = std::find(approver_of_seat.begin(), approver_of_seat.end(), a);
      if (holding == approver_of_seat.end()) {
        approver_of_seat[seat] = a;
        return true;
      }
      size_t other_seat = static_cast<size_t>(holding - approver_of_seat.begin());
      approver_of_seat[other_seat] = kFree;
      if (place(other_seat)) {
        approver_of_seat[seat] = a;
        return true;
      }
      approver_of_seat[other_seat] = a;
    }
    return false;
  };
  for (size_t seat = 0; seat < seat_step.size(); ++seat) {
    visited.assign(approvers.size(), false);
    if (!place(seat)) return false;
  }
  return true;
}

}  // namespace

std::vector<size_t> ApproverSteps(const core::CompiledPolicy& policy,
                                  const core::ApprovalSpec& spec, std::string_view principal,
                                  const std::vector<std::string>& group_claims) {
  core::Id id = policy.principals.Find(principal);
  CheckContext context;
  for (const std::string& claim : group_claims) context.groups.push_back(claim);
  core::IdSet scratch;
  const core::IdSet& groups = *policy.PrincipalGroups(id, context, scratch);
  std::vector<size_t> steps;
  for (size_t s = 0; s < spec.steps.size(); ++s) {
    if (StepNames(policy, spec.steps[s], principal, groups)) steps.push_back(s);
  }
  return steps;
}

bool ApprovalsSatisfy(const core::ApprovalSpec& spec,
                      const std::vector<std::vector<size_t>>& approvers) {
  if (spec.steps.empty()) return false;  // a rule nobody can approve approves nothing
  switch (spec.mode) {
    case core::ApprovalSpec::Mode::kSingle: return StepMet(spec, approvers, 0);
    case core::ApprovalSpec::Mode::kAnyOf:
      for (size_t s = 0; s < spec.steps.size(); ++s) {
        if (StepMet(spec, approvers, s)) return true;
      }
      return false;
    case core::ApprovalSpec::Mode::kAllOf:
      if (spec.distinct_steps) return EverySeatFilled(spec, approvers);
      for (size_t s = 0; s < spec.steps.size(); ++s) {
        if (!StepMet(spec, approvers, s)) return false;
      }
      return true;
  }
  return false;
}

std::vector<std::string> ListedApprovers(const core::ApprovalSpec& spec) {
  std::vector<std::string> listed;
  for (const core::ApprovalStepSpec& step : spec.steps) {
    for (const std::string& approver : step.approvers) {
      if (std::find(listed.begin(), listed.end(), approver) == listed.end()) {
        listed.push_back(approver);
      }
    }
  }
  return listed;
}

std::string DescribeApproval(const core::ApprovalSpec& spec) {
  auto step_text = [](const core::ApprovalStepSpec& step) {
    std::string text = std::to_string(step.min_approvals) + " of ";
    for (size_t i = 0; i < step.approvers.size(); ++i) {
      if (i > 0) text += ", ";
      text += step.approvers[i];
    }
    return text;
  };
  if (spec.mode == core::ApprovalSpec::Mode::kSingle && !spec.steps.empty()) {
    return "min_approvals " + step_text(spec.steps[0]);
  }
  std::string text = spec.mode == core::ApprovalSpec::Mode::kAllOf ? "all_of [" : "any_of [";
  for (size_t i = 0; i < spec.steps.size(); ++i) {
    if (i > 0) text += "; ";
    text += step_text(spec.steps[i]);
  }
  return text + "]";
}

}  // namespace drawbridge::workflow
