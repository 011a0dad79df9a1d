#!/usr/bin/env bash
# Installs only what is missing: Debian packages (as root, or through sudo) and the npm packages the report needs.
#   scripts/install-deps.sh            packages for build, demo and tests
#   scripts/install-deps.sh --bench    also the peers that bench/ compares against
# Idempotent: a second run with everything present makes no network request.
set -euo pipefail
cd "$(dirname "$0")/.."

build_pkgs=(build-essential cmake pkg-config git ca-certificates
  libosmium2-dev libprotozero-dev zlib1g-dev libbz2-dev libexpat1-dev liblz4-dev
  libgdal-dev libproj-dev gdal-bin python3-gdal postgresql-15-postgis-3 coinor-libcbc-dev libmetis-dev libcpp-httplib-dev libcli11-dev libtomlplusplus-dev nlohmann-json3-dev libgtest-dev
  pybind11-dev python3-dev python3-numpy python3-pandas python3-pytest python3-networkx python3-jsonschema python3-distributed python3-libpysal
  libopenmpi-dev openmpi-bin nodejs npm chromium fonts-wqy-microhei poppler-utils
  clang-14 libclang-rt-14-dev)
bench_pkgs=(libbenchmark-dev python3-igraph python3-scipy python3-statsmodels glpk-utils coinor-cbc
  postgresql postgresql-15-pgrouting python3-psycopg2 osmium-tool time)

want=("${build_pkgs[@]}")
[[ "${1:-}" == "--bench" ]] && want+=("${bench_pkgs[@]}")

missing=()
for p in "${want[@]}"; do
  # nodejs/npm may come from another source (e.g. NodeSource ships npm inside nodejs); accept the commands.
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if ((${#missing[@]})); then
  if [[ $(id -u) -eq 0 ]]; then
    SUDO=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    SUDO=(sudo)
  else
    echo "install-deps: missing Debian packages: ${missing[*]}" >&2
    echo "install-deps: run as root, or give this user password-less sudo, or install them yourself." >&2
    exit 1
  fi
  echo "install-deps: installing ${#missing[@]} Debian packages: ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Report assets (Leaflet, ECharts) and the browser-test driver (playwright-core, no browser download) from npm.
if [[ -f package-lock.json ]]; then
  stamp=node_modules/.cs-lock-stamp
  if [[ ! -f "$stamp" ]] || ! cmp -s package-lock.json "$stamp"; then
    echo "install-deps: npm ci" >&2
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error
    cp package-lock.json "$stamp"
  fi
fi
