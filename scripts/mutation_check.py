#!/usr/bin/python3
"""Mutation check: do the tests catch small, realistic bugs?

Applies each one-line mutation of MUTATIONS below, one at a time, to a copy of the source tree (the tracked
files of this checkout, copied to --work), rebuilds only the test targets the mutation affects, runs the
relevant tests and reports whether they caught it (a test failed or timed out) or not (all passed).
A mutation that does not compile is reported as such and counts as neither.

The copy has its own release build (<work>/build/release, the `release` preset): it is reused between runs,
and with ccache the unmutated objects are cache hits after the first run. Nothing in this checkout is touched
except, with --table, the table section of docs/testing.md.

Usage:
  /usr/bin/python3 scripts/mutation_check.py                # all mutations
  /usr/bin/python3 scripts/mutation_check.py --only locate  # ids containing 'locate'
  /usr/bin/python3 scripts/mutation_check.py --list
  /usr/bin/python3 scripts/mutation_check.py --table docs/testing.md   # rewrite the table in the doc
Options: --work DIR (default build/mutation-tree), --jobs N (default 2), --timeout S per test command (900).
Not part of CI (it takes tens of minutes); see docs/testing.md.
"""

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@dataclass
class Mutation:
    id: str
    area: str
    file: str
    old: str  # must occur exactly once in the file
    new: str
    exes: list  # gtest executables (CMake target names) to build and run
    gfilter: str = "*"  # --gtest_filter for those executables
    ctest: str = ""  # optional ctest -R regex (script tests; their targets are in `build`)
    build: list = field(default_factory=list)  # extra targets to build (e.g. the CLI for script tests)
    why: str = ""


M = Mutation
MUTATIONS = [
    # ---- routing (network)
    M("routing-ch-upward-cutoff", "routing", "src/network/ch.cpp",
      "      if (nd > cutoff) continue;", "      if (nd >= cutoff) continue;",
      ["test_network_ch"], "CH.HandDrawnAllPairs:CH.RandomGraphs*",
      why="CH upward search drops nodes exactly at the cutoff (issue 22)"),
    M("routing-ch-seed-cutoff", "routing", "src/network/ch.cpp",
      "    if (w > cutoff) continue;", "    if (w >= cutoff) continue;",
      ["test_network_ch"], "CH.HandDrawnAllPairs:CH.RandomGraphs*",
      why="CH seeds exactly at the cutoff dropped"),
    M("routing-ch-no-direct-path", "routing", "src/network/ch.cpp",
      "std::min(b[j], detail::direct_along_edge(s, dst[j]))", "b[j]",
      ["test_network_ch"], "CH.HandDrawnAllPairs:Networks/CHBundled.*",
      why="CH matrix forgets the path along a shared edge"),
    M("routing-dijkstra-cutoff", "routing", "src/network/routing.cpp",
      "      if (nd > cutoff) continue;", "      if (nd >= cutoff) continue;",
      ["test_network_ch", "test_network_unit"], "CH.HandDrawnAllPairs:Dijkstra.*:Matrix.*",
      why="Dijkstra drops nodes exactly at the cutoff"),
    M("routing-matrix-cutoff-inclusive", "routing", "src/network/routing.cpp",
      "row[j] = w <= cutoff ? to_seconds(w) : kUnreachable;", "row[j] = w < cutoff ? to_seconds(w) : kUnreachable;",
      ["test_network_ch", "test_network_unit"], "CH.HandDrawnAllPairs:Dijkstra.*:Matrix.*",
      why="Dijkstra matrix cutoff made exclusive"),
    # ---- access
    M("access-catchment-exclusive", "access", "src/access/access.cpp",
      "return inclusive ? d <= d0 : d < d0;", "return inclusive ? d < d0 : d < d0;",
      ["test_access"], why="2SFCA catchment boundary"),
    M("access-zone-step-boundary", "access", "src/access/access.cpp",
      "      if (d <= z[k]) return w[k];", "      if (d < z[k]) return w[k];",
      ["test_access"], why="E2SFCA zone bounds made exclusive"),
    M("access-e2sfca-no-zone-weight", "access", "src/access/access.cpp",
      "        dE[j] += P * K.zone(d);", "        dE[j] += P;",
      ["test_access"], why="E2SFCA step 1 forgets the zone weight"),
    M("access-3sfca-selection-weight", "access", "src/access/access.cpp",
      "        d3[j] += P * w * w * inv3;", "        d3[j] += P * w * inv3;",
      ["test_access"], why="3SFCA selection weight applied once instead of twice"),
    # ---- locate
    M("locate-swap-extra", "locate", "src/locate/heuristic.cpp",
      "ex[static_cast<std::size_t>(j) * P_] += w * (b - std::max(t, a));",
      "ex[static_cast<std::size_t>(j) * P_] += w * (b - a);",
      ["test_locate_oracle"], "LocateOracle.PMedian*",
      why="p-median swap bookkeeping: extra[f][g] overstated (issue 22)"),
    M("locate-no-swaps", "locate", "src/locate/heuristic.cpp",
      "    for (; swaps < max_swaps; ++swaps) {", "    for (; swaps < 0; ++swaps) {",
      ["test_locate_oracle"], "LocateOracle.PMedian*",
      why="p-median swap phase disabled (issue 22)"),
    M("locate-swap-gain", "locate", "src/locate/heuristic.cpp",
      "      if (t < a) gain_[j] += w * (a - t);", "      if (t < a) gain_[j] += w * (b - t);",
      ["test_locate_oracle"], "LocateOracle.PMedian*",
      why="p-median swap gain measured from the second-nearest site"),
    M("locate-mclp-coverage-exclusive", "locate", "src/locate/heuristic_cover.cpp",
      "      if (pb.cost(i, j) <= pb.standard_s)\n        cov[i].push_back(j)",
      "      if (pb.cost(i, j) < pb.standard_s)\n        cov[i].push_back(j)",
      ["test_locate_oracle", "test_locate"], "LocateOracle.Mclp*:Locate.HandCheckedCoverageAndCenter",
      why="MCLP heuristic coverage made exclusive"),
    # ---- flows
    M("flows-glm-chunk-drop-S", "flows", "src/flows/glm.cpp",
      "for (std::size_t i = 0; i < bl.S.size(); ++i) bl.S[i] += pb.S[i];",
      "for (std::size_t i = 0; i < bl.S.size(); ++i) (void)pb.S[i];",
      ["test_flows_models"], "FlowsGlm.*",
      why="IRLS chunked reduction drops the M block of the partials (issue 22)"),
    M("flows-glm-chunk-drop-rq", "flows", "src/flows/glm.cpp",
      "for (std::size_t i = 0; i < bl.rq.size(); ++i) bl.rq[i] += pb.rq[i];",
      "for (std::size_t i = 0; i < bl.rq.size(); ++i) (void)pb.rq[i];",
      ["test_flows_models"], "FlowsGlm.*",
      why="IRLS chunked reduction drops the right-hand side of the partials"),
    M("flows-glm-offset-ignored", "flows", "src/flows/glm.cpp",
      "auto off = [&](std::size_t k) { return d.offset.empty() ? 0.0 : d.offset[k]; };",
      "auto off = [&](std::size_t) { return 0.0; };",
      ["test_flows_models", "test_flows_reference"], "FlowsGlm.*:FlowsReference.*",
      why="GLM offset ignored (issue 22)"),
    M("flows-glm-working-response", "flows", "src/flows/glm.cpp",
      "      z[k] = e - off(k) + (d.y[k] - mu[k]) / mu[k];", "      z[k] = e - off(k) + (d.y[k] - mu[k]);",
      ["test_flows_reference"], "FlowsReference.*",
      why="Poisson working response without /mu"),
    # ---- assess
    M("assess-lisa-self-neighbour", "assess", "src/assess/spatial.cpp",
      "                if (c >= i) ++c;  // skip i itself", "                // (i may draw itself)",
      ["test_assess_methods"], "AssessLisa.*:AssessMoran.*",
      why="LISA conditional permutation may draw the unit itself (issue 22)"),
    M("assess-lisa-inverted-inequality", "assess", "src/assess/spatial.cpp",
      "if (r.z[i] / m2 * lag >= r.ii[i]) ++larger;", "if (r.z[i] / m2 * lag <= r.ii[i]) ++larger;",
      ["test_assess_methods"], "AssessLisa.*:AssessMoran.*",
      why="LISA pseudo p-value counts the wrong tail (issue 22)"),
    M("assess-moran-permutation-scale", "assess", "src/assess/spatial.cpp",
      "sims[k0 + b] = static_cast<double>(w.n) / s0 * num[b] / zz;", "sims[k0 + b] = num[b] / zz;",
      ["test_assess_methods"], "AssessMoran.*",
      why="Moran permutation statistic on another scale than I (p no longer in a bound only)"),
    M("assess-topsis-anti-ideal", "assess", "src/assess/methods.cpp",
      "    worst[j] = up ? *mn : *mx;", "    worst[j] = up ? *mn : *mn;",
      ["test_assess_methods"], "AssessTopsis.*:AssessScoring.*",
      why="TOPSIS anti-ideal wrong for cost criteria"),
    M("assess-theil-within-share", "assess", "src/assess/inequality.cpp",
      "    const double share = ng * mg / (n * mu);", "    const double share = ng / n;",
      ["test_assess_methods"], "AssessEquity.*",
      why="Theil within-group share by population instead of income"),
    # ---- structure
    M("structure-pattern-base-exclusive", "structure", "src/structure/pattern.cpp",
      "      if (row[j] <= cfg.within_s) base = true;", "      if (row[j] < cfg.within_s) base = true;",
      ["test_structure"], "Pattern.*",
      why="pattern: existing coverage made exclusive"),
    M("structure-service-area-ties", "structure", "src/structure/service_areas.cpp",
      "    if (row[j] < best) {", "    if (row[j] <= best) {",
      ["test_structure"], "ServiceAreas.*",
      why="service areas: last instead of first centre on ties"),
    M("structure-hierarchy-town-threshold", "structure", "src/structure/hierarchy.cpp",
      "(r.score >= cfg.town_score ? Tier::kTown : Tier::kVillage)",
      "(r.score > cfg.town_score ? Tier::kTown : Tier::kVillage)",
      ["test_structure"], "Hierarchy.*",
      why="hierarchy: a score equal to the town threshold becomes a village"),
    M("structure-isochrone-source-piece", "structure", "src/structure/isochrone.cpp",
      "  if (s.to_to_node != kInfWeight) hi = x + (1.0 - x) * share(rem, s.to_to_node);",
      "  if (s.to_to_node != kInfWeight) hi = x + share(rem, s.to_to_node);",
      ["test_structure"], "Isochrone*",
      why="isochrone: the source's own edge piece ignores where on the edge the source sits"),
    # Dropped: share() off by one millisecond in the edge time (rem / (w + 1)): it moves a piece's end by less
    # than 1 ms of travel, below the time resolution, so no test can tell it from the original (an equivalent
    # mutant).
]


def sh(cmd, cwd, timeout=None, env=None, log=None):
    t0 = time.time()
    try:
        p = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=timeout)
        rc, out = p.returncode, p.stdout
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        rc = "timeout"
    if log is not None:
        log.write(f"$ {' '.join(cmd)}  (cwd {cwd}, {time.time() - t0:.1f} s, rc {rc})\n{out}\n")
        log.flush()
    return rc, out


def sync_copy(work):
    """Copies the tracked files of this checkout (as they are on disk) into work/: changed files get a new time,
    unchanged ones keep theirs, so the copy's build stays incremental."""
    files = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, stdout=subprocess.PIPE, check=True).stdout
    names = [f for f in files.decode().split("\0") if f]
    os.makedirs(work, exist_ok=True)
    for f in names:
        src, dst = os.path.join(ROOT, f), os.path.join(work, f)
        if not os.path.isfile(src):
            continue
        if os.path.isfile(dst):
            with open(src, "rb") as a, open(dst, "rb") as b:
                if a.read() == b.read():
                    continue
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copyfile(src, dst)  # a new time: the copy's build must see the file as changed
        shutil.copymode(src, dst)


def exe_path(build, name):
    for d, _, fs in os.walk(os.path.join(build, "tests")):
        if name in fs:
            return os.path.join(d, name)
    raise SystemExit(f"mutation_check: test executable {name} not found under {build}/tests")


def run_tests(m, work, build, timeout, log):
    """True if every selected test passed, False if one failed, 'timeout' if one ran out of time."""
    env = dict(os.environ, COUNTYSCOPE_HOME=work)
    for e in m.exes:
        rc, _ = sh([exe_path(build, e), f"--gtest_filter={m.gfilter}", "--gtest_brief=1"], work, timeout, env, log)
        if rc == "timeout":
            return "timeout"
        if rc != 0:
            return False
        # A filter that matches nothing checks nothing: refuse it.
        rc2, out = sh([exe_path(build, e), f"--gtest_filter={m.gfilter}", "--gtest_list_tests"], work, 60, env)
        if rc2 != 0 or not any(line.startswith("  ") for line in out.splitlines()):
            raise SystemExit(f"mutation_check: {m.id}: filter {m.gfilter} selects no test of {e}")
    if m.ctest:
        rc, _ = sh(["ctest", "--test-dir", build, "-R", m.ctest, "--output-on-failure", "--timeout", str(timeout)],
                   work, timeout + 60, env, log)
        if rc != 0:
            return False
    return True


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", default=os.path.join(ROOT, "build", "mutation-tree"))
    ap.add_argument("--only", default="")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("--list", action="store_true")
    ap.add_argument("--table", metavar="MARKDOWN", help="rewrite the mutation table between the markers in this file")
    a = ap.parse_args()
    muts = [m for m in MUTATIONS if a.only in m.id]
    if a.list:
        for m in muts:
            print(f"{m.id:38} {m.file}: {m.why}")
        return 0
    work = os.path.abspath(a.work)
    build = os.path.join(work, "build", "release")
    os.makedirs(work, exist_ok=True)
    log = open(os.path.join(work, "mutation_check.log"), "w")
    print(f"mutation_check: copying the tracked files to {work}", flush=True)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, stdout=subprocess.PIPE,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           stdout=subprocess.PIPE, text=True).stdout.strip()
    sync_copy(work)
    # Every mutation's text must be present exactly once (a stale list fails loudly, never silently passes).
    originals = {}
    for m in muts:
        p = os.path.join(work, m.file)
        text = originals.setdefault(m.file, open(p, encoding="utf-8").read())
        if text.count(m.old) != 1:
            raise SystemExit(f"mutation_check: {m.id}: the text to mutate occurs {text.count(m.old)} times in "
                             f"{m.file}: {m.old!r}")
    if not os.path.isfile(os.path.join(build, "CMakeCache.txt")):
        rc, out = sh(["cmake", "--preset", "release"], work, None, None, log)
        if rc != 0:
            raise SystemExit("mutation_check: configure failed:\n" + out[-3000:])
    targets = sorted({t for m in muts for t in m.exes + m.build})
    print(f"mutation_check: building {' '.join(targets)} (unmutated)", flush=True)
    rc, out = sh(["cmake", "--build", build, "-j", str(a.jobs), "--target", *targets], work, None, None, log)
    if rc != 0:
        raise SystemExit("mutation_check: the unmutated build failed:\n" + out[-3000:])
    print("mutation_check: baseline (unmutated) runs of every selected test", flush=True)
    seen = set()
    for m in muts:
        key = (tuple(m.exes), m.gfilter, m.ctest)
        if key in seen:
            continue
        seen.add(key)
        ok = run_tests(m, work, build, a.timeout, log)
        if ok is not True:
            raise SystemExit(f"mutation_check: the unmutated tree fails the tests of {m.id}; fix that first "
                             f"(log: {work}/mutation_check.log)")
    results = []
    for m in muts:
        p = os.path.join(work, m.file)
        t0 = time.time()
        with open(p, "w", encoding="utf-8") as f:
            f.write(originals[m.file].replace(m.old, m.new))
        try:
            rc, out = sh(["cmake", "--build", build, "-j", str(a.jobs), "--target", *(m.exes + m.build)], work,
                         None, None, log)
            if rc != 0:
                verdict = "does not compile"
            else:
                r = run_tests(m, work, build, a.timeout, log)
                verdict = "caught (timeout)" if r == "timeout" else ("not caught" if r else "caught")
        finally:
            with open(p, "w", encoding="utf-8") as f:
                f.write(originals[m.file])
        results.append((m, verdict, time.time() - t0))
        print(f"  {m.id:38} {verdict:18} {time.time() - t0:6.0f} s", flush=True)
    counted = [r for r in results if r[1] != "does not compile"]
    caught = sum(1 for r in counted if r[1].startswith("caught"))
    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines = [f"Run {stamp} on commit {commit}{' (with local changes)' if dirty else ''}: "
             f"**{caught} of {len(counted)} caught ({100.0 * caught / max(1, len(counted)):.0f} %)**"
             + (f", {len(results) - len(counted)} did not compile" if len(results) != len(counted) else "") + ".",
             "", "| mutation | area | file | change | tests run | result |", "|---|---|---|---|---|---|"]
    for m, v, _ in results:
        tests = ", ".join(m.exes) + (f" ({m.gfilter})" if m.gfilter != "*" else "") + (
            f"; ctest -R {m.ctest}" if m.ctest else "")
        lines.append(f"| {m.id} | {m.area} | {m.file} | {m.why} | {tests} | {v} |")
    table = "\n".join(lines)
    print("\n" + table)
    if a.table:
        begin, end = "<!-- mutation-table:begin -->", "<!-- mutation-table:end -->"
        doc = open(a.table, encoding="utf-8").read()
        if begin not in doc or end not in doc:
            raise SystemExit(f"mutation_check: {a.table} lacks the markers {begin} / {end}")
        head, rest = doc.split(begin, 1)
        _, tail = rest.split(end, 1)
        with open(a.table, "w", encoding="utf-8") as f:
            f.write(head + begin + "\n" + table + "\n" + end + tail)
    return 0 if caught == len(counted) else 1


if __name__ == "__main__":
    sys.exit(main())
