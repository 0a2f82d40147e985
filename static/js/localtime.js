/* Cohort: fill the "Your time" column of timeline tables.
 *
 * Each row's UTC cell holds <time class="utc-instant" datetime="…Z"> elements; this script
 * writes the same instants, in the visitor's own zone, into the row's [data-local-time]
 * cell. Without JavaScript that cell keeps its "—". No inline script: the CSP forbids it.
 */
(function () {
  "use strict";
  if (!window.Intl || !Intl.DateTimeFormat) {
    return;
  }
  var format = new Intl.DateTimeFormat(undefined, {
    weekday: "short",
    year: "numeric",
    month: "short",
    day: "numeric",
    hour: "numeric",
    minute: "2-digit",
    timeZoneName: "short",
  });
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";

  function fill() {
    document.querySelectorAll("[data-local-time]").forEach(function (cell) {
      var row = cell.closest("tr");
      if (!row) {
        return;
      }
      var parts = [];
      row.querySelectorAll("time.utc-instant[datetime]").forEach(function (el) {
        var moment = new Date(el.getAttribute("datetime"));
        if (!isNaN(moment.getTime())) {
          parts.push(format.format(moment));
        }
      });
      if (parts.length) {
        cell.textContent = parts.join(" – ");
      }
    });
    document.querySelectorAll(".js-local-zone").forEach(function (el) {
      el.textContent = zone ? "(" + zone + ")" : "";
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fill);
  } else {
    fill();
  }
})();
