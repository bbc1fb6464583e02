#include "client/api_client.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>
#include <charconv>
#include <optional>
#include <thread>

#include "api/json_reader.h"
#include "api/wire.h"
#include "client/http_errors.h"
#include "core/time_format.h"

namespace drawbridge::client {
namespace json = boost::json;
namespace {

// Builds "?a=1&b=2" from the parameters that are set.
class Query {
 public:
  Query& Add(std::string_view name, std::string_view value) {
    if (value.empty()) return *this;
    text_ += text_.empty() ? '?' : '&';
    text_ += std::string(name) + "=" + PercentEncode(value);
    return *this;
  }
  Query& Add(std::string_view name, int64_t value, bool only_if_positive = true) {
    if (only_if_positive && value <= 0) return *this;
    return Add(name, std::to_string(value));
  }
  const std::string& str() const { return text_; }

 private:
  std::string text_;
};

// A Retry-After in seconds that is worth waiting for here; nullopt for a date, junk or a wait
// longer than kMaxRateLimitWait (then the caller gets the 429 and its message).
std::optional<std::chrono::seconds> RetryAfter(std::string_view header) {
  int64_t seconds = 0;
  auto [end, ec] = std::from_chars(header.data(), header.data() + header.size(), seconds);
  if (header.empty() || ec != std::errc() || end != header.data() + header.size()) {
    return std::nullopt;
  }
  if (seconds < 0 || seconds > kMaxRateLimitWait.count()) return std::nullopt;
  return std::chrono::seconds(seconds);
}

Status Malformed(const std::string& what, const Status& why) {
  return Internal("the server sent a malformed " + what + ": " + why.message());
}

// For a JsonReader's error, which already names what it read ("identity: role must be a string").
Status Malformed(const Status& why) {
  return Internal("the server sent a malformed " + why.message());
}

StatusOr<TokenInfo> TokenFromJson(const json::value& v) {
  DB_ASSIGN_OR_RETURN(TokenInfo t, api::TokenFromJson(v));
  if (t.id.empty()) return Internal("the server sent a token without an id");
  return t;
}

// The array under `key` of an answer object, each item decoded by `decode`.
template <typename T, typename Decode>
StatusOr<std::vector<T>> ListOf(const json::value& answer, std::string_view key,
                                const std::string& what, Decode decode) {
  const json::value* list = answer.is_object() ? answer.as_object().if_contains(key) : nullptr;
  if (list == nullptr || !list->is_array()) {
    return Internal("the server's answer has no list of " + what);
  }
  std::vector<T> out;
  for (const json::value& item : list->as_array()) {
    auto decoded = decode(item);
    if (!decoded.ok()) return Malformed(what, decoded.status());
    out.push_back(std::move(decoded).value());
  }
  return out;
}

StatusOr<Request> DecodeRequest(StatusOr<json::value> answer) {
  if (!answer.ok()) return answer.status();
  auto r = api::RequestFromJson(*answer);
  if (!r.ok()) return Malformed("request", r.status());
  return r;
}

StatusOr<Grant> DecodeGrant(StatusOr<json::value> answer) {
  if (!answer.ok()) return answer.status();
  auto g = api::GrantFromJson(*answer);
  if (!g.ok()) return Malformed("grant", g.status());
  return g;
}

}  // namespace

std::string PercentEncode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

ApiClient::ApiClient(std::unique_ptr<HttpConnection> http, std::string token)
    : http_(std::move(http)), token_(std::move(token)) {}

StatusOr<std::unique_ptr<ApiClient>> ApiClient::Create(const ClientConfig& config) {
  if (config.addr.empty()) {
    return InvalidArgument("no server: set DRAWBRIDGE_ADDR (or addr in the config file)");
  }
  auto url = ParseBaseUrl(config.addr);
  if (!url.ok()) return url.status();
  auto http = HttpConnection::Open(*url, config.ca_file, config.timeouts);
  if (!http.ok()) return http.status();
  return std::unique_ptr<ApiClient>(new ApiClient(std::move(http).value(), config.token));
}

StatusOr<HttpResponse> ApiClient::Call(HttpRequest request, int rate_limit_retries) {
  if (!token_.empty()) request.headers.emplace_back("Authorization", "Bearer " + token_);
  for (int attempt = 0;; ++attempt) {
    auto response = http_->RoundTrip(request);
    if (!response.ok()) return response.status();
    if (response->status == 429 && attempt < rate_limit_retries) {
      if (auto wait = RetryAfter(response->retry_after)) {
        std::this_thread::sleep_for(*wait);
        continue;
      }
    }
    Status s = StatusFromHttp({.status = response->status,
                               .body = response->body,
                               .retry_after = response->retry_after,
                               .location = response->location},
                              http_->url().ToString());
    if (!s.ok()) return s;
    return response;
  }
}

StatusOr<json::value> ApiClient::CallJson(const std::string& method, const std::string& target,
                                          const json::value* body,
                                          std::chrono::milliseconds server_wait) {
  HttpRequest request{.method = method, .target = target, .server_wait = server_wait};
  request.headers.emplace_back("Accept", "application/json");
  if (body != nullptr) {
    request.headers.emplace_back("Content-Type", "application/json");
    request.body = json::serialize(*body);
  }
  auto response = Call(std::move(request));
  if (!response.ok()) return response.status();
  boost::system::error_code ec;
  json::value v = json::parse(response->body, ec);
  if (ec) {
    return Internal("the server at " + http_->url().ToString() + " answered " + method + " " +
                    target +
                    " with something other than JSON: " + PrintableExcerpt(response->body, 80));
  }
  return v;
}

StatusOr<core::Explanation> ApiClient::Check(const api::CheckInput& input) {
  json::value body = api::CheckInputToJson(input);
  if (input.principal.empty()) body.as_object().erase("principal");
  auto answer = CallJson("POST", "/v1/check", &body);
  if (!answer.ok()) return answer.status();
  auto e = api::ExplanationFromJson(*answer);
  if (!e.ok()) return Malformed("decision", e.status());
  return e;
}

StatusOr<Request> ApiClient::CreateAccessRequest(const AccessRequestSpec& spec) {
  json::object body{{"kind", "access"}, {"duration_seconds", spec.duration_seconds}};
  if (!spec.roles.empty()) {
    json::array roles;
    for (const auto& r : spec.roles) roles.emplace_back(r);
    body["roles"] = std::move(roles);
  }
  if (!spec.scope.resource.empty()) {
    body["resource"] = spec.scope.resource;
  } else {
    json::object selector;
    for (const auto& [k, v] : spec.scope.selector) selector[k] = v;
    body["selector"] = std::move(selector);
  }
  if (spec.not_before != 0) body["not_before"] = core::FormatRfc3339(spec.not_before);
  if (!spec.rule.empty()) body["rule"] = spec.rule;
  if (spec.break_glass) body["break_glass"] = true;
  if (!spec.extends.empty()) body["extends"] = spec.extends;
  body["reason"] = spec.reason;
  if (!spec.ticket.empty()) body["ticket"] = spec.ticket;
  json::value v = std::move(body);
  return DecodeRequest(CallJson("POST", "/v1/requests", &v));
}

StatusOr<Request> ApiClient::CreateActionRequest(const ActionRequestSpec& spec) {
  json::object check = api::CheckInputToJson(spec.check);
  json::object body{{"kind", "action"}};
  for (std::string_view key : {"action", "resource", "payload", "context"}) {
    if (const json::value* v = check.if_contains(key)) body[key] = *v;
  }
  body["reason"] = spec.reason;
  if (!spec.ticket.empty()) body["ticket"] = spec.ticket;
  json::value v = std::move(body);
  return DecodeRequest(CallJson("POST", "/v1/requests", &v));
}

StatusOr<std::vector<Request>> ApiClient::ListRequests(const RequestQuery& query) {
  Query q;
  q.Add("state", query.state).Add("mine", query.mine ? "true" : "").Add("limit", query.limit);
  auto answer = CallJson("GET", "/v1/requests" + q.str(), nullptr);
  if (!answer.ok()) return answer.status();
  return ListOf<Request>(*answer, "requests", "requests", api::RequestFromJson);
}

StatusOr<Request> ApiClient::GetRequest(const std::string& id, std::chrono::seconds wait,
                                        std::optional<size_t> reviews_seen) {
  wait = std::clamp(wait, std::chrono::seconds(0), kMaxServerWait);
  std::string target = "/v1/requests/" + PercentEncode(id);
  if (wait.count() > 0) {
    target += "?wait=" + std::to_string(wait.count()) + "s";
    if (reviews_seen) target += "&reviews=" + std::to_string(*reviews_seen);
  }
  return DecodeRequest(CallJson("GET", target, nullptr, wait));
}

StatusOr<Request> ApiClient::Review(const std::string& id, bool approve,
                                    const std::string& comment) {
  json::value body = json::object{{"approve", approve}, {"comment", comment}};
  return DecodeRequest(CallJson("POST", "/v1/requests/" + PercentEncode(id) + "/reviews", &body));
}

StatusOr<Request> ApiClient::CloseBreakGlassReview(const std::string& id, bool justified,
                                                   const std::string& comment) {
  // Without post_review the server would take the answer as an ordinary review, approving a
  // request that has no break-glass review open.
  json::value body =
      json::object{{"approve", justified}, {"comment", comment}, {"post_review", true}};
  return DecodeRequest(CallJson("POST", "/v1/requests/" + PercentEncode(id) + "/reviews", &body));
}

StatusOr<Request> ApiClient::Cancel(const std::string& id) {
  json::value body = json::object{};
  return DecodeRequest(CallJson("POST", "/v1/requests/" + PercentEncode(id) + "/cancel", &body));
}

StatusOr<std::vector<Grant>> ApiClient::ListGrants(const GrantQuery& query) {
  Query q;
  q.Add("state", query.state)
      .Add("mine", query.mine ? "true" : "")
      .Add("principal", query.principal)
      .Add("limit", query.limit);
  auto answer = CallJson("GET", "/v1/grants" + q.str(), nullptr);
  if (!answer.ok()) return answer.status();
  return ListOf<Grant>(*answer, "grants", "grants", api::GrantFromJson);
}

StatusOr<Grant> ApiClient::Revoke(const std::string& id, const std::string& reason) {
  json::value body = json::object{{"reason", reason}};
  return DecodeGrant(CallJson("POST", "/v1/grants/" + PercentEncode(id) + "/revoke", &body));
}

StatusOr<Grant> ApiClient::Release(const std::string& id) {
  json::value body = json::object{};
  return DecodeGrant(CallJson("POST", "/v1/grants/" + PercentEncode(id) + "/release", &body));
}

StatusOr<AuditPage> ApiClient::ExportAudit(const AuditQuery& query) {
  Query q;
  q.Add("after", static_cast<int64_t>(query.after))
      .Add("limit", query.limit)
      .Add("since", query.since)
      .Add("until", query.until)
      .Add("principal", query.principal)
      .Add("resource", query.resource)
      .Add("type", query.type)
      .Add("format", query.format == "jsonl" ? "" : query.format);
  HttpRequest request{.method = "GET", .target = "/v1/audit" + q.str()};
  auto response = Call(std::move(request), kRateLimitRetries);
  if (!response.ok()) return response.status();
  AuditPage page;
  const std::string& last = response->last_seq;
  auto [end, ec] = std::from_chars(last.data(), last.data() + last.size(), page.last_seq);
  if (last.empty() || ec != std::errc() || end != last.data() + last.size()) {
    return Internal("the server at " + http_->url().ToString() +
                    " did not say where its audit page ends (X-Drawbridge-Last-Seq: \"" +
                    PrintableExcerpt(last, 40) + "\")");
  }
  page.body = std::move(response->body);
  return page;
}

StatusOr<AuditVerifyReport> ApiClient::VerifyAudit() {
  auto answer = CallJson("GET", "/v1/audit/verify", nullptr);
  if (!answer.ok()) return answer.status();
  AuditVerifyReport report;
  api::JsonReader f(*answer, "verification report");
  f.Bool("ok", report.ok);
  f.Unsigned("events", report.events);
  f.Unsigned("head_seq", report.head_seq);
  f.String("head_hash", report.head_hash);
  if (const json::value* error = f.Find("error"); error != nullptr && !error->is_null()) {
    api::JsonReader e(*error, "verification report.error");
    uint64_t seq = 0;
    e.Unsigned("seq", seq);
    e.String("message", report.error_message);
    if (!e.status().ok()) return Malformed(e.status());
    report.error_seq = seq;
  }
  if (!f.status().ok()) return Malformed(f.status());
  return report;
}

namespace {

// The policy description GET and PUT /v1/policy answer with.
StatusOr<PolicyInfo> ReadPolicyInfo(const json::value& v) {
  PolicyInfo info;
  api::JsonReader f(v, "policy description");
  f.String("version", info.version);
  f.String("source", info.source);
  f.String("loaded_at", info.loaded_at);
  if (!f.status().ok()) return Malformed(f.status());
  return info;
}

}  // namespace

StatusOr<PolicyInfo> ApiClient::GetPolicy() {
  auto answer = CallJson("GET", "/v1/policy", nullptr);
  if (!answer.ok()) return answer.status();
  return ReadPolicyInfo(*answer);
}

StatusOr<PolicyInfo> ApiClient::PutPolicy(const std::string& yaml) {
  HttpRequest request{.method = "PUT", .target = "/v1/policy", .body = yaml};
  request.headers.emplace_back("Content-Type", "application/yaml");
  request.headers.emplace_back("Accept", "application/json");
  auto response = Call(std::move(request));
  if (!response.ok()) return response.status();
  boost::system::error_code ec;
  json::value v = json::parse(response->body, ec);
  if (ec) return Internal("the server answered PUT /v1/policy with something other than JSON");
  return ReadPolicyInfo(v);
}

StatusOr<Identity> ApiClient::WhoAmI() {
  auto answer = CallJson("GET", "/v1/whoami", nullptr);
  if (!answer.ok()) return answer.status();
  Identity me;
  api::JsonReader f(*answer, "identity");
  f.String("principal", me.principal);
  f.String("tenant", me.tenant);
  f.String("role", me.role);
  f.String("token_id", me.token_id);
  f.Strings("groups", me.groups);
  if (!f.status().ok()) return Malformed(f.status());
  return me;
}

StatusOr<CreatedToken> ApiClient::CreateToken(const TokenSpec& spec) {
  json::object body{{"principal", spec.principal}, {"role", spec.role}};
  if (!spec.groups.empty()) {
    json::array groups;
    for (const auto& g : spec.groups) groups.emplace_back(g);
    body["groups"] = std::move(groups);
  }
  if (!spec.ttl.empty()) body["ttl"] = spec.ttl;
  if (!spec.description.empty()) body["description"] = spec.description;
  json::value v = std::move(body);
  auto answer = CallJson("POST", "/v1/tokens", &v);
  if (!answer.ok()) return answer.status();
  CreatedToken out;
  api::JsonReader f(*answer, "new token");
  f.String("token", out.secret);
  if (!f.status().ok()) return Malformed(f.status());
  if (out.secret.empty()) return Internal("the server created a token but did not send it");
  auto info = TokenFromJson(*answer);
  if (!info.ok()) return info.status();
  out.info = std::move(info).value();
  return out;
}

StatusOr<TokenInfo> ApiClient::RevokeToken(const std::string& id) {
  json::value body = json::object{};
  auto answer = CallJson("POST", "/v1/tokens/" + PercentEncode(id) + "/revoke", &body);
  if (!answer.ok()) return answer.status();
  return TokenFromJson(*answer);
}

StatusOr<std::vector<TokenInfo>> ApiClient::ListTokens() {
  auto answer = CallJson("GET", "/v1/tokens", nullptr);
  if (!answer.ok()) return answer.status();
  return ListOf<TokenInfo>(*answer, "tokens", "tokens", TokenFromJson);
}

}  // namespace drawbridge::client
