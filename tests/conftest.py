"""Shared fixtures: the book is built once per test run, strictly, then every check reads it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
sys.path.insert(0, str(ROOT / "_ext"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

STRICT = ["--builder", "dirhtml", "-W", "-n", "--keep-going", "--all"]


def jupyter_book() -> str:
    return str(Path(sys.executable).with_name("jupyter-book"))


def build(folder: Path, clean: bool = True) -> subprocess.CompletedProcess:
    """A strict dirhtml build of a book folder (warnings are errors): clean by default, else
    incremental (only changed pages are read again)."""
    flags = STRICT if clean else [f for f in STRICT if f != "--all"]
    return subprocess.run([jupyter_book(), "build", *flags, str(folder)],
                          capture_output=True, text=True, timeout=900)


def with_extensions(book: Path, *names: str) -> Path:
    """Give a copy of the fixture book some of the real book's local extensions."""
    import shutil

    shutil.copytree(ROOT / "_ext", book / "_ext", dirs_exist_ok=True)
    config = (book / "_config.yml").read_text()
    local = "".join(f"    {n}: _ext/\n" for n in names)
    config = config.replace("sphinx:\n  config:\n", f"sphinx:\n  local_extensions:\n{local}  config:\n")
    config = config.replace("sphinxcontrib.bibtex]", "sphinxcontrib.bibtex, " + ", ".join(names) + "]")
    (book / "_config.yml").write_text(config + "exclude_patterns: [_ext]\n")
    return book


@pytest.fixture(scope="session")
def book_build() -> subprocess.CompletedProcess:
    """The real book, built once per run. Locally it reuses an earlier build of _build/ (an
    incremental strict build: pages that warned before are read again, see
    _ext/sticky_warnings.py, so every outstanding warning is reported); on CI, or with
    BOOK_CLEAN_BUILD=1, it builds from scratch.

    `make test` runs the tests in two processes (pytest-xdist): the first to need the book
    builds it, under a lock, and the other reads the result it recorded for this run."""
    import json

    from filelock import FileLock

    run = os.environ.get("PYTEST_XDIST_TESTRUNUID", "")
    (ROOT / "_build").mkdir(exist_ok=True)
    record = ROOT / "_build" / f".test-build-{run}.json"
    with FileLock(str(ROOT / "_build" / ".test-build.lock")):
        if run and record.exists():
            data = json.loads(record.read_text())
            return subprocess.CompletedProcess(data["args"], data["returncode"], data["stdout"],
                                               data["stderr"])
        clean = bool(os.environ.get("CI") or os.environ.get("BOOK_CLEAN_BUILD")) or not (
            ROOT / "_build" / ".doctrees" / "environment.pickle").exists()
        proc = build(ROOT, clean=clean)
        if run:
            for old in (ROOT / "_build").glob(".test-build-*.json"):
                old.unlink()
            (ROOT / "_build").mkdir(exist_ok=True)
            record.write_text(json.dumps({"args": proc.args, "returncode": proc.returncode,
                                          "stdout": proc.stdout, "stderr": proc.stderr}))
        return proc


@pytest.fixture(scope="session")
def site(book_build) -> Path:
    if book_build.returncode != 0:
        pytest.fail("the strict build failed:\n" + warnings_of(book_build), pytrace=False)
    return ROOT / "_build" / "dirhtml"


def warnings_of(proc: subprocess.CompletedProcess) -> str:
    lines = (proc.stdout + proc.stderr).splitlines()
    hits = [l for l in lines if "WARNING" in l or "ERROR" in l or "Error" in l]
    return "\n".join(hits[-60:] or lines[-60:])


@pytest.fixture
def minibook(tmp_path) -> Path:
    """A fresh, writable copy of the small fixture book."""
    dest = tmp_path / "book"
    shutil.copytree(FIXTURES / "minibook", dest)
    return dest


def pytest_sessionfinish(session, exitstatus):
    """On CI, a skipped test is a failure: nothing may silently not run."""
    if os.environ.get("CI") and exitstatus == 0:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        skipped = reporter.stats.get("skipped", []) if reporter else []
        if skipped:
            reporter.write_line(f"CI: {len(skipped)} test(s) skipped; skipped tests fail on CI",
                                red=True)
            session.exitstatus = 1
