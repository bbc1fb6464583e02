#!/usr/bin/env bash
# Checks the shipped systemd unit: `systemd-analyze verify` finds nothing, and its offline
# security exposure stays "OK" (below 2.0). The unit's ExecStart names the installed binary;
# the check uses the built one in its place.
# Usage: verify_systemd_unit.sh DRAWBRIDGE_BINARY UNIT_FILE
set -euo pipefail
binary=$1
unit=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed "s|/usr/local/bin/drawbridge|$binary|" "$unit" >"$dir/drawbridge.service"

if ! out=$(systemd-analyze verify "$dir/drawbridge.service" 2>&1) || [ -n "$out" ]; then
  echo "systemd-analyze verify found problems:"
  echo "$out"
  exit 1
fi
exposure=$(systemd-analyze security --offline=yes "$dir/drawbridge.service" 2>&1 |
  sed -n 's/.*Overall exposure level for drawbridge.service: \([0-9.]*\).*/\1/p')
if [ -z "$exposure" ]; then
  echo "systemd-analyze security printed no exposure level"
  exit 1
fi
echo "exposure $exposure"
awk -v e="$exposure" 'BEGIN { exit !(e < 2.0) }' || {
  echo "exposure $exposure is 2.0 or more: the unit lost some of its hardening"
  exit 1
}
