#include "classify/sql/integer_tokens.h"

#include <pg_query.h>

#include <cstdint>
#include <cstring>
#include <optional>

namespace drawbridge::classify::sql {
namespace {

// Field numbers and enum values from pg_query.proto (ScanResult, ScanToken, Token).
constexpr uint32_t kScanResultTokensField = 2;
constexpr uint32_t kScanTokenStartField = 1;
constexpr uint32_t kScanTokenEndField = 2;
constexpr uint32_t kScanTokenTokenField = 4;
constexpr uint64_t kIntegerConstantToken = 266;  // ICONST

constexpr uint32_t kWireVarint = 0;
constexpr uint32_t kWireFixed64 = 1;
constexpr uint32_t kWireLengthDelimited = 2;
constexpr uint32_t kWireFixed32 = 5;

// A cursor over protobuf wire format: just enough to read ScanResult.
class WireReader {
 public:
  WireReader(const uint8_t* data, size_t size) : pos_(data), end_(data + size) {}

  bool done() const { return pos_ >= end_; }

  std::optional<uint64_t> Varint() {
    uint64_t value = 0;
    for (int shift = 0; shift < 64 && pos_ < end_; shift += 7) {
      uint8_t byte = *pos_++;
      value |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) return value;
    }
    return std::nullopt;
  }

  // Reads a field header; returns false at a malformed one.
  bool Header(uint32_t& field, uint32_t& wire_type) {
    std::optional<uint64_t> key = Varint();
    if (!key) return false;
    field = static_cast<uint32_t>(*key >> 3);
    wire_type = static_cast<uint32_t>(*key & 7);
    return true;
  }

  // The bytes of a length-delimited field.
  std::optional<WireReader> Bytes() {
    std::optional<uint64_t> length = Varint();
    if (!length || *length > static_cast<uint64_t>(end_ - pos_)) return std::nullopt;
    WireReader inner(pos_, *length);
    pos_ += *length;
    return inner;
  }

  bool Skip(uint32_t wire_type) {
    switch (wire_type) {
      case kWireVarint: return Varint().has_value();
      case kWireLengthDelimited: return Bytes().has_value();
      case kWireFixed64: return Advance(8);
      case kWireFixed32: return Advance(4);
      default: return false;
    }
  }

 private:
  bool Advance(size_t n) {
    if (static_cast<size_t>(end_ - pos_) < n) return false;
    pos_ += n;
    return true;
  }

  const uint8_t* pos_;
  const uint8_t* end_;
};

struct Token {
  uint64_t start = 0;
  uint64_t end = 0;
  uint64_t kind = 0;
};

std::optional<Token> ReadToken(WireReader reader) {
  Token token;
  while (!reader.done()) {
    uint32_t field = 0;
    uint32_t wire_type = 0;
    if (!reader.Header(field, wire_type)) return std::nullopt;
    if (wire_type == kWireVarint && (field == kScanTokenStartField || field == kScanTokenEndField ||
                                     field == kScanTokenTokenField)) {
      std::optional<uint64_t> value = reader.Varint();
      if (!value) return std::nullopt;
      if (field == kScanTokenStartField) token.start = *value;
      if (field == kScanTokenEndField) token.end = *value;
      if (field == kScanTokenTokenField) token.kind = *value;
    } else if (!reader.Skip(wire_type)) {
      return std::nullopt;
    }
  }
  return token;
}

}  // namespace

bool AppendIntegerTokens(const char* terminated_sql, std::string& out) {
  PgQueryScanResult result = pg_query_scan(terminated_sql);
  bool ok = result.error == nullptr;
  const size_t sql_size = std::strlen(terminated_sql);
  WireReader reader(reinterpret_cast<const uint8_t*>(result.pbuf.data), ok ? result.pbuf.len : 0);
  while (ok && !reader.done()) {
    uint32_t field = 0;
    uint32_t wire_type = 0;
    ok = reader.Header(field, wire_type);
    if (!ok) break;
    if (field != kScanResultTokensField || wire_type != kWireLengthDelimited) {
      ok = reader.Skip(wire_type);
      continue;
    }
    std::optional<WireReader> token_bytes = reader.Bytes();
    std::optional<Token> token = token_bytes ? ReadToken(*token_bytes) : std::nullopt;
    ok = token.has_value() && token->start <= token->end && token->end <= sql_size;
    if (!ok || token->kind != kIntegerConstantToken) continue;
    uint64_t length = token->end - token->start;
    for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(length >> (8 * i)));
    out.append(terminated_sql + token->start, length);
  }
  pg_query_free_scan_result(result);
  return ok;
}

}  // namespace drawbridge::classify::sql
