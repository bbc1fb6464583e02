// GrantIndex: the in-memory index of grants that the decision path reads (never the disk).
//
// Access grants are found by (principal, scope) where a scope is one resource ("res:<id>") or a
// label selector ("sel:env=prod,kind=postgres"; the resource kind is the label "kind"). For a
// check, the index probes the resource's own key plus one key per selector shape in use, so a
// lookup costs a handful of hash probes whatever the number of grants. Action grants are found by
// their fingerprint. Time is checked at lookup: an expired grant never matches, swept or not.
//
// Thread-safety: any number of concurrent readers (Find*, Consume) and writers (Add, Remove);
// readers share a lock, writers take it exclusively. Consume is atomic: of many concurrent
// consumers of a single-use grant exactly one succeeds. A Loader holds the exclusive lock for its
// whole life, so it is used by one thread and nothing else reads or writes meanwhile.
#pragma once

#include <cstdint>
#include <memory>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/compiled_policy.h"
#include "drawbridge/decision.h"
#include "drawbridge/status.h"

namespace drawbridge::core {

enum class GrantKind : uint8_t { kAccess, kAction };

struct GrantScope {
  std::string resource;                                       // set: one resource
  std::vector<std::pair<std::string, std::string>> selector;  // else: every label must equal
};

// What a grant allows, as the index needs it. The store keeps the full record.
struct GrantSpec {
  std::string id;
  std::string principal;
  GrantKind kind = GrantKind::kAccess;
  std::vector<std::string> actions;  // access: action names or "prefix.*" / "*" patterns
  GrantScope scope;                  // access
  Digest fingerprint{};              // action
  int64_t not_before = 0;            // Unix seconds, inclusive
  int64_t expires_at = 0;            // Unix seconds, exclusive
  int32_t uses = -1;                 // uses left; -1 = unlimited

  // "res:<id>" or "sel:" + labels sorted by name as "label=value" joined by ",".
  std::string ScopeKey() const;
};

// A grant found by a lookup. `slot` identifies it to Consume; valid until the grant is removed.
struct GrantHit {
  uint32_t slot = UINT32_MAX;
  uint32_t generation = 0;  // guards against the slot being reused by another grant
  bool found() const { return slot != UINT32_MAX; }
};

class GrantIndex {
 public:
  GrantIndex();
  ~GrantIndex();
  GrantIndex(const GrantIndex&) = delete;
  GrantIndex& operator=(const GrantIndex&) = delete;

  // Adds a grant; replaces one with the same id, principal and scope. Bad specs (empty id,
  // invalid principal, no actions, empty scope, expires_at <= not_before) are refused.
  Status Add(const GrantSpec& spec);
  // Removes by identity; returns false when no such grant is indexed.
  bool Remove(const GrantSpec& spec);
  // Removes every grant whose expires_at <= now; returns how many.
  size_t RemoveExpired(int64_t now);
  // Preallocates for n grants (loading at start).
  void Reserve(size_t n);

  // Adds many grants under one lock (loading every active grant at start). The index ends as if
  // Add had been called for each spec in order: the same specs are refused with the same errors
  // and a repeated grant (same id, principal and scope or fingerprint) replaces the earlier one.
  // Loading into an empty index skips Add's per-grant search for a grant to replace and settles
  // repeats once, when the loader finishes; loading into a non-empty index replaces as Add does.
  class Loader {
   public:
    Loader(Loader&&) noexcept;
    Loader& operator=(Loader&&) = delete;
    ~Loader();  // finishes

    Status Add(const GrantSpec& spec);
    // Settles repeated grants and releases the index. Further Adds are refused.
    void Finish();

   private:
    friend class GrantIndex;
    struct State;
    explicit Loader(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
  };
  // Takes the writer lock until the loader finishes; `expected`: grants to preallocate for.
  Loader Load(size_t expected = 0);

  // An active access grant of `principal` covering (action, resource) at `now`, preferring one
  // with uses left. Not found when none is active.
  GrantHit FindAccess(std::string_view principal, std::string_view action,
                      const ResourceView& resource, int64_t now) const;
  // An active action grant with this fingerprint and uses left at `now`.
  GrantHit FindAction(const Digest& fingerprint, int64_t now) const;

  // Uses one use of a found grant. False when it has none left (another check took the last),
  // or it was removed meanwhile. Unlimited grants always succeed.
  bool Consume(GrantHit hit);

  // The id of a found grant, for explanations.
  std::string GrantId(GrantHit hit) const;
  int64_t ExpiresAt(GrantHit hit) const;
  int32_t UsesLeft(GrantHit hit) const;

  // Grants held, scheduled and run-out ones included until they are removed.
  size_t size() const;
  // Grants that would allow something at `now`: started, not expired, uses left. Walks every
  // slot: for metrics, not for the decision path.
  size_t CountActive(int64_t now) const;
  // Bytes held by the index (slots, tables, string arena), for capacity planning.
  size_t MemoryBytes() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  mutable std::shared_mutex mu_;
};

}  // namespace drawbridge::core
