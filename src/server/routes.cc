// ApiServer: authentication, routing and the endpoints of docs/API.md.
#include <pthread.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>
#include <charconv>
#include <filesystem>
#include <limits>

#include "api/check_input.h"
#include "api/json_body.h"
#include "api/wire.h"
#include "audit/export.h"
#include "audit/time_format.h"
#include "audit/verify.h"
#include "core/time_format.h"
#include "notify/delivery_metrics.h"
#include "notify/http_post.h"
#include "policy/durations.h"
#include "policy/redact_urls.h"
#include "server/api_server.h"
#include "server/call.h"
#include "server/log.h"
#include "server/route_table.h"
#include "service/audit_records.h"

namespace drawbridge::server {

namespace net = boost::asio;
namespace json = boost::json;
using Clock = std::chrono::steady_clock;

namespace {

// The blocking pool's threads are Asio's own: each names itself on its first task, so that
// `top -H` and profiles tell them from the I/O and writer threads.
void NameBlockingThread() {
  thread_local const bool named = [] {
    pthread_setname_np(pthread_self(), "db-blocking");
    return true;
  }();
  (void)named;
}

bool IsJson(const HttpRequest& req) {
  return ParseMediaType(req[http::field::content_type]).essence == "application/json";
}

bool IsYaml(const HttpRequest& req) {
  const std::string type = ParseMediaType(req[http::field::content_type]).essence;
  return type == "application/yaml" || type == "text/yaml" || type == "application/x-yaml";
}

// A body in a character set other than UTF-8: JSON and YAML bodies are read as UTF-8 only.
bool HasForeignCharset(const HttpRequest& req) {
  const MediaType type = ParseMediaType(req[http::field::content_type]);
  return !type.charset.empty() && type.charset != "utf-8";
}

HttpResponse UnsupportedCharset() {
  return ErrorResponse(http::status::unsupported_media_type, "unsupported_media_type",
                       "send the body in UTF-8 (charset=utf-8, or no charset)");
}

// The body as a JSON object, or a 400 response.
// `storage` holds the parsed tree (a per-request arena on the check path).
std::optional<HttpResponse> ParseBody(const HttpRequest& req, json::value& out,
                                      bool empty_is_object = false,
                                      json::storage_ptr storage = {}) {
  if (req.body().empty() && empty_is_object) {
    out = json::object();
    return std::nullopt;
  }
  boost::system::error_code ec;
  out = json::parse(req.body(), ec, std::move(storage));
  if (ec) {
    return ErrorResponse(http::status::bad_request, "invalid_argument",
                         "the body is not valid JSON: " + ec.message());
  }
  if (!out.is_object()) {
    return ErrorResponse(http::status::bad_request, "invalid_argument",
                         "the body must be a JSON object");
  }
  // The parser keeps the last of two equal keys; a body must mean one thing to every reader.
  if (auto key = api::FindDuplicateKey(req.body())) {
    return ErrorResponse(http::status::bad_request, "invalid_argument",
                         "the body has the key '" + *key + "' more than once");
  }
  return std::nullopt;
}

// A whole non-negative decimal number, or nothing.
std::optional<size_t> ParseCount(const std::string& text) {
  size_t value = 0;
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || p != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<size_t> ParseLimit(const Call& call, size_t fallback, size_t max) {
  const std::string* text = call.Query("limit");
  if (text == nullptr) return fallback;
  std::optional<size_t> value = ParseCount(*text);
  if (!value || *value == 0) return std::nullopt;
  return std::min(*value, max);
}

// A flag in the query: absent is false; `key`, `key=1` and `key=true` are true; anything else
// is nothing (a 400), so that `mine=0` never silently lists everyone's.
std::optional<bool> QueryFlag(const Call& call, std::string_view key) {
  const std::string* v = call.Query(key);
  if (v == nullptr) return false;
  if (v->empty() || *v == "1" || *v == "true") return true;
  return std::nullopt;
}

HttpResponse BadFlag(std::string_view key) {
  return ErrorResponse(http::status::bad_request, "invalid_argument",
                       std::string(key) + " takes no value, 1 or true (e.g. ?" + std::string(key) +
                           "=1); leave it out for everyone's");
}

HttpResponse Forbidden(std::string_view message) {
  return ErrorResponse(http::status::forbidden, "permission_denied", message);
}

HttpResponse BadRequest(std::string_view message) {
  return ErrorResponse(http::status::bad_request, "invalid_argument", message);
}

// The rule label of a decision metric. Grant ids are left out: one series per grant would grow
// without bound.
std::string_view FirstRule(const core::Explanation& e) {
  if (e.rules.empty()) return "none";
  std::string_view rule = e.rules.front();
  return rule.rfind("grant:", 0) == 0 ? std::string_view("grant") : rule;
}

// 400 naming the first query parameter `route` does not read for `method`, and those it does.
std::optional<HttpResponse> UnknownQueryParameter(const Call& call, const ApiRoute& route,
                                                  http::verb method) {
  if (call.query.empty()) return std::nullopt;
  const bool get = method == http::verb::get || method == http::verb::head;
  const std::vector<std::string_view> none;
  const std::vector<std::string_view>& known = get ? route.get_query : none;
  for (const auto& [key, value] : call.query) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string takes;
    for (std::string_view k : known) takes += (takes.empty() ? "" : ", ") + std::string(k);
    return BadRequest("unknown query parameter '" + key.substr(0, 64) +
                      "': " + std::string(get ? "GET" : std::string_view(http::to_string(method))) +
                      " " + std::string(route.path) +
                      (takes.empty() ? " takes none" : " takes " + takes));
  }
  return std::nullopt;
}

// 404; a path that only a trailing slash keeps from a route is pointed at that route.
HttpResponse NoSuchEndpoint(std::string_view path) {
  std::string message = "no such endpoint: " + std::string(path);
  std::string_view trimmed = path;
  while (trimmed.size() > 1 && trimmed.back() == '/') trimmed.remove_suffix(1);
  std::vector<std::string> ignored;
  if (trimmed.size() < path.size() &&
      (MatchHealthRoute(trimmed) != nullptr || MatchApiRoute(trimmed, ignored) != nullptr)) {
    message += " (did you mean " + std::string(trimmed) + "?)";
  } else {
    message += " (see docs/API.md)";
  }
  return ErrorResponse(http::status::not_found, "not_found", message);
}

// The method as metrics and logs may show it: a standard name, or "other". A method the caller
// made up is not echoed: it could be anything, a token included, and each new one would be a new
// metric series.
std::string_view MethodLabel(const HttpRequest& req) {
  if (req.method() == http::verb::unknown) return "other";
  const auto name = http::to_string(req.method());
  return {name.data(), name.size()};
}

// 405 with the Allow header RFC 9110 §15.5.6 requires: the methods the path takes.
HttpResponse MethodNotAllowed(const HttpRequest& req, const ApiRoute& route) {
  std::string allow;
  for (http::verb method : route.methods) {
    if (!allow.empty()) allow += ", ";
    allow += std::string(http::to_string(method));
    if (method == http::verb::get) allow += ", HEAD";
  }
  HttpResponse r = ErrorResponse(http::status::method_not_allowed, "method_not_allowed",
                                 std::string(MethodLabel(req)) + " is not allowed on " +
                                     std::string(route.path) + " (it takes " + allow + ")");
  r.set(http::field::allow, allow);
  return r;
}

}  // namespace

// --- dispatch -------------------------------------------------------------------------------

void ApiServer::Handle(std::shared_ptr<Exchange> exchange) {
  auto call = std::make_shared<Call>();
  call->in_flight_stripe = in_flight_.Enter();
  call->exchange = std::move(exchange);
  HttpRequest& req = call->request();
  if (Status target = ParseTarget(req.target(), call->path, call->query); !target.ok()) {
    return Finish(call, BadRequest(target.message()));
  }
  const std::string& path = call->path;
  if (const ApiRoute* health = MatchHealthRoute(path)) {
    call->route = health->path;
    if (!health->Allows(req.method())) return Finish(call, MethodNotAllowed(req, *health));
    if (path == "/healthz") {
      return Finish(call, JsonResponse(http::status::ok, json::object{{"status", "ok"}}));
    }
    if (path == "/readyz") return Finish(call, Ready());
    if (!MetricsCallerAllowed(req[http::field::authorization])) {
      HttpResponse refused =
          ErrorResponse(http::status::unauthorized, "unauthenticated",
                        "/metrics needs the bearer token of the server's metrics_token_file");
      refused.set(http::field::www_authenticate, "Bearer realm=\"drawbridge-metrics\"");
      return Finish(call, std::move(refused));
    }
    return Blocking(call, [this] { return RenderMetrics(); });
  }
  if (path.rfind("/v1/", 0) != 0) return Finish(call, NoSuchEndpoint(path));
  // Matched before authentication so that refusals (401, 403, 429) are counted by route; an
  // unknown path is still answered 404 only to an authenticated caller.
  const ApiRoute* route = MatchApiRoute(path, call->params);
  if (route != nullptr) call->route = route->path;
  auto caller = tokens_.Authenticate(req[http::field::authorization], clock_.NowSeconds());
  if (!caller.ok()) return Finish(call, StatusResponse(caller.status()));
  call->caller = std::move(caller).value();
  call->tenant = FindTenant(call->caller.tenant);
  if (call->tenant == nullptr) {
    return Finish(call, Forbidden("this server does not serve the token's tenant '" +
                                  call->caller.tenant + "'"));
  }
  const bool is_check = req.method() == http::verb::post && path == "/v1/check";
  RateLimiter& limiter = !is_check                               ? request_limiter_
                         : call->caller.role == TokenRole::kUser ? user_check_limiter_
                                                                 : check_limiter_;
  int retry_after = 1;
  // Checks are usually unlimited: no key is built for a limiter that is off.
  if (limiter.enabled() && !limiter.Allow(call->caller.tenant + '\n' + call->caller.principal,
                                          clock_.NowMillis(), &retry_after)) {
    metrics_.RecordRateLimited();
    HttpResponse r = ErrorResponse(http::status::too_many_requests, "resource_exhausted",
                                   "too many requests from " + call->caller.principal +
                                       "; retry in " + std::to_string(retry_after) + "s");
    r.set(http::field::retry_after, std::to_string(retry_after));
    return Finish(call, std::move(r));
  }
  Route(call, route);
}

void ApiServer::Route(const std::shared_ptr<Call>& call, const ApiRoute* route) {
  const http::verb method = call->request().method();
  if (route == nullptr) return Finish(call, NoSuchEndpoint(call->path));
  if (!route->Allows(method)) return Finish(call, MethodNotAllowed(call->request(), *route));
  if (auto unknown = UnknownQueryParameter(*call, *route, method)) {
    return Finish(call, std::move(*unknown));
  }
  const HttpRequest& req = call->request();
  const bool has_body = method == http::verb::post || method == http::verb::put;
  // PUT /v1/policy also takes YAML: it checks its media type itself, after its caller's role.
  const bool policy_put = method == http::verb::put && route->path == "/v1/policy";
  if (has_body && !req.body().empty() && !policy_put) {
    if (!IsJson(req)) {
      return Finish(call,
                    ErrorResponse(http::status::unsupported_media_type, "unsupported_media_type",
                                  "send the body as Content-Type: application/json"));
    }
    if (HasForeignCharset(req)) return Finish(call, UnsupportedCharset());
  }
  auto blocking = [&](HttpResponse (ApiServer::*fn)(Call&)) {
    Blocking(call, [this, call, fn] { return (this->*fn)(*call); });
  };
  const std::string_view path = route->path;
  // HEAD takes GET's handler; the session sends its headers without the body.
  const bool get = method == http::verb::get || method == http::verb::head;
  const bool post = method == http::verb::post;
  if (path == "/v1/check") return PostCheck(call);
  if (path == "/v1/requests") {
    return blocking(post ? &ApiServer::CreateRequest : &ApiServer::ListRequests);
  }
  if (path == "/v1/requests/{id}") return GetRequest(call);
  if (path == "/v1/requests/{id}/reviews") return blocking(&ApiServer::ReviewRequest);
  if (path == "/v1/requests/{id}/cancel") return blocking(&ApiServer::CancelRequest);
  if (path == "/v1/grants") return blocking(&ApiServer::ListGrants);
  if (path == "/v1/grants/{id}/revoke") return blocking(&ApiServer::RevokeGrant);
  if (path == "/v1/grants/{id}/release") return blocking(&ApiServer::ReleaseGrant);
  if (path == "/v1/audit") return blocking(&ApiServer::ReadAudit);
  if (path == "/v1/audit/verify") return blocking(&ApiServer::VerifyAudit);
  if (path == "/v1/policy") {
    if (get) return Finish(call, GetPolicy(*call));
    return blocking(&ApiServer::PutPolicy);
  }
  if (path == "/v1/whoami") return Finish(call, WhoAmI(*call));
  if (path == "/v1/tokens") {
    return blocking(post ? &ApiServer::CreateToken : &ApiServer::ListTokens);
  }
  if (path == "/v1/tokens/{id}/revoke") return blocking(&ApiServer::RevokeToken);
  Finish(call, ErrorResponse(http::status::internal_server_error, "internal",
                             "no handler for " + std::string(path)));
}

void ApiServer::Blocking(const std::shared_ptr<Call>& call, std::function<HttpResponse()> work) {
  net::post(blocking_, [this, call, work = std::move(work)] {
    NameBlockingThread();
    HttpResponse r;
    try {
      r = work();
    } catch (const std::exception& e) {
      Log(LogLevel::kError, "handler failed",
          {{"request_id", call->exchange->request_id},
           {"route", call->route},
           {"error", e.what()}});
      r = ErrorResponse(http::status::internal_server_error, "internal", "internal error");
    }
    Finish(call, std::move(r));
  });
}

void ApiServer::Finish(const std::shared_ptr<Call>& call, HttpResponse response) {
  if (call->responded) return;
  call->responded = true;
  Exchange& x = *call->exchange;
  response.set("X-Request-Id", x.request_id);
  const double seconds = std::chrono::duration<double>(Clock::now() - x.started).count();
  const int status = static_cast<int>(response.result_int());
  metrics_.RecordHttp(MethodLabel(x.request), call->route, status, seconds);
  // Checks come at line rate: logged only when they fail; everything else once per request.
  // Refused tokens and rate-limited calls come in floods: a bounded number a second, each line
  // saying how many were left out before it.
  uint64_t left_out = 0;
  const bool flood = status == 401 || status == 429;
  if ((call->route != "/v1/check" || status >= 400) &&
      (!flood || refusal_log_budget_.Take(clock_.NowSeconds(), left_out))) {
    json::object fields{{"request_id", x.request_id},
                        {"method", MethodLabel(x.request)},
                        {"route", call->route},
                        {"status", status},
                        {"us", static_cast<int64_t>(seconds * 1e6)},
                        {"peer", x.peer_ip}};
    if (left_out > 0) fields["left_out"] = left_out;
    if (!call->caller.token_id.empty()) {
      fields["principal"] = call->caller.principal;
      fields["tenant"] = call->caller.tenant;
      fields["token_id"] = call->caller.token_id;
    }
    // A 503 from /readyz is the server saying it is draining (or not ready yet), as planned.
    const bool failed = status >= 500 && call->route != "/readyz";
    Log(failed ? LogLevel::kError : LogLevel::kInfo, "http", std::move(fields));
  }
  // A long poll's place is free before its answer leaves: a client that asks again at once must
  // find it free.
  call->long_poll_slot.reset();
  x.respond(std::move(response));
  in_flight_.Leave(call->in_flight_stripe);
  if (draining_.load() && in_flight_.Total() == 0) {
    std::lock_guard lock(state_mu_);
    state_cv_.notify_all();
  }
}

// --- checks ---------------------------------------------------------------------------------

void ApiServer::PostCheck(const std::shared_ptr<Call>& call) {
  // The body's tree lives only until its fields are copied into `in`: an arena on the stack
  // spares an allocation per JSON node.
  unsigned char arena[4096];
  json::monotonic_resource resource(arena, sizeof(arena));
  // The value must share the arena: assigning a tree from other storage copies it node by node.
  json::value body(&resource);
  if (auto bad = ParseBody(call->request(), body, false, &resource)) {
    return Finish(call, std::move(*bad));
  }
  api::CheckInput in;
  if (Status s = api::ParseCheckJson(body, in); !s.ok())
    return Finish(call, BadRequest(s.message()));
  if (in.principal.empty()) in.principal = call->caller.principal;
  if (!auth::MayCheckFor(call->caller, in.principal)) {
    return Finish(call, Forbidden("a user token may only ask about its own principal (" +
                                  call->caller.principal +
                                  "); enforcement points use a checker "
                                  "token"));
  }
  // A user speaks only for itself: its group claims are the token's, its address is the
  // connection's, and it cannot assert MFA. Checker tokens (enforcement points) pass on what
  // their identity provider and network told them.
  if (call->caller.role == TokenRole::kUser) {
    in.groups = call->caller.groups;
    in.source_ip = call->exchange->peer_ip;
    in.mfa = false;
  }
  const auto started = Clock::now();
  std::string principal = in.principal;
  call->tenant->service->CheckAsync(
      in.View(),
      [this, call, started, principal = std::move(principal)](service::CheckOutcome out) mutable {
        auto answer = [this, call, started, principal = std::move(principal),
                       out = std::move(out)] {
          // Over the API an identifier past its cap is the caller's mistake (422); the deny the
          // service made of it is for callers in process.
          if (!out.refused.ok()) return Finish(call, StatusResponse(out.refused));
          const double seconds = std::chrono::duration<double>(Clock::now() - started).count();
          metrics_.RecordDecision(out.verdict.decision, FirstRule(out.explanation), seconds);
          unsigned char answer_arena[4096];
          json::monotonic_resource answer_resource(answer_arena, sizeof(answer_arena));
          json::object result = api::ExplanationToJson(out.explanation, &answer_resource);
          result["principal"] = principal;
          Finish(call, JsonResponse(http::status::ok, result));
        };
        // An audited decision arrives on the service's writer thread with the rest of its group
        // commit: the answer is built on the connection's own thread (the writer thread only
        // writes and commits), and the whole group reaches each I/O thread in one wake-up.
        Mailbox& mailbox = *call->exchange->mailbox;
        if (mailbox.OnItsThread()) return answer();
        mailbox.Deliver(std::move(answer));
      });
}

// --- requests -------------------------------------------------------------------------------

HttpResponse ApiServer::CreateRequest(Call& call) {
  json::value body;
  if (auto bad = ParseBody(call.request(), body)) return std::move(*bad);
  const json::object& o = body.as_object();
  auto text = [&](std::string_view key) -> std::string {
    const json::value* v = o.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  for (std::string_view key : {"kind", "reason", "ticket", "resource", "duration", "not_before",
                               "rule", "extends", "action"}) {
    const json::value* v = o.if_contains(key);
    if (v != nullptr && !v->is_string() && !v->is_null()) {
      return BadRequest(std::string(key) + " must be a string");
    }
  }
  const std::string kind = text("kind");
  service::JitService& service = *call.tenant->service;
  const std::string& tenant = call.tenant->name;
  const std::string& requester = call.caller.principal;
  if (kind != "access" && kind != "action") {
    return BadRequest("kind must be \"access\" or \"action\"");
  }

  // The cap on open requests: one requester cannot flood the approvers' queue. Creates under way
  // count with the stored ones; this one's place is held until it is stored (the end of this
  // function).
  const size_t cap = static_cast<size_t>(config_.limits.max_open_requests);
  auto reserved = creates_.TryTake(tenant + '\n' + requester, [&]() -> StatusOr<size_t> {
    auto stored = store_->ListRequests(
        {.tenant = tenant, .state = RequestState::kPending, .requester = requester, .limit = cap});
    if (!stored.ok()) return stored.status();
    return stored->size();
  });
  if (!reserved.ok()) return StatusResponse(reserved.status());
  const size_t pending = reserved->in_use;
  if (reserved->slot == nullptr) {
    metrics_.RecordOpenRequestCapReached();
    HttpResponse r =
        ErrorResponse(http::status::too_many_requests, "resource_exhausted",
                      requester + " already has " + std::to_string(pending) +
                          " pending requests (the limit); cancel one or wait for a decision");
    r.set(http::field::retry_after, "30");
    return r;
  }

  StatusOr<Request> created = InvalidArgument("unreachable");
  if (kind == "access") {
    workflow::AccessRequestInput in;
    in.requester = requester;
    in.group_claims = call.caller.groups;
    in.reason = text("reason");
    in.ticket = text("ticket");
    in.source_ip = call.exchange->peer_ip;
    in.rule = text("rule");
    in.scope.resource = text("resource");
    for (const auto& [key, value] : o) {
      if (key == "roles") {
        if (!value.is_array()) return BadRequest("roles must be a list of strings");
        for (const auto& r : value.as_array()) {
          if (!r.is_string()) return BadRequest("roles must be a list of strings");
          in.roles.emplace_back(r.as_string());
        }
      } else if (key == "selector") {
        if (!value.is_object()) return BadRequest("selector must be an object of strings");
        for (const auto& [label, v] : value.as_object()) {
          if (!v.is_string()) return BadRequest("selector values must be strings");
          in.scope.selector.emplace_back(std::string(label), std::string(v.as_string()));
        }
      } else if (key == "duration_seconds") {
        if (!value.is_int64()) return BadRequest("duration_seconds must be an integer");
        in.duration_seconds = value.as_int64();
      } else if (key == "break_glass") {
        if (!value.is_bool()) return BadRequest("break_glass must be true or false");
        in.break_glass = value.as_bool();
      } else if (key == "mfa") {
        return BadRequest("mfa cannot be asserted by the caller");
      } else if (key != "kind" && key != "reason" && key != "ticket" && key != "resource" &&
                 key != "duration" && key != "not_before" && key != "rule" && key != "extends") {
        return BadRequest("unknown key '" + std::string(key) + "' in an access request");
      }
    }
    if (!text("duration").empty()) {
      auto d = policy::ParseDuration(text("duration"));
      if (!d) return BadRequest("duration must look like 90s, 15m, 2h, 1d or 1h30m");
      in.duration_seconds = d->count();
    }
    if (in.duration_seconds <= 0) return BadRequest("give a duration, e.g. \"duration\": \"1h\"");
    if (!text("not_before").empty()) {
      auto t = core::ParseRfc3339(text("not_before"));
      if (!t) return BadRequest("not_before must be an RFC 3339 time");
      in.not_before = *t;
    }
    if (in.scope.empty()) return BadRequest("say what the access is for: resource or selector");
    if (!text("extends").empty()) {
      auto grant = store_->GetGrant(tenant, text("extends"));
      if (!grant.ok()) return StatusResponse(grant.status());
      if (!grant->has_value()) {
        return ErrorResponse(http::status::not_found, "not_found",
                             "no grant '" + text("extends") + "' to extend");
      }
      in.extends = **grant;
    }
    created = service.RequestAccess(in);
  } else {
    json::object check;
    for (const auto& [key, value] : o) {
      if (key == "action" || key == "resource" || key == "payload" || key == "context") {
        check[key] = value;
      } else if (key != "kind" && key != "reason" && key != "ticket") {
        return BadRequest("unknown key '" + std::string(key) + "' in an action request");
      }
    }
    api::CheckInput in;
    if (Status s = api::ParseCheckJson(check, in); !s.ok()) return BadRequest(s.message());
    in.principal = requester;
    in.groups = call.caller.groups;
    in.source_ip = call.exchange->peer_ip;
    in.mfa = false;
    service::ActionRequest req;
    req.check = in.View();
    req.reason = text("reason");
    req.ticket = text("ticket");
    req.source_ip = call.exchange->peer_ip;
    created = service.RequestAction(req);
  }
  if (!created.ok()) return StatusResponse(created.status());
  deliverer_->Wake();
  return JsonResponse(http::status::created, api::RequestToJson(*created));
}

HttpResponse ApiServer::ListRequests(Call& call) {
  RequestFilter f;
  f.tenant = call.tenant->name;
  if (const std::string* state = call.Query("state"); state != nullptr && !state->empty()) {
    f.state = ParseRequestState(*state);
    if (!f.state) return BadRequest("unknown state '" + *state + "'");
  }
  const std::optional<bool> mine = QueryFlag(call, "mine");
  if (!mine) return BadFlag("mine");
  if (*mine) f.requester = call.caller.principal;
  auto limit = ParseLimit(call, 100, 1000);
  if (!limit) return BadRequest("limit must be a positive integer");
  f.limit = *limit;
  auto list = store_->ListRequests(f);
  if (!list.ok()) return StatusResponse(list.status());
  json::array out;
  for (const Request& r : *list) out.push_back(api::RequestToJson(r));
  return JsonResponse(http::status::ok, json::object{{"requests", std::move(out)}});
}

void ApiServer::GetRequest(const std::shared_ptr<Call>& call) {
  std::optional<Clock::time_point> until;
  if (const std::string* wait = call->Query("wait"); wait != nullptr) {
    auto d = policy::ParseDuration(*wait);
    if (!d || d->count() < 0) return Finish(call, BadRequest("wait must look like 30s or 5m"));
    auto capped = std::min<std::chrono::seconds>(*d, config_.limits.max_wait);
    until = Clock::now() + capped;
    // The reviews the caller has already seen: a review that came in since its last look answers
    // at once, even one that landed between two of its long polls.
    if (const std::string* seen = call->Query("reviews"); seen != nullptr) {
      auto count = ParseCount(*seen);
      if (!count) {
        return Finish(call, BadRequest("reviews must be a non-negative integer: the number of "
                                       "reviews the request had when you last looked"));
      }
      call->reviews_seen = *count;
    }
    call->long_poll_slot = long_polls_.TryTake(call->tenant->name + '\n' + call->caller.principal);
    if (call->long_poll_slot == nullptr) {
      metrics_.RecordRateLimited();
      HttpResponse r = ErrorResponse(
          http::status::too_many_requests, "resource_exhausted",
          call->caller.principal + " already has " + std::to_string(config_.limits.max_long_polls) +
              " long polls waiting (limits.max_long_polls); wait for one to end, or ask without "
              "?wait=");
      r.set(http::field::retry_after, "5");
      return Finish(call, std::move(r));
    }
  }
  if (!until) {
    return Blocking(call, [this, call]() -> HttpResponse {
      auto r = store_->GetRequest(call->tenant->name, call->params[0]);
      if (!r.ok()) return StatusResponse(r.status());
      if (!r->has_value()) {
        return ErrorResponse(http::status::not_found, "not_found",
                             "no request '" + call->params[0] + "'");
      }
      return JsonResponse(http::status::ok, api::RequestToJson(**r));
    });
  }
  if (call->exchange->connection != nullptr) {
    // A client that gives up closes its connection: answer at once instead of holding the
    // waiter (and the connection) to the end of the wait.
    call->exchange->connection->WatchHangup(call->exchange->number,
                                            [this, weak = std::weak_ptr<Call>(call),
                                             tenant = call->tenant->name, id = call->params[0]] {
                                              if (auto gone = weak.lock()) gone->client_gone = true;
                                              waiters_.Notify(tenant, id);
                                            });
  }
  WaitForRequest(call, *until);
}

// A long poll answers once the request is decided, or reviewed without being decided yet (an
// approval of two): a waiting requester sees each approval as it comes.
bool ApiServer::Changed(const Call& call, const Request& now) {
  return now.state != RequestState::kPending ||
         (call.reviews_seen && now.reviews.size() != *call.reviews_seen);
}

// Registers the waiter before reading, so a decision landing in between still wakes it.
void ApiServer::WaitForRequest(const std::shared_ptr<Call>& call, Clock::time_point until) {
  auto timer = std::make_shared<RequestWaiters::Timer>(call->exchange->executor, until);
  const std::string tenant = call->tenant->name;
  const std::string id = call->params[0];
  waiters_.Add(tenant, id, timer);
  net::post(blocking_, [this, call, timer, tenant, id, until] {
    NameBlockingThread();
    auto r = store_->GetRequest(tenant, id);
    if (r.ok() && r->has_value() && !call->reviews_seen) call->reviews_seen = (*r)->reviews.size();
    if (!r.ok() || !r->has_value() || Changed(*call, **r) || draining() || call->client_gone ||
        Clock::now() >= until) {
      waiters_.Remove(tenant, id, timer.get());
      if (!r.ok()) return Finish(call, StatusResponse(r.status()));
      if (!r->has_value()) {
        return Finish(
            call, ErrorResponse(http::status::not_found, "not_found", "no request '" + id + "'"));
      }
      return Finish(call, JsonResponse(http::status::ok, api::RequestToJson(**r)));
    }
    // The wait starts on the timer's own thread, after any wake-up already posted there.
    net::post(timer->get_executor(), [this, call, timer, tenant, id, until] {
      timer->async_wait([this, call, timer, tenant, id, until](const boost::system::error_code&) {
        waiters_.Remove(tenant, id, timer.get());
        // Woken (a change, a sweep, shutdown) or timed out: answer with the state now, or go
        // back to waiting if a wake-up changed nothing and time remains.
        net::post(blocking_, [this, call, tenant, id, until] {
          NameBlockingThread();
          auto now = store_->GetRequest(tenant, id);
          const bool settled = !now.ok() || !now->has_value() || Changed(*call, **now) ||
                               draining() || call->client_gone || Clock::now() >= until;
          if (!settled) return WaitForRequest(call, until);
          if (!now.ok()) return Finish(call, StatusResponse(now.status()));
          if (!now->has_value()) {
            return Finish(call, ErrorResponse(http::status::not_found, "not_found",
                                              "no request '" + id + "'"));
          }
          Finish(call, JsonResponse(http::status::ok, api::RequestToJson(**now)));
        });
      });
    });
  });
}

HttpResponse ApiServer::ReviewRequest(Call& call) {
  if (!auth::MayReview(call.caller)) {
    return Forbidden("a checker token cannot review requests");
  }
  json::value body;
  if (auto bad = ParseBody(call.request(), body)) return std::move(*bad);
  workflow::ReviewInput in;
  in.reviewer = call.caller.principal;
  in.group_claims = call.caller.groups;
  bool has_decision = false;
  // Closing a break-glass request's post-hoc review is asked for by name: a reviewer who denies
  // an active break-glass request expecting to stop it must not silently close its review.
  bool post_review = false;
  for (const auto& [key, value] : body.as_object()) {
    if (key == "approve") {
      if (!value.is_bool()) return BadRequest("approve must be true or false");
      in.approve = value.as_bool();
      has_decision = true;
    } else if (key == "comment") {
      if (!value.is_string()) return BadRequest("comment must be a string");
      in.comment = std::string(value.as_string());
    } else if (key == "post_review") {
      if (!value.is_bool()) return BadRequest("post_review must be true or false");
      post_review = value.as_bool();
    } else {
      return BadRequest("unknown key '" + std::string(key) +
                        "' (expected approve, comment, post_review)");
    }
  }
  if (!has_decision) return BadRequest("say \"approve\": true or false");
  const std::string& id = call.params[0];
  service::JitService& service = *call.tenant->service;
  auto reviewed = post_review ? service.CloseBreakGlassReview(id, in) : service.Review(id, in);
  if (!reviewed.ok()) return StatusResponse(reviewed.status());
  waiters_.Notify(call.tenant->name, id);
  deliverer_->Wake();
  return JsonResponse(http::status::ok, api::RequestToJson(*reviewed));
}

HttpResponse ApiServer::CancelRequest(Call& call) {
  auto r = call.tenant->service->Cancel(call.params[0], call.caller.principal);
  if (!r.ok()) return StatusResponse(r.status());
  waiters_.Notify(call.tenant->name, call.params[0]);
  deliverer_->Wake();
  return JsonResponse(http::status::ok, api::RequestToJson(*r));
}

// --- grants ---------------------------------------------------------------------------------

HttpResponse ApiServer::ListGrants(Call& call) {
  GrantFilter f;
  f.tenant = call.tenant->name;
  if (const std::string* state = call.Query("state"); state != nullptr && !state->empty()) {
    f.state = ParseGrantState(*state);
    if (!f.state) return BadRequest("unknown state '" + *state + "'");
  }
  const std::optional<bool> mine = QueryFlag(call, "mine");
  if (!mine) return BadFlag("mine");
  if (*mine) {
    f.principal = call.caller.principal;
  } else if (const std::string* p = call.Query("principal"); p != nullptr) {
    f.principal = *p;
  }
  auto limit = ParseLimit(call, 100, 1000);
  if (!limit) return BadRequest("limit must be a positive integer");
  f.limit = *limit;
  auto list = store_->ListGrants(f);
  if (!list.ok()) return StatusResponse(list.status());
  json::array out;
  for (const Grant& g : *list) out.push_back(api::GrantToJson(g));
  return JsonResponse(http::status::ok, json::object{{"grants", std::move(out)}});
}

HttpResponse ApiServer::RevokeGrant(Call& call) {
  if (!auth::MayAdminister(call.caller)) return Forbidden("revoking a grant needs an admin token");
  json::value body;
  if (auto bad = ParseBody(call.request(), body, /*empty_is_object=*/true)) return std::move(*bad);
  workflow::RevokeInput in;
  in.actor = call.caller.principal;
  in.actor_is_admin = true;
  for (const auto& [key, value] : body.as_object()) {
    if (key != "reason")
      return BadRequest("unknown key '" + std::string(key) + "' (expected reason)");
    if (!value.is_string()) return BadRequest("reason must be a string");
    in.reason = std::string(value.as_string());
  }
  auto g = call.tenant->service->Revoke(call.params[0], in);
  if (!g.ok()) return StatusResponse(g.status());
  deliverer_->Wake();
  return JsonResponse(http::status::ok, api::GrantToJson(*g));
}

HttpResponse ApiServer::ReleaseGrant(Call& call) {
  auto g = call.tenant->service->Release(call.params[0], call.caller.principal);
  if (!g.ok()) return StatusResponse(g.status());
  deliverer_->Wake();
  return JsonResponse(http::status::ok, api::GrantToJson(*g));
}

// --- audit ----------------------------------------------------------------------------------

HttpResponse ApiServer::ReadAudit(Call& call) {
  if (!auth::MayAdminister(call.caller))
    return Forbidden("reading the audit log needs an admin token");
  uint64_t after = 0;
  if (const std::string* a = call.Query("after")) {
    auto [p, ec] = std::from_chars(a->data(), a->data() + a->size(), after);
    // Sequence numbers are stored as SQLite integers: nothing lies beyond INT64_MAX.
    if (ec != std::errc() || p != a->data() + a->size() ||
        after > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return BadRequest("after must be a sequence number (0 to 9223372036854775807)");
    }
  }
  auto limit = ParseLimit(call, 1000, 10000);
  if (!limit) return BadRequest("limit must be a positive integer");
  audit::ExportFilter filter;
  auto time = [&](std::string_view key, std::optional<int64_t>& out) -> bool {
    const std::string* t = call.Query(key);
    if (t == nullptr) return true;
    auto ms = audit::ParseRfc3339Millis(*t);
    if (!ms.ok()) return false;
    out = *ms;
    return true;
  };
  if (!time("since", filter.since_ms) || !time("until", filter.until_ms)) {
    return BadRequest("since and until must be RFC 3339 times");
  }
  if (const std::string* v = call.Query("principal")) filter.principal = *v;
  if (const std::string* v = call.Query("resource")) filter.resource = *v;
  if (const std::string* v = call.Query("type")) filter.type = *v;
  audit::ExportFormat format = audit::ExportFormat::kJsonl;
  if (const std::string* f = call.Query("format")) {
    auto parsed = audit::ParseExportFormat(*f);
    if (!parsed.ok()) return BadRequest(parsed.status().message());
    format = *parsed;
  }
  auto records =
      store_->ReadAudit({.tenant = call.tenant->name, .after_seq = after, .limit = *limit});
  if (!records.ok()) return StatusResponse(records.status());
  HttpResponse r{http::status::ok, 11};
  r.set(http::field::content_type,
        format == audit::ExportFormat::kCsv ? "text/csv" : "application/x-ndjson");
  r.set(http::field::cache_control, "no-store");
  std::string& out = r.body();
  out = audit::ExportHeader(format);
  for (const AuditRecord& rec : *records) {
    auto event = service::FromRecord(rec);
    if (!event.ok()) return StatusResponse(event.status());
    if (!audit::MatchesFilter(*event, filter)) continue;
    auto line = audit::ExportRecord(*event, format);
    if (!line.ok()) return StatusResponse(line.status());
    out += *line;
  }
  // Where the next page starts, whether or not the filter kept the last event read.
  r.set("X-Drawbridge-Last-Seq", std::to_string(records->empty() ? after : records->back().seq));
  return r;
}

HttpResponse ApiServer::VerifyAudit(Call& call) {
  if (!auth::MayAdminister(call.caller))
    return Forbidden("verifying the audit log needs an admin token");
  audit::VerifyOptions options;
  options.tenant = call.tenant->name;
  audit::ChainVerifier verifier(options);
  uint64_t after = 0;
  while (true) {
    auto batch =
        store_->ReadAudit({.tenant = call.tenant->name, .after_seq = after, .limit = 10000});
    if (!batch.ok()) return StatusResponse(batch.status());
    if (batch->empty()) break;
    for (const AuditRecord& rec : *batch) {
      auto event = service::FromRecord(rec);
      if (!event.ok()) return StatusResponse(event.status());
      verifier.Add(*event);
    }
    after = batch->back().seq;
  }
  audit::VerifyResult result = std::move(verifier).Finish();
  json::value error = nullptr;
  if (result.finding) {
    error = json::object{{"seq", result.finding->seq},
                         {"problem", audit::ChainProblemName(result.finding->problem)},
                         {"message", result.finding->message}};
  }
  return JsonResponse(http::status::ok, json::object{{"ok", result.ok()},
                                                     {"events", result.events_checked},
                                                     {"head_seq", result.verified_head.seq},
                                                     {"head_hash", result.verified_head.hash},
                                                     {"summary", result.Summary()},
                                                     {"error", std::move(error)}});
}

// --- policy, identity, tokens ---------------------------------------------------------------

namespace {

// A policy file's text as a non-admin reads it: every webhook URL cut to its scheme and host.
// A file whose URLs cannot be located exactly is withheld rather than shown whole.
std::string TextForReaders(const std::string& text) {
  auto redacted = policy::RedactWebhookUrls(text, notify::RedactUrl);
  if (redacted.ok()) return std::move(redacted).value();
  return "# This file is withheld: its webhook URLs could not be redacted (" +
         redacted.status().message() + "). An admin token reads it whole.\n";
}

}  // namespace

HttpResponse ApiServer::GetPolicy(Call& call) {
  Tenant& t = *call.tenant;
  std::lock_guard lock(t.reload_mu);
  // Webhook URLs may carry their secret in the path: only admins (who need the exact text to
  // change it) see them whole.
  const bool admin = auth::MayAdminister(call.caller);
  json::array files;
  for (const auto& [name, text] : t.policy_files) {
    files.push_back(json::object{{"name", name}, {"text", admin ? text : TextForReaders(text)}});
  }
  json::object body{{"version", t.policy_version},
                    {"loaded_at", core::FormatRfc3339(t.policy_loaded_at)},
                    {"files", std::move(files)}};
  // Where the server reads the policy from is for its operators, not for every token holder.
  if (auth::MayAdminister(call.caller)) body["source"] = t.policy_path;
  return JsonResponse(http::status::ok, body);
}

namespace {

// {"files": [{"name": "...", "text": "..."}, ...]}, the shape GET /v1/policy answers with.
std::optional<HttpResponse> ReadPolicyFiles(const HttpRequest& req, PolicyFiles& files) {
  json::value body;
  if (auto bad = ParseBody(req, body)) return bad;
  for (const auto& [key, value] : body.as_object()) {
    if (key != "files")
      return BadRequest("unknown key '" + std::string(key) + "' (expected files)");
    if (!value.is_array()) return BadRequest("files must be an array");
    for (const json::value& file : value.as_array()) {
      if (!file.is_object()) return BadRequest("each file must be {\"name\", \"text\"}");
      std::pair<std::string, std::string> named;
      bool has_name = false, has_text = false;
      for (const auto& [field, v] : file.as_object()) {
        if (!v.is_string())
          return BadRequest("a file's " + std::string(field) + " must be a string");
        if (field == "name") {
          named.first = std::string(v.as_string());
          has_name = true;
        } else if (field == "text") {
          named.second = std::string(v.as_string());
          has_text = true;
        } else {
          return BadRequest("unknown key '" + std::string(field) +
                            "' in a file (expected name, text)");
        }
      }
      if (!has_name || !has_text) return BadRequest("each file needs a name and a text");
      files.push_back(std::move(named));
    }
  }
  if (files.empty())
    return BadRequest("send the policy's files: {\"files\": [{\"name\", \"text\"}]}");
  return std::nullopt;
}

}  // namespace

HttpResponse ApiServer::PutPolicy(Call& call) {
  if (!auth::MayAdminister(call.caller))
    return Forbidden("changing the policy needs an admin token");
  if (!IsYaml(call.request()) && !IsJson(call.request())) {
    return ErrorResponse(http::status::unsupported_media_type, "unsupported_media_type",
                         "send the policy as Content-Type: application/yaml, or its files "
                         "({\"files\": [...]}) as application/json");
  }
  if (HasForeignCharset(call.request())) return UnsupportedCharset();
  PolicyFiles files;
  if (IsJson(call.request())) {
    if (auto bad = ReadPolicyFiles(call.request(), files)) return std::move(*bad);
  } else if (std::filesystem::is_directory(call.tenant->policy_path)) {
    return ErrorResponse(http::status::conflict, "failed_precondition",
                         "this tenant's policy is a directory of files: send them as "
                         "application/json {\"files\": [{\"name\", \"text\"}, ...]}, as GET "
                         "/v1/policy shows them");
  } else {
    files.emplace_back(std::string(), call.request().body());
  }
  Status s = LoadPolicy(*call.tenant, call.caller.principal, /*initial=*/false, &files);
  if (!s.ok()) {
    // A policy in force but not saved still changes where notifications go.
    if (s.code() == StatusCode::kUnavailable) PushRoutes();
    call.tenant->reload_failures.fetch_add(1);
    if (s.code() == StatusCode::kInvalidArgument) {
      return ErrorResponse(http::status::unprocessable_entity, "invalid_policy", s.message());
    }
    return StatusResponse(s);
  }
  PushRoutes();
  deliverer_->Wake();
  return GetPolicy(call);
}

HttpResponse ApiServer::WhoAmI(Call& call) {
  json::array groups;
  for (const auto& g : call.caller.groups) groups.emplace_back(g);
  return JsonResponse(http::status::ok, json::object{{"principal", call.caller.principal},
                                                     {"tenant", call.caller.tenant},
                                                     {"role", TokenRoleName(call.caller.role)},
                                                     {"groups", std::move(groups)},
                                                     {"token_id", call.caller.token_id}});
}

HttpResponse ApiServer::CreateToken(Call& call) {
  if (!auth::MayAdminister(call.caller)) return Forbidden("creating tokens needs an admin token");
  json::value body;
  if (auto bad = ParseBody(call.request(), body)) return std::move(*bad);
  service::TokenInput in;
  for (const auto& [key, value] : body.as_object()) {
    if (key == "principal" || key == "role" || key == "ttl" || key == "description") {
      if (!value.is_string()) return BadRequest(std::string(key) + " must be a string");
      std::string v(value.as_string());
      if (key == "principal") {
        in.principal = v;
      } else if (key == "description") {
        in.description = v;
      } else if (key == "role") {
        auto role = ParseTokenRole(v);
        if (!role) return BadRequest("role must be user, checker or admin");
        in.role = *role;
      } else {
        auto d = policy::ParseDuration(v);
        if (!d || d->count() <= 0)
          return BadRequest("ttl must be a duration of at most 10 years, like 12h, 30d or 90m");
        in.ttl_seconds = d->count();
      }
    } else if (key == "groups") {
      if (!value.is_array()) return BadRequest("groups must be a list of strings");
      for (const auto& g : value.as_array()) {
        if (!g.is_string()) return BadRequest("groups must be a list of strings");
        in.groups.emplace_back(g.as_string());
      }
    } else {
      return BadRequest("unknown key '" + std::string(key) +
                        "' (expected principal, groups, role, ttl, description)");
    }
  }
  auto issued = call.tenant->service->CreateToken(in, call.caller.principal);
  if (!issued.ok()) return StatusResponse(issued.status());
  tokens_.Upsert(issued->record);
  json::object out = api::TokenToJson(issued->record);
  out["token"] = issued->secret;
  return JsonResponse(http::status::created, out);
}

HttpResponse ApiServer::ListTokens(Call& call) {
  if (!auth::MayAdminister(call.caller)) return Forbidden("listing tokens needs an admin token");
  auto list = call.tenant->service->ListTokens();
  if (!list.ok()) return StatusResponse(list.status());
  json::array out;
  for (const ApiToken& t : *list) out.push_back(api::TokenToJson(t));
  return JsonResponse(http::status::ok, json::object{{"tokens", std::move(out)}});
}

HttpResponse ApiServer::RevokeToken(Call& call) {
  if (!auth::MayAdminister(call.caller)) return Forbidden("revoking tokens needs an admin token");
  auto t = call.tenant->service->RevokeToken(call.params[0], call.caller.principal);
  if (!t.ok()) return StatusResponse(t.status());
  tokens_.Upsert(*t);
  return JsonResponse(http::status::ok, api::TokenToJson(*t));
}

// --- health and metrics ---------------------------------------------------------------------

HttpResponse ApiServer::Ready() {
  if (unready_.load()) {  // set by Shutdown, before the drain begins
    return ErrorResponse(http::status::service_unavailable, "unavailable", "shutting down");
  }
  return JsonResponse(http::status::ok, json::object{{"status", "ready"}});
}

HttpResponse ApiServer::RenderMetrics() {
  std::string out;
  metrics_.Render(out);
  // One gauge per tenant: its HELP and TYPE lines, then a series per tenant.
  auto per_tenant = [&](std::string_view name, std::string_view help, auto value_of) {
    RenderFamilyHead(out, name, "gauge", help);
    for (auto& [tenant_name, tenant] : tenants_) {
      out += std::string(name) + "{tenant=\"" + LabelValue(tenant_name) + "\"} " +
             std::to_string(value_of(*tenant->service)) + "\n";
    }
  };
  const int64_t now = clock_.NowSeconds();
  per_tenant("drawbridge_grants_active",
             "Grants in force now (started, not expired, uses left), by tenant.",
             [now](service::JitService& s) { return s.grants().CountActive(now); });
  per_tenant("drawbridge_grants_indexed",
             "Grants held in the in-memory index, scheduled ones and those the sweep has yet to "
             "end included, by tenant.",
             [](service::JitService& s) { return s.grants().size(); });
  per_tenant("drawbridge_writes_queued",
             "Audited checks and workflow transitions waiting for the next group commit, by "
             "tenant.",
             [](service::JitService& s) { return s.QueuedWrites(); });
  RenderFamilyHead(out, "drawbridge_requests", "gauge", "Requests by tenant and state.");
  for (auto& [name, tenant] : tenants_) {
    auto counts = store_->CountRequestsByState(name);
    if (!counts.ok()) continue;
    for (RequestState state :
         {RequestState::kPending, RequestState::kApproved, RequestState::kActive,
          RequestState::kDenied, RequestState::kCancelled, RequestState::kExpired,
          RequestState::kRevoked, RequestState::kConsumed, RequestState::kReleased}) {
      auto found = counts->find(state);
      out += "drawbridge_requests{tenant=\"" + LabelValue(name) + "\",state=\"" +
             std::string(RequestStateName(state)) + "\"} " +
             std::to_string(found == counts->end() ? 0 : found->second) + "\n";
    }
  }
  notify::AppendDeliveryMetrics(deliverer_->Counters(), out);
  RenderFamilyHead(out, "drawbridge_policy_info", "gauge",
                   "The policy in force, by tenant: its version (1 per tenant).");
  std::string loaded_at, failures;
  for (auto& [name, tenant] : tenants_) {
    std::lock_guard lock(tenant->reload_mu);
    out += "drawbridge_policy_info{tenant=\"" + LabelValue(name) + "\",version=\"" +
           LabelValue(tenant->policy_version) + "\"} 1\n";
    loaded_at += "drawbridge_policy_loaded_timestamp_seconds{tenant=\"" + LabelValue(name) +
                 "\"} " + std::to_string(tenant->policy_loaded_at) + "\n";
    failures += "drawbridge_policy_reload_failures_total{tenant=\"" + LabelValue(name) + "\"} " +
                std::to_string(tenant->reload_failures.load()) + "\n";
  }
  RenderFamilyHead(out, "drawbridge_policy_loaded_timestamp_seconds", "gauge",
                   "When the policy in force was put in force (Unix time), by tenant.");
  out += loaded_at;
  RenderFamilyHead(out, "drawbridge_policy_reload_failures_total", "counter",
                   "Policy reloads refused (SIGHUP, PUT /v1/policy); the old policy kept serving.");
  out += failures;
  if (config_.tls()) {
    RenderSingleSample(out, "drawbridge_tls_reload_failures_total", "counter",
                       "TLS certificate reloads refused on SIGHUP; the old certificate kept "
                       "serving.",
                       static_cast<int64_t>(tls_reload_failures_.load()));
  }
  if (!config_.metrics_token_file.empty()) {
    RenderSingleSample(out, "drawbridge_metrics_token_reload_failures_total", "counter",
                       "Metrics token reloads refused on SIGHUP; the old token stayed in force.",
                       static_cast<int64_t>(metrics_token_reload_failures_.load()));
  }
  RenderSingleSample(out, "drawbridge_connections", "gauge", "Open client connections.",
                     static_cast<int64_t>(listener_->connections()));
  RenderSingleSample(out, "drawbridge_start_time_seconds", "gauge",
                     "When this server process started (Unix time).", started_at_);
  RenderSingleSample(out, "drawbridge_long_polls", "gauge",
                     "Requests waiting for a decision right now.",
                     static_cast<int64_t>(waiters_.size()));
  HttpResponse r{http::status::ok, 11};
  r.set(http::field::content_type, "text/plain; version=0.0.4");
  r.body() = std::move(out);
  return r;
}

}  // namespace drawbridge::server
