// Structured logs: one JSON object per line on stderr, {"time", "level", "msg", ...fields}.
// Callers pass only fields that are safe to log; tokens and secrets never reach here (the HTTP
// layer logs the token id, never the token). Thread-safe.
//
// A caller only formats its line and queues it; one writer thread writes what is queued, many
// lines per write. An I/O thread therefore never waits for stderr (a slow pipe or journald): if
// the queue is full the line is dropped and counted, and the next line written says how many.
#pragma once

#include <atomic>
#include <boost/json/object.hpp>
#include <cstdint>
#include <string_view>

namespace drawbridge::server {

enum class LogLevel { kDebug, kInfo, kWarn, kError };

void SetLogLevel(LogLevel level);
void Log(LogLevel level, std::string_view message, boost::json::object fields = {});
// Returns once every line queued before the call has been written (or could not be), or after
// 5 s when stderr does not take them.
void FlushLogs();

// Lets through at most `per_second` lines of one kind a second (refused logins, rate-limited
// calls: what comes in floods) and counts the rest, so that the next line let through can say
// how many were left out. Lock-free and approximate at the edge of a second.
class LogBudget {
 public:
  explicit LogBudget(uint32_t per_second) : per_second_(per_second) {}

  // True when a line may be written now; `left_out` is then the number not written since the
  // last one that was.
  bool Take(int64_t now_seconds, uint64_t& left_out);

 private:
  const uint32_t per_second_;
  std::atomic<int64_t> second_{0};
  std::atomic<uint32_t> used_{0};
  std::atomic<uint64_t> left_out_{0};
};

}  // namespace drawbridge::server
