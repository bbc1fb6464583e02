// Compiles a validated PolicyDocument into the immutable core::CompiledPolicy the engine reads:
// names interned to ids, group membership closed transitively, standing permissions listed per
// principal. Compile never changes the document and may run while an older policy keeps serving.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/compiled_policy.h"
#include "drawbridge/status.h"
#include "policy/document.h"

namespace drawbridge::policy {

// The document must come from a successful load (LoadResult::ok()); references it holds are
// assumed valid, and a broken one is reported as an error rather than trusted.
// `version` is stamped on the result (see PolicyVersion*).
StatusOr<std::shared_ptr<const core::CompiledPolicy>> Compile(const PolicyDocument& document,
                                                              std::string version = "");

// The version of a policy: SHA-256 over its source texts in load order, as hex. The same policy
// read from files or sent as text has the same version.
std::string PolicyVersionOfTexts(const std::vector<std::string>& texts);
std::string PolicyVersionOfFiles(const std::vector<std::string>& files);

// Loads, validates and compiles a policy file or directory; errors are the loader's, one per line.
StatusOr<std::shared_ptr<const core::CompiledPolicy>> LoadAndCompile(
    const std::filesystem::path& path);

}  // namespace drawbridge::policy
