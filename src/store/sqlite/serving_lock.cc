#include "store/sqlite/serving_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>
#include <utility>

namespace drawbridge::sqlite {
namespace {

std::string LockPath(const std::string& database) {
  return database + ".serving";
}

StatusOr<int> OpenLockFile(const std::string& database) {
  const std::string path = LockPath(database);
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return Unavailable("cannot open the lock file " + path + ": " + std::strerror(errno));
  }
  return fd;
}

}  // namespace

StatusOr<ServingLock> ServingLock::Serve(const std::string& database,
                                         std::chrono::milliseconds wait) {
  DB_ASSIGN_OR_RETURN(int fd, OpenLockFile(database));
  ServingLock lock(fd);
  const auto deadline = std::chrono::steady_clock::now() + wait;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      return Unavailable("cannot lock " + LockPath(database) + ": " + std::strerror(errno));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return FailedPrecondition("the database " + database +
                                " is in use by another drawbridge server, or by a local command "
                                "that is changing it (" +
                                LockPath(database) + " is locked)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return lock;
}

StatusOr<ServingLock> ServingLock::Share(const std::string& database) {
  DB_ASSIGN_OR_RETURN(int fd, OpenLockFile(database));
  ServingLock lock(fd);
  int rc;
  do {
    rc = ::flock(fd, LOCK_SH | LOCK_NB);
  } while (rc != 0 && errno == EINTR);
  if (rc != 0 && errno == EWOULDBLOCK) {
    return FailedPrecondition(
        "a drawbridge server is serving " + database +
        ": it decides from grants held in memory and would not see this change. Send the "
        "command to the server instead (set DRAWBRIDGE_ADDR and DRAWBRIDGE_TOKEN, and leave out "
        "--db)");
  }
  if (rc != 0) {
    return Unavailable("cannot lock " + LockPath(database) + ": " + std::strerror(errno));
  }
  return lock;
}

ServingLock::ServingLock(ServingLock&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}

ServingLock& ServingLock::operator=(ServingLock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

ServingLock::~ServingLock() {
  if (fd_ >= 0) ::close(fd_);
}

}  // namespace drawbridge::sqlite
