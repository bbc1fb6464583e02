#include "client/client_config.h"

#include <sys/stat.h>
#include <yaml-cpp/yaml.h>

#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace drawbridge::client {
namespace {

struct FileSettings {
  std::optional<std::string> addr, token, ca_file, connect_timeout, timeout;
};

StatusOr<FileSettings> ReadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return NotFound("cannot read config file " + path + ": " + std::strerror(errno));
  std::stringstream text;
  text << in.rdbuf();
  FileSettings out;
  YAML::Node root;
  try {
    root = YAML::Load(text.str());
  } catch (const YAML::Exception& e) {
    return InvalidArgument(path + ":" + std::to_string(e.mark.line + 1) + ":" +
                           std::to_string(e.mark.column + 1) + ": " + e.msg);
  }
  if (root.IsNull()) return out;
  if (!root.IsMap()) return InvalidArgument(path + ": must be a map of addr, token, ca_file, ...");
  for (const auto& item : root) {
    std::string key = item.first.as<std::string>("");
    auto where = [&] {
      return path + ":" + std::to_string(item.first.Mark().line + 1) + ":" +
             std::to_string(item.first.Mark().column + 1) + ": ";
    };
    std::optional<std::string>* slot = nullptr;
    if (key == "addr") slot = &out.addr;
    if (key == "token") slot = &out.token;
    if (key == "ca_file") slot = &out.ca_file;
    if (key == "connect_timeout") slot = &out.connect_timeout;
    if (key == "timeout") slot = &out.timeout;
    if (slot == nullptr) {
      return InvalidArgument(where() + "unknown key '" + key +
                             "' (known: addr, token, ca_file, connect_timeout, timeout)");
    }
    if (!item.second.IsScalar()) return InvalidArgument(where() + key + " must be a string");
    *slot = item.second.Scalar();
  }
  return out;
}

}  // namespace

std::optional<std::pair<std::string, bool>> ConfigPath(const EnvLookup& env) {
  if (auto explicit_path = env("DRAWBRIDGE_CONFIG"); explicit_path && !explicit_path->empty()) {
    return std::pair{*explicit_path, true};
  }
  if (auto xdg = env("XDG_CONFIG_HOME"); xdg && !xdg->empty()) {
    return std::pair{*xdg + "/drawbridge/config.yaml", false};
  }
  if (auto home = env("HOME"); home && !home->empty()) {
    return std::pair{*home + "/.config/drawbridge/config.yaml", false};
  }
  return std::nullopt;
}

namespace {

bool FileExists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

bool ReadableByOthers(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO)) != 0;
}

}  // namespace

std::string ClientConfig::Describe() const {
  std::string out = "server " + (addr.empty() ? std::string("(none)") : addr);
  out += token.empty() ? ", no token" : ", token set";
  out += ca_file.empty() ? ", system CA store" : ", CA file " + ca_file;
  if (!config_file.empty()) out += ", config " + config_file;
  return out;
}

EnvLookup ProcessEnv() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* v = std::getenv(std::string(name).c_str());
    if (v == nullptr) return std::nullopt;
    return std::string(v);
  };
}

std::optional<std::chrono::milliseconds> ParseTimeout(std::string_view text) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || value <= 0) return std::nullopt;
  std::string_view unit(end, text.data() + text.size() - end);
  int64_t ms_per_unit = 0;
  if (unit == "ms") ms_per_unit = 1;
  if (unit == "s") ms_per_unit = 1000;
  if (unit == "m") ms_per_unit = 60'000;
  if (unit == "h") ms_per_unit = 3'600'000;
  if (ms_per_unit == 0 || value > INT64_MAX / ms_per_unit) return std::nullopt;
  return std::chrono::milliseconds(value * ms_per_unit);
}

StatusOr<ClientConfig> LoadClientConfig(const EnvLookup& env) {
  FileSettings file;
  ClientConfig config;
  if (auto path = ConfigPath(env)) {
    auto [name, required] = *path;
    if (required || FileExists(name)) {
      auto read = ReadConfigFile(name);
      if (!read.ok()) return read.status();
      file = std::move(read).value();
      config.config_file = name;
      // A relative ca_file names a file beside the config file, wherever the command runs.
      if (file.ca_file && !file.ca_file->empty() && file.ca_file->front() != '/') {
        const std::filesystem::path dir = std::filesystem::path(name).parent_path();
        file.ca_file = (dir / *file.ca_file).string();
      }
      if (file.token && !file.token->empty() && ReadableByOthers(name)) {
        config.warnings.push_back(name + " holds a token but others may read it; chmod 600 " +
                                  name);
      }
    }
  }
  auto pick = [&](std::string_view env_name, const std::optional<std::string>& from_file) {
    if (auto v = env(env_name); v && !v->empty()) return *v;
    return from_file.value_or("");
  };
  config.addr = pick("DRAWBRIDGE_ADDR", file.addr);
  config.token = pick("DRAWBRIDGE_TOKEN", file.token);
  config.ca_file = pick("DRAWBRIDGE_CA_FILE", file.ca_file);
  struct TimeoutKey {
    std::string_view env_name, file_key;
    const std::optional<std::string>& from_file;
    std::chrono::milliseconds& out;
  };
  for (const TimeoutKey& t :
       {TimeoutKey{"DRAWBRIDGE_CONNECT_TIMEOUT", "connect_timeout", file.connect_timeout,
                   config.timeouts.connect},
        TimeoutKey{"DRAWBRIDGE_TIMEOUT", "timeout", file.timeout, config.timeouts.read}}) {
    std::string text = pick(t.env_name, t.from_file);
    if (text.empty()) continue;
    auto ms = ParseTimeout(text);
    if (!ms) {
      return InvalidArgument(std::string(t.env_name) + " / " + std::string(t.file_key) + " '" +
                             text + "' must be a duration such as 500ms, 10s or 2m");
    }
    t.out = *ms;
  }
  return config;
}

}  // namespace drawbridge::client
