// Names a policy refers to, with where each reference was written. The document reader fills
// this while reading; the validator checks, once all files are merged, that each name is
// defined. Value types; thread-compatible.
#pragma once

#include <string>
#include <vector>

#include "policy/document.h"

namespace drawbridge::policy {

struct NameRef {
  std::string name;
  SourcePos pos;
};

struct References {
  std::vector<NameRef> groups;        // NAME of every group:NAME, members of groups included
  std::vector<NameRef> roles;         // roles named by assignments and eligibility rules
  std::vector<NameRef> resource_ids;  // exact (non-glob) ids in resource selectors

  void Append(References&& other);
};

// A group as declared, before files are merged into PolicyDocument::groups.
struct GroupDecl {
  std::string name;
  std::vector<std::string> members;
  SourcePos pos;
};

}  // namespace drawbridge::policy
