// ParseTree: a PostgreSQL string parsed by libpg_query into its JSON parse tree.
//
// Each statement of the string is one element of statements(), as libpg_query emits it:
// {"stmt": {"<NodeType>": {...fields}}, "stmt_location": n, "stmt_len": n}. The tree lives in
// memory owned by the ParseTree, so the object is neither copyable nor movable; make one per call.
// Thread-compatible (libpg_query itself is safe to call from several threads at once).
#pragma once

#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "drawbridge/status.h"

namespace drawbridge::classify::sql {

class ParseTree {
 public:
  ParseTree();
  ParseTree(const ParseTree&) = delete;
  ParseTree& operator=(const ParseTree&) = delete;

  // Parses `sql`. Fails with kInvalidArgument when the text is not valid PostgreSQL (the message
  // carries the parser's message and the 1-based byte position), when it holds a NUL byte (which
  // would hide everything after it from the parser), or when it nests deeper than we walk.
  Status Parse(std::string_view sql);

  // Valid after a successful Parse; empty for empty or comment-only input.
  const boost::json::array& statements() const { return *statements_; }

 private:
  unsigned char initial_buffer_[16 * 1024];
  boost::json::monotonic_resource resource_;
  boost::json::value root_;
  const boost::json::array* statements_ = nullptr;
};

}  // namespace drawbridge::classify::sql
