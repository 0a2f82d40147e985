/* Cohort: reorder the shortlist on the ranking page (progressive enhancement).
 *
 * Without JavaScript the page is a form of number inputs, one per applicant. This script
 * adds "Move up" / "Move down" buttons to each item (keyboard-accessible: they are buttons)
 * and drag-and-drop for pointer users; after each move the number inputs are renumbered
 * 1, 2, 3… in the order shown, so submitting the form saves what the user sees. A live
 * region announces each move. No inline script: the CSP forbids it.
 */
(function () {
  "use strict";

  function setup(list) {
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    list.parentNode.insertBefore(status, list.nextSibling);
    var dragged = null;

    function items() {
      return Array.prototype.slice.call(list.querySelectorAll("[data-rank-item]"));
    }

    function nameOf(item) {
      var link = item.querySelector(".ranking__who a");
      return link ? link.textContent.trim() : "Applicant";
    }

    function renumber() {
      items().forEach(function (item, index) {
        var input = item.querySelector("input.rank-input");
        if (input) {
          input.value = String(index + 1);
        }
      });
    }

    function announce(item) {
      var position = items().indexOf(item) + 1;
      status.textContent = nameOf(item) + " is now number " + position + ".";
    }

    function move(item, delta, focusClass) {
      var all = items();
      var index = all.indexOf(item);
      var target = index + delta;
      if (target < 0 || target >= all.length) {
        return;
      }
      if (delta < 0) {
        list.insertBefore(item, all[target]);
      } else {
        list.insertBefore(item, all[target].nextSibling);
      }
      renumber();
      announce(item);
      var again = item.querySelector("." + focusClass);
      if (again) {
        again.focus();
      }
    }

    function button(label, className, onClick) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "button--secondary ranking__move " + className;
      b.textContent = label;
      b.addEventListener("click", onClick);
      return b;
    }

    items().forEach(function (item) {
      var controls = document.createElement("div");
      controls.className = "ranking__controls";
      var name = nameOf(item);
      var up = button("Move up", "js-up", function () {
        move(item, -1, "js-up");
      });
      up.setAttribute("aria-label", "Move " + name + " up");
      var down = button("Move down", "js-down", function () {
        move(item, 1, "js-down");
      });
      down.setAttribute("aria-label", "Move " + name + " down");
      controls.appendChild(up);
      controls.appendChild(down);
      item.appendChild(controls);

      item.setAttribute("draggable", "true");
      item.addEventListener("dragstart", function (event) {
        dragged = item;
        item.classList.add("is-dragging");
        if (event.dataTransfer) {
          event.dataTransfer.effectAllowed = "move";
          event.dataTransfer.setData("text/plain", name);
        }
      });
      item.addEventListener("dragend", function () {
        item.classList.remove("is-dragging");
        dragged = null;
      });
      item.addEventListener("dragover", function (event) {
        if (!dragged || dragged === item) {
          return;
        }
        event.preventDefault();
        var box = item.getBoundingClientRect();
        var after = event.clientY > box.top + box.height / 2;
        list.insertBefore(dragged, after ? item.nextSibling : item);
      });
      item.addEventListener("drop", function (event) {
        event.preventDefault();
        if (dragged) {
          renumber();
          announce(dragged);
        }
      });
    });
  }

  function init() {
    document.querySelectorAll("[data-ranking]").forEach(setup);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
