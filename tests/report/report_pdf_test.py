"""countyscope report --pdf: the report printed by headless Chromium, checked page by page with pdftoppm.

- the PDF is A4 (pdfinfo) with a page per section start at least (more pages than sections);
- every page is rendered by pdftoppm and holds ink (no blank page);
- the maps are drawn: pages with coloured pixels (map symbols, legends; tables and text are grey) number at least
  the maps of the report's sections (county map, access, siting, structure, flows);
- the tables are there: pdftotext finds the summary's and the sections' table headings in the chosen language.

Usage: report_pdf_test.py COUNTYSCOPE_BIN RESULTS.json OUT_DIR
Exit 0 pass, 1 fail, 77 skip (no chromium, pdftoppm or pdftotext).
"""

import os
import shutil
import subprocess
import sys

BIN, RESULTS, OUT = sys.argv[1], sys.argv[2], sys.argv[3]
failures = []


def check(ok, msg):
    if not ok:
        failures.append(msg)


chromium = os.environ.get("CS_CHROMIUM") or shutil.which("chromium")
tools = [shutil.which(t) for t in ("pdftoppm", "pdftotext", "pdfinfo")]
if not chromium or not all(tools):
    print("report_pdf_test: SKIP: needs chromium and poppler-utils (pdftoppm, pdftotext, pdfinfo)")
    sys.exit(77)


def read_ppm(path):
    """Width, height and RGB bytes of a binary PPM (P6) as pdftoppm writes it."""
    data = open(path, "rb").read()
    parts, pos = [], 0
    while len(parts) < 4:
        while data[pos:pos + 1].isspace():
            pos += 1
        if data[pos:pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end:end + 1].isspace():
            end += 1
        parts.append(data[pos:end])
        pos = end
    pos += 1
    assert parts[0] == b"P6", parts[0]
    return int(parts[1]), int(parts[2]), data[pos:]


os.makedirs(OUT, exist_ok=True)
for lang, headings in (("en", ["Summary", "Services compared", "Travel time to the county seat"]),
                       ("zh", ["摘要", "各类服务对比", "到县城的出行时间"])):
    pdf = os.path.join(OUT, f"report-{lang}.pdf")
    html = os.path.join(OUT, f"report-{lang}.html")
    r = subprocess.run([BIN, "--quiet", "report", RESULTS, "--html", html, "--pdf", pdf, "--lang", lang],
                       capture_output=True, text=True)
    check(r.returncode == 0, f"{lang}: report --pdf exit {r.returncode}: {r.stderr.strip()}")
    if r.returncode != 0:
        continue
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    check("(A4)" in info, f"{lang}: not A4: {info}")
    check(pages >= 6, f"{lang}: only {pages} pages")
    prefix = os.path.join(OUT, f"page-{lang}")
    subprocess.run(["pdftoppm", "-r", "30", pdf, prefix], check=True)
    coloured_pages = 0
    for k in range(1, pages + 1):
        name = f"{prefix}-{k:0{len(str(pages))}d}.ppm"
        w, h, px = read_ppm(name)
        ink = coloured = 0
        for i in range(0, len(px), 3):
            r_, g, b = px[i], px[i + 1], px[i + 2]
            if min(r_, g, b) < 200:
                ink += 1
            if max(r_, g, b) - min(r_, g, b) > 60:
                coloured += 1
        check(ink > 50, f"{lang}: page {k} is blank ({ink} dark pixels)")
        if coloured > 400:
            coloured_pages += 1
        os.remove(name)
    check(coloured_pages >= 5, f"{lang}: only {coloured_pages} pages with map colours (expected the 5 sections' maps)")
    text = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True).stdout
    for hd in headings:
        check(hd in text, f"{lang}: the PDF lacks '{hd}'")
    print(f"report_pdf_test: {lang}: {pages} A4 pages, {coloured_pages} with map colours, {os.path.getsize(pdf)} bytes")

for f in failures:
    print(f"report_pdf_test: FAIL: {f}")
sys.exit(1 if failures else 0)
