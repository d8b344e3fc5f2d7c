// The reporting page: what htmx does not do by itself. No inline scripts are allowed
// (Content-Security-Policy), so this file is loaded by the page.
//
// - A row whose post failed says so next to the row and keeps what the user typed.
// - A row's status buttons are one tab stop (a toolbar): the arrow keys, Home and End move
//   between the statuses, Enter or Space saves the one chosen, with the comment.
// - Something typed and not saved marks its row ("Not saved yet") and makes the browser ask
//   before the page is left; saving the row clears the mark.
// - The progress line and the goals' "left" counts (of every page of the period) follow the
//   rows as they are saved.
document.addEventListener("DOMContentLoaded", () => {
  const page = document.querySelector("[data-reporting]");
  if (!page) {
    return;
  }

  // --- Errors of a post --------------------------------------------------------------------
  function showError(event) {
    const source = event.detail && event.detail.elt;
    const row = source && source.closest(".report-row");
    if (!row) {
      return;
    }
    let alert = row.querySelector(".report-row__network-error");
    if (!alert) {
      alert = document.createElement("div");
      alert.className = "ds-alert report-row__network-error";
      alert.dataset.color = "danger";
      alert.setAttribute("role", "alert");
      const form = row.querySelector("form");
      row.insertBefore(alert, form || null);
    }
    alert.textContent = page.dataset.networkError;
  }
  document.body.addEventListener("htmx:responseError", showError);
  document.body.addEventListener("htmx:sendError", showError);

  // --- Status buttons: one tab stop, arrow keys between them ---------------------------------
  function setUpToolbar(toolbar) {
    const buttons = Array.from(toolbar.querySelectorAll("button"));
    if (!buttons.length) {
      return;
    }
    const current = buttons.find((button) => button.getAttribute("aria-pressed") === "true");
    buttons.forEach((button) => {
      button.tabIndex = button === (current || buttons[0]) ? 0 : -1;
    });
    toolbar.dataset.ready = "true";
  }

  function moveInToolbar(event) {
    const button = event.target.closest("[data-roving] button");
    if (!button) {
      return;
    }
    const buttons = Array.from(button.parentElement.querySelectorAll("button"));
    const index = buttons.indexOf(button);
    const moves = {
      ArrowRight: index + 1,
      ArrowDown: index + 1,
      ArrowLeft: index - 1,
      ArrowUp: index - 1,
      Home: 0,
      End: buttons.length - 1,
    };
    if (!(event.key in moves)) {
      return;
    }
    event.preventDefault();
    const next = buttons[(moves[event.key] + buttons.length) % buttons.length];
    buttons.forEach((other) => {
      other.tabIndex = other === next ? 0 : -1;
    });
    next.focus();
  }
  page.addEventListener("keydown", moveInToolbar);

  // --- Unsaved input -----------------------------------------------------------------------
  function markUnsaved(event) {
    const form = event.target.closest(".report-form");
    if (!form || event.target.type === "hidden") {
      return;
    }
    const row = form.closest(".report-row");
    row.dataset.unsaved = "true";
    const note = row.querySelector("[data-unsaved-note]");
    if (note) {
      note.hidden = false;
    }
  }
  page.addEventListener("input", markUnsaved);

  window.addEventListener("beforeunload", (event) => {
    if (page.querySelector(".report-row[data-unsaved='true']")) {
      event.preventDefault();
      event.returnValue = page.dataset.unsavedWarning; // older browsers show a text of their own
    }
  });

  // A form submitted without htmx (no JavaScript answer) leaves the page: nothing is lost.
  page.addEventListener("submit", (event) => {
    const row = event.target.closest(".report-row");
    if (row && !event.target.hasAttribute("hx-post")) {
      delete row.dataset.unsaved;
    }
  });

  // --- Progress ----------------------------------------------------------------------------
  // The counts are of the whole period, every page of it (the page shows a page of its rows):
  // a saved row that was not reported before adds one to them and takes one from its goal's
  // "left" count. A row is never unreported by a save.
  const reportedBefore = new Map();

  function rememberRow(event) {
    const target = event.detail && event.detail.target;
    if (target && target.matches && target.matches(".report-row")) {
      reportedBefore.set(target.id, target.dataset.reported);
    }
  }

  function add(elements, change) {
    elements.forEach((element) => {
      element.textContent = Math.max(0, (parseInt(element.textContent, 10) || 0) + change);
    });
  }

  function updateProgress() {
    reportedBefore.forEach((was, id) => {
      const row = document.getElementById(id);
      if (!row || was !== "false" || row.dataset.reported !== "true") {
        return;
      }
      const period = row.closest(".report-period");
      const name = row.dataset.row === "activity" ? "activities-reported" : "values-entered";
      if (period) {
        add(period.querySelectorAll(`[data-count='${name}']`), 1);
      }
      const goal = row.closest(".report-goal");
      const heading = goal && goal.querySelector("h4[id]");
      if (heading) {
        add(page.querySelectorAll(`[data-left='${heading.id}']`), -1);
      }
    });
    reportedBefore.clear();
  }

  // Each swapped row is a new element: set up its toolbar as soon as it is in the page, and
  // count it.
  document.body.addEventListener("htmx:load", (event) => {
    const content = event.detail.elt;
    if (content && content.querySelectorAll) {
      content.querySelectorAll("[data-roving]").forEach(setUpToolbar);
    }
  });
  document.body.addEventListener("htmx:beforeSwap", rememberRow);
  document.body.addEventListener("htmx:afterSwap", updateProgress);
  document.body.addEventListener("htmx:afterSettle", () => {
    page.querySelectorAll("[data-roving]:not([data-ready])").forEach(setUpToolbar);
  });

  page.querySelectorAll("[data-roving]").forEach(setUpToolbar);
});
