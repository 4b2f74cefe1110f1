"""`make linkcheck`: check every external link of the book, politely, where a network exists.

Collects the https URLs of references.bib, the chapters and the data files, then fetches each
once (HEAD, falling back to GET) with a timeout, retries with back-off on timeouts, 429 and 5xx,
and honours Retry-After. Results are cached in `_build/linkcheck/cache.json` for a week so that
a weekly run does not hammer sites. URLs in `tests/linkcheck_ignore.yml` are skipped, each with a
reason. For a link that fails, the report suggests the Internet Archive's copy, to be recorded
in the entry's `note` field. Writes `_build/linkcheck/report.md`; exits 1 if a link is broken.

Not part of `make test`: the test machines have no network.
"""

from __future__ import annotations

import json
import re
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "_build" / "linkcheck"
CACHE_DAYS = 7
TIMEOUT = 20
RETRIES = 3
URL = re.compile(r"https://[^\s<>\"'`)\]}]+")
AGENT = "Mozilla/5.0 (compatible; state-of-open-source-ai-linkcheck/1.0)"


def collect() -> dict[str, list[str]]:
    """URL -> places it appears (file:line)."""
    found: dict[str, list[str]] = {}
    files = [ROOT / "references.bib", *sorted(ROOT.glob("*.md")), *sorted((ROOT / "data").glob("*.yml"))]
    for path in files:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for url in URL.findall(line):
                url = url.rstrip(".,;:")
                found.setdefault(url, []).append(f"{path.relative_to(ROOT)}:{n}")
    return found


def load_ignores() -> list[tuple[re.Pattern, str]]:
    path = ROOT / "tests" / "linkcheck_ignore.yml"
    entries = yaml.safe_load(path.read_text()) or []
    for e in entries:
        if not e.get("reason"):
            raise SystemExit(f"{path.name}: every ignored pattern needs a reason: {e}")
    return [(re.compile(e["pattern"]), e["reason"]) for e in entries]


def fetch_once(url: str) -> tuple[bool | None, str, float]:
    """(ok, status, retry delay). ok is None where a retry may help."""
    for method in ("HEAD", "GET"):
        req = urllib.request.Request(url, method=method, headers={"User-Agent": AGENT})
        try:
            with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:
                return True, str(resp.status), 0
        except urllib.error.HTTPError as e:
            if e.code in (403, 405) and method == "HEAD":
                continue  # some servers refuse HEAD; try GET
            if e.code == 429 or e.code >= 500:
                after = e.headers.get("Retry-After", "")
                return None, f"HTTP {e.code}", float(after) if after.isdigit() else 0
            return False, f"HTTP {e.code}", 0
        except (urllib.error.URLError, TimeoutError, OSError) as e:
            return None, str(getattr(e, "reason", e)), 0
    return False, "refused", 0


def fetch(url: str) -> tuple[bool, str]:
    """Fetch with retries and exponential back-off (or the server's Retry-After)."""
    delay = 2.0
    for attempt in range(RETRIES + 1):
        ok, status, retry_after = fetch_once(url)
        if ok is not None:
            return ok, status
        if attempt < RETRIES:
            time.sleep(min(retry_after or delay, 60))
            delay *= 2
    return False, f"{status} (after {RETRIES} retries)"


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    cache_path = OUT / "cache.json"
    cache = json.loads(cache_path.read_text()) if cache_path.exists() else {}
    ignores = load_ignores()
    now = time.time()
    broken, checked, skipped = [], 0, []
    for url, places in sorted(collect().items()):
        reason = next((r for p, r in ignores if p.search(url)), None)
        if reason:
            skipped.append((url, reason))
            continue
        hit = cache.get(url)
        if hit and hit["ok"] and now - hit["time"] < CACHE_DAYS * 86400:
            continue
        ok, status = fetch(url)
        cache[url] = {"ok": ok, "status": status, "time": now}
        checked += 1
        if not ok:
            broken.append((url, status, places))
        time.sleep(0.2)  # be polite
    cache_path.write_text(json.dumps(cache, indent=1))
    lines = [f"# External links: {len(broken)} broken, {checked} fetched, {len(skipped)} ignored", ""]
    for url, status, places in broken:
        lines.append(f"- {url} ({status}), in {', '.join(places)}; archived copy, if any: "
                     f"https://web.archive.org/web/2023/{url}")
    if skipped:
        lines += ["", "Ignored:"] + [f"- {u}: {r}" for u, r in skipped]
    (OUT / "report.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
