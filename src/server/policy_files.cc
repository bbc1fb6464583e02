#include "server/policy_files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>
#include <system_error>

#include "policy/loader.h"

namespace drawbridge::server {
namespace {

namespace fs = std::filesystem;

std::string ErrnoText() {
  return std::strerror(errno);
}

// Written and flushed to the disk before it may replace anything.
Status WriteDurably(const fs::path& path, std::string_view text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Unavailable("cannot write " + path.string() + ": " + ErrnoText());
  size_t written = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      Status failed = Unavailable("cannot write " + path.string() + ": " + ErrnoText());
      ::close(fd);
      return failed;
    }
    written += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) {
    Status failed = Unavailable("cannot flush " + path.string() + ": " + ErrnoText());
    ::close(fd);
    return failed;
  }
  ::close(fd);
  return Status::Ok();
}

void SyncDirectory(const fs::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  (void)::fsync(fd);
  ::close(fd);
}

// `path` without a trailing separator, so that "policy/" and "policy" stage the same sibling.
fs::path Normalized(const std::string& path) {
  fs::path p = fs::path(path).lexically_normal();
  if (p.filename().empty()) p = p.parent_path();
  return p;
}

}  // namespace

std::string PolicyFileNameProblem(std::string_view name) {
  const std::string quoted = "'" + std::string(name) + "'";
  if (name.empty()) return "a policy file needs a name";
  if (name.find('/') != std::string_view::npos || name.find('\0') != std::string_view::npos ||
      name.front() == '.') {
    return quoted + " is not a plain file name (no '/', not starting with '.')";
  }
  if (!policy::IsPolicyFile(fs::path(name))) {
    return quoted +
           " is not a file the policy is read from: a *.yaml or *.yml that is not a policy test "
           "file";
  }
  return "";
}

StatusOr<StagedPolicy> StagedPolicy::Stage(const std::string& path, const PolicyFiles& files) {
  const fs::path target = Normalized(path);
  std::error_code ec;
  const bool directory = fs::is_directory(target, ec);
  if (files.empty()) return InvalidArgument("send at least one policy file");
  const fs::path staged = target.string() + ".new";
  fs::remove_all(staged, ec);  // what a crash may have left
  if (!directory) {
    if (files.size() != 1) {
      return InvalidArgument("this tenant's policy is the one file " + target.filename().string() +
                             "; send one file, not " + std::to_string(files.size()));
    }
    DB_RETURN_IF_ERROR(WriteDurably(staged, files.front().second));
    return StagedPolicy(target.string(), staged.string(), /*directory=*/false);
  }

  std::set<std::string_view> names;
  for (const auto& [name, text] : files) {
    if (std::string problem = PolicyFileNameProblem(name); !problem.empty()) {
      return InvalidArgument(problem);
    }
    if (!names.insert(name).second) return InvalidArgument("the file '" + name + "' is sent twice");
  }
  // The new directory takes the old one's permissions.
  if (!fs::create_directory(staged, target, ec) || ec) {
    return Unavailable("cannot create " + staged.string() + ": " + ec.message());
  }
  StagedPolicy result(target.string(), staged.string(), /*directory=*/true);
  for (const auto& [name, text] : files) DB_RETURN_IF_ERROR(WriteDurably(staged / name, text));
  // Whatever the loader does not read (policy tests, notes, subdirectories) stays with the policy.
  for (const fs::directory_entry& entry : fs::directory_iterator(target, ec)) {
    if (entry.is_regular_file() && policy::IsPolicyFile(entry.path())) continue;
    fs::copy(entry.path(), staged / entry.path().filename(),
             fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
    if (ec) {
      return Unavailable("cannot carry " + entry.path().string() +
                         " over to the new policy: " + ec.message());
    }
  }
  if (ec) return Unavailable("cannot list " + target.string() + ": " + ec.message());
  SyncDirectory(staged);
  return result;
}

StagedPolicy::StagedPolicy(StagedPolicy&& other) noexcept
    : path_(std::move(other.path_)),
      staged_(std::exchange(other.staged_, std::string())),
      directory_(other.directory_) {}

StagedPolicy::~StagedPolicy() {
  if (staged_.empty()) return;
  std::error_code ec;
  fs::remove_all(staged_, ec);
}

Status StagedPolicy::Commit() {
  if (staged_.empty()) return FailedPrecondition("the staged policy was already committed");
  if (!directory_) {
    if (std::rename(staged_.c_str(), path_.c_str()) != 0) {
      return Unavailable("cannot rename " + staged_ + " to " + path_ + ": " + ErrnoText());
    }
    staged_.clear();
    SyncDirectory(fs::path(path_).parent_path());
    return Status::Ok();
  }
  // One atomic swap: a reader sees the old directory or the new one, never a mix. The old
  // policy ends up under the staged name and is removed with it.
  if (::renameat2(AT_FDCWD, staged_.c_str(), AT_FDCWD, path_.c_str(), RENAME_EXCHANGE) != 0) {
    if (errno != EINVAL && errno != ENOSYS) {
      return Unavailable("cannot put " + staged_ + " in the place of " + path_ + ": " +
                         ErrnoText());
    }
    // A file system without the exchange: two renames, with a moment in between when the
    // policy directory is missing (a reload then fails and the policy in force keeps serving).
    const std::string old = path_ + ".old";
    std::error_code ec;
    fs::remove_all(old, ec);
    if (std::rename(path_.c_str(), old.c_str()) != 0) {
      return Unavailable("cannot move " + path_ + " aside: " + ErrnoText());
    }
    if (std::rename(staged_.c_str(), path_.c_str()) != 0) {
      Status failed =
          Unavailable("cannot put " + staged_ + " in the place of " + path_ + ": " + ErrnoText());
      (void)std::rename(old.c_str(), path_.c_str());
      return failed;
    }
    fs::rename(old, staged_, ec);  // removed below with what was staged
  }
  SyncDirectory(fs::path(path_).parent_path());
  std::error_code ec;
  fs::remove_all(staged_, ec);
  staged_.clear();
  return Status::Ok();
}

}  // namespace drawbridge::server
