// drawbridge token create|revoke|ls as an administrator runs it in local mode: the secret is
// shown once and never again, every change is audited, and bad input is a usage error.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

struct Result {
  int exit_code = -1;
  std::string out, err;
};

std::string Quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// A scratch directory with a database, removed afterwards; runs the binary against it.
class TokenCliTest : public ::testing::Test {
 protected:
  TokenCliTest() {
    dir_ = std::filesystem::temp_directory_path() /
           ("dbtoken-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~TokenCliTest() override { std::filesystem::remove_all(dir_); }

  Result Run(const std::vector<std::string>& args, bool local = true) {
    std::string cmd = Quote(DRAWBRIDGE_BINARY);
    if (local) cmd += " --db " + Quote(db()) + " --policy " + Quote(kPolicy);
    for (const auto& a : args) cmd += " " + Quote(a);
    cmd +=
        " </dev/null >" + Quote((dir_ / "out").string()) + " 2>" + Quote((dir_ / "err").string());
    int status = std::system(cmd.c_str());
    Result r;
    r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    r.out = Slurp(dir_ / "out");
    r.err = Slurp(dir_ / "err");
    return r;
  }

  // Creates a token with --output json and returns the parsed object.
  boost::json::object CreateJson(std::vector<std::string> extra) {
    std::vector<std::string> args = {"--output", "json", "token", "create"};
    args.insert(args.end(), extra.begin(), extra.end());
    Result r = Run(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(r.out, ec);
    EXPECT_FALSE(ec) << r.out;
    return ec || !v.is_object() ? boost::json::object{} : v.as_object();
  }

  // Everything the database and its WAL hold, as bytes.
  std::string DatabaseBytes() { return Slurp(db()) + Slurp(db() + "-wal"); }

  std::string Sha256Hex(const std::string& text) {
    std::ofstream(dir_ / "hash-in", std::ios::binary) << text;
    std::string cmd = "sha256sum " + Quote((dir_ / "hash-in").string()) + " > " +
                      Quote((dir_ / "hash-out").string());
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    return Slurp(dir_ / "hash-out").substr(0, 64);
  }

  std::string db() const { return (dir_ / "drawbridge.db").string(); }

  const std::string kPolicy = std::string(DRAWBRIDGE_SOURCE_DIR) + "/examples/policy";
  std::filesystem::path dir_;
};

// Test that create --output json prints the token once with its record, and that neither the
// token nor its hash appears in `token ls` (text or JSON); the database holds only the hash.
TEST_F(TokenCliTest, SecretIsShownOnceAndStoredOnlyAsItsHash) {
  boost::json::object created =
      CreateJson({"--principal", "service:nginx", "--role", "checker", "--groups", "dba,ops",
                  "--ttl", "30d", "--description", "gate on bastion-1"});
  ASSERT_TRUE(created.contains("token"));
  const std::string token(created["token"].as_string());
  EXPECT_THAT(token, MatchesRegex("dbt_[A-Za-z0-9_-]{43}"));
  EXPECT_THAT(std::string(created["id"].as_string()), MatchesRegex("t-[a-z2-7]{16}"));
  EXPECT_EQ(created["principal"].as_string(), "service:nginx");
  EXPECT_EQ(created["role"].as_string(), "checker");
  EXPECT_EQ(created["tenant"].as_string(), "default");
  EXPECT_EQ(created["groups"].as_array().size(), 2u);
  EXPECT_TRUE(created["expires_at"].is_string());
  EXPECT_EQ(created["created_by"].as_string(), "local:admin");
  EXPECT_FALSE(created.contains("secret_hash"));

  const std::string hash = Sha256Hex(token);
  for (const std::string& output : {std::string("text"), std::string("json")}) {
    Result ls = Run({"--output", output, "token", "ls"});
    EXPECT_EQ(ls.exit_code, 0) << ls.err;
    EXPECT_THAT(ls.out, HasSubstr(std::string(created["id"].as_string())));
    EXPECT_THAT(ls.out, HasSubstr("service:nginx"));
    EXPECT_THAT(ls.out, Not(HasSubstr(token.substr(4))));
    EXPECT_THAT(ls.out, Not(HasSubstr(hash)));
  }
  std::string stored = DatabaseBytes();
  EXPECT_THAT(stored, Not(HasSubstr(token.substr(4))));
  EXPECT_THAT(stored, HasSubstr(hash));
}

// Test that text output shows the token with a warning that it is not shown again.
TEST_F(TokenCliTest, TextCreateWarnsItIsNotShownAgain) {
  Result r = Run({"token", "create", "--principal", "user:alice"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, MatchesRegex("(.|\n)*dbt_[A-Za-z0-9_-]{43}(.|\n)*"));
  EXPECT_THAT(r.out, HasSubstr("not shown again"));
  EXPECT_THAT(r.out, HasSubstr("expires never"));
}

// Test that revoke marks the token revoked in ls, refuses a second revoke and an unknown id
// (exit 1), and that both changes are in the audit log, which verifies and holds no secret.
TEST_F(TokenCliTest, RevokeIsRecordedAndFinal) {
  boost::json::object created = CreateJson({"--principal", "user:alice", "--role", "admin"});
  const std::string id(created["id"].as_string());
  const std::string token(created["token"].as_string());

  Result revoke = Run({"--as", "user:carol", "token", "revoke", id});
  EXPECT_EQ(revoke.exit_code, 0) << revoke.err;
  EXPECT_THAT(revoke.out, HasSubstr(id));
  Result again = Run({"token", "revoke", id});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("already revoked"));
  Result unknown = Run({"token", "revoke", "t-aaaaaaaaaaaaaaaa"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("no token"));

  Result ls = Run({"--output", "json", "token", "ls"});
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  boost::json::array tokens = boost::json::parse(ls.out).as_array();
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].as_object().at("state").as_string(), "revoked");
  EXPECT_EQ(tokens[0].as_object().at("revoked_by").as_string(), "user:carol");

  Result verify = Run({"audit", "verify"});
  EXPECT_EQ(verify.exit_code, 0) << verify.out << verify.err;
  Result tail = Run({"audit", "tail"});
  EXPECT_THAT(tail.out, HasSubstr("token.created"));
  EXPECT_THAT(tail.out, HasSubstr("token.revoked"));
  EXPECT_THAT(tail.out, Not(HasSubstr(token.substr(4))));
  EXPECT_THAT(tail.out, Not(HasSubstr(Sha256Hex(token))));
}

// Test that --tenant keeps tokens apart: each tenant lists only its own.
TEST_F(TokenCliTest, TenantsListOnlyTheirOwnTokens) {
  boost::json::object acme = CreateJson({"--principal", "user:alice", "--tenant", "acme"});
  EXPECT_EQ(acme["tenant"].as_string(), "acme");
  const std::string id(acme["id"].as_string());
  EXPECT_THAT(Run({"token", "ls"}).out, Not(HasSubstr(id)));
  EXPECT_THAT(Run({"token", "ls", "--tenant", "acme"}).out, HasSubstr(id));
  EXPECT_EQ(Run({"token", "revoke", id}).exit_code, 1);
  EXPECT_EQ(Run({"token", "revoke", id, "--tenant", "acme"}).exit_code, 0);
}

// Test that the first token of a tenant other than the default draws a note (a misspelt tenant
// makes a token every server refuses), the second none; and that the text output's revoke
// command can be run as shown, with the database, the policy and the tenant.
TEST_F(TokenCliTest, ANewTenantIsPointedOutAndTheRevokeCommandIsComplete) {
  Result first = Run({"token", "create", "--principal", "user:alice", "--tenant", "paymnets"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.err, HasSubstr("tenant 'paymnets' has no tokens in this database yet"));
  EXPECT_THAT(first.out, HasSubstr("--db " + db() + " --policy " + kPolicy + " token revoke t-"));
  EXPECT_THAT(first.out, HasSubstr(" --tenant paymnets`"));
  Result second = Run({"token", "create", "--principal", "user:bob", "--tenant", "paymnets"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_THAT(second.err, Not(HasSubstr("no tokens")));
  Result in_default = Run({"token", "create", "--principal", "user:carol"});
  EXPECT_THAT(in_default.err, Not(HasSubstr("no tokens")));
  EXPECT_THAT(in_default.out, Not(HasSubstr("--tenant")));
}

// Test that bad flags are usage errors (exit 2) that say what to write, a malformed principal
// included, and values only the service can judge exit 1 with advice; nothing is created.
TEST_F(TokenCliTest, BadInputIsRefusedWithAdvice) {
  Result role = Run({"token", "create", "--principal", "user:alice", "--role", "root"});
  EXPECT_EQ(role.exit_code, 2);
  EXPECT_THAT(role.err, HasSubstr("user, checker or admin"));
  Result ttl = Run({"token", "create", "--principal", "user:alice", "--ttl", "forever"});
  EXPECT_EQ(ttl.exit_code, 2);
  EXPECT_THAT(ttl.err, HasSubstr("--ttl"));
  EXPECT_EQ(Run({"token", "create"}).exit_code, 2);  // --principal is required
  Result principal = Run({"token", "create", "--principal", "alice"});
  EXPECT_EQ(principal.exit_code, 2);
  EXPECT_THAT(principal.err, HasSubstr("user:alice"));
  Result group = Run({"token", "create", "--principal", "user:alice", "--groups", "d b"});
  EXPECT_EQ(group.exit_code, 1);
  EXPECT_THAT(group.err, HasSubstr("not a group name"));
  Result no_db = Run({"token", "ls"}, /*local=*/false);
  EXPECT_EQ(no_db.exit_code, 2);
  EXPECT_THAT(no_db.err, HasSubstr("--db"));

  Result ls = Run({"--output", "json", "token", "ls"});
  EXPECT_EQ(ls.exit_code, 0) << ls.err;
  EXPECT_EQ(ls.out, "[]\n");
}

// Test that a command that makes a new database says so (a misspelt --db is seen at once), and
// one that opens an existing database does not.
TEST_F(TokenCliTest, ANewDatabaseIsAnnounced) {
  Result first = Run({"token", "create", "--principal", "user:ops", "--role", "admin"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_THAT(first.err, HasSubstr("created a new, empty database " + db()));
  Result second = Run({"token", "ls"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_THAT(second.err, Not(HasSubstr("new, empty database")));
}

// Test that a lifetime over the 10-year cap is a usage error naming the cap.
TEST_F(TokenCliTest, TtlOverTheCapIsRefused) {
  Result far = Run({"token", "create", "--principal", "user:alice", "--ttl", "4000d"});
  EXPECT_EQ(far.exit_code, 2) << far.err;
  EXPECT_THAT(far.err, HasSubstr("10 years"));
  EXPECT_EQ(Run({"token", "create", "--principal", "user:alice", "--ttl", "3650d"}).exit_code, 0);
}

// Test that --help documents the subcommands, the roles and the flags.
TEST_F(TokenCliTest, HelpDocumentsTheCommands) {
  Result top = Run({"token", "--help"}, false);
  EXPECT_EQ(top.exit_code, 0);
  for (const char* word : {"create", "revoke", "ls", "SHA-256"}) {
    EXPECT_THAT(top.out, HasSubstr(word));
  }
  Result create = Run({"token", "create", "--help"}, false);
  EXPECT_EQ(create.exit_code, 0);
  for (const char* word : {"--principal", "--groups", "--role", "--ttl", "--description",
                           "--tenant", "checker", "not shown again", "json"}) {
    EXPECT_THAT(create.out, HasSubstr(word));
  }
}

}  // namespace
