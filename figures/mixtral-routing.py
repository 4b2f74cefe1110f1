"""Mixtral 8x7B's sparse mixture of experts: in each of 32 layers a router sends each token to
2 of 8 expert feed-forward blocks and combines their outputs; the choice changes from layer to
layer. All 46.7B parameters must be in memory; about 12.9B are used for each token."""

from __future__ import annotations

from svg import Canvas

W, X = 400, 10
FULL = W - 2 * X
TOTAL, ACTIVE = 46.7, 12.9  # billions of parameters (mistralai2023mixtralconfig)
CHOSEN = (1, 6)  # which two experts this token goes to in the layer drawn (any two)


def draw(root) -> Canvas:
    c = Canvas("mixtral-routing", W, 600)
    tok = c.box(X + 70, 8, FULL - 140, None, "A token from the layer below", fill="paper",
                dashed=True, size=14, pad=6)
    att = c.box(X, tok.bottom + 16, FULL, None, "Attention", fill="a5", bold=True,
                note="used by every token, as in Mistral 7B")
    c.arrow(W / 2, tok.bottom, W / 2, att.y - 1)
    router = c.box(X + 50, att.bottom + 16, FULL - 100, None, "Router", fill="soft", bold=True,
                   note="scores 8 experts (feed-forward blocks) and keeps the top 2")
    c.arrow(W / 2, att.bottom, W / 2, router.y - 1)

    gap = 6
    ew = (FULL - 7 * gap) / 8
    ey = router.bottom + 26
    experts = []
    for i in range(8):
        chosen = i in CHOSEN
        b = c.box(X + i * (ew + gap), ey, ew, 52, f"E{i + 1}", fill="a5" if chosen else "soft",
                  bold=chosen, size=14)
        if chosen:
            c.arrow(router.x + router.w * (0.3 if i < 4 else 0.7), router.bottom, b.cx, b.y - 1)
        experts.append(b)

    add = c.box(X + 50, ey + 52 + 30, FULL - 100, None, "Combine", fill="soft", bold=True,
                note="the outputs of the 2 experts")
    for i in CHOSEN:
        b = experts[i]
        c.arrow(b.cx, b.bottom, add.x + add.w * (0.3 if i < 4 else 0.7), add.y - 1)
    out = c.box(X + 60, add.bottom + 16, FULL - 120, None, "To the next layer (of 32)",
                fill="paper", dashed=True, size=14, pad=6, note="whose router chooses afresh")
    c.arrow(W / 2, add.bottom, W / 2, out.y - 1)

    # parameters: what must be in memory against what one token uses
    y = out.bottom + 26
    c.text(X, y, "Parameters", 14, bold=True)
    y += 10
    c.rect(X, y, FULL, 26, fill="soft", rx=3)
    c.rect(X, y, FULL * ACTIVE / TOTAL, 26, fill="a5", rx=3)
    c.text(X + FULL * ACTIVE / TOTAL / 2, y + 18, f"{ACTIVE}B used", 13, "middle", bold=True)
    c.text(W - X - 8, y + 18, f"{TOTAL}B in memory", 13, "end", bold=True)
    c.text(X, y + 46, "per token: attention, router and 2 experts per layer", 13)
    c.text(X, y + 64, "in memory: all 8 experts of every layer", 13)
    c.height = y + 74
    return c
