"""Format references.bib with bibtex-tidy (npm, pinned in package.json): entries sorted by key,
fields in one order, values in braces, aligned. `--check` reports the first line that differs
(exit 1) instead of rewriting. The options live here, in one place.

    python tests/tidy_bib.py [--check] [FILE ...]
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIDY = ROOT / "node_modules" / ".bin" / "bibtex-tidy"
FIELD_ORDER = ["author", "editor", "title", "booktitle", "journal", "volume", "number", "pages",
               "publisher", "organization", "institution", "school", "howpublished", "version",
               "year", "month", "date", "eprint", "archiveprefix", "primaryclass", "doi", "url",
               "urldate", "note"]
OPTIONS = ["--curly", "--space=2", "--align=16", "--blank-lines", "--sort=key",
           "--sort-fields=" + ",".join(FIELD_ORDER), "--no-escape", "--quiet"]


def tidy(text: str) -> str:
    if not TIDY.exists():
        raise SystemExit(f"{TIDY} is missing: run `make install` (npm ci) first")
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.bib", Path(tmp) / "out.bib"
        src.write_text(text, encoding="utf-8")
        subprocess.run([str(TIDY), str(src), "-o", str(out), *OPTIONS], check=True,
                       capture_output=True, text=True)
        return out.read_text(encoding="utf-8")


def main(argv: list[str]) -> int:
    check = "--check" in argv
    files = [Path(a) for a in argv if a != "--check"] or [ROOT / "references.bib"]
    status = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        formatted = tidy(text)
        if formatted == text:
            continue
        if check:
            first = next((n for n, (a, b) in enumerate(
                zip(text.splitlines(), formatted.splitlines()), 1) if a != b),
                min(len(text.splitlines()), len(formatted.splitlines())) + 1)
            print(f"{path}:{first}: not formatted (run python tests/tidy_bib.py {path})")
            status = 1
        else:
            path.write_text(formatted, encoding="utf-8")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
