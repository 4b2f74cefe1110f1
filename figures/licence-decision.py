"""Can I use this model in my product? Four questions in turn (the weights' licence, the
training and fine-tuning data, the terms of any model that generated data, the acceptable use
policy); each answer is plain (go on), carries a condition (go on, and record it) or stops the
project until someone gives permission. The strictest answer decides."""

from __future__ import annotations

from svg import Canvas, wrap

W = 400
QX, QW = 10, 112  # question column
AX = QX + QW + 14  # answer column
AW = W - 10 - AX
GAP, ROW_GAP = 4, 18

# Fills say what an answer means, and match the three outcomes at the bottom.
GO, COND, NO = ("a3", False), ("a3", True), ("a4", False)

QUESTIONS = [
    ("1 Weights' licence", [
        (GO, "Permissive: Apache-2.0 or MIT (Mistral 7B, Falcon 40B)"),
        (COND, "Bespoke: user threshold, registration, hosting clause, output ban (Llama 2, Qwen, Yi)"),
        (NO, "Non-commercial (LLaMA 1), or your product is over a threshold"),
    ]),
    ("2 Training and fine-tuning data", [
        (GO, "Permissive terms, sources known"),
        (COND, "Share-alike (Dolly 2.0's data), or sources undisclosed"),
        (NO, "Non-commercial (Alpaca's data, MPT-7B-Chat)"),
    ]),
    ("3 Terms of any model that made the data", [
        (GO, "No generated data"),
        (COND, "Allowed, and its terms come along (Yi)"),
        (NO, "Bans your use: OpenAI's terms (Alpaca, Vicuna); Llama 2 or Qwen outputs for another LLM"),
    ]),
    ("4 Acceptable use policy", [
        (GO, "None (Apache-2.0, MIT)"),
        (COND, "Your use is allowed: pass RAIL terms on to users, watch for updates"),
        (NO, "Your use is one it forbids"),
    ]),
]


def draw_narrow(root) -> Canvas:
    """The phone layout: each question with its three kinds of answer stacked beside it."""
    c = Canvas("licence-decision-narrow", W, 900)
    top = c.box(10, 8, W - 20, None, "A model, and everything used to build it", fill="paper",
                dashed=True, size=14, pad=7)
    y = top.bottom + ROW_GAP
    prev = top
    for question, answers in QUESTIONS:
        # answers first (they set the row's height), then the question box beside them
        boxes, ay = [], y
        for (fill, dashed), text in answers:
            b = c.box(AX, ay, AW, None, text, fill=fill, dashed=dashed, size=13, pad=6)
            boxes.append(b)
            ay = b.bottom + GAP
        h = boxes[-1].bottom - y
        q = c.box(QX, y, QW, h, question, fill="soft", bold=True, size=14)
        for b in boxes:
            c.arrow(q.right, b.cy, b.x - 1, b.cy)
        c.arrow(QX + QW / 2, prev.bottom, QX + QW / 2, q.y - 1)
        prev = q
        y = q.bottom + ROW_GAP

    c.text(W / 2, y + 10, "The strictest answer decides", 14, "middle", bold=True)
    c.arrow(QX + QW / 2, prev.bottom, QX + QW / 2, y - 2)
    y += 20
    ew = (W - 20 - 2 * 8) / 3
    ends = [("Go", "every answer plain", GO),
            ("Go with conditions", "meet and record each condition", COND),
            ("No / get permission", "any answer that stops you", NO)]
    outs = []
    for i, (label, note, (fill, dashed)) in enumerate(ends):
        outs.append(c.box(10 + i * (ew + 8), y, ew, 62, label, fill=fill, dashed=dashed,
                          bold=True, note=note))
    c.height = max(b.bottom for b in outs) + 8
    return c


def draw(root) -> Canvas:
    """The wide layout: one row per question, one column per kind of answer, each column
    ending in its outcome."""
    WW, qw, gap = 640, 128, 8
    c = Canvas("licence-decision", WW, 600)
    cw = (WW - 20 - qw - 14 - 2 * gap) / 3
    cols = [10 + qw + 14 + i * (cw + gap) for i in range(3)]
    top = c.box(10, 8, WW - 20, None, "A model, and everything used to build it", fill="paper",
                dashed=True, size=14, pad=7)
    y = top.bottom + 10
    for x, head in zip(cols, ("Plain", "With a condition", "Stops you")):
        c.text(x + cw / 2, y + 13, head, 14, "middle", bold=True)
    y += 24
    prev = top
    for question, answers in QUESTIONS:
        texts = [c_text for _, c_text in answers]
        # one row: the tallest answer sets the height of all three
        need = max(len(_wrap(t, cw - 12)) for t in texts)
        h = max(need * 13 * 1.25 + 12, len(wrap(question, qw - 16, 14, True)) * 14 * 1.25 + 14)
        q = c.box(10, y, qw, h, question, fill="soft", bold=True, size=14)
        for x, ((fill, dashed), text) in zip(cols, answers):
            c.box(x, y, cw, h, text, fill=fill, dashed=dashed, size=13, pad=6)
        c.arrow(10 + qw / 2, prev.bottom, 10 + qw / 2, q.y - 1)
        c.line([(q.right, q.cy), (cols[0] - 1, q.cy)], arrow=True)
        prev = q
        y = q.bottom + 12
    c.text(10 + qw / 2, y + 16, "The strictest", 14, "middle", bold=True)
    c.text(10 + qw / 2, y + 33, "answer decides", 14, "middle", bold=True)
    ends = [("Go", "every answer plain", GO),
            ("Go with conditions", "meet and record each condition", COND),
            ("No / get permission", "any answer that stops you", NO)]
    y += 14
    outs = []
    for x, (label, note, (fill, dashed)) in zip(cols, ends):
        c.arrow(x + cw / 2, y - 14, x + cw / 2, y + 7)
        outs.append(c.box(x, y + 8, cw, 44, label, fill=fill, dashed=dashed, bold=True, note=note))
    c.height = max(b.bottom for b in outs) + 8
    return c


def _wrap(text: str, width: float) -> list[str]:
    return wrap(text, width, 13)
