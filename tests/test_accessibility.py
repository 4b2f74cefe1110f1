"""Accessibility of every page in a real browser (Debian's Chromium, as in test_browser.py):
axe-core's WCAG 2.1 A/AA and best-practice rules, heading order and image alt text.

A module of its own so that `make test`'s two processes (pytest-xdist, one module per process
at a time) run it beside the other browser tests instead of after them."""

from __future__ import annotations

import pytest

from conftest import ROOT
from test_browser import base_url, browser, context, page_paths, pytestmark  # noqa: F401

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page, rules: list[str] | None = None) -> list[str]:
    page.add_script_tag(path=str(AXE))
    only = ("{type: 'rule', values: %s}" % rules) if rules else \
        "{type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}"
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {runOnly: ONLY, resultTypes: ["violations"]});""".replace("ONLY", only) + """
        return r.violations.map(v => ({id: v.id, impact: v.impact, n: v.nodes.length,
            target: v.nodes[0].target.join(' ')}));
    }""")
    return [f"{v['id']} ({v['impact']}, {v['n']}x, e.g. {v['target']})" for v in result
            if v["impact"] in ("serious", "critical")]


@pytest.mark.skipif(not AXE.exists(), reason="run `npm ci` for axe-core")
@pytest.mark.parametrize("theme", ["light", "dark"])
def test_no_serious_accessibility_violations(browser, base_url, site, theme):
    """All WCAG 2.1 A/AA and best-practice rules in light mode; in dark mode the rule that
    changes with the theme, colour contrast."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.add_init_script(f"localStorage.setItem('theme', '{theme}')")
    page = ctx.new_page()
    found = {}
    for path in page_paths(site):
        page.goto(base_url + path)
        assert page.evaluate("document.body.dataset.theme") == theme
        violations = axe_violations(page, None if theme == "light" else ["color-contrast"])
        if violations:
            found[path or "/"] = violations
    ctx.close()
    assert found == {}


def test_headings_are_in_order_and_images_have_alt(context, base_url, site):
    page = context.new_page()
    problems = []
    for path in page_paths(site):
        page.goto(base_url + path)
        levels = page.eval_on_selector_all(
            "article h1, article h2, article h3, article h4, article h5, article h6",
            "els => els.map(e => Number(e.tagName[1]))")
        if levels.count(1) != 1:
            problems.append(f"{path}: {levels.count(1)} h1 elements")
        for a, b in zip(levels, levels[1:]):
            if b > a + 1:
                problems.append(f"{path}: heading jumps from h{a} to h{b}")
                break
        missing = page.eval_on_selector_all("img:not([alt]), img[alt='']", "els => els.map(e => e.src)")
        problems += [f"{path}: image without alt {src}" for src in missing]
    assert problems == []
