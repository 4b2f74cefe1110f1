"""Accelerators by memory capacity (what fits) and memory bandwidth (how fast a model's weights
can be read), from data/accelerators.yml, one colour per vendor. Both axes are logarithmic."""

from __future__ import annotations

import math

from data_files import validate_table
from svg import Axis, Box, Canvas, Plot, legend

SCROLL = True  # a data plot: on a phone it keeps its size and scrolls sideways
FILLS = ["a2", "a4", "a3", "a1", "a5"]


def draw(root) -> Canvas:
    table, problems = validate_table(root / "data" / "accelerators.yml", root)
    if table is None or problems:
        raise ValueError("data/accelerators.yml has problems")
    rows = table["rows"]
    # rows at the same point share one marker and one label
    points: dict[tuple[float, float], list[dict]] = {}
    for r in rows:
        points.setdefault((r["memory_gb"], r["bandwidth_gb_s"]), []).append(r)
    vendors = list(dict.fromkeys(r["vendor"] for r in rows))
    fill = {v: FILLS[i % len(FILLS)] for i, v in enumerate(vendors)}

    c = Canvas("accelerators-memory-bandwidth", 760, 500)
    mem = [r["memory_gb"] for r in rows]
    bw = [r["bandwidth_gb_s"] for r in rows]
    plot = Plot(c, Box(70, 40, 660, 330),
                Axis(min(mem) / 1.4, max(mem) * 1.4, log=True),
                Axis(min(bw) / 1.4, max(bw) * 1.4, log=True))
    mticks = [m for m in (16, 24, 32, 48, 64, 96, 128, 192) if plot.x.lo <= m <= plot.x.hi]
    bticks = [b for b in (400, 600, 800, 1000, 1500, 2000, 3000, 5000) if plot.y.lo <= b <= plot.y.hi]
    plot.axes([(m, str(m)) for m in mticks], [(b, f"{b:,}") for b in bticks],
              "Memory capacity (GB, log scale)", "Memory bandwidth (GB/s, log scale)")
    placed = []
    for (m, b), group in sorted(points.items()):
        x, y = plot.px(m), plot.py(b)
        c.circle(x, y, 5.5, fill=fill[group[0]["vendor"]])
        placed.append((x, y, " / ".join(r["name"] for r in group)))
    unplaced = plot.label_points(placed)
    y = legend(c, 70, 420, [(fill[v], v) for v in vendors], 660, title="Vendor")
    if unplaced:
        c.text(70, y + 10, "Also shown: " + "; ".join(unplaced), 13)
        y += 24
    c.height = math.ceil(y + 6)
    return c
