// Local mode: the workflow commands run in this process against a SQLite file and a policy
// (`drawbridge --db FILE --policy PATH --as PRINCIPAL ...`), with no server. Whoever can write
// the database file is trusted as an administrator here; a server adds real authentication.
#pragma once

#include <boost/json/value.hpp>
#include <memory>
#include <string>

#include "classify/payload_analyzer.h"
#include "service/jit_service.h"
#include "service/random_ids.h"

namespace drawbridge::cli {

// Options every command shares; flags, or DRAWBRIDGE_DB / DRAWBRIDGE_POLICY / DRAWBRIDGE_AS /
// DRAWBRIDGE_ADDR / DRAWBRIDGE_OUTPUT. `addr` selects remote mode (cli/backend.h) unless `db` is
// set.
struct GlobalOptions {
  std::string db;
  std::string addr;
  std::string policy;
  std::string as;
  std::string output = "text";
  bool json() const { return output == "json"; }
};

// Opens the local database, creating it when missing; a new file is announced on stderr, so that
// a misspelt --db does not go unnoticed.
StatusOr<std::unique_ptr<Store>> OpenLocalStore(const std::string& path);

class LocalSession {
 public:
  // Opens (creating if needed) the database and the policy, and loads active grants.
  static StatusOr<std::unique_ptr<LocalSession>> Open(const GlobalOptions& options);

  service::JitService& service() { return *service_; }
  Store& store() { return *store_; }
  const WallClock& clock() const { return clock_; }

 private:
  LocalSession() = default;
  SystemWallClock clock_;
  service::RandomIdSource ids_;
  classify::ClassifierAnalyzer analyzer_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<service::JitService> service_;
};

}  // namespace drawbridge::cli
