#include "core/interner.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <unordered_map>

namespace drawbridge::core {
namespace {

// Test that ids are dense, in first-seen order, and stable when a name comes again.
TEST(Interner, IdsAreDenseAndStable) {
  Interner names;
  EXPECT_EQ(names.Intern("user:alice"), 0u);
  EXPECT_EQ(names.Intern("user:bob"), 1u);
  EXPECT_EQ(names.Intern("user:alice"), 0u);
  EXPECT_EQ(names.size(), 2u);
  EXPECT_EQ(names.Name(1), "user:bob");
  EXPECT_EQ(names.Find("user:bob"), 1u);
}

// Test that an empty interner and absent names find nothing, the empty name included.
TEST(Interner, AbsentNamesAreNotFound) {
  Interner names;
  EXPECT_EQ(names.Find("anything"), kNoId);
  EXPECT_EQ(names.Find(""), kNoId);
  names.Intern("prod");
  EXPECT_EQ(names.Find("Prod"), kNoId);
  EXPECT_EQ(names.Find("pro"), kNoId);
  EXPECT_EQ(names.Find("prod "), kNoId);
  EXPECT_EQ(names.Find(""), kNoId);
  EXPECT_EQ(names.Intern(""), 1u);
  EXPECT_EQ(names.Find(""), 1u);
}

// Test that names which share a prefix or differ in one byte, including an embedded NUL, keep
// their own ids.
TEST(Interner, NearNamesKeepTheirOwnIds) {
  Interner names;
  const std::string with_nul("db\0a", 4);
  EXPECT_EQ(names.Intern("db"), 0u);
  EXPECT_EQ(names.Intern(with_nul), 1u);
  EXPECT_EQ(names.Intern("db/a"), 2u);
  EXPECT_EQ(names.Find(with_nul), 1u);
  EXPECT_EQ(names.Find(std::string_view("db\0b", 4)), kNoId);
  EXPECT_EQ(names.Name(1), with_nul);
}

// Test that through many growths every name keeps its id and what was never interned is not
// found, against a node-based map as the reference.
TEST(Interner, AgreesWithAMapThroughGrowth) {
  std::mt19937_64 random(20261123);
  Interner names;
  std::unordered_map<std::string, Id> want;
  auto name_of = [&](uint64_t n) { return "user:u" + std::to_string(n % 60'000); };
  for (int i = 0; i < 100'000; ++i) {
    const std::string name = name_of(random());
    const auto [it, fresh] = want.emplace(name, static_cast<Id>(want.size()));
    ASSERT_EQ(names.Intern(name), it->second) << name;
  }
  ASSERT_EQ(names.size(), want.size());
  for (const auto& [name, id] : want) {
    ASSERT_EQ(names.Find(name), id) << name;
    ASSERT_EQ(names.Name(id), name);
  }
  for (int i = 0; i < 10'000; ++i) {
    const std::string absent = "group:" + std::to_string(random());
    ASSERT_EQ(names.Find(absent), kNoId) << absent;
  }
}

// Test that a moved interner keeps answering: its views still point at the names it stores.
TEST(Interner, MovedInternersKeepTheirNames) {
  Interner original;
  for (int i = 0; i < 40; ++i) original.Intern("value-" + std::to_string(i));
  Interner moved = std::move(original);
  EXPECT_EQ(moved.Find("value-39"), 39u);
  EXPECT_EQ(moved.Name(7), "value-7");
  EXPECT_EQ(moved.Intern("value-40"), 40u);
}

}  // namespace
}  // namespace drawbridge::core
