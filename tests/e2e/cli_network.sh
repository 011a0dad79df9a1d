#!/usr/bin/env bash
# `countyscope network --stats` prints the graph and county facts of the sample; --out saves a loadable graph.
source "$(dirname "$0")/lib.sh"

"$CS" -q network --osm "$SAMPLE" --stats >"$T/stats" 2>"$T/err" || { cat "$T/err"; fail "exit code"; finish; }
cat "$T/stats"
expect() { grep -qE "$1" "$T/stats" && ok "$1" || fail "missing: $1"; }
expect '^  nodes: [0-9]{4,}$'
expect '^  arcs: [0-9]{4,}$'
expect '^  km of road: [0-9]+\.[0-9]$'
expect '^    residential: [0-9]+\.[0-9]$'
expect '^  largest strongly connected component: 9[789]\.[0-9]+ % of'
expect '^  seat: Vaduz \(admin_centre'
expect '^  settlements: 41 \(seat 1, town 1, village 39\)$'
expect '^  admin units: 11$'
expect '^    hospital: 1$'
expect '^    kindergarten: 1[5-9]$'
expect '^  demand points: [0-9]{4,5} \(of [0-9]{5} buildings\)$'
expect '^  total population: 40158 \(settlement population tags'
nodes=$(sed -n 's/^  nodes: //p' "$T/stats")
[ "$nodes" -gt 5000 ] && [ "$nodes" -lt 7000 ] && ok "nodes $nodes ~ 6,060" || fail "nodes $nodes"

"$CS" -q network --osm "$SAMPLE" --profile walk --out "$T/walk.csgraph" 2>"$T/err" && [ -s "$T/walk.csgraph" ] \
  && ok "walk graph saved" || { cat "$T/err"; fail "walk graph"; }
"$CS" network --osm "$SAMPLE" 2>"$T/err"; rc=$?
[ $rc = 2 ] && grep -q "nothing to do" "$T/err" && ok "no --stats/--out is a usage error" || fail "rc $rc"
finish
