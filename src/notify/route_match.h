// Which notification routes an outbox event goes to. Pure, thread-safe.
//
// A route's `on` list holds exact event types ("request.created") or "*" for every type. The
// policy reader accepts only the known event names and "*", so no other pattern is matched here:
// "request.*" in a route is a literal that matches nothing.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "policy/document.h"

namespace drawbridge::notify {

inline constexpr std::string_view kEveryEvent = "*";

bool RouteMatches(const policy::NotificationRoute& route, std::string_view event_type);

// Indexes into `routes` of every route that matches, in order. Routes whose webhook is the same
// (url, format and secret_env) are listed once: the receiver gets one copy per event.
std::vector<size_t> MatchingRoutes(std::span<const policy::NotificationRoute> routes,
                                   std::string_view event_type);

// What identifies a webhook endpoint across policy reloads: url, format and secret_env.
std::string WebhookKey(const policy::Webhook& webhook);

}  // namespace drawbridge::notify
