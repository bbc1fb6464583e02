#include "server/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509err.h>

namespace drawbridge::server {

namespace net = boost::asio;

namespace {

// TLS 1.2 suites with forward secrecy and authenticated encryption; TLS 1.3 has only such suites.
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

std::string OpenSslError() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char text[256];
  ERR_error_string_n(code, text, sizeof(text));
  return text;
}

}  // namespace

StatusOr<std::shared_ptr<net::ssl::context>> MakeTlsContext(const std::string& cert_file,
                                                            const std::string& key_file) {
  auto ssl = std::make_shared<net::ssl::context>(net::ssl::context::tls_server);
  ssl->set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                   net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 |
                   net::ssl::context::no_tlsv1_1 | net::ssl::context::single_dh_use);
  SSL_CTX* ctx = ssl->native_handle();
  SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION);
  if (SSL_CTX_set_cipher_list(ctx, kTls12Ciphers) != 1) {
    return Internal("TLS cipher suites: " + OpenSslError());
  }
  boost::system::error_code ec;
  ssl->use_certificate_chain_file(cert_file, ec);
  if (ec) return InvalidArgument("TLS certificate " + cert_file + ": " + ec.message());
  const std::string mismatch = "TLS key " + key_file + " does not match the certificate " +
                               cert_file + " (a renewed certificate needs its own key)";
  ssl->use_private_key_file(key_file, net::ssl::context::pem, ec);
  if (ec && ec.category() == net::error::get_ssl_category() &&
      ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH) {
    return InvalidArgument(mismatch);
  }
  if (ec) return InvalidArgument("TLS key " + key_file + ": " + ec.message());
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return InvalidArgument(mismatch + ": " + OpenSslError());
  }
  return ssl;
}

}  // namespace drawbridge::server
