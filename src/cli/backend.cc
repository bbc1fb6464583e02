#include "cli/backend.h"

#include "cli/commands.h"
#include "cli/io.h"
#include "client/base_url.h"
#include "client/client_config.h"
#include "core/compiled_policy.h"

namespace drawbridge::cli {

StatusOr<client::ClientConfig> LoadRemoteConfig(const GlobalOptions& g) {
  auto config = client::LoadClientConfig(client::ProcessEnv());
  if (!config.ok()) return config.status();
  if (!g.addr.empty()) config->addr = g.addr;
  return config;
}

std::string NoBackendMessage() {
  // The file this environment leads to: with XDG_CONFIG_HOME set, ~/.config is not read.
  const auto config = client::ConfigPath(client::ProcessEnv());
  const std::string file =
      config ? config->first : std::string("~/.config/drawbridge/config.yaml (HOME is not set)");
  return "nowhere to run: give --db FILE (local mode, with --policy and --as), or --addr URL / "
         "DRAWBRIDGE_ADDR (a Drawbridge server, with DRAWBRIDGE_TOKEN), or put addr and token "
         "in " +
         file;
}

std::string TenantFlagProblem(const std::string& tenant, BackendMode mode) {
  if (tenant.empty()) return "--tenant must not be empty";
  if (mode == BackendMode::kRemote && tenant != "default") {
    return "--tenant is for local mode; a server takes the tenant from your token";
  }
  return "";
}

std::string CheckModeFlags(const GlobalOptions& g, BackendMode mode) {
  if (mode == BackendMode::kLocal && !g.as.empty() && !core::IsValidPrincipal(g.as)) {
    return "--as (or DRAWBRIDGE_AS) must be user:NAME, service:NAME or agent:NAME, got '" + g.as +
           "'";
  }
  // Only the flag is judged here: an address from the config file is the file's problem (1).
  if (mode == BackendMode::kRemote && !g.addr.empty()) {
    if (auto url = client::ParseBaseUrl(g.addr); !url.ok()) {
      return "--addr (or DRAWBRIDGE_ADDR) must be an http:// or https:// URL such as "
             "https://drawbridge.example.com: " +
             url.status().message();
    }
  }
  return "";
}

StatusOr<BackendMode> ChooseBackend(const GlobalOptions& g) {
  if (!g.db.empty()) return BackendMode::kLocal;
  if (!g.addr.empty()) return BackendMode::kRemote;
  auto config = LoadRemoteConfig(g);
  if (!config.ok()) return config.status();
  return config->addr.empty() ? BackendMode::kNone : BackendMode::kRemote;
}

StatusOr<std::unique_ptr<WorkflowBackend>> OpenBackend(const GlobalOptions& g) {
  auto mode = ChooseBackend(g);
  if (!mode.ok()) return mode.status();
  switch (*mode) {
    case BackendMode::kLocal: return MakeLocalBackend(g);
    case BackendMode::kRemote: return MakeRemoteBackend(g);
    case BackendMode::kNone: break;
  }
  return InvalidArgument(NoBackendMessage());
}

int RunWithBackend(const GlobalOptions& g, bool needs_principal,
                   const std::function<int(WorkflowBackend&)>& body) {
  auto mode = ChooseBackend(g);
  if (!mode.ok()) return Fail(mode.status());
  if (*mode == BackendMode::kNone) return UsageError(NoBackendMessage());
  if (std::string problem = CheckModeFlags(g, *mode); !problem.empty()) {
    return UsageError(problem);
  }
  if (*mode == BackendMode::kLocal && needs_principal && g.as.empty()) {
    std::string message = "say who you are: --as PRINCIPAL (or set DRAWBRIDGE_AS)";
    if (!g.addr.empty()) {
      // Both are set, and a database wins: the likely intent was the server.
      message += "; this is local mode because --db or DRAWBRIDGE_DB is set (" + g.db +
                 "): leave it out to use the server at " + g.addr;
    }
    return UsageError(message);
  }
  if (*mode == BackendMode::kRemote && !g.as.empty()) {
    // Said, not refused: DRAWBRIDGE_AS may be set for local work in the same shell.
    PrintNote("--as (or DRAWBRIDGE_AS) " + g.as +
              " is not sent to a server: it takes who you are from your token");
  }
  auto backend = *mode == BackendMode::kLocal ? MakeLocalBackend(g) : MakeRemoteBackend(g);
  if (!backend.ok()) return Fail(backend.status());
  return body(**backend);
}

}  // namespace drawbridge::cli
