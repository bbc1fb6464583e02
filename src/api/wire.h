// The JSON form of requests, grants and decision explanations, as the HTTP API sends them and
// the CLI's remote mode reads them back. One codec for both directions keeps the server and the
// client from drifting apart: FromJson(ToJson(x)) gives back every field the API shows.
//
// Times are RFC 3339 strings (null when unset). Secrets never appear here.
#pragma once

#include <boost/json/value.hpp>

#include "core/explain.h"
#include "drawbridge/model.h"
#include "drawbridge/status.h"

namespace drawbridge::api {

boost::json::object RequestToJson(const Request& r);
StatusOr<Request> RequestFromJson(const boost::json::value& json);

boost::json::object GrantToJson(const Grant& g);
StatusOr<Grant> GrantFromJson(const boost::json::value& json);

// An API token as listed: never its secret or hash.
boost::json::object TokenToJson(const ApiToken& t);
StatusOr<ApiToken> TokenFromJson(const boost::json::value& json);

// {"decision", "reason", "reason_code", "rules", "grant", "facts", "request": {...}}
// The tree lives in `storage` (an arena on the server's check path).
boost::json::object ExplanationToJson(const core::Explanation& e,
                                      boost::json::storage_ptr storage = {});
StatusOr<core::Explanation> ExplanationFromJson(const boost::json::value& json);
// Human-readable, several lines.
std::string ExplanationToText(const core::Explanation& e);

}  // namespace drawbridge::api
