// Small file and output helpers for the commands.
#pragma once

#include <boost/json/value.hpp>
#include <string>
#include <string_view>

#include "drawbridge/status.h"

namespace drawbridge::cli {

StatusOr<std::string> ReadFile(const std::string& path);
// Prints a JSON value on one line to stdout.
void PrintJson(const boost::json::value& v);
// Text of several lines with each line escaped by audit::EscapeForTerminal (the line breaks
// stay): for multi-line text output that quotes user input.
std::string EscapeEachLine(std::string_view text);
// Prints "drawbridge: <message>" to stderr, each line escaped for the terminal.
void PrintError(const std::string& message);

}  // namespace drawbridge::cli
