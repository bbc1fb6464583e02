// drawbridge: just-in-time access and action approval.
#include "cli/commands.h"
#include "cli/io.h"

int main(int argc, char** argv) {
  CLI::App app{
      "drawbridge: just-in-time access and action approval.\n"
      "Local mode: --db FILE --policy PATH --as PRINCIPAL (or DRAWBRIDGE_DB, DRAWBRIDGE_POLICY,\n"
      "DRAWBRIDGE_AS), e.g. `drawbridge --db var/db.sqlite --policy examples/policy --as "
      "user:alice\n"
      "request access --resource db/orders-prod --duration 1h --reason ...`.\n"
      "Remote mode: --addr URL (or DRAWBRIDGE_ADDR) with DRAWBRIDGE_TOKEN, or a config file\n"
      "($DRAWBRIDGE_CONFIG or ~/.config/drawbridge/config.yaml: addr, token, ca_file); the same\n"
      "commands then run on the server as the token's principal.\n"
      "Exit codes: 0 success/allow, 1 failure or refusal, 2 usage error, 3 deny,\n"
      "4 approval_required. With --output json an error is one line on stderr:\n"
      "{\"error\": {\"code\": ..., \"message\": ...}}. See docs/CLI.md.",
      "drawbridge"};
  app.require_subcommand(1);
  app.fallthrough();
  app.set_version_flag("--version", "drawbridge 0.1.0");
  drawbridge::cli::GlobalOptions global;
  app.add_option("--db", global.db, "SQLite database (local mode)")->envname("DRAWBRIDGE_DB");
  app.add_option("--addr", global.addr,
                 "Drawbridge server URL (remote mode, unless --db is given); the token comes from "
                 "DRAWBRIDGE_TOKEN or ~/.config/drawbridge/config.yaml, and --as is not used")
      ->envname("DRAWBRIDGE_ADDR");
  app.add_option("--policy", global.policy, "Policy file or directory")
      ->envname("DRAWBRIDGE_POLICY");
  app.add_option("--as", global.as, "Who you are: user:NAME, service:NAME or agent:NAME")
      ->envname("DRAWBRIDGE_AS");
  app.add_option("--output,-o", global.output, "text or json")
      ->envname("DRAWBRIDGE_OUTPUT")
      ->check(CLI::IsMember({"text", "json"}));
  int exit_code = drawbridge::cli::kExitOk;
  drawbridge::cli::RegisterCheck(app, global, exit_code);
  drawbridge::cli::RegisterClassify(app, global, exit_code);
  drawbridge::cli::RegisterPolicy(app, global, exit_code);
  drawbridge::cli::RegisterWorkflow(app, global, exit_code);
  drawbridge::cli::RegisterAudit(app, global, exit_code);
  drawbridge::cli::RegisterToken(app, global, exit_code);
  drawbridge::cli::RegisterWhoAmI(app, global, exit_code);
  drawbridge::cli::RegisterDemo(app, exit_code);
  drawbridge::cli::RegisterServe(app, exit_code);
  // A mistake in the command line itself is found before --output is known for certain.
  drawbridge::cli::SetJsonErrors(drawbridge::cli::CommandLineAsksForJson(argc, argv));
  // Runs after parsing, before the command: the command line's own answer. Commands with their
  // own --output set it again.
  app.parse_complete_callback([&global] { drawbridge::cli::SetJsonErrors(global.json()); });
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    if (drawbridge::cli::JsonErrors()) return drawbridge::cli::UsageError(e.what());
    app.exit(e);
    return drawbridge::cli::kExitUsage;
  }
  return exit_code;
}
