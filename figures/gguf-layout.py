"""The layout of a GGUF file (version 3, December 2023), front to back: a fixed header, typed
metadata key-value pairs, one description per tensor, padding to the alignment, then the
tensor data, each tensor starting on a multiple of the alignment (32 bytes by default)."""

from __future__ import annotations

from svg import Canvas, text_width

L, R = 10, 390
W = R - L


def section(c: Canvas, y: float, title: str, note: str = "") -> float:
    c.text(L, y + 14, title, 14, bold=True)
    if note:
        c.text(L + text_width(title, 14, True) + 8, y + 14, note, 13, cls="fg-muted")
    return y + 22


def draw(root) -> Canvas:
    c = Canvas("gguf-layout", 400, 600)
    # 1. header: four fixed fields, drawn in proportion to their bytes
    y = section(c, 0, "Header", "24 bytes, at byte 0")
    x = L
    for label, kind, size in [("GGUF", "magic", 4), ("version", "uint32", 4),
                              ("tensors", "uint64", 8), ("KV pairs", "uint64", 8)]:
        w = W * size / 24
        c.rect(x, y, w, 30, fill="a1", rx=0)
        c.text(x + w / 2, y + 20, label, 14, "middle", bold=label == "GGUF")
        c.text(x + w / 2, y + 47, kind, 13, "middle", cls="fg-muted")
        x += w
    # 2. metadata
    y = section(c, y + 60, "Metadata", "typed key–value pairs")
    rows = ["general.architecture = \"llama\"", "general.alignment = 32 (optional)",
            "llama.context_length = 4096", "llama.block_count = 32",
            "tokenizer.ggml.tokens = [32,000 strings]", "…"]
    h = 12 + 19 * len(rows)
    c.rect(L, y, W, h, fill="a2", rx=0)
    c.lines(L + 10, y + 22, rows, 14, leading=19 / 14)
    # 3. tensor infos
    y = section(c, y + h + 8, "Tensor infos", "one per tensor")
    cols = [L + 10, L + 155, L + 272, R - 10]
    table = [("blk.0.attn_q.weight", "[4096, 4096]", "Q4_K", "o₁"),
             ("output.weight", "[4096, 32000]", "Q6_K", "o₂"), ("…", "", "", "")]
    h = 34 + 19 * len(table)
    c.rect(L, y, W, h, fill="a3", rx=0)
    for i, head in enumerate(["name", "shape", "type", "offset"]):
        c.text(cols[i], y + 20, head, 13, "end" if i == 3 else "start", cls="fg-muted")
    for j, row in enumerate(table):
        for i, cell in enumerate(row):
            if cell:
                c.text(cols[i], y + 41 + 19 * j, cell, 14, "end" if i == 3 else "start")
    # 4. padding
    y += h
    c.rect(L, y, W, 22, fill="paper", rx=0, dashed=True)
    c.text(L + W / 2, y + 16, "padding to a multiple of the alignment", 13, "middle")
    # 5. tensor data
    y = section(c, y + 30, "Tensor data", "offsets count from here")
    x = L
    for label, w, fill in [("at o₁: attn_q", 130, "a5"), ("pad", 40, "paper"),
                           ("at o₂: output", 130, "a5"), ("…", W - 300, "paper")]:
        c.rect(x, y, w, 34, fill=fill, rx=0, dashed=fill == "paper")
        c.text(x + w / 2, y + 22, label, 14 if fill == "a5" else 13, "middle")
        x += w
    c.text(L, y + 56, "Each tensor starts on a multiple of the", 13)
    c.text(L, y + 73, "alignment, 32 bytes by default, so the file", 13)
    c.text(L, y + 90, "can be memory-mapped and read in place.", 13)
    c.height = y + 98
    return c
