// The parts of an HTTP request read before it is routed: its target (path and query) and its
// Content-Type. Pure functions over untrusted text; fuzzed by fuzz/api_input_fuzz.cc.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "drawbridge/status.h"

namespace drawbridge::api {

// Splits a request target into a decoded path and query. Refuses broken percent-encoding and a
// query parameter given twice: as with a JSON key, one reader could take the first and another
// the last, so the target must mean one thing. In the path, escapes of '/' and '%' stay as %2F and
// %25, so that the path still splits into its segments at each '/'; DecodePathSegment then
// decodes one segment (an id that holds a '/').
Status ParseTarget(std::string_view target, std::string& path,
                   std::map<std::string, std::string, std::less<>>& query);
std::string DecodePathSegment(std::string_view segment);

// A Content-Type value read per RFC 9110 §8.3.1: `type/subtype *(OWS ";" OWS name=value)`.
struct MediaType {
  std::string essence;  // "type/subtype" in lowercase, without parameters or white space
  std::string charset;  // the charset parameter's value in lowercase, unquoted; "" when absent
};
MediaType ParseMediaType(std::string_view header);

}  // namespace drawbridge::api
