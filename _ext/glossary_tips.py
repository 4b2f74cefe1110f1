"""Glossary tooltips: every link to a glossary term carries the term's definition.

At build time each ``{term}`` link gets the class ``glossary-term`` and the definition (cut to
about 280 characters) in its ``title``; ``_static/tooltips.js`` turns that into a tooltip shown
on hover and on keyboard focus, closed with Escape. Nothing is fetched at build or read time.

Local because sphinx-tippy, the maintained option, makes tips only for links within one page
under ``dirhtml`` and fetches from Wikipedia and Crossref at build time by default.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx

TIP_LENGTH = 280


def shorten(text: str, limit: int = TIP_LENGTH) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def glossary_definitions(app: Sphinx) -> dict[str, str]:
    """Term anchor -> 'Term: definition', read from the glossary page's doctree once a build."""
    cached = getattr(app.env, "_book_glossary", None)
    if cached is not None:
        return cached
    definitions: dict[str, str] = {}
    if "glossary" in app.env.found_docs:
        doctree = app.env.get_doctree("glossary")
        for item in doctree.findall(nodes.definition_list_item):
            terms = [t for t in item.children if isinstance(t, nodes.term)]
            body = [d for d in item.children if isinstance(d, nodes.definition)]
            if not terms or not body:
                continue
            text = shorten(body[0].astext())
            for term in terms:
                for node_id in term["ids"]:
                    definitions[node_id] = f"{term.astext()}: {text}"
    app.env._book_glossary = definitions
    return definitions


def _forget(app: Sphinx, env, docnames) -> None:
    env._book_glossary = None


def _add_term_tips(app: Sphinx, doctree, docname: str) -> None:
    definitions = glossary_definitions(app)
    for ref in doctree.findall(nodes.reference):
        target = ref.get("refuri", "")
        anchor = target.split("#", 1)[1] if "#" in target else ref.get("refid", "")
        if anchor.startswith("term-") and ("glossary" in target or docname == "glossary"):
            if anchor in definitions:
                ref["reftitle"] = definitions[anchor]
                ref["classes"].append("glossary-term")


def setup(app: Sphinx):
    app.connect("env-before-read-docs", _forget)
    app.connect("doctree-resolved", _add_term_tips)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
