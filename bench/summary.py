#!/usr/bin/env python3
"""Formats the SUMMARY lines of bench/run.sh's log (bench/benchlib.py describes them) as one table.
Usage: summary.py LOG [BENCH] [--markdown]   Exit status 1 when any line reads MISMATCH. --markdown prints a
Markdown table (the form bench/README.md and docs/ quote).
       summary.py LOG --update-docs   rewrites, in bench/README.md and docs/*.md, every block between
<!-- bench:NAME --> and <!-- /bench:NAME --> with that bench's table of the run in LOG (NAME "all": every bench),
headed by the run's date, commit and machine load, so the docs quote the latest run and nothing else."""
import glob
import os
import re
import sys

HEAD = ["bench", "case", "peer", "peer thr", "our thr", "reps", "statistic", "answers", "ours s", "peer s",
        "peer / ours"]


def read_rows(log, bench=None):
    rows = []
    with open(log, encoding="utf-8") as f:
        for line in f:
            if line.startswith("SUMMARY|"):
                r = line.rstrip("\n").split("|")[1:]
                if bench is None or r[0] == bench:
                    rows.append(r)
    return rows


def markdown(rows, with_bench):
    head = HEAD if with_bench else HEAD[1:]
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(c.replace("|", "/") for c in (r if with_bench else r[1:])) + " |" for r in rows]
    return "\n".join(out)


def run_header(log, bench):
    """'Run of DATE, commit C, 2 hardware threads; load average L at its start (…)' from run.sh's own lines."""
    text = open(log, encoding="utf-8").read()
    m = re.search(r"^bench/run\.sh: (\S+ \S+ UTC), (\d+) hardware threads, commit (\S+), load average at start: "
                  r"(\S+) (\S+) (\S+)", text, re.M)
    if not m:
        return "Run: (no run.sh header in the log)"
    date, hw, commit = m.group(1), m.group(2), m.group(3)
    h = f"`bench/run.sh` of {date}, commit {commit}, {hw} hardware threads (shared machine)"
    b = re.search(rf"^=== {re.escape(bench)}: (\S+), load (\S+) ===", text, re.M) if bench != "all" else None
    e = re.search(r"^=== all comparisons \((.*?), load average at end: (\S+) (\S+) (\S+)\) ===", text, re.M)
    if b:
        h += f"; this bench started {b.group(1)} UTC at load average {b.group(2)}"
    else:
        h += f"; load average (1/5/15 min) {m.group(4)}/{m.group(5)}/{m.group(6)} at the start"
        if e:
            h += f", {e.group(2)}/{e.group(3)}/{e.group(4)} at the end ({e.group(1)})"
    return h + "."


def update_docs(log):
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    files = [os.path.join(root, "bench", "README.md")] + sorted(glob.glob(os.path.join(root, "docs", "*.md")))
    block = re.compile(r"(<!-- bench:(\w+) -->\n)(.*?)(<!-- /bench:\2 -->)", re.S)
    for path in files:
        text = open(path, encoding="utf-8").read()

        def fill(m):
            name = m.group(2)
            rows = read_rows(log, None if name == "all" else name)
            body = run_header(log, name) + "\n\n" + markdown(rows, name == "all") + "\n"
            return m.group(1) + body + m.group(4)

        new = block.sub(fill, text)
        if new != text:
            open(path, "w", encoding="utf-8").write(new)
            print(f"updated {os.path.relpath(path, root)}")
    return 0


def main():
    if "--update-docs" in sys.argv:
        return update_docs([a for a in sys.argv[1:] if a != "--update-docs"][0])
    md = "--markdown" in sys.argv
    args = [a for a in sys.argv[1:] if a != "--markdown"]
    rows = []
    with open(args[0], encoding="utf-8") as f:
        for line in f:
            if line.startswith("SUMMARY|"):
                r = line.rstrip("\n").split("|")[1:]
                if len(args) < 2 or r[0] == args[1]:
                    rows.append(r)
    if not rows:
        print("(no comparisons)")
        return 0
    bad = sum(r[7].startswith("MISMATCH") for r in rows)
    if md:
        head = HEAD if len(args) < 2 else HEAD[1:]
        print("| " + " | ".join(head) + " |")
        print("|" + "---|" * len(head))
        for r in rows:
            print("| " + " | ".join(r if len(args) < 2 else r[1:]) + " |")
        return 1 if bad else 0
    w = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(HEAD)]
    w[1] = min(w[1], 62)
    fmt = lambda r: "  ".join(c[:w[i]].ljust(w[i]) if i < 3 or i == 7 or i == 6 else c.rjust(w[i])  # noqa: E731
                              for i, c in enumerate(r))
    print(fmt(HEAD))
    for r in rows:
        print(fmt(r))
    print(f"{len(rows)} comparisons, {bad} mismatched (no ratio printed for those)")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
