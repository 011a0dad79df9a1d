#!/usr/bin/env bash
# CLI checks of `countyscope report`: a good document gives one HTML file; bad input gives one line on stderr,
# exit 1 and no output file. Usage: report_cli_test.sh COUNTYSCOPE_BINARY SOURCE_DIR
set -u
cs=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { if ! eval "$2"; then echo "FAIL: $1" >&2; fail=1; fi; }

# good document
"$cs" --quiet report "$src/tests/fixtures/results_min.json" --html "$tmp/out/report.html"
check "good document exits 0" '[[ $? -eq 0 ]]'
check "report written" '[[ -s $tmp/out/report.html ]]'
check "no temporary files" '[[ $(ls -A "$tmp/out" | wc -l) -eq 1 ]]'

bad() {  # name, file content, expected exit code
  printf '%s' "$2" >"$tmp/$1.json"
  "$cs" report "$tmp/$1.json" --html "$tmp/$1.html" 2>"$tmp/$1.err"
  local rc=$?
  check "$1: exit $3 (got $rc)" "[[ $rc -eq $3 ]]"
  check "$1: one line on stderr ($(cat "$tmp/$1.err"))" "[[ \$(wc -l <'$tmp/$1.err') -eq 1 ]]"
  check "$1: the message names the file" "grep -q '$1.json' '$tmp/$1.err'"
  check "$1: no output left" "[[ ! -e '$tmp/$1.html' ]] && [[ -z \$(ls '$tmp' | grep '$1.html') ]]"
}
bad truncated '{"kind": "plan", "sections": {' 1
bad empty '' 1
bad notjson 'hello world' 1
bad wrongkind '{"kind": "weather"}' 1
bad array '[1, 2, 3]' 1

# a missing file: exit 1, one line
"$cs" report "$tmp/nope.json" --html "$tmp/nope.html" 2>"$tmp/nope.err"
rc=$?
check "missing file: exit 1 (got $rc)" '[[ $rc -eq 1 ]]'
check "missing file: one line" '[[ $(wc -l <"$tmp/nope.err") -eq 1 ]]'
check "missing file: no output" '[[ ! -e $tmp/nope.html ]]'

# usage: unknown option -> exit 2
"$cs" report "$src/tests/fixtures/results_min.json" --htm x 2>"$tmp/usage.err"
rc=$?
check "unknown option: exit 2 (got $rc)" '[[ $rc -eq 2 ]]'
exit $fail
