#include <openssl/evp.h>

#include <string>

#include "classify/common/sha256.h"
#include "core/hex.h"
#include "drawbridge/classify.h"

namespace drawbridge::classify {

std::string DigestHex(const Digest& digest) {
  return core::DigestToHex(digest);
}

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr);
}
Sha256::~Sha256() {
  EVP_MD_CTX_free(ctx_);
}

Sha256& Sha256::Update(std::string_view bytes) {
  EVP_DigestUpdate(ctx_, bytes.data(), bytes.size());
  return *this;
}

Sha256& Sha256::UpdateField(std::string_view bytes) {
  // Length-prefixed so that ("ab","c") and ("a","bc") hash differently.
  uint64_t n = bytes.size();
  unsigned char len[8];
  for (int i = 0; i < 8; ++i) len[i] = static_cast<unsigned char>(n >> (8 * i));
  EVP_DigestUpdate(ctx_, len, sizeof len);
  return Update(bytes);
}

Digest Sha256::Finish() {
  Digest out{};
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx_, out.data(), &n);
  return out;
}

}  // namespace drawbridge::classify
