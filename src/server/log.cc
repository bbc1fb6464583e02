#include "server/log.h"

#include <unistd.h>

#include <atomic>
#include <boost/json.hpp>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

#include "audit/time_format.h"

namespace drawbridge::server {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::kInfo)};

// What waits for stderr at most; past it lines are dropped rather than held in memory.
constexpr size_t kMaxQueuedBytes = 8 << 20;
// How long the writer lets lines gather after the first wakes it.
constexpr auto kGather = std::chrono::milliseconds(2);

// Writes everything to `fd`, retrying short writes; gives up on an error (stderr closed).
void WriteAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return;
    }
    bytes.remove_prefix(static_cast<size_t>(written));
  }
}

std::string DroppedLine(uint64_t dropped);

// The queue of formatted lines and the one thread that writes them to stderr. It lives until the
// process ends (never destroyed): a writer stuck on a stalled stderr must not hold up exit.
class LogWriter {
 public:
  LogWriter() : thread_([this] { Loop(); }) { thread_.detach(); }

  void Push(std::string&& line) {
    std::unique_lock lock(mu_);
    if (queued_.size() + line.size() > kMaxQueuedBytes) {
      ++dropped_;
      return;
    }
    queued_ += line;
    ++pushed_;
    // Only a line that finds the writer asleep wakes it; the rest ride along with that one.
    const bool wake = idle_;
    idle_ = false;
    lock.unlock();
    if (wake) wake_.notify_one();
  }

  // Bounded: stderr that nobody reads must not keep the server from exiting.
  void Flush() {
    std::unique_lock lock(mu_);
    const uint64_t target = pushed_;
    done_.wait_for(lock, std::chrono::seconds(5), [&] { return written_ >= target; });
  }

 private:
  void Loop() {
    std::string batch;
    std::unique_lock lock(mu_);
    for (;;) {
      idle_ = true;
      wake_.wait(lock, [&] { return !queued_.empty() || dropped_ > 0; });
      idle_ = false;
      // Lines that come meanwhile share this write: at line rate the writer wakes a few hundred
      // times a second, not once a line.
      lock.unlock();
      std::this_thread::sleep_for(kGather);
      lock.lock();
      batch.clear();
      if (dropped_ > 0) batch = DroppedLine(dropped_);
      dropped_ = 0;
      batch += queued_;
      queued_.clear();
      const uint64_t taken = pushed_;
      lock.unlock();
      WriteAll(STDERR_FILENO, batch);
      lock.lock();
      written_ = taken;
      done_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable wake_;
  std::condition_variable done_;
  std::string queued_;
  uint64_t pushed_ = 0;   // lines queued since start
  uint64_t written_ = 0;  // of those, lines written
  uint64_t dropped_ = 0;  // lines dropped since the last batch
  bool idle_ = false;     // the writer waits for a line
  std::thread thread_;    // last: starts once the members it uses exist
};

LogWriter& Writer() {
  static LogWriter* const writer = new LogWriter;
  return *writer;
}

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

namespace {

std::string FormatLine(LogLevel level, std::string_view message, boost::json::object fields) {
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
  return text;
}

std::string DroppedLine(uint64_t dropped) {
  return FormatLine(LogLevel::kWarn, "log lines dropped: stderr did not keep up",
                    {{"dropped", dropped}});
}

}  // namespace

void Log(LogLevel level, std::string_view message, boost::json::object fields) {
  if (static_cast<int>(level) < g_level.load(std::memory_order_relaxed)) return;
  Writer().Push(FormatLine(level, message, std::move(fields)));
}

void FlushLogs() {
  Writer().Flush();
}

}  // namespace drawbridge::server
