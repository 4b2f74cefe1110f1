/* A "Copy" button on every code block: copies the code, not the button, to the clipboard.
   Uses the browser's own Clipboard API (no library), and says "Copied" for a moment.
   A heading's link ("#") also copies the section's full address when followed, and still
   goes there as an ordinary link (which is all it does without JavaScript). */
(function () {
  "use strict";
  function add(block) {
    if (block.closest(".cell_output")) { return; }  // printed output, not code
    var pre = block.querySelector("pre");
    if (!pre || !navigator.clipboard) { return; }
    var button = document.createElement("button");
    button.type = "button";
    button.className = "copy-code";
    button.textContent = "Copy";
    button.setAttribute("aria-label", "Copy this code");
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(pre.innerText.replace(/\n$/, "")).then(function () {
        button.textContent = "Copied";
        setTimeout(function () { button.textContent = "Copy"; }, 1500);
      });
    });
    block.appendChild(button);
  }
  function copyLink(e) {
    var a = e.target.closest ? e.target.closest("article a.headerlink") : null;
    if (!a || !/^H[1-6]$/.test(a.parentNode.tagName) || !navigator.clipboard) { return; }
    navigator.clipboard.writeText(a.href).then(function () {
      a.setAttribute("data-copied", "");
      setTimeout(function () { a.removeAttribute("data-copied"); }, 1500);
    }, function () {});  // no permission: the link still goes to the section
  }
  function init() {
    document.querySelectorAll("article div.highlight").forEach(add);
    document.addEventListener("click", copyLink);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
