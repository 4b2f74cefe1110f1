"""Every check, seen failing: each runs on a deliberately broken copy of the fixture book and
must report the right file, line and value. The unbroken fixture must pass every check."""

import re
from pathlib import Path

import pytest

import checks
from conftest import build, warnings_of


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str) -> int:
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {path}")


SOURCE_CHECKS = [checks.check_citations, checks.check_bibliography, checks.check_glossary,
                 checks.check_toc, checks.check_source_links]


@pytest.mark.parametrize("check", SOURCE_CHECKS, ids=lambda c: c.__name__)
def test_clean_fixture_passes(minibook, check):
    assert check(minibook) == []


def test_unknown_citation_key(minibook):
    edit(minibook / "alpha.md", "{cite:p}`roe2021gadgets`", "{cite:p}`roe2021gadgetz`")
    line = line_of(minibook / "alpha.md", "roe2021gadgetz")
    assert checks.check_citations(minibook) == [
        f"alpha.md:{line}: unknown citation key 'roe2021gadgetz' (not in references.bib)"]


def test_unknown_citation_key_among_several(minibook):
    edit(minibook / "alpha.md", "{cite:p}`doe2020widgets`", "{cite:p}`doe2020widgets, nope2000x`")
    assert any("unknown citation key 'nope2000x'" in p for p in checks.check_citations(minibook))


def test_duplicate_bib_entry(minibook):
    bib = minibook / "references.bib"
    bib.write_text(bib.read_text() + "\n@misc{doe2020widgets,\n  title = {Again},\n"
                   "  year = {2020},\n  url = {https://example.org/again}\n}\n")
    dup = [n for n, l in enumerate(bib.read_text().splitlines(), 1) if "doe2020widgets" in l][1]
    assert checks.check_bibliography(minibook) == [
        f"references.bib:{dup}: duplicate entry 'doe2020widgets' (first at line 1)"]


def test_unused_bib_entry(minibook):
    bib = minibook / "references.bib"
    bib.write_text(bib.read_text() + "\n@misc{lonely2022,\n  title = {Nobody cites me},\n"
                   "  year = {2022},\n  url = {https://example.org/lonely}\n}\n")
    line = line_of(bib, "lonely2022")
    assert checks.check_bibliography(minibook) == [
        f"references.bib:{line}: entry 'lonely2022' is never cited"]


@pytest.mark.parametrize("field,line,message", [
    ("  title = {On Widgets},\n", "title", "has no title"),
    ("  year = {2020},\n", "year", "has no year"),
    ("  url = {https://example.org/widgets}\n", "url", "has no url or doi"),
])
def test_bib_entry_missing_field(minibook, field, line, message):
    edit(minibook / "references.bib", field, "")
    assert checks.check_bibliography(minibook) == [
        f"references.bib:1: entry 'doe2020widgets' {message}"]


def test_bib_url_not_https(minibook):
    edit(minibook / "references.bib", "https://example.org/widgets", "http://example.org/widgets")
    problems = checks.check_bibliography(minibook)
    assert "references.bib:1: entry 'doe2020widgets' url is not https: " \
           "'http://example.org/widgets'" in problems


def test_unknown_glossary_term(minibook):
    edit(minibook / "alpha.md", "<Widget>", "<Wodget>")
    line = line_of(minibook / "alpha.md", "Wodget")
    assert checks.check_glossary(minibook) == [f"alpha.md:{line}: unknown glossary term 'Wodget'"]


def test_glossary_term_defined_twice(minibook):
    edit(minibook / "glossary.md", "Widget\n", "Widget\n  Once.\n\nWidget\n")
    assert checks.check_glossary(minibook) == [
        "glossary.md:10: term 'Widget' defined twice (first at line 7)"]


def test_chapter_missing_from_toc(minibook):
    (minibook / "beta.md").write_text("# Beta\n\n:::{admonition} TL;DR\n:class: tip\n- b\n:::\n")
    assert checks.check_toc(minibook) == ["beta.md:1: chapter 'beta' is missing from _toc.yml"]


def test_toc_entry_without_file(minibook):
    edit(minibook / "_toc.yml", "  - file: glossary\n", "  - file: glossary\n  - file: gamma\n")
    assert checks.check_toc(minibook) == ["_toc.yml:6: entry 'gamma' has no file gamma.md"]


def test_chapter_without_tldr(minibook):
    edit(minibook / "alpha.md", ":::{admonition} TL;DR", ":::{admonition} Summary")
    assert checks.check_toc(minibook) == [
        "alpha.md:1: chapter 'alpha' has no TL;DR box (an admonition titled TL;DR with class tip)"]


def test_tldr_without_tip_class(minibook):
    edit(minibook / "alpha.md", ":class: tip\n", "")
    assert checks.check_toc(minibook) == ["alpha.md:3: the TL;DR box of 'alpha' needs ':class: tip'"]


def test_http_link_in_source(minibook):
    edit(minibook / "alpha.md", "<https://example.org/>", "<http://example.org/>")
    line = line_of(minibook / "alpha.md", "<http://example.org/>")
    assert checks.check_source_links(minibook) == [
        f"alpha.md:{line}: insecure link 'http://example.org/' (use https://)"]


def test_image_without_alt_in_source(minibook):
    edit(minibook / "alpha.md", "![A small local picture]", "![]")
    line = line_of(minibook / "alpha.md", "![](_static/pic.svg)")
    assert checks.check_source_links(minibook) == [
        f"alpha.md:{line}: image '_static/pic.svg' has no alt text"]


def test_hotlinked_image_in_source(minibook):
    edit(minibook / "alpha.md", "(_static/pic.svg)", "(https://example.org/pic.png)")
    line = line_of(minibook / "alpha.md", "https://example.org/pic.png")
    assert checks.check_source_links(minibook) == [
        f"alpha.md:{line}: image 'https://example.org/pic.png' is hot-linked from another site "
        "(save it under _static/)"]


def test_figure_directive_without_alt(minibook):
    edit(minibook / "alpha.md", "![A small local picture](_static/pic.svg)",
         ":::{figure} _static/pic.svg\n:width: 50%\n\nA caption.\n:::")
    line = line_of(minibook / "alpha.md", "{figure}")
    assert checks.check_source_links(minibook) == [
        f"alpha.md:{line}: image '_static/pic.svg' has no alt text (add :alt:)"]


# --- checks on a built site -------------------------------------------------------------------

BROKEN_HTML = """
```{raw} html
<p><a href="../no-such-page/">gone</a> <a href="../glossary/#term-Nothing">no anchor</a>
<a href="http://example.org/">insecure</a></p>
<img src="../_static/pic.svg">
<img src="https://example.org/remote.png" alt="remote">
<script src="https://cdn.example.org/lib.js"></script>
```
"""


@pytest.fixture(scope="module")
def built_fixtures(tmp_path_factory):
    """The fixture book built twice: as it is, and with broken raw HTML (which builds silently)."""
    from conftest import FIXTURES
    import shutil

    out = {}
    for name in ("clean", "broken"):
        dest = tmp_path_factory.mktemp(name) / "book"
        shutil.copytree(FIXTURES / "minibook", dest)
        if name == "broken":
            with (dest / "alpha.md").open("a") as f:
                f.write(BROKEN_HTML)
        proc = build(dest)
        assert proc.returncode == 0, warnings_of(proc)
        out[name] = dest / "_build" / "dirhtml"
    return out


def test_clean_fixture_site_passes(built_fixtures):
    assert checks.check_built_html(built_fixtures["clean"]) == []
    assert checks.check_internal_links(built_fixtures["clean"]) == []
    assert checks.check_anchors(built_fixtures["clean"]) == []


def test_broken_internal_links_and_anchors_are_found(built_fixtures):
    problems = checks.check_internal_links(built_fixtures["broken"])
    assert len(problems) == 1 and re.match(
        r"alpha/:\d+: broken link '\.\./no-such-page/' \(404 File not found\)$", problems[0]), problems
    problems = checks.check_anchors(built_fixtures["broken"])
    assert len(problems) == 1 and re.match(
        r"alpha/index\.html:\d+: broken anchor '\.\./glossary/#term-Nothing' "
        r"\(no id 'term-Nothing' in glossary/index\.html\)$", problems[0]), problems


def test_built_html_problems_are_found(built_fixtures):
    problems = checks.check_built_html(built_fixtures["broken"])
    texts = [re.sub(r"^alpha/index\.html:\d+: ", "", p) for p in problems]
    assert texts == [
        "insecure link 'http://example.org/' (use https://)",
        "image '../_static/pic.svg' has no alt text",
        "image 'https://example.org/remote.png' is hot-linked from another site",
        "<script> loads 'https://cdn.example.org/lib.js' from another origin",
    ], problems
    assert all(re.match(r"alpha/index\.html:\d+: ", p) for p in problems)


def test_strict_build_fails_on_unknown_citation(minibook):
    edit(minibook / "alpha.md", "{cite:p}`roe2021gadgets`", "{cite:p}`roe2021gadgetz`")
    proc = build(minibook)
    assert proc.returncode != 0
    assert re.search(r"alpha\.md:\d+: WARNING: .*roe2021gadgetz", proc.stdout + proc.stderr)
