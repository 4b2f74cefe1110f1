"""Chapter credits: each chapter ends with the date it last changed, the people who wrote most
of it, and links to suggest an edit, report an issue, view the source and read the whole book
on one page.

Dates and names come from one offline ``git log --numstat`` per build. A contributor is
credited on a page when they changed at least 10 % of its lines. Without a git history (a
source archive) the build still passes, without dates and names.

Local because sphinx-last-updated-by-git gives dates but not contributors, and warns (failing
the strict build) outside a git repository or in a shallow clone.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from urllib.parse import quote

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.osutil import relative_uri

SHARE = 0.1  # a contributor changed at least this share of a page's lines
WHOLE_BOOK = "whole-book"  # where whole_book.py writes the one-page edition
NO_CREDITS = ("glossary", "bibliography", "since-2023")


def git_history(srcdir: Path) -> dict[str, dict] | None:
    """Per file: the date of its last commit and lines changed by each author. None without git."""
    if not (srcdir / ".git").exists():
        return None
    try:
        out = subprocess.run(
            ["git", "-C", str(srcdir), "log", "--no-merges", "--numstat", "--format=@@%aN\t%cs",
             "--", "*.md"], capture_output=True, text=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    history: dict[str, dict] = {}
    author = date = None
    for line in out.splitlines():
        if line.startswith("@@"):
            author, date = line[2:].split("\t")
            continue
        parts = line.split("\t")
        if len(parts) != 3 or author is None:
            continue
        added, deleted, path = parts
        changed = (int(added) if added.isdigit() else 0) + (int(deleted) if deleted.isdigit() else 0)
        entry = history.setdefault(path, {"updated": date, "lines": {}})
        entry["lines"][author] = entry["lines"].get(author, 0) + changed
    return history


def contributors(entry: dict) -> list[str]:
    total = sum(entry["lines"].values()) or 1
    ranked = sorted(entry["lines"].items(), key=lambda kv: (-kv[1], kv[0]))
    return [name for name, lines in ranked if lines / total >= SHARE] or [ranked[0][0]]


def long_date(iso: str) -> str:
    from datetime import date

    d = date.fromisoformat(iso)
    return f"{d.day} {d.strftime('%B %Y')}"


def repository(app: Sphinx) -> str:
    return (app.config.html_theme_options or {}).get("source_repository", "").rstrip("/")


def _load_history(app: Sphinx) -> None:
    app.env._book_history = git_history(Path(app.srcdir))


def _add_credits(app: Sphinx, doctree, docname: str) -> None:
    if docname in NO_CREDITS or app.builder.format != "html":
        return
    source = app.env.doc2path(docname, False)
    block = nodes.container(classes=["chapter-credits"])
    entry = (getattr(app.env, "_book_history", None) or {}).get(str(source))
    if entry:
        para = nodes.paragraph(classes=["chapter-updated"])
        people = contributors(entry)
        para += nodes.Text(f"Last updated {long_date(entry['updated'])}. "
                           + ("Contributors: " if len(people) > 1 else "Contributor: ")
                           + ", ".join(people) + ".")
        block += para
    repo = repository(app)
    if repo:
        links = nodes.paragraph(classes=["chapter-links"])
        title = app.env.titles[docname].astext() if docname in app.env.titles else docname
        here = app.builder.get_target_uri(docname)
        root = relative_uri(here, "") if here else ""
        for i, (label, url) in enumerate((
            ("Suggest an edit", f"{repo}/edit/main/{source}"),
            ("Report an issue", f"{repo}/issues/new?title={quote('[' + title + '] ')}"),
            ("View the source", f"{repo}/blob/main/{source}"),
            ("The whole book on one page", f"{root}{WHOLE_BOOK}/"),
        )):
            if i:
                links += nodes.Text(" · ")
            links += nodes.reference("", label, refuri=url)
        block += links
    if len(block):
        doctree += block


def setup(app: Sphinx):
    app.connect("builder-inited", _load_history)
    app.connect("doctree-resolved", _add_credits)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
