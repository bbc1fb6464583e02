// ClassifierAnalyzer: the PayloadAnalyzer port implemented with the SQL, shell and HTTP
// classifiers. Stateless; safe to share between threads.
#pragma once

#include "drawbridge/payload_analyzer.h"

namespace drawbridge::classify {

class ClassifierAnalyzer final : public PayloadAnalyzer {
 public:
  PayloadAnalysis Analyze(const Payload& payload) const override;
  bool Fingerprint(const CheckRequest& request, std::string_view guardrail,
                   Digest& out) const override;
};

}  // namespace drawbridge::classify
