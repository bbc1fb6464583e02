// UTF-8 decoding by the well-formedness table of the Unicode standard (Table 3-7): no overlong
// forms, no surrogates, nothing above U+10FFFF. Internal to the audit layer. Pure functions.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace drawbridge::audit {

// One decoded character. An ill-formed byte decodes as {kInvalidCodePoint, length 1}, so a
// decoder loop always advances and every byte string has exactly one decoding.
struct Utf8Char {
  char32_t code_point;
  std::size_t length;
  bool valid;
};

inline constexpr char32_t kReplacementCharacter = 0xFFFD;

// Decodes the character starting at text[pos]; pos < text.size().
Utf8Char DecodeUtf8At(std::string_view text, std::size_t pos);

bool IsValidUtf8(std::string_view text);

// Replaces every byte that is not part of a well-formed sequence with U+FFFD.
std::string SanitizeUtf8(std::string_view text);

}  // namespace drawbridge::audit
