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

``{data-figure}`` draws a named figure from the data as an inline SVG that follows the page's
light or dark colours. Bad data is reported as ``data/FILE.yml:LINE: row N (NAME), field
'FIELD': problem`` and fails the strict build.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import yaml
from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

logger = logging.getLogger(__name__)

DATA_DIR = "data"
DOWNLOAD_DIR = "_data"
AS_OF = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")
DATE = re.compile(r"^(19|20)\d\d(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
BIB_KEY = re.compile(r"@\s*[A-Za-z]+\s*\{\s*([^,\s]+)\s*,")


# --- loading and validation -------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def load_vocabulary(root: Path) -> dict:
    return yaml.safe_load((root / DATA_DIR / "_vocabulary.yml").read_text(encoding="utf-8"))


def load_meta_schema(root: Path) -> dict:
    return json.loads((root / DATA_DIR / "_table.schema.json").read_text(encoding="utf-8"))


def bib_keys(root: Path) -> set[str]:
    return set(BIB_KEY.findall((root / "references.bib").read_text(encoding="utf-8")))


def table_paths(root: Path) -> list[Path]:
    return sorted(p for p in (root / DATA_DIR).glob("*.yml") if not p.name.startswith("_"))


def _yaml_value(value):
    """YAML turns 2023-10-01 into a date; the tables keep dates as text."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def row_schema(columns: dict, vocab: dict) -> dict:
    """The JSON Schema of one row, derived from the file's column declarations."""
    types = {
        "text": {"type": "string", "minLength": 1},
        "integer": {"type": "integer"},
        "number": {"type": "number"},
        "yes_no": {"enum": list(vocab["yes_no"])},
        "licence": {"enum": list(vocab["licences"])},
        "date": {"type": "string", "pattern": DATE.pattern},
        "list": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 1}},
    }
    props = {
        "as_of": {"type": "string", "pattern": AS_OF.pattern},
        "sources": {"type": "array", "minItems": 1, "items": {"type": "string"}},
    }
    required = ["as_of", "sources"]
    for name, col in columns.items():
        schema = dict(types[col["type"]])
        if col.get("nullable"):
            schema = {"anyOf": [schema, {"type": "null"}]}
        props[name] = schema
        if col.get("required", True):
            required.append(name)
    return {"type": "object", "properties": props, "required": required,
            "additionalProperties": False}


def _line_map(text: str) -> tuple[int, list[dict[str, int]], list[int]]:
    """1-based line numbers: of 'rows:', of each row's fields, and of each row's start."""
    root = yaml.compose(text)
    rows_line, fields, starts = 1, [], []
    if isinstance(root, yaml.MappingNode):
        for key, value in root.value:
            if key.value == "rows" and isinstance(value, yaml.SequenceNode):
                rows_line = key.start_mark.line + 1
                for item in value.value:
                    starts.append(item.start_mark.line + 1)
                    fields.append({k.value: k.start_mark.line + 1 for k, _ in getattr(item, "value", [])
                                   if isinstance(k, yaml.ScalarNode)})
    return rows_line, fields, starts


def _error_field(error: jsonschema.ValidationError) -> str | None:
    if error.path:
        return str(error.path[0])
    if error.validator == "required":
        return re.findall(r"'([^']+)'", error.message)[0]
    if error.validator == "additionalProperties":
        found = re.findall(r"'([^']+)'", error.message)
        return found[0] if found else None
    return None


def _explain(error: jsonschema.ValidationError, field: str | None, columns: dict) -> str:
    value = error.instance
    kind = columns.get(field, {}).get("type") if field else None
    if error.validator == "required":
        return "is missing"
    if error.validator == "additionalProperties":
        return "is not a column of this table (declare it under 'columns')"
    if field == "as_of":
        return f"malformed date {value!r}: use the year and month, YYYY-MM"
    if field == "sources":
        return "needs a list of at least one key in references.bib"
    if kind == "licence":
        return f"unknown licence {value!r}: use a name from data/_vocabulary.yml"
    if kind == "yes_no":
        return f"{value!r} is not one of Yes, No, Partial, Unknown"
    if kind == "date":
        return f"malformed date {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD"
    if kind in ("integer", "number"):
        return f"{value!r} is not a number{' (whole)' if kind == 'integer' else ''}"
    return f"{value!r}: {error.message}"


def validate_table(path: Path, root: Path, keys: set[str] | None = None,
                   vocab: dict | None = None) -> tuple[dict | None, list[Problem]]:
    """Load and check one table file. Returns the table (None if unusable) and its problems."""
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    vocab = vocab or load_vocabulary(root)
    keys = bib_keys(root) if keys is None else keys
    text = path.read_text(encoding="utf-8")
    try:
        table = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", 0) + 1
        return None, [Problem(rel, line, f"not valid YAML: {exc}")]
    meta_errors = sorted(jsonschema.Draft202012Validator(load_meta_schema(root)).iter_errors(table),
                         key=lambda e: list(e.path))
    if meta_errors:
        return None, [Problem(rel, 1, f"{'/'.join(map(str, e.path)) or 'file'}: {e.message}")
                      for e in meta_errors]
    problems: list[Problem] = []
    columns = table["columns"]
    rows_line, field_lines, starts = _line_map(text)
    for name, col in columns.items():
        if col["type"] in ("integer", "number") and not any(name.endswith(s) for s in vocab["units"]):
            problems.append(Problem(rel, 1, f"column '{name}' is numeric but its name has no unit "
                                    f"suffix (one of {', '.join(vocab['units'])})"))
    validator = jsonschema.Draft202012Validator(row_schema(columns, vocab))
    first = next(iter(columns))
    for i, raw in enumerate(table["rows"]):
        row = {k: _yaml_value(v) for k, v in raw.items()}
        for name, col in columns.items():
            if col["type"] == "date" and isinstance(row.get(name), int):
                row[name] = str(row[name])  # a bare year, such as 2023
        table["rows"][i] = row
        label = f"row {i + 1} ({row.get(first, '?')})"
        lines = field_lines[i] if i < len(field_lines) else {}
        start = starts[i] if i < len(starts) else rows_line
        for error in sorted(validator.iter_errors(row), key=lambda e: str(list(e.path))):
            field = _error_field(error)
            line = lines.get(field, start)
            problems.append(Problem(rel, line, f"{label}, field '{field}': "
                                    f"{_explain(error, field, columns)}"))
        for key in row.get("sources") or []:
            if isinstance(key, str) and key not in keys:
                problems.append(Problem(rel, lines.get("sources", start),
                                        f"{label}, field 'sources': unknown citation key {key!r} "
                                        "(not in references.bib)"))
    return table, problems


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


def table_markdown(table: dict, shown: list[str], caption: str, name: str) -> str:
    cols = table["columns"]
    header = [cols[c]["title"] for c in shown] + ["As of", "Sources"]
    lines = [f":::{{list-table}} {md_escape(caption)}", ":header-rows: 1", ":widths: auto", ""]
    lines.append("* - " + "\n  - ".join(md_escape(h) for h in header))
    for row in table["rows"]:
        cells = [md_escape(format_value(row.get(c), cols[c]["type"])) for c in shown]
        cells += [row["as_of"], "{cite:p}`" + ",".join(row["sources"]) + "`"]
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
        (out / f"{path.stem}.csv").write_text(table_csv(table), encoding="utf-8")
        (out / f"{path.stem}.json").write_text(table_json(table, path.stem), encoding="utf-8")


def _check_all_tables(app: Sphinx, env) -> None:
    """Validate every data file, also those no chapter shows yet."""
    root = Path(app.srcdir)
    if not (root / DATA_DIR / "_vocabulary.yml").exists():
        return
    for path in table_paths(root):
        _, problems = validate_table(path, root)
        for p in problems:
            logger.warning(str(p), type="data", subtype="table")


def setup(app: Sphinx):
    from data_figures import DataFigure  # noqa: E402  (same folder, loaded via local_extensions)

    app.add_directive("data-table", DataTable)
    app.add_directive("data-figure", DataFigure)
    app.connect("env-updated", _check_all_tables)
    app.connect("doctree-resolved", _resolve_downloads)
    app.connect("build-finished", _write_downloads)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
