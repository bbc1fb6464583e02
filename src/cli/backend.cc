#include "cli/backend.h"

#include "cli/commands.h"
#include "cli/io.h"
#include "client/client_config.h"

namespace drawbridge::cli {

StatusOr<client::ClientConfig> LoadRemoteConfig(const GlobalOptions& g) {
  auto config = client::LoadClientConfig(client::ProcessEnv());
  if (!config.ok()) return config.status();
  if (!g.addr.empty()) config->addr = g.addr;
  return config;
}

std::string NoBackendMessage() {
  return "nowhere to run: give --db FILE (local mode, with --policy and --as), or --addr URL / "
         "DRAWBRIDGE_ADDR (a Drawbridge server, with DRAWBRIDGE_TOKEN), or put addr and token "
         "in ~/.config/drawbridge/config.yaml";
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
  if (*mode == BackendMode::kNone) {
    PrintError(NoBackendMessage());
    return kExitUsage;
  }
  if (*mode == BackendMode::kLocal && needs_principal && g.as.empty()) {
    PrintError("say who you are: --as PRINCIPAL (or set DRAWBRIDGE_AS)");
    return kExitUsage;
  }
  auto backend = *mode == BackendMode::kLocal ? MakeLocalBackend(g) : MakeRemoteBackend(g);
  if (!backend.ok()) return Fail(backend.status());
  return body(**backend);
}

}  // namespace drawbridge::cli
