"""Chapter credits: each chapter ends with the date it last changed, the people who wrote most
of it, and links to discuss the chapter, report an error, suggest an edit, view the source and
read the whole book on one page.

"Discuss this chapter" and "Report an error" are plain links to GitHub, prefilled with the
chapter's title and public address: a new discussion, and the factual-error issue form (GitHub
fills a form's field from the query parameter named by the field's ``id``, here ``page``).
Nothing is loaded from GitHub or anywhere else until a reader follows one. The repository is
``repository.url`` in ``_config.yml``. Chapters get both; the front page gets "Report an
error" only; the reference pages and the timeline of notes (whose notes belong to chapters) get
neither. The one-page edition keeps each chapter's own links, pointing at that chapter.

Dates and names come from one offline ``git log --numstat`` per build. A contributor is
credited on a page when they changed at least 10 % of its lines. Without a git history (a
source archive) the build still passes, without dates and names.

Local because sphinx-last-updated-by-git gives dates but not contributors, and warns (failing
the strict build) outside a git repository or in a shallow clone.
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from urllib.parse import quote, urlencode

import yaml
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.osutil import relative_uri

SHARE = 0.1  # a contributor changed at least this share of a page's lines
WHOLE_BOOK = "whole-book"  # where whole_book.py writes the one-page edition
NO_CREDITS = ("glossary", "bibliography", "since-2023")
NOT_CHAPTERS = ("index", "404", *NO_CREDITS)  # pages without "Discuss this chapter"
ERROR_FORM = "factual-error.yml"  # in .github/ISSUE_TEMPLATE/, with an input whose id is "page"
DISCUSSION_CATEGORY = "general"  # the slug of a discussion category the repository has


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
    """``repository.url`` from the book's ``_config.yml`` (Jupyter Book passes it to Sphinx only
    as a theme option, which an explicit ``html_theme_options`` replaces)."""
    try:
        config = yaml.safe_load((Path(app.srcdir) / "_config.yml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        config = None
    url = ((config or {}).get("repository") or {}).get("url") or \
        (app.config.html_theme_options or {}).get("source_repository", "")
    return url.rstrip("/")


def page_address(app: Sphinx, docname: str) -> str:
    """The page's public address, or its name where the book has no base URL."""
    from canonical_urls import dirhtml_page_url

    base = app.config.html_baseurl
    return dirhtml_page_url(base, docname) if base else docname


def feedback_links(repo: str, title: str, address: str) -> list[tuple[str, str]]:
    """A prefilled discussion and a prefilled error report on GitHub for one chapter."""
    def encode(params):
        return urlencode(params, quote_via=quote)

    discuss = encode({"category": DISCUSSION_CATEGORY, "title": f"[{title}] ",
                      "body": f"About the chapter {title}:\n{address}\n\n"})
    report = encode({"template": ERROR_FORM, "title": f"[{title}] ", "page": address})
    return [("Discuss this chapter", f"{repo}/discussions/new?{discuss}"),
            ("Report an error", f"{repo}/issues/new?{report}")]


def _load_history(app: Sphinx) -> None:
    app.env._book_history = git_history(Path(app.srcdir))
    app._book_repository = repository(app)


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
    repo = getattr(app, "_book_repository", "")
    if repo:
        links = nodes.paragraph(classes=["chapter-links"])
        title = app.env.titles[docname].astext() if docname in app.env.titles else docname
        here = app.builder.get_target_uri(docname)
        root = relative_uri(here, "") if here else ""
        feedback = feedback_links(repo, title, page_address(app, docname))
        if docname in NOT_CHAPTERS:  # the front page: an error report, but no chapter to discuss
            feedback = feedback[1:]
        for i, (label, url) in enumerate((
            *feedback,
            ("Suggest an edit", f"{repo}/edit/main/{source}"),
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
