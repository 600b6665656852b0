/* Progressive enhancement only: every page works without this file.
   Loaded from a file (never inline), so a strict Content Security Policy
   can forbid inline script. */
(function () {
  "use strict";

  // A "Copy citation" button beside each citation, where the clipboard works.
  function addCopyButtons() {
    if (!navigator.clipboard || !window.isSecureContext) {
      return;
    }
    document.querySelectorAll(".citation").forEach(function (citation) {
      var text = citation.querySelector(".citation-text");
      if (!text) {
        return;
      }
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button-secondary copy-button";
      button.textContent = "Copy citation";
      var status = document.createElement("p");
      status.className = "copy-status";
      status.setAttribute("role", "status");
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(text.textContent.trim()).then(
          function () { status.textContent = "Citation copied."; },
          function () { status.textContent = "Could not copy: select the text and copy it instead."; }
        );
      });
      citation.appendChild(button);
      citation.appendChild(status);
    });
  }

  // Move focus to the error summary, so that screen readers announce it.
  function focusErrorSummary() {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    addCopyButtons();
    focusErrorSummary();
  });
})();
