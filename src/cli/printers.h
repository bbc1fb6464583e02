// How the workflow commands show requests and grants: one line each, or one JSON object each
// with --output json (the API's own encoding, src/api/wire.h). Shared by local and remote mode,
// so both print exactly the same thing. Text output escapes every string it shows with
// audit::EscapeForTerminal (requests carry user text: reasons, SQL, argv); JSON output is the
// wire encoding, whose own escaping already keeps control characters out.
#pragma once

#include <vector>

#include "cli/local.h"
#include "drawbridge/model.h"

namespace drawbridge::cli {

void PrintRequest(const GlobalOptions& g, const Request& r);
// The request line, then its reason, ticket, source IP, rule, exact action and reviews.
void PrintRequestDetail(const GlobalOptions& g, const Request& r);
void PrintGrant(const GlobalOptions& g, const Grant& grant);
// A JSON array with --output json, else one line each.
void PrintRequests(const GlobalOptions& g, const std::vector<Request>& requests);
void PrintGrants(const GlobalOptions& g, const std::vector<Grant>& grants);

}  // namespace drawbridge::cli
