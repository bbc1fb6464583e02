// drawbridge serve: runs the HTTP API (src/server). `--dev` is the embedded default: SQLite
// under var/, the example policy, and tokens for the example principals made at first start.
#include <sys/stat.h>

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>

#include "cli/commands.h"
#include "cli/io.h"
#include "policy/loader.h"
#include "server/api_server.h"
#include "server/log.h"

namespace drawbridge::cli {
namespace {

struct ServeOptions {
  std::string config, listen, db, policy, tokens_file = "var/dev-tokens.env";
  int threads = -1;
  bool dev = false;
};

std::string EnvName(const std::string& principal) {
  std::string name = "DRAWBRIDGE_TOKEN_";
  for (char c : principal.substr(principal.find(':') + 1)) {
    name += std::isalnum(static_cast<unsigned char>(c)) ? static_cast<char>(std::toupper(c)) : '_';
  }
  return name;
}

// First start in dev mode: a user token for every principal the policy names, an admin and a
// checker token. Printed once and kept in `tokens_file` (mode 0600) for the demo.
Status MakeDevTokens(server::ApiServer& srv, const std::string& policy_path,
                     const std::string& tokens_file) {
  server::Tenant* tenant = srv.FindTenant("default");
  if (tenant == nullptr) return InvalidArgument("--dev needs a tenant named 'default'");
  auto existing = tenant->service->ListTokens();
  if (!existing.ok()) return existing.status();
  if (!existing->empty()) {
    std::cout << "Dev tokens were made at first start and are in " << tokens_file
              << " (delete var/ to start over).\n";
    return Status::Ok();
  }
  policy::LoadResult loaded = policy::LoadPolicy(policy_path);
  if (!loaded.ok()) return InvalidArgument(loaded.ErrorText());
  std::set<std::string> principals;
  for (const auto& [group, members] : loaded.document.groups) {
    for (const std::string& m : members) {
      if (m.rfind("group:", 0) != 0) principals.insert(m);
    }
  }
  struct Made {
    std::string principal, role, token;
  };
  std::vector<Made> made;
  auto issue = [&](const std::string& principal, TokenRole role) -> Status {
    service::TokenInput in;
    in.principal = principal;
    in.role = role;
    in.description = "dev mode";
    auto issued = srv.IssueToken("default", in, "system:dev");
    if (!issued.ok()) return issued.status();
    made.push_back({principal, std::string(TokenRoleName(role)), issued->secret});
    return Status::Ok();
  };
  for (const std::string& p : principals) DB_RETURN_IF_ERROR(issue(p, TokenRole::kUser));
  DB_RETURN_IF_ERROR(issue("user:admin", TokenRole::kAdmin));
  DB_RETURN_IF_ERROR(issue("service:enforcer", TokenRole::kChecker));

  std::filesystem::create_directories(std::filesystem::path(tokens_file).parent_path());
  std::ofstream out(tokens_file, std::ios::trunc);
  ::chmod(tokens_file.c_str(), 0600);
  out << "# Drawbridge dev-mode tokens (secrets: keep this file private).\n";
  out << "export DRAWBRIDGE_ADDR=" << srv.url() << "\n";
  std::cout << "Dev tokens (shown once; also saved to " << tokens_file << "):\n";
  for (const Made& m : made) {
    out << "export " << EnvName(m.principal) << "=" << m.token << "\n";
    std::cout << "  " << m.principal << " (" << m.role << ")  " << m.token << "\n";
  }
  if (!out) return Unavailable("cannot write " + tokens_file);
  return Status::Ok();
}

// Dev mode serves a copy of the example policy beside its tokens (var/policy), made at first
// start: PUT /v1/policy and edits change the copy, never the example in the source tree.
StatusOr<std::string> DevPolicy(const std::string& tokens_file) {
  namespace fs = std::filesystem;
  const fs::path copy = fs::path(tokens_file).parent_path() / "policy";
  std::error_code ec;
  if (fs::exists(copy, ec)) return copy.string();
  const fs::path partial = copy.string() + ".copying";
  fs::remove_all(partial, ec);
  if (!copy.parent_path().empty()) fs::create_directories(copy.parent_path(), ec);
  fs::copy("examples/policy", partial, fs::copy_options::recursive, ec);
  if (!ec) fs::rename(partial, copy, ec);
  if (ec) {
    return Unavailable("cannot copy examples/policy to " + copy.string() + ": " + ec.message() +
                       " (run from the repository root, or give --policy)");
  }
  std::cout << "Serving " << copy.string()
            << ", a copy of examples/policy made at first start (delete it to start over).\n";
  return copy.string();
}

// The server's log lines are queued (server/log.h): they go out before the last word, not after.
int FailAfterLogs(const Status& status) {
  server::FlushLogs();
  return Fail(status);
}

int RunServe(const ServeOptions& o) {
  // A closed stderr or webhook socket is an error to handle, not a reason for the process to die.
  std::signal(SIGPIPE, SIG_IGN);
  server::ServerConfig config;
  if (!o.config.empty()) {
    auto loaded = server::LoadServerConfig(o.config);
    if (!loaded.ok()) return Fail(loaded.status());
    config = std::move(loaded).value();
  } else if (!o.dev) {
    std::string message =
        "give --config FILE (or set DRAWBRIDGE_CONFIG_FILE), or --dev for the embedded default "
        "(see docs/SERVER.md)";
    // The CLI's own config file variable, which the server does not read.
    if (const char* client = std::getenv("DRAWBRIDGE_CONFIG"); client != nullptr && *client) {
      message += "; DRAWBRIDGE_CONFIG is the CLI's client config, not the server's";
    }
    return UsageError(message);
  }
  if (o.dev && config.tenants.empty() && o.policy.empty()) {
    auto policy = DevPolicy(o.tokens_file);
    if (!policy.ok()) return Fail(policy.status());
    config.tenants.push_back({"default", *policy});
  }
  if (Status s = server::ApplyEnvironment(config); !s.ok()) return Fail(s);
  // A flag wins over the file and the environment; the server warns about each setting of the
  // file it replaced, so that the file is never silently not what runs.
  if (!o.listen.empty()) {
    if (o.listen != config.listen) server::RecordOverride(config, "listen", "--listen");
    config.listen = o.listen;
  }
  if (!o.db.empty()) {
    if (o.db != config.database) server::RecordOverride(config, "database", "--db");
    config.database = o.db;
  }
  if (o.threads >= 0) {
    if (o.threads != config.threads) server::RecordOverride(config, "threads", "--threads");
    config.threads = o.threads;
  }
  if (!o.policy.empty()) {
    auto tenant = std::find_if(config.tenants.begin(), config.tenants.end(),
                               [](const server::TenantConfig& t) { return t.name == "default"; });
    if (tenant != config.tenants.end()) {
      if (tenant->policy != o.policy) {
        server::RecordOverride(config, "tenants[default].policy", "--policy");
      }
      tenant->policy = o.policy;
    } else if (config.tenants.empty()) {
      config.tenants.push_back({"default", o.policy});
    } else {
      return UsageError("--policy sets the policy of the tenant 'default', but " + o.config +
                        " lists no tenant named 'default'; set each tenant's policy in the file");
    }
  }
  auto srv = server::ApiServer::Create(config);
  if (!srv.ok()) return FailAfterLogs(srv.status());
  if (o.dev) {
    if (Status s = MakeDevTokens(**srv,
                                 (*srv)->FindTenant("default") != nullptr
                                     ? (*srv)->FindTenant("default")->policy_path
                                     : config.tenants.front().policy,
                                 o.tokens_file);
        !s.ok()) {
      return FailAfterLogs(s);
    }
  }
  const std::string url = (*srv)->url();
  const auto say_serving = [&url] { std::cout << "Drawbridge is serving at " << url << std::endl; };
  if (Status s = (*srv)->Run(/*handle_signals=*/true, say_serving); !s.ok()) {
    return FailAfterLogs(s);
  }
  server::FlushLogs();
  return kExitOk;
}

}  // namespace

void RegisterServe(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<ServeOptions>();
  CLI::App* cmd = app.add_subcommand(
      "serve",
      "Run the Drawbridge server (HTTP API, docs/API.md). SIGTERM drains and exits 0; SIGHUP "
      "reloads policies.");
  cmd->add_option("--config,-c", o->config, "Server configuration file (YAML, docs/SERVER.md)")
      ->envname("DRAWBRIDGE_CONFIG_FILE");
  cmd->add_flag(
      "--dev", o->dev,
      "Embedded default: SQLite under var/, a copy of examples/policy in var/policy, dev tokens "
      "at first start");
  cmd->add_option("--listen", o->listen, "HOST:PORT to listen on (default 127.0.0.1:8080)");
  cmd->add_option("--db", o->db, "SQLite database file");
  cmd->add_option("--policy", o->policy, "The default tenant's policy file or directory");
  cmd->add_option("--threads", o->threads, "I/O threads (0 = one per core)");
  cmd->add_option("--tokens-file", o->tokens_file, "Where --dev keeps the tokens it makes");
  cmd->callback([o, &exit_code] { exit_code = RunServe(*o); });
}

}  // namespace drawbridge::cli
