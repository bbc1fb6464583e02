// Lowercase hex for SHA-256 digests (fingerprints, hashes), both ways. Pure.
#pragma once

#include <string>
#include <string_view>

#include "drawbridge/decision.h"

namespace drawbridge::core {

std::string DigestToHex(const Digest& digest);
// Exactly 64 lowercase hex digits; false (and `out` unspecified) otherwise.
bool DigestFromHex(std::string_view hex, Digest& out);

}  // namespace drawbridge::core
