"""Highlighted code without spans that change nothing: fewer elements, the same colours.

Pygments wraps every token of a code block in a ``<span class="...">``, whatever its style.
In the book's two code styles (a11y-light and a11y-dark, chosen for contrast), names,
punctuation and whitespace are drawn exactly like the block's own text: their CSS rules give
the colour the block already has, and nothing else. On the chapters with the most code those
spans are more than half of the 7,000 spans in code blocks and about a third of the page's
elements, and every element costs the browser style and layout time as the page loads (what
Lighthouse counts as blocking time on a phone).

Here the HTML formatter gives such a token no class, so Pygments writes its text without a
span. A token type is left bare only when, in both the light and the dark style, its full
style (colour, background, bold, italic, underline, border, font) is the style of plain text,
which the stylesheet gives the whole block; every other token keeps its span and class, and the
stylesheets are unchanged. What a reader sees, and what the copy button copies, is the same.

Local because the saving depends on the book's two styles; the formatter hook
(``PygmentsBridge.html_formatter``) is Sphinx's own.
"""

from __future__ import annotations

from pygments.formatters import HtmlFormatter
from pygments.token import Text
from sphinx.application import Sphinx
from sphinx.highlighting import PygmentsBridge

_bare: frozenset = frozenset()  # token types drawn like plain text in every style in use


def drawn_as_text(styles) -> frozenset:
    """Token types whose full style equals plain text's in each of ``styles``."""
    common = None
    for style in styles:
        text = style.style_for_token(Text)
        same = {ttype for ttype, _ in style if style.style_for_token(ttype) == text}
        common = same if common is None else common & same
    return frozenset(common or ())


class BareTextFormatter(HtmlFormatter):
    def _get_css_classes(self, ttype):
        if ttype in _bare:
            return ""
        return super()._get_css_classes(ttype)


def _find_styles(app: Sphinx) -> None:
    """After furo has set both highlighters up, note the token types to leave bare."""
    global _bare
    styles = [getattr(app.builder, name).formatter_args["style"]
              for name in ("highlighter", "dark_highlighter")
              if getattr(app.builder, name, None) is not None]
    _bare = drawn_as_text(styles) if styles else frozenset()


def setup(app: Sphinx):
    PygmentsBridge.html_formatter = BareTextFormatter
    app.connect("builder-inited", _find_styles, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
