// The seam between the workflow commands and where they run. Each command body is written once
// against WorkflowBackend; LocalBackend runs the service in this process on a SQLite file
// (`--db`), RemoteBackend calls a Drawbridge server (`--addr` / DRAWBRIDGE_ADDR / config file).
//
// Which one: `--db` given -> local; else a server address -> remote; else a usage error naming
// both. In remote mode the token says who you are: `--as`, `--group` and `--mfa` are not sent
// (the server takes them from the token), and sweeping and checkpoint signing stay local.
// Not thread-safe; one backend per command.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/check_input.h"
#include "audit/event.h"
#include "cli/local.h"
#include "client/api_types.h"
#include "client/client_config.h"
#include "client/http_connection.h"
#include "core/explain.h"
#include "drawbridge/model.h"
#include "drawbridge/status.h"
#include "service/jit_service.h"

namespace drawbridge::cli {

// Identity claims a local caller asserts on the command line; a server takes them from the token.
struct LocalClaims {
  std::vector<std::string> groups;
  bool mfa = false;
  std::string source_ip;
};

// `audit export` filters and format (as `drawbridge audit export` documents them).
struct AuditExportSpec {
  std::string format = "jsonl";
  std::string since, until, principal, resource, type;
  int page_size = 0;  // remote: events per GET /v1/audit; 0: the default (1,000)
};

class WorkflowBackend {
 public:
  virtual ~WorkflowBackend() = default;

  virtual bool remote() const = 0;
  // "the database var/db.sqlite" / "the server https://...": for messages.
  virtual std::string Where() const = 0;
  // Who the commands act as: the token as the server sees it (GET /v1/whoami), or in local mode
  // --as (possibly empty) in the default tenant, with no role, token or claims.
  virtual StatusOr<client::Identity> WhoAmI() = 0;

  virtual StatusOr<Request> RequestAccess(const client::AccessRequestSpec& spec,
                                          const LocalClaims& claims) = 0;
  virtual StatusOr<Request> RequestAction(const client::ActionRequestSpec& spec,
                                          const LocalClaims& claims) = 0;
  virtual StatusOr<Request> GetRequest(const std::string& id) = 0;
  // Returns as soon as the request is no longer pending or has a number of reviews other than
  // `reviews_seen` (an approval of two came in), or once `wait` has passed (then unchanged).
  // `keep_going` runs about every 100 ms; false abandons the wait with kUnavailable and
  // client::kInterruptedMessage.
  virtual StatusOr<Request> WaitRequest(const std::string& id, size_t reviews_seen,
                                        std::chrono::seconds wait,
                                        const client::KeepGoing& keep_going) = 0;
  virtual StatusOr<std::vector<Request>> ListRequests(const client::RequestQuery& query) = 0;
  virtual StatusOr<Request> Review(const std::string& id, bool approve, const std::string& comment,
                                   const LocalClaims& claims) = 0;
  // Closes the after-the-fact review of a break-glass request.
  virtual StatusOr<Request> CloseBreakGlassReview(const std::string& id, bool justified,
                                                  const std::string& comment,
                                                  const LocalClaims& claims) = 0;
  virtual StatusOr<Request> Cancel(const std::string& id) = 0;

  virtual StatusOr<std::vector<Grant>> ListGrants(const client::GrantQuery& query) = 0;
  virtual StatusOr<Grant> Revoke(const std::string& id, const std::string& reason) = 0;
  virtual StatusOr<Grant> Release(const std::string& id) = 0;

  // A decision through the service (local: against the database's grants; remote: the server).
  virtual StatusOr<core::Explanation> Check(const api::CheckInput& input) = 0;
  // Local only: records expiries and starts scheduled grants.
  virtual StatusOr<service::SweepReport> Sweep() = 0;

  // Every audit event of the tenant, oldest first (remote: the token's tenant).
  virtual StatusOr<std::vector<audit::AuditEvent>> ReadAudit(const std::string& tenant) = 0;
  // The export text: a CSV header and rows, or JSON lines; every matching event (remote mode
  // pages through the server's log).
  virtual StatusOr<std::string> ExportAudit(const std::string& tenant,
                                            const AuditExportSpec& spec) = 0;
};

// What a command needs of the global options to pick its backend.
enum class BackendMode { kLocal, kRemote, kNone };

// kLocal when --db is set, else kRemote when --addr, DRAWBRIDGE_ADDR or the config file names a
// server, else kNone. Fails when the config file is unreadable.
StatusOr<BackendMode> ChooseBackend(const GlobalOptions& g);

// The usage problem with the global flags for `mode` (a malformed --as in local mode, a
// malformed --addr in remote mode), or "" when there is none.
std::string CheckModeFlags(const GlobalOptions& g, BackendMode mode);

// The usage problem with a --tenant in `mode`, or "" when there is none: a server takes the
// tenant from the token, so a --tenant other than the default would be silently ignored.
std::string TenantFlagProblem(const std::string& tenant, BackendMode mode);

// What `sweep` says in remote mode.
inline constexpr std::string_view kSweepIsLocal =
    "sweep works only in local mode (--db FILE): a server sweeps on its own schedule";

// The backend for the mode ChooseBackend picks; kNone is an InvalidArgument naming both ways.
StatusOr<std::unique_ptr<WorkflowBackend>> OpenBackend(const GlobalOptions& g);

// The message for BackendMode::kNone.
std::string NoBackendMessage();

// The client config (environment, then config file) with --addr winning.
StatusOr<client::ClientConfig> LoadRemoteConfig(const GlobalOptions& g);

// Picks the backend and runs `body` on it, returning its exit code. Without a backend, or in
// local mode without --as when `needs_principal`, prints why and returns the usage exit code.
int RunWithBackend(const GlobalOptions& g, bool needs_principal,
                   const std::function<int(WorkflowBackend&)>& body);

// Local mode (src/cli/local.h) behind the seam.
std::unique_ptr<WorkflowBackend> MakeLocalBackend(const GlobalOptions& g);
// Remote mode; reads the client config (environment, then config file) with --addr winning.
StatusOr<std::unique_ptr<WorkflowBackend>> MakeRemoteBackend(const GlobalOptions& g);

}  // namespace drawbridge::cli
