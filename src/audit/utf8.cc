#include "audit/utf8.h"

namespace drawbridge::audit {
namespace {

bool IsContinuation(unsigned char byte) {
  return (byte & 0xC0) == 0x80;
}

Utf8Char Invalid() {
  return {kReplacementCharacter, 1, false};
}

}  // namespace

Utf8Char DecodeUtf8At(std::string_view text, std::size_t pos) {
  const auto at = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  const std::size_t available = text.size() - pos;
  const unsigned char lead = at(0);
  if (lead < 0x80) return {lead, 1, true};

  std::size_t length = 0;
  char32_t code_point = 0;
  // The second byte's range depends on the lead byte; this is what excludes overlong forms,
  // surrogates (ED A0..BF) and code points above U+10FFFF (F4 90..).
  unsigned char second_min = 0x80;
  unsigned char second_max = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code_point = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code_point = lead & 0x0F;
    if (lead == 0xE0) second_min = 0xA0;
    if (lead == 0xED) second_max = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code_point = lead & 0x07;
    if (lead == 0xF0) second_min = 0x90;
    if (lead == 0xF4) second_max = 0x8F;
  } else {
    return Invalid();
  }
  if (available < length) return Invalid();
  if (at(1) < second_min || at(1) > second_max) return Invalid();
  for (std::size_t i = 1; i < length; ++i) {
    if (!IsContinuation(at(i))) return Invalid();
    code_point = (code_point << 6) | (at(i) & 0x3F);
  }
  return {code_point, length, true};
}

bool IsValidUtf8(std::string_view text) {
  for (std::size_t pos = 0; pos < text.size();) {
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      ++pos;
      continue;
    }
    Utf8Char c = DecodeUtf8At(text, pos);
    if (!c.valid) return false;
    pos += c.length;
  }
  return true;
}

std::string SanitizeUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    Utf8Char c = DecodeUtf8At(text, pos);
    if (c.valid) {
      out.append(text.substr(pos, c.length));
    } else {
      out.append("\xEF\xBF\xBD");
    }
    pos += c.length;
  }
  return out;
}

}  // namespace drawbridge::audit
