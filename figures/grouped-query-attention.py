"""Grouped-query attention: 32 query heads in each of Mistral 7B's 32 layers share 8 key-value
heads, four queries to a group, between multi-head attention (one key-value head per query
head) and multi-query attention (one for all). Only key-value heads are cached, so the cache
per token shrinks with their number: 32 layers x heads x 128 dimensions x 2 tensors x 2 bytes."""

from __future__ import annotations

from svg import Canvas

W, X = 400, 10
HEADS, LAYERS, DIM, BYTES = 32, 32, 128, 2  # Mistral 7B (jiang2023mistral), 16-bit cache
CELL = (W - 2 * X) / HEADS
SQ = CELL - 2.6


def cache_mb(kv_heads: int) -> str:
    size = LAYERS * kv_heads * DIM * 2 * BYTES / 2**20
    return f"{size:.3f}".rstrip("0").rstrip(".")


def draw(root) -> Canvas:
    c = Canvas("grouped-query-attention", W, 500)
    # key: query heads (computed for each token) and key-value heads (kept in the cache)
    c.rect(X, 10, 12, 12, fill="soft", rx=2)
    c.text(X + 18, 21, "query head", 13)
    c.rect(X + 112, 10, 12, 12, fill="a3", rx=2)
    c.text(X + 130, 21, "key-value head, kept in the cache", 13)

    y = 40
    panels = [
        ("Multi-head attention", 32, "32 query heads, 32 key-value heads"),
        ("Grouped-query attention, as in Mistral 7B", 8, "32 query heads, 8 key-value heads"),
        ("Multi-query attention", 1, "32 query heads, 1 key-value head"),
    ]
    for title, kv, note in panels:
        c.text(X, y + 13, title, 14, bold=True)
        qy, ky = y + 24, y + 70
        group = HEADS // kv
        kv_x = []
        for k in range(kv):
            first, last = k * group, (k + 1) * group - 1
            kv_x.append(X + (first + last + 1) / 2 * CELL)
        for i in range(HEADS):
            qx = X + (i + 0.5) * CELL
            c.line([(qx, qy + SQ), (kv_x[i // group], ky)], width=1)
        for i in range(HEADS):
            c.rect(X + i * CELL + 1.3, qy, SQ, SQ, fill="soft", rx=2)
        kw = SQ if kv == HEADS else min(group * CELL - 4, 3 * SQ)
        for x in kv_x:
            c.rect(x - kw / 2, ky, kw, SQ, fill="a3", rx=2)
        c.text(X, ky + SQ + 17, note, 13)
        c.text(W - X, ky + SQ + 17, f"cache: {cache_mb(kv)} MB per token", 13, "end", bold=True)
        y = ky + SQ + 32
    c.height = y - 6
    return c
