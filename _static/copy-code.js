/* A "Copy" button on every code block: copies the code, not the button, to the clipboard.
   Uses the browser's own Clipboard API (no library), and says "Copied" for a moment. */
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
  function init() { document.querySelectorAll("article div.highlight").forEach(add); }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
