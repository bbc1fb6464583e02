#include "cli/local.h"

#include <boost/json.hpp>

#include "cli/commands.h"
#include "cli/io.h"
#include "core/time_format.h"
#include "policy/compiler.h"
#include "store/sqlite/sqlite_store.h"

namespace drawbridge::cli {

StatusOr<std::unique_ptr<LocalSession>> LocalSession::Open(const GlobalOptions& options) {
  if (options.db.empty()) {
    return InvalidArgument("no database: give --db FILE (or set DRAWBRIDGE_DB)");
  }
  if (options.policy.empty()) {
    return InvalidArgument("no policy: give --policy PATH (or set DRAWBRIDGE_POLICY)");
  }
  auto policy = policy::LoadAndCompile(options.policy);
  if (!policy.ok()) return policy.status();
  auto store = SqliteStore::Open({.path = options.db});
  if (!store.ok()) return store.status().WithContext("opening " + options.db);
  std::unique_ptr<LocalSession> session(new LocalSession());
  session->store_ = std::move(store).value();
  auto service = service::JitService::Open(*policy, *session->store_, session->clock_,
                                           session->ids_, session->analyzer_);
  if (!service.ok()) return service.status();
  session->service_ = std::move(service).value();
  return session;
}

namespace {

boost::json::array Strings(const std::vector<std::string>& v) {
  boost::json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

boost::json::object ScopeToJson(const Scope& s) {
  if (!s.resource.empty()) return {{"resource", s.resource}};
  boost::json::object sel;
  for (const auto& [k, v] : s.selector) sel[k] = v;
  return {{"selector", std::move(sel)}};
}

boost::json::value Time(int64_t t) {
  return t == 0 ? boost::json::value(nullptr) : boost::json::value(core::FormatRfc3339(t));
}

}  // namespace

boost::json::object RequestToJson(const Request& r) {
  boost::json::object o{
      {"id", r.id},
      {"kind", RequestKindName(r.kind)},
      {"state", RequestStateName(r.state)},
      {"requester", r.requester},
      {"reason", r.reason},
      {"ticket", r.ticket},
      {"rule", r.rule},
      {"break_glass", r.break_glass},
      {"created_at", Time(r.created_at)},
      {"pending_expires_at", Time(r.pending_expires_at)},
      {"grant", r.grant_id.empty() ? boost::json::value(nullptr) : boost::json::value(r.grant_id)}};
  if (r.kind == RequestKind::kAccess) {
    o["roles"] = Strings(r.roles);
    o["actions"] = Strings(r.actions);
    o["scope"] = ScopeToJson(r.scope);
    o["duration_seconds"] = r.duration_seconds;
    o["not_before"] = Time(r.not_before);
  } else {
    o["action"] = r.action;
    o["resource"] = r.resource;
    o["payload_kind"] = r.payload_kind;
    o["payload"] = r.payload;
    o["facts"] = Strings(r.facts);
    o["fingerprint"] = r.fingerprint;
    o["uses"] = r.uses;
  }
  boost::json::array reviews;
  for (const Review& rv : r.reviews) {
    reviews.push_back(boost::json::object{{"reviewer", rv.reviewer},
                                          {"approve", rv.approve},
                                          {"comment", rv.comment},
                                          {"at", Time(rv.at)},
                                          {"self_review", rv.self_review}});
  }
  o["reviews"] = std::move(reviews);
  return o;
}

boost::json::object GrantToJson(const Grant& g) {
  boost::json::object o{{"id", g.id},
                        {"request", g.request_id},
                        {"principal", g.principal},
                        {"kind", RequestKindName(g.kind)},
                        {"state", GrantStateName(g.state)},
                        {"not_before", Time(g.not_before)},
                        {"expires_at", Time(g.expires_at)},
                        {"uses_left", g.uses_left},
                        {"break_glass", g.break_glass}};
  if (g.kind == RequestKind::kAccess) {
    o["actions"] = Strings(g.actions);
    o["scope"] = ScopeToJson(g.scope);
  } else {
    o["fingerprint"] = g.fingerprint;
  }
  return o;
}

int Fail(const Status& status) {
  PrintError(status.message());
  return kExitFailure;
}

}  // namespace drawbridge::cli
