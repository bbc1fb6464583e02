// Making recorded text safe to show on a terminal.
//
// Reasons, SQL and argv come from users. Printed raw, an ESC sequence in a reason could recolour,
// move the cursor, retitle the window or hide lines of `drawbridge audit tail`. These functions
// turn everything a terminal could interpret into visible escapes. Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "audit/event.h"

namespace drawbridge::audit {

// Rules (docs/AUDIT.md, "Terminal output"):
//   backslash                                   -> \\       (so escapes are unambiguous)
//   BEL BS TAB LF VT FF CR ESC                  -> \a \b \t \n \v \f \r \e
//   other C0 controls and DEL                   -> \xNN
//   C1 controls U+0080..U+009F                  -> \u{NN}   (U+009B is a one-byte CSI)
//   bidi controls U+061C U+200E U+200F U+202A..U+202E U+2066..U+2069, U+2028, U+2029
//                                               -> \u{NNNN} (they reorder or break lines)
//   each byte of ill-formed UTF-8               -> \xNN
//   everything else                             -> as is
// The output is valid UTF-8 and holds no byte below 0x20 and no DEL.
std::string EscapeForTerminal(std::string_view text);

// For JSON text (such as canonical JSON): escapes, as JSON \uXXXX escapes, what canonical JSON
// may leave raw but a terminal would act on (the bidi and line controls above), plus any control
// character or ill-formed byte (\ufffd) in case the input was not canonical. The result is the
// same JSON value, safe to print.
std::string EscapeJsonForTerminal(std::string_view json);

// One line for `audit tail`: "2024-05-01T10:00:00.000Z #12 default user:alice grant.revoked
// grant/7 {details}", every part escaped. No line terminator.
std::string FormatEventForTerminal(const AuditEvent& event);

}  // namespace drawbridge::audit
