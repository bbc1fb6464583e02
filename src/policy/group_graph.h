// Group membership resolved: cycles named, groups expanded to the principals they stand for.
// Built once from a policy's groups; immutable afterwards, so const use is thread-safe.
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace drawbridge::policy {

class GroupGraph {
 public:
  // name -> members ("user:alice", "group:sre", ...), as in PolicyDocument::groups.
  explicit GroupGraph(const std::map<std::string, std::vector<std::string>>& groups);

  // Every membership cycle, each once, as group names with the first repeated at the end:
  // {"a", "b", "a"}. Found in name order, so the output is stable.
  const std::vector<std::vector<std::string>>& cycles() const { return cycles_; }

  // The users, services and agents a principal stands for: itself unless it is "group:NAME",
  // which stands for its members with nested groups expanded. Unknown groups stand for nobody;
  // a cycle adds nothing beyond the members met along it.
  std::set<std::string> Expand(std::string_view principal) const;
  std::set<std::string> ExpandAll(const std::vector<std::string>& principals) const;

 private:
  void FindCycles();

  const std::map<std::string, std::vector<std::string>>& groups_;
  std::vector<std::vector<std::string>> cycles_;
};

}  // namespace drawbridge::policy
