#include "notify/route_match.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace drawbridge::notify {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

policy::NotificationRoute Route(std::vector<std::string> on, std::string url,
                                std::string format = "json", std::string secret_env = "") {
  policy::NotificationRoute route;
  route.on = std::move(on);
  route.webhook = {
      .url = std::move(url), .format = std::move(format), .secret_env = std::move(secret_env)};
  return route;
}

// Test that a route matches the event types it lists, exactly.
TEST(RouteMatchTest, MatchesListedTypesExactly) {
  auto route = Route({"request.created", "request.denied"}, "https://a.example/h");
  EXPECT_TRUE(RouteMatches(route, "request.created"));
  EXPECT_TRUE(RouteMatches(route, "request.denied"));
  EXPECT_FALSE(RouteMatches(route, "request.approved"));
  EXPECT_FALSE(RouteMatches(route, "request.create"));
  EXPECT_FALSE(RouteMatches(route, "request.created.extra"));
}

// Test that "*" matches every event type.
TEST(RouteMatchTest, StarMatchesEverything) {
  auto route = Route({"*"}, "https://a.example/h");
  EXPECT_TRUE(RouteMatches(route, "grant.revoked"));
  EXPECT_TRUE(RouteMatches(route, "breakglass.used"));
}

// Test that a prefix pattern is not a wildcard: only "*" is.
TEST(RouteMatchTest, PrefixPatternIsALiteral) {
  auto route = Route({"request.*"}, "https://a.example/h");
  EXPECT_FALSE(RouteMatches(route, "request.created"));
}

// Test that a route with no event types matches nothing.
TEST(RouteMatchTest, EmptyListMatchesNothing) {
  EXPECT_FALSE(RouteMatches(Route({}, "https://a.example/h"), "request.created"));
}

// Test that every matching route is returned in order, and others are not.
TEST(RouteMatchTest, ListsMatchingRoutesInOrder) {
  std::vector<policy::NotificationRoute> routes = {
      Route({"request.created"}, "https://a.example/h"),
      Route({"grant.revoked"}, "https://b.example/h"),
      Route({"*"}, "https://c.example/h", "slack"),
  };
  EXPECT_THAT(MatchingRoutes(routes, "request.created"), ElementsAre(0, 2));
  EXPECT_THAT(MatchingRoutes(routes, "grant.revoked"), ElementsAre(1, 2));
  EXPECT_THAT(MatchingRoutes({}, "grant.revoked"), IsEmpty());
}

// Test that two routes to the same webhook yield one delivery, while the same URL in another
// format or with another secret counts as a different webhook.
TEST(RouteMatchTest, SameWebhookIsListedOnce) {
  std::vector<policy::NotificationRoute> routes = {
      Route({"request.created"}, "https://a.example/h"),
      Route({"*"}, "https://a.example/h"),
      Route({"*"}, "https://a.example/h", "slack"),
      Route({"*"}, "https://a.example/h", "json", "OTHER_SECRET"),
  };
  EXPECT_THAT(MatchingRoutes(routes, "request.created"), ElementsAre(0, 2, 3));
}

// Test that webhook keys cannot collide by moving characters between fields.
TEST(RouteMatchTest, WebhookKeysAreUnambiguous) {
  EXPECT_NE(WebhookKey({.url = "ab", .format = "c", .secret_env = ""}),
            WebhookKey({.url = "a", .format = "bc", .secret_env = ""}));
  EXPECT_EQ(WebhookKey({.url = "a", .format = "json", .secret_env = "S"}),
            WebhookKey({.url = "a", .format = "json", .secret_env = "S"}));
}

}  // namespace
}  // namespace drawbridge::notify
