"""Markup fixes made where the markup is made: a translator for the HTML builders, a
post-transform, and one theme setting.

axe-core (see the browser tests) asks for each of these; the stock writers produce:

- toctree captions in the sidebar as ``role="heading"`` without ``aria-level``
  (Sphinx's ``visit_title``);
- citations as ``role="doc-biblioentry"`` inside ``role="list"``, where a list's items must be
  ``listitem`` (docutils' ``visit_citation``);
- code blocks and wide tables that scroll sideways but cannot be reached by keyboard
  (``<pre>`` from Pygments, and furo's ``table-wrapper``): both get ``tabindex="0"``;
- a glossary term and its definition (``</dt><dd>``) with no space between them, so the
  search page, which takes its snippets from a page's text, shows "LoRALow-Rank ...": a line
  break after each ``</dt>`` separates them (``depart_term``);
- a table's id copied by furo onto its scroll wrapper, so a page has two elements with one
  id: the post-transform leaves the id on the table only.

Furo's dark code style cannot be set from Jupyter Book's configuration (furo registers the
setting after the configuration overrides are applied), so it is set here, before furo reads it.

Local because each is a one-line change to upstream behaviour, kept together in one place.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.writers.html5 import HTML5Translator

HTML_BUILDERS = ("html", "dirhtml", "singlehtml")


class BookTranslator(HTML5Translator):
    def visit_title(self, node):
        if isinstance(node.parent, addnodes.compact_paragraph) and node.parent.get("toctree"):
            self.body.append(self.starttag(node, "p", "", CLASS="caption", ROLE="heading",
                                           **{"aria-level": "2"}))
            self.body.append('<span class="caption-text">')
            self.context.append("</span></p>\n")
            self.add_secnumber(node)
            self.add_fignumber(node.parent)
            return
        super().visit_title(node)

    def visit_citation(self, node):
        if not isinstance(node.previous_sibling(), type(node)):
            self.body.append('<div role="list" class="citation-list">\n')
        self.body.append(self.starttag(node, "div", classes=[node.tagname], role="listitem"))

    def depart_term(self, node):
        super().depart_term(node)
        self.body.append("\n")

    def visit_literal_block(self, node):
        before = len(self.body)
        try:
            super().visit_literal_block(node)
        finally:
            for i in range(before, len(self.body)):
                if "<pre" in self.body[i] and "tabindex" not in self.body[i]:
                    self.body[i] = self.body[i].replace("<pre", '<pre tabindex="0"', 1)
                    break


def _visit_container(self, node):
    """Containers as sphinx-design writes them (it registers its own visitor, which takes
    precedence over the translator's), with furo's table wrappers focusable."""
    if "table-wrapper" in node["classes"]:
        self.body.append(self.starttag(node, "div", CLASS="docutils container", tabindex="0"))
        return
    try:
        from sphinx_design.extension import visit_container
    except ImportError:
        visit_container = HTML5Translator.visit_container
    visit_container(self, node)


def _depart_container(self, node):
    self.body.append("</div>\n")


class TableIdsOnTables(SphinxPostTransform):
    """After furo wraps each table (priority 500), keep the table's ids on the table only."""

    formats = ("html",)
    default_priority = 510

    def run(self, **kwargs):
        for wrapper in self.document.findall(nodes.container):
            if "table-wrapper" not in wrapper["classes"]:
                continue
            tables = [c for c in wrapper.children if isinstance(c, nodes.table)]
            if tables:
                wrapper["ids"] = [i for i in wrapper["ids"] if i not in tables[0]["ids"]]


def _dark_code_style(app: Sphinx) -> None:
    if hasattr(app.config, "pygments_dark_style"):
        app.config.pygments_dark_style = app.config.book_pygments_dark_style


def setup(app: Sphinx):
    app.add_config_value("book_pygments_dark_style", "a11y-dark", "html")
    app.connect("builder-inited", _dark_code_style, priority=100)
    for builder in HTML_BUILDERS:
        app.set_translator(builder, BookTranslator, override=True)
    app.add_node(nodes.container, override=True, html=(_visit_container, _depart_container))
    app.add_post_transform(TableIdsOnTables)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
