#include "audit/event.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <string>

#include "audit/chain.h"

namespace drawbridge::audit {
namespace {

// The worked example of docs/AUDIT.md ("A worked example"); its hashes were computed there with
// xxd and sha256sum, independently of this code.
constexpr std::string_view kExampleCanonical1 =
    R"({"actor":"user:alice","details":{"reason":"deploy hotfix INC-42","resource":"db/orders-prod"},)"
    R"("prev_hash":"0000000000000000000000000000000000000000000000000000000000000000","seq":1,)"
    R"("subject":"req/1","tenant":"default","time_ms":1714557600000,"type":"request.created"})";
constexpr std::string_view kExampleHash1 =
    "f2efa6b2b2a3903a2c0a3c0e6afcef96358b250ab3589653c4075081574b343c";
constexpr std::string_view kExampleHash2 =
    "1ba32a6af358fa5f1af8b99700f01710caea7e0fc0661221d617398df7209c7e";

AuditEvent ExampleEvent1() {
  AuditEvent event;
  event.seq = 1;
  event.time_ms = 1714557600000;
  event.tenant = "default";
  event.actor = "user:alice";
  event.type = "request.created";
  event.subject = "req/1";
  event.details = {{"resource", "db/orders-prod"}, {"reason", "deploy hotfix INC-42"}};
  event.prev_hash = std::string(kGenesisHash);
  event.hash = std::string(kExampleHash1);
  return event;
}

// Test that the canonical encoding of the documented example is byte-exact.
TEST(AuditEvent, CanonicalJsonOfTheWorkedExample) {
  auto canonical = CanonicalEventJson(ExampleEvent1());
  ASSERT_TRUE(canonical.ok()) << canonical.status().ToString();
  EXPECT_EQ(*canonical, kExampleCanonical1);
}

// Test that the hash is SHA-256 of the raw previous hash followed by the canonical JSON, as the
// documented sha256sum recipe computes it.
TEST(AuditEvent, HashMatchesTheWorkedExample) {
  auto hash = ComputeEventHash(ExampleEvent1());
  ASSERT_TRUE(hash.ok()) << hash.status().ToString();
  EXPECT_EQ(*hash, kExampleHash1);
}

// Test that the chain produces the documented two-event example.
TEST(AuditEvent, ChainProducesTheWorkedExample) {
  auto chain = AuditChain::Start("default");
  ASSERT_TRUE(chain.ok());
  AuditEventDraft first{
      .time_ms = 1714557600000,
      .actor = "user:alice",
      .type = "request.created",
      .subject = "req/1",
      .details = {{"reason", "deploy hotfix INC-42"}, {"resource", "db/orders-prod"}}};
  AuditEventDraft second{.time_ms = 1714557660000,
                         .actor = "user:erin",
                         .type = "review.recorded",
                         .subject = "req/1",
                         .details = {{"decision", "approve"}, {"comment", "ok"}}};
  auto event1 = chain->Append(first);
  auto event2 = chain->Append(second);
  ASSERT_TRUE(event1.ok() && event2.ok());
  EXPECT_EQ(event1->hash, kExampleHash1);
  EXPECT_EQ(event2->prev_hash, kExampleHash1);
  EXPECT_EQ(event2->hash, kExampleHash2);
}

// Test that the hash field itself is not hashed, and every other field is.
TEST(AuditEvent, HashCoversEveryFieldButItself) {
  const AuditEvent base = ExampleEvent1();
  const std::string base_hash = *ComputeEventHash(base);
  AuditEvent with_other_hash = base;
  with_other_hash.hash = std::string(64, 'a');
  EXPECT_EQ(*ComputeEventHash(with_other_hash), base_hash);

  std::vector<void (*)(AuditEvent&)> edits = {
      [](AuditEvent& e) { e.seq = 2; },
      [](AuditEvent& e) { e.time_ms += 1; },
      [](AuditEvent& e) { e.tenant = "other"; },
      [](AuditEvent& e) { e.actor = "user:mallory"; },
      [](AuditEvent& e) { e.type = "request.denied"; },
      [](AuditEvent& e) { e.subject = "req/2"; },
      [](AuditEvent& e) { e.details["reason"] = "something else"; },
      [](AuditEvent& e) { e.prev_hash = std::string(64, '1'); },
  };
  for (auto edit : edits) {
    AuditEvent edited = base;
    edit(edited);
    EXPECT_NE(*ComputeEventHash(edited), base_hash);
  }
}

// Test that a JSON line parses back to the same event.
TEST(AuditEvent, JsonLineRoundTrips) {
  AuditEvent event = ExampleEvent1();
  event.details["argv"] = boost::json::array{"rm", "-rf", "/"};
  event.details["reason"] = "line\nbreak \x1b[2J and caf\xC3\xA9";
  event.details["count"] = -3;
  auto line = EventToJsonLine(event);
  ASSERT_TRUE(line.ok());
  auto parsed = ParseEventLine(*line);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(*parsed, event);
  EXPECT_TRUE(ParseEventLine(*line + "\n").ok());
  EXPECT_TRUE(ParseEventLine(*line + "\r\n").ok());
}

// Test that the stored line keeps user text escaped: no raw control byte survives.
TEST(AuditEvent, JsonLineHoldsNoRawControlBytes) {
  AuditEvent event = ExampleEvent1();
  event.subject = "\x1b]0;owned\x07";
  event.details["reason"] = "\x1b[31mred\r\x9b";
  auto line = EventToJsonLine(event);
  ASSERT_TRUE(line.ok());
  for (unsigned char c : *line) EXPECT_TRUE(c >= 0x20 && c != 0x7F) << int(c);
}

// Test that the parser refuses lines that are valid JSON but not canonical records.
TEST(AuditEvent, ParseIsStrict) {
  const std::string line = *EventToJsonLine(ExampleEvent1());
  auto replace = [&](std::string_view from, std::string_view to) {
    std::string copy = line;
    copy.replace(copy.find(from), from.size(), to);
    return copy;
  };
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"whitespace", replace(R"("seq":1)", R"("seq": 1)")},
      {"unsorted keys", replace(R"({"actor":"user:alice",)", R"({"zz":0,"actor":"user:alice",)")},
      {"float seq", replace(R"("seq":1)", R"("seq":1.0)")},
      {"string seq", replace(R"("seq":1)", R"("seq":"1")")},
      {"seq zero", replace(R"("seq":1)", R"("seq":0)")},
      {"negative time", replace(R"("time_ms":1714557600000)", R"("time_ms":-1)")},
      {"uppercase hash",
       replace(std::string(kExampleHash1),
               "F2EFA6B2B2A3903A2C0A3C0E6AFCEF96358B250AB3589653C4075081574B343C")},
      {"short prev_hash", replace(std::string(kGenesisHash), "00")},
      {"details array",
       replace(R"("details":{"reason":"deploy hotfix INC-42","resource":"db/orders-prod"})",
               R"("details":[])")},
      {"float in details", replace(R"("details":{)", R"("details":{"f":0.5,)")},
      {"bad type", replace(R"("request.created")", R"("Request")")},
      {"empty actor", replace(R"("user:alice")", R"("")")},
      {"bad tenant", replace(R"("default")", R"("de fault")")},
      {"escaped slash", replace("db/orders-prod", R"(db\/orders-prod)")},
      {"unicode escape", replace("alice", R"(\u0061lice)")},
      {"trailing garbage", line + "x"},
      {"two lines", line + "\n" + line},
      {"not an object", "[1,2,3]"},
      {"empty", ""},
      {"missing member", replace(R"("subject":"req/1",)", "")},
  };
  for (const auto& [name, text] : bad) {
    EXPECT_FALSE(ParseEventLine(text).ok()) << name << ": " << text;
  }
}

// Test that raw invalid UTF-8 inside a line is refused (the canonical form escapes it).
TEST(AuditEvent, ParseRejectsRawInvalidUtf8) {
  std::string line = *EventToJsonLine(ExampleEvent1());
  line.replace(line.find("alice"), 5, "al\xFFice");
  EXPECT_FALSE(ParseEventLine(line).ok());
}

// Test the syntax rules for tenants and event types.
TEST(AuditEvent, TenantAndTypeSyntax) {
  EXPECT_TRUE(ValidateTenant("default").ok());
  EXPECT_TRUE(ValidateTenant("acme-corp.eu:1_a").ok());
  EXPECT_FALSE(ValidateTenant("").ok());
  EXPECT_FALSE(ValidateTenant("-acme").ok());
  EXPECT_FALSE(ValidateTenant("a\nb").ok());
  EXPECT_FALSE(ValidateTenant(std::string(129, 'a')).ok());
  EXPECT_TRUE(ValidateEventType("grant.revoked").ok());
  EXPECT_TRUE(ValidateEventType("check.decided_v2.extra").ok());
  EXPECT_FALSE(ValidateEventType("grant").ok());
  EXPECT_FALSE(ValidateEventType("grant.").ok());
  EXPECT_FALSE(ValidateEventType(".grant").ok());
  EXPECT_FALSE(ValidateEventType("Grant.revoked").ok());
  EXPECT_FALSE(ValidateEventType("grant..revoked").ok());
}

// Test that every known event type has a row in docs/AUDIT.md's table of event types, which is
// what auditors read.
TEST(AuditEvent, EveryKnownTypeIsDocumented) {
  std::ifstream file(DRAWBRIDGE_SOURCE_DIR "/docs/AUDIT.md");
  ASSERT_TRUE(file) << "docs/AUDIT.md";
  std::string table;
  bool in_section = false;
  for (std::string line; std::getline(file, line);) {
    if (line.rfind("## ", 0) == 0) in_section = line.find("Event types") != std::string::npos;
    if (in_section && line.rfind("| `", 0) == 0)
      table += line.substr(0, line.find(" | ", 2)) + "\n";
  }
  ASSERT_FALSE(table.empty()) << "no event table under an \"Event types\" heading";
  for (std::string_view type : KnownEventTypes()) {
    EXPECT_NE(table.find("`" + std::string(type) + "`"), std::string::npos) << type;
  }
}

// Test that every listed event type is valid and known, and unknown valid names are allowed.
TEST(AuditEvent, KnownEventTypes) {
  for (std::string_view type : KnownEventTypes()) {
    EXPECT_TRUE(ValidateEventType(type).ok()) << type;
    EXPECT_TRUE(IsKnownEventType(type));
  }
  EXPECT_FALSE(IsKnownEventType("grant.teleported"));
  EXPECT_TRUE(ValidateEventType("grant.teleported").ok());
}

}  // namespace
}  // namespace drawbridge::audit
