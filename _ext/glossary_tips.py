"""Glossary tooltips: every link to a glossary term shows the term's definition on hover or
keyboard focus, from one shared file rather than from the page.

Each ``{term}`` link gets the class ``glossary-term``. The definitions, cut to about 280
characters, with chapter references written as the chapters' titles, go into one file,
``_static/glossary.json``, keyed by the term's anchor; ``_static/tooltips.js`` fetches it the
first time a reader points at or tabs to a term, and the browser caches it for every page.
(Writing each definition into the link's ``title``, as before, put the same text into every
page, often several times: most of a chapter's HTML.) The file is written whenever the glossary
page is, so a changed definition reaches every page without rebuilding them.

Local because sphinx-tippy, the maintained option, makes tips only for links within one page
under ``dirhtml`` and fetches from Wikipedia and Crossref at build time by default.
"""

from __future__ import annotations

import json
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

TIP_LENGTH = 280
DEFINITIONS = "glossary.json"
GLOSSARY = "glossary"


def shorten(text: str, limit: int = TIP_LENGTH) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def definitions(doctree) -> dict[str, str]:
    """Term anchor -> 'Term: definition' from the glossary page's resolved doctree (so that a
    reference to a chapter reads as the chapter's title)."""
    found: dict[str, str] = {}
    for item in doctree.findall(nodes.definition_list_item):
        terms = [t for t in item.children if isinstance(t, nodes.term)]
        body = [d for d in item.children if isinstance(d, nodes.definition)]
        if not terms or not body:
            continue
        text = shorten(body[0].astext())
        for term in terms:
            for node_id in term["ids"]:
                found[node_id] = f"{term.astext()}: {text}"
    return found


def _mark_term_links(app: Sphinx, doctree, docname: str) -> None:
    for ref in doctree.findall(nodes.reference):
        target = ref.get("refuri", "")
        anchor = target.split("#", 1)[1] if "#" in target else ref.get("refid", "")
        if anchor.startswith("term-") and (GLOSSARY in target or docname == GLOSSARY):
            ref["classes"].append("glossary-term")
    if docname == GLOSSARY and app.builder.format == "html":
        path = Path(app.outdir) / "_static" / DEFINITIONS
        text = json.dumps(definitions(doctree), ensure_ascii=False, sort_keys=True,
                          separators=(",", ":"))
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")


def setup(app: Sphinx):
    app.connect("doctree-resolved", _mark_term_links)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
