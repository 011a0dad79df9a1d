#!/usr/bin/env bash
# `countyscope network --stats` prints the graph and county facts of the sample; --out saves a loadable graph.
source "$(dirname "$0")/lib.sh"

"$CS" -q network --osm "$SAMPLE" --stats >"$T/stats" 2>"$T/err" || { cat "$T/err"; fail "exit code"; finish; }
cat "$T/stats"
expect() { grep -qE "$1" "$T/stats" && ok "$1" || fail "missing: $1"; }
# The sample extract is fixed: its figures are pinned exactly (a change of the graph build or the county model
# must show up here and be explained).
expect '^  nodes: 5691$'
expect '^  arcs: 12389$'
expect '^  km of road: 468\.6$'
expect '^    residential: 207\.1$'
expect '^  largest strongly connected component: 98\.15 % of 5798 nodes \(45 components; dropped 107 nodes, 4\.4 km\)$'
expect '^  seat: Vaduz \(admin_centre'
expect '^  settlements: 41 \(seat 1, town 1, village 39\)$'
expect '^  admin units: 11$'
expect '^  facilities: 84$'
expect '^    hospital: 1$'
expect '^    kindergarten: 18$'
expect '^    doctors: 11$'
expect '^    pharmacy: 6$'
expect '^    school: 18$'
expect '^  demand points: 13143 \(of 17717 buildings\)$'
expect '^  total population: 40158 \(settlement population tags'

"$CS" -q network --osm "$SAMPLE" --profile walk --out "$T/walk.csgraph" 2>"$T/err" && [ -s "$T/walk.csgraph" ] \
  && ok "walk graph saved" || { cat "$T/err"; fail "walk graph"; }
"$CS" network --osm "$SAMPLE" 2>"$T/err"; rc=$?
[ $rc = 2 ] && grep -q "nothing to do" "$T/err" && ok "no --stats/--out is a usage error" || fail "rc $rc"
finish
