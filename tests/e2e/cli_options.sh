#!/usr/bin/env bash
# docs/options.md is generated from the option registry: it must equal `countyscope options --markdown`, and
# every option the registry lists must be accepted by the command line it names.
. "$(dirname "$0")/lib.sh"
if "$CS" options --markdown >"$T/options.md" && cmp -s "$T/options.md" docs/options.md; then
  ok "docs/options.md is current"
else
  fail "docs/options.md is stale: run 'countyscope options --markdown > docs/options.md' ($(diff "$T/options.md" docs/options.md | head -5))"
fi
# Every CLI flag of a table is an option of the command that reads it: [locate] -> locate, [access] -> access
# (and plan/demo as --access-*), [snap] [matrix] -> matrix, [structure] -> structure and plan, [assess] -> assess, [assign] -> assign,
# the plan's own sections and [flows] -> plan (and demo); [flows] -> flows too (county mode); [flows_table] -> flows.
awk '/^## \[/ { sec = $2 } /^\| `[a-z_]*` \| `--/ { split($0, f, "`"); print sec, f[4] }' docs/options.md \
  | sed 's/^\[\(plan\|network\|county\|snap\|matrix\|flows\)\]/plan/; s/^\[\(locate\|access\|structure\|assess\|assign\)\]/\1/; s/^\[flows_table\]/flows/' \
  | sort -u >"$T/flags"
awk '/^## \[/ { sec = $2 } /^\| `[a-z_]*` \| `--/ { split($0, f, "`"); print sec, f[4] }' docs/options.md \
  | sed -n 's/^\[\(snap\|matrix\)\]/matrix/p; s/^\[access\] --/plan --access-/p' >>"$T/flags"
# [structure] keys are plan/demo flags too.
sed -n 's/^structure /plan /p' "$T/flags" >>"$T/flags"
for c in locate access matrix plan demo structure assess assign flows; do "$CS" "$c" --help >"$T/help-$c"; done
while read -r cmd flag; do
  if grep -q -- " $flag " "$T/help-$cmd"; then ok "$cmd has $flag"; else fail "$cmd --help lacks $flag"; fi
  if [ "$cmd" = plan ] && ! grep -q -- " $flag " "$T/help-demo"; then fail "demo --help lacks $flag"; fi
done <"$T/flags"
for flag in $(awk '/^## \[/ { sec = $2 } sec == "[flows]" && /^\| `[a-z_]*` \| `--/ { split($0, f, "`"); print f[4] }' docs/options.md); do
  grep -q -- " $flag " "$T/help-flows" && ok "flows has $flag" || fail "flows --help lacks $flag"
done
# An old name is refused with a message naming the new one (usage error, exit 2).
F=data/fixtures/locate_demo
"$CS" locate --matrix $F/matrix.csv --demand $F/demand.csv --candidates $F/candidates.csv --out "$T/o" --standard 10 2>"$T/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "renamed to --standard-min" "$T/err"; then ok "--standard names --standard-min"
else fail "--standard: exit $rc, $(cat "$T/err")"; fi
"$CS" plan --osm "$SAMPLE" --cutoff 1800 --out "$T/p" 2>"$T/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "renamed to --cutoff-min" "$T/err"; then ok "plan --cutoff names --cutoff-min"
else fail "plan --cutoff: exit $rc, $(cat "$T/err")"; fi
"$CS" access --matrix $F/matrix.csv --demand $F/demand.csv --facilities $F/candidates.csv --out "$T/a" --cutoff-s 1800 2>"$T/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "renamed to --cutoff-min (now in minutes)" "$T/err"; then ok "access --cutoff-s names --cutoff-min"
else fail "access --cutoff-s: exit $rc, $(cat "$T/err")"; fi
"$CS" matrix --graph $F/matrix.csv --from $F/demand.csv --to $F/demand.csv --out "$T/m.csv" --far-m 100 2>"$T/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "renamed to --far-threshold-m" "$T/err"; then ok "matrix --far-m names --far-threshold-m"
else fail "matrix --far-m: exit $rc, $(cat "$T/err")"; fi
"$CS" structure --osm "$SAMPLE" --cutoffs 5,10 --out "$T/s" 2>"$T/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "renamed to --cutoffs-min" "$T/err"; then ok "structure --cutoffs names --cutoffs-min"
else fail "structure --cutoffs: exit $rc, $(cat "$T/err")"; fi
finish
