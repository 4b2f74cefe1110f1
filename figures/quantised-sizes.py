"""File size against quality loss for llama.cpp's quantisation file types on LLaMA 7B, from
data/quantised-sizes.yml: each file type's size and perplexity change against F16 as printed
by llama.cpp's quantize tool in December 2023. Legacy types and k-quant mixtures in two
colours; the F16 reference is the zero line."""

from __future__ import annotations

import math
import re

from data_files import validate_table
from svg import Axis, Box, Canvas, Plot, legend

SCROLL = True  # a dense data plot: on a phone it keeps its size and scrolls sideways
DATA = "quantised-sizes.yml"
# "Q4_K_M: 3.80 G, +0.0532" (the minus sign may be U+2212)
ENTRY = re.compile(r"(?P<name>[A-Z][A-Z0-9_]*): (?P<size>\d+(?:\.\d+)?) G, (?P<ppl>[+\-−]\d+(?:\.\d+)?)")
REFERENCE = re.compile(r"F16: (?P<size>\d+(?:\.\d+)?) G; the reference, perplexity (?P<ppl>\d+\.\d+)")
FILLS = {"legacy": "a1", "k-quant": "a2"}


def points(root) -> tuple[list[tuple[str, float, float]], tuple[float, float]]:
    table, problems = validate_table(root / "data" / DATA, root)
    if table is None or problems:
        raise ValueError(f"data/{DATA} has problems")
    found, reference = [], None
    for row in table["rows"]:
        text = str(row["llamacpp_7b"])
        for m in ENTRY.finditer(text):
            found.append((m["name"], float(m["size"]), float(m["ppl"].replace("−", "-"))))
        if (m := REFERENCE.search(text)):
            reference = (float(m["size"]), float(m["ppl"]))
    if not found or reference is None:
        raise ValueError(f"data/{DATA}: no llama.cpp sizes and perplexity changes found")
    return found, reference


def draw(root) -> Canvas:
    found, (f16_size, f16_ppl) = points(root)
    c = Canvas("quantised-sizes", 640, 480)
    sizes = [s for _, s, _ in found]
    ppls = [p for _, _, p in found]
    lo, hi = math.floor(min(sizes) * 2 - 0.5) / 2, math.ceil(max(sizes) * 2 + 0.5) / 2
    top = math.ceil(max(ppls) * 10 + 0.3) / 10
    plot = Plot(c, Box(60, 44, 560, 330), Axis(lo, hi), Axis(-0.05, top))
    xticks = [v / 2 for v in range(int(lo * 2), int(hi * 2) + 1) if v % 2 == 0]
    yticks = [v / 10 for v in range(0, int(round(top * 10)) + 1)]
    plot.axes([(v, f"{v:g}") for v in xticks], [(v, f"{v:.1f}") for v in yticks],
              "File size for LLaMA 7B (G, as printed by llama.cpp's quantize)",
              "Perplexity increase over F16 (WikiText-2)")
    zero = plot.py(0)
    c.line([(plot.area.x, zero), (plot.area.right, zero)], dashed=True, width=1.2)
    c.text(plot.area.right - 4, plot.area.y + 16,
           f"Zero line: F16, {f16_size:.2f} G, perplexity {f16_ppl}", 13, "end")
    placed = []
    for name, size, ppl in sorted(found, key=lambda p: -p[1]):
        family = "k-quant" if "_K" in name else "legacy"
        x, y = plot.px(size), plot.py(ppl)
        c.circle(x, y, 5.5, fill=FILLS[family])
        placed.append((x, y, name))
    # keep labels off the zero line: treat it as taken while the labels are placed
    line = Box(plot.area.x, zero - 2, plot.area.w, 4)
    c.texts.append(line)
    unplaced = plot.label_points(placed)
    c.texts.remove(line)
    y = legend(c, 60, 420, [(FILLS["legacy"], "Legacy types: blocks of 32"),
                            (FILLS["k-quant"], "k-quant mixtures: super-blocks of 256")], 560)
    if unplaced:
        c.text(60, y + 10, "Also shown: " + "; ".join(unplaced), 13)
        y += 24
    c.height = math.ceil(y + 6)
    return c
