// Seeds a Drawbridge SQLite database with the grants of the jit-workload/1 peer benchmark, for the
// HTTP benchmark (bench/http.sh): one approved-and-active access request and its active grant per
// workload grant, written in large transactions, so that `drawbridge serve` loads them into its
// grant index at start.
//
// The server decides at its own wall-clock time, while the workload's requests carry their own
// `now`. The grants are therefore moved in time: every window is shifted by (at - the median
// request time), then widened where needed so that it covers [at, at + hold]: every grant is
// active for the whole run. Decisions then differ from the stream's expected ones where the
// expected answer hinges on time (a grant expired or not yet valid at the request's `now`); the
// peer runner (bench/peer.sh) is what verifies decisions one by one.
//
//   seed_grants --db FILE --grants grants.ndjson --requests requests.ndjson
//               [--at UNIX_SECONDS (default: now)] [--hold SECONDS (default: 86400)]
//               [--tenant default]
//
// Prints a JSON summary: grants written, the shift, how many windows were widened.
#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "drawbridge/model.h"
#include "peer/workload_grant.h"
#include "store/sqlite/sqlite_store.h"

namespace {

using drawbridge::Grant;
using drawbridge::Request;

std::string Arg(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == "--" + name) return argv[i + 1];
  }
  return fallback;
}

[[noreturn]] void Fail(const std::string& message) {
  std::cerr << "seed_grants: " << message << "\n";
  std::exit(1);
}

// The median of the stream's request times: the moment the shifted grants are centred on.
int64_t MedianRequestTime(const std::string& path) {
  std::ifstream in(path);
  if (!in) Fail("cannot read " + path);
  std::vector<int64_t> times;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    times.push_back(boost::json::parse(line).as_object().at("now").as_int64());
  }
  if (times.empty()) Fail(path + " has no requests");
  std::nth_element(times.begin(), times.begin() + times.size() / 2, times.end());
  return times[times.size() / 2];
}

// The request a real grant would have come from: the foreign key needs one, and the server's
// views of a grant expect its request to exist.
Request RequestFor(const Grant& grant, int64_t at) {
  Request r;
  r.id = "req-" + grant.id;
  r.tenant = grant.tenant;
  r.kind = drawbridge::RequestKind::kAccess;
  r.state = drawbridge::RequestState::kActive;
  r.requester = grant.principal;
  r.reason = "seeded by bench/http/seed_grants";
  r.rule = "jit-dangerous";
  r.roles = {"jit-dangerous"};
  r.actions = grant.actions;
  r.scope = grant.scope;
  r.duration_seconds = grant.expires_at - grant.not_before;
  r.created_at = at;
  r.updated_at = at;
  r.grant_id = grant.id;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string db = Arg(argc, argv, "db", "");
  const std::string grants_path = Arg(argc, argv, "grants", "");
  const std::string requests_path = Arg(argc, argv, "requests", "");
  const std::string tenant = Arg(argc, argv, "tenant", "default");
  const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                          std::chrono::system_clock::now().time_since_epoch())
                          .count();
  const int64_t at = std::stoll(Arg(argc, argv, "at", std::to_string(now)));
  const int64_t hold = std::stoll(Arg(argc, argv, "hold", "86400"));
  if (db.empty() || grants_path.empty() || requests_path.empty()) {
    std::cerr << "usage: seed_grants --db FILE --grants grants.ndjson --requests requests.ndjson "
                 "[--at UNIX_SECONDS] [--hold SECONDS] [--tenant NAME]\n";
    return 2;
  }

  const int64_t shift = at - MedianRequestTime(requests_path);
  auto store = drawbridge::SqliteStore::Open({.path = db});
  if (!store.ok()) Fail(store.status().ToString());

  std::ifstream in(grants_path);
  if (!in) Fail("cannot read " + grants_path);
  constexpr size_t kPerTransaction = 50000;
  size_t written = 0, widened = 0;
  std::string line;
  bool more = true;
  const auto started = std::chrono::steady_clock::now();
  while (more) {
    auto transaction = (*store)->Begin();
    if (!transaction.ok()) Fail(transaction.status().ToString());
    size_t in_this = 0;
    while (in_this < kPerTransaction && (more = static_cast<bool>(std::getline(in, line)))) {
      if (line.empty()) continue;
      Grant grant;
      grant.tenant = tenant;
      drawbridge::bench::ReadWorkloadGrant(boost::json::parse(line).as_object(), grant);
      grant.request_id = "req-" + grant.id;
      grant.kind = drawbridge::RequestKind::kAccess;
      grant.state = drawbridge::GrantState::kActive;
      const int64_t not_before = std::min(grant.not_before + shift, at);
      const int64_t expires_at = std::max(grant.expires_at + shift, at + hold);
      widened += not_before != grant.not_before + shift || expires_at != grant.expires_at + shift;
      grant.not_before = not_before;
      grant.expires_at = expires_at;
      grant.created_at = at;
      if (auto s = (*transaction)->PutRequest(RequestFor(grant, at)); !s.ok()) Fail(s.ToString());
      if (auto s = (*transaction)->PutGrant(grant); !s.ok()) Fail(s.ToString());
      ++in_this;
    }
    if (auto s = (*transaction)->Commit(); !s.ok()) Fail(s.ToString());
    written += in_this;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::cout << boost::json::serialize(boost::json::object{{"grants", written},
                                                          {"shift_s", shift},
                                                          {"at", at},
                                                          {"hold_s", hold},
                                                          {"widened", widened},
                                                          {"seconds", seconds}})
            << "\n";
  return 0;
}
