"""The front page's generated parts: the edition's status line, "how to cite" from
``CITATION.cff`` and the list of contributors from git; and the same status in every page's
footer.

- ``{edition-status}`` renders one line of plain HTML: the edition, the version (both from
  ``CITATION.cff``), the date the text last changed (the last commit to the book's Markdown,
  ``references.bib`` or ``data/``; left out without a git history), the date the site was built
  (``SOURCE_DATE_EPOCH`` fixes it for reproducible builds) and the DOI once one is minted. No
  badge service and nothing from another origin.
- The footer of every page says the same, so a reader of any page can tell that the text is
  the 2023 edition, however recently it was corrected or the site was built.
- ``{citation-cff}`` renders the DOI (once minted) and a BibTeX entry from ``CITATION.cff``,
  so the citation is written in one place.
- ``{git-contributors}`` lists everyone who committed to the book, from ``git log``, offline.
  Without a ``.git`` folder (a source archive) it says so instead of failing.
- ``{book-editions}`` holds the place of the links to the PDF and EPUB editions. Their sizes
  are known only once they are made from the built site, so ``make pdf`` and ``make epub``
  (``tests/editions.py``) put the links, with the sizes, in its place in the built page; until
  then it says how to make them, and links to nothing that is not there.

The status is worked out once per build and kept in a configuration value that only affects
HTML output (``book_edition_status``): when it changes (a new day, a new commit, a release),
Sphinx writes every page again without reading any, so no footer is left stale by an
incremental build. The status line itself is filled in when the front page is written.

Local because all of it reads this repository's own files; no maintained extension does this.
"""

from __future__ import annotations

import os
import re
import subprocess
from datetime import date, datetime, timezone
from pathlib import Path

import yaml
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.util.docutils import SphinxDirective
from sphinx.util.matching import Matcher

from chapter_credits import long_date


def load_citation(srcdir: Path) -> dict:
    return yaml.safe_load((srcdir / "CITATION.cff").read_text(encoding="utf-8"))


def citation_bibtex(cff: dict) -> str:
    """A BibTeX entry for the book, built from CITATION.cff."""
    authors = " and ".join(
        "{" + a["name"] + "}" if "name" in a else f"{a['family-names']}, {a['given-names']}"
        for a in cff["authors"]
    )
    year = str(cff["date-released"])[:4]
    fields = [
        ("title", cff["title"]),
        ("author", authors),
        ("year", year),
        ("version", cff.get("version", "")),
        ("publisher", "Zenodo" if cff.get("doi") else ""),
        ("doi", cff.get("doi", "")),
        ("url", cff.get("url", "")),
    ]
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields if v)
    return "@book{stateofopensourceai" + year + ",\n" + body + "\n}"


class CitationCff(SphinxDirective):
    has_content = False

    def run(self):
        path = Path(self.env.srcdir) / "CITATION.cff"
        self.env.note_dependency(str(path))
        cff = load_citation(Path(self.env.srcdir))
        para = nodes.paragraph()
        if cff.get("doi"):
            para += nodes.Text("Please cite the book by its DOI: ")
            para += nodes.reference("", cff["doi"], refuri="https://doi.org/" + cff["doi"])
            para += nodes.Text(". In BibTeX:")
        else:
            para += nodes.Text(
                "The book has no DOI yet; one is minted on Zenodo with its first tagged "
                "release. Until then, please cite it as:"
            )
        text = citation_bibtex(cff)
        block = nodes.literal_block(text, text)
        block["language"] = "bibtex"
        return [para, block]


# --- the edition's status ----------------------------------------------------------------------

def build_date() -> date:
    """Today (UTC), or the day ``SOURCE_DATE_EPOCH`` names."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc)
    return moment.date()


def text_sources(srcdir: Path, exclude_patterns: list[str]) -> list[str]:
    """What the reader reads: the book's Markdown pages, its references and its data tables."""
    excluded = Matcher(exclude_patterns)
    pages = sorted(p.name for p in srcdir.glob("*.md") if not excluded(p.name))
    return pages + [p for p in ("references.bib", "data") if (srcdir / p).exists()]


def text_last_changed(srcdir: Path, paths: list[str]) -> date | None:
    """The day of the last commit to ``paths``; None without a git history."""
    if not (srcdir / ".git").exists():
        return None
    try:
        out = subprocess.run(["git", "-C", str(srcdir), "log", "-1", "--format=%cs", "--", *paths],
                             capture_output=True, text=True, check=True, timeout=30).stdout.strip()
        return date.fromisoformat(out) if out else None
    except (OSError, subprocess.SubprocessError, ValueError):
        return None


def edition_status(srcdir: Path, exclude_patterns: list[str]) -> dict:
    cff = load_citation(srcdir) if (srcdir / "CITATION.cff").exists() else {}
    version = str(cff.get("version", ""))
    changed = text_last_changed(srcdir, text_sources(srcdir, exclude_patterns))
    return {
        "edition": version.split(".")[0] or str(cff.get("date-released", ""))[:4],
        "version": version,
        "changed": changed.isoformat() if changed else "",
        "built": build_date().isoformat(),
        "doi": str(cff.get("doi") or ""),
    }


def _work_out_status(app: Sphinx, config: Config) -> None:
    config.book_edition_status = edition_status(Path(app.srcdir), list(config.exclude_patterns))


class edition_status_line(nodes.General, nodes.Element):
    """Where the status line goes; filled in when the page is written."""


class EditionStatus(SphinxDirective):
    has_content = False

    def run(self):
        self.env.note_dependency(str(Path(self.env.srcdir) / "CITATION.cff"))
        return [edition_status_line()]


def status_parts(status: dict) -> list[str]:
    parts = [f"{status['edition']} edition"]
    if status["version"]:
        parts.append(f"version {status['version']}")
    if status["changed"]:
        parts.append(f"text last changed {long_date(status['changed'])}")
    parts.append(f"site built {long_date(status['built'])}")
    return parts


def _fill_status(app: Sphinx, doctree, docname: str) -> None:
    status = app.config.book_edition_status
    for node in list(doctree.findall(edition_status_line)):
        para = nodes.paragraph(classes=["edition-status"])
        parts = status_parts(status)
        para += nodes.strong(text=parts[0])
        for part in parts[1:]:
            para += nodes.Text(" · " + part)
        para += nodes.Text(" · ")
        if status["doi"]:
            para += nodes.Text("DOI ")
            para += nodes.reference("", status["doi"], refuri="https://doi.org/" + status["doi"])
        else:
            para += nodes.Text("no DOI yet")
        node.replace_self(para)


def _footer(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """The theme's copyright line, followed by the edition's status."""
    if app.builder.name not in ("html", "dirhtml"):
        return
    from html import escape

    from markupsafe import Markup

    status = app.config.book_edition_status
    first = str(app.config.copyright).split("-")[0].split("–")[0].strip()
    last = status["changed"][:4]
    years = f"{first}–{last}" if first.isdigit() and last > first else first
    parts = status_parts(status)
    context["copyright"] = Markup(
        f"{escape(years)} {escape(app.config.author)}. "
        f'<span class="edition-footer">{escape(parts[0])}, '
        + escape("; ".join(parts[1:])) + ". The text describes the field as it stood in "
        f"December {escape(status['edition'])}; notes on later events carry their dates.</span>")


# --- contributors ------------------------------------------------------------------------------

def git_authors(srcdir: Path, paths: list[str] | None = None) -> list[str] | None:
    """Authors (by number of commits, then name), or None where there is no git history."""
    if not (srcdir / ".git").exists():
        return None
    cmd = ["git", "-C", str(srcdir), "shortlog", "-sn", "--no-merges", "HEAD"]
    if paths:
        cmd += ["--", *paths]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return [re.sub(r"^\s*\d+\s+", "", line) for line in out.splitlines() if line.strip()]


class GitContributors(SphinxDirective):
    has_content = False

    def run(self):
        authors = git_authors(Path(self.env.srcdir))
        if authors is None:
            return [nodes.paragraph(text="The list of contributors is built from the "
                                    "repository's git history, which this copy does not have.")]
        if not authors:
            return [nodes.paragraph(text="No contributions recorded yet.")]
        return [nodes.paragraph(text="With thanks to everyone who has contributed: "
                                + ", ".join(authors) + ".")]


class BookEditions(SphinxDirective):
    has_content = False

    def run(self):
        para = nodes.paragraph(classes=["book-editions"])
        para += nodes.Text("The whole book is also made as a PDF and as an EPUB (")
        para += nodes.literal(text="make pdf")
        para += nodes.Text(", ")
        para += nodes.literal(text="make epub")
        para += nodes.Text("); on the published site they are linked here.")
        return [para]


DOWNLOADS = "_downloads"  # where the editions are put in the site, under stable names
EDITIONS = (("pdf", "PDF"), ("epub", "EPUB"))
PLACEHOLDER = re.compile(r'<p class="book-editions">.*?</p>', re.S)


def edition_name(title: str, ext: str) -> str:
    """``state-of-open-source-ai.pdf``: the file name of an edition, from the book's title."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") + "." + ext


def link_editions(site: Path, title: str) -> list[Path]:
    """Put links to the editions found in ``site/_downloads/``, with their sizes, in place of the
    ``{book-editions}`` paragraph on the front page and in the one-page edition. Writes a page
    only when it changes; returns the pages written."""
    found = [(label, site / DOWNLOADS / edition_name(title, ext)) for ext, label in EDITIONS]
    found = [(label, path) for label, path in found if path.is_file()]
    if not found:
        return []
    written = []
    for page, up in ((site / "index.html", ""), (site / "whole-book" / "index.html", "../")):
        if not page.is_file():
            continue
        links = " · ".join(
            f'<a class="reference download" href="{up}{DOWNLOADS}/{path.name}" download="">'
            f"{label} ({path.stat().st_size / 1e6:.1f} MB)</a>" for label, path in found)
        para = f'<p class="book-editions">The whole book as a file: {links}.</p>'
        old = page.read_text(encoding="utf-8")
        new = PLACEHOLDER.sub(para, old, count=1)
        if new != old:
            tmp = page.with_suffix(".tmp")
            tmp.write_text(new, encoding="utf-8")
            tmp.replace(page)
            written.append(page)
    return written


def _link_editions(app: Sphinx, exception) -> None:
    """After a build, link the editions made earlier (``make pdf``, ``make epub``), if any."""
    if not exception and app.builder.name == "dirhtml":
        link_editions(Path(app.outdir), app.config.html_title)


def setup(app: Sphinx):
    app.add_config_value("book_edition_status", {}, "html", dict)
    app.connect("config-inited", _work_out_status)
    app.add_node(edition_status_line)
    app.add_directive("edition-status", EditionStatus)
    app.connect("doctree-resolved", _fill_status)
    app.connect("html-page-context", _footer)
    app.add_directive("book-editions", BookEditions)
    app.connect("build-finished", _link_editions)
    app.add_directive("citation-cff", CitationCff)
    app.add_directive("git-contributors", GitContributors)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
