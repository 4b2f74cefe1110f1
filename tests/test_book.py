"""The real book: a strict build with zero warnings, and every check clean."""

import checks
from conftest import ROOT, warnings_of


def test_strict_build_has_no_warnings(book_build):
    assert book_build.returncode == 0, "strict build failed:\n" + warnings_of(book_build)
    output = book_build.stdout + book_build.stderr
    assert "WARNING" not in output, warnings_of(book_build)


def test_citations_resolve():
    assert checks.check_citations(ROOT) == []


def test_bibliography_entries_are_complete_unique_and_used():
    assert checks.check_bibliography(ROOT) == []


def test_glossary_terms_resolve_and_are_unique():
    assert checks.check_glossary(ROOT) == []


def test_every_chapter_is_in_toc_with_a_tldr():
    assert checks.check_toc(ROOT) == []


def test_no_process_narration_and_opinion_marked_sparingly():
    assert checks.check_process_narration(ROOT) == []


def test_each_work_is_cited_once_per_paragraph():
    assert checks.check_repeated_citations(ROOT) == []


def test_tables_cite_only_in_a_sources_column():
    assert checks.check_table_citations(ROOT) == []


def test_shared_facts_have_one_value_everywhere():
    assert checks.check_shared_facts(ROOT) == []


def test_code_blocks_parse_name_their_versions_and_say_what_they_need():
    assert checks.check_code_blocks(ROOT) == []


def test_source_links_are_https_and_images_are_local_with_alt():
    assert checks.check_source_links(ROOT) == []


def test_built_pages_have_no_insecure_remote_or_unlabelled_content(site):
    assert checks.check_built_html(site) == []


def test_no_broken_internal_links(site):
    assert checks.check_internal_links(site) == []


def test_no_broken_anchors(site):
    assert checks.check_anchors(site) == []


def test_every_chapter_is_built(site):
    for name in checks.toc_files(ROOT):
        page = site / ("index.html" if name == "index" else f"{name}/index.html")
        assert page.exists(), f"{name}.md was not built"


def test_canonical_urls_use_trailing_slashes(site):
    import re
    import yaml

    base = yaml.safe_load((ROOT / "_config.yml").read_text())["html"]["baseurl"]
    for name in checks.toc_files(ROOT):
        page = site / ("index.html" if name == "index" else f"{name}/index.html")
        found = re.findall(r'<link rel="canonical" href="([^"]+)"', page.read_text())
        expected = base if name == "index" else f"{base}{name}/"
        assert found == [expected], f"{name}: canonical {found} != {expected}"


def test_ids_are_unique_on_every_page(site):
    import collections
    import re

    problems = []
    for page in checks.html_pages(site):
        counts = collections.Counter(re.findall(r'\bid="([^"]+)"', page.read_text()))
        dups = sorted(k for k, v in counts.items() if v > 1)
        if dups:
            problems.append(f"{page.relative_to(site)}: duplicate ids {dups[:5]}")
    assert problems == []
