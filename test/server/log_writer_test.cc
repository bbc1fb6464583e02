// Log lines are queued and written by one writer thread: none is lost, torn or reordered within
// the thread that logged it, and FlushLogs returns only once they are all out.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json.hpp>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "server/log.h"

namespace drawbridge::server {
namespace {

// Points stderr at a file for the life of the object.
class StderrToFile {
 public:
  explicit StderrToFile(const std::string& path) : path_(path) {
    FlushLogs();
    saved_ = ::dup(STDERR_FILENO);
    const int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY, 0600);
    ::dup2(fd, STDERR_FILENO);
    ::close(fd);
  }
  ~StderrToFile() {
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
    ::unlink(path_.c_str());
  }
  std::string Read() const {
    std::ifstream in(path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  std::string path_;
  int saved_ = -1;
};

// Test that lines logged by several threads at once all reach stderr whole, each thread's in
// the order it logged them, by the time FlushLogs returns.
TEST(LogWriterTest, EveryLineIsWrittenWholeAndInOrderByFlush) {
  StderrToFile capture(::testing::TempDir() + "/log_writer_test.txt");
  constexpr int kThreads = 4;
  constexpr int kLines = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t] {
      for (int i = 0; i < kLines; ++i) {
        Log(LogLevel::kInfo, "line", {{"thread", t}, {"n", i}, {"pad", std::string(100, 'x')}});
      }
    });
  }
  for (auto& thread : threads) thread.join();
  FlushLogs();
  std::istringstream lines(capture.Read());
  std::map<int64_t, int64_t> next;  // thread -> the n its next line must carry
  std::string text;
  int count = 0;
  while (std::getline(lines, text)) {
    boost::json::object line = boost::json::parse(text).as_object();
    ASSERT_EQ(line.at("msg").as_string(), "line") << text;
    const int64_t thread = line.at("thread").as_int64();
    EXPECT_EQ(line.at("n").as_int64(), next[thread]) << text;
    next[thread] = line.at("n").as_int64() + 1;
    ++count;
  }
  EXPECT_EQ(count, kThreads * kLines);
}

// Test that a line below the level set is not written at all.
TEST(LogWriterTest, LinesBelowTheLevelAreNotWritten) {
  StderrToFile capture(::testing::TempDir() + "/log_writer_level_test.txt");
  SetLogLevel(LogLevel::kWarn);
  Log(LogLevel::kInfo, "quiet");
  Log(LogLevel::kWarn, "loud");
  SetLogLevel(LogLevel::kInfo);
  FlushLogs();
  const std::string text = capture.Read();
  EXPECT_EQ(text.find("quiet"), std::string::npos) << text;
  EXPECT_NE(text.find("\"level\":\"warn\",\"msg\":\"loud\""), std::string::npos) << text;
}

}  // namespace
}  // namespace drawbridge::server
