#include "policy/cidr.h"

#include <arpa/inet.h>

#include <string>

namespace drawbridge::policy {
namespace {

constexpr std::string_view kForms = "write an IPv4 or IPv6 network such as 10.0.0.0/8 or ::1/128";

Status Bad(std::string_view text, std::string_view why) {
  return InvalidArgument("invalid CIDR '" + std::string(text) + "': " + std::string(why) + "; " +
                         std::string(kForms));
}

}  // namespace

StatusOr<Cidr> ParseCidr(std::string_view text) {
  if (text.size() > 64) return Bad(text.substr(0, 64), "too long");
  Cidr cidr;
  cidr.text = std::string(text);
  size_t slash = text.find('/');
  std::string address(text.substr(0, slash));
  cidr.v6 = address.find(':') != std::string::npos;
  int address_result = cidr.v6 ? inet_pton(AF_INET6, address.c_str(), cidr.address.data())
                               : inet_pton(AF_INET, address.c_str(), cidr.address.data());
  if (address_result != 1) return Bad(text, "'" + address + "' is not an IP address");
  const int max_prefix = cidr.v6 ? 128 : 32;
  cidr.prefix = max_prefix;
  if (slash != std::string_view::npos) {
    std::string_view prefix = text.substr(slash + 1);
    if (prefix.empty() || prefix.size() > 3) return Bad(text, "the prefix length is missing");
    int value = 0;
    for (char c : prefix) {
      if (c < '0' || c > '9') return Bad(text, "the prefix length is not a number");
      value = value * 10 + (c - '0');
    }
    if (value > max_prefix) {
      return Bad(text, "the prefix length is larger than " + std::to_string(max_prefix));
    }
    cidr.prefix = value;
  }
  const int bytes = cidr.v6 ? 16 : 4;
  for (int bit = cidr.prefix; bit < bytes * 8; ++bit) {
    cidr.address[bit / 8] &= static_cast<uint8_t>(~(0x80u >> (bit % 8)));
  }
  return cidr;
}

}  // namespace drawbridge::policy
