#include "policy/group_graph.h"

#include <algorithm>

namespace drawbridge::policy {
namespace {

constexpr std::string_view kGroupPrefix = "group:";

bool IsGroup(std::string_view principal) {
  return principal.starts_with(kGroupPrefix);
}

}  // namespace

GroupGraph::GroupGraph(const std::map<std::string, std::vector<std::string>>& groups)
    : groups_(groups) {
  FindCycles();
}

void GroupGraph::FindCycles() {
  // Depth-first search with an explicit stack: a long chain of nested groups must not overflow
  // the call stack.
  enum class Mark { kOnStack, kDone };
  std::map<std::string, Mark> marks;
  struct Frame {
    const std::string* name;
    size_t next_member = 0;
  };
  std::vector<Frame> stack;
  for (const auto& [root, root_members] : groups_) {
    if (marks.contains(root)) continue;
    marks[root] = Mark::kOnStack;
    stack.push_back({&root});
    while (!stack.empty()) {
      Frame& frame = stack.back();
      const std::vector<std::string>& members = groups_.at(*frame.name);
      if (frame.next_member == members.size()) {
        marks[*frame.name] = Mark::kDone;
        stack.pop_back();
        continue;
      }
      const std::string& member = members[frame.next_member++];
      if (!IsGroup(member)) continue;
      auto nested = groups_.find(std::string(std::string_view(member).substr(kGroupPrefix.size())));
      if (nested == groups_.end()) continue;
      auto mark = marks.find(nested->first);
      if (mark == marks.end()) {
        marks[nested->first] = Mark::kOnStack;
        stack.push_back({&nested->first});
      } else if (mark->second == Mark::kOnStack) {
        auto start = std::find_if(stack.begin(), stack.end(),
                                  [&](const Frame& f) { return *f.name == nested->first; });
        std::vector<std::string> cycle;
        for (auto it = start; it != stack.end(); ++it) cycle.push_back(*it->name);
        cycle.push_back(nested->first);
        cycles_.push_back(std::move(cycle));
      }
    }
  }
}

std::set<std::string> GroupGraph::Expand(std::string_view principal) const {
  if (!IsGroup(principal)) return {std::string(principal)};
  std::set<std::string> leaves;
  std::string root(principal.substr(kGroupPrefix.size()));
  auto root_it = groups_.find(root);
  if (root_it == groups_.end()) return leaves;
  // A visited set keeps cycles harmless.
  std::set<std::string> visited = {root};
  std::vector<const std::vector<std::string>*> pending = {&root_it->second};
  while (!pending.empty()) {
    const std::vector<std::string>* members = pending.back();
    pending.pop_back();
    for (const std::string& member : *members) {
      if (!IsGroup(member)) {
        leaves.insert(member);
        continue;
      }
      std::string nested(std::string_view(member).substr(kGroupPrefix.size()));
      auto it = groups_.find(nested);
      if (it != groups_.end() && visited.insert(nested).second) pending.push_back(&it->second);
    }
  }
  return leaves;
}

std::set<std::string> GroupGraph::ExpandAll(const std::vector<std::string>& principals) const {
  std::set<std::string> out;
  for (const std::string& principal : principals) out.merge(Expand(principal));
  return out;
}

}  // namespace drawbridge::policy
