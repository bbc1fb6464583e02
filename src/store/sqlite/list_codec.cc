#include "store/sqlite/list_codec.h"

#include <charconv>
#include <cstdint>

namespace drawbridge::sqlite {
namespace {

void AppendString(std::string& out, std::string_view value) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char c : value) {
    auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte < 0x20) {
      out += "\\u00";
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    } else {
      out += c;
    }
  }
  out += '"';
}

void AppendUtf8(std::string& out, uint32_t code_point) {
  if (code_point < 0x80) {
    out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    out += static_cast<char>(0xc0 | (code_point >> 6));
    out += static_cast<char>(0x80 | (code_point & 0x3f));
  } else if (code_point < 0x10000) {
    out += static_cast<char>(0xe0 | (code_point >> 12));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code_point & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (code_point >> 18));
    out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code_point & 0x3f));
  }
}

// A cursor over JSON text that reads just the shapes above. Every method returns false on
// malformed input and leaves the reader unusable.
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  bool Consume(char c) {
    SkipSpace();
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  bool Peek(char c) {
    SkipSpace();
    return pos_ < text_.size() && text_[pos_] == c;
  }
  bool AtEnd() {
    SkipSpace();
    return pos_ == text_.size();
  }

  // Reads `[ item, item ]`, calling read_item for each.
  template <typename ReadItem>
  bool Array(ReadItem read_item) {
    if (!Consume('[')) return false;
    if (Consume(']')) return true;
    do {
      if (!read_item()) return false;
    } while (Consume(','));
    return Consume(']');
  }

  bool String(std::string& out) {
    out.clear();
    if (!Consume('"')) return false;
    while (pos_ < text_.size()) {
      // Copy the run up to the next quote or escape at once.
      size_t run_end = pos_;
      while (run_end < text_.size() && text_[run_end] != '"' && text_[run_end] != '\\') ++run_end;
      if (run_end == text_.size()) return false;
      out.append(text_.data() + pos_, run_end - pos_);
      pos_ = run_end;
      char c = text_[pos_++];
      if (c == '"') return true;
      if (pos_ >= text_.size()) return false;
      char escape = text_[pos_++];
      switch (escape) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t unit = 0;
          if (!Hex4(unit)) return false;
          if (unit >= 0xd800 && unit < 0xdc00 && text_.substr(pos_, 2) == "\\u") {
            pos_ += 2;
            uint32_t low = 0;
            if (!Hex4(low) || low < 0xdc00 || low >= 0xe000) return false;
            unit = 0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00);
          }
          AppendUtf8(out, unit);
          break;
        }
        default: return false;
      }
    }
    return false;
  }

  bool Int(int64_t& out) {
    SkipSpace();
    const char* begin = text_.data() + pos_;
    auto [end, error] = std::from_chars(begin, text_.data() + text_.size(), out);
    if (error != std::errc()) return false;
    pos_ += static_cast<size_t>(end - begin);
    return true;
  }

  bool Bool(bool& out) {
    SkipSpace();
    if (text_.substr(pos_, 4) == "true") {
      out = true;
      pos_ += 4;
      return true;
    }
    if (text_.substr(pos_, 5) == "false") {
      out = false;
      pos_ += 5;
      return true;
    }
    return false;
  }

  // Skips one scalar value (an unknown key's): a string, number, true, false or null.
  bool SkipScalar() {
    SkipSpace();
    if (Peek('"')) {
      std::string ignored;
      return String(ignored);
    }
    size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] != ',' && text_[pos_] != '}' && text_[pos_] != ']' &&
           text_[pos_] != ' ') {
      ++pos_;
    }
    return pos_ > start;
  }

 private:
  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\n' ||
                                   text_[pos_] == '\t' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Hex4(uint32_t& out) {
    if (pos_ + 4 > text_.size()) return false;
    auto [end, error] = std::from_chars(text_.data() + pos_, text_.data() + pos_ + 4, out, 16);
    if (error != std::errc() || end != text_.data() + pos_ + 4) return false;
    pos_ += 4;
    return true;
  }

  std::string_view text_;
  size_t pos_ = 0;
};

Status Malformed(std::string_view what, std::string_view json) {
  return DataLoss("stored " + std::string(what) +
                  " is not valid JSON: " + std::string(json.substr(0, 80)));
}

bool ReadReview(Reader& reader, Review& review) {
  if (!reader.Consume('{')) return false;
  if (reader.Consume('}')) return true;
  do {
    std::string key;
    if (!reader.String(key) || !reader.Consume(':')) return false;
    bool ok = true;
    if (key == "reviewer") {
      ok = reader.String(review.reviewer);
    } else if (key == "approve") {
      ok = reader.Bool(review.approve);
    } else if (key == "comment") {
      ok = reader.String(review.comment);
    } else if (key == "at") {
      ok = reader.Int(review.at);
    } else if (key == "self_review") {
      ok = reader.Bool(review.self_review);
    } else if (key == "auto_rule") {
      ok = reader.String(review.auto_rule);
    } else if (key == "group_claims") {
      review.group_claims.clear();
      ok = reader.Array([&] { return reader.String(review.group_claims.emplace_back()); });
    } else {
      ok = reader.SkipScalar();
    }
    if (!ok) return false;
  } while (reader.Consume(','));
  return reader.Consume('}');
}

}  // namespace

std::string EncodeStrings(const std::vector<std::string>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i > 0) out += ',';
    AppendString(out, values[i]);
  }
  out += ']';
  return out;
}

Status DecodeStrings(std::string_view json, std::vector<std::string>& out) {
  size_t count = 0;
  if (json != "[]") {
    Reader reader(json);
    bool ok = reader.Array([&] {
      if (count == out.size()) out.emplace_back();
      return reader.String(out[count++]);
    });
    if (!ok || !reader.AtEnd()) {
      out.clear();
      return Malformed("string list", json);
    }
  }
  out.resize(count);
  return Status::Ok();
}

std::string EncodeSelector(const std::vector<std::pair<std::string, std::string>>& selector) {
  std::string out = "[";
  for (size_t i = 0; i < selector.size(); ++i) {
    if (i > 0) out += ',';
    out += '[';
    AppendString(out, selector[i].first);
    out += ',';
    AppendString(out, selector[i].second);
    out += ']';
  }
  out += ']';
  return out;
}

Status DecodeSelector(std::string_view json,
                      std::vector<std::pair<std::string, std::string>>& out) {
  size_t count = 0;
  if (json != "[]") {
    Reader reader(json);
    bool ok = reader.Array([&] {
      if (count == out.size()) out.emplace_back();
      auto& [key, value] = out[count++];
      return reader.Consume('[') && reader.String(key) && reader.Consume(',') &&
             reader.String(value) && reader.Consume(']');
    });
    if (!ok || !reader.AtEnd()) {
      out.clear();
      return Malformed("scope selector", json);
    }
  }
  out.resize(count);
  return Status::Ok();
}

std::string EncodeReviews(const std::vector<Review>& reviews) {
  std::string out = "[";
  for (size_t i = 0; i < reviews.size(); ++i) {
    const Review& review = reviews[i];
    if (i > 0) out += ',';
    out += "{\"reviewer\":";
    AppendString(out, review.reviewer);
    out += ",\"approve\":";
    out += review.approve ? "true" : "false";
    out += ",\"comment\":";
    AppendString(out, review.comment);
    out += ",\"at\":" + std::to_string(review.at);
    out += ",\"self_review\":";
    out += review.self_review ? "true" : "false";
    out += ",\"auto_rule\":";
    AppendString(out, review.auto_rule);
    if (!review.group_claims.empty()) {
      out += ",\"group_claims\":";
      out += EncodeStrings(review.group_claims);
    }
    out += '}';
  }
  out += ']';
  return out;
}

Status DecodeReviews(std::string_view json, std::vector<Review>& out) {
  out.clear();
  if (json == "[]") return Status::Ok();
  Reader reader(json);
  bool ok = reader.Array([&] { return ReadReview(reader, out.emplace_back()); });
  if (!ok || !reader.AtEnd()) return Malformed("reviews", json);
  return Status::Ok();
}

}  // namespace drawbridge::sqlite
