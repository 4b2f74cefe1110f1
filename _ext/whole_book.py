"""The whole book on one page (``whole-book/``), for printing or reading offline.

After the build, every chapter's ``<article>`` is copied, in reading order, into one page laid
out like a chapter: ids are prefixed per chapter so they stay unique, and links between
chapters are rewritten to point inside the page. The page is marked ``noindex`` (each chapter
has its own canonical page). It is rewritten only when a chapter page was.

Local because Sphinx's ``singlehtml`` builder is a separate build with its own output, theme
context and link rules, which would double the build time.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx

from chapter_credits import WHOLE_BOOK


def _toc_order(app: Sphinx) -> list[str]:
    """Documents in reading order (the root, then the table of contents)."""
    order, seen = [], set()
    doc = app.config.root_doc
    rel = app.env.collect_relations()
    while doc is not None and doc not in seen:
        order.append(doc)
        seen.add(doc)
        doc = rel.get(doc, [None, None, None])[2]
    return order


def page_frame(html: str, doc: str) -> str:
    """The last chapter's page, as the frame for the one-page edition, made to stop claiming to
    be that chapter: its sidebar entry is no longer highlighted as the current page (and links to
    that chapter rather than to ``#``), the view and edit buttons for its source go (the page has
    no single source), and so do the previous/next links."""
    head, sep, rest = html.partition("<article")
    head = head.replace('<ul class="current">', "<ul>")
    head = re.sub(r'<li class="(toctree-l\d+) current current-page">\s*<a class="current reference internal" href="#">',
                  lambda m: f'<li class="{m.group(1)}"><a class="reference internal" href="../{doc}/">', head)
    head = re.sub(r'<div class="(?:view|edit)-this-page">.*?</div>', "", head, flags=re.S)
    rest = re.sub(r'<div class="related-pages">.*?</a>\s*</div>(\s*<div class="bottom-of-page">)', r"\1",
                  rest, count=1, flags=re.S)
    return head + sep + rest


def whole_book_html(site: Path, docs: list[str], title: str) -> str | None:
    """One page with every chapter's article, ids prefixed per chapter and links rewritten to
    point inside the page. Placed at the same depth as a chapter, so asset URLs still work."""
    article = re.compile(r'(<article role="main"[^>]*>)(.*?)(</article>)', re.S)
    known = set(docs)
    parts = []
    for doc in docs:
        page = site / ("index.html" if doc == "index" else f"{doc}/index.html")
        if not page.exists():
            return None
        html = page.read_text(encoding="utf-8")
        if doc == "index":  # the front page sits one level higher than a chapter
            html = re.sub(r'((?:href|src)=")(?!https?:|#|/|mailto:|data:)', r"\1../", html)
        body = article.search(html).group(2)
        prefix = doc.replace("/", "-")

        def rewrite(m, prefix=prefix):
            attr, url = m.group(1), m.group(2)
            if url.startswith("#"):
                return f'{attr}="#{prefix}--{url[1:]}"'
            target = re.fullmatch(r"\.\./(?:([\w/-]+)/)?(?:#(.*))?", url)
            if target:
                name = target.group(1) or "index"
                if name in known:
                    anchor = target.group(2)
                    return f'{attr}="#{name.replace("/", "-")}--{anchor}"' if anchor else \
                        f'{attr}="#chapter-{name.replace("/", "-")}"'
            return m.group(0)

        body = re.sub(r'\b(href)="([^"]*)"', rewrite, body)
        body = re.sub(r'\bid="([^"]+)"', lambda m, p=prefix: f'id="{p}--{m.group(1)}"', body)
        body = body.replace('aria-describedby="', 'aria-describedby="' + prefix + '--')
        parts.append(f'<section class="whole-book-chapter" id="chapter-{prefix}">{body}</section>')
    template = page_frame((site / docs[-1] / "index.html").read_text(encoding="utf-8"), docs[-1])
    m = article.search(template)
    intro = ('<p class="whole-book-note">The whole book on one page, for printing or reading '
             'offline. Each chapter also has its own page and its Markdown source.</p>')
    html = template[:m.start(2)] + intro + "\n".join(parts) + template[m.end(2):]
    html = re.sub(r"<title>[^<]*</title>", f"<title>{title}</title>", html, count=1)
    html = re.sub(r'<link rel="canonical" href="[^"]*"\s*/?>', "", html)
    return html.replace("<head>", '<head>\n<meta name="robots" content="noindex">', 1)


def _write_whole_book(app: Sphinx, exception) -> None:
    if exception or app.builder.name != "dirhtml":
        return
    site = Path(app.outdir)
    docs = [d for d in _toc_order(app) if d not in ("404",)]
    out = site / WHOLE_BOOK / "index.html"
    pages = [site / ("index.html" if d == "index" else f"{d}/index.html") for d in docs]
    if out.exists() and all(p.exists() and p.stat().st_mtime_ns <= out.stat().st_mtime_ns
                            for p in pages):
        return  # no chapter page was written since the last one-page edition
    html = whole_book_html(site, docs, f"{app.config.html_title}: the whole book")
    if html:
        (site / WHOLE_BOOK).mkdir(exist_ok=True)
        (site / WHOLE_BOOK / "index.html").write_text(html, encoding="utf-8")


def setup(app: Sphinx):
    app.connect("build-finished", _write_whole_book)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
