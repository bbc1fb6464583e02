#include "client/http_errors.h"

#include <boost/algorithm/string/predicate.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <optional>

namespace drawbridge::client {
namespace {

StatusCode CodeForHttpStatus(int status) {
  switch (status) {
    case 401: return StatusCode::kUnauthenticated;
    case 403: return StatusCode::kPermissionDenied;
    case 404: return StatusCode::kNotFound;
    case 409: return StatusCode::kFailedPrecondition;
    case 429: return StatusCode::kResourceExhausted;
    default: break;
  }
  if (status >= 400 && status < 500) return StatusCode::kInvalidArgument;
  if (status >= 500 && status < 600) return StatusCode::kUnavailable;
  return StatusCode::kInternal;
}

struct ServerError {
  std::optional<StatusCode> code;  // when the server named one of ours
  std::string message;             // empty when the body is not {"error": {"message": ...}}
};

std::optional<StatusCode> StatusCodeNamed(std::string_view name) {
  for (StatusCode code :
       {StatusCode::kInvalidArgument, StatusCode::kNotFound, StatusCode::kAlreadyExists,
        StatusCode::kFailedPrecondition, StatusCode::kPermissionDenied,
        StatusCode::kUnauthenticated, StatusCode::kResourceExhausted, StatusCode::kUnavailable,
        StatusCode::kDataLoss, StatusCode::kInternal}) {
    if (boost::algorithm::iequals(StatusCodeName(code), name)) return code;
  }
  return std::nullopt;
}

// The server's own {"error": {"code", "message"}}: the same mistake then carries the same code
// in remote mode as in local mode (409 alone could be already_exists or failed_precondition).
ServerError ParseServerError(std::string_view body) {
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return {};
  const boost::json::value* error = v.as_object().if_contains("error");
  if (error == nullptr || !error->is_object()) return {};
  ServerError out;
  if (const boost::json::value* code = error->as_object().if_contains("code");
      code != nullptr && code->is_string()) {
    out.code = StatusCodeNamed(code->as_string());
  }
  if (const boost::json::value* message = error->as_object().if_contains("message");
      message != nullptr && message->is_string()) {
    out.message = std::string(message->as_string());
  }
  return out;
}

}  // namespace

std::string PrintableExcerpt(std::string_view text, size_t max) {
  std::string out;
  for (char c : text.substr(0, max)) {
    auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) {
      out += ' ';
    } else {
      out += c;
    }
  }
  if (text.size() > max) out += "...";
  return out;
}

Status StatusFromHttp(const HttpAnswer& answer, std::string_view server) {
  if (answer.status >= 200 && answer.status < 300) return Status::Ok();
  ServerError error = ParseServerError(answer.body);
  // Only a code that fits the status is taken: a 4xx is the caller's, a 5xx the server's.
  StatusCode code = CodeForHttpStatus(answer.status);
  if (error.code) {
    const bool server_side = *error.code == StatusCode::kUnavailable ||
                             *error.code == StatusCode::kInternal ||
                             *error.code == StatusCode::kDataLoss;
    if (server_side == (answer.status >= 500)) code = *error.code;
  }
  std::string message = PrintableExcerpt(error.message, 2000);
  if (answer.status >= 300 && answer.status < 400) {
    message = "the server at " + std::string(server) + " redirects (HTTP " +
              std::to_string(answer.status) + ")";
    if (!answer.location.empty()) {
      message += " to " + PrintableExcerpt(answer.location) + "; use that address instead";
    }
    return {StatusCode::kUnavailable, message};
  }
  if (message.empty()) {
    message =
        "the server at " + std::string(server) + " answered HTTP " + std::to_string(answer.status);
    if (!answer.body.empty()) message += ": " + PrintableExcerpt(answer.body);
  } else if (code == StatusCode::kUnavailable) {
    message = "the server at " + std::string(server) + " is unavailable: " + message;
  }
  if (answer.status == 401) {
    message += " (check DRAWBRIDGE_TOKEN or the token in the config file)";
  }
  if (answer.status == 429 && !answer.retry_after.empty()) {
    message += " (Retry-After: " + PrintableExcerpt(answer.retry_after, 40) + ")";
  }
  return {code, message};
}

}  // namespace drawbridge::client
