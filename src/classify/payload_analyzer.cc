#include "classify/payload_analyzer.h"

#include "classify/common/sha256.h"
#include "drawbridge/classify.h"

namespace drawbridge::classify {

PayloadAnalysis ClassifierAnalyzer::Analyze(const Payload& payload) const {
  Classification c;
  switch (payload.kind) {
    case Payload::Kind::kNone: return {};
    case Payload::Kind::kSql: c = ClassifySql(payload.text); break;
    case Payload::Kind::kShell: c = ClassifyShell(payload.text); break;
    case Payload::Kind::kArgv:
      if (payload.argv == nullptr || payload.argv->empty()) {
        return {FactSet{Fact::kUnparseable}, "empty argv"};
      }
      c = ClassifyArgv(*payload.argv);
      break;
    case Payload::Kind::kHttp: c = ClassifyHttp(payload.http_method, payload.http_path); break;
  }
  return {c.facts, std::move(c.error)};
}

bool ClassifierAnalyzer::Fingerprint(const CheckRequest& request, std::string_view guardrail,
                                     Digest& out) const {
  const Payload& p = request.payload;
  Digest payload_digest{};
  std::string_view kind;
  switch (p.kind) {
    case Payload::Kind::kNone: kind = "none"; break;
    case Payload::Kind::kSql: {
      kind = "sql";
      SqlSession session{std::string(p.database), std::string(p.role), std::string(p.search_path)};
      if (!FingerprintSql(p.text, session, payload_digest)) return false;
      break;
    }
    case Payload::Kind::kShell: {
      // A command line is bound as its exact text: what was approved is what runs.
      kind = "shell";
      Sha256 sha;
      sha.UpdateField("shell/1").UpdateField(p.text);
      payload_digest = sha.Finish();
      break;
    }
    case Payload::Kind::kArgv:
      if (p.argv == nullptr || p.argv->empty()) return false;
      kind = "argv";
      payload_digest = FingerprintArgv(p.resolved_program, *p.argv);
      break;
    case Payload::Kind::kHttp:
      kind = "http";
      payload_digest = FingerprintHttp(p.http_method, p.http_path);
      break;
  }
  Sha256 sha;
  sha.UpdateField("action/2")
      .UpdateField(guardrail)
      .UpdateField(request.principal)
      .UpdateField(request.action)
      .UpdateField(request.resource)
      .UpdateField(kind)
      .UpdateField(std::string_view(reinterpret_cast<const char*>(payload_digest.data()),
                                    payload_digest.size()));
  out = sha.Finish();
  return true;
}

}  // namespace drawbridge::classify
