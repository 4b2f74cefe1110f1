"""Open language models of 2023 by release month and parameter count (log scale), coloured by
the category of their weights' licence, from data/models.yml and data/_vocabulary.yml."""

from __future__ import annotations

import math
from datetime import date

from data_files import load_vocabulary, validate_table
from svg import Axis, Box, Canvas, Plot, legend

SCROLL = True
# one accent per kind of licence (the same kinds read the same in every figure of the book)
FILLS = {"public-domain": "a3", "permissive": "a3", "weak-copyleft": "a1", "copyleft": "a1",
         "responsible-ai": "a2", "bespoke": "a5", "non-commercial": "a4", "source-available": "a4",
         "proprietary": "soft", "other": "soft"}


def _month(value) -> float:
    parts = [int(p) for p in str(value).split("-")] + [1]
    return date(parts[0], parts[1], 15).toordinal()


def draw(root) -> Canvas:
    vocab = load_vocabulary(root)
    table, problems = validate_table(root / "data" / "models.yml", root)
    if table is None or problems:
        raise ValueError("data/models.yml has problems")
    rows = table["rows"]
    c = Canvas("open-models-2023", 760, 560)
    start, end = date(2023, 1, 1).toordinal(), date(2024, 1, 1).toordinal()
    sizes = [r["params_billion"] for r in rows]
    plot = Plot(c, Box(60, 40, 680, 400), Axis(start, end),
                Axis(min(sizes) / 1.5, max(sizes) * 1.6, log=True))
    months = [(date(2023, m, 1).toordinal(), date(2023, m, 1).strftime("%b")) for m in range(1, 13, 2)]
    ticks = [(v, str(v)) for v in (1, 3, 7, 13, 34, 70, 180) if plot.y.lo <= v <= plot.y.hi]
    plot.axes(months, ticks, "Release month (2023)", "Parameters (billions, log scale)")
    categories: list[str] = []
    points = []
    for r in sorted(rows, key=lambda r: (-r["params_billion"], r["name"])):
        category = vocab["licences"].get(r["licence"], "other")
        if category not in categories:
            categories.append(category)
        x, y = plot.px(_month(r["release_date"])), plot.py(r["params_billion"])
        c.circle(x, y, 5.5, fill=FILLS.get(category, "soft"))
        points.append((x, y, r["name"]))
    unplaced = plot.label_points(points)
    names = vocab.get("licence_categories", {})
    order = list(names) if names else categories
    items = [(FILLS.get(k, "soft"), names.get(k, k)) for k in order if k in categories]
    y = legend(c, 60, 490, items, 680, title="Weights licence")
    if unplaced:
        c.text(60, y + 10, "Also shown: " + "; ".join(unplaced), 13)
        y += 24
    c.height = math.ceil(y + 6)
    return c
