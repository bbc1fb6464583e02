// Ed25519 keys for signing audit checkpoints (OpenSSL 3).
//
// SigningKey holds a private key; VerifyingKey the matching public key that auditors get. A key's
// id is the first 16 hex digits of SHA-256 of its raw 32-byte public key, so checkpoints can say
// which key signed them. Keys are immutable after creation; their const methods are thread-safe
// (each call uses its own OpenSSL context). No file I/O here: see audit/key_file.h.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "drawbridge/status.h"

struct evp_pkey_st;

namespace drawbridge::audit {

class VerifyingKey {
 public:
  // From a "BEGIN PUBLIC KEY" PEM (SubjectPublicKeyInfo), as VerifyingKey::ToPem writes.
  static StatusOr<VerifyingKey> FromPem(std::string_view pem);
  // From the raw 32-byte public key.
  static StatusOr<VerifyingKey> FromRaw(std::string_view raw);

  std::string ToPem() const;
  const std::string& raw() const { return raw_; }
  const std::string& key_id() const { return key_id_; }

  // True when `signature` (64 raw bytes) is this key's Ed25519 signature of `message`.
  bool Verify(std::string_view message, std::string_view signature) const;

 private:
  explicit VerifyingKey(std::shared_ptr<evp_pkey_st> key);

  std::shared_ptr<evp_pkey_st> key_;
  std::string raw_;
  std::string key_id_;
};

class SigningKey {
 public:
  // A fresh key from the operating system's random source.
  static StatusOr<SigningKey> Generate();
  // From an unencrypted "BEGIN PRIVATE KEY" PEM (PKCS #8), as ToPem or `openssl genpkey
  // -algorithm ed25519` write. Any other key type is refused.
  static StatusOr<SigningKey> FromPem(std::string_view pem);

  // PKCS #8 PEM. Secret: the caller must store it with owner-only permissions.
  std::string ToPem() const;
  const VerifyingKey& verifying_key() const { return verifying_key_; }
  const std::string& key_id() const { return verifying_key_.key_id(); }

  // The 64-byte Ed25519 signature of `message`.
  StatusOr<std::string> Sign(std::string_view message) const;

 private:
  static StatusOr<SigningKey> Wrap(std::shared_ptr<evp_pkey_st> key);
  SigningKey(std::shared_ptr<evp_pkey_st> key, VerifyingKey verifying_key)
      : key_(std::move(key)), verifying_key_(std::move(verifying_key)) {}

  std::shared_ptr<evp_pkey_st> key_;
  VerifyingKey verifying_key_;
};

// First 16 lowercase hex digits of SHA-256(raw public key).
std::string KeyIdForRawPublicKey(std::string_view raw);

}  // namespace drawbridge::audit
