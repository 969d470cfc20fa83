// Autosave of the reflection-sheet forms (fill and consolidate): every change of a question's
// fields posts that question's answer as JSON to the form's data-autosave-url, with the CSRF
// token of the form. Without JavaScript the form's own submit button saves everything.
// Each question sends the version of its answer it was built from; when someone saved that
// answer in between (HTTP 409), the question shows the message and the saved answer and lets
// the user keep their own answer or take the saved one: nothing is overwritten silently.
(function () {
  "use strict";

  var DELAY = 700; // ms after the last keystroke in a text field

  function valuesOf(fieldset) {
    var id = fieldset.dataset.question;
    var prefix = "q" + id + "-";
    var data = { question: Number(id) };
    var answers = fieldset.querySelectorAll('[name="' + prefix + 'answer"]');
    if (answers.length) {
      data.answer = "";
      answers.forEach(function (input) {
        if (input.checked) { data.answer = input.value; }
      });
    }
    var explanation = fieldset.querySelector('[name="' + prefix + 'explanation"]');
    if (explanation) { data.explanation = explanation.value; }
    var choices = fieldset.querySelectorAll('[name="' + prefix + 'choices"]');
    if (choices.length) {
      data.choices = [];
      choices.forEach(function (input) {
        if (input.checked) { data.choices.push(input.value); }
      });
    }
    var other = fieldset.querySelector('[name="' + prefix + 'other"]');
    if (other) { data.other_text = other.value; }
    var version = fieldset.querySelector("[data-version]");
    if (version && version.value !== "") { data.version = Number(version.value); }
    return data;
  }

  function setVersion(fieldset, version) {
    var input = fieldset.querySelector("[data-version]");
    if (input && version !== undefined && version !== null) { input.value = String(version); }
  }

  function fillIn(fieldset, answer) {
    // The saved answer into the inputs (the "take the saved answer" choice).
    var prefix = "q" + fieldset.dataset.question + "-";
    answer = answer || {};
    fieldset.querySelectorAll('[name="' + prefix + 'answer"]').forEach(function (input) {
      input.checked = input.value === (answer.answer || "");
    });
    var explanation = fieldset.querySelector('[name="' + prefix + 'explanation"]');
    if (explanation) { explanation.value = answer.explanation || ""; }
    var chosen = answer.choices || [];
    fieldset.querySelectorAll('[name="' + prefix + 'choices"]').forEach(function (input) {
      input.checked = chosen.indexOf(input.value) !== -1;
    });
    var other = fieldset.querySelector('[name="' + prefix + 'other"]');
    if (other) { other.value = answer.other_text || ""; }
  }

  function bind(form) {
    if (form.dataset.autosaveBound) { return; }
    form.dataset.autosaveBound = "1";
    var url = form.dataset.autosaveUrl;
    var token = form.querySelector("[name=csrfmiddlewaretoken]").value;
    var overall = form.querySelector("[data-autosave-status]");
    var timers = {};
    var pending = 0;
    var failed = {};

    function say(element, text, state) {
      if (!element) { return; }
      element.textContent = text;
      element.classList.remove("saved", "error");
      if (state) { element.classList.add(state); }
    }

    function summary() {
      var errors = Object.keys(failed).length;
      if (pending) {
        say(overall, form.dataset.textSaving, "");
      } else if (errors) {
        say(overall, form.dataset.textError + " " + errors, "error");
      } else {
        say(overall, form.dataset.textAllSaved, "saved");
      }
    }

    function clearConflict(fieldset) {
      var box = fieldset.querySelector("[data-conflict-live]");
      if (box) { box.remove(); }
    }

    function showConflict(fieldset, body) {
      clearConflict(fieldset);
      var box = document.createElement("div");
      box.className = "keck-conflict";
      box.setAttribute("role", "alert");
      box.dataset.conflictLive = "1";
      var message = document.createElement("p");
      message.className = "keck-errors";
      message.textContent = body.detail;
      box.appendChild(message);
      if (body.differences && body.differences.length) {
        var list = document.createElement("ul");
        body.differences.forEach(function (difference) {
          var item = document.createElement("li");
          item.textContent = difference.label + " – " + form.dataset.textSavedNow + " " + difference.current;
          list.appendChild(item);
        });
        box.appendChild(list);
      }
      var actions = document.createElement("p");
      var keep = document.createElement("button");
      keep.type = "button";
      keep.className = "keck-button small";
      keep.dataset.conflictKeep = "1";
      keep.textContent = form.dataset.textKeepMine;
      keep.addEventListener("click", function () {
        window.clearTimeout(timers[fieldset.dataset.question]);
        setVersion(fieldset, body.version);
        clearConflict(fieldset);
        save(fieldset);
      });
      var take = document.createElement("button");
      take.type = "button";
      take.className = "keck-button small secondary";
      take.dataset.conflictTake = "1";
      take.textContent = form.dataset.textTakeTheirs;
      take.addEventListener("click", function () {
        fillIn(fieldset, body.current);
        setVersion(fieldset, body.version);
        clearConflict(fieldset);
        delete failed[fieldset.dataset.question];
        summary();
      });
      actions.appendChild(keep);
      actions.appendChild(document.createTextNode(" "));
      actions.appendChild(take);
      box.appendChild(actions);
      var fields = fieldset.querySelector(".keck-sheet-fields") || fieldset.lastElementChild;
      fieldset.insertBefore(box, fields);
    }

    function save(fieldset) {
      var status = fieldset.querySelector("[data-status]");
      var id = fieldset.dataset.question;
      pending += 1;
      say(status, form.dataset.textSaving, "");
      summary();
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {
          "Content-Type": "application/json",
          "Accept": "application/json",
          "X-CSRFToken": token,
        },
        body: JSON.stringify(valuesOf(fieldset)),
      })
        .then(function (response) {
          if (response.status === 200) {
            return response.json().then(function (body) {
              setVersion(fieldset, body.version);
              return null;
            });
          }
          if (response.ok) { return null; }
          if (response.status === 409) {
            return response.json().then(function (body) {
              showConflict(fieldset, body);
              return body.detail;
            });
          }
          return response.json().then(
            function (body) {
              return (body && (body.detail || JSON.stringify(body))) || String(response.status);
            },
            function () { return String(response.status); }
          );
        })
        .then(function (problem) {
          if (problem) {
            failed[id] = true;
            say(status, form.dataset.textError + " " + problem, "error");
          } else {
            delete failed[id];
            var now = new Date();
            var time = ("0" + now.getHours()).slice(-2) + ":" + ("0" + now.getMinutes()).slice(-2);
            say(status, form.dataset.textSaved + " " + time, "saved");
          }
        })
        .catch(function () {
          failed[id] = true;
          say(status, form.dataset.textError + " offline", "error");
        })
        .then(function () {
          pending -= 1;
          summary();
        });
    }

    function schedule(event, delay) {
      var fieldset = event.target.closest("[data-question]");
      if (!fieldset || !form.contains(fieldset)) { return; }
      var id = fieldset.dataset.question;
      window.clearTimeout(timers[id]);
      // While a conflict is shown the member decides first: leaving the field (a click on
      // "keep my answer" blurs it) must not send the old version again.
      if (fieldset.querySelector("[data-conflict-live]")) { return; }
      timers[id] = window.setTimeout(function () { save(fieldset); }, delay);
    }

    form.addEventListener("change", function (event) { schedule(event, 0); });
    form.addEventListener("input", function (event) {
      if (event.target.matches("textarea, input[type=text]")) { schedule(event, DELAY); }
    });
  }

  function init() {
    document.querySelectorAll("form[data-autosave-url]").forEach(bind);
  }

  init();
  if (!window.keckSheetsAutosave) {
    window.keckSheetsAutosave = true;
    document.addEventListener("turbo:load", init);
    document.addEventListener("DOMContentLoaded", init);
  }
})();
