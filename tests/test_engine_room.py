"""The build machinery: caches return what upstream returns, slow imports stay deferred, the
commands fail fast and say how to recover, and markup fixes are made where markup is made."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import time

import pytest

from conftest import ROOT


def run_python(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          cwd=ROOT, env={"PYTHONPATH": str(ROOT / "_ext")}).stdout.strip()


# --- bibtex_cache ------------------------------------------------------------------------------

def test_plugin_lookups_are_memoised_and_a_later_registration_still_wins():
    out = run_python(
        "import bibtex_cache, pybtex.plugin as p\n"
        "bibtex_cache._memoise_plugin_lookup()\n"
        "a = p.find_plugin('pybtex.style.formatting', 'plain')\n"
        "assert p.find_plugin('pybtex.style.formatting', 'plain') is a\n"
        "print(p._load_entry_point.cache_info().hits)\n"
        "class Mine(a): pass\n"
        "p.register_plugin('pybtex.style.formatting', 'plain', Mine, force=True)\n"
        "print(p.find_plugin('pybtex.style.formatting', 'plain').__name__)")
    hits, name = out.splitlines()
    assert int(hits) >= 1 and name == "Mine"


def test_cached_formatting_equals_uncached_and_follows_edits():
    out = run_python(
        "import bibtex_cache, citations, pybtex.database, pybtex.plugin as p\n"
        "from pybtex.style.formatting import BaseStyle\n"
        "bibtex_cache._memoise_plugin_lookup(); bibtex_cache._cache_formatted_entries()\n"
        "citations._register_pybtex_styles()\n"
        "style = p.find_plugin('pybtex.style.formatting', 'book')()\n"
        "bib = pybtex.database.parse_file('references.bib')\n"
        "raw = BaseStyle.format_entry.__wrapped__\n"
        "sample = list(bib.entries.values())[::5]\n"
        "same = all(style.format_entry('L', e).text.render_as('text') == "
        "raw(style, 'L', e).text.render_as('text') for e in sample)\n"
        "e = next(iter(bib.entries.values())); before = style.format_entry('L', e)\n"
        "again = style.format_entry('L', e) is before\n"
        "e.fields['title'] = 'An edited title'\n"
        "edited = 'An edited title' in style.format_entry('L', e).text.render_as('text')\n"
        "print(same, again, edited, len(sample))")
    same, again, edited, count = out.split()
    assert (same, again, edited) == ("True", "True", "True") and int(count) > 50


def test_indexed_filtering_selects_what_upstream_selects():
    """The citing-documents index and the shortcut for ``docname in docnames`` pick the same
    entries, in the same order, as sphinxcontrib-bibtex's own filter walk."""
    out = run_python(
        "import ast, bibtex_cache, collections\n"
        "from types import SimpleNamespace as NS\n"
        "Key = collections.namedtuple('Key', 'docname id')\n"
        "from sphinxcontrib.bibtex import domain\n"
        "bibtex_cache._index_citing_documents()\n"
        "ours = domain.BibtexDomain.get_filtered_entries\n"
        "upstream = ours.book_upstream\n"
        "entries = [NS(key=k, type='misc', persons={}, fields={}) for k in 'abcde']\n"
        "refs = [NS(docname='ch1', targets=[NS(key='a')]),\n"
        "        NS(docname='ch2', targets=[NS(key='b'), NS(key='a'), NS(key='x')])]\n"
        "for doc in ('ch1', 'ch2', 'ch3'):\n"
        "    for f in ('docname in docnames', 'cited', 'not cited', 'True',\n"
        "              'docname in docnames or key == \"d\"'):\n"
        "        bib = NS(bibfiles=[], keyprefix='', filter_=ast.parse(f), keys=['c'], line=1)\n"
        "        key = Key(doc, 'b')\n"
        "        fake = NS(citation_refs=refs, bibliographies={key: bib},\n"
        "                  get_entries=lambda files: entries)\n"
        "        a = [k for k, _ in ours(fake, key)]\n"
        "        b = [k for k, _ in upstream(fake, key)]\n"
        "        print(doc, repr(f), a == b, ''.join(a))\n")
    lines = out.splitlines()
    assert len(lines) == 15 and all(" True " in line for line in lines), out
    assert "ch1 'docname in docnames' True ac" in lines and "ch3 'docname in docnames' True c" in lines


# --- lazy_imports ------------------------------------------------------------------------------

def test_opengraph_loads_without_matplotlib_and_cards_still_resolve():
    out = run_python(
        "import sys, lazy_imports, sphinxext.opengraph\n"
        "print('matplotlib' in sys.modules)\n"
        "print(callable(lazy_imports._real_social_cards().create_social_card))")
    assert out.splitlines() == ["False", "True"]


def test_myst_nb_loads_without_jupyter_cache_and_the_clients_still_work():
    """myst-nb's extension module loads without jupyter-cache or SQLAlchemy; creating the
    caching client (what a page with code cells does) loads the real one."""
    out = run_python(
        "import sys, lazy_imports, myst_nb.sphinx_ext\n"
        "from myst_nb.core.execute import create_client, NotebookClientCache\n"
        "print('jupyter_cache' in sys.modules, 'sqlalchemy' in sys.modules)\n"
        "real = lazy_imports.real_module('myst_nb.core.execute.cache')\n"
        "print('jupyter_cache' in sys.modules, real.NotebookClientCache.__mro__[1].__name__)\n"
        "print(NotebookClientCache.__name__, callable(NotebookClientCache))")
    assert out.splitlines() == ["False False", "True NotebookClientBase",
                                "NotebookClientCache True"]


# --- data_files --------------------------------------------------------------------------------

def test_validation_memo_follows_an_edit_of_the_same_size(tmp_path):
    import shutil

    import data_files

    (tmp_path / "data").mkdir()
    for name in ("_vocabulary.yml", "_table.schema.json"):
        shutil.copy(ROOT / "data" / name, tmp_path / "data" / name)
    (tmp_path / "references.bib").write_text("@misc{a2020, title={A}, year={2020}, url={https://a.org}}\n")
    table = tmp_path / "data" / "t.yml"
    text = ("caption: A small table for the test\ncolumns:\n  name: {title: Name, type: text}\n"
            "  released: {title: Released, type: date}\nrows:\n  - name: A\n    released: 2023-11\n"
            "    as_of: 2023-12\n    sources: [a2020]\n")
    table.write_text(text)
    assert data_files.validate_table(table, tmp_path)[1] == []
    table.write_text(text.replace("released: 2023-11", "released: 2023-13"))  # same size
    problems = data_files.validate_table(table, tmp_path)[1]
    assert [str(p) for p in problems] == [
        "data/t.yml:7: row 1 (A), field 'released': malformed date '2023-13': use YYYY, YYYY-MM "
        "or YYYY-MM-DD"]


def test_validation_memo_kept_between_builds_and_dropped_when_the_checker_changes(tmp_path, monkeypatch):
    """A memo kept in the build environment answers the next build without checking the table
    again, unless the table or the checking code changed."""
    import importlib
    import shutil

    import data_files

    (tmp_path / "data").mkdir()
    for name in ("_vocabulary.yml", "_table.schema.json"):
        shutil.copy(ROOT / "data" / name, tmp_path / "data" / name)
    (tmp_path / "references.bib").write_text("@misc{a2020, title={A}, year={2020}, url={https://a.org}}\n")
    table = tmp_path / "data" / "t.yml"
    table.write_text("caption: A small table for the test\ncolumns:\n  name: {title: Name, type: text}\n"
                     "  released: {title: Released, type: date}\nrows:\n  - name: A\n"
                     "    released: 2023-11\n    as_of: 2023-12\n    sources: [a2020]\n")
    store: dict = {}
    data_files.keep_memo_in(store)
    first = data_files.validate_table(table, tmp_path)
    assert first[1] == [] and len(store) == 1

    fresh = importlib.reload(data_files)  # the next build: a new process, the memo from the env
    try:
        fresh.keep_memo_in(store)
        checked = []
        real = fresh._validate_table
        monkeypatch.setattr(fresh, "_validate_table", lambda *a: checked.append(a) or real(*a))
        assert fresh.validate_table(table, tmp_path)[1] == [] and checked == []
        monkeypatch.setattr(fresh, "_CODE", "edited checker")
        assert fresh.validate_table(table, tmp_path)[1] == [] and len(checked) == 1
        table.write_text(table.read_text().replace("as_of: 2023-12", "as_of: 2023-13"))
        assert fresh.validate_table(table, tmp_path)[1] and len(checked) == 2
        assert len(store) == 1, "one result per file"
    finally:
        fresh.keep_memo_in({})


def test_search_index_after_an_incremental_build_equals_the_clean_one(tmp_path):
    """Editing a chapter and building again must not drop the glossary's index entries from
    the search index (Sphinx 7.4 does; see _ext/search_index.py)."""
    import json
    import shutil

    from conftest import FIXTURES, build, with_extensions

    def index(book):
        text = (book / "_build/dirhtml/searchindex.js").read_text()
        return json.loads(text[text.index("(") + 1:text.rindex(")")])

    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "minibook", book)
    with_extensions(book, "search_index")
    assert build(book).returncode == 0
    clean = index(book)
    assert clean["indexentries"], "the fixture's glossary gives index entries"
    alpha = book / "alpha.md"
    original = alpha.read_text()
    alpha.write_text(original.replace("## Context\n", "## Context\n\nEdited.\n"))
    assert build(book, clean=False).returncode == 0
    alpha.write_text(original)
    assert build(book, clean=False).returncode == 0
    assert index(book) == clean


# --- make ------------------------------------------------------------------------------------------

def test_a_busy_port_fails_fast_and_says_what_to_do():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        start = time.monotonic()
        proc = subprocess.run(["make", "-s", "serve", f"PORT={port}"], cwd=ROOT,
                              capture_output=True, text=True, timeout=60)
        elapsed = time.monotonic() - start
    assert proc.returncode != 0 and elapsed < 10
    assert f"port {port} on 127.0.0.1 is not free" in proc.stderr
    assert f"make serve PORT=8001" in proc.stderr
    assert "Running Jupyter-Book" not in proc.stdout  # nothing was built


def test_make_help_lists_targets_and_variables_in_aligned_columns():
    out = subprocess.run(["make", "-s", "help"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    rows = [l for l in out.splitlines() if l.startswith("  ")]
    names = [l.split()[0] for l in rows]
    for needed in ("serve", "livehtml", "test", "build", "bench", "PORT=8000", "HOST=127.0.0.1"):
        assert needed in names, out
    columns = {len(l) - len(l[2:].lstrip().split(" ", 1)[1].lstrip()) for l in rows
               if len(l.split()) > 1}
    assert len(columns) == 1, out


# --- make livehtml ----------------------------------------------------------------------------------

def test_livehtml_builds_a_page_edit_in_the_waiting_process_and_anything_else_afresh(tmp_path):
    """`make livehtml` (tests/livehtml.py): a saved page shows up, built by the process that
    set up while the author edited; a change to anything but pages gets a fresh process."""
    import os
    import shutil
    import signal
    import urllib.request

    from conftest import FIXTURES, jupyter_book

    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "minibook", book)
    subprocess.run([jupyter_book(), "config", "sphinx", str(book)], check=True,
                   capture_output=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log = (tmp_path / "live.log").open("w")
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "tests" / "livehtml.py"), str(book), str(book / "_build/live"),
         "--builder", "dirhtml", "-W", "-n", "--keep-going", "--port", str(port),
         "--host", "127.0.0.1", "--ignore", "*/_build/*"],
        cwd=book, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

    def page_shows(text: str, timeout: float = 90) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/alpha/", timeout=5) as r:
                    if text in r.read().decode():
                        return True
            except OSError:
                pass
            time.sleep(0.2)
        return False

    def messages() -> list[str]:
        return re.findall(r"Rebuilding[^\n\x1b]*", (tmp_path / "live.log").read_text())

    try:
        assert page_shows("Alpha"), (tmp_path / "live.log").read_text()[-3000:]
        assert messages() == ["Rebuilding in a fresh process (first build, or more than pages changed)..."]
        time.sleep(4)  # the author reads the page; the next build sets up
        alpha = book / "alpha.md"
        alpha.write_text(alpha.read_text().replace("## Context\n", "## Context\n\nLive marker one.\n"))
        assert page_shows("Live marker one."), (tmp_path / "live.log").read_text()[-3000:]
        assert messages()[-1] == "Rebuilding (set up while you edited)..."
        time.sleep(1)
        (book / "_static" / "extra.css").write_text("p { margin: 0 }\n")
        alpha.write_text(alpha.read_text().replace("Live marker one.", "Live marker two."))
        assert page_shows("Live marker two."), (tmp_path / "live.log").read_text()[-3000:]
        assert "fresh process" in " ".join(messages()[2:])
        assert "build succeeded" in (tmp_path / "live.log").read_text()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()
    deadline = time.monotonic() + 20  # one may still be setting up; it ends when it reads EOF
    while subprocess.run(["pgrep", "-f", f"livehtml.py --book-warm-build {book}"],
                         capture_output=True).returncode == 0:
        assert time.monotonic() < deadline, "a waiting build process outlived the server"
        time.sleep(0.5)


def test_livehtml_tells_pages_from_everything_else(tmp_path):
    sys.path.insert(0, str(ROOT / "tests"))
    try:
        from livehtml import only_pages
    finally:
        sys.path.remove(str(ROOT / "tests"))
    root = tmp_path
    assert only_pages([root / "models.md", root / "licences.md"], root)
    for other in ("_ext/citations.py", "_config.yml", "_toc.yml", "references.bib",
                  "data/models.yml", "figures/hnsw-search.py", "_static/book.css",
                  "_ext/notes.md"):
        assert not only_pages([root / "models.md", root / other], root), other
    assert not only_pages([], root) and not only_pages([tmp_path.parent / "x.md"], root)


# --- markup_fixes (axe-core asks for each; the browser tests run axe) -------------------------------

def test_markup_fixes_are_in_the_built_pages(site):
    html = (site / "licences" / "index.html").read_text()
    assert re.search(r'<p aria-level="2" class="caption" role="heading">', html)
    wrappers = re.findall(r'<div class="table-wrapper[^"]*"[^>]*>', html)
    assert wrappers and all('tabindex="0"' in w for w in wrappers)
    assert all("tabindex" in p for p in re.findall(r"<pre\b[^>]*>", html))
    assert 'role="doc-biblioentry"' not in html and 'role="listitem"' in html


# --- citations ------------------------------------------------------------------------------------

def test_no_two_works_share_a_label_anywhere_in_the_site(site):
    """Every in-text label names one work across the whole site, and reads as its list label."""
    works: dict[str, set[str]] = {}
    for page in sorted(site.rglob("index.html")):
        html = page.read_text()
        entries = dict(re.findall(r'<div class="citation" id="([^"]+)" role="listitem">\s*<span '
                                  r'class="label"><span class="fn-bracket">\[</span>(?:<a[^>]*>)?'
                                  r'([^<]+)', html))
        for target, label in re.findall(r'<a class="reference internal" href="#(id\d+)"[^>]*>'
                                        r'([^<]+)</a>', html):
            if target in entries and re.search(r"\d{4}[a-z]*$", label):
                # parenthetical: the whole label; textual ({cite:t}): its year part
                assert label in (entries[target], entries[target].rsplit(", ", 1)[-1]), (
                    page, label, entries[target])
        for cid, label in entries.items():
            text = re.search(rf'<div class="citation" id="{cid}".*?<p>(.*?)</p>', html, re.S).group(1)
            works.setdefault(label, set()).add(re.sub(r"<[^>]+>|\s+", " ", text).strip())
    shared = {label: texts for label, texts in works.items() if len(texts) > 1}
    assert works and shared == {}, list(shared.items())[:3]


# --- figure_numbers ----------------------------------------------------------------------------

def test_figure_numbers_from_outlines_match_sphinx(tmp_path):
    """Numbers assigned from the outlines are the ones Sphinx assigns from the doctrees, and
    with the outlines a {numref} no longer unpickles its target page's doctree."""
    import shutil

    from conftest import FIXTURES, build, with_extensions

    figure = (":::{{figure}} _static/pic.svg\n:name: {name}\n:alt: A picture\n\nCaption {name}.\n:::\n\n")
    table = ":::{{table}} Table {name}\n:name: {name}\n\n| a | b |\n| - | - |\n| 1 | 2 |\n:::\n\n"
    probe = ("import sys\nfrom sphinx.environment import BuildEnvironment\n"
             "def setup(app):\n    real = BuildEnvironment.get_doctree\n"
             "    def get_doctree(self, docname):\n"
             "        if sys._getframe(1).f_code.co_name == '_resolve_numref_xref':\n"
             "            with open(app.srcdir / 'numref-loads.txt', 'a') as f:\n"
             "                f.write(docname + '\\n')\n"
             "        return real(self, docname)\n"
             "    BuildEnvironment.get_doctree = get_doctree\n"
             "    return {'parallel_read_safe': True}\n")
    numbers, loads = {}, {}
    for with_outlines in (False, True):
        book = tmp_path / f"book-{with_outlines}"
        shutil.copytree(FIXTURES / "minibook", book)
        with_extensions(book, *(["figure_numbers"] if with_outlines else []), "numref_probe")
        (book / "_ext" / "numref_probe.py").write_text(probe)
        text = (book / "alpha.md").read_text()
        extra = "## Pictures\n\n" + figure.format(name="fig-a") + table.format(name="tab-a") + \
            "### Deeper\n\n" + figure.format(name="fig-b") + "See {numref}`fig-b` and {numref}`tab-a`.\n\n"
        (book / "alpha.md").write_text(text.replace("## References", extra + "## References"))
        (book / "index.md").write_text((book / "index.md").read_text() + "\n" + figure.format(name="fig-0"))
        proc = build(book)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        html = (book / "_build/dirhtml/alpha/index.html").read_text()
        html += (book / "_build/dirhtml/index.html").read_text()
        numbers[with_outlines] = re.findall(r'<span class="caption-number">([^<]+)</span>', html) + \
            re.findall(r'<span class="std std-numref">([^<]+)</span>', html)
        log = book / "numref-loads.txt"
        loads[with_outlines] = log.read_text().split() if log.exists() else []
    assert numbers[True] == numbers[False] and len(numbers[True]) >= 5, numbers
    assert loads[False] == ["alpha", "alpha"] and loads[True] == [], loads


# --- shared_facts --------------------------------------------------------------------------------

def test_a_shared_fact_can_be_written_as_a_substitution(tmp_path):
    import shutil

    from conftest import FIXTURES, build, with_extensions

    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "minibook", book)
    with_extensions(book, "shared_facts")
    config = (book / "_config.yml").read_text().replace("[colon_fence, deflist]",
                                                          "[colon_fence, deflist, substitution]")
    (book / "_config.yml").write_text(config)
    (book / "data").mkdir()
    (book / "data" / "_facts.yml").write_text(
        "facts:\n  - id: widget_weight\n    what: the weight of a widget\n    value: 3 kg\n"
        "    patterns: ['widget weighs (?P<value>\\d+ kg)']\n")
    text = (book / "alpha.md").read_text().replace("## Context\n", "## Context\n\nA widget weighs "
                                                   "{{ widget_weight }}.\n")
    (book / "alpha.md").write_text(text)
    proc = build(book)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "A widget weighs 3 kg." in (book / "_build/dirhtml/alpha/index.html").read_text()


# --- svg_figures -------------------------------------------------------------------------------

def test_every_figure_is_drawn_the_same_whatever_the_hash_seed():
    """Reproducible pages: a figure script must not depend on the order of a set or dict of
    strings, which changes with Python's per-run hash seed."""
    code = ("import hashlib, pathlib, svg_figures\n"
            "root = pathlib.Path('.')\n"
            "for script in sorted(root.glob('figures/*.py')):\n"
            "    svg = svg_figures.render(root, script.stem, 'alt')\n"
            "    print(script.stem, hashlib.sha256(svg.encode()).hexdigest()[:16])\n")
    drawn = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=ROOT,
                            env={"PYTHONPATH": str(ROOT / "_ext"), "PYTHONHASHSEED": seed}).stdout
             for seed in ("1", "2", "3")]
    assert len(drawn[0].splitlines()) >= 20 and drawn[0] == drawn[1] == drawn[2], drawn


# --- search index --------------------------------------------------------------------------------

def test_search_index_stems_with_the_c_stemmer_and_the_same_stems():
    """Sphinx stems every word of the book for the search index; snowballstemmer's pure-Python
    Porter stemmer took a tenth of a clean build. With PyStemmer installed (requirements.txt)
    snowballstemmer hands the work to the C library: it must be the one in use, and it must
    give the pure-Python stems for every word of a chapter, so the index is unchanged."""
    import Stemmer
    import snowballstemmer
    from snowballstemmer.porter_stemmer import PorterStemmer
    from sphinx.search.en import SearchEnglish

    search = SearchEnglish({})
    assert isinstance(search.stemmer, Stemmer.Stemmer)
    words = set(re.findall(r"[a-z]{2,}", (ROOT / "fine-tuning.md").read_text().lower()))
    pure = PorterStemmer()
    different = {w for w in words if search.stem(w) != pure.stemWord(w)}
    assert len(words) > 1000 and different == set(), sorted(different)[:10]
    assert snowballstemmer.stemmer("porter").stemWord("quantisation") == "quantis"
