"""LoRA's update beside the frozen weight: W (d x d) stays fixed, and the trained product of
B (d x r) and A (r x d), scaled by alpha / r, is added to it. The counts are for d = 4,096 and
r = 16, a Llama 2 7B attention projection at a common rank."""

from __future__ import annotations

from svg import Canvas

D, R = 4096, 16
SIDE, THIN = 150, 24  # drawn sizes: the rank is drawn far wider than to scale


def draw(root) -> Canvas:
    c = Canvas("lora-update", 400, 400)
    c.text(10, 20, "Forward pass: h = W x + (α / r) B A x", 14, bold=True)
    top = 58  # the top of A; W, B and the product start one THIN lower
    w = c.rect(10, top + THIN, SIDE, SIDE, fill="a5")
    c.text(w.cx, w.cy - 12, "W", 16, "middle", bold=True)
    c.text(w.cx, w.cy + 8, "d × d", 14, "middle")
    c.text(w.cx, w.cy + 28, "frozen", 14, "middle")
    c.text(w.right + 13, w.cy + 6, "+", 18, "middle", bold=True)
    b = c.rect(w.right + 26, top + THIN, THIN, SIDE, fill="a2")
    c.text(b.cx, b.cy + 5, "B", 14, "middle", bold=True)
    c.text(b.cx, b.bottom + 18, "d × r", 14, "middle")
    a = c.rect(b.right + 8, top, SIDE, THIN, fill="a2")
    c.text(a.cx, a.cy + 5, "A", 14, "middle", bold=True)
    c.text(a.x, top - 8, "r × d", 14)
    # their product is the update: the shape of W, but only rank r
    p = c.rect(a.x, b.y, SIDE, SIDE, fill="paper", dashed=True)
    c.text(p.cx, p.cy - 24, "B A", 14, "middle", bold=True)
    c.lines(p.cx, p.cy - 4, ["d × d, rank r,", "scaled by α / r", "and added to W"], 14, "middle")
    c.text(p.right, p.bottom + 18, "B and A: trained", 14, "end")
    return _counts(c, b.bottom + 50)


def _counts(c: Canvas, y: float) -> Canvas:
    rows = [("W (frozen)", f"{D:,} × {D:,}", D * D),
            ("B (trained)", f"{D:,} × {R}", D * R),
            ("A (trained)", f"{R} × {D:,}", R * D)]
    c.text(10, y, f"For d = {D:,} and r = {R}:", 14, bold=True)
    y += 24
    c.text(130, y, "shape", 14, cls="fg-muted")
    c.text(390, y, "parameters", 14, "end", cls="fg-muted")
    for label, shape, n in rows:
        y += 22
        c.text(10, y, label, 14)
        c.text(130, y, shape, 14)
        c.text(390, y, f"{n:,}", 14, "end")
    trained = 2 * D * R
    c.line([(10, y + 9), (390, y + 9)], cls="fg-grid", width=1)
    y += 28
    c.text(10, y, f"B and A: {trained:,} trained parameters,", 14)
    y += 19
    c.text(10, y, f"{trained / (D * D):.2%} of the frozen matrix", 14)
    c.height = y + 10
    return c
