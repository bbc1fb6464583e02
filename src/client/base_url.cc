#include "client/base_url.h"

#include <boost/asio/ip/address.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <charconv>

namespace drawbridge::client {

std::string BaseUrl::HostHeader() const {
  std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != (tls ? 443 : 80)) out += ":" + std::to_string(port);
  return out;
}

std::string BaseUrl::ToString() const {
  return std::string(tls ? "https://" : "http://") + HostHeader() + path_prefix;
}

bool BaseUrl::HostIsIpAddress() const {
  boost::system::error_code ec;
  boost::asio::ip::make_address(host, ec);
  return !ec;
}

StatusOr<BaseUrl> ParseBaseUrl(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument("server address '" + std::string(text) + "' " + std::string(why));
  };
  if (text.empty()) return InvalidArgument("the server address is empty");
  auto parsed = boost::urls::parse_absolute_uri(text);
  if (!parsed) {
    return bad(
        "is not a URL; write it like https://drawbridge.example.com or http://127.0.0.1:8080");
  }
  boost::urls::url_view url = *parsed;
  BaseUrl out;
  if (url.scheme_id() == boost::urls::scheme::https) {
    out.tls = true;
  } else if (url.scheme_id() != boost::urls::scheme::http) {
    return bad("must start with http:// or https://");
  }
  if (!url.has_authority() || url.encoded_host().empty()) return bad("names no host");
  if (url.has_userinfo()) return bad("must not hold a user name or password; use a token");
  if (url.has_query() || url.has_fragment()) return bad("must not hold a query or a fragment");
  switch (url.host_type()) {
    case boost::urls::host_type::ipv6: out.host = url.host_ipv6_address().to_string(); break;
    case boost::urls::host_type::ipv4: out.host = url.host_ipv4_address().to_string(); break;
    case boost::urls::host_type::name: out.host = url.host_name(); break;
    default: return bad("has a host form this client cannot connect to");
  }
  if (url.has_port()) {
    std::string_view p = url.port();
    unsigned value = 0;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), value);
    if (ec != std::errc() || end != p.data() + p.size() || value == 0 || value > 65535) {
      return bad("has a port outside 1-65535");
    }
    out.port = static_cast<uint16_t>(value);
  } else {
    out.port = out.tls ? 443 : 80;
  }
  std::string path(url.encoded_path());
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (path.find_first_of("?#") != std::string::npos) return bad("has an unusable path");
  out.path_prefix = std::move(path);
  return out;
}

}  // namespace drawbridge::client
