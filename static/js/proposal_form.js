/* Cohort: live counts on the proposal form.
 *
 * Reads the form's data- attributes (no inline script: the CSP forbids it):
 *   form[data-proposal-form]  data-term-token, data-title-max, data-title-fixed
 *   [data-role=project]       the project select (its option text is the project name)
 *   [data-role=program-name]  the program name input
 *   [data-count-max][data-count-output]  a field and the [data-live] element counting it
 * and writes the full LFX title, its length and the characters left into [data-live]
 * elements. Lengths are JavaScript lengths (UTF-16 code units) of trimmed values, exactly
 * what the server's validator counts. Without JavaScript the server's values stay.
 */
(function () {
  "use strict";

  function live(form, name) {
    return form.querySelector('[data-live="' + name + '"]');
  }

  function show(el, value, over) {
    if (!el) {
      return;
    }
    el.textContent = String(value);
    el.classList.toggle("is-over", Boolean(over));
  }

  function updateTitle(form) {
    var select = form.querySelector("[data-role=project]");
    var input = form.querySelector("[data-role=program-name]");
    if (!select || !input) {
      return;
    }
    var option = select.options[select.selectedIndex];
    var project = option && option.value ? option.text.trim() : "";
    var name = input.value.trim();
    var token = form.getAttribute("data-term-token") || "";
    var max = parseInt(form.getAttribute("data-title-max"), 10) || 100;
    var fixed = parseInt(form.getAttribute("data-title-fixed"), 10) || 12;
    var title = live(form, "lfx-title");
    if (!project) {
      if (title) {
        title.textContent = title.getAttribute("data-empty-text") || "";
      }
      show(live(form, "lfx-title-length"), 0, false);
      show(live(form, "program-name-left"), "—", false);
      return;
    }
    var full = "CNCF - " + project + ": " + name + " (" + token + ")";
    if (title) {
      title.textContent = full;
    }
    show(live(form, "lfx-title-length"), full.length, full.length > max);
    var left = max - fixed - project.length - token.length - name.length;
    show(live(form, "program-name-left"), left, left < 0);
  }

  function updateCount(form, field) {
    var max = parseInt(field.getAttribute("data-count-max"), 10);
    var left = max - field.value.trim().length;
    show(live(form, field.getAttribute("data-count-output")), left, left < 0);
  }

  function init(form) {
    form.addEventListener("input", function (event) {
      var target = event.target;
      if (target.hasAttribute("data-count-max")) {
        updateCount(form, target);
      }
      if (target.matches("[data-role=project], [data-role=program-name]")) {
        updateTitle(form);
      }
    });
    form.addEventListener("change", function (event) {
      if (event.target.matches("[data-role=project]")) {
        updateTitle(form);
      }
    });
    form.querySelectorAll("[data-count-max]").forEach(function (field) {
      updateCount(form, field);
    });
    updateTitle(form);
  }

  function start() {
    document.querySelectorAll("form[data-proposal-form]").forEach(init);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
