"""Citations and the bibliography: labels that name one work each, "et al." for author lists
cut short, and one page that lists every work.

- **Labels.** Every work gets one label, used both in the text and in the reference lists:
  ``Touvron et al., 2023a``. The label is the in-text author form (one name, two names joined
  by "and", or the first name and "et al.") and the year; works that would share a label get
  a, b, c ... across the whole of ``references.bib``, so a label never stands for two works,
  whichever chapter it appears in. Implemented as a pybtex label style (``book``) and a
  sphinxcontrib-bibtex referencing style (``book``) whose parenthetical citation is the label.
- **"et al."** BibTeX writes an author list cut short as ``A and B and others``. The name
  formatting (pybtex formatting style ``book`` for reference lists and tooltips, and the person
  style of the referencing style for the text) drops the trailing "others" and writes
  "et al." in its place.
- ``{all-references}``: the bibliography page, every work once, sorted by the first author's
  surname (then year), each with its label and links to the chapters that cite it.

Local because sphinxcontrib-bibtex's own styles give labels per bibliography (so two chapters
may show "Hugging Face, 2023" for different works) and render "and others" literally.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
from dataclasses import dataclass, field

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

_app: Sphinx | None = None
_labels: dict[str, str] = {}
_labels_source: object = None


# --- names ----------------------------------------------------------------------------------

def _decode(text: str) -> str:
    if "\\" in text:  # LaTeX accents such as {\"o}; decoding plain names costs time
        import latexcodec  # noqa: F401  (registers the "ulatex" codec)

        try:
            text = codecs.decode(text, "ulatex")
        except ValueError:
            pass
    return re.sub(r"[{}]", "", text).strip()


def is_cut_short(persons) -> bool:
    """True where BibTeX's author list ends with 'and others'."""
    return bool(persons) and str(persons[-1]) == "others"


def surname(person) -> str:
    return _decode(" ".join(person.prelast_names + person.last_names)
                   or " ".join(person.first_names))


def _persons(entry):
    return entry.persons.get("author") or entry.persons.get("editor") or []


def in_text_authors(entry) -> str:
    """The author part of a label: 'A', 'A and B', or 'A et al.'."""
    persons = _persons(entry)
    if not persons:
        return _decode(entry.fields.get("organization") or entry.fields.get("title") or entry.key)
    cut = is_cut_short(persons)
    names = [surname(p) for p in (persons[:-1] if cut else persons)]
    if cut or len(names) > 2:
        return names[0] + " et al."
    return " and ".join(names)


def compute_labels(entries) -> dict[str, str]:
    """Key -> 'Authors, Year' with a, b, ... where two works would share a label."""
    groups: dict[str, list[str]] = {}
    for key, entry in entries.items():
        base = f"{in_text_authors(entry)}, {entry.fields.get('year', 'n.d.')}"
        groups.setdefault(base, []).append(key)
    labels = {}
    for base, keys in groups.items():
        for i, key in enumerate(sorted(keys)):
            labels[key] = base + (_suffix(i) if len(keys) > 1 else "")
    return labels


def _suffix(i: int) -> str:
    """a, b, ..., z, aa, ab, ...: as many distinct suffixes as there are works."""
    letters = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        letters = "abcdefghijklmnopqrstuvwxyz"[r] + letters
    return letters


def labels() -> dict[str, str]:
    """The labels of every entry in the bibliography files, computed once per build."""
    global _labels, _labels_source
    domain = _app.env.get_domain("cite") if _app else None
    data = getattr(getattr(domain, "bibdata", None), "data", None)
    if data is not None and data is not _labels_source:
        _labels, _labels_source = compute_labels(data.entries), data
    return _labels


# --- pybtex: label style and formatting style (reference lists, tooltips) ----------------------

def _register_pybtex_styles() -> None:
    from pybtex.plugin import register_plugin
    from pybtex.richtext import Tag, Text
    from pybtex.style.formatting.plain import Style as PlainStyle
    from pybtex.style.labels import BaseLabelStyle
    from pybtex.style.template import FieldIsMissing, field, join, node, sentence

    class BookLabels(BaseLabelStyle):
        def format_labels(self, sorted_entries):
            known = labels()
            for entry in sorted_entries:
                yield known.get(entry.key) or f"{in_text_authors(entry)}, {entry.fields.get('year', 'n.d.')}"

    @node
    def book_names(children, context, role, **kwargs):
        """pybtex's ``names``, with a trailing 'others' written as 'et al.'."""
        persons = context["entry"].persons.get(role)
        if not persons:
            raise FieldIsMissing(role, context["entry"])
        style = context["style"]
        cut = is_cut_short(persons)
        named = [style.format_name(p, style.abbreviate_names) for p in (persons[:-1] if cut else persons)]
        if not cut:
            return join(**kwargs)[named].format_data(context)
        listed = join(sep=", ")[named].format_data(context)
        return Text(listed, ", " if len(named) > 1 else " ", Tag("em", "et al."))

    class BookStyle(PlainStyle):
        default_label_style = "book"

        def format_names(self, role, as_sentence=True):
            formatted = book_names(role, sep=", ", sep2=" and ", last_sep=", and ")
            return sentence[formatted] if as_sentence else formatted

        def format_title(self, e, which_field, as_sentence=True):
            """The title as the work gives it. pybtex's plain style lower-cases every title
            after its first letter ("Ggml: add Vulkan backend", "01-ai/yi", "december 2023"),
            which miswrites names, months and acronyms that were not braced."""
            title = field(which_field)
            return sentence[title] if as_sentence else title

    register_plugin("pybtex.style.labels", "book", BookLabels, force=True)
    register_plugin("pybtex.style.formatting", "book", BookStyle, force=True)


# --- sphinxcontrib-bibtex: the in-text form ---------------------------------------------------

def _register_reference_style() -> None:
    from pybtex.richtext import Tag, Text
    from pybtex.style.template import FieldIsMissing, first_of, node, optional, tag, field as bib_field
    from sphinxcontrib.bibtex.plugin import register_plugin
    from sphinxcontrib.bibtex.style.referencing import PersonStyle
    from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
    from sphinxcontrib.bibtex.style.referencing.basic_author_year import (
        BasicAuthorYearParentheticalReferenceStyle, BasicAuthorYearTextualReferenceStyle)
    from sphinxcontrib.bibtex.style.template import entry_label, join, join2, post_text, pre_text, reference

    @node
    def label_year(children, data):
        """The year part of the label ('2023a'), for textual citations: 'Touvron et al. [2023a]'."""
        return Text(data["formatted_entry"].label.rsplit(", ", 1)[-1])

    @node
    def person_names(children, data, role, sep, sep2, last_sep, other):
        persons = data["entry"].persons.get(role)
        if not persons:
            raise FieldIsMissing(role, data["entry"])
        person = data["style"].person
        cut = is_cut_short(persons)
        named = [person.style_plugin.format(p, person.abbreviate) for p in (persons[:-1] if cut else persons)]
        if not cut:
            return join(sep=sep, sep2=sep2, last_sep=last_sep, other=other)[named].format_data(data)
        if other is not None:  # short form: 'A et al.'
            return join[named[0], other].format_data(data)
        listed = join(sep=sep)[named].format_data(data)
        return Text(listed, ", " if len(named) > 1 else " ", Tag("em", "et al."))

    @dataclass
    class BookPersonStyle(PersonStyle):
        def names(self, role, full):
            return person_names(role=role, sep=self.sep, sep2=self.sep2, last_sep=self.last_sep,
                                other=None if full else self.other)

        def author_or_editor_or_title(self, full):
            kwargs = dict(sep=self.sep, sep2=self.sep2, last_sep=self.last_sep,
                          other=None if full else self.other)
            return first_of[optional[person_names(role="author", **kwargs)],
                            optional[person_names(role="editor", **kwargs)],
                            tag("em")[bib_field("title")]]

    @dataclass
    class LabelParenthetical(BasicAuthorYearParentheticalReferenceStyle):
        def inner(self, role_name):
            if "s" in role_name:  # full author list asked for: names and the label's year
                return super().inner(role_name)
            return join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
                pre_text, reference[entry_label], post_text]

    @dataclass
    class LabelYearTextual(BasicAuthorYearTextualReferenceStyle):
        def inner(self, role_name):
            return join(sep=self.text_reference_sep)[
                self.person.author_or_editor_or_title(full="s" in role_name),
                join[self.bracket.left,
                     join2(sep1=self.pre_text_sep, sep2=self.post_text_sep)[
                         pre_text, reference[label_year], post_text],
                     self.bracket.right]]

    @dataclass
    class BookReferenceStyle(AuthorYearReferenceStyle):
        person: PersonStyle = field(default_factory=BookPersonStyle)

        def __post_init__(self):
            super().__post_init__()
            for i, style in enumerate(self.styles):
                if type(style) is BasicAuthorYearParentheticalReferenceStyle:
                    self.styles[i] = LabelParenthetical(
                        bracket=style.bracket, person=style.person,
                        author_year_sep=style.author_year_sep, pre_text_sep=style.pre_text_sep,
                        post_text_sep=style.post_text_sep)
                elif type(style) is BasicAuthorYearTextualReferenceStyle:
                    self.styles[i] = LabelYearTextual(
                        bracket=style.bracket, person=style.person,
                        text_reference_sep=style.text_reference_sep,
                        pre_text_sep=style.pre_text_sep, post_text_sep=style.post_text_sep)
            self.role_style.update((name, s) for s in self.styles for name in s.role_names())

    register_plugin("sphinxcontrib.bibtex.style.referencing", "book", BookReferenceStyle,
                    force=True)


# --- one complete bibliography page ---------------------------------------------------------

class all_references(nodes.General, nodes.Element):
    """Placeholder replaced, once every citation is known, by the list of all works."""


class AllReferences(SphinxDirective):
    has_content = False

    def run(self):
        self.env.__dict__.setdefault("book_all_references_docs", set()).add(self.env.docname)
        return [all_references()]


def _purge(app: Sphinx, env, docname: str) -> None:
    env.__dict__.setdefault("book_all_references_docs", set()).discard(docname)


def _rewrite_bibliography_page(app: Sphinx, env) -> list[str]:
    """The bibliography page lists what every other page cites, so it is written again when
    that changes: which works are cited where, or the bibliography files. (Its doctree is not
    read again; the list is filled in when the page is written.) Writing it costs seconds, so
    a build whose citations did not change skips it."""
    import hashlib
    import json
    from pathlib import Path

    docs = sorted(getattr(env, "book_all_references_docs", set()) & set(env.found_docs))
    if not docs:
        return []
    domain = env.get_domain("cite")
    cited = sorted({(t.key, ref.docname) for ref in domain.citation_refs for t in ref.targets})
    digest = hashlib.blake2b(json.dumps(cited).encode(), digest_size=16)
    for bib in app.config.bibtex_bibfiles:
        digest.update((Path(app.srcdir) / bib).read_bytes())
    stamp = Path(app.doctreedir) / "book-bibliography.stamp"
    signature = digest.hexdigest()
    if stamp.exists() and stamp.read_text() == signature and all(
            (Path(app.outdir) / d / "index.html").exists() for d in docs):
        return []
    stamp.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(signature)
    return docs


def sort_key(entry, label: str) -> tuple:
    persons = _persons(entry)
    first = surname(persons[0]) if persons else in_text_authors(entry)
    # accents and leading punctuation do not move a name: "Ó" files under O, ".txt" under T
    first = unicodedata.normalize("NFKD", first).encode("ascii", "ignore").decode().lower()
    return re.sub(r"^[^a-z0-9]+", "", first), entry.fields.get("year", ""), label.lower()


def _fill_all_references(app: Sphinx, doctree, docname: str) -> None:
    placeholders = list(doctree.findall(all_references))
    if not placeholders:
        return
    from pybtex.plugin import find_plugin

    domain = app.env.get_domain("cite")
    backend = find_plugin("pybtex.backends", "docutils")()
    cited_in: dict[str, list[str]] = {}
    for ref in domain.citation_refs:
        for target in ref.targets:
            docs = cited_in.setdefault(target.key, [])
            if ref.docname not in docs:
                docs.append(ref.docname)
    seen: dict[str, object] = {}
    for citation in domain.citations:
        seen.setdefault(citation.key, citation)
    items = nodes.bullet_list(classes=["all-references"])
    ordered = sorted(seen.items(), key=lambda kv: sort_key(kv[1].entry, kv[1].formatted_entry.label))
    for key, citation in ordered:
        item = nodes.list_item(ids=[f"bib-{key}"])
        para = nodes.paragraph()
        para += nodes.strong(text=citation.formatted_entry.label)
        para += nodes.Text(". ")
        para += citation.formatted_entry.text.render(backend)
        docs = [d for d in app.env.found_docs if d in cited_in.get(key, [])]
        if docs:
            para += nodes.Text(" Cited in: ")
            for i, doc in enumerate(sorted(docs, key=cited_in[key].index)):
                if i:
                    para += nodes.Text(", ")
                uri = app.builder.get_relative_uri(docname, doc)
                title = app.env.titles[doc].astext() if doc in app.env.titles else doc
                para += nodes.reference("", title, refuri=uri, internal=True)
            para += nodes.Text(".")
        item += para
        items += item
    for node in placeholders:
        node.replace_self(items.deepcopy())


def _remember_app(app: Sphinx) -> None:
    global _app
    _app = app


def setup(app: Sphinx):
    _register_pybtex_styles()
    _register_reference_style()
    app.connect("builder-inited", _remember_app)
    app.add_node(all_references)
    app.add_directive("all-references", AllReferences)
    app.connect("env-purge-doc", _purge)
    app.connect("env-updated", _rewrite_bibliography_page)
    app.connect("doctree-resolved", _fill_all_references)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
