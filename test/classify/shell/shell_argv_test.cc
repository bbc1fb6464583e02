// ClassifyArgv (no shell splitting at the first level) and FingerprintArgv.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "classify/common/sha256.h"
#include "drawbridge/classify.h"

namespace drawbridge::classify {
namespace {

// Test that argv words are taken literally: no splitting, globbing or expansion.
TEST(ClassifyArgv, WordsAreLiteral) {
  EXPECT_TRUE(ClassifyArgv({"rm", "-rf", "/"}).facts.Has(Fact::kShellRecursiveDelete));
  // A file literally named "*" or "$HOME" is one named file.
  EXPECT_FALSE(ClassifyArgv({"rm", "-rf", "*"}).dangerous());
  EXPECT_FALSE(ClassifyArgv({"rm", "-f", "$HOME"}).dangerous());
  // One argument holding spaces is not split into a command.
  EXPECT_FALSE(ClassifyArgv({"echo", "rm -rf /"}).dangerous());
  EXPECT_FALSE(ClassifyArgv({"rm -rf /"}).dangerous());
}

// Test that wrappers inside an argv are still seen through.
TEST(ClassifyArgv, WrappersAreSeenThrough) {
  EXPECT_TRUE(ClassifyArgv({"/usr/bin/sudo", "rm", "-rf", "/etc"}).dangerous());
  EXPECT_TRUE(ClassifyArgv({"bash", "-c", "rm -rf ~"}).facts.Has(Fact::kShellRecursiveDelete));
  EXPECT_TRUE(
      ClassifyArgv({"kubectl", "delete", "ns", "prod"}).facts.Has(Fact::kShellK8sDestructive));
  EXPECT_TRUE(
      ClassifyArgv({"env", "A=1", "git", "push", "-f"}).facts.Has(Fact::kShellVcsHistoryRewrite));
  EXPECT_FALSE(ClassifyArgv({"git", "status"}).dangerous());
}

// Test that an empty argv fails closed and bad shell text inside bash -c too.
TEST(ClassifyArgv, FailsClosed) {
  Classification empty = ClassifyArgv({});
  EXPECT_TRUE(empty.facts.Has(Fact::kUnparseable));
  EXPECT_FALSE(empty.error.empty());
  Classification broken = ClassifyArgv({"sh", "-c", "echo 'unterminated"});
  EXPECT_TRUE(broken.facts.Has(Fact::kUnparseable));
}

// Test that the fingerprint is SHA-256 over the documented fields.
TEST(FingerprintArgv, MatchesDocumentedEncoding) {
  std::vector<std::string> argv = {"rm", "-rf", "build"};
  Sha256 hash;
  hash.UpdateField("argv/1").UpdateField("/bin/rm").UpdateField("3");
  for (const std::string& a : argv) hash.UpdateField(a);
  EXPECT_EQ(FingerprintArgv("/bin/rm", argv), hash.Finish());
}

// Test that every difference in program or argv changes the fingerprint.
TEST(FingerprintArgv, BindsProgramAndEveryArgument) {
  Digest base = FingerprintArgv("/bin/rm", {"rm", "-rf", "build"});
  EXPECT_EQ(base, FingerprintArgv("/bin/rm", {"rm", "-rf", "build"}));
  EXPECT_NE(base, FingerprintArgv("/usr/bin/rm", {"rm", "-rf", "build"}));
  EXPECT_NE(base, FingerprintArgv("/bin/rm", {"rm", "-rf", "build/"}));
  EXPECT_NE(base, FingerprintArgv("/bin/rm", {"rm", "-r", "-f", "build"}));
  EXPECT_NE(base, FingerprintArgv("/bin/rm", {"rm", "-rf build"}));
  EXPECT_NE(base, FingerprintArgv("/bin/rm", {"rm", "-rf", "build", ""}));
  // Field boundaries cannot be shifted: ("ab","c") differs from ("a","bc").
  EXPECT_NE(FingerprintArgv("p", {"ab", "c"}), FingerprintArgv("p", {"a", "bc"}));
  EXPECT_NE(FingerprintArgv("pa", {"b"}), FingerprintArgv("p", {"ab"}));
  EXPECT_EQ(DigestHex(base).size(), 64u);
}

// Test that classification is deterministic and independent between calls.
TEST(ClassifyShell, Deterministic) {
  for (int i = 0; i < 3; ++i) {
    EXPECT_TRUE(ClassifyShell("DIR=/; rm -rf $DIR").dangerous());
    EXPECT_FALSE(ClassifyShell("DIR=build; rm -rf $DIR").dangerous());
  }
}

}  // namespace
}  // namespace drawbridge::classify
