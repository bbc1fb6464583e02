#!/usr/bin/env bash
# Installs the Debian (bookworm) packages Drawbridge needs to build, test and run, if missing.
# Uses sudo when not root. Safe to run repeatedly: installs only what is absent.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config git
  clang libclang-rt-14-dev clang-format
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libyaml-cpp-dev libsqlite3-dev sqlite3 libpq-dev libssl-dev openssl ca-certificates
  libpg-query-dev libre2-dev libcli11-dev libspdlog-dev libfmt-dev
  libcurl4-openssl-dev libpam0g-dev
  libgtest-dev libgmock-dev googletest librapidcheck-dev libbenchmark-dev
  wrk curl systemd
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

# Node.js (with npm) runs the peer benchmark's harness. Machines often carry a Node.js build that
# bundles npm, which Debian's separate npm package conflicts with: look for the commands.
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
