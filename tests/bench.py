"""`make bench`: what a reader downloads, what Lighthouse scores, how long builds take.

Reports, as Markdown tables:
- for every page: HTML bytes, and the gzipped bytes of the page with the JS and CSS it loads;
- Lighthouse (mobile profile) for every page, run with Debian's Chromium against the site
  served with gzip on 127.0.0.1, as a static host would serve it;
- the time of a clean strict build, and of a rebuild after touching one chapter.

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


def build_times() -> list[tuple[str, float]]:
    shutil.rmtree(ROOT / "_build", ignore_errors=True)
    clean = build("--all")
    chapter = ROOT / "models.md"
    os.utime(chapter)
    rebuild = build()
    return [("Clean strict build (`--all`)", clean), ("Rebuild after touching one chapter", rebuild)]


def weights() -> list[list[str]]:
    rows = []
    for page in sorted(SITE.rglob("index.html")):
        rel = page.parent.relative_to(SITE).as_posix()
        if rel in ("search", "genindex", "404"):
            continue
        w = checks.page_weight(SITE, page)
        within = "yes" if w["gzip"] <= checks.BUDGET_BYTES else "NO"
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
    return {k: round(v["score"] * 100) for k, v in report["categories"].items()}


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readme", action="store_true", help="write the tables into README.md")
    parser.add_argument("--no-lighthouse", action="store_true")
    args = parser.parse_args()

    times = build_times()
    parts = [f"Measured {time.strftime('%Y-%m-%d')} on this project's CI machine (2 cores).", "",
             "**Build time**", "",
             table(["Build", "Seconds"], [[n, f"{t:.1f}"] for n, t in times]), "",
             "**Page weight** (budget: 200,000 bytes gzipped for a page with everything it loads)", "",
             table(["Page", "HTML bytes", "JS+CSS gzipped", "Total gzipped", "Within budget"],
                   weights())]
    if not args.no_lighthouse:
        prefix = "/" + re.sub(r"^https?://[^/]+/", "", checks_baseurl())
        rows = []
        with tempfile.TemporaryDirectory() as tmp, checks.serve(SITE, prefix=prefix, use_gzip=True) as base:
            for path in page_paths():
                s = lighthouse(base, path, Path(tmp))
                rows.append([f"/{path}", str(s["performance"]), str(s["accessibility"]),
                             str(s["best-practices"]), str(s["seo"])])
        parts += ["", "**Lighthouse 12.2.3, mobile profile, served with gzip**", "",
                  table(["Page", "Performance", "Accessibility", "Best practices", "SEO"], rows)]
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
