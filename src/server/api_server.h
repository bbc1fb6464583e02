// ApiServer: `drawbridge serve`. The HTTP/JSON API of docs/API.md (SPEC §6) over the service
// layer: authentication by token, one JitService per tenant on one store, long polls on request
// state, per-principal rate limits, metrics, policy hot reload, the expiry sweeper, token refresh
// and webhook delivery in the background, and a graceful shutdown.
//
// Threads: `threads` I/O threads (one io_context each, io_pool.h) run the connections and answer
// checks inline (a check reads only memory, unless it must record the use of a grant); store
// reads and workflow writes run on a blocking pool so that fsyncs never stall the I/O threads.
// A workflow write waits there for its group commit (JitService), so the pool is larger than
// the cores: the writes in flight at once are what one commit can carry.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "auth/token_authenticator.h"
#include "classify/payload_analyzer.h"
#include "drawbridge/clock.h"
#include "drawbridge/store.h"
#include "notify/outbox_deliverer.h"
#include "policy/document.h"
#include "server/call.h"
#include "server/concurrency_quota.h"
#include "server/config.h"
#include "server/http.h"
#include "server/in_flight.h"
#include "server/io_pool.h"
#include "server/listener.h"
#include "server/log.h"
#include "server/metrics.h"
#include "server/policy_files.h"
#include "server/rate_limiter.h"
#include "server/waiters.h"
#include "service/jit_service.h"
#include "service/random_ids.h"
#include "store/sqlite/serving_lock.h"

namespace drawbridge::server {

struct ApiRoute;  // route_table.h

// One tenant: its policy source, its service (grant index, audit chain) and what is loaded.
struct Tenant {
  std::string name;
  std::string policy_path;
  // The secret_env names its policy may use; nullopt: any (a server with one tenant).
  std::optional<std::vector<std::string>> webhook_secrets;
  std::unique_ptr<service::JitService> service;
  std::mutex reload_mu;  // one reload at a time; guards the fields below
  std::string policy_version;
  int64_t policy_loaded_at = 0;
  PolicyFiles policy_files;  // in force, as GET /v1/policy shows them
  std::vector<policy::NotificationRoute> routes;
  std::atomic<uint64_t> reload_failures{0};  // reloads refused (SIGHUP, PUT /v1/policy)
};

class ApiServer final : public HttpHandler {
 public:
  // Opens the store, loads every tenant's policy and grants, binds the listener. Nothing is
  // served until Run.
  static StatusOr<std::unique_ptr<ApiServer>> Create(ServerConfig config);
  ~ApiServer() override;

  // Serves until Shutdown (or SIGTERM/SIGINT when `handle_signals`); SIGHUP reloads policies.
  // `on_serving` runs once the signals are handled and the listener accepts: the moment to say
  // the server is up.
  // Returns after in-flight requests finished (or the grace period ran out) and everything
  // background has stopped.
  Status Run(bool handle_signals = true, const std::function<void()>& on_serving = {});
  // Stops accepting, lets in-flight requests finish, then makes Run return. Thread-safe.
  void Shutdown();
  // Re-reads every tenant's policy from its path, and the TLS certificate and key; whatever does
  // not load is refused and the old one stays in force.
  // One at a time (reload_all_mu_): a later SIGHUP's certificate must not be replaced by an
  // earlier one that finished after it.
  Status ReloadAll(const std::string& actor);

  // Issues a token in `tenant` and makes it usable at once (dev mode's first start).
  StatusOr<service::IssuedToken> IssueToken(const std::string& tenant,
                                            const service::TokenInput& input,
                                            const std::string& actor);

  uint16_t port() const { return listener_->port(); }
  Store& store() { return *store_; }
  Tenant* FindTenant(const std::string& name);
  // The URL clients use ("http://127.0.0.1:8080").
  std::string url() const;

  // HttpHandler
  void Handle(std::shared_ptr<Exchange> exchange) override;
  HttpResponse Reject(http::status status, std::string_view code, std::string_view message,
                      const std::string& request_id, const std::string& peer_ip) override;
  bool draining() const override { return draining_.load(); }

 private:
  explicit ApiServer(ServerConfig config);

  Status Open();
  // Loads the tenant's policy from its file or directory, or puts `replacement` in its place
  // (PUT /v1/policy); audited unless `initial`. A policy that does not load changes nothing.
  Status LoadPolicy(Tenant& tenant, const std::string& actor, bool initial,
                    const PolicyFiles* replacement);
  void PushRoutes();
  void StartBackground();
  void StopBackground();
  void BackgroundLoop();

  // Routing and the endpoints (routes_*.cc).
  void Route(const std::shared_ptr<Call>& call, const ApiRoute* route);
  void Finish(const std::shared_ptr<Call>& call, HttpResponse response);
  void Blocking(const std::shared_ptr<Call>& call, std::function<HttpResponse()> work);
  void PostCheck(const std::shared_ptr<Call>& call);
  HttpResponse CreateRequest(Call& call);
  HttpResponse ListRequests(Call& call);
  void GetRequest(const std::shared_ptr<Call>& call);
  static bool Changed(const Call& call, const Request& now);
  void WaitForRequest(const std::shared_ptr<Call>& call,
                      std::chrono::steady_clock::time_point until);
  HttpResponse ReviewRequest(Call& call);
  HttpResponse CancelRequest(Call& call);
  HttpResponse ListGrants(Call& call);
  HttpResponse RevokeGrant(Call& call);
  HttpResponse ReleaseGrant(Call& call);
  HttpResponse ReadAudit(Call& call);
  HttpResponse VerifyAudit(Call& call);
  HttpResponse GetPolicy(Call& call);
  HttpResponse PutPolicy(Call& call);
  HttpResponse WhoAmI(Call& call);
  HttpResponse CreateToken(Call& call);
  HttpResponse ListTokens(Call& call);
  HttpResponse RevokeToken(Call& call);
  HttpResponse RenderMetrics();
  HttpResponse Ready();

  ServerConfig config_;
  SystemWallClock clock_;
  service::RandomIdSource ids_;
  classify::ClassifierAnalyzer analyzer_;
  // Before the tenants: their writer threads record into it until they stop.
  Metrics metrics_;
  // The http log lines of 401 and 429 answers: 20 a second (log.h).
  LogBudget refusal_log_budget_{20};
  std::mutex reload_all_mu_;  // serialises ReloadAll and its messages to systemd
  std::optional<sqlite::ServingLock> serving_lock_;  // outlives the store
  std::unique_ptr<Store> store_;
  std::map<std::string, std::unique_ptr<Tenant>> tenants_;
  auth::TokenAuthenticator tokens_;
  std::unique_ptr<notify::OutboxDeliverer> deliverer_;
  RateLimiter request_limiter_;
  RateLimiter check_limiter_;       // checks by checker and admin tokens
  RateLimiter user_check_limiter_;  // checks by user tokens
  ConcurrencyQuota long_polls_;     // per tenant and principal
  ConcurrencyQuota creates_;        // creates under way, against max_open_requests
  RequestWaiters waiters_;

  IoPool io_;
  std::shared_ptr<boost::asio::ssl::context> ssl_;
  std::atomic<uint64_t> tls_reload_failures_{0};
  std::atomic<uint64_t> metrics_token_reload_failures_{0};
  // What SIGHUP compares with to say what changed (guarded by reload_all_mu_ after Open): the
  // configuration file's text at start, and digests of the TLS pair's files as last loaded.
  std::string config_text_;
  std::string tls_files_digest_;
  // SHA-256 of the token /metrics requires (config metrics_token_file), null when none is.
  std::atomic<std::shared_ptr<const std::string>> metrics_token_digest_;
  Status LoadMetricsToken();
  bool MetricsCallerAllowed(std::string_view authorization) const;
  const int64_t started_at_ = std::chrono::duration_cast<std::chrono::seconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
  std::shared_ptr<Listener> listener_;
  static constexpr int kBlockingThreads = 16;
  boost::asio::thread_pool blocking_{kBlockingThreads};

  std::atomic<bool> unready_{false};  // SIGTERM seen: /readyz 503 (shutdown_delay, then drain)
  std::atomic<bool> draining_{false};
  InFlight in_flight_;
  std::mutex state_mu_;
  std::condition_variable state_cv_;
  bool stop_requested_ = false;
  bool stop_now_ = false;  // asked twice: no shutdown_delay
  bool background_stop_ = false;
  std::thread background_;
};

}  // namespace drawbridge::server
