// The server over TLS: a self-signed certificate made for the test, a Beast TLS client that
// verifies it, the CLI's remote mode with DRAWBRIDGE_CA_FILE, and plain HTTP refused.
#include <gtest/gtest.h>

#include <boost/asio/ssl.hpp>
#include <boost/beast/ssl.hpp>

#include "server/server_e2e_support.h"

namespace drawbridge::testing {
namespace {

namespace ssl = boost::asio::ssl;

class TlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    cert_ = dir_ / "tls.crt";
    key_ = dir_ / "tls.key";
    const std::string make_cert =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
        "-addext subjectAltName=IP:127.0.0.1 -keyout '" +
        key_ + "' -out '" + cert_ + "' >'" + (dir_ / "openssl.log") + "' 2>&1";
    ASSERT_EQ(std::system(make_cert.c_str()), 0) << ReadFile(dir_ / "openssl.log");
    const std::string policy = CopyExamplePolicy(dir_);
    WriteFile(dir_ / "server.yaml", "tenants: [{name: default, policy: " + policy +
                                        "}]\n"
                                        "tls: {cert: " +
                                        cert_ + ", key: " + key_ + "}\n");
    server_.emplace(dir_, std::vector<std::string>{
                              "--config", dir_ / "server.yaml", "--dev", "--listen", "127.0.0.1:0",
                              "--db", dir_ / "db.sqlite", "--tokens-file", dir_ / "tokens.env"});
    tokens_ = ReadTokens(dir_ / "tokens.env");
    ASSERT_FALSE(tokens_.empty());
  }

  std::string Token(const std::string& name) { return tokens_.at("DRAWBRIDGE_TOKEN_" + name); }

  // A new self-signed certificate for 127.0.0.1 and its key, written to `cert` and `key`.
  void MakePair(const std::string& cert, const std::string& key) {
    const std::string command =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
        "-addext subjectAltName=IP:127.0.0.1 -keyout '" +
        key + "' -out '" + cert + "' >/dev/null 2>&1";
    ASSERT_EQ(std::system(command.c_str()), 0);
  }

  // Waits until the server's log holds `text`.
  bool LogShows(const std::string& text) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      if (server_->Stderr().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return false;
  }

  // One request over TLS, verifying the server against `ca_file` and the name 127.0.0.1.
  HttpResult SendTls(const std::string& target, const std::string& token,
                     const std::string& ca_file) {
    net::io_context ioc;
    ssl::context ctx(ssl::context::tls_client);
    ctx.load_verify_file(ca_file);
    beast::ssl_stream<beast::tcp_stream> stream(ioc, ctx);
    stream.set_verify_mode(ssl::verify_peer);
    stream.set_verify_callback(ssl::host_name_verification("127.0.0.1"));
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(10));
    beast::get_lowest_layer(stream).connect(
        tcp::endpoint(net::ip::make_address("127.0.0.1"), server_->port()));
    stream.handshake(ssl::stream_base::client);
    http::request<http::string_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!token.empty()) req.set(http::field::authorization, "Bearer " + token);
    http::write(stream, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(stream, buffer, res);
    boost::system::error_code ignored;
    stream.shutdown(ignored);
    HttpResult r;
    r.status = res.result_int();
    r.body = res.body();
    return r;
  }

  TempDir dir_;
  std::string cert_, key_;
  std::optional<ServerProcess> server_;
  std::map<std::string, std::string> tokens_;
};

// Test that the server announces an https URL and answers a verifying TLS client.
TEST_F(TlsTest, ServesHttpsToAVerifyingClient) {
  EXPECT_EQ(server_->url().rfind("https://127.0.0.1:", 0), 0u) << server_->url();
  HttpResult health = SendTls("/healthz", "", cert_);
  EXPECT_EQ(health.status, 200) << health.body;
  HttpResult who = SendTls("/v1/whoami", Token("ALICE"), cert_);
  ASSERT_EQ(who.status, 200) << who.body;
  EXPECT_EQ(boost::json::parse(who.body).at("principal"), "user:alice");
  HttpResult anonymous = SendTls("/v1/whoami", "", cert_);
  EXPECT_EQ(anonymous.status, 401) << anonymous.body;
}

// Test that a client trusting another certificate refuses the server.
TEST_F(TlsTest, ClientWithAnotherCaRefusesTheServer) {
  const std::string other = dir_ / "other.crt";
  const std::string make_other =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=127.0.0.1 "
      "-addext subjectAltName=IP:127.0.0.1 -keyout '" +
      (dir_ / "other.key") + "' -out '" + other + "' >/dev/null 2>&1";
  ASSERT_EQ(std::system(make_other.c_str()), 0);
  EXPECT_THROW(SendTls("/healthz", "", other), boost::system::system_error);
}

// Test that plain HTTP to the TLS port gets no HTTP answer, and the server keeps serving TLS.
TEST_F(TlsTest, PlainHttpToTheTlsPortFails) {
  bool answered = false;
  try {
    HttpResult r = Send(server_->port(), http::verb::get, "/healthz");
    answered = r.status == 200;
  } catch (const boost::system::system_error&) {
  }
  EXPECT_FALSE(answered);
  EXPECT_EQ(SendTls("/healthz", "", cert_).status, 200);
}

// Test the CLI's remote mode over TLS: trusted through DRAWBRIDGE_CA_FILE, refused without it.
TEST_F(TlsTest, CliRemoteModeWithCaFile) {
  const std::vector<std::pair<std::string, std::string>> env = {
      {"DRAWBRIDGE_ADDR", server_->url()},
      {"DRAWBRIDGE_TOKEN", Token("ALICE")},
      {"DRAWBRIDGE_CA_FILE", cert_}};
  CliResult check = RunDrawbridge(dir_,
                                  {"check", "--action", "db.query", "--resource", "db/orders-prod",
                                   "--sql", "SELECT 1", "--output", "json"},
                                  env);
  EXPECT_EQ(check.exit_code, 4) << check.out << check.err;
  EXPECT_EQ(boost::json::parse(check.out).at("decision"), "approval_required") << check.out;

  CliResult list = RunDrawbridge(dir_, {"requests", "ls", "--output", "json"}, env);
  EXPECT_EQ(list.exit_code, 0) << list.out << list.err;

  CliResult untrusted =
      RunDrawbridge(dir_, {"requests", "ls", "--output", "json"},
                    {{"DRAWBRIDGE_ADDR", server_->url()}, {"DRAWBRIDGE_TOKEN", Token("ALICE")}});
  EXPECT_NE(untrusted.exit_code, 0) << untrusted.out;
  EXPECT_FALSE(untrusted.err.empty());
}

// Test that the CLI names the way out of each kind of failed TLS connection: a certificate for
// another name, plain HTTP to the TLS port, and a certificate from a CA it was not told to trust.
TEST_F(TlsTest, CliNamesWhyItRefusedTheCertificate) {
  const std::string port = std::to_string(server_->port());
  CliResult wrong_name = RunDrawbridge(dir_, {"requests", "ls"},
                                       {{"DRAWBRIDGE_ADDR", "https://localhost:" + port},
                                        {"DRAWBRIDGE_TOKEN", Token("ALICE")},
                                        {"DRAWBRIDGE_CA_FILE", cert_}});
  EXPECT_NE(wrong_name.exit_code, 0);
  EXPECT_NE(wrong_name.err.find("is not for localhost"), std::string::npos) << wrong_name.err;
  EXPECT_NE(wrong_name.err.find("subjectAltName"), std::string::npos) << wrong_name.err;

  CliResult plain = RunDrawbridge(
      dir_, {"requests", "ls"},
      {{"DRAWBRIDGE_ADDR", "http://127.0.0.1:" + port}, {"DRAWBRIDGE_TOKEN", Token("ALICE")}});
  EXPECT_NE(plain.exit_code, 0);
  EXPECT_NE(plain.err.find("use an https:// address"), std::string::npos) << plain.err;

  CliResult unknown_ca =
      RunDrawbridge(dir_, {"requests", "ls"},
                    {{"DRAWBRIDGE_ADDR", server_->url()}, {"DRAWBRIDGE_TOKEN", Token("ALICE")}});
  EXPECT_NE(unknown_ca.exit_code, 0);
  EXPECT_NE(unknown_ca.err.find("DRAWBRIDGE_CA_FILE"), std::string::npos) << unknown_ca.err;
  EXPECT_EQ(unknown_ca.err.find("is not for"), std::string::npos) << unknown_ca.err;
}

// Test that SIGHUP loads a renewed certificate for new connections, and that a renewal whose key
// does not match is refused: the server keeps serving the certificate it had and counts the
// failure in /metrics.
TEST_F(TlsTest, SighupReloadsTheCertificate) {
  const std::string old_cert = dir_ / "old.crt";
  std::filesystem::copy_file(cert_, old_cert);
  MakePair(dir_ / "new.crt", dir_ / "new.key");
  std::filesystem::copy_file(dir_ / "new.crt", cert_,
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(dir_ / "new.key", key_,
                             std::filesystem::copy_options::overwrite_existing);
  server_->Signal(SIGHUP);
  ASSERT_TRUE(LogShows("TLS certificate reloaded")) << server_->Stderr();
  EXPECT_EQ(SendTls("/healthz", "", dir_ / "new.crt").status, 200);
  EXPECT_THROW(SendTls("/healthz", "", old_cert), boost::system::system_error);

  // A certificate without its key: refused, the renewed one keeps serving.
  MakePair(dir_ / "third.crt", dir_ / "third.key");
  std::filesystem::copy_file(dir_ / "third.crt", cert_,
                             std::filesystem::copy_options::overwrite_existing);
  server_->Signal(SIGHUP);
  ASSERT_TRUE(LogShows("TLS reload refused")) << server_->Stderr();
  EXPECT_EQ(SendTls("/healthz", "", dir_ / "new.crt").status, 200);
  const std::string metrics = SendTls("/metrics", "", dir_ / "new.crt").body;
  EXPECT_NE(metrics.find("drawbridge_tls_reload_failures_total 1\n"), std::string::npos) << metrics;
}

// Test that a certificate whose key does not match stops the start with a message naming the
// files, before the database is opened.
TEST_F(TlsTest, MismatchedKeyRefusesToStart) {
  MakePair(dir_ / "b.crt", dir_ / "b.key");
  const std::string policy = dir_ / "policy";
  WriteFile(dir_ / "bad.yaml", "tenants: [{name: default, policy: " + policy +
                                   "}]\ntls: {cert: " + cert_ + ", key: " + (dir_ / "b.key") +
                                   "}\ndatabase: " + (dir_ / "fresh/db.sqlite") + "\n");
  CliResult start =
      RunDrawbridge(dir_, {"serve", "--config", dir_ / "bad.yaml", "--listen", "127.0.0.1:0"});
  EXPECT_EQ(start.exit_code, 1) << start.out << start.err;
  EXPECT_NE(start.err.find("does not match"), std::string::npos) << start.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "fresh/db.sqlite"));

  WriteFile(dir_ / "missing.yaml", "tenants: [{name: default, policy: " + policy +
                                       "}]\ntls: {cert: " + (dir_ / "nope.crt") + ", key: " + key_ +
                                       "}\n");
  CliResult missing =
      RunDrawbridge(dir_, {"serve", "--config", dir_ / "missing.yaml", "--listen", "127.0.0.1:0"});
  EXPECT_EQ(missing.exit_code, 1) << missing.err;
  EXPECT_NE(missing.err.find("nope.crt"), std::string::npos) << missing.err;
}

// Test that a failed handshake is logged with the peer, and the server goes on serving.
TEST_F(TlsTest, FailedHandshakeIsLogged) {
  const std::string other = dir_ / "other.crt";
  MakePair(other, dir_ / "other.key");
  EXPECT_THROW(SendTls("/healthz", "", other), boost::system::system_error);
  EXPECT_TRUE(LogShows("TLS handshake failed")) << server_->Stderr();
  EXPECT_NE(server_->Stderr().find("127.0.0.1"), std::string::npos);
  EXPECT_EQ(SendTls("/healthz", "", cert_).status, 200);
}

}  // namespace
}  // namespace drawbridge::testing
