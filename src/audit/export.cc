#include "audit/export.h"

#include "audit/canonical_json.h"
#include "audit/escape.h"
#include "audit/time_format.h"

namespace drawbridge::audit {
namespace {

bool DetailEquals(const AuditEvent& event, std::string_view key, std::string_view expected) {
  const boost::json::value* value = event.details.if_contains(key);
  return value != nullptr && value->is_string() && value->get_string() == expected;
}

bool TypeMatches(std::string_view type, std::string_view pattern) {
  if (pattern.ends_with(".*")) pattern.remove_suffix(1);
  if (pattern.ends_with('.')) return type.starts_with(pattern);
  return type == pattern;
}

}  // namespace

StatusOr<ExportFormat> ParseExportFormat(std::string_view name) {
  if (name == "jsonl") return ExportFormat::kJsonl;
  if (name == "csv") return ExportFormat::kCsv;
  return InvalidArgument("unknown export format \"" + EscapeForTerminal(name) +
                         "\"; use jsonl or csv");
}

bool MatchesFilter(const AuditEvent& event, const ExportFilter& filter) {
  if (filter.since_ms.has_value() && event.time_ms < *filter.since_ms) return false;
  if (filter.until_ms.has_value() && event.time_ms >= *filter.until_ms) return false;
  if (!filter.principal.empty() && event.actor != filter.principal &&
      event.subject != filter.principal && !DetailEquals(event, "principal", filter.principal)) {
    return false;
  }
  if (!filter.resource.empty() && !DetailEquals(event, "resource", filter.resource)) return false;
  if (!filter.type.empty() && !TypeMatches(event.type, filter.type)) return false;
  return true;
}

std::string CsvCell(std::string_view text) {
  std::string cell;
  if (!text.empty() && (text.front() == '=' || text.front() == '+' || text.front() == '-' ||
                        text.front() == '@' || text.front() == '\t' || text.front() == '\r')) {
    cell.push_back('\'');
  }
  cell += text;
  if (cell.find_first_of(",\"\r\n") == std::string::npos) return cell;
  std::string quoted = "\"";
  for (char c : cell) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

std::string ExportHeader(ExportFormat format) {
  switch (format) {
    case ExportFormat::kJsonl: return {};
    case ExportFormat::kCsv: return "seq,time,tenant,actor,type,subject,details,prev_hash,hash\r\n";
  }
  return {};
}

StatusOr<std::string> ExportRecord(const AuditEvent& event, ExportFormat format) {
  switch (format) {
    case ExportFormat::kJsonl: {
      DB_ASSIGN_OR_RETURN(std::string line, EventToJsonLine(event));
      line.push_back('\n');
      return line;
    }
    case ExportFormat::kCsv: {
      std::string details;
      DB_RETURN_IF_ERROR(AppendCanonicalJson(details, event.details, "details"));
      const std::string time = FormatRfc3339Millis(event.time_ms);
      std::string row = std::to_string(event.seq);
      for (std::string_view cell : {std::string_view(time), std::string_view(event.tenant),
                                    std::string_view(event.actor), std::string_view(event.type),
                                    std::string_view(event.subject), std::string_view(details)}) {
        row += ',';
        row += CsvCell(EscapeForTerminal(cell));
      }
      row += ',';
      row += CsvCell(event.prev_hash);
      row += ',';
      row += CsvCell(event.hash);
      row += "\r\n";
      return row;
    }
  }
  return Internal("unknown export format");
}

StatusOr<std::string> ExportEvents(std::span<const AuditEvent> events, const ExportFilter& filter,
                                   ExportFormat format) {
  std::string out = ExportHeader(format);
  for (const AuditEvent& event : events) {
    if (!MatchesFilter(event, filter)) continue;
    DB_ASSIGN_OR_RETURN(std::string record, ExportRecord(event, format));
    out += record;
  }
  return out;
}

}  // namespace drawbridge::audit
