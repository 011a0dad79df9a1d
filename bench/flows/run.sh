#!/usr/bin/env bash
# Flows calibration bench: countyscope's IRLS with absorbed fixed effects (1 and all threads) against statsmodels
# (unconstrained) and a NumPy fixed-effect-absorbing Poisson IRLS (constrained models; bench/flows/peer.py), on the
# same data in the same run; beta and deviance compared before any time is printed. Usage: bench/flows/run.sh BUILD
set -euo pipefail
BUILD="${1:-build/release}"
cd "$(dirname "$0")/../.."
B="$BUILD/bench/flows/bench_flows"
[ -x "$B" ] || { echo "build bench_flows first: cmake --build $BUILD --target bench_flows"; exit 1; }
T="$(mktemp -d)"; trap 'rm -rf "$T"' EXIT
AUS=data/fixtures/flows_austria/austria_flows_from_spint_tests.csv
cp "$AUS" "$T/austria.csv"
{ "$B" austria "$AUS" "$T"; "$B" sample data/sample/liechtenstein-2024-03-04.osm.pbf "$T"; } | tee "$T/ours.txt"
/usr/bin/python3 bench/flows/compare.py "$T" < "$T/ours.txt"
