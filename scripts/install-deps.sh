#!/usr/bin/env bash
# Installs every Debian package the build, the tests and CI need. Idempotent: a second run installs nothing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache
  libsqlite3-dev sqlite3 libpq-dev postgresql-15 postgresql-client-15
  nlohmann-json3-dev libsodium-dev libcpp-httplib-dev libspdlog-dev libfmt-dev libcli11-dev libcurl4-openssl-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libeigen3-dev libboost-math-dev
  python3 python3-pandas curl bc wrk
  r-base-core r-cran-survival
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "installing: ${missing[*]}"
sudo_cmd=()
[ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
