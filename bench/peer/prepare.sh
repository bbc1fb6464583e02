#!/usr/bin/env bash
# Prepares the jit-workload/1 files both peer benchmarks use (bench/peer.sh, bench/http.sh):
# copies the peer harness (../shared/peer-bench) into bench/peer/work/harness, installs its npm
# dependencies once, generates the requested grant scales (the generator is deterministic, so
# existing files are reused) and translates the workload into a Drawbridge policy.
#
#   bench/peer/prepare.sh SCALE...        (e.g. 1k 100k)
#
# Prints nothing on success but the generator's and converter's one-line reports. Afterwards:
#   bench/peer/work/harness/data/g<scale>/{grants,requests}.ndjson, bench/peer/work/policy/
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
peer_src=${PEER_BENCH_DIR:-$root/../shared/peer-bench}
work=$root/bench/peer/work
[ $# -gt 0 ] || { echo "usage: prepare.sh SCALE..." >&2; exit 2; }
[ -d "$peer_src" ] ||
  { echo "prepare.sh: no peer harness at $peer_src (set PEER_BENCH_DIR)" >&2; exit 1; }

mkdir -p "$work/harness"
(cd "$peer_src" && tar --exclude=./data --exclude=./node_modules --exclude=./results -cf - .) |
  (cd "$work/harness" && tar -xf -)
chmod -R u+w "$work/harness"
(cd "$work/harness" && [ -d node_modules ] || npm ci --no-audit --no-fund --silent)
missing=()
for s in "$@"; do
  scale_dir=$work/harness/data/g$s
  [ -s "$scale_dir/requests.ndjson" ] && [ -s "$scale_dir/grants.ndjson" ] || missing+=("$s")
done
if [ ${#missing[@]} -gt 0 ] || [ ! -s "$work/harness/data/base/rules.json" ]; then
  (cd "$work/harness" && node gen/generate.mjs --scales "$(IFS=,; echo "$*")")
fi
node "$root/bench/peer/convert.mjs" "$work/harness/data" "$work/policy"
