"""The repository around the book: the devcontainer, the two-command start, citation metadata."""

import json
import re

import yaml

from conftest import ROOT


def makefile_targets() -> dict[str, str]:
    text = (ROOT / "Makefile").read_text()
    return {m.group(1): m.group(2) for m in re.finditer(r"^([$()A-Za-z/_.-]+):([^\n]*)", text, re.M)}


def test_devcontainer_parses_and_uses_the_same_install():
    config = json.loads((ROOT / ".devcontainer/devcontainer.json").read_text())
    assert "3.11" in config["image"], "the devcontainer uses Python 3.11"
    assert config["postCreateCommand"] == "make install", \
        "the devcontainer installs exactly as `make` does"
    assert 8000 in config["forwardPorts"]
    assert "install" in makefile_targets()


def test_make_serve_and_test_share_the_install():
    targets = makefile_targets()
    venv = "$(BIN)/jupyter-book"  # the target that creates .venv from requirements.txt
    assert "build" in targets["serve"] and venv in targets["build"]
    assert "install" in targets["test"] and venv in targets["install"]
    assert "requirements.txt" in targets[venv]
    make = (ROOT / "Makefile").read_text()
    assert re.search(r"pip install [^\n]*-r requirements\.txt", make)


def test_readme_starts_with_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    first_block = re.search(r"```(?:bash|sh|console)?\n(.*?)```", readme, re.S).group(1)
    commands = [l.split("#")[0].strip() for l in first_block.splitlines()
                if l.strip() and not l.startswith("#")]
    assert commands == ["make serve", "make test"]


def test_ci_runs_make_test():
    run = (ROOT / ".ci/run").read_text()
    assert run.startswith("#!/usr/bin/env bash")
    assert re.search(r"^make test$", run, re.M)


def test_requirements_are_exact_pins():
    for line in (ROOT / "requirements.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            assert re.match(r"^[A-Za-z0-9_.\-\[\]]+==[^=<>~!]+$", line), f"not an exact pin: {line}"
    text = (ROOT / "requirements.txt").read_text()
    assert re.search(r"^jupyter-book==1\.", text, re.M), "Jupyter Book must stay on 1.x"


def test_citation_metadata_agrees():
    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    zenodo = json.loads((ROOT / ".zenodo.json").read_text())
    assert cff["title"] == zenodo["title"]
    assert str(cff["version"]) == zenodo["version"]
    assert cff["license"].lower() == zenodo["license"].lower()
    assert [a.get("name") or f"{a['family-names']}, {a['given-names']}" for a in cff["authors"]] \
        == [c["name"] for c in zenodo["creators"]]
    assert str(cff["date-released"]) == zenodo["publication_date"]
    if cff.get("doi"):
        assert cff["doi"] in (ROOT / "README.md").read_text(), "README shows the DOI badge"


def test_cffconvert_validates_citation_cff(tmp_path):
    """`cffconvert --validate` (in its own venv, made by `make install`) accepts CITATION.cff,
    and rejects a broken copy."""
    import shutil
    import subprocess

    exe = ROOT / ".venv-cff" / "bin" / "cffconvert"
    assert exe.exists(), "run `make install` (creates .venv-cff)"
    ok = subprocess.run([str(exe), "--validate", "-i", str(ROOT / "CITATION.cff")],
                        capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    broken = tmp_path / "CITATION.cff"
    shutil.copy(ROOT / "CITATION.cff", broken)
    broken.write_text(broken.read_text().replace("cff-version: 1.2.0", "cff-version: 1.2.0\nlicence: x"))
    bad = subprocess.run([str(exe), "--validate", "-i", str(broken)], capture_output=True, text=True)
    assert bad.returncode != 0


def test_live_preview_is_incremental_and_finds_the_local_extensions():
    livehtml = (ROOT / "Makefile").read_text().split("livehtml:", 1)[1].split("\n\n", 1)[0]
    assert "tests/livehtml.py" in livehtml and "PYTHONPATH=_ext" in livehtml
    assert "--all" not in livehtml and " -a " not in livehtml
