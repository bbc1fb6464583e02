// StagedPolicy: a replacement policy is staged beside the one in force, takes its place only on
// Commit, and leaves nothing behind when it is dropped.
#include "server/policy_files.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "server/server_e2e_support.h"

namespace drawbridge::server {
namespace {

namespace fs = std::filesystem;
using drawbridge::testing::ReadFile;
using drawbridge::testing::TempDir;
using drawbridge::testing::WriteFile;

// Test that a staged file replaces the policy file only on Commit.
TEST(StagedPolicyTest, AFileIsReplacedOnlyOnCommit) {
  TempDir dir;
  const std::string path = dir / "policy.yaml";
  WriteFile(path, "old\n");
  {
    auto staged = StagedPolicy::Stage(path, {{"ignored.yaml", "new\n"}});
    ASSERT_TRUE(staged.ok()) << staged.status().message();
    EXPECT_EQ(ReadFile(path), "old\n");
  }
  EXPECT_EQ(ReadFile(path), "old\n");
  EXPECT_FALSE(fs::exists(path + ".new"));

  auto staged = StagedPolicy::Stage(path, {{"ignored.yaml", "new\n"}});
  ASSERT_TRUE(staged.ok());
  ASSERT_TRUE(staged->Commit().ok());
  EXPECT_EQ(ReadFile(path), "new\n");
  EXPECT_FALSE(fs::exists(path + ".new"));
  EXPECT_FALSE(staged->Commit().ok()) << "a second commit has nothing to put in place";
}

// Test that a one-file policy takes exactly one file.
TEST(StagedPolicyTest, AFilePolicyTakesOneFile) {
  TempDir dir;
  const std::string path = dir / "policy.yaml";
  WriteFile(path, "old\n");
  EXPECT_FALSE(StagedPolicy::Stage(path, {}).ok());
  EXPECT_FALSE(StagedPolicy::Stage(path, {{"a.yaml", "a"}, {"b.yaml", "b"}}).ok());
  EXPECT_EQ(ReadFile(path), "old\n");
}

// Test that a directory is swapped whole on Commit: the files sent replace the policy files,
// and what the loader does not read (tests, notes, subdirectories) is carried over.
TEST(StagedPolicyTest, ADirectoryIsSwappedWholeOnCommit) {
  TempDir dir;
  const std::string path = dir / "policy";
  fs::create_directories(path + "/notes");
  WriteFile(path + "/a.yaml", "old a\n");
  WriteFile(path + "/b.yaml", "old b\n");
  WriteFile(path + "/tests.yaml", "tests\n");
  WriteFile(path + "/notes/owner.txt", "erin\n");
  WriteFile(path + ".new", "left by a crash\n");

  auto staged = StagedPolicy::Stage(path + "/", {{"a.yaml", "new a\n"}, {"c.yml", "new c\n"}});
  ASSERT_TRUE(staged.ok()) << staged.status().message();
  EXPECT_EQ(ReadFile(path + "/a.yaml"), "old a\n") << "nothing changes before Commit";
  ASSERT_TRUE(staged->Commit().ok());

  EXPECT_EQ(ReadFile(path + "/a.yaml"), "new a\n");
  EXPECT_EQ(ReadFile(path + "/c.yml"), "new c\n");
  EXPECT_FALSE(fs::exists(path + "/b.yaml")) << "a policy file left out is no longer part of it";
  EXPECT_EQ(ReadFile(path + "/tests.yaml"), "tests\n");
  EXPECT_EQ(ReadFile(path + "/notes/owner.txt"), "erin\n");
  EXPECT_FALSE(fs::exists(path + ".new"));
}

// Test that a dropped directory stage leaves the policy and its parent as they were.
TEST(StagedPolicyTest, ADroppedDirectoryStageLeavesNothing) {
  TempDir dir;
  const std::string path = dir / "policy";
  fs::create_directories(path);
  WriteFile(path + "/a.yaml", "old a\n");
  {
    auto staged = StagedPolicy::Stage(path, {{"a.yaml", "new a\n"}});
    ASSERT_TRUE(staged.ok());
    EXPECT_TRUE(fs::exists(path + ".new"));
  }
  EXPECT_EQ(ReadFile(path + "/a.yaml"), "old a\n");
  EXPECT_FALSE(fs::exists(path + ".new"));
}

// Test that a directory's files must be plain policy file names, each sent once.
TEST(StagedPolicyTest, DirectoryFileNamesAreChecked) {
  TempDir dir;
  const std::string path = dir / "policy";
  fs::create_directories(path);
  for (const char* name :
       {"", "../a.yaml", "sub/a.yaml", ".a.yaml", "a.txt", "tests.yaml", "x_test.yml", "."}) {
    EXPECT_FALSE(PolicyFileNameProblem(name).empty()) << "'" << name << "'";
    EXPECT_FALSE(StagedPolicy::Stage(path, {{name, "x"}}).ok()) << "'" << name << "'";
  }
  EXPECT_TRUE(PolicyFileNameProblem("groups.yaml").empty());
  EXPECT_TRUE(PolicyFileNameProblem("roles.yml").empty());
  EXPECT_FALSE(StagedPolicy::Stage(path, {{"a.yaml", "1"}, {"a.yaml", "2"}}).ok());
  EXPECT_FALSE(fs::exists(dir / "a.yaml"));
  EXPECT_FALSE(fs::exists(path + ".new"));
}

}  // namespace
}  // namespace drawbridge::server
