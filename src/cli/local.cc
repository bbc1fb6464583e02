#include "cli/local.h"

#include <boost/json.hpp>

#include "cli/commands.h"
#include "cli/io.h"
#include "core/time_format.h"
#include "policy/compiler.h"
#include "store/sqlite/sqlite_store.h"

namespace drawbridge::cli {

StatusOr<std::unique_ptr<LocalSession>> LocalSession::Open(const GlobalOptions& options) {
  if (options.db.empty()) {
    return InvalidArgument("no database: give --db FILE (or set DRAWBRIDGE_DB)");
  }
  if (options.policy.empty()) {
    return InvalidArgument("no policy: give --policy PATH (or set DRAWBRIDGE_POLICY)");
  }
  auto policy = policy::LoadAndCompile(options.policy);
  if (!policy.ok()) return policy.status();
  auto store = SqliteStore::Open({.path = options.db});
  if (!store.ok()) return store.status().WithContext("opening " + options.db);
  std::unique_ptr<LocalSession> session(new LocalSession());
  session->store_ = std::move(store).value();
  auto service = service::JitService::Open(*policy, *session->store_, session->clock_,
                                           session->ids_, session->analyzer_);
  if (!service.ok()) return service.status();
  session->service_ = std::move(service).value();
  return session;
}

}  // namespace drawbridge::cli
