// The JSON text in which the SQLite store keeps a record's lists: string lists (roles, actions,
// facts), a scope's label selector and a request's reviews. JSON keeps the file readable with
// the sqlite3 shell and its json_* functions. Pure functions; thread-safe.
//
//   strings:  ["db.query","db.connect"]
//   selector: [["env","prod"],["data","pii"]]          (order and duplicates kept)
//   reviews:  [{"reviewer":"user:bob","approve":true,"comment":"ok","at":1700000000,
//               "self_review":false,"auto_rule":"","group_claims":["dba"]}]
//             (group_claims only when there are some)
//
// Strings are any bytes: quotes, backslashes and control characters are escaped, everything
// else (UTF-8 or not) is kept as it is. Decoding accepts any JSON of those shapes, including
// \uXXXX escapes and unknown review keys; anything else is kDataLoss. String lists and
// selectors are decoded into the strings already in `out`, reusing their buffers.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "drawbridge/model.h"
#include "drawbridge/status.h"

namespace drawbridge::sqlite {

std::string EncodeStrings(const std::vector<std::string>& values);
Status DecodeStrings(std::string_view json, std::vector<std::string>& out);

std::string EncodeSelector(const std::vector<std::pair<std::string, std::string>>& selector);
Status DecodeSelector(std::string_view json, std::vector<std::pair<std::string, std::string>>& out);

std::string EncodeReviews(const std::vector<Review>& reviews);
Status DecodeReviews(std::string_view json, std::vector<Review>& out);

}  // namespace drawbridge::sqlite
