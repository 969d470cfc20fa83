/* The import page polls the import's state every second until it is done or failed, then
   reloads to show the result. The status URL comes from the progress box's data-url. */
(function () {
  "use strict";
  var box = document.getElementById("keck-import-progress");
  if (!box || box.dataset.finished === "1" || box.dataset.polling) { return; }
  box.dataset.polling = "1";
  var timer = window.setInterval(function () {
    if (!document.body.contains(box)) { window.clearInterval(timer); return; }
    fetch(box.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (run) {
        if (!run) { return; }
        document.getElementById("keck-import-bar").value = run.percent;
        document.getElementById("keck-import-count").textContent =
          run.percent + " % (" + run.progress + " / " + run.total + ")";
        if (run.state === "done" || run.state === "failed") {
          window.clearInterval(timer);
          window.location.reload();
        }
      })
      .catch(function () { /* a missed poll is retried a second later */ });
  }, 1000);
})();
