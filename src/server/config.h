// Server configuration: a YAML file, then DRAWBRIDGE_* environment overrides, then flags.
//
//   listen: 127.0.0.1:8080        # host:port
//   threads: 0                    # 0 = one per core
//   database: var/drawbridge.sqlite
//   tls: {cert: /etc/drawbridge/tls.crt, key: /etc/drawbridge/tls.key}
//   tenants:                      # one policy per tenant; a token names its tenant
//     - {name: default, policy: /etc/drawbridge/policy}
//   limits: {max_body_bytes: 1048576, max_header_bytes: 16384, read_timeout: 30s,
//            write_timeout: 30s, idle_timeout: 75s, requests_per_second: 20, burst: 40,
//            max_open_requests: 20, max_wait: 300s}
//   sweep_interval: 5s
//   shutdown_delay: 15s          # /readyz 503 while still serving, before draining (default none)
//   shutdown_grace: 25s
//   webhooks: {connect_timeout: 2s, timeout: 5s}
//
// Environment overrides: DRAWBRIDGE_LISTEN, DRAWBRIDGE_THREADS, DRAWBRIDGE_DB,
// DRAWBRIDGE_POLICY (the default tenant's policy), DRAWBRIDGE_TLS_CERT, DRAWBRIDGE_TLS_KEY.
//
// The file is read strictly: every map accepts only its own keys, each once, and each value must
// have its type and range. Every error says where the value came from, as "FILE:LINE: key:
// message" for the file and "DRAWBRIDGE_X: message" for the environment, so an operator fixes
// the right place. Values are checked when read; ValidateConfig checks the assembled whole again
// (flags are applied last, by the caller). Pure apart from reading the file and the environment;
// a ServerConfig is a thread-compatible value.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drawbridge/status.h"

namespace drawbridge::server {

struct TenantConfig {
  std::string name = "default";
  std::string policy;  // file or directory
  // The environment variables this tenant's webhooks may take their signing secrets from. On a
  // server with several tenants a policy may name only these: the variables are the server
  // process's, and one tenant's admin must not sign with another tenant's secret.
  std::vector<std::string> webhook_secrets;
};

struct Limits {
  size_t max_body_bytes = 1 << 20;
  size_t max_header_bytes = 16 << 10;
  std::chrono::seconds read_timeout{30};
  std::chrono::seconds write_timeout{30};
  std::chrono::seconds idle_timeout{75};
  // Open client connections at most; beyond it the server stops accepting until one closes
  // (waiting clients queue in the kernel's backlog). Also bounded by the file descriptors the
  // process may open (serve raises its soft limit to the hard one at start).
  size_t max_connections = 10000;
  // Open connections from one client address at most; 0 = no cap. Serving clients directly,
  // idle sockets from one host (no token needed to open one) must not take every connection;
  // behind a proxy every client shares the proxy's address, so it is off by default.
  size_t max_connections_per_peer = 0;
  // Per principal, for everything except checks (which enforcement points send at line rate).
  double requests_per_second = 20;
  double burst = 40;
  // Per principal, for checks by checker and admin tokens (enforcement points, operators: they
  // may ask for anyone); 0 = unlimited.
  double checks_per_second = 0;
  // Per principal, for checks by user tokens: a person, job or agent asking about itself.
  // Audited checks store their payload, so an unlimited caller could fill the disk. 0 = unlimited.
  double user_checks_per_second = 20;
  int max_open_requests = 20;  // pending requests per requester
  std::chrono::seconds max_wait{300};
  // Long polls (GET /v1/requests/{id}?wait=) one principal may have waiting at once: each holds
  // a connection, and connections are capped for everyone.
  size_t max_long_polls = 100;
};

struct ServerConfig {
  std::string listen = "127.0.0.1:8080";
  int threads = 0;
  std::string database = "var/drawbridge.sqlite";
  std::string tls_cert, tls_key;
  std::vector<TenantConfig> tenants;
  Limits limits;
  std::chrono::seconds sweep_interval{5};
  // After SIGTERM: how long /readyz answers 503 while everything else is still served, so that
  // load balancers stop sending work before the listener closes; then the drain.
  std::chrono::seconds shutdown_delay{0};
  std::chrono::seconds shutdown_grace{25};
  std::chrono::seconds webhook_connect_timeout{2};
  std::chrono::seconds webhook_timeout{5};
  // A file holding the bearer token /metrics then requires (read at start and on SIGHUP);
  // empty: /metrics answers without one.
  std::string metrics_token_file;
  std::string config_path;  // where it was read from, for messages

  // Where the file set each setting, "FILE:LINE" by key ("listen", "tls.cert", "limits.burst",
  // "tenants[default].policy"); a later source that replaces one of these is recorded below.
  std::map<std::string, std::string> file_origins;
  // The settings of the file that a later source replaced with a different value, e.g.
  // "database: DRAWBRIDGE_DB replaces the value set at /etc/drawbridge/drawbridge.yaml:12".
  // Serve logs a warning for each, since the file no longer says what runs.
  std::vector<std::string> overridden;

  std::string host() const;
  uint16_t port() const;
  bool tls() const { return !tls_cert.empty(); }
};

// Reads a config file. Errors are "FILE:LINE: key: message"; unknown keys list the valid ones.
StatusOr<ServerConfig> LoadServerConfig(const std::string& path);

// The value of an environment variable, or nothing when it is unset.
using EnvironmentLookup = std::function<std::optional<std::string>(const std::string& name)>;

// Applies DRAWBRIDGE_* overrides from the process environment (an empty variable counts as
// unset). Errors name the variable. Each replaced file setting is added to `overridden`.
// DRAWBRIDGE_POLICY sets the policy of the tenant `default`; it is an error when the config
// already lists tenants and none is named `default`.
Status ApplyEnvironment(ServerConfig& config);
// The same, reading variables through `lookup`.
Status ApplyEnvironment(ServerConfig& config, const EnvironmentLookup& lookup);

// For a caller that replaces a setting itself (a command-line flag): records in `overridden`
// that `source` (e.g. "--listen") replaced `key`, when the file had set it.
void RecordOverride(ServerConfig& config, const std::string& key, std::string_view source);

// Every key a config file may set, dotted ("limits.burst"); a section's own name ("limits") only
// where it takes a value itself ("tenants").
std::vector<std::string> ConfigKeys();

// Checks the whole configuration: listen address, threads, TLS pair, tenants, limits. Its
// messages name the key ("threads: must be 0..256 (got 300)").
Status ValidateConfig(const ServerConfig& config);

}  // namespace drawbridge::server
