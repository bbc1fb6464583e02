#include "audit/signing_key.h"

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "audit/digest.h"

namespace drawbridge::audit {
namespace {

constexpr std::size_t kRawPublicKeySize = 32;
constexpr std::size_t kSignatureSize = 64;

using PkeyPtr = std::shared_ptr<EVP_PKEY>;
using BioPtr = std::unique_ptr<BIO, decltype(&BIO_free)>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

PkeyPtr Own(EVP_PKEY* key) {
  return PkeyPtr(key, EVP_PKEY_free);
}

// The most recent OpenSSL error as text, clearing the queue so it does not leak into later calls.
std::string OpenSslError() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char buffer[256];
  ERR_error_string_n(code, buffer, sizeof(buffer));
  return buffer;
}

bool IsEd25519(EVP_PKEY* key) {
  return EVP_PKEY_get_base_id(key) == EVP_PKEY_ED25519;
}

StatusOr<std::string> RawPublicKey(EVP_PKEY* key) {
  unsigned char raw[kRawPublicKeySize];
  std::size_t length = sizeof(raw);
  if (EVP_PKEY_get_raw_public_key(key, raw, &length) != 1 || length != kRawPublicKeySize) {
    return InvalidArgument("cannot read the Ed25519 public key: " + OpenSslError());
  }
  return std::string(reinterpret_cast<const char*>(raw), length);
}

std::string BioContents(BIO* bio) {
  char* data = nullptr;
  long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(length));
}

}  // namespace

std::string KeyIdForRawPublicKey(std::string_view raw) {
  return HexEncode(Sha256(raw)).substr(0, 16);
}

VerifyingKey::VerifyingKey(std::shared_ptr<evp_pkey_st> key) : key_(std::move(key)) {}

StatusOr<VerifyingKey> VerifyingKey::FromRaw(std::string_view raw) {
  if (raw.size() != kRawPublicKeySize) {
    return InvalidArgument("an Ed25519 public key is 32 bytes, not " + std::to_string(raw.size()));
  }
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(raw.data()), raw.size());
  if (key == nullptr) return InvalidArgument("bad Ed25519 public key: " + OpenSslError());
  VerifyingKey out(Own(key));
  out.raw_ = std::string(raw);
  out.key_id_ = KeyIdForRawPublicKey(raw);
  return out;
}

StatusOr<VerifyingKey> VerifyingKey::FromPem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  if (!bio) return Internal("cannot allocate an OpenSSL buffer");
  EVP_PKEY* key = PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr);
  if (key == nullptr) return InvalidArgument("not a PEM public key: " + OpenSslError());
  PkeyPtr owned = Own(key);
  if (!IsEd25519(key)) return InvalidArgument("the public key is not an Ed25519 key");
  DB_ASSIGN_OR_RETURN(std::string raw, RawPublicKey(key));
  VerifyingKey out(std::move(owned));
  out.key_id_ = KeyIdForRawPublicKey(raw);
  out.raw_ = std::move(raw);
  return out;
}

std::string VerifyingKey::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) return {};
  return BioContents(bio.get());
}

bool VerifyingKey::Verify(std::string_view message, std::string_view signature) const {
  if (signature.size() != kSignatureSize) return false;
  MdCtxPtr ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1) {
    ERR_clear_error();
    return false;
  }
  const int result = EVP_DigestVerify(
      ctx.get(), reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
      reinterpret_cast<const unsigned char*>(message.data()), message.size());
  ERR_clear_error();
  return result == 1;
}

StatusOr<SigningKey> SigningKey::Wrap(std::shared_ptr<evp_pkey_st> key) {
  if (!IsEd25519(key.get())) return InvalidArgument("the private key is not an Ed25519 key");
  DB_ASSIGN_OR_RETURN(std::string raw, RawPublicKey(key.get()));
  DB_ASSIGN_OR_RETURN(VerifyingKey verifying_key, VerifyingKey::FromRaw(raw));
  return SigningKey(std::move(key), std::move(verifying_key));
}

StatusOr<SigningKey> SigningKey::Generate() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  if (key == nullptr) return Internal("cannot generate an Ed25519 key: " + OpenSslError());
  return Wrap(Own(key));
}

StatusOr<SigningKey> SigningKey::FromPem(std::string_view pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  if (!bio) return Internal("cannot allocate an OpenSSL buffer");
  // A null password callback with an empty password makes an encrypted key fail instead of
  // prompting on the terminal.
  char empty_password[] = "";
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, empty_password);
  if (key == nullptr) {
    return InvalidArgument("not an unencrypted PEM private key: " + OpenSslError());
  }
  return Wrap(Own(key));
}

std::string SigningKey::ToPem() const {
  BioPtr bio(BIO_new(BIO_s_mem()), BIO_free);
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return {};
  }
  std::string pem = BioContents(bio.get());
  // The memory BIO held the secret; wipe it before it is freed.
  char* data = nullptr;
  long length = BIO_get_mem_data(bio.get(), &data);
  if (data != nullptr && length > 0) OPENSSL_cleanse(data, static_cast<std::size_t>(length));
  return pem;
}

StatusOr<std::string> SigningKey::Sign(std::string_view message) const {
  MdCtxPtr ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key_.get()) != 1) {
    return Internal("cannot start an Ed25519 signature: " + OpenSslError());
  }
  unsigned char signature[kSignatureSize];
  std::size_t length = sizeof(signature);
  if (EVP_DigestSign(ctx.get(), signature, &length,
                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) != 1 ||
      length != kSignatureSize) {
    return Internal("cannot sign with the Ed25519 key: " + OpenSslError());
  }
  return std::string(reinterpret_cast<const char*>(signature), length);
}

}  // namespace drawbridge::audit
