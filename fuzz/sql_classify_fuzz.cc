// Fuzzes the SQL classifier and fingerprint with arbitrary bytes. Besides not crashing, the two
// must agree: text that classifies without error has a fingerprint, text that does not parse is
// exactly kUnparseable and has none.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "drawbridge/classify.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using drawbridge::Fact;
  using drawbridge::FactSet;
  using namespace drawbridge::classify;

  // An owned copy: the library must not rely on the caller's buffer being NUL-terminated.
  const std::string sql(reinterpret_cast<const char*>(data), size);
  Classification result = ClassifySql(sql);

  Digest digest{};
  const SqlSession session{.database = "db", .role = "role", .search_path = "public"};
  bool fingerprinted = FingerprintSql(sql, session, digest);

  if (result.error.empty()) {
    if (!fingerprinted || result.facts.Has(Fact::kUnparseable)) std::abort();
  } else {
    if (fingerprinted || result.facts != FactSet{Fact::kUnparseable}) std::abort();
  }
  return 0;
}
