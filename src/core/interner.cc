#include "core/interner.h"

namespace drawbridge::core {

Id Interner::Intern(std::string_view name) {
  if (Id known = Find(name); known != kNoId) return known;
  const std::string& stored = names_.emplace_back(name);
  const Id id = static_cast<Id>(views_.size());
  views_.push_back(stored);
  if (2 * views_.size() > slots_.size()) {
    Grow();  // places every name, this one included
  } else {
    Place(id, StringHash{}(stored));
  }
  return id;
}

void Interner::Place(Id id, size_t hash) {
  size_t i = hash & mask_;
  while (slots_[i].id != kNoId) i = (i + 1) & mask_;
  slots_[i] = Slot{Tag(hash), id};
}

void Interner::Grow() {
  size_t capacity = slots_.empty() ? 16 : 2 * slots_.size();
  while (capacity < 2 * views_.size()) capacity *= 2;
  slots_.assign(capacity, Slot{0, kNoId});
  mask_ = capacity - 1;
  for (Id id = 0; id < static_cast<Id>(views_.size()); ++id) Place(id, StringHash{}(views_[id]));
}

}  // namespace drawbridge::core
