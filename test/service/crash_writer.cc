// A writer that runs the JIT flow against a SQLite file as fast as it can, printing one line per
// committed step (after the commit returned): "created R", "active R G", "consumed R G". The
// crash test kills it with SIGKILL at random moments and checks the file against what it printed.
//
//   crash_writer DB_PATH POLICY_DIR
#include <unistd.h>

#include <cstdio>
#include <string>

#include "classify/payload_analyzer.h"
#include "policy/compiler.h"
#include "service/jit_service.h"
#include "service/random_ids.h"
#include "store/sqlite/sqlite_store.h"

using namespace drawbridge;

namespace {

void Say(const std::string& line) {
  // write(2) straight to the file: nothing sits in a user-space buffer when the kill comes.
  std::string out = line + "\n";
  if (::write(STDOUT_FILENO, out.data(), out.size()) < 0) std::_Exit(3);
}

workflow::ReviewInput Approve(const char* who) {
  workflow::ReviewInput r;
  r.reviewer = who;
  r.approve = true;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: crash_writer DB_PATH POLICY_DIR\n");
    return 2;
  }
  auto policy = policy::LoadAndCompile(argv[2]);
  auto store = SqliteStore::Open({.path = argv[1]});
  if (!policy.ok() || !store.ok()) return 1;
  SystemWallClock clock;
  service::RandomIdSource ids;
  classify::ClassifierAnalyzer analyzer;
  auto service = service::JitService::Open(*policy, **store, clock, ids, analyzer);
  if (!service.ok()) return 1;
  service::JitService& s = **service;
  auto fail = [](const Status& status) {
    std::fprintf(stderr, "crash_writer: %s\n", status.ToString().c_str());
    return 1;
  };
  for (long i = 0;; ++i) {
    workflow::AccessRequestInput access;
    access.requester = "user:alice";
    access.rule = "dba-elevation";
    access.scope.resource = "db/orders-prod";
    access.duration_seconds = 3600;
    access.reason = "crash test " + std::to_string(i);
    access.ticket = "INC-" + std::to_string(i);
    auto r = s.RequestAccess(access);
    if (!r.ok()) return fail(r.status());
    Say("created " + r->id);
    auto a = s.Review(r->id, Approve("user:erin"));
    if (!a.ok()) return fail(a.status());
    Say("active " + a->id + " " + a->grant_id);

    // Unique per process and step, so an approval left unused by a killed writer stays unused.
    std::string sql = "DELETE FROM events WHERE run = " + std::to_string(::getpid()) +
                      " AND id > " + std::to_string(i) + " OR true";
    service::ActionRequest act;
    act.check.principal = "user:alice";
    act.check.action = "db.query";
    act.check.resource = "db/analytics-prod";
    act.check.payload.kind = Payload::Kind::kSql;
    act.check.payload.text = sql;
    act.reason = "crash test action " + std::to_string(i);
    auto ar = s.RequestAction(act);
    if (!ar.ok()) return fail(ar.status());
    Say("created " + ar->id);
    if (auto first = s.Review(ar->id, Approve("user:erin")); !first.ok())
      return fail(first.status());
    auto done = s.Review(ar->id, Approve("user:bob"));
    if (!done.ok()) return fail(done.status());
    Say("active " + done->id + " " + done->grant_id);
    service::CheckOutcome used = s.Check(act.check);
    if (used.verdict.decision != Decision::kAllow) {
      return fail(Internal("approved action not allowed: " + used.explanation.reason));
    }
    Say("consumed " + done->id + " " + done->grant_id);
  }
}
