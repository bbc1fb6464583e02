// The drawbridge command in remote mode against a canned server: what it sends, what it prints,
// and its exit codes. (Runs without src/server: TestHttpServer answers each route.)
#include <gtest/gtest.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <functional>
#include <thread>

#include "api/wire.h"
#include "client/test_http_server.h"

namespace drawbridge::client {
namespace {

namespace json = boost::json;
using testing::CannedResponse;
using testing::TestHttpServer;

struct RunResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs drawbridge with a clean remote-mode environment: no database, no config file.
RunResult RunCli(const TestHttpServer& server, const std::string& args) {
  std::string cmd =
      "env -u DRAWBRIDGE_DB -u DRAWBRIDGE_POLICY -u DRAWBRIDGE_AS "
      "-u DRAWBRIDGE_CONFIG -u XDG_CONFIG_HOME HOME=/nonexistent "
      "DRAWBRIDGE_ADDR=" +
      server.url() + " DRAWBRIDGE_TOKEN=dbt_cli_test " DRAWBRIDGE_BINARY " " + args +
      " </dev/null 2>&1";
  RunResult result;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) result.output.append(buf, n);
  int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

Request MakeRequest(RequestState state) {
  Request r;
  r.id = "r-42";
  r.state = state;
  r.requester = "user:carol";
  r.reason = "deploy fix";
  r.rule = "k8s-prod";
  r.roles = {"k8s-prod-admin"};
  r.scope.resource = "k8s/prod/orders";
  r.duration_seconds = 3600;
  if (state == RequestState::kActive) {
    r.grant_id = "g-1";
    r.reviews.push_back({.reviewer = "user:erin", .approve = true, .at = 1767607200});
  }
  return r;
}

CannedResponse RequestAnswer(RequestState state, int status = 200) {
  return {.status = status, .body = json::serialize(api::RequestToJson(MakeRequest(state)))};
}

// Test that --wait follows the request to its approval and exits 0.
TEST(CliRemote, WaitEndsWithApproval) {
  TestHttpServer server;
  server.Route("POST", "/v1/requests", RequestAnswer(RequestState::kPending, 201));
  server.Route("GET", "/v1/requests/r-42", RequestAnswer(RequestState::kActive));
  RunResult run = RunCli(server,
                         "request access --role k8s-prod-admin --resource k8s/prod/orders "
                         "--duration 1h --reason fix --wait");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_NE(run.output.find("r-42  active"), std::string::npos) << run.output;
  auto received = server.received();
  ASSERT_EQ(received.size(), 2u);
  EXPECT_EQ(received[0].authorization, "Bearer dbt_cli_test");
  json::object body = json::parse(received[0].body).as_object();
  EXPECT_EQ(body.at("kind"), "access");
  EXPECT_EQ(body.at("duration_seconds"), 3600);
  EXPECT_FALSE(body.contains("requester"));
  // The poll says how many reviews the CLI has seen, so one that came in between polls is shown.
  EXPECT_EQ(received[1].target, "/v1/requests/r-42?wait=30s&reviews=0");
}

// Test that a denied request ends the wait with exit 3.
TEST(CliRemote, WaitEndsWithDenial) {
  TestHttpServer server;
  server.Route("POST", "/v1/requests", RequestAnswer(RequestState::kPending, 201));
  server.Route("GET", "/v1/requests/r-42", RequestAnswer(RequestState::kDenied));
  RunResult run = RunCli(server, "request access --resource k8s/prod/orders --reason x --wait");
  EXPECT_EQ(run.exit_code, 3) << run.output;
  EXPECT_NE(run.output.find("denied"), std::string::npos) << run.output;
}

// Test that a request still pending when --wait-timeout passes exits 4 and says so, without
// hammering a server that answers long polls early.
TEST(CliRemote, WaitTimesOutWhilePending) {
  TestHttpServer server;
  server.Route("POST", "/v1/requests", RequestAnswer(RequestState::kPending, 201));
  server.Route("GET", "/v1/requests/r-42", RequestAnswer(RequestState::kPending));
  RunResult run = RunCli(server,
                         "request access --resource k8s/prod/orders --reason x --wait "
                         "--wait-timeout 3s");
  EXPECT_EQ(run.exit_code, 4) << run.output;
  EXPECT_NE(run.output.find("still pending"), std::string::npos) << run.output;
  EXPECT_LE(server.received().size(), 6u);
  EXPECT_GE(server.received().size(), 3u);
}

// Test that the long poll asks only for what is left of the wait.
TEST(CliRemote, WaitSliceNeverExceedsTimeout) {
  TestHttpServer server;
  server.Route("POST", "/v1/requests", RequestAnswer(RequestState::kPending, 201));
  server.Route("GET", "/v1/requests/r-42", RequestAnswer(RequestState::kActive));
  RunResult run = RunCli(server,
                         "request access --resource k8s/prod/orders --reason x --wait "
                         "--wait-timeout 10s");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(server.last().target, "/v1/requests/r-42?wait=10s&reviews=0");
}

// Test that --output json prints the same objects the API encodes, as an array for lists.
TEST(CliRemote, JsonOutputIsTheWireEncoding) {
  TestHttpServer server;
  Request r = MakeRequest(RequestState::kPending);
  server.Route(
      "GET", "/v1/requests",
      {.body = json::serialize(json::object{{"requests", json::array{api::RequestToJson(r)}}})});
  RunResult run = RunCli(server, "-o json requests ls --state pending --mine");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(json::parse(run.output), (json::array{api::RequestToJson(r)}));
  EXPECT_EQ(server.last().target, "/v1/requests?state=pending&mine=true&limit=100");
}

// Test that in remote mode --as is not sent: the token says who the caller is.
TEST(CliRemote, IgnoresAsFlag) {
  TestHttpServer server;
  server.Route("POST", "/v1/requests/r-42/cancel", RequestAnswer(RequestState::kCancelled));
  RunResult run = RunCli(server, "--as user:mallory requests cancel r-42");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(server.last().body, "{}");
  EXPECT_EQ(server.last().authorization, "Bearer dbt_cli_test");
}

// Test that a remote check exits with the decision's code.
TEST(CliRemote, CheckExitCodeFollowsDecision) {
  TestHttpServer server;
  core::Explanation e;
  e.decision = Decision::kDeny;
  e.reason = "no grant";
  server.Route("POST", "/v1/check", {.body = json::serialize(api::ExplanationToJson(e))});
  RunResult run = RunCli(server, "check --action db.query --resource db/x --sql 'SELECT 1'");
  EXPECT_EQ(run.exit_code, 3) << run.output;
  EXPECT_NE(run.output.find("no grant"), std::string::npos) << run.output;
  json::object body = json::parse(server.last().body).as_object();
  EXPECT_FALSE(body.contains("principal"));
  EXPECT_EQ(body.at("payload").at("text"), "SELECT 1");
}

// Test that a server's refusal is printed with its message and exits 1.
TEST(CliRemote, PrintsServerRefusal) {
  TestHttpServer server;
  server.Route(
      "POST", "/v1/grants/g-1/revoke",
      {.status = 403, .body = R"({"error":{"code":"permission_denied","message":"admins only"}})"});
  RunResult run = RunCli(server, "grants revoke g-1 --reason x");
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.output.find("admins only"), std::string::npos) << run.output;
}

// Test that local-only commands say so in remote mode, both as usage errors, and that audit
// commands refuse a --tenant a server would ignore.
TEST(CliRemote, LocalOnlyCommandsExplainThemselves) {
  TestHttpServer server;
  RunResult sweep = RunCli(server, "sweep");
  EXPECT_EQ(sweep.exit_code, 2);
  EXPECT_NE(sweep.output.find("local mode"), std::string::npos) << sweep.output;
  RunResult checkpoint = RunCli(server, "audit checkpoint --key /nonexistent");
  EXPECT_EQ(checkpoint.exit_code, 2);
  EXPECT_NE(checkpoint.output.find("local mode"), std::string::npos) << checkpoint.output;
  for (const char* command : {"audit --tenant payments tail", "audit --tenant payments verify",
                              "audit --tenant payments export"}) {
    RunResult other_tenant = RunCli(server, command);
    EXPECT_EQ(other_tenant.exit_code, 2) << command;
    EXPECT_NE(other_tenant.output.find("--tenant is for local mode"), std::string::npos)
        << command << ": " << other_tenant.output;
  }
  EXPECT_TRUE(server.received().empty());
}

// Test that audit tail reads the chain page by page and prints it escaped.
TEST(CliRemote, AuditTailPagesThroughTheLog) {
  TestHttpServer server;
  server.Route("GET", "/v1/audit",
               {.body = "",
                .content_type = "application/x-ndjson",
                .headers = {{"X-Drawbridge-Last-Seq", "0"}}});
  RunResult run = RunCli(server, "audit tail");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(server.last().target, "/v1/audit?limit=1000");
}

// An action request whose every user-supplied field tries to steer the terminal.
Request HostileRequest() {
  Request r = MakeRequest(RequestState::kPending);
  r.kind = RequestKind::kAction;
  r.action = "db.query";
  r.resource = "db/orders-prod";
  r.payload_kind = "sql";
  // ESC[8m makes the rest of the line invisible: the approver would see only the SELECT.
  r.payload = "SELECT 1;\x1b[8m DROP TABLE customers;\x1b[0m";
  r.reason = "routine\x1b]0;innocent title\acheck";
  r.ticket = "INC-1\rINC-2";
  r.source_ip = "10.1.2.3\x1b[1A";
  r.facts = {"read"};
  r.fingerprint = "ab12";
  r.reviews.push_back({.reviewer = "user:erin",
                       .approve = true,
                       .comment = "fine\x1b[2J\xc2\x9b"
                                  "31m",
                       .at = 1767607200});
  return r;
}

// Test that `requests show` prints reason, ticket, source IP, the SQL and review comments with
// every terminal control escaped, so nothing in them can hide or rewrite what the approver sees.
TEST(CliRemote, ShowEscapesUserText) {
  TestHttpServer server;
  server.Route("GET", "/v1/requests/r-42",
               {.body = json::serialize(api::RequestToJson(HostileRequest()))});
  RunResult run = RunCli(server, "requests show r-42");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  for (char raw : {'\x1b', '\a', '\r'}) {
    EXPECT_EQ(run.output.find(raw), std::string::npos)
        << "raw control " << int(raw) << " in " << run.output;
  }
  EXPECT_EQ(run.output.find("\xc2\x9b"), std::string::npos) << run.output;  // C1 CSI
  EXPECT_NE(run.output.find("SELECT 1;\\e[8m DROP TABLE customers;\\e[0m"), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("reason:  routine\\e]0;innocent title\\acheck"), std::string::npos)
      << run.output;
  EXPECT_NE(run.output.find("ticket:  INC-1\\rINC-2"), std::string::npos) << run.output;
  EXPECT_NE(run.output.find(": fine\\e[2J\\u{9b}31m"), std::string::npos) << run.output;
}

// Test that the approver sees where the request came from, escaped like the rest.
TEST(CliRemote, ShowPrintsSourceIp) {
  TestHttpServer server;
  server.Route("GET", "/v1/requests/r-42",
               {.body = json::serialize(api::RequestToJson(HostileRequest()))});
  RunResult run = RunCli(server, "requests show r-42");
  EXPECT_NE(run.output.find("source:  10.1.2.3\\e[1A\n"), std::string::npos) << run.output;
}

// Test that JSON output of a request is still the exact wire encoding, control characters and
// all: JSON escaping already keeps them from the terminal.
TEST(CliRemote, ShowJsonKeepsUserTextExact) {
  TestHttpServer server;
  const Request r = HostileRequest();
  server.Route("GET", "/v1/requests/r-42", {.body = json::serialize(api::RequestToJson(r))});
  RunResult run = RunCli(server, "-o json requests show r-42");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(json::parse(run.output), api::RequestToJson(r));
}

// Test that `requests ls` escapes what it shows of a request too.
TEST(CliRemote, ListEscapesUserText) {
  TestHttpServer server;
  Request r = HostileRequest();
  r.resource = "db/x\x1b[8m";
  server.Route(
      "GET", "/v1/requests",
      {.body = json::serialize(json::object{{"requests", json::array{api::RequestToJson(r)}}})});
  RunResult run = RunCli(server, "requests ls");
  EXPECT_EQ(run.exit_code, 0) << run.output;
  EXPECT_EQ(run.output.find('\x1b'), std::string::npos) << run.output;
  EXPECT_NE(run.output.find("db.query on db/x\\e[8m"), std::string::npos) << run.output;
}

// Test that review-breakglass asks the server for a post-review only, and that approve does not.
TEST(CliRemote, ReviewBreakglassSendsPostReview) {
  TestHttpServer server;
  server.Route("POST", "/v1/requests/r-42/reviews", RequestAnswer(RequestState::kActive));
  RunResult post = RunCli(server, "requests review-breakglass r-42 --unjustified --comment why");
  EXPECT_EQ(post.exit_code, 0) << post.output;
  json::object body = json::parse(server.last().body).as_object();
  EXPECT_EQ(body.at("post_review"), true);
  EXPECT_EQ(body.at("approve"), false);
  EXPECT_EQ(body.at("comment"), "why");
  RunResult approve = RunCli(server, "requests approve r-42");
  EXPECT_EQ(approve.exit_code, 0) << approve.output;
  EXPECT_FALSE(json::parse(server.last().body).as_object().contains("post_review"));
}

// Test that requests ls and grants ls ask for the default limit, or the one given.
TEST(CliRemote, ListsSendTheirLimit) {
  TestHttpServer server;
  server.Route("GET", "/v1/requests", {.body = R"({"requests":[]})"});
  server.Route("GET", "/v1/grants", {.body = R"({"grants":[]})"});
  EXPECT_EQ(RunCli(server, "requests ls").exit_code, 0);
  EXPECT_EQ(server.last().target, "/v1/requests?limit=100");
  EXPECT_EQ(RunCli(server, "requests ls --limit 7").exit_code, 0);
  EXPECT_EQ(server.last().target, "/v1/requests?limit=7");
  EXPECT_EQ(RunCli(server, "grants ls --state active").exit_code, 0);
  EXPECT_EQ(server.last().target, "/v1/grants?state=active&limit=100");
  EXPECT_EQ(RunCli(server, "grants ls --limit 1000").exit_code, 0);
  EXPECT_EQ(server.last().target, "/v1/grants?limit=1000");
  EXPECT_EQ(RunCli(server, "grants ls --limit 0").exit_code, 2);
  EXPECT_EQ(RunCli(server, "requests ls --limit 1001").exit_code, 2);
}

// Test that a full page says, on stderr and only in text mode, that there may be more.
TEST(CliRemote, FullListSaysThereMayBeMore) {
  TestHttpServer server;
  json::array two{api::RequestToJson(MakeRequest(RequestState::kPending)),
                  api::RequestToJson(MakeRequest(RequestState::kPending))};
  server.Route("GET", "/v1/requests", {.body = json::serialize(json::object{{"requests", two}})});
  RunResult full = RunCli(server, "requests ls --limit 2");
  EXPECT_NE(full.output.find("there may be more"), std::string::npos) << full.output;
  RunResult room = RunCli(server, "requests ls --limit 3");
  EXPECT_EQ(room.output.find("there may be more"), std::string::npos) << room.output;
  RunResult json_out = RunCli(server, "-o json requests ls --limit 2");
  EXPECT_EQ(json::parse(json_out.output).as_array().size(), 2u) << json_out.output;
}

// Reads what the child on `master` writes until `until` holds or `wait` passes; at the child's
// exit the read fails and what was read is returned.
std::string ReadTerminal(int master, std::string& seen, std::chrono::seconds wait,
                         const std::function<bool(const std::string&)>& until) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (!until(seen) && std::chrono::steady_clock::now() < deadline) {
    pollfd ready{.fd = master, .events = POLLIN, .revents = 0};
    if (::poll(&ready, 1, 100) <= 0) continue;
    char buf[1024];
    const ssize_t n = ::read(master, buf, sizeof buf);
    if (n <= 0) break;
    seen.append(buf, static_cast<size_t>(n));
  }
  return seen;
}

// Test that when the request is approved while the Ctrl-C prompt is open, answering yes reports
// the approval and exits 0, instead of failing on a cancel that came too late.
TEST(CliRemoteTerminal, ApprovalDuringTheCancelPromptEndsApproved) {
  TestHttpServer server;
  server.Route("POST", "/v1/requests", RequestAnswer(RequestState::kPending, 201));
  CannedResponse pending = RequestAnswer(RequestState::kPending);
  pending.delay = std::chrono::milliseconds(200);  // a long poll that ends still pending
  server.Route("GET", "/v1/requests/r-42", pending);
  const std::string cmd =
      "exec env -u DRAWBRIDGE_DB -u DRAWBRIDGE_POLICY -u DRAWBRIDGE_AS -u DRAWBRIDGE_CONFIG "
      "-u XDG_CONFIG_HOME HOME=/nonexistent DRAWBRIDGE_ADDR=" +
      server.url() +
      " DRAWBRIDGE_TOKEN=dbt_cli_test " DRAWBRIDGE_BINARY
      " request access --resource k8s/prod/orders --reason x --wait";
  int master = -1;
  const pid_t child = ::forkpty(&master, nullptr, nullptr, nullptr);
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::execl("/bin/sh", "sh", "-c", cmd.c_str(), static_cast<char*>(nullptr));
    ::_exit(127);
  }
  std::string seen;
  auto polled = [&] {
    for (const auto& r : server.received()) {
      if (r.method == "GET") return true;
    }
    return false;
  };
  ReadTerminal(master, seen, std::chrono::seconds(20),
               [&](const std::string&) { return polled(); });
  ASSERT_TRUE(polled()) << seen;
  ::kill(child, SIGINT);
  ReadTerminal(master, seen, std::chrono::seconds(20),
               [](const std::string& s) { return s.find("[y/N]") != std::string::npos; });
  ASSERT_NE(seen.find("Cancel request r-42? [y/N]"), std::string::npos) << seen;
  // erin approves before the answer is typed.
  server.Route("GET", "/v1/requests/r-42", RequestAnswer(RequestState::kActive));
  server.Route("POST", "/v1/requests/r-42/cancel",
               {.status = 409,
                .body = R"({"error":{"code":"failed_precondition","message":"request r-42 is )"
                        R"(active, not pending; only a pending request can be cancelled"}})"});
  ASSERT_EQ(::write(master, "y\n", 2), 2);
  ReadTerminal(master, seen, std::chrono::seconds(20), [](const std::string&) { return false; });
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ::close(master);
  ASSERT_TRUE(WIFEXITED(status)) << seen;
  EXPECT_EQ(WEXITSTATUS(status), 0) << seen;
  EXPECT_NE(seen.find("was decided before it could be cancelled: it is active"), std::string::npos)
      << seen;
  EXPECT_NE(seen.find("r-42  active"), std::string::npos) << seen;
}

}  // namespace
}  // namespace drawbridge::client
