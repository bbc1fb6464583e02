#include "audit/checkpoint.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "audit/digest.h"
#include "audit/key_file.h"

namespace drawbridge::audit {
namespace {

const ChainHead kHead{42, std::string(64, 'a')};
constexpr int64_t kTime = 1714560000000;

SigningKey NewKey() {
  auto key = SigningKey::Generate();
  EXPECT_TRUE(key.ok()) << key.status().ToString();
  return *key;
}

// Test that the signed bytes are exactly the documented message.
TEST(Checkpoint, MessageIsTheDocumentedBytes) {
  EXPECT_EQ(CheckpointMessage("default", 42, kHead.hash, kTime),
            "drawbridge-checkpoint/1\ndefault\n42\n" + kHead.hash + "\n1714560000000\n");
}

// Test that a signed checkpoint verifies with its key and carries the key's id.
TEST(Checkpoint, SignsAndVerifies) {
  SigningKey key = NewKey();
  auto checkpoint = SignCheckpoint(key, "default", kHead, kTime);
  ASSERT_TRUE(checkpoint.ok()) << checkpoint.status().ToString();
  EXPECT_EQ(checkpoint->seq, 42u);
  EXPECT_EQ(checkpoint->head_hash, kHead.hash);
  EXPECT_EQ(checkpoint->key_id, key.key_id());
  EXPECT_EQ(checkpoint->signature.size(), 128u);
  EXPECT_TRUE(VerifyCheckpointSignature(*checkpoint, key.verifying_key()).ok());
}

// Test that the signature is checkable with a plain Ed25519 verifier over the documented message,
// as an auditor would do with openssl.
TEST(Checkpoint, SignatureIsPlainEd25519OverTheMessage) {
  SigningKey key = NewKey();
  auto checkpoint = SignCheckpoint(key, "default", kHead, kTime);
  std::string signature;
  ASSERT_TRUE(HexDecode(checkpoint->signature, &signature));
  EXPECT_TRUE(
      key.verifying_key().Verify(CheckpointMessage("default", 42, kHead.hash, kTime), signature));
}

// Test that another key does not verify the checkpoint, even when the key id is spoofed.
TEST(Checkpoint, WrongKeyFails) {
  SigningKey key = NewKey();
  SigningKey other = NewKey();
  auto checkpoint = SignCheckpoint(key, "default", kHead, kTime);
  Status status = VerifyCheckpointSignature(*checkpoint, other.verifying_key());
  EXPECT_EQ(status.code(), StatusCode::kPermissionDenied);
  Checkpoint spoofed = *checkpoint;
  spoofed.key_id = other.key_id();
  EXPECT_FALSE(VerifyCheckpointSignature(spoofed, other.verifying_key()).ok());
}

// Test that changing any signed field invalidates the signature.
TEST(Checkpoint, EveryFieldIsSigned) {
  SigningKey key = NewKey();
  const Checkpoint original = *SignCheckpoint(key, "default", kHead, kTime);
  std::vector<void (*)(Checkpoint&)> edits = {
      [](Checkpoint& c) { c.tenant = "other"; },
      [](Checkpoint& c) { c.seq = 43; },
      [](Checkpoint& c) { c.head_hash[5] = 'b'; },
      [](Checkpoint& c) { c.time_ms += 1; },
      [](Checkpoint& c) { c.signature[10] = c.signature[10] == '0' ? '1' : '0'; },
  };
  for (auto edit : edits) {
    Checkpoint edited = original;
    edit(edited);
    EXPECT_FALSE(VerifyCheckpointSignature(edited, key.verifying_key()).ok());
  }
}

// Test that checkpoints round-trip through their JSON line and the parser is strict.
TEST(Checkpoint, JsonLineRoundTripsStrictly) {
  SigningKey key = NewKey();
  const Checkpoint checkpoint = *SignCheckpoint(key, "default", kHead, kTime);
  const std::string line = CheckpointToJsonLine(checkpoint);
  EXPECT_EQ(line.find(' '), std::string::npos);
  auto parsed = ParseCheckpointLine(line + "\n");
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, checkpoint);
  EXPECT_FALSE(ParseCheckpointLine(line.substr(0, line.size() - 1)).ok());
  EXPECT_FALSE(ParseCheckpointLine("{}").ok());
  std::string spaced = line;
  spaced.insert(1, " ");
  EXPECT_FALSE(ParseCheckpointLine(spaced).ok());
  std::string short_signature = line;
  short_signature.replace(short_signature.find(checkpoint.signature), 128, "abcd");
  EXPECT_FALSE(ParseCheckpointLine(short_signature).ok());
}

// Test that the key id is the first 16 hex digits of SHA-256 of the raw public key.
TEST(SigningKeys, KeyIdIsTruncatedSha256OfRawPublicKey) {
  SigningKey key = NewKey();
  EXPECT_EQ(key.verifying_key().raw().size(), 32u);
  EXPECT_EQ(key.key_id(), HexEncode(Sha256(key.verifying_key().raw())).substr(0, 16));
}

// Test that keys round-trip through PEM, and the public PEM alone verifies signatures.
TEST(SigningKeys, PemRoundTrips) {
  SigningKey key = NewKey();
  auto reloaded = SigningKey::FromPem(key.ToPem());
  ASSERT_TRUE(reloaded.ok()) << reloaded.status().ToString();
  EXPECT_EQ(reloaded->key_id(), key.key_id());
  auto public_key = VerifyingKey::FromPem(key.verifying_key().ToPem());
  ASSERT_TRUE(public_key.ok());
  auto checkpoint = SignCheckpoint(*reloaded, "default", kHead, kTime);
  EXPECT_TRUE(VerifyCheckpointSignature(*checkpoint, *public_key).ok());
  EXPECT_NE(key.ToPem().find("BEGIN PRIVATE KEY"), std::string::npos);
  EXPECT_NE(key.verifying_key().ToPem().find("BEGIN PUBLIC KEY"), std::string::npos);
}

// Test that garbage and public keys are refused where a private key is needed.
TEST(SigningKeys, RejectsNonKeys) {
  EXPECT_FALSE(SigningKey::FromPem("").ok());
  EXPECT_FALSE(
      SigningKey::FromPem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n").ok());
  SigningKey key = NewKey();
  EXPECT_FALSE(SigningKey::FromPem(key.verifying_key().ToPem()).ok());
  EXPECT_FALSE(VerifyingKey::FromPem("not a key").ok());
  EXPECT_FALSE(VerifyingKey::FromRaw("short").ok());
}

class KeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("audit_key_test_" + std::to_string(::getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string PathOf(const char* name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

// Test that a generated key file has mode 0600 and loads back as the same key.
TEST_F(KeyFileTest, GeneratesOwnerOnlyKeyFileAndLoadsIt) {
  const std::string path = PathOf("checkpoint.key");
  auto generated = GenerateSigningKey(path);
  ASSERT_TRUE(generated.ok()) << generated.status().ToString();
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600);
  auto loaded = LoadSigningKey(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->key_id(), generated->key_id());
}

// Test that generating never overwrites an existing key.
TEST_F(KeyFileTest, GenerateRefusesToOverwrite) {
  const std::string path = PathOf("checkpoint.key");
  ASSERT_TRUE(GenerateSigningKey(path).ok());
  auto again = GenerateSigningKey(path);
  EXPECT_EQ(again.status().code(), StatusCode::kAlreadyExists);
}

// Test that a private key readable by others is refused.
TEST_F(KeyFileTest, LoadRefusesAGroupReadableKey) {
  const std::string path = PathOf("checkpoint.key");
  ASSERT_TRUE(GenerateSigningKey(path).ok());
  ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
  auto loaded = LoadSigningKey(path);
  EXPECT_EQ(loaded.status().code(), StatusCode::kPermissionDenied);
  EXPECT_NE(loaded.status().message().find("chmod 600"), std::string::npos);
}

// Test that the exported public key file verifies checkpoints made with the private key.
TEST_F(KeyFileTest, PublicKeyFileVerifiesCheckpoints) {
  auto key = GenerateSigningKey(PathOf("checkpoint.key"));
  ASSERT_TRUE(WriteVerifyingKey(PathOf("checkpoint.pub"), key->verifying_key()).ok());
  auto public_key = LoadVerifyingKey(PathOf("checkpoint.pub"));
  ASSERT_TRUE(public_key.ok()) << public_key.status().ToString();
  auto checkpoint = SignCheckpoint(*key, "default", kHead, kTime);
  EXPECT_TRUE(VerifyCheckpointSignature(*checkpoint, *public_key).ok());
  EXPECT_EQ(LoadSigningKey(PathOf("missing.key")).status().code(), StatusCode::kNotFound);
}

// Test that a key made by `openssl genpkey -algorithm ed25519` (PKCS #8 PEM) loads.
TEST_F(KeyFileTest, LoadsAKeyInOpenSslsOwnFormat) {
  const std::string path = PathOf("openssl.key");
  const std::string command = "openssl genpkey -algorithm ed25519 -out '" + path + "' 2>/dev/null";
  if (std::system(command.c_str()) != 0) GTEST_SKIP() << "openssl command not available";
  ASSERT_EQ(::chmod(path.c_str(), 0600), 0);
  EXPECT_TRUE(LoadSigningKey(path).ok());
}

// Test the auditor's recipe of docs/AUDIT.md: openssl alone verifies a checkpoint's signature over
// the documented message.
TEST_F(KeyFileTest, OpenSslVerifiesACheckpointSignature) {
  auto key = GenerateSigningKey(PathOf("checkpoint.key"));
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(WriteVerifyingKey(PathOf("checkpoint.pub"), key->verifying_key()).ok());
  auto checkpoint = SignCheckpoint(*key, "default", kHead, kTime);
  std::string signature;
  ASSERT_TRUE(HexDecode(checkpoint->signature, &signature));
  std::ofstream(PathOf("msg"), std::ios::binary) << CheckpointMessage(
      checkpoint->tenant, checkpoint->seq, checkpoint->head_hash, checkpoint->time_ms);
  std::ofstream(PathOf("sig"), std::ios::binary) << signature;
  const std::string verify = "openssl pkeyutl -verify -pubin -inkey '" + PathOf("checkpoint.pub") +
                             "' -rawin -in '" + PathOf("msg") + "' -sigfile '" + PathOf("sig") +
                             "' >/dev/null 2>&1";
  if (std::system("openssl version >/dev/null 2>&1") != 0) GTEST_SKIP() << "no openssl command";
  EXPECT_EQ(std::system(verify.c_str()), 0);
  std::ofstream(PathOf("msg"), std::ios::binary) << "drawbridge-checkpoint/1\ntampered\n";
  EXPECT_NE(std::system(verify.c_str()), 0);
}

}  // namespace
}  // namespace drawbridge::audit
