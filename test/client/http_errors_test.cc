#include "client/http_errors.h"

#include <gtest/gtest.h>

namespace drawbridge::client {
namespace {

constexpr std::string_view kServer = "https://db.example.com";

Status Map(int status, std::string_view body = "") {
  return StatusFromHttp({.status = status, .body = body}, kServer);
}

// Test that every 2xx is OK.
TEST(HttpErrors, SuccessIsOk) {
  EXPECT_TRUE(Map(200).ok());
  EXPECT_TRUE(Map(201).ok());
  EXPECT_TRUE(Map(204).ok());
}

// Test that each HTTP status of the API maps to its StatusCode.
TEST(HttpErrors, MapsStatusToCode) {
  EXPECT_EQ(Map(401).code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(Map(403).code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(Map(404).code(), StatusCode::kNotFound);
  EXPECT_EQ(Map(409).code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(Map(429).code(), StatusCode::kResourceExhausted);
  for (int s : {400, 413, 415, 422, 418}) EXPECT_EQ(Map(s).code(), StatusCode::kInvalidArgument);
  for (int s : {500, 502, 503, 504}) EXPECT_EQ(Map(s).code(), StatusCode::kUnavailable);
}

// Test that the server's own error code is kept when it fits the status class, so that the same
// mistake carries the same code remotely as locally (409 is failed_precondition or
// already_exists), and that a code from the wrong class, or none we know, falls back to the
// status's.
TEST(HttpErrors, KeepsTheServersCodeWhenItFits) {
  EXPECT_EQ(Map(409, R"({"error":{"code":"already_exists","message":"reviewed twice"}})").code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(Map(500, R"({"error":{"code":"internal","message":"bug"}})").code(),
            StatusCode::kInternal);
  EXPECT_EQ(Map(500, R"({"error":{"code":"data_loss","message":"chain"}})").code(),
            StatusCode::kDataLoss);
  EXPECT_EQ(Map(409, R"({"error":{"code":"unavailable","message":"x"}})").code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(Map(503, R"({"error":{"code":"not_found","message":"x"}})").code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(Map(422, R"({"error":{"code":"invalid_policy","message":"x"}})").code(),
            StatusCode::kInvalidArgument);
}

// Test that the server's own message is what the user reads.
TEST(HttpErrors, KeepsServerMessage) {
  Status s = Map(422, R"({"error":{"code":"invalid_argument","message":"duration 8h is above )"
                      R"(the rule's max_duration 4h"}})");
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "duration 8h is above the rule's max_duration 4h");
}

// Test that an answer without the error shape names the server and the HTTP status.
TEST(HttpErrors, NonJsonErrorNamesServerAndStatus) {
  Status s = Map(502, "<html>Bad Gateway</html>");
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("https://db.example.com"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("502"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("Bad Gateway"), std::string::npos) << s.message();
}

// Test that a 5xx with a server message still names the server.
TEST(HttpErrors, UnavailableMessageNamesServer) {
  Status s = Map(503, R"({"error":{"code":"unavailable","message":"shutting down"}})");
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("https://db.example.com"), std::string::npos);
  EXPECT_NE(s.message().find("shutting down"), std::string::npos);
}

// Test that a 401 says where the token comes from, without showing any token.
TEST(HttpErrors, UnauthenticatedHintsAtToken) {
  Status s = Map(401, R"({"error":{"code":"unauthenticated","message":"bad token"}})");
  EXPECT_NE(s.message().find("DRAWBRIDGE_TOKEN"), std::string::npos);
  EXPECT_NE(s.message().find("bad token"), std::string::npos);
}

// Test that a 429 passes Retry-After on.
TEST(HttpErrors, RateLimitShowsRetryAfter) {
  Status s = StatusFromHttp({.status = 429,
                             .body = R"({"error":{"code":"resource_exhausted","message":"slow"}})",
                             .retry_after = "7"},
                            kServer);
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_NE(s.message().find("Retry-After: 7"), std::string::npos) << s.message();
}

// Test that a redirect is not followed but reported with its target.
TEST(HttpErrors, RedirectIsReported) {
  Status s =
      StatusFromHttp({.status = 301, .location = "https://new.example.com/v1/check"}, kServer);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("https://new.example.com"), std::string::npos);
}

// Test that control characters from the network never reach the terminal.
TEST(HttpErrors, StripsControlCharacters) {
  Status s = Map(500, "oops\x1b[2J\r\nmore");
  EXPECT_EQ(s.message().find('\x1b'), std::string::npos);
  EXPECT_EQ(s.message().find('\n'), std::string::npos);
  Status j = Map(400, R"({"error":{"code":"invalid_argument","message":"a\u001b[31mb"}})");
  EXPECT_EQ(j.message().find('\x1b'), std::string::npos);
}

// Test that a long body is cut.
TEST(HttpErrors, CutsLongBodies) {
  std::string body(5000, 'x');
  EXPECT_LT(Map(500, body).message().size(), 400u);
}

}  // namespace
}  // namespace drawbridge::client
