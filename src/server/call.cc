#include "server/call.h"

#include <boost/json.hpp>
#include <cctype>

namespace drawbridge::server {
HttpResponse JsonResponse(http::status status, const boost::json::value& body) {
  HttpResponse r{status, 11};
  r.set(http::field::content_type, "application/json");
  r.set(http::field::cache_control, "no-store");
  r.body() = boost::json::serialize(body);
  r.body() += '\n';
  return r;
}

HttpResponse ErrorResponse(http::status status, std::string_view code, std::string_view message) {
  return JsonResponse(
      status,
      boost::json::object{{"error", boost::json::object{{"code", code}, {"message", message}}}});
}

http::status HttpStatusFor(StatusCode code, bool refused_input) {
  switch (code) {
    case StatusCode::kOk: return http::status::ok;
    case StatusCode::kInvalidArgument:
      return refused_input ? http::status::unprocessable_entity : http::status::bad_request;
    case StatusCode::kNotFound: return http::status::not_found;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition: return http::status::conflict;
    case StatusCode::kPermissionDenied: return http::status::forbidden;
    case StatusCode::kUnauthenticated: return http::status::unauthorized;
    case StatusCode::kResourceExhausted: return http::status::too_many_requests;
    case StatusCode::kUnavailable:
    case StatusCode::kDataLoss: return http::status::service_unavailable;
    case StatusCode::kInternal: return http::status::internal_server_error;
  }
  return http::status::internal_server_error;
}

HttpResponse StatusResponse(const Status& status, bool refused_input) {
  std::string code(StatusCodeName(status.code()));
  for (char& c : code) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  HttpResponse r =
      ErrorResponse(HttpStatusFor(status.code(), refused_input), code, status.message());
  if (status.code() == StatusCode::kUnauthenticated) {
    r.set(http::field::www_authenticate, "Bearer realm=\"drawbridge\"");
  }
  return r;
}

}  // namespace drawbridge::server
