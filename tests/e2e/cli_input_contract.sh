#!/usr/bin/env bash
# Input contract (docs/reliability.md): each bad input gives exactly one line on stderr, the exact line expected
# (file, row or id as written, field, what was expected), the documented exit code, and nothing written.
# Reproducers of issue 13 (segfault on a services table without the default [locate] types, CLP aborts on huge
# weights, NaN accepted, duplicates accepted, internal indices in messages) and inputs a new user would try.
source "$(dirname "$0")/lib.sh"

L=data/fixtures/locate_demo
E="countyscope: error:"
U="countyscope: usage error:"

# expect NAME RC EXACT_LINE OUTPUT -- command...
expect() {
  local name=$1 want=$2 line=$3 out=$4
  shift 5
  "$@" >/dev/null 2>"$T/err"
  local rc=$? n
  n=$(wc -l <"$T/err")
  if [ "$rc" != "$want" ]; then fail "$name: exit $rc, expected $want: $(cat "$T/err")"; rm -rf "$out"; return; fi
  if [ "$n" != 1 ]; then fail "$name: $n lines on stderr: $(cat "$T/err")"; return; fi
  if [ "$(cat "$T/err")" != "$line" ]; then fail "$name: got      '$(cat "$T/err")'"$'\n'"      expected '$line'"; return; fi
  if [ -e "$out" ]; then fail "$name: output left behind in $out"; return; fi
  ok "$name"
}
# works NAME -- command...: a valid (if unusual) input is accepted.
works() {
  local name=$1
  shift 2
  if "$@" >/dev/null 2>"$T/err"; then ok "$name"; else fail "$name: exit $?: $(cat "$T/err")"; fi
}
O=$T/out
loc=(locate --matrix $L/matrix.csv --candidates $L/candidates.csv)

# ---- 1. services table without the default [locate] types (was: segfault / std::bad_alloc) ----
printf '[[service]]\nname = "hospital"\nlabel_en = "Hospital"\nlabel_zh = "医院"\ncapacity_tag = "beds"\nrules = ["amenity=hospital"]\n' >"$T/svc.toml"
expect "plan --services without clinic" 1 \
  "$E $T/svc.toml: no service type 'clinic', which [locate] services uses by default; types in this table: hospital (set [locate] services in the plan file, or skip locate)" \
  "$O" -- "$CS" -q plan --osm "$SAMPLE" --services "$T/svc.toml" --out "$O"
expect "demo --services without clinic" 1 \
  "$E $T/svc.toml: no service type 'clinic', which [locate] services uses by default; types in this table: hospital (set [locate] services in the plan file, or skip locate)" \
  "$O" -- "$CS" -q demo --services "$T/svc.toml" --out "$O"

# ---- 2. magnitudes the MIP must never see (were: CLP assertion, exit 134; capacity 1e308 "infeasible") ----
sed '2s/^v00,953,/v00,1e23,/' $L/demand.csv >"$T/d23.csv"
expect "locate: weight 1e23" 1 \
  "$E $T/d23.csv: line 2, field 'population': expected a population in [0, 2e+09] persons, got 1e+23" \
  "$O" -- "$CS" -q "${loc[@]}" --demand "$T/d23.csv" --new 2 --out "$O"
sed '3s/^v01,468,/v01,1e300,/' $L/demand.csv >"$T/d300.csv"
expect "locate mclp: weight 1e300" 1 \
  "$E $T/d300.csv: line 3, field 'population': expected a population in [0, 2e+09] persons, got 1e+300" \
  "$O" -- "$CS" -q "${loc[@]}" --demand "$T/d300.csv" --problem mclp --standard-min 10 --new 2 --out "$O"
sed '2s/^c00,1,20000,/c00,1,1e308,/' $L/candidates.csv >"$T/c308.csv"
expect "locate --capacitated: capacity 1e308" 1 \
  "$E $T/c308.csv: line 2, field 'capacity': expected a capacity in [0, 2e+09] persons, got 1e+308" \
  "$O" -- "$CS" -q locate --matrix $L/matrix.csv --demand $L/demand.csv --candidates "$T/c308.csv" --capacitated --new 2 --out "$O"
sed '3s/,9.567\r$/,1e9\r/' $L/matrix.csv >"$T/m1e9.csv"
expect "locate: travel time 1e9 min" 1 \
  "$E $T/m1e9.csv: line 3, field 'time_min': expected a travel time in [0, 10080] minutes, got 1e+09" \
  "$O" -- "$CS" -q locate --matrix "$T/m1e9.csv" --demand $L/demand.csv --candidates $L/candidates.csv --new 2 --out "$O"

# ---- 3. NaN and inf: every floating option, TOML values, table cells ----
expect "--cutoff-min nan" 2 \
  "$U --cutoff-min: expected a time in (0, 10080] minutes, got nan" \
  "$O" -- "$CS" -q access --matrix $L/matrix.csv --demand $L/demand.csv --facilities $L/candidates.csv --cutoff-min nan --out "$O"
expect "--time-limit-s nan" 2 \
  "$U --time-limit-s: expected a time limit in (0, 1e+07] seconds, got nan" \
  "$O" -- "$CS" -q "${loc[@]}" --demand $L/demand.csv --time-limit-s nan --new 2 --out "$O"
expect "--cutoff-min inf" 2 \
  "$U --cutoff-min: expected a time in (0, 10080] minutes, got inf" \
  "$T/m.csv" -- "$CS" -q matrix --graph $L/matrix.csv --from $L/demand.csv --to $L/demand.csv --cutoff-min inf --out "$T/m.csv"
expect "--agri-share nan" 2 \
  "$U --agri-share: expected a share in [0, 1], got nan" \
  "$O" -- "$CS" -q assess --counties data/china/county_features_2020.csv.gz --indicators data/config/integration.toml --agri-share nan --out "$O"
expect "--agri-share 1.5" 2 \
  "$U --agri-share: expected a share in [0, 1], got 1.5" \
  "$O" -- "$CS" -q assess --counties data/china/county_features_2020.csv.gz --indicators data/config/integration.toml --agri-share 1.5 --out "$O"
expect "--standard-min 0 for mclp says minutes" 2 \
  "$U --standard-min: expected a time in (0, 10080] minutes, got 0" \
  "$O" -- "$CS" -q "${loc[@]}" --demand $L/demand.csv --problem mclp --standard-min 0 --new 2 --out "$O"
expect "--time-limit-s -1" 2 \
  "$U --time-limit-s: expected a time limit in (0, 1e+07] seconds, got -1" \
  "$O" -- "$CS" -q "${loc[@]}" --demand $L/demand.csv --time-limit-s -1 --new 2 --out "$O"
printf '[flows]\nbeta_labour = nan\n' >"$T/beta.toml"
expect "TOML beta_labour = nan" 1 \
  "$E $T/beta.toml: line 2, field 'flows.beta_labour': expected a decay parameter in [0, 10] per minute, got nan" \
  "$O" -- "$CS" -q plan --osm "$SAMPLE" --config "$T/beta.toml" --out "$O"
printf '[flows]\nbeta_labour = 1.0\n[:\n' >"$T/header.toml"
expect "plan --config: table header without a name (toml++ 3.3 assertion)" 1 \
  "$E $T/header.toml: line 3: a table header needs a name after '[' (letters, digits, '_' or '-', or a quoted name), got ':'" \
  "$O" -- "$CS" -q plan --osm "$SAMPLE" --config "$T/header.toml" --out "$O"
printf '[[service]]\nname = "clinic"\n[[\n' >"$T/svchdr.toml"
expect "plan --services: table header without a name" 1 \
  "$E $T/svchdr.toml: line 3: a table header needs a name after '[[' (letters, digits, '_' or '-', or a quoted name), got the end of the line" \
  "$O" -- "$CS" -q plan --osm "$SAMPLE" --services "$T/svchdr.toml" --out "$O"
# U+FEED (UTF-8 ef bb ad) in a string: toml++ 3.3 reaches TOML_UNREACHABLE on U+FB96..U+FEFE (fuzz finding).
printf '[county]\nunit_admin_level = 8\nseat = "Vad\xef\xbb\xaduz"\n' >"$T/feed.toml"
expect "plan --config: U+FEED in a string (toml++ 3.3 unreachable)" 1 \
  "$E $T/feed.toml: line 3: character U+FEED (Arabic presentation or CJK compatibility form) is not supported in TOML files; use its plain form" \
  "$O" -- "$CS" -q plan --osm "$SAMPLE" --config "$T/feed.toml" --out "$O"
printf 'name = "x"\n[[link]]\nfrom = [nan, 47.1]\nto = [9.52, 47.14]\n' >"$T/link.toml"
printf '[scenarios]\nfile = "link.toml"\n' >"$T/sc.toml"
expect "TOML scenario link from = [nan, ...]" 1 \
  "$E $T/link.toml: link[1], field 'from': give [lon, lat] in WGS-84 degrees, got [nan, 47.1]" \
  "$O" -- "$CS" -q plan --osm "$SAMPLE" --config "$T/sc.toml" --out "$O"
awk '/\[\[dimension.indicator\]\]/ && !done { print; print "  weight = nan"; done = 1; next } { print }' \
  data/config/integration.toml >"$T/ind.toml"
expect "TOML indicator weight = nan" 1 \
  "$E $T/ind.toml: line 32, field 'dimension[1].indicator[1].weight': expected a value in (0, 1e+15], got nan" \
  "$O" -- "$CS" -q assess --counties data/china/county_features_2020.csv.gz --indicators "$T/ind.toml" --out "$O"
printf 'id,population\nv00,nan\n' >"$T/dnan.csv"
expect "table cell nan" 1 \
  "$E $T/dnan.csv: line 2, field 'population': not a number: 'nan'" \
  "$O" -- "$CS" -q "${loc[@]}" --demand "$T/dnan.csv" --new 2 --out "$O"
printf 'demand_id,candidate_id,time_min\nv00,c00,inf\n' >"$T/minf.csv"
expect "table cell inf (time)" 1 \
  "$E $T/minf.csv: line 2, field 'time_min': not a number: 'inf'" \
  "$O" -- "$CS" -q locate --matrix "$T/minf.csv" --demand $L/demand.csv --candidates $L/candidates.csv --new 2 --out "$O"

# ---- 4. duplicates: ids, pairs, header columns ----
{ cat $L/demand.csv; echo "v00,5,9.5,47.1"; } >"$T/dupd.csv"
expect "duplicate demand id" 1 \
  "$E $T/dupd.csv: line 82, field 'id': duplicate id 'v00' (also on line 2)" \
  "$O" -- "$CS" -q "${loc[@]}" --demand "$T/dupd.csv" --new 2 --out "$O"
{ cat $L/matrix.csv; echo "v00,c00,99"; } >"$T/dupm.csv"
expect "duplicate locate matrix pair" 1 \
  "$E $T/dupm.csv: line 1202, field 'demand_id,candidate_id': duplicate pair 'v00' -> 'c00' (also on line 2)" \
  "$O" -- "$CS" -q locate --matrix "$T/dupm.csv" --demand $L/demand.csv --candidates $L/candidates.csv --new 2 --out "$O"
printf 'id,population,population\nv00,1,2\n' >"$T/duph.csv"
expect "duplicate header column" 1 \
  "$E $T/duph.csv: header, field 'population': duplicate column (positions 2 and 3)" \
  "$O" -- "$CS" -q "${loc[@]}" --demand "$T/duph.csv" --new 2 --out "$O"
printf 'id,lon,lat\na,9.52,47.14\nb,9.51,47.16\na,9.50,47.10\n' >"$T/dupp.csv"
"$CS" -q network --osm "$SAMPLE" --out "$T/g.csgraph" 2>/dev/null
expect "matrix --from duplicate id" 1 \
  "$E $T/dupp.csv: line 4, field 'id': duplicate id 'a' (also on line 2)" \
  "$T/m.csv" -- "$CS" -q matrix --graph "$T/g.csgraph" --from "$T/dupp.csv" --to "$T/dupp.csv" --out "$T/m.csv"
printf 'id,pop\na,100\nb,50\n' >"$T/adem.csv"
printf 'id,service\nh1,clinic\n' >"$T/afac.csv"
printf 'from_id,to_id,time_min\na,h1,60\nb,h1,90\na,h1,30\n' >"$T/amat.csv"
expect "access matrix duplicate pair" 1 \
  "$E $T/amat.csv: line 4, field 'from_id,to_id': duplicate pair 'a' -> 'h1' (also on line 2)" \
  "$O" -- "$CS" -q access --matrix "$T/amat.csv" --demand "$T/adem.csv" --facilities "$T/afac.csv" --out "$O"
printf 'from_id,h1\na,60\nb,90\na,30\n' >"$T/awide.csv"
expect "access wide matrix duplicate row" 1 \
  "$E $T/awide.csv: line 4, field 'from_id': duplicate id 'a' (also on line 2)" \
  "$O" -- "$CS" -q access --matrix "$T/awide.csv" --demand "$T/adem.csv" --facilities "$T/afac.csv" --out "$O"
printf 'id,pop,settlement\na,100,Vaduz\nb,50,Vaduz\n' >"$T/adem2.csv"
printf 'name,tier\nVaduz,seat\nSchaan,town\nVaduz,village\n' >"$T/aset.csv"
printf 'from_id,to_id,time_min\na,h1,60\nb,h1,90\n' >"$T/amat2.csv"
expect "access settlements duplicate name" 1 \
  "$E $T/aset.csv: line 4, field 'name': duplicate id 'Vaduz' (also on line 2)" \
  "$O" -- "$CS" -q access --matrix "$T/amat2.csv" --demand "$T/adem2.csv" --facilities "$T/afac.csv" --settlements "$T/aset.csv" --out "$O"
printf 'id,pop\na,1e308\nb,50\n' >"$T/abig.csv"
expect "access population 1e308" 1 \
  "$E $T/abig.csv: line 2, field 'pop': expected a population in [0, 2e+09] persons, got 1e+308" \
  "$O" -- "$CS" -q access --matrix "$T/amat2.csv" --demand "$T/abig.csv" --facilities "$T/afac.csv" --out "$O"

# ---- 5. messages name the file's ids and the option's unit ----
grep -v '^v05,' $L/matrix.csv >"$T/m-v05.csv"
expect "unreachable demand point named by its id" 1 \
  "$E locate[clinic]: demand: infeasible: demand point 'v05' cannot reach any candidate site" \
  "$O" -- "$CS" -q locate --matrix "$T/m-v05.csv" --demand $L/demand.csv --candidates $L/candidates.csv --new 2 --out "$O"

# ---- a valid problem without a solution: one line, exit 1, nothing written ----
# v00 (953 people) reaches only c05, whose capacity is 100: the input checks pass (every point reaches a site,
# the largest capacities exceed the total demand), the MIP proves the problem infeasible.
grep -v '^v00,c\(0[0-4]\|0[6-9]\|1[0-4]\),' $L/matrix.csv >"$T/m-v00.csv"
sed '7s/^c05,0,20000,/c05,0,100,/' $L/candidates.csv >"$T/c05.csv"
expect "locate: no solution (capacitated, infeasible)" 1 \
  "$E locate[clinic]: mip outcome infeasible, no solution to report; nothing written" \
  "$O" -- "$CS" -q locate --matrix "$T/m-v00.csv" --demand $L/demand.csv --candidates "$T/c05.csv" --capacitated --new 2 --out "$O"

# ---- further inputs a new user would try ----
: >"$T/empty.csv"
expect "empty demand file" 1 "$E $T/empty.csv: empty file (no header row)" \
  "$O" -- "$CS" -q "${loc[@]}" --demand "$T/empty.csv" --new 2 --out "$O"
printf 'id,population\n' >"$T/hdr.csv"
expect "header-only demand file" 1 "$E $T/hdr.csv: no rows" \
  "$O" -- "$CS" -q "${loc[@]}" --demand "$T/hdr.csv" --new 2 --out "$O"
printf 'id,lon,lat\na,47.14,9.52\n' >"$T/swap.csv"
printf 'id,lon,lat\na,9.52,47.14\n' >"$T/ok.csv"
expect "lon/lat swapped in a point file" 1 \
  "$E $T/swap.csv: line 2, field 'lon,lat': point (47.14, 9.52) lies outside the road network (lon 9.4726..9.6141, lat 47.0521..47.2547 (plus 10 km)); lon and lat swapped?" \
  "$T/m.csv" -- "$CS" -q matrix --graph "$T/g.csgraph" --from "$T/swap.csv" --to "$T/ok.csv" --out "$T/m.csv"
printf 'id,lon,lat\na,9.52,147.14\n' >"$T/lat.csv"
expect "latitude out of range" 1 \
  "$E $T/lat.csv: line 2, field 'lat': expected a latitude in [-90, 90] degrees, got 147.14" \
  "$T/m.csv" -- "$CS" -q matrix --graph "$T/g.csgraph" --from "$T/lat.csv" --to "$T/lat.csv" --out "$T/m.csv"
printf 'demand_id,candidate_id,time_min\nv00,c00,10\nv99,c00,10\n' >"$T/munk.csv"
expect "unknown id in the locate matrix" 1 \
  "$E $T/munk.csv: line 3, field 'demand_id': unknown demand id 'v99' (not in $L/demand.csv)" \
  "$O" -- "$CS" -q locate --matrix "$T/munk.csv" --demand $L/demand.csv --candidates $L/candidates.csv --new 2 --out "$O"
expect "--p beyond 32 bits" 2 \
  "$U --p: expected an integer in [0, 1e+05] facilities, got 99999999999" \
  "$O" -- "$CS" -q "${loc[@]}" --demand $L/demand.csv --p 99999999999 --out "$O"
for s in -1 99999999999999999999999; do  # CLI11 alone made both 2^64-1, silently
  expect "--seed $s" 2 \
    "$U --seed: expected a whole number in [0, 18446744073709551615], got '$s' (see countyscope locate --help)" \
    "$O" -- "$CS" -q --seed $s "${loc[@]}" --demand $L/demand.csv --new 2 --out "$O"
done
# BOM, CRLF, quoted fields and negative zero are valid CSV: the same answer as the plain file.
printf '\xef\xbb\xbf' >"$T/bom.csv"
sed '2s/^v00,953,/"v00",-0,/' $L/demand.csv >>"$T/bom.csv"  # the fixture has CRLF line ends
tr -d '\r' <$L/demand.csv | sed '2s/^v00,953,/v00,0,/' >"$T/plain.csv"
works "BOM + CRLF + quotes + -0" -- "$CS" -q "${loc[@]}" --demand "$T/bom.csv" --new 2 --solver heuristic --out "$T/bom"
works "plain twin" -- "$CS" -q "${loc[@]}" --demand "$T/plain.csv" --new 2 --solver heuristic --out "$T/plain"
if cmp -s "$T/bom/sites.csv" "$T/plain/sites.csv"; then ok "BOM/CRLF/quoted file gives the plain file's sites"; else fail "BOM/CRLF/quoted file: sites differ"; fi
finish
