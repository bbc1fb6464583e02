// WorkflowBackend over the HTTP API: the server decides who the caller is from the token.
#include <functional>
#include <iostream>

#include "audit/export.h"
#include "cli/backend.h"
#include "cli/io.h"
#include "client/api_client.h"

namespace drawbridge::cli {
namespace {

// Events per GET /v1/audit page unless `audit export --page-size` says otherwise.
constexpr int kAuditPage = 1000;

// A server whose X-Drawbridge-Last-Seq goes backwards would have us page forever.
Status CheckProgress(uint64_t after, uint64_t last_seq) {
  if (last_seq >= after) return Status::Ok();
  return Internal("the server's audit paging went backwards (page after seq " +
                  std::to_string(after) + " ended at seq " + std::to_string(last_seq) + ")");
}

class RemoteBackend final : public WorkflowBackend {
 public:
  explicit RemoteBackend(std::unique_ptr<client::ApiClient> api) : api_(std::move(api)) {}

  bool remote() const override { return true; }
  std::string Where() const override { return "the server " + api_->base_url().ToString(); }
  StatusOr<client::Identity> WhoAmI() override { return api_->WhoAmI(); }

  StatusOr<Request> RequestAccess(const client::AccessRequestSpec& spec,
                                  const LocalClaims&) override {
    return api_->CreateAccessRequest(spec);
  }
  StatusOr<Request> RequestAction(const client::ActionRequestSpec& spec,
                                  const LocalClaims&) override {
    return api_->CreateActionRequest(spec);
  }
  StatusOr<Request> GetRequest(const std::string& id) override { return api_->GetRequest(id); }

  StatusOr<Request> WaitRequest(const std::string& id, size_t reviews_seen,
                                std::chrono::seconds wait,
                                const client::KeepGoing& keep_going) override {
    api_->set_keep_going(keep_going);
    auto r = api_->GetRequest(id, wait, reviews_seen);
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
  // Marked as a post-review, so that a request without an open break-glass review is refused
  // rather than decided.
  StatusOr<Request> CloseBreakGlassReview(const std::string& id, bool justified,
                                          const std::string& comment, const LocalClaims&) override {
    return api_->CloseBreakGlassReview(id, justified, comment);
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
    return FailedPrecondition(std::string(kSweepIsLocal));
  }

  StatusOr<std::vector<audit::AuditEvent>> ReadAudit(const std::string&) override {
    std::vector<audit::AuditEvent> events;
    Status read = ForEachAuditPage(
        {.limit = kAuditPage}, [&](std::string_view body, uint64_t after) -> Status {
          size_t pos = 0;
          while (pos < body.size()) {
            size_t nl = body.find('\n', pos);
            if (nl == std::string_view::npos) nl = body.size();
            std::string_view line = body.substr(pos, nl - pos);
            pos = nl + 1;
            if (line.empty()) continue;
            auto event = audit::ParseEventLine(line);
            if (!event.ok()) {
              return event.status().WithContext("audit event after seq " + std::to_string(after) +
                                                " from " + api_->base_url().ToString());
            }
            if (event->seq <= (events.empty() ? after : events.back().seq)) {
              return Internal("the server sent audit events out of order (seq " +
                              std::to_string(event->seq) + " after " + std::to_string(after) + ")");
            }
            events.push_back(std::move(event).value());
          }
          return Status::Ok();
        });
    if (!read.ok()) return read;
    return events;
  }

  StatusOr<std::string> ExportAudit(const std::string&, const AuditExportSpec& spec) override {
    DB_ASSIGN_OR_RETURN(audit::ExportFormat format, audit::ParseExportFormat(spec.format));
    const std::string header = audit::ExportHeader(format);
    std::string out;
    Status read = ForEachAuditPage({.limit = spec.page_size > 0 ? spec.page_size : kAuditPage,
                                    .since = spec.since,
                                    .until = spec.until,
                                    .principal = spec.principal,
                                    .resource = spec.resource,
                                    .type = spec.type,
                                    .format = spec.format},
                                   [&](std::string_view body, uint64_t after) {
                                     // Every page repeats the CSV header; the export has it once.
                                     if (after > 0 && body.starts_with(header)) {
                                       body.remove_prefix(header.size());
                                     }
                                     out += body;
                                     return Status::Ok();
                                   });
    if (!read.ok()) return read;
    return out;
  }

 private:
  // Every page of GET /v1/audit for `query`, from the start: one answer holds at most a page
  // (1,000 events by default) and the filters run on the server, so a page may be empty without
  // being the end. The end is a page that read nothing (its last seq is where it started).
  // `visit` gets each page's body and the seq it started after (0 for the first page).
  Status ForEachAuditPage(client::AuditQuery query,
                          const std::function<Status(std::string_view, uint64_t)>& visit) {
    query.after = 0;
    while (true) {
      auto page = api_->ExportAudit(query);
      if (!page.ok()) return page.status();
      DB_RETURN_IF_ERROR(CheckProgress(query.after, page->last_seq));
      DB_RETURN_IF_ERROR(visit(page->body, query.after));
      if (page->last_seq == query.after) return Status::Ok();
      query.after = page->last_seq;
    }
  }

  std::unique_ptr<client::ApiClient> api_;
};

}  // namespace

StatusOr<std::unique_ptr<WorkflowBackend>> MakeRemoteBackend(const GlobalOptions& g) {
  auto config = LoadRemoteConfig(g);
  if (!config.ok()) return config.status();
  for (const std::string& warning : config->warnings) PrintNote("warning: " + warning);
  auto api = client::ApiClient::Create(*config);
  if (!api.ok()) return api.status();
  return std::unique_ptr<WorkflowBackend>(new RemoteBackend(std::move(api).value()));
}

}  // namespace drawbridge::cli
