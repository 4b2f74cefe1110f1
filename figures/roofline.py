"""A roofline: attainable 16-bit throughput against arithmetic intensity for the accelerators in
data/accelerators.yml that have both a memory bandwidth and a dense 16-bit peak. Each roof rises
with bandwidth x intensity until it meets the chip's peak; decode at batch 1 sits far left of
every ridge, prefill to the right of them. Both axes are logarithmic."""

from __future__ import annotations

import math

from data_files import validate_table
from svg import Axis, Box, Canvas, Plot

W = 400
X_LO, X_HI = 0.5, 2500  # FLOPs per byte
Y_LO, Y_HI = 0.5, 2500  # TFLOPS
WORKLOADS = [  # (intensity in FLOPs per byte at 16-bit, label lines, where the label goes)
    (1, ["Decode,", "batch 1"], "top"),
    (32, ["Decode,", "batch 32"], "bottom"),
    (512, ["Prefill,", "512-token", "prompt"], "bottom"),
]


def roofs(root) -> list[tuple[str, float, float]]:
    """(label, bandwidth GB/s, peak TFLOPS), one per distinct roof; chips with the same roof
    share it."""
    table, problems = validate_table(root / "data" / "accelerators.yml", root)
    if table is None or problems:
        raise ValueError("data/accelerators.yml has problems")
    found: dict[tuple[float, float], list[str]] = {}
    for r in table["rows"]:
        if r.get("bandwidth_gb_s") and r.get("peak_fp16_tflops"):
            name = r["name"].split(" (")[0]
            found.setdefault((r["bandwidth_gb_s"], r["peak_fp16_tflops"]), []).append(name)
    return sorted(((" / ".join(n), bw, peak) for (bw, peak), n in found.items()),
                  key=lambda t: -t[2])


def draw(root) -> Canvas:
    c = Canvas("roofline", W, 400)
    area = Box(46, 44, 226, 250)
    plot = Plot(c, area, Axis(X_LO, X_HI, log=True), Axis(Y_LO, Y_HI, log=True))
    ticks = [(1, "1"), (10, "10"), (100, "100"), (1000, "1,000")]
    plot.axes(ticks, ticks, "Arithmetic intensity (FLOPs per byte)",
              "Attainable 16-bit TFLOPS (log scales)")

    chips = roofs(root)
    share = max(bw * 1 / 1000 / peak for _, bw, peak in chips)  # decode's share of peak at most
    for x, label, where in WORKLOADS:
        px = plot.px(x)
        if x == 1:
            label = ["Decode,", "batch 1: at", f"most {share:.1%}", "of peak"]
        c.line([(px, area.y), (px, area.bottom)], dashed=True, width=1.2)
        if where == "top":
            c.lines(px + 5, area.y + 14, label, 13, leading=16 / 13)
        else:
            c.lines(px - 5, area.bottom - 8 - 16 * (len(label) - 1), label, 13, "end",
                    leading=16 / 13)

    label_x = area.right + 12
    rows = []
    for name, bw, peak in chips:
        ridge = peak * 1000 / bw  # FLOPs per byte where the two ceilings meet
        start = max(X_LO, Y_LO * 1000 / bw)  # where the roof enters the plot
        c.line([(plot.px(start), plot.py(bw * start / 1000)), (plot.px(ridge), plot.py(peak)),
                (area.right, plot.py(peak))], width=1.5)
        c.circle(plot.px(ridge), plot.py(peak), 3, fill="a2")
        rows.append((name.replace(" / ", " /\n").split("\n"), plot.py(peak)))

    # labels in a column right of the plot, each joined to the end of its roof; labels are
    # pushed down where they would overlap, then the column is moved up if it runs too low
    heights = [16 * len(lines) for lines, _ in rows]
    tops, cursor = [], -math.inf
    for (lines, target), h in zip(rows, heights):
        tops.append(max(target - h / 2, cursor + 2))
        cursor = tops[-1] + h
    shift = max(0.0, cursor - area.bottom)
    for (lines, target), h, top in zip(rows, heights, tops):
        top -= shift
        c.line([(area.right, target), (label_x - 3, top + h / 2)], width=0.8)
        c.lines(label_x, top + 12, lines, 13, leading=16 / 13)
    c.height = area.bottom + 13 * 2.7 + 12
    return c
