// Test support for the end-to-end server tests: policy and config files in a temp directory, the
// CLI run as a child process with an explicit environment, and bounded polling. Header-only;
// builds on server_process.h.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "server/server_process.h"

namespace drawbridge::testing {

inline void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// Copies the example policy's files into `dir`/`name`, leaving out its notification routes (they
// name hosts outside this machine) and its tests. Returns the new directory.
inline std::string CopyExamplePolicy(const TempDir& dir, const std::string& name = "policy") {
  const std::filesystem::path target = dir.path() / name;
  std::filesystem::create_directories(target);
  for (const auto& entry : std::filesystem::directory_iterator(
           std::filesystem::path(DRAWBRIDGE_SOURCE_DIR) / "examples" / "policy")) {
    if (!entry.is_regular_file() || entry.path().extension() != ".yaml") continue;
    if (entry.path().filename() == "notifications.yaml") continue;
    std::filesystem::copy_file(entry.path(), target / entry.path().filename());
  }
  return target.string();
}

struct CliResult {
  int exit_code = -1;
  std::string out, err;
};

// Runs `drawbridge ARGS...` with exactly `env` (plus PATH, and HOME pointing into `dir` so that
// no user config file is read) and waits for it.
inline CliResult RunDrawbridge(const TempDir& dir, const std::vector<std::string>& args,
                               const std::vector<std::pair<std::string, std::string>>& env = {}) {
  static std::atomic<int> counter{0};
  const std::string tag = std::to_string(counter.fetch_add(1));
  const std::string out_path = dir / ("cli-" + tag + ".out");
  const std::string err_path = dir / ("cli-" + tag + ".err");
  std::vector<std::string> env_strings = {"PATH=/usr/bin:/bin", "HOME=" + dir.path().string()};
  for (const auto& [k, v] : env) env_strings.push_back(k + "=" + v);
  std::vector<std::string> argv_strings = {DRAWBRIDGE_BINARY};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv, envp;
  for (auto& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid == 0) {
    int in = ::open("/dev/null", O_RDONLY);
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  CliResult r;
  int status = 0;
  if (pid > 0 && ::waitpid(pid, &status, 0) == pid && WIFEXITED(status)) {
    r.exit_code = WEXITSTATUS(status);
  }
  r.out = ReadFile(out_path);
  r.err = ReadFile(err_path);
  return r;
}

// Makes a token in local mode on the server's database (before the server starts) and returns
// its secret.
inline std::string CreateTokenLocally(const TempDir& dir, const std::string& db,
                                      const std::string& policy, const std::string& tenant,
                                      const std::string& principal, const std::string& role) {
  CliResult r =
      RunDrawbridge(dir, {"--db", db, "--policy", policy, "token", "create", "--tenant", tenant,
                          "--principal", principal, "--role", role, "--output", "json"});
  if (r.exit_code != 0) throw std::runtime_error("token create failed: " + r.err);
  return std::string(boost::json::parse(r.out).at("token").as_string());
}

// How many times `part` occurs in `text` (log lines of one kind, say).
inline size_t CountOccurrences(const std::string& text, const std::string& part) {
  size_t n = 0;
  for (size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// The value of one series (`name` with its labels, as written) in a Prometheus text body, or
// nullopt when the body has no such line.
inline std::optional<double> MetricSeries(const std::string& body, const std::string& series) {
  std::istringstream lines(body);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(series + " ", 0) == 0) return std::stod(line.substr(series.size() + 1));
  }
  return std::nullopt;
}

// Calls `probe` every 50 ms until it returns true or `timeout` passes; returns its last answer.
inline bool Eventually(const std::function<bool()>& probe,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    if (probe()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// The arguments of `drawbridge serve --dev` on a free loopback port, with its database and its
// tokens file in `dir`; `policy` when given (else dev mode's copy of the example policy).
inline std::vector<std::string> DevServerArgs(const TempDir& dir, const std::string& policy = "") {
  std::vector<std::string> args = {"--dev",           "--listen",      "127.0.0.1:0",     "--db",
                                   dir / "db.sqlite", "--tokens-file", dir / "tokens.env"};
  if (!policy.empty()) args.insert(args.end(), {"--policy", policy});
  return args;
}

// The body of a request for personal data in production under the example policy's
// prod-pii-read rule (one lead AND one DBA approve), for any requester among the engineers.
inline boost::json::object PiiReadRequest() {
  return {{"kind", "access"},
          {"rule", "prod-pii-read"},
          {"roles", boost::json::array{"db-read-pii"}},
          {"resource", "db/orders-prod"},
          {"duration", "30m"},
          {"reason", "a customer's complaint"},
          {"ticket", "INC-7"}};
}

// The body with which alice asks for db-admin on orders-prod under the example policy's
// dba-elevation rule (one lead, such as erin, approves).
inline boost::json::object AliceDbAdminRequest() {
  return {{"kind", "access"},
          {"rule", "dba-elevation"},
          {"roles", boost::json::array{"db-admin"}},
          {"resource", "db/orders-prod"},
          {"duration", "30m"},
          {"reason", "fix the stuck migration"},
          {"ticket", "INC-42"}};
}

// A dev server on a copy of the example policy (webhook routes left out), and the CLI run
// against it in remote mode as one of its users.
class RemoteCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_.emplace(dir_, DevServerArgs(dir_, CopyExamplePolicy(dir_)));
    tokens_ = ReadTokens(dir_ / "tokens.env");
    ASSERT_FALSE(tokens_.empty());
  }

  std::string Token(const std::string& name) { return tokens_.at("DRAWBRIDGE_TOKEN_" + name); }

  CliResult As(const std::string& who, const std::vector<std::string>& args) {
    return RunDrawbridge(dir_, args,
                         {{"DRAWBRIDGE_ADDR", server_->url()}, {"DRAWBRIDGE_TOKEN", Token(who)}});
  }

  TempDir dir_;
  std::optional<ServerProcess> server_;
  std::map<std::string, std::string> tokens_;
};

}  // namespace drawbridge::testing
