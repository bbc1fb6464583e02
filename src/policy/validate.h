// Checks of a merged policy that need all of its files: duplicate names, references to groups,
// roles and catalog resources, group cycles, approval rules that can never be met, and duration
// caps. Pure; thread-compatible.
#pragma once

#include "policy/diagnostics.h"
#include "policy/document.h"
#include "policy/references.h"

namespace drawbridge::policy {

void ValidatePolicy(const PolicyDocument& document, const References& references,
                    Diagnostics* diagnostics);

}  // namespace drawbridge::policy
