// ApiClient: typed calls to the Drawbridge HTTP API (/v1), for the CLI's remote mode.
//
// Each call sends `Authorization: Bearer <token>` and a JSON body where it has one, and decodes
// the answer with the same codecs the server encodes with (src/api). Errors come back as Status:
// the server's {"error": {"code", "message"}} mapped by HTTP status (client/http_errors.h);
// network failures, timeouts and TLS failures are kUnavailable naming the server's address.
// The token is only ever put in the Authorization header.
//
// One keep-alive connection underneath. Not thread-safe: one client per thread.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "api/check_input.h"
#include "client/api_types.h"
#include "client/client_config.h"
#include "client/http_connection.h"
#include "core/explain.h"
#include "drawbridge/model.h"
#include "drawbridge/status.h"

namespace drawbridge::client {

// The longest long-poll wait the server grants (GET /v1/requests/{id}?wait=).
inline constexpr std::chrono::seconds kMaxServerWait{300};
// How a paged read copes with the server's rate limit (see ExportAudit).
inline constexpr int kRateLimitRetries = 10;
inline constexpr std::chrono::seconds kMaxRateLimitWait{10};

class ApiClient {
 public:
  // Parses the address and prepares TLS; connects on the first call.
  static StatusOr<std::unique_ptr<ApiClient>> Create(const ClientConfig& config);

  // See HttpConnection::set_keep_going: lets a caller abandon a call (e.g. on Ctrl-C).
  void set_keep_going(KeepGoing hook) { http_->set_keep_going(std::move(hook)); }
  const BaseUrl& base_url() const { return http_->url(); }
  int connections_opened() const { return http_->connections_opened(); }

  // POST /v1/check. An empty principal means the caller.
  StatusOr<core::Explanation> Check(const api::CheckInput& input);

  // POST /v1/requests
  StatusOr<Request> CreateAccessRequest(const AccessRequestSpec& spec);
  StatusOr<Request> CreateActionRequest(const ActionRequestSpec& spec);
  // GET /v1/requests
  StatusOr<std::vector<Request>> ListRequests(const RequestQuery& query);
  // GET /v1/requests/{id}; with a wait (capped at kMaxServerWait), the server answers as soon as
  // the request is no longer pending or has been reviewed (when `reviews_seen` is given: has a
  // number of reviews other than it), or when the wait ends.
  StatusOr<Request> GetRequest(const std::string& id,
                               std::chrono::seconds wait = std::chrono::seconds(0),
                               std::optional<size_t> reviews_seen = std::nullopt);
  // POST /v1/requests/{id}/reviews (also closes an open break-glass post-review).
  StatusOr<Request> Review(const std::string& id, bool approve, const std::string& comment);
  // POST /v1/requests/{id}/reviews with "post_review": true: closes the open after-the-fact
  // review of a break-glass request, and never decides a pending one (kFailedPrecondition when
  // no break-glass review is open).
  StatusOr<Request> CloseBreakGlassReview(const std::string& id, bool justified,
                                          const std::string& comment);
  // POST /v1/requests/{id}/cancel
  StatusOr<Request> Cancel(const std::string& id);

  // GET /v1/grants, POST /v1/grants/{id}/revoke, POST /v1/grants/{id}/release
  StatusOr<std::vector<Grant>> ListGrants(const GrantQuery& query);
  StatusOr<Grant> Revoke(const std::string& id, const std::string& reason);
  StatusOr<Grant> Release(const std::string& id);

  // GET /v1/audit: one page, the body as sent (JSON lines, or CSV with a header row), and where
  // the next page starts. A caller paging through a long log soon meets the server's rate
  // limit: a 429 with Retry-After (up to kMaxRateLimitWait) is waited out and asked again, up to
  // kRateLimitRetries times.
  StatusOr<AuditPage> ExportAudit(const AuditQuery& query);
  // GET /v1/audit/verify
  StatusOr<AuditVerifyReport> VerifyAudit();

  // GET /v1/policy, PUT /v1/policy (the whole policy as one YAML document; an invalid policy is
  // kInvalidArgument with every error, FILE:LINE:COL each).
  StatusOr<PolicyInfo> GetPolicy();
  StatusOr<PolicyInfo> PutPolicy(const std::string& yaml);

  // GET /v1/whoami
  StatusOr<Identity> WhoAmI();

  // POST /v1/tokens, POST /v1/tokens/{id}/revoke, GET /v1/tokens (administrators).
  StatusOr<CreatedToken> CreateToken(const TokenSpec& spec);
  StatusOr<TokenInfo> RevokeToken(const std::string& id);
  StatusOr<std::vector<TokenInfo>> ListTokens();

 private:
  ApiClient(std::unique_ptr<HttpConnection> http, std::string token);

  // Sends and maps a non-2xx answer to its Status. With `rate_limit_retries`, a 429 whose
  // Retry-After is at most kMaxRateLimitWait is waited out and sent again that many times at most
  // (only for requests that are safe to repeat).
  StatusOr<HttpResponse> Call(HttpRequest request, int rate_limit_retries = 0);
  StatusOr<boost::json::value> CallJson(const std::string& method, const std::string& target,
                                        const boost::json::value* body,
                                        std::chrono::milliseconds server_wait = {});

  std::unique_ptr<HttpConnection> http_;
  std::string token_;
};

// For paths: every byte but A-Z a-z 0-9 - . _ ~ percent-encoded.
std::string PercentEncode(std::string_view text);

}  // namespace drawbridge::client
