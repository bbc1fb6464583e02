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

}  // namespace
}  // namespace drawbridge::testing
