#!/usr/bin/env python3
"""Run every countyscope command shown in README.md and docs/*.md against the built binary.

Usage: run_doc_commands.py BINARY REPO_ROOT [--list]

What counts as a command (the rules are the test; a doc that follows them is checked):
- A fenced block (```) holding a countyscope invocation is run whole, as one `bash -e` script, so the set-up lines
  of the block (mkdir, printf, cd) run too. Lines starting with `cmake ` or `make ` are dropped: they build the
  binary, which ctest already did.
- In an indented block (4+ spaces after a blank line or another indented line), each line that starts with
  `countyscope ` or `$ countyscope ` (or `build/<preset>/apps/countyscope/countyscope `) is one command, with its
  `\\` continuation lines; a trailing `# comment` is dropped.
- `countyscope` in command position and `build/<preset>/apps/countyscope/countyscope` become BINARY.
- Expected failure: when the line right after a command starts with `countyscope: error:`, the doc shows the
  command failing; the test then asserts a non-zero exit and a `countyscope: error:` line on stderr that
  carries the documented reason (the text after `countyscope: error: <file>: `; the file part may differ).
  A trailing comment `# ... exits N ...` on the command documents exit code N, which is then asserted.
  Every other command must exit 0.
- A synopsis (an argument in [brackets], a `a|b` choice, or an UPPER-CASE placeholder such as FILE, DIR, M) is
  not a command and is listed as skipped. Commands that need what a test cannot have are skipped by SKIP below,
  each with its reason, and listed.

Where it runs: a fresh temporary folder that holds a symbolic link to every top-level entry of the repository
(data/, tests/, ... but not build/ or out/), so the documented relative paths work and every output (out/...) is
written into the temporary folder, which is deleted at the end. HOME points into it too. The stand-ins a reader
would replace by their own files are listed in STAND_INS.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

# (substring of the command, reason): skipped, and listed in the output.
SKIP = [
    ("mpirun", "needs 4 MPI ranks on the reader's county list; the MPI batch is tested by mpi_batch"),
    ("countyscope coords --in ", "converts the reader's own coordinate table (villages.csv, towns.csv, ...); none is "
     "bundled"),
    ("--places places_100k.csv", "the memory-limit example needs a 100,000-place file and its figures "
     "depend on the machine's memory; e2e_cli_output runs it"),
]

# Files the docs name as the reader's own, and what stands in for them here.
STAND_INS = {
    "county.osm.pbf": "the bundled sample extract (a symbolic link)",
    "china-latest.osm.pbf": "the bundled sample extract (a symbolic link): the country's extract a county is cut from",
    "county_boundary.geojson": "data/examples/boundary.geojson (a symbolic link): the sample county's boundary",
    "plan.toml": "an empty plan TOML (every key optional, docs/county.md)",
    "provinces.shp": "data/examples/boundary.geojson as a Shapefile (ogr2ogr): a stand-in for an official boundary file",
    "out/demo": "what `make demo` writes (README quick start), made by BINARY demo before the docs' commands",
    "thesis/notes.txt": "a non-empty folder that is not a countyscope output (docs/reliability.md)",
    "results.json": "tests/fixtures/results_min.json (a copy)",
    "latest.html": "a symbolic link to reports/2026.html (docs/reliability.md)",
}

CMD_START = re.compile(r"^(?:\$ )?(?:build/\w+/apps/countyscope/)?countyscope\s")
INVOKES = re.compile(r"(?:^|&&\s*|;\s*|\|\s*)(?:build/\w+/apps/countyscope/)?countyscope\s")


def substitute(cmd, binary):
    cmd = re.sub(r"build/\w+/apps/countyscope/countyscope(?=\s|$)", binary, cmd)
    return re.sub(r"(^|&&\s*|;\s*|\|\s*)countyscope(?=\s|$)", lambda m: m.group(1) + binary, cmd)


def is_synopsis(cmd):
    args = cmd.split()[1:]
    return ("[" in cmd or any("|" in a for a in args) or
            any(re.fullmatch(r"[A-Z]+(\.\w+)?", a) for a in args))


def strip_comment(line):
    # a " # comment" outside quotes (the docs' commands quote no '#')
    return re.sub(r"\s+#\s.*$", "", line) if "'" not in line and '"' not in line else line


def extract(path):
    """Yields (line number, kind, text, expect_error): kind 'block' (fenced, a script) or 'cmd'."""
    lines = open(path, encoding="utf-8").read().split("\n")
    i = 0
    prev_blank = True
    in_indented = False
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith("```"):
            start = i + 1
            j = i + 1
            while j < len(lines) and not lines[j].lstrip().startswith("```"):
                j += 1
            body = lines[i + 1:j]
            if any(INVOKES.search(b.strip()) for b in body):
                script = [b for b in body if not re.match(r"\s*(cmake|make)\s", b)]
                yield start + 1, "block", "\n".join(script), None
            i = j + 1
            prev_blank = False
            in_indented = False
            continue
        indented = line.startswith("    ") and (prev_blank or in_indented)
        in_indented = indented
        prev_blank = line.strip() == "" or line.startswith("#")  # a heading ends a paragraph too
        if indented and CMD_START.match(line.strip()):
            n = i + 1
            text = line.strip()
            while text.endswith("\\") and i + 1 < len(lines):
                i += 1
                text = text[:-1].rstrip() + " " + lines[i].strip()
            m = re.search(r"#.*\bexits? (\d+)\b", text)
            text = strip_comment(text)
            if text.startswith("$ "):
                text = text[2:]
            nxt = lines[i + 1].strip() if i + 1 < len(lines) else ""
            if m:
                yield n, "cmd", text, int(m.group(1))
            else:
                yield n, "cmd", text, nxt if nxt.startswith("countyscope: error:") else None
        i += 1


def prepare(work, root, binary, env):
    for name in os.listdir(root):
        if name in ("build", "out", ".git") or name.startswith("build-"):
            continue
        os.symlink(os.path.join(root, name), os.path.join(work, name))
    os.symlink(os.path.join(root, "data/sample/liechtenstein-2024-03-04.osm.pbf"), os.path.join(work, "county.osm.pbf"))
    os.symlink(os.path.join(root, "data/sample/liechtenstein-2024-03-04.osm.pbf"),
               os.path.join(work, "china-latest.osm.pbf"))
    os.symlink(os.path.join(root, "data/examples/boundary.geojson"), os.path.join(work, "county_boundary.geojson"))
    open(os.path.join(work, "plan.toml"), "w").close()
    subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", os.path.join(work, "provinces.shp"),
                    os.path.join(root, "data/examples/boundary.geojson")], check=True)
    home = os.path.join(work, "home")
    os.makedirs(os.path.join(home, "thesis"))
    open(os.path.join(home, "thesis", "notes.txt"), "w").write("my notes\n")
    shutil.copy(os.path.join(root, "tests/fixtures/results_min.json"), os.path.join(work, "results.json"))
    os.makedirs(os.path.join(work, "reports"))
    os.symlink("reports/2026.html", os.path.join(work, "latest.html"))
    subprocess.run([binary, "-q", "demo", "--out", "out/demo"], cwd=work, env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return home


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    binary, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    docs = ["README.md"] + sorted("docs/" + f for f in os.listdir(os.path.join(root, "docs")) if f.endswith(".md"))
    items = [(d, n, k, t, e) for d in docs for n, k, t, e in extract(os.path.join(root, d))]
    if "--list" in sys.argv[3:]:
        for d, n, k, t, e in items:
            print(f"{d}:{n}: [{k}{', expect error' if e else ''}] {t}")
        return 0
    work = tempfile.mkdtemp(prefix="cs-doc-commands-")
    failures, skipped, ran = [], [], 0
    t_all = time.monotonic()
    try:
        env = dict(os.environ, HOME=os.path.join(work, "home"), COUNTYSCOPE_HOME=root)
        prepare(work, root, binary, env)
        for d, n, kind, text, expect_error in items:
            where = f"{d}:{n}"
            reason = next((r for s, r in SKIP if s in text), None)
            if reason is None and kind == "cmd" and is_synopsis(text):
                reason = "synopsis with placeholders, not a command"
            if reason:
                skipped.append(f"{where}: {text.splitlines()[0][:90]} -- {reason}")
                continue
            script = substitute(text, binary) if kind == "cmd" else "\n".join(
                substitute(line, binary) for line in text.split("\n"))
            t0 = time.monotonic()
            p = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", script], cwd=work, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=600)
            ran += 1
            dt = time.monotonic() - t0
            err = p.stderr.strip().splitlines()
            shown = next((e for e in err if e.startswith("countyscope: error:")), "") if isinstance(expect_error, str) else ""
            print(f"{where}: exit {p.returncode} in {dt:.1f} s{' (error expected) ' + shown if expect_error else ''}")
            if isinstance(expect_error, int):
                if p.returncode != expect_error:
                    failures.append(f"{where}: documented to exit {expect_error}, exited {p.returncode}: {text[:120]}")
            elif expect_error:
                # the documented reason (after "countyscope: error: <file>: ") must be the one printed; the
                # file part may differ (/home/me/thesis in the doc)
                parts = expect_error.split(": ", 3)
                reason_doc = parts[3] if len(parts) == 4 else expect_error
                if p.returncode == 0 or not shown or reason_doc not in shown:
                    failures.append(f"{where}: documented as failing with '{expect_error}' but exited "
                                    f"{p.returncode} with '{shown}': {text[:120]}")
            elif p.returncode != 0:
                last = err[-1] if err else "(no stderr)"
                failures.append(f"{where}: exit {p.returncode}: {text.splitlines()[0][:120]}\n    {last}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nran {ran} commands/blocks in {time.monotonic() - t_all:.1f} s; skipped {len(skipped)}:")
    for s in skipped:
        print("  " + s)
    print("stand-ins: " + "; ".join(f"{k} = {v}" for k, v in STAND_INS.items()))
    if ran == 0:
        failures.append("no documented command found: the extraction rules match nothing")
    if failures:
        print(f"\n{len(failures)} documented command(s) failed:")
        for f in failures:
            print("  " + f)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
