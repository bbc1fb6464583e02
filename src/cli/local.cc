#include "cli/local.h"

#include <boost/json.hpp>
#include <filesystem>

#include "cli/commands.h"
#include "cli/io.h"
#include "core/time_format.h"
#include "policy/compiler.h"
#include "store/sqlite/sqlite_store.h"

namespace drawbridge::cli {

StatusOr<std::unique_ptr<Store>> OpenLocalStore(const std::string& path) {
  std::error_code ec;
  const bool existed = std::filesystem::exists(path, ec);
  auto store = SqliteStore::Open({.path = path});
  if (!store.ok()) return store.status().WithContext("opening " + path);
  if (!existed && !ec) {
    PrintNote("created a new, empty database " + path +
              " (if you meant an existing one, check the path)");
  }
  return std::unique_ptr<Store>(std::move(store).value());
}

StatusOr<std::unique_ptr<LocalSession>> LocalSession::Open(const GlobalOptions& options) {
  if (options.db.empty()) {
    return InvalidArgument("no database: give --db FILE (or set DRAWBRIDGE_DB)");
  }
  if (options.policy.empty()) {
    return InvalidArgument("no policy: give --policy PATH (or set DRAWBRIDGE_POLICY)");
  }
  auto policy = policy::LoadAndCompile(options.policy);
  if (!policy.ok()) return policy.status();
  auto store = OpenLocalStore(options.db);
  if (!store.ok()) return store.status();
  std::unique_ptr<LocalSession> session(new LocalSession());
  session->store_ = std::move(store).value();
  auto service = service::JitService::Open(*policy, *session->store_, session->clock_,
                                           session->ids_, session->analyzer_);
  if (!service.ok()) return service.status();
  session->service_ = std::move(service).value();
  return session;
}

}  // namespace drawbridge::cli
