/* Tooltips for glossary terms and citations, on hover and on keyboard focus.
   The text is the link's title, written at build time; this only changes how it is shown. */
(function () {
  "use strict";
  var tip = null;
  var owner = null;

  function hide() {
    if (tip) { tip.hidden = true; }
    if (owner) { owner.removeAttribute("aria-describedby"); owner = null; }
  }

  function show(link) {
    if (!tip) {
      tip = document.createElement("div");
      tip.id = "book-tooltip";
      tip.className = "book-tooltip";
      tip.setAttribute("role", "tooltip");
      tip.hidden = true;
      document.body.appendChild(tip);
    }
    hide();
    owner = link;
    tip.textContent = link.getAttribute("data-tip");
    tip.hidden = false;
    link.setAttribute("aria-describedby", tip.id);
    var r = link.getBoundingClientRect();
    var width = Math.min(360, document.documentElement.clientWidth - 16);
    tip.style.maxWidth = width + "px";
    var left = Math.max(8, Math.min(r.left + window.scrollX,
      window.scrollX + document.documentElement.clientWidth - width - 8));
    tip.style.left = left + "px";
    tip.style.top = (r.bottom + window.scrollY + 6) + "px";
  }

  function init() {
    var links = document.querySelectorAll(
      "article a.glossary-term[title], article a.reference.internal[title][href*='#id']");
    links.forEach(function (link) {
      link.setAttribute("data-tip", link.getAttribute("title"));
      link.removeAttribute("title");  /* the tooltip replaces the browser's own */
      link.addEventListener("mouseenter", function () { show(link); });
      link.addEventListener("mouseleave", hide);
      link.addEventListener("focus", function () { show(link); });
      link.addEventListener("blur", hide);
    });
    document.addEventListener("keydown", function (e) { if (e.key === "Escape") { hide(); } });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
