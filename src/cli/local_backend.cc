// WorkflowBackend in this process: the service on a SQLite file (cli/local.h). Whoever can write
// the database file administers it, so --as is trusted here as an administrator.
#include <optional>
#include <thread>

#include "audit/export.h"
#include "audit/time_format.h"
#include "cli/backend.h"
#include "service/audit_records.h"
#include "store/sqlite/serving_lock.h"
#include "store/sqlite/sqlite_store.h"

namespace drawbridge::cli {
namespace {

class LocalBackend final : public WorkflowBackend {
 public:
  explicit LocalBackend(GlobalOptions g) : g_(std::move(g)) {}

  bool remote() const override { return false; }
  std::string Where() const override { return "the database " + g_.db; }
  StatusOr<client::Identity> WhoAmI() override {
    return client::Identity{.principal = g_.as, .tenant = "default"};
  }

  StatusOr<Request> RequestAccess(const client::AccessRequestSpec& spec,
                                  const LocalClaims& claims) override {
    DB_ASSIGN_OR_RETURN(LocalSession * s, WritingSession());
    workflow::AccessRequestInput in;
    in.requester = g_.as;
    in.group_claims = claims.groups;
    in.mfa = claims.mfa;
    in.source_ip = claims.source_ip;
    in.roles = spec.roles;
    in.scope = spec.scope;
    in.duration_seconds = spec.duration_seconds;
    in.not_before = spec.not_before;
    in.reason = spec.reason;
    in.ticket = spec.ticket;
    in.rule = spec.rule;
    in.break_glass = spec.break_glass;
    if (!spec.extends.empty()) {
      auto grant = s->store().GetGrant(s->service().tenant(), spec.extends);
      if (!grant.ok()) return grant.status();
      if (!grant->has_value()) return NotFound("no grant '" + spec.extends + "' to extend");
      in.extends = **grant;
    }
    return s->service().RequestAccess(in);
  }

  StatusOr<Request> RequestAction(const client::ActionRequestSpec& spec,
                                  const LocalClaims& claims) override {
    DB_ASSIGN_OR_RETURN(LocalSession * s, WritingSession());
    api::CheckInput input = spec.check;
    input.principal = g_.as;
    input.groups = claims.groups;
    input.mfa = claims.mfa;
    input.source_ip = claims.source_ip;
    service::ActionRequest req;
    req.check = input.View();
    req.reason = spec.reason;
    req.ticket = spec.ticket;
    req.source_ip = claims.source_ip;
    return s->service().RequestAction(req);
  }

  StatusOr<Request> GetRequest(const std::string& id) override {
    DB_ASSIGN_OR_RETURN(LocalSession * s, Session());
    auto r = s->store().GetRequest(s->service().tenant(), id);
    if (!r.ok()) return r.status();
    if (!r->has_value()) return NotFound("no request '" + id + "'");
    return **r;
  }

  // Another process decides; this one re-reads the database about twice a second.
  StatusOr<Request> WaitRequest(const std::string& id, size_t reviews_seen,
                                std::chrono::seconds wait,
                                const client::KeepGoing& keep_going) override {
    auto deadline = std::chrono::steady_clock::now() + wait;
    auto next_read = std::chrono::steady_clock::now();
    while (true) {
      if (std::chrono::steady_clock::now() >= next_read) {
        auto r = GetRequest(id);
        if (!r.ok() || r->state != RequestState::kPending || r->reviews.size() != reviews_seen ||
            std::chrono::steady_clock::now() >= deadline) {
          return r;
        }
        next_read += std::chrono::milliseconds(500);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (keep_going && !keep_going()) return Unavailable(std::string(client::kInterruptedMessage));
    }
  }

  StatusOr<std::vector<Request>> ListRequests(const client::RequestQuery& query) override {
    DB_ASSIGN_OR_RETURN(LocalSession * s, Session());
    RequestFilter f;
    f.tenant = s->service().tenant();
    if (!query.state.empty()) {
      f.state = ParseRequestState(query.state);
      if (!f.state) return InvalidArgument("unknown state '" + query.state + "'");
    }
    if (query.mine) f.requester = g_.as;
    if (query.limit > 0) f.limit = static_cast<size_t>(query.limit);
    return s->store().ListRequests(f);
  }

  StatusOr<Request> Review(const std::string& id, bool approve, const std::string& comment,
                           const LocalClaims& claims) override {
    DB_ASSIGN_OR_RETURN(LocalSession * s, WritingSession());
    return s->service().Review(
        id,
        {.reviewer = g_.as, .group_claims = claims.groups, .approve = approve, .comment = comment});
  }

  StatusOr<Request> CloseBreakGlassReview(const std::string& id, bool justified,
                                          const std::string& comment,
                                          const LocalClaims& claims) override {
    DB_ASSIGN_OR_RETURN(LocalSession * s, WritingSession());
    return s->service().CloseBreakGlassReview(id, {.reviewer = g_.as,
                                                   .group_claims = claims.groups,
                                                   .approve = justified,
                                                   .comment = comment});
  }

  StatusOr<Request> Cancel(const std::string& id) override {
    DB_ASSIGN_OR_RETURN(LocalSession * s, WritingSession());
    return s->service().Cancel(id, g_.as);
  }

  StatusOr<std::vector<Grant>> ListGrants(const client::GrantQuery& query) override {
    DB_ASSIGN_OR_RETURN(LocalSession * s, Session());
    GrantFilter f;
    f.tenant = s->service().tenant();
    if (!query.state.empty()) {
      f.state = ParseGrantState(query.state);
      if (!f.state) return InvalidArgument("unknown grant state '" + query.state + "'");
    }
    if (query.mine) f.principal = g_.as;
    if (!query.principal.empty()) f.principal = query.principal;
    if (query.limit > 0) f.limit = static_cast<size_t>(query.limit);
    return s->store().ListGrants(f);
  }

  StatusOr<Grant> Revoke(const std::string& id, const std::string& reason) override {
    DB_ASSIGN_OR_RETURN(LocalSession * s, WritingSession());
    return s->service().Revoke(id, {.actor = g_.as, .actor_is_admin = true, .reason = reason});
  }

  StatusOr<Grant> Release(const std::string& id) override {
    DB_ASSIGN_OR_RETURN(LocalSession * s, WritingSession());
    return s->service().Release(id, g_.as);
  }

  StatusOr<core::Explanation> Check(const api::CheckInput& input) override {
    DB_ASSIGN_OR_RETURN(LocalSession * s, WritingSession());
    return s->service().Check(input.View()).explanation;
  }

  StatusOr<service::SweepReport> Sweep() override {
    DB_ASSIGN_OR_RETURN(LocalSession * s, WritingSession());
    return s->service().Sweep();
  }

  // Reads the file directly: auditing needs no policy, and never creates a database.
  StatusOr<std::vector<audit::AuditEvent>> ReadAudit(const std::string& tenant) override {
    if (g_.db.empty()) {
      return InvalidArgument("no database: give --db FILE (or set DRAWBRIDGE_DB)");
    }
    auto store = SqliteStore::Open({.path = g_.db, .create_if_missing = false});
    if (!store.ok()) return store.status().WithContext("opening " + g_.db);
    std::vector<audit::AuditEvent> events;
    uint64_t after = 0;
    while (true) {
      auto batch = (*store)->ReadAudit({.tenant = tenant, .after_seq = after, .limit = 10000});
      if (!batch.ok()) return batch.status();
      if (batch->empty()) break;
      for (const AuditRecord& r : *batch) {
        auto e = service::FromRecord(r);
        if (!e.ok()) return e.status();
        events.push_back(std::move(e).value());
      }
      after = batch->back().seq;
    }
    return events;
  }

  StatusOr<std::string> ExportAudit(const std::string& tenant,
                                    const AuditExportSpec& spec) override {
    DB_ASSIGN_OR_RETURN(audit::ExportFormat format, audit::ParseExportFormat(spec.format));
    audit::ExportFilter filter;
    filter.principal = spec.principal;
    filter.resource = spec.resource;
    filter.type = spec.type;
    if (!spec.since.empty()) {
      DB_ASSIGN_OR_RETURN(filter.since_ms, audit::ParseRfc3339Millis(spec.since));
    }
    if (!spec.until.empty()) {
      DB_ASSIGN_OR_RETURN(filter.until_ms, audit::ParseRfc3339Millis(spec.until));
    }
    DB_ASSIGN_OR_RETURN(auto events, ReadAudit(tenant));
    return audit::ExportEvents(events, filter, format);
  }

 private:
  // For the calls that change requests or grants (a check may consume one): refused while a
  // server serves the database, whose in-memory grants would not see the change.
  StatusOr<LocalSession*> WritingSession() {
    if (!writing_lock_) {
      auto lock = sqlite::ServingLock::Share(g_.db);
      if (!lock.ok()) return lock.status();
      writing_lock_.emplace(std::move(lock).value());
    }
    return Session();
  }

  StatusOr<LocalSession*> Session() {
    if (!session_) {
      auto opened = LocalSession::Open(g_);
      if (!opened.ok()) return opened.status();
      session_ = std::move(opened).value();
    }
    return session_.get();
  }

  GlobalOptions g_;
  std::optional<sqlite::ServingLock> writing_lock_;  // outlives the session
  std::unique_ptr<LocalSession> session_;
};

}  // namespace

std::unique_ptr<WorkflowBackend> MakeLocalBackend(const GlobalOptions& g) {
  return std::make_unique<LocalBackend>(g);
}

}  // namespace drawbridge::cli
