// drawbridge whoami: who the server takes you for (GET /v1/whoami), or, in local mode, who --as
// makes you. The quickest check that a token, an address and a tenant are the ones you meant.
#include <boost/json.hpp>
#include <iostream>

#include "audit/escape.h"
#include "cli/backend.h"
#include "cli/commands.h"
#include "cli/io.h"

namespace drawbridge::cli {
namespace {

boost::json::value OrNull(const std::string& text) {
  return text.empty() ? boost::json::value(nullptr) : boost::json::value(text);
}

int WhoAmI(const GlobalOptions& g, WorkflowBackend& backend) {
  auto me = backend.WhoAmI();
  if (!me.ok()) return Fail(me.status());
  if (g.json()) {
    boost::json::array groups;
    for (const auto& group : me->groups) groups.emplace_back(group);
    PrintJson(boost::json::object{{"principal", OrNull(me->principal)},
                                  {"tenant", me->tenant},
                                  {"role", OrNull(me->role)},
                                  {"groups", std::move(groups)},
                                  {"token_id", OrNull(me->token_id)},
                                  {"mode", backend.remote() ? "remote" : "local"}});
    return kExitOk;
  }
  auto safe = [](std::string_view text) { return audit::EscapeForTerminal(text); };
  if (!backend.remote()) {
    std::cout << (me->principal.empty() ? "nobody yet (give --as or set DRAWBRIDGE_AS)"
                                        : safe(me->principal) + " (from --as)")
              << ", local mode on " << safe(backend.Where()) << "\n";
    return kExitOk;
  }
  std::cout << safe(me->principal) << " (role " << safe(me->role) << ", tenant " << safe(me->tenant)
            << ", token " << safe(me->token_id) << ") at " << safe(backend.Where()) << "\n";
  if (!me->groups.empty()) {
    std::cout << "  group claims:";
    for (const auto& group : me->groups) std::cout << " " << safe(group);
    std::cout << "\n";
  }
  return kExitOk;
}

}  // namespace

void RegisterWhoAmI(CLI::App& app, GlobalOptions& g, int& exit_code) {
  CLI::App* whoami = app.add_subcommand(
      "whoami",
      "Who you act as: your token's principal, role, tenant and group claims as the server\n"
      "sees them (GET /v1/whoami); in local mode, the --as principal.");
  whoami->footer(
      "Exit 0 when known, 1 when the server refuses the token or cannot be reached, 2 on a\n"
      "usage error. --output json prints {\"principal\", \"tenant\", \"role\", \"groups\",\n"
      "\"token_id\", \"mode\"}; in local mode role and token_id are null.");
  whoami->callback([&g, &exit_code] {
    exit_code = RunWithBackend(g, /*needs_principal=*/false,
                               [&g](WorkflowBackend& backend) { return WhoAmI(g, backend); });
  });
}

}  // namespace drawbridge::cli
