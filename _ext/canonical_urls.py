"""Canonical URLs for the ``dirhtml`` builder.

Jupyter Book 1.x sets ``html_baseurl``, and Sphinx then writes ``<link rel="canonical">`` as
``base/page.html`` even under ``dirhtml``, whose pages live at ``base/page/`` (a known bug in
Sphinx's handling of ``pageurl`` for that builder). This sets the page URL the site really
serves. Local because the fix is a few lines and no maintained extension does it.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def dirhtml_page_url(baseurl: str, pagename: str) -> str:
    """The public URL of a page built by ``dirhtml``: ``a/index`` -> ``a/``, ``a`` -> ``a/``."""
    base = baseurl if baseurl.endswith("/") else baseurl + "/"
    if pagename == "index":
        return base
    if pagename.endswith("/index"):
        return base + pagename[: -len("index")]
    return base + pagename + "/"


def _fix_canonical(app: Sphinx, pagename, templatename, context, doctree):
    baseurl = app.config.html_baseurl
    if baseurl and app.builder.name == "dirhtml":
        context["pageurl"] = dirhtml_page_url(baseurl, pagename)


def setup(app: Sphinx):
    app.connect("html-page-context", _fix_canonical)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
