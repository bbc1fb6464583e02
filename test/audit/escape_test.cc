#include "audit/escape.h"

#include <gtest/gtest.h>

#include "audit_test_util.h"

namespace drawbridge::audit {
namespace {

bool HasNoTerminalControls(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7F) return false;
  }
  return text.find("\xC2\x9B") == std::string_view::npos;
}

// Test that ANSI escape sequences in a reason come out as visible text.
TEST(EscapeForTerminal, NeutralisesAnsiSequences) {
  const std::string reason = "fixing \x1b[2J\x1b[1;1Hall clear\x1b]0;pwned\x07 \x1b[31mred";
  const std::string shown = EscapeForTerminal(reason);
  EXPECT_EQ(shown, R"(fixing \e[2J\e[1;1Hall clear\e]0;pwned\a \e[31mred)");
  EXPECT_TRUE(HasNoTerminalControls(shown));
}

// Test that carriage returns cannot overwrite what came before on the line.
TEST(EscapeForTerminal, NeutralisesCarriageReturnAndLineBreaks) {
  EXPECT_EQ(EscapeForTerminal("approved\rdenied\nnext\ttab\b\f\v"),
            R"(approved\rdenied\nnext\ttab\b\f\v)");
}

// Test that other C0 controls and DEL become \xNN, and a backslash is doubled.
TEST(EscapeForTerminal, EscapesOtherControlsAndBackslash) {
  EXPECT_EQ(EscapeForTerminal(std::string("a\x00"
                                          "b\x01\x7f\\",
                                          6)),
            R"(a\x00b\x01\x7f\\)");
}

// Test that C1 controls (the 8-bit CSI included) and bidi overrides are escaped.
TEST(EscapeForTerminal, EscapesC1AndBidiControls) {
  EXPECT_EQ(EscapeForTerminal("\xC2\x9B"
                              "31m"),
            R"(\u{9b}31m)");
  EXPECT_EQ(EscapeForTerminal("\xC2\x85"), R"(\u{85})");
  EXPECT_EQ(EscapeForTerminal("user\xE2\x80\xAEnimda"), R"(user\u{202e}nimda)");
  EXPECT_EQ(EscapeForTerminal("\xE2\x81\xA6x\xE2\x80\xA8"), R"(\u{2066}x\u{2028})");
}

// Test that invalid UTF-8 shows as byte escapes and valid text is untouched.
TEST(EscapeForTerminal, EscapesInvalidUtf8AndKeepsValidText) {
  EXPECT_EQ(EscapeForTerminal("a\xFF\xC3"), R"(a\xff\xc3)");
  EXPECT_EQ(EscapeForTerminal("caf\xC3\xA9 \xE2\x82\xAC SELECT 1;"),
            "caf\xC3\xA9 \xE2\x82\xAC SELECT 1;");
}

// Test that every single byte value comes out free of terminal controls.
TEST(EscapeForTerminal, NoByteSurvivesRaw) {
  for (int byte = 0; byte < 256; ++byte) {
    std::string input(1, static_cast<char>(byte));
    EXPECT_TRUE(HasNoTerminalControls(EscapeForTerminal(input))) << byte;
  }
}

// Test that the tail line of an event with hostile text is one safe line.
TEST(FormatEventForTerminal, RendersHostileEventsSafely) {
  auto events = testing::MakeEvents(1);
  AuditEvent event = events[0];
  event.subject = "req/1\x1b[1A\x1b[2K";
  event.details["reason"] = "ok\r\x1b[32mAPPROVED\xC2\x9B";
  const std::string line = FormatEventForTerminal(event);
  EXPECT_TRUE(HasNoTerminalControls(line)) << line;
  EXPECT_EQ(line.rfind("2024-05-01T10:00:00.000Z #1 default user:alice request.created ", 0), 0u)
      << line;
  EXPECT_NE(line.find(R"(req/1\e[1A\e[2K)"), std::string::npos) << line;
}

}  // namespace
}  // namespace drawbridge::audit
