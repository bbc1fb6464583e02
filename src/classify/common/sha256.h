// Incremental SHA-256 (OpenSSL EVP) for fingerprints. Not thread-safe; one object per digest.
#pragma once

#include <string_view>

#include "drawbridge/classify.h"

struct evp_md_ctx_st;

namespace drawbridge::classify {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  Sha256& Update(std::string_view bytes);
  // Hashes the length, then the bytes: a sequence of fields has exactly one encoding.
  Sha256& UpdateField(std::string_view bytes);
  Digest Finish();

 private:
  evp_md_ctx_st* ctx_;
};

}  // namespace drawbridge::classify
