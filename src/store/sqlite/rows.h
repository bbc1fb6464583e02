// How Drawbridge's records map to rows of the SQLite schema (migrations.cc): the column lists
// and the functions that bind a record to a statement's parameters and read one back from a
// result row. Enums are stored by name ("pending"), lists as JSON (list_codec.h).
//
// Thread-safety: the SQL strings are immutable statics; the functions touch only their
// arguments.
#pragma once

#include <optional>
#include <string>

#include "drawbridge/model.h"
#include "drawbridge/status.h"
#include "drawbridge/store.h"
#include "store/sqlite/connection.h"

namespace drawbridge::sqlite {

// Comma-separated column names in the order Bind*/Read* use them.
extern const char* const kRequestColumns;  // 30 columns, tenant and id first
extern const char* const kGrantColumns;    // 17 columns, tenant and id first
extern const char* const kAuditColumns;    // 9 columns
extern const char* const kOutboxColumns;   // 8 columns, id first
// A grant's terms (GrantTerms): 10 columns, id first.
extern const char* const kGrantTermsColumns;

// Binds parameters 1..N from the record.
void BindRequest(Statement& statement, const Request& request);
void BindGrant(Statement& statement, const Grant& grant);
void BindAudit(Statement& statement, const AuditRecord& event);

// Reads columns 0..N-1 of the current row (selected with the column list above). kDataLoss when
// a stored value cannot be a field of the record.
Status ReadRequest(const Statement& row, Request& request);
Status ReadGrant(const Statement& row, Grant& grant);
Status ReadGrantTerms(const Statement& row, GrantTerms& terms);
void ReadAudit(const Statement& row, AuditRecord& event);
void ReadOutbox(const Statement& row, OutboxMessage& message);

// Reads an enum stored by name in `column` with `parse` ("pending" -> kPending); kDataLoss naming
// `what` when the stored name is unknown.
template <typename Enum, typename Parse>
Status ReadEnum(const Statement& row, int column, Parse parse, Enum& out, const char* what) {
  std::optional<Enum> value = parse(row.Text(column));
  if (!value) {
    return DataLoss("stored " + std::string(what) + " '" + row.String(column) + "' is unknown");
  }
  out = *value;
  return Status::Ok();
}

}  // namespace drawbridge::sqlite
