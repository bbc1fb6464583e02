// Canonical JSON: the one byte encoding of a JSON value that audit hashes are computed over.
//
// Rules (docs/AUDIT.md, "Canonical JSON"): object keys sorted by their UTF-8 bytes, no
// insignificant whitespace, integers in shortest decimal form, no floating-point numbers, strings
// escaped by one fixed rule (see AppendCanonicalString). Invalid UTF-8 is replaced, so every
// string has an encoding; the encoding is idempotent: parsing canonical output and encoding it
// again gives the same bytes. Pure functions, thread-safe.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "drawbridge/status.h"

namespace drawbridge::audit {

// Nesting limit for values inside an event's details (the details object itself is level 1).
inline constexpr int kMaxDetailsDepth = 32;

// Appends `text` as a quoted JSON string:
//   "  \  backspace  formfeed  newline  return  tab  ->  \"  \\  \b  \f  \n  \r  \t
//   other U+0000..U+001F, U+007F..U+009F              ->  \u00xx (lowercase hex)
//   U+FFFD, and every byte of ill-formed UTF-8         ->  \ufffd
//   everything else, including other non-ASCII         ->  its UTF-8 bytes as they are
void AppendCanonicalString(std::string& out, std::string_view text);

// Appends the canonical encoding of `value`. Fails on a floating-point number anywhere, on
// nesting deeper than `max_depth`, and on two object keys that are equal once invalid UTF-8 is
// replaced. `path` names the value in error messages ("details.rows").
Status AppendCanonicalJson(std::string& out, const boost::json::value& value, std::string_view path,
                           int max_depth = kMaxDetailsDepth);

StatusOr<std::string> CanonicalJson(const boost::json::value& value,
                                    int max_depth = kMaxDetailsDepth);

// A copy of `value` with every string and key made valid UTF-8 (ill-formed bytes become U+FFFD),
// checked to be encodable (no floats, depth, no keys colliding after replacement). What Append
// stores is then exactly what it hashed.
StatusOr<boost::json::value> NormalizeJsonText(const boost::json::value& value,
                                               std::string_view path,
                                               int max_depth = kMaxDetailsDepth);

}  // namespace drawbridge::audit
