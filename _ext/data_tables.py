"""Comparison tables and figures from validated data files (``data/*.yml``).

A table file has a ``caption``, ordered ``columns`` (each with a ``title`` and a ``type``) and
``rows``; every row also carries ``as_of`` (the year-month its facts were checked) and
``sources`` (keys in ``references.bib``). See ``data/_table.schema.json`` and the README.

In a chapter::

    :::{data-table} models
    :columns: name, params_billion, licence
    :::

renders the table with its caption, an "As of" column, a "Sources" column of citations, and
links to CSV and JSON copies of the whole file, written to ``_data/`` in the built site.

Loading and validation live in ``data_files`` (shared with the figure scripts in ``figures/``). Bad data is
reported as ``data/FILE.yml:LINE: row N (NAME), field 'FIELD': problem`` and fails the strict
build, on every build until it is fixed.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from data_files import DATA_DIR, keep_memo_in, table_paths, validate_table

logger = logging.getLogger(__name__)

DOWNLOAD_DIR = "_data"


# --- rendering --------------------------------------------------------------------------------

def format_value(value, kind: str) -> str:
    if value is None:
        return "Unknown"
    if kind == "list":
        return ", ".join(value)
    if kind in ("integer", "number") and isinstance(value, (int, float)):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return f"{value:,}" if abs(value) >= 10000 else str(value)
    return str(value)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|$])")


def md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


def as_of_words(value: str) -> str:
    """'2023-12' -> 'December 2023'."""
    year, month = value.split("-")[:2]
    return f"{MONTHS[int(month) - 1]} {year}"


def table_markdown(table: dict, shown: list[str], caption: str, name: str) -> str:
    """The table as a MyST list-table. When every row was checked in the same month, the date
    goes into the caption instead of a column of identical cells (narrower tables), unless the
    caption already says when ("as of ...")."""
    cols = table["columns"]
    dates = {row["as_of"] for row in table["rows"]}
    one_date = len(dates) == 1
    if one_date and "as of" not in caption.lower():
        caption = f"{caption.rstrip('.')} (as of {as_of_words(next(iter(dates)))})"
    header = [cols[c]["title"] for c in shown] + ([] if one_date else ["As of"]) + ["Sources"]
    lines = [f":::{{list-table}} {md_escape(caption)}", ":header-rows: 1", ":widths: auto", ""]
    lines.append("* - " + "\n  - ".join(md_escape(h) for h in header))
    for row in table["rows"]:
        cells = [md_escape(format_value(row.get(c), cols[c]["type"])) for c in shown]
        cells += ([] if one_date else [row["as_of"]]) + ["{cite:p}`" + ",".join(row["sources"]) + "`"]
        lines.append("* - " + "\n  - ".join(cells))
    lines.append(":::")
    return "\n".join(lines)


def table_csv(table: dict) -> str:
    names = list(table["columns"]) + ["as_of", "sources"]
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(names)
    for row in table["rows"]:
        out = []
        for n in names:
            v = row.get(n)
            out.append("; ".join(v) if isinstance(v, list) else ("" if v is None else v))
        writer.writerow(out)
    return buf.getvalue()


def table_json(table: dict, name: str) -> str:
    return json.dumps({"name": name, **table}, indent=2, ensure_ascii=False) + "\n"


class DataTable(SphinxDirective):
    required_arguments = 1
    option_spec = {"columns": directives.unchanged, "caption": directives.unchanged}

    def run(self):
        name = self.arguments[0]
        root = Path(self.env.srcdir)
        path = root / DATA_DIR / f"{name}.yml"
        if not path.exists():
            logger.warning(f"data table {name!r} not found: no {DATA_DIR}/{name}.yml",
                           location=self.get_location(), type="data", subtype="table")
            return []
        self.env.note_dependency(str(path))
        self.env.note_dependency(str(root / DATA_DIR / "_vocabulary.yml"))
        self.env.note_dependency(str(root / "references.bib"))
        table, problems = validate_table(path, root)
        if table is None or problems:
            # The problems themselves are reported once per build by _check_all_tables.
            logger.warning(f"data table {name!r} not shown: {len(problems)} problem(s) in "
                           f"{DATA_DIR}/{name}.yml", location=self.get_location(),
                           type="data", subtype="table")
            return []
        shown = [c.strip() for c in self.options.get("columns", "").split(",") if c.strip()]
        shown = shown or list(table["columns"])
        unknown = [c for c in shown if c not in table["columns"]]
        if unknown:
            logger.warning(f"data table {name!r} has no column(s) {', '.join(unknown)}",
                           location=self.get_location(), type="data", subtype="table")
            return []
        caption = self.options.get("caption", table["caption"])
        # The id sits on the container: furo copies a table's own ids onto its scroll wrapper,
        # which would give the page two elements with one id.
        container = nodes.container(classes=["data-table"], ids=[f"data-table-{name}"])
        self.state.nested_parse(
            self._string_list(table_markdown(table, shown, caption, name)), self.content_offset,
            container)
        links = nodes.paragraph(classes=["data-table-downloads"])
        hidden = [table["columns"][c]["title"] for c in table["columns"] if c not in shown]
        if hidden:
            links += nodes.Text("Download the full table, with the columns not shown here ("
                                + ", ".join(hidden) + "): ")
        else:
            links += nodes.Text("Download this table's data: ")
        for i, ext in enumerate(("csv", "json")):
            if i:
                links += nodes.Text(" · ")
            ref = nodes.reference("", ext.upper(), internal=False, classes=["data-download"])
            ref["data_download"] = f"{DOWNLOAD_DIR}/{name}.{ext}"
            links += ref
        links += nodes.Text(f" (source: {DATA_DIR}/{name}.yml).")
        container += links
        return [container]

    def _string_list(self, text: str):
        from docutils.statemachine import StringList
        return StringList(text.splitlines(), source=self.get_source_info()[0])


def _resolve_downloads(app: Sphinx, doctree, docname: str) -> None:
    """Point download links at the site root, whatever the page's depth."""
    if app.builder.format != "html":
        return
    here = app.builder.get_target_uri(docname)
    root = relative_uri(here, "") if here else ""
    for ref in doctree.findall(nodes.reference):
        target = ref.get("data_download")
        if target:
            ref["refuri"] = root + target
            ref["download"] = ""


def _write_downloads(app: Sphinx, exception) -> None:
    if exception or app.builder.format != "html":
        return
    root = Path(app.srcdir)
    out = Path(app.outdir) / DOWNLOAD_DIR
    out.mkdir(parents=True, exist_ok=True)
    for path in table_paths(root):
        table, problems = validate_table(path, root)
        if table is None:
            continue
        for target, text in ((out / f"{path.stem}.csv", table_csv(table)),
                             (out / f"{path.stem}.json", table_json(table, path.stem))):
            if not target.exists() or target.read_text(encoding="utf-8") != text:
                target.write_text(text, encoding="utf-8")


def _check_all_tables(app: Sphinx, env) -> None:
    """Validate every data file, also those no chapter shows yet."""
    root = Path(app.srcdir)
    if not (root / DATA_DIR / "_vocabulary.yml").exists():
        return
    for path in table_paths(root):
        _, problems = validate_table(path, root)
        for p in problems:
            logger.warning(str(p), type="data", subtype="table")


def _keep_memo(app: Sphinx, env, docnames) -> None:
    keep_memo_in(env.__dict__.setdefault("book_validated_tables", {}))


def setup(app: Sphinx):
    app.add_directive("data-table", DataTable)
    app.connect("env-before-read-docs", _keep_memo)
    app.connect("env-updated", _check_all_tables)
    app.connect("doctree-resolved", _resolve_downloads)
    app.connect("build-finished", _write_downloads)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
