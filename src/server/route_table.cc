#include "server/route_table.h"

#include <algorithm>

#include "api/request_head.h"

namespace drawbridge::server {

namespace http = boost::beast::http;

namespace {

constexpr http::verb kGet = http::verb::get, kPost = http::verb::post, kPut = http::verb::put;

const ApiRoute kHealthRoutes[] = {
    {"/healthz", {kGet}},
    {"/readyz", {kGet}},
    {"/metrics", {kGet}},
};

const ApiRoute kApiRoutes[] = {
    {"/v1/check", {kPost}},
    {"/v1/requests", {kGet, kPost}, {"state", "mine", "limit"}},
    {"/v1/requests/{id}", {kGet}, {"wait", "reviews"}},
    {"/v1/requests/{id}/reviews", {kPost}},
    {"/v1/requests/{id}/cancel", {kPost}},
    {"/v1/grants", {kGet}, {"state", "mine", "principal", "limit"}},
    {"/v1/grants/{id}/revoke", {kPost}},
    {"/v1/grants/{id}/release", {kPost}},
    {"/v1/audit",
     {kGet},
     {"after", "limit", "since", "until", "principal", "resource", "type", "format"}},
    {"/v1/audit/verify", {kGet}},
    {"/v1/policy", {kGet, kPut}},
    {"/v1/whoami", {kGet}},
    {"/v1/tokens", {kGet, kPost}},
    {"/v1/tokens/{id}/revoke", {kPost}},
};

}  // namespace

bool ApiRoute::Allows(http::verb method) const {
  if (method == http::verb::head) method = http::verb::get;
  return std::find(methods.begin(), methods.end(), method) != methods.end();
}

std::span<const ApiRoute> HealthRoutes() {
  return kHealthRoutes;
}
std::span<const ApiRoute> ApiRoutes() {
  return kApiRoutes;
}

const ApiRoute* MatchHealthRoute(std::string_view path) {
  for (const ApiRoute& route : kHealthRoutes) {
    if (route.path == path) return &route;
  }
  return nullptr;
}

const ApiRoute* MatchApiRoute(std::string_view path, std::vector<std::string>& params) {
  for (const ApiRoute& route : kApiRoutes) {
    std::string_view want = route.path, have = path;
    std::vector<std::string> found;
    bool fits = true;
    while (fits && !want.empty() && !have.empty()) {
      const size_t want_end = std::min(want.find('/', 1), want.size());
      const size_t have_end = std::min(have.find('/', 1), have.size());
      std::string_view want_segment = want.substr(0, want_end);
      std::string_view have_segment = have.substr(0, have_end);
      if (want_segment == "/{id}") {
        fits = have_segment.size() > 1;
        if (fits) found.push_back(api::DecodePathSegment(have_segment.substr(1)));
      } else {
        fits = want_segment == have_segment;
      }
      want.remove_prefix(want_end);
      have.remove_prefix(have_end);
    }
    if (fits && want.empty() && have.empty()) {
      for (std::string& p : found) params.push_back(std::move(p));
      return &route;
    }
  }
  return nullptr;
}

}  // namespace drawbridge::server
