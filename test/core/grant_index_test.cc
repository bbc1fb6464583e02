#include "core/grant_index.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace drawbridge::core {
namespace {

ResourceView Resource(std::string_view id, std::string_view kind, std::vector<Label>& labels) {
  ResourceView r;
  r.id = id;
  r.kind_text = kind;
  std::sort(labels.begin(), labels.end(),
            [](const Label& a, const Label& b) { return a.key_text < b.key_text; });
  r.labels = labels.data();
  r.label_count = labels.size();
  return r;
}

GrantSpec Access(std::string id, std::string principal, std::vector<std::string> actions,
                 std::string resource, int64_t nb = 100, int64_t exp = 200) {
  GrantSpec g;
  g.id = std::move(id);
  g.principal = std::move(principal);
  g.actions = std::move(actions);
  g.scope.resource = std::move(resource);
  g.not_before = nb;
  g.expires_at = exp;
  return g;
}

GrantSpec Action(std::string id, uint8_t fingerprint_byte, int32_t uses, int64_t nb = 0,
                 int64_t exp = 1000) {
  GrantSpec g;
  g.id = std::move(id);
  g.principal = "user:a";
  g.kind = GrantKind::kAction;
  g.fingerprint.fill(fingerprint_byte);
  g.not_before = nb;
  g.expires_at = exp;
  g.uses = uses;
  return g;
}

class GrantIndexTest : public ::testing::Test {
 protected:
  std::vector<Label> prod_labels_{{kNoId, kNoId, "env", "prod"}, {kNoId, kNoId, "owner", "t1"}};
  ResourceView db_ = Resource("db/a", "postgres", prod_labels_);
  GrantIndex index_;
};

// Test that a grant covers its principal, actions, scope and window, and nothing else.
TEST_F(GrantIndexTest, AccessGrantCoversExactlyItsScope) {
  ASSERT_TRUE(index_.Add(Access("g1", "user:a", {"db.query"}, "db/a")).ok());
  EXPECT_TRUE(index_.FindAccess("user:a", "db.query", db_, 100).found());
  EXPECT_TRUE(index_.FindAccess("user:a", "db.query", db_, 199).found());
  EXPECT_FALSE(index_.FindAccess("user:a", "db.query", db_, 99).found());   // not yet
  EXPECT_FALSE(index_.FindAccess("user:a", "db.query", db_, 200).found());  // expired
  EXPECT_FALSE(index_.FindAccess("user:b", "db.query", db_, 150).found());
  EXPECT_FALSE(index_.FindAccess("user:a", "db.drop", db_, 150).found());
  std::vector<Label> none;
  EXPECT_FALSE(
      index_.FindAccess("user:a", "db.query", Resource("db/b", "postgres", none), 150).found());
  EXPECT_EQ(index_.GrantId(index_.FindAccess("user:a", "db.query", db_, 150)), "g1");
}

// Test that action globs in grants match by prefix only at a dot boundary.
TEST_F(GrantIndexTest, ActionGlobs) {
  ASSERT_TRUE(index_.Add(Access("g1", "user:a", {"db.*"}, "db/a")).ok());
  EXPECT_TRUE(index_.FindAccess("user:a", "db.query", db_, 150).found());
  EXPECT_FALSE(index_.FindAccess("user:a", "dbx.query", db_, 150).found());
  EXPECT_FALSE(index_.FindAccess("user:a", "db", db_, 150).found());
  ASSERT_TRUE(index_.Add(Access("g2", "user:b", {"*"}, "db/a")).ok());
  EXPECT_TRUE(index_.FindAccess("user:b", "anything.at.all", db_, 150).found());
}

// Test that selector scopes match on every label, with the kind as the label "kind".
TEST_F(GrantIndexTest, SelectorScopes) {
  GrantSpec g = Access("g1", "user:a", {"db.query"}, "");
  g.scope.selector = {{"env", "prod"}, {"kind", "postgres"}};
  ASSERT_TRUE(index_.Add(g).ok());
  EXPECT_EQ(g.ScopeKey(), "sel:env=prod,kind=postgres");
  EXPECT_TRUE(index_.FindAccess("user:a", "db.query", db_, 150).found());
  std::vector<Label> dev{{kNoId, kNoId, "env", "dev"}};
  EXPECT_FALSE(
      index_.FindAccess("user:a", "db.query", Resource("db/x", "postgres", dev), 150).found());
  std::vector<Label> prod{{kNoId, kNoId, "env", "prod"}};
  EXPECT_FALSE(
      index_.FindAccess("user:a", "db.query", Resource("k/x", "kubernetes", prod), 150).found());
  EXPECT_TRUE(index_.Remove(g));
  EXPECT_FALSE(index_.FindAccess("user:a", "db.query", db_, 150).found());
  EXPECT_FALSE(index_.Remove(g));
}

// Test that re-adding a grant with the same identity replaces it.
TEST_F(GrantIndexTest, ReissueReplaces) {
  ASSERT_TRUE(index_.Add(Access("g1", "user:a", {"db.query"}, "db/a", 100, 200)).ok());
  ASSERT_TRUE(index_.Add(Access("g1", "user:a", {"db.query"}, "db/a", 100, 300)).ok());
  EXPECT_EQ(index_.size(), 1u);
  EXPECT_TRUE(index_.FindAccess("user:a", "db.query", db_, 250).found());
}

// Test that invalid specs are refused with a reason and change nothing.
TEST_F(GrantIndexTest, RefusesBadSpecs) {
  EXPECT_FALSE(index_.Add(Access("", "user:a", {"db.query"}, "db/a")).ok());
  EXPECT_FALSE(index_.Add(Access("g", "alice", {"db.query"}, "db/a")).ok());
  EXPECT_FALSE(index_.Add(Access("g", "user:a", {}, "db/a")).ok());
  EXPECT_FALSE(index_.Add(Access("g", "user:a", {"DB"}, "db/a")).ok());
  EXPECT_FALSE(index_.Add(Access("g", "user:a", {"db.query"}, "")).ok());
  EXPECT_FALSE(index_.Add(Access("g", "user:a", {"db.query"}, "db/a", 200, 200)).ok());
  EXPECT_EQ(index_.size(), 0u);
}

// Test that expired grants are swept, and that removal unlinks them from lookups.
TEST_F(GrantIndexTest, RemoveExpired) {
  ASSERT_TRUE(index_.Add(Access("g1", "user:a", {"db.query"}, "db/a", 100, 150)).ok());
  ASSERT_TRUE(index_.Add(Access("g2", "user:a", {"db.drop"}, "db/a", 100, 300)).ok());
  EXPECT_EQ(index_.RemoveExpired(200), 1u);
  EXPECT_EQ(index_.size(), 1u);
  EXPECT_TRUE(index_.FindAccess("user:a", "db.drop", db_, 250).found());
}

// Test that an action grant is found by fingerprint and its uses are consumed exactly.
TEST_F(GrantIndexTest, ActionGrantConsumption) {
  GrantSpec g = Action("a1", 7, 2, 100, 200);
  ASSERT_TRUE(index_.Add(g).ok());
  GrantHit hit = index_.FindAction(g.fingerprint, 150);
  ASSERT_TRUE(hit.found());
  EXPECT_TRUE(index_.Consume(hit));
  EXPECT_TRUE(index_.Consume(hit));
  EXPECT_FALSE(index_.Consume(hit));
  EXPECT_FALSE(index_.FindAction(g.fingerprint, 150).found());
  Digest other{};
  EXPECT_FALSE(index_.FindAction(other, 150).found());
}

// Test that a stale hit cannot consume a grant that has since taken its slot.
TEST_F(GrantIndexTest, StaleHitDoesNotConsumeAReusedSlot) {
  GrantSpec g = Action("a1", 1, 1);
  ASSERT_TRUE(index_.Add(g).ok());
  GrantHit stale = index_.FindAction(g.fingerprint, 10);
  ASSERT_TRUE(index_.Remove(g));
  GrantSpec h = g;
  h.id = "a2";
  h.fingerprint.fill(2);
  ASSERT_TRUE(index_.Add(h).ok());
  EXPECT_FALSE(index_.Consume(stale));
  EXPECT_TRUE(index_.Consume(index_.FindAction(h.fingerprint, 10)));
}

// Test that of many threads racing for one single-use grant, exactly one wins.
TEST_F(GrantIndexTest, ConcurrentConsumersOfASingleUseGrant) {
  GrantSpec g = Action("a1", 3, 1);
  for (int round = 0; round < 50; ++round) {
    ASSERT_TRUE(index_.Add(g).ok());
    std::atomic<int> winners{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&] {
        GrantHit hit = index_.FindAction(g.fingerprint, 10);
        if (hit.found() && index_.Consume(hit)) winners.fetch_add(1);
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(winners.load(), 1);
    index_.Remove(g);
  }
}

// Test that the index keeps working across growth (rehashing) with many principals and scopes.
TEST_F(GrantIndexTest, ManyGrants) {
  for (int i = 0; i < 20000; ++i) {
    ASSERT_TRUE(index_
                    .Add(Access("g" + std::to_string(i), "user:u" + std::to_string(i % 500),
                                {"read"}, "r" + std::to_string(i), 0, 1000))
                    .ok());
  }
  EXPECT_EQ(index_.size(), 20000u);
  std::vector<Label> none;
  for (int i = 0; i < 20000; i += 997) {
    std::string id = "r" + std::to_string(i);
    ResourceView r = Resource(id, "x", none);
    EXPECT_TRUE(index_.FindAccess("user:u" + std::to_string(i % 500), "read", r, 10).found()) << i;
    EXPECT_FALSE(
        index_.FindAccess("user:u" + std::to_string((i + 1) % 500), "read", r, 10).found());
  }
  EXPECT_GT(index_.MemoryBytes(), 0u);
}

}  // namespace
}  // namespace drawbridge::core
