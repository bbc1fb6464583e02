#include "audit/canonical_json.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <deque>
#include <utility>
#include <vector>

#include "audit/utf8.h"

namespace drawbridge::audit {
namespace {

void AppendUnicodeEscape(std::string& out, char32_t code_point) {
  static constexpr char kDigits[] = "0123456789abcdef";
  out += "\\u";
  for (int shift = 12; shift >= 0; shift -= 4) out.push_back(kDigits[(code_point >> shift) & 0xF]);
}

template <typename Integer>
void AppendInteger(std::string& out, Integer value) {
  char buffer[24];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, end);
}

// Where a value sits ("details.rows[2]"), built only when an error needs it: encoding is on the
// append path of every audited operation, so success must not pay for error messages.
struct Path {
  const Path* parent;
  std::string_view key;  // a member name, or the root's name when parent is null
  std::size_t index;     // the array index, when is_index
  bool is_index = false;

  std::string Render() const {
    std::string out = parent != nullptr ? parent->Render() : std::string();
    if (parent == nullptr) {
      out += key;
    } else if (!is_index) {
      out += '.';
      out += SanitizeUtf8(key);
    } else {
      out += '[';
      AppendInteger(out, index);
      out += ']';
    }
    return out;
  }
};

Status FloatError(const Path& path) {
  return InvalidArgument(path.Render() +
                         " is a floating-point number; audit records hold integers and strings "
                         "only, so record it as a string or in integer units");
}

Status DepthError(const Path& path) {
  return InvalidArgument(path.Render() + " nests too deeply; audit details allow " +
                         std::to_string(kMaxDetailsDepth) + " levels");
}

Status DuplicateKeyError(const Path& path, std::string_view key) {
  return InvalidArgument(path.Render() + " has two keys that read \"" + SanitizeUtf8(key) +
                         "\" once invalid UTF-8 is replaced");
}

struct Member {
  std::string_view key;  // valid UTF-8: the original key, or a sanitized copy kept alive outside
  const boost::json::value* value;
};

// Object members in canonical order, with keys made valid UTF-8; `storage` owns replaced keys.
StatusOr<std::vector<Member>> SortedMembers(const boost::json::object& object, const Path& path,
                                            std::deque<std::string>& storage) {
  std::vector<Member> members;
  members.reserve(object.size());
  for (const auto& entry : object) {
    std::string_view key = entry.key();
    if (!IsValidUtf8(key)) key = storage.emplace_back(SanitizeUtf8(key));
    members.push_back({key, &entry.value()});
  }
  // std::string_view compares as unsigned bytes (char_traits<char>::compare is memcmp-like),
  // which for UTF-8 is also code point order.
  std::sort(members.begin(), members.end(),
            [](const Member& a, const Member& b) { return a.key < b.key; });
  for (std::size_t i = 1; i < members.size(); ++i) {
    if (members[i].key == members[i - 1].key) return DuplicateKeyError(path, members[i].key);
  }
  return members;
}

}  // namespace

void AppendCanonicalString(std::string& out, std::string_view text) {
  out.push_back('"');
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (byte >= 0x20 && byte < 0x7F && byte != '"' && byte != '\\') {
      // Runs of plain ASCII are the common case; copy them in one go.
      std::size_t end = pos + 1;
      while (end < text.size()) {
        const auto next = static_cast<unsigned char>(text[end]);
        if (next < 0x20 || next >= 0x7F || next == '"' || next == '\\') break;
        ++end;
      }
      out.append(text.substr(pos, end - pos));
      pos = end;
      continue;
    }
    const Utf8Char c = DecodeUtf8At(text, pos);
    switch (c.code_point) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (!c.valid || c.code_point == kReplacementCharacter || c.code_point < 0x20 ||
            (c.code_point >= 0x7F && c.code_point <= 0x9F)) {
          AppendUnicodeEscape(out, c.code_point);
        } else {
          out.append(text.substr(pos, c.length));
        }
    }
    pos += c.length;
  }
  out.push_back('"');
}

namespace {

Status EncodeValue(std::string& out, const boost::json::value& value, const Path& path,
                   int depth_left) {
  switch (value.kind()) {
    case boost::json::kind::null: out += "null"; return Status::Ok();
    case boost::json::kind::bool_: out += value.get_bool() ? "true" : "false"; return Status::Ok();
    case boost::json::kind::int64: AppendInteger(out, value.get_int64()); return Status::Ok();
    case boost::json::kind::uint64: AppendInteger(out, value.get_uint64()); return Status::Ok();
    case boost::json::kind::double_: return FloatError(path);
    case boost::json::kind::string:
      AppendCanonicalString(out, value.get_string());
      return Status::Ok();
    case boost::json::kind::array: {
      if (depth_left <= 0) return DepthError(path);
      out.push_back('[');
      const auto& array = value.get_array();
      for (std::size_t i = 0; i < array.size(); ++i) {
        if (i > 0) out.push_back(',');
        DB_RETURN_IF_ERROR(EncodeValue(out, array[i], Path{&path, {}, i, true}, depth_left - 1));
      }
      out.push_back(']');
      return Status::Ok();
    }
    case boost::json::kind::object: {
      if (depth_left <= 0) return DepthError(path);
      std::deque<std::string> storage;
      DB_ASSIGN_OR_RETURN(std::vector<Member> members,
                          SortedMembers(value.get_object(), path, storage));
      out.push_back('{');
      for (std::size_t i = 0; i < members.size(); ++i) {
        if (i > 0) out.push_back(',');
        AppendCanonicalString(out, members[i].key);
        out.push_back(':');
        DB_RETURN_IF_ERROR(EncodeValue(out, *members[i].value,
                                       Path{&path, members[i].key, 0, false}, depth_left - 1));
      }
      out.push_back('}');
      return Status::Ok();
    }
  }
  return Internal("unknown JSON value kind at " + path.Render());
}

StatusOr<boost::json::value> Normalize(const boost::json::value& value, const Path& path,
                                       int depth_left) {
  switch (value.kind()) {
    case boost::json::kind::null:
    case boost::json::kind::bool_:
    case boost::json::kind::int64:
    case boost::json::kind::uint64: return value;
    case boost::json::kind::double_: return FloatError(path);
    case boost::json::kind::string: {
      std::string_view text = value.get_string();
      if (IsValidUtf8(text)) return value;
      return boost::json::value(SanitizeUtf8(text));
    }
    case boost::json::kind::array: {
      if (depth_left <= 0) return DepthError(path);
      boost::json::array out;
      const auto& array = value.get_array();
      out.reserve(array.size());
      for (std::size_t i = 0; i < array.size(); ++i) {
        DB_ASSIGN_OR_RETURN(boost::json::value item,
                            Normalize(array[i], Path{&path, {}, i, true}, depth_left - 1));
        out.push_back(std::move(item));
      }
      return boost::json::value(std::move(out));
    }
    case boost::json::kind::object: {
      if (depth_left <= 0) return DepthError(path);
      boost::json::object out;
      for (const auto& entry : value.get_object()) {
        std::string key = SanitizeUtf8(entry.key());
        if (out.contains(key)) return DuplicateKeyError(path, key);
        DB_ASSIGN_OR_RETURN(boost::json::value item,
                            Normalize(entry.value(), Path{&path, key, 0, false}, depth_left - 1));
        out.emplace(key, std::move(item));
      }
      return boost::json::value(std::move(out));
    }
  }
  return Internal("unknown JSON value kind at " + path.Render());
}

}  // namespace

Status AppendCanonicalJson(std::string& out, const boost::json::value& value, std::string_view path,
                           int max_depth) {
  return EncodeValue(out, value, Path{nullptr, path, 0, false}, max_depth);
}

StatusOr<std::string> CanonicalJson(const boost::json::value& value, int max_depth) {
  std::string out;
  DB_RETURN_IF_ERROR(AppendCanonicalJson(out, value, "value", max_depth));
  return out;
}

StatusOr<boost::json::value> NormalizeJsonText(const boost::json::value& value,
                                               std::string_view path, int max_depth) {
  return Normalize(value, Path{nullptr, path, 0, false}, max_depth);
}

}  // namespace drawbridge::audit
