"""Comparison tables from data/: every file validates, bad data fails with file:line, row and
field, and the built site shows the tables, their downloads and the figures drawn from them."""

import csv
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml

from conftest import FIXTURES, ROOT
import data_files  # from _ext/, put on sys.path by conftest
import citations


# --- the real data --------------------------------------------------------------------------

@pytest.mark.parametrize("path", data_files.table_paths(ROOT), ids=lambda p: p.name)
def test_every_data_file_is_valid(path):
    table, problems = data_files.validate_table(path, ROOT)
    assert table is not None and [str(p) for p in problems] == []


def test_every_data_file_is_shown_in_a_chapter():
    text = "\n".join(p.read_text() for p in ROOT.glob("*.md"))
    for path in data_files.table_paths(ROOT):
        assert re.search(rf"^:::+\{{data-table\}} {re.escape(path.stem)}\s*$", text, re.M), \
            f"{path.name} is not shown by any chapter"


def test_at_least_three_chapters_take_tables_from_data():
    chapters = [p for p in ROOT.glob("*.md") if "{data-table}" in p.read_text()]
    assert len(chapters) >= 3


# --- bad data, each kind seen failing ----------------------------------------------------------

@pytest.fixture
def book(tmp_path):
    """A scratch book folder: the real vocabulary and schema, the fixture bibliography."""
    (tmp_path / "data").mkdir()
    for name in ("_vocabulary.yml", "_table.schema.json"):
        shutil.copy(ROOT / "data" / name, tmp_path / "data" / name)
    shutil.copy(FIXTURES / "minibook" / "references.bib", tmp_path / "references.bib")
    shutil.copy(FIXTURES / "tables" / "good.yml", tmp_path / "data" / "t.yml")
    return tmp_path


def problems_after(book: Path, old: str, new: str) -> list[str]:
    path = book / "data" / "t.yml"
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))
    _, problems = data_files.validate_table(path, book)
    return [str(p) for p in problems]


def line_of(book: Path, needle: str) -> int:
    lines = (book / "data" / "t.yml").read_text().splitlines()
    return next(n for n, l in enumerate(lines, 1) if needle in l)


def test_good_fixture_is_valid(book):
    table, problems = data_files.validate_table(book / "data" / "t.yml", book)
    assert problems == [] and len(table["rows"]) == 2


def test_missing_source_key(book):
    problems = problems_after(book, "sources: [doe2020widgets]", "sources: [nobody1999]")
    line = line_of(book, "nobody1999")
    assert problems == [f"data/t.yml:{line}: row 1 (Alpha), field 'sources': unknown citation "
                        "key 'nobody1999' (not in references.bib)"]


def test_row_without_sources(book):
    problems = problems_after(book, "    sources: [doe2020widgets]\n", "")
    assert problems == ["data/t.yml:11: row 1 (Alpha), field 'sources': is missing"]


def test_unknown_licence(book):
    problems = problems_after(book, "licence: Apache-2.0", "licence: Apache 2")
    line = line_of(book, "Apache 2")
    assert problems == [f"data/t.yml:{line}: row 1 (Alpha), field 'licence': unknown licence "
                        "'Apache 2': use a name from data/_vocabulary.yml"]


def test_malformed_as_of_date(book):
    problems = problems_after(book, "as_of: 2023-10", "as_of: October 2023")
    line = line_of(book, "October 2023")
    assert problems == [f"data/t.yml:{line}: row 1 (Alpha), field 'as_of': malformed date "
                        "'October 2023': use the year and month, YYYY-MM"]


def test_malformed_date_column(book):
    problems = problems_after(book, "release_date: 2023-09", "release_date: 2023-13")
    line = line_of(book, "2023-13")
    assert problems == [f"data/t.yml:{line}: row 1 (Alpha), field 'release_date': malformed date "
                        "'2023-13': use YYYY, YYYY-MM or YYYY-MM-DD"]


def test_missing_required_field(book):
    problems = problems_after(book, "    commercial_use: Partial\n", "")
    assert problems == ["data/t.yml:19: row 2 (Beta), field 'commercial_use': is missing"]


def test_bad_yes_no_value(book):
    problems = problems_after(book, 'commercial_use: "Yes"', "commercial_use: Maybe")
    line = line_of(book, "Maybe")
    assert problems == [f"data/t.yml:{line}: row 1 (Alpha), field 'commercial_use': 'Maybe' is "
                        "not one of Yes, No, Partial, Unknown"]


def test_text_in_a_number_field(book):
    problems = problems_after(book, "params_billion: 7\n", "params_billion: 7B\n")
    line = line_of(book, "7B")
    assert problems == [f"data/t.yml:{line}: row 1 (Alpha), field 'params_billion': '7B' is not "
                        "a number"]


def test_null_where_not_nullable(book):
    problems = problems_after(book, "params_billion: 13.5", "params_billion: null")
    assert len(problems) == 1 and "row 2 (Beta), field 'params_billion'" in problems[0]


def test_undeclared_field(book):
    problems = problems_after(book, "    as_of: 2023-11\n", "    colour: blue\n    as_of: 2023-11\n")
    line = line_of(book, "colour")
    assert problems == [f"data/t.yml:{line}: row 2 (Beta), field 'colour': is not a column of "
                        "this table (declare it under 'columns')"]


def test_number_column_without_unit(book):
    problems_after(book, "  params_billion: ", "  params: ")  # the column declaration
    problems_after(book, "params_billion: 7\n", "params: 7\n")  # row 1
    problems = problems_after(book, "params_billion: 13.5", "params: 13.5")  # row 2
    assert problems == ["data/t.yml:1: column 'params' is numeric but its name has no unit suffix "
                        f"(one of {', '.join(yaml.safe_load((ROOT / 'data/_vocabulary.yml').read_text())['units'])})"]


def test_file_without_caption(book):
    problems = problems_after(book, "caption: A small table used by the tests\n", "")
    assert problems == ["data/t.yml:1: file: 'caption' is a required property"]


def test_invalid_yaml(book):
    problems = problems_after(book, "  - name: Beta\n", "  - name: [Beta\n")
    assert len(problems) == 1 and problems[0].startswith("data/t.yml:") and "not valid YAML" in problems[0]


def test_bad_data_fails_the_strict_build(tmp_path):
    """End to end: a bad row in the fixture book fails `jupyter-book build -W` with file:line."""
    from conftest import build

    dest = tmp_path / "book"
    shutil.copytree(FIXTURES / "minibook", dest)
    shutil.copytree(ROOT / "_ext", dest / "_ext")
    (dest / "data").mkdir()
    for name in ("_vocabulary.yml", "_table.schema.json"):
        shutil.copy(ROOT / "data" / name, dest / "data" / name)
    text = (FIXTURES / "tables" / "good.yml").read_text().replace("licence: Apache-2.0", "licence: Apache 2")
    (dest / "data" / "widgets.yml").write_text(text)
    config = (dest / "_config.yml").read_text().replace(
        "sphinx:\n  config:\n", "sphinx:\n  local_extensions:\n    data_tables: _ext/\n  config:\n")
    config = config.replace("sphinxcontrib.bibtex]", "sphinxcontrib.bibtex, data_tables]")
    (dest / "_config.yml").write_text(config + "exclude_patterns: [data, _ext]\n")
    with (dest / "alpha.md").open("a") as f:
        f.write("\n:::{data-table} widgets\n:::\n")
    proc = build(dest)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert re.search(r"data/widgets\.yml:\d+: row 1 \(Alpha\), field 'licence': unknown licence", out), out[-2000:]


# --- rendering, downloads and figures in the built site ----------------------------------------

def test_table_renders_with_caption_as_of_and_sources(site):
    html = (site / "models" / "index.html").read_text()
    table = re.search(r'<div class="data-table.*?</table>', html, re.S).group(0)
    caption = yaml.safe_load((ROOT / "data/models.yml").read_text())["caption"]
    assert caption.split()[0] in table and "<caption" in table
    assert (">As of<" in table or re.search(r"\(as of [A-Z][a-z]+ 20\d\d\)", table)) and ">Sources<" in table
    assert "bibtex" in table or "cite" in table or 'href="#' in table


def test_every_data_table_says_once_when_it_was_checked(site):
    """Either an "As of" column, or the date once in the caption (never "as of ... (as of ...)")."""
    seen, bad = 0, []
    for html_path in site.glob("*/index.html"):
        for table in re.findall(r'<div class="data-table.*?</table>', html_path.read_text(), re.S):
            seen += 1
            caption = re.search(r"<caption.*?</caption>", table, re.S)
            said = len(re.findall(r"as of", caption.group(0) if caption else "", re.I))
            if not ((">As of<" in table and said <= 1) or said == 1):
                bad.append(f"{html_path.parent.name}: {re.sub('<[^>]+>', '', caption.group(0)) if caption else 'no caption'}")
    assert seen and not bad, bad


def test_downloads_exist_parse_and_are_linked(site):
    for path in data_files.table_paths(ROOT):
        table = yaml.safe_load(path.read_text())
        rows = list(csv.DictReader((site / "_data" / f"{path.stem}.csv").open()))
        assert len(rows) == len(table["rows"])
        assert set(table["columns"]) | {"as_of", "sources"} == set(rows[0])
        data = json.loads((site / "_data" / f"{path.stem}.json").read_text())
        assert len(data["rows"]) == len(table["rows"]) and data["name"] == path.stem
    html = (site / "models" / "index.html").read_text()
    assert 'href="../_data/models.csv"' in html and 'href="../_data/models.json"' in html


def test_data_plots_are_inline_svg_drawn_from_the_data(site):
    """The two plots of data/ are inline SVG with real text, theme classes and no colour values,
    and they show every row of their table."""
    for page, name, table in (("models", "open-models-2023", "models"),
                              ("hardware", "accelerators-memory-bandwidth", "accelerators")):
        html = (site / page / "index.html").read_text()
        figure = re.search(rf'<figure[^>]*id="fig-{name}".*?</figure>', html, re.S)
        assert figure, f"{name} not in {page}"
        svg = figure.group(0)
        assert re.search(r'<svg [^>]*role="img"[^>]*aria-label="[^"]{40,}"', svg)
        assert "<title>" in svg and "<figcaption" in svg
        assert not re.search(r'(fill|stroke)="#[0-9a-fA-F]{3,6}"', svg)
        names = [r["name"] for r in yaml.safe_load((ROOT / f"data/{table}.yml").read_text())["rows"]]
        text = re.sub(r"<[^>]+>", " ", svg.replace("&amp;", "&"))
        assert all(n in text for n in names), [n for n in names if n not in text]
    assert not list(site.rglob("*.svg")) or all("_static" in str(p) for p in site.rglob("*.svg"))


def test_reference_labels_are_unique_across_the_book():
    import pybtex.database

    entries = pybtex.database.parse_file(str(ROOT / "references.bib")).entries
    labels = citations.compute_labels(entries)
    assert len(set(labels.values())) == len(labels)
    assert citations._suffix(0) == "a" and citations._suffix(25) == "z" and citations._suffix(26) == "aa"
