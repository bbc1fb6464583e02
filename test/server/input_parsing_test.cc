// The small readers the server applies to every request: the Content-Type media type and the
// duplicate-key check on JSON bodies.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "api/json_body.h"
#include "api/wire.h"
#include "server/call.h"
#include "server/route_table.h"

namespace drawbridge::server {
namespace {

// Test that every error a Status can become is in docs/API.md's table of errors, with the same
// HTTP status and code: clients branch on that pair.
TEST(StatusResponse, EveryErrorIsDocumented) {
  const std::string guide = [] {
    std::ifstream in(DRAWBRIDGE_SOURCE_DIR "/docs/API.md");
    const std::string all(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>{});
    // Only the table of errors: from its header row to the blank line after it.
    const size_t table = all.find("| status | code | when |");
    return table == std::string::npos ? std::string()
                                      : all.substr(table, all.find("\n\n", table) - table);
  }();
  ASSERT_FALSE(guide.empty()) << "docs/API.md has no table of errors";
  // Every code after kOk; kInternal is the last (include/drawbridge/status.h).
  for (int n = static_cast<int>(StatusCode::kOk) + 1; n <= static_cast<int>(StatusCode::kInternal);
       ++n) {
    const auto code = static_cast<StatusCode>(n);
    for (bool refused_input : {false, true}) {
      HttpResponse r = StatusResponse(Status(code, "m"), refused_input);
      const auto body = boost::json::parse(r.body()).as_object();
      const std::string error(body.at("error").at("code").as_string());
      // Rows read "| 409 | `already_exists` | ..." or "| 503 | `unavailable`, `data_loss` | ...".
      const std::string row = "\n| " + std::to_string(r.result_int()) + " | ";
      bool found = false;
      for (size_t at = guide.find(row); at != std::string::npos && !found;
           at = guide.find(row, at + 1)) {
        const size_t codes = at + row.size();
        const std::string cell = guide.substr(codes, guide.find(" |", codes) - codes);
        found = cell.find("`" + error + "`") != std::string::npos;
      }
      EXPECT_TRUE(found) << r.result_int() << " " << error << " is not in docs/API.md";
    }
  }
}

// Test that a target is split into its decoded path and query: '+' is a space only in the query,
// empty pairs are skipped, and a key without '=' has an empty value.
TEST(ParseTarget, DecodesPathAndQuery) {
  std::string path;
  std::map<std::string, std::string, std::less<>> query;
  ASSERT_TRUE(
      ParseTarget("/v1/requests/r-1%2Bx+y?state=pend%69ng&&mine&who=a+b%20c", path, query).ok());
  EXPECT_EQ(path, "/v1/requests/r-1+x+y");
  EXPECT_EQ(query, (std::map<std::string, std::string, std::less<>>{
                       {"state", "pending"}, {"mine", ""}, {"who", "a b c"}}));
  query.clear();
  ASSERT_TRUE(ParseTarget("/healthz", path, query).ok());
  EXPECT_EQ(path, "/healthz");
  EXPECT_TRUE(query.empty());
}

// Test that an escaped '/' or '%' in the path stays escaped, so that the path still splits at its
// real slashes, and that a segment decodes them: "/v1/requests/a%2Fb" names request "a/b".
TEST(ParseTarget, EscapedSlashStaysInItsSegment) {
  std::string path;
  std::map<std::string, std::string, std::less<>> query;
  ASSERT_TRUE(ParseTarget("/v1/requests/a%2fb%25%32F%41/cancel?x=%2F", path, query).ok());
  EXPECT_EQ(path,
            "/v1/requests/a%2Fb%25"
            "2FA/cancel");
  EXPECT_EQ(query.at("x"), "/");
  EXPECT_EQ(api::DecodePathSegment("a%2Fb%25"
                                   "2FA"),
            "a/b%2FA");
  EXPECT_EQ(api::DecodePathSegment("plain"), "plain");
  std::vector<std::string> params;
  const ApiRoute* route = MatchApiRoute(path, params);
  ASSERT_NE(route, nullptr);
  EXPECT_EQ(route->path, "/v1/requests/{id}/cancel");
  EXPECT_EQ(params, std::vector<std::string>{"a/b%2FA"});
}

// Test that broken percent-encoding and a parameter given twice are refused, saying which.
TEST(ParseTarget, RefusesBrokenEncodingAndRepeatedParameters) {
  std::string path;
  std::map<std::string, std::string, std::less<>> query;
  for (const char* target : {"/v1/%zz", "/v1/%4", "/v1/a%", "/v1/x?k=%g0", "/v1/x?%=1"}) {
    query.clear();
    Status s = ParseTarget(target, path, query);
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << target;
    EXPECT_NE(s.message().find("percent-encoding"), std::string::npos) << target;
  }
  query.clear();
  Status twice = ParseTarget("/v1/requests?limit=5&state=a&st%61te=b", path, query);
  EXPECT_EQ(twice.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(twice.message().find("'state' is given more than once"), std::string::npos)
      << twice.message();
}

// Test that type and subtype are case-insensitive and white space around ';' is allowed.
TEST(ParseMediaType, CaseAndWhiteSpace) {
  EXPECT_EQ(ParseMediaType("application/json").essence, "application/json");
  EXPECT_EQ(ParseMediaType("Application/JSON").essence, "application/json");
  EXPECT_EQ(ParseMediaType("application/json ; charset=utf-8").essence, "application/json");
  EXPECT_EQ(ParseMediaType(" application/json\t;charset=UTF-8 ").charset, "utf-8");
  EXPECT_EQ(ParseMediaType("application/json").charset, "");
}

// Test that parameters other than charset are ignored, and a quoted charset is unquoted.
TEST(ParseMediaType, Parameters) {
  MediaType t = ParseMediaType("application/json; profile=\"a;b\"; Charset=\"ISO-8859-1\"");
  EXPECT_EQ(t.essence, "application/json");
  EXPECT_EQ(t.charset, "iso-8859-1");
  EXPECT_EQ(ParseMediaType("application/json;;foo").charset, "");
}

// Test that nothing that is not application/json passes for it.
TEST(ParseMediaType, OtherTypes) {
  EXPECT_NE(ParseMediaType("application/jsonx").essence, "application/json");
  EXPECT_NE(ParseMediaType("application/json-patch+json").essence, "application/json");
  EXPECT_NE(ParseMediaType("").essence, "application/json");
  EXPECT_NE(ParseMediaType("text/json").essence, "application/json");
}

// Test that a key twice in one object is found, at any depth, however it is escaped.
TEST(FindDuplicateKey, FindsRepeatsInOneObject) {
  EXPECT_EQ(api::FindDuplicateKey(R"({"action":"db.query","action":"shell.exec"})"), "action");
  EXPECT_EQ(api::FindDuplicateKey(R"({"a":{"b":1,"c":[{"d":1,"d":2}]}})"), "d");
  EXPECT_EQ(api::FindDuplicateKey(R"({"kind":"x","\u006bind":"y"})"), "kind");
}

// Test that equal keys in different objects, and valid bodies, are not duplicates.
TEST(FindDuplicateKey, AcceptsDistinctKeys) {
  EXPECT_EQ(api::FindDuplicateKey(R"({"a":{"a":1},"b":{"a":2},"c":[{"a":1},{"a":2}]})"),
            std::nullopt);
  EXPECT_EQ(api::FindDuplicateKey(R"({})"), std::nullopt);
  EXPECT_EQ(api::FindDuplicateKey(R"([1,2,3])"), std::nullopt);
  EXPECT_EQ(api::FindDuplicateKey(R"({"a":1,"A":2,"a ":3})"), std::nullopt);
}

// Test that a time past year 9999 is shown at 9999-12-31T23:59:59Z, never with a five-digit
// year that no RFC 3339 reader takes.
TEST(WireTimes, StayWithinFourDigitYears) {
  Grant g;
  g.id = "g-1";
  g.not_before = 253402300799;         // 9999-12-31T23:59:59Z
  g.expires_at = 253402300799 + 3600;  // an hour into year 10000
  boost::json::object o = api::GrantToJson(g);
  EXPECT_EQ(o.at("not_before"), "9999-12-31T23:59:59Z");
  EXPECT_EQ(o.at("expires_at"), "9999-12-31T23:59:59Z");
}

}  // namespace
}  // namespace drawbridge::server
