#!/usr/bin/env bash
# Interrupts (issue 13): SIGINT and SIGTERM early in the computation, late in it and while the output folder is
# being written leave the previous output byte-identical (or, when the signal came after the commit had begun,
# the complete new output); the staging is removed at once; a run killed with SIGKILL leaves a staging folder
# that the next run removes. The previous output is the demo without the national part, so an interrupted full
# demo that got through would be visible.
source "$(dirname "$0")/lib.sh"
set -m  # background jobs keep SIGINT (as under a terminal) instead of ignoring it
O=$T/demo

t0=$(date +%s%N)
"$CS" -q demo --no-national --out "$O" 2>"$T/err" || { cat "$T/err"; fail "previous demo"; finish; }
county_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
cp -a "$O" "$T/previous"
# The county part took county_ms; 60 % into it is late in its computation (the staging appears at its end).
late_s=$(python3 -c "print(f'{max(0.3, ${county_ms} * 0.6 / 1000):.2f}')")
early_s=$(python3 -c "print(f'{max(0.2, ${county_ms} * 0.1 / 1000):.2f}')")
echo "demo --no-national: ${county_ms} ms; signals at ${early_s} s, ${late_s} s and while writing"

# state_ok: the folder is the previous one byte for byte, or a complete new one (matches its own manifest and
# has national/), and no staging or backup folder is left beside it.
state_ok() {
  local label=$1
  if ls -a "$T" | grep -qE "\.demo\.(staging|backup)-"; then fail "$label: staging left: $(ls -a "$T" | tr '\n' ' ')"; return; fi
  if diff -r "$T/previous" "$O" >/dev/null; then ok "$label: previous output byte-identical"; return; fi
  python3 - "$O" <<'PY' && ok "$label: complete new output (the signal came after the commit began)" || fail "$label: mixed or partial output"
import hashlib, json, os, sys
d = sys.argv[1]
m = json.load(open(os.path.join(d, "manifest.json")))
files = sorted(os.path.relpath(os.path.join(r, f), d) for r, _, fs in os.walk(d) for f in fs if f != "manifest.json")
assert [f["path"] for f in m["files"]] == files
assert all(hashlib.sha256(open(os.path.join(d, f["path"]), "rb").read()).hexdigest() == f["sha256"] for f in m["files"])
assert "national/results.json" in files
PY
  cp -a "$T/previous/." "$O.reset" && rm -rf "$O" && mv "$O.reset" "$O"  # back to the previous output
}

# interrupt SIG WHEN: WHEN is a delay in seconds or "writing" (as soon as the staged results.json exists).
interrupt() {
  local sig=$1 when=$2 pid rc
  "$CS" -q demo --out "$O" 2>"$T/err" &
  pid=$!
  if [ "$when" = writing ]; then
    for _ in $(seq 1 3000); do
      compgen -G "$T/.demo.staging-$pid/results.json" >/dev/null && break
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.005
    done
  else
    sleep "$when"
  fi
  kill -s "$sig" "$pid" 2>/dev/null
  wait "$pid"
  rc=$?
  local want=$((128 + $(kill -l "$sig")))
  if [ "$rc" != "$want" ] && [ "$rc" != 0 ]; then fail "$sig at $when: exit $rc: $(cat "$T/err")"; fi
  # (A signal during start-up, before the handlers exist, ends the process without a message: nothing was written.)
  [ "$rc" = "$want" ] && [ "$when" != "$early_s" ] && ! grep -q "interrupted by SIG$sig" "$T/err" &&
    fail "$sig at $when: no message"
  state_ok "$sig at $when (exit $rc)"
}

for sig in INT TERM; do
  interrupt "$sig" "$early_s"
  interrupt "$sig" "$late_s"
  interrupt "$sig" writing
done

# SIGKILL while writing cannot be caught: the staging stays, and the next run removes it.
"$CS" -q demo --out "$O" 2>/dev/null &
pid=$!
for _ in $(seq 1 3000); do
  compgen -G "$T/.demo.staging-$pid/results.json" >/dev/null && break
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.005
done
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
if ls -a "$T" | grep -q "\.demo\.staging-$pid"; then
  ok "SIGKILL left .demo.staging-$pid"
  diff -r "$T/previous" "$O" >/dev/null && ok "SIGKILL: previous output byte-identical" || fail "SIGKILL changed the output"
fi
"$CS" -q demo --no-national --out "$O" 2>/dev/null || fail "run after SIGKILL"
ls -a "$T" | grep -qE "\.demo\.(staging|backup)-" && fail "staging of the killed run not removed by the next run" ||
  ok "the next run removed the killed run's staging"
diff -r "$T/previous" "$O" >/dev/null && ok "and wrote the same output" || fail "run after SIGKILL differs"
finish
