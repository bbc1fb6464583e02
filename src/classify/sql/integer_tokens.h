// The integer literals of a SQL string, as written, in order.
//
// libpg_query's JSON output writes every zero or negative integer constant the same way (an empty
// "ival"), so `WHERE id = -3` and `WHERE id = 0` have the same JSON tree. The fingerprint adds the
// text of each integer token from libpg_query's scanner to tell them apart. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace drawbridge::classify::sql {

// Appends each integer token's text, length-prefixed, to `out`. `terminated_sql` must be a
// NUL-terminated string that parses. Returns false if the scanner fails.
bool AppendIntegerTokens(const char* terminated_sql, std::string& out);

}  // namespace drawbridge::classify::sql
