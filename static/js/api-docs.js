"use strict";
// Swagger UI draws some drop-downs with no label (a parameter's values, the
// choice of example answer). Name each from what it sits beside, as soon as
// it appears, so screen readers and voice control can tell them apart.
(function () {
  function nameSelects(root) {
    root.querySelectorAll("select:not([aria-label]):not([aria-labelledby])").forEach(function (select) {
      var row = select.closest("tr");
      var parameter = row && row.querySelector(".parameter__name");
      var response = row && row.getAttribute("data-code");
      if (parameter) {
        select.setAttribute("aria-label", "Value of " + parameter.textContent.replace(/\s*\*\s*$/, "").trim());
      } else if (response) {
        select.setAttribute("aria-label", "Example answer for status " + response);
      } else {
        select.setAttribute("aria-label", "Choose an option");
      }
    });
  }
  // Without deep links, Swagger UI leaves each group's name as a link with
  // no address, which crawlers and some assistive tools skip: point it at
  // its own heading.
  function addressTagLinks(root) {
    root.querySelectorAll(".opblock-tag a.nostyle:not([href])").forEach(function (link) {
      var heading = link.closest(".opblock-tag");
      if (heading && heading.id) {
        link.setAttribute("href", "#" + heading.id);
      }
    });
  }
  // Inside the button that opens an operation, Swagger UI wraps the path in
  // a link with no address (deep links are off): it is text, not a link,
  // and crawlers would report a link they cannot follow.
  function unlinkPaths(root) {
    root.querySelectorAll(".opblock-summary-path a.nostyle:not([href]):not([role])").forEach(function (link) {
      link.setAttribute("role", "none");
    });
  }
  new MutationObserver(function () { nameSelects(document); addressTagLinks(document); unlinkPaths(document); })
    .observe(document.documentElement, { childList: true, subtree: true });
})();
