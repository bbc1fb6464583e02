// Replacing a tenant's policy on disk (PUT /v1/policy), for a policy kept in one file or in a
// directory of files.
//
// The new files are staged beside the old policy first and take its place only once the change
// is audited and in force (Commit): a crash, a refused policy or a failed audit leaves the old
// policy whole on disk. A directory is swapped in one atomic rename (RENAME_EXCHANGE), so a
// reload never reads half of each (on a file system without it, two renames); the files the
// loader does not read (policy tests, notes) are carried over into the new directory.
//
// Not thread-safe: the server holds the tenant's reload lock around a replacement.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "drawbridge/status.h"

namespace drawbridge::server {

// (file name, YAML text), as GET /v1/policy shows them.
using PolicyFiles = std::vector<std::pair<std::string, std::string>>;

// Why `name` cannot be one of a directory policy's files ("" when it can): a plain file name
// ending in .yaml or .yml that the loader reads (not a policy test file).
std::string PolicyFileNameProblem(std::string_view name);

class StagedPolicy {
 public:
  // Writes `files` beside the policy at `path`: a file policy takes exactly one file, a
  // directory policy one or more with distinct names (PolicyFileNameProblem).
  static StatusOr<StagedPolicy> Stage(const std::string& path, const PolicyFiles& files);

  StagedPolicy(StagedPolicy&& other) noexcept;
  StagedPolicy& operator=(StagedPolicy&&) = delete;
  StagedPolicy(const StagedPolicy&) = delete;
  StagedPolicy& operator=(const StagedPolicy&) = delete;
  // Removes what was staged unless it was committed.
  ~StagedPolicy();

  // Puts the staged files in the old policy's place.
  Status Commit();

 private:
  StagedPolicy(std::string path, std::string staged, bool directory)
      : path_(std::move(path)), staged_(std::move(staged)), directory_(directory) {}

  std::string path_;    // the policy in force
  std::string staged_;  // the new file or directory beside it; "" once committed
  bool directory_;
};

}  // namespace drawbridge::server
