// drawbridge: just-in-time access and action approval.
#include <cstdio>

#include "cli/commands.h"

int main(int argc, char** argv) {
  CLI::App app{
      "drawbridge: just-in-time access and action approval.\n"
      "Exit codes: 0 success/allow, 1 failure, 2 usage error, 3 deny, 4 approval_required.",
      "drawbridge"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "drawbridge 0.1.0");
  int exit_code = drawbridge::cli::kExitOk;
  drawbridge::cli::RegisterCheck(app, exit_code);
  drawbridge::cli::RegisterClassify(app, exit_code);
  drawbridge::cli::RegisterPolicy(app, exit_code);
  drawbridge::cli::RegisterDemo(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : drawbridge::cli::kExitUsage;
  }
  return exit_code;
}
