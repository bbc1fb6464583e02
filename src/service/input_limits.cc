#include "service/input_limits.h"

namespace drawbridge::service {

Status CheckTextLength(std::string_view field, std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return Status::Ok();
  return InvalidArgument(std::string(field) + " is " + std::to_string(text.size()) +
                         " bytes long; the limit is " + std::to_string(max_bytes) + " bytes");
}

std::string_view Utf8Prefix(std::string_view text, size_t max_bytes) {
  if (text.size() <= max_bytes) return text;
  size_t end = max_bytes;
  // Back off over continuation bytes (10xxxxxx) to the start of the character cut in two; a
  // character has at most three of them.
  auto continuation = [&](size_t i) {
    return (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80;
  };
  for (int steps = 0; steps < 3 && end > 0 && continuation(end); ++steps) --end;
  return text.substr(0, end);
}

}  // namespace drawbridge::service
