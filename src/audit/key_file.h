// Checkpoint keys on disk. The one place in the audit layer that touches files, kept apart so the
// rest stays pure; the server and CLI call these at start-up, not on the request path.
//
// The private key file is PKCS #8 PEM with mode 0600. LoadSigningKey refuses a file that group or
// others may read or write, as ssh does for its keys: a checkpoint key that others can read
// proves nothing. Thread-safe (no shared state).
#pragma once

#include <string>

#include "audit/signing_key.h"
#include "drawbridge/status.h"

namespace drawbridge::audit {

// Creates a new key at `path` (mode 0600; fails if the file exists, never overwrites a key).
StatusOr<SigningKey> GenerateSigningKey(const std::string& path);

// Reads a private key; fails if the file's mode grants anything to group or others.
StatusOr<SigningKey> LoadSigningKey(const std::string& path);

// Writes the public key as PEM (mode 0644), replacing an existing file.
Status WriteVerifyingKey(const std::string& path, const VerifyingKey& key);

StatusOr<VerifyingKey> LoadVerifyingKey(const std::string& path);

}  // namespace drawbridge::audit
