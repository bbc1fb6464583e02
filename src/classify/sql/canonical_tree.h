// The canonical byte form of a parse tree, for fingerprints.
//
// Every value of the tree is written in order with its type and length, so two trees have the same
// bytes exactly when they are the same tree. Positions ("location", "stmt_location", "stmt_len")
// are left out, so whitespace, comments and keyword case do not change the bytes; constants are
// kept. Pure; thread-safe.
#pragma once

#include <boost/json.hpp>
#include <string>

namespace drawbridge::classify::sql {

// Appends the canonical form of `tree` to `out`.
void AppendCanonicalTree(const boost::json::value& tree, std::string& out);

}  // namespace drawbridge::classify::sql
