#!/usr/bin/env bash
# MPI batch acceptance (issue 8): with 2 and 4 ranks over the bundled extracts plus one corrupt file, every county's
# folder is byte-identical to running `countyscope plan` on it alone, the corrupt county is reported while the others
# finish, the batch exits 1 with a summary, and a re-run skips what is done.
#   usage: batch_test.sh COUNTYSCOPE_BIN SOURCE_DIR WORK_DIR
set -euo pipefail
cs="$1"; src="$2"; work="$3"
rm -rf "$work"; mkdir -p "$work"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_btl=self,vader OMPI_MCA_plm=isolated \
       OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_rmaps_base_oversubscribe=1
fail() { echo "FAIL: $*" >&2; exit 1; }

head -c 200000 "$src/data/sample/liechtenstein-2024-03-04.osm.pbf" > "$work/corrupt.osm.pbf"
cat > "$work/counties.txt" <<LIST
# name path
liechtenstein $src/data/sample/liechtenstein-2024-03-04.osm.pbf
andorra $src/data/fixtures/osm/andorra-2013-05-28.osm.pbf
monaco $src/data/fixtures/osm/monaco.osm.pbf
corrupt $work/corrupt.osm.pbf
LIST

# The data-quality verdict of each county (docs/county.md): the sample warns; Andorra and Monaco fail (no clinic),
# so `plan` exits 3 after writing everything, and batch reports them ok with quality "fail".
declare -A quality=([liechtenstein]=warn [andorra]=fail [monaco]=fail)
for c in liechtenstein andorra monaco; do
  path=$(awk -v n="$c" '$1==n {print $2}' "$work/counties.txt")
  set +e
  "$cs" --quiet plan --osm "$path" --out "$work/alone/$c" 2>/dev/null
  rc=$?
  set -e
  want=0
  [ "${quality[$c]}" = fail ] && want=3
  [ "$rc" -eq "$want" ] || fail "plan alone for $c: exit $rc, want $want"
done

for np in 2 4; do
  set +e
  mpirun --allow-run-as-root --oversubscribe --bind-to none -np "$np" "$cs" --quiet batch --list "$work/counties.txt" \
    --out "$work/np$np" 2> "$work/np$np.err"
  rc=$?
  set -e
  cat "$work/np$np.err"
  [ "$rc" -eq 1 ] || fail "np=$np: expected exit 1 (one county failed), got $rc"
  grep -q "^corrupt,.*,failed," "$work/np$np/batch_summary.csv" || fail "np=$np: corrupt county not reported as failed"
  [ ! -e "$work/np$np/corrupt" ] || fail "np=$np: partial output left for the corrupt county"
  for c in liechtenstein andorra monaco; do
    grep -q "^$c,[^,]*,ok,${quality[$c]}," "$work/np$np/batch_summary.csv" ||
      fail "np=$np: $c not ok with quality ${quality[$c]}"
    diff -r "$work/alone/$c" "$work/np$np/$c" >/dev/null || fail "np=$np: $c differs from the single-county run"
  done
  echo "np=$np: 3 counties byte-identical to single runs, corrupt one reported"
done

# Resumable: a re-run skips the counties that are done and retries only the failed one.
set +e
mpirun --allow-run-as-root --oversubscribe --bind-to none -np 2 "$cs" --quiet batch --list "$work/counties.txt" \
  --out "$work/np2" 2> "$work/rerun.err"
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "re-run: expected exit 1, got $rc"
[ "$(grep -c ',skipped,' "$work/np2/batch_summary.csv")" -eq 3 ] || fail "re-run did not skip the 3 done counties"
echo "re-run skipped 3 done counties"
echo "1 passed, 0 failed"
