// Reading the terms of every active grant of a tenant (Store::ForEachActiveGrantTerms) from the
// covering index grants_by_state, which orders a tenant's active grants by (created_at, id).
//
// With two connections the index is read from both ends at once, each on its own thread: one
// ascending, one descending, each decoding rows in batches and claiming them under a lock only
// while they lie beyond what the other has claimed. The scans stop where they meet, so the work
// splits evenly whatever the spread of creation times, with no statistics. The caller's thread
// only visits the claimed batches, so `visit` runs on it, one grant at a time.
//
// Thread-safety: the connections must not be used by anyone else during the call. For one
// consistent result, both must already be in read transactions on the same committed state.
#pragma once

#include <functional>
#include <string>

#include "drawbridge/status.h"
#include "drawbridge/store.h"
#include "store/sqlite/connection.h"

namespace drawbridge::sqlite {

// One ordered scan on the calling thread.
Status ScanActiveGrantTerms(Connection& reader, const std::string& tenant,
                            const std::function<Status(const GrantTerms&)>& visit);

// The two-ended parallel scan described above.
Status ScanActiveGrantTermsFromBothEnds(Connection& ascending, Connection& descending,
                                        const std::string& tenant,
                                        const std::function<Status(const GrantTerms&)>& visit);

}  // namespace drawbridge::sqlite
