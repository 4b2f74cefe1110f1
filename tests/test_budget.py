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


# --- less work for the browser (what Lighthouse counts as blocking time) ---------------------------

def test_code_tokens_drawn_like_plain_text_have_no_span(site):
    """Names, punctuation and whitespace look like plain text in both code styles, so they are
    written without a span (_ext/code_highlighting.py); every other token keeps its class."""
    import re

    import code_highlighting
    from pygments.styles import get_style_by_name
    from pygments.token import Comment, Keyword, Name, Punctuation, String, Text

    bare = code_highlighting.drawn_as_text([get_style_by_name("a11y-light"),
                                            get_style_by_name("a11y-dark")])
    assert {Name, Punctuation, Text.Whitespace} <= bare
    assert not {Keyword, String, Comment, Name.Builtin} & bare
    html = (site / "fine-tuning" / "index.html").read_text()
    code = "".join(re.findall(r"<pre\b.*?</pre>", html, re.S))
    classes = re.findall(r'<span class="([^"]*)"', code)
    assert len(classes) > 300 and {"k", "s2", "c1"} <= set(classes)
    assert not {"n", "p", "w"} & set(classes), "plain-text tokens still have spans"


def test_no_js_class_is_dropped_before_the_body_is_parsed(site):
    """Removing a class from <html> after load restyles the whole page; the head's one-line
    script removes it first (_ext/page_assets.py)."""
    from page_assets import EARLY_SCRIPT

    for page in ("fine-tuning", "bibliography", "."):
        html = (site / page / "index.html").read_text()
        head, body = html.split("<body", 1)
        assert EARLY_SCRIPT in head and 'class="no-js"' in head.split("<head", 1)[0]
        assert "furo.js" in body
