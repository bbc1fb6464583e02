// WorkflowBackend over the HTTP API: the server decides who the caller is from the token.
#include <iostream>

#include "cli/backend.h"
#include "cli/io.h"
#include "client/api_client.h"

namespace drawbridge::cli {
namespace {

// Events per GET /v1/audit page.
constexpr int kAuditPage = 1000;

class RemoteBackend final : public WorkflowBackend {
 public:
  explicit RemoteBackend(std::unique_ptr<client::ApiClient> api) : api_(std::move(api)) {}

  bool remote() const override { return true; }
  std::string Where() const override { return "the server " + api_->base_url().ToString(); }

  StatusOr<Request> RequestAccess(const client::AccessRequestSpec& spec,
                                  const LocalClaims&) override {
    return api_->CreateAccessRequest(spec);
  }
  StatusOr<Request> RequestAction(const client::ActionRequestSpec& spec,
                                  const LocalClaims&) override {
    return api_->CreateActionRequest(spec);
  }
  StatusOr<Request> GetRequest(const std::string& id) override { return api_->GetRequest(id); }

  StatusOr<Request> WaitRequest(const std::string& id, std::chrono::seconds wait,
                                const client::KeepGoing& keep_going) override {
    api_->set_keep_going(keep_going);
    auto r = api_->GetRequest(id, wait);
    api_->set_keep_going(nullptr);
    return r;
  }

  StatusOr<std::vector<Request>> ListRequests(const client::RequestQuery& query) override {
    return api_->ListRequests(query);
  }
  StatusOr<Request> Review(const std::string& id, bool approve, const std::string& comment,
                           const LocalClaims&) override {
    return api_->Review(id, approve, comment);
  }
  // The server closes an open post-hoc review with the next review of the request.
  StatusOr<Request> CloseBreakGlassReview(const std::string& id, bool justified,
                                          const std::string& comment, const LocalClaims&) override {
    return api_->Review(id, justified, comment);
  }
  StatusOr<Request> Cancel(const std::string& id) override { return api_->Cancel(id); }

  StatusOr<std::vector<Grant>> ListGrants(const client::GrantQuery& query) override {
    return api_->ListGrants(query);
  }
  StatusOr<Grant> Revoke(const std::string& id, const std::string& reason) override {
    return api_->Revoke(id, reason);
  }
  StatusOr<Grant> Release(const std::string& id) override { return api_->Release(id); }

  StatusOr<core::Explanation> Check(const api::CheckInput& input) override {
    return api_->Check(input);
  }

  StatusOr<service::SweepReport> Sweep() override {
    return FailedPrecondition(
        "sweep works only in local mode (--db FILE): a server sweeps on its own schedule");
  }

  StatusOr<std::vector<audit::AuditEvent>> ReadAudit(const std::string&) override {
    std::vector<audit::AuditEvent> events;
    uint64_t after = 0;
    while (true) {
      auto page = api_->ExportAudit({.after = after, .limit = kAuditPage});
      if (!page.ok()) return page.status();
      size_t before = events.size();
      size_t pos = 0;
      while (pos < page->size()) {
        size_t nl = page->find('\n', pos);
        if (nl == std::string::npos) nl = page->size();
        std::string_view line(page->data() + pos, nl - pos);
        pos = nl + 1;
        if (line.empty()) continue;
        auto event = audit::ParseEventLine(line);
        if (!event.ok()) {
          return event.status().WithContext("audit event after seq " + std::to_string(after) +
                                            " from " + api_->base_url().ToString());
        }
        events.push_back(std::move(event).value());
      }
      if (events.size() == before) break;
      if (events.back().seq <= after) {
        return Internal("the server sent audit events out of order (seq " +
                        std::to_string(events.back().seq) + " after " + std::to_string(after) +
                        ")");
      }
      after = events.back().seq;
    }
    return events;
  }

  StatusOr<std::string> ExportAudit(const std::string&, const AuditExportSpec& spec) override {
    return api_->ExportAudit({.since = spec.since,
                              .until = spec.until,
                              .principal = spec.principal,
                              .resource = spec.resource,
                              .type = spec.type,
                              .format = spec.format});
  }

 private:
  std::unique_ptr<client::ApiClient> api_;
};

}  // namespace

StatusOr<std::unique_ptr<WorkflowBackend>> MakeRemoteBackend(const GlobalOptions& g) {
  auto config = LoadRemoteConfig(g);
  if (!config.ok()) return config.status();
  for (const std::string& warning : config->warnings) PrintError("warning: " + warning);
  auto api = client::ApiClient::Create(*config);
  if (!api.ok()) return api.status();
  return std::unique_ptr<WorkflowBackend>(new RemoteBackend(std::move(api).value()));
}

}  // namespace drawbridge::cli
