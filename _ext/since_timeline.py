"""What changed since the edition: one page gathers every chapter's dated "Since this edition"
notes into a single timeline, newest first, each naming and linking back to its chapter.

- A chapter's notes are the bullets of its ``## Since this edition`` section, each starting with
  its date in bold: ``- **23 June 2025.** ...`` or ``- **March 2024.** ...``. A note whose date
  does not parse is a warning at ``chapter.md:LINE`` while the chapter is read, so the strict
  build fails, and (with ``sticky_warnings``) fails again on every build until it is fixed.
- The timeline page holds an empty ``{since-this-edition}`` block. Before the page is parsed,
  the block is replaced by Markdown made from every chapter's notes: a heading per year, then
  the notes newest first, each starting with its date and its chapter's name, linked to that
  chapter's "Since this edition" section (by the heading's anchor, ``#since-this-edition``,
  which ``myst_heading_anchors`` gives it). A note dated by month only follows the notes with a
  day in that month; notes of the same date keep the book's reading order. The notes are parsed
  as part of the timeline page, so their citations and cross-references resolve there, to the
  page's own reference list, and the timeline cannot drift from the chapters.
- The timeline page depends on the notes of every other page, and only on them: when an
  incremental build finds changed pages, the timeline's Markdown is made again from the
  sources (a few milliseconds) and compared with the Markdown the page was last read with. The
  page is read again only when they differ, not on every edit of a chapter (which would double
  the read time of a one-chapter rebuild).

Local because it reads the book's own sources and conventions; no extension does this.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

HEADING = re.compile(r"^##\s+Since this edition\s*$")
SECTION_END = re.compile(r"^#{1,2}\s")
BULLET = re.compile(r"^[-*]\s+(?P<rest>.*)$")
NOTE = re.compile(r"^\*\*(?P<label>[^*\n]+?)\.?\*\*\s*(?P<text>.*)$")
MONTHS = ("January February March April May June July August September October November "
          "December").split()
DATE = re.compile(rf"^(?:(?P<day>\d{{1,2}})\s+)?(?P<month>{'|'.join(MONTHS)})\s+(?P<year>\d{{4}})$")
BLOCK = re.compile(r"^(?P<fence>:::+|```+)\s*\{since-this-edition\}[^\n]*\n(?:.*?\n)??(?P=fence)[ \t]*$",
                   re.M | re.S)
TITLE = re.compile(r"^#\s+(.+?)\s*$", re.M)
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
EXAMPLE = '"**23 June 2025.**" or "**March 2024.**"'


@dataclass
class Note:
    when: tuple[int, int, int]  # year, month, day (0 where only the month is given)
    label: str  # the date as the chapter writes it
    text: str  # the Markdown after the date
    line: int


def parse_date(label: str) -> tuple[int, int, int] | None:
    m = DATE.match(label.strip())
    if not m:
        return None
    year, month = int(m["year"]), MONTHS.index(m["month"]) + 1
    day = int(m["day"]) if m["day"] else 0
    try:
        date(year, month, day or 1)
    except ValueError:
        return None
    return year, month, day


def parse_notes(text: str) -> tuple[list[Note], list[tuple[int, str]]]:
    """The notes of a page's "Since this edition" section, and (line, problem) for each bullet
    whose date does not parse. Lines are counted in the file, from 1."""
    notes: list[Note] = []
    problems: list[tuple[int, str]] = []
    current: Note | None = None
    inside = False
    for n, line in enumerate(text.splitlines(), 1):
        if not inside:
            inside = bool(HEADING.match(line))
            continue
        if SECTION_END.match(line):
            break
        bullet = BULLET.match(line)
        if bullet:
            current = None
            note = NOTE.match(bullet["rest"])
            when = parse_date(note["label"]) if note else None
            if when:
                current = Note(when, note["label"].strip(), note["text"], n)
                notes.append(current)
            elif note:
                problems.append((n, f'"Since this edition" note with a date that does not parse: '
                                    f"'{note['label'].strip()}' (write it as {EXAMPLE})"))
            else:
                problems.append((n, '"Since this edition" note without a date: start it with the '
                                    f"date in bold, as {EXAMPLE}"))
        elif current and line.startswith((" ", "\t")) and line.strip():
            current.text += "\n" + line.strip()
        elif not line.strip():
            continue
        else:
            current = None  # a paragraph after the list belongs to the chapter, not a note
    return notes, problems


def _reading_order(app: Sphinx) -> list[str]:
    """Documents in table-of-contents order, then any others by name."""
    site_map = getattr(app.env, "external_site_map", None)
    order: list[str] = []
    if site_map is not None:
        def walk(docname: str) -> None:
            if docname in order or docname not in site_map:
                return
            order.append(docname)
            for child in site_map[docname].child_files():
                walk(child)

        walk(site_map.root.docname)
    return order + sorted(set(app.env.found_docs) - set(order))


def timeline_markdown(app: Sphinx, here: str) -> str:
    """The notes of every page but ``here``, as Markdown for the timeline page."""
    env = app.env
    entries = []
    for rank, docname in enumerate(_reading_order(app)):
        if docname == here:
            continue
        path = Path(env.doc2path(docname))
        try:
            text = path.read_text(encoding="utf-8")
        except OSError:
            continue
        notes, _ = parse_notes(text)
        if not notes:
            continue
        title = TITLE.search(FRONT_MATTER.sub("", text, count=1))
        title = title.group(1) if title else docname
        link = f"{env.doc2path(docname, False)}#since-this-edition"
        entries += [(note, rank, title, link) for note in notes]
    entries.sort(key=lambda e: (tuple(-x for x in e[0].when), e[1], e[0].line))
    out = []
    for year, group in groupby(entries, key=lambda e: e[0].when[0]):
        out += [f"(since-{year})=", f"## {year}", ""]
        for note, _, title, link in group:
            text = note.text.replace("\n", "\n  ")
            out.append(f"- **{note.label}.** [{_escape(title)}]({link}): {text}")
        out.append("")
    return "\n".join(out)


def _escape(text: str) -> str:
    return re.sub(r"([\[\]\\])", r"\\\1", text)


def _source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    text = source[0]
    block = BLOCK.search(text)
    if block:
        markdown = timeline_markdown(app, docname)
        app.env.book_since_timeline = docname, markdown  # compared in _outdated_timeline
        source[0] = text[:block.start()] + markdown + text[block.end():]
        return
    if "Since this edition" not in text:
        return
    _, problems = parse_notes(text)
    for line, message in problems:
        logger.warning(message, location=(docname, line), type="book", subtype="since")


def _outdated_timeline(app: Sphinx, env, added, changed, removed) -> list[str]:
    """The timeline page, when a page was added, changed or removed and the notes differ."""
    docname, markdown = getattr(env, "book_since_timeline", (None, None))
    if (docname is None or docname not in env.found_docs or docname in added
            or docname in changed or not (added or changed or removed)):
        return []
    return [docname] if timeline_markdown(app, docname) != markdown else []


def setup(app: Sphinx):
    app.connect("source-read", _source_read)
    app.connect("env-get-outdated", _outdated_timeline)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
