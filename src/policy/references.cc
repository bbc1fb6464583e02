#include "policy/references.h"

#include <iterator>

namespace drawbridge::policy {

void References::Append(References&& other) {
  auto move_all = [](std::vector<NameRef>& to, std::vector<NameRef>& from) {
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
  };
  move_all(groups, other.groups);
  move_all(roles, other.roles);
  move_all(resource_ids, other.resource_ids);
}

}  // namespace drawbridge::policy
