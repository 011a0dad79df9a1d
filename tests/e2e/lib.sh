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
# check_exact NAME EXIT LINE OUT CMD...: CMD exits EXIT, prints exactly LINE on stderr and leaves OUT (and any
# staging folder beside it) unwritten.
check_exact() {
  local name=$1 want=$2 line=$3 out=$4
  shift 4
  "$@" >/dev/null 2>"$T/err"
  local rc=$?
  if [ "$rc" != "$want" ]; then fail "$name: exit $rc, expected $want: $(cat "$T/err")"; return; fi
  if [ "$(cat "$T/err")" != "$line" ]; then fail "$name: got '$(cat "$T/err")'"; return; fi
  if [ -e "$out" ] || ls -a "$(dirname "$out")" | grep -q "staging\|\.tmp-"; then fail "$name: output left behind"; return; fi
  ok "$name"
}
