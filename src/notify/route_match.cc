#include "notify/route_match.h"

#include <algorithm>

namespace drawbridge::notify {

bool RouteMatches(const policy::NotificationRoute& route, std::string_view event_type) {
  return std::any_of(route.on.begin(), route.on.end(), [&](const std::string& pattern) {
    return pattern == kEveryEvent || pattern == event_type;
  });
}

std::vector<size_t> MatchingRoutes(std::span<const policy::NotificationRoute> routes,
                                   std::string_view event_type) {
  std::vector<size_t> matches;
  std::vector<std::string> seen;
  for (size_t i = 0; i < routes.size(); ++i) {
    if (!RouteMatches(routes[i], event_type)) continue;
    std::string key = WebhookKey(routes[i].webhook);
    if (std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(std::move(key));
    matches.push_back(i);
  }
  return matches;
}

std::string WebhookKey(const policy::Webhook& webhook) {
  // Length-prefixed, so no choice of characters in one field can make two keys equal.
  std::string key;
  for (const std::string* field : {&webhook.url, &webhook.format, &webhook.secret_env}) {
    key += std::to_string(field->size());
    key += ':';
    key += *field;
  }
  return key;
}

}  // namespace drawbridge::notify
