// The address of a Drawbridge server as the CLI is given it (DRAWBRIDGE_ADDR, --addr or the
// config file): "https://drawbridge.example.com", "http://127.0.0.1:8080", optionally with a path
// prefix when the API sits behind a reverse proxy ("https://example.com/drawbridge").
// Pure, thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "drawbridge/status.h"

namespace drawbridge::client {

struct BaseUrl {
  bool tls = false;         // https
  std::string host;         // for DNS and TLS: "example.com", "127.0.0.1", "::1" (no brackets)
  uint16_t port = 0;        // explicit, or 80 / 443 by scheme
  std::string path_prefix;  // "" or "/drawbridge" (no trailing slash)

  // The Host header: host, bracketed when IPv6, with the port when it is not the default.
  std::string HostHeader() const;
  // "https://example.com:8443/prefix": for messages (it never holds credentials).
  std::string ToString() const;
  // Whether host is an IP literal (TLS then sends no SNI and checks the address instead).
  bool HostIsIpAddress() const;
};

// Refuses anything but http/https, user:password@ parts, queries and fragments, so a token is
// never sent somewhere the user did not clearly name.
StatusOr<BaseUrl> ParseBaseUrl(std::string_view text);

}  // namespace drawbridge::client
