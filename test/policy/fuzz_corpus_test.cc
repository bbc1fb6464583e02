// The loader's fuzz seeds double as a specification: seeds named valid_* load cleanly, seeds
// named broken_* are rejected with positioned errors.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "policy/loader.h"

namespace drawbridge::policy {
namespace {

namespace fs = std::filesystem;

const fs::path kCorpus = fs::path(DRAWBRIDGE_SOURCE_DIR) / "fuzz" / "corpus" / "policy_load";

// Splits a seed at "#--- NAME" lines into files, as the fuzz target does.
std::vector<std::pair<std::string, std::string>> SeedFiles(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::pair<std::string, std::string>> files = {{path.filename().string(), ""}};
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    end = end == std::string::npos ? text.size() : end + 1;
    std::string line = text.substr(start, end - start);
    if (line.starts_with("#--- ")) {
      files.push_back({line.substr(5, line.find_last_not_of('\n') - 4), ""});
    } else {
      files.back().second += line;
    }
    start = end;
  }
  return files;
}

std::vector<fs::path> Seeds(std::string_view prefix) {
  std::vector<fs::path> seeds;
  for (const fs::directory_entry& entry : fs::directory_iterator(kCorpus)) {
    if (entry.path().filename().string().starts_with(prefix)) seeds.push_back(entry.path());
  }
  std::sort(seeds.begin(), seeds.end());
  return seeds;
}

// Test that the corpus holds enough seeds of both kinds.
TEST(PolicyFuzzCorpus, HasValidAndBrokenSeeds) {
  EXPECT_GE(Seeds("valid_").size(), 4u);
  EXPECT_GE(Seeds("broken_").size(), 12u);
}

// Test that every valid seed loads without errors.
TEST(PolicyFuzzCorpus, ValidSeedsLoad) {
  for (const fs::path& seed : Seeds("valid_")) {
    LoadResult result = LoadPolicyTexts(SeedFiles(seed));
    EXPECT_TRUE(result.ok()) << seed << ":\n" << result.ErrorText();
  }
}

// Test that every broken seed is rejected, and every error has a message and a position.
TEST(PolicyFuzzCorpus, BrokenSeedsAreRejectedWithPositions) {
  for (const fs::path& seed : Seeds("broken_")) {
    LoadResult result = LoadPolicyTexts(SeedFiles(seed));
    EXPECT_FALSE(result.ok()) << seed;
    for (const PolicyError& error : result.errors) {
      EXPECT_FALSE(error.message.empty()) << seed;
      EXPECT_GT(error.pos.line, 0) << seed << ": " << error.ToString();
      EXPECT_GT(error.pos.column, 0) << seed << ": " << error.ToString();
    }
  }
}

}  // namespace
}  // namespace drawbridge::policy
