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

// Test that CountActive counts only the grants in force at `now`: not a scheduled one, not an
// expired one still held, not a single-use one whose use is spent.
TEST_F(GrantIndexTest, CountActiveCountsOnlyGrantsInForce) {
  ASSERT_TRUE(index_.Add(Access("g1", "user:a", {"db.query"}, "db/a", 100, 200)).ok());
  ASSERT_TRUE(index_.Add(Access("g2", "user:b", {"db.query"}, "db/a", 300, 400)).ok());
  ASSERT_TRUE(index_.Add(Action("g3", 7, /*uses=*/1, 0, 1000)).ok());
  EXPECT_EQ(index_.size(), 3u);
  EXPECT_EQ(index_.CountActive(150), 2u);  // g1 and g3
  Digest fingerprint;
  fingerprint.fill(7);
  ASSERT_TRUE(index_.Consume(index_.FindAction(fingerprint, 150)));
  EXPECT_EQ(index_.CountActive(150), 1u);  // g3's only use is spent
  EXPECT_EQ(index_.CountActive(250), 0u);  // g1 expired, g2 not started
  EXPECT_EQ(index_.CountActive(350), 1u);
  EXPECT_EQ(index_.size(), 3u);
}

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

// Test that removing one of two grants on the same selector scope keeps the other findable.
TEST_F(GrantIndexTest, SelectorScopeOutlivesOneOfItsGrants) {
  GrantSpec g1 = Access("g1", "user:a", {"db.query"}, "");
  g1.scope.selector = {{"env", "prod"}};
  GrantSpec g2 = g1;
  g2.id = "g2";
  g2.principal = "user:b";
  ASSERT_TRUE(index_.Add(g1).ok());
  ASSERT_TRUE(index_.Add(g2).ok());
  ASSERT_TRUE(index_.Remove(g1));
  EXPECT_FALSE(index_.FindAccess("user:a", "db.query", db_, 150).found());
  EXPECT_TRUE(index_.FindAccess("user:b", "db.query", db_, 150).found());
  ASSERT_TRUE(index_.Remove(g2));
  EXPECT_FALSE(index_.FindAccess("user:b", "db.query", db_, 150).found());
}

// A mix of access grants (resources and selectors, overlapping windows), action grants, repeats
// of earlier grants with other terms, and bad specs.
std::vector<GrantSpec> LoadMix() {
  std::vector<GrantSpec> specs;
  for (int i = 0; i < 3000; ++i) {
    const std::string n = std::to_string(i);
    if (i % 10 == 3) {
      GrantSpec action = Action("a" + n, static_cast<uint8_t>(i % 17), i % 4 == 0 ? -1 : 1 + i % 3,
                                i % 50, 100 + i % 200);
      action.principal = "user:u" + std::to_string(i % 7);
      specs.push_back(action);
      continue;
    }
    GrantSpec g =
        Access("g" + n, "user:u" + std::to_string(i % 7),
               {i % 3 == 0 ? "db.*" : "db.query", "db.connect"}, "", i % 50, 100 + i % 200);
    if (i % 4 == 0) {
      g.scope.selector = {{"owner", "t" + std::to_string(i % 3)}, {"env", "prod"}};
    } else {
      g.scope.resource = i % 5 == 0 ? "db/a" : "db/r" + std::to_string(i % 11);
    }
    specs.push_back(g);
  }
  // Repeats: the same grant re-issued with a later expiry, and the same id elsewhere (not a
  // repeat: another scope or principal).
  for (int i = 0; i < 3000; i += 37) {
    GrantSpec again = specs[static_cast<size_t>(i)];
    again.expires_at += 500;
    specs.push_back(again);
    GrantSpec elsewhere = specs[static_cast<size_t>(i)];
    elsewhere.principal = "user:other";
    specs.push_back(elsewhere);
  }
  specs.push_back(Access("", "user:a", {"db.query"}, "db/a"));
  specs.push_back(Access("bad-window", "user:a", {"db.query"}, "db/a", 300, 300));
  specs.push_back(Access("bad-action", "user:a", {"DB"}, "db/a"));
  return specs;
}

// Test that an index built with a Loader answers every lookup like one built with Add, spec by
// spec in the same order, including repeats and refusals.
TEST_F(GrantIndexTest, LoaderBuildsTheSameIndexAsAdd) {
  const std::vector<GrantSpec> specs = LoadMix();
  GrantIndex loaded;
  {
    GrantIndex::Loader loader = loaded.Load(specs.size());
    for (const GrantSpec& spec : specs) {
      EXPECT_EQ(loader.Add(spec).ok(), index_.Add(spec).ok()) << spec.id;
    }
  }
  EXPECT_EQ(loaded.size(), index_.size());
  std::vector<Label> none;
  std::vector<std::string> resource_ids = {"db/a", "db/r0", "db/r3", "db/r10", "db/zz"};
  for (int64_t now : {0, 49, 120, 299, 350, 700}) {
    for (int u = 0; u < 8; ++u) {
      const std::string principal = u == 7 ? "user:other" : "user:u" + std::to_string(u);
      for (const char* action : {"db.query", "db.connect", "db.drop", "k8s.exec"}) {
        for (const std::string& id : resource_ids) {
          ResourceView r = Resource(id, "postgres", none);
          GrantHit want = index_.FindAccess(principal, action, r, now);
          GrantHit got = loaded.FindAccess(principal, action, r, now);
          ASSERT_EQ(got.found(), want.found()) << principal << " " << action << " " << id;
          EXPECT_EQ(loaded.GrantId(got), index_.GrantId(want));
          EXPECT_EQ(loaded.ExpiresAt(got), index_.ExpiresAt(want));
        }
        for (const char* owner : {"t0", "t1", "t2"}) {
          std::vector<Label> labels{{kNoId, kNoId, "env", "prod"}, {kNoId, kNoId, "owner", owner}};
          ResourceView r = Resource("db/labelled", "postgres", labels);
          GrantHit want = index_.FindAccess(principal, action, r, now);
          GrantHit got = loaded.FindAccess(principal, action, r, now);
          ASSERT_EQ(got.found(), want.found()) << principal << " " << action << " " << owner;
          EXPECT_EQ(loaded.GrantId(got), index_.GrantId(want));
        }
      }
    }
    for (int f = 0; f < 17; ++f) {
      Digest fingerprint;
      fingerprint.fill(static_cast<uint8_t>(f));
      GrantHit want = index_.FindAction(fingerprint, now);
      GrantHit got = loaded.FindAction(fingerprint, now);
      ASSERT_EQ(got.found(), want.found()) << f << " at " << now;
      EXPECT_EQ(loaded.GrantId(got), index_.GrantId(want));
      EXPECT_EQ(loaded.UsesLeft(got), index_.UsesLeft(want));
    }
  }
}

// Test that a repeated grant in one load keeps only its last terms, as Add would.
TEST_F(GrantIndexTest, LoaderKeepsTheLastOfARepeatedGrant) {
  {
    GrantIndex::Loader loader = index_.Load();
    ASSERT_TRUE(loader.Add(Access("g1", "user:a", {"db.query"}, "db/a", 100, 200)).ok());
    ASSERT_TRUE(loader.Add(Action("a1", 9, 1)).ok());
    ASSERT_TRUE(loader.Add(Access("g1", "user:a", {"db.query"}, "db/a", 100, 300)).ok());
    ASSERT_TRUE(loader.Add(Action("a1", 9, 2)).ok());
  }
  EXPECT_EQ(index_.size(), 2u);
  GrantHit access = index_.FindAccess("user:a", "db.query", db_, 250);
  ASSERT_TRUE(access.found());
  EXPECT_EQ(index_.ExpiresAt(access), 300);
  Digest nine;
  nine.fill(9);
  EXPECT_EQ(index_.UsesLeft(index_.FindAction(nine, 10)), 2);
}

// Test that loading into an index that already holds grants replaces them as Add does.
TEST_F(GrantIndexTest, LoaderIntoAFilledIndexReplaces) {
  ASSERT_TRUE(index_.Add(Access("g1", "user:a", {"db.query"}, "db/a", 100, 200)).ok());
  {
    GrantIndex::Loader loader = index_.Load();
    ASSERT_TRUE(loader.Add(Access("g1", "user:a", {"db.query"}, "db/a", 100, 300)).ok());
    ASSERT_TRUE(loader.Add(Access("g2", "user:a", {"db.drop"}, "db/a")).ok());
  }
  EXPECT_EQ(index_.size(), 2u);
  EXPECT_EQ(index_.ExpiresAt(index_.FindAccess("user:a", "db.query", db_, 150)), 300);
}

// Test that a loader refuses bad specs as Add does, and refuses everything once finished.
TEST_F(GrantIndexTest, LoaderRefusesBadSpecsAndUseAfterFinish) {
  GrantIndex::Loader loader = index_.Load();
  EXPECT_EQ(loader.Add(Access("g", "alice", {"db.query"}, "db/a")).code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(loader.Add(Access("g", "user:a", {}, "db/a")).code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE(loader.Add(Access("g", "user:a", {"db.query"}, "db/a")).ok());
  loader.Finish();
  EXPECT_EQ(loader.Add(Access("h", "user:a", {"db.query"}, "db/a")).code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ(index_.size(), 1u);
  EXPECT_TRUE(index_.FindAccess("user:a", "db.query", db_, 150).found());
}

}  // namespace
}  // namespace drawbridge::core
