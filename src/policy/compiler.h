// Compiles a validated PolicyDocument into the immutable core::CompiledPolicy the engine reads:
// names interned to ids, group membership closed transitively, standing permissions listed per
// principal. Compile never changes the document and may run while an older policy keeps serving.
#pragma once

#include <filesystem>
#include <memory>

#include "core/compiled_policy.h"
#include "drawbridge/status.h"
#include "policy/document.h"

namespace drawbridge::policy {

// The document must come from a successful load (LoadResult::ok()); references it holds are
// assumed valid, and a broken one is reported as an error rather than trusted.
StatusOr<std::shared_ptr<const core::CompiledPolicy>> Compile(const PolicyDocument& document);

// Loads, validates and compiles a policy file or directory; errors are the loader's, one per line.
StatusOr<std::shared_ptr<const core::CompiledPolicy>> LoadAndCompile(
    const std::filesystem::path& path);

}  // namespace drawbridge::policy
