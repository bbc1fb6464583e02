// Small helpers the per-program rules use to read argument vectors. Pure; thread-safe.
#pragma once

#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "classify/shell/shell_syntax.h"

namespace drawbridge::classify::shell {

using Args = std::span<const Word>;

// True for a bundle of short options ("-rf") that holds `letter`, before any "--".
bool HasShortFlag(Args args, char letter);
// True for "--name" or "--name=value", before any "--".
bool HasLongFlag(Args args, std::string_view name);
// The value of "--name=value", "--name value" or (when `letter` is set) "-Xvalue" / "-X value".
bool FlagValue(Args args, std::string_view name, char letter, std::string& value);
// True when some argument equals `text` exactly (any quoting).
bool HasArg(Args args, std::string_view text);
// Arguments that are not options: skips "-x" and "--x", and the value after each option listed
// in `takes_value` ("-n", "--namespace"); everything after "--" is positional.
std::vector<const Word*> Positionals(Args args,
                                     std::initializer_list<std::string_view> takes_value = {});
// ASCII lower case.
std::string Lower(std::string_view text);
// True when `text` contains `needle` ignoring ASCII case.
bool ContainsNoCase(std::string_view text, std::string_view needle);

}  // namespace drawbridge::classify::shell
