#!/usr/bin/env bash
# Builds every fuzz target with clang + libFuzzer + ASan/UBSan and runs each for N seconds,
# starting from its seed corpus (copied, so the repo's corpus is not modified).
set -euo pipefail
build=${1:-build-fuzz}
seconds=${2:-30}
root=$(cd "$(dirname "$0")/.." && pwd)

CC=clang CXX=clang++ cmake -S "$root" -B "$root/$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DDRAWBRIDGE_FUZZ=ON -DDRAWBRIDGE_TESTS=OFF -DDRAWBRIDGE_BENCH=OFF >/dev/null
targets=$(cd "$root/fuzz" && ls ./*_fuzz.cc | sed 's|^\./||; s|\.cc$||')
cmake --build "$root/$build" -j "$(nproc)" --target $targets

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in $targets; do
  name=${t%_fuzz}
  mkdir -p "$work/$name"
  cp -r "$root/fuzz/corpus/$name/." "$work/$name/" 2>/dev/null || true
  echo "fuzz: $t for ${seconds}s"
  (cd "$work" && "$root/$build/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
     -print_final_stats=0 "$work/$name" 2>"$work/$name.log") || {
    tail -n 60 "$work/$name.log"
    echo "fuzz: $t found a failure" >&2
    exit 1
  }
  grep -E "^#[0-9]+ +DONE" "$work/$name.log" | tail -n 1 || true
done
