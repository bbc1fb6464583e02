// Fuzz target: the shell classifier must never crash or recurse without bound on arbitrary
// bytes, must fail closed (an error always comes with kUnparseable), and ClassifyArgv and
// FingerprintArgv must accept any words.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "drawbridge/classify.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  drawbridge::classify::Classification c = drawbridge::classify::ClassifyShell(text);
  if (!c.error.empty() && !c.facts.Has(drawbridge::Fact::kUnparseable)) std::abort();

  // The same bytes as an argv, split at NUL.
  std::vector<std::string> argv;
  size_t start = 0;
  for (size_t i = 0; i <= size; ++i) {
    if (i == size || text[i] == '\0') {
      argv.emplace_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  drawbridge::classify::Classification a = drawbridge::classify::ClassifyArgv(argv);
  if (!a.error.empty() && !a.facts.Has(drawbridge::Fact::kUnparseable)) std::abort();
  drawbridge::classify::FingerprintArgv(argv[0], argv);
  return 0;
}
