"""Speed: figure numbers assigned from a small outline of each page, not from its full doctree.

With ``numfig`` on (figures, tables and code listings are numbered, for ``{numref}``), Sphinx
7.4's ``TocTreeCollector.assign_figure_numbers`` loads the pickled doctree of every page on
every build in which any page changed, only to walk its sections, toctrees and numbered
elements. On this book that is about 4 MB of pickles and a second or more of a one-chapter
rebuild. This extension keeps, for each page, an outline of just those nodes (saved in the
build environment when the page is read) and lets the numbering walk the outlines. The numbers
are the same: the outline keeps every section with its ids, every toctree, and every element
Sphinx would number, each with its caption or title, in document order. The upstream fix would
be the same outline in the collector itself.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment.collectors.toctree import TocTreeCollector

ENV_ATTR = "book_numfig_outlines"


def _numbered(env, node) -> bool:
    """Would Sphinx number this node? (The test assign_figure_numbers applies.)"""
    for domain in env.domains.values():
        figtype = domain.get_enumerable_node_type(node)
        if domain.name == "std" and not domain.get_numfig_title(node):
            continue
        if figtype:
            return True
    return False


def _bare(node: nodes.Element) -> nodes.Element:
    """A childless copy holding only the node's attributes (``copy()`` would keep a reference
    to the whole document, which would then be pickled with the outline)."""
    return type(node)("", **node.attributes)


def _detached(node: nodes.Node) -> nodes.Node:
    copy = node.deepcopy()
    for part in copy.findall():
        part._document = None
        part.source = part.line = None
    return copy


def outline(env, doctree: nodes.Node) -> nodes.Element:
    """A copy of the doctree holding only sections, toctrees and numbered elements (under a
    plain element: the walk reads only children, and a document would drag its settings)."""
    root = nodes.Element()

    def walk(node, into):
        for child in node.children:
            if isinstance(child, nodes.section):
                section = _bare(child)
                into += section
                walk(child, section)
            elif isinstance(child, addnodes.toctree):
                into += _detached(child)
            elif isinstance(child, nodes.Element):
                if child["ids"] and _numbered(env, child):
                    kept = _bare(child)
                    for part in child.children:
                        if isinstance(part, (nodes.caption, nodes.title)):
                            kept += _detached(part)
                    into += kept
                    walk(child, into)
                else:
                    walk(child, into)

    walk(doctree, root)
    return root


def _remember(app: Sphinx, doctree) -> None:
    app.env.__dict__.setdefault(ENV_ATTR, {})[app.env.docname] = outline(app.env, doctree)


def _forget(app: Sphinx, env, docname: str) -> None:
    env.__dict__.setdefault(ENV_ATTR, {}).pop(docname, None)


def _patch() -> None:
    original = TocTreeCollector.assign_figure_numbers
    if getattr(original, "book_outlines", False):
        return

    def assign_figure_numbers(self, env):
        outlines = getattr(env, ENV_ATTR, {})
        real = env.get_doctree
        env.get_doctree = lambda docname: outlines[docname] if docname in outlines else real(docname)
        try:
            return original(self, env)
        finally:
            del env.get_doctree  # back to the class's method

    assign_figure_numbers.book_outlines = True
    TocTreeCollector.assign_figure_numbers = assign_figure_numbers


def setup(app: Sphinx):
    _patch()
    app.connect("doctree-read", _remember)
    app.connect("env-purge-doc", _forget)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
