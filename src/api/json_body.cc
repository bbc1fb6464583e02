#include "api/json_body.h"

#include <boost/json/basic_parser_impl.hpp>
#include <vector>

namespace drawbridge::api {
namespace {

using boost::json::error_code;
using boost::json::string_view;

// A SAX handler that keeps the keys of every open object in one flat list (each object's keys
// start where it began), and stops at the first repeat. Objects in API bodies are small: a
// linear search beats hashing, and two allocations per body beat one per object. This runs on
// every check, so it stays cheap.
class DuplicateKeyHandler {
 public:
  DuplicateKeyHandler() {
    keys_.reserve(16);
    starts_.reserve(8);
  }

  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  std::optional<std::string> duplicate;

  bool on_document_begin(error_code&) { return true; }
  bool on_document_end(error_code&) { return true; }
  bool on_array_begin(error_code&) { return true; }
  bool on_array_end(std::size_t, error_code&) { return true; }
  bool on_object_begin(error_code&) {
    starts_.push_back(keys_.size());
    return true;
  }
  bool on_object_end(std::size_t, error_code&) {
    keys_.resize(starts_.back());
    starts_.pop_back();
    return true;
  }
  bool on_string_part(string_view, std::size_t, error_code&) { return true; }
  bool on_string(string_view, std::size_t, error_code&) { return true; }
  bool on_key_part(string_view s, std::size_t, error_code&) {
    key_.append(s.data(), s.size());
    return true;
  }
  bool on_key(string_view s, std::size_t, error_code& ec) {
    key_.append(s.data(), s.size());
    for (size_t i = starts_.back(); i < keys_.size(); ++i) {
      if (keys_[i] == key_) {
        duplicate = std::move(key_);
        // Any error stops the parser; the caller looks at `duplicate`, not at the code.
        ec = boost::json::error::extra_data;
        return false;
      }
    }
    keys_.push_back(std::move(key_));
    key_.clear();
    return true;
  }
  bool on_number_part(string_view, error_code&) { return true; }
  bool on_int64(std::int64_t, string_view, error_code&) { return true; }
  bool on_uint64(std::uint64_t, string_view, error_code&) { return true; }
  bool on_double(double, string_view, error_code&) { return true; }
  bool on_bool(bool, error_code&) { return true; }
  bool on_null(error_code&) { return true; }
  bool on_comment_part(string_view, error_code&) { return true; }
  bool on_comment(string_view, error_code&) { return true; }

 private:
  std::vector<std::string> keys_;  // the keys of every open object, outermost first
  std::vector<size_t> starts_;     // where each open object's keys begin in keys_
  std::string key_;
};

}  // namespace

std::optional<std::string> FindDuplicateKey(std::string_view json_text) {
  boost::json::basic_parser<DuplicateKeyHandler> parser(boost::json::parse_options{});
  error_code ec;
  parser.write_some(false, json_text.data(), json_text.size(), ec);
  return std::move(parser.handler().duplicate);
}

}  // namespace drawbridge::api
