"""Where the memory goes when fine-tuning a 7B model, by the chapter's bytes-per-parameter
budget (mixed-precision AdamW; activations left out): full fine-tuning keeps weights, gradients
and optimiser states for every parameter; LoRA keeps a frozen 16-bit base and trains adapters
at 1 % of its size; QLoRA does the same on a 4-bit base. Lines mark a 24 GB and an 80 GB GPU."""

from __future__ import annotations

from svg import Canvas, legend, text_width

PARAMS = 7e9
ADAPTERS = 0.01 * PARAMS * 18 / 1e9        # adapters at 1 % of the base, 18 bytes each
GB_MAX = 135
GPUS = [(24, "24 GB GPU"), (80, "80 GB GPU")]
# label, [(fill, GB)]: weights (16-bit copy plus 32-bit master), gradients, optimiser states
BARS = [
    ("Full fine-tuning, AdamW", [("a5", PARAMS * 6 / 1e9), ("a1", PARAMS * 4 / 1e9),
                                 ("a4", PARAMS * 8 / 1e9)]),
    ("Full, 8-bit AdamW", [("a5", PARAMS * 6 / 1e9), ("a1", PARAMS * 4 / 1e9),
                           ("a4", PARAMS * 2 / 1e9)]),
    ("LoRA, 16-bit base", [("a5", PARAMS * 2 / 1e9), ("a2", ADAPTERS)]),
    ("QLoRA, 4-bit base", [("a5", PARAMS * 0.5 / 1e9), ("a2", ADAPTERS)]),
]
LEFT, RIGHT = 10, 390


def x(gb: float) -> float:
    return LEFT + gb / GB_MAX * (RIGHT - LEFT)


def _gb(v: float) -> str:
    return f"{v:,.2f}".rstrip("0").rstrip(".") + " GB"


def _label(c: Canvas, x0: float, y: float, s: str, size: float) -> None:
    """Text on a patch of page colour, so that the GPU lines pass behind it."""
    c.rect(x0 - 2, y - size * 0.85, text_width(s, size) + 4, size * 1.1, fill="paper",
           stroke=False, rx=0)
    c.text(x0, y, s, size)


def draw(root) -> Canvas:
    c = Canvas("fine-tuning-memory", 400, 400)
    top, row, bar = 44, 50, 20
    bottom = top + len(BARS) * row
    for gb, label in GPUS:
        c.line([(x(gb), top - 8), (x(gb), bottom)], dashed=True, width=1.2)
        c.text(x(gb), top - 14, label, 14, "middle")
    for i, (label, parts) in enumerate(BARS):
        y = top + i * row
        total = sum(gb for _, gb in parts)
        _label(c, LEFT, y + 16, f"{label}: {total:,.1f}".replace(".0", "") + " GB", 14)
        left = LEFT
        for fill, gb in parts:
            c.rect(left, y + 22, x(gb) - LEFT, bar, fill=fill, rx=0)
            left += x(gb) - LEFT
        if len(parts) == 2:  # the adapters are too thin to see: say what the bar holds
            _label(c, left + 6, y + 37, f"{_gb(parts[0][1])} weights + {_gb(parts[1][1])} adapters",
                   13)
    for gb in (0, 20, 40, 60, 80, 100, 120):
        c.text(x(gb), bottom + 16, str(gb), 13, "middle")
    c.text(RIGHT, bottom + 34, "GB, activations not included", 13, "end")
    y = legend(c, LEFT, bottom + 46, [("a5", "Weights"), ("a1", "Gradients"),
                                      ("a4", "Optimiser states"),
                                      ("a2", "Adapters, with their gradients and states")], 380)
    c.height = y + 4
    return c
