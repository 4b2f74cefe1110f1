"""HNSW: a layered graph in which every vector is in layer 0 and a random few also in the layers
above, and a greedy search that starts at the top, walks towards the query in each layer and
drops a layer when no neighbour is closer. The search path is computed, not drawn by hand."""

from __future__ import annotations

import math

from svg import Canvas, legend

W = 400
BAND_H, BAND_GAP, TOP = 104, 26, 8
LINKS = {2: 1, 1: 3, 0: 2}  # each node links to its nearest few in the layer (and back)

# (name, x, y within the band from 0 to 1, top layer of the node)
NODES = [
    ("entry", 40, 0.55, 2), ("n1", 74, 0.10, 0), ("n2", 108, 0.40, 1), ("n3", 142, 0.78, 0),
    ("n4", 178, 0.20, 0), ("n5", 208, 0.65, 2), ("n6", 236, 0.95, 0), ("n7", 250, 0.12, 1),
    ("n8", 286, 0.62, 1), ("n9", 304, 0.02, 0), ("n10", 300, 0.98, 0), ("n11", 172, 0.98, 1),
    ("n12", 374, 0.20, 0), ("n13", 136, 0.05, 0), ("n14", 120, 0.95, 2), ("n15", 318, 0.30, 0),
    ("n16", 60, 0.90, 0), ("n17", 360, 0.75, 0),
]
QUERY = (340, 0.40)


def draw(root) -> Canvas:
    c = Canvas("hnsw-search", W, 420)
    bands = {level: TOP + (2 - level) * (BAND_H + BAND_GAP) for level in (2, 1, 0)}
    notes = {2: "few vectors, long links", 1: "more vectors", 0: "every vector, short links"}

    def pos(node, level):
        _, x, yf, _ = node
        return x, bands[level] + 36 + yf * (BAND_H - 50)

    def qpos(level):
        return QUERY[0], bands[level] + 36 + QUERY[1] * (BAND_H - 50)

    def dist(a, b, level):
        (ax, ay), (bx, by) = pos(a, level), pos(b, level)
        return math.hypot(ax - bx, ay - by)

    def qdist(a, level):
        (ax, ay), (qx, qy) = pos(a, level), qpos(level)
        return math.hypot(ax - qx, ay - qy)

    # links per layer: each node to its nearest few in that layer, made symmetric
    layer_nodes = {lv: [n for n in NODES if n[3] >= lv] for lv in (2, 1, 0)}
    links = {}
    for lv, nodes in layer_nodes.items():
        edges = set()
        for n in nodes:
            near = sorted((m for m in nodes if m is not n), key=lambda m: dist(n, m, lv))
            for m in near[:LINKS[lv]]:
                edges.add(tuple(sorted((n[0], m[0]))))
        links[lv] = sorted(edges)  # a set's order changes from run to run; the SVG must not

    # the greedy search: in each layer move to the neighbour closest to the query until none is
    # closer, then drop to the same vector one layer down
    by_name = {n[0]: n for n in NODES}
    current, path = by_name["entry"], {2: [], 1: [], 0: []}
    for lv in (2, 1, 0):
        path[lv].append(current)
        while True:
            neigh = [by_name[b if a == current[0] else a] for a, b in links[lv] if current[0] in (a, b)]
            best = min(neigh, key=lambda m: qdist(m, lv))
            if qdist(best, lv) >= qdist(current, lv):
                break
            current = best
            path[lv].append(current)
    found = current
    visited = {n[0] for lv in path for n in path[lv]}

    for lv in (2, 1, 0):
        top = bands[lv]
        c.rect(6, top, W - 12, BAND_H, fill="paper", rx=8)
        label = c.text(16, top + 20, f"Layer {lv}", 14, bold=True)
        c.text(label.right + 8, top + 20, notes[lv], 13, cls="fg-muted")
        for a, b in links[lv]:
            on_path = any(p[i][0] == a and p[i + 1][0] == b or p[i][0] == b and p[i + 1][0] == a
                          for p in [path[lv]] for i in range(len(p) - 1))
            if not on_path:
                c.line([pos(by_name[a], lv), pos(by_name[b], lv)], cls="fg-line", width=1)
        steps = path[lv]
        for i in range(len(steps) - 1):
            (x1, y1), (x2, y2) = pos(steps[i], lv), pos(steps[i + 1], lv)
            d = math.hypot(x2 - x1, y2 - y1)
            ux, uy = (x2 - x1) / d, (y2 - y1) / d
            c.line([(x1 + ux * 7, y1 + uy * 7), (x2 - ux * 8, y2 - uy * 8)], arrow=True, width=2)
        qx, qy = qpos(lv)
        r = 7
        c.raw(f'<path d="M{qx},{qy - r} L{qx + r},{qy} L{qx},{qy + r} L{qx - r},{qy} z" '
              'class="fg-a4 fg-line" stroke-width="1.5"/>')
        for n in layer_nodes[lv]:
            x, y = pos(n, lv)
            fill = "a3" if lv == 0 and n is found else "a1" if n in steps else "soft"
            c.circle(x, y, 5.5, fill=fill)
        if lv == 2:
            x, y = pos(by_name["entry"], lv)
            c.text(x - 24, y - 11, "entry point", 13)

    # drops between layers: the same vector, one layer down
    for lv in (2, 1):
        last = path[lv][-1]
        x, y = pos(last, lv)
        _, y2 = pos(last, lv - 1)
        c.line([(x, y + 7), (x, y2 - 8)], arrow=True, dashed=True, width=1.5)

    y = bands[0] + BAND_H + 10
    y = legend(c, 10, y, [("a4", "query"), ("a1", "visited on the way down"),
                          ("a3", "nearest neighbour found"), ("soft", "other stored vectors")],
               W - 20)
    c.height = math.ceil(y)
    return c
