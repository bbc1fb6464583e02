#include "policy/diagnostics.h"

#include <algorithm>
#include <tuple>

namespace drawbridge::policy {

std::string FormatPos(const SourcePos& pos) {
  if (pos.line <= 0) return pos.file;
  return pos.file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column);
}

std::string PolicyError::ToString() const {
  std::string where = FormatPos(pos);
  return where.empty() ? message : where + ": " + message;
}

void Diagnostics::Add(SourcePos pos, std::string message) {
  if (errors_.size() >= max_errors_) {
    ++dropped_;
    return;
  }
  errors_.push_back({std::move(pos), std::move(message)});
}

std::vector<PolicyError> Diagnostics::TakeSorted(const std::vector<std::string>& file_order) {
  auto file_rank = [&](const std::string& file) {
    auto it = std::find(file_order.begin(), file_order.end(), file);
    return static_cast<size_t>(it - file_order.begin());
  };
  std::stable_sort(errors_.begin(), errors_.end(), [&](const PolicyError& a, const PolicyError& b) {
    return std::make_tuple(file_rank(a.pos.file), a.pos.line, a.pos.column) <
           std::make_tuple(file_rank(b.pos.file), b.pos.line, b.pos.column);
  });
  if (dropped_ > 0) {
    errors_.push_back({SourcePos{}, std::to_string(dropped_) +
                                        " more errors not shown; fix the ones above first"});
    dropped_ = 0;
  }
  return std::move(errors_);
}

}  // namespace drawbridge::policy
