"""Sharing metadata and the site's own files.

- Link previews: OpenGraph and Twitter tags come from sphinxext-opengraph (configured in
  ``_config.yml``); this module gives it each chapter's TL;DR box as the description (it would
  otherwise take the first paragraph) and writes the same text as ``<meta name="description">``.
- ``_static/social-card.png``: one 1200x630 card for link previews, drawn at build time with
  matplotlib when it is missing or the title changed (nothing binary is committed).
- ``sitemap.xml`` and ``robots.txt``. Local rather than sphinx-sitemap, whose incremental
  builds rewrite the sitemap with only the pages rebuilt; here it always lists every page.
- ``404.html`` at the site root, a copy of the 404 page (whose URLs are absolute, see
  ``notfound_urls_prefix``), which static hosts such as GitHub Pages serve for a missing page.
- Static files refreshed: Sphinx 7.4 does not overwrite a file that already exists in the
  output's ``_static``, so an edited ``book.css`` would stay stale in incremental builds.
"""

from __future__ import annotations

import html
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx

from canonical_urls import dirhtml_page_url
from glossary_tips import shorten

DESCRIPTION_LENGTH = 200


def page_description(doctree) -> str:
    """The TL;DR box's text, else the first paragraph."""
    for adm in doctree.findall(nodes.admonition):
        titles = [t for t in adm.children if isinstance(t, nodes.title)]
        if titles and titles[0].astext().strip() == "TL;DR":
            return shorten(" ".join(c.astext() for c in adm.children[1:]), DESCRIPTION_LENGTH)
    for para in doctree.findall(nodes.paragraph):
        if para.astext().strip():
            return shorten(para.astext(), DESCRIPTION_LENGTH)
    return ""


def _describe(app: Sphinx, doctree) -> None:
    """Store the page's description and type where sphinxext-opengraph reads page metadata."""
    docname = app.env.docname
    meta = app.env.metadata[docname]
    description = page_description(doctree)
    if description:
        meta["og:description"] = description
    meta["og:type"] = "website" if docname == app.config.root_doc else "article"


def _meta_description(app: Sphinx, pagename, templatename, context, doctree):
    description = (app.env.metadata.get(pagename) or {}).get("og:description")
    if description and "metatags" in context:
        context["metatags"] += f'<meta name="description" content="{html.escape(description)}" />\n'


def social_card(title: str, path: Path) -> None:
    """A 1200x630 image for link previews."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(12, 6.3), dpi=100)
    fig.patch.set_facecolor("#1a1c1e")
    fig.text(0.07, 0.62, title, color="white", fontsize=48, weight="bold")
    fig.text(0.07, 0.45, "Licences, evaluation, models, fine-tuning, formats, engines,",
             color="#d0d0d0", fontsize=24)
    fig.text(0.07, 0.37, "vector databases, SDKs, desktop apps and hardware: 2023 edition",
             color="#d0d0d0", fontsize=24)
    fig.text(0.07, 0.15, "An open-source book", color="#E69F00", fontsize=22)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)


def _refresh_static(app: Sphinx, exception) -> None:
    if exception or app.builder.format != "html":
        return
    for folder in app.config.html_static_path:
        src, dest = Path(app.srcdir) / folder, Path(app.outdir) / "_static"
        for path in src.rglob("*"):
            target = dest / path.relative_to(src)
            if path.is_file() and (not target.exists() or target.read_bytes() != path.read_bytes()):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)


def _write_site_files(app: Sphinx, exception) -> None:
    if exception or app.builder.name != "dirhtml" or not app.config.html_baseurl:
        return
    out = Path(app.outdir)
    baseurl = app.config.html_baseurl
    urls = sorted(dirhtml_page_url(baseurl, d) for d in app.env.found_docs if d != "404")
    sitemap = ['<?xml version="1.0" encoding="UTF-8"?>',
               '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    sitemap += [f"  <url><loc>{html.escape(u)}</loc></url>" for u in urls]
    sitemap.append("</urlset>")
    (out / "sitemap.xml").write_text("\n".join(sitemap) + "\n", encoding="utf-8")
    (out / "robots.txt").write_text(
        f"User-agent: *\nAllow: /\n\nSitemap: {baseurl.rstrip('/')}/sitemap.xml\n", encoding="utf-8")
    card = out / "_static" / "social-card.png"
    stamp = Path(app.doctreedir) / "social-card.title"
    title = app.config.html_title
    if not card.exists() or not stamp.exists() or stamp.read_text(encoding="utf-8") != title:
        social_card(title, card)  # about half a second: drawn only when missing or changed
        stamp.write_text(title, encoding="utf-8")
    notfound = out / "404" / "index.html"
    if notfound.exists():
        (out / "404.html").write_text(notfound.read_text(encoding="utf-8"), encoding="utf-8")


def setup(app: Sphinx):
    app.connect("doctree-read", _describe)
    app.connect("html-page-context", _meta_description, priority=400)
    app.connect("build-finished", _refresh_static)
    app.connect("build-finished", _write_site_files)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
