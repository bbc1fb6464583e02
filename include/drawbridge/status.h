// Status and StatusOr<T>: errors as values at every boundary.
//
// A Status is either OK or carries a code and a message written for the person who has to act on
// it ("policy.yaml:12:5: unknown key 'aprovers'; did you mean 'approvers'?"). Both types are
// [[nodiscard]] so that an error cannot be dropped silently. Thread-compatible value types.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace drawbridge {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller's input is wrong; fix the input
  kNotFound,            // the named thing does not exist
  kAlreadyExists,       // a thing with that name exists
  kFailedPrecondition,  // the system is not in a state where this can happen (e.g. request not
                        // pending)
  kPermissionDenied,    // the caller may not do this
  kUnauthenticated,     // no or bad credentials
  kResourceExhausted,   // a limit was hit
  kUnavailable,         // a dependency cannot be reached; retrying may help
  kDataLoss,            // stored data is damaged (e.g. an audit chain that does not verify)
  kInternal,            // a broken invariant; a bug
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "INVALID_ARGUMENT: message", or "OK".
  std::string ToString() const;

  // Prefixes the message with context ("loading grants: ..."), keeping the code.
  Status WithContext(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status InvalidArgument(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFound(std::string m) {
  return {StatusCode::kNotFound, std::move(m)};
}
inline Status AlreadyExists(std::string m) {
  return {StatusCode::kAlreadyExists, std::move(m)};
}
inline Status FailedPrecondition(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status PermissionDenied(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status Unavailable(std::string m) {
  return {StatusCode::kUnavailable, std::move(m)};
}
inline Status ResourceExhausted(std::string m) {
  return {StatusCode::kResourceExhausted, std::move(m)};
}
inline Status DataLoss(std::string m) {
  return {StatusCode::kDataLoss, std::move(m)};
}
inline Status Internal(std::string m) {
  return {StatusCode::kInternal, std::move(m)};
}

// Holds either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  StatusOr(const T& value) : value_(value) {}             // NOLINT(google-explicit-constructor)
  StatusOr(T&& value) : value_(std::move(value)) {}       // NOLINT(google-explicit-constructor)
  StatusOr(Status status) : status_(std::move(status)) {  // NOLINT(google-explicit-constructor)
    assert(!status_.ok() && "StatusOr needs a value or an error");
    if (status_.ok()) status_ = Internal("StatusOr constructed from an OK status without a value");
  }

  bool ok() const { return value_.has_value(); }
  const Status& status() const { return status_; }

  T& value() & { return *value_; }
  const T& value() const& { return *value_; }
  T&& value() && { return std::move(*value_); }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  Status status_;
  std::optional<T> value_;
};

}  // namespace drawbridge

// Returns early from the enclosing function when `expr` (a Status) is not OK.
#define DB_RETURN_IF_ERROR(expr)              \
  do {                                        \
    ::drawbridge::Status db_status_ = (expr); \
    if (!db_status_.ok()) return db_status_;  \
  } while (false)

#define DB_CONCAT_INNER_(a, b) a##b
#define DB_CONCAT_(a, b) DB_CONCAT_INNER_(a, b)
// `DB_ASSIGN_OR_RETURN(auto x, MakeX());` assigns the value or returns the error.
#define DB_ASSIGN_OR_RETURN(lhs, expr)                  \
  auto DB_CONCAT_(db_statusor_, __LINE__) = (expr);     \
  if (!DB_CONCAT_(db_statusor_, __LINE__).ok())         \
    return DB_CONCAT_(db_statusor_, __LINE__).status(); \
  lhs = std::move(DB_CONCAT_(db_statusor_, __LINE__)).value()
