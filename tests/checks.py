"""The book's checks. Each returns a list of problems, ``"path:line: message"``, empty if clean.

Source checks read the Markdown, BibTeX, YAML and TOC files of a book folder; site checks read
the built ``dirhtml`` site. The tests run every check on the real book (it must be clean) and on
deliberately broken copies of a small fixture book (each check must fail with the right
message), so no check counts until it has been seen failing.
"""

from __future__ import annotations

import csv
import http.server
import io
import os
import re
import socketserver
import subprocess
import sys
import tempfile
import threading
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path

import yaml

# Top-level Markdown files that are repository documents, not chapters of the book.
NOT_CHAPTERS = {"README.md", "CONTRIBUTING.md", "CODE_OF_CONDUCT.md"}
# Pages that are reference lists rather than chapters, so carry no TL;DR box: the glossary, the
# bibliography and the timeline of every chapter's "Since this edition" notes.
NO_TLDR = {"glossary", "bibliography", "since-2023"}

CITE = re.compile(r"\{cite(?::[a-z]+)?\}`([^`]*)`")
TERM = re.compile(r"\{term\}`([^`]*)`")
TLDR = re.compile(r"^(:::+|```+)\s*\{admonition\}\s*TL;DR\s*$", re.M)
FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})")
INLINE_CODE = re.compile(r"`+[^`\n]*`+")
HTTP_URL = re.compile(r"http://[^\s)>\]\"'`]+")
MD_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)")
HTML_IMG = re.compile(r"<img\b[^>]*>", re.I)
REMOTE = re.compile(r"^(https?:)?//", re.I)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def markdown_files(root: Path) -> list[Path]:
    return sorted(p for p in root.glob("*.md") if p.name not in NOT_CHAPTERS)


def outside_code(path: Path):
    """(line number, text) of a Markdown file's lines outside fenced code blocks.

    Backtick and tilde fences whose info string starts with ``{`` are directives (their content
    is Markdown); other fences are code and are skipped."""
    stack: list[tuple[str, bool]] = []  # (fence, is_code)
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        m = FENCE.match(line)
        if m:
            fence, info = m.group(2), line[m.end():].strip()
            top = stack[-1] if stack else None
            if top and not info and fence[0] == top[0][0] and len(fence) >= len(top[0]):
                stack.pop()
                continue
            if not (top and top[1]):
                stack.append((fence, not info.startswith("{")))
                if info.startswith("{"):
                    yield n, line
                continue
        if stack and stack[-1][1]:
            continue
        yield n, line


def prose_lines(path: Path):
    """Lines outside code, with inline code spans blanked (roles such as {cite}`x` are kept)."""
    for n, line in outside_code(path):
        yield n, INLINE_CODE.sub(lambda c: c.group(0) if c.string[:c.start()].endswith("}")
                                 else "``", line)


def _roles(path: Path, pattern: re.Pattern):
    """(line, value) for each role occurrence outside code blocks."""
    for n, line in outside_code(path):
        for hit in pattern.finditer(line):
            yield n, hit.group(1)


# --- bibliography ---------------------------------------------------------------------------

BIB_START = re.compile(r"@\s*([A-Za-z]+)\s*\{\s*([^,\s]+)\s*,")


def parse_bib_fields(body: str) -> list[tuple[str, str]]:
    """Fields of one entry body, in order: (lower-case name, value), the value in braces, or bare
    where it was bare (a number or a macro such as `dec`)."""
    fields, i, n = [], 0, len(body)
    while i < n:
        m = re.compile(r"\s*,?\s*(\w[\w-]*)\s*=\s*").match(body, i)
        if not m:
            break
        name, i = m.group(1).lower(), m.end()
        if i < n and body[i] == "{":
            depth, j = 0, i
            while j < n:
                depth += {"{": 1, "}": -1}.get(body[j], 0)
                j += 1
                if depth == 0:
                    break
            value, i = "{" + body[i + 1:j - 1].strip() + "}", j
        elif i < n and body[i] == '"':
            j = body.index('"', i + 1)
            value, i = "{" + body[i + 1:j].strip() + "}", j + 1
        else:
            m2 = re.compile(r"[^,\s}]+").match(body, i)
            value, i = (m2.group(0), m2.end()) if m2 else ("{}", i)  # a macro such as dec
        fields.append((name, value.strip()))
    return fields


def parse_bib_text(text: str) -> list[dict]:
    """Entries of BibTeX text: type, key, line and fields (name, value as written)."""
    entries = []
    for m in BIB_START.finditer(text):
        depth, i = 1, m.end()
        while i < len(text) and depth:
            depth += {"{": 1, "}": -1}.get(text[i], 0)
            i += 1
        entries.append({"type": m.group(1).lower(), "key": m.group(2),
                        "line": text.count("\n", 0, m.start()) + 1,
                        "fields": parse_bib_fields(text[m.end():i - 1])})
    return entries


def parse_bib(path: Path) -> list[dict]:
    """Entries of a .bib file with their line numbers and fields (values without braces)."""
    entries = []
    for e in parse_bib_text(path.read_text(encoding="utf-8")):
        fields: dict[str, str] = {}
        for name, value in e["fields"]:
            if value.startswith("{") and value.endswith("}"):
                value = value[1:-1]
            fields.setdefault(name, value.strip())
        entries.append({"type": e["type"], "key": e["key"], "line": e["line"], "fields": fields})
    return entries


def cited_keys(root: Path) -> dict[str, list[tuple[str, int]]]:
    """Every citation key used, with where: chapter roles and data-table sources."""
    used: dict[str, list[tuple[str, int]]] = {}
    for md in markdown_files(root):
        for line, value in _roles(md, CITE):
            for key in value.split(","):
                if key.strip():
                    used.setdefault(key.strip(), []).append((_rel(md, root), line))
    for yml in sorted((root / "data").glob("*.yml")) if (root / "data").is_dir() else []:
        if yml.name.startswith("_"):
            continue
        for n, line in enumerate(yml.read_text(encoding="utf-8").splitlines(), 1):
            m = re.match(r"\s*sources:\s*\[(.*)\]", line)
            if m:
                for key in m.group(1).split(","):
                    if key.strip():
                        used.setdefault(key.strip().strip("'\""), []).append((_rel(yml, root), n))
    return used


def check_citations(root: Path) -> list[str]:
    """Every cited key exists in references.bib."""
    keys = {e["key"] for e in parse_bib(root / "references.bib")}
    problems = []
    for key, places in sorted(cited_keys(root).items()):
        if key not in keys:
            for path, line in places:
                problems.append(f"{path}:{line}: unknown citation key '{key}' (not in references.bib)")
    return problems


def check_bibliography(root: Path) -> list[str]:
    """Entries are unique, used, and have a title, a year and an https url or doi; months are
    macros."""
    bib = root / "references.bib"
    name = _rel(bib, root)
    entries = parse_bib(bib)
    used = cited_keys(root)
    problems, first = [], {}
    for e in entries:
        where = f"{name}:{e['line']}"
        if e["key"] in first:
            problems.append(f"{where}: duplicate entry '{e['key']}' (first at line {first[e['key']]})")
            continue
        first[e["key"]] = e["line"]
        f = e["fields"]
        for field in ("title", "year"):
            if not f.get(field):
                problems.append(f"{where}: entry '{e['key']}' has no {field}")
        if not (f.get("url") or f.get("doi")):
            problems.append(f"{where}: entry '{e['key']}' has no url or doi")
        if f.get("url") and not f["url"].startswith("https://"):
            problems.append(f"{where}: entry '{e['key']}' url is not https: '{f['url']}'")
        if f.get("doi") and f["doi"].startswith("http://"):
            problems.append(f"{where}: entry '{e['key']}' doi is not https: '{f['doi']}'")
        if e["key"] not in used:
            problems.append(f"{where}: entry '{e['key']}' is never cited")
    # a month in braces is printed as written ("dec 2023"); the bare macro prints "December"
    for n, line in enumerate(bib.read_text(encoding="utf-8").splitlines(), 1):
        m = re.match(r"\s*month\s*=\s*[{\"]\s*([A-Za-z]{3})\s*[}\"]", line)
        if m:
            problems.append(f"{name}:{n}: month in braces prints as written: write month = "
                            f"{m.group(1).lower()}, (the macro)")
    return problems


# --- glossary -------------------------------------------------------------------------------

def glossary_terms(root: Path) -> list[tuple[str, int]]:
    """(term, line) of each term defined in glossary.md's glossary directive."""
    path = root / "glossary.md"
    terms, inside = [], False
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if re.match(r"^(:::+|```+)\s*\{glossary\}", line):
            inside = True
            continue
        if inside and re.match(r"^(:::+|```+)\s*$", line):
            inside = False
            continue
        if inside and line.strip() and not line[0].isspace() and not line.startswith(":"):
            terms.append((line.strip(), n))
    return terms


def check_glossary(root: Path) -> list[str]:
    """Each {term} names a glossary term; no term is defined twice."""
    problems, seen = [], {}
    for term, line in glossary_terms(root):
        if term.lower() in seen:
            problems.append(f"glossary.md:{line}: term '{term}' defined twice "
                            f"(first at line {seen[term.lower()]})")
        seen.setdefault(term.lower(), line)
    for md in markdown_files(root):
        for line, value in _roles(md, TERM):
            m = re.match(r"^(.*?)\s*<([^<>]+)>\s*$", value)
            target = (m.group(2) if m else value).strip()
            if target.lower() not in seen:
                problems.append(f"{_rel(md, root)}:{line}: unknown glossary term '{target}'")
    return problems


# --- table of contents and chapter anatomy --------------------------------------------------

def toc_files(root: Path) -> list[str]:
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    files = [toc["root"]]

    def walk(node):
        if isinstance(node, dict):
            if "file" in node:
                files.append(node["file"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk({k: v for k, v in toc.items() if k != "root"})
    return [re.sub(r"\.md$", "", f) for f in files]


def check_toc(root: Path) -> list[str]:
    """Every chapter is in _toc.yml, every entry exists, every chapter has a TL;DR box."""
    listed = toc_files(root)
    problems = []
    for md in markdown_files(root):
        if md.stem not in listed:
            problems.append(f"{md.name}:1: chapter '{md.stem}' is missing from _toc.yml")
    toc_text = (root / "_toc.yml").read_text(encoding="utf-8").splitlines()
    for name in listed:
        if not (root / f"{name}.md").exists():
            line = next((n for n, t in enumerate(toc_text, 1) if re.search(rf"\b{re.escape(name)}\b", t)), 1)
            problems.append(f"_toc.yml:{line}: entry '{name}' has no file {name}.md")
            continue
        if name in NO_TLDR:
            continue
        text = (root / f"{name}.md").read_text(encoding="utf-8")
        m = TLDR.search(text)
        if not m:
            problems.append(f"{name}.md:1: chapter '{name}' has no TL;DR box "
                            "(an admonition titled TL;DR with class tip)")
        elif ":class: tip" not in text[m.end():m.end() + 200].split("\n\n")[0]:
            line = text.count("\n", 0, m.start()) + 1
            problems.append(f"{name}.md:{line}: the TL;DR box of '{name}' needs ':class: tip'")
    return problems


# --- links and images in the sources --------------------------------------------------------

def check_source_links(root: Path) -> list[str]:
    """No http:// links; images have alt text and are local files."""
    problems = []
    files = markdown_files(root) + [root / "references.bib"]
    files += sorted(p for p in (root / "data").glob("*.yml")) if (root / "data").is_dir() else []
    for path in files:
        rel = _rel(path, root)
        lines = prose_lines(path) if path.suffix == ".md" else enumerate(
            path.read_text(encoding="utf-8").splitlines(), 1)
        pending_figure = None
        for n, line in lines:
            for url in HTTP_URL.findall(line):
                problems.append(f"{rel}:{n}: insecure link '{url}' (use https://)")
            if path.suffix != ".md":
                continue
            for alt, src in MD_IMAGE.findall(line):
                if not alt.strip():
                    problems.append(f"{rel}:{n}: image '{src}' has no alt text")
                if REMOTE.match(src):
                    problems.append(f"{rel}:{n}: image '{src}' is hot-linked from another site "
                                    "(save it under _static/)")
            for tag in HTML_IMG.findall(line):
                src = re.search(r"\bsrc\s*=\s*[\"']([^\"']*)", tag, re.I)
                src = src.group(1) if src else ""
                if not re.search(r"\balt\s*=\s*[\"'][^\"']+", tag, re.I):
                    problems.append(f"{rel}:{n}: image '{src}' has no alt text")
                if REMOTE.match(src):
                    problems.append(f"{rel}:{n}: image '{src}' is hot-linked from another site "
                                    "(save it under _static/)")
            m = re.match(r"^(:::+|```+)\s*\{(image|figure)\}\s*(\S+)", line)
            if m:
                pending_figure = (n, m.group(3), False)
                if REMOTE.match(m.group(3)):
                    problems.append(f"{rel}:{n}: image '{m.group(3)}' is hot-linked from another "
                                    "site (save it under _static/)")
            elif pending_figure:
                if re.match(r"^:alt:\s*\S", line):
                    pending_figure = None
                elif not line.startswith(":"):
                    problems.append(f"{rel}:{pending_figure[0]}: image '{pending_figure[1]}' has "
                                    "no alt text (add :alt:)")
                    pending_figure = None
    return problems


# --- the built site -------------------------------------------------------------------------

class _TagCollector(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict, int]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs), self.getpos()[0]))

    handle_startendtag = handle_starttag


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def source_location(site: Path, page: str, line: int | str, *needles: str) -> str:
    """Where a problem in a built page comes from: ``chapter.md:LINE`` when the page was built
    from a Markdown file that contains the offending text (a link in raw HTML, say), else the
    built page and its line. ``page`` is relative to the site (``licences/index.html`` or the
    URL path ``licences/``)."""
    root = site.parent.parent
    name = page.split("#", 1)[0].split("?", 1)[0].strip("/")
    name = re.sub(r"(^|/)index\.html$", "", name).strip("/") or "index"
    source = root / f"{name}.md"
    if source.is_file():
        lines = source.read_text(encoding="utf-8").splitlines()
        for needle in needles:
            if needle:
                for n, text in enumerate(lines, 1):
                    if needle in text:
                        return f"{source.name}:{n}"
    return f"{page}:{line}"


def page_tags(page: Path) -> list[tuple[str, dict, int]]:
    parser = _TagCollector()
    parser.feed(page.read_text(encoding="utf-8"))
    return parser.tags


def check_built_html(site: Path) -> list[str]:
    """In every built page: no http:// links, every image has alt text and is served locally,
    and nothing (scripts, styles, images, frames) loads from another origin."""
    problems = []
    for page in html_pages(site):
        rel = _rel(page, site)
        for tag, attrs, line in page_tags(page):
            href = attrs.get("href") or ""
            if tag == "a" and href.startswith("http://"):
                problems.append(f"{source_location(site, rel, line, href)}: insecure link "
                                f"'{href}' (use https://)")
            if tag == "img":
                src = attrs.get("src") or ""
                where = source_location(site, rel, line, src, os.path.basename(src))
                if not (attrs.get("alt") or "").strip():
                    problems.append(f"{where}: image '{src}' has no alt text")
                if REMOTE.match(src):
                    problems.append(f"{where}: image '{src}' is hot-linked from another site")
            loads = {"script": "src", "iframe": "src", "audio": "src", "video": "src",
                     "source": "src", "embed": "src", "object": "data"}
            url = attrs.get(loads.get(tag, ""), "") or ""
            if tag == "link" and (attrs.get("rel") or "") in ("stylesheet", "preload", "icon",
                                                               "modulepreload", "prefetch"):
                url = href
            if url and REMOTE.match(url) and tag != "img":
                problems.append(f"{source_location(site, rel, line, url)}: <{tag}> loads "
                                f"'{url}' from another origin")
    return problems


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves a built site as a static host would: under a path prefix (the site's base URL
    path, such as /book/), with /404.html for missing pages, and gzip when the client asks."""

    prefix = "/"
    use_gzip = False

    def log_message(self, *args):
        pass

    def end_headers(self):
        # linkchecker throttles requests to servers that do not send this header.
        self.send_header("LinkChecker", "allow")
        super().end_headers()

    def translate_path(self, path):
        if self.prefix != "/" and path.startswith(self.prefix):
            path = "/" + path[len(self.prefix):]
        elif self.prefix != "/":
            path = "/__outside_prefix__"
        return super().translate_path(path)

    def send_head(self):
        path = self.translate_path(self.path.split("?", 1)[0].split("#", 1)[0])
        if os.path.isdir(path) and not self.path.split("?")[0].endswith("/"):
            return super().send_head()  # the redirect to the trailing-slash URL
        if os.path.isdir(path):
            path = os.path.join(path, "index.html")
        if not os.path.isfile(path):
            notfound = os.path.join(self.directory, "404.html")
            if os.path.isfile(notfound):
                return self._send_file(notfound, 404)
            return super().send_head()
        return self._send_file(path, 200)

    def _send_file(self, path, status):
        import gzip as gzip_module

        with open(path, "rb") as f:
            body = f.read()
        ctype = self.guess_type(path)
        encode = self.use_gzip and "gzip" in self.headers.get("Accept-Encoding", "") and (
            ctype.startswith("text/") or ctype in ("application/javascript", "image/svg+xml",
                                                    "application/json", "application/xml"))
        if encode:
            body = gzip_module.compress(body, 6)
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        if encode:
            self.send_header("Content-Encoding", "gzip")
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return io.BytesIO(body)


@contextmanager
def serve(site: Path, prefix: str = "/", use_gzip: bool = False):
    """Serve a built site on a free loopback port; yields the base URL (ending in the prefix)."""
    handler_class = type("Handler", (SiteHandler,), {"prefix": prefix, "use_gzip": use_gzip})
    handler = lambda *a, **k: handler_class(*a, directory=str(site), **k)  # noqa: E731
    socketserver.TCPServer.allow_reuse_address = True
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as httpd:
        httpd.daemon_threads = True
        thread = threading.Thread(target=httpd.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{httpd.server_address[1]}{prefix}"
        finally:
            httpd.shutdown()


def check_anchors(site: Path) -> list[str]:
    """Every internal link's #fragment names an id in its target page.

    (linkchecker's AnchorCheck plugin does the same but re-parses the target page for every
    anchored link, which takes minutes on this book; this reads each page once.)"""
    from urllib.parse import unquote, urljoin, urlsplit

    ids: dict[Path, set[str]] = {}

    def ids_of(page: Path) -> set[str]:
        if page not in ids:
            ids[page] = {a[k] for _, a, _ in page_tags(page) for k in ("id", "name") if a.get(k)}
        return ids[page]

    problems = []
    for page in html_pages(site):
        rel = _rel(page, site)
        base = "http://site/" + rel
        for tag, attrs, line in page_tags(page):
            href = attrs.get("href") or ""
            if tag != "a" or "#" not in href or REMOTE.match(href) or ":" in href.split("#")[0]:
                continue
            url = urlsplit(urljoin(base, href))
            if not url.fragment:
                continue
            path = unquote(url.path.lstrip("/"))
            target = site / path
            if path.endswith("/") or not path or target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                continue  # a missing page is linkchecker's to report
            if unquote(url.fragment) not in ids_of(target):
                problems.append(f"{source_location(site, rel, line, href)}: broken anchor '{href}' (no id "
                                f"'{unquote(url.fragment)}' in {_rel(target, site)})")
    return problems


def check_internal_links(site: Path) -> list[str]:
    """Broken internal links in the built site, found by linkchecker over loopback HTTP
    (external links are not fetched)."""
    exe = Path(sys.executable).with_name("linkchecker")
    with tempfile.TemporaryDirectory() as tmp, serve(site) as base:
        config = Path(tmp) / "linkcheckerrc"
        # A high request rate applies only to hosts that send the LinkChecker header (ours).
        config.write_text("[checking]\nmaxrequestspersecond=1000\nthreads=4\n"
                          "[filtering]\nignorewarnings=http-empty-content\n", encoding="utf-8")
        out = Path(tmp) / "out.csv"
        os.chmod(tmp, 0o777)
        proc = subprocess.run(
            [str(exe), "-f", str(config), "--no-status", "-o", "none",
             "-F", f"csv/utf-8/{out}", "--ignore-url", r"^(?!http://127\.0\.0\.1)", base],
            capture_output=True, text=True, timeout=600)
        if not out.exists():
            return [f"linkchecker did not run: {proc.stderr.strip()[-500:]}"]
        rows = [r for r in csv.reader(io.StringIO(out.read_text(encoding="utf-8")), delimiter=";")
                if r and not r[0].startswith("#")]
    if not rows:
        return ["linkchecker wrote no results"]
    header, problems = rows[0], []
    col = {name: i for i, name in enumerate(header)}
    for r in rows[1:]:
        if len(r) < len(header):
            continue
        if r[col["valid"]].lower() == "true" and not r[col["warningstring"]].strip():
            continue
        if not r[col["urlname"]] and not r[col["parentname"]]:
            continue
        parent = r[col["parentname"]].replace(base, "") or "(start)"
        valid = r[col["valid"]].lower() == "true"
        reason = " ".join((r[col["warningstring"]] if valid else r[col["result"]]).split())
        url = r[col["urlname"]]
        where = source_location(site, parent, r[col["line"]], url) if parent != "(start)" else parent
        problems.append(f"{where}: broken link '{url}' ({reason})")
    return problems


# --- page weight ------------------------------------------------------------------------------

BUDGET_BYTES = 80 * 1024  # gzipped HTML + JS + CSS + images of one chapter page
REFERENCE_BUDGET_BYTES = 160 * 1024  # the glossary and the full bibliography


def page_weight(site: Path, page: Path) -> dict[str, int]:
    """Bytes of a built page and everything it loads from the site (scripts, styles, images),
    raw and gzipped as a static host would serve them."""
    import gzip
    from urllib.parse import urljoin, urlsplit

    base = "http://site/" + _rel(page, site)
    files = {page}
    for tag, attrs, _ in page_tags(page):
        url = None
        if tag == "script":
            url = attrs.get("src")
        elif tag == "link" and (attrs.get("rel") or "") in ("stylesheet", "icon", "preload"):
            url = attrs.get("href")
        elif tag == "img":
            url = attrs.get("src")
        if url and not REMOTE.match(url) and not url.startswith("data:"):
            target = site / urlsplit(urljoin(base, url)).path.lstrip("/")
            if target.is_file():
                files.add(target)
    sizes = {"html": page.stat().st_size, "files": len(files), "raw": 0, "gzip": 0, "gzip_js_css": 0}
    for f in files:
        data = f.read_bytes()
        packed = len(gzip.compress(data, 6))
        sizes["raw"] += len(data)
        sizes["gzip"] += packed
        if f.suffix in (".js", ".css"):
            sizes["gzip_js_css"] += packed
    return sizes


def check_page_weight(site: Path, pages: list[Path], budget: int = BUDGET_BYTES) -> list[str]:
    problems = []
    for page in pages:
        w = page_weight(site, page)
        if w["gzip"] > budget:
            problems.append(f"{_rel(page, site)}: {w['gzip']:,} bytes gzipped with what it loads "
                            f"(budget {budget:,})")
    return problems


# --- prose: one voice, citation hygiene, shared facts --------------------------------------------

PROSE_RULES = Path(__file__).resolve().parent / "prose_rules.yml"
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")


def _prose_rules() -> dict:
    return yaml.safe_load(PROSE_RULES.read_text(encoding="utf-8"))


def _data_text_lines(root: Path):
    """(path, line, text) of the text a data table shows: its caption and its cells."""
    for yml in sorted((root / "data").glob("*.yml")) if (root / "data").is_dir() else []:
        if yml.name.startswith("_"):
            continue
        for n, line in enumerate(yml.read_text(encoding="utf-8").splitlines(), 1):
            if not re.match(r"\s*(?:sources|as_of):", line):
                yield yml, n, line


def check_process_narration(root: Path) -> list[str]:
    """No phrase from tests/prose_rules.yml in a chapter or a data table; opinion marks rationed."""
    rules = _prose_rules()
    compiled = [(re.compile(r["pattern"], re.I), r["reason"]) for r in rules["process"]]
    opinion = re.compile(rules["opinion_mark"], re.I)
    problems = []
    places = [(md, n, line) for md in markdown_files(root) for n, line in prose_lines(md)]
    places += list(_data_text_lines(root))
    marks: dict[Path, list[int]] = {}
    for path, n, line in places:
        for pattern, reason in compiled:
            for m in pattern.finditer(line):
                problems.append(f"{_rel(path, root)}:{n}: process narration '{m.group(0)}': {reason}")
        if path.suffix == ".md" and opinion.search(line):
            marks.setdefault(path, []).append(n)
    for path, lines in sorted(marks.items()):
        if len(lines) > rules["max_opinion_marks"]:
            problems.append(f"{_rel(path, root)}:{lines[rules['max_opinion_marks']]}: "
                            f"{len(lines)} opinion marks ('In our view') in one chapter (at most "
                            f"{rules['max_opinion_marks']}: mark an opinion once, where it matters)")
    return problems


def paragraphs(path: Path):
    """(first line, [(line, text), ...]) for each prose paragraph outside code: blank lines,
    directive fences, headings, list items and table rows start a new one."""
    current: list[tuple[int, str]] = []
    for n, line in prose_lines(path):
        starts = (not line.strip() or line.lstrip().startswith(("#", ":::", "```", "|"))
                  or LIST_ITEM.match(line) or re.match(r"^\s*\*?\s*-\s", line))
        if starts and current:
            yield current[0][0], current
            current = []
        if line.strip() and not line.lstrip().startswith((":::", "```")):
            current.append((n, line))
            if line.lstrip().startswith(("#", "|")):
                yield n, current
                current = []
    if current:
        yield current[0][0], current


def check_repeated_citations(root: Path) -> list[str]:
    """A work is cited once per paragraph, at the end of what it supports."""
    problems = []
    for md in markdown_files(root):
        for _, lines in paragraphs(md):
            seen: dict[str, int] = {}
            for n, line in lines:
                for hit in CITE.finditer(line):
                    for key in (k.strip() for k in hit.group(1).split(",")):
                        if key in seen:
                            problems.append(f"{_rel(md, root)}:{n}: '{key}' cited again in the "
                                            f"same paragraph (first at line {seen[key]}): cite "
                                            "it once, at the end")
                        else:
                            seen[key] = n
    return problems


def _split_row(line: str) -> list[str]:
    cells = re.split(r"(?<!\\)\|", line.strip())
    return [c.strip() for c in cells[1:-1]] if line.strip().startswith("|") else [c.strip() for c in cells]


def check_table_citations(root: Path) -> list[str]:
    """In tables, citations sit in a Sources column, not in the cells (pipe tables and
    list-tables)."""
    problems = []
    for md in markdown_files(root):
        rel = _rel(md, root)
        header: list[str] | None = None
        list_table: dict | None = None
        for n, line in prose_lines(md):
            stripped = line.strip()
            # pipe tables
            if stripped.startswith("|"):
                cells = _split_row(stripped)
                if header is None:
                    header = cells
                elif not all(re.fullmatch(r":?-{3,}:?", c) for c in cells):
                    for i, cell in enumerate(cells):
                        name = header[i] if i < len(header) else ""
                        if CITE.search(cell) and not name.lower().startswith("source"):
                            problems.append(f"{rel}:{n}: citation in the table cell of column "
                                            f"'{name}': put sources in a Sources column")
                continue
            header = None
            # list-tables: `* - a` starts a row, `  - b` continues it
            if re.match(r"^(:::+|```+)\s*\{list-table\}", stripped):
                list_table = {"header_rows": 0, "rows": [], "fence": stripped.split("{")[0]}
                continue
            if list_table is not None:
                if stripped == list_table["fence"]:
                    list_table = None
                    continue
                m = re.match(r":header-rows:\s*(\d+)", stripped)
                if m:
                    list_table["header_rows"] = int(m.group(1))
                    continue
                if re.match(r"^\*\s+-\s", line):
                    list_table["rows"].append([])
                if re.match(r"^(\*\s+)?\s*-\s", line) and list_table["rows"]:
                    cell = re.sub(r"^(\*\s+)?\s*-\s", "", line)
                    row = list_table["rows"][-1]
                    row.append(cell)
                    if len(list_table["rows"]) > list_table["header_rows"] and CITE.search(cell):
                        head = list_table["rows"][0] if list_table["header_rows"] else []
                        name = head[len(row) - 1].strip() if len(row) - 1 < len(head) else ""
                        if not name.lower().startswith("source"):
                            problems.append(f"{rel}:{n}: citation in the table cell of column "
                                            f"'{name}': put sources in a Sources column")
    return problems


def load_facts(root: Path) -> list[dict]:
    path = root / "data" / "_facts.yml"
    if not path.exists():
        return []
    return yaml.safe_load(path.read_text(encoding="utf-8"))["facts"]


def check_shared_facts(root: Path) -> list[str]:
    """A figure stated in several chapters has one value: every statement that a fact's pattern
    finds must give the value registered in data/_facts.yml."""
    problems = []
    facts = load_facts(root)
    compiled = [(f, re.compile(f.get("context", "")), [re.compile(p, re.I) for p in f["patterns"]])
                for f in facts]
    seen: set[str] = set()
    for md in markdown_files(root):
        for n, line in prose_lines(md):
            for fact, context, patterns in compiled:
                if not context.search(line):
                    continue
                for pattern in patterns:
                    for m in pattern.finditer(line):
                        found = m.group("value")
                        seen.add(fact["id"])
                        if found is not None and found.strip() != str(fact["value"]):
                            problems.append(f"{_rel(md, root)}:{n}: '{m.group(0).strip()}' gives "
                                            f"{found.strip()!r} for {fact['what']}; "
                                            f"data/_facts.yml says {fact['value']!r} "
                                            f"(fact '{fact['id']}')")
    lines = (root / "data" / "_facts.yml").read_text(encoding="utf-8").splitlines() if facts else []
    for fact in facts:
        if fact["id"] not in seen:
            line = next((n for n, l in enumerate(lines, 1) if f"id: {fact['id']}" in l), 1)
            problems.append(f"data/_facts.yml:{line}: fact '{fact['id']}' is stated nowhere: its "
                            "patterns match no chapter (fix the patterns, or remove the fact)")
    return problems


def main(argv: list[str] | None = None) -> int:
    """`python tests/checks.py [BOOK_FOLDER]`: run the source checks on a book folder."""
    root = Path((argv or sys.argv[1:] or [str(Path(__file__).resolve().parent.parent)])[0])
    found = []
    for check in (check_citations, check_bibliography, check_glossary, check_toc,
                  check_source_links, check_process_narration, check_repeated_citations,
                  check_table_citations, check_shared_facts):
        found += check(root)
    print("\n".join(found) or "all source checks pass")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())


# --- hosted CI runs what .ci/run runs ------------------------------------------------------------

CHECK_COMMANDS = re.compile(r"\b(?:make\s+(?:test|build|build-all)\b|pytest\b|jupyter-book\s+build\b|"
                            r"sphinx-build\b)")
OTHER_BROWSERS = re.compile(r"chromium-browser|google-chrome|chrome-stable|playwright\s+install|"
                            r"puppeteer|setup-chrome|firefox|msedge|snap\s+install", re.I)
DEBIAN_IMAGE = re.compile(r"^(?:docker\.io/)?(?:library/)?(?:python:3\.1[12]-bookworm|debian:(?:12|bookworm)[\w.-]*)$")


def check_workflows(root: Path) -> list[str]:
    """The hosted workflows run the checks only through `bash .ci/run`, in a Debian bookworm
    container, and install no browser but Debian's chromium (which .ci/run installs)."""
    problems, runners = [], 0
    for path in sorted((root / ".github" / "workflows").glob("*.y*ml")):
        rel = _rel(path, root)
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        workflow = yaml.safe_load(text) or {}

        def line_of(needle: str, start: int = 0) -> int:
            return next((n for n, l in enumerate(lines, 1) if n > start and needle in l), 1)

        for name, job in (workflow.get("jobs") or {}).items():
            steps = job.get("steps") or []
            job_line = line_of(f"  {name}:")
            runs_ci = False
            for step in steps:
                for key in ("run", "uses"):
                    value = str(step.get(key) or "")
                    first = value.strip().splitlines()[0] if value.strip() else ""
                    where = f"{rel}:{line_of(first, job_line) if first else job_line}"
                    if key == "run" and value.strip() == "bash .ci/run":
                        runs_ci = True
                        continue
                    if key == "run" and CHECK_COMMANDS.search(value):
                        problems.append(f"{where}: job '{name}' runs the checks itself "
                                        f"('{CHECK_COMMANDS.search(value).group(0)}'); call "
                                        "`bash .ci/run` instead")
                    if OTHER_BROWSERS.search(value):
                        problems.append(f"{where}: job '{name}' installs a browser other than "
                                        f"Debian's chromium ('{OTHER_BROWSERS.search(value).group(0)}')")
            if runs_ci:
                runners += 1
                container = job.get("container")
                image = container.get("image") if isinstance(container, dict) else container
                if not image or not DEBIAN_IMAGE.match(str(image)):
                    problems.append(f"{rel}:{job_line}: job '{name}' runs .ci/run outside a Debian "
                                    f"bookworm container (image: {image or 'none'})")
    ci_run = root / ".ci" / "run"
    if runners == 0:
        problems.append(".github/workflows: no job runs `bash .ci/run`")
    if ci_run.exists():
        script = ci_run.read_text(encoding="utf-8")
        if OTHER_BROWSERS.search(script):
            problems.append(f".ci/run:1: installs a browser other than Debian's chromium "
                            f"('{OTHER_BROWSERS.search(script).group(0)}')")
        if "need+=(chromium)" not in script and not re.search(r"apt-get install[^\n]*\bchromium\b",
                                                                script):
            problems.append(".ci/run:1: does not install Debian's chromium with apt-get")
        if "make test" not in script:
            problems.append(".ci/run:1: does not run `make test`")
    return problems


# --- code blocks --------------------------------------------------------------------------------

CODE_FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w+-]+)?\s*$")
VERSIONED = re.compile(r"\b\d+\.(?:\d+|x)\b|\b(?:19|20)\d\d\b|\bv\d+\b|\bPython 3\b", re.I)
NEEDS_MORE = re.compile(r"from_pretrained\(|hf_hub_download|load_dataset\(|snapshot_download|"
                        r"\.cuda\(|[\"']cuda[\"']|device_map=|docker run|pip install|ollama (?:pull|run|serve)|"
                        r"\bcurl\b|\bwget\b|git clone|OpenAI\(|openai\.|api_key|--gpus|nvidia-smi|"
                        r"-ngl\b|llama-bench|\./main\b|\./server\b|accelerate launch|torchrun|"
                        r"jupyter-book|kubectl|\bsudo\b", re.I)
SAYS_WHY = re.compile(r"needs?|requires?|download|GPU|network|server|API key|not run|offline|"
                      r"on first (?:run|use)|first run|internet|CUDA|a running", re.I)
COMMENT = {"python": "#", "bash": "#", "sh": "#", "shell": "#", "yaml": "#", "toml": "#",
           "postgresql": "--", "sql": "--", "dockerfile": "#"}


def code_blocks(path: Path):
    """(language, first line, text) of each fenced code block (not directives)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    i = 0
    while i < len(lines):
        m = CODE_FENCE.match(lines[i])
        if m and m.group(3) and not lines[i].strip()[len(m.group(2)):].strip().startswith("{"):
            fence, lang, start = m.group(2), m.group(3).lower(), i + 1
            j = i + 1
            while j < len(lines) and not (lines[j].strip().startswith(fence[0] * len(fence))
                                          and not lines[j].strip().strip(fence[0])):
                j += 1
            yield lang, start, "\n".join(lines[i + 1:j])
            i = j + 1
            continue
        i += 1


def _syntax_error(lang: str, text: str) -> str | None:
    import json
    import tomllib

    try:
        if lang == "python":
            compile(text, "<block>", "exec")
        elif lang in ("yaml", "yml"):
            list(yaml.safe_load_all(text))
        elif lang == "json":
            json.loads(text)
        elif lang == "toml":
            tomllib.loads(text)
        elif lang in ("bash", "sh", "shell"):
            proc = subprocess.run(["bash", "-n"], input=text, capture_output=True, text=True)
            if proc.returncode:
                return proc.stderr.strip().replace("bash: ", "")
    except (SyntaxError, ValueError, yaml.YAMLError) as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
    return None


def check_code_blocks(root: Path) -> list[str]:
    """Every code block parses in its language (Python compiles; YAML, JSON and TOML parse;
    shell passes `bash -n`), names in a comment the versions it was written for, and says in a
    comment why it cannot run as it stands where it needs a GPU, a download, a network or a
    server. (Executed {code-cell} cells are checked by running them.)"""
    problems = []
    for md in markdown_files(root):
        rel = _rel(md, root)
        for lang, line, text in code_blocks(md):
            error = _syntax_error(lang, text)
            if error:
                problems.append(f"{rel}:{line}: {lang} block does not parse: {error}")
            mark = COMMENT.get(lang)
            if not mark:
                continue  # JSON has no comments; the prose above it dates it
            comments = "\n".join(l.strip() for l in text.splitlines() if l.strip().startswith(mark))
            if not VERSIONED.search(comments):
                problems.append(f"{rel}:{line}: {lang} block names no version or date in a comment "
                                "(say what it was written for, e.g. '# vLLM 0.2.x, November 2023')")
            if NEEDS_MORE.search(text) and not SAYS_WHY.search(comments):
                problems.append(f"{rel}:{line}: {lang} block needs more than this machine "
                                f"('{NEEDS_MORE.search(text).group(0)}') but no comment says so")
    return problems
