#include "server/config.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <set>

#include "policy/durations.h"
#include "policy/suggest.h"

namespace drawbridge::server {
namespace {

constexpr int kMaxThreads = 256;

const std::vector<std::string_view> kSettings = {
    "listen",         "threads",        "database",       "tls",      "tenants",           "limits",
    "sweep_interval", "shutdown_delay", "shutdown_grace", "webhooks", "metrics_token_file"};
const std::vector<std::string_view> kTlsSettings = {"cert", "key"};
const std::vector<std::string_view> kTenantSettings = {"name", "policy", "webhook_secrets"};
const std::vector<std::string_view> kLimitSettings = {
    "max_body_bytes",      "max_header_bytes",
    "max_connections",     "read_timeout",
    "write_timeout",       "idle_timeout",
    "requests_per_second", "burst",
    "checks_per_second",   "user_checks_per_second",
    "max_open_requests",   "max_wait",
    "max_long_polls",      "max_connections_per_peer"};
const std::vector<std::string_view> kWebhookSettings = {"connect_timeout", "timeout"};

// HOST:PORT, split at the last colon; an IPv6 host may be written in brackets.
std::string HostOf(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  std::string host = colon == std::string::npos ? listen : listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  return host;
}

std::optional<uint16_t> PortOf(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return std::nullopt;
  const char* begin = listen.data() + colon + 1;
  const char* end = listen.data() + listen.size();
  unsigned value = 0;
  auto [p, ec] = std::from_chars(begin, end, value);
  if (begin == end || ec != std::errc() || p != end || value > 65535) return std::nullopt;
  return static_cast<uint16_t>(value);
}

// The checks below are shared by the file, the environment and ValidateConfig, so that a value
// means the same wherever it comes from; each says what is wrong, and the caller says where.

std::optional<std::string> ListenProblem(const std::string& listen) {
  const std::string host = HostOf(listen);
  if (host.empty() || !PortOf(listen)) {
    return "must be HOST:PORT, e.g. 127.0.0.1:8080 (got '" + listen + "')";
  }
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  if (ec) {
    return "'" + host + "' is not an IP address (use 0.0.0.0 or :: for every interface, e.g. " +
           "0.0.0.0:8080)";
  }
  return std::nullopt;
}

std::optional<std::string> ThreadsProblem(int threads) {
  if (threads >= 0 && threads <= kMaxThreads) return std::nullopt;
  return "must be 0.." + std::to_string(kMaxThreads) + ", 0 = one per core (got " +
         std::to_string(threads) + ")";
}

// `name` is one of kLimitSettings; durations need no check (ParseDuration refuses zero).
std::optional<std::string> LimitProblem(std::string_view name, const Limits& l) {
  if (name == "max_body_bytes" && l.max_body_bytes < 1024) return "must be at least 1024";
  if (name == "max_header_bytes" && l.max_header_bytes < 1024) return "must be at least 1024";
  if (name == "max_connections" && l.max_connections < 1) return "must be at least 1";
  if (name == "requests_per_second" &&
      !(std::isfinite(l.requests_per_second) && l.requests_per_second > 0)) {
    return "must be a number above 0";
  }
  if (name == "burst" && !(std::isfinite(l.burst) && l.burst >= 1)) return "must be at least 1";
  if (name == "checks_per_second" &&
      !(std::isfinite(l.checks_per_second) && l.checks_per_second >= 0)) {
    return "must be 0 (unlimited) or more";
  }
  if (name == "user_checks_per_second" &&
      !(std::isfinite(l.user_checks_per_second) && l.user_checks_per_second >= 0)) {
    return "must be 0 (unlimited) or more";
  }
  if (name == "max_open_requests" && l.max_open_requests < 1) return "must be at least 1";
  if (name == "max_long_polls" && l.max_long_polls < 1) return "must be at least 1";
  return std::nullopt;
}

std::string Joined(const std::vector<std::string_view>& items) {
  std::string out;
  for (std::string_view item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

// How a message shows a value the reader did not expect.
std::string Describe(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Sequence: return "a list";
    case YAML::NodeType::Map: return "a map";
    case YAML::NodeType::Scalar: {
      constexpr size_t kShown = 40;
      const std::string& text = node.Scalar();
      return "'" + (text.size() > kShown ? text.substr(0, kShown) + "..." : text) + "'";
    }
    default: return "nothing";
  }
}

// A value of the file and how messages name it.
struct Field {
  std::string key;  // "limits.burst", "tenants[1].policy"; empty for the whole file
  YAML::Node value;
  YAML::Mark mark;  // the key's position; an item's own for list items
};

// Reads the file's tree into a ServerConfig, refusing the first thing that is not exactly as
// documented. Never throws: every yaml-cpp access is checked for its type first.
class FileReader {
 public:
  FileReader(const std::string& path, ServerConfig& config) : path_(path), config_(config) {}

  Status Read(const YAML::Node& root) {
    const Field file{"", root, YAML::Mark()};
    if (root.IsNull()) return Error(file, "the file is empty; expected a map of settings");
    DB_ASSIGN_OR_RETURN(std::vector<Field> fields, Entries(file, kSettings, "a map of settings"));
    for (const Field& f : fields) {
      const std::string& key = f.key;
      if (key == "listen") {
        DB_RETURN_IF_ERROR(String(f, "HOST:PORT", config_.listen));
        if (auto problem = ListenProblem(config_.listen)) return Error(f, *problem);
      } else if (key == "threads") {
        DB_RETURN_IF_ERROR(Number(f, "a whole number 0..256", config_.threads));
        if (auto problem = ThreadsProblem(config_.threads)) return Error(f, *problem);
      } else if (key == "database") {
        DB_RETURN_IF_ERROR(String(f, "the SQLite file's path", config_.database));
      } else if (key == "tls") {
        DB_RETURN_IF_ERROR(Tls(f));
      } else if (key == "tenants") {
        DB_RETURN_IF_ERROR(Tenants(f));
      } else if (key == "limits") {
        DB_RETURN_IF_ERROR(ReadLimits(f));
      } else if (key == "sweep_interval") {
        DB_RETURN_IF_ERROR(Duration(f, config_.sweep_interval));
      } else if (key == "shutdown_delay") {
        DB_RETURN_IF_ERROR(Duration(f, config_.shutdown_delay, /*zero_means_none=*/true));
      } else if (key == "shutdown_grace") {
        DB_RETURN_IF_ERROR(Duration(f, config_.shutdown_grace));
      } else if (key == "metrics_token_file") {
        DB_RETURN_IF_ERROR(
            String(f, "the path of a file holding the token", config_.metrics_token_file));
      } else if (key == "webhooks") {
        DB_RETURN_IF_ERROR(Webhooks(f));
      }
      Remember(f);
    }
    return Status::Ok();
  }

 private:
  std::string Where(const YAML::Mark& mark) const {
    return path_ + ":" + std::to_string(std::max(mark.line, 0) + 1);
  }

  Status Error(const Field& f, std::string_view message) const {
    std::string text = Where(f.mark) + ": ";
    if (!f.key.empty()) text += f.key + ": ";
    return InvalidArgument(text + std::string(message));
  }

  void Remember(const Field& f) { config_.file_origins[f.key] = Where(f.mark); }

  // The entries of a map whose keys must be plain names from `allowed`, each given once.
  StatusOr<std::vector<Field>> Entries(const Field& map,
                                       const std::vector<std::string_view>& allowed,
                                       std::string_view expected) const {
    if (!map.value.IsMap()) {
      return Error(map, "expected " + std::string(expected) + ", got " + Describe(map.value));
    }
    std::vector<Field> fields;
    std::map<std::string, int> first_line;
    for (const auto& entry : map.value) {
      const Field key_only{map.key, entry.first, entry.first.Mark()};
      if (!entry.first.IsScalar()) {
        return Error(key_only, "a key must be a plain name, got " + Describe(entry.first));
      }
      const std::string name = entry.first.Scalar();
      Field field{map.key.empty() ? name : map.key + "." + name, entry.second, entry.first.Mark()};
      if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
        return Error(field, "unknown setting" + policy::DidYouMean(name, allowed) +
                                " (valid: " + Joined(allowed) + ")");
      }
      auto [first, inserted] = first_line.emplace(name, field.mark.line);
      if (!inserted) {
        return Error(field, "given twice (first at line " + std::to_string(first->second + 1) +
                                "); keep one");
      }
      fields.push_back(std::move(field));
    }
    return fields;
  }

  // A scalar; null and empty strings are refused, since an empty value is never meant.
  Status String(const Field& f, std::string_view expected, std::string& out) const {
    if (f.value.IsNull() || (f.value.IsScalar() && f.value.Scalar().empty())) {
      return Error(f, "is empty; expected " + std::string(expected));
    }
    if (!f.value.IsScalar()) {
      return Error(f, "expected " + std::string(expected) + ", got " + Describe(f.value));
    }
    out = f.value.Scalar();
    return Status::Ok();
  }

  // Decimal only, as the environment's variables are read: yaml-cpp would take 010 as octal
  // and 0x10 as hex.
  template <typename N>
  Status Number(const Field& f, std::string_view expected, N& out) const {
    N value{};
    bool ok = f.value.IsScalar() && !f.value.Scalar().empty();
    if (ok) {
      const std::string& text = f.value.Scalar();
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
      ok = ec == std::errc() && end == text.data() + text.size();
    }
    if (!ok) return Error(f, "expected " + std::string(expected) + ", got " + Describe(f.value));
    out = value;
    return Status::Ok();
  }

  // `zero_means_none`: the setting may be 0 (shutdown_delay: no delay).
  Status Duration(const Field& f, std::chrono::seconds& out, bool zero_means_none = false) const {
    const std::string text = f.value.IsScalar() ? f.value.Scalar() : "";
    const std::optional<policy::Seconds> duration = policy::ParseDuration(text);  // "": nullopt
    if (!duration && IsZero(text)) {
      if (zero_means_none) {
        out = std::chrono::seconds(0);
        return Status::Ok();
      }
      return Error(f, "must be more than zero, such as 30s, 5m or 1h");
    }
    if (!duration && text.size() > 2 && text.ends_with("ms")) {
      return Error(f,
                   "takes whole seconds or more, such as 2s, 5m or 1h; got " + Describe(f.value));
    }
    if (!duration) {
      return Error(f, "expected a duration such as 30s, 5m or 1h, got " + Describe(f.value));
    }
    out = *duration;
    return Status::Ok();
  }

  // "0", "0s", "00m": a zero written as a duration.
  static bool IsZero(std::string_view text) {
    if (text.empty() || text.front() != '0') return false;
    const size_t digits = text.find_first_not_of('0');
    if (digits == std::string_view::npos) return true;
    return digits == text.size() - 1 &&
           std::string_view("smhd").find(text.back()) != std::string_view::npos;
  }

  // A present `tls` must enable TLS: a map that lost its cert or key would otherwise start a
  // plain-HTTP server that the operator believes is encrypted.
  Status Tls(const Field& f) {
    DB_ASSIGN_OR_RETURN(
        std::vector<Field> fields,
        Entries(f, kTlsSettings, "a map {cert, key} (leave tls out for plain HTTP)"));
    std::string cert, key;
    for (const Field& field : fields) {
      if (field.key == "tls.cert") {
        DB_RETURN_IF_ERROR(String(field, "the PEM certificate file's path", cert));
      } else {
        DB_RETURN_IF_ERROR(String(field, "the PEM private key file's path", key));
      }
      Remember(field);
    }
    if (cert.empty() || key.empty()) {
      return Error(f, std::string("needs both cert and key (") +
                          (cert.empty() && key.empty() ? "both are"
                           : cert.empty()              ? "cert is"
                                                       : "key is") +
                          " missing); leave tls out to serve plain HTTP");
    }
    config_.tls_cert = cert;
    config_.tls_key = key;
    return Status::Ok();
  }

  Status SecretNames(const Field& f, std::vector<std::string>& out) const {
    constexpr std::string_view kExpected = "a list of environment variable names";
    if (!f.value.IsSequence()) {
      return Error(f, "expected " + std::string(kExpected) + ", got " + Describe(f.value));
    }
    for (const YAML::Node& item : f.value) {
      const bool name = item.IsScalar() && !item.Scalar().empty() &&
                        item.Scalar().find_first_not_of(
                            "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                            "abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
      if (!name) return Error(f, "expected " + std::string(kExpected) + ", got " + Describe(item));
      out.push_back(item.Scalar());
    }
    return Status::Ok();
  }

  Status Tenants(const Field& f) {
    if (!f.value.IsSequence()) {
      return Error(f, "expected a list of {name, policy}, got " + Describe(f.value));
    }
    std::map<std::string, int> first_line;
    size_t index = 0;
    for (const YAML::Node& item : f.value) {
      const Field entry{f.key + "[" + std::to_string(index++) + "]", item,
                        item.Mark().line >= 0 ? item.Mark() : f.mark};
      DB_ASSIGN_OR_RETURN(std::vector<Field> fields,
                          Entries(entry, kTenantSettings, "a map {name, policy}"));
      TenantConfig tenant;
      std::optional<Field> name_field, policy_field;
      for (const Field& field : fields) {
        if (field.key.ends_with(".name")) {
          DB_RETURN_IF_ERROR(String(field, "the tenant's name", tenant.name));
          name_field = field;
        } else if (field.key.ends_with(".webhook_secrets")) {
          DB_RETURN_IF_ERROR(SecretNames(field, tenant.webhook_secrets));
        } else {
          DB_RETURN_IF_ERROR(String(field, "a policy file or directory", tenant.policy));
          policy_field = field;
        }
      }
      if (!name_field || !policy_field) {
        return Error(entry, std::string("needs a name and a policy (") +
                                (name_field     ? "policy"
                                 : policy_field ? "name"
                                                : "both") +
                                " missing)");
      }
      auto [first, inserted] = first_line.emplace(tenant.name, name_field->mark.line);
      if (!inserted) {
        return Error(*name_field, "tenant '" + tenant.name + "' is already listed at line " +
                                      std::to_string(first->second + 1));
      }
      config_.file_origins["tenants[" + tenant.name + "].policy"] = Where(policy_field->mark);
      config_.tenants.push_back(std::move(tenant));
    }
    return Status::Ok();
  }

  Status ReadLimits(const Field& f) {
    // An empty `limits:` (every line commented out) keeps the defaults.
    if (f.value.IsNull()) return Status::Ok();
    DB_ASSIGN_OR_RETURN(
        std::vector<Field> fields,
        Entries(f, kLimitSettings, "a map of limits (" + Joined(kLimitSettings) + ")"));
    Limits& l = config_.limits;
    for (const Field& field : fields) {
      const std::string name = field.key.substr(std::string_view("limits.").size());
      if (name == "max_body_bytes") {
        DB_RETURN_IF_ERROR(Number(field, "a number of bytes", l.max_body_bytes));
      } else if (name == "max_header_bytes") {
        DB_RETURN_IF_ERROR(Number(field, "a number of bytes", l.max_header_bytes));
      } else if (name == "max_connections") {
        DB_RETURN_IF_ERROR(Number(field, "a whole number", l.max_connections));
      } else if (name == "read_timeout") {
        DB_RETURN_IF_ERROR(Duration(field, l.read_timeout));
      } else if (name == "write_timeout") {
        DB_RETURN_IF_ERROR(Duration(field, l.write_timeout));
      } else if (name == "idle_timeout") {
        DB_RETURN_IF_ERROR(Duration(field, l.idle_timeout));
      } else if (name == "requests_per_second") {
        DB_RETURN_IF_ERROR(Number(field, "a number", l.requests_per_second));
      } else if (name == "burst") {
        DB_RETURN_IF_ERROR(Number(field, "a number", l.burst));
      } else if (name == "checks_per_second") {
        DB_RETURN_IF_ERROR(Number(field, "a number", l.checks_per_second));
      } else if (name == "user_checks_per_second") {
        DB_RETURN_IF_ERROR(Number(field, "a number", l.user_checks_per_second));
      } else if (name == "max_open_requests") {
        DB_RETURN_IF_ERROR(Number(field, "a whole number", l.max_open_requests));
      } else if (name == "max_wait") {
        DB_RETURN_IF_ERROR(Duration(field, l.max_wait));
      } else if (name == "max_connections_per_peer") {
        DB_RETURN_IF_ERROR(Number(field, "a whole number", l.max_connections_per_peer));
      } else if (name == "max_long_polls") {
        DB_RETURN_IF_ERROR(Number(field, "a whole number", l.max_long_polls));
      }
      if (auto problem = LimitProblem(name, l)) return Error(field, *problem);
      Remember(field);
    }
    return Status::Ok();
  }

  Status Webhooks(const Field& f) {
    // An empty `webhooks:` keeps the defaults, as for limits.
    if (f.value.IsNull()) return Status::Ok();
    DB_ASSIGN_OR_RETURN(std::vector<Field> fields,
                        Entries(f, kWebhookSettings, "a map {connect_timeout, timeout}"));
    for (const Field& field : fields) {
      DB_RETURN_IF_ERROR(Duration(field, field.key == "webhooks.timeout"
                                             ? config_.webhook_timeout
                                             : config_.webhook_connect_timeout));
      Remember(field);
    }
    return Status::Ok();
  }

  const std::string path_;
  ServerConfig& config_;
};

// Sets `target` to `value` from `source`, recording it when that replaces a different value the
// file set.
void Override(ServerConfig& config, const std::string& key, std::string& target,
              const std::string& value, std::string_view source) {
  if (target != value) RecordOverride(config, key, source);
  target = value;
}

std::optional<std::string> ProcessEnvironment(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

}  // namespace

std::string ServerConfig::host() const {
  return HostOf(listen);
}

uint16_t ServerConfig::port() const {
  return PortOf(listen).value_or(0);
}

StatusOr<ServerConfig> LoadServerConfig(const std::string& path) {
  ServerConfig c;
  c.config_path = path;
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    return NotFound("cannot read the configuration file " + path);
  } catch (const YAML::Exception& e) {
    // A syntax error: yaml-cpp's description of it is the most precise there is.
    return InvalidArgument(path + ":" + std::to_string(std::max(e.mark.line, 0) + 1) +
                           ": not valid YAML: " + e.msg);
  }
  try {
    DB_RETURN_IF_ERROR(FileReader(path, c).Read(root));
  } catch (const YAML::Exception& e) {
    // FileReader checks every type before reading a value, so this is a broken invariant.
    return Internal(path + ":" + std::to_string(std::max(e.mark.line, 0) + 1) +
                    ": this value could not be read");
  }
  return c;
}

void RecordOverride(ServerConfig& config, const std::string& key, std::string_view source) {
  auto origin = config.file_origins.find(key);
  if (origin == config.file_origins.end()) return;
  config.overridden.push_back(key + ": " + std::string(source) + " replaces the value set at " +
                              origin->second);
}

Status ApplyEnvironment(ServerConfig& config) {
  return ApplyEnvironment(config, ProcessEnvironment);
}

Status ApplyEnvironment(ServerConfig& c, const EnvironmentLookup& lookup) {
  // An empty variable counts as unset, so that `VAR=` in a unit file clears nothing by accident.
  auto get = [&](const std::string& name) -> std::optional<std::string> {
    std::optional<std::string> value = lookup(name);
    if (value && value->empty()) return std::nullopt;
    return value;
  };
  if (auto v = get("DRAWBRIDGE_LISTEN")) {
    if (auto problem = ListenProblem(*v)) return InvalidArgument("DRAWBRIDGE_LISTEN: " + *problem);
    Override(c, "listen", c.listen, *v, "DRAWBRIDGE_LISTEN");
  }
  if (auto v = get("DRAWBRIDGE_THREADS")) {
    int threads = 0;
    auto [p, ec] = std::from_chars(v->data(), v->data() + v->size(), threads);
    if (ec != std::errc() || p != v->data() + v->size()) {
      return InvalidArgument("DRAWBRIDGE_THREADS: expected a whole number 0..256, got '" + *v +
                             "'");
    }
    if (auto problem = ThreadsProblem(threads)) {
      return InvalidArgument("DRAWBRIDGE_THREADS: " + *problem);
    }
    if (threads != c.threads) RecordOverride(c, "threads", "DRAWBRIDGE_THREADS");
    c.threads = threads;
  }
  if (auto v = get("DRAWBRIDGE_DB")) Override(c, "database", c.database, *v, "DRAWBRIDGE_DB");
  const std::optional<std::string> cert = get("DRAWBRIDGE_TLS_CERT");
  const std::optional<std::string> key = get("DRAWBRIDGE_TLS_KEY");
  if (cert) Override(c, "tls.cert", c.tls_cert, *cert, "DRAWBRIDGE_TLS_CERT");
  if (key) Override(c, "tls.key", c.tls_key, *key, "DRAWBRIDGE_TLS_KEY");
  if (cert && c.tls_key.empty()) {
    return InvalidArgument(
        "DRAWBRIDGE_TLS_CERT: a certificate needs its key: set DRAWBRIDGE_TLS_KEY too");
  }
  if (key && c.tls_cert.empty()) {
    return InvalidArgument(
        "DRAWBRIDGE_TLS_KEY: a key needs its certificate: set DRAWBRIDGE_TLS_CERT too");
  }
  if (auto v = get("DRAWBRIDGE_POLICY")) {
    auto tenant = std::find_if(c.tenants.begin(), c.tenants.end(),
                               [](const TenantConfig& t) { return t.name == "default"; });
    if (tenant != c.tenants.end()) {
      Override(c, "tenants[default].policy", tenant->policy, *v, "DRAWBRIDGE_POLICY");
    } else if (c.tenants.empty()) {
      c.tenants.push_back({"default", *v});
    } else {
      // Adding a tenant the file does not list would serve a policy nobody reviewed there.
      std::vector<std::string_view> names;
      for (const TenantConfig& t : c.tenants) names.push_back(t.name);
      const std::string where = c.config_path.empty() ? "the configuration" : c.config_path;
      return InvalidArgument("DRAWBRIDGE_POLICY: sets the policy of the tenant 'default', but " +
                             where + " lists the tenants " + policy::QuotedList(names) +
                             " and none is named 'default'; set the policy in the file instead");
    }
  }
  return Status::Ok();
}

Status ValidateConfig(const ServerConfig& c) {
  if (auto problem = ListenProblem(c.listen)) return InvalidArgument("listen: " + *problem);
  if (auto problem = ThreadsProblem(c.threads)) return InvalidArgument("threads: " + *problem);
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
  for (std::string_view name : kLimitSettings) {
    if (auto problem = LimitProblem(name, c.limits)) {
      return InvalidArgument("limits." + std::string(name) + ": " + *problem);
    }
  }
  return Status::Ok();
}

std::vector<std::string> ConfigKeys() {
  const std::pair<std::string_view, const std::vector<std::string_view>*> sections[] = {
      {"tls", &kTlsSettings}, {"limits", &kLimitSettings}, {"webhooks", &kWebhookSettings}};
  std::vector<std::string> keys;
  for (std::string_view setting : kSettings) {
    const auto* section = std::find_if(std::begin(sections), std::end(sections),
                                       [&](const auto& s) { return s.first == setting; });
    if (section == std::end(sections)) {
      keys.emplace_back(setting);
      continue;
    }
    for (std::string_view key : *section->second) {
      keys.push_back(std::string(setting) + "." + std::string(key));
    }
  }
  return keys;
}

}  // namespace drawbridge::server
