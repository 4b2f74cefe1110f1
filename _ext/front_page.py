"""The front page's generated parts: "how to cite" from ``CITATION.cff`` and the list of
contributors from git.

- ``{citation-cff}`` renders the DOI (once minted) and a BibTeX entry from ``CITATION.cff``,
  so the citation is written in one place.
- ``{git-contributors}`` lists everyone who committed to the book, from ``git log``, offline.
  Without a ``.git`` folder (a source archive) it says so instead of failing.
- ``{book-editions}`` holds the place of the links to the PDF and EPUB editions. Their sizes
  are known only once they are made from the built site, so ``make pdf`` and ``make epub``
  (``tests/editions.py``) put the links, with the sizes, in its place in the built page; until
  then it says how to make them, and links to nothing that is not there.

Local because both read this repository's own files; no maintained extension does either.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective


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
    app.add_directive("book-editions", BookEditions)
    app.connect("build-finished", _link_editions)
    app.add_directive("citation-cff", CitationCff)
    app.add_directive("git-contributors", GitContributors)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
