// Tells a service manager (systemd's Type=notify) how the server is doing, without libsystemd:
// one datagram to the unix socket named by $NOTIFY_SOCKET. Without that variable it does nothing.
#pragma once

#include <string_view>

namespace drawbridge::server {

// Sends `state`, e.g. "READY=1" or "STOPPING=1", as one datagram. Failures are ignored: the
// service manager's absence must never stop the server.
void NotifyServiceManager(std::string_view state);

}  // namespace drawbridge::server
