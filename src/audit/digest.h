// SHA-256 and hex helpers for the audit layer. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace drawbridge::audit {

// The 32-byte SHA-256 digest of `bytes`.
std::string Sha256(std::string_view bytes);

// Lowercase hex of arbitrary bytes.
std::string HexEncode(std::string_view bytes);

// Decodes lowercase hex; returns false on odd length or any other character.
bool HexDecode(std::string_view hex, std::string* bytes);

// True for exactly `length` lowercase hex digits.
bool IsLowerHex(std::string_view text, std::size_t length);

}  // namespace drawbridge::audit
