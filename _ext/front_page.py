"""The front page's generated parts: "how to cite" from ``CITATION.cff`` and the list of
contributors from git.

- ``{citation-cff}`` renders the DOI (once minted) and a BibTeX entry from ``CITATION.cff``,
  so the citation is written in one place.
- ``{git-contributors}`` lists everyone who committed to the book, from ``git log``, offline.
  Without a ``.git`` folder (a source archive) it says so instead of failing.

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


def setup(app: Sphinx):
    app.add_directive("citation-cff", CitationCff)
    app.add_directive("git-contributors", GitContributors)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
