#!/usr/bin/env python3
"""Formats the SUMMARY lines of bench/run.sh's log (bench/benchlib.py describes them) as one table.
Usage: summary.py LOG [BENCH] [--markdown]   Exit status 1 when any line reads MISMATCH. --markdown prints a
Markdown table (the form bench/README.md and docs/ quote)."""
import sys

HEAD = ["bench", "case", "peer", "peer thr", "our thr", "reps", "statistic", "answers", "ours s", "peer s",
        "peer / ours"]


def main():
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
