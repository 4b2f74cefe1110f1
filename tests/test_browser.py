"""The built site in a real browser: Debian's Chromium driven by Playwright (no browser is
downloaded). The site is served on 127.0.0.1 under its base path, as a static host serves it.

Skipped only where Chromium is absent and CI is not set; on CI a skip fails the run."""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

import checks
from conftest import ROOT

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
BASE_PATH = "/" + yaml.safe_load((ROOT / "_config.yml").read_text())["html"]["baseurl"].split("/", 3)[3]
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run"]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() and not os.environ.get("CI"),
                       reason="Debian's Chromium is not installed (apt-get install chromium)"),
]


@pytest.fixture(scope="module")
def base_url(site):
    with checks.serve(site, prefix=BASE_PATH) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        yield b
        b.close()


@pytest.fixture
def context(browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    yield ctx
    ctx.close()


def page_paths(site: Path) -> list[str]:
    """Every page of the site, as paths under the base URL, from the sitemap."""
    root = ET.parse(site / "sitemap.xml").getroot()
    base = yaml.safe_load((ROOT / "_config.yml").read_text())["html"]["baseurl"]
    return [loc.text[len(base):] for loc in root.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]


def chapter_paths(site: Path) -> list[str]:
    return [p for p in page_paths(site) if p.strip("/") not in ("", "glossary", "bibliography")]


def results_on_pages(browser, base_url, paths, script, width, height, theme=None):
    """(path, item) for every item that ``script`` returns on each page, in a fresh window of
    the given size (and colour theme)."""
    ctx = browser.new_context(viewport={"width": width, "height": height})
    if theme:
        ctx.add_init_script(f"localStorage.setItem('theme', '{theme}')")
    try:
        page = ctx.new_page()
        for path in paths:
            page.goto(base_url + path)
            for item in page.evaluate(script):
                yield path, item
    finally:
        ctx.close()


class Recorder:
    """Console errors, failed requests and error responses on one page."""

    def __init__(self, page):
        self.problems: list[str] = []
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"{r.status}: {r.url}"))


def test_every_page_loads_without_errors(context, base_url, site):
    problems = {}
    for path in page_paths(site):
        page = context.new_page()
        rec = Recorder(page)
        response = page.goto(base_url + path, wait_until="load")
        page.wait_for_timeout(50)
        if response.status != 200 or rec.problems:
            problems[path or "/"] = [f"status {response.status}"] + rec.problems
        page.close()
    assert problems == {}


def test_search_finds_a_chapter_by_a_word_in_its_text(context, base_url):
    page = context.new_page()
    page.goto(base_url + "search/?q=PagedAttention", wait_until="load")
    page.wait_for_selector("#search-results li a", timeout=15000)
    links = page.eval_on_selector_all("#search-results li a", "els => els.map(e => e.href)")
    assert any("mlops-engines" in href for href in links), links


def test_search_snippets_keep_words_apart_and_the_box_shows_focus(context, base_url):
    page = context.new_page()
    page.goto(base_url + "search/?q=LoRA", wait_until="load")
    page.wait_for_selector("#search-results li p.context", timeout=15000)
    snippets = " ".join(page.eval_on_selector_all("#search-results li p.context",
                                                  "els => els.map(e => e.innerText)"))
    assert not re.search(r"LoRALow|[a-z][A-Z][a-z]+-Rank", snippets), snippets[:400]
    page.goto(base_url + "models/")
    box = page.locator(".sidebar-search")
    box.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focused from the keyboard, so :focus-visible applies
    assert page.evaluate("document.activeElement.classList.contains('sidebar-search')")
    style = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert style not in ("none", ""), style


def test_next_previous_and_sidebar_navigation(context, base_url):
    page = context.new_page()
    page.goto(base_url + "licences/")
    page.click("a.next-page")
    page.wait_for_url(re.compile(r".*/eval-datasets/$"))
    page.click("a.prev-page")
    page.wait_for_url(re.compile(r".*/licences/$"))
    page.click(".sidebar-tree a:has-text('Hardware')")
    page.wait_for_url(re.compile(r".*/hardware/$"))
    assert page.locator("h1").first.inner_text().startswith("Hardware")


def test_glossary_tooltip_on_hover_and_on_keyboard_focus(context, base_url):
    page = context.new_page()
    page.goto(base_url + "models/")
    term = page.locator("article a.glossary-term").first
    term.scroll_into_view_if_needed()
    term.hover()
    tip = page.locator("#book-tooltip")
    tip.wait_for(state="visible")
    assert len(tip.inner_text()) > 20
    assert term.get_attribute("aria-describedby") == "book-tooltip"
    page.mouse.move(0, 0)
    tip.wait_for(state="hidden")
    term.focus()  # keyboard focus, as Tab would give it
    tip.wait_for(state="visible")
    page.keyboard.press("Escape")
    tip.wait_for(state="hidden")


def test_citation_tooltip_shows_the_reference(context, base_url):
    page = context.new_page()
    page.goto(base_url + "vector-db/")
    cite = page.locator("article .bibtex-citation a.reference.internal").first
    cite.focus()
    page.locator("#book-tooltip").wait_for(state="visible")
    text = page.locator("#book-tooltip").inner_text()
    target = cite.get_attribute("href").split("#")[1]
    reference = page.locator(f"[id='{target}'] p").first.inner_text()
    assert re.search(r"\d{4}", text) and reference[:40] in text
    page.keyboard.press("Escape")
    page.locator("#book-tooltip").wait_for(state="hidden")


@pytest.mark.parametrize("width, height", [(1366, 900), (375, 812)])
def test_tooltips_stay_on_screen(browser, base_url, width, height):
    """Near the bottom of the window a tip opens above its link; on a phone it wraps long words
    and stays inside the window, and the page does not get wider."""
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    page.goto(base_url + "vector-db/")
    links = page.locator("article .bibtex-citation a.reference.internal")
    checked = 0
    for i in range(0, min(links.count(), 60), 4):
        link = links.nth(i)
        link.scroll_into_view_if_needed()
        # put the link near the bottom edge of the window
        page.evaluate("(el) => window.scrollBy(0, el.getBoundingClientRect().bottom - innerHeight + 12)",
                      link.element_handle())
        link.focus()
        tip = page.locator("#book-tooltip")
        tip.wait_for(state="visible")
        box, anchor = tip.bounding_box(), link.bounding_box()
        assert box["y"] >= 0 and box["y"] + box["height"] <= height + 1, (i, box, anchor)
        assert box["x"] >= 0 and box["x"] + box["width"] <= width + 1, (i, box)
        if anchor["y"] + anchor["height"] + box["height"] > height:
            assert box["y"] + box["height"] <= anchor["y"] + 1  # opened above
        checked += 1
        page.keyboard.press("Escape")
    assert checked > 5
    assert page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    ctx.close()


def test_dark_mode_toggles_and_persists(context, base_url):
    page = context.new_page()
    page.goto(base_url + "models/")
    before = page.evaluate("document.body.dataset.theme")
    for _ in range(3):  # furo cycles auto -> dark -> light
        page.click(".theme-toggle-content .theme-toggle")
        if page.evaluate("document.body.dataset.theme") == "dark":
            break
    assert page.evaluate("document.body.dataset.theme") == "dark", before
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    page.reload()
    assert page.evaluate("document.body.dataset.theme") == "dark"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == background
    page.goto(base_url + "hardware/")
    assert page.evaluate("document.body.dataset.theme") == "dark"


TABLE_FIT = """() => [...document.querySelectorAll('article .table-wrapper')].map(w => {
  const t = w.querySelector('table'), c = w.querySelector('caption'), first = w.querySelector('tbody tr > :first-child');
  const box = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.right]; };
  const out = {id: (w.closest('section[id]') || {}).id, over: w.scrollWidth - w.clientWidth,
               wrap: box(w), caption: c && box(c), shadow: getComputedStyle(w).backgroundImage};
  w.scrollLeft = w.scrollWidth;  // scrolled to its far end: caption and first column still in view
  out.captionEnd = c && box(c); out.firstEnd = first && box(first); w.scrollLeft = 0;
  return out; })"""


@pytest.mark.parametrize("width, height", [(1366, 900), (375, 812)])
def test_tables_fit_or_scroll_with_their_caption_in_view(browser, base_url, site, width, height):
    """At desktop width no table is wider than the text column. On a phone a wide table may
    scroll sideways inside its wrapper: its caption stays whole and in view, its first column
    stays at the left edge, and a shadow on the wrapper shows there is more."""
    problems, tables = [], 0
    for path, t in results_on_pages(browser, base_url, chapter_paths(site), TABLE_FIT, width, height):
        tables += 1
        where = f"{path}#{t['id']}"
        left, right = t["wrap"]
        for name in ("caption", "captionEnd"):
            if t[name] and (t[name][0] < left - 1 or t[name][1] > right + 1):
                problems.append(f"{where}: caption runs outside the table's box ({name})")
        if t["over"] > 1 and width >= 1024:
            problems.append(f"{where}: {t['over']}px wider than the column")
        if t["over"] > 1 and width < 1024:
            if "gradient" not in t["shadow"]:
                problems.append(f"{where}: scrolls sideways with no cue")
            if t["firstEnd"] and abs(t["firstEnd"][0] - left) > 1:
                problems.append(f"{where}: first column scrolls out of view")
    assert tables > 20 and not problems, problems


@pytest.mark.parametrize("width, height", [(1366, 900), (375, 812)])
def test_back_to_top_does_not_cover_a_caption(browser, base_url, width, height):
    """Scrolling up shows "Back to top"; it must not sit on the caption just brought into view."""
    ctx = browser.new_context(viewport={"width": width, "height": height}, reduced_motion="reduce")
    page = ctx.new_page()
    page.goto(base_url + "desktop-apps/")
    caption = page.locator("article table caption").first
    caption.scroll_into_view_if_needed()
    for top in (60, 100, 140):  # caption just under the header, where a link lands it
        page.evaluate("([c, top]) => window.scrollBy(0, c.getBoundingClientRect().top - top + 40)",
                      [caption.element_handle(), top])
        page.mouse.wheel(0, -40)  # scrolling up shows the button
        button = page.locator(".back-to-top")
        button.wait_for(state="visible")
        page.wait_for_timeout(50)
        b, c = button.bounding_box(), caption.bounding_box()
        overlap = not (b["x"] + b["width"] <= c["x"] or c["x"] + c["width"] <= b["x"]
                       or b["y"] + b["height"] <= c["y"] or c["y"] + c["height"] <= b["y"])
        assert not overlap, (top, b, c)
    ctx.close()


def test_phone_viewport_has_no_horizontal_overflow(browser, base_url, site):
    ctx = browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2,
                              is_mobile=True, has_touch=True)
    page = ctx.new_page()
    wide = []
    for path in chapter_paths(site) + ["", "glossary/", "bibliography/"]:
        page.goto(base_url + path)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth")
        if overflow > 1:
            wide.append(f"{path or '/'}: {overflow}px")
    ctx.close()
    assert wide == []


def test_404_page_renders_at_any_depth(context, base_url):
    page = context.new_page()
    rec = Recorder(page)
    response = page.goto(base_url + "no/such/page/here/")
    assert response.status == 404
    assert "Page not found" in page.inner_text("body")
    assert page.evaluate("getComputedStyle(document.querySelector('.sidebar-drawer')).display") != "inline"
    # The page itself answers 404 (and Chromium logs that); nothing it loads may fail.
    assert [p for p in rec.problems if not p.startswith("404: " + base_url + "no/")
            and not p.startswith("console: Failed to load resource")] == []


def test_print_hides_navigation(context, base_url):
    page = context.new_page()
    page.goto(base_url + "models/")
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.querySelector('.sidebar-drawer')).display") == "none"
    assert page.evaluate("getComputedStyle(document.querySelector('article')).display") != "none"


# --- figures drawn for the book (figures/*.py, _ext/svg_figures.py) ------------------------------

FIGURE_GEOMETRY = """() => {
  const out = [];
  for (const fig of document.querySelectorAll('figure.svg-figure')) {
    const svgs = [...fig.querySelectorAll('svg.svg-figure-art')]
      .filter(s => s.getBoundingClientRect().width > 0);
    const item = {id: fig.id, visible: svgs.length, overlaps: [], small: [], texts: 0};
    for (const svg of svgs) {
      const scale = svg.getScreenCTM().a;
      const texts = [...svg.querySelectorAll('text')].map(t => ({
        s: t.textContent, r: t.getBoundingClientRect(),
        px: parseFloat(getComputedStyle(t).fontSize) * scale}));
      item.texts += texts.length;
      for (const t of texts) if (t.px < 11) item.small.push(`${t.s} (${t.px.toFixed(1)} px)`);
      for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
        const a = texts[i].r, b = texts[j].r;
        if (a.left < b.right - 0.5 && b.left < a.right - 0.5 &&
            a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5)
          item.overlaps.push(`'${texts[i].s}' / '${texts[j].s}'`);
      }
    }
    out.push(item);
  }
  return out;
}"""


def figure_pages(site: Path) -> list[str]:
    return [p for p in page_paths(site)
            if 'class="svg-figure' in (site / p / "index.html").read_text(encoding="utf-8")]


def test_every_figure_has_alt_text_a_numbered_caption_and_a_reference(site):
    problems = []
    for path in figure_pages(site):
        html = (site / path / "index.html").read_text(encoding="utf-8")
        for m in re.finditer(r'<figure class="svg-figure[^"]*" id="([^"]+)">(.*?)</figure>', html, re.S):
            fig_id, body = m.group(1), m.group(2)
            labels = re.findall(r'<svg [^>]*aria-label="([^"]*)"', body)
            if not labels or not all(len(l) > 40 for l in labels) or "<title>" not in body:
                problems.append(f"{path}#{fig_id}: no alt text that states the point")
            if not re.search(r'<figcaption>\s*<p><span class="caption-number">Fig\. \d+', body):
                problems.append(f"{path}#{fig_id}: no numbered caption")
            if not re.search(rf'href="#{re.escape(fig_id)}"', html.replace(body, "")):
                problems.append(f"{path}#{fig_id}: not referenced from the text ({{numref}})")
    assert figure_pages(site) and problems == []


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("width, height", [(1366, 900), (375, 812)])
def test_figures_have_no_overlapping_or_tiny_text(browser, base_url, site, theme, width, height):
    problems, seen = [], 0
    for path, fig in results_on_pages(browser, base_url, figure_pages(site), FIGURE_GEOMETRY,
                                      width, height, theme):
        seen += 1
        if fig["visible"] != 1:
            problems.append(f"{path}#{fig['id']}: {fig['visible']} layouts visible")
        if fig["texts"] == 0:
            problems.append(f"{path}#{fig['id']}: no text in the figure")
        problems += [f"{path}#{fig['id']}: overlapping labels {o}" for o in fig["overlaps"]]
        problems += [f"{path}#{fig['id']}: text below 11 px: {s}" for s in fig["small"]]
    assert seen and problems == []


def test_figure_colours_follow_the_theme(browser, base_url, site):
    """Figure text is drawn in the page's text colour, and fills change with the theme."""
    path = figure_pages(site)[0]
    colours = {}
    for theme in ("light", "dark"):
        ctx = browser.new_context(viewport={"width": 1366, "height": 900})
        ctx.add_init_script(f"localStorage.setItem('theme', '{theme}')")
        page = ctx.new_page()
        page.goto(base_url + path)
        colours[theme] = page.evaluate("""() => {
          const svg = document.querySelector('figure.svg-figure svg');
          const text = svg.querySelector('text'), fill = svg.querySelector('[class*="fg-a"]');
          return [getComputedStyle(text).fill, getComputedStyle(document.body).color,
                  fill ? getComputedStyle(fill).fill : null];
        }""")
        ctx.close()
    for theme, (text, body, _) in colours.items():
        assert text == body, (theme, text, body)
    assert colours["light"][0] != colours["dark"][0]
    assert colours["light"][2] != colours["dark"][2]


def test_code_drawn_as_plain_text_looks_as_it_did_with_spans(browser, base_url):
    """Tokens written without a span (_ext/code_highlighting.py) take the code block's own
    colour; in both themes that is the colour their class would give them, so nothing changes."""
    for theme in ("light", "dark"):
        ctx = browser.new_context(viewport={"width": 1366, "height": 900})
        ctx.add_init_script(f"localStorage.setItem('theme', '{theme}')")
        page = ctx.new_page()
        page.goto(base_url + "fine-tuning/")
        found = page.evaluate("""() => {
          const pre = document.querySelector('article div.highlight pre');
          const out = {block: getComputedStyle(pre).color};
          for (const cls of ['n', 'p', 'w']) {
            const span = document.createElement('span');
            span.className = cls;
            span.textContent = 'x';
            pre.appendChild(span);
            const style = getComputedStyle(span);
            out[cls] = [style.color, style.fontWeight, style.fontStyle, style.backgroundColor];
            span.remove();
          }
          const plain = getComputedStyle(pre);
          out.plain = [plain.color, plain.fontWeight, plain.fontStyle];
          return out;
        }""")
        ctx.close()
        for cls in ("n", "p", "w"):
            assert found[cls][:3] == found["plain"], (theme, cls, found)
            assert found[cls][3] in ("rgba(0, 0, 0, 0)", "transparent"), (theme, cls, found)


def test_figure_geometry_check_finds_overlaps_and_tiny_text(browser):
    """The check above, seen failing: a figure drawn too wide for a phone, with two labels on
    top of each other."""
    import sys

    sys.path.insert(0, str(ROOT / "_ext"))
    import svg

    c = svg.Canvas("broken", 1200, 200)
    c.text(10, 100, "Label one", 13)
    c.text(20, 102, "Label two", 13)
    css = (ROOT / "_static" / "book.css").read_text()
    page = browser.new_page(viewport={"width": 375, "height": 812})
    page.set_content(f"<style>{css}</style><figure class='svg-figure' id='f'>"
                     f"{c.svg('A broken test figure')}</figure>")
    found = page.evaluate(FIGURE_GEOMETRY)
    page.close()
    assert found[0]["overlaps"] == ["'Label one' / 'Label two'"]
    assert len(found[0]["small"]) == 2


# --- deep links land where they point ------------------------------------------------------------

LAND = """(id) => { const el = document.getElementById(id);
  return el ? Math.round(el.getBoundingClientRect().top) : null; }"""


@pytest.mark.parametrize("width, height", [(1366, 900), (375, 812)])
def test_deep_links_land_on_their_target(browser, base_url, site, width, height):
    """Opened directly and by clicking, links to a section, a citation's reference and a
    bibliography entry put their target within 0-150 px of the top of the window."""
    ctx = browser.new_context(viewport={"width": width, "height": height},
                              reduced_motion="reduce")  # the theme scrolls smoothly otherwise
    page = ctx.new_page()
    misses, checked = [], 0

    def check(how: str, path: str, anchor: str):
        nonlocal checked
        page.wait_for_timeout(150)
        top = page.evaluate(LAND, anchor)
        at_end = page.evaluate("Math.ceil(scrollY + innerHeight) >= document.documentElement.scrollHeight")
        checked += 1
        # near the end of a page the target cannot reach the top: it must then be on screen
        if top is None or not (0 <= top <= 150 or (at_end and 0 <= top < height - 40)):
            misses.append(f"{how} {path}#{anchor}: target at {top} px")

    for n, path in enumerate(chapter_paths(site)):
        html = (site / path / "index.html").read_text(encoding="utf-8")
        sections = [s for s in re.findall(r'<section id="([^"]+)"', html) if s != "references"]
        cites = re.findall(r'<span class="bibtex-citation"[^>]*>\[<a class="reference internal" '
                           r'href="#([^"]+)"', html)
        # One load per chapter: alternate which target is opened directly and which by clicking,
        # so both ways are tried for both kinds of target across the book.
        direct, clicked = (sections[-1], cites[len(cites) // 2]) if n % 2 else \
            (cites[len(cites) // 2], sections[-1])
        page.goto(f"{base_url}{path}#{direct}")
        check("opened", path, direct)
        if clicked in cites:
            page.locator(f"article .bibtex-citation a[href='#{clicked}']").first.click()
        else:
            page.evaluate("(id) => { const a = document.createElement('a'); a.href = '#' + id;"
                          " a.textContent = 'x'; document.querySelector('article').prepend(a); a.click(); }",
                          clicked)
        check("clicked", path, clicked)
        if width > 1000:  # the page's contents sit beside the text on a wide screen
            page.locator(".toc-tree a[href='#references']").click()
            check("clicked", path, "references")
    page.goto(base_url + "bibliography/")
    entries = page.eval_on_selector_all("li[id^='bib-']", "els => els.map(e => e.id)")
    for anchor in entries[:: max(1, len(entries) // 4)]:
        page.goto(f"{base_url}bibliography/#{anchor}")
        check("opened", "bibliography/", anchor)
    ctx.close()
    assert checked > 25 and misses == []


def test_copy_button_copies_the_code(browser, base_url):
    ctx = browser.new_context(viewport={"width": 1366, "height": 900})
    ctx.grant_permissions(["clipboard-read", "clipboard-write"])
    page = ctx.new_page()
    page.goto(base_url + "desktop-apps/")
    block = page.locator("article div.highlight").first
    button = block.locator("button.copy-code")
    button.click()
    # the label changes once the clipboard has the text (a promise): wait for it, as a reader
    # would, rather than read it at once (it failed so on a busy machine)
    from playwright.sync_api import expect

    expect(button).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == block.locator("pre").inner_text().rstrip("\n") and "Copy" not in copied
    assert page.locator("article .cell_output button.copy-code").count() == 0
    ctx.close()


def test_section_links_are_reachable_by_keyboard_and_copy_the_address(browser, base_url):
    """A heading's link is in the Tab order, shows when focused, is named for screen readers,
    and following it also copies the section's full address."""
    from playwright.sync_api import expect

    ctx = browser.new_context(viewport={"width": 1366, "height": 900})
    ctx.grant_permissions(["clipboard-read", "clipboard-write"])
    page = ctx.new_page()
    page.goto(base_url + "models/")
    link = page.locator("article h2 > a.headerlink").first
    target = link.get_attribute("href")
    # Tab from the focusable element just before it lands on it.
    page.evaluate("""(a) => {
        const all = [...document.querySelectorAll('a[href], button, [tabindex="0"]')];
        all[all.indexOf(a) - 1].focus(); }""", link.element_handle())
    page.keyboard.press("Tab")
    assert page.evaluate("(a) => document.activeElement === a", link.element_handle())
    assert link.evaluate("a => getComputedStyle(a).visibility") == "visible"
    assert link.evaluate("a => getComputedStyle(a).opacity") == "1"
    expect(link).to_have_accessible_name(re.compile(r"^Link to this (heading|section)"))
    page.keyboard.press("Enter")
    expect(link).to_have_attribute("data-copied", re.compile(".*"))
    assert page.evaluate("navigator.clipboard.readText()") == f"{base_url}models/{target}"
    assert page.url == f"{base_url}models/{target}"  # and it is still an ordinary link
    ctx.close()
