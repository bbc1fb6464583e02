#include "audit/export.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "audit/verify.h"
#include "audit_test_util.h"

namespace drawbridge::audit {
namespace {

std::vector<std::string> Lines(std::string_view text, std::string_view terminator) {
  std::vector<std::string> lines;
  while (!text.empty()) {
    std::size_t end = text.find(terminator);
    lines.emplace_back(text.substr(0, end));
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + terminator.size());
  }
  return lines;
}

// An audit log with varied types, principals and resources.
std::vector<AuditEvent> SampleLog() {
  auto chain = AuditChain::Start("default");
  std::vector<AuditEvent> events;
  auto add = [&](int64_t time_ms, std::string actor, std::string type, std::string subject,
                 boost::json::object details) {
    auto event = chain->Append({.time_ms = time_ms,
                                .actor = std::move(actor),
                                .type = std::move(type),
                                .subject = std::move(subject),
                                .details = std::move(details)});
    EXPECT_TRUE(event.ok()) << event.status().ToString();
    events.push_back(*event);
  };
  add(1000, "user:alice", "request.created", "req/1",
      {{"principal", "user:alice"}, {"resource", "db/orders-prod"}});
  add(2000, "user:erin", "review.recorded", "req/1", {{"decision", "approve"}});
  add(3000, "system:workflow", "grant.activated", "grant/1",
      {{"principal", "user:alice"}, {"resource", "db/orders-prod"}});
  add(4000, "user:bob", "request.created", "req/2",
      {{"principal", "user:bob"}, {"resource", "k8s/prod"}});
  add(5000, "system:sweeper", "grant.expired", "grant/1",
      {{"principal", "user:alice"}, {"resource", "db/orders-prod"}});
  add(6000, "user:grace", "policy.changed", "policy/7", {});
  return events;
}

std::vector<uint64_t> MatchingSeqs(const std::vector<AuditEvent>& events,
                                   const ExportFilter& filter) {
  std::vector<uint64_t> seqs;
  for (const AuditEvent& event : events) {
    if (MatchesFilter(event, filter)) seqs.push_back(event.seq);
  }
  return seqs;
}

using Seqs = std::vector<uint64_t>;

// Filters built field by field, reading like the CLI flags they come from.
struct Filter {
  ExportFilter filter;
  Filter& Since(int64_t ms) {
    filter.since_ms = ms;
    return *this;
  }
  Filter& Until(int64_t ms) {
    filter.until_ms = ms;
    return *this;
  }
  Filter& Principal(std::string p) {
    filter.principal = std::move(p);
    return *this;
  }
  Filter& Resource(std::string r) {
    filter.resource = std::move(r);
    return *this;
  }
  Filter& Type(std::string t) {
    filter.type = std::move(t);
    return *this;
  }
  operator const ExportFilter&() const { return filter; }  // NOLINT(google-explicit-constructor)
};

// Test that the JSONL export is the canonical lines, which parse and verify again.
TEST(Export, JsonlIsReverifiable) {
  const auto events = SampleLog();
  auto exported = ExportEvents(events, {}, ExportFormat::kJsonl);
  ASSERT_TRUE(exported.ok());
  std::vector<AuditEvent> parsed;
  for (const std::string& line : Lines(*exported, "\n")) {
    auto event = ParseEventLine(line);
    ASSERT_TRUE(event.ok()) << event.status().ToString();
    parsed.push_back(*event);
  }
  EXPECT_EQ(parsed, events);
  EXPECT_TRUE(VerifyChain(parsed).ok());
}

// Test the CSV header and a row's columns, times and CRLF endings.
TEST(Export, CsvHasHeaderColumnsAndRfc3339Times) {
  const auto events = SampleLog();
  auto exported = ExportEvents(std::span(events).first(1), {}, ExportFormat::kCsv);
  ASSERT_TRUE(exported.ok());
  const auto rows = Lines(*exported, "\r\n");
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], "seq,time,tenant,actor,type,subject,details,prev_hash,hash");
  EXPECT_EQ(rows[1],
            "1,1970-01-01T00:00:01.000Z,default,user:alice,request.created,req/1,"
            R"("{""principal"":""user:alice"",""resource"":""db/orders-prod""}",)" +
                std::string(kGenesisHash) + "," + events[0].hash);
}

// Test RFC 4180 quoting of commas, quotes and line breaks.
TEST(Export, CsvQuotesPerRfc4180) {
  EXPECT_EQ(CsvCell("plain"), "plain");
  EXPECT_EQ(CsvCell("a,b"), R"("a,b")");
  EXPECT_EQ(CsvCell(R"(say "hi")"), R"("say ""hi""")");
  EXPECT_EQ(CsvCell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvCell(""), "");
}

// Test that cells that a spreadsheet would run as formulas are defused with an apostrophe.
TEST(Export, CsvDefusesFormulaInjection) {
  EXPECT_EQ(CsvCell("=HYPERLINK(\"http://evil\")"), "\"'=HYPERLINK(\"\"http://evil\"\")\"");
  EXPECT_EQ(CsvCell("+1"), "'+1");
  EXPECT_EQ(CsvCell("-2+3"), "'-2+3");
  EXPECT_EQ(CsvCell("@SUM(A1)"), "'@SUM(A1)");
  EXPECT_EQ(CsvCell("\tx"), "'\tx");
  EXPECT_EQ(CsvCell("a=b"), "a=b");
}

// Test that an event whose subject and actor are formulas and escape codes exports safely.
TEST(Export, CsvRowOfAHostileEventIsSafe) {
  auto chain = AuditChain::Start("default");
  auto event = chain->Append({.time_ms = 0,
                              .actor = "=cmd|' /C calc'!A0",
                              .type = "request.created",
                              .subject = "@x\x1b[2J",
                              .details = {{"reason", "-1\n\x1b[31m"}}});
  ASSERT_TRUE(event.ok());
  auto row = ExportRecord(*event, ExportFormat::kCsv);
  ASSERT_TRUE(row.ok());
  EXPECT_NE(row->find(",'=cmd|' /C calc'!A0,"), std::string::npos) << *row;
  EXPECT_NE(row->find(R"(,'@x\e[2J,)"), std::string::npos) << *row;
  for (unsigned char c : row->substr(0, row->size() - 2)) EXPECT_GE(c, 0x20) << *row;
}

// Test the time-range filter: since inclusive, until exclusive.
TEST(Export, FiltersByTimeRange) {
  const auto events = SampleLog();
  EXPECT_EQ(MatchingSeqs(events, Filter().Since(2000).Until(5000)), (Seqs{2, 3, 4}));
  EXPECT_EQ(MatchingSeqs(events, Filter().Since(5000)), (Seqs{5, 6}));
  EXPECT_EQ(MatchingSeqs(events, Filter().Until(1000)), Seqs{});
}

// Test that the principal filter matches actor, subject or details.principal.
TEST(Export, FiltersByPrincipal) {
  const auto events = SampleLog();
  EXPECT_EQ(MatchingSeqs(events, Filter().Principal("user:alice")), (Seqs{1, 3, 5}));
  EXPECT_EQ(MatchingSeqs(events, Filter().Principal("user:erin")), (Seqs{2}));
  EXPECT_EQ(MatchingSeqs(events, Filter().Principal("grant/1")), (Seqs{3, 5}));
}

// Test that the resource filter matches details.resource exactly.
TEST(Export, FiltersByResource) {
  const auto events = SampleLog();
  EXPECT_EQ(MatchingSeqs(events, Filter().Resource("db/orders-prod")), (Seqs{1, 3, 5}));
  EXPECT_EQ(MatchingSeqs(events, Filter().Resource("db/orders")), Seqs{});
}

// Test the type filter: exact names, and prefixes ending in "." or ".*".
TEST(Export, FiltersByTypeExactOrPrefix) {
  const auto events = SampleLog();
  EXPECT_EQ(MatchingSeqs(events, Filter().Type("grant.")), (Seqs{3, 5}));
  EXPECT_EQ(MatchingSeqs(events, Filter().Type("grant.*")), (Seqs{3, 5}));
  EXPECT_EQ(MatchingSeqs(events, Filter().Type("request.created")), (Seqs{1, 4}));
  EXPECT_EQ(MatchingSeqs(events, Filter().Type("grant")), Seqs{});
  EXPECT_EQ(MatchingSeqs(events, Filter().Type("request.create")), Seqs{});
}

// Test that criteria combine with AND, and the export holds only matching events.
TEST(Export, CombinesFilters) {
  const auto events = SampleLog();
  ExportFilter filter = Filter().Since(2000).Principal("user:alice").Type("grant.");
  EXPECT_EQ(MatchingSeqs(events, filter), (Seqs{3, 5}));
  auto exported = ExportEvents(events, filter, ExportFormat::kJsonl);
  ASSERT_TRUE(exported.ok());
  EXPECT_EQ(Lines(*exported, "\n").size(), 2u);
}

// Test the format names.
TEST(Export, ParsesFormatNames) {
  EXPECT_EQ(*ParseExportFormat("jsonl"), ExportFormat::kJsonl);
  EXPECT_EQ(*ParseExportFormat("csv"), ExportFormat::kCsv);
  EXPECT_FALSE(ParseExportFormat("xml").ok());
}

}  // namespace
}  // namespace drawbridge::audit
