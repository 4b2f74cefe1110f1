"""Format references.bib: entries sorted by key, one field per line in a fixed order, values in
braces, names aligned. `--check` reports (exit 1) instead of rewriting.

    python tests/format_bib.py [--check] [FILE]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ORDER = ["author", "editor", "title", "booktitle", "journal", "volume", "number", "pages",
         "publisher", "organization", "institution", "school", "howpublished", "version", "year",
         "month", "date", "eprint", "archiveprefix", "primaryclass", "doi", "url", "urldate", "note"]
START = re.compile(r"@\s*([A-Za-z]+)\s*\{\s*([^,\s]+)\s*,")


def parse_fields(body: str) -> list[tuple[str, str]]:
    """Fields of one entry body, in order: (lower-case name, value), the value in braces, or bare
    where it was bare (a number or a macro such as `dec`)."""
    fields, i, n = [], 0, len(body)
    while i < n:
        m = re.compile(r"\s*,?\s*(\w[\w-]*)\s*=\s*").match(body, i)
        if not m:
            break
        name, i = m.group(1).lower(), m.end()
        if i < n and body[i] == "{":
            depth, j = 0, i
            while j < n:
                depth += {"{": 1, "}": -1}.get(body[j], 0)
                j += 1
                if depth == 0:
                    break
            value, i = "{" + body[i + 1:j - 1].strip() + "}", j
        elif i < n and body[i] == '"':
            j = body.index('"', i + 1)
            value, i = "{" + body[i + 1:j].strip() + "}", j + 1
        else:
            m2 = re.compile(r"[^,\s}]+").match(body, i)
            value, i = (m2.group(0), m2.end()) if m2 else ("{}", i)  # a macro such as dec
        fields.append((name, value.strip()))
    return fields


def parse(text: str) -> list[dict]:
    entries = []
    for m in START.finditer(text):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        entries.append({"type": m.group(1).lower(), "key": m.group(2),
                        "line": text.count("\n", 0, m.start()) + 1,
                        "fields": parse_fields(text[m.end():i - 1])})
    return entries


def format_entry(entry: dict) -> str:
    rank = {name: i for i, name in enumerate(ORDER)}
    fields = sorted(entry["fields"], key=lambda f: (rank.get(f[0], len(ORDER)), f[0]))
    width = max((len(f[0]) for f in fields), default=0)
    lines = [f"  {name.ljust(width)} = {value}" for name, value in fields]
    return f"@{entry['type']}{{{entry['key']},\n" + ",\n".join(lines) + "\n}"


def format_bib(text: str) -> str:
    entries = sorted(parse(text), key=lambda e: e["key"].lower())
    return "\n\n".join(format_entry(e) for e in entries) + "\n"


def main(argv: list[str]) -> int:
    check = "--check" in argv
    files = [Path(a) for a in argv if a != "--check"] or [ROOT / "references.bib"]
    status = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        formatted = format_bib(text)
        if formatted != text:
            if check:
                first = next((n for n, (a, b) in enumerate(
                    zip(text.splitlines(), formatted.splitlines()), 1) if a != b), 1)
                print(f"{path}:{first}: not formatted (run python tests/format_bib.py)")
                status = 1
            else:
                path.write_text(formatted, encoding="utf-8")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
