/* Small behaviours of every KECK page, bound once on the document so that they also work on
   pages that Turbo swaps in. They replace inline event handlers, which the Content-Security-
   Policy forbids:
   - <select data-autosubmit> submits its form when the choice changes;
   - <form data-confirm="question"> asks before it is sent;
   - "Save as bookmark" links (.keck-save-bookmark) take the view's current state when clicked:
     the explorer offers it as window.keckExplorerState(). */
(function () {
  "use strict";
  if (window.keckBehaviours) { return; }
  window.keckBehaviours = true;

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select.matches && select.matches("select[data-autosubmit]") && select.form) {
      select.form.submit();
    }
  });

  // Capture phase: the question comes before Turbo or any other handler sends the form.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".keck-save-bookmark");
    if (!link) { return; }
    var state = typeof window.keckExplorerState === "function"
      ? window.keckExplorerState() : window.location.search;
    var query = new URLSearchParams(String(state || "").replace(/^\?/, ""));
    query.delete("partial");
    if (link.dataset.view) { query.set("view", link.dataset.view); }
    link.href = link.href.split("?")[0] + "?" + query.toString();
  });
})();
