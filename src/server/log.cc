#include "server/log.h"

#include <atomic>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <mutex>

#include "audit/time_format.h"

namespace drawbridge::server {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};
std::mutex g_mu;

std::string_view LevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarn: return "warn";
    case LogLevel::kError: return "error";
  }
  return "info";
}

}  // namespace

bool LogBudget::Take(int64_t now_seconds, uint64_t& left_out) {
  // Only forward: a caller holding a second already passed must not restart the budget. The
  // one that moves it on resets the count; a few lines counted in between may be lost.
  int64_t second = second_.load(std::memory_order_relaxed);
  while (now_seconds > second) {
    if (second_.compare_exchange_weak(second, now_seconds, std::memory_order_relaxed)) {
      used_.store(0, std::memory_order_relaxed);
      break;
    }
  }
  if (used_.fetch_add(1, std::memory_order_relaxed) >= per_second_) {
    left_out_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  left_out = left_out_.exchange(0, std::memory_order_relaxed);
  return true;
}

void SetLogLevel(LogLevel level) {
  g_level = static_cast<int>(level);
}

void Log(LogLevel level, std::string_view message, boost::json::object fields) {
  if (static_cast<int>(level) < g_level.load(std::memory_order_relaxed)) return;
  int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  boost::json::object line;
  line["time"] = audit::FormatRfc3339Millis(now_ms);
  line["level"] = LevelName(level);
  line["msg"] = message;
  for (auto& [k, v] : fields) line[k] = std::move(v);
  std::string text = boost::json::serialize(line);
  text += '\n';
  std::lock_guard lock(g_mu);
  std::fwrite(text.data(), 1, text.size(), stderr);
  std::fflush(stderr);
}

}  // namespace drawbridge::server
