// Helpers shared by the service's own .cc files; not part of its interface.
#pragma once

#include <string>

#include "drawbridge/model.h"
#include "drawbridge/status.h"
#include "service/jit_service.h"

namespace drawbridge::service {

// A request or grant of `tenant`, read through `reader` (the Store, or a write transaction to
// see its own writes); kNotFound when there is none.
template <typename Reader>
StatusOr<Request> LoadRequest(Reader& reader, const std::string& tenant, const std::string& id) {
  auto r = reader.GetRequest(tenant, id);
  if (!r.ok()) return r.status();
  if (!r->has_value()) return NotFound("no request '" + id + "'");
  return std::move(**r);
}

template <typename Reader>
StatusOr<Grant> LoadGrant(Reader& reader, const std::string& tenant, const std::string& id) {
  auto g = reader.GetGrant(tenant, id);
  if (!g.ok()) return g.status();
  if (!g->has_value()) return NotFound("no grant '" + id + "'");
  return std::move(**g);
}

// A decision whose audit record could not be written is a deny.
void FailClosed(CheckOutcome& out, const Status& why);

}  // namespace drawbridge::service
