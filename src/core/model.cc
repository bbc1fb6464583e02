#include "drawbridge/model.h"

#include <array>

namespace drawbridge {
namespace {

template <typename E, size_t N>
std::optional<E> Parse(const std::array<std::string_view, N>& names, std::string_view name) {
  for (size_t i = 0; i < N; ++i) {
    if (names[i] == name) return static_cast<E>(i);
  }
  return std::nullopt;
}

constexpr std::array<std::string_view, 2> kKinds = {"access", "action"};
constexpr std::array<std::string_view, 9> kRequestStates = {"pending", "approved",  "active",
                                                            "denied",  "cancelled", "expired",
                                                            "revoked", "consumed",  "released"};
constexpr std::array<std::string_view, 5> kGrantStates = {"active", "expired", "revoked",
                                                          "released", "consumed"};

}  // namespace

std::string_view RequestKindName(RequestKind kind) {
  return kKinds[static_cast<size_t>(kind)];
}
std::string_view RequestStateName(RequestState state) {
  return kRequestStates[static_cast<size_t>(state)];
}
std::string_view GrantStateName(GrantState state) {
  return kGrantStates[static_cast<size_t>(state)];
}
std::optional<RequestKind> ParseRequestKind(std::string_view name) {
  return Parse<RequestKind>(kKinds, name);
}
std::optional<RequestState> ParseRequestState(std::string_view name) {
  return Parse<RequestState>(kRequestStates, name);
}
std::optional<GrantState> ParseGrantState(std::string_view name) {
  return Parse<GrantState>(kGrantStates, name);
}

bool IsTerminal(RequestState state) {
  switch (state) {
    case RequestState::kPending:
    case RequestState::kApproved:
    case RequestState::kActive: return false;
    case RequestState::kDenied:
    case RequestState::kCancelled:
    case RequestState::kExpired:
    case RequestState::kRevoked:
    case RequestState::kConsumed:
    case RequestState::kReleased: return true;
  }
  return true;
}

}  // namespace drawbridge
