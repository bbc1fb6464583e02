// One API call on its way through the server: the exchange, who is calling, which tenant, and
// the route it matched. Also the JSON response helpers every endpoint shares.
#pragma once

#include <atomic>
#include <boost/json/value.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/request_head.h"
#include "auth/caller.h"
#include "drawbridge/status.h"
#include "server/http.h"

namespace drawbridge::server {

struct Tenant;

struct Call {
  std::shared_ptr<Exchange> exchange;
  size_t in_flight_stripe = 0;           // where the server counted it in (in_flight.h)
  std::string_view route = "unmatched";  // template for metrics: "/v1/requests/{id}"
  std::string path;                      // decoded path
  std::map<std::string, std::string, std::less<>> query;
  std::vector<std::string> params;  // path parameters in order
  auth::Caller caller;
  Tenant* tenant = nullptr;
  bool responded = false;
  std::atomic<bool> client_gone{false};  // the client closed the connection during a long poll
  std::shared_ptr<void> long_poll_slot;  // held for as long as the call waits (ConcurrencyQuota)
  std::optional<size_t> reviews_seen;    // a long poll's request had this many reviews at first

  HttpRequest& request() { return exchange->request; }
  const std::string* Query(std::string_view key) const {
    auto it = query.find(key);
    return it == query.end() ? nullptr : &it->second;
  }
};

using api::MediaType;
using api::ParseMediaType;
using api::ParseTarget;

HttpResponse JsonResponse(http::status status, const boost::json::value& body);
HttpResponse ErrorResponse(http::status status, std::string_view code, std::string_view message);
// A Status as an API error. `refused_input` maps kInvalidArgument to 422 (well-formed but
// refused by the workflow) instead of 400 (malformed).
HttpResponse StatusResponse(const Status& status, bool refused_input = true);
http::status HttpStatusFor(StatusCode code, bool refused_input);

}  // namespace drawbridge::server
