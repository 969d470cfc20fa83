/* The report page polls the report's state every second until it is done or failed; then it
   shows the download link or the message. The status URL comes from the box's data-url. */
(function () {
  "use strict";
  var box = document.getElementById("keck-report-progress");
  if (!box || box.dataset.finished === "1" || box.dataset.polling) { return; }
  box.dataset.polling = "1";
  var timer = window.setInterval(function () {
    if (!document.body.contains(box)) { window.clearInterval(timer); return; }
    fetch(box.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (run) {
        if (!run) { return; }
        document.getElementById("keck-report-bar").value = run.progress;
        document.getElementById("keck-report-count").textContent =
          run.progress + " %" + (run.step ? " · " + run.step : "");
        document.getElementById("keck-report-state").textContent = run.state_label;
        if (run.state === "done" || run.state === "failed") {
          window.clearInterval(timer);
          if (run.download_url) {
            var download = document.getElementById("keck-report-download");
            download.querySelector("a").href = run.download_url;
            download.hidden = false;
          }
          if (run.error) {
            var error = document.getElementById("keck-report-error");
            error.textContent = run.error;
            error.hidden = false;
          }
        }
      })
      .catch(function () { /* a missed poll is retried a second later */ });
  }, 1000);
})();
