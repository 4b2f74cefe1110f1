"""Set the book's version and release date in CITATION.cff and .zenodo.json together.

    python .github/scripts/bump_version.py 2023.2 [--date 2024-01-31]
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def bump(root: Path, version: str, date: str) -> None:
    if not re.fullmatch(r"\d{4}\.\d+", version):
        raise SystemExit(f"version must look like 2023.2, not {version!r}")
    cff = root / "CITATION.cff"
    text = cff.read_text(encoding="utf-8")
    text = re.sub(r'^version: .*$', f'version: "{version}"', text, flags=re.M)
    text = re.sub(r'^date-released: .*$', f'date-released: "{date}"', text, flags=re.M)
    cff.write_text(text, encoding="utf-8")
    zpath = root / ".zenodo.json"
    zenodo = json.loads(zpath.read_text(encoding="utf-8"))
    zenodo["version"] = version
    zenodo["publication_date"] = date
    zpath.write_text(json.dumps(zenodo, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("version")
    parser.add_argument("--date", default=datetime.date.today().isoformat())
    args = parser.parse_args()
    bump(ROOT, args.version, args.date)


if __name__ == "__main__":
    main()
