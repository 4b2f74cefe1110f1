"""Speed for a bibliography of hundreds of entries: three caches around pybtex and
sphinxcontrib-bibtex. Nothing here changes what a reader sees; each cache returns exactly what
the uncached code returns.

Why local: each works around upstream behaviour (pybtex 0.26.1, sphinxcontrib-bibtex 2.7.0,
the versions pinned in requirements.txt) and is small enough to send upstream as a patch.

1. ``pybtex.plugin.find_plugin`` resolves every lookup through ``importlib.metadata``
   entry points, which re-reads the metadata of every installed distribution on each call:
   about 2,000 calls in a clean build of this book, half of its build time. Plugins do not
   change while Sphinx runs, so ``_load_entry_point`` is memoised (cleared again by
   ``register_plugin``, so a plugin registered later is still found).
2. ``BibtexDomain.get_filtered_entries`` finds the documents citing an entry by scanning every
   citation in the book, for every entry and every ``{bibliography}`` directive: quadratic.
   It is given an index from key to citing documents, built once per call; and for the
   filter every chapter uses, ``docname in docnames``, the answer is read from that index
   instead of walking the filter's syntax tree for each of the 615 entries.
3. ``BibtexDomain.env_updated`` formats every entry of every bibliography on every build, even
   when no citation changed, so it dominates a one-chapter rebuild. Formatted entries are kept
   in the build environment (pickled between builds), keyed by the style, the label and the
   entry's own content, so an edited entry is formatted again and an unchanged one is not.
"""

from __future__ import annotations

import ast
import functools

from sphinx.application import Sphinx

ENV_ATTR = "book_bibtex_format_cache"
_format_cache: dict = {}


# --- 1. entry-point lookups -----------------------------------------------------------------

def _memoise_plugin_lookup() -> None:
    import pybtex.plugin as plugin

    if getattr(plugin._load_entry_point, "book_memoised", False):
        return
    cached = functools.lru_cache(maxsize=None)(plugin._load_entry_point)
    cached.book_memoised = True
    plugin._load_entry_point = cached
    register = plugin.register_plugin

    @functools.wraps(register)
    def register_and_forget(*args, **kwargs):
        cached.cache_clear()
        return register(*args, **kwargs)

    plugin.register_plugin = register_and_forget


# --- 2. which documents cite an entry ---------------------------------------------------------

_CITED_HERE = ast.dump(ast.parse("docname in docnames"))


def _index_citing_documents() -> None:
    from sphinxcontrib.bibtex import domain

    cls = domain.BibtexDomain
    if getattr(cls.get_filtered_entries, "book_indexed", False):
        return

    def get_filtered_entries(self, bibliography_key):
        """As upstream, with the key -> citing documents map built once, not per entry."""
        citing: dict[str, set[str]] = {}
        for ref in self.citation_refs:
            for target in ref.targets:
                citing.setdefault(target.key, set()).add(ref.docname)
        bibliography = self.bibliographies[bibliography_key]
        here = bibliography_key.docname
        cited_here = ast.dump(bibliography.filter_) == _CITED_HERE
        for entry in self.get_entries(bibliography.bibfiles):
            key = bibliography.keyprefix + entry.key
            if cited_here:  # what the visitor returns for this filter
                if here in citing.get(key, ()) or entry.key in bibliography.keys:
                    yield key, entry
                continue
            visitor = domain._FilterVisitor(entry=entry, docname=bibliography_key.docname,
                                            cited_docnames=citing.get(key, set()))
            try:
                success = visitor.visit(bibliography.filter_)
            except ValueError as err:
                domain.logger.warning("syntax error in :filter: expression; %s" % err,
                                      location=(bibliography_key.docname, bibliography.line),
                                      type="bibtex", subtype="filter_syntax_error")
                success = bool(citing.get(key))
            if success or entry.key in bibliography.keys:
                yield key, entry

    get_filtered_entries.book_indexed = True
    get_filtered_entries.book_upstream = cls.get_filtered_entries
    cls.get_filtered_entries = get_filtered_entries


# --- 3. formatted entries, kept between builds -------------------------------------------------

def _fingerprint(entry) -> tuple:
    persons = tuple((role, tuple(str(p) for p in people))
                    for role, people in sorted(entry.persons.items()))
    return entry.key, entry.type, tuple(sorted(entry.fields.items())), persons


def _cache_formatted_entries() -> None:
    from pybtex.style.formatting import BaseStyle

    if getattr(BaseStyle.format_entry, "book_cached", False):
        return
    format_entry = BaseStyle.format_entry

    @functools.wraps(format_entry)
    def cached_format_entry(self, label, entry, bib_data=None):
        if bib_data is not None:
            return format_entry(self, label, entry, bib_data=bib_data)
        key = (type(self).__module__, type(self).__qualname__, self.abbreviate_names, label,
               _fingerprint(entry))
        found = _format_cache.get(key)
        if found is None:
            found = _format_cache[key] = format_entry(self, label, entry)
        return found

    cached_format_entry.book_cached = True
    BaseStyle.format_entry = cached_format_entry


def _attach_cache(app: Sphinx, env, docnames) -> None:
    """Use the cache stored in the environment (a fresh one after a clean build)."""
    global _format_cache
    _format_cache = env.__dict__.setdefault(ENV_ATTR, {})
    if len(_format_cache) > 20_000:  # entries edited many times: start again
        _format_cache.clear()


def setup(app: Sphinx):
    _memoise_plugin_lookup()
    _index_citing_documents()
    _cache_formatted_entries()
    app.connect("env-before-read-docs", _attach_cache)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
