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
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "drawbridge/status.h"

namespace drawbridge::server {

struct TenantConfig {
  std::string name = "default";
  std::string policy;  // file or directory
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
  // Per principal, for everything except checks (which enforcement points send at line rate).
  double requests_per_second = 20;
  double burst = 40;
  // Per principal, for checks; 0 = unlimited.
  double checks_per_second = 0;
  int max_open_requests = 20;  // pending requests per requester
  std::chrono::seconds max_wait{300};
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
  std::string config_path;  // where it was read from, for messages

  std::string host() const;
  uint16_t port() const;
  bool tls() const { return !tls_cert.empty(); }
};

// Reads a config file (errors name FILE:LINE).
StatusOr<ServerConfig> LoadServerConfig(const std::string& path);
// Applies DRAWBRIDGE_* environment overrides.
Status ApplyEnvironment(ServerConfig& config);
// Checks the whole configuration: listen address, threads, TLS pair, tenants, limits.
Status ValidateConfig(const ServerConfig& config);

}  // namespace drawbridge::server
