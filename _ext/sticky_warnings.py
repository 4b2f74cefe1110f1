"""Warnings stay errors: a page that warned is read again on every build until it stops.

Sphinx reports a page's warnings when it reads or writes that page. An incremental build reads
only the pages that changed, so a page that warned last time (an unknown glossary term, a
broken reference) is not read again, its warning is not repeated, and the strict build passes
with the problem still in the site. This extension records which pages warned and returns
them from ``env-get-outdated`` on the next build, so they are read and written again and
their warnings come back until they are fixed.

A warning that belongs to no page (a syntax error in ``references.bib``, say) makes the next
build start from a fresh environment instead. Warnings of type ``data`` are left out: every
build checks every data file again anyway (see ``data_tables``).

The record is a small JSON file in the doctree folder, written at the end of each build: the
environment itself is saved before pages are written, too early to hold warnings from writing.

Local because Sphinx has no option for this (``-W`` applies only to the warnings a build
happens to emit).
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.logging import get_node_location, is_suppressed_warning

RECORD = "book-warned-pages.json"


class _Recorder(logging.Handler):
    def __init__(self, app: Sphinx):
        super().__init__(level=logging.WARNING)
        self.app = app
        self.pages: set[str] = set()
        self.unplaced: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        kind, subtype = getattr(record, "type", None), getattr(record, "subtype", None)
        if is_suppressed_warning(kind, subtype, self.app.config.suppress_warnings):
            return
        docname = self.docname(getattr(record, "location", None))
        if docname:
            self.pages.add(docname)
        elif kind != "data":
            self.unplaced.append(record.getMessage()[:200])

    def docname(self, location) -> str | None:
        env = self.app.env
        if isinstance(location, nodes.Node):
            location = get_node_location(location)
        if isinstance(location, tuple):
            location = location[0]
        if not location:
            return env.temp_data.get("docname")  # while a page is being read
        location = str(location)
        if location in env.found_docs:
            return location
        path = location.rsplit(":", 1)[0] if ":" in location else location
        try:
            return env.path2doc(str(Path(env.srcdir, path)))
        except Exception:  # noqa: BLE001  (an odd location must never break the build)
            return None


def _record_path(app: Sphinx) -> Path:
    return Path(app.doctreedir) / RECORD


def _start(app: Sphinx) -> None:
    recorder = _Recorder(app)
    app.book_warning_recorder = recorder
    logging.getLogger("sphinx").addHandler(recorder)
    try:
        app.book_warned_last_time = set(json.loads(_record_path(app).read_text())["pages"])
    except (OSError, ValueError, KeyError):
        app.book_warned_last_time = set()


def _outdated(app: Sphinx, env, added, changed, removed) -> set[str]:
    return {d for d in app.book_warned_last_time if d in env.found_docs} - set(added) - set(changed)


def _finish(app: Sphinx, exception) -> None:
    recorder = app.book_warning_recorder
    logging.getLogger("sphinx").removeHandler(recorder)
    path = _record_path(app)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"pages": sorted(recorder.pages)}, indent=1), encoding="utf-8")
    if recorder.unplaced or exception:
        # A warning no page owns: start the next build from a fresh environment.
        (Path(app.doctreedir) / "environment.pickle").unlink(missing_ok=True)


def setup(app: Sphinx):
    app.connect("builder-inited", _start, priority=100)
    app.connect("env-get-outdated", _outdated)
    app.connect("build-finished", _finish, priority=900)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
