"""The book as a PDF and as an EPUB, made from the built site (`make pdf`, `make epub`).

- **PDF**: Debian's Chromium, driven by Playwright, prints the one-page edition (``whole-book/``,
  _ext/whole_book.py), which opens with a title page and a list of chapters in print; each
  chapter starts on a new page (``_static/book.css``). ``page.pdf`` makes a tagged PDF with
  bookmarks from the headings, links inside the book that work, and page numbers in a footer;
  qpdf then packs it into compressed object streams (lossless, a third of the size). No LaTeX.
- **EPUB**: each chapter's page, as built, packaged as EPUB 3: one XHTML file per chapter (the
  theme's HTML is already well-formed XHTML), a title page, navigation that lists every chapter
  and its sections, and links between chapters rewritten to point inside the book. Sphinx's own
  ``epub`` builder would write every page again (about 30 s on this book); this takes a second
  or two. ``epubcheck`` (Debian's package, run with Java) must find no error.

Both are written to ``_build/editions/`` and copied into the site under stable names
(``_downloads/state-of-open-source-ai.pdf`` and ``.epub``); the front page then links them with
their sizes (``link_editions`` in _ext/front_page.py).

    python tests/editions.py pdf|epub [SITE] [OUT]
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import uuid
import zipfile
from functools import lru_cache
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import yaml

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "_ext"))

import checks  # noqa: E402
from front_page import DOWNLOADS, edition_name, link_editions, load_citation  # noqa: E402
from whole_book import edition_facts  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
EPUBCHECK = Path("/usr/share/java/epubcheck.jar")  # Debian's epubcheck (/usr/bin/epubcheck needs binfmt)
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run"]


@lru_cache(maxsize=1)
def config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


def book_title() -> str:
    return config()["sphinx"]["config"]["html_title"]


def public_base() -> str:
    """The published site's URL (ends in /); links that leave the book point there."""
    base = config()["html"]["baseurl"]
    return base if base.endswith("/") else base + "/"


def build_info(root: Path = ROOT) -> tuple[str, str]:
    """(short commit, its ISO commit time) of the checkout, or ("", "") without git."""
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%h %cI"],
                             capture_output=True, text=True, check=True, timeout=30).stdout.split()
        return out[0], out[1]
    except (OSError, subprocess.SubprocessError, IndexError):
        return "", ""


def facts(root: Path = ROOT) -> dict[str, str]:
    f = edition_facts(load_citation(root))
    commit, when = build_info(root)
    f["commit"], f["commit_time"] = commit, when
    f["build"] = f"Made on {when[:10]} from commit {commit}." if commit else ""
    return f


# --- PDF -----------------------------------------------------------------------------------------

FOOTER = ('<div style="width:100%;margin:0 16mm;font-size:8pt;font-family:sans-serif;color:#555;'
          'display:flex;justify-content:space-between"><span>{title}, {edition}</span>'
          '<span><span class="pageNumber"></span> / <span class="totalPages"></span></span></div>')

# Before printing: links that leave the one-page edition point to the published site (not to
# the local server), and the title page says which commit this copy was made from.
PREPARE = """([local, published, build, title]) => {
  for (const a of document.querySelectorAll('a[href]')) {
    const url = new URL(a.href, location.href);
    const here = url.origin + url.pathname === location.origin + location.pathname;
    if (a.href.startsWith(local) && !(here && url.hash)) a.href = published + a.href.slice(local.length);
  }
  for (const d of document.querySelectorAll('details')) d.open = true;
  const line = document.querySelector('.book-cover-build');
  if (line) line.textContent = build;
  document.title = title;
}"""


def print_pdf(site: Path, out: Path, browser=None) -> Path:
    """Print the one-page edition of a built site to ``out`` with Chromium."""
    from playwright.sync_api import sync_playwright

    f = facts()
    prefix = "/" + public_base().split("/", 3)[3]
    with checks.serve(site, prefix=prefix) as url:
        if browser is None:
            with sync_playwright() as p:
                b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
                try:
                    return _print(b, url, out, f)
                finally:
                    b.close()
        return _print(browser, url, out, f)


def _print(browser, url: str, out: Path, f: dict) -> Path:
    page = browser.new_page()
    try:
        page.goto(url + "whole-book/", wait_until="load", timeout=120_000)
        page.evaluate(PREPARE, [url, public_base(), f["build"], f"{f['title']} ({f['edition']})"])
        out.parent.mkdir(parents=True, exist_ok=True)
        page.pdf(path=str(out), format="A4", print_background=True, outline=True, tagged=True,
                 display_header_footer=True, header_template="<span></span>",
                 footer_template=FOOTER.format(title=html.escape(f["title"]),
                                               edition=html.escape(f["edition"])),
                 margin={"top": "16mm", "bottom": "18mm", "left": "16mm", "right": "16mm"})
    finally:
        page.close()
    return out


def compress_pdf(pdf: Path) -> bool:
    """Rewrite a PDF with qpdf (Debian's package), losslessly: Chromium writes the tags,
    bookmarks and links of the tagged PDF as about 90,000 uncompressed objects; in compressed
    object streams the book's PDF is about a third of the size. False where qpdf is missing."""
    qpdf = shutil.which("qpdf")
    if not qpdf:
        return False
    tmp = pdf.with_suffix(".qpdf")
    subprocess.run([qpdf, "--warning-exit-0", "--object-streams=generate", "--compress-streams=y",
                    "--recompress-flate", "--compression-level=9", str(pdf), str(tmp)],
                   check=True, timeout=600)
    tmp.replace(pdf)
    return True


# --- EPUB ----------------------------------------------------------------------------------------

XHTML = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="en" xml:lang="en">
<head>
<meta charset="utf-8" />
<title>{title}</title>
<link rel="stylesheet" type="text/css" href="book.css" />
</head>
<body{body}>
{content}
</body>
</html>
"""

# The theme's colours, which book.css and the figures use, for a reader that has no theme: text
# and lines take the reader's text colour (light or dark), fills are translucent.
EPUB_CSS = """body {
  --color-foreground-primary: currentColor; --color-foreground-secondary: currentColor;
  --color-background-primary: transparent; --color-background-secondary: rgba(128, 128, 128, 0.12);
  --color-background-border: rgba(128, 128, 128, 0.45); --color-brand-primary: #2962ff;
}
table.docutils { border-collapse: collapse; margin: 1em 0; }
table.docutils th, table.docutils td { border: 1px solid var(--color-background-border); padding: 0.2em 0.4em; vertical-align: top; }
.admonition { border-left: 3px solid var(--color-background-border); padding: 0.1em 0.8em; margin: 1em 0; }
.admonition-title, p.caption, .book-title { font-weight: bold; }
pre { white-space: pre-wrap; font-size: 0.85em; padding: 0.5em; background: var(--color-background-secondary); }
figure { margin: 1em 0; }
figcaption { font-size: 0.9em; }
.book-title { font-size: 2em; margin-top: 3em; }
.book-title-page { text-align: center; }
"""


def reading_order(site: Path) -> list[str]:
    """The book's documents in reading order (_toc.yml), each with a built page."""
    docs = checks.toc_files(ROOT)
    return [d for d in docs if (site / ("index.html" if d == "index" else f"{d}/index.html")).is_file()]


def _article(page: Path) -> str:
    text = page.read_text(encoding="utf-8")
    return re.search(r'<article role="main"[^>]*>(.*?)</article>', text, re.S).group(1).strip()


def _web_only(body: str) -> str:
    """An article without the parts that only make sense on the site: the links to each
    heading, and the place for links to the editions."""
    body = re.sub(r'<a class="headerlink"[^>]*>.*?</a>', "", body, flags=re.S)
    return re.sub(r'<p class="book-editions">.*?</p>', "", body, flags=re.S)


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", fragment)).strip()


def chapter_xhtml(site: Path, doc: str, docs: list[str]) -> tuple[str, str, list[tuple[str, str]]]:
    """(title, XHTML body, [(section id, section title)]) of one chapter: the built page's
    article, without the web-only parts, with links rewritten for the EPUB."""
    page = site / ("index.html" if doc == "index" else f"{doc}/index.html")
    body = _web_only(_article(page))
    here = public_base() + ("" if doc == "index" else f"{doc}/")
    base = public_base()
    pages = {base + ("" if d == "index" else f"{d}/"): d for d in docs}

    def rewrite(m: re.Match) -> str:
        attr, href = m.group(1), html.unescape(m.group(2))
        if href.startswith("#"):
            return m.group(0)
        url = urljoin(here, href)
        parts = urlsplit(url)
        target = pages.get(url.split("#", 1)[0])
        if target == doc and parts.fragment:
            new = "#" + parts.fragment
        elif target:
            new = f"{target}.xhtml" + (f"#{parts.fragment}" if parts.fragment else "")
        else:
            new = url  # another part of the site, or another site
        return f'{attr}="{html.escape(new)}"'

    body = re.sub(r'\b(href)="([^"]*)"', rewrite, body)
    title, sections = _headings(body)
    return title, body, sections


def _headings(body: str) -> tuple[str, list[tuple[str, str]]]:
    """A chapter's title and its sections, [(id, title)], from its article (headerlinks removed)."""
    title = _text(re.search(r"<h1>(.*?)</h1>", body, re.S).group(1))
    sections = [(sid, _text(h)) for sid, h in
                re.findall(r'<section id="([^"]+)">\s*(?:<span id="[^"]*"></span>\s*)*<h2>(.*?)</h2>',
                           body, re.S)]
    return title, sections


def title_page(f: dict) -> str:
    e = {k: html.escape(v) for k, v in f.items()}
    doi = (f'DOI: <a href="https://doi.org/{e["doi"]}">{e["doi"]}</a>' if f["doi"] else e["doi_text"])
    return (f'<section class="book-title-page" epub:type="titlepage">\n'
            f'<h1 class="book-title">{e["title"]}</h1>\n<p>{e["edition"]}</p>\n'
            f'<p>{e["authors"]}</p>\n<p>Version {e["version"]}, {e["date"]}<br />{doi}<br />'
            f'<a href="{e["url"]}">{e["url"]}</a><br />Text licensed under {e["licence"]}</p>\n'
            f'<p>{e["build"]}</p>\n</section>')


def nav_page(chapters: list[tuple[str, str, list[tuple[str, str]]]]) -> str:
    items = []
    for doc, title, sections in chapters:
        subs = "".join(f'<li><a href="{doc}.xhtml#{sid}">{html.escape(t)}</a></li>'
                       for sid, t in sections)
        items.append(f'<li><a href="{doc}.xhtml">{html.escape(title)}</a>'
                     + (f"<ol>{subs}</ol>" if subs else "") + "</li>")
    first = chapters[0][0]
    return ('<nav epub:type="toc" id="toc">\n<h1>Contents</h1>\n<ol>\n' + "\n".join(items)
            + '\n</ol>\n</nav>\n<nav epub:type="landmarks" id="landmarks" hidden="hidden">\n'
            '<h2>Landmarks</h2>\n<ol>\n<li><a epub:type="titlepage" href="title.xhtml">Title page</a></li>\n'
            '<li><a epub:type="toc" href="nav.xhtml">Contents</a></li>\n'
            f'<li><a epub:type="bodymatter" href="{first}.xhtml">Start of the book</a></li>\n</ol>\n</nav>')


def make_epub(site: Path, out: Path, docs: list[str] | None = None) -> Path:
    """Package the built chapters of ``site`` as an EPUB 3 file at ``out``."""
    f = facts()
    docs = docs or reading_order(site)
    chapters, files = [], {}
    for doc in docs:
        title, body, sections = chapter_xhtml(site, doc, docs)
        chapters.append((doc, title, sections))
        files[f"{doc}.xhtml"] = XHTML.format(title=html.escape(title), body=' epub:type="bodymatter"'
                                             if doc == docs[0] else "", content=body)
    files["title.xhtml"] = XHTML.format(title=html.escape(f["title"]), body="", content=title_page(f))
    files["nav.xhtml"] = XHTML.format(title="Contents", body="", content=nav_page(chapters))
    files["book.css"] = EPUB_CSS + "\n" + (ROOT / "_static" / "book.css").read_text(encoding="utf-8")

    identifier = (f"doi:{f['doi']}" if f["doi"] else
                  "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, f"{f['url']}#{f['version']}")))
    modified = _utc(f["commit_time"])

    def item(name: str, ident: str) -> str:
        props = [p for p, needle in (("svg", "<svg"), ("mathml", "<math")) if needle in files[name]]
        if name == "nav.xhtml":
            props.append("nav")
        kind = "text/css" if name.endswith(".css") else "application/xhtml+xml"
        prop = f' properties="{" ".join(props)}"' if props else ""
        return f'<item id="{ident}" href="{name}" media-type="{kind}"{prop} />'

    spine = ["title.xhtml", "nav.xhtml"] + [f"{d}.xhtml" for d in docs]
    ids = {name: f"f{i}" for i, name in enumerate(spine + ["book.css"])}
    e = {k: html.escape(v) for k, v in f.items()}
    opf = (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="book-id" xml:lang="en">\n'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        f'<dc:identifier id="book-id">{html.escape(identifier)}</dc:identifier>\n'
        f'<dc:title>{e["title"]}</dc:title>\n<dc:creator>{e["authors"]}</dc:creator>\n'
        '<dc:language>en</dc:language>\n'
        f'<dc:date>{html.escape(str(load_citation(ROOT).get("date-released", "")))}</dc:date>\n'
        f'<dc:rights>{e["licence"]}</dc:rights>\n'
        f'<dc:description>{e["edition"]}, version {e["version"]}. {e["build"]}</dc:description>\n'
        f'<meta property="dcterms:modified">{modified}</meta>\n</metadata>\n<manifest>\n'
        + "\n".join(item(n, ids[n]) for n in spine + ["book.css"])
        + '\n</manifest>\n<spine>\n' + "\n".join(f'<itemref idref="{ids[n]}" />' for n in spine)
        + "\n</spine>\n</package>\n")
    container = ('<?xml version="1.0" encoding="utf-8"?>\n'
                 '<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">\n'
                 '<rootfiles><rootfile full-path="EPUB/content.opf" '
                 'media-type="application/oebps-package+xml" /></rootfiles>\n</container>\n')

    out.parent.mkdir(parents=True, exist_ok=True)
    stamp = tuple(int(x) for x in re.split(r"[-T:Z]", modified)[:6])  # a reproducible archive
    tmp = out.with_suffix(".tmp")
    with zipfile.ZipFile(tmp, "w") as z:
        z.writestr(zipfile.ZipInfo("mimetype", stamp), "application/epub+zip",
                   compress_type=zipfile.ZIP_STORED)
        entries = {"META-INF/container.xml": container, "EPUB/content.opf": opf}
        entries.update({f"EPUB/{name}": text for name, text in files.items()})
        for name, text in entries.items():
            z.writestr(zipfile.ZipInfo(name, stamp), text.encode("utf-8"),
                       compress_type=zipfile.ZIP_DEFLATED, compresslevel=9)
    tmp.replace(out)
    return out


def _utc(iso: str) -> str:
    """An ISO time as EPUB's dcterms:modified wants it (UTC, seconds, Z); now without one."""
    from datetime import datetime, timezone

    when = datetime.fromisoformat(iso) if iso else datetime.now(timezone.utc)
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def epubcheck_command(path: Path) -> list[str]:
    # The client compiler alone and the serial collector halve epubcheck's CPU time here (a
    # short run: the JIT's second tier does not pay for itself).
    return ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", str(EPUBCHECK),
            "--quiet", str(path)]


def epubcheck(path: Path) -> tuple[int, str]:
    """epubcheck's exit code and its messages (errors and warnings, one a line)."""
    proc = subprocess.run(epubcheck_command(path), capture_output=True, text=True, timeout=600)
    return proc.returncode, (proc.stdout + proc.stderr).strip()


# --- what the tests check (tests/test_editions.py) --------------------------------------------------

def chapter_outline(site: Path) -> list[tuple[str, str, list[str]]]:
    """(document, title, [section titles]) of every chapter in reading order, from the site."""
    out = []
    for doc in reading_order(site):
        title, sections = _headings(_web_only(_article(
            site / ("index.html" if doc == "index" else f"{doc}/index.html"))))
        out.append((doc, title, [t for _, t in sections]))
    return out


def cited_works(site: Path, docs: list[str]) -> list[tuple[str, str, str]]:
    """(document, id, label) of the first work in each of these chapters' reference lists."""
    found = []
    for doc in docs:
        page = (site / ("index.html" if doc == "index" else f"{doc}/index.html")).read_text(encoding="utf-8")
        m = re.search(r'<div class="citation" id="([^"]+)" role="listitem">\s*<span class="label">'
                      r'<span class="fn-bracket">\[</span>(?:<a[^>]*>)?([^<]+)', page)
        if m:
            found.append((doc, m.group(1), html.unescape(m.group(2))))
    return found


def _outline_tree(outline) -> list[tuple[object, list]]:
    """pypdf's outline (an item, then a list of its children) as [(item, children)]."""
    tree = []
    for entry in outline:
        if isinstance(entry, list):
            if tree:
                tree[-1][1].extend(entry)
        else:
            tree.append((entry, []))
    return tree


def _norm(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").split())


def pdf_problems(pdf, chapters: list[tuple[str, str, list[str]]], f: dict,
                 works: list[tuple[str, str, str]]) -> list[str]:
    """What is wrong with a printed edition (a path or a pypdf reader): the title page, bookmarks
    for every chapter and its sections, each chapter starting at the top of a page of its own with its title in the
    text, the contents linking to those pages, cited works reachable by their links, and no
    link to the local server it was printed from."""
    from pypdf import PdfReader

    reader = pdf if isinstance(pdf, PdfReader) else PdfReader(str(pdf))
    texts: dict[int, str] = {}

    def text(n: int) -> str:
        if n not in texts:
            texts[n] = _norm(reader.pages[n].extract_text())
        return texts[n]

    problems = []
    for key in ("title", "edition", "version", "date", "doi_text"):
        if f[key] and _norm(f[key]) not in text(0):
            problems.append(f"page 1: the title page does not give the {key} ({f[key]!r})")
    tree = _outline_tree(reader.outline)
    if not tree:
        problems.append("no bookmarks")
    marks = {_norm(item.title): (item, kids) for item, kids in tree}
    dests = {str(k).lstrip("/"): v for k, v in reader.named_destinations.items()}
    starts = []
    for doc, title, sections in chapters:
        if title not in marks:
            problems.append(f"no bookmark for the chapter {title!r}")
            continue
        item, kids = marks[title]
        page = reader.get_destination_page_number(item)
        starts.append(page)
        subs = [_norm(k.title) for k in kids if not isinstance(k, list)]
        if subs != [_norm(s) for s in sections]:
            problems.append(f"{title!r}: section bookmarks {subs} are not the sections {sections}")
        height = float(reader.pages[page].mediabox.top)
        if float(item.top or 0) < height - 110:
            problems.append(f"{title!r} starts {height - float(item.top or 0):.0f} pt down page "
                            f"{page + 1}, not at the top of a page")
        if _norm(title) not in text(page):
            problems.append(f"{title!r} is not in the text of page {page + 1}, where it starts")
        target = dests.get(f"chapter-{doc}")
        if target is None or reader.get_destination_page_number(target) != page:
            problems.append(f"{title!r}: the contents do not link to page {page + 1}")
    if starts != sorted(set(starts)):
        problems.append(f"chapters do not start on pages of their own, in order: {starts}")
    contents = {str(a.get_object().get("/Dest", "")).lstrip("/")
                for n in range(1, min(4, len(reader.pages)))
                for a in reader.pages[n].get("/Annots") or []}
    missing = [t for d, t, _ in chapters if f"chapter-{d}" not in contents]
    if missing:
        problems.append(f"the contents (pages 2-4) have no link to {missing}")
    for doc, ident, label in works:
        target = dests.get(f"{doc}--{ident}")
        if target is None:
            problems.append(f"{doc}: no link reaches the cited work {label!r}")
        elif _norm(label) not in text(reader.get_destination_page_number(target)):
            problems.append(f"{doc}: the cited work {label!r} is not where its link points")
    local = [a["/A"]["/URI"] for page in reader.pages[:60] for a in
             (x.get_object() for x in page.get("/Annots") or [])
             if "/A" in a and str(a["/A"].get("/URI", "")).startswith("http://")]
    if local:
        problems.append(f"links to a local or insecure address: {local[:3]}")
    return problems


def epub_problems(epub: Path, chapters: list[tuple[str, str, list[str]]]) -> list[str]:
    """What is wrong with the EPUB's packaging and navigation: the mimetype first and stored,
    and every chapter listed in the navigation, in order, pointing to a file of the spine."""
    import xml.etree.ElementTree as ET

    ns = {"opf": "http://www.idpf.org/2007/opf", "x": "http://www.w3.org/1999/xhtml",
          "c": "urn:oasis:names:tc:opendocument:xmlns:container",
          "epub": "http://www.idpf.org/2007/ops"}
    problems = []
    with zipfile.ZipFile(epub) as z:
        first = z.infolist()[0]
        if first.filename != "mimetype" or first.compress_type != zipfile.ZIP_STORED \
                or z.read(first) != b"application/epub+zip":
            problems.append("the first entry is not an uncompressed 'mimetype'")
        root = ET.fromstring(z.read("META-INF/container.xml")).find(".//c:rootfile", ns).get("full-path")
        base = root.rsplit("/", 1)[0] + "/" if "/" in root else ""
        opf = ET.fromstring(z.read(root))
        items = {i.get("id"): i for i in opf.iterfind(".//opf:manifest/opf:item", ns)}
        spine = [items[r.get("idref")].get("href") for r in opf.iterfind(".//opf:spine/opf:itemref", ns)]
        nav = next((i.get("href") for i in items.values() if "nav" in (i.get("properties") or "").split()), None)
        if nav is None:
            return problems + ["no navigation document"]
        tree = ET.fromstring(z.read(base + nav))
        toc = next(n for n in tree.iter("{%s}nav" % ns["x"])
                   if n.get("{%s}type" % ns["epub"]) == "toc")
        listed = [("".join(a.itertext()).strip(), a.get("href"))
                  for a in toc.iterfind("x:ol/x:li/x:a", ns)]
        titles = [t for t, _ in listed]
        for doc, title, _ in chapters:
            if title not in titles:
                problems.append(f"the chapter {title!r} is not in the navigation")
                continue
            href = dict(listed)[title].split("#")[0]
            if href not in spine or base + href not in z.namelist():
                problems.append(f"the navigation's {title!r} points to {href!r}, not a file of the spine")
        order = [t for t in titles if t in {c[1] for c in chapters}]
        if order != [c[1] for c in chapters if c[1] in order]:
            problems.append(f"the navigation lists the chapters out of order: {order}")
    return problems


# --- make pdf / make epub -------------------------------------------------------------------------

def install(site: Path, made: Path) -> Path:
    """Copy an edition into the site under its stable name and link it from the front page."""
    dest = site / DOWNLOADS / made.name
    dest.parent.mkdir(exist_ok=True)
    shutil.copyfile(made, dest)
    link_editions(site, book_title())
    return dest


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("pdf", "epub"):
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    kind = argv[0]
    site = Path(argv[1] if len(argv) > 1 else ROOT / "_build" / "dirhtml")
    out_dir = Path(argv[2] if len(argv) > 2 else ROOT / "_build" / "editions")
    if not (site / "whole-book" / "index.html").is_file():
        print(f"{site}: no built site with a one-page edition; run `make build` first", file=sys.stderr)
        return 1
    out = out_dir / edition_name(book_title(), kind)
    if kind == "pdf":
        if not CHROMIUM.exists():
            print("Debian's chromium is needed: apt-get install chromium", file=sys.stderr)
            return 1
        print_pdf(site, out)
        if not compress_pdf(out):
            print("qpdf is not installed (apt-get install qpdf): the PDF is left as Chromium wrote "
                  "it, about three times larger", file=sys.stderr)
    else:
        make_epub(site, out)
        if not EPUBCHECK.exists():
            print("Debian's epubcheck is needed: apt-get install epubcheck", file=sys.stderr)
            return 1
        code, messages = epubcheck(out)
        if code != 0:
            print(messages, file=sys.stderr)
            print(f"{out}: epubcheck found errors", file=sys.stderr)
            return 1
    dest = install(site, out)
    print(f"{out} ({out.stat().st_size / 1e6:.1f} MB), in the site as {dest.relative_to(site)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
