#include "core/grant_index.h"

#include <algorithm>
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

uint64_t KeyHash(uint32_t principal, std::string_view scope_key) {
  return Mix(std::hash<std::string_view>{}(scope_key) ^ (uint64_t{principal} * 0x9e3779b97f4a7c15ULL));
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

}  // namespace

std::string GrantSpec::ScopeKey() const {
  if (!scope.resource.empty()) return "res:" + scope.resource;
  auto labels = scope.selector;
  std::sort(labels.begin(), labels.end());
  std::string key = "sel:";
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i > 0) key += ',';
    key += labels[i].first;
    key += '=';
    key += labels[i].second;
  }
  return key;
}

struct GrantIndex::Impl {
  // 48 bytes per grant: what a lookup needs, strings live in the arena.
  struct Slot {
    int64_t not_before = 0;
    int64_t expires_at = 0;
    int32_t uses = -1;  // accessed through std::atomic_ref
    uint32_t principal = kNone;
    uint32_t next = kNone;  // next slot with the same (principal, scope), or the free list
    uint32_t actions = kNone;
    uint32_t id_off = 0;
    uint32_t scope_off = 0;
    uint32_t generation = 0;
    uint16_t id_len = 0;
    uint16_t scope_len = 0;
    GrantKind kind = GrantKind::kAccess;
    bool live = false;
  };
  static_assert(sizeof(Slot) <= 56);

  struct Entry {
    uint64_t hash = 0;
    uint32_t principal = kNone;  // kNone: never used
    uint32_t head = kNone;       // kNone: chain emptied (entry stays until the next rehash)
  };

  struct Shape {
    std::vector<std::string> labels;  // sorted
    size_t grants = 0;
  };

  struct DigestHash {
    size_t operator()(const Digest& d) const {
      uint64_t x;
      std::memcpy(&x, d.data(), sizeof x);
      return x;
    }
  };

  std::vector<char> arena;
  std::vector<Slot> slots;
  uint32_t free_head = kNone;
  size_t live = 0;
  std::vector<Entry> table;  // power-of-two size, linear probing
  size_t used_entries = 0;
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> principal_ids;
  std::unordered_map<std::string, uint32_t, StringHash, std::equal_to<>> action_list_ids;
  std::vector<ActionMatcher> action_lists;
  std::vector<Shape> shapes;
  std::unordered_map<Digest, std::vector<uint32_t>, DigestHash> by_fingerprint;

  std::string_view Text(uint32_t off, uint16_t len) const { return {arena.data() + off, len}; }

  uint32_t Store(std::string_view s) {
    auto off = static_cast<uint32_t>(arena.size());
    arena.insert(arena.end(), s.begin(), s.end());
    return off;
  }

  uint32_t PrincipalId(std::string_view p) const {
    auto it = principal_ids.find(p);
    return it == principal_ids.end() ? kNone : it->second;
  }

  uint32_t InternPrincipal(std::string_view p) {
    auto it = principal_ids.find(p);
    if (it != principal_ids.end()) return it->second;
    auto id = static_cast<uint32_t>(principal_ids.size());
    principal_ids.emplace(std::string(p), id);
    return id;
  }

  uint32_t InternActions(const std::vector<std::string>& actions) {
    std::vector<std::string> sorted = actions;
    std::sort(sorted.begin(), sorted.end());
    std::string key;
    for (const auto& a : sorted) {
      key += a;
      key += '\n';
    }
    if (auto it = action_list_ids.find(key); it != action_list_ids.end()) return it->second;
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

  Entry* FindEntry(uint64_t hash, uint32_t principal) {
    if (table.empty()) return nullptr;
    size_t mask = table.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      Entry& e = table[i];
      if (e.principal == kNone) return nullptr;
      if (e.hash == hash && e.principal == principal) return &e;
    }
  }
  const Entry* FindEntry(uint64_t hash, uint32_t principal) const {
    return const_cast<Impl*>(this)->FindEntry(hash, principal);
  }

  void Rehash(size_t capacity) {
    std::vector<Entry> old = std::move(table);
    table.assign(capacity, Entry{});
    used_entries = 0;
    size_t mask = capacity - 1;
    for (const Entry& e : old) {
      if (e.principal == kNone || e.head == kNone) continue;
      size_t i = e.hash & mask;
      while (table[i].principal != kNone) i = (i + 1) & mask;
      table[i] = e;
      ++used_entries;
    }
  }

  Entry& InsertEntry(uint64_t hash, uint32_t principal) {
    if (Entry* e = FindEntry(hash, principal)) return *e;
    if ((used_entries + 1) * 8 > table.size() * 7) {
      size_t capacity = table.empty() ? 16 : table.size();
      while ((live + 1) * 8 > capacity * 5) capacity *= 2;  // rehash to <= 62.5% live load
      Rehash(capacity);
    }
    size_t mask = table.size() - 1;
    size_t i = hash & mask;
    while (table[i].principal != kNone) i = (i + 1) & mask;
    table[i] = Entry{hash, principal, kNone};
    ++used_entries;
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
        ++s.grants;
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
      if (shapes[i].labels == labels && --shapes[i].grants == 0) {
        shapes.erase(shapes.begin() + static_cast<std::ptrdiff_t>(i));
        return;
      }
    }
  }

  bool Active(const Slot& s, int64_t now) const {
    return s.live && s.not_before <= now && now < s.expires_at &&
           std::atomic_ref<const int32_t>(s.uses).load(std::memory_order_acquire) != 0;
  }

  // Looks through the chain of (principal, key) for an active grant that allows `action`.
  uint32_t Probe(uint32_t principal, std::string_view key, std::string_view action,
                 int64_t now) const {
    const Entry* e = FindEntry(KeyHash(principal, key), principal);
    if (e == nullptr) return kNone;
    for (uint32_t s = e->head; s != kNone; s = slots[s].next) {
      const Slot& slot = slots[s];
      if (slot.kind != GrantKind::kAccess || !Active(slot, now)) continue;
      if (Text(slot.scope_off, slot.scope_len) != key) continue;  // a hash collision
      if (action_lists[slot.actions].Matches(action)) return s;
    }
    return kNone;
  }

  bool Remove(const GrantSpec& spec) {
    Impl& m = *this;
    uint32_t principal = m.PrincipalId(spec.principal);
    if (principal == kNone) return false;
    if (spec.kind == GrantKind::kAction) {
      auto it = m.by_fingerprint.find(spec.fingerprint);
      if (it == m.by_fingerprint.end()) return false;
      auto& list = it->second;
      for (size_t i = 0; i < list.size(); ++i) {
        const Slot& slot = m.slots[list[i]];
        if (slot.principal == principal && m.Text(slot.id_off, slot.id_len) == spec.id) {
          m.FreeSlot(list[i]);
          list.erase(list.begin() + static_cast<std::ptrdiff_t>(i));
          if (list.empty()) m.by_fingerprint.erase(it);
          return true;
        }
      }
      return false;
    }
    std::string key = spec.ScopeKey();
    Entry* e = m.FindEntry(KeyHash(principal, key), principal);
    if (e == nullptr) return false;
    for (uint32_t* link = &e->head; *link != kNone; link = &m.slots[*link].next) {
      uint32_t s = *link;
      if (m.Text(m.slots[s].id_off, m.slots[s].id_len) == spec.id) {
        *link = m.slots[s].next;
        m.DropShape(key);
        m.FreeSlot(s);
        return true;
      }
    }
    return false;
  }

  void Unlink(uint32_t s) {
    const Slot& slot = slots[s];
    if (slot.kind == GrantKind::kAction) {
      return;  // action grants are unlinked by fingerprint in Remove
    }
    std::string_view key = Text(slot.scope_off, slot.scope_len);
    Entry* e = FindEntry(KeyHash(slot.principal, key), slot.principal);
    if (e == nullptr) return;
    for (uint32_t* link = &e->head; *link != kNone; link = &slots[*link].next) {
      if (*link == s) {
        *link = slots[s].next;
        return;
      }
    }
  }
};

GrantIndex::GrantIndex() : impl_(std::make_unique<Impl>()) {}
GrantIndex::~GrantIndex() = default;

void GrantIndex::Reserve(size_t n) {
  std::unique_lock lock(mu_);
  impl_->slots.reserve(n);
  impl_->arena.reserve(n * 24);
  size_t capacity = 16;
  while (n * 8 > capacity * 5) capacity *= 2;
  if (capacity > impl_->table.size()) impl_->Rehash(capacity);
}

Status GrantIndex::Add(const GrantSpec& spec) {
  if (spec.id.empty() || spec.id.size() > 0xffff) return InvalidArgument("grant id is empty");
  if (!IsValidPrincipal(spec.principal)) {
    return InvalidArgument("grant " + spec.id + ": invalid principal '" + spec.principal + "'");
  }
  if (spec.expires_at <= spec.not_before) {
    return InvalidArgument("grant " + spec.id + ": expires_at must be after not_before");
  }
  if (spec.uses == 0 || spec.uses < -1) {
    return InvalidArgument("grant " + spec.id + ": uses must be positive or -1 (unlimited)");
  }
  std::string key;
  if (spec.kind == GrantKind::kAccess) {
    if (spec.actions.empty()) return InvalidArgument("grant " + spec.id + ": no actions");
    for (const std::string& a : spec.actions) {
      bool glob = a == "*" || (a.ends_with(".*") && IsValidAction(a.substr(0, a.size() - 2)));
      if (!glob && !IsValidAction(a)) {
        return InvalidArgument("grant " + spec.id + ": invalid action '" + a + "'");
      }
    }
    if (spec.scope.resource.empty() && spec.scope.selector.empty()) {
      return InvalidArgument("grant " + spec.id + ": scope names no resource and no labels");
    }
    key = spec.ScopeKey();
    if (key.size() > kKeyBuffer) return InvalidArgument("grant " + spec.id + ": scope too long");
  }

  std::unique_lock lock(mu_);
  Impl& m = *impl_;
  m.Remove(spec);  // a re-issued grant replaces the old one
  uint32_t principal = m.InternPrincipal(spec.principal);
  uint32_t s = m.NewSlot();
  Impl::Slot& slot = m.slots[s];
  slot.not_before = spec.not_before;
  slot.expires_at = spec.expires_at;
  slot.uses = spec.uses;
  slot.principal = principal;
  slot.kind = spec.kind;
  slot.id_off = m.Store(spec.id);
  slot.id_len = static_cast<uint16_t>(spec.id.size());
  slot.live = true;
  slot.next = kNone;
  ++m.live;
  if (spec.kind == GrantKind::kAction) {
    m.by_fingerprint[spec.fingerprint].push_back(s);
    return Status::Ok();
  }
  slot.actions = m.InternActions(spec.actions);
  slot.scope_off = m.Store(key);
  slot.scope_len = static_cast<uint16_t>(key.size());
  Impl::Entry& e = m.InsertEntry(KeyHash(principal, key), principal);
  m.slots[s].next = e.head;
  e.head = s;
  m.AddShape(spec);
  return Status::Ok();
}

bool GrantIndex::Remove(const GrantSpec& spec) {
  std::unique_lock lock(mu_);
  return impl_->Remove(spec);
}

size_t GrantIndex::RemoveExpired(int64_t now) {
  std::unique_lock lock(mu_);
  Impl& m = *impl_;
  size_t removed = 0;
  for (uint32_t s = 0; s < m.slots.size(); ++s) {
    Impl::Slot& slot = m.slots[s];
    if (!slot.live || slot.expires_at > now) continue;
    if (slot.kind == GrantKind::kAction) {
      for (auto it = m.by_fingerprint.begin(); it != m.by_fingerprint.end(); ++it) {
        auto& list = it->second;
        auto pos = std::find(list.begin(), list.end(), s);
        if (pos == list.end()) continue;
        list.erase(pos);
        if (list.empty()) m.by_fingerprint.erase(it);
        break;
      }
    } else {
      m.Unlink(s);
      m.DropShape(m.Text(slot.scope_off, slot.scope_len));
    }
    m.FreeSlot(s);
    ++removed;
  }
  return removed;
}

GrantHit GrantIndex::FindAccess(std::string_view principal, std::string_view action,
                                const ResourceView& resource, int64_t now) const {
  std::shared_lock lock(mu_);
  const Impl& m = *impl_;
  uint32_t p = m.PrincipalId(principal);
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
  const Impl::Slot& slot = impl_->slots[hit.slot];
  return std::string(impl_->Text(slot.id_off, slot.id_len));
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

size_t GrantIndex::MemoryBytes() const {
  std::shared_lock lock(mu_);
  const Impl& m = *impl_;
  size_t bytes = m.arena.capacity() + m.slots.capacity() * sizeof(Impl::Slot) +
                 m.table.capacity() * sizeof(Impl::Entry);
  for (const auto& [name, id] : m.principal_ids) bytes += name.capacity() + 48;
  bytes += m.by_fingerprint.size() * (sizeof(Digest) + 64);
  return bytes;
}

}  // namespace drawbridge::core
