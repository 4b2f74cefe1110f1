"""IVF and PQ, the two ideas behind FAISS's IVF-PQ. Top: k-means centroids split the space into
cells, and a query scans only the nprobe cells whose centroids are nearest (here 2). Bottom: PQ
cuts a vector into m sub-vectors and stores, for each, the index of its nearest centroid in
that sub-space's codebook. The cells are computed (k-means, then clipped Voronoi polygons)."""

from __future__ import annotations

import math
import random

from svg import Box, Canvas, legend

W = 400
K, NPROBE = 7, 2
QUERY = (0.56, 0.50)  # in the unit square of the plot area


def _kmeans(points, k, rounds=12):
    cents = [points[i * len(points) // k] for i in range(k)]
    for _ in range(rounds):
        groups = [[] for _ in cents]
        for p in points:
            groups[min(range(k), key=lambda i: math.dist(p, cents[i]))].append(p)
        cents = [(sum(x for x, _ in g) / len(g), sum(y for _, y in g) / len(g)) if g else c
                 for g, c in zip(groups, cents)]
    return cents


def _clip(poly, a, b, c):
    """Keep the part of a polygon where a*x + b*y <= c (Sutherland-Hodgman, one edge)."""
    out = []
    for i, p in enumerate(poly):
        q = poly[(i + 1) % len(poly)]
        fp, fq = a * p[0] + b * p[1] - c, a * q[0] + b * q[1] - c
        if fp <= 0:
            out.append(p)
        if fp * fq < 0:
            t = fp / (fp - fq)
            out.append((p[0] + t * (q[0] - p[0]), p[1] + t * (q[1] - p[1])))
    return out


def _cells(cents, box: Box):
    rect = [(box.x, box.y), (box.right, box.y), (box.right, box.bottom), (box.x, box.bottom)]
    cells = []
    for i, ci in enumerate(cents):
        poly = rect
        for j, cj in enumerate(cents):
            if i != j:  # the half-plane nearer to ci than to cj
                a, b = cj[0] - ci[0], cj[1] - ci[1]
                c = (cj[0] ** 2 + cj[1] ** 2 - ci[0] ** 2 - ci[1] ** 2) / 2
                poly = _clip(poly, a, b, c)
        cells.append(poly)
    return cells


def _diamond(c: Canvas, x: float, y: float, r: float = 7) -> None:
    c.raw(f'<path d="M{x:.1f},{y - r:.1f} L{x + r:.1f},{y:.1f} L{x:.1f},{y + r:.1f} '
          f'L{x - r:.1f},{y:.1f} z" class="fg-a4 fg-line" stroke-width="1.5"/>')


def draw(root) -> Canvas:
    c = Canvas("ivf-pq", W, 600)

    # --- IVF ---------------------------------------------------------------------------------
    c.text(10, 20, "IVF: scan only the cells nearest the query", 14, bold=True)
    area = Box(10, 32, W - 20, 200)
    rng = random.Random(0)
    blobs = [(0.12, 0.25), (0.30, 0.75), (0.45, 0.25), (0.62, 0.80), (0.75, 0.35),
             (0.90, 0.75), (0.92, 0.15)]
    pts = []
    for bx, by in blobs:
        for _ in range(10):
            x = min(max(rng.gauss(bx, 0.08), 0.03), 0.97)
            y = min(max(rng.gauss(by, 0.12), 0.05), 0.95)
            pts.append((area.x + x * area.w, area.y + y * area.h))
    cents = _kmeans(pts, K)
    q = (area.x + QUERY[0] * area.w, area.y + QUERY[1] * area.h)
    order = sorted(range(K), key=lambda i: math.dist(q, cents[i]))
    probed = set(order[:NPROBE])
    for i, poly in enumerate(_cells(cents, area)):
        d = " ".join(f"{'M' if n == 0 else 'L'}{x:.1f},{y:.1f}" for n, (x, y) in enumerate(poly))
        fill = "fg-a1" if i in probed else "fg-paper"
        c.raw(f'<path d="{d} z" class="{fill} fg-line" stroke-width="1.2"/>')
    for x, y in pts:
        c.raw(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.2" class="fg-ink"/>')
    for i in order[:NPROBE]:  # the query is compared with every centroid, then scans these cells
        c.line([q, cents[i]], dashed=True, width=1.2)
    for x, y in cents:
        c.rect(x - 5.5, y - 5.5, 11, 11, fill="a3", rx=1.5)
    _diamond(c, *q)
    y = legend(c, 10, area.bottom + 10, [("a4", "query"), ("a3", "centroid"),
                                         ("a1", f"cells scanned (nprobe = {NPROBE})")], W - 20)

    # --- PQ ----------------------------------------------------------------------------------
    top = y + 18
    c.text(10, top, "PQ: keep one small code per sub-vector", 14, bold=True)
    dims, m, cell = 16, 4, 22
    x0 = (W - dims * cell) / 2
    c.text(x0, top + 26, f"A vector of {dims} floats: {dims * 4} bytes", 13)
    vy = top + 36
    rng = random.Random(1)
    for s in range(m):
        gx = x0 + s * (dims // m) * cell
        c.rect(gx, vy, (dims // m) * cell, cell + 8, fill="a2", rx=3)
        for k in range(dims // m):
            v = rng.uniform(-0.9, 0.9)
            x = gx + k * cell + cell / 2
            # a bar per dimension: the value, drawn up or down from the middle
            c.line([(x, vy + (cell + 8) / 2), (x, vy + (cell + 8) / 2 - v * 12)], width=5)
    c.text(x0, vy + cell + 26, f"cut into m = {m} sub-vectors of {dims // m} dimensions", 13)
    book = Box(x0, vy + cell + 38, dims * cell, 44)
    c.box(book.x, book.y, book.w, book.h, "each sub-vector becomes the index of its nearest "
          "centroid in its own codebook of 256 (k-means per sub-space)", fill="soft", size=13)
    codes = [17, 203, 5, 88]
    cy = book.bottom + 22
    for s in range(m):
        cx = x0 + (s + 0.5) * (dims // m) * cell
        c.arrow(cx, book.bottom, cx, cy - 1)
        c.box(cx - 26, cy, 52, 28, str(codes[s]), fill="a3", size=14, bold=True)
    c.text(W / 2, cy + 50, f"Stored: {m} one-byte codes = {m} bytes, {dims * 4 // m}× smaller",
           13, "middle")
    c.height = math.ceil(cy + 58)
    return c
