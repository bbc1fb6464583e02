#include "core/grant_index.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <functional>
#include <mutex>

namespace drawbridge::core {
namespace {

constexpr uint32_t kNone = UINT32_MAX;
constexpr size_t kKeyBuffer = 512;

uint64_t Mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdULL;
  x ^= x >> 33;
  x *= 0xc4ceb9fe1a85ec53ULL;
  x ^= x >> 33;
  return x;
}

uint64_t PairHash(uint32_t principal, uint32_t scope) {
  return Mix((uint64_t{principal} << 32) | scope);
}

// Appends to a fixed buffer; `ok` turns false when the key would not fit.
struct KeyWriter {
  char* buf;
  size_t len = 0;
  bool ok = true;
  void Put(std::string_view s) {
    if (len + s.size() > kKeyBuffer) {
      ok = false;
      return;
    }
    std::memcpy(buf + len, s.data(), s.size());
    len += s.size();
  }
  std::string_view view() const { return {buf, len}; }
};

// GrantSpec::ScopeKey into a reused buffer. Short selectors are ordered through pointers rather
// than a sorted copy, so a key costs no allocation once `key` has grown.
void WriteScopeKey(const GrantScope& scope, std::string& key) {
  key.clear();
  if (!scope.resource.empty()) {
    key += "res:";
    key += scope.resource;
    return;
  }
  using LabelPair = std::pair<std::string, std::string>;
  std::array<const LabelPair*, 8> order{};
  std::vector<LabelPair> sorted;
  auto append = [&](size_t i, const LabelPair& label) {
    if (i > 0) key += ',';
    key += label.first;
    key += '=';
    key += label.second;
  };
  key += "sel:";
  const auto& labels = scope.selector;
  if (labels.size() <= order.size()) {
    for (size_t i = 0; i < labels.size(); ++i) order[i] = &labels[i];
    std::sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(labels.size()),
              [](const LabelPair* a, const LabelPair* b) { return *a < *b; });
    for (size_t i = 0; i < labels.size(); ++i) append(i, *order[i]);
    return;
  }
  sorted = labels;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i) append(i, sorted[i]);
}

// Add's checks; writes the scope key of an access grant into `key`.
Status CheckSpec(const GrantSpec& spec, std::string& key) {
  if (spec.id.empty() || spec.id.size() > 255) {
    return InvalidArgument("grant id must be 1 to 255 bytes");
  }
  if (!IsValidPrincipal(spec.principal)) {
    return InvalidArgument("grant " + spec.id + ": invalid principal '" + spec.principal + "'");
  }
  if (spec.expires_at <= spec.not_before) {
    return InvalidArgument("grant " + spec.id + ": expires_at must be after not_before");
  }
  if (spec.uses == 0 || spec.uses < -1) {
    return InvalidArgument("grant " + spec.id + ": uses must be positive or -1 (unlimited)");
  }
  key.clear();
  if (spec.kind == GrantKind::kAccess) {
    if (spec.actions.empty()) return InvalidArgument("grant " + spec.id + ": no actions");
    for (const std::string& a : spec.actions) {
      bool glob = a == "*" ||
                  (a.ends_with(".*") && IsValidAction(std::string_view(a).substr(0, a.size() - 2)));
      if (!glob && !IsValidAction(a)) {
        return InvalidArgument("grant " + spec.id + ": invalid action '" + a + "'");
      }
    }
    if (spec.scope.resource.empty() && spec.scope.selector.empty()) {
      return InvalidArgument("grant " + spec.id + ": scope names no resource and no labels");
    }
    WriteScopeKey(spec.scope, key);
    if (key.size() > kKeyBuffer) return InvalidArgument("grant " + spec.id + ": scope too long");
  }
  return Status::Ok();
}

}  // namespace

std::string GrantSpec::ScopeKey() const {
  std::string key;
  WriteScopeKey(scope, key);
  return key;
}

struct GrantIndex::Impl {
  // What a lookup needs of one grant, in 48 bytes; its id lives in the arena and its scope key
  // in the scope table (shared by every grant on the same scope).
  struct Slot {
    int64_t not_before = 0;
    int64_t expires_at = 0;
    int32_t uses = -1;  // accessed through std::atomic_ref
    uint32_t principal = kNone;
    uint32_t scope = kNone;    // access: scope id; action: unused
    uint32_t next = kNone;     // next slot with the same (principal, scope), or the free list
    uint32_t actions = kNone;  // access: action list id
    uint32_t id_off = 0;
    uint32_t generation = 0;  // bumped on free, so stale hits cannot touch a reused slot
    uint8_t id_len = 0;
    GrantKind kind = GrantKind::kAccess;
    bool live = false;
  };
  static_assert(sizeof(Slot) == 48);

  // Open addressing over (principal, scope): a 32-bit tag and the head of the slot chain. The
  // chain's head slot says which pair owns the entry; an emptied chain leaves a dead entry until
  // the next rehash.
  struct Entry {
    uint32_t tag = 0;  // 0: never used
    uint32_t head = kNone;
  };

  struct Scope {
    std::string_view key;  // points into scope_ids
    size_t grants = 0;
  };

  // A set of label names that some selector scope in use consists of.
  struct Shape {
    std::vector<std::string> labels;  // sorted
    size_t scopes = 0;                // scopes with grants that have these labels
  };

  struct DigestHash {
    size_t operator()(const Digest& d) const {
      uint64_t x;
      std::memcpy(&x, d.data(), sizeof x);
      return x;
    }
  };

  std::vector<char> arena;  // grant ids
  std::vector<Slot> slots;
  uint32_t free_head = kNone;
  size_t live = 0;
  std::vector<Entry> table;  // power-of-two size, linear probing
  size_t used_entries = 0;
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> principal_ids;
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> scope_ids;
  std::vector<Scope> scopes;
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> action_list_ids;
  std::vector<ActionMatcher> action_lists;
  std::string action_key;  // scratch for InternActions
  std::vector<Shape> shapes;
  std::unordered_map<Digest, std::vector<uint32_t>, DigestHash> by_fingerprint;

  std::string_view IdOf(const Slot& s) const { return {arena.data() + s.id_off, s.id_len}; }

  static uint32_t Lookup(
      const std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>>& map,
      std::string_view key) {
    auto it = map.find(key);
    return it == map.end() ? kNone : it->second;
  }

  uint32_t InternPrincipal(std::string_view p) {
    if (uint32_t id = Lookup(principal_ids, p); id != kNone) return id;
    auto id = static_cast<uint32_t>(principal_ids.size());
    principal_ids.emplace(std::string(p), id);
    return id;
  }

  uint32_t InternScope(const std::string& key) {
    if (uint32_t id = Lookup(scope_ids, key); id != kNone) return id;
    auto id = static_cast<uint32_t>(scopes.size());
    auto [it, inserted] = scope_ids.emplace(key, id);
    scopes.push_back({it->first, 0});
    return id;
  }

  uint32_t InternActions(const std::vector<std::string>& actions) {
    // The key is the sorted names; sort pointers, not copies, for the usual short lists.
    std::array<const std::string*, 8> order{};
    if (actions.size() <= order.size()) {
      for (size_t i = 0; i < actions.size(); ++i) order[i] = &actions[i];
      std::sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(actions.size()),
                [](const std::string* a, const std::string* b) { return *a < *b; });
      action_key.clear();
      for (size_t i = 0; i < actions.size(); ++i) {
        action_key += *order[i];
        action_key += '\n';
      }
      if (uint32_t id = Lookup(action_list_ids, action_key); id != kNone) return id;
    }
    std::vector<std::string> sorted = actions;
    std::sort(sorted.begin(), sorted.end());
    action_key.clear();
    for (const auto& a : sorted) {
      action_key += a;
      action_key += '\n';
    }
    if (uint32_t id = Lookup(action_list_ids, action_key); id != kNone) return id;
    std::string key = action_key;
    ActionMatcher m;
    for (const auto& a : sorted) {
      if (a == "*") {
        m.any = true;
      } else if (a.ends_with(".*")) {
        m.prefixes.push_back(a.substr(0, a.size() - 1));
      } else {
        m.exact.push_back(a);
      }
      m.patterns.push_back(a);
    }
    auto id = static_cast<uint32_t>(action_lists.size());
    action_lists.push_back(std::move(m));
    action_list_ids.emplace(std::move(key), id);
    return id;
  }

  static uint32_t Tag(uint64_t hash) { return static_cast<uint32_t>(hash >> 32) | 1u; }

  bool Owns(const Entry& e, uint32_t principal, uint32_t scope) const {
    return e.head != kNone && slots[e.head].principal == principal && slots[e.head].scope == scope;
  }

  Entry* FindEntry(uint32_t principal, uint32_t scope) {
    if (table.empty()) return nullptr;
    uint64_t hash = PairHash(principal, scope);
    uint32_t tag = Tag(hash);
    size_t mask = table.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      Entry& e = table[i];
      if (e.tag == 0) return nullptr;
      if (e.tag == tag && Owns(e, principal, scope)) return &e;
    }
  }
  const Entry* FindEntry(uint32_t principal, uint32_t scope) const {
    return const_cast<Impl*>(this)->FindEntry(principal, scope);
  }

  void Rehash(size_t capacity) {
    std::vector<Entry> old = std::move(table);
    table.assign(capacity, Entry{});
    used_entries = 0;
    size_t mask = capacity - 1;
    for (const Entry& e : old) {
      if (e.tag == 0 || e.head == kNone) continue;  // drop dead entries
      const Slot& head = slots[e.head];
      size_t i = PairHash(head.principal, head.scope) & mask;
      while (table[i].tag != 0) i = (i + 1) & mask;
      table[i] = e;
      ++used_entries;
    }
  }

  // The entry for (principal, scope), made if missing; its chain may be empty.
  Entry& EntryFor(uint32_t principal, uint32_t scope) {
    if (Entry* e = FindEntry(principal, scope)) return *e;
    if ((used_entries + 1) * 8 > table.size() * 7) {
      size_t capacity = table.empty() ? 16 : table.size();
      while ((live + 1) * 8 > capacity * 5) capacity *= 2;  // rehash to <= 62.5% live load
      Rehash(capacity);
    }
    uint64_t hash = PairHash(principal, scope);
    size_t mask = table.size() - 1;
    size_t i = hash & mask;
    // A dead entry on the way can be reused; otherwise take the first never-used one.
    while (table[i].tag != 0 && table[i].head != kNone) i = (i + 1) & mask;
    if (table[i].tag == 0) ++used_entries;
    table[i] = Entry{Tag(hash), kNone};
    return table[i];
  }

  uint32_t NewSlot() {
    if (free_head != kNone) {
      uint32_t s = free_head;
      free_head = slots[s].next;
      return s;
    }
    slots.emplace_back();
    return static_cast<uint32_t>(slots.size() - 1);
  }

  void FreeSlot(uint32_t s) {
    Slot& slot = slots[s];
    slot.live = false;
    ++slot.generation;
    slot.next = free_head;
    free_head = s;
    --live;
  }

  void AddShape(const GrantSpec& spec) {
    if (!spec.scope.resource.empty()) return;
    std::vector<std::string> labels;
    for (const auto& kv : spec.scope.selector) labels.push_back(kv.first);
    std::sort(labels.begin(), labels.end());
    for (Shape& s : shapes) {
      if (s.labels == labels) {
        ++s.scopes;
        return;
      }
    }
    shapes.push_back({std::move(labels), 1});
  }

  void DropShape(std::string_view scope_key) {
    if (!scope_key.starts_with("sel:")) return;
    std::vector<std::string> labels;
    std::string_view rest = scope_key.substr(4);
    while (!rest.empty()) {
      size_t comma = rest.find(',');
      std::string_view pair = rest.substr(0, comma);
      labels.emplace_back(pair.substr(0, pair.find('=')));
      if (comma == std::string_view::npos) break;
      rest = rest.substr(comma + 1);
    }
    for (size_t i = 0; i < shapes.size(); ++i) {
      if (shapes[i].labels == labels && --shapes[i].scopes == 0) {
        shapes.erase(shapes.begin() + static_cast<std::ptrdiff_t>(i));
        return;
      }
    }
  }

  bool Active(const Slot& s, int64_t now) const {
    return s.live && s.not_before <= now && now < s.expires_at &&
           std::atomic_ref<const int32_t>(s.uses).load(std::memory_order_acquire) != 0;
  }

  // An active grant of `principal` on the scope named `key` that allows `action`.
  uint32_t Probe(uint32_t principal, std::string_view key, std::string_view action,
                 int64_t now) const {
    uint32_t scope = Lookup(scope_ids, key);
    if (scope == kNone) return kNone;
    const Entry* e = FindEntry(principal, scope);
    if (e == nullptr) return kNone;
    for (uint32_t s = e->head; s != kNone; s = slots[s].next) {
      const Slot& slot = slots[s];
      if (Active(slot, now) && action_lists[slot.actions].Matches(action)) return s;
    }
    return kNone;
  }

  // Unlinks and frees an access grant's slot.
  void DropAccess(uint32_t s) {
    Slot& slot = slots[s];
    Entry* e = FindEntry(slot.principal, slot.scope);
    if (e != nullptr) {
      for (uint32_t* link = &e->head; *link != kNone; link = &slots[*link].next) {
        if (*link == s) {
          *link = slot.next;
          break;
        }
      }
    }
    Scope& scope = scopes[slot.scope];
    if (--scope.grants == 0) DropShape(scope.key);
    FreeSlot(s);
  }

  void DropAction(uint32_t s) {
    for (auto it = by_fingerprint.begin(); it != by_fingerprint.end(); ++it) {
      auto& list = it->second;
      auto pos = std::find(list.begin(), list.end(), s);
      if (pos == list.end()) continue;
      list.erase(pos);
      if (list.empty()) by_fingerprint.erase(it);
      break;
    }
    FreeSlot(s);
  }

  // `scope_key` is spec.ScopeKey() for access grants (computed once by the caller).
  bool Remove(const GrantSpec& spec, std::string_view scope_key) {
    uint32_t principal = Lookup(principal_ids, spec.principal);
    if (principal == kNone) return false;
    if (spec.kind == GrantKind::kAction) {
      auto it = by_fingerprint.find(spec.fingerprint);
      if (it == by_fingerprint.end()) return false;
      for (uint32_t s : it->second) {
        if (slots[s].principal == principal && IdOf(slots[s]) == spec.id) {
          DropAction(s);
          return true;
        }
      }
      return false;
    }
    uint32_t scope = Lookup(scope_ids, scope_key);
    if (scope == kNone) return false;
    const Entry* e = FindEntry(principal, scope);
    if (e == nullptr) return false;
    for (uint32_t s = e->head; s != kNone; s = slots[s].next) {
      if (IdOf(slots[s]) == spec.id) {
        DropAccess(s);
        return true;
      }
    }
    return false;
  }

  void Reserve(size_t n) {
    slots.reserve(n);
    arena.reserve(n * 10);
    size_t capacity = 16;
    while (n * 8 > capacity * 5) capacity *= 2;
    if (capacity > table.size()) Rehash(capacity);
  }

  // Indexes a checked spec (whose scope key is `key`) in a new slot, without looking for a grant
  // it replaces; returns the slot.
  uint32_t Insert(const GrantSpec& spec, const std::string& key) {
    uint32_t principal = InternPrincipal(spec.principal);
    uint32_t s = NewSlot();
    Slot& slot = slots[s];
    slot.not_before = spec.not_before;
    slot.expires_at = spec.expires_at;
    slot.uses = spec.uses;
    slot.principal = principal;
    slot.kind = spec.kind;
    slot.id_off = static_cast<uint32_t>(arena.size());
    slot.id_len = static_cast<uint8_t>(spec.id.size());
    arena.insert(arena.end(), spec.id.begin(), spec.id.end());
    slot.live = true;
    slot.next = kNone;
    ++live;
    if (spec.kind == GrantKind::kAction) {
      by_fingerprint[spec.fingerprint].push_back(s);
      return s;
    }
    slot.actions = InternActions(spec.actions);
    slot.scope = InternScope(key);
    if (scopes[slot.scope].grants++ == 0) AddShape(spec);
    Entry& e = EntryFor(principal, slot.scope);
    slots[s].next = e.head;
    e.head = s;
    return s;
  }

  // The fingerprint under which an action grant's slot is listed.
  const Digest* FingerprintOf(uint32_t s) const {
    for (const auto& [fingerprint, list] : by_fingerprint) {
      if (std::find(list.begin(), list.end(), s) != list.end()) return &fingerprint;
    }
    return nullptr;
  }

  // Whether two slots hold the same grant in Remove's sense: Add of one replaces the other.
  bool SameGrant(uint32_t a, uint32_t b) const {
    const Slot& x = slots[a];
    const Slot& y = slots[b];
    if (x.kind != y.kind || x.principal != y.principal || IdOf(x) != IdOf(y)) return false;
    if (x.kind == GrantKind::kAccess) return x.scope == y.scope;
    const Digest* fx = FingerprintOf(a);
    const Digest* fy = FingerprintOf(b);
    return fx != nullptr && fy != nullptr && *fx == *fy;
  }
};

GrantIndex::GrantIndex() : impl_(std::make_unique<Impl>()) {}
GrantIndex::~GrantIndex() = default;

void GrantIndex::Reserve(size_t n) {
  std::unique_lock lock(mu_);
  impl_->Reserve(n);
}

Status GrantIndex::Add(const GrantSpec& spec) {
  std::string key;
  DB_RETURN_IF_ERROR(CheckSpec(spec, key));
  std::unique_lock lock(mu_);
  impl_->Remove(spec, key);  // a re-issued grant replaces the old one
  impl_->Insert(spec, key);
  return Status::Ok();
}

struct GrantIndex::Loader::State {
  // A grant added without looking for one it replaces: settled in Finish.
  struct Added {
    uint64_t identity;  // hash of what Remove matches on
    uint32_t order;     // position in the load
    uint32_t slot;
  };

  explicit State(GrantIndex& index) : lock(index.mu_), impl(*index.impl_), settle(impl.live == 0) {}

  std::unique_lock<std::shared_mutex> lock;
  Impl& impl;
  const bool settle;  // the index was empty: repeats are settled at the end
  std::string key;    // scratch scope key
  std::vector<Added> added;
  bool finished = false;
};

namespace {

uint64_t Identity(const GrantSpec& spec, uint32_t principal, uint32_t scope) {
  uint64_t h = std::hash<std::string_view>{}(spec.id);
  uint64_t where = scope;
  if (spec.kind == GrantKind::kAction) {
    std::memcpy(&where, spec.fingerprint.data(), sizeof where);
    where = ~where;
  }
  return Mix(h ^ Mix((uint64_t{principal} << 32) ^ where));
}

}  // namespace

GrantIndex::Loader GrantIndex::Load(size_t expected) {
  auto state = std::make_unique<Loader::State>(*this);
  state->impl.Reserve(expected);
  if (state->settle) state->added.reserve(expected);
  return Loader(std::move(state));
}

GrantIndex::Loader::Loader(std::unique_ptr<State> state) : state_(std::move(state)) {}
GrantIndex::Loader::Loader(Loader&&) noexcept = default;

GrantIndex::Loader::~Loader() {
  if (state_ != nullptr) Finish();
}

Status GrantIndex::Loader::Add(const GrantSpec& spec) {
  if (state_ == nullptr || state_->finished) {
    return FailedPrecondition("the grant loader has finished");
  }
  State& st = *state_;
  DB_RETURN_IF_ERROR(CheckSpec(spec, st.key));
  if (!st.settle) {
    st.impl.Remove(spec, st.key);
    st.impl.Insert(spec, st.key);
    return Status::Ok();
  }
  uint32_t s = st.impl.Insert(spec, st.key);
  const Impl::Slot& slot = st.impl.slots[s];
  st.added.push_back(
      {Identity(spec, slot.principal, slot.scope), static_cast<uint32_t>(st.added.size()), s});
  return Status::Ok();
}

void GrantIndex::Loader::Finish() {
  if (state_ == nullptr || state_->finished) return;
  State& st = *state_;
  st.finished = true;
  // Grants with equal identity hashes sit together, in load order; of each set of true repeats
  // only the last stays, as if each had replaced the one before.
  auto& added = st.added;
  std::sort(added.begin(), added.end(), [](const State::Added& a, const State::Added& b) {
    return a.identity != b.identity ? a.identity < b.identity : a.order < b.order;
  });
  std::vector<uint32_t> replaced;
  for (size_t i = 0; i < added.size();) {
    size_t end = i + 1;
    while (end < added.size() && added[end].identity == added[i].identity) ++end;
    for (size_t a = i; a + 1 < end; ++a) {
      for (size_t b = a + 1; b < end; ++b) {
        if (st.impl.SameGrant(added[a].slot, added[b].slot)) {
          replaced.push_back(added[a].slot);
          break;
        }
      }
    }
    i = end;
  }
  for (uint32_t s : replaced) {
    if (st.impl.slots[s].kind == GrantKind::kAction) {
      st.impl.DropAction(s);
    } else {
      st.impl.DropAccess(s);
    }
  }
  std::vector<State::Added>().swap(added);
  st.lock.unlock();
}

bool GrantIndex::Remove(const GrantSpec& spec) {
  std::string key = spec.kind == GrantKind::kAccess ? spec.ScopeKey() : std::string();
  std::unique_lock lock(mu_);
  return impl_->Remove(spec, key);
}

size_t GrantIndex::RemoveExpired(int64_t now) {
  std::unique_lock lock(mu_);
  Impl& m = *impl_;
  size_t removed = 0;
  for (uint32_t s = 0; s < m.slots.size(); ++s) {
    const Impl::Slot& slot = m.slots[s];
    if (!slot.live || slot.expires_at > now) continue;
    if (slot.kind == GrantKind::kAction) {
      m.DropAction(s);
    } else {
      m.DropAccess(s);
    }
    ++removed;
  }
  return removed;
}

GrantHit GrantIndex::FindAccess(std::string_view principal, std::string_view action,
                                const ResourceView& resource, int64_t now) const {
  std::shared_lock lock(mu_);
  const Impl& m = *impl_;
  uint32_t p = Impl::Lookup(m.principal_ids, principal);
  if (p == kNone) return {};
  char buf[kKeyBuffer];
  KeyWriter key{buf};
  key.Put("res:");
  key.Put(resource.id);
  if (key.ok) {
    if (uint32_t s = m.Probe(p, key.view(), action, now); s != kNone) {
      return {s, m.slots[s].generation};
    }
  }
  for (const Impl::Shape& shape : m.shapes) {
    KeyWriter sel{buf};
    sel.Put("sel:");
    bool complete = true;
    for (size_t i = 0; i < shape.labels.size() && complete; ++i) {
      const std::string& name = shape.labels[i];
      std::string_view value;
      if (name == "kind") {
        value = resource.kind_text;
      } else if (const Label* l = resource.Find(name)) {
        value = l->value_text;
      }
      if (value.empty()) complete = false;
      if (i > 0) sel.Put(",");
      sel.Put(name);
      sel.Put("=");
      sel.Put(value);
    }
    if (!complete || !sel.ok) continue;
    if (uint32_t s = m.Probe(p, sel.view(), action, now); s != kNone) {
      return {s, m.slots[s].generation};
    }
  }
  return {};
}

GrantHit GrantIndex::FindAction(const Digest& fingerprint, int64_t now) const {
  std::shared_lock lock(mu_);
  const Impl& m = *impl_;
  auto it = m.by_fingerprint.find(fingerprint);
  if (it == m.by_fingerprint.end()) return {};
  for (uint32_t s : it->second) {
    if (m.Active(m.slots[s], now)) return {s, m.slots[s].generation};
  }
  return {};
}

bool GrantIndex::Consume(GrantHit hit) {
  std::shared_lock lock(mu_);
  Impl& m = *impl_;
  if (!hit.found() || hit.slot >= m.slots.size()) return false;
  Impl::Slot& slot = m.slots[hit.slot];
  if (!slot.live || slot.generation != hit.generation) return false;
  std::atomic_ref<int32_t> uses(slot.uses);
  int32_t current = uses.load(std::memory_order_acquire);
  while (true) {
    if (current == -1) return true;
    if (current <= 0) return false;
    if (uses.compare_exchange_weak(current, current - 1, std::memory_order_acq_rel)) return true;
  }
}

std::string GrantIndex::GrantId(GrantHit hit) const {
  std::shared_lock lock(mu_);
  if (!hit.found() || hit.slot >= impl_->slots.size()) return {};
  return std::string(impl_->IdOf(impl_->slots[hit.slot]));
}

int64_t GrantIndex::ExpiresAt(GrantHit hit) const {
  std::shared_lock lock(mu_);
  if (!hit.found() || hit.slot >= impl_->slots.size()) return 0;
  return impl_->slots[hit.slot].expires_at;
}

int32_t GrantIndex::UsesLeft(GrantHit hit) const {
  std::shared_lock lock(mu_);
  if (!hit.found() || hit.slot >= impl_->slots.size()) return 0;
  return std::atomic_ref<int32_t>(impl_->slots[hit.slot].uses).load();
}

size_t GrantIndex::size() const {
  std::shared_lock lock(mu_);
  return impl_->live;
}

size_t GrantIndex::CountActive(int64_t now) const {
  std::shared_lock lock(mu_);
  const Impl& m = *impl_;
  size_t active = 0;
  for (const Impl::Slot& slot : m.slots) active += m.Active(slot, now) ? 1 : 0;
  return active;
}

size_t GrantIndex::MemoryBytes() const {
  std::shared_lock lock(mu_);
  const Impl& m = *impl_;
  // Containers at capacity, plus a node estimate (key + node + bucket) for each hash map entry.
  constexpr size_t kNodeOverhead = 64;
  size_t bytes = m.arena.capacity() + m.slots.capacity() * sizeof(Impl::Slot) +
                 m.table.capacity() * sizeof(Impl::Entry) +
                 m.scopes.capacity() * sizeof(Impl::Scope);
  for (const auto& [name, id] : m.principal_ids) bytes += name.capacity() + kNodeOverhead;
  for (const auto& [key, id] : m.scope_ids) bytes += key.capacity() + kNodeOverhead;
  bytes += m.by_fingerprint.size() * (sizeof(Digest) + kNodeOverhead);
  return bytes;
}

}  // namespace drawbridge::core
