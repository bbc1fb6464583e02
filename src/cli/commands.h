// The `drawbridge` subcommands. Each Register* adds its subcommand to the app; the callback
// stores the exit code in `exit_code`.
//
// Exit codes (documented in `drawbridge --help`):
//   0 success / allow, 1 failure (invalid policy, failed tests, I/O error),
//   2 usage error, 3 deny, 4 approval_required.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/local.h"

namespace drawbridge::cli {

// The output format a command uses: its own --output when given, else the global --output /
// DRAWBRIDGE_OUTPUT. True for JSON.
inline bool WantsJson(const GlobalOptions& global, const std::string& own_output) {
  return own_output.empty() ? global.json() : own_output == "json";
}

inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitDeny = 3;
inline constexpr int kExitApprovalRequired = 4;

void RegisterCheck(CLI::App& app, GlobalOptions& global, int& exit_code);
void RegisterWorkflow(CLI::App& app, GlobalOptions& global, int& exit_code);
void RegisterAudit(CLI::App& app, GlobalOptions& global, int& exit_code);
void RegisterToken(CLI::App& app, GlobalOptions& global, int& exit_code);
void RegisterWhoAmI(CLI::App& app, GlobalOptions& global, int& exit_code);
void RegisterClassify(CLI::App& app, GlobalOptions& global, int& exit_code);
void RegisterPolicy(CLI::App& app, GlobalOptions& global, int& exit_code);
void RegisterDemo(CLI::App& app, int& exit_code);
void RegisterServe(CLI::App& app, int& exit_code);

}  // namespace drawbridge::cli
