"""The five MLOps steps, from raw data to a service that stays healthy, with the book's
chapters placed on each step as the front page's list places them."""

from __future__ import annotations

from svg import Canvas, text_width

W, X = 400, 10
SW = 140  # the step column
CX = X + SW + 14  # the chapters
CW = W - X - CX

STEPS = [
    ("1 Data engineering", "collect, clean, label, license", "a2",
     ["Evaluation & Datasets", "Licences", "Vector Databases"]),
    ("2 Model engineering", "choose, adapt, package", "a5",
     ["Models", "Fine-tuning", "Unaligned Models", "Model Formats", "Desktop Apps"]),
    ("3 Automated testing (CI)", "check data, code and models on every change", "a1",
     ["Evaluation & Datasets", "Model Formats"]),
    ("4 Deployment (CD)", "package and serve", "a1",
     ["MLOps Engines", "Hardware", "SDKs for LLM Applications"]),
    ("5 Monitoring", "watch quality, drift, cost, failures", "a1",
     ["SDKs for LLM Applications", "Unaligned Models", "MLOps Engines"]),
]


def chips(c: Canvas, names: list[str], y: float, place: bool) -> float:
    """Chapter names as chips flowing in rows; returns the bottom of the last row."""
    x, row_h, gap = CX, 26, 6
    for name in names:
        w = text_width(name, 13) + 16
        if x + w > CX + CW and x > CX:
            x, y = CX, y + row_h + gap
        if place:
            c.box(x, y, w, row_h, name, fill="paper", size=13, pad=5)
        x += w + gap
    return y + row_h


def draw_narrow(root) -> Canvas:
    """Phones: the steps down the left, their chapters beside them."""
    c = Canvas("mlops-steps-narrow", W, 700)
    y = 8
    prev = None
    for label, note, fill, chapters in STEPS:
        probe = Canvas("probe", W, 100)
        need = probe.box(0, 0, SW, None, label, bold=True, note=note).h
        h = max(need, chips(c, chapters, 0, False) + 12)
        step = c.box(X, y, SW, h, label, fill=fill, bold=True, note=note)
        bottom = chips(c, chapters, y + (h - chips(c, chapters, 0, False)) / 2, True)
        c.line([(step.right, step.cy), (CX - 2, step.cy)], width=1)
        if prev:
            c.arrow(X + SW / 2, prev.bottom, X + SW / 2, step.y - 1)
        prev = step
        y = max(step.bottom, bottom) + 16
    c.height = y - 8
    return c


def draw(root) -> Canvas:
    """Wide screens: the steps in a row, each with its chapters below it."""
    ww, gap = 640, 14
    c = Canvas("mlops-steps", ww, 500)
    cw = (ww - 2 * X - 4 * gap) / 5
    probe = Canvas("probe", ww, 100)
    h = max(probe.box(0, 0, cw, None, label, bold=True, note=note).h
            for label, note, _, _ in STEPS)
    bottom = 0.0
    for i, (label, note, fill, chapters) in enumerate(STEPS):
        x = X + i * (cw + gap)
        step = c.box(x, 8, cw, h, label, fill=fill, bold=True, note=note)
        if i:
            c.arrow(x - gap, step.cy, x - 1, step.cy)
        y = step.bottom + 14
        c.line([(step.cx, step.bottom), (step.cx, y)], width=1)
        for name in chapters:
            chip = c.box(x, y, cw, None, name, fill="paper", size=13, pad=5)
            y = chip.bottom + 6
        bottom = max(bottom, y)
    c.height = bottom + 2
    return c
