// The policy a Drawbridge server is serving, read with GET /v1/policy (docs/API.md): the text of
// each of its files as it was loaded, for `drawbridge policy explain --server`.
//
// Any token may read it. For user and checker tokens the server cuts every webhook URL to its
// scheme, host and port (or withholds a file whose URLs it cannot cut in place), so the texts
// may differ from the files on the server; the version is always the server's own. Uses the
// remote-mode client config (cli/backend.h). Not thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "cli/local.h"
#include "drawbridge/status.h"

namespace drawbridge::cli {

struct ServedPolicy {
  std::string version;    // hex SHA-256 of the files as loaded on the server
  std::string loaded_at;  // RFC 3339
  std::vector<std::pair<std::string, std::string>> files;  // (name, text), in name order
};

// Fails with the server's error, or kInternal when the answer is not the documented shape.
StatusOr<ServedPolicy> FetchServedPolicy(const GlobalOptions& g);

}  // namespace drawbridge::cli
