"""Math as MathML, converted at build time by docutils.

Browsers render MathML natively, so a page with math loads no script and nothing from another
origin (Sphinx's default, MathJax, is about 250 KB gzipped from a CDN). Local because Sphinx
has no built-in MathML renderer and the conversion is docutils' own ``latex2mathml``.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.application import Sphinx


def _mathml(latex: str, block: bool) -> str:
    from docutils.utils.math import latex2mathml

    return latex2mathml.tex2mathml(latex, as_block=block)


def _visit_inline_math(self, node):
    self.body.append(f'<span class="math">{_mathml(node.astext(), False)}</span>')
    raise nodes.SkipNode


def _visit_block_math(self, node):
    if node.get("label") and node["ids"]:
        self.body.append(f'<span id="{node["ids"][0]}"></span>')
    self.body.append(f'<div class="math">{_mathml(node.astext(), True)}</div>')
    raise nodes.SkipNode


def setup(app: Sphinx):
    app.add_html_math_renderer("mathml", (_visit_inline_math, None), (_visit_block_math, None))
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
