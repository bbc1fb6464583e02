// How an answer of the Drawbridge API becomes a drawbridge::Status. The server sends errors as
// {"error": {"code": "invalid_argument", "message": "..."}} with a 4xx/5xx status; the HTTP status
// decides the code here (a server's code string may be one this client does not know) and the
// server's message is kept, since it is written for the person at the terminal. Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "drawbridge/status.h"

namespace drawbridge::client {

struct HttpAnswer {
  int status = 0;
  std::string_view body;
  std::string_view retry_after;  // the Retry-After header, if any
  std::string_view location;     // the Location header of a redirect, if any
};

// OK for 2xx. Otherwise the code the server's {"error": {"code"}} names, when it is one of ours
// and fits the status (a caller's code for 4xx; unavailable, internal or data_loss for 5xx);
// else by status: 401 kUnauthenticated, 403 kPermissionDenied, 404 kNotFound,
// 409 kFailedPrecondition, 429 kResourceExhausted, other 4xx kInvalidArgument, 5xx kUnavailable,
// anything else kInternal. `server` names the address in messages where the server said nothing
// useful.
Status StatusFromHttp(const HttpAnswer& answer, std::string_view server);

// Text from the network made safe for a terminal and cut to `max` bytes.
std::string PrintableExcerpt(std::string_view text, size_t max = 200);

}  // namespace drawbridge::client
