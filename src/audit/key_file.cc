#include "audit/key_file.h"

#include <fcntl.h>
#include <openssl/crypto.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace drawbridge::audit {
namespace {

constexpr std::size_t kMaxKeyFileSize = 64 * 1024;

std::string ErrnoText() {
  return std::strerror(errno);
}

class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  int get() const { return fd_; }
  // Closes now, reporting the error close(2) may carry for a written file.
  bool Close() {
    int fd = fd_;
    fd_ = -1;
    return ::close(fd) == 0;
  }

 private:
  int fd_;
};

Status WriteAll(int fd, const std::string& path, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t written = ::write(fd, bytes.data(), bytes.size());
    if (written < 0) {
      if (errno == EINTR) continue;
      return Unavailable("cannot write " + path + ": " + ErrnoText());
    }
    bytes.remove_prefix(static_cast<std::size_t>(written));
  }
  return Status::Ok();
}

Status WriteNewFile(const std::string& path, std::string_view bytes, mode_t mode, int extra_flags) {
  FileDescriptor fd(
      ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | extra_flags, mode));
  if (fd.get() < 0) {
    if (errno == EEXIST) {
      return AlreadyExists(path + " already exists; refusing to overwrite a key");
    }
    return Unavailable("cannot create " + path + ": " + ErrnoText());
  }
  DB_RETURN_IF_ERROR(WriteAll(fd.get(), path, bytes));
  if (::fsync(fd.get()) != 0 || !fd.Close()) {
    return Unavailable("cannot save " + path + ": " + ErrnoText());
  }
  return Status::Ok();
}

// Reads a whole small regular file; `private_key` adds the permission check.
StatusOr<std::string> ReadKeyFile(const std::string& path, bool private_key) {
  FileDescriptor fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return NotFound("key file " + path + " does not exist");
    return Unavailable("cannot open " + path + ": " + ErrnoText());
  }
  struct stat info {};
  if (::fstat(fd.get(), &info) != 0) return Unavailable("cannot stat " + path + ": " + ErrnoText());
  if (!S_ISREG(info.st_mode)) return InvalidArgument(path + " is not a regular file");
  if (private_key && (info.st_mode & 077) != 0) {
    return PermissionDenied("private key " + path +
                            " is accessible by group or others; run: chmod 600 " + path);
  }
  if (static_cast<std::size_t>(info.st_size) > kMaxKeyFileSize) {
    return InvalidArgument(path + " is too large to be a key file");
  }
  std::string contents(static_cast<std::size_t>(info.st_size), '\0');
  std::size_t done = 0;
  while (done < contents.size()) {
    ssize_t got = ::read(fd.get(), contents.data() + done, contents.size() - done);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return Unavailable("cannot read " + path + ": " + ErrnoText());
    if (got == 0) break;
    done += static_cast<std::size_t>(got);
  }
  contents.resize(done);
  return contents;
}

}  // namespace

StatusOr<SigningKey> GenerateSigningKey(const std::string& path) {
  DB_ASSIGN_OR_RETURN(SigningKey key, SigningKey::Generate());
  std::string pem = key.ToPem();
  if (pem.empty()) return Internal("cannot encode the new key as PEM");
  Status written = WriteNewFile(path, pem, 0600, O_EXCL);
  OPENSSL_cleanse(pem.data(), pem.size());
  DB_RETURN_IF_ERROR(written);
  return key;
}

StatusOr<SigningKey> LoadSigningKey(const std::string& path) {
  DB_ASSIGN_OR_RETURN(std::string pem, ReadKeyFile(path, /*private_key=*/true));
  StatusOr<SigningKey> key = SigningKey::FromPem(pem);
  OPENSSL_cleanse(pem.data(), pem.size());
  if (!key.ok()) return key.status().WithContext(path);
  return key;
}

Status WriteVerifyingKey(const std::string& path, const VerifyingKey& key) {
  std::string pem = key.ToPem();
  if (pem.empty()) return Internal("cannot encode the public key as PEM");
  return WriteNewFile(path, pem, 0644, O_TRUNC);
}

StatusOr<VerifyingKey> LoadVerifyingKey(const std::string& path) {
  DB_ASSIGN_OR_RETURN(std::string pem, ReadKeyFile(path, /*private_key=*/false));
  StatusOr<VerifyingKey> key = VerifyingKey::FromPem(pem);
  if (!key.ok()) return key.status().WithContext(path);
  return key;
}

}  // namespace drawbridge::audit
