// Fuzzes what the HTTP API reads from a client before and while deciding: the request target,
// the Content-Type, a JSON body (duplicate keys, then a check), and the wire objects the CLI reads
// back from a server, plus the durations of `?wait=`. Beyond "never crash", it checks that what
// parses reads back the same after its own re-encoding.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>

#include "api/check_input.h"
#include "api/json_body.h"
#include "api/request_head.h"
#include "api/wire.h"
#include "policy/durations.h"

namespace {

namespace json = boost::json;
using namespace drawbridge;

void Check(bool condition) {
  if (!condition) std::abort();
}

bool HasUpper(std::string_view s) {
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') return true;
  }
  return false;
}

bool IsBlank(char c) {
  return c == ' ' || c == '\t';
}

// Every %XX to its byte; `text` is valid percent-encoding.
std::string DecodeEveryEscape(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%') {
      out += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += text[i];
    }
  }
  return out;
}

void FuzzHead(std::string_view text) {
  std::string path;
  std::map<std::string, std::string, std::less<>> query;
  if (api::ParseTarget(text, path, query).ok()) {
    const std::string_view raw_path = text.substr(0, text.find('?'));
    // Decoding only ever shortens, and leaves text without escapes as it was.
    Check(path.size() <= raw_path.size());
    if (raw_path.find('%') == std::string_view::npos) Check(path == raw_path);
    // The escapes the path keeps (of '/' and '%') lose nothing: decoding them gives what
    // decoding every escape of the raw path gives.
    Check(api::DecodePathSegment(path) == DecodeEveryEscape(raw_path));
  }
  const api::MediaType type = api::ParseMediaType(text);
  // Compared as lowercase, trimmed; what is inside garbage stays, but never matches a type.
  Check(!HasUpper(type.essence) && !HasUpper(type.charset));
  Check(type.essence.empty() || (!IsBlank(type.essence.front()) && !IsBlank(type.essence.back())));

  if (auto seconds = policy::ParseDuration(text)) {
    Check(seconds->count() > 0);
    Check(policy::ParseDuration(policy::FormatDuration(*seconds)) == seconds);
  }
}

// A check body as the server reads it; if it is accepted, its own encoding reads back the same.
void FuzzCheck(const json::value& body) {
  api::CheckInput input;
  if (!api::ParseCheckJson(body, input).ok()) return;
  (void)input.View();
  const json::object encoded = api::CheckInputToJson(input);
  api::CheckInput again;
  Check(api::ParseCheckJson(encoded, again).ok());
  Check(api::CheckInputToJson(again) == encoded);
}

// Wire objects as the CLI reads them from a server: what reads encodes to what reads again.
void FuzzWire(const json::value& body) {
  if (auto request = api::RequestFromJson(body); request.ok()) {
    const json::object encoded = api::RequestToJson(*request);
    auto again = api::RequestFromJson(encoded);
    Check(again.ok() && api::RequestToJson(*again) == encoded);
  }
  if (auto grant = api::GrantFromJson(body); grant.ok()) {
    const json::object encoded = api::GrantToJson(*grant);
    auto again = api::GrantFromJson(encoded);
    Check(again.ok() && api::GrantToJson(*again) == encoded);
  }
  if (auto token = api::TokenFromJson(body); token.ok()) {
    const json::object encoded = api::TokenToJson(*token);
    auto again = api::TokenFromJson(encoded);
    Check(again.ok() && api::TokenToJson(*again) == encoded);
  }
  (void)api::ExplanationFromJson(body);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  FuzzHead(text);

  boost::system::error_code ec;
  const json::value body = json::parse(text, ec);
  if (ec) return 0;
  // The duplicate-key reader is only ever given text that parsed. The parsed tree kept one of
  // each key, so its encoding must never be taken for a body with a duplicate.
  const std::optional<std::string> duplicate = api::FindDuplicateKey(text);
  Check(!api::FindDuplicateKey(json::serialize(body)));
  if (duplicate || !body.is_object()) return 0;
  FuzzCheck(body);
  FuzzWire(body);
  return 0;
}
