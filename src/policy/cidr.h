// Source network conditions: "10.0.0.0/8", "2001:db8::/32", or a bare address (a /32 or /128).
// Pure; thread-safe.
#pragma once

#include <string_view>

#include "drawbridge/status.h"
#include "policy/document.h"

namespace drawbridge::policy {

// Host bits beyond the prefix are cleared ("10.1.2.3/8" is 10.0.0.0/8); `text` keeps what was
// written. The error message says what is wrong and shows the accepted forms.
StatusOr<Cidr> ParseCidr(std::string_view text);

}  // namespace drawbridge::policy
