"""The PDF and EPUB editions (tests/editions.py), made from the site the run built.

One module, so pytest-xdist runs it in one process while the other keeps going: the EPUB is
packaged first and epubcheck (Java) checks it while Chromium prints the PDF. Each check is also
seen failing, on a small PDF printed without bookmarks or a title page, and on a copy of the
EPUB whose navigation lacks a chapter.

Skipped only where Chromium or epubcheck is absent and CI is not set; on CI a skip fails the run."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml

import editions
from conftest import ROOT

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not editions.CHROMIUM.exists() and not os.environ.get("CI"),
                       reason="Debian's Chromium is not installed (apt-get install chromium)"),
    pytest.mark.skipif((not editions.EPUBCHECK.exists() or not shutil.which("qpdf"))
                       and not os.environ.get("CI"),
                       reason="Debian's epubcheck or qpdf is not installed (apt-get install epubcheck qpdf)"),
]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(editions.CHROMIUM), args=editions.FLAGS)
        yield b
        b.close()


def broken_epub(site: Path, out: Path) -> Path:
    """The front page alone as an EPUB, with an element XHTML does not have."""
    good = editions.make_epub(site, out.with_suffix(".good.epub"), docs=["index"])
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "EPUB/index.xhtml":
                data = data.replace(b"<h1>", b"<blink>no such element</blink><h1>", 1)
            dst.writestr(info, data)
    return out


@pytest.fixture(scope="module")
def made(site, browser, tmp_path_factory):
    """Both editions of the built site; epubcheck checks the EPUB, and a broken one, while the
    PDF prints."""
    out = tmp_path_factory.mktemp("editions")
    epub = editions.make_epub(site, out / "book.epub")
    checks = [subprocess.Popen(editions.epubcheck_command(path), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True)
              for path in (epub, broken_epub(site, out / "broken.epub"))]
    try:
        pdf = editions.print_pdf(site, out / "book.pdf", browser=browser)
    finally:
        results = [(c.communicate(timeout=600)[0].strip(), c.returncode) for c in checks]
    return SimpleNamespace(pdf=pdf, epub=epub, chapters=editions.chapter_outline(site),
                           epubcheck=results[0][::-1], epubcheck_broken=results[1][::-1])


@pytest.fixture(scope="module")
def pdf(made):
    from pypdf import PdfReader

    return PdfReader(str(made.pdf))


def works_sample(site, chapters):
    """The first cited work of every third chapter."""
    return editions.cited_works(site, [doc for doc, _, _ in chapters][::3])


def test_the_one_page_edition_opens_with_a_title_page_and_contents(site):
    html = (site / "whole-book" / "index.html").read_text(encoding="utf-8")
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    cover = re.search(r'<div class="book-cover print-only" id="book-cover">(.*?)</div>', html, re.S)
    assert cover and f"Version {cff['version']}" in cover.group(1)
    assert str(cff["version"]).split(".")[0] + " edition" in cover.group(1)
    assert ("DOI: " + cff["doi"]) in cover.group(1) if cff.get("doi") else "not minted yet" in cover.group(1)
    contents = re.search(r'<nav class="book-contents print-only".*?</nav>', html, re.S).group(0)
    for doc, title, _ in editions.chapter_outline(site):
        assert f'<a href="#chapter-{doc}">' in contents, doc
    assert "sphinx-design" in html.split("</head>")[0], "the front page's cards lose their styles"


def test_pdf_has_title_page_contents_bookmarks_and_a_page_per_chapter(made, pdf, site):
    problems = editions.pdf_problems(pdf, made.chapters, editions.facts(),
                                     works_sample(site, made.chapters))
    assert problems == []


def test_pdf_check_fails_without_bookmarks_title_page_or_chapter_pages(browser, tmp_path):
    """The check above, seen failing: two chapters on one page, no title page, and once without
    bookmarks at all."""
    page = browser.new_page()
    page.set_content("<h1 id='chapter-a'>Alpha</h1><h2>One</h2><p>Text.</p>"
                     "<h1 id='chapter-b'>Beta</h1><p><a href='http://127.0.0.1:9/b/'>Smith, 2020</a></p>")
    page.pdf(path=str(tmp_path / "flat.pdf"), outline=True, tagged=True)
    page.pdf(path=str(tmp_path / "bare.pdf"))
    page.close()
    chapters = [("a", "Alpha", ["One"]), ("b", "Beta", ["Two"])]
    f = editions.facts()
    flat = editions.pdf_problems(tmp_path / "flat.pdf", chapters, f, [("b", "id1", "Smith, 2020")])
    assert any(p.startswith("page 1: the title page does not give the version") for p in flat)
    assert "chapters do not start on pages of their own, in order: [0, 0]" in flat
    assert "'Beta': section bookmarks [] are not the sections ['Two']" in flat
    assert "'Alpha': the contents do not link to page 1" in flat
    assert "b: no link reaches the cited work 'Smith, 2020'" in flat
    assert "links to a local or insecure address: ['http://127.0.0.1:9/b/']" in flat
    bare = editions.pdf_problems(tmp_path / "bare.pdf", chapters, f, [])
    assert "no bookmarks" in bare and "no bookmark for the chapter 'Alpha'" in bare
    # `make pdf` compresses the PDF with qpdf: it must keep the bookmarks, links and text
    assert editions.compress_pdf(tmp_path / "flat.pdf")
    assert editions.pdf_problems(tmp_path / "flat.pdf", chapters, f,
                                 [("b", "id1", "Smith, 2020")]) == flat


def test_pdf_links_stay_inside_the_book_or_go_to_the_published_site(pdf):
    inside = outside = 0
    for page in pdf.pages[2:40]:
        for annot in page.get("/Annots") or []:
            a = annot.get_object()
            if "/Dest" in a:
                inside += 1
            elif "/A" in a and "/URI" in a["/A"]:
                outside += 1
                assert str(a["/A"]["/URI"]).startswith("https://"), a["/A"]["/URI"]
    assert inside > 50 and outside > 10


def test_epub_passes_epubcheck(made):
    code, messages = made.epubcheck
    assert code == 0 and not re.search(r"^(ERROR|FATAL|WARNING)", messages, re.M), messages
    # seen failing: the same check on an EPUB with an element XHTML does not have
    code, messages = made.epubcheck_broken
    assert code != 0 and re.search(r'^ERROR\(RSC-005\): .*index\.xhtml.*"blink"', messages, re.M), messages


def test_epub_lists_every_chapter_in_its_navigation(made):
    assert editions.epub_problems(made.epub, made.chapters) == []
    with zipfile.ZipFile(made.epub) as z:
        nav = z.read("EPUB/nav.xhtml").decode()
        title = z.read("EPUB/title.xhtml").decode()
    for _, chapter, sections in made.chapters:
        assert all(html.escape(s) in nav for s in sections[:3]), chapter
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert f"Version {cff['version']}" in title and "edition" in title


def test_epub_check_finds_a_chapter_missing_from_the_navigation(made, tmp_path):
    broken = tmp_path / "broken.epub"
    with zipfile.ZipFile(made.epub) as src, zipfile.ZipFile(broken, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "EPUB/nav.xhtml":
                data = re.sub(rb'<li><a href="models\.xhtml">.*?</li>(?=\s*<li><a href="unaligned)',
                              b"", data, flags=re.S)
            dst.writestr(info, data)
    assert editions.epub_problems(broken, made.chapters) == [
        "the chapter 'Models' is not in the navigation"]


def test_front_page_links_the_editions_with_their_sizes_once_they_exist(site, tmp_path):
    from front_page import link_editions

    html = (site / "index.html").read_text(encoding="utf-8")
    assert '<p class="book-editions">' in html
    copy = tmp_path / "site"
    (copy / "whole-book").mkdir(parents=True)
    (copy / "index.html").write_text(html)
    (copy / "whole-book" / "index.html").write_text(
        (site / "whole-book" / "index.html").read_text(encoding="utf-8"))
    title = editions.book_title()
    assert link_editions(copy, title) == []  # nothing made yet: nothing linked
    (copy / "_downloads").mkdir()
    (copy / "_downloads" / "state-of-open-source-ai.pdf").write_bytes(b"x" * 2_345_678)
    (copy / "_downloads" / "state-of-open-source-ai.epub").write_bytes(b"x" * 456_789)
    assert len(link_editions(copy, title)) == 2
    front = (copy / "index.html").read_text()
    assert '<a class="reference download" href="_downloads/state-of-open-source-ai.pdf" ' \
           'download="">PDF (2.3 MB)</a>' in front
    assert 'href="_downloads/state-of-open-source-ai.epub" download="">EPUB (0.5 MB)</a>' in front
    assert 'href="../_downloads/state-of-open-source-ai.pdf"' in \
        (copy / "whole-book" / "index.html").read_text()
    assert link_editions(copy, title) == []  # unchanged: not written again


def test_make_targets_ci_and_release_make_and_publish_the_editions():
    make = (ROOT / "Makefile").read_text()
    for target in ("pdf", "epub"):
        assert re.search(rf"^{target}: .*## ", make, re.M), target
        assert f"tests/editions.py {target}" in make
    run = (ROOT / ".ci/run").read_text()
    assert "need+=(epubcheck)" in run and "need+=(qpdf)" in run
    assert run.index("\nmake test\n") < run.index("\nmake pdf epub\n")  # CI deploys the site it made
    release = (ROOT / ".github/workflows/release.yml").read_text()
    assert "bash .ci/run pdf epub" in release
    assert re.search(r"gh release upload [^\n]*\\\n\s*_build/editions/state-of-open-source-ai\.pdf "
                     r"_build/editions/state-of-open-source-ai\.epub", release)
