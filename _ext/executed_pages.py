"""Pages with executed examples: where a cell fails, and a notebook for readers to run.

A chapter whose front matter says ``file_format: mystnb`` has ``{code-cell}`` cells that run at
build time (``execute_notebooks: cache`` in ``_config.yml``).

- **A failing cell points at its line.** MyST-NB reports a failed execution against the page
  only ("Executing notebook failed: CellExecutionError"). This adds a warning at the failing
  cell's own line, ``chapter.md:LINE: code cell failed: ValueError: ...``, found by matching the
  cell source in MyST-NB's traceback against the page. With ``-W`` it fails the build.
- **Kernels encrypt their channels.** jupyter_client starts kernels on plain TCP by default,
  and ipykernel 7 then logs "WARNING | Kernel is running over TCP without encryption" to the
  build's stderr for every executed page, which the strict-build test rightly counts as a
  warning. The kernel manager can provision CurveZMQ keys for kernels whose kernelspec declares
  support (ipykernel's does), so the build asks for that: the cause goes, not the message. See
  ``encrypted_kernels``. (IPC transport, the other remedy, puts sockets at a path relative to
  the kernel's working directory, which differs from the build's.)
- **Readers can run it.** Each such page gets a link, under its title, to the page as a Jupyter
  notebook (``_notebooks/<page>.ipynb``, the executed notebook MyST-NB writes, with outputs).
  It runs in a fresh environment with the book's ``requirements.txt``.

Local because MyST-NB has neither feature with the furo theme (the book theme's download
button is part of sphinx-book-theme).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging
from sphinx.util.osutil import relative_uri

logger = logging.getLogger(__name__)

NOTEBOOKS = "_notebooks"
ANSI = re.compile(r"\x1b\[[0-9;]*m")
FAILED_CELL = re.compile(r"An error occurred while executing the following cell:\n-+\n(.*?)\n-+\n",
                         re.S)


def executed(env, docname: str) -> bool:
    return "kernelspec" in (env.metadata.get(docname) or {})


def failure(traceback: str) -> tuple[str, str, int] | None:
    """(cell source, 'Error: message', line within the cell) from MyST-NB's saved traceback."""
    text = ANSI.sub("", traceback)
    m = FAILED_CELL.search(text)
    if not m:
        return None
    errors = [l.strip() for l in text.splitlines()
              if re.match(r"^\s*[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)\b:?", l)]
    at = re.findall(r"Cell In\[\d+\], line (\d+)", text)
    return m.group(1), (errors[-1] if errors else "the cell raised an error"), \
        int(at[-1]) if at else 1


def cell_line(source_text: str, cell: str, within: int = 1) -> int | None:
    """The line in the page of line ``within`` of the ``{code-cell}`` whose body is ``cell``
    (the fence's line if the body is not found as written)."""
    lines = source_text.splitlines()
    body = cell.strip().splitlines()
    for i, line in enumerate(lines):
        if re.match(r"^(`{3,}|~{3,})\s*\{code-cell\}", line):
            j = i + 1
            while j < len(lines) and lines[j].startswith(":"):  # cell options
                j += 1
            if [l.rstrip() for l in lines[j:j + len(body)]] == [l.rstrip() for l in body]:
                return j + min(max(within, 1), len(body))
    return None


def _report_failed_cell(app: Sphinx, doctree) -> None:
    env = app.env
    if not executed(env, env.docname):
        return
    from myst_nb.sphinx_ import NbMetadataCollector

    data = NbMetadataCollector.get_exec_data(env, env.docname) or {}
    if not data.get("traceback"):
        return
    found = failure(data["traceback"])
    if not found:
        return
    source = Path(env.doc2path(env.docname))
    line = cell_line(source.read_text(encoding="utf-8"), found[0], found[2])
    logger.warning(f"code cell failed: {found[1]}", location=(env.docname, line),
                   type="nb", subtype="cell")


def _add_download_link(app: Sphinx, doctree, docname: str) -> None:
    if app.builder.format != "html" or not executed(app.env, docname):
        return
    here = app.builder.get_target_uri(docname)
    root = relative_uri(here, "") if here else ""
    para = nodes.paragraph(classes=["notebook-download"])
    para += nodes.Text("The examples on this page run when the book is built. ")
    link = nodes.reference("", "Download the page as a Jupyter notebook",
                           refuri=f"{root}{NOTEBOOKS}/{docname}.ipynb")
    link["download"] = ""
    para += link
    para += nodes.Text(" to run them yourself (with the book's requirements.txt).")
    titles = list(doctree.findall(nodes.title))
    if titles and isinstance(titles[0].parent, nodes.section):
        section = titles[0].parent
        section.insert(section.index(titles[0]) + 1, para)
    else:
        doctree += para


def _copy_notebooks(app: Sphinx, exception) -> None:
    if exception or app.builder.format != "html":
        return
    source = Path(app.outdir).parent / "jupyter_execute"
    target = Path(app.outdir) / NOTEBOOKS
    for docname in app.env.found_docs:
        if executed(app.env, docname) and (source / f"{docname}.ipynb").exists():
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source / f"{docname}.ipynb", target / f"{docname}.ipynb")


def encrypted_kernels() -> None:
    """Make kernels that MyST-NB starts (through jupyter-cache and nbclient, which pass no
    kernel-manager settings on) use CurveZMQ: the default of jupyter_client's
    ``KernelManager.transport_encryption`` becomes ``auto`` (keys for kernels that support
    them) for managers created after this call."""
    from jupyter_client.manager import KernelManager

    KernelManager.class_traits()["transport_encryption"].default_value = "auto"


def setup(app: Sphinx):
    encrypted_kernels()
    app.connect("doctree-read", _report_failed_cell)
    app.connect("doctree-resolved", _add_download_link)
    app.connect("build-finished", _copy_notebooks)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
