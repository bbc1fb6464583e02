#include "server/api_server.h"

#include <openssl/crypto.h>
#include <pthread.h>
#include <sys/resource.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/json.hpp>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>

#include "audit/digest.h"
#include "policy/compiler.h"
#include "policy/loader.h"
#include "policy/suggest.h"
#include "server/call.h"
#include "server/log.h"
#include "server/mailbox.h"
#include "server/policy_files.h"
#include "server/sd_notify.h"
#include "server/tls_context.h"
#include "store/sqlite/serving_lock.h"
#include "store/sqlite/sqlite_store.h"

namespace drawbridge::server {

namespace net = boost::asio;
namespace json = boost::json;

namespace {

// Descriptors kept for everything but client connections: database readers, webhook posts (up
// to 256 at once), the listener, log and lock files.
constexpr rlim_t kReservedDescriptors = 512;

// Raises the soft limit on open files to the hard one (the default soft limit, 1024, is far
// below what a server needs), then keeps max_connections within what is left once the reserve
// is set aside, so that running out of descriptors stops accepting instead of failing requests.
void FitConnectionsToDescriptors(Limits& limits) {
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) != 0) return;
  if (files.rlim_cur < files.rlim_max) {
    rlimit raised = files;
    raised.rlim_cur = files.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &raised) == 0) files = raised;
  }
  if (files.rlim_cur == RLIM_INFINITY) return;
  const rlim_t room = files.rlim_cur > 2 * kReservedDescriptors
                          ? files.rlim_cur - kReservedDescriptors
                          : files.rlim_cur / 2;
  if (limits.max_connections > room) {
    Log(LogLevel::kWarn, "limits.max_connections lowered to fit the open-file limit",
        {{"max_connections", room}, {"open_files", files.rlim_cur}});
    limits.max_connections = room;
  }
}

// A file's bytes, or "" when it cannot be read.
std::string FileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string TlsFilesDigest(const ServerConfig& config) {
  return audit::Sha256(FileBytes(config.tls_cert) + '\n' + FileBytes(config.tls_key));
}

bool ListensOnLoopbackOnly(const ServerConfig& config) {
  boost::system::error_code ec;
  const auto address = net::ip::make_address(config.host(), ec);
  return !ec && address.is_loopback();
}

}  // namespace

ApiServer::ApiServer(ServerConfig config)
    : config_(std::move(config)),
      request_limiter_(config_.limits.requests_per_second, config_.limits.burst),
      check_limiter_(config_.limits.checks_per_second,
                     std::max(1.0, config_.limits.checks_per_second * 2)),
      user_check_limiter_(config_.limits.user_checks_per_second,
                          std::max(1.0, config_.limits.user_checks_per_second * 2)),
      long_polls_(config_.limits.max_long_polls),
      creates_(static_cast<size_t>(config_.limits.max_open_requests)),
      io_(config_.threads > 0
              ? config_.threads
              : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))) {}

ApiServer::~ApiServer() {
  StopBackground();
  if (deliverer_) deliverer_->Stop();
  blocking_.join();
}

namespace {

// The secret_env names a tenant's policy may use: its list, when it has one or shares the server
// with other tenants; otherwise any.
std::optional<std::vector<std::string>> AllowedWebhookSecrets(const TenantConfig& tenant,
                                                              size_t tenants) {
  if (tenant.webhook_secrets.empty() && tenants == 1) return std::nullopt;
  return tenant.webhook_secrets;
}

// A policy names the environment variable its webhooks are signed with; the variables are the
// server's. Where a tenant's list is set, its policy may name nothing else.
Status CheckWebhookSecrets(const std::string& tenant_name,
                           const std::optional<std::vector<std::string>>& allowed_names,
                           const policy::PolicyDocument& document) {
  if (!allowed_names) return Status::Ok();
  const std::vector<std::string>& allowed = *allowed_names;
  for (const policy::NotificationRoute& route : document.notifications) {
    const std::string& name = route.webhook.secret_env;
    if (name.empty() || std::find(allowed.begin(), allowed.end(), name) != allowed.end()) continue;
    const std::vector<std::string_view> listed(allowed.begin(), allowed.end());
    return InvalidArgument(
        "notifications: secret_env '" + name + "' is not in the webhook_secrets of tenant '" +
        tenant_name + "' in the server configuration (" +
        (listed.empty() ? std::string("none listed") : policy::QuotedList(listed)) +
        "); on a server with several tenants each policy may sign only with the secrets its "
        "tenant lists: tenants: [{name: " +
        tenant_name + ", policy: ..., webhook_secrets: [" + name + "]}]");
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::unique_ptr<ApiServer>> ApiServer::Create(ServerConfig config) {
  DB_RETURN_IF_ERROR(ValidateConfig(config));
  std::unique_ptr<ApiServer> server(new ApiServer(std::move(config)));
  DB_RETURN_IF_ERROR(server->Open());
  return server;
}

Status ApiServer::Open() {
  // Every policy must load before anything is created on disk.
  for (const TenantConfig& tc : config_.tenants) {
    policy::LoadResult loaded = policy::LoadPolicy(tc.policy);
    if (!loaded.ok()) {
      return InvalidArgument("tenant '" + tc.name + "': " + loaded.ErrorText());
    }
    DB_RETURN_IF_ERROR(CheckWebhookSecrets(
        tc.name, AllowedWebhookSecrets(tc, config_.tenants.size()), loaded.document));
  }
  // The address and the TLS files next, so that a start that cannot serve (port taken, key
  // unreadable) stops before it opens the database or records anything in the audit log.
  if (config_.tls()) {
    tls_files_digest_ = TlsFilesDigest(config_);
    DB_ASSIGN_OR_RETURN(ssl_, MakeTlsContext(config_.tls_cert, config_.tls_key));
  }
  if (!config_.config_path.empty()) config_text_ = FileBytes(config_.config_path);
  DB_RETURN_IF_ERROR(LoadMetricsToken());
  FitConnectionsToDescriptors(config_.limits);
  boost::system::error_code ec;
  auto address = net::ip::make_address(config_.host(), ec);
  if (ec) return InvalidArgument("listen: '" + config_.host() + "' is not an IP address");
  DB_ASSIGN_OR_RETURN(listener_,
                      Listener::Bind(io_, {address, config_.port()}, ssl_, config_.limits, *this));

  std::filesystem::path db(config_.database);
  if (db.has_parent_path()) {
    std::error_code ignored;  // a missing directory is reported by the open below
    std::filesystem::create_directories(db.parent_path(), ignored);
  }
  // Held until the server ends: no local command changes grants behind the in-memory index,
  // and no second server opens the file (store/sqlite/serving_lock.h).
  auto serving = sqlite::ServingLock::Serve(config_.database, std::chrono::seconds(5));
  if (!serving.ok()) return serving.status();
  serving_lock_.emplace(std::move(serving).value());
  auto store = SqliteStore::Open({.path = config_.database});
  if (!store.ok()) return store.status().WithContext("opening the database " + config_.database);
  store_ = std::move(store).value();

  for (const TenantConfig& tc : config_.tenants) {
    auto tenant = std::make_unique<Tenant>();
    tenant->name = tc.name;
    tenant->policy_path = tc.policy;
    tenant->webhook_secrets = AllowedWebhookSecrets(tc, config_.tenants.size());
    DB_RETURN_IF_ERROR(LoadPolicy(*tenant, "system", /*initial=*/true, nullptr));
    tenants_.emplace(tc.name, std::move(tenant));
  }
  DB_RETURN_IF_ERROR(tokens_.Load(*store_));

  notify::DelivererOptions delivery;
  delivery.http.connect_timeout = config_.webhook_connect_timeout;
  delivery.http.total_timeout = config_.webhook_timeout;
  delivery.log = [](std::string_view line) {
    Log(LogLevel::kWarn, "webhook", {{"problem", line}});
  };
  deliverer_ = std::make_unique<notify::OutboxDeliverer>(*store_, clock_, delivery);
  PushRoutes();
  // Only now that it can answer: until here a client is refused rather than left waiting in
  // the backlog while the database opens.
  return listener_->Listen();
}

Status ApiServer::LoadPolicy(Tenant& tenant, const std::string& actor, bool initial,
                             const PolicyFiles* replacement) {
  std::lock_guard lock(tenant.reload_mu);
  policy::LoadResult loaded;
  // A replacement is staged beside the policy in force and takes its place only once the change
  // is audited and in force: a crash, a refused policy or a failed audit leaves the old one whole.
  std::optional<StagedPolicy> staged;
  if (replacement != nullptr) {
    auto stage = StagedPolicy::Stage(tenant.policy_path, *replacement);
    if (!stage.ok() && stage.status().code() == StatusCode::kUnavailable) {
      // Not a passing fault: the policy's place is not writable by the server (a read-only
      // /etc, say), and asking again will not change that.
      return FailedPrecondition(
          "the server cannot save a policy in " + tenant.policy_path + " (" +
          stage.status().message() +
          "); make that path writable by the server, or change the file there and send SIGHUP");
    }
    if (!stage.ok()) return stage.status();
    staged.emplace(std::move(stage).value());
    PolicyFiles files = *replacement;
    if (std::filesystem::is_directory(tenant.policy_path)) {
      // In the order a reload from the directory reads them, so the version is the same.
      std::sort(files.begin(), files.end());
    } else {
      files.front().first = std::filesystem::path(tenant.policy_path).filename().string();
    }
    loaded = policy::LoadPolicyTexts(files);
  } else {
    loaded = policy::LoadPolicy(tenant.policy_path);
  }
  if (!loaded.ok()) return InvalidArgument(loaded.ErrorText());
  DB_RETURN_IF_ERROR(CheckWebhookSecrets(tenant.name, tenant.webhook_secrets, loaded.document));
  std::vector<std::string> texts;
  for (const auto& [file, text] : loaded.sources) texts.push_back(text);
  const std::string version = policy::PolicyVersionOfTexts(texts);
  if (!initial && replacement == nullptr && version == tenant.policy_version) {
    // A SIGHUP that finds the same files: nothing changes, so nothing is recorded in the audit
    // chain (a reload of every tenant must not add an event to each).
    Log(LogLevel::kInfo, "policy unchanged", {{"tenant", tenant.name}, {"version", version}});
    return Status::Ok();
  }
  DB_ASSIGN_OR_RETURN(auto compiled, policy::Compile(loaded.document, version));
  if (initial) {
    service::ServiceOptions options;
    options.tenant = tenant.name;
    options.on_group_commit = [this](const service::GroupCommitReport& r) {
      metrics_.RecordGroupCommit(r.checks, r.transitions,
                                 std::chrono::duration<double>(r.oldest_wait).count(),
                                 std::chrono::duration<double>(r.commit).count());
    };
    // Under load, a group gathers for up to half a millisecond: one fsync then serves about
    // twice the checks (docs/PERFORMANCE.md, "Where the time went").
    options.commit_gather = std::chrono::microseconds(500);
    // A group's answers reach each I/O thread in one wake-up (mailbox.h).
    options.answer_group = [](const std::function<void()>& answer) {
      Mailbox::Burst burst;
      answer();
    };
    DB_ASSIGN_OR_RETURN(tenant.service, service::JitService::Open(compiled, *store_, clock_, ids_,
                                                                  analyzer_, options));
  }
  DB_RETURN_IF_ERROR(tenant.service->ReplacePolicy(compiled, actor, tenant.policy_path));
  // From here the new policy decides: what the tenant reports (GET /v1/policy, metrics, the
  // version a SIGHUP compares with) is that policy, even if saving it below fails.
  tenant.policy_version = version;
  tenant.policy_loaded_at = clock_.NowSeconds();
  tenant.policy_files.clear();
  for (auto& [file, text] : loaded.sources) {
    tenant.policy_files.emplace_back(std::filesystem::path(file).filename().string(),
                                     std::move(text));
  }
  tenant.routes = loaded.document.notifications;
  Log(LogLevel::kInfo, initial ? "policy loaded" : "policy reloaded",
      {{"tenant", tenant.name},
       {"version", version},
       {"source", tenant.policy_path},
       {"actor", actor}});
  if (staged) {
    if (Status saved = staged->Commit(); !saved.ok()) {
      // In force and audited, but the files on disk are still the old policy: a restart, or a
      // SIGHUP (which finds a version other than the one in force), puts that one back.
      Log(LogLevel::kError, "the new policy is in force but could not be saved",
          {{"tenant", tenant.name}, {"path", tenant.policy_path}, {"error", saved.message()}});
      return Unavailable("the policy is in force but could not be saved: " + saved.message() +
                         "; a restart or SIGHUP would load the old one from " + tenant.policy_path);
    }
  }
  return Status::Ok();
}

void ApiServer::PushRoutes() {
  if (!deliverer_) return;
  std::map<std::string, std::vector<policy::NotificationRoute>> routes;
  for (auto& [name, tenant] : tenants_) {
    std::lock_guard lock(tenant->reload_mu);
    routes[name] = tenant->routes;
  }
  deliverer_->SetTenantRoutes(std::move(routes));
}

Status ApiServer::LoadMetricsToken() {
  if (config_.metrics_token_file.empty()) return Status::Ok();
  const std::string& path = config_.metrics_token_file;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return InvalidArgument("metrics_token_file " + path +
                           ": cannot read it: " + std::strerror(errno));
  }
  std::string token((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return InvalidArgument("metrics_token_file " + path + ": cannot read it");
  // The file's last line break (and any white space around the token) is not part of it.
  const size_t first = token.find_first_not_of(" \t\r\n");
  const size_t last = token.find_last_not_of(" \t\r\n");
  token = first == std::string::npos ? "" : token.substr(first, last - first + 1);
  constexpr size_t kMinTokenChars = 16;
  if (token.size() < kMinTokenChars || token.find_first_of(" \t\r\n") != std::string::npos) {
    return InvalidArgument("metrics_token_file " + path + ": expected one token of at least " +
                           std::to_string(kMinTokenChars) +
                           " characters without spaces (e.g. from `openssl rand -hex 32`)");
  }
  auto digest = std::make_shared<const std::string>(audit::Sha256(token));
  const std::shared_ptr<const std::string> before = metrics_token_digest_.load();
  if (before && *before != *digest) {
    Log(LogLevel::kInfo, "metrics token reloaded", {{"metrics_token_file", path}});
  }
  metrics_token_digest_.store(std::move(digest));
  return Status::Ok();
}

bool ApiServer::MetricsCallerAllowed(std::string_view authorization) const {
  const std::shared_ptr<const std::string> want = metrics_token_digest_.load();
  if (!want) return true;
  constexpr std::string_view kBearer = "Bearer ";
  if (!authorization.starts_with(kBearer)) return false;
  const std::string got = audit::Sha256(authorization.substr(kBearer.size()));
  return got.size() == want->size() && CRYPTO_memcmp(got.data(), want->data(), got.size()) == 0;
}

Status ApiServer::ReloadAll(const std::string& actor) {
  if (!config_.config_path.empty() && FileBytes(config_.config_path) != config_text_) {
    // Only what the configuration file points at is reloaded, not the file itself: an operator
    // who edited it must not believe the edit is in force.
    Log(LogLevel::kWarn,
        "the configuration file changed since the server started; SIGHUP reloads the policies, "
        "the TLS certificate and key and the metrics token only: restart the server to apply it",
        {{"config", config_.config_path}});
  }
  Status first;
  for (auto& [name, tenant] : tenants_) {
    Status s = LoadPolicy(*tenant, actor, /*initial=*/false, nullptr);
    if (!s.ok()) {
      tenant->reload_failures.fetch_add(1);
      Log(LogLevel::kError, "policy reload refused; the old policy keeps serving",
          {{"tenant", name}, {"errors", s.message()}});
      if (first.ok()) first = s;
    }
  }
  PushRoutes();
  if (Status metrics = LoadMetricsToken(); !metrics.ok()) {
    metrics_token_reload_failures_.fetch_add(1);
    Log(LogLevel::kError, "metrics token reload refused; the old token stays in force",
        {{"error", metrics.message()}});
    if (first.ok()) first = metrics;
  }
  if (config_.tls()) {
    // A renewed certificate: new connections get it, open ones keep theirs.
    const std::string digest = TlsFilesDigest(config_);
    auto tls = MakeTlsContext(config_.tls_cert, config_.tls_key);
    if (tls.ok()) {
      listener_->ReplaceTls(std::move(tls).value());
      if (digest != tls_files_digest_) {
        Log(LogLevel::kInfo, "TLS certificate reloaded", {{"cert", config_.tls_cert}});
      }
      tls_files_digest_ = digest;
    } else {
      tls_reload_failures_.fetch_add(1);
      Log(LogLevel::kError, "TLS reload refused; the old certificate keeps serving",
          {{"error", tls.status().message()}});
      if (first.ok()) first = tls.status();
    }
  }
  return first;
}

StatusOr<service::IssuedToken> ApiServer::IssueToken(const std::string& tenant,
                                                     const service::TokenInput& input,
                                                     const std::string& actor) {
  Tenant* t = FindTenant(tenant);
  if (t == nullptr) return NotFound("no tenant '" + tenant + "'");
  DB_ASSIGN_OR_RETURN(service::IssuedToken issued, t->service->CreateToken(input, actor));
  tokens_.Upsert(issued.record);
  return issued;
}

Tenant* ApiServer::FindTenant(const std::string& name) {
  auto it = tenants_.find(name);
  return it == tenants_.end() ? nullptr : it->second.get();
}

std::string ApiServer::url() const {
  std::string host = config_.host();
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return std::string(config_.tls() ? "https" : "http") + "://" + host + ":" +
         std::to_string(port());
}

void ApiServer::StartBackground() {
  deliverer_->Start();
  background_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "db-background");
    BackgroundLoop();
  });
}

void ApiServer::StopBackground() {
  {
    std::lock_guard lock(state_mu_);
    background_stop_ = true;
  }
  state_cv_.notify_all();
  if (background_.joinable()) background_.join();
}

// Once a second: tokens written by other processes; every sweep_interval: expiries and
// scheduled starts, waking long polls whose requests may have changed.
void ApiServer::BackgroundLoop() {
  auto next_sweep = std::chrono::steady_clock::now();
  std::unique_lock lock(state_mu_);
  while (!background_stop_) {
    lock.unlock();
    if (Status s = tokens_.Refresh(*store_); !s.ok()) {
      Log(LogLevel::kWarn, "token refresh failed", {{"error", s.message()}});
    }
    if (std::chrono::steady_clock::now() >= next_sweep) {
      next_sweep = std::chrono::steady_clock::now() + config_.sweep_interval;
      bool changed = false;
      for (auto& [name, tenant] : tenants_) {
        auto report = tenant->service->Sweep();
        if (!report.ok()) {
          Log(LogLevel::kError, "sweep failed",
              {{"tenant", name}, {"error", report.status().message()}});
          continue;
        }
        if (report->expired_requests + report->expired_grants + report->activated_grants > 0) {
          changed = true;
          Log(LogLevel::kInfo, "swept",
              {{"tenant", name},
               {"expired_requests", report->expired_requests},
               {"expired_grants", report->expired_grants},
               {"activated_grants", report->activated_grants}});
        }
      }
      if (changed) {
        waiters_.NotifyAll();
        deliverer_->Wake();
      }
    }
    lock.lock();
    state_cv_.wait_for(lock, std::chrono::seconds(1), [this] { return background_stop_; });
  }
}

Status ApiServer::Run(bool handle_signals, const std::function<void()>& on_serving) {
  std::optional<net::signal_set> signals;
  // Lives as long as Run: the SIGHUP branch re-arms the wait with it.
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int signal) {
        if (ec) return;
        if (signal == SIGHUP) {
          // Reading and compiling policies may take a while: off the I/O threads.
          net::post(blocking_, [this] {
            std::lock_guard reloading(reload_all_mu_);
            NotifyServiceManager("RELOADING=1");
            const Status reloaded = ReloadAll("system:sighup");
            NotifyServiceManager(reloaded.ok() ? "READY=1\nSTATUS=serving; reloaded"
                                               : "READY=1\nSTATUS=serving; reload refused, the "
                                                 "old policy or certificate kept (see the log)");
          });
          signals->async_wait(on_signal);
          return;
        }
        Log(LogLevel::kInfo, "shutting down", {{"signal", signal}});
        Shutdown();
        signals->async_wait(on_signal);  // a second one skips the rest of shutdown_delay
      };
  // Before anything says the server is up (the banner, READY=1): a SIGHUP or SIGTERM sent on
  // seeing it must reach the handler, not the default action that kills the process. (The port
  // is bound earlier, in Create; a signal sent on seeing only the port can still come too soon.)
  if (handle_signals) {
    signals.emplace(io_.main(), SIGTERM, SIGINT, SIGHUP);
    signals->async_wait(on_signal);
  }
  listener_->Start();
  StartBackground();
  io_.Start();
  // What is really in force, wherever each value came from (file, environment, flags).
  json::array tenants;
  for (const TenantConfig& tc : config_.tenants) {
    tenants.push_back(json::object{{"name", tc.name}, {"policy", tc.policy}});
  }
  Log(LogLevel::kInfo, "serving",
      {{"url", url()},
       {"threads", io_.size()},
       {"database", config_.database},
       {"tls", config_.tls()},
       {"tenants", std::move(tenants)}});
  for (const std::string& replaced : config_.overridden) {
    Log(LogLevel::kWarn, "configuration file overridden", {{"setting", replaced}});
  }
  if (!config_.tls() && !ListensOnLoopbackOnly(config_)) {
    Log(LogLevel::kWarn,
        "serving plain HTTP beyond loopback: bearer tokens cross the network in clear; set tls, "
        "or listen on loopback behind a proxy that terminates TLS",
        {{"listen", config_.listen}});
  }

  if (on_serving) on_serving();
  NotifyServiceManager("READY=1\nSTATUS=serving at " + url());

  {
    std::unique_lock lock(state_mu_);
    state_cv_.wait(lock, [this] { return stop_requested_; });
    lock.unlock();  // a service manager slow to read must not hold up Shutdown()
    NotifyServiceManager("STOPPING=1\nSTATUS=draining");
    lock.lock();
    if (config_.shutdown_delay.count() > 0) {
      // Not ready, still serving: load balancers that poll /readyz take the instance out before
      // its listener closes. A second signal ends the wait.
      Log(LogLevel::kInfo, "not ready; draining after shutdown_delay",
          {{"seconds", config_.shutdown_delay.count()}});
      state_cv_.wait_for(lock, config_.shutdown_delay, [this] { return stop_now_; });
    }
  }
  draining_ = true;
  // Draining: no new connections; idle keep-alive connections close; long polls answer now;
  // requests in flight finish and are answered.
  listener_->Stop();
  waiters_.NotifyAll();
  const auto deadline = std::chrono::steady_clock::now() + config_.shutdown_grace;
  {
    std::unique_lock lock(state_mu_);
    state_cv_.wait_until(lock, deadline, [this] { return in_flight_.Total() == 0; });
  }
  if (const int64_t left = in_flight_.Total(); left != 0) {
    Log(LogLevel::kWarn, "shutdown grace ran out", {{"in_flight", left}});
  }
  if (signals) signals->cancel();
  io_.Stop();
  StopBackground();
  deliverer_->Stop();
  Log(LogLevel::kInfo, "stopped");
  return Status::Ok();
}

void ApiServer::Shutdown() {
  unready_ = true;
  {
    std::lock_guard lock(state_mu_);
    stop_now_ = stop_requested_;  // a second request skips what is left of shutdown_delay
    stop_requested_ = true;
  }
  state_cv_.notify_all();
}

HttpResponse ApiServer::Reject(http::status status, std::string_view code, std::string_view message,
                               const std::string& request_id, const std::string& peer_ip) {
  HttpResponse r = ErrorResponse(status, code, message);
  r.set("X-Request-Id", request_id);
  const int status_code = static_cast<int>(status);
  metrics_.RecordHttp("-", "unparsed", status_code, 0);
  Log(LogLevel::kInfo, "http",
      {{"request_id", request_id},
       {"route", "unparsed"},
       {"status", status_code},
       {"code", code},
       {"peer", peer_ip}});
  return r;
}

}  // namespace drawbridge::server
