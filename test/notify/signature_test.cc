#include "notify/signature.h"

#include <gtest/gtest.h>

namespace drawbridge::notify {
namespace {

constexpr int64_t kNow = 1714557600;  // 2024-05-01T10:00:00Z
constexpr std::string_view kSecret = "s3cret";
constexpr std::string_view kBody = R"({"id":"default/1"})";

// Test that the signature is the documented HMAC-SHA256 over "timestamp.body" (a known-answer
// vector: printf '1714557600.{"id":"default/1"}' | openssl dgst -sha256 -hmac s3cret).
TEST(SignatureTest, MatchesKnownAnswer) {
  EXPECT_EQ(SignWebhook(kSecret, kNow, kBody),
            "v1=c620c74f8b11b45153721c0e5a235a0efe3f525208d0caed19155a1ba57fd1e0");
}

// Test that a signature made by SignWebhook verifies.
TEST(SignatureTest, OwnSignatureVerifies) {
  std::string signature = SignWebhook(kSecret, kNow, kBody);
  EXPECT_TRUE(VerifyWebhook(kSecret, std::to_string(kNow), signature, kBody, kNow).ok());
  EXPECT_TRUE(VerifyWebhook(kSecret, std::to_string(kNow), signature, kBody, kNow + 299).ok());
}

// Test that changing one byte of the body makes verification fail.
TEST(SignatureTest, TamperedBodyIsRejected) {
  std::string signature = SignWebhook(kSecret, kNow, kBody);
  Status status =
      VerifyWebhook(kSecret, std::to_string(kNow), signature, R"({"id":"default/2"})", kNow);
  EXPECT_EQ(status.code(), StatusCode::kUnauthenticated);
}

// Test that another secret does not verify.
TEST(SignatureTest, WrongSecretIsRejected) {
  std::string signature = SignWebhook("other", kNow, kBody);
  EXPECT_EQ(VerifyWebhook(kSecret, std::to_string(kNow), signature, kBody, kNow).code(),
            StatusCode::kUnauthenticated);
}

// Test that a signature cannot be moved to another timestamp: the timestamp is signed.
TEST(SignatureTest, TimestampIsSigned) {
  std::string signature = SignWebhook(kSecret, kNow, kBody);
  EXPECT_EQ(VerifyWebhook(kSecret, std::to_string(kNow + 1), signature, kBody, kNow).code(),
            StatusCode::kUnauthenticated);
}

// Test that a correctly signed but old (or far future) request is refused as a possible replay.
TEST(SignatureTest, StaleTimestampIsRejected) {
  std::string signature = SignWebhook(kSecret, kNow, kBody);
  EXPECT_EQ(VerifyWebhook(kSecret, std::to_string(kNow), signature, kBody, kNow + 301).code(),
            StatusCode::kPermissionDenied);
  EXPECT_EQ(VerifyWebhook(kSecret, std::to_string(kNow), signature, kBody, kNow - 301).code(),
            StatusCode::kPermissionDenied);
  EXPECT_TRUE(
      VerifyWebhook(kSecret, std::to_string(kNow), signature, kBody, kNow + 3000, 3600).ok());
}

// Test that malformed timestamps and signatures are refused, not misread.
TEST(SignatureTest, MalformedHeadersAreRejected) {
  std::string signature = SignWebhook(kSecret, kNow, kBody);
  for (std::string timestamp : {"", "-1", "+1714557600", "1714557600.0", "abc", "0x10"}) {
    EXPECT_EQ(VerifyWebhook(kSecret, timestamp, signature, kBody, kNow).code(),
              StatusCode::kUnauthenticated)
        << timestamp;
  }
  std::string hex = signature.substr(3);
  for (std::string bad : {std::string(""), hex, "v0=" + hex, "v1=" + hex.substr(1),
                          "v1=" + hex + "00", "V1=" + hex}) {
    EXPECT_EQ(VerifyWebhook(kSecret, std::to_string(kNow), bad, kBody, kNow).code(),
              StatusCode::kUnauthenticated)
        << bad;
  }
}

// Test that during a secret rotation a header listing several signatures verifies when any one
// matches.
TEST(SignatureTest, AnyListedSignatureMaySucceed) {
  std::string old_signature = SignWebhook("old", kNow, kBody);
  std::string new_signature = SignWebhook(kSecret, kNow, kBody);
  EXPECT_TRUE(VerifyWebhook(kSecret, std::to_string(kNow), old_signature + ", " + new_signature,
                            kBody, kNow)
                  .ok());
}

// Test that an empty body is signed like any other.
TEST(SignatureTest, EmptyBodyIsSigned) {
  std::string signature = SignWebhook(kSecret, kNow, "");
  EXPECT_TRUE(VerifyWebhook(kSecret, std::to_string(kNow), signature, "", kNow).ok());
  EXPECT_FALSE(VerifyWebhook(kSecret, std::to_string(kNow), signature, " ", kNow).ok());
}

}  // namespace
}  // namespace drawbridge::notify
