// JitService::ReplacePolicy: a policy reload, recorded in the audit chain before it takes effect.
#include "service/jit_service.h"

namespace drawbridge::service {

Status JitService::ReplacePolicy(std::shared_ptr<const core::CompiledPolicy> policy,
                                 const std::string& actor, const std::string& source) {
  if (!policy) return InvalidArgument("no policy to put in force");
  std::lock_guard lock(write_mu_);
  const auto old = decider();
  const int64_t now_ms = clock_.NowMillis();
  workflow::EventDraft event = workflow::MakeEvent("policy.changed", actor, source);
  event.notify = true;
  // A service opens with its first policy already in force, before anything is on record: a
  // server start then records that same policy, and no earlier one is known to name.
  const bool recording_the_opening_policy =
      !policy_recorded_ && old->policy->version == policy->version;
  if (!recording_the_opening_policy) event.Add("old_version", old->policy->version);
  event.Add("version", policy->version).Add("source", source);
  DB_ASSIGN_OR_RETURN(auto tx, store_.Begin());
  DB_RETURN_IF_ERROR(AppendEvents(*tx, std::span(&event, 1), now_ms));
  DB_RETURN_IF_ERROR(tx->Commit());
  policy_recorded_ = true;
  decider_.Publish(MakeDecider(std::move(policy)));
  return Status::Ok();
}

}  // namespace drawbridge::service
