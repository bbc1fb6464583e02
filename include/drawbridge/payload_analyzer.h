// Port: how the decision engine learns what a payload does and what exactly it is.
//
// The engine (pure core) depends on this interface only; the classifier layer implements it with
// libpg_query and the shell tokenizer. Implementations must be safe to call concurrently.
#pragma once

#include "drawbridge/decision.h"
#include "drawbridge/facts.h"

namespace drawbridge {

struct PayloadAnalysis {
  FactSet facts;
  std::string error;  // why the payload could not be parsed; facts then include kUnparseable
};

class PayloadAnalyzer {
 public:
  virtual ~PayloadAnalyzer() = default;

  // Facts of the payload. A payload of Kind::kNone has no facts.
  virtual PayloadAnalysis Analyze(const Payload& payload) const = 0;

  // Binds an approval to exactly this action: principal, action, resource and the payload with
  // its literals, and to the guardrail that asked for it: an approval given under one rule (its
  // approvers, its minimum) never meets another, whatever context the requester described.
  // Returns false when the payload cannot be fingerprinted (unparseable SQL).
  virtual bool Fingerprint(const CheckRequest& request, std::string_view guardrail,
                           Digest& out) const = 0;
};

}  // namespace drawbridge
