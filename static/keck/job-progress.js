/* Progress of a background job (an import, a report): polls the job's state every second until
   it is done or failed. One script for every such page; the page says in data attributes what
   to show:

   - the box [data-job-progress]: data-url (the state as JSON), data-finished="1" (nothing to
     poll), data-percent (the JSON field with the percentage for the <progress> in the box),
     data-when-finished="reload" (show the server's page of the result) or nothing (update in
     place, below);
   - [data-progress-text]: a text from the JSON fields, e.g. "{percent} % ({progress} / {total})";
     a part in [brackets] only where all its fields have a value: "{progress} %[ · {step}]";
   - [data-progress-href="field"]: once the field has a value, the link (the element or the
     first link in it) points there and the element is shown;
   - [data-progress-message="field"]: once the field has a value, the element shows it. */
(function () {
  "use strict";
  var box = document.querySelector("[data-job-progress]");
  if (!box || box.dataset.finished === "1" || box.dataset.polling) { return; }
  box.dataset.polling = "1";

  function value(run, name) {
    var found = run[name];
    return found === null || found === undefined ? "" : String(found);
  }

  function fill(template, run) {
    var optional = template.replace(/\[([^\]]*)\]/g, function (_all, part) {
      var missing = false;
      var text = part.replace(/\{(\w+)\}/g, function (_field, name) {
        missing = missing || value(run, name) === "";
        return value(run, name);
      });
      return missing ? "" : text;
    });
    return optional.replace(/\{(\w+)\}/g, function (_field, name) { return value(run, name); });
  }

  function show(run) {
    var bar = box.querySelector("progress");
    if (bar && box.dataset.percent) { bar.value = Number(run[box.dataset.percent]) || 0; }
    document.querySelectorAll("[data-progress-text]").forEach(function (element) {
      element.textContent = fill(element.dataset.progressText, run);
    });
  }

  function finish(run) {
    if (box.dataset.whenFinished === "reload") {
      window.location.reload();
      return;
    }
    document.querySelectorAll("[data-progress-href]").forEach(function (element) {
      var target = value(run, element.dataset.progressHref);
      if (!target) { return; }
      var link = element.tagName === "A" ? element : element.querySelector("a");
      if (link) { link.href = target; }
      element.hidden = false;
    });
    document.querySelectorAll("[data-progress-message]").forEach(function (element) {
      var message = value(run, element.dataset.progressMessage);
      if (!message) { return; }
      element.textContent = message;
      element.hidden = false;
    });
  }

  var timer = window.setInterval(function () {
    if (!document.body.contains(box)) { window.clearInterval(timer); return; }
    fetch(box.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (run) {
        if (!run) { return; }
        show(run);
        if (run.state === "done" || run.state === "failed") {
          window.clearInterval(timer);
          finish(run);
        }
      })
      .catch(function () { /* a missed poll is retried a second later */ });
  }, 1000);
})();
