"""Page-weight budget: a chapter page with everything it loads stays within 80 KiB gzipped;
the glossary and the full bibliography, lists of every term and every work, within 160 KiB."""

import os

import checks
from conftest import ROOT

REFERENCE_PAGES = ("glossary", "bibliography")


def pages(site, reference: bool):
    names = [n for n in checks.toc_files(ROOT) if (n in REFERENCE_PAGES) == reference]
    return [site / ("index.html" if n == "index" else f"{n}/index.html") for n in names]


def test_every_chapter_page_is_within_80_kib(site):
    assert checks.check_page_weight(site, pages(site, reference=False)) == []


def test_reference_pages_are_within_160_kib(site):
    assert checks.check_page_weight(site, pages(site, reference=True),
                                    checks.REFERENCE_BUDGET_BYTES) == []


def test_the_budget_check_fails_on_a_heavy_page(tmp_path):
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "heavy.js").write_bytes(os.urandom(100_000))
    page = tmp_path / "index.html"
    page.write_text('<html><head><script src="_static/heavy.js"></script></head><body>x</body></html>')
    problems = checks.check_page_weight(tmp_path, [page])
    assert len(problems) == 1 and problems[0].startswith("index.html: 10") and "(budget 81,920)" in problems[0]
