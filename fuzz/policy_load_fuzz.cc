// Fuzz target: the policy loader on arbitrary bytes. It must never crash, hang or report an error
// without a message. A line "#--- NAME" splits the input into several files, so that merging and
// cross-file checks are fuzzed too.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "policy/loader.h"

namespace {

std::vector<std::pair<std::string, std::string>> SplitFiles(std::string_view input) {
  constexpr std::string_view kMarker = "#--- ";
  std::vector<std::pair<std::string, std::string>> files;
  std::string name = "fuzz.yaml";
  size_t start = 0;
  while (true) {
    size_t marker = input.find(kMarker, start);
    if (marker == std::string_view::npos || files.size() >= 8) break;
    files.emplace_back(name, std::string(input.substr(start, marker - start)));
    size_t line_end = input.find('\n', marker);
    if (line_end == std::string_view::npos) line_end = input.size();
    name = std::string(input.substr(marker + kMarker.size(), line_end - marker - kMarker.size()));
    start = line_end;
  }
  files.emplace_back(name, std::string(input.substr(start)));
  return files;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  drawbridge::policy::LoadResult result = drawbridge::policy::LoadPolicyTexts(SplitFiles(input));
  for (const drawbridge::policy::PolicyError& error : result.errors) {
    if (error.message.empty()) __builtin_trap();
  }
  return 0;
}
