"""A small SVG drawing kit for the book's figures: one visual language for every diagram and
plot, with real text, theme colours and nothing rendered in the browser.

Colours are CSS classes, not values: text and lines use ``currentColor`` and the fills use
CSS variables set in ``_static/book.css`` for the light and the dark theme, so one SVG reads
well in both. Sizes are SVG user units; the figure is drawn at its ``width`` and scaled to the
column, so a figure meant for phones is drawn narrow (about 400 units) and its text at 13
units or more stays at least 11 px on a 375 px screen (see CONTRIBUTING, "Add a figure").

Text width is estimated from DejaVu Sans, the widest of the usual sans-serif fonts (and the
one Debian's Chromium uses), so a layout that fits here fits elsewhere too.
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field

# Advance widths of DejaVu Sans, in ems (printable ASCII); other characters count as 0.62 em.
_WIDTHS = {
    " ": 0.318, "!": 0.401, '"': 0.46, "#": 0.838, "$": 0.636, "%": 0.95, "&": 0.78, "'": 0.275,
    "(": 0.39, ")": 0.39, "*": 0.5, "+": 0.838, ",": 0.318, "-": 0.361, ".": 0.318, "/": 0.337,
    ":": 0.337, ";": 0.337, "<": 0.838, "=": 0.838, ">": 0.838, "?": 0.531, "@": 1.0, "A": 0.684,
    "B": 0.686, "C": 0.698, "D": 0.77, "E": 0.632, "F": 0.575, "G": 0.775, "H": 0.752, "I": 0.295,
    "J": 0.295, "K": 0.656, "L": 0.557, "M": 0.863, "N": 0.748, "O": 0.787, "P": 0.603, "Q": 0.787,
    "R": 0.695, "S": 0.635, "T": 0.611, "U": 0.732, "V": 0.684, "W": 0.989, "X": 0.685, "Y": 0.611,
    "Z": 0.685, "[": 0.39, "\\": 0.337, "]": 0.39, "^": 0.838, "_": 0.5, "`": 0.5, "a": 0.613,
    "b": 0.635, "c": 0.55, "d": 0.635, "e": 0.615, "f": 0.352, "g": 0.635, "h": 0.634, "i": 0.278,
    "j": 0.278, "k": 0.579, "l": 0.278, "m": 0.974, "n": 0.634, "o": 0.612, "p": 0.635, "q": 0.635,
    "r": 0.411, "s": 0.521, "t": 0.392, "u": 0.634, "v": 0.592, "w": 0.818, "x": 0.592, "y": 0.592,
    "z": 0.525, "{": 0.636, "|": 0.337, "}": 0.636, "~": 0.838,
}
_WIDTHS.update({d: 0.636 for d in "0123456789"})
BOLD = 1.11  # bold is about 11 % wider
MIN_TEXT = 13  # the smallest text a figure may use (with a 400-unit width: 11 px on a phone)
# Fill classes (see _static/book.css): a neutral panel and five accents for kinds of thing.
FILLS = ("paper", "soft", "a1", "a2", "a3", "a4", "a5")


def text_width(text: str, size: float, bold: bool = False) -> float:
    width = sum(_WIDTHS.get(c, 0.62) for c in text) * size
    return width * BOLD if bold else width


def wrap(text: str, width: float, size: float, bold: bool = False) -> list[str]:
    """Greedy word wrap to a width in user units; an explicit newline always breaks."""
    lines: list[str] = []
    for para in text.split("\n"):
        line = ""
        for word in para.split():
            trial = f"{line} {word}".strip()
            if line and text_width(trial, size, bold) > width:
                lines.append(line)
                line = word
            else:
                line = trial
        lines.append(line)
    return lines


def _num(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".") if isinstance(v, float) else str(v)


@dataclass
class Box:
    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def overlaps(self, other: "Box", gap: float = 0) -> bool:
        return not (self.right + gap <= other.x or other.right + gap <= self.x
                    or self.bottom + gap <= other.y or other.bottom + gap <= self.y)


@dataclass
class Canvas:
    """A figure being drawn. ``name`` makes its ids unique on a page."""

    name: str
    width: float
    height: float
    parts: list[str] = field(default_factory=list)
    texts: list[Box] = field(default_factory=list)  # where text was put, for label placement

    # --- primitives ---------------------------------------------------------------------------
    def text(self, x: float, y: float, s: str, size: float = 14, anchor: str = "start",
             bold: bool = False, cls: str = "", italic: bool = False) -> Box:
        """One line of text; ``y`` is the baseline. Returns its estimated box."""
        if size < MIN_TEXT:
            raise ValueError(f"{self.name}: text {s!r} at {size} units is below {MIN_TEXT}")
        w = text_width(s, size, bold)
        left = x - w / 2 if anchor == "middle" else x - w if anchor == "end" else x
        attrs = [f'x="{_num(x)}"', f'y="{_num(y)}"', f'font-size="{_num(size)}"']
        if anchor != "start":
            attrs.append(f'text-anchor="{anchor}"')
        if bold:
            attrs.append('font-weight="bold"')
        if italic:
            attrs.append('font-style="italic"')
        if cls:
            attrs.append(f'class="{cls}"')
        self.parts.append(f"<text {' '.join(attrs)}>{html.escape(s)}</text>")
        box = Box(left, y - size * 0.8, w, size)
        self.texts.append(box)
        return box

    def lines(self, x: float, y: float, lines: list[str], size: float = 14, anchor: str = "start",
              bold: bool = False, leading: float = 1.25, cls: str = "") -> float:
        """Several lines from a first baseline ``y``; returns the last baseline."""
        for i, line in enumerate(lines):
            self.text(x, y + i * size * leading, line, size, anchor, bold, cls)
        return y + (len(lines) - 1) * size * leading

    def rect(self, x: float, y: float, w: float, h: float, fill: str = "soft", rx: float = 6,
             stroke: bool = True, dashed: bool = False) -> Box:
        if fill not in FILLS and fill != "none":
            raise ValueError(f"unknown fill {fill!r} (one of {FILLS})")
        cls = [f"fg-{fill}"] if fill != "none" else ["fg-none"]
        if stroke:
            cls.append("fg-line")
        if dashed:
            cls.append("fg-dashed")
        self.parts.append(f'<rect x="{_num(x)}" y="{_num(y)}" width="{_num(w)}" height="{_num(h)}" '
                          f'rx="{_num(rx)}" class="{" ".join(cls)}"/>')
        return Box(x, y, w, h)

    def box(self, x: float, y: float, w: float, h: float | None = None, label: str = "",
            fill: str = "soft", size: float = 14, bold: bool = False, note: str = "",
            note_size: float = 13, dashed: bool = False, pad: float = 8) -> Box:
        """A rounded box with a wrapped, centred label (and a smaller note under it). With no
        height, the box is as tall as its text needs."""
        title = wrap(label, w - 2 * pad, size, bold) if label else []
        extra = wrap(note, w - 2 * pad, note_size) if note else []
        need = len(title) * size * 1.25 + len(extra) * note_size * 1.25 + 2 * pad - 2
        h = max(h or 0, need)
        b = self.rect(x, y, w, h, fill=fill, dashed=dashed)
        top = y + (h - need) / 2 + pad + size * 0.85
        if title:
            top = self.lines(x + w / 2, top, title, size, "middle", bold) + size * 1.25
        if extra:
            self.lines(x + w / 2, top - size * 1.25 + note_size * 1.3 if title else top, extra,
                       note_size, "middle", cls="fg-muted")
        return b

    def line(self, points: list[tuple[float, float]], arrow: bool = False, dashed: bool = False,
             both: bool = False, cls: str = "fg-line", width: float = 1.5) -> None:
        d = " ".join(f"{'M' if i == 0 else 'L'}{_num(x)},{_num(y)}" for i, (x, y) in enumerate(points))
        extra = ' class="' + cls + (" fg-dashed" if dashed else "") + '"'
        marker = f' marker-end="url(#{self.name}-arrow)"' if arrow else ""
        if both:
            marker += f' marker-start="url(#{self.name}-arrow-start)"'
        self.parts.append(f'<path d="{d}" fill="none" stroke-width="{_num(width)}"{extra}{marker}/>')

    def arrow(self, x1: float, y1: float, x2: float, y2: float, **kw) -> None:
        self.line([(x1, y1), (x2, y2)], arrow=True, **kw)

    def circle(self, x: float, y: float, r: float, fill: str = "a1", stroke: bool = True) -> Box:
        cls = f"fg-{fill}" + (" fg-line" if stroke else "")
        self.parts.append(f'<circle cx="{_num(x)}" cy="{_num(y)}" r="{_num(r)}" class="{cls}"/>')
        return Box(x - r, y - r, 2 * r, 2 * r)

    def raw(self, svg: str) -> None:
        self.parts.append(svg)

    # --- output ---------------------------------------------------------------------------------
    def svg(self, alt: str, cls: str = "") -> str:
        defs = (f'<defs><marker id="{self.name}-arrow" viewBox="0 0 10 10" refX="9" refY="5" '
                'markerWidth="7" markerHeight="7" orient="auto-start-reverse">'
                '<path d="M0,0 L10,5 L0,10 z" class="fg-ink"/></marker>'
                f'<marker id="{self.name}-arrow-start" viewBox="0 0 10 10" refX="1" refY="5" '
                'markerWidth="7" markerHeight="7" orient="auto">'
                '<path d="M10,0 L0,5 L10,10 z" class="fg-ink"/></marker></defs>')
        label = html.escape(alt, quote=True)
        classes = " ".join(["svg-figure-art", cls]).strip()
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_num(self.width)} '
                f'{_num(self.height)}" width="{_num(self.width)}" height="{_num(self.height)}" '
                f'role="img" aria-label="{label}" class="{classes}">'
                f"<title>{html.escape(alt)}</title>{defs}" + "".join(self.parts) + "</svg>")


# --- plots ------------------------------------------------------------------------------------

@dataclass
class Axis:
    lo: float
    hi: float
    log: bool = False

    def frac(self, v: float) -> float:
        if self.log:
            return (math.log10(v) - math.log10(self.lo)) / (math.log10(self.hi) - math.log10(self.lo))
        return (v - self.lo) / (self.hi - self.lo)


@dataclass
class Plot:
    """A plot area inside a canvas: maps data to units, draws axes, places point labels."""

    canvas: Canvas
    area: Box
    x: Axis
    y: Axis

    def px(self, v: float) -> float:
        return self.area.x + self.x.frac(v) * self.area.w

    def py(self, v: float) -> float:
        return self.area.bottom - self.y.frac(v) * self.area.h

    def axes(self, xticks: list[tuple[float, str]], yticks: list[tuple[float, str]],
             xlabel: str, ylabel: str, size: float = 13) -> None:
        c, a = self.canvas, self.area
        for v, label in yticks:
            y = self.py(v)
            c.line([(a.x, y), (a.right, y)], cls="fg-grid", width=1)
            c.text(a.x - 6, y + size * 0.35, label, size, "end")
        for v, label in xticks:
            x = self.px(v)
            c.line([(x, a.y), (x, a.bottom)], cls="fg-grid", width=1)
            c.text(x, a.bottom + size * 1.3, label, size, "middle")
        c.line([(a.x, a.y), (a.x, a.bottom), (a.right, a.bottom)], width=1.2)
        c.text(a.x + a.w / 2, a.bottom + size * 2.7, xlabel, size, "middle")
        # the y label sits above the axis, horizontal, so it is read without turning the head
        c.text(a.x - 6, a.y - size * 0.9, ylabel, size, "start" if a.x < 80 else "end")

    def label_points(self, points: list[tuple[float, float, str]], size: float = 13,
                     r: float = 5.5) -> list[str]:
        """Place a label beside each point (x, y in units) without overlapping another label, a
        point or the frame: next to it if there is room, else a little further away with a
        leader line. Returns the labels that found no place (draw them as a key)."""
        c, a = self.canvas, self.area
        taken = [Box(px - r, py - r, 2 * r, 2 * r) for px, py, _ in points] + list(c.texts)
        unplaced = []
        for px, py, label in points:
            w = text_width(label, size)
            near = [(px + r + 3, py + size * 0.35, "start"), (px - r - 3, py + size * 0.35, "end"),
                    (px, py - r - 4, "middle"), (px, py + r + size, "middle"),
                    (px + r + 2, py - r - 2, "start"), (px - r - 2, py - r - 2, "end"),
                    (px + r + 2, py + r + size - 2, "start"), (px - r - 2, py + r + size - 2, "end")]
            far = [(px + dx * d, py + dy * d + size * 0.35, "start" if dx > 0 else "end" if dx < 0
                    else "middle") for d in (24, 40) for dx, dy in
                   ((1, 0), (-1, 0), (1, -1), (-1, -1), (1, 1), (-1, 1), (0, -1), (0, 1))]
            for i, (tx, ty, anchor) in enumerate(near + far):
                left = tx - w / 2 if anchor == "middle" else tx - w if anchor == "end" else tx
                box = Box(left, ty - size * 0.8, w, size)
                inside = box.x >= 2 and box.right <= c.width - 2 and box.y >= a.y - 2 and \
                    box.bottom <= a.bottom + 1
                if inside and not any(box.overlaps(t, 1.5) for t in taken):
                    if i >= len(near):  # a leader line from the point to the label
                        ex = box.x - 2 if anchor == "start" else box.right + 2 if anchor == "end" else tx
                        ey = box.cy if anchor != "middle" else (box.bottom + 1 if ty < py else box.y - 1)
                        c.line([(px, py), (ex, ey)], cls="fg-line", width=0.8)
                    c.text(tx, ty, label, size, anchor)
                    taken.append(box)
                    break
            else:
                unplaced.append(label)
        return unplaced


def legend(canvas: Canvas, x: float, y: float, items: list[tuple[str, str]], width: float,
           size: float = 13, title: str = "") -> float:
    """A legend of (fill, label) swatches flowing in rows from (x, y); returns the next y."""
    if title:
        canvas.text(x, y + size * 0.85, title, size, bold=True)
        y += size * 1.5
    cx, row = x, 0
    for fill, label in items:
        w = 14 + 6 + text_width(label, size) + 18
        if cx + w > x + width and cx > x:
            cx, row = x, row + 1
        cy = y + row * size * 1.6
        canvas.circle(cx + 7, cy + size * 0.5, 6, fill=fill)
        canvas.text(cx + 18, cy + size * 0.85, label, size)
        cx += w
    return y + (row + 1) * size * 1.6
