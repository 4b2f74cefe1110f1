"""Small site-wide features for the book, as one local Sphinx extension.

- Correct canonical URLs for the ``dirhtml`` builder (trailing slash, no ``.html``).
- ``{citation-cff}``: renders "how to cite" (BibTeX and DOI) from ``CITATION.cff``, so the
  citation is written once.
- ``{git-contributors}``: lists everyone who committed to the book, from ``git log``, offline.
  Without a ``.git`` folder (a source archive) it says so instead of failing.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import yaml
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)


# --- canonical URLs -------------------------------------------------------------------------

def dirhtml_page_url(baseurl: str, pagename: str) -> str:
    """The public URL of a page built by ``dirhtml``: ``a/index`` -> ``a/``, ``a`` -> ``a/``."""
    base = baseurl if baseurl.endswith("/") else baseurl + "/"
    if pagename == "index":
        return base
    if pagename.endswith("/index"):
        pagename = pagename[: -len("index")]
        return base + pagename
    return base + pagename + "/"


def _fix_canonical(app: Sphinx, pagename, templatename, context, doctree):
    baseurl = app.config.html_baseurl
    if baseurl and app.builder.name == "dirhtml":
        context["pageurl"] = dirhtml_page_url(baseurl, pagename)


# --- math as MathML, rendered at build time ---------------------------------------------------
# Browsers render MathML natively, so pages with math load no script and nothing from a CDN
# (the default, MathJax, is about 250 KB gzipped from a third-party origin).

def _mathml(latex: str, block: bool) -> str:
    from docutils.utils.math import latex2mathml

    return latex2mathml.tex2mathml(latex, as_block=block)


def _visit_inline_math(self, node):
    self.body.append(f'<span class="math">{_mathml(node.astext(), False)}</span>')
    raise nodes.SkipNode


def _visit_block_math(self, node):
    if node.get("label"):
        self.body.append(f'<span id="{node["ids"][0] if node["ids"] else ""}"></span>')
    self.body.append(f'<div class="math">{_mathml(node.astext(), True)}</div>')
    raise nodes.SkipNode


# --- how to cite, from CITATION.cff ---------------------------------------------------------

def load_citation(srcdir: Path) -> dict:
    return yaml.safe_load((srcdir / "CITATION.cff").read_text(encoding="utf-8"))


def citation_bibtex(cff: dict) -> str:
    """A BibTeX entry for the book, built from CITATION.cff."""
    authors = " and ".join(
        "{" + a["name"] + "}" if "name" in a else f"{a['family-names']}, {a['given-names']}"
        for a in cff["authors"]
    )
    year = str(cff["date-released"])[:4]
    fields = [
        ("title", cff["title"]),
        ("author", authors),
        ("year", year),
        ("version", cff.get("version", "")),
        ("publisher", "Zenodo" if cff.get("doi") else ""),
        ("doi", cff.get("doi", "")),
        ("url", cff.get("url", "")),
    ]
    body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields if v)
    return "@book{stateofopensourceai" + year + ",\n" + body + "\n}"


class CitationCff(SphinxDirective):
    has_content = False

    def run(self):
        path = Path(self.env.srcdir) / "CITATION.cff"
        self.env.note_dependency(str(path))
        cff = load_citation(Path(self.env.srcdir))
        out = []
        para = nodes.paragraph()
        if cff.get("doi"):
            para += nodes.Text("Please cite the book by its DOI: ")
            url = "https://doi.org/" + cff["doi"]
            para += nodes.reference("", cff["doi"], refuri=url)
            para += nodes.Text(". In BibTeX:")
        else:
            para += nodes.Text(
                "The book has no DOI yet; one is minted on Zenodo with its first tagged "
                "release. Until then, please cite it as:"
            )
        out.append(para)
        block = nodes.literal_block(citation_bibtex(cff), citation_bibtex(cff))
        block["language"] = "bibtex"
        out.append(block)
        return out


# --- contributors from git ------------------------------------------------------------------

def git_authors(srcdir: Path, paths: list[str] | None = None) -> list[str] | None:
    """Authors (by number of commits, then name), or None where there is no git history."""
    if not (srcdir / ".git").exists():
        return None
    cmd = ["git", "-C", str(srcdir), "shortlog", "-sn", "--no-merges", "HEAD"]
    if paths:
        cmd += ["--", *paths]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return [re.sub(r"^\s*\d+\s+", "", line) for line in out.splitlines() if line.strip()]


class GitContributors(SphinxDirective):
    has_content = False

    def run(self):
        authors = git_authors(Path(self.env.srcdir))
        if authors is None:
            return [nodes.paragraph(text="The list of contributors is built from the "
                                    "repository's git history, which this copy does not have.")]
        if not authors:
            return [nodes.paragraph(text="No contributions recorded yet.")]
        para = nodes.paragraph()
        para += nodes.Text("With thanks to everyone who has contributed: " + ", ".join(authors) + ".")
        return [para]


# --- reference labels that are unique across the whole book -----------------------------------

_LABELS: dict[str, str] = {}


def _plain_name(entry) -> str:
    import codecs

    import latexcodec  # noqa: F401  (registers the "ulatex" codec)

    persons = entry.persons.get("author") or entry.persons.get("editor") or []
    if persons:
        person = persons[0]
        name = " ".join(person.prelast_names + person.last_names) or " ".join(person.first_names)
    else:
        name = entry.fields.get("organization") or entry.key
    try:
        name = codecs.decode(name, "ulatex")
    except ValueError:
        pass
    return re.sub(r"[{}]", "", name).strip()


def compute_labels(entries) -> dict[str, str]:
    """'Surname Year', with a, b, ... where two works share both, across all of references.bib."""
    groups: dict[str, list[str]] = {}
    for key, entry in entries.items():
        base = f"{_plain_name(entry)} {entry.fields.get('year', 'n.d.')}"
        groups.setdefault(base, []).append(key)
    labels = {}
    for base, keys in groups.items():
        for i, key in enumerate(sorted(keys)):
            labels[key] = base + (_suffix(i) if len(keys) > 1 else "")
    return labels


def _suffix(i: int) -> str:
    """a, b, ..., z, aa, ab, ...: as many distinct suffixes as there are works."""
    letters = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[r] + letters
    return letters


def _load_labels(app: Sphinx) -> None:
    import pybtex.database

    paths = [Path(app.srcdir) / f for f in app.config.bibtex_bibfiles]
    _LABELS.clear()
    for path in paths:
        _LABELS.update(compute_labels(pybtex.database.parse_file(str(path)).entries))


def _register_label_style() -> None:
    from pybtex.plugin import register_plugin
    from pybtex.style.formatting.plain import Style as PlainStyle
    from pybtex.style.labels import BaseLabelStyle

    class BookLabels(BaseLabelStyle):
        def format_labels(self, sorted_entries):
            for entry in sorted_entries:
                yield _LABELS.get(entry.key, entry.key)

    class BookStyle(PlainStyle):
        default_label_style = "book"

    register_plugin("pybtex.style.labels", "book", BookLabels, force=True)
    register_plugin("pybtex.style.formatting", "book", BookStyle, force=True)


# --- one complete bibliography page ---------------------------------------------------------

class all_references(nodes.General, nodes.Element):
    """Placeholder replaced, once every citation is known, by the list of all works."""


class AllReferences(SphinxDirective):
    has_content = False

    def run(self):
        return [all_references()]


def _fill_all_references(app: Sphinx, doctree, docname: str) -> None:
    placeholders = list(doctree.findall(all_references))
    if not placeholders:
        return
    from pybtex.plugin import find_plugin

    domain = app.env.get_domain("cite")
    backend = find_plugin("pybtex.backends", "docutils")()
    cited_in: dict[str, list[str]] = {}
    for ref in domain.citation_refs:
        for target in ref.targets:
            docs = cited_in.setdefault(target.key, [])
            if ref.docname not in docs:
                docs.append(ref.docname)
    seen: dict[str, object] = {}
    for citation in domain.citations:
        seen.setdefault(citation.key, citation)
    items = nodes.bullet_list(classes=["all-references"])
    for key, citation in sorted(seen.items(), key=lambda kv: kv[1].formatted_entry.text.render_as("text").lower()):
        item = nodes.list_item(ids=[f"bib-{key}"])
        para = nodes.paragraph()
        para += citation.formatted_entry.text.render(backend)
        docs = [d for d in app.env.found_docs if d in cited_in.get(key, [])]
        if docs:
            para += nodes.Text(" Cited in: ")
            for i, doc in enumerate(sorted(docs, key=cited_in[key].index)):
                if i:
                    para += nodes.Text(", ")
                uri = app.builder.get_relative_uri(docname, doc)
                title = app.env.titles[doc].astext() if doc in app.env.titles else doc
                para += nodes.reference("", title, refuri=uri, internal=True)
            para += nodes.Text(".")
        item += para
        items += item
    for node in placeholders:
        node.replace_self(items.deepcopy())


# --- glossary tooltips ------------------------------------------------------------------------
# Every link to a glossary term carries the term's definition in its title at build time; a
# small script (_static/tooltips.js) shows it, and citations' titles, as a tooltip on hover and
# on keyboard focus. Nothing is fetched at build or read time.

TIP_LENGTH = 280


def _shorten(text: str, limit: int = TIP_LENGTH) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"


def glossary_definitions(app: Sphinx) -> dict[str, str]:
    cached = getattr(app.env, "_book_glossary", None)
    if cached is not None:
        return cached
    definitions: dict[str, str] = {}
    if "glossary" in app.env.found_docs:
        doctree = app.env.get_doctree("glossary")
        for item in doctree.findall(nodes.definition_list_item):
            terms = [t for t in item.children if isinstance(t, nodes.term)]
            body = [d for d in item.children if isinstance(d, nodes.definition)]
            if not terms or not body:
                continue
            text = _shorten(body[0].astext())
            for term in terms:
                for node_id in term["ids"]:
                    definitions[node_id] = f"{term.astext()}: {text}"
    app.env._book_glossary = definitions
    return definitions


def _add_term_tips(app: Sphinx, doctree, docname: str) -> None:
    definitions = glossary_definitions(app)
    for ref in doctree.findall(nodes.reference):
        target = ref.get("refuri", "")
        anchor = target.split("#", 1)[1] if "#" in target else ref.get("refid", "")
        if anchor.startswith("term-") and ("glossary" in target or docname == "glossary"):
            if anchor in definitions:
                ref["reftitle"] = definitions[anchor]
                ref["classes"].append("glossary-term")


# --- chapter credits: last updated and contributors, from git, offline -----------------------

SHARE = 0.1  # a contributor changed at least this share of a page's lines


def git_history(srcdir: Path) -> dict[str, dict] | None:
    """Per file: the date of its last commit and lines changed by each author. None without git."""
    if not (srcdir / ".git").exists():
        return None
    try:
        out = subprocess.run(
            ["git", "-C", str(srcdir), "log", "--no-merges", "--numstat", "--format=@@%aN\t%cs",
             "--", "*.md"], capture_output=True, text=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    history: dict[str, dict] = {}
    author = date = None
    for line in out.splitlines():
        if line.startswith("@@"):
            author, date = line[2:].split("\t")
            continue
        parts = line.split("\t")
        if len(parts) != 3 or author is None:
            continue
        added, deleted, path = parts
        changed = (int(added) if added.isdigit() else 0) + (int(deleted) if deleted.isdigit() else 0)
        entry = history.setdefault(path, {"updated": date, "lines": {}})
        entry["lines"][author] = entry["lines"].get(author, 0) + changed
    return history


def contributors(entry: dict) -> list[str]:
    total = sum(entry["lines"].values()) or 1
    ranked = sorted(entry["lines"].items(), key=lambda kv: (-kv[1], kv[0]))
    return [name for name, lines in ranked if lines / total >= SHARE] or [ranked[0][0]]


def _load_history(app: Sphinx) -> None:
    app.env._book_history = git_history(Path(app.srcdir))


def _long_date(iso: str) -> str:
    from datetime import date

    d = date.fromisoformat(iso)
    return f"{d.day} {d.strftime('%B %Y')}"


def _repository(app: Sphinx) -> str:
    return (app.config.html_theme_options or {}).get("source_repository", "").rstrip("/")


def _add_credits(app: Sphinx, doctree, docname: str) -> None:
    """Append 'Last updated', contributors and edit/issue/source links to every chapter."""
    if docname in ("glossary", "bibliography") or not app.builder.format == "html":
        return
    source = app.env.doc2path(docname, False)
    block = nodes.container(classes=["chapter-credits"])
    history = getattr(app.env, "_book_history", None)
    entry = (history or {}).get(str(source))
    if entry:
        para = nodes.paragraph(classes=["chapter-updated"])
        para += nodes.Text(f"Last updated {_long_date(entry['updated'])}. ")
        people = contributors(entry)
        para += nodes.Text(("Contributors: " if len(people) > 1 else "Contributor: ")
                           + ", ".join(people) + ".")
        block += para
    repo = _repository(app)
    if repo:
        links = nodes.paragraph(classes=["chapter-links"])
        title = app.env.titles[docname].astext() if docname in app.env.titles else docname
        from urllib.parse import quote

        from sphinx.util.osutil import relative_uri

        here = app.builder.get_target_uri(docname)
        root = relative_uri(here, "") if here else ""
        for i, (label, url) in enumerate((
            ("Suggest an edit", f"{repo}/edit/main/{source}"),
            ("Report an issue", f"{repo}/issues/new?title={quote('[' + title + '] ')}"),
            ("View the source", f"{repo}/blob/main/{source}"),
            ("The whole book on one page", f"{root}{WHOLE_BOOK}/"),
        )):
            if i:
                links += nodes.Text(" · ")
            links += nodes.reference("", label, refuri=url)
        block += links
    if len(block):
        doctree += block


# --- sharing: OpenGraph and Twitter cards, sitemap, robots.txt ----------------------------------

def page_description(doctree) -> str:
    """The TL;DR box's text, else the first paragraph."""
    if doctree is None:
        return ""
    for adm in doctree.findall(nodes.admonition):
        titles = [t for t in adm.children if isinstance(t, nodes.title)]
        if titles and titles[0].astext().strip() == "TL;DR":
            return _shorten(" ".join(c.astext() for c in adm.children[1:]), 200)
    for para in doctree.findall(nodes.paragraph):
        if para.astext().strip():
            return _shorten(para.astext(), 200)
    return ""


def _html_escape(text: str) -> str:
    import html

    return html.escape(text, quote=True)


def _add_meta(app: Sphinx, pagename, templatename, context, doctree):
    baseurl = app.config.html_baseurl
    if not baseurl or app.builder.name != "dirhtml":
        return
    title = context.get("title") or app.config.html_title
    title = re.sub(r"<[^>]+>", "", title)
    description = page_description(doctree) or app.config.html_title
    url = dirhtml_page_url(baseurl, pagename)
    image = baseurl.rstrip("/") + "/_static/social-card.png"
    tags = {
        "og:type": "website" if pagename == "index" else "article",
        "og:title": title, "og:description": description, "og:url": url,
        "og:site_name": app.config.html_title, "og:image": image,
        "og:image:alt": f"{app.config.html_title}: an open-source book",
    }
    meta = [f'<meta property="{k}" content="{_html_escape(v)}" />' for k, v in tags.items()]
    meta += [f'<meta name="{k}" content="{_html_escape(v)}" />' for k, v in {
        "description": description, "twitter:card": "summary_large_image",
        "twitter:title": title, "twitter:description": description, "twitter:image": image,
    }.items()]
    context["metatags"] = context.get("metatags", "") + "\n".join(meta) + "\n"


# --- accessibility fixes to the theme's and docutils' markup ------------------------------------

def a11y_fix(html: str) -> str:
    """Small markup fixes that axe-core asks for:
    - sidebar captions are role="heading" without a level;
    - docutils gives citations role="doc-biblioentry" inside role="list" (must be listitem);
    - scrollable code blocks and table wrappers must be reachable by keyboard;
    - ids must be unique on a page."""
    html = html.replace('role="heading">', 'role="heading" aria-level="2">')
    html = html.replace('role="doc-biblioentry"', 'role="listitem"')
    html = re.sub(r"<pre(?![^>]*tabindex)", '<pre tabindex="0"', html)
    html = re.sub(r'<div class="(table-wrapper[^"]*)"(?![^>]*tabindex)', r'<div class="\1" tabindex="0"',
                  html)
    # furo copies a table's id onto its wrapper: keep it on the table only (ids must be unique).
    html = re.sub(r'(<div class="table-wrapper[^"]*" tabindex="0") id="([^"]+)">(\s*<table[^>]*\bid="\2")',
                  r"\1>\3", html)
    return html


def et_al(html: str) -> str:
    """BibTeX's 'and others' (an author list cut short) reads 'et al.' in citations, their
    tooltips and the reference lists."""
    others = re.compile(r",? and others\b(\.)?")

    def in_text(text: str) -> str:
        return others.sub(" <em>et al.</em>", text)

    def anchor(m):
        start, inner = m.group(1), m.group(2)
        start = re.sub(r'title="[^"]*"', lambda t: others.sub(" et al.", t.group(0)), start)
        return start + in_text(inner) + "</a>"

    html = re.sub(r'(<a class="reference internal" href="#id\d+"[^>]*>)(.*?)</a>', anchor, html,
                  flags=re.S)
    html = re.sub(r'<li id="bib-.*?</li>', lambda m: in_text(m.group(0)), html, flags=re.S)
    return re.sub(r'<div class="citation".*?</div>', lambda m: in_text(m.group(0)), html, flags=re.S)


def _a11y_context(app: Sphinx, pagename, templatename, context, doctree):
    for key in ("body", "furo_navigation_tree"):
        if isinstance(context.get(key), str):
            context[key] = a11y_fix(context[key])
    if isinstance(context.get("body"), str):
        context["body"] = et_al(context["body"])


def _refresh_static(app: Sphinx, exception) -> None:
    """Sphinx 7.4 does not overwrite an existing file in the output's _static, so an edited
    book.css or tooltips.js would stay stale in incremental builds: copy changed files over."""
    import shutil

    if exception or app.builder.format != "html":
        return
    src, dest = Path(app.srcdir) / "_static", Path(app.outdir) / "_static"
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
    sitemap += [f"  <url><loc>{_html_escape(u)}</loc></url>" for u in urls]
    sitemap.append("</urlset>")
    (out / "sitemap.xml").write_text("\n".join(sitemap) + "\n", encoding="utf-8")
    (out / "robots.txt").write_text(
        f"User-agent: *\nAllow: /\n\nSitemap: {baseurl.rstrip('/')}/sitemap.xml\n", encoding="utf-8")
    _social_card(app, out / "_static" / "social-card.png")
    # Static hosts (GitHub Pages among them) serve /404.html for a missing page; the page uses
    # absolute URLs (notfound_urls_prefix), so the same file works at any depth.
    notfound = out / "404" / "index.html"
    if notfound.exists():
        (out / "404.html").write_text(notfound.read_text(encoding="utf-8"), encoding="utf-8")


# --- the whole book as one printable page --------------------------------------------------------

WHOLE_BOOK = "whole-book"


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
    template = (site / docs[-1] / "index.html").read_text(encoding="utf-8")
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
    html = whole_book_html(site, docs, f"{app.config.html_title}: the whole book")
    if html:
        (site / WHOLE_BOOK).mkdir(exist_ok=True)
        (site / WHOLE_BOOK / "index.html").write_text(html, encoding="utf-8")


def _social_card(app: Sphinx, path: Path) -> None:
    """A 1200x630 image for link previews, drawn at build time (nothing committed)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(12, 6.3), dpi=100)
    fig.patch.set_facecolor("#1a1c1e")
    fig.text(0.07, 0.62, app.config.html_title, color="white", fontsize=48, weight="bold")
    fig.text(0.07, 0.45, "Licences, evaluation, models, fine-tuning, formats, engines,",
             color="#d0d0d0", fontsize=24)
    fig.text(0.07, 0.37, "vector databases, SDKs, desktop apps and hardware: 2023 edition",
             color="#d0d0d0", fontsize=24)
    fig.text(0.07, 0.15, "An open-source book", color="#E69F00", fontsize=22)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100, metadata={"Software": None})
    plt.close(fig)


def _dark_code_style(app: Sphinx) -> None:
    """Furo's dark code style cannot be set from Jupyter Book's config (furo registers the
    setting after the config overrides are applied), so it is set here, before furo reads it."""
    if hasattr(app.config, "pygments_dark_style"):
        app.config.pygments_dark_style = app.config.book_pygments_dark_style


def setup(app: Sphinx):
    app.add_config_value("book_pygments_dark_style", "a11y-dark", "html")
    app.connect("builder-inited", _dark_code_style, priority=100)
    app.connect("builder-inited", _load_history)
    app.connect("doctree-resolved", _add_term_tips)
    app.connect("doctree-resolved", _add_credits)
    app.connect("html-page-context", _add_meta)
    app.connect("html-page-context", _a11y_context, priority=900)
    app.connect("build-finished", _refresh_static)
    app.connect("build-finished", _write_site_files)
    app.connect("build-finished", _write_whole_book)
    app.add_html_math_renderer("mathml", (_visit_inline_math, None), (_visit_block_math, None))
    _register_label_style()
    app.connect("builder-inited", _load_labels)
    app.add_node(all_references)
    app.add_directive("all-references", AllReferences)
    app.connect("doctree-resolved", _fill_all_references)
    app.connect("html-page-context", _fix_canonical)
    app.add_directive("citation-cff", CitationCff)
    app.add_directive("git-contributors", GitContributors)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
