"""`make livehtml`: sphinx-autobuild, with the next build's Python already warmed up.

sphinx-autobuild (2025.8) starts ``python -m sphinx build`` afresh for every save, so each
rebuild first spends about two seconds importing Sphinx and the extensions, reading the
configuration, setting the extensions up and loading the saved environment, before it reads
the one page that changed. Here the process for the next build is started as soon as a build
ends: it does all of that, then waits. Saving a page only tells it to go, so the reload
waits for the page's own reading and writing.

The waiting process is thrown away, and the build runs in a fresh one, whenever a change is
not just Markdown pages: the configuration, ``_toc.yml``, ``_ext/``, ``_static/``, ``data/``,
``figures/`` or ``references.bib`` are read while a process starts, so a warm process would
build with the old ones. Each build still runs in its own process, from the same command
line, with the same strict flags; only the moment its set-up happens differs.

Usage (what the Makefile runs): ``python tests/livehtml.py SOURCEDIR OUTDIR [sphinx-autobuild
and sphinx-build options]``.
"""

from __future__ import annotations

import io
import subprocess
import sys
import threading
from pathlib import Path

WARM = "--book-warm-build"


# --- the waiting build process -------------------------------------------------------------------

class _Gate(io.TextIOBase):
    """A stream that holds what Sphinx prints while it sets up, and lets it through once the
    build is asked for, so the set-up messages appear with the build they belong to."""

    def __init__(self, real):
        self.real, self.held, self.open = real, [], False

    def write(self, text: str) -> int:
        if self.open:
            return self.real.write(text)
        self.held.append(text)
        return len(text)

    def flush(self) -> None:
        if self.open:
            self.real.flush()

    def isatty(self) -> bool:
        return self.real.isatty()

    def release(self) -> None:
        self.open = True
        self.real.write("".join(self.held))
        self.held.clear()
        self.real.flush()


def warm_build(sphinx_args: list[str]) -> int:
    """Set Sphinx up, wait for a line on stdin, then build; exit without building on EOF."""
    import sphinx.application
    import sphinx.cmd.build

    out, err = _Gate(sys.stdout), _Gate(sys.stderr)
    sys.stdout, sys.stderr = out, err
    build = sphinx.application.Sphinx.build

    def build_when_asked(self, *args, **kwargs):
        if not sys.stdin.readline():  # the server stopped, or threw this process away
            raise SystemExit(0)
        out.release()
        err.release()
        return build(self, *args, **kwargs)

    sphinx.application.Sphinx.build = build_when_asked
    try:
        return sphinx.cmd.build.main(sphinx_args)
    finally:
        out.release()
        err.release()


# --- the server side ---------------------------------------------------------------------------------

def only_pages(changed: list[Path], source: Path) -> bool:
    """True when every changed file is a Markdown page of the book (not in a folder the
    build reads at set-up: _ext, _static, data, figures)."""
    if not changed:
        return False
    for path in changed:
        try:
            rel = path.resolve().relative_to(source)
        except ValueError:
            return False
        if rel.suffix != ".md" or rel.parts[0] in {"_ext", "_static", "data", "figures", "tests"}:
            return False
    return True


def serve(argv: list[str]) -> None:
    import asyncio

    import sphinx_autobuild.__main__ as autobuild
    from sphinx_autobuild.build import Builder
    from sphinx_autobuild.server import RebuildServer
    from sphinx_autobuild.utils import show_message

    source = Path(argv[0]).resolve()

    class WarmBuilder(Builder):
        """sphinx-autobuild's builder, running each build in the waiting process when the
        change allows it, and starting the next one after."""

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.waiting: subprocess.Popen | None = None
            self.lock = threading.Lock()

        def start_waiting(self) -> None:
            # Its own session: Ctrl+C in the terminal stops the server, whose exit closes this
            # pipe, and the waiting process then ends quietly instead of printing a traceback.
            self.waiting = subprocess.Popen([sys.executable, __file__, WARM, *self.sphinx_args],
                                            stdin=subprocess.PIPE, text=True,
                                            start_new_session=True)

        def discard(self) -> None:
            if self.waiting and self.waiting.poll() is None:
                self.waiting.stdin.close()  # EOF: it exits without building
                self.waiting.wait()
            self.waiting = None

        def __call__(self, *, changed_paths):
            with self.lock:
                if changed_paths:
                    names = ", ".join(str(p.relative_to(source)) if p.is_relative_to(source)
                                      else str(p) for p in changed_paths[:5])
                    show_message(f"Detected changes ({names})")
                warm = only_pages(list(changed_paths), source) and \
                    self.waiting is not None and self.waiting.poll() is None
                if not warm:
                    self.discard()
                    self.start_waiting()
                if self._run_commands(self.pre_build_commands, "pre-build") != 0:
                    return
                show_message("Rebuilding (set up while you edited)..." if warm else
                             "Rebuilding in a fresh process (first build, or more than pages "
                             "changed)...")
                build, self.waiting = self.waiting, None
                build.stdin.write("go\n")
                build.stdin.flush()
                code = build.wait()
                self.start_waiting()  # the next build sets up while the author edits
                if code:
                    print(f"Sphinx exited with exit code: {code}")
                    print("The server will continue serving the build folder, but the contents "
                          "being served are no longer in sync with the documentation sources. "
                          "Please fix the cause of the error above or press Ctrl+C to stop the "
                          "server.")
                else:
                    self._run_commands(self.post_build_commands, "post-build")
                show_message(f"Serving on {self.uri}")

    class ThreadedRebuildServer(RebuildServer):
        """Runs the builder in a thread of this process (upstream submits it to a fresh process
        pool for every change, which would lose the waiting process)."""

        async def watch(self) -> None:
            import watchfiles

            async for changes in watchfiles.awatch(*self.paths,
                                                   watch_filter=lambda _, p: not self.ignore(p)):
                changed = [Path(p).resolve() for _, p in changes]
                await asyncio.to_thread(self.change_callback, changed_paths=changed)
                self.flag.set()

    autobuild.Builder, autobuild.RebuildServer = WarmBuilder, ThreadedRebuildServer
    builder_holder: list = []
    original_init = WarmBuilder.__init__

    def remember(self, *args, **kwargs):
        original_init(self, *args, **kwargs)
        builder_holder.append(self)

    WarmBuilder.__init__ = remember
    try:
        autobuild.main(argv)
    finally:
        for builder in builder_holder:
            builder.discard()


if __name__ == "__main__":
    if sys.argv[1:2] == [WARM]:
        sys.exit(warm_build(sys.argv[2:]))
    serve(sys.argv[1:])
