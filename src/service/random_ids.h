// Request and grant ids for a running service: a prefix and 16 random lowercase base32
// characters (80 bits from the OS random source), so ids are unguessable and never collide in
// practice across processes sharing one store. Thread-safe.
#pragma once

#include <mutex>
#include <random>
#include <string>

#include "core/workflow/ids.h"

namespace drawbridge::service {

class RandomIdSource final : public workflow::IdSource {
 public:
  std::string NewRequestId() override { return Make("r-"); }
  std::string NewGrantId() override { return Make("g-"); }

 private:
  std::string Make(const char* prefix) {
    static constexpr char kAlphabet[] = "abcdefghijklmnopqrstuvwxyz234567";
    std::lock_guard lock(mu_);
    std::string id = prefix;
    for (int i = 0; i < 16; ++i) id += kAlphabet[random_() % 32];
    return id;
  }

  std::mutex mu_;
  std::random_device random_;
};

}  // namespace drawbridge::service
