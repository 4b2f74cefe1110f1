"""PagedAttention's block table: two sequences sampled from one prompt keep their KV cache in
fixed-size logical blocks, which a per-sequence block table maps to physical blocks anywhere in
GPU memory; the prompt's block is stored once and shared."""

from __future__ import annotations

from svg import Canvas

W = 400
SLOTS = 4  # tokens per block in the drawing
ROW, GAP = 28, 6
LEFT, LEFT_W = 8, 96  # logical blocks
TABLE, TABLE_W = 114, 30  # block-table entries
RIGHT, RIGHT_W = 212, 180  # physical blocks

# fills: the shared prompt block, then each sequence's own blocks
SHARED, FILL = "a3", {"A": "a1", "B": "a2"}

# (logical name, tokens stored, physical block)
SEQUENCES = {
    "A": [("A0", 4, 5), ("A1", 4, 1), ("A2", 2, 6)],
    "B": [("B0", 4, 5), ("B1", 3, 3)],
}
OTHER, FREE = (0, 4), (2, 7)  # physical blocks held by other requests, and free ones


def slots(c: Canvas, right: float, cy: float, used: int) -> None:
    """Four token slots ending at ``right``: filled where a token's keys and values are stored."""
    for i in range(SLOTS):
        x = right - 8 - (SLOTS - 1 - i) * 13 - 5
        if i < used:
            c.raw(f'<circle cx="{x:g}" cy="{cy:g}" r="4.5" class="fg-ink"/>')
        else:
            c.circle(x, cy, 4.5, fill="paper")


def draw(root) -> Canvas:
    c = Canvas("paged-attention", W, 420)
    c.lines(LEFT, 18, ["Logical", "blocks"], 14, bold=True)
    c.lines(TABLE + TABLE_W / 2, 18, ["Block", "table"], 14, "middle", bold=True)
    c.lines(RIGHT, 18, ["Physical blocks", "in GPU memory"], 14, bold=True)

    # physical memory: eight blocks in a column
    top = 50
    phys_y = {k: top + k * (ROW + GAP) for k in range(8)}
    owner = {}
    for seq, blocks in SEQUENCES.items():
        for name, used, k in blocks:
            owner.setdefault(k, []).append((seq, name, used))
    for k, y in phys_y.items():
        cy = y + ROW / 2
        if k in owner:
            names = [n for _, n, _ in owner[k]]
            fill = SHARED if len(names) > 1 else FILL[owner[k][0][0]]
            c.rect(RIGHT, y, RIGHT_W, ROW, fill=fill, rx=4)
            c.text(RIGHT + 26, cy + 5, " and ".join(names), 13)
            slots(c, RIGHT + RIGHT_W, cy, owner[k][0][2])
        elif k in OTHER:
            c.rect(RIGHT, y, RIGHT_W, ROW, fill="soft", rx=4)
            c.text(RIGHT + 26, cy + 5, "other request", 13, cls="fg-muted")
        else:
            c.rect(RIGHT, y, RIGHT_W, ROW, fill="paper", rx=4, dashed=True)
            c.text(RIGHT + 26, cy + 5, "free", 13, cls="fg-muted")
        c.text(RIGHT + 9, cy + 5, str(k), 13, bold=True)

    # each sequence: its logical blocks and its block table
    y = top
    for seq, blocks in SEQUENCES.items():
        c.text(LEFT, y + 10, f"Sequence {seq}", 14, bold=True)
        y += 18
        for name, used, k in blocks:
            cy = y + ROW / 2
            fill = SHARED if len(owner[k]) > 1 else FILL[seq]
            c.rect(LEFT, y, LEFT_W, ROW, fill=fill, rx=4)
            c.text(LEFT + 8, cy + 5, name, 13)
            slots(c, LEFT + LEFT_W, cy, used)
            c.rect(TABLE, y + 2, TABLE_W, ROW - 4, fill="paper", rx=2)
            c.text(TABLE + TABLE_W / 2, cy + 5, str(k), 13, "middle", bold=True)
            c.arrow(TABLE + TABLE_W, cy, RIGHT - 2, phys_y[k] + ROW / 2, width=1.2)
            y += ROW + GAP
        y += 10

    # key and the point about sharing
    y = max(y, phys_y[7] + ROW) + 22
    c.raw(f'<circle cx="{LEFT + 5:g}" cy="{y - 5:g}" r="4.5" class="fg-ink"/>')
    c.text(LEFT + 15, y, "keys and values of one token", 13)
    c.circle(LEFT + 5 + 220, y - 5, 4.5, fill="paper")
    c.text(LEFT + 235, y, "empty slot", 13)
    y += 24
    last = c.lines(LEFT, y, [
        "Block 5 holds the prompt once for both sequences",
        "(reference count 2; a write would copy it first).",
        "Only each sequence's last block has empty slots.",
    ], 13)
    c.height = last + 8
    return c
