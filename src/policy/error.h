// A policy error: where (file, 1-based line and column) and what, phrased so that the person who
// reads it knows what to change. Value type; thread-compatible.
#pragma once

#include <string>

#include "policy/document.h"

namespace drawbridge::policy {

struct PolicyError {
  SourcePos pos;
  std::string message;  // "unknown key 'aprovers' in approval; did you mean 'approvers'?"
  // "FILE:LINE:COL: message"
  std::string ToString() const;
};

// "FILE:LINE:COL", "FILE" when the line is unknown.
std::string FormatPos(const SourcePos& pos);

}  // namespace drawbridge::policy
