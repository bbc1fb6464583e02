// Reads one grant of the jit-workload/1 peer benchmark (a line of g<scale>/grants.ndjson) into a
// Drawbridge grant record: core::GrantSpec for the in-memory index (peer_runner) or the store's
// Grant row (seed_grants, the HTTP benchmark). The principal gets the "user:" prefix that
// bench/peer/convert.mjs gives every principal of the translated policy. Header-only.
#pragma once

#include <boost/json.hpp>
#include <string>

namespace drawbridge::bench {

// `Record` has id, principal, actions, scope.{resource, selector}, not_before and expires_at.
template <typename Record>
void ReadWorkloadGrant(const boost::json::object& o, Record& g) {
  g.id = std::string(o.at("id").as_string());
  g.principal = "user:" + std::string(o.at("principal").as_string());
  g.actions.clear();
  for (const auto& a : o.at("actions").as_array()) g.actions.emplace_back(a.as_string());
  const auto& scope = o.at("scope").as_object();
  g.scope.resource.clear();
  g.scope.selector.clear();
  if (const auto* r = scope.if_contains("resource")) {
    g.scope.resource = std::string(r->as_string());
  } else {
    for (const auto& [k, v] : scope.at("selector").as_object()) {
      g.scope.selector.emplace_back(std::string(k), std::string(v.as_string()));
    }
  }
  g.not_before = o.at("not_before").as_int64();
  g.expires_at = o.at("expires_at").as_int64();
}

}  // namespace drawbridge::bench
