#include "cli/served_policy.h"

#include <boost/json.hpp>

#include "cli/backend.h"
#include "cli/io.h"
#include "client/base_url.h"
#include "client/http_connection.h"
#include "client/http_errors.h"

namespace drawbridge::cli {
namespace {

StatusOr<ServedPolicy> ParseServedPolicy(std::string_view body, const std::string& server) {
  const Status malformed =
      Internal("the server at " + server +
               " answered GET /v1/policy with something other than "
               "{\"version\", \"loaded_at\", \"files\": [{\"name\", \"text\"}]}");
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(body, ec);
  if (ec || !v.is_object()) return malformed;
  const boost::json::object& o = v.as_object();
  const boost::json::value* version = o.if_contains("version");
  const boost::json::value* loaded_at = o.if_contains("loaded_at");
  const boost::json::value* files = o.if_contains("files");
  if (version == nullptr || !version->is_string() || files == nullptr || !files->is_array()) {
    return malformed;
  }
  ServedPolicy policy;
  policy.version = std::string(version->as_string());
  if (loaded_at != nullptr && loaded_at->is_string()) {
    policy.loaded_at = std::string(loaded_at->as_string());
  }
  for (const boost::json::value& file : files->as_array()) {
    const boost::json::object* f = file.if_object();
    const boost::json::value* name = f != nullptr ? f->if_contains("name") : nullptr;
    const boost::json::value* text = f != nullptr ? f->if_contains("text") : nullptr;
    if (name == nullptr || !name->is_string() || text == nullptr || !text->is_string()) {
      return malformed;
    }
    policy.files.emplace_back(std::string(name->as_string()), std::string(text->as_string()));
  }
  if (policy.files.empty()) return malformed;
  return policy;
}

}  // namespace

StatusOr<ServedPolicy> FetchServedPolicy(const GlobalOptions& g) {
  DB_ASSIGN_OR_RETURN(client::ClientConfig config, LoadRemoteConfig(g));
  for (const std::string& warning : config.warnings) PrintNote("warning: " + warning);
  DB_ASSIGN_OR_RETURN(client::BaseUrl url, client::ParseBaseUrl(config.addr));
  DB_ASSIGN_OR_RETURN(auto http,
                      client::HttpConnection::Open(url, config.ca_file, config.timeouts));
  client::HttpRequest request{.method = "GET", .target = "/v1/policy"};
  request.headers.emplace_back("Accept", "application/json");
  if (!config.token.empty())
    request.headers.emplace_back("Authorization", "Bearer " + config.token);
  DB_ASSIGN_OR_RETURN(client::HttpResponse response, http->RoundTrip(request));
  const std::string server = url.ToString();
  DB_RETURN_IF_ERROR(client::StatusFromHttp({.status = response.status,
                                             .body = response.body,
                                             .retry_after = response.retry_after,
                                             .location = response.location},
                                            server));
  return ParseServedPolicy(response.body, server);
}

}  // namespace drawbridge::cli
