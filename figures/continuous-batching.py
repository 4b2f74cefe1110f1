"""Static against continuous batching on a timeline: the same eight requests of different
lengths on four batch slots. A static batch holds its slots until its longest request ends;
continuous batching gives a freed slot to the next request at the next step."""

from __future__ import annotations

from svg import Canvas

W = 400
SLOTS = 4
# request: decode steps it needs, in arrival order
REQUESTS = {"A": 3, "B": 10, "C": 5, "D": 2, "E": 4, "F": 8, "G": 3, "H": 5}
X0, STEP = 52, 18.5  # where step 0 is, and units per step
BAR, GAP = 20, 5


def static_schedule() -> list[list[tuple[str, int, int]]]:
    """Batches of SLOTS requests in arrival order; a batch starts when the previous one ends."""
    names = list(REQUESTS)
    rows: list[list[tuple[str, int, int]]] = [[] for _ in range(SLOTS)]
    t = 0
    for b in range(0, len(names), SLOTS):
        batch = names[b:b + SLOTS]
        for slot, name in enumerate(batch):
            rows[slot].append((name, t, t + REQUESTS[name]))
        t += max(REQUESTS[n] for n in batch)
    return rows


def continuous_schedule() -> list[list[tuple[str, int, int]]]:
    """Each request takes the first slot to come free (the lowest slot on a tie)."""
    free_at = [0] * SLOTS
    rows: list[list[tuple[str, int, int]]] = [[] for _ in range(SLOTS)]
    for name, steps in REQUESTS.items():
        slot = min(range(SLOTS), key=lambda s: (free_at[s], s))
        start = free_at[slot]
        rows[slot].append((name, start, start + steps))
        free_at[slot] = start + steps
    return rows


def panel(c: Canvas, top: float, title: str, rows, end: int) -> float:
    """One timeline; returns the y below it. ``end`` is when the last request finishes."""
    busy = sum(REQUESTS.values()) / (SLOTS * end)
    head = c.text(8, top + 14, f"{title}:", 14, bold=True)
    c.text(head.right + 5, top + 14, f"{end} steps, slots {busy:.0%} busy", 14)
    y0 = top + 24
    first = set(list(REQUESTS)[:SLOTS])
    for slot, row in enumerate(rows):
        y = y0 + slot * (BAR + GAP)
        c.text(X0 - 8, y + BAR / 2 + 5, f"slot {slot + 1}", 13, "end")
        t = 0
        for name, start, stop in row:
            if start > t:
                idle(c, t, start, y)
            c.rect(X0 + start * STEP, y, (stop - start) * STEP, BAR,
                   fill="a1" if name in first else "a2", rx=3)
            c.text(X0 + (start + stop) / 2 * STEP, y + BAR / 2 + 5, name, 13, "middle", bold=True)
            t = stop
        if t < end:
            idle(c, t, end, y)
    bottom = y0 + SLOTS * (BAR + GAP) - GAP
    c.line([(X0 + end * STEP, y0 - 4), (X0 + end * STEP, bottom + 4)], width=2)
    axis = bottom + 8
    c.line([(X0, axis), (X0 + 18 * STEP, axis)], width=1)
    for s in range(0, 19, 3):
        c.line([(X0 + s * STEP, axis), (X0 + s * STEP, axis + 4)], width=1)
        c.text(X0 + s * STEP, axis + 18, str(s), 13, "middle")
    return axis + 18


def idle(c: Canvas, start: int, stop: int, y: float) -> None:
    c.rect(X0 + start * STEP + 1, y + 1, (stop - start) * STEP - 2, BAR - 2, fill="paper", rx=3,
           dashed=True)
    if (stop - start) * STEP >= 36:
        c.text(X0 + (start + stop) / 2 * STEP, y + BAR / 2 + 5, "idle", 13, "middle", cls="fg-muted")


def draw(root) -> Canvas:
    c = Canvas("continuous-batching", W, 500)
    lengths = ", ".join(str(v) for v in REQUESTS.values())
    y = c.lines(8, 16, [f"Requests A to H need {lengths}",
                        f"decode steps; the batch has {SLOTS} slots."], 13) + 12
    static, cont = static_schedule(), continuous_schedule()
    s_end = max(stop for row in static for _, _, stop in row)
    c_end = max(stop for row in cont for _, _, stop in row)
    y = panel(c, y, "Static batching", static, s_end) + 14
    y = panel(c, y, "Continuous batching", cont, c_end)
    c.text(X0 + 9 * STEP, y + 20, "decode step", 13, "middle")
    y += 44
    c.rect(8, y - 11, 14, 14, fill="a1", rx=3)
    c.text(28, y, "first four requests", 13)
    c.rect(178, y - 11, 14, 14, fill="a2", rx=3)
    c.text(198, y, "next four", 13)
    c.rect(286, y - 11, 14, 14, fill="paper", rx=3, dashed=True)
    c.text(306, y, "idle slot", 13)
    c.height = y + 8
    return c
