// The paths the server answers and the methods and query parameters each takes: the one table
// that routing, 405's Allow header, the query-parameter check and the OpenAPI test read.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <ostream>  // Boost's string_view (under verb.hpp) needs std::ostream defined
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace drawbridge::server {

struct ApiRoute {
  std::string_view path;  // the template: "/v1/requests/{id}/reviews"
  std::vector<boost::beast::http::verb> methods;
  // The query parameters GET (and HEAD) reads there; other methods read none. Anything else is
  // refused, so that a misspelt filter (`?stat=pending`) never silently returns everything.
  std::vector<std::string_view> get_query = {};

  // HEAD is answered wherever GET is, as GET without the body (RFC 9110 §9.3.2).
  bool Allows(boost::beast::http::verb method) const;
};

// /healthz, /readyz and /metrics: no tenant, no /v1 token.
std::span<const ApiRoute> HealthRoutes();
// Everything under /v1.
std::span<const ApiRoute> ApiRoutes();

const ApiRoute* MatchHealthRoute(std::string_view path);
// The route whose template `path` fits, its {id} segments (non-empty) appended to `params`.
const ApiRoute* MatchApiRoute(std::string_view path, std::vector<std::string>& params);

}  // namespace drawbridge::server
