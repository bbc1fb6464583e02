// Where new request and grant ids come from. Injected so that the workflow rules stay pure: the
// service layer passes a source of unique random ids, tests pass a counter.
#pragma once

#include <cstdint>
#include <string>

namespace drawbridge::workflow {

class IdSource {
 public:
  virtual ~IdSource() = default;
  virtual std::string NewRequestId() = 0;
  virtual std::string NewGrantId() = 0;
};

// "r-1", "r-2", ... and "g-1", "g-2", ...: deterministic, for tests and single-process tools.
// Not thread-safe.
class SequentialIdSource final : public IdSource {
 public:
  std::string NewRequestId() override { return "r-" + std::to_string(++requests_); }
  std::string NewGrantId() override { return "g-" + std::to_string(++grants_); }
  int64_t requests_issued() const { return requests_; }
  int64_t grants_issued() const { return grants_; }

 private:
  int64_t requests_ = 0;
  int64_t grants_ = 0;
};

}  // namespace drawbridge::workflow
