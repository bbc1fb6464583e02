// The drawbridge command's output contract (docs/CLI.md): a bad flag value is a usage error (exit
// 2) in local and remote mode alike, found before anything is sent or changed; with --output json
// an error is one JSON line on stderr, the HTTP API's error shape, and stdout stays empty; and
// JSON output never carries raw bidi, invisible or C1 characters.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "server/server_e2e_support.h"

namespace drawbridge::testing {
namespace {

const std::string kPolicy = std::string(DRAWBRIDGE_SOURCE_DIR) + "/examples/policy";
// Nothing listens here: a command that reached the network would fail (exit 1), not exit 2.
const std::vector<std::pair<std::string, std::string>> kUnreachableServer = {
    {"DRAWBRIDGE_ADDR", "http://127.0.0.1:1"}, {"DRAWBRIDGE_TOKEN", "dbt_not_a_real_token"}};

// The {"error": {...}} object of a JSON error on stderr, which must be exactly one line.
boost::json::object ErrorObject(const CliResult& r) {
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(r.err, ec);
  if (ec || !v.is_object() || !v.as_object().contains("error") || !v.at("error").is_object()) {
    ADD_FAILURE() << "not a JSON error: " << r.err;
    return {};
  }
  const boost::json::object& error = v.at("error").as_object();
  EXPECT_EQ(error.size(), 2u) << r.err;
  EXPECT_TRUE(error.contains("code") && error.at("code").is_string()) << r.err;
  EXPECT_TRUE(error.contains("message") && error.at("message").is_string()) << r.err;
  return error;
}

std::string CodeOf(const CliResult& r) {
  boost::json::object error = ErrorObject(r);
  return error.contains("code") && error.at("code").is_string()
             ? std::string(error.at("code").as_string())
             : "";
}

class OutputContractCliTest : public ::testing::Test {
 protected:
  // The scratch database exists before each test, so that stderr holds only what a test's own
  // command writes (making a database adds a note).
  void SetUp() override {
    CliResult made = Local("", {"requests", "ls"});
    ASSERT_EQ(made.exit_code, 0) << made.err;
    ASSERT_NE(made.err.find("created a new, empty database"), std::string::npos) << made.err;
  }

  // Local mode on a scratch database with the example policy; `who` is --as unless empty.
  CliResult Local(const std::string& who, std::vector<std::string> args,
                  const std::vector<std::pair<std::string, std::string>>& env = {}) {
    std::vector<std::string> all = {"--db", dir_ / "db.sqlite", "--policy", kPolicy};
    if (!who.empty()) all.insert(all.end(), {"--as", who});
    all.insert(all.end(), args.begin(), args.end());
    return RunDrawbridge(dir_, all, env);
  }

  CliResult Remote(const std::vector<std::string>& args) {
    return RunDrawbridge(dir_, args, kUnreachableServer);
  }

  size_t RequestCount() {
    CliResult r = Local("", {"-o", "json", "requests", "ls"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? boost::json::parse(r.out).as_array().size() : 0;
  }

  TempDir dir_;
};

struct UsageCase {
  std::vector<std::string> args;
  std::string names;  // what the message must mention: the flag
};

void ExpectUsageError(const CliResult& r, const UsageCase& c) {
  std::string shown;
  for (const auto& a : c.args) shown += a + " ";
  EXPECT_EQ(r.exit_code, 2) << shown << "\n" << r.out << r.err;
  EXPECT_TRUE(r.out.empty()) << shown << "\n" << r.out;
  EXPECT_NE(r.err.find(c.names), std::string::npos) << shown << "\n" << r.err;
}

const std::vector<std::string> kAccess = {
    "request",        "access",   "--rule", "dba-elevation", "--resource",
    "db/orders-prod", "--reason", "r",      "--ticket",      "INC-1"};

std::vector<std::string> With(std::vector<std::string> base, std::vector<std::string> extra) {
  base.insert(base.end(), extra.begin(), extra.end());
  return base;
}

// The bad values every mode judges the same way before it runs anything.
std::vector<UsageCase> BadValues() {
  const std::vector<std::string> action = {"request",  "action",     "--action",
                                           "db.query", "--resource", "db/analytics-prod",
                                           "--reason", "r"};
  return {
      {{"requests", "ls", "--state", "bogus"}, "--state"},
      {{"grants", "ls", "--state", "pending"}, "--state"},
      {With(kAccess, {"--wait", "--wait-timeout", "soon"}), "--wait-timeout"},
      {With(kAccess, {"--duration", "forever"}), "--duration"},
      {With(kAccess, {"--not-before", "tomorrow"}), "--not-before"},
      {With(action, {"--sql", "DELETE FROM events", "--command", "ls"}), "at most one payload"},
      {With(action, {"--http-method", "DELETE"}), "--http-path"},
      {{"requests", "ls", "--limit", "0"}, "--limit"},
      {{"--output", "yaml", "requests", "ls"}, "--output"},
      {{"audit", "export", "--format", "xml"}, "--format"},
      {{"audit", "export", "--since", "yesterday"}, "--since"},
      {{"audit", "verify", "--checkpoints", "cp.jsonl"}, "--public-key"},
      {{"token", "create", "--principal", "alice"}, "--principal"},
      {{"token", "create", "--principal", "user:alice", "--ttl", "forever"}, "--ttl"},
  };
}

// Test that a bad flag value exits 2 naming the flag in local mode, and changes nothing.
TEST_F(OutputContractCliTest, BadValuesAreUsageErrorsLocally) {
  for (const UsageCase& c : BadValues()) ExpectUsageError(Local("user:alice", c.args), c);
  ExpectUsageError(Local("alice", {"requests", "ls", "--mine"}), {{"--as alice"}, "--as"});
  ExpectUsageError(Local("", {"check", "--principal", "alice", "--action", "db.query", "--resource",
                              "db/analytics-prod"}),
                   {{"check --principal alice"}, "--principal"});
  ExpectUsageError(RunDrawbridge(dir_, {"--db", dir_ / "db.sqlite", "requests", "ls"}),
                   {{"--db without --policy"}, "--policy"});
  EXPECT_EQ(RequestCount(), 0u);
}

// Test that --state names what it accepts.
TEST_F(OutputContractCliTest, StateErrorListsTheStates) {
  CliResult requests = Local("", {"requests", "ls", "--state", "bogus"});
  EXPECT_NE(requests.err.find("pending, approved, active, denied, cancelled, expired"),
            std::string::npos)
      << requests.err;
  CliResult grants = Local("", {"grants", "ls", "--state", "bogus"});
  EXPECT_NE(grants.err.find("active, expired, revoked, released, consumed"), std::string::npos)
      << grants.err;
}

// Test that the same bad values exit 2 in remote mode without calling the server (which is not
// even there), while a good command that does call it fails with 1.
TEST_F(OutputContractCliTest, BadValuesAreUsageErrorsRemotely) {
  for (const UsageCase& c : BadValues()) ExpectUsageError(Remote(c.args), c);
  ExpectUsageError(Remote({"token", "ls", "--tenant", "acme"}), {{"--tenant acme"}, "--tenant"});
  ExpectUsageError(
      Remote({"check", "--action", "db.query", "--resource", "r", "--at", "2026-01-05T10:00:00Z"}),
      {{"check --at"}, "--at"});
  ExpectUsageError(
      RunDrawbridge(dir_, {"--addr", "ftp://example.com", "requests", "ls"}, kUnreachableServer),
      {{"--addr ftp://"}, "--addr"});
  CliResult unreachable = Remote({"requests", "ls", "--state", "pending"});
  EXPECT_EQ(unreachable.exit_code, 1) << unreachable.err;
}

// Test that with --output json an error is one JSON line on stderr with the Status code, stdout
// stays empty, and the exit code is unchanged.
TEST_F(OutputContractCliTest, ErrorsAreJsonUnderOutputJson) {
  CliResult missing = Local("", {"-o", "json", "requests", "show", "r-nope"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(missing.out.empty()) << missing.out;
  boost::json::object error = ErrorObject(missing);
  EXPECT_EQ(error["code"], "not_found");
  EXPECT_NE(std::string(error["message"].as_string()).find("r-nope"), std::string::npos);

  CliResult env = Local("", {"requests", "show", "r-nope"}, {{"DRAWBRIDGE_OUTPUT", "json"}});
  EXPECT_EQ(env.exit_code, 1);
  EXPECT_EQ(CodeOf(env), "not_found");

  CliResult usage = Local("", {"-o", "json", "requests", "ls", "--state", "bogus"});
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_TRUE(usage.out.empty()) << usage.out;
  EXPECT_EQ(CodeOf(usage), "usage");

  CliResult refused =
      Local("user:alice", With({"-o", "json"}, With(kAccess, {"--duration", "30d"})));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_TRUE(refused.out.empty()) << refused.out;
  EXPECT_EQ(CodeOf(refused), "invalid_argument");
}

// Test that errors in the command line itself (CLI11's own checks) are JSON too.
TEST_F(OutputContractCliTest, CommandLineErrorsAreJsonUnderOutputJson) {
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"-o", "json", "requests", "ls", "--no-such-flag"},
                                             {"requests", "ls", "--limit", "0", "--output=json"},
                                             {"-ojson", "requests"},
                                             {"--output", "json", "nonsense"}}) {
    CliResult r = Local("", args);
    EXPECT_EQ(r.exit_code, 2) << args.back();
    EXPECT_TRUE(r.out.empty()) << r.out;
    EXPECT_EQ(CodeOf(r), "usage") << args.back();
  }
  CliResult env = Local("", {"requests", "ls", "--no-such-flag"}, {{"DRAWBRIDGE_OUTPUT", "json"}});
  EXPECT_EQ(CodeOf(env), "usage");
}

// Test that commands with their own --output report errors in the format they use.
TEST_F(OutputContractCliTest, CommandOutputFlagDecidesTheErrorFormat) {
  CliResult classify = RunDrawbridge(dir_, {"classify", "-o", "json"});
  EXPECT_EQ(classify.exit_code, 2);
  EXPECT_EQ(CodeOf(classify), "usage");

  const std::string missing = dir_ / "no-such-policy";
  CliResult check = RunDrawbridge(dir_, {"check", "--policy", missing, "--principal", "user:a",
                                         "--action", "db.query", "--resource", "r", "-o", "json"});
  EXPECT_EQ(check.exit_code, 1);
  EXPECT_TRUE(check.out.empty()) << check.out;
  EXPECT_FALSE(CodeOf(check).empty());
  CliResult tests =
      RunDrawbridge(dir_, {"policy", "test", kPolicy, dir_ / "no-such-tests.yaml", "-o", "json"});
  EXPECT_EQ(tests.exit_code, 1);
  EXPECT_EQ(CodeOf(tests), "not_found");

  CliResult text =
      RunDrawbridge(dir_, {"classify", "--output", "text"}, {{"DRAWBRIDGE_OUTPUT", "json"}});
  EXPECT_EQ(text.exit_code, 2);
  EXPECT_EQ(text.err.rfind("drawbridge: ", 0), 0u) << text.err;
}

// Test that text mode keeps its "drawbridge: message" errors.
TEST_F(OutputContractCliTest, TextErrorsAreUnchanged) {
  CliResult missing = Local("", {"requests", "show", "r-nope"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "drawbridge: no request 'r-nope'\n");
  CliResult usage = Local("", {"requests", "ls", "--state", "bogus"});
  EXPECT_EQ(usage.err.rfind("drawbridge: --state must be one of ", 0), 0u) << usage.err;
  CliResult parse = Local("", {"requests", "ls", "--no-such-flag"});
  EXPECT_EQ(parse.exit_code, 2);
  EXPECT_EQ(parse.err.find('{'), std::string::npos) << parse.err;
}

// Every character the JSON output must not carry raw, with its escape.
const std::vector<std::pair<std::string, std::string>> kInvisible = {
    {"\u202e", "\\u202e"}, {"\u202a", "\\u202a"}, {"\u2066", "\\u2066"}, {"\u2069", "\\u2069"},
    {"\u200b", "\\u200b"}, {"\u200f", "\\u200f"}, {"\u2028", "\\u2028"}, {"\u2029", "\\u2029"},
    {"\u2060", "\\u2060"}, {"\u061c", "\\u061c"}, {"\ufeff", "\\ufeff"}, {"\u0085", "\\u0085"},
    {"\u009b", "\\u009b"}};

std::string ReasonWithEveryInvisible() {
  std::string reason = "invoice ";
  for (const auto& [raw, escaped] : kInvisible) reason += raw + "x";
  return reason + " done (caf\u00e9, \u65e5\u672c)";
}

void ExpectEscaped(const std::string& json_text, const std::string& where) {
  for (const auto& [raw, escaped] : kInvisible) {
    EXPECT_EQ(json_text.find(raw), std::string::npos) << where << " has " << escaped << " raw";
    EXPECT_NE(json_text.find(escaped), std::string::npos) << where << " lacks " << escaped;
  }
  // Ordinary non-ASCII text stays as it is.
  EXPECT_NE(json_text.find("caf\u00e9"), std::string::npos) << where;
}

// Test that a reason holding U+202E and other invisible characters is printed by -o json as
// \uXXXX escapes, and parses back to the exact reason.
TEST_F(OutputContractCliTest, JsonOutputEscapesBidiAndInvisibleCharacters) {
  const std::string reason = ReasonWithEveryInvisible();
  CliResult created = Local(
      "user:alice", {"-o", "json", "request", "access", "--rule", "dba-elevation", "--resource",
                     "db/orders-prod", "--reason", reason, "--ticket", "INC-9"});
  ASSERT_EQ(created.exit_code, 0) << created.err;
  ExpectEscaped(created.out, "request access");
  const std::string id(boost::json::parse(created.out).at("id").as_string());

  CliResult shown = Local("", {"-o", "json", "requests", "show", id});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  ExpectEscaped(shown.out, "requests show");
  EXPECT_EQ(boost::json::parse(shown.out).at("reason").as_string(), reason);

  CliResult listed = Local("", {"-o", "json", "requests", "ls"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  ExpectEscaped(listed.out, "requests ls");
  EXPECT_EQ(boost::json::parse(listed.out).as_array().at(0).at("reason").as_string(), reason);

  CliResult tail = Local("", {"-o", "json", "audit", "tail"});
  ASSERT_EQ(tail.exit_code, 0) << tail.err;
  EXPECT_EQ(tail.out.find("\u202e"), std::string::npos) << tail.out;
  EXPECT_NE(tail.out.find("\\u202e"), std::string::npos) << tail.out;
}

// Test that a JSON error quoting such text escapes it too.
TEST_F(OutputContractCliTest, JsonErrorsEscapeInvisibleCharacters) {
  CliResult r = Local("", {"-o", "json", "requests", "show", "r-\u202e-1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err.find("\u202e"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("\\u202e"), std::string::npos) << r.err;
  boost::json::object error = ErrorObject(r);
  EXPECT_NE(std::string(error["message"].as_string()).find("r-\u202e-1"), std::string::npos);
}

class RemoteOutputContractCliTest : public RemoteCliTest {};

// Test that a server's refusal stays a failure (exit 1, even for 400/422 answers about values
// the CLI passed on), and that its code reaches a JSON error.
TEST_F(RemoteOutputContractCliTest, ServerRefusalsKeepTheServersCode) {
  CliResult missing = As("ALICE", {"-o", "json", "requests", "show", "r-nope"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(missing.out.empty()) << missing.out;
  EXPECT_EQ(CodeOf(missing), "not_found");

  CliResult too_long = As("ALICE", With({"-o", "json"}, With(kAccess, {"--duration", "30d"})));
  EXPECT_EQ(too_long.exit_code, 1) << too_long.err;
  EXPECT_EQ(CodeOf(too_long), "invalid_argument");

  CliResult created = As("ALICE", With({"-o", "json"}, kAccess));
  ASSERT_EQ(created.exit_code, 0) << created.err;
  const std::string id(boost::json::parse(created.out).at("id").as_string());
  CliResult own = As("ALICE", {"-o", "json", "requests", "approve", id});
  EXPECT_EQ(own.exit_code, 1);
  EXPECT_EQ(CodeOf(own), "permission_denied");

  CliResult text = As("ALICE", {"requests", "show", "r-nope"});
  EXPECT_EQ(text.exit_code, 1);
  EXPECT_EQ(text.err.rfind("drawbridge: ", 0), 0u) << text.err;
}

}  // namespace
}  // namespace drawbridge::testing
