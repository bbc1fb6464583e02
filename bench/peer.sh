#!/usr/bin/env bash
# Drawbridge vs Cedar on the jit-workload/1 peer benchmark, back to back on the same files.
#
#   bench/peer.sh [SCALES...]      (default: 1k 100k 1m)
#
# Generates the workload with the peer harness and translates it into a Drawbridge policy
# (bench/peer/prepare.sh: ../shared/peer-bench, run from a scratch copy), runs Drawbridge's
# peer_runner and cedar-bench.mjs on each scale, refuses to report when Drawbridge has any
# mismatch, and prints both results and their ratio. Needs node/npm (npm registry) and a build
# (make build).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
work=$root/bench/peer/work
scales=("$@")
[ ${#scales[@]} -gt 0 ] || scales=(1k 100k 1m)

cmake --build "$build" --target peer_runner >/dev/null
"$root/bench/peer/prepare.sh" "${scales[@]}"

summary="$work/summary.txt"
: > "$summary"
for s in "${scales[@]}"; do
  echo "== scale $s: drawbridge"
  "$build/bench/peer_runner" --policy "$work/policy" --data "$work/harness/data" --scale "$s" \
    --decisions "$work/decisions-$s.ndjson" | tee "$work/drawbridge-$s.json"
  (cd "$work/harness" && node bench/verify-decisions.mjs --scale "$s" --decisions "$work/decisions-$s.ndjson")
  echo "== scale $s: cedar-wasm"
  (cd "$work/harness" && node bench/cedar-bench.mjs --scale "$s" --json "$work/cedar-$s.json" >/dev/null)
  node -e '
    const [d, c, s] = [require(process.argv[1]), require(process.argv[2]), process.argv[3]];
    if (d.mismatches !== 0) { console.error(`drawbridge has ${d.mismatches} mismatches at ${s}`); process.exit(1); }
    const f = (x) => x.toFixed(3);
    const line = `${s.padEnd(5)} grants=${String(d.grants).padStart(7)}  drawbridge p50 ${f(d.latency.p50_us)} us, p99 ${f(d.latency.p99_us)} us, ${Math.round(d.latency.per_sec).toLocaleString("en")} /s (untimed loop ${Math.round(d.untimed_loop_per_sec).toLocaleString("en")} /s)` +
      `  |  cedar p50 ${f(c.latency.p50_us)} us, p99 ${f(c.latency.p99_us)} us, ${Math.round(c.latency.per_sec).toLocaleString("en")} /s` +
      `  |  ratio p50 ${(c.latency.p50_us / d.latency.p50_us).toFixed(0)}x, throughput ${(d.latency.per_sec / c.latency.per_sec).toFixed(0)}x` +
      `  |  index ${d.grant_index_bytes_per_grant.toFixed(0)} B/grant, load ${f(d.grants_index_load_s)} s`;
    console.log(line);' "$work/drawbridge-$s.json" "$work/cedar-$s.json" "$s" | tee -a "$summary"
done
echo
echo "== summary (same files, same timing boundary, one thread)"
cat "$summary"
