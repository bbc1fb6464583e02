// The drawbridge command as a user runs it: exit codes, output formats, help and bad input.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Result {
  int exit_code = -1;
  std::string out, err;
};

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Runs the binary through /bin/sh with stdin from `input`.
Result RunCli(const std::vector<std::string>& args, const std::string& input = "") {
  auto dir = std::filesystem::temp_directory_path() / ("dbcli-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string in = (dir / "in").string(), out = (dir / "out").string(),
              err = (dir / "err").string();
  std::ofstream(in) << input;
  std::string cmd = Quote(DRAWBRIDGE_BINARY);
  for (const auto& a : args) cmd += " " + Quote(a);
  cmd += " <" + Quote(in) + " >" + Quote(out) + " 2>" + Quote(err);
  int status = std::system(cmd.c_str());
  Result r;
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = Slurp(out);
  r.err = Slurp(err);
  return r;
}

const std::string kPolicy = std::string(DRAWBRIDGE_SOURCE_DIR) + "/examples/policy";

std::vector<std::string> CheckArgs(std::vector<std::string> extra) {
  std::vector<std::string> args = {"check", "--policy", kPolicy, "--at", "2026-01-05T10:00:00Z"};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

// Test that check's exit code is its decision: 0 allow, 3 deny, 4 approval_required.
TEST(CliCheck, ExitCodesFollowTheDecision) {
  EXPECT_EQ(RunCli(CheckArgs({"--principal", "user:alice", "--action", "db.query", "--resource",
                              "db/analytics-prod", "--sql", "SELECT 1"}))
                .exit_code,
            0);
  EXPECT_EQ(RunCli(CheckArgs({"--principal", "user:alice", "--action", "db.query", "--resource",
                              "db/analytics-prod", "--sql", "DROP DATABASE analytics"}))
                .exit_code,
            3);
  EXPECT_EQ(RunCli(CheckArgs({"--principal", "user:alice", "--action", "db.query", "--resource",
                              "db/analytics-prod", "--sql", "TRUNCATE events"}))
                .exit_code,
            4);
}

// Test that JSON output carries decision, reason, rules and a ready-to-run request.
TEST(CliCheck, JsonOutput) {
  Result r =
      RunCli(CheckArgs({"--principal", "user:alice", "--action", "db.query", "--resource",
                        "db/analytics-prod", "--sql", "DELETE FROM events", "--output", "json"}));
  ASSERT_EQ(r.exit_code, 4) << r.err;
  boost::json::object o = boost::json::parse(r.out).as_object();
  EXPECT_EQ(o.at("decision").as_string(), "approval_required");
  EXPECT_FALSE(o.at("reason").as_string().empty());
  EXPECT_FALSE(o.at("rules").as_array().empty());
  const auto& req = o.at("request").as_object();
  EXPECT_EQ(req.at("kind").as_string(), "action");
  EXPECT_EQ(req.at("fingerprint").as_string().size(), 64u);
  EXPECT_EQ(req.at("min_approvals").as_int64(), 2);
  EXPECT_NE(std::string(req.at("command").as_string()).find("drawbridge request action"),
            std::string::npos);
}

// Test that the ready-to-run request carries the SQL session (database, role, search_path): it is
// part of the fingerprint, so a request without it would bind another action.
TEST(CliCheck, ReadyToRunRequestCarriesTheSqlSession) {
  auto check = [](std::vector<std::string> session) {
    std::vector<std::string> args = {
        "--principal",       "user:alice", "--action",           "db.query", "--resource",
        "db/analytics-prod", "--sql",      "DELETE FROM events", "--output", "json"};
    args.insert(args.end(), session.begin(), session.end());
    Result r = RunCli(CheckArgs(args));
    EXPECT_EQ(r.exit_code, 4) << r.err;
    return boost::json::parse(r.out).at("request").as_object();
  };
  boost::json::object with =
      check({"--database", "app", "--db-role", "alice", "--search-path", "public"});
  EXPECT_NE(std::string(with.at("command").as_string())
                .find("--database app --db-role alice --search-path public"),
            std::string::npos)
      << with.at("command");
  EXPECT_NE(with.at("fingerprint"), check({}).at("fingerprint"));
}

// Test that grants from a file are used, and that bad grant files are refused clearly.
TEST(CliCheck, GrantsFile) {
  auto path = std::filesystem::temp_directory_path() / "dbcli-grants.json";
  std::ofstream(path) << R"([{"id":"g1","principal":"user:alice","actions":["db.query"],
    "scope":{"resource":"db/orders-prod"},"not_before":"2026-01-05T09:00:00Z",
    "expires_at":"2026-01-05T11:00:00Z"}])";
  auto args = CheckArgs({"--principal", "user:alice", "--action", "db.query", "--resource",
                         "db/orders-prod", "--sql", "SELECT 1", "--grants", path.string()});
  EXPECT_EQ(RunCli(args).exit_code, 0);
  std::ofstream(path) << R"([{"id":"g1","principal":"alice"}])";
  Result bad = RunCli(args);
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.err.find("g1"), std::string::npos) << bad.err;
}

// Test that usage errors exit 2 with a message, and never decide.
TEST(CliCheck, UsageErrors) {
  EXPECT_EQ(RunCli({"check", "--policy", kPolicy}).exit_code, 2);
  Result both = RunCli(CheckArgs({"--principal", "user:a", "--action", "db.query", "--resource",
                                  "r", "--sql", "SELECT 1", "--command", "ls"}));
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("at most one payload"), std::string::npos);
  EXPECT_EQ(RunCli(CheckArgs({"--principal", "user:a", "--action", "a", "--resource", "r",
                              "--context", "{not json"}))
                .exit_code,
            2);
  EXPECT_EQ(RunCli({"check", "--policy", kPolicy, "--principal", "user:a", "--action", "a",
                    "--resource", "r", "--at", "tomorrow"})
                .exit_code,
            2);
  EXPECT_EQ(RunCli({"nonsense"}).exit_code, 2);
}

// The subcommands `--help` lists for `path` (CLI11's "Subcommands:" section).
std::vector<std::string> Subcommands(const std::string& help) {
  std::vector<std::string> names;
  const size_t section = help.find("\nSubcommands:\n");
  if (section == std::string::npos) return names;
  std::istringstream lines(help.substr(section + 14));
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) break;
    // A name is indented by two spaces; its description's continuation lines by many more.
    if (line.size() > 2 && line[0] == ' ' && line[1] == ' ' && line[2] != ' ') {
      names.push_back(line.substr(2, line.find(' ', 2) - 2));
    }
  }
  return names;
}

// Test that every command, found by walking the help tree, answers --help with its usage, and
// that docs/CLI.md describes every command a user can run.
TEST(CliHelp, EveryCommandHasHelpAndIsDocumented) {
  const std::string guide = Slurp(DRAWBRIDGE_SOURCE_DIR "/docs/CLI.md");
  std::vector<std::vector<std::string>> unvisited = {{}};
  size_t commands = 0;
  while (!unvisited.empty()) {
    std::vector<std::string> path = unvisited.back();
    unvisited.pop_back();
    std::vector<std::string> args = path;
    args.push_back("--help");
    Result r = RunCli(args);
    std::string joined;
    for (const std::string& word : path) joined += (joined.empty() ? "" : " ") + word;
    ASSERT_EQ(r.exit_code, 0) << joined << ": " << r.err;
    EXPECT_NE(r.out.find("Usage: drawbridge" + (joined.empty() ? "" : " " + joined)),
              std::string::npos)
        << joined << r.out;
    const std::vector<std::string> children = Subcommands(r.out);
    if (children.empty()) {
      ++commands;
      // A row names it as `policy validate PATH`, `requests approve ID`, `check`, ...
      const bool listed = guide.find("`" + joined + "`") != std::string::npos ||
                          guide.find("`" + joined + " ") != std::string::npos;
      EXPECT_TRUE(listed) << "drawbridge " << joined << " is not described in docs/CLI.md";
    }
    for (const std::string& child : children) {
      std::vector<std::string> next = path;
      next.push_back(child);
      unvisited.push_back(next);
    }
  }
  EXPECT_GT(commands, 25u);
}

// Test the classify --jsonl contract: one output line per input line, fail closed on bad lines.
TEST(CliClassify, JsonlContract) {
  Result r = RunCli({"classify", "--kind", "sql", "--jsonl"},
                    "{\"text\": \"SELECT 1\"}\n{\"text\": \"DROP TABLE t\"}\nnot json\n"
                    "{\"text\": \"SELEC 1\"}\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<boost::json::object> lines;
  size_t pos = 0;
  while (pos < r.out.size()) {
    size_t nl = r.out.find('\n', pos);
    lines.push_back(boost::json::parse(r.out.substr(pos, nl - pos)).as_object());
    pos = nl + 1;
  }
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_FALSE(lines[0].at("dangerous").as_bool());
  EXPECT_TRUE(lines[0].at("error").is_null());
  EXPECT_TRUE(lines[1].at("dangerous").as_bool());
  EXPECT_EQ(lines[1].at("facts").as_array()[0].as_string(), "sql.drop");
  EXPECT_TRUE(lines[2].at("dangerous").as_bool());
  EXPECT_TRUE(lines[2].at("error").is_string());
  EXPECT_TRUE(lines[3].at("dangerous").as_bool());
  EXPECT_TRUE(lines[3].at("error").is_string());

  Result shell = RunCli({"classify", "--kind", "shell", "--jsonl"},
                        "{\"text\": \"ls -la\"}\n{\"text\": \"rm -rf /\"}\n");
  EXPECT_NE(shell.out.find("\"dangerous\":false"), std::string::npos);
  EXPECT_NE(shell.out.find("shell.recursive_delete"), std::string::npos);
}

// Test that policy validate reports FILE:LINE:COL errors and exits 1, or 0 when valid.
TEST(CliPolicy, ValidateReportsPositions) {
  EXPECT_EQ(RunCli({"policy", "validate", kPolicy}).exit_code, 0);
  auto path = std::filesystem::temp_directory_path() / "dbcli-bad.yaml";
  std::ofstream(path) << "version: 1\nroles:\n  r:\n    permisions: []\n";
  Result r = RunCli({"policy", "validate", path.string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find(path.string() + ":4:5"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("permissions"), std::string::npos) << r.err;
}

// Test that policy test prints the summary line and fails on a wrong expectation.
TEST(CliPolicy, TestRunner) {
  Result ok = RunCli({"policy", "test", kPolicy, kPolicy + "/tests/example_test.yaml"});
  EXPECT_EQ(ok.exit_code, 0) << ok.out;
  EXPECT_NE(ok.out.find(" passed, 0 failed"), std::string::npos);
  auto path = std::filesystem::temp_directory_path() / "dbcli-tests.yaml";
  std::ofstream(path) << "tests:\n  - {name: wrong, principal: user:alice, action: db.query, "
                         "resource: db/analytics-prod, sql: SELECT 1, expect: deny}\n";
  Result bad = RunCli({"policy", "test", kPolicy, path.string()});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.out.find("0 passed, 1 failed"), std::string::npos) << bad.out;
  EXPECT_NE(bad.out.find("expected deny, got allow"), std::string::npos) << bad.out;
  std::ofstream(path) << "tests:\n  - {principal: user:alice, expect: allow, bogus: 1}\n";
  Result malformed = RunCli({"policy", "test", kPolicy, path.string()});
  EXPECT_EQ(malformed.exit_code, 1);
  EXPECT_NE(malformed.err.find("unknown test key 'bogus'"), std::string::npos) << malformed.err;
}

// Test that explain shows a principal's groups, standing access, requests and guardrails.
TEST(CliPolicy, ExplainPrincipal) {
  Result r =
      RunCli({"policy", "explain", kPolicy, "--principal", "user:alice", "--output", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  boost::json::object o = boost::json::parse(r.out).as_object();
  EXPECT_FALSE(o.at("groups").as_array().empty());
  EXPECT_FALSE(o.at("standing").as_array().empty());
  EXPECT_FALSE(o.at("may_request").as_array().empty());
  EXPECT_FALSE(o.at("guardrails").as_array().empty());
  Result text = RunCli({"policy", "explain", kPolicy, "--principal", "user:alice"});
  EXPECT_NE(text.out.find("dba-elevation"), std::string::npos);
  EXPECT_EQ(RunCli({"policy", "explain", kPolicy, "--principal", "alice"}).exit_code, 2);
}

// Test that the demo runs end to end on the example policy.
TEST(CliDemo, Runs) {
  Result r = RunCli({"demo", "--policy", kPolicy});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("approval_required"), std::string::npos);
  EXPECT_NE(r.out.find("never-drop-database"), std::string::npos);
}

}  // namespace

namespace {

// Test the README's local flow end to end: request, approvals, an allowed check, the audit
// verifies, and a tampered audit row is caught with its seq.
TEST(CliLocal, ReadmeFlow) {
  auto dir = std::filesystem::temp_directory_path() / ("dbcli-local-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string db = (dir / "db.sqlite").string();
  auto local = [&](std::vector<std::string> args) {
    std::vector<std::string> all = {"--db", db, "--policy", kPolicy};
    all.insert(all.end(), args.begin(), args.end());
    return RunCli(all);
  };
  const std::vector<std::string> read = {"check",
                                         "--action",
                                         "db.query",
                                         "--resource",
                                         "db/orders-prod",
                                         "--sql",
                                         "SELECT email FROM customers WHERE id = 7"};
  auto as = [&](const std::string& who, std::vector<std::string> args) {
    args.insert(args.begin(), {"--as", who});
    return local(args);
  };
  EXPECT_EQ(as("user:alice", read).exit_code, 4);
  Result requested = as("user:alice", {"-o", "json", "request", "access", "--rule", "prod-pii-read",
                                       "--resource", "db/orders-prod", "--duration", "30m",
                                       "--reason", "customer asked", "--ticket", "DATA-7"});
  ASSERT_EQ(requested.exit_code, 0) << requested.err;
  std::string id(boost::json::parse(requested.out).at("id").as_string());
  EXPECT_EQ(boost::json::parse(requested.out).at("state").as_string(), "pending");

  Result self = as("user:alice", {"requests", "approve", id});
  EXPECT_EQ(self.exit_code, 1);
  EXPECT_NE(self.err.find("own request"), std::string::npos) << self.err;
  EXPECT_EQ(as("user:erin", {"requests", "approve", id, "--comment", "ok"}).exit_code, 0);
  EXPECT_EQ(as("user:alice", read).exit_code, 4);  // all_of: a DBA must approve too
  Result approved = as("user:bob", {"-o", "json", "requests", "approve", id});
  ASSERT_EQ(approved.exit_code, 0) << approved.err;
  EXPECT_EQ(boost::json::parse(approved.out).at("state").as_string(), "active");
  EXPECT_EQ(as("user:alice", read).exit_code, 0);

  Result grants = local({"-o", "json", "grants", "ls", "--state", "active"});
  ASSERT_EQ(grants.exit_code, 0);
  EXPECT_EQ(boost::json::parse(grants.out).as_array().size(), 1u);
  Result verified = local({"audit", "verify"});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  Result csv = local({"audit", "export", "--format", "csv", "--type", "grant."});
  EXPECT_NE(csv.out.find("grant.activated"), std::string::npos);

  std::string tamper = "sqlite3 " + Quote(db) +
                       " \"DROP TRIGGER audit_no_update; UPDATE audit SET actor='user:mallory' "
                       "WHERE seq=2\"";
  ASSERT_EQ(std::system(tamper.c_str()), 0);
  Result caught = local({"-o", "json", "audit", "verify"});
  EXPECT_EQ(caught.exit_code, 1);
  EXPECT_EQ(boost::json::parse(caught.out).at("first_bad_seq").as_int64(), 2) << caught.out;
  std::filesystem::remove_all(dir);
}

// Test that a cut tail is caught against a signed checkpoint kept elsewhere.
TEST(CliLocal, CheckpointCatchesACutTail) {
  auto dir = std::filesystem::temp_directory_path() / ("dbcli-cp-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string db = (dir / "db.sqlite").string();
  const std::string key = (dir / "audit.key").string(), pub = (dir / "audit.pub").string();
  const std::string checkpoints = (dir / "checkpoints.jsonl").string();
  auto local = [&](std::vector<std::string> args) {
    std::vector<std::string> all = {"--db", db, "--policy", kPolicy};
    all.insert(all.end(), args.begin(), args.end());
    return RunCli(all);
  };
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(local({"--as", "user:alice", "request", "access", "--rule", "dba-elevation",
                     "--resource", "db/orders-prod", "--duration", "1h", "--reason", "r",
                     "--ticket", "INC-" + std::to_string(i)})
                  .exit_code,
              0);
  }
  ASSERT_EQ(RunCli({"audit", "keygen", "--key", key, "--public-key", pub}).exit_code, 0);
  ASSERT_EQ(local({"audit", "checkpoint", "--key", key, "--out", checkpoints}).exit_code, 0);
  EXPECT_EQ(local({"audit", "verify", "--checkpoints", checkpoints, "--public-key", pub}).exit_code,
            0);
  std::string cut =
      "sqlite3 " + Quote(db) + " \"DROP TRIGGER audit_no_delete; DELETE FROM audit WHERE seq=3\"";
  ASSERT_EQ(std::system(cut.c_str()), 0);
  EXPECT_EQ(local({"audit", "verify"}).exit_code, 0);  // the chain alone cannot see a cut tail
  Result caught = local({"audit", "verify", "--checkpoints", checkpoints, "--public-key", pub});
  EXPECT_EQ(caught.exit_code, 1) << caught.out;
  std::filesystem::remove_all(dir);
}

}  // namespace
