// FingerprintSql: SHA-256 over the canonical parse tree (constants kept, positions dropped), the
// integer literals as written, and the session the statement runs in.
#include <string>

#include "classify/common/sha256.h"
#include "classify/sql/canonical_tree.h"
#include "classify/sql/integer_tokens.h"
#include "classify/sql/parse_tree.h"
#include "drawbridge/classify.h"

namespace drawbridge::classify {
namespace {

// Versions the byte layout below: a change to it must not let an old approval match.
constexpr std::string_view kFingerprintDomain = "drawbridge.sql.fingerprint.v1";

}  // namespace

bool FingerprintSql(std::string_view sql, const SqlSession& session, Digest& out) {
  sql::ParseTree tree;
  if (!tree.Parse(sql).ok()) return false;

  std::string canonical;
  canonical.reserve(sql.size() * 4);
  sql::AppendCanonicalTree(tree.statements(), canonical);

  std::string integers;
  const std::string terminated(sql);
  if (!sql::AppendIntegerTokens(terminated.c_str(), integers)) return false;

  Sha256 hash;
  hash.UpdateField(kFingerprintDomain)
      .UpdateField(canonical)
      .UpdateField(integers)
      .UpdateField(session.database)
      .UpdateField(session.role)
      .UpdateField(session.search_path);
  out = hash.Finish();
  return true;
}

}  // namespace drawbridge::classify
