#include "client/base_url.h"

#include <gtest/gtest.h>

namespace drawbridge::client {
namespace {

// Test that an http URL with a port gives host, port and no TLS.
TEST(BaseUrl, ParsesHttpWithPort) {
  auto url = ParseBaseUrl("http://127.0.0.1:8080");
  ASSERT_TRUE(url.ok()) << url.status().message();
  EXPECT_FALSE(url->tls);
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, 8080);
  EXPECT_EQ(url->path_prefix, "");
  EXPECT_EQ(url->HostHeader(), "127.0.0.1:8080");
  EXPECT_TRUE(url->HostIsIpAddress());
}

// Test that https defaults to port 443 and the Host header then leaves the port out.
TEST(BaseUrl, HttpsDefaultsToPort443) {
  auto url = ParseBaseUrl("https://drawbridge.example.com");
  ASSERT_TRUE(url.ok());
  EXPECT_TRUE(url->tls);
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->HostHeader(), "drawbridge.example.com");
  EXPECT_FALSE(url->HostIsIpAddress());
  EXPECT_EQ(url->ToString(), "https://drawbridge.example.com");
}

// Test that http defaults to port 80.
TEST(BaseUrl, HttpDefaultsToPort80) {
  auto url = ParseBaseUrl("http://localhost/");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->port, 80);
  EXPECT_EQ(url->path_prefix, "");
}

// Test that a bracketed IPv6 literal is unbracketed for connecting and bracketed for Host.
TEST(BaseUrl, ParsesIpv6Literal) {
  auto url = ParseBaseUrl("http://[::1]:9000");
  ASSERT_TRUE(url.ok()) << url.status().message();
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->HostHeader(), "[::1]:9000");
  EXPECT_TRUE(url->HostIsIpAddress());
}

// Test that a path prefix is kept without its trailing slash.
TEST(BaseUrl, KeepsPathPrefixWithoutTrailingSlash) {
  auto url = ParseBaseUrl("https://example.com:8443/tools/drawbridge/");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->path_prefix, "/tools/drawbridge");
  EXPECT_EQ(url->ToString(), "https://example.com:8443/tools/drawbridge");
}

// Test that addresses that could send the token somewhere unintended are refused.
TEST(BaseUrl, RefusesUnclearAddresses) {
  for (const char* text :
       {"", "localhost:8080", "ftp://example.com", "https://user:pw@example.com",
        "https://example.com/?x=1", "https://example.com/#frag", "http://example.com:0",
        "http://example.com:70000", "http://", "not a url"}) {
    auto url = ParseBaseUrl(text);
    EXPECT_FALSE(url.ok()) << text;
    if (!url.ok()) {
      EXPECT_EQ(url.status().code(), StatusCode::kInvalidArgument) << text;
    }
  }
}

// Test that the error for a missing scheme tells how to write the address.
TEST(BaseUrl, MissingSchemeErrorShowsTheForm) {
  auto url = ParseBaseUrl("drawbridge.example.com");
  ASSERT_FALSE(url.ok());
  EXPECT_NE(url.status().message().find("https://"), std::string::npos) << url.status().message();
}

}  // namespace
}  // namespace drawbridge::client
