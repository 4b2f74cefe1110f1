"""Shared facts as MyST substitutions: every fact in ``data/_facts.yml`` (a figure that several
chapters state, such as the KV cache of Llama 2 7B) can be written ``{{ kv_cache_llama2_7b }}``
in a chapter, so the value lives in one place. ``make test`` also checks that chapters which
write such a figure out in words give the registered value (tests/checks.py:
check_shared_facts).

Local because the facts file is this book's own; MyST reads substitutions from configuration,
and this adds them there when the build starts.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from sphinx.application import Sphinx

FACTS = Path("data") / "_facts.yml"


def load(srcdir: str) -> dict[str, str]:
    path = Path(srcdir) / FACTS
    if not path.exists():
        return {}
    return {f["id"]: str(f["value"]) for f in yaml.safe_load(path.read_text(encoding="utf-8"))["facts"]}


def _add_substitutions(app: Sphinx, config) -> None:
    facts = load(app.srcdir)
    clash = sorted(set(facts) & set(config.myst_substitutions or {}))
    if clash:
        raise ValueError(f"data/_facts.yml and myst_substitutions both define {', '.join(clash)}")
    config.myst_substitutions = {**(config.myst_substitutions or {}), **facts}


def setup(app: Sphinx):
    app.connect("config-inited", _add_substitutions)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
