// Runs the jit-workload/1 peer benchmark through the Drawbridge engine: loads the translated
// policy (bench/peer/convert.mjs), the grants and the 100,000 checks, decides every check in file
// order on one thread, verifies each decision against the expected one, and prints a result JSON
// shaped like cedar-bench's (engine, scale, grants, requests, mismatches, latency, rss_mb).
//
// Timing boundary, as for Cedar: the engine call only (request objects are built before the
// clock starts), warm-up on the first N requests untimed, then every request timed.
//
//   peer_runner --policy DIR --data DATA_DIR --scale 1k [--warmup 5000] [--decisions FILE]
#include <sys/resource.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "classify/payload_analyzer.h"
#include "core/engine.h"
#include "peer/workload_grant.h"
#include "policy/compiler.h"

namespace {

using drawbridge::CheckRequest;
using drawbridge::Decision;
using drawbridge::TimePoint;
using drawbridge::core::GrantSpec;

struct PeerRequest {
  int64_t id;
  std::string principal, action, resource, expected;
  int64_t now;
};

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

std::vector<std::string> ReadLines(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "peer_runner: cannot read " << path << "\n";
    std::exit(1);
  }
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) lines.push_back(std::move(line));
  }
  return lines;
}

GrantSpec ToGrant(const boost::json::object& o) {
  GrantSpec g;
  drawbridge::bench::ReadWorkloadGrant(o, g);
  return g;
}

long RssMb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6)) / 1024;
  }
  return 0;
}

std::string Arg(int argc, char** argv, const std::string& name, const std::string& fallback) {
  for (int i = 1; i + 1 < argc; ++i) {
    if (argv[i] == "--" + name) return argv[i + 1];
  }
  return fallback;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string policy_dir = Arg(argc, argv, "policy", "");
  const std::string data = Arg(argc, argv, "data", "");
  const std::string scale = Arg(argc, argv, "scale", "1k");
  const size_t warmup = std::stoul(Arg(argc, argv, "warmup", "5000"));
  const std::string decisions_path = Arg(argc, argv, "decisions", "");
  if (policy_dir.empty() || data.empty()) {
    std::cerr << "usage: peer_runner --policy DIR --data DATA_DIR --scale 1k|100k|1m "
                 "[--warmup N] [--decisions FILE]\n";
    return 2;
  }

  auto t_compile = std::chrono::steady_clock::now();
  auto policy = drawbridge::policy::LoadAndCompile(policy_dir);
  double compile_s = Seconds(t_compile);
  if (!policy.ok()) {
    std::cerr << policy.status().message() << "\n";
    return 1;
  }

  // Grants: parse the NDJSON first, then time inserting them into the index.
  const std::string scale_dir = data + "/g" + scale;
  long rss_before_grants = RssMb();
  auto t_parse = std::chrono::steady_clock::now();
  std::vector<GrantSpec> specs;
  {
    std::vector<std::string> lines = ReadLines(scale_dir + "/grants.ndjson");
    specs.reserve(lines.size());
    for (const std::string& l : lines) specs.push_back(ToGrant(boost::json::parse(l).as_object()));
  }
  double parse_s = Seconds(t_parse);
  drawbridge::core::GrantIndex grants;
  auto t_load = std::chrono::steady_clock::now();
  grants.Reserve(specs.size());
  for (const GrantSpec& g : specs) {
    if (auto s = grants.Add(g); !s.ok()) {
      std::cerr << s.message() << "\n";
      return 1;
    }
  }
  double load_s = Seconds(t_load);
  size_t n_grants = specs.size();
  specs.clear();
  specs.shrink_to_fit();
  long rss_after_grants = RssMb();

  std::vector<PeerRequest> requests;
  for (const std::string& l : ReadLines(scale_dir + "/requests.ndjson")) {
    auto o = boost::json::parse(l).as_object();
    requests.push_back({o.at("id").as_int64(), "user:" + std::string(o.at("principal").as_string()),
                        std::string(o.at("action").as_string()),
                        std::string(o.at("resource").as_string()),
                        std::string(o.at("expected").as_string()), o.at("now").as_int64()});
  }
  std::vector<CheckRequest> calls(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    calls[i].principal = requests[i].principal;
    calls[i].action = requests[i].action;
    calls[i].resource = requests[i].resource;
  }

  drawbridge::classify::ClassifierAnalyzer analyzer;
  drawbridge::core::Engine engine(**policy, grants, analyzer);
  auto at = [&](size_t i) { return TimePoint(std::chrono::seconds(requests[i].now)); };

  for (size_t i = 0; i < std::min(warmup, calls.size()); ++i) (void)engine.Check(calls[i], at(i));

  std::vector<double> lat_ns(calls.size());
  std::vector<Decision> got(calls.size());
  auto t_wall = std::chrono::steady_clock::now();
  for (size_t i = 0; i < calls.size(); ++i) {
    auto t0 = std::chrono::steady_clock::now();
    drawbridge::core::Verdict v = engine.Check(calls[i], at(i));
    auto t1 = std::chrono::steady_clock::now();
    got[i] = v.decision;
    lat_ns[i] =
        static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count());
  }
  double wall_s = Seconds(t_wall);

  // Untimed throughput loop: the same stream with no clock reads around each call.
  auto t_loop = std::chrono::steady_clock::now();
  size_t allows = 0;
  for (size_t i = 0; i < calls.size(); ++i) {
    allows += engine.Check(calls[i], at(i)).decision == Decision::kAllow;
  }
  double loop_s = Seconds(t_loop);

  size_t mismatches = 0;
  boost::json::object by_category;
  std::ofstream decisions;
  if (!decisions_path.empty()) decisions.open(decisions_path);
  for (size_t i = 0; i < calls.size(); ++i) {
    std::string name(drawbridge::DecisionName(got[i]));
    if (name != requests[i].expected) ++mismatches;
    if (decisions)
      decisions << "{\"id\":" << requests[i].id << ",\"decision\":\"" << name << "\"}\n";
  }

  std::vector<double> sorted = lat_ns;
  std::sort(sorted.begin(), sorted.end());
  auto q = [&](double p) {
    return sorted[std::min(sorted.size() - 1,
                           static_cast<size_t>(p * static_cast<double>(sorted.size())))] /
           1e3;
  };
  double sum = 0;
  for (double x : lat_ns) sum += x;

  boost::json::object result{
      {"engine", "drawbridge"},
      {"scale", scale},
      {"grants", n_grants},
      {"requests", calls.size()},
      {"warmup", warmup},
      {"mismatches", mismatches},
      {"policy_compile_s", compile_s},
      {"grants_parse_s", parse_s},
      {"grants_index_load_s", load_s},
      {"grant_index_bytes", grants.MemoryBytes()},
      {"grant_index_bytes_per_grant",
       n_grants ? static_cast<double>(grants.MemoryBytes()) / static_cast<double>(n_grants) : 0.0},
      {"rss_grants_delta_mb", rss_after_grants - rss_before_grants},
      {"latency",
       {{"n", calls.size()},
        {"mean_us", sum / static_cast<double>(calls.size()) / 1e3},
        {"p50_us", q(0.5)},
        {"p90_us", q(0.9)},
        {"p99_us", q(0.99)},
        {"p999_us", q(0.999)},
        {"max_us", sorted.back() / 1e3},
        {"per_sec", static_cast<double>(calls.size()) / (sum / 1e9)}}},
      {"timed_loop_wall_s", wall_s},
      {"untimed_loop_per_sec", static_cast<double>(calls.size()) / loop_s},
      {"untimed_loop_allows", allows},
      {"rss_mb", RssMb()},
  };
  std::cout << boost::json::serialize(result) << "\n";
  return mismatches == 0 ? 0 : 1;
}
