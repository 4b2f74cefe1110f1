"""Spell-check the book's prose with codespell: common typos, plus American spellings where the
book uses British ones (tests/spelling/en-gb.txt). Code blocks and inline code are blanked first,
so identifiers such as `tokenizer` or `quantize` are not flagged. Exits 1 on any finding, printing
file:line: word ==> suggestion. Usage: python tests/spelling/check.py [FILE ...]"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))
import checks  # noqa: E402


def prose_copy(path: Path, dest: Path) -> None:
    """The file with everything but prose blanked, line numbers kept."""
    lines = path.read_text(encoding="utf-8").splitlines()
    keep = dict(checks.prose_lines(path)) if path.suffix == ".md" else dict(enumerate(lines, 1))
    dest.write_text("\n".join(keep.get(n, "") for n in range(1, len(lines) + 1)) + "\n",
                    encoding="utf-8")


def main(argv: list[str]) -> int:
    files = [Path(a).resolve() for a in argv] or sorted(
        [*ROOT.glob("*.md"), *(ROOT / "data").glob("*.yml")])
    with tempfile.TemporaryDirectory() as tmp:
        for f in files:
            prose_copy(f, Path(tmp) / f.name)
        proc = subprocess.run(
            [str(Path(sys.executable).with_name("codespell")), "--ignore-words",
             str(HERE / "ignore-words.txt"), "--dictionary", "-", "--dictionary",
             str(HERE / "en-gb.txt"), *[f.name for f in files]],
            cwd=tmp, capture_output=True, text=True)
    out = proc.stdout.strip()
    if out:
        print(out)
    return 1 if out else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
