// Small file and output helpers for the commands.
#pragma once

#include <boost/json/value.hpp>
#include <string>

#include "drawbridge/status.h"

namespace drawbridge::cli {

StatusOr<std::string> ReadFile(const std::string& path);
// Prints a JSON value on one line to stdout.
void PrintJson(const boost::json::value& v);
// Prints "drawbridge: <message>" to stderr.
void PrintError(const std::string& message);

}  // namespace drawbridge::cli
