"""Light pages: a page loads an extension's stylesheet or script only if it uses it, and its
scripts do not make the browser restyle the whole page.

sphinx-design (cards, grids, tabs: about 11 KB gzipped of CSS and JS) adds its files to every
page; here a page keeps them only when its HTML contains their markup (``sd-`` classes), so a
page that uses them still loads them and nothing a reader sees changes.

MyST-NB's stylesheet (about 6 KB gzipped) is not loaded at all: it styles widgets, data frames
and rich outputs this book does not produce. The few rules its executed cells need (the code,
then the printed output) are in ``_static/book.css``, under "Executed cells".

Furo's page starts as ``<html class="no-js">`` and furo.js removes the class when the page
has loaded. Changing a class on the root element makes the browser work out the style of every
element again: on a long chapter, 3,800 elements, about 150 ms of a phone's main thread after
the page is drawn (what Lighthouse counts as blocking time). A one-line script in the head
removes the class before the body exists, when that costs nothing; furo.js's removal then
changes nothing. What a reader sees is the page's final state from the first paint: the one
rule keyed on ``no-js`` hides the theme toggle, which with scripts on is shown either way.
"""

from __future__ import annotations

import re

from sphinx.application import Sphinx

USES = {
    # file name fragment -> markup that needs it
    "sphinx-design": re.compile(r'class="[^"]*\bsd-'),
    "design-tabs": re.compile(r'class="[^"]*\bsd-tab'),
    "mystnb": re.compile(r"(?!)"),  # never: see the module's docstring
}


def _name(asset) -> str:
    return getattr(asset, "filename", str(asset))


def _prune(app: Sphinx, pagename, templatename, context, doctree) -> None:
    body = context.get("body") or ""
    for key in ("css_files", "script_files"):
        files = context.get(key)
        if not isinstance(files, list):
            continue
        context[key] = [f for f in files
                        if not any(frag in _name(f) and not used.search(body)
                                   for frag, used in USES.items())]


EARLY_SCRIPT = '<script>document.documentElement.classList.remove("no-js")</script>'


def _drop_no_js_early(app: Sphinx, pagename, templatename, context, doctree) -> None:
    context["metatags"] = (context.get("metatags") or "") + "\n    " + EARLY_SCRIPT


def setup(app: Sphinx):
    app.connect("html-page-context", _prune, priority=900)
    app.connect("html-page-context", _drop_no_js_early, priority=910)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
