#include "store/sqlite/rows.h"

#include <string>

#include "store/sqlite/list_codec.h"

namespace drawbridge::sqlite {

const char* const kRequestColumns =
    "tenant, id, kind, state, requester, reason, ticket, source_ip, rule, policy_version, roles, "
    "actions, scope_resource, scope_selector, duration_seconds, not_before, action, resource, "
    "payload_kind, payload, facts, fingerprint, uses, break_glass, post_review_open, created_at, "
    "updated_at, pending_expires_at, reviews, grant_id, self_approval";

const char* const kGrantColumns =
    "tenant, id, request_id, principal, kind, state, actions, scope_resource, scope_selector, "
    "fingerprint, not_before, expires_at, uses_left, break_glass, created_at, ended_at, ended_by";

const char* const kGrantTermsColumns =
    "id, principal, kind, actions, scope_resource, scope_selector, fingerprint, not_before, "
    "expires_at, uses_left";

const char* const kAuditColumns =
    "tenant, seq, time_ms, actor, type, subject, details, prev_hash, hash";

const char* const kOutboxColumns =
    "id, tenant, event_type, payload, created_at, attempts, next_attempt_at, delivered";

void BindRequest(Statement& s, const Request& r) {
  // Fields are bound in place (the caller steps before the record can change); the JSON texts
  // are temporaries, so they are bound as copies.
  s.BindText(1, r.tenant);
  s.BindText(2, r.id);
  s.BindText(3, RequestKindName(r.kind));
  s.BindText(4, RequestStateName(r.state));
  s.BindText(5, r.requester);
  s.BindText(6, r.reason);
  s.BindText(7, r.ticket);
  s.BindText(8, r.source_ip);
  s.BindText(9, r.rule);
  s.BindText(10, r.policy_version);
  s.BindTextCopy(11, EncodeStrings(r.roles));
  s.BindTextCopy(12, EncodeStrings(r.actions));
  s.BindText(13, r.scope.resource);
  s.BindTextCopy(14, EncodeSelector(r.scope.selector));
  s.BindInt(15, r.duration_seconds);
  s.BindInt(16, r.not_before);
  s.BindText(17, r.action);
  s.BindText(18, r.resource);
  s.BindText(19, r.payload_kind);
  s.BindText(20, r.payload);
  s.BindTextCopy(21, EncodeStrings(r.facts));
  s.BindText(22, r.fingerprint);
  s.BindInt(23, r.uses);
  s.BindInt(24, r.break_glass ? 1 : 0);
  s.BindInt(25, r.post_review_open ? 1 : 0);
  s.BindInt(26, r.created_at);
  s.BindInt(27, r.updated_at);
  s.BindInt(28, r.pending_expires_at);
  s.BindTextCopy(29, EncodeReviews(r.reviews));
  s.BindText(30, r.grant_id);
  s.BindInt(31, r.self_approval_allowed ? 1 : 0);
}

Status ReadRequest(const Statement& row, Request& r) {
  r.tenant = row.Text(0);
  r.id = row.Text(1);
  DB_RETURN_IF_ERROR(ReadEnum(row, 2, ParseRequestKind, r.kind, "request kind"));
  DB_RETURN_IF_ERROR(ReadEnum(row, 3, ParseRequestState, r.state, "request state"));
  r.requester = row.Text(4);
  r.reason = row.Text(5);
  r.ticket = row.Text(6);
  r.source_ip = row.Text(7);
  r.rule = row.Text(8);
  r.policy_version = row.Text(9);
  DB_RETURN_IF_ERROR(DecodeStrings(row.Text(10), r.roles));
  DB_RETURN_IF_ERROR(DecodeStrings(row.Text(11), r.actions));
  r.scope.resource = row.Text(12);
  DB_RETURN_IF_ERROR(DecodeSelector(row.Text(13), r.scope.selector));
  r.duration_seconds = row.Int(14);
  r.not_before = row.Int(15);
  r.action = row.Text(16);
  r.resource = row.Text(17);
  r.payload_kind = row.Text(18);
  r.payload = row.Text(19);
  DB_RETURN_IF_ERROR(DecodeStrings(row.Text(20), r.facts));
  r.fingerprint = row.Text(21);
  r.uses = static_cast<int32_t>(row.Int(22));
  r.break_glass = row.Int(23) != 0;
  r.post_review_open = row.Int(24) != 0;
  r.created_at = row.Int(25);
  r.updated_at = row.Int(26);
  r.pending_expires_at = row.Int(27);
  DB_RETURN_IF_ERROR(DecodeReviews(row.Text(28), r.reviews));
  r.grant_id = row.Text(29);
  r.self_approval_allowed = row.Int(30) != 0;
  return Status::Ok();
}

void BindGrant(Statement& s, const Grant& g) {
  s.BindText(1, g.tenant);
  s.BindText(2, g.id);
  s.BindText(3, g.request_id);
  s.BindText(4, g.principal);
  s.BindText(5, RequestKindName(g.kind));
  s.BindText(6, GrantStateName(g.state));
  s.BindTextCopy(7, EncodeStrings(g.actions));
  s.BindText(8, g.scope.resource);
  s.BindTextCopy(9, EncodeSelector(g.scope.selector));
  s.BindText(10, g.fingerprint);
  s.BindInt(11, g.not_before);
  s.BindInt(12, g.expires_at);
  s.BindInt(13, g.uses_left);
  s.BindInt(14, g.break_glass ? 1 : 0);
  s.BindInt(15, g.created_at);
  s.BindInt(16, g.ended_at);
  s.BindText(17, g.ended_by);
}

Status ReadGrant(const Statement& row, Grant& g) {
  g.tenant = row.Text(0);
  g.id = row.Text(1);
  g.request_id = row.Text(2);
  g.principal = row.Text(3);
  DB_RETURN_IF_ERROR(ReadEnum(row, 4, ParseRequestKind, g.kind, "grant kind"));
  DB_RETURN_IF_ERROR(ReadEnum(row, 5, ParseGrantState, g.state, "grant state"));
  DB_RETURN_IF_ERROR(DecodeStrings(row.Text(6), g.actions));
  g.scope.resource = row.Text(7);
  DB_RETURN_IF_ERROR(DecodeSelector(row.Text(8), g.scope.selector));
  g.fingerprint = row.Text(9);
  g.not_before = row.Int(10);
  g.expires_at = row.Int(11);
  g.uses_left = static_cast<int32_t>(row.Int(12));
  g.break_glass = row.Int(13) != 0;
  g.created_at = row.Int(14);
  g.ended_at = row.Int(15);
  g.ended_by = row.Text(16);
  return Status::Ok();
}

Status ReadGrantTerms(const Statement& row, GrantTerms& t) {
  t.id = row.Text(0);
  t.principal = row.Text(1);
  DB_RETURN_IF_ERROR(ReadEnum(row, 2, ParseRequestKind, t.kind, "grant kind"));
  DB_RETURN_IF_ERROR(DecodeStrings(row.Text(3), t.actions));
  t.scope.resource = row.Text(4);
  DB_RETURN_IF_ERROR(DecodeSelector(row.Text(5), t.scope.selector));
  t.fingerprint = row.Text(6);
  t.not_before = row.Int(7);
  t.expires_at = row.Int(8);
  t.uses_left = static_cast<int32_t>(row.Int(9));
  return Status::Ok();
}

void BindAudit(Statement& s, const AuditRecord& e) {
  s.BindText(1, e.tenant);
  s.BindInt(2, static_cast<int64_t>(e.seq));
  s.BindInt(3, e.time_ms);
  s.BindText(4, e.actor);
  s.BindText(5, e.type);
  s.BindText(6, e.subject);
  s.BindText(7, e.details);
  s.BindText(8, e.prev_hash);
  s.BindText(9, e.hash);
}

void ReadAudit(const Statement& row, AuditRecord& e) {
  e.tenant = row.Text(0);
  e.seq = static_cast<uint64_t>(row.Int(1));
  e.time_ms = row.Int(2);
  e.actor = row.Text(3);
  e.type = row.Text(4);
  e.subject = row.Text(5);
  e.details = row.Text(6);
  e.prev_hash = row.Text(7);
  e.hash = row.Text(8);
}

void ReadOutbox(const Statement& row, OutboxMessage& m) {
  m.id = row.Int(0);
  m.tenant = row.Text(1);
  m.event_type = row.Text(2);
  m.payload = row.Text(3);
  m.created_at = row.Int(4);
  m.attempts = static_cast<int>(row.Int(5));
  m.next_attempt_at = row.Int(6);
  m.delivered = row.Int(7) != 0;
}

}  // namespace drawbridge::sqlite
