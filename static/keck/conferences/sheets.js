// Autosave of the reflection-sheet forms (fill and consolidate): every change of a question's
// fields posts that question's answer as JSON to the form's data-autosave-url, with the CSRF
// token of the form. Without JavaScript the form's own submit button saves everything.
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
    return data;
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
          if (response.ok) { return null; }
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
