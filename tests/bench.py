"""`make bench`: what a reader downloads, what Lighthouse scores, how long builds take.

Reports, as Markdown tables:
- for every page: HTML bytes, and the gzipped bytes of the page with the JS and CSS it loads;
- Lighthouse (mobile profile) for every page, run with Debian's Chromium against the site
  served with gzip on 127.0.0.1, as a static host would serve it: the median of five runs per
  page, and the lowest;
- build times (medians of several runs): a clean strict build, a rebuild after editing one
  chapter, a rebuild with nothing changed, and, under `make livehtml`, the time from saving an
  edit to seeing it in a browser that has the page open.

`--readme` writes the tables into README.md between the bench markers. Lighthouse is installed
from npm (pinned) on first use; `--no-lighthouse` skips it.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
import checks  # noqa: E402

SITE = ROOT / "_build" / "dirhtml"
LIGHTHOUSE = "lighthouse@12.2.3"
CHROMIUM = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-quic " \
        "--disable-background-networking --disable-component-update --disable-sync --no-first-run"


def build(*extra: str) -> float:
    start = time.monotonic()
    subprocess.run([str(Path(sys.executable).with_name("jupyter-book")), "build", "--builder",
                    "dirhtml", "-W", "-n", "--keep-going", *extra, str(ROOT)], check=True,
                   capture_output=True)
    return time.monotonic() - start


def edit(path: Path, marker: str) -> str:
    """Append a marker paragraph under the chapter's title; returns the original text."""
    text = path.read_text(encoding="utf-8")
    title = text.index("\n", text.index("\n# ")) + 1
    path.write_text(text[:title] + f"\n{marker}\n" + text[title:], encoding="utf-8")
    return text


def build_times(runs: int = 5) -> list[tuple[str, float, int]]:
    """A first build with nothing kept, then medians: a clean strict build, a rebuild after
    editing one chapter, a rebuild with no change. The chapter is really edited (a paragraph added, then removed), not just touched."""
    import statistics

    clean, chapter, noop = [], [], []
    page = ROOT / "models.md"
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    fresh = build("--all")  # nothing kept: the executed examples run too
    for i in range(runs):
        if i < 3:  # every page read and written again; executed cells come from their cache
            clean.append(build("--all"))
        original = edit(page, f"Bench marker {i}.")
        try:
            chapter.append(build())
        finally:
            page.write_text(original, encoding="utf-8")
        build()
        noop.append(build())
    return [("First build of a fresh checkout (executes the examples' cells)", fresh, 1),
            ("Clean strict build (`make build-all`; cells from the execution cache)",
             statistics.median(clean), len(clean)),
            ("Rebuild after editing one chapter (`make build`)", statistics.median(chapter),
             len(chapter)),
            ("Rebuild with nothing changed (`make build`)", statistics.median(noop), len(noop))]


def live_reload(runs: int = 3) -> tuple[float, int]:
    """Median seconds from saving an edit to a chapter to the edit showing in a browser that
    has the page open under `make livehtml` (sphinx-autobuild with tests/livehtml.py). Each
    save comes 3 s after the page last changed, as when an author reads the page before saving
    again; the next build's process sets up in that time."""
    import socket
    import statistics

    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen(["make", "-s", "livehtml", f"PORT={port}"], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                              start_new_session=True)
    page_md = ROOT / "models.md"
    times = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS.split()[1:])
            page = browser.new_page()
            deadline = time.monotonic() + 300
            while True:
                try:
                    page.goto(f"http://127.0.0.1:{port}/models/", timeout=5000)
                    break
                except Exception:  # noqa: BLE001  (the first build is still running)
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(2)
            for i in range(runs):
                time.sleep(3)
                marker = f"Live reload marker {time.time_ns()}."
                start = time.monotonic()
                original = edit(page_md, marker)
                try:
                    page.wait_for_function(f"document.body.innerText.includes({marker!r})",
                                           timeout=120_000, polling=50)
                    times.append(time.monotonic() - start)
                finally:
                    page_md.write_text(original, encoding="utf-8")
                page.wait_for_function(f"!document.body.innerText.includes({marker!r})",
                                       timeout=120_000, polling=100)
            browser.close()
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
    return statistics.median(times), len(times)


def weights() -> list[list[str]]:
    rows = []
    for page in sorted(SITE.rglob("index.html")):
        rel = page.parent.relative_to(SITE).as_posix()
        if rel in ("search", "genindex", "404"):
            continue
        w = checks.page_weight(SITE, page)
        budget = checks.REFERENCE_BUDGET_BYTES if rel in ("glossary", "bibliography") else checks.BUDGET_BYTES
        within = "yes" if w["gzip"] <= budget else "NO"
        if rel == "whole-book":
            within = "n/a (every chapter on one page, for printing)"
        rows.append([f"/{'' if rel == '.' else rel + '/'}", f"{w['html']:,}", f"{w['gzip_js_css']:,}",
                     f"{w['gzip']:,}", within])
    return rows


def page_paths() -> list[str]:
    """Every page in the sitemap, as a path under the site's base URL."""
    import xml.etree.ElementTree as ET

    base = checks_baseurl()
    locs = ET.parse(SITE / "sitemap.xml").getroot().iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    return sorted(loc.text[len(base):] for loc in locs)


def lighthouse(base: str, path: str, workdir: Path) -> dict[str, int]:
    out = workdir / "report.json"
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    subprocess.run(["npx", "--yes", LIGHTHOUSE, base + path, "--quiet", "--output=json",
                    f"--output-path={out}", f"--chrome-flags={FLAGS}",
                    "--only-categories=performance,accessibility,best-practices,seo"],
                   check=True, env=env, capture_output=True, timeout=300)
    report = json.loads(out.read_text())
    scores = {k: round(v["score"] * 100) for k, v in report["categories"].items()}
    scores["tbt"] = round(report["audits"]["total-blocking-time"]["numericValue"])
    return scores


def lighthouse_median(base: str, path: str, workdir: Path, runs: int) -> dict:
    """Lighthouse's own advice for a score that varies from run to run: the median of several
    runs (https://github.com/GoogleChrome/lighthouse/blob/main/docs/variability.md). The
    lowest performance score is kept too, so a page that sometimes falls short shows it."""
    import statistics

    found = [lighthouse(base, path, workdir) for _ in range(runs)]
    median = {k: round(statistics.median(f[k] for f in found)) for k in found[0]}
    median["lowest"] = min(f["performance"] for f in found)
    return median


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readme", action="store_true", help="write the tables into README.md")
    parser.add_argument("--no-lighthouse", action="store_true")
    parser.add_argument("--lighthouse-runs", type=int, default=5, metavar="N",
                        help="Lighthouse runs per page; the table shows their median (default 5)")
    parser.add_argument("--no-live", action="store_true", help="skip the live-reload timing")
    args = parser.parse_args()

    times = build_times()
    rows = [[n, f"{t:.1f}", str(k)] for n, t, k in times]
    if not args.no_live:
        seconds, k = live_reload()
        rows.append(["Edit saved to page reloaded in the browser (`make livehtml`)",
                     f"{seconds:.1f}", str(k)])
    parts = [f"Measured {time.strftime('%Y-%m-%d')} on this project's CI machine (2 cores); "
             "each figure is the median of the runs shown.", "",
             "**Build time**", "",
             table(["Build", "Seconds", "Runs"], rows), "",
             f"**Page weight** (budget: {checks.BUDGET_BYTES // 1024} KiB gzipped for a chapter page "
             f"with everything it loads, {checks.REFERENCE_BUDGET_BYTES // 1024} KiB for the glossary "
             "and the bibliography)", "",
             table(["Page", "HTML bytes", "JS+CSS gzipped", "Total gzipped", "Within budget"],
                   weights())]
    if not args.no_lighthouse:
        prefix = "/" + re.sub(r"^https?://[^/]+/", "", checks_baseurl())
        rows = []
        with tempfile.TemporaryDirectory() as tmp, checks.serve(SITE, prefix=prefix, use_gzip=True) as base:
            for path in page_paths():
                s = lighthouse_median(base, path, Path(tmp), args.lighthouse_runs)
                rows.append([f"/{path}", str(s["performance"]), str(s["lowest"]), str(s["tbt"]),
                             str(s["accessibility"]), str(s["best-practices"]), str(s["seo"])])
        parts += ["", f"**Lighthouse 12.2.3, mobile profile, served with gzip** (median of "
                  f"{args.lighthouse_runs} runs per page; goal: performance 98 or more, the rest 100)", "",
                  table(["Page", "Performance", "Lowest run", "Blocking time (ms)", "Accessibility",
                         "Best practices", "SEO"], rows)]
    report = "\n".join(parts)
    print(report)
    if args.readme:
        readme = ROOT / "README.md"
        text = readme.read_text()
        new = re.sub(r"(<!-- bench:start -->\n).*?(<!-- bench:end -->)",
                     lambda m: m.group(1) + report + "\n" + m.group(2), text, flags=re.S)
        readme.write_text(new)


def checks_baseurl() -> str:
    import yaml

    return yaml.safe_load((ROOT / "_config.yml").read_text())["html"]["baseurl"]


if __name__ == "__main__":
    main()
