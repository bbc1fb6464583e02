// Loading several files as one policy: merge order, cross-file references and duplicates, and
// positions that name the right file.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "policy/loader.h"

namespace drawbridge::policy {
namespace {

namespace fs = std::filesystem;

constexpr char kGroups[] = "version: 1\ngroups:\n  dba: [user:alice, user:bob]\n";
constexpr char kRoles[] =
    "version: 1\nroles:\n  db-read: {permissions: [{actions: [db.query]}]}\n"
    "assignments:\n  - {principals: [group:dba], roles: [db-read]}\n";

// A fresh directory under the test's temporary directory, removed at the end.
class PolicyDirectory : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ =
        fs::path(::testing::TempDir()) /
        ("policy_" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& name, std::string_view text) { std::ofstream(dir_ / name) << text; }
  fs::path dir_;
};

// Test that a group defined in one file can be used in another.
TEST(PolicyMerge, ReferencesAcrossFiles) {
  LoadResult result = LoadPolicyTexts({{"a.yaml", kGroups}, {"b.yaml", kRoles}});
  EXPECT_TRUE(result.ok()) << result.ErrorText();
  EXPECT_EQ(result.document.files, (std::vector<std::string>{"a.yaml", "b.yaml"}));
  ASSERT_EQ(result.document.assignments.size(), 1u);
  EXPECT_EQ(result.document.assignments[0].pos.file, "b.yaml");
  EXPECT_EQ(result.document.group_pos.at("dba").file, "a.yaml");
}

// Test that sections of several files concatenate in file order.
TEST(PolicyMerge, SectionsConcatenate) {
  LoadResult result =
      LoadPolicyTexts({{"a.yaml", "version: 1\nresources:\n  - {id: db/a, kind: postgres}\n"},
                       {"b.yaml", "version: 1\nresources:\n  - {id: db/b, kind: postgres}\n"}});
  ASSERT_TRUE(result.ok()) << result.ErrorText();
  ASSERT_EQ(result.document.resources.size(), 2u);
  EXPECT_EQ(result.document.resources[0].id, "db/a");
  EXPECT_EQ(result.document.resources[1].id, "db/b");
}

// Test that a group defined in two files names both files.
TEST(PolicyMerge, DuplicateGroupAcrossFiles) {
  LoadResult result =
      LoadPolicyTexts({{"a.yaml", kGroups}, {"b.yaml", "version: 1\ngroups:\n  dba: [user:x]\n"}});
  ASSERT_EQ(result.errors.size(), 1u) << result.ErrorText();
  EXPECT_EQ(result.errors[0].ToString(),
            "b.yaml:3:3: group 'dba' is defined twice: here and at a.yaml:3:3; merge the members "
            "into one definition");
}

// Test that a role defined in two files names both files.
TEST(PolicyMerge, DuplicateRoleAcrossFiles) {
  LoadResult result =
      LoadPolicyTexts({{"a.yaml", kGroups + std::string(kRoles).substr(11)}, {"b.yaml", kRoles}});
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.ErrorText().find("b.yaml:3:3: role 'db-read' is defined twice: here and at "
                                    "a.yaml:5:3"),
            std::string::npos)
      << result.ErrorText();
}

// Test that a reference to an unknown role points into the file that made it.
TEST(PolicyMerge, ErrorPositionsNameTheirFile) {
  LoadResult result = LoadPolicyTexts(
      {{"a.yaml", kGroups},
       {"b.yaml", "version: 1\nassignments:\n  - {principals: [group:dba], roles: [nope]}\n"}});
  ASSERT_EQ(result.errors.size(), 1u) << result.ErrorText();
  EXPECT_EQ(result.errors[0].pos.file, "b.yaml");
  EXPECT_EQ(result.errors[0].pos.line, 3);
  EXPECT_EQ(result.errors[0].pos.column, 39);
}

// Test that errors are listed file by file in load order.
TEST(PolicyMerge, ErrorsInFileOrder) {
  LoadResult result = LoadPolicyTexts({{"a.yaml", "version: 1\ngroups:\n  x: [bad]\n"},
                                       {"b.yaml", "version: 3\n"},
                                       {"c.yaml", "version: 1\nbogus: 1\n"}});
  ASSERT_EQ(result.errors.size(), 3u) << result.ErrorText();
  EXPECT_EQ(result.errors[0].pos.file, "a.yaml");
  EXPECT_EQ(result.errors[1].pos.file, "b.yaml");
  EXPECT_EQ(result.errors[2].pos.file, "c.yaml");
}

// Test that a file with only comments is an empty, valid part of a policy.
TEST(PolicyMerge, CommentOnlyFileIsEmpty) {
  LoadResult result = LoadPolicyTexts({{"a.yaml", "# nothing yet\n"}, {"b.yaml", kGroups}});
  EXPECT_TRUE(result.ok()) << result.ErrorText();
}

// Test that an empty policy is valid.
TEST(PolicyMerge, EmptyPolicyIsValid) {
  EXPECT_TRUE(LoadPolicyText("", "empty.yaml").ok());
  EXPECT_TRUE(LoadPolicyText("version: 1\n", "v.yaml").ok());
}

// Test that a directory loads its *.yaml and *.yml files in name order and ignores others.
TEST_F(PolicyDirectory, LoadsYamlFilesInNameOrder) {
  Write("20-roles.yml", kRoles);
  Write("10-groups.yaml", kGroups);
  Write("README.md", "not yaml: [");
  Write("notes.txt", "version: 7");
  Write("tests.yaml", "tests: []\n");
  Write("roles_test.yml", "tests: []\n");
  LoadResult result = LoadPolicy(dir_);
  ASSERT_TRUE(result.ok()) << result.ErrorText();
  ASSERT_EQ(result.document.files.size(), 2u);
  EXPECT_EQ(result.document.files[0], (dir_ / "10-groups.yaml").string());
  EXPECT_EQ(result.document.files[1], (dir_ / "20-roles.yml").string());
}

// Test that errors from a directory name the file they are in.
TEST_F(PolicyDirectory, ErrorsNameTheFile) {
  Write("a.yaml", kGroups);
  Write("b.yaml", "version: 1\nassignments:\n  - {principals: [group:dbb], roles: []}\n");
  LoadResult result = LoadPolicy(dir_);
  ASSERT_FALSE(result.ok());
  EXPECT_NE(result.ErrorText().find((dir_ / "b.yaml").string() +
                                    ":3:19: unknown group 'dbb'; did you mean 'dba'?"),
            std::string::npos)
      << result.ErrorText();
}

// Test that a directory without policy files is an error, not an empty policy.
TEST_F(PolicyDirectory, NoYamlFiles) {
  LoadResult result = LoadPolicy(dir_);
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].message.find("no *.yaml or *.yml files"), std::string::npos);
}

// Test that a missing path is reported, not treated as an empty policy.
TEST_F(PolicyDirectory, MissingPath) {
  LoadResult result = LoadPolicy(dir_ / "absent.yaml");
  ASSERT_EQ(result.errors.size(), 1u);
  EXPECT_NE(result.errors[0].ToString().find("absent.yaml: cannot read the policy"),
            std::string::npos)
      << result.ErrorText();
}

}  // namespace
}  // namespace drawbridge::policy
