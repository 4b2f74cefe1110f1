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

The same outlines answer ``{numref}``: Sphinx 7.4's ``StandardDomain._resolve_numref_xref``
unpickles the whole doctree of the target's page for every reference, only to look up the
target node's type and ids (about 2 s of a clean build of this book). Here it is given the node
from the outline, which has the same class and ids; when the outline lacks the node, or Sphinx
would not number it from the outline (a captioned code block, whose number depends on its
children), the original lookup runs unchanged.
"""

from __future__ import annotations

from types import SimpleNamespace

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.domains.std import StandardDomain
from sphinx.environment.collectors.toctree import TocTreeCollector

ENV_ATTR = "book_numfig_outlines"
_ids_by_page: dict = {}  # docname -> (outline, {id: node}); not saved with the environment


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


def _outline_node(env, docname: str, labelid: str) -> nodes.Element | None:
    outline = getattr(env, ENV_ATTR, {}).get(docname)
    if outline is None:
        return None
    kept, ids = _ids_by_page.get(docname, (None, None))
    if kept is not outline:  # once per outline and process (a re-read page has a new outline)
        ids = {i: node for node in outline.findall(nodes.Element) for i in node.get("ids", ())}
        _ids_by_page[docname] = outline, ids
    return ids.get(labelid)


class _EnvWithTarget:
    """The build environment as numref sees it, with ``get_doctree`` answering the one lookup
    numref makes (``.ids.get(labelid)``) from the outline."""

    def __init__(self, env, labelid: str, node: nodes.Element):
        self._env, self._doctree = env, SimpleNamespace(ids={labelid: node})

    def __getattr__(self, name):
        return getattr(self._env, name)

    def get_doctree(self, docname: str):
        return self._doctree


def _patch_numref() -> None:
    original = StandardDomain._resolve_numref_xref
    if getattr(original, "book_outlines", False):
        return

    def _resolve_numref_xref(self, env, fromdocname, builder, typ, target, node, contnode):
        docname, labelid = (self.labels.get(target) or self.anonlabels.get(target)
                            or ("", ""))[:2]
        found = _outline_node(env, docname, labelid) if docname else None
        if found is not None and self.get_enumerable_node_type(found) is not None:
            env = _EnvWithTarget(env, labelid, found)
        return original(self, env, fromdocname, builder, typ, target, node, contnode)

    _resolve_numref_xref.book_outlines = True
    StandardDomain._resolve_numref_xref = _resolve_numref_xref


def setup(app: Sphinx):
    _patch()
    _patch_numref()
    app.connect("doctree-read", _remember)
    app.connect("env-purge-doc", _forget)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
