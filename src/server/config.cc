#include "server/config.h"

#include <yaml-cpp/yaml.h>

#include <charconv>
#include <cstdlib>
#include <set>

#include "policy/durations.h"

namespace drawbridge::server {
namespace {

std::string Where(const std::string& path, const YAML::Node& node) {
  return path + ":" + std::to_string(node.Mark().line + 1) + ": ";
}

Status ReadDuration(const std::string& path, const YAML::Node& node, std::chrono::seconds& out) {
  auto d = policy::ParseDuration(node.as<std::string>());
  if (!d) return InvalidArgument(Where(path, node) + "expected a duration such as 30s, 5m or 1h");
  out = *d;
  return Status::Ok();
}

template <typename Number>
Status ReadNumber(const std::string& path, const YAML::Node& node, Number& out) {
  try {
    out = node.as<Number>();
  } catch (const YAML::Exception&) {
    return InvalidArgument(Where(path, node) + "expected a number");
  }
  return Status::Ok();
}

Status ReadLimits(const std::string& path, const YAML::Node& node, Limits& l) {
  for (const auto& kv : node) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    if (key == "max_body_bytes") {
      DB_RETURN_IF_ERROR(ReadNumber(path, v, l.max_body_bytes));
    } else if (key == "max_header_bytes") {
      DB_RETURN_IF_ERROR(ReadNumber(path, v, l.max_header_bytes));
    } else if (key == "read_timeout") {
      DB_RETURN_IF_ERROR(ReadDuration(path, v, l.read_timeout));
    } else if (key == "write_timeout") {
      DB_RETURN_IF_ERROR(ReadDuration(path, v, l.write_timeout));
    } else if (key == "idle_timeout") {
      DB_RETURN_IF_ERROR(ReadDuration(path, v, l.idle_timeout));
    } else if (key == "max_connections") {
      DB_RETURN_IF_ERROR(ReadNumber(path, v, l.max_connections));
    } else if (key == "requests_per_second") {
      DB_RETURN_IF_ERROR(ReadNumber(path, v, l.requests_per_second));
    } else if (key == "burst") {
      DB_RETURN_IF_ERROR(ReadNumber(path, v, l.burst));
    } else if (key == "checks_per_second") {
      DB_RETURN_IF_ERROR(ReadNumber(path, v, l.checks_per_second));
    } else if (key == "max_open_requests") {
      DB_RETURN_IF_ERROR(ReadNumber(path, v, l.max_open_requests));
    } else if (key == "max_wait") {
      DB_RETURN_IF_ERROR(ReadDuration(path, v, l.max_wait));
    } else {
      return InvalidArgument(Where(path, kv.first) + "unknown limit '" + key + "'");
    }
  }
  return Status::Ok();
}

Status ReadRoot(const std::string& path, const YAML::Node& root, ServerConfig& c) {
  if (!root.IsMap()) return InvalidArgument(path + ": the configuration must be a mapping");
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    const YAML::Node& v = kv.second;
    if (key == "listen") {
      c.listen = v.as<std::string>();
    } else if (key == "threads") {
      DB_RETURN_IF_ERROR(ReadNumber(path, v, c.threads));
    } else if (key == "database") {
      c.database = v.as<std::string>();
    } else if (key == "tls") {
      if (v["cert"]) c.tls_cert = v["cert"].as<std::string>();
      if (v["key"]) c.tls_key = v["key"].as<std::string>();
    } else if (key == "tenants") {
      if (!v.IsSequence()) return InvalidArgument(Where(path, v) + "tenants must be a list");
      for (const auto& t : v) {
        TenantConfig tenant;
        if (!t["name"] || !t["policy"]) {
          return InvalidArgument(Where(path, t) + "each tenant needs a name and a policy");
        }
        tenant.name = t["name"].as<std::string>();
        tenant.policy = t["policy"].as<std::string>();
        c.tenants.push_back(std::move(tenant));
      }
    } else if (key == "limits") {
      DB_RETURN_IF_ERROR(ReadLimits(path, v, c.limits));
    } else if (key == "sweep_interval") {
      DB_RETURN_IF_ERROR(ReadDuration(path, v, c.sweep_interval));
    } else if (key == "shutdown_delay") {
      DB_RETURN_IF_ERROR(ReadDuration(path, v, c.shutdown_delay));
    } else if (key == "shutdown_grace") {
      DB_RETURN_IF_ERROR(ReadDuration(path, v, c.shutdown_grace));
    } else if (key == "webhooks") {
      if (v["connect_timeout"]) {
        DB_RETURN_IF_ERROR(ReadDuration(path, v["connect_timeout"], c.webhook_connect_timeout));
      }
      if (v["timeout"]) DB_RETURN_IF_ERROR(ReadDuration(path, v["timeout"], c.webhook_timeout));
    } else {
      return InvalidArgument(Where(path, kv.first) + "unknown setting '" + key +
                             "' (expected listen, threads, database, tls, tenants, limits, "
                             "sweep_interval, shutdown_delay, shutdown_grace, webhooks)");
    }
  }
  return Status::Ok();
}

const char* Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr && *v != '\0' ? v : nullptr;
}

}  // namespace

std::string ServerConfig::host() const {
  size_t colon = listen.rfind(':');
  std::string h = colon == std::string::npos ? listen : listen.substr(0, colon);
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  return h;
}

uint16_t ServerConfig::port() const {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return 0;
  unsigned value = 0;
  auto [p, ec] = std::from_chars(listen.data() + colon + 1, listen.data() + listen.size(), value);
  if (ec != std::errc() || p != listen.data() + listen.size() || value > 65535) return 0;
  return static_cast<uint16_t>(value);
}

StatusOr<ServerConfig> LoadServerConfig(const std::string& path) {
  ServerConfig c;
  c.config_path = path;
  try {
    YAML::Node root = YAML::LoadFile(path);
    DB_RETURN_IF_ERROR(ReadRoot(path, root, c));
  } catch (const YAML::BadFile&) {
    return NotFound("cannot read the configuration file " + path);
  } catch (const YAML::Exception& e) {
    return InvalidArgument(path + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
  }
  return c;
}

Status ApplyEnvironment(ServerConfig& c) {
  if (const char* v = Env("DRAWBRIDGE_LISTEN")) c.listen = v;
  if (const char* v = Env("DRAWBRIDGE_THREADS")) {
    auto [p, ec] = std::from_chars(v, v + std::char_traits<char>::length(v), c.threads);
    if (ec != std::errc()) return InvalidArgument("DRAWBRIDGE_THREADS must be a number");
  }
  if (const char* v = Env("DRAWBRIDGE_DB")) c.database = v;
  if (const char* v = Env("DRAWBRIDGE_TLS_CERT")) c.tls_cert = v;
  if (const char* v = Env("DRAWBRIDGE_TLS_KEY")) c.tls_key = v;
  if (const char* v = Env("DRAWBRIDGE_POLICY")) {
    bool found = false;
    for (auto& t : c.tenants) {
      if (t.name == "default") {
        t.policy = v;
        found = true;
      }
    }
    if (!found) c.tenants.push_back({"default", v});
  }
  return Status::Ok();
}

Status ValidateConfig(const ServerConfig& c) {
  if (c.host().empty() || c.port() == 0 && c.listen.substr(c.listen.rfind(':') + 1) != "0") {
    return InvalidArgument("listen must be HOST:PORT, e.g. 127.0.0.1:8080 (got '" + c.listen +
                           "')");
  }
  if (c.threads < 0 || c.threads > 256) return InvalidArgument("threads must be 0..256");
  if (c.database.empty()) return InvalidArgument("no database: set database: PATH");
  if (c.tls_cert.empty() != c.tls_key.empty()) {
    return InvalidArgument("TLS needs both a certificate and a key (tls: {cert, key})");
  }
  if (c.tenants.empty()) {
    return InvalidArgument("no tenants: give a policy (tenants: [{name, policy}] or --policy)");
  }
  std::set<std::string> names;
  for (const TenantConfig& t : c.tenants) {
    if (t.name.empty() || t.policy.empty()) {
      return InvalidArgument("every tenant needs a name and a policy path");
    }
    if (!names.insert(t.name).second) return InvalidArgument("tenant '" + t.name + "' twice");
  }
  const Limits& l = c.limits;
  if (l.max_body_bytes < 1024) return InvalidArgument("limits.max_body_bytes must be >= 1024");
  if (l.max_header_bytes < 1024) return InvalidArgument("limits.max_header_bytes must be >= 1024");
  if (l.max_connections < 1) return InvalidArgument("limits.max_connections must be >= 1");
  if (l.requests_per_second <= 0 || l.burst < 1) {
    return InvalidArgument("limits.requests_per_second must be > 0 and burst >= 1");
  }
  if (l.checks_per_second < 0) return InvalidArgument("limits.checks_per_second must be >= 0");
  if (l.max_open_requests < 1) return InvalidArgument("limits.max_open_requests must be >= 1");
  return Status::Ok();
}

}  // namespace drawbridge::server
