"""Loading and validating the data tables in ``data/*.yml``: the one module that both the
tables (``data_tables``) and the figure scripts (``figures/*.py``) import, so neither imports the other.

A table file has a ``caption``, ordered ``columns`` (each with a ``title`` and a ``type``) and
``rows``; every row also carries ``as_of`` (the year-month its facts were checked) and
``sources`` (keys in ``references.bib``). ``data/_table.schema.json`` gives a file's shape; each
file's columns give the schema of its rows; ``data/_vocabulary.yml`` lists the allowed
licences and unit suffixes. A problem is reported as
``data/FILE.yml:LINE: row N (NAME), field 'FIELD': problem``.

Validation is memoised on the files' contents, because one build needs each table several
times (the directive, the downloads, the figures, the check of every file), and YAML parsing
and schema checks are the slow part (libyaml's C loader is used where installed). During a
build the memo lives in the build environment (``keep_memo_in``), so a rebuild that changed no
table does not check all of them again: a tenth of a second saved on every rebuild. The memo
is keyed by the contents of the table, the vocabulary, the schema, references.bib and this
module's own source, so an edit of any of them is checked again.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import yaml

DATA_DIR = "data"
AS_OF = re.compile(r"^(19|20)\d\d-(0[1-9]|1[0-2])$")
DATE = re.compile(r"^(19|20)\d\d(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?)?$")
BIB_KEY = re.compile(r"@\s*[A-Za-z]+\s*\{\s*([^,\s]+)\s*,")
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


# --- loading and validation -------------------------------------------------------------------

@dataclass(frozen=True)
class Problem:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


def load_vocabulary(root: Path) -> dict:
    return yaml.load((root / DATA_DIR / "_vocabulary.yml").read_text(encoding="utf-8"), Loader=Loader)


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
    root = yaml.compose(text, Loader=Loader)
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


def _stamp(path: Path) -> str:
    """The file's content hash: modification times are too coarse for files edited twice in
    quick succession (as the tests do)."""
    import hashlib

    return hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest() if path.exists() else ""


_validated: dict[tuple, tuple[dict | None, list[Problem]]] = {}
_CODE = _stamp(Path(__file__))


def keep_memo_in(store: dict) -> None:
    """Memoise validation in ``store`` (the build environment's), kept between builds."""
    global _validated
    _validated = store


def validate_table(path: Path, root: Path, keys: set[str] | None = None,
                   vocab: dict | None = None) -> tuple[dict | None, list[Problem]]:
    """Load and check one table file. Returns the table (None if unusable) and its problems.

    With the default ``keys`` and ``vocab`` the result is memoised until the table, the
    vocabulary, the schema or references.bib changes. Treat the returned table as read-only."""
    if keys is not None or vocab is not None:
        return _validate_table(path, root, keys, vocab)
    stamp = (str(path), _stamp(path), _stamp(root / DATA_DIR / "_vocabulary.yml"),
             _stamp(root / DATA_DIR / "_table.schema.json"), _stamp(root / "references.bib"), _CODE)
    if stamp not in _validated:
        for old in [k for k in _validated if k[0] == stamp[0]]:
            del _validated[old]  # one result per file
        _validated[stamp] = _validate_table(path, root, None, None)
    return _validated[stamp]


def _validate_table(path: Path, root: Path, keys: set[str] | None,
                    vocab: dict | None) -> tuple[dict | None, list[Problem]]:
    rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    vocab = vocab or load_vocabulary(root)
    keys = bib_keys(root) if keys is None else keys
    text = path.read_text(encoding="utf-8")
    try:
        table = yaml.load(text, Loader=Loader)
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
