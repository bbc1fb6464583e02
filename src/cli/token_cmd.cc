// drawbridge token create|revoke|ls: API tokens for the HTTP API (docs/TOKENS.md).
//
// The command bodies talk to a TokenBackend, so that where the tokens live is decided in one
// place: local mode runs the service in this process on the SQLite file (whoever can write that
// file administers its tokens); a remote mode can slot in another backend.
#include <boost/json.hpp>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>

#include "audit/escape.h"
#include "classify/payload_analyzer.h"
#include "cli/backend.h"
#include "cli/commands.h"
#include "cli/io.h"
#include "cli/local.h"
#include "client/api_client.h"
#include "core/time_format.h"
#include "policy/compiler.h"
#include "policy/durations.h"
#include "service/api_tokens.h"
#include "service/random_ids.h"
#include "store/sqlite/sqlite_store.h"

namespace drawbridge::cli {
namespace {

constexpr std::string_view kLocalAdmin = "local:admin";

struct TokenOptions {
  std::string tenant = "default";
  // create
  std::string principal;
  std::vector<std::string> groups;
  std::string role = "user";
  std::string ttl;
  std::string description;
  // revoke
  std::string id;
};

class TokenBackend {
 public:
  virtual ~TokenBackend() = default;
  virtual StatusOr<service::IssuedToken> Create(const service::TokenInput& input) = 0;
  virtual StatusOr<ApiToken> Revoke(const std::string& id) = 0;
  virtual StatusOr<std::vector<ApiToken>> List() = 0;
};

// The service in this process, on the database file, in one tenant.
class LocalTokenBackend final : public TokenBackend {
 public:
  static StatusOr<std::unique_ptr<LocalTokenBackend>> Open(const GlobalOptions& global,
                                                           const std::string& tenant) {
    if (global.db.empty()) {
      return InvalidArgument("no database: give --db FILE (or set DRAWBRIDGE_DB)");
    }
    if (global.policy.empty()) {
      return InvalidArgument("no policy: give --policy PATH (or set DRAWBRIDGE_POLICY)");
    }
    DB_ASSIGN_OR_RETURN(auto policy, policy::LoadAndCompile(global.policy));
    auto store = OpenLocalStore(global.db);
    if (!store.ok()) return store.status();
    std::unique_ptr<LocalTokenBackend> backend(new LocalTokenBackend());
    backend->actor_ = global.as.empty() ? std::string(kLocalAdmin) : global.as;
    backend->tenant_ = tenant;
    backend->store_ = std::move(store).value();
    DB_ASSIGN_OR_RETURN(
        backend->service_,
        service::JitService::Open(policy, *backend->store_, backend->clock_, backend->ids_,
                                  backend->analyzer_, {.tenant = tenant}));
    return backend;
  }

  StatusOr<service::IssuedToken> Create(const service::TokenInput& input) override {
    // A misspelt tenant would make a token every server refuses (403): the first token of a
    // tenant other than the default is worth a second look.
    if (tenant_ != "default") {
      auto existing = service_->ListTokens();
      if (existing.ok() && existing->empty()) {
        std::cerr << "drawbridge: note: tenant '" << tenant_
                  << "' has no tokens in this database yet; a server accepts its tokens only if "
                     "its configuration lists the tenant (tenants: [{name: "
                  << tenant_ << ", ...}])\n";
      }
    }
    return service_->CreateToken(input, actor_);
  }
  StatusOr<ApiToken> Revoke(const std::string& id) override {
    return service_->RevokeToken(id, actor_);
  }
  StatusOr<std::vector<ApiToken>> List() override { return service_->ListTokens(); }

 private:
  LocalTokenBackend() = default;
  std::string actor_;
  std::string tenant_;
  SystemWallClock clock_;
  service::RandomIdSource ids_;
  classify::ClassifierAnalyzer analyzer_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<service::JitService> service_;
};

// A server, through its API: the token's tenant is the admin token's, never a flag.
class RemoteTokenBackend final : public TokenBackend {
 public:
  explicit RemoteTokenBackend(std::unique_ptr<client::ApiClient> api) : api_(std::move(api)) {}

  StatusOr<service::IssuedToken> Create(const service::TokenInput& input) override {
    client::TokenSpec spec;
    spec.principal = input.principal;
    spec.groups = input.groups;
    spec.role = std::string(TokenRoleName(input.role));
    if (input.ttl_seconds) spec.ttl = std::to_string(*input.ttl_seconds) + "s";
    spec.description = input.description;
    DB_ASSIGN_OR_RETURN(client::CreatedToken created, api_->CreateToken(spec));
    return service::IssuedToken{std::move(created.info), std::move(created.secret)};
  }
  StatusOr<ApiToken> Revoke(const std::string& id) override { return api_->RevokeToken(id); }
  StatusOr<std::vector<ApiToken>> List() override { return api_->ListTokens(); }

 private:
  std::unique_ptr<client::ApiClient> api_;
};

// The usage problem with --tenant, --db/--policy or --addr in `mode`, or "" when there is none.
std::string CheckBackendFlags(const GlobalOptions& global, const TokenOptions& options,
                              BackendMode mode) {
  if (std::string problem = TenantFlagProblem(options.tenant, mode); !problem.empty()) {
    return problem;
  }
  if (mode == BackendMode::kNone) return NoBackendMessage();
  if (mode == BackendMode::kLocal && global.policy.empty()) {
    return "no policy: give --policy PATH (or set DRAWBRIDGE_POLICY) with --db";
  }
  if (mode == BackendMode::kRemote) return CheckModeFlags(global, mode);
  return "";
}

StatusOr<std::unique_ptr<TokenBackend>> OpenBackend(const GlobalOptions& global,
                                                    const TokenOptions& options, BackendMode mode) {
  if (mode == BackendMode::kRemote) {
    DB_ASSIGN_OR_RETURN(client::ClientConfig config, LoadRemoteConfig(global));
    DB_ASSIGN_OR_RETURN(auto api, client::ApiClient::Create(config));
    return std::unique_ptr<TokenBackend>(new RemoteTokenBackend(std::move(api)));
  }
  DB_ASSIGN_OR_RETURN(auto local, LocalTokenBackend::Open(global, options.tenant));
  return std::unique_ptr<TokenBackend>(std::move(local));
}

boost::json::value Time(int64_t t) {
  return t == 0 ? boost::json::value(nullptr) : boost::json::value(core::FormatRfc3339(t));
}

std::string_view TokenState(const ApiToken& t, int64_t now) {
  if (t.revoked_at != 0) return "revoked";
  if (t.expires_at != 0 && now >= t.expires_at) return "expired";
  return "active";
}

// Everything about a token but its secret and the secret's hash.
boost::json::object TokenToJson(const ApiToken& t, int64_t now) {
  boost::json::array groups;
  for (const auto& g : t.groups) groups.emplace_back(g);
  return {{"id", t.id},
          {"tenant", t.tenant},
          {"principal", t.principal},
          {"groups", std::move(groups)},
          {"role", TokenRoleName(t.role)},
          {"state", TokenState(t, now)},
          {"description", t.description},
          {"created_at", Time(t.created_at)},
          {"created_by", t.created_by},
          {"expires_at", Time(t.expires_at)},
          {"revoked_at", Time(t.revoked_at)},
          {"revoked_by",
           t.revoked_by.empty() ? boost::json::value(nullptr) : boost::json::value(t.revoked_by)}};
}

void PrintTokenLine(const ApiToken& t, int64_t now) {
  std::cout << t.id << "  " << TokenState(t, now) << "  " << TokenRoleName(t.role) << "  "
            << t.principal;
  if (!t.groups.empty()) {
    std::cout << "  groups ";
    for (size_t i = 0; i < t.groups.size(); ++i) std::cout << (i ? "," : "") << t.groups[i];
  }
  std::cout << "  expires " << (t.expires_at == 0 ? "never" : core::FormatRfc3339(t.expires_at));
  if (!t.description.empty()) std::cout << "  " << audit::EscapeForTerminal(t.description);
  std::cout << "\n";
}

int64_t Now() {
  return SystemWallClock().NowMillis() / 1000;
}

// Checks the flags before anything is opened, so usage errors exit 2.
std::optional<service::TokenInput> ParseCreate(const TokenOptions& o) {
  service::TokenInput in;
  if (Status valid = service::ValidateTokenPrincipal(o.principal); !valid.ok()) {
    UsageError("--principal: " + valid.message());
    return std::nullopt;
  }
  in.principal = o.principal;
  for (const std::string& list : o.groups) {
    size_t start = 0;
    while (start <= list.size()) {
      size_t comma = list.find(',', start);
      std::string name = list.substr(start, comma == std::string::npos ? comma : comma - start);
      if (!name.empty()) in.groups.push_back(name);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  std::optional<TokenRole> role = ParseTokenRole(o.role);
  if (!role) {
    UsageError("--role must be user, checker or admin, got '" + o.role + "'");
    return std::nullopt;
  }
  in.role = *role;
  if (!o.ttl.empty()) {
    auto ttl = policy::ParseDuration(o.ttl);
    if (!ttl) {
      UsageError("--ttl must be " + std::string(policy::kDurationForms) + ", got '" + o.ttl + "'");
      return std::nullopt;
    }
    in.ttl_seconds = ttl->count();
  }
  in.description = o.description;
  return in;
}

// The command that revokes `t`, in the mode it was made in: local mode needs the database and
// the policy again (and the tenant, if not the default).
std::string RevokeCommand(const GlobalOptions& g, const ApiToken& t) {
  std::string command = "drawbridge";
  if (!g.db.empty()) {
    command += " --db " + g.db;
    if (!g.policy.empty()) command += " --policy " + g.policy;
  }
  command += " token revoke " + t.id;
  if (!g.db.empty() && t.tenant != "default") command += " --tenant " + t.tenant;
  return command;
}

int CreateToken(const GlobalOptions& g, TokenBackend& backend, const service::TokenInput& in) {
  auto issued = backend.Create(in);
  if (!issued.ok()) return Fail(issued.status());
  const ApiToken& t = issued->record;
  if (g.json()) {
    boost::json::object o{{"token", issued->secret}};
    for (auto& field : TokenToJson(t, t.created_at)) o.insert(std::move(field));
    PrintJson(o);
  } else {
    std::cout << "Created token " << t.id << " for " << t.principal << " (role "
              << TokenRoleName(t.role) << ", tenant " << t.tenant << ", expires "
              << (t.expires_at == 0 ? "never" : core::FormatRfc3339(t.expires_at)) << "):\n\n"
              << "  " << issued->secret << "\n\n"
              << "Store it now: it is not shown again, and only its SHA-256 is kept. Send it as\n"
              << "`Authorization: Bearer <token>`; revoke it with `" << RevokeCommand(g, t)
              << "`.\n";
  }
  return kExitOk;
}

int RevokeToken(const GlobalOptions& g, TokenBackend& backend, const std::string& id) {
  auto revoked = backend.Revoke(id);
  if (!revoked.ok()) return Fail(revoked.status());
  if (g.json()) {
    PrintJson(TokenToJson(*revoked, revoked->revoked_at));
  } else {
    std::cout << "Revoked token " << revoked->id << " of " << revoked->principal << "\n";
  }
  return kExitOk;
}

int ListTokens(const GlobalOptions& g, TokenBackend& backend) {
  auto tokens = backend.List();
  if (!tokens.ok()) return Fail(tokens.status());
  const int64_t now = Now();
  if (g.json()) {
    boost::json::array a;
    for (const ApiToken& t : *tokens) a.push_back(TokenToJson(t, now));
    PrintJson(a);
  } else {
    for (const ApiToken& t : *tokens) PrintTokenLine(t, now);
  }
  return kExitOk;
}

int WithBackend(const GlobalOptions& g, const TokenOptions& o,
                const std::function<int(TokenBackend&)>& body) {
  auto mode = ChooseBackend(g);
  if (!mode.ok()) return Fail(mode.status());
  if (std::string problem = CheckBackendFlags(g, o, *mode); !problem.empty()) {
    return UsageError(problem);
  }
  auto backend = OpenBackend(g, o, *mode);
  if (!backend.ok()) return Fail(backend.status());
  return body(**backend);
}

}  // namespace

void RegisterToken(CLI::App& app, GlobalOptions& g, int& exit_code) {
  auto o = std::make_shared<TokenOptions>();
  CLI::App* token = app.add_subcommand(
      "token",
      "Create, revoke and list API tokens (administrators).\n"
      "Local mode: --db FILE --policy PATH; the actor recorded in the audit log is --as, or\n"
      "local:admin. Tokens are shown once and stored only as SHA-256; see docs/TOKENS.md.");
  token->require_subcommand(1);

  CLI::App* create = token->add_subcommand("create", "Make a token and print it once");
  create->footer(
      "Roles: user acts as its principal; checker (for enforcement points) may ask for\n"
      "decisions about any principal of its tenant but never approve; admin also manages\n"
      "the policy and tokens. The token is printed once and not shown again: store it at\n"
      "once. --output json prints {\"token\": \"dbt_...\", \"id\": \"t-...\", ...}.\n"
      "Exit 0 when made, 1 when refused, 2 on a usage error.");
  create
      ->add_option("--principal", o->principal,
                   "Who the token acts as: user:NAME, service:NAME "
                   "or agent:NAME")
      ->required();
  create->add_option("--groups", o->groups, "Group claims the token carries: g1,g2 (repeatable)");
  create->add_option("--role", o->role, "user, checker or admin")->capture_default_str();
  create->add_option("--ttl", o->ttl, "Lifetime, e.g. 12h, 30d or 1d12h (default: no expiry)");
  create->add_option("--description", o->description, "What the token is for");
  create->add_option("--tenant", o->tenant, "Tenant the token belongs to")->capture_default_str();
  create->callback([&g, o, &exit_code] {
    std::optional<service::TokenInput> in = ParseCreate(*o);
    if (!in) {
      exit_code = kExitUsage;
      return;
    }
    exit_code = WithBackend(g, *o, [&](TokenBackend& b) { return CreateToken(g, b, *in); });
  });

  CLI::App* revoke =
      token->add_subcommand("revoke", "Revoke a token now: a server refuses it within a second");
  revoke->add_option("id", o->id, "Token id (t-..., from `token ls`)")->required();
  revoke->add_option("--tenant", o->tenant, "Tenant of the token")->capture_default_str();
  revoke->callback([&g, o, &exit_code] {
    exit_code = WithBackend(g, *o, [&](TokenBackend& b) { return RevokeToken(g, b, o->id); });
  });

  CLI::App* ls = token->add_subcommand(
      "ls", "List the tenant's tokens, revoked ones included (never their secrets)");
  ls->add_option("--tenant", o->tenant, "Tenant to list")->capture_default_str();
  ls->callback([&g, o, &exit_code] {
    exit_code = WithBackend(g, *o, [&](TokenBackend& b) { return ListTokens(g, b); });
  });
}

}  // namespace drawbridge::cli
