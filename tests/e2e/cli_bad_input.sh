#!/usr/bin/env bash
# Bad input: one line on stderr, exit 1 (data) or 2 (usage), and no output file or directory left behind.
source "$(dirname "$0")/lib.sh"

: >"$T/empty.osm.pbf"
head -c 1000000 "$SAMPLE" >"$T/truncated.osm.pbf"
printf 'id,lon,lat\n1,2,3\n' >"$T/not-osm.osm.pbf"
cp "$T/not-osm.osm.pbf" "$T/not-osm.csv"
printf 'id,lon,lat\n1,9.52,47.14\n' >"$T/pts.csv"
printf 'id,x,y\n1,9.52,47.14\n' >"$T/badpts.csv"
printf '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="hand">\n</osm>\n' >"$T/none.osm"
mkdir "$T/dir.osm"
printf '[county]\nseet = "Vaduz"\n' >"$T/bad.toml"
printf '[plan]\nskip = ["report", "flows", "scenarios", "structure", "access"]\n[locate]\nservices = ["clinic", "dentist"]\n' >"$T/badloc.toml"

# check NAME EXPECTED_RC PATTERN OUTPUT -- command...
check() {
  local name=$1 want=$2 pat=$3 out=$4
  shift 5
  "$@" >/dev/null 2>"$T/err"
  local rc=$? lines
  lines=$(wc -l <"$T/err")
  if [ "$rc" != "$want" ]; then fail "$name: exit $rc, expected $want: $(cat "$T/err")"; return; fi
  if [ "$lines" != 1 ]; then fail "$name: $lines lines on stderr:"; cat "$T/err" >&2; return; fi
  grep -qE "$pat" "$T/err" || { fail "$name: message '$(cat "$T/err")' lacks /$pat/"; return; }
  if [ -e "$out" ] || ls -a "$(dirname "$out")" | grep -q "staging\|\.tmp-"; then fail "$name: output left behind"; return; fi
  ok "$name: $(cat "$T/err")"
}
# check_exact NAME EXPECTED_RC LINE OUTPUT -- command...: the one stderr line must be exactly LINE.
check_exact() {
  local name=$1 want=$2 line=$3 out=$4
  shift 4
  check "$name" "$want" "^$(printf '%s' "$line" | sed 's/[][\.*^$+?(){}|]/\\&/g')\$" "$out" "$@"
}
O=$T/out
check_exact "truncated PBF" 1 "countyscope: error: $T/truncated.osm.pbf: not a readable OSM file: PBF error: block 24 (at byte 990786): the file ends inside the block (truncated?)" \
  "$O" -- "$CS" -q plan --osm "$T/truncated.osm.pbf" --out "$O"
check_exact "non-OSM file" 1 \
  "countyscope: error: $T/not-osm.osm.pbf: not a readable OSM file: PBF error: block 1 (at byte 0): block header of 1768172652 bytes (at most 65536)" \
  "$O" -- "$CS" -q plan --osm "$T/not-osm.osm.pbf" --out "$O"
# network and plan (county reader) word each of these the same (check_osm_file, rethrow_osm_error).
for cmd in plan network; do
  check_exact "non-OSM suffix ($cmd)" 1 \
    "countyscope: error: $T/not-osm.csv: not an OSM file: could not detect its format from the name (expected .osm.pbf, .pbf, .osm, .osm.gz or .osm.bz2)" \
    "$O" -- "$CS" -q $cmd --osm "$T/not-osm.csv" --out "$O"
  check_exact "missing file ($cmd)" 1 "countyscope: error: $T/nope.osm.pbf: cannot open: No such file or directory" "$O" -- \
    "$CS" -q $cmd --osm "$T/nope.osm.pbf" --out "$O"
  check_exact "empty file ($cmd)" 1 "countyscope: error: $T/empty.osm.pbf: empty file, expected OSM data (.osm.pbf or .osm)" \
    "$O" -- "$CS" -q $cmd --osm "$T/empty.osm.pbf" --out "$O"
  check_exact "OSM XML without objects ($cmd)" 1 "countyscope: error: $T/none.osm: no OSM objects in the file (not OSM data, or empty)" \
    "$O" -- "$CS" -q $cmd --osm "$T/none.osm" --out "$O"
  check_exact "a folder as the OSM file ($cmd)" 1 "countyscope: error: $T/dir.osm: is a folder, expected an OSM file" \
    "$O" -- "$CS" -q $cmd --osm "$T/dir.osm" --out "$O"
done
check "no roads" 1 "tiny-county.osm.*road" "$O" -- "$CS" -q plan --osm data/fixtures/tiny-county.osm --out "$O"
check "seat not found" 2 "seat 'Vaduzz'.*closest names: Vaduz" "$O" -- "$CS" -q plan --osm "$SAMPLE" --seat Vaduzz --out "$O"
check "unknown profile" 2 "profile 'bike'.*car, walk" "$O" -- "$CS" -q plan --osm "$SAMPLE" --profile bike --out "$O"
check "unknown profile (network)" 2 "profile 'bike'.*car, walk" "$T/g" -- "$CS" -q network --osm "$SAMPLE" --profile bike --out "$T/g"
check "unknown service type" 2 "service type 'hopsital'.*hospital" "$O" -- "$CS" -q plan --osm "$SAMPLE" --service-types hopsital --out "$O"
check "unknown service in [locate]" 1 "badloc.toml.*line 4.*locate.services.*dentist.*valid: hospital" "$O" -- "$CS" -q plan --osm "$SAMPLE" --config "$T/badloc.toml" --out "$O"
check "unknown config key" 1 "bad.toml.*county.seet.*valid keys" "$O" -- "$CS" -q plan --osm "$SAMPLE" --config "$T/bad.toml" --out "$O"
check "matrix: not a graph" 1 "pts.csv" "$T/m.csv" -- "$CS" -q matrix --graph "$T/pts.csv" --from "$T/pts.csv" --to "$T/pts.csv" --out "$T/m.csv"
"$CS" -q network --osm "$SAMPLE" --out "$T/g.csgraph" 2>/dev/null
check "matrix: missing column" 1 "badpts.csv.*lon.*columns are" "$T/m.csv" -- "$CS" -q matrix --graph "$T/g.csgraph" --from "$T/badpts.csv" --to "$T/pts.csv" --out "$T/m.csv"
# Without --quiet a failing first pass still prints exactly one line.
check "empty file, not quiet" 1 "error" "$O" -- "$CS" plan --osm "$T/empty.osm.pbf" --out "$O"
finish
