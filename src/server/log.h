// Structured logs: one JSON object per line on stderr, {"time", "level", "msg", ...fields}.
// Callers pass only fields that are safe to log; tokens and secrets never reach here (the HTTP
// layer logs the token id, never the token). Thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <string_view>

namespace drawbridge::server {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

void SetLogLevel(LogLevel level);
void Log(LogLevel level, std::string_view message, boost::json::object fields = {});

}  // namespace drawbridge::server
