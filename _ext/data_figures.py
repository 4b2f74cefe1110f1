"""Figures drawn from the data tables at build time, as inline SVG.

Each figure is a function from the book's source folder to an SVG string. Text, axes and
grid lines are drawn in ``currentColor``, so the figure follows the page's light or dark
theme; data colours come from the Okabe-Ito palette, which reads on both backgrounds and for
colour-blind readers. Nothing is committed that the build can make.

    :::{data-figure} open-models-2023
    :alt: A scatter plot of ...
    Caption text.
    :::
"""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)

INK = "#010203"  # sentinel colour, replaced by currentColor in the SVG
PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#D55E00", "#CC79A7", "#0072B2", "#999999",
           "#F0E442"]


def _pyplot(name: str):
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({
        "svg.fonttype": "none", "svg.hashsalt": name, "font.size": 10,
        "text.color": INK, "axes.edgecolor": INK, "axes.labelcolor": INK,
        "xtick.color": INK, "ytick.color": INK, "grid.color": INK, "grid.alpha": 0.2,
        "axes.facecolor": "none", "figure.facecolor": "none", "savefig.transparent": True,
        "legend.frameon": False,
    })
    return plt


def _to_svg(fig, plt, alt: str) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]
    svg = svg.replace(INK, "currentColor")
    svg = re.sub(r"<svg ", '<svg role="img" class="data-figure-svg" aria-label="'
                 + alt.replace('"', "&quot;") + '" ', svg, count=1)
    svg = re.sub(r"(<svg[^>]*>)", r"\1<title>" + alt.replace("<", "&lt;") + "</title>", svg, count=1)
    return re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)


def _month(value: str) -> date:
    parts = [int(p) for p in str(value).split("-")] + [1, 1]
    return date(parts[0], parts[1], 1)


def open_models_2023(root: Path, alt: str) -> str:
    """Open models by release date and parameter count, coloured by licence category."""
    from data_files import load_vocabulary, validate_table

    vocab = load_vocabulary(root)
    table, problems = validate_table(root / "data" / "models.yml", root)
    if table is None or problems:
        raise ValueError("data/models.yml has problems")
    plt = _pyplot("open-models-2023")
    fig, ax = plt.subplots(figsize=(9, 4.6))
    cats = list(vocab["licence_categories"])
    seen = []
    for row in table["rows"]:
        cat = vocab["licences"][row["licence"]]
        if cat not in seen:
            seen.append(cat)
    seen.sort(key=cats.index)
    for i, cat in enumerate(seen):
        rows = [r for r in table["rows"] if vocab["licences"][r["licence"]] == cat]
        ax.scatter([_month(r["release_date"]) for r in rows], [r["params_billion"] for r in rows],
                   s=46, color=PALETTE[i % len(PALETTE)], label=vocab["licence_categories"][cat],
                   edgecolors=INK, linewidths=0.4, zorder=3)
        for r in rows:
            ax.annotate(r["name"], (_month(r["release_date"]), r["params_billion"]),
                        xytext=(4, 3), textcoords="offset points", fontsize=7.5)
    import matplotlib.dates as mdates
    from matplotlib.ticker import FixedLocator, NullLocator

    ax.set_yscale("log")
    sizes = [1, 3, 7, 13, 34, 70, 180]
    ax.yaxis.set_major_locator(FixedLocator(sizes))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.set_yticklabels([str(v) for v in sizes])
    ax.xaxis.set_major_locator(mdates.MonthLocator(interval=2))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
    ax.set_ylabel("Parameters (billions, log scale)")
    ax.set_xlabel("Release date")
    ax.grid(True, which="major")
    ax.legend(title="Weights licence", loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8,
              title_fontsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _to_svg(fig, plt, alt)


def accelerators_memory_bandwidth(root: Path, alt: str) -> str:
    """Accelerators by memory capacity and memory bandwidth, one colour per vendor."""
    from data_files import validate_table

    table, problems = validate_table(root / "data" / "accelerators.yml", root)
    if table is None or problems:
        raise ValueError("data/accelerators.yml has problems")
    plt = _pyplot("accelerators-memory-bandwidth")
    fig, ax = plt.subplots(figsize=(8, 4.6))
    vendors = list(dict.fromkeys(r["vendor"] for r in table["rows"]))
    for i, vendor in enumerate(vendors):
        rows = [r for r in table["rows"] if r["vendor"] == vendor]
        ax.scatter([r["memory_gb"] for r in rows], [r["bandwidth_gb_s"] for r in rows], s=46,
                   color=PALETTE[i % len(PALETTE)], label=vendor, edgecolors=INK,
                   linewidths=0.4, zorder=3)
        for r in rows:
            ax.annotate(r["name"], (r["memory_gb"], r["bandwidth_gb_s"]), xytext=(4, 3),
                        textcoords="offset points", fontsize=7.5)
    ax.set_xlabel("Memory capacity (GB)")
    ax.set_ylabel("Memory bandwidth (GB/s)")
    ax.grid(True)
    ax.legend(title="Vendor", loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8,
              title_fontsize=8)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return _to_svg(fig, plt, alt)


FIGURES = {
    "open-models-2023": (open_models_2023, "models.yml"),
    "accelerators-memory-bandwidth": (accelerators_memory_bandwidth, "accelerators.yml"),
}


def _drawn(env, root: Path, name: str, alt: str) -> str:
    """The figure's SVG, drawn again only when its data, the vocabulary, this module or the alt
    text changed: drawing imports matplotlib and takes about a second, which a one-chapter
    rebuild should not pay when only the prose changed. Kept in the build environment."""
    import hashlib

    draw, data_file = FIGURES[name]
    digest = hashlib.blake2b(digest_size=16)
    for path in (root / "data" / data_file, root / "data" / "_vocabulary.yml", Path(__file__)):
        digest.update(path.read_bytes())
    key = (name, alt, digest.hexdigest())
    cache = env.__dict__.setdefault("book_figure_cache", {})
    if key not in cache:
        for old in [k for k in cache if k[0] == name]:
            del cache[old]
        cache[key] = draw(root, alt)
    return cache[key]


class DataFigure(SphinxDirective):
    required_arguments = 1
    has_content = True
    option_spec = {"alt": directives.unchanged_required, "name": directives.unchanged}

    def run(self):
        name = self.arguments[0]
        if name not in FIGURES:
            logger.warning(f"unknown data figure {name!r} (known: {', '.join(FIGURES)})",
                           location=self.get_location(), type="data", subtype="figure")
            return []
        alt = self.options.get("alt", "").strip()
        if not alt or not self.content:
            logger.warning(f"data figure {name!r} needs :alt: text and a caption",
                           location=self.get_location(), type="data", subtype="figure")
            return []
        draw, data_file = FIGURES[name]
        root = Path(self.env.srcdir)
        self.env.note_dependency(str(root / "data" / data_file))
        try:
            svg = _drawn(self.env, root, name, alt)
        except (ValueError, KeyError, OSError) as exc:
            logger.warning(f"data figure {name!r} not drawn: {exc}",
                           location=self.get_location(), type="data", subtype="figure")
            return []
        figure = nodes.figure(classes=["data-figure"], ids=[f"figure-{name}"])
        figure += nodes.raw("", f'<div class="data-figure-image">{svg}</div>', format="html")
        caption_holder = nodes.Element()
        self.state.nested_parse(self.content, self.content_offset, caption_holder)
        first = caption_holder[0] if len(caption_holder) else nodes.paragraph(text=name)
        caption = nodes.caption(first.rawsource, "", *first.children)
        figure += caption
        return [figure]


def setup(app):
    app.add_directive("data-figure", DataFigure)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
