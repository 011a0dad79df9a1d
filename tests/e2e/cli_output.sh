#!/usr/bin/env bash
# Output contract (issue 13): single-file outputs (matrix --out, network --out, report --html) aimed at a device
# node, a symbolic link, a folder or a full device exit 1 with one line naming the file and leave the target
# unchanged; output folders are replaced whole (no file of an earlier run, another county's or not), a foreign
# folder is refused without --force, a failure while writing leaves the previous folder byte-identical, stale
# staging is cleaned, every folder has a manifest; a missing input is exit 1 in every command; --max-memory
# refuses oversized work with the size needed.
source "$(dirname "$0")/lib.sh"
# A plan run that completed: exit 0, or 3 when the extract fails the data-quality gate (outputs written; Andorra
# and Monaco lack clinics the standards require). These tests are about the output folder, not the data.
plan_run() {
  "$CS" -q plan "$@"
  local rc=$?
  [ "$rc" -eq 0 ] || [ "$rc" -eq 3 ]
}
MONACO=data/fixtures/osm/monaco.osm.pbf
ANDORRA=data/fixtures/osm/andorra-2013-05-28.osm.pbf
RESULTS=tests/fixtures/results_min.json
SKIP=(--skip report flows scenarios structure access locate)  # the county model only: a fast plan

# refused NAME TARGET -- command...: exit 1, one line naming TARGET, no hidden file left beside it.
refused() {
  local name=$1 target=$2
  shift 3
  "$@" >/dev/null 2>"$T/err"
  local rc=$?
  if [ "$rc" != 1 ]; then fail "$name: exit $rc, expected 1: $(cat "$T/err")"; return 1; fi
  grep -v "^countyscope: warning: " "$T/err" >"$T/err1"; mv "$T/err1" "$T/err"  # warnings about the data may precede
  if [ "$(wc -l <"$T/err")" != 1 ]; then fail "$name: not one line:"; cat "$T/err" >&2; return 1; fi
  grep -qF -- "$target" "$T/err" || { fail "$name: message does not name $target: $(cat "$T/err")"; return 1; }
  if grep -qE "ERROR [0-9]|std::|basic_string|\.staging-|\.tmp-" "$T/err"; then fail "$name: internal text: $(cat "$T/err")"; return 1; fi
  local dir
  dir=$(dirname -- "$target")
  if [ -d "$dir" ] && ls -a "$dir" | grep -qE "\.tmp-|\.staging-|\.backup-"; then fail "$name: hidden file left"; return 1; fi
  ok "$name: $(cat "$T/err")"
}

"$CS" -q network --osm "$SAMPLE" --out "$T/g.csgraph" || { fail "network --out"; finish; }
python3 -c '
print("id,lon,lat")
for i in range(120): print(f"p{i},{9.50 + (i % 12) * 0.004:.4f},{47.10 + (i // 12) * 0.006:.4f}")
' >"$T/a.csv"  # 120 x 120 pairs: a matrix file larger than the size limits below
MATRIX=("$CS" -q matrix --graph "$T/g.csgraph" --from "$T/a.csv" --to "$T/a.csv" --out)
NETWORK=("$CS" -q network --osm "$SAMPLE" --out)
REPORT=("$CS" -q report "$RESULTS" --html)

# --- single files: device node, symbolic link, folder, full device ---
D=$T/targets
mkdir -p "$D"
if [ "$(id -u)" = 0 ]; then
  mknod "$D/null" c 1 3 && mknod "$D/full" c 1 7
  DEVICES=("$D/null" "$D/full")
else
  mkfifo "$D/null"  # not root: a FIFO stands in for a device node
  DEVICES=("$D/null")
fi
echo precious >"$D/victim.txt"
ln -s "$D/victim.txt" "$D/link"
mkdir "$D/dir"
for w in MATRIX NETWORK REPORT; do
  declare -n cmd=$w
  for t in "${DEVICES[@]}"; do
    refused "$w onto device $(basename "$t")" "$t" -- "${cmd[@]}" "$t" && { [ -c "$t" ] || [ -p "$t" ]; } ||
      fail "$w: $t is no longer a device"
  done
  refused "$w onto a symbolic link" "$D/link" -- "${cmd[@]}" "$D/link"
  [ -L "$D/link" ] && [ "$(cat "$D/victim.txt")" = precious ] || fail "$w: the link or its target changed"
  refused "$w onto a folder" "$D/dir" -- "${cmd[@]}" "$D/dir"
  [ -d "$D/dir" ] && [ -z "$(ls -A "$D/dir")" ] || fail "$w: the folder changed"
  unset -n cmd
done

# A full disk: a tiny tmpfs when the machine lets us mount one, and always a file-size limit (EFBIG).
full_disk() {  # full_disk LABEL DIR: each writer onto DIR/out.* keeps the old file and names the file
  local label=$1 dir=$2
  for w in MATRIX NETWORK REPORT; do
    declare -n cmd=$w
    echo old >"$dir/out.$w"
    refused "$w on a $label" "$dir/out.$w" -- "${cmd[@]}" "$dir/out.$w"
    [ "$(cat "$dir/out.$w")" = old ] || fail "$w on a $label: the old file changed"
    unset -n cmd
  done
}
mkdir -p "$T/small"
(trap '' XFSZ; ulimit -f 8; full_disk "file-size limit" "$T/small"; exit "$FAILS") || FAILS=$((FAILS + 1))
mkdir -p "$T/tmpfs"
if mount -t tmpfs -o size=64k tmpfs "$T/tmpfs" 2>/dev/null; then
  trap 'umount "$T/tmpfs" 2>/dev/null; rm -rf "$T"' EXIT
  full_disk "full 64 kB tmpfs" "$T/tmpfs"
  umount "$T/tmpfs"
  # A folder that does not fit (results.json is 1.7 MB; the GeoPackage is written by a second thread at the
  # same time, so either may be the one that meets the full disk): one line naming that file of the folder, no
  # raw GDAL/SQLite lines, no staging left beside it.
  mount -t tmpfs -o size=2m tmpfs "$T/tmpfs"
  refused "plan on a full tmpfs" "$T/tmpfs/p/" -- "$CS" -q plan --osm "$ANDORRA" "${SKIP[@]}" --out "$T/tmpfs/p"
  [ ! -e "$T/tmpfs/p" ] || fail "plan on a full tmpfs left a folder"
  umount "$T/tmpfs"
else
  echo "note: cannot mount a tmpfs here; the full-disk case runs with a file-size limit only"
fi

# --- output folders ---
P=$T/county
plan_run --osm "$ANDORRA" --skip flows scenarios structure access locate --out "$P" 2>"$T/err" ||
  { cat "$T/err"; fail "plan andorra"; finish; }
[ -s "$P/report.html" ] && [ -s "$P/manifest.json" ] || fail "plan: report.html or manifest.json missing"
# Another county into the same folder, without a report: nothing of Andorra's run may remain.
plan_run --osm "$MONACO" "${SKIP[@]}" --out "$P" 2>/dev/null || fail "plan monaco"
plan_run --osm "$MONACO" "${SKIP[@]}" --out "$T/fresh" 2>/dev/null || fail "plan monaco fresh"
diff -r "$P" "$T/fresh" >/dev/null && ok "second county's run replaced the folder whole (equal to a fresh run)" ||
  fail "the folder mixes two runs: $(diff -rq "$P" "$T/fresh" | head -3)"
[ ! -e "$P/report.html" ] || fail "report.html of the first county left beside the second's results"
python3 - "$P" "$MONACO" <<'PY' || fail "manifest content"
import hashlib, json, os, sys
d, osm = sys.argv[1], sys.argv[2]
m = json.load(open(os.path.join(d, "manifest.json")))
files = sorted(os.path.relpath(os.path.join(r, f), d) for r, _, fs in os.walk(d) for f in fs if f != "manifest.json")
assert [f["path"] for f in m["files"]] == files, (m["files"], files)
for f in m["files"]:
    b = open(os.path.join(d, f["path"]), "rb").read()
    assert f["size"] == len(b) and f["sha256"] == hashlib.sha256(b).hexdigest(), f
assert m["command"] == "plan" and m["version"] and m["options"]["--osm"] == osm, m
assert m["options"]["--skip"].startswith("report,") and "--out" not in m["options"], m["options"]
assert [i["path"] for i in m["inputs"]] == [osm], m["inputs"]
assert m["inputs"][0]["sha256"] == hashlib.sha256(open(osm, "rb").read()).hexdigest()
print("ok: manifest lists every file with size and sha256, the input's sha256 and the options")
PY
# report --html into the folder afterwards: the manifest records the new report.html (size and sha256).
"$CS" -q report "$P/results.json" --html "$P/report.html" || fail "report --html into an output folder"
python3 - "$P" <<'PY' || fail "manifest after report --html"
import hashlib, json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
files = sorted(os.path.relpath(os.path.join(r, f), d) for r, _, fs in os.walk(d) for f in fs if f != "manifest.json")
assert "report.html" in files and [f["path"] for f in m["files"]] == files, (m["files"], files)
for f in m["files"]:
    b = open(os.path.join(d, f["path"]), "rb").read()
    assert f["size"] == len(b) and f["sha256"] == hashlib.sha256(b).hexdigest(), f
print("ok: report --html into an output folder updated its manifest")
PY

# A failure while writing (files limited to 64 kB): the previous folder stays byte-identical.
cp -a "$P" "$T/before"
(trap '' XFSZ; ulimit -f 64; "$CS" -q plan --osm "$ANDORRA" "${SKIP[@]}" --out "$P") 2>"$T/err"
rc=$?
[ "$rc" = 1 ] && [ "$(grep -vc "^countyscope: warning: " "$T/err")" = 1 ] || fail "failure while writing: exit $rc: $(cat "$T/err")"
diff -r "$T/before" "$P" >/dev/null && ok "failure while writing left the previous folder byte-identical ($(cat "$T/err"))" ||
  fail "failure while writing changed the previous folder"
grep -qE "\.staging-|\.tmp-" "$T/err" && fail "message shows a hidden path: $(cat "$T/err")"
ls -a "$T" | grep -qE "\.staging-|\.backup-" && fail "staging left after a failure"

# A folder that is not a countyscope output: refused without --force (contents untouched), replaced with it.
mkdir -p "$T/thesis" && echo "years of work" >"$T/thesis/chapter1.tex"
refused "plan into a foreign folder" "$T/thesis" -- "$CS" -q plan --osm "$ANDORRA" "${SKIP[@]}" --out "$T/thesis"
[ "$(cat "$T/thesis/chapter1.tex")" = "years of work" ] || fail "foreign folder changed"
for c in demo structure flows assess access locate; do
  "$CS" -q $c --help | grep -q -- "--force" || fail "$c has no --force"
done
plan_run --osm "$ANDORRA" "${SKIP[@]}" --out "$T/thesis" --force 2>/dev/null || fail "plan --force"
[ ! -e "$T/thesis/chapter1.tex" ] && [ -s "$T/thesis/manifest.json" ] && ok "--force replaced the foreign folder" ||
  fail "--force did not replace the folder whole"
# --out at an input's own folder or at the input file: refused even with --force (the swap would delete it).
L=data/fixtures/locate_demo
mkdir -p "$T/in" && cp $L/demand.csv $L/candidates.csv $L/matrix.csv "$T/in/"
LOCIN=("$CS" -q locate --matrix "$T/in/matrix.csv" --candidates "$T/in/candidates.csv" --demand "$T/in/demand.csv" --new 2 --solver heuristic --force --out)
refused "--out the inputs' folder, --force" "holds the input file $T/in/matrix.csv" -- "${LOCIN[@]}" "$T/in"
refused "--out an input file, --force" "$T/in/demand.csv: is an input file of this run ($T/in/demand.csv); choose another output" -- "${LOCIN[@]}" "$T/in/demand.csv"
cmp -s $L/demand.csv "$T/in/demand.csv" && cmp -s $L/matrix.csv "$T/in/matrix.csv" && ok "inputs kept" || fail "inputs changed"
# A single-file output aimed at the run's own input (was: the input replaced, exit 0).
cp "$SAMPLE" "$T/in/x.osm.pbf" && cp "$RESULTS" "$T/in/res.json" && printf 'id,lon,lat\na,9.52,47.14\n' >"$T/in/p.csv"
refused "network --out its --osm" "$T/in/x.osm.pbf: is an input file of this run ($T/in/x.osm.pbf); choose another output" -- \
  "$CS" -q network --osm "$T/in/x.osm.pbf" --out "$T/in/x.osm.pbf"
refused "matrix --out its --from" "$T/in/p.csv: is an input file" -- "$CS" -q matrix --graph "$T/g.csgraph" --from "$T/in/p.csv" --to "$T/a.csv" --out "$T/in/p.csv"
refused "report --html its results" "$T/in/res.json: is an input file" -- "$CS" -q report "$T/in/res.json" --html "$T/in/res.json"
cmp -s "$SAMPLE" "$T/in/x.osm.pbf" && cmp -s "$RESULTS" "$T/in/res.json" && ok "single-file inputs kept" || fail "single-file inputs changed"

# Stale staging of a dead process (pid above Linux's maximum) is removed by the next run.
mkdir -p "$T/.county.staging-99999999/national" && head -c 100000 /dev/zero >"$T/.county.staging-99999999/junk"
plan_run --osm "$ANDORRA" "${SKIP[@]}" --out "$P" 2>/dev/null || fail "plan after a stale staging"
ls -a "$T" | grep -q "staging" && fail "stale staging not removed" || ok "stale staging removed by the next run"

# --- a missing input is exit 1 with one line naming it, in every command; bad option syntax stays 2 ---
M=$T/missing.file
refused "network: missing --osm" "$M" -- "$CS" -q network --osm "$M" --stats
refused "plan: missing --osm" "$M" -- "$CS" -q plan --osm "$M" --out "$T/o1"
refused "structure: missing --osm" "$M" -- "$CS" -q structure --osm "$M" --out "$T/o2"
refused "flows: missing --od" "$M" -- "$CS" -q flows --od "$M" --out "$T/o3"
refused "matrix: missing --graph" "$M" -- "$CS" -q matrix --graph "$M" --from "$T/a.csv" --to "$T/a.csv" --out "$T/m.csv"
refused "report: missing results" "$M" -- "$CS" -q report "$M" --html "$T/r.html"
"$CS" -q network --osm "$SAMPLE" --stats --bogus 2>/dev/null; [ $? = 2 ] && ok "unknown option: exit 2" || fail "unknown option not exit 2"
"$CS" -q --max-memory lots network --osm "$SAMPLE" --stats 2>/dev/null; [ $? = 2 ] && ok "--max-memory lots: exit 2" || fail "bad --max-memory not exit 2"
# --threads beyond 1024 would start that many threads, each with its own search state: refused before any work
"$CS" -q --threads 50000 network --osm "$SAMPLE" --stats >/dev/null 2>"$T/err"; rc=$?
[ $rc = 2 ] && grep -q "thread count in \[0, 1024\]" "$T/err" && [ "$(wc -l <"$T/err")" = 1 ] \
  && ok "--threads 50000: one line, exit 2" || fail "--threads 50000: rc=$rc $(cat "$T/err")"

# --- resources: sizes estimated before the work; beyond --max-memory refused with the size and the option ---
python3 -c '
import sys
print("code,lon,lat,pop")
for i in range(100000): print(f"p{i},{100 + (i % 300) * 0.01:.4f},{30 + (i // 300) * 0.01:.4f},{100 + i % 7}")
' >"$T/places.csv"
refused "flows --places with 10^5 places" "needs" -- "$CS" -q flows --places "$T/places.csv" --mass-col pop --out "$T/o4"
grep -q -- "--max-memory" "$T/err" || fail "flows: message lacks --max-memory"
[ ! -e "$T/o4" ] || fail "flows left an output"
refused "matrix beyond --max-memory 4" "--max-memory" -- "$CS" -q --max-memory 4 matrix --graph "$T/g.csgraph" --from "$T/a.csv" --to "$T/a.csv" --out "$T/m.csv"
[ ! -e "$T/m.csv" ] || fail "matrix left an output"
finish
