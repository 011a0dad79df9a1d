#!/usr/bin/env bash
# docs/options.md is generated from the option registry: it must equal `countyscope options --markdown`, and
# every option the registry lists must be accepted by the command line it names.
. "$(dirname "$0")/lib.sh"
if "$CS" options --markdown >"$T/options.md" && cmp -s "$T/options.md" docs/options.md; then
  ok "docs/options.md is current"
else
  fail "docs/options.md is stale: run 'countyscope options --markdown > docs/options.md' ($(diff "$T/options.md" docs/options.md | head -5))"
fi
# Every CLI flag of the [locate] table is an option of `countyscope locate`.
grep -o '^| `[a-z_]*` | `--[a-z-]*`' docs/options.md | sed 's/.*`\(--[a-z-]*\)`/\1/' | sort -u >"$T/flags"
"$CS" locate --help >"$T/help"
while read -r flag; do
  if grep -q -- " $flag " "$T/help"; then ok "locate has $flag"; else fail "locate --help lacks $flag"; fi
done <"$T/flags"
# An old name is refused with a message naming the new one (usage error, exit 2).
F=data/fixtures/locate_demo
"$CS" locate --matrix $F/matrix.csv --demand $F/demand.csv --candidates $F/candidates.csv --out "$T/o" --standard 10 2>"$T/err"
rc=$?
if [ $rc -eq 2 ] && grep -q "renamed to --standard-min" "$T/err"; then ok "--standard names --standard-min"
else fail "--standard: exit $rc, $(cat "$T/err")"; fi
finish
