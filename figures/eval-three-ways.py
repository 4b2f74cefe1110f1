"""Three ways to score an LLM, side by side: a benchmark (a script checks answers to a fixed test
set), human preference (users vote between two anonymous models, as in Chatbot Arena) and
LLM-as-a-judge (a strong model grades answers). Rows: where the questions come from, who
answers, who judges, what the score is, and the main bias."""

from __future__ import annotations

import math

from svg import Canvas, wrap

W, GAP, LEFT = 400, 5, 4
COLS = 3
COL = (W - 2 * LEFT - (COLS - 1) * GAP) / COLS
SIZE, PAD = 13, 7

# fills: a2 data or code, a1 people, a5 a model, a3 the score, a4 the main bias
HEAD = [("Benchmark", "MMLU, HumanEval"), ("Human preference", "Chatbot Arena"),
        ("An LLM as judge", "MT-Bench, AlpacaEval")]
ROWS = [
    ("Questions", [("a fixed public test set", "a2"), ("prompts that users write", "a1"),
                   ("a fixed set: 80 or 805 prompts", "a2")]),
    ("Who answers", [("the model under test", "a5"), ("two anonymous models", "a5"),
                     ("the model under test (and a reference)", "a5")]),
    ("Who judges", [("a script: answer key or unit tests", "a2"), ("the user, by a vote", "a1"),
                    ("a strong LLM such as GPT-4", "a5")]),
    ("The score", [("accuracy or pass@k", "a3"), ("a rating fitted to all votes", "a3"),
                   ("a grade of 1 to 10, or a win rate", "a3")]),
    ("Main bias", [("leaked test items; saturation", "a4"), ("who votes and what they ask", "a4"),
                   ("answer order, length, own style", "a4")]),
]


def _height(text: str, size: float = SIZE, bold: bool = False) -> float:
    return len(wrap(text, COL - 2 * PAD, size, bold)) * size * 1.25 + 2 * PAD - 2


def draw(root) -> Canvas:
    c = Canvas("eval-three-ways", W, 600)
    xs = [LEFT + i * (COL + GAP) for i in range(COLS)]
    y = 4
    h = max(_height(t, 14, True) + _height(e) - 2 * PAD + 2 for t, e in HEAD)
    for x, (title, example) in zip(xs, HEAD):
        c.box(x, y, COL, h, title, fill="soft", size=14, bold=True, note=example, pad=PAD)
    y += h + 8
    for label, cells in ROWS:
        c.text(LEFT + 2, y + 14, label, 14, bold=True)
        y += 22
        h = max(_height(t) for t, _ in cells)
        for x, (text, fill) in zip(xs, cells):
            c.box(x, y, COL, h, text, fill=fill, size=SIZE, pad=PAD)
        y += h + 8
    c.height = math.ceil(y - 2)
    return c
