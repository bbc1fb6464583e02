// JSON text made safe to print where a person may read it.
//
// A JSON encoder escapes only what JSON requires (quotes, backslashes, C0 controls), so text a
// requester typed can still carry characters a terminal acts on without showing them: C1
// controls (U+009B is a one-byte CSI), bidi overrides and isolates that reorder what the
// approver reads, zero-width characters and line or paragraph separators. Every JSON document
// the CLI prints passes through here once (cli/io.h), whatever the command.
//
// These characters can only occur inside string literals (JSON outside strings is ASCII), so
// replacing each with its \uXXXX escape keeps the document valid and its data unchanged: a JSON
// parser reads back the exact same strings. Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace drawbridge::cli {

// Whether a terminal could act on `code_point` without showing it: DEL, C1 controls
// U+0080..U+009F, U+061C, U+200B..U+200F, U+2028..U+202E, U+2060..U+2069 and U+FEFF.
bool IsInvisibleFormatCharacter(char32_t code_point);

// `json` with every such character written as a lowercase \uXXXX escape. Bytes that are not
// well-formed UTF-8 (which JSON cannot carry) become \ufffd. Everything else is kept as is.
std::string TerminalSafeJson(std::string_view json);

}  // namespace drawbridge::cli
