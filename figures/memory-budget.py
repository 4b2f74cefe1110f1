"""The memory budget of a model: weights, KV cache and activations with runtime overhead,
stacked, for Llama 2 7B and 70B at 16-bit and 4-bit, against GPUs of 24, 48 and 80 GB. The KV
cache is drawn for one 4,096-token sequence and for seven more, since it grows with the batch."""

from __future__ import annotations

from svg import Canvas, legend, text_width

W = 400
GB, GIB = 1e9, 2**30
CONTEXT, BATCH = 4096, 8
# weights in bytes: 16-bit from the parameter count (7B) or the published memory requirement
# (70B); 4-bit from llama.cpp's Q4_0 files. KV bytes per token at 16-bit from each model's shape.
MODELS = [
    ("Llama 2 7B", {"16-bit": 6.74e9 * 2, "4-bit": 3.56 * GIB}, 2 * 32 * 32 * 128 * 2),
    ("Llama 2 70B", {"16-bit": 128.3 * GIB, "4-bit": 36.37 * GIB}, 2 * 80 * 8 * 128 * 2),
]
GPUS = [24, 48, 80]  # GB
SCALE_MAX = 100  # GB at the right edge; a longer bar is cut with a break mark


def overhead(weights: float) -> float:
    """Activations, workspace and runtime: an assumption (1 GB plus 10% of the weights)."""
    return 1 * GB + 0.1 * weights


def draw(root) -> Canvas:
    c = Canvas("memory-budget", W, 480)
    x0, x1 = 12, W - 12
    per_gb = (x1 - x0) / SCALE_MAX

    def px(gb: float) -> float:
        return x0 + min(gb, SCALE_MAX) * per_gb

    top = 30
    for gpu in GPUS:
        c.text(px(gpu), top - 8, f"{gpu} GB", 13, "middle", bold=True)
    rows_top = top + 4
    y = rows_top + 16
    labels = []  # row labels, written after the GPU lines on a paper background
    for name, weights, kv_per_token in MODELS:
        for precision, w in weights.items():
            kv_one = kv_per_token * CONTEXT
            parts = [("a5", w, False), ("soft", overhead(w), False), ("a3", kv_one, False),
                     ("a3", kv_one * (BATCH - 1), True)]
            one = (w + overhead(w) + kv_one) / GB
            total = sum(p[1] for p in parts) / GB
            labels.append((x0, y, f"{name}, {precision}", 14, "start", True))
            labels.append((x1, y, f"{one:.0f} GB; {total:.0f} GB for {BATCH} sequences", 13, "end",
                           False))
            bar_y = y + 7
            start = 0.0
            for fill, size, dashed in parts:
                gb = size / GB
                if start >= SCALE_MAX:
                    break
                c.rect(px(start), bar_y, px(start + gb) - px(start), 22, fill=fill, rx=0,
                       dashed=dashed)
                start += gb
            if total > SCALE_MAX:  # a break mark where the bar leaves the scale
                bx = px(SCALE_MAX) - 10
                c.rect(bx - 3, bar_y - 3, 8, 28, fill="paper", rx=0, stroke=False)
                c.line([(bx - 3, bar_y + 25), (bx + 1, bar_y - 3)], width=1.2)
                c.line([(bx + 3, bar_y + 25), (bx + 7, bar_y - 3)], width=1.2)
            y += 58
    bottom = y - 58 + 7 + 22 + 8
    for gpu in GPUS:
        c.line([(px(gpu), top - 2), (px(gpu), bottom)], dashed=True, width=1.2)
    for x, ty, text, size, anchor, bold in labels:
        w = text_width(text, size, bold)
        left = x if anchor == "start" else x - w
        c.rect(left - 2, ty - size * 0.85, w + 4, size * 1.1, fill="paper", rx=0, stroke=False)
        c.text(x, ty, text, size, anchor, bold)
    # scale
    c.line([(x0, bottom), (x1, bottom)], width=1)
    for t in range(0, SCALE_MAX + 1, 20):
        c.line([(px(t), bottom), (px(t), bottom + 4)], width=1)
        c.text(px(t), bottom + 18, str(t), 13, "start" if t == 0 else "end" if t == SCALE_MAX
               else "middle")
    c.text((x0 + x1) / 2, bottom + 36, "Memory (GB)", 13, "middle")
    y = legend(c, x0, bottom + 52, [
        ("a5", "weights"),
        ("soft", "activations, overhead"),
        ("a3", f"KV cache, one {CONTEXT:,}-token sequence"),
    ], x1 - x0)
    c.rect(x0 + 1, y + 1, 12, 12, fill="a3", rx=6, dashed=True)
    c.text(x0 + 18, y + 11, f"KV cache, {BATCH - 1} more sequences", 13)
    c.height = y + 22
    return c
