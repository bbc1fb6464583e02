// Who may change a SQLite database while `drawbridge serve` runs on it.
//
// A server keeps its active grants in memory and decides from that index; it learns of the
// grant and request changes it makes itself, not of those another process writes to the same
// file. So the server holds an exclusive lock on "<database>.serving" for as long as it runs, and
// a local command that changes requests or grants (or consumes a grant) holds a shared one while
// it works: the command is refused while a server serves the file, and a second server cannot
// start on it. Tokens are not covered: the server re-reads them every second.
//
// flock(2) locks: released by the kernel when the process ends, however it ends.
// Not thread-safe; one per process and purpose.
#pragma once

#include <chrono>
#include <string>

#include "drawbridge/status.h"

namespace drawbridge::sqlite {

class ServingLock {
 public:
  // The server's lock. Waits up to `wait` for local commands that are writing to finish;
  // FailedPrecondition if the file is still held then (another server, or a command that does
  // not end).
  static StatusOr<ServingLock> Serve(const std::string& database, std::chrono::milliseconds wait);
  // A local command's lock. FailedPrecondition at once when a server holds the file.
  static StatusOr<ServingLock> Share(const std::string& database);

  ServingLock(ServingLock&& other) noexcept;
  ServingLock& operator=(ServingLock&& other) noexcept;
  ServingLock(const ServingLock&) = delete;
  ServingLock& operator=(const ServingLock&) = delete;
  ~ServingLock();

 private:
  explicit ServingLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace drawbridge::sqlite
