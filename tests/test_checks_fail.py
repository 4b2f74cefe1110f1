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


def test_bib_month_in_braces(minibook):
    edit(minibook / "references.bib", "  year = {2020},", "  year = {2020},\n  month = {dec},")
    assert checks.check_bibliography(minibook) == [
        "references.bib:5: month in braces prints as written: write month = dec, (the macro)"]


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
    """Problems in raw HTML are reported at their line in the Markdown source."""
    source = built_fixtures["broken"].parent.parent / "alpha.md"
    problems = checks.check_internal_links(built_fixtures["broken"])
    assert problems == [f"alpha.md:{line_of(source, '../no-such-page/')}: broken link "
                        "'../no-such-page/' (404 File not found)"], problems
    problems = checks.check_anchors(built_fixtures["broken"])
    assert problems == [f"alpha.md:{line_of(source, '#term-Nothing')}: broken anchor "
                        "'../glossary/#term-Nothing' (no id 'term-Nothing' in glossary/index.html)"]


def test_built_html_problems_are_found(built_fixtures):
    source = built_fixtures["broken"].parent.parent / "alpha.md"
    problems = checks.check_built_html(built_fixtures["broken"])
    assert problems == [
        f"alpha.md:{line_of(source, 'http://example.org/')}: insecure link "
        "'http://example.org/' (use https://)",
        f"alpha.md:{line_of(source, '<img src=')}: image '../_static/pic.svg' has no alt text",
        f"alpha.md:{line_of(source, 'remote.png')}: image 'https://example.org/remote.png' is "
        "hot-linked from another site",
        f"alpha.md:{line_of(source, 'lib.js')}: <script> loads 'https://cdn.example.org/lib.js' "
        "from another origin",
    ], problems


def test_problems_in_generated_pages_point_at_the_built_page(tmp_path):
    """A page with no Markdown source (generated) keeps its built path and line."""
    site = tmp_path / "_build" / "dirhtml"
    (site / "whole-book").mkdir(parents=True)
    (site / "whole-book" / "index.html").write_text('<p><a href="http://example.org/">x</a></p>\n')
    assert checks.check_built_html(site) == [
        "whole-book/index.html:1: insecure link 'http://example.org/' (use https://)"]


def test_strict_build_fails_on_unknown_citation(minibook):
    edit(minibook / "alpha.md", "{cite:p}`roe2021gadgets`", "{cite:p}`roe2021gadgetz`")
    proc = build(minibook)
    assert proc.returncode != 0
    assert re.search(r"alpha\.md:\d+: WARNING: .*roe2021gadgetz", proc.stdout + proc.stderr)


# --- "Since this edition" notes and their timeline (_ext/since_timeline.py) ----------------------

SINCE = """## Since this edition

- **March 2024.** Widgets got lighter {cite:p}`doe2020widgets`.
- **sometime 2024.** Gadgets got cheaper {cite:p}`roe2021gadgets`.
- **23 June 2025.** Widgets and gadgets merged; see {ref}`alpha-context`.

## References"""


def test_note_dates_in_every_form_the_chapters_use_and_the_ones_that_fail():
    import since_timeline

    text = ("# A\n\n## Since this edition\n\n- **23 June 2025.** One.\n- **March 2024.** Two,\n"
            "  continued.\n- **31 February 2024.** Three.\n- Four, undated.\n\nA closing paragraph."
            "\n\n## References\n\n- **Not a note.** Five.\n")
    notes, problems = since_timeline.parse_notes(text)
    assert [(n.when, n.label, n.text, n.line) for n in notes] == [
        ((2025, 6, 23), "23 June 2025", "One.", 5), ((2024, 3, 0), "March 2024", "Two,\ncontinued.", 6)]
    assert [line for line, _ in problems] == [8, 9]
    assert "'31 February 2024'" in problems[0][1] and "without a date" in problems[1][1]


def with_timeline(book: Path) -> Path:
    """The fixture book with "Since this edition" notes in alpha.md, one of them undated, and
    the book's timeline page (_ext/since_timeline.py); configured as the book is."""
    import shutil

    from conftest import ROOT

    edit(book / "_config.yml", "    nitpicky: true\n", "    nitpicky: true\n"
         "    myst_heading_anchors: 2\n    suppress_warnings: [bibtex.duplicate_citation]\n")
    edit(book / "alpha.md", "## Context\n", "(alpha-context)=\n## Context\n")
    edit(book / "alpha.md", "## References", SINCE)
    shutil.copy(ROOT / "since-2023.md", book / "since-2023.md")
    edit(book / "_toc.yml", "  - file: glossary\n", "  - file: since-2023\n  - file: glossary\n")
    return book


def timeline_dates(book: Path) -> list[str]:
    html = (book / "_build/dirhtml/since-2023/index.html").read_text()
    return re.findall(r"<li><p><strong>([^<]+)\.</strong>", html)


# --- warnings stay errors in incremental builds (_ext/sticky_warnings.py) ------------------------

def _unknown_term(book: Path) -> None:
    edit(book / "alpha.md", "{term}`widgets <Widget>`", "{term}`widgets <Nothing>`")


def test_without_sticky_warnings_a_second_build_passes(minibook):
    """The upstream behaviour the extension fixes: the page is not read again, so the warning
    is not repeated and the second strict build passes with the problem still there."""
    _unknown_term(minibook)
    assert build(minibook, clean=False).returncode != 0
    assert build(minibook, clean=False).returncode == 0


def test_a_warning_fails_every_build_until_it_is_fixed(minibook):
    """Two warnings at their lines fail every build until they are fixed: Sphinx's (a term not
    in the glossary) and the book's own (a "Since this edition" note whose date does not parse,
    _ext/since_timeline.py). The same builds show the timeline page: the other notes, newest
    first, linked to their chapter and citing from the page's own list; and once the chapter
    is fixed, the incremental build reads the timeline again, so it has every note."""
    from conftest import with_extensions

    with_timeline(with_extensions(minibook, "sticky_warnings", "since_timeline"))
    _unknown_term(minibook)
    line = line_of(minibook / "alpha.md", "sometime 2024")
    for _ in range(2):
        proc = build(minibook, clean=False)
        assert proc.returncode != 0
        assert re.search(r"alpha\.md:\d+: WARNING: term not in glossary: 'Nothing'",
                         proc.stdout + proc.stderr), warnings_of(proc)
        assert re.search(rf"alpha\.md:{line}: WARNING: .*date that does not parse: 'sometime 2024'",
                         proc.stdout + proc.stderr), warnings_of(proc)
    assert timeline_dates(minibook) == ["23 June 2025", "March 2024"]
    html = (minibook / "_build/dirhtml/since-2023/index.html").read_text()
    assert html.count('<a class="reference internal" href="../alpha/#since-this-edition">') == 2
    assert 'href="../alpha/#alpha-context"' in html
    cites = re.findall(r'<span class="bibtex-citation"[^>]*>\[<a class="reference internal" '
                       r'href="#([^"]+)"', html)
    assert len(cites) == 1 and f'id="{cites[0]}"' in html
    edit(minibook / "alpha.md", "{term}`widgets <Nothing>`", "{term}`widgets <Widget>`")
    edit(minibook / "alpha.md", "**sometime 2024.**", "**9 May 2024.**")
    proc = build(minibook, clean=False)
    assert proc.returncode == 0, warnings_of(proc)
    assert timeline_dates(minibook) == ["23 June 2025", "9 May 2024", "March 2024"]
    assert build(minibook, clean=False).returncode == 0


def test_a_warning_no_page_owns_fails_every_build_until_fixed(tmp_path):
    """A duplicated references.bib entry belongs to no page. sphinxcontrib-bibtex parses the
    file only when it changes, so without the extension the second build passes; with it, the
    next build starts afresh and warns again."""
    import shutil

    from conftest import FIXTURES, with_extensions

    duplicate = "\n@misc{doe2020widgets,\n  title = {Again},\n  year = {2020},\n  url = {https://example.org/a}\n}\n"
    results = {}
    for sticky in (False, True):
        book = tmp_path / f"book-{sticky}"
        shutil.copytree(FIXTURES / "minibook", book)
        if sticky:
            with_extensions(book, "sticky_warnings")
        bib = book / "references.bib"
        good = bib.read_text()
        bib.write_text(good + duplicate)
        first, second = build(book, clean=False), build(book, clean=False)
        assert "repeated bibliography entry: doe2020widgets" in first.stdout + first.stderr
        results[sticky] = (first.returncode, second.returncode)
        bib.write_text(good)
        assert build(book, clean=False).returncode == 0
    assert results == {False: (1, 0), True: (1, 1)}


# --- prose checks ------------------------------------------------------------------------------

PROSE_CHECKS = [checks.check_process_narration, checks.check_repeated_citations,
                checks.check_table_citations, checks.check_shared_facts]


@pytest.mark.parametrize("check", PROSE_CHECKS, ids=lambda c: c.__name__)
def test_clean_fixture_passes_prose_checks(minibook, check):
    assert check(minibook) == []


def test_process_narration_is_found(minibook):
    edit(minibook / "alpha.md", "gadgets in 2021", "gadgets in 2021 (the version we checked)")
    line = line_of(minibook / "alpha.md", "version we checked")
    assert checks.check_process_narration(minibook) == [
        f"alpha.md:{line}: process narration 'we checked': narrates the research; state the fact "
        "and cite its source",
        f"alpha.md:{line}: process narration 'the version we checked': narrates the research; date "
        'the fact instead ("as of October 2023")']


def test_process_narration_in_a_data_table_is_found(minibook):
    (minibook / "data").mkdir()
    (minibook / "data" / "t.yml").write_text("caption: A table\nrows:\n  - note: Licence not "
                                             "checked for this edition\n    sources: [x]\n")
    assert checks.check_process_narration(minibook) == [
        "data/t.yml:3: process narration 'not checked for this edition': an unverified fact is "
        "cut, or becomes what the reader should check"]


def test_too_many_opinion_marks(minibook):
    edit(minibook / "alpha.md", "## Context\n", "## Context\n\nIn our view, a.\n\nIn our view, b."
         "\n\nIn our opinion, c.\n")
    line = line_of(minibook / "alpha.md", "In our opinion")
    assert checks.check_process_narration(minibook) == [
        f"alpha.md:{line}: 3 opinion marks ('In our view') in one chapter (at most 2: mark an "
        "opinion once, where it matters)"]


def test_same_work_cited_twice_in_a_paragraph(minibook):
    edit(minibook / "alpha.md", "gadgets in 2021 {cite:p}`roe2021gadgets`.",
         "gadgets in 2021 {cite:p}`roe2021gadgets`.\nMore gadgets {cite:p}`doe2020widgets`.")
    line = line_of(minibook / "alpha.md", "More gadgets")
    first = line_of(minibook / "alpha.md", "Widgets were described")
    assert checks.check_repeated_citations(minibook) == [
        f"alpha.md:{line}: 'doe2020widgets' cited again in the same paragraph (first at line "
        f"{first}): cite it once, at the end"]


def test_the_same_work_in_two_paragraphs_or_list_items_is_fine(minibook):
    edit(minibook / "alpha.md", "## Context\n", "## Context\n\n- One {cite:p}`doe2020widgets`.\n"
         "- Two {cite:p}`doe2020widgets`.\n\nThree {cite:p}`doe2020widgets`.\n")
    assert checks.check_repeated_citations(minibook) == []


def test_citation_in_a_table_cell(minibook):
    edit(minibook / "alpha.md", "## References", "| Thing | Year | Sources |\n| --- | --- | --- |\n"
         "| Widget | 2020 {cite:p}`doe2020widgets` | {cite:p}`roe2021gadgets` |\n\n"
         ":::{list-table}\n:header-rows: 1\n\n* - Thing\n  - Sources\n* - Gadget "
         "{cite:p}`roe2021gadgets`\n  - {cite:p}`doe2020widgets`\n:::\n\n## References")
    pipe = line_of(minibook / "alpha.md", "| Widget |")
    listed = line_of(minibook / "alpha.md", "* - Gadget")
    assert checks.check_table_citations(minibook) == [
        f"alpha.md:{pipe}: citation in the table cell of column 'Year': put sources in a "
        "Sources column",
        f"alpha.md:{listed}: citation in the table cell of column 'Thing': put sources in a "
        "Sources column"]


def test_a_shared_fact_stated_with_another_value(minibook):
    (minibook / "data").mkdir()
    (minibook / "data" / "_facts.yml").write_text(
        "facts:\n  - id: widget_weight\n    what: the weight of a widget\n    value: 3 kg\n"
        "    patterns: ['widget weighs (?P<value>\\d+ kg)']\n")
    edit(minibook / "alpha.md", "## Context\n", "## Context\n\nA widget weighs 3 kg. A widget "
         "weighs 4 kg.\n")
    assert checks.check_shared_facts(minibook)[0].startswith("alpha.md:")
    line = line_of(minibook / "alpha.md", "weighs 4 kg")
    assert checks.check_shared_facts(minibook) == [
        f"alpha.md:{line}: 'widget weighs 4 kg' gives '4 kg' for the weight of a widget; "
        "data/_facts.yml says '3 kg' (fact 'widget_weight')"]


def test_a_registered_fact_that_no_chapter_states(minibook):
    (minibook / "data").mkdir()
    (minibook / "data" / "_facts.yml").write_text(
        "facts:\n  - id: widget_weight\n    what: the weight of a widget\n    value: 3 kg\n"
        "    patterns: ['widget weighs (?P<value>\\d+ kg)']\n")
    assert checks.check_shared_facts(minibook) == [
        "data/_facts.yml:2: fact 'widget_weight' is stated nowhere: its patterns match no chapter "
        "(fix the patterns, or remove the fact)"]


# --- code blocks ---------------------------------------------------------------------------------

def test_clean_fixture_code_blocks_pass(minibook):
    assert checks.check_code_blocks(minibook) == []


@pytest.mark.parametrize("block, message", [
    ("```python\n# Python 3.11, 2023\nprint('x'\n```", "python block does not parse: SyntaxError"),
    ("```yaml\n# 2023\nkey: [a, b\n```", "yaml block does not parse: "),
    ("```json\n{\"a\": 1,}\n```", "json block does not parse: "),
    ("```bash\n# bash 5, 2023\nif true; then echo x\n```", "bash block does not parse: "),
    ("```python\nprint('no version')\n```", "python block names no version or date in a comment"),
    ("```bash\n# Ollama 0.1.x, December 2023\nollama pull mistral\n```",
     "bash block needs more than this machine ('ollama pull') but no comment says so"),
])
def test_broken_code_blocks_are_found(minibook, block, message):
    edit(minibook / "alpha.md", "## References", block + "\n\n## References")
    text = (minibook / "alpha.md").read_text()
    line = text[:text.index(block)].count("\n") + 1  # the fence's line
    problems = [p for p in checks.check_code_blocks(minibook)]
    assert len(problems) == 1 and problems[0].startswith(f"alpha.md:{line}: {message}"), problems


# --- executed cells (_ext/executed_pages.py) ------------------------------------------------------

def test_a_failing_cell_fails_the_build_at_its_line(minibook):
    from conftest import with_extensions

    with_extensions(minibook, "executed_pages", "sticky_warnings")
    config = (minibook / "_config.yml").read_text().replace(
        'execute_notebooks: "off"', "execute_notebooks: cache\n  allow_errors: false")
    (minibook / "_config.yml").write_text(config)
    text = (minibook / "alpha.md").read_text()
    text = ("---\nfile_format: mystnb\nkernelspec:\n  name: python3\n  display_name: Python 3\n---\n\n"
            + text.replace("## References", "```{code-cell} python\n# Python 3.11\nx = 1\n"
                           "raise ValueError('broken on purpose')\n```\n\n## References"))
    (minibook / "alpha.md").write_text(text)
    line = line_of(minibook / "alpha.md", "raise ValueError")
    for _ in range(2):  # and again, without a change: the warning stays
        proc = build(minibook, clean=False)
        assert proc.returncode != 0
        assert re.search(rf"alpha\.md:{line}: WARNING: code cell failed: ValueError: broken on purpose",
                         proc.stdout + proc.stderr), warnings_of(proc)
    (minibook / "alpha.md").write_text(text.replace("raise ValueError('broken on purpose')", "y = 2"))
    proc = build(minibook, clean=False)
    assert proc.returncode == 0, warnings_of(proc)
    # the kernel that ran the fixed cell logged nothing either (no "running over TCP" warning)
    assert "WARNING" not in proc.stdout + proc.stderr, warnings_of(proc)
    html = (minibook / "_build/dirhtml/alpha/index.html").read_text()
    assert 'href="../_notebooks/alpha.ipynb"' in html
    assert (minibook / "_build/dirhtml/_notebooks/alpha.ipynb").exists()
