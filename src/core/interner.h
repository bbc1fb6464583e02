// Interner: maps strings to dense ids (0, 1, 2, ...) and back.
//
// Built once while a policy compiles, then read concurrently without locks (const methods only).
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace drawbridge::core {

using Id = uint32_t;
inline constexpr Id kNoId = UINT32_MAX;

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Open addressing over one flat array: a lookup on the check path costs a hash, one slot (or a
// few, with linear probing at most half full) and one string comparison, where a node-based map
// divides by a prime and follows two pointers per probe.
class Interner {
 public:
  Interner() = default;
  Interner(const Interner&) = delete;
  Interner& operator=(const Interner&) = delete;
  Interner(Interner&&) = default;
  Interner& operator=(Interner&&) = default;

  Id Intern(std::string_view name);
  Id Find(std::string_view name) const {
    if (slots_.empty()) return kNoId;
    const size_t hash = StringHash{}(name);
    const uint32_t tag = Tag(hash);
    for (size_t i = hash & mask_;; i = (i + 1) & mask_) {
      const Slot slot = slots_[i];
      if (slot.id == kNoId) return kNoId;
      if (slot.tag == tag && views_[slot.id] == name) return slot.id;
    }
  }
  std::string_view Name(Id id) const { return views_[id]; }
  size_t size() const { return views_.size(); }

 private:
  struct Slot {
    uint32_t tag;  // the hash's high half: most mismatches end here, before any string compare
    Id id;         // kNoId: empty
  };
  static uint32_t Tag(size_t hash) { return static_cast<uint32_t>(uint64_t{hash} >> 32); }
  void Place(Id id, size_t hash);
  void Grow();

  std::deque<std::string> names_;  // stable addresses for the views
  std::vector<std::string_view> views_;
  std::vector<Slot> slots_;  // a power of two in size, at most half full
  size_t mask_ = 0;
};

// A fixed-size set of small ids.
class IdSet {
 public:
  IdSet() = default;
  explicit IdSet(size_t universe) : words_((universe + 63) / 64, 0) {}
  void Resize(size_t universe) { words_.resize((universe + 63) / 64, 0); }
  void Add(Id id) {
    if (id / 64 >= words_.size()) words_.resize(id / 64 + 1, 0);
    words_[id / 64] |= uint64_t{1} << (id % 64);
  }
  bool Has(Id id) const {
    return id / 64 < words_.size() && (words_[id / 64] >> (id % 64) & 1) != 0;
  }
  bool Intersects(const IdSet& other) const {
    size_t n = words_.size() < other.words_.size() ? words_.size() : other.words_.size();
    for (size_t i = 0; i < n; ++i) {
      if ((words_[i] & other.words_[i]) != 0) return true;
    }
    return false;
  }
  void AddAll(const IdSet& other) {
    if (other.words_.size() > words_.size()) words_.resize(other.words_.size(), 0);
    for (size_t i = 0; i < other.words_.size(); ++i) words_[i] |= other.words_[i];
  }
  bool empty() const {
    for (uint64_t w : words_) {
      if (w != 0) return false;
    }
    return true;
  }
  template <typename F>
  void ForEach(F&& f) const {
    for (size_t i = 0; i < words_.size(); ++i) {
      for (uint64_t w = words_[i]; w != 0; w &= w - 1) {
        f(static_cast<Id>(i * 64 + static_cast<size_t>(__builtin_ctzll(w))));
      }
    }
  }

 private:
  std::vector<uint64_t> words_;
};

}  // namespace drawbridge::core
