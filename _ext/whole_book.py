"""The whole book on one page (``whole-book/``), for printing or reading offline.

After the build, every chapter's ``<article>`` is copied, in reading order, into one page laid
out like a chapter: ids are prefixed per chapter so they stay unique, and links between
chapters are rewritten to point inside the page. The page is marked ``noindex`` (each chapter
has its own canonical page). It is rewritten only when a chapter page was.

Local because Sphinx's ``singlehtml`` builder is a separate build with its own output, theme
context and link rules, which would double the build time.
"""

from __future__ import annotations

import html as html_lib
import re
from pathlib import Path

from sphinx.application import Sphinx

from chapter_credits import WHOLE_BOOK, long_date


def edition_facts(cff: dict) -> dict[str, str]:
    """What a title page says about this copy, from CITATION.cff: the edition is the year part
    of the version ("2023.1" is the 2023 edition)."""
    version = str(cff.get("version", ""))
    doi = cff.get("doi") or ""
    return {
        "title": cff["title"],
        "edition": f"{version.split('.')[0]} edition" if version else "",
        "version": version,
        "date": long_date(str(cff["date-released"])) if cff.get("date-released") else "",
        "doi": doi,
        "doi_text": f"DOI: {doi}" if doi else
        "DOI: not minted yet (Zenodo mints one with the first tagged release)",
        "authors": "; ".join(a.get("name") or f"{a['given-names']} {a['family-names']}"
                             for a in cff.get("authors", [])),
        "url": cff.get("url", ""),
        "licence": re.sub(r"^CC-(.*)-([\d.]+)$", r"CC \1 \2", cff.get("license", "")),
    }


def front_matter(facts: dict[str, str], chapters: list[tuple[str, str]]) -> str:
    """The title page and the list of chapters (links into the page), shown only in print."""
    e = {k: html_lib.escape(v) for k, v in facts.items()}
    doi = (f'DOI: <a href="https://doi.org/{e["doi"]}">{e["doi"]}</a>' if facts["doi"]
           else e["doi_text"])
    items = "\n".join(f'<li><a href="#chapter-{prefix}">{html_lib.escape(title)}</a></li>'
                      for prefix, title in chapters)
    return (
        '<div class="book-cover print-only" id="book-cover">\n'
        f'<p class="book-cover-title">{e["title"]}</p>\n'
        f'<p class="book-cover-edition">{e["edition"]}</p>\n'
        f'<p class="book-cover-authors">{e["authors"]}</p>\n'
        f'<p class="book-cover-facts">Version {e["version"]}, {e["date"]}<br />{doi}<br />'
        f'<a href="{e["url"]}">{e["url"]}</a><br />Text licensed under {e["licence"]}</p>\n'
        '<p class="book-cover-build"></p>\n</div>\n'
        '<nav class="book-contents print-only" id="book-contents" aria-label="Contents">\n'
        f'<p class="book-contents-title">Contents</p>\n<ol>\n{items}\n</ol>\n</nav>\n')


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


def whole_book_html(site: Path, docs: list[str], title: str, front: str = "") -> str | None:
    """One page with every chapter's article, ids prefixed per chapter and links rewritten to
    point inside the page, after ``front`` (the title page and contents). Placed at the same
    depth as a chapter, so asset URLs still work."""
    article = re.compile(r'(<article role="main"[^>]*>)(.*?)(</article>)', re.S)
    known = set(docs)
    parts, styles = [], {}
    for doc in docs:
        page = site / ("index.html" if doc == "index" else f"{doc}/index.html")
        if not page.exists():
            return None
        html = page.read_text(encoding="utf-8")
        if doc == "index":  # the front page sits one level higher than a chapter
            html = re.sub(r'((?:href|src)=")(?!https?:|#|/|mailto:|data:)', r"\1../", html)
        body = article.search(html).group(2)
        prefix = doc.replace("/", "-")
        for link in re.findall(r'<link rel="stylesheet"[^>]*>', html):
            styles.setdefault(re.search(r'href="([^"?]*)', link).group(1), link)

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
    # Each page loads only the stylesheets its markup uses (page_assets.py); this one needs those
    # of every chapter (sphinx-design's for the front page's cards, say).
    missing = [link for href, link in styles.items() if f'href="{href}' not in template]
    if missing:  # where a chapter page has them: before the theme's overrides and book.css
        at = re.search(r'<link rel="stylesheet"[^>]*(?:furo-extensions|book)\.css|</head>', template)
        template = template[:at.start()] + "\n".join(missing) + "\n" + template[at.start():]
    m = article.search(template)
    intro = ('<p class="whole-book-note">The whole book on one page, for printing or reading '
             'offline. Each chapter also has its own page and its Markdown source.</p>')
    html = template[:m.start(2)] + intro + front + "\n".join(parts) + template[m.end(2):]
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
    from front_page import load_citation

    chapters = [(d.replace("/", "-"), app.env.titles[d].astext()) for d in docs]
    front = front_matter(edition_facts(load_citation(Path(app.srcdir))), chapters)
    html = whole_book_html(site, docs, f"{app.config.html_title}: the whole book", front)
    if html:
        (site / WHOLE_BOOK).mkdir(exist_ok=True)
        (site / WHOLE_BOOK / "index.html").write_text(html, encoding="utf-8")


def setup(app: Sphinx):
    app.connect("build-finished", _write_whole_book)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
