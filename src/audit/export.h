// Export of audit events as JSONL (the record, lossless) or CSV (for spreadsheets), with filters.
//
// JSONL lines are exactly the stored canonical records (audit/event.h), so an export can be
// re-verified. CSV follows RFC 4180 (CRLF rows, quoted cells), shows times as RFC 3339, renders
// text with EscapeForTerminal, and defuses formula injection: a cell starting with = + - @ TAB or
// CR gets a leading apostrophe. CSV is for reading, not for re-verification. Pure, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "audit/event.h"
#include "drawbridge/status.h"

namespace drawbridge::audit {

enum class ExportFormat { kJsonl, kCsv };

// "jsonl" or "csv".
StatusOr<ExportFormat> ParseExportFormat(std::string_view name);

// Every set criterion must hold.
struct ExportFilter {
  std::optional<int64_t> since_ms;  // time_ms >= since_ms
  std::optional<int64_t> until_ms;  // time_ms < until_ms
  std::string principal;            // == actor, subject or details.principal
  std::string resource;             // == details.resource
  std::string type;                 // exact, or a prefix when it ends in "." or ".*" ("grant.")
};

bool MatchesFilter(const AuditEvent& event, const ExportFilter& filter);

// What precedes the records: the CSV header row; nothing for JSONL.
std::string ExportHeader(ExportFormat format);

// One record with its line terminator ("\n" for JSONL, "\r\n" for CSV).
StatusOr<std::string> ExportRecord(const AuditEvent& event, ExportFormat format);

// Header plus every matching event, in the given order.
StatusOr<std::string> ExportEvents(std::span<const AuditEvent> events, const ExportFilter& filter,
                                   ExportFormat format);

// One CSV cell: formula prefixes defused, quoted when it holds , " CR or LF.
std::string CsvCell(std::string_view text);

}  // namespace drawbridge::audit
