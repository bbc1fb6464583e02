// Collects every policy error found while loading, so that one run reports all of them.
// Thread-compatible.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "policy/error.h"

namespace drawbridge::policy {

class Diagnostics {
 public:
  // Past `max_errors`, further errors are dropped and one last error says so: a broken file
  // should not bury the first, most useful messages.
  explicit Diagnostics(size_t max_errors = 500) : max_errors_(max_errors) {}

  void Add(SourcePos pos, std::string message);
  bool empty() const { return errors_.empty(); }
  size_t size() const { return errors_.size(); }

  // The errors ordered by file (in `file_order`), then line, then column; files not named in
  // `file_order` come last. Leaves this empty.
  std::vector<PolicyError> TakeSorted(const std::vector<std::string>& file_order);

 private:
  size_t max_errors_;
  size_t dropped_ = 0;
  std::vector<PolicyError> errors_;
};

}  // namespace drawbridge::policy
