#include "audit/escape.h"

#include "audit/canonical_json.h"
#include "audit/time_format.h"
#include "audit/utf8.h"

namespace drawbridge::audit {
namespace {

constexpr char kHexDigits[] = "0123456789abcdef";

void AppendByteEscape(std::string& out, unsigned char byte) {
  out += "\\x";
  out.push_back(kHexDigits[byte >> 4]);
  out.push_back(kHexDigits[byte & 0x0F]);
}

void AppendCodePointEscape(std::string& out, char32_t code_point) {
  out += "\\u{";
  bool started = false;
  for (int shift = 20; shift >= 0; shift -= 4) {
    const unsigned digit = (code_point >> shift) & 0xF;
    // No leading zeros beyond two digits: \u{85}, \u{202e}.
    if (digit != 0 || started || shift <= 4) {
      out.push_back(kHexDigits[digit]);
      started = true;
    }
  }
  out.push_back('}');
}

bool IsBidiOrLineControl(char32_t c) {
  return c == 0x061C || c == 0x200E || c == 0x200F || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069) || c == 0x2028 || c == 0x2029;
}

}  // namespace

std::string EscapeForTerminal(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const Utf8Char c = DecodeUtf8At(text, pos);
    if (!c.valid) {
      AppendByteEscape(out, static_cast<unsigned char>(text[pos]));
    } else {
      switch (c.code_point) {
        case '\\': out += "\\\\"; break;
        case '\a': out += "\\a"; break;
        case '\b': out += "\\b"; break;
        case '\t': out += "\\t"; break;
        case '\n': out += "\\n"; break;
        case '\v': out += "\\v"; break;
        case '\f': out += "\\f"; break;
        case '\r': out += "\\r"; break;
        case 0x1B: out += "\\e"; break;
        default:
          if (c.code_point < 0x20 || c.code_point == 0x7F) {
            AppendByteEscape(out, static_cast<unsigned char>(c.code_point));
          } else if ((c.code_point >= 0x80 && c.code_point <= 0x9F) ||
                     IsBidiOrLineControl(c.code_point)) {
            AppendCodePointEscape(out, c.code_point);
          } else {
            out.append(text.substr(pos, c.length));
          }
      }
    }
    pos += c.length;
  }
  return out;
}

std::string EscapeJsonForTerminal(std::string_view json) {
  std::string out;
  out.reserve(json.size());
  std::size_t pos = 0;
  while (pos < json.size()) {
    const Utf8Char c = DecodeUtf8At(json, pos);
    if (!c.valid) {
      out += "\\ufffd";
    } else if (c.code_point < 0x20 || (c.code_point >= 0x7F && c.code_point <= 0x9F) ||
               IsBidiOrLineControl(c.code_point)) {
      out += "\\u";
      for (int shift = 12; shift >= 0; shift -= 4) {
        out.push_back(kHexDigits[(c.code_point >> shift) & 0xF]);
      }
    } else {
      out.append(json.substr(pos, c.length));
    }
    pos += c.length;
  }
  return out;
}

std::string FormatEventForTerminal(const AuditEvent& event) {
  std::string line = FormatRfc3339Millis(event.time_ms);
  line += " #";
  line += std::to_string(event.seq);
  for (const std::string* field : {&event.tenant, &event.actor, &event.type, &event.subject}) {
    line += ' ';
    line += EscapeForTerminal(field->empty() ? std::string_view("-") : *field);
  }
  std::string details;
  if (AppendCanonicalJson(details, event.details, "details").ok()) {
    line += ' ';
    line += EscapeJsonForTerminal(details);
  } else {
    line += " {details not encodable}";
  }
  return line;
}

}  // namespace drawbridge::audit
