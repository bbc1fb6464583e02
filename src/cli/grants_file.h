// Grants from a file, for `check --grants` and `policy test`: a JSON array of grant objects or
// one object per line (NDJSON). Format: docs/POLICY_TESTING.md.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "core/grant_index.h"
#include "drawbridge/status.h"

namespace drawbridge::cli {

// {"id", "principal", "kind": "access"|"action", "actions": [...],
//  "scope": {"resource": ID} | {"selector": {label: value}}, "fingerprint": HEX,
//  "not_before": RFC3339|unix, "expires_at": RFC3339|unix, "uses": N}
StatusOr<core::GrantSpec> GrantFromJson(const boost::json::value& json);

StatusOr<std::vector<core::GrantSpec>> ParseGrants(std::string_view text, std::string_view source);

}  // namespace drawbridge::cli
