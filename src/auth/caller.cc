#include "auth/caller.h"

namespace drawbridge::auth {

bool MayCheckFor(const Caller& caller, std::string_view principal) {
  switch (caller.role) {
    case TokenRole::kUser: return principal == caller.principal;
    case TokenRole::kChecker:
    case TokenRole::kAdmin: return true;
  }
  return false;
}

bool MayActAs(const Caller& caller, std::string_view principal) {
  return principal == caller.principal;
}

bool MayReview(const Caller& caller) {
  return caller.role == TokenRole::kUser || caller.role == TokenRole::kAdmin;
}

bool MayAdminister(const Caller& caller) {
  return caller.role == TokenRole::kAdmin;
}

}  // namespace drawbridge::auth
