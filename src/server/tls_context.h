// The server's TLS settings: a certificate chain and its private key, TLS 1.2 and 1.3 only, and
// for TLS 1.2 only forward-secret AEAD cipher suites. Built at start and again on SIGHUP (a
// renewed certificate is served to new connections without a restart).
#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

#include "drawbridge/status.h"

namespace drawbridge::server {

// kInvalidArgument naming the file when the certificate or key cannot be read, or when the key
// is not the certificate's: a server that would fail every handshake must not start.
StatusOr<std::shared_ptr<boost::asio::ssl::context>> MakeTlsContext(const std::string& cert_file,
                                                                    const std::string& key_file);

}  // namespace drawbridge::server
