# Helpers for the CLI end-to-end tests: $CS is the binary, $T a fresh temporary directory removed on exit.
set -u
CS=${1:?usage: $0 path/to/countyscope}
T=$(mktemp -d "${TMPDIR:-/tmp}/cs-e2e.XXXXXX")
trap '[ -n "${KEEP:-}" ] || rm -rf "$T"' EXIT
SAMPLE=data/sample/liechtenstein-2024-03-04.osm.pbf
FAILS=0
OKS=0
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
ok() { echo "ok: $*"; OKS=$((OKS + 1)); }
# A script that checked nothing fails.
finish() {
  if [ "$FAILS" -ne 0 ]; then echo "$FAILS failure(s)" >&2; exit 1; fi
  if [ "$OKS" -eq 0 ]; then echo "FAIL: no check ran" >&2; exit 1; fi
  echo "all $OKS checks passed"
}
