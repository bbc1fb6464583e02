// Where the CLI's remote mode finds its server and credentials.
//
// Sources, the first that sets a key wins:
//   1. the environment: DRAWBRIDGE_ADDR, DRAWBRIDGE_TOKEN, DRAWBRIDGE_CA_FILE,
//      DRAWBRIDGE_CONNECT_TIMEOUT, DRAWBRIDGE_TIMEOUT;
//   2. the config file: $DRAWBRIDGE_CONFIG, else $XDG_CONFIG_HOME/drawbridge/config.yaml, else
//      ~/.config/drawbridge/config.yaml — a YAML map with the keys addr, token, ca_file,
//      connect_timeout, timeout (durations such as "5s", "500ms", "2m").
// A config file named by DRAWBRIDGE_CONFIG must exist; the default one may be absent.
// The token is a secret: nothing here prints it, and ClientConfig::Describe leaves it out.
// Reads files and the environment through the given lookup; thread-compatible.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "drawbridge/status.h"

namespace drawbridge::client {

struct Timeouts {
  std::chrono::milliseconds connect{std::chrono::seconds(10)};
  // Longest quiet time for one call, on top of any long-poll wait the call asks the server for.
  std::chrono::milliseconds read{std::chrono::seconds(30)};
};

struct ClientConfig {
  std::string addr;     // base URL; empty: no server configured
  std::string token;    // bearer token; may be empty (the server then answers 401)
  std::string ca_file;  // PEM bundle to trust instead of the system store
  Timeouts timeouts;
  std::string config_file;            // the file that was read, if any
  std::vector<std::string> warnings;  // e.g. a token in a file others can read

  // "addr https://x (from DRAWBRIDGE_ADDR), token set": never the token itself.
  std::string Describe() const;
};

using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// The process environment.
EnvLookup ProcessEnv();

// The config file `env` leads to: $DRAWBRIDGE_CONFIG (which must exist), else
// $XDG_CONFIG_HOME/drawbridge/config.yaml when XDG_CONFIG_HOME is set, else
// $HOME/.config/drawbridge/config.yaml; whether it must exist; nullopt without any of them.
std::optional<std::pair<std::string, bool>> ConfigPath(const EnvLookup& env);

// Reads the config from `env` and the config file it leads to.
StatusOr<ClientConfig> LoadClientConfig(const EnvLookup& env);

// "250ms", "5s", "2m", "1h" -> milliseconds; nullopt when malformed or not positive.
std::optional<std::chrono::milliseconds> ParseTimeout(std::string_view text);

}  // namespace drawbridge::client
