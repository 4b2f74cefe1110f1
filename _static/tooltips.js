/* Tooltips for glossary terms and citations, shown on hover and on keyboard focus, closed
   with Escape or by moving away.
   - A glossary link (a.glossary-term) shows the term's definition from _static/glossary.json,
     one small file shared by every page, fetched the first time a reader needs it.
   - A citation (a link inside span.bibtex-citation) shows the reference it points to, read
     from the page's own reference list.
   The tip sits below the link, or above it when there is no room below, and always inside
   the window; long words and URLs wrap. */
(function () {
  "use strict";
  var tip = null;
  var owner = null;
  var glossary = null;      // the definitions, once loaded
  var loading = null;       // the pending request
  var GAP = 6;
  var MARGIN = 8;

  function dataUrl() {
    var script = document.querySelector("script[src*='tooltips.js']");
    return new URL("glossary.json", script ? script.src : location.href).href;
  }

  function loadGlossary() {
    if (glossary) { return Promise.resolve(glossary); }
    if (!loading) {
      loading = fetch(dataUrl()).then(function (r) { return r.ok ? r.json() : {}; })
        .catch(function () { return {}; })
        .then(function (data) { glossary = data; return data; });
    }
    return loading;
  }

  function ensureTip() {
    if (!tip) {
      tip = document.createElement("div");
      tip.id = "book-tooltip";
      tip.className = "book-tooltip";
      tip.setAttribute("role", "tooltip");
      tip.hidden = true;
      document.body.appendChild(tip);
    }
    return tip;
  }

  function hide() {
    if (tip) { tip.hidden = true; }
    if (owner) { owner.removeAttribute("aria-describedby"); owner = null; }
  }

  function place(link) {
    var view = document.documentElement.clientWidth;
    var width = Math.min(360, view - 2 * MARGIN);
    tip.style.maxWidth = width + "px";
    tip.style.left = "0px";
    tip.style.top = "0px";
    var r = link.getBoundingClientRect();
    var left = Math.max(MARGIN, Math.min(r.left, view - tip.getBoundingClientRect().width - MARGIN));
    tip.style.left = (left + window.scrollX) + "px";
    var height = tip.getBoundingClientRect().height;  // measured where it will sit
    var below = r.bottom + GAP;
    var room = window.innerHeight - below - MARGIN;
    var above = r.top - GAP - height;
    var top = (height > room && above >= MARGIN) ? above : below;
    tip.classList.toggle("book-tooltip-above", top < r.top);
    tip.style.top = (top + window.scrollY) + "px";
  }

  function show(link, text) {
    if (!text) { return; }
    ensureTip();
    hide();
    owner = link;
    tip.textContent = text;
    tip.hidden = false;
    link.setAttribute("aria-describedby", tip.id);
    place(link);
  }

  function anchorOf(link) {
    var href = link.getAttribute("href") || "";
    var i = href.indexOf("#");
    return i < 0 ? "" : decodeURIComponent(href.slice(i + 1));
  }

  function citationText(link) {
    var target = document.getElementById(anchorOf(link));
    if (!target) { return ""; }
    var para = target.querySelector("p") || target;
    var label = target.querySelector(".label");
    var text = para.textContent.replace(/\s+/g, " ").trim();
    return label ? label.textContent.replace(/[\[\]]/g, "").trim() + ". " + text : text;
  }

  function onGlossary(link) {
    loadGlossary().then(function (data) {
      if (document.activeElement === link || link.matches(":hover")) {
        show(link, data[anchorOf(link)]);
      }
    });
  }

  function init() {
    document.querySelectorAll("article a.glossary-term").forEach(function (link) {
      link.addEventListener("mouseenter", function () { onGlossary(link); });
      link.addEventListener("focus", function () { onGlossary(link); });
      link.addEventListener("mouseleave", hide);
      link.addEventListener("blur", hide);
    });
    document.querySelectorAll("article .bibtex-citation a.reference.internal").forEach(function (link) {
      link.addEventListener("mouseenter", function () { show(link, citationText(link)); });
      link.addEventListener("focus", function () { show(link, citationText(link)); });
      link.addEventListener("mouseleave", hide);
      link.addEventListener("blur", hide);
    });
    document.addEventListener("keydown", function (e) { if (e.key === "Escape") { hide(); } });
    window.addEventListener("scroll", function () { if (owner) { place(owner); } }, {passive: true});
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
