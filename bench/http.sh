#!/usr/bin/env bash
# HTTP check throughput: `drawbridge serve` against the node + cedar-wasm peer server
# (../shared/peer-bench/bench/http-peer.mjs), on the jit-workload/1 request stream, in one command.
#
#   bench/http.sh [--scale 1k] [--runs 3] [--duration 15] [--connections "32 64"] [--no-peer]
#                 [--ceiling] [--split] [--threads 2] [--perf DIR]
#   bench/http.sh --mixed SECONDS [--scale 1k] [--connections 32]
#
# Check mode: prepares the workload (bench/peer/prepare.sh), seeds a scratch database with the
# scale's grants moved to the present (bench/http/seed_grants.cc), creates a checker token,
# starts `drawbridge serve` (--threads I/O threads, default 2), checks a sample of decisions
# against the stream's expected ones, then replays the stream as POST /v1/check with keep-alive
# (`wrk -t1 -cC -dD --latency`, bench/http/wrk-check-post.lua) RUNS times per connection count.
# Then it starts the peer (`http-peer.mjs --workers 2`) and replays the same stream with the
# peer's GET paths the same way (bench/http/wrk-get-paths.lua: like the harness's wrk-check.lua,
# but formatting each request once, as wrk-check-post.lua does for Drawbridge), and prints one
# table of medians and the ratio.
# --ceiling also replays GET /healthz on the same server (HTTP stack only: no token, no JSON, no
# decision; it writes an access-log line, which checks do not) and runs the peer in its
# `--mode null` (node's HTTP stack, no decision): how much of a request's cost is the HTTP layer.
# It also replays the stream's checks against two servers that answer every request with a fixed
# 200 and do nothing else: bench/http/null_server.cc, a bare epoll loop (the floor under any
# server here: the kernel and wrk only), and bench/http/beast_null_server.cc, the shortest Beast
# loop (the floor under a server on Boost.Beast/Asio).
# --split also replays two parts of the stream on their own: the checks no guardrail or grant
# takes part in (routine_allow: answered from memory) and those that are audited durably
# before the answer (grant_allow, grant_missing, deny_explicit): the cost of the audit path.
#
# --perf DIR records the server's threads with `perf record -g` during every wrk run, one file per
# run (DIR/<part>-c<C>-r<R>.data): `perf report -i FILE --no-children` shows where its time went.
#
# Mixed mode: 90% checks and 10% workflow writes (create an access request as one of 8 users,
# then cancel it) for SECONDS, reporting the answers that were not 2xx (must be 0) and the
# server's resident memory every 10 s.
#
# Load generator and servers share the machine's cores; every process started here is stopped on
# exit. Needs wrk, node/npm and a build (BUILD=dir, default build/; targets drawbridge and
# seed_grants are built unless SKIP_BUILD=1). Ports: DRAWBRIDGE_PORT (18480), PEER_PORT (18481).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$root/build}
work=$root/bench/peer/work
data=$work/harness/data
port=${DRAWBRIDGE_PORT:-18480}
peer_port=${PEER_PORT:-18481}

scale=1k runs=3 duration=15 connections="32 64" peer=1 mixed=0 ceiling=0 split=0 threads=2
perf_dir=""
while [ $# -gt 0 ]; do
  case $1 in
    --scale) scale=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --connections) connections=$2; shift 2 ;;
    --no-peer) peer=0; shift ;;
    --ceiling) ceiling=1; shift ;;
    --threads) threads=$2; shift 2 ;;
    --split) split=1; shift ;;
    --perf) perf_dir=$(mkdir -p "$2" && cd "$2" && pwd); shift 2 ;;
    --mixed) mixed=$2; connections=${connections%% *}; shift 2 ;;
    *) sed -n '2,34p' "$0" >&2; exit 2 ;;
  esac
done
tools="wrk curl"
[ -z "$perf_dir" ] || tools+=" perf"
for tool in $tools; do
  command -v "$tool" >/dev/null || { echo "http.sh: needs $tool (apt-get install $tool)" >&2; exit 1; }
done

build_log=${TMPDIR:-/tmp}/drawbridge-http-build.log
if [ -z "${SKIP_BUILD:-}" ]; then
  cmake --build "$build" --target drawbridge seed_grants null_server beast_null_server > "$build_log" 2>&1 ||
    { cat "$build_log" >&2; exit 1; }
fi
"$root/bench/peer/prepare.sh" "$scale" >/dev/null
drawbridge=$build/src/cli/drawbridge
requests=$data/g$scale/requests.ndjson

tmp=$(mktemp -d "${TMPDIR:-/tmp}/drawbridge-http.XXXXXX")
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Waits until FILE contains TEXT (a server's ready line), or fails after 60 s.
wait_for_line() {
  local file=$1 text=$2 pid=$3
  for _ in $(seq 600); do
    grep -q "$text" "$file" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || { echo "http.sh: server exited:" >&2; cat "$file" >&2; exit 1; }
    sleep 0.1
  done
  echo "http.sh: no '$text' from the server after 60 s:" >&2
  cat "$file" >&2
  exit 1
}

# --- Drawbridge: database, token, configuration ------------------------------------------------
db=$tmp/drawbridge.sqlite
policy=$work/policy
echo "== seeding $db with the $scale grants (moved to now, active for the run)"
"$build/bench/seed_grants" --db "$db" --grants "$data/g$scale/grants.ndjson" --requests "$requests"
token_of() {  # principal role -> token
  "$drawbridge" --db "$db" --policy "$policy" token create --principal "$1" --role "$2" \
    --description "bench/http.sh" --output json |
    node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).token))'
}
checker=$(token_of service:bench checker)
node "$root/bench/http/workload.mjs" bodies "$requests" "$tmp/bodies.txt"

cat > "$tmp/serve.yaml" <<YAML
listen: 127.0.0.1:$port
threads: $threads
database: $db
tenants:
  - {name: default, policy: $policy}
limits: {requests_per_second: 1000000, burst: 1000000, checks_per_second: 0,
         user_checks_per_second: 1000000,
         max_open_requests: 100000}
YAML

start_drawbridge() {
  "$drawbridge" serve --config "$tmp/serve.yaml" > "$tmp/serve.log" 2>&1 &
  server_pid=$!
  pids+=("$server_pid")
  wait_for_line "$tmp/serve.log" "Drawbridge is serving at" "$server_pid"
}

stop() {  # pid
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }
# Resident memory in KiB as "total anonymous file": the database file is memory-mapped for reading,
# so its pages count as resident (file-backed) as the audit table grows; the heap is RssAnon.
rss_parts() {
  awk '/^VmRSS:/ { t = $2 } /^RssAnon:/ { a = $2 } /^RssFile:/ { f = $2 }
       END { print t + 0, a + 0, f + 0 }' "/proc/$1/status" 2>/dev/null || echo "0 0 0"
}

# Prints "req_per_s p50_ms p99_ms non_2xx socket_errors" from a `wrk --latency` report.
parse_wrk() {
  awk '
    function ms(v) {
      if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000
      return v + 0
    }
    /^ +50%/ { p50 = ms($2) } /^ +99%/ { p99 = ms($2) }
    /^Requests\/sec:/ { rps = $2 }
    /^ +[0-9]+ requests in/ { total = $1 }
    /Non-2xx or 3xx responses:/ { non2xx = $NF }
    /Socket errors:/ { gsub(/,/, ""); errs = $4 + $6 + $8 + $10 }
    END { printf "%.0f %.3f %.3f %d %d %d\n", rps, p50, p99, non2xx, errs, total }' "$1"
}

# The server's group commits so far (drawbridge_audit_* metrics at URL): how many, what each
# carried on average, and their mean wall time.
group_commit_summary() {
  curl -fsS "$1" | awk '
    /^drawbridge_audit_commit_seconds_count / { n = $2 }
    /^drawbridge_audit_commit_seconds_sum / { s = $2 }
    /^drawbridge_audit_committed_checks_total / { c = $2 }
    /^drawbridge_audit_committed_transitions_total / { t = $2 }
    END { if (n > 0) printf "%d, %.1f checks and %.2f transitions each, %.3f ms each\n",
                            n, c / n, t / n, s / n * 1000 }'
}

median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# CPU time (user + system, clock ticks) used so far by the processes PIDS, all threads.
cpu_ticks() {
  local p
  for p in "$@"; do awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0; done |
    awk '{ s += $1 } END { print s + 0 }'
}
ticks_per_s=$(getconf CLK_TCK)

# The server's own latency histogram (drawbridge_http_request_seconds, from a parsed request to
# its answer handed to the socket) as "le count" lines; nothing for a server without /metrics.
latency_buckets() {
  [ -n "${METRICS_URL:-}" ] || return 0
  curl -fsS "$METRICS_URL" | sed -n 's/^drawbridge_http_request_seconds_bucket{le="\([^"]*\)"} \([0-9]*\)$/\1 \2/p'
}

# The upper bound (ms) of the histogram bucket holding the 99th percentile of the answers counted
# between two latency_buckets snapshots, or "-".
server_p99() {
  awk 'NR == FNR { before[$1] = $2; next }
       { le[++n] = $1; d[n] = $2 - before[$1] }
       END {
         if (n == 0 || d[n] <= 0) { print "-"; exit }
         for (i = 1; i <= n; i++) if (d[i] >= 0.99 * d[n]) {
           print (le[i] == "+Inf" ? ">1000" : le[i] * 1000); exit }
       }' "$1" "$2"
}

# Runs wrk RUNS times per connection count against the server whose processes are SERVER_PIDS;
# appends "req_per_s p50_ms p99_ms non_2xx socket_errors server_cpu_us wrk_cpu_us server_p99_ms"
# (CPU time per request; the server's own p99 bucket when METRICS_URL is set) for each run to
# "$tmp/<name>-c<C>.txt".
bench_server() {
  local name=$1 script=$2 url=$3 c r line before after wrk_cpu p99
  for c in $connections; do
    : > "$tmp/$name-c$c.txt"
    for r in $(seq "$runs"); do
      latency_buckets > "$tmp/buckets-before"
      if [ -n "$perf_dir" ]; then
        perf record -q -g -o "$perf_dir/$name-c$c-r$r.data" -p "${SERVER_PIDS// /,}" \
          -- sleep "$duration" 2>/dev/null &
        perf_pid=$!
      fi
      before=$(cpu_ticks $SERVER_PIDS)
      wrk_cpu=$( { TIMEFORMAT='%U %S'; time wrk -t1 -c"$c" -d"${duration}s" --latency -s "$script" \
                   "$url" > "$tmp/wrk.out"; } 2>&1 | awk '{ print $1 + $2 }')
      after=$(cpu_ticks $SERVER_PIDS)
      [ -z "$perf_dir" ] || wait "$perf_pid" || true
      latency_buckets > "$tmp/buckets-after"
      p99=$(server_p99 "$tmp/buckets-before" "$tmp/buckets-after")
      line=$(parse_wrk "$tmp/wrk.out" | awk -v s=$((after - before)) -v w="$wrk_cpu" -v hz="$ticks_per_s" \
        -v p="$p99" '
        { n = $6 > 0 ? $6 : 1
          printf "%s %s %s %s %s %.1f %.1f %s\n", $1, $2, $3, $4, $5, s / hz * 1e6 / n, w * 1e6 / n, p }')
      echo "   $name c=$c run $r: $line"
      echo "$line" >> "$tmp/$name-c$c.txt"
    done
  done
}

column_median() { awk -v k="$2" '{ print $k }' "$1" | median; }

if [ "$mixed" -gt 0 ]; then
  # --- mixed load ------------------------------------------------------------------------------
  users=""
  for i in 1 2 3 4 5 6 7 8; do
    principal=$(printf 'user:u%05d' "$i")
    users+="${users:+,}$principal=$(token_of "$principal" user)"
  done
  start_drawbridge
  echo "== mixed load for ${mixed}s: 90% checks, 10% writes (create + cancel), wrk -t1 -c$connections"
  (
    t=0
    while kill -0 "$server_pid" 2>/dev/null && [ "$t" -le "$mixed" ]; do
      echo "$t $(rss_parts "$server_pid")"
      sleep 10
      t=$((t + 10))
    done
  ) > "$tmp/rss.txt" &
  pids+=("$!")
  # Access requests for the eligibility rule "jit-dangerous", which covers prod resources only.
  prod=$(awk '/"env":"prod"/ && n++ < 500' "$data/base/resources.ndjson" |
         sed 's/.*"id":"\([^"]*\)".*/\1/' | paste -sd, -)
  WRK_BODIES=$tmp/bodies.txt WRK_TOKEN=$checker WRK_USERS=$users WRK_RESOURCES=$prod \
    wrk -t1 -c"$connections" -d"${mixed}s" --latency -s "$root/bench/http/wrk-mixed.lua" \
    "http://127.0.0.1:$port" > "$tmp/wrk.out" 2> "$tmp/wrk.err"
  final_rss=$(rss_parts "$server_pid")
  group_commits=$(group_commit_summary "http://127.0.0.1:$port/metrics")
  stop "$server_pid"
  cat "$tmp/wrk.err"
  echo "$mixed+ $final_rss" >> "$tmp/rss.txt"
  echo "-- server resident memory every 10 s: VmRSS = RssAnon (heap) + RssFile (mapped database)"
  awk '{ printf "   t=%5ss  %7.1f MiB = %7.1f + %7.1f\n", $1, $2 / 1024, $3 / 1024, $4 / 1024 }' \
    "$tmp/rss.txt"
  read -r rps p50 p99 non2xx errs total < <(parse_wrk "$tmp/wrk.out")
  grep '^mixed:' "$tmp/wrk.out"
  echo "-- mixed: $rps req/s, p50 $p50 ms, p99 $p99 ms, non-2xx $non2xx, socket errors $errs"
  awk 'NR == 2 { t = $2; a = $3 } { lt = $2; la = $3 }
       END { if (NR > 2) printf "-- from t=10s to the end: VmRSS %+.1f MiB, RssAnon %+.1f MiB\n",
                                (lt - t) / 1024, (la - a) / 1024 }' "$tmp/rss.txt"
  echo "-- group commits: $group_commits"
  echo "-- server error log lines: $(grep -c '"level":"error"' "$tmp/serve.log" || true)"
  [ "$non2xx" -eq 0 ] && [ "$errs" -eq 0 ] || { echo "http.sh: the mixed load had failures" >&2; exit 1; }
  exit 0
fi

# --- check throughput: Drawbridge --------------------------------------------------------------
start_drawbridge
export METRICS_URL=http://127.0.0.1:$port/metrics
echo "== drawbridge serve (threads $threads, $(grep -c . "$data/g$scale/grants.ndjson") grants): sample of decisions"
node "$root/bench/http/workload.mjs" sample "http://127.0.0.1:$port" "$checker" "$requests" 2000
echo "== drawbridge: wrk -t1 -d${duration}s --latency, POST /v1/check, $runs runs per connection count"
echo "   (per run: req/s, p50 ms, p99 ms, non-2xx, socket errors, server and wrk CPU us per request,"
echo "    the server's own p99 bucket in ms)"
SERVER_PIDS=$server_pid WRK_BODIES=$tmp/bodies.txt WRK_TOKEN=$checker \
  bench_server drawbridge "$root/bench/http/wrk-check-post.lua" "http://127.0.0.1:$port"
echo "   server RSS after the runs: $(( $(rss_kib "$server_pid") / 1024 )) MiB"
if [ "$ceiling" -eq 1 ]; then
  cat > "$tmp/healthz.lua" <<'LUA'
request = function() return wrk.format("GET", "/healthz") end
LUA
  echo "== drawbridge: GET /healthz (HTTP stack only), same wrk settings"
  SERVER_PIDS=$server_pid bench_server healthz "$tmp/healthz.lua" "http://127.0.0.1:$port"
fi
if [ "$split" -eq 1 ]; then
  node "$root/bench/http/workload.mjs" bodies "$requests" "$tmp/unaudited.txt" routine_allow
  node "$root/bench/http/workload.mjs" bodies "$requests" "$tmp/audited.txt" \
    grant_allow,grant_missing,deny_explicit
  echo "== drawbridge: only the checks answered from memory (routine_allow)"
  SERVER_PIDS=$server_pid WRK_BODIES=$tmp/unaudited.txt WRK_TOKEN=$checker \
    bench_server unaudited "$root/bench/http/wrk-check-post.lua" "http://127.0.0.1:$port"
  echo "== drawbridge: only the checks audited before the answer (grant/guardrail involved)"
  SERVER_PIDS=$server_pid WRK_BODIES=$tmp/audited.txt WRK_TOKEN=$checker \
    bench_server audited "$root/bench/http/wrk-check-post.lua" "http://127.0.0.1:$port"
fi
stop "$server_pid"
# Replays the check stream against a fixed-answer server: NAME BINARY.
bench_floor() {
  "$build/bench/$2" "$port" "$threads" > "$tmp/$1.log" 2>&1 &
  local floor_pid=$!
  pids+=("$floor_pid")
  wait_for_line "$tmp/$1.log" "listening" "$floor_pid"
  SERVER_PIDS=$floor_pid WRK_BODIES=$tmp/bodies.txt WRK_TOKEN=$checker \
    bench_server "$1" "$root/bench/http/wrk-check-post.lua" "http://127.0.0.1:$port"
  stop "$floor_pid"
}
if [ "$ceiling" -eq 1 ]; then
  unset METRICS_URL
  echo "== null_server (bare epoll, fixed answer): the same check stream, same wrk settings"
  bench_floor null null_server
  echo "== beast_null_server (shortest Beast loop, fixed answer): the same check stream"
  bench_floor beast-null beast_null_server
fi

# --- check throughput: the node + cedar-wasm peer ----------------------------------------------
unset METRICS_URL
if [ "$peer" -eq 1 ]; then
  (cd "$work/harness" && node bench/wrk-paths.mjs "$scale" "$tmp/paths.txt" >/dev/null)
  (cd "$work/harness" && exec node bench/http-peer.mjs --scale "$scale" --workers 2 \
     --port "$peer_port") > "$tmp/peer.log" 2>&1 &
  peer_pid=$!
  pids+=("$peer_pid")
  wait_for_line "$tmp/peer.log" "listening" "$peer_pid"
  echo "== peer (node + cedar-wasm, 2 workers): wrk -t1 -d${duration}s --latency, GET /check, $runs runs"
  SERVER_PIDS="$peer_pid $(pgrep -P "$peer_pid" | tr '\n' ' ')" WRK_PATHS=$tmp/paths.txt \
    bench_server peer "$root/bench/http/wrk-get-paths.lua" "http://127.0.0.1:$peer_port"
  stop "$peer_pid"
  if [ "$ceiling" -eq 1 ]; then
    (cd "$work/harness" && exec node bench/http-peer.mjs --scale "$scale" --workers 2 \
       --port "$peer_port" --mode null) > "$tmp/peer-null.log" 2>&1 &
    peer_pid=$!
    pids+=("$peer_pid")
    wait_for_line "$tmp/peer-null.log" "listening" "$peer_pid"
    echo "== peer --mode null (node's HTTP stack, no decision), same wrk settings"
    SERVER_PIDS="$peer_pid $(pgrep -P "$peer_pid" | tr '\n' ' ')" WRK_PATHS=$tmp/paths.txt \
      bench_server peer-null "$root/bench/http/wrk-get-paths.lua" "http://127.0.0.1:$peer_port"
    stop "$peer_pid"
  fi
fi

# --- the table ---------------------------------------------------------------------------------
row() {  # label conns file [ratio]
  printf '%-12s %5s %10s %8s %8s %9s %7s %11s %9s %8s\n' "$1" "$2" "$(column_median "$3" 1)" \
    "$(column_median "$3" 2)" "$(column_median "$3" 3)" "$(column_median "$3" 8)" \
    "$(column_median "$3" 4)" "$(column_median "$3" 6)" "$(column_median "$3" 7)" "${4:-}"
}
echo
echo "== HTTP checks, scale $scale, medians of $runs runs of ${duration}s (wrk and servers share the cores)"
printf '%-12s %5s %10s %8s %8s %9s %7s %11s %9s %8s\n' server conns checks/s p50_ms p99_ms \
  srv_p99_ms non2xx server_us/req wrk_us/req ratio
for c in $connections; do
  ratio=""
  if [ "$peer" -eq 1 ]; then
    ratio=$(awk -v a="$(column_median "$tmp/drawbridge-c$c.txt" 1)" \
      -v b="$(column_median "$tmp/peer-c$c.txt" 1)" 'BEGIN { printf "%.1fx", a / b }')
  fi
  row drawbridge "$c" "$tmp/drawbridge-c$c.txt" "$ratio"
  # The peer answers deny / approval_required with 403 / 401 by design (auth_request contract).
  [ "$peer" -eq 0 ] || row peer "$c" "$tmp/peer-c$c.txt"
  [ "$ceiling" -eq 0 ] || row "(healthz)" "$c" "$tmp/healthz-c$c.txt"
  [ "$ceiling" -eq 0 ] || row "(null epoll)" "$c" "$tmp/null-c$c.txt"
  [ "$ceiling" -eq 0 ] || row "(null beast)" "$c" "$tmp/beast-null-c$c.txt"
  [ "$ceiling" -eq 0 ] || [ "$peer" -eq 0 ] || row "(peer null)" "$c" "$tmp/peer-null-c$c.txt"
  [ "$split" -eq 0 ] || row "(unaudited)" "$c" "$tmp/unaudited-c$c.txt"
  [ "$split" -eq 0 ] || row "(audited)" "$c" "$tmp/audited-c$c.txt"
done
echo "(p50_ms, p99_ms: as wrk measured them, its own waits for a core included; srv_p99_ms: the"
echo " bucket bound of the server's own histogram holding its p99, parsed request to answer sent;"
echo " server_us/req, wrk_us/req: CPU time of the server's processes and of wrk per answered request;"
echo " on N free cores the ceiling is about N * 1e6 / (server_us + wrk_us) requests/s)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
