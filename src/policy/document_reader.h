// Reads one policy file's YAML text into the document tree, checking everything that can be
// checked within the file: keys, types, syntax of names, durations, patterns and CIDRs.
// Cross-file checks (references, duplicates, approval feasibility) are validate.h's.
// Pure (no I/O); thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/diagnostics.h"
#include "policy/document.h"
#include "policy/references.h"

namespace drawbridge::policy {

struct ParsedFile {
  std::string file;
  bool empty = true;        // no YAML document at all (only comments or blanks)
  bool unreadable = false;  // not YAML: nothing in it is known, so neither is what others name
  std::optional<int> version;
  SourcePos version_pos;
  std::vector<GroupDecl> groups;
  PolicyDocument document;  // every section except groups
  References references;
};

ParsedFile ReadPolicyFile(std::string_view yaml, const std::string& file_name,
                          Diagnostics* diagnostics);

}  // namespace drawbridge::policy
