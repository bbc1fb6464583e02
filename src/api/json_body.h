// Reading a request body as JSON, strictly: besides being well-formed, no object in it may name
// the same key twice. A parser that keeps the last of two keys lets a body say one thing to a
// reader that keeps the first (a proxy, a log scanner) and another to the server, so a
// duplicate is refused outright. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace drawbridge::api {

// The first key that some object in `json_text` holds twice, or nothing. For text that is
// already known to parse: on malformed text the answer means nothing.
std::optional<std::string> FindDuplicateKey(std::string_view json_text);

}  // namespace drawbridge::api
