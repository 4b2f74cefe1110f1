"""Reader features, asserted on the built site: tooltips, credits, references, sharing, 404,
edit links, privacy, print and downloads. (The browser tests show them working in Chromium.)"""

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

import checks
from conftest import FIXTURES, ROOT, build

CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text())
BASEURL = CONFIG["html"]["baseurl"]
REPO = CONFIG["sphinx"]["config"]["html_theme_options"]["source_repository"]
TIMELINE = "since-2023"  # the page that gathers every chapter's "Since this edition" notes
NOT_CHAPTERS = ("index", "glossary", "bibliography", TIMELINE)
CHAPTERS = [n for n in checks.toc_files(ROOT) if n not in NOT_CHAPTERS]


def page(site: Path, name: str) -> str:
    return (site / ("index.html" if name == "index" else f"{name}/index.html")).read_text()


# --- tooltips --------------------------------------------------------------------------------

def test_glossary_definitions_come_from_one_shared_file(site):
    """Term links carry no copy of their definition; one JSON file holds every definition,
    and names chapters by their titles."""
    import json

    html = page(site, "models")
    anchors = re.findall(r'<a class="[^"]*glossary-term[^"]*" href="\.\./glossary/#(term-[^"]+)">',
                         html)
    assert anchors, "no glossary term link"
    assert not re.search(r'<a class="[^"]*glossary-term[^"]*"[^>]*title=', html)
    definitions = json.loads((site / "_static" / "glossary.json").read_text())
    glossary = page(site, "glossary")
    for anchor in anchors:
        assert f'id="{anchor}"' in glossary and anchor in definitions, anchor
        assert len(definitions[anchor]) > 20 and ":" in definitions[anchor]
    assert any("See Model Formats" in d for d in definitions.values())
    assert not any(re.search(r"\bSee (model-formats|mlops-engines|fine-tuning)\b", d)
                   for d in definitions.values())


def test_every_glossary_link_in_the_book_is_marked_for_a_tip(site):
    for name in CHAPTERS + ["index"]:
        html = page(site, name)
        bare = re.findall(r'<a class="reference internal" href="[^"]*glossary/#term-[^"]*">', html)
        assert bare == [], f"{name}: glossary links without a tooltip: {bare[:3]}"


def test_citations_carry_no_copy_of_the_reference(site):
    """Citation tooltips are read from the page's own reference list (tooltips.js)."""
    html = page(site, "vector-db")
    assert re.search(r'<span class="bibtex-citation"[^>]*>\[<a class="reference internal" '
                     r'href="#id\d+">', html)
    assert not re.search(r'<a class="reference internal" href="#id\d+" title=', html)


def test_tooltip_script_is_local_and_loaded(site):
    assert re.search(r'<script[^>]+src="\.\./_static/tooltips\.js', page(site, "models"))
    assert "role\", \"tooltip\"" in (site / "_static/tooltips.js").read_text()


# --- credits ---------------------------------------------------------------------------------

def git(*args: str) -> str:
    return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                          check=True).stdout.strip()


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="needs the git history")
def test_chapters_end_with_last_updated_and_contributors(site):
    from datetime import date

    for name in CHAPTERS:
        last = git("log", "-1", "--format=%cs", "--", f"{name}.md")
        if not last:
            continue
        d = date.fromisoformat(last)
        html = page(site, name)
        credits = re.search(r'<div class="chapter-credits.*?</div>', html, re.S).group(0)
        assert f"Last updated {d.day} {d.strftime('%B %Y')}." in credits, name
        assert "Contributor" in credits


def test_credits_link_to_edit_and_source(site):
    html = page(site, "models")
    assert f'href="{REPO}/edit/main/models.md"' in html
    assert f'href="{REPO}/blob/main/models.md"' in html


def test_front_page_lists_contributors(site):
    html = page(site, "index")
    if (ROOT / ".git").exists():
        first = git("log", "-1", "--format=%aN")
        assert "With thanks to everyone who has contributed:" in html and first in html


def test_build_without_git_succeeds_without_credits(tmp_path):
    """A source archive has no .git: the build still passes, with no 'Last updated'."""
    dest = tmp_path / "book"
    shutil.copytree(FIXTURES / "minibook", dest)
    shutil.copytree(ROOT / "_ext", dest / "_ext")
    config = (dest / "_config.yml").read_text().replace(
        "sphinx:\n  config:\n", "sphinx:\n  local_extensions:\n    chapter_credits: _ext/\n  config:\n")
    config = config.replace("sphinxcontrib.bibtex]", "sphinxcontrib.bibtex, chapter_credits]")
    (dest / "_config.yml").write_text(config + "exclude_patterns: [_ext]\n")
    proc = build(dest)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    html = (dest / "_build/dirhtml/alpha/index.html").read_text()
    assert "Last updated" not in html
    # ... and with a git history, the same book gets its credits.
    subprocess.run(["git", "init", "-q", str(dest)], check=True)
    subprocess.run(["git", "-C", str(dest), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(dest), "-c", "user.name=Ada Tester", "-c",
                    "user.email=ada@example.org", "commit", "-qm", "init"], check=True)
    proc = build(dest)
    assert proc.returncode == 0
    html = (dest / "_build/dirhtml/alpha/index.html").read_text()
    assert "Last updated" in html and "Contributor: Ada Tester." in html


# --- references ------------------------------------------------------------------------------

def test_each_chapter_lists_exactly_the_works_it_cites(site):
    for name in CHAPTERS:
        cited = {k.strip() for _, v in checks._roles(ROOT / f"{name}.md", checks.CITE)
                 for k in v.split(",")}
        text = (ROOT / f"{name}.md").read_text()
        for table in re.findall(r"\{data-table\} (\S+)", text):
            cited |= {k for row in yaml.safe_load((ROOT / f"data/{table}.yml").read_text())["rows"]
                      for k in row["sources"]}
        entries = re.findall(r'<div class="citation" id="[^"]+" role="listitem">', page(site, name))
        assert len(entries) == len(cited), f"{name}: {len(entries)} entries for {len(cited)} cited works"


def test_references_link_back_to_their_citations(site):
    html = page(site, "models")
    assert re.search(r'<a role="doc-backlink" href="#id\d+">', html)


def test_bibliography_page_lists_every_work_once_with_where_cited(site):
    html = page(site, "bibliography")
    keys = {e["key"] for e in checks.parse_bib(ROOT / "references.bib")}
    ids = re.findall(r'<li id="bib-([^"]+)"', html)
    assert sorted(ids) == sorted(keys)
    assert html.count("Cited in:") == len(keys)


def test_bibliography_is_sorted_by_first_author_surname_and_shows_labels(site):
    """Ordered by the first author's surname (not first name), each entry led by its label."""
    import unicodedata

    import pybtex.database

    html = page(site, "bibliography")
    bib = pybtex.database.parse_file(str(ROOT / "references.bib"))

    def initial(key: str) -> str | None:
        people = bib.entries[key].persons.get("author") or bib.entries[key].persons.get("editor")
        if not people:
            return None
        name = " ".join(people[0].prelast_names + people[0].last_names) or str(people[0])
        plain = unicodedata.normalize("NFKD", name.replace("{", "").replace("}", ""))
        return next((c for c in plain.lower() if c.isalnum()), None)

    entries = re.findall(r'<li id="bib-([^"]+)"><p><strong>([^<]+)</strong>', html)
    assert len(entries) == len(bib.entries), "an entry without its label"
    initials = [(key, i) for key, _ in entries if (i := initial(key))]
    out_of_order = [(a, b) for (a, x), (b, y) in zip(initials, initials[1:]) if x > y]
    assert len(initials) > 400 and not out_of_order, out_of_order[:5]


# --- sharing and discovery ---------------------------------------------------------------------

def test_pages_have_opengraph_and_twitter_cards(site):
    html = page(site, "models")
    tldr = re.search(r":class: tip\n(.*?)\n:::", (ROOT / "models.md").read_text(), re.S).group(1)
    description = re.search(r'<meta property="og:description" content="([^"]+)"', html).group(1)
    assert description and description.split()[0] in tldr
    assert f'<meta property="og:url" content="{BASEURL}models/"' in html
    assert f'<meta property="og:image" content="{BASEURL}_static/social-card.png"' in html
    assert '<meta name="twitter:card" content="summary_large_image"' in html
    assert (site / "_static/social-card.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_sitemap_and_robots(site):
    urls = [u.text for u in ET.parse(site / "sitemap.xml").getroot().iter(
        "{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    for name in checks.toc_files(ROOT):
        assert (BASEURL if name == "index" else f"{BASEURL}{name}/") in urls
    assert all(u.endswith("/") for u in urls)
    assert f"Sitemap: {BASEURL}sitemap.xml" in (site / "robots.txt").read_text()


def test_404_page_works_at_any_depth(site):
    html = (site / "404.html").read_text()
    prefix = "/" + BASEURL.split("/", 3)[3]
    assert "Page not found" in html
    for url in re.findall(r'(?:href|src)="([^"#]+)"', html):
        if url.startswith(("http", "mailto:")):
            continue
        assert url.startswith(prefix), f"relative URL in 404 page: {url}"


def test_edit_button_opens_the_markdown_source(site):
    assert f'href="{REPO}/edit/main/models.md"' in page(site, "models")


# --- privacy, readability, downloads ---------------------------------------------------------

def test_nothing_loads_from_another_origin(site):
    assert [p for p in checks.check_built_html(site) if "another origin" in p] == []


def test_print_stylesheet_hides_navigation(site):
    css = (site / "_static/book.css").read_text()
    block = css[css.index("@media print"):]
    for selector in (".sidebar-drawer", ".toc-drawer", ".mobile-header"):
        assert selector in block


def test_each_chapter_offers_its_source(site):
    for name in CHAPTERS:
        assert (site / "_sources" / f"{name}.md").exists()


def test_whole_book_on_one_page(site):
    html = (site / "whole-book" / "index.html").read_text()
    for name in checks.toc_files(ROOT):
        assert f'id="chapter-{name}"' in html, name
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert len(ids) == len(set(ids)), "duplicate ids in the whole-book page"
    assert 'href="../models/' not in html.split('<article', 1)[1].split('</article>')[0]
    assert 'noindex' in html
    assert checks.check_anchors(site) == []
    assert 'href="../whole-book/"' in page(site, "models")
    # it does not pose as the chapter whose page framed it: nothing highlighted as current in
    # the sidebar, no view/edit buttons for that chapter's source, no previous/next links
    frame = html.split("<article", 1)[0]
    assert not re.search(r'class="[^"]*\bcurrent\b', frame), "sidebar highlights a chapter"
    assert "edit/main/" not in frame and "?plain=true" not in frame
    assert 'class="related-pages"' not in html


def test_and_others_is_written_et_al_by_the_styles():
    """BibTeX's 'and others' (an author list cut short) reads 'et al.' in reference lists,
    tooltips and labels; a full author list keeps its 'and'."""
    import pybtex.database
    import pybtex.plugin

    import citations

    citations._register_pybtex_styles()
    bib = pybtex.database.parse_string(
        "@misc{a, author={Touvron, Hugo and Martin, Louis and others}, title={Llama 2}, year={2023}}"
        "@misc{b, author={Almazrouei, Ebtesam and others}, title={Falcon}, year={2023}}"
        "@misc{c, author={Cox, Joseph and Roe, Ann}, title={Leak}, year={2023}}", "bibtex")
    style = pybtex.plugin.find_plugin("pybtex.style.formatting", "book")()
    texts = {e.key: e.text.render_as("text") for e in style.format_entries(bib.entries.values())}
    assert texts["a"].startswith("Hugo Touvron, Louis Martin, et al. Llama 2.")
    assert texts["b"].startswith("Ebtesam Almazrouei et al. Falcon.")
    assert texts["c"].startswith("Joseph Cox and Ann Roe. Leak.")
    assert citations.compute_labels(bib.entries) == {
        "a": "Touvron et al., 2023", "b": "Almazrouei et al., 2023", "c": "Cox and Roe, 2023"}


def test_no_citation_says_and_others(site):
    for name in CHAPTERS:
        for m in re.finditer(r'<div class="citation".*?</div>', page(site, name), re.S):
            assert "and others" not in m.group(0), name


def test_built_static_files_match_their_sources(site):
    """Edited CSS and JS reach the built site, also in incremental builds."""
    for path in (ROOT / "_static").rglob("*"):
        if path.is_file():
            assert (site / "_static" / path.relative_to(ROOT / "_static")).read_bytes() == path.read_bytes()


# --- executed examples ---------------------------------------------------------------------------

def executed_pages() -> list[str]:
    return [n for n in checks.toc_files(ROOT)
            if re.search(r"^kernelspec:", (ROOT / f"{n}.md").read_text().split("\n---\n")[0], re.M)]


def test_executed_pages_offer_their_notebook_which_runs(site):
    import nbformat
    from nbclient import NotebookClient

    pages = executed_pages()
    assert pages, "no page has executed cells"
    for name in pages:
        path = site / "_notebooks" / f"{name}.ipynb"
        assert path.exists(), f"{name}: no notebook to download"
        nbformat.validate(nbformat.read(path, as_version=4))
        assert f'href="../_notebooks/{name}.ipynb"' in page(site, name)
    # A reader runs the first one in the repository (as in Codespaces), with no cached outputs.
    notebook = nbformat.read(site / "_notebooks" / f"{pages[0]}.ipynb", as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    NotebookClient(notebook, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(ROOT)}}).execute()
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert errors == []


def test_prose_numbers_come_from_the_cells(site):
    """Numbers a page quotes from a computation are glued from its cells, not typed in."""
    for name in executed_pages():
        source = (ROOT / f"{name}.md").read_text()
        assert "{glue:text}" in source or "{glue}" in source, f"{name}: nothing glued"
        assert '<span class="pasted-text">' in page(site, name), f"{name}: no glued number shown"


# --- discussion and error reports at the end of each chapter ---------------------------------

REPOSITORY = CONFIG["repository"]["url"].rstrip("/")
# Query parameters GitHub reads itself; any other parameter prefills the issue form field
# whose id it names.
GITHUB_PARAMETERS = {"template", "title", "labels", "assignees", "projects", "milestone"}


def end_links(html: str) -> dict[str, str]:
    """Label -> address of the links at the end of a page."""
    from html import unescape

    block = re.search(r'<p class="chapter-links">(.*?)</p>', html, re.S)
    return {unescape(label): unescape(href) for href, label in
            re.findall(r'<a [^>]*href="([^"]+)"[^>]*>([^<]+)</a>', block.group(1))} if block else {}


def chapter_title(html: str) -> str:
    from html import unescape

    return unescape(re.search(r"<h1>(.*?)<a class=\"headerlink\"", html).group(1))


def test_chapters_end_with_discuss_and_report_links(site):
    """Plain links to a prefilled GitHub discussion and a prefilled issue form, carrying the
    chapter's title and public address; nothing loaded from GitHub."""
    from urllib.parse import parse_qs, urlsplit

    for name in CHAPTERS:
        html = page(site, name)
        title, address = chapter_title(html), f"{BASEURL}{name}/"
        links = end_links(html)
        for label in ("Discuss this chapter", "Report an error"):
            assert label in links, f"{name}: no '{label}' link"
            # percent-encoded: no spaces, brackets or quotes left in the address
            assert re.fullmatch(r"[A-Za-z0-9%._~:/?&=+-]+", links[label]), links[label]
        discuss = urlsplit(links["Discuss this chapter"])
        query = parse_qs(discuss.query)
        assert f"{discuss.scheme}://{discuss.netloc}{discuss.path}" == f"{REPOSITORY}/discussions/new"
        assert query["category"] and title in query["title"][0]
        assert title in query["body"][0] and address in query["body"][0]
        report = urlsplit(links["Report an error"])
        query = parse_qs(report.query)
        assert f"{report.scheme}://{report.netloc}{report.path}" == f"{REPOSITORY}/issues/new"
        form = yaml.safe_load((ROOT / ".github" / "ISSUE_TEMPLATE" / query["template"][0]).read_text())
        fields = {f["id"] for f in form["body"] if "id" in f}
        assert set(query) - GITHUB_PARAMETERS <= fields, f"{name}: parameters the form lacks"
        assert query["page"] == [address] and title in query["title"][0]
    for name in NOT_CHAPTERS:
        assert "Discuss this chapter" not in end_links(page(site, name)), name
    # The one-page edition points each chapter's links at that chapter.
    from html import unescape

    whole = (site / "whole-book" / "index.html").read_text()
    bodies = [parse_qs(urlsplit(unescape(h)).query)["body"][0]
              for h in re.findall(r'href="([^"]*/discussions/new\?[^"]*)"', whole)]
    assert [re.search(r"https://\S+", b).group(0) for b in bodies] == \
        [f"{BASEURL}{n}/" for n in CHAPTERS]


# --- what changed since the edition: one timeline of every chapter's notes -----------------------

def note_date(text: str) -> tuple[int, int, int]:
    """'23 June 2025' -> (2025, 6, 23); 'March 2024' -> (2024, 3, 0)."""
    from datetime import datetime

    for fmt in ("%d %B %Y", "%B %Y"):
        try:
            d = datetime.strptime(text, fmt)
            return d.year, d.month, d.day if fmt.startswith("%d") else 0
        except ValueError:
            pass
    raise AssertionError(f"not a date: {text!r}")


def source_notes() -> list[tuple[str, str]]:
    """(date as written, chapter) for every note in every chapter's "Since this edition"."""
    notes = []
    for name in CHAPTERS:
        text = (ROOT / f"{name}.md").read_text()
        section = re.search(r"^## Since this edition\n(.*?)(?=^## |\Z)", text, re.M | re.S)
        if section:
            notes += [(d, name) for d in re.findall(r"^- \*\*([^*]+?)\.\*\*", section.group(1), re.M)]
    return notes


def test_timeline_gathers_every_note_newest_first(site):
    html = page(site, TIMELINE)
    entries = re.findall(r'<li><p><strong>([^<]+?)\.</strong> <a class="reference internal" '
                         r'href="\.\./([\w-]+)/#since-this-edition">', html)
    assert sorted(entries) == sorted(source_notes()) and len(entries) > 20
    dates = [note_date(d) for d, _ in entries]
    assert dates == sorted(dates, reverse=True), "not newest first"
    # Citations inside the notes resolve to the page's own reference list.
    cites = re.findall(r'<span class="bibtex-citation"[^>]*>\[<a class="reference internal" '
                       r'href="#([^"]+)"', html)
    assert len(cites) >= len(entries) and all(f'id="{c}"' in html for c in cites)
    assert f'href="{TIMELINE}/"' in page(site, "index"), "the front page links to the timeline"


def test_timeline_is_read_again_only_when_the_notes_change(tmp_path):
    """An incremental build reads the timeline page again when a chapter's notes change, and
    not when only the rest of a chapter changes (that doubled a one-chapter rebuild)."""
    import shutil

    from conftest import FIXTURES, build, with_extensions

    def reads(proc) -> list[str]:
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
        plain = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout)
        return re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", plain)

    book = tmp_path / "book"
    shutil.copytree(FIXTURES / "minibook", book)
    with_extensions(book, "since_timeline")
    config = book / "_config.yml"  # notes link to their chapter's "#since-this-edition" heading
    config.write_text(config.read_text().replace("    nitpicky: true",
                                                 "    nitpicky: true\n    myst_heading_anchors: 2"))
    (book / "since.md").write_text("# Since\n\n:::{since-this-edition}\n:::\n")
    (book / "_toc.yml").write_text((book / "_toc.yml").read_text() + "  - file: since\n")
    alpha = book / "alpha.md"
    alpha.write_text(alpha.read_text().replace(
        "## References", "## Since this edition\n\n- **March 2024.** Widgets got lighter.\n\n"
        "## References"))
    assert "since" in reads(build(book))
    assert "Widgets got lighter" in (book / "_build/dirhtml/since/index.html").read_text()

    alpha.write_text(alpha.read_text().replace("Widgets were described", "Widgets were first described"))
    assert reads(build(book, clean=False)) == ["alpha"]

    alpha.write_text(alpha.read_text().replace("got lighter", "got heavier"))
    assert sorted(reads(build(book, clean=False))) == ["alpha", "since"]
    assert "Widgets got heavier" in (book / "_build/dirhtml/since/index.html").read_text()


# --- the edition's status line on the front page and in the footer --------------------------------

def text_sources() -> list[str]:
    return [p.name for p in checks.markdown_files(ROOT)] + ["references.bib", "data"]


def test_front_page_status_line_and_footer(site):
    """Edition, version, text last changed, site built and DOI, as plain text at build time."""
    from datetime import date
    from html import unescape

    from chapter_credits import long_date

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    status = re.search(r'<p class="edition-status">(.*?)</p>', page(site, "index"), re.S)
    assert status, "no status line on the front page"
    text = re.sub(r"<[^>]+>", "", status.group(1))
    assert f"{str(cff['version']).split('.')[0]} edition" in text
    assert f"version {cff['version']}" in text
    built = re.search(r"site built (\d{1,2} [A-Z][a-z]+ \d{4})", text)
    assert built, text
    built = date(*[int(x) for x in note_date(built.group(1))])
    assert built <= date.today()
    if (ROOT / ".git").exists():
        changed = git("log", "-1", "--format=%cs", "--", *text_sources())
        assert f"text last changed {long_date(changed)}" in text, text
        assert date.fromisoformat(changed) <= built
    if cff.get("doi"):
        assert f'href="https://doi.org/{cff["doi"]}"' in status.group(1)
    else:
        assert "no DOI yet" in text
    assert "<img" not in status.group(1) and "<script" not in status.group(1)
    footer = re.search(r'<div class="copyright">(.*?)</div>', page(site, "models"), re.S).group(1)
    footer = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", footer)))
    for part in (f"{str(cff['version']).split('.')[0]} edition", f"version {cff['version']}",
                 f"site built {long_date(built.isoformat())}"):
        assert part in footer, (part, footer)
    if (ROOT / ".git").exists():
        assert f"text last changed {long_date(changed)}" in footer
    # The copyright starts in the edition's year, not the year the site was built.
    assert re.search(r"Copyright © 2023\b", footer), footer


def test_build_date_follows_source_date_epoch(monkeypatch, tmp_path):
    import front_page

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1701388800")  # 2023-12-01T00:00:00Z
    assert front_page.build_date().isoformat() == "2023-12-01"
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    from datetime import datetime, timezone
    assert front_page.build_date() == datetime.now(timezone.utc).date()
    # Without a git history (a source archive) the text date is unknown, not invented.
    (tmp_path / "a.md").write_text("# A\n")
    assert front_page.text_last_changed(tmp_path, ["a.md"]) is None
