"""Search after an incremental build finds what it finds after a clean one.

Sphinx 7.4's search index keeps each page's index entries (here, the glossary's terms, which
the search page lists first as "index entries") in the build environment, but it collects them
while pages are written, after the environment has been saved. The next incremental build
loads an environment without them, feeds only the pages it writes, and dumps an index in which
every other page's entries are gone: after editing one chapter, a search for "LoRA" no longer
offers the glossary's definition. ``IndexBuilder.load`` reads the previous index from disk for
the words and titles but not for the entries; here it reads the entries too. A page written
again replaces its own entries, and a removed page's entries are dropped with its words. Words
that no page holds any more (a word deleted from the only chapter that had it) are dropped
too, as a clean build would never list them. The test compares the index after an edit and
its undo with the clean build's.

Local because it patches Sphinx's own ``IndexBuilder``; later Sphinx releases restore the
entries themselves, and this module can go when the pin moves past 7.x.
"""

from __future__ import annotations

from sphinx.application import Sphinx
from sphinx.search import IndexBuilder


def _patch() -> None:
    load, prune = IndexBuilder.load, IndexBuilder.prune
    if getattr(load, "book_entries", False):
        return

    def load_with_entries(self, stream, format) -> None:
        load(self, stream, format)  # raises on an old or foreign index: nothing to restore
        stream.seek(0)
        frozen = (self.formats[format] if isinstance(format, str) else format).load(stream)
        index2fn = frozen["docnames"]
        restored: dict[str, list[tuple[str, str, str]]] = {}
        for name, places in frozen.get("indexentries", {}).items():
            for doc, target, main in places:  # frozen: the name lower-cased, "main" as a flag
                restored.setdefault(index2fn[doc], []).append((name, target, "main" if main else ""))
        for docname in index2fn:  # in the order a clean build feeds them
            if docname in restored:
                self._index_entries.setdefault(docname, sorted(restored[docname]))

    def prune_entries(self, docnames) -> None:
        docnames = set(docnames)
        prune(self, docnames)
        for gone in set(self._index_entries) - docnames:
            del self._index_entries[gone]
        for mapping in (self._mapping, self._title_mapping):  # words no page has any more
            for word in [w for w, pages in mapping.items() if not pages]:
                del mapping[word]

    load_with_entries.book_entries = True
    IndexBuilder.load, IndexBuilder.prune = load_with_entries, prune_entries


def setup(app: Sphinx):
    _patch()
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
