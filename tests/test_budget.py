"""Page-weight budget: a chapter page with everything it loads stays under 200 KB gzipped."""

import checks
from conftest import ROOT


def chapter_pages(site):
    return [site / n / "index.html" for n in checks.toc_files(ROOT) if n != "index"] + [site / "index.html"]


def test_every_page_is_within_the_byte_budget(site):
    assert checks.check_page_weight(site, chapter_pages(site)) == []


def test_the_budget_check_fails_on_a_heavy_page(tmp_path):
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "heavy.js").write_bytes(__import__("os").urandom(250_000))
    page = tmp_path / "index.html"
    page.write_text('<html><head><script src="_static/heavy.js"></script></head><body>x</body></html>')
    problems = checks.check_page_weight(tmp_path, [page])
    assert len(problems) == 1 and problems[0].startswith("index.html: 25") and "(budget 200,000)" in problems[0]
