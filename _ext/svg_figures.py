"""Figures drawn for this book: ``{svg-figure}`` puts an SVG, drawn at build time by a small
Python script in ``figures/``, into the page as inline SVG with a numbered caption.

    :::{svg-figure} rag-pipeline
    :name: fig-rag-pipeline
    :alt: What the figure shows: its point, in a sentence, not its shape.
    The caption, citing the facts the figure shows {cite:p}`some2023key`.
    :::

``figures/rag-pipeline.py`` draws with the kit in ``_ext/svg.py`` and defines:

- ``draw(root) -> svg.Canvas``: the figure (``root`` is the book's folder, for data files);
- optionally ``draw_narrow(root)``: a layout for phones, shown below 40 em instead of ``draw``'s;
- optionally ``SCROLL = True``: a wide data plot that keeps its size and scrolls sideways on a
  phone instead (its text never shrinks below 11 px);
- the data files it names (such as ``"accelerators.yml"``) count as its inputs, so editing
  one redraws the figure.

The SVG is inline so that its text and lines follow the theme (``currentColor`` and the CSS
variables in ``_static/book.css``) in light and dark mode; nothing is drawn in the browser and
nothing is loaded from elsewhere. A drawn figure is kept in the build environment until its
script, the kit, its data or its alt text change. Reference a figure with
``{numref}`fig-rag-pipeline``.

Local because no maintained Sphinx extension draws figures from Python into theme-aware inline
SVG (sphinx.ext.graphviz needs a system binary and draws in fixed colours).
"""

from __future__ import annotations

import hashlib
import html
import importlib.util
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

FIGURES_DIR = "figures"
KIT = Path(__file__).with_name("svg.py")
GROW = 1.35  # a figure may be shown up to this much larger than drawn (wide screens)
SHRINK = 0.85  # a scrolling figure is never shown smaller than this (phones)


def figure_script(root: Path, name: str) -> Path:
    return root / FIGURES_DIR / f"{name}.py"


def load(root: Path, name: str):
    path = figure_script(root, name)
    spec = importlib.util.spec_from_file_location(f"book_figure_{name.replace('-', '_')}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _sized(svg: str, width: float, scroll: bool) -> str:
    if scroll:
        style = f"min-width:{round(width * SHRINK)}px;max-width:{round(width * GROW)}px"
    else:
        style = f"max-width:{round(width * GROW)}px"
    return svg.replace("<svg ", f'<svg style="{style}" ', 1)


def render(root: Path, name: str, alt: str) -> str:
    """The figure's HTML: one SVG, or a wide and a narrow one for the stylesheet to choose."""
    module = load(root, name)
    scroll = bool(getattr(module, "SCROLL", False))
    wide = module.draw(root)
    parts = [_sized(wide.svg(alt, "svg-figure-wide" if hasattr(module, "draw_narrow") else ""),
                    wide.width, scroll)]
    if hasattr(module, "draw_narrow"):
        narrow = module.draw_narrow(root)
        parts.append(_sized(narrow.svg(alt, "svg-figure-narrow"), narrow.width, False))
    if scroll:
        label = html.escape(f"{alt} (scrolls sideways)", quote=True)
        return (f'<div class="svg-figure-image svg-figure-scroll" tabindex="0" role="region" '
                f'aria-label="{label}">' + "".join(parts) + "</div>")
    return '<div class="svg-figure-image">' + "".join(parts) + "</div>"


def inputs(root: Path, name: str) -> list[Path]:
    """Files a figure depends on: its script, the kit, and the data files it declares."""
    script = figure_script(root, name)
    found = [script, KIT]
    text = script.read_text(encoding="utf-8") if script.exists() else ""
    for data in sorted(root.glob("data/*.yml")):
        if f'"{data.name}"' in text or f"'{data.name}'" in text:
            found.append(data)
    return found


def drawn(env, root: Path, name: str, alt: str) -> str:
    digest = hashlib.blake2b(digest_size=16)
    for path in inputs(root, name):
        digest.update(path.read_bytes())
    key = (name, alt, digest.hexdigest())
    cache = env.__dict__.setdefault("book_svg_figure_cache", {})
    if key not in cache:
        for old in [k for k in cache if k[0] == name]:
            del cache[old]
        cache[key] = render(root, name, alt)
    return cache[key]


class SvgFigure(SphinxDirective):
    required_arguments = 1
    has_content = True
    option_spec = {"alt": directives.unchanged_required, "name": directives.unchanged}

    def run(self):
        name = self.arguments[0]
        root = Path(self.env.srcdir)
        script = figure_script(root, name)
        if not script.exists():
            logger.warning(f"svg-figure {name!r}: no script {FIGURES_DIR}/{name}.py",
                           location=self.get_location(), type="figure", subtype="missing")
            return []
        alt = " ".join(self.options.get("alt", "").split())
        if not alt or not self.content:
            logger.warning(f"svg-figure {name!r} needs :alt: text and a caption",
                           location=self.get_location(), type="figure", subtype="caption")
            return []
        for path in inputs(root, name):
            self.env.note_dependency(str(path))
        try:
            markup = drawn(self.env, root, name, alt)
        except Exception as exc:  # noqa: BLE001  (a broken script is a warning at its use)
            logger.warning(f"svg-figure {name!r} not drawn ({FIGURES_DIR}/{name}.py): "
                           f"{type(exc).__name__}: {exc}", location=self.get_location(),
                           type="figure", subtype="draw")
            return []
        figure = nodes.figure(classes=["svg-figure"])
        figure += nodes.raw("", markup, format="html")
        holder = nodes.Element()
        self.state.nested_parse(self.content, self.content_offset, holder)
        first = holder[0] if len(holder) else nodes.paragraph(text=name)
        figure += nodes.caption(first.rawsource, "", *first.children)
        self.add_name(figure)
        if not figure["ids"]:
            figure["ids"].append(f"figure-{name}")
        return [figure]


def setup(app: Sphinx):
    app.add_directive("svg-figure", SvgFigure)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
