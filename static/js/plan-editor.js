// The plan page, where a plan is written in place (authoring/views/in_place.py). htmx sends the
// small requests; this script adds what htmx does not: the focus after each change, the keys
// (Escape closes an item, Enter adds a row, arrow keys move an item), dragging (SortableJS), a
// copy of what is typed on this computer until the server has it, and pasting tables.
// No inline scripts are allowed (Content-Security-Policy). Without this script the page still
// works: every form posts and the page comes back.
(() => {
  "use strict";

  const DRAFTS = "styrkort:draft:";
  const DRAFT_DAYS = 14;
  const editorRoot = () => document.getElementById("plan-editor");
  const text = (name) => (editorRoot() && editorRoot().dataset[name]) || "";

  // --- Announcements and notices ------------------------------------------------------------------

  function notice(message, kind = "") {
    const box = document.getElementById("plan-notice");
    if (!box) return;
    if (!message && kind && box.dataset.kind !== kind) return;
    box.dataset.kind = kind;
    box.replaceChildren();
    if (!message) return;
    const alert = document.createElement("div");
    alert.className = "ds-alert";
    alert.dataset.color = "warning";
    const paragraph = document.createElement("p");
    paragraph.className = "ds-paragraph";
    paragraph.textContent = message;
    alert.append(paragraph);
    box.append(alert);
  }

  // --- Drafts: what is typed stays on this computer until the server has it -------------------------

  function draftKey(form) {
    return form && form.dataset.draftKey ? DRAFTS + form.dataset.draftKey : "";
  }

  function formValues(form) {
    const values = {};
    for (const field of form.elements) {
      if (!field.name || field.type === "hidden" || field.type === "submit") continue;
      // A checkbox by its name and value: "Evaluated in" is a checkbox for each period.
      if (field.type === "checkbox") values[`${field.name}=${field.value}`] = field.checked;
      else values[field.name] = field.value;
    }
    return values;
  }

  function keepDraft(form) {
    const key = draftKey(form);
    if (!key) return;
    const version = form.elements.namedItem("version");
    const draft = { values: formValues(form), version: version ? version.value : "", at: Date.now() };
    try {
      localStorage.setItem(key, JSON.stringify(draft));
    } catch (error) {
      // A full or disabled storage only loses the copy, never the typing.
    }
  }

  function dropDraft(form) {
    const key = draftKey(form);
    if (key) localStorage.removeItem(key);
  }

  function readDraft(key) {
    try {
      const draft = JSON.parse(localStorage.getItem(key));
      if (draft && Date.now() - draft.at < DRAFT_DAYS * 86400000) return draft;
    } catch (error) {
      // An unreadable copy is dropped below.
    }
    localStorage.removeItem(key);
    return null;
  }

  function checkboxOf(form, key) {
    const at = key.lastIndexOf("=");
    if (at < 0) return null;
    const [name, value] = [key.slice(0, at), key.slice(at + 1)];
    return Array.from(form.elements).find(
      (field) => field.type === "checkbox" && field.name === name && field.value === value,
    );
  }

  function fill(form, draft) {
    let changed = false;
    for (const [name, value] of Object.entries(draft.values)) {
      const field = form.elements.namedItem(name) || checkboxOf(form, name);
      if (!field || field.type === "hidden") continue;
      if (field.type === "checkbox") {
        changed = changed || field.checked !== value;
        field.checked = value;
      } else {
        changed = changed || field.value !== value;
        field.value = value;
      }
    }
    return changed;
  }

  // Copies left by a save that never reached the server: open the item again with what was
  // typed, and save it (the version typed against goes with it, so an edit someone else made
  // meanwhile is shown as a conflict, never overwritten). A large plan's goal shows its items
  // when it comes into view: its copies come back then (`root`, the goal), each once.
  const restoredDrafts = new Set();

  function restoreDrafts(root = document) {
    const restored = [];
    for (let index = localStorage.length - 1; index >= 0; index--) {
      const key = localStorage.key(index);
      if (!key || !key.startsWith(DRAFTS) || restoredDrafts.has(key)) continue;
      const name = key.slice(DRAFTS.length);
      const draft = readDraft(key);
      if (!draft) continue;
      const addForm = root.querySelector(`form[data-add-form][data-draft-key="${name}"]`);
      if (addForm) {
        restoredDrafts.add(key);
        if (fill(addForm, draft)) restored.push(addForm);
        else localStorage.removeItem(key);
        continue;
      }
      const shown = root.querySelector(`[data-draft-key="${name}"][data-editor-url]`);
      if (!shown) continue;
      restoredDrafts.add(key);
      htmx
        .ajax("GET", shown.dataset.editorUrl, { target: shown, swap: "outerHTML" })
        .then(() => {
          const form = document.querySelector(`form[data-editor][data-draft-key="${name}"]`);
          if (!form) return;
          if (!fill(form, draft)) {
            localStorage.removeItem(key);
            return;
          }
          const version = form.elements.namedItem("version");
          if (version && draft.version) version.value = draft.version;
          htmx.process(form);
          form.requestSubmit();
        });
      restored.push(shown);
    }
    if (restored.length) {
      notice(text("restoredMessage"), "restored");
    }
  }

  // --- Saving: what each answer means ---------------------------------------------------------------

  const pending = new Set();

  function afterRequest(event) {
    const form = event.detail.elt;
    if (!form || !form.matches || !form.matches("form[data-editor], form[data-add-form]")) return;
    delete form.dataset.closing;
    const xhr = event.detail.xhr;
    const state = xhr && xhr.getResponseHeader("X-Styrkort-Save");
    if (!state) {
      // No answer from Styrkort: the network, or a login page after the session ended.
      pending.add(form);
      notice(xhr && xhr.status === 0 ? text("offlineMessage") : text("notSavedMessage"), "failed");
      return;
    }
    form.dataset.state = state;
    markInvalid(form);
    if (state === "saved" || state === "added") {
      pending.delete(form);
      dropDraft(form);
      if (!pending.size) notice("", "failed");
    }
    if (state === "added") resetAddForm(form);
  }

  function retryPending() {
    for (const form of Array.from(pending)) {
      pending.delete(form);
      if (document.body.contains(form) && form.matches("[data-editor]")) form.requestSubmit();
    }
  }

  function markInvalid(form) {
    form.querySelectorAll(".field-error[id$='_error']").forEach((box) => {
      const field = document.getElementById(box.id.slice(0, -"_error".length));
      if (!field) return;
      if (box.textContent.trim()) field.setAttribute("aria-invalid", "true");
      else field.removeAttribute("aria-invalid");
    });
  }

  // After a row was added: an empty row again (the sub-goal kept, as the next row often has the
  // same), the focus back in its first field.
  function resetAddForm(form) {
    const keep = {};
    for (const name of (form.dataset.keep || "subgoal").split(" ")) {
      const field = form.elements.namedItem(name);
      if (field) keep[name] = field.value;
    }
    form.reset();
    for (const [name, value] of Object.entries(keep)) form.elements.namedItem(name).value = value;
    form.querySelectorAll(".field-error").forEach((box) => box.replaceChildren());
    form.querySelectorAll("[aria-invalid]").forEach((field) => field.removeAttribute("aria-invalid"));
    const preview = form.querySelector(".band-preview");
    if (preview && preview.dataset.empty) preview.innerHTML = preview.dataset.empty;
    const first = form.querySelector("input:not([type=hidden]), textarea, select");
    if (first) {
      first.focus();
      if (first.select) first.select();
    }
  }

  // --- Focus -------------------------------------------------------------------------------------

  function focusFirstField(container) {
    const field = container.querySelector("form input:not([type=hidden]), form textarea, form select");
    if (field) field.focus({ preventScroll: false });
  }

  const ROLE_ORDER = {
    up: ["up", "down", "handle", "edit"],
    down: ["down", "up", "handle", "edit"],
    handle: ["handle", "up", "down", "edit"],
    edit: ["edit", "handle"],
  };

  function refocus() {
    const autofocus = document.querySelector("[data-autofocus]");
    if (autofocus) {
      autofocus.removeAttribute("data-autofocus");
      autofocus.focus({ preventScroll: true });
      return;
    }
    const marked = document.querySelector("[data-refocus]");
    if (!marked) return;
    const role = marked.dataset.refocus;
    marked.removeAttribute("data-refocus");
    makeSortable(marked.closest("[data-sortable], [data-sortable-goals]") || marked);
    if (role === "new-indicator") {
      const form = marked.querySelector("form[data-add-form]");
      if (form) focusFirstField(form.parentElement);
      return;
    }
    for (const each of ROLE_ORDER[role] || ["edit"]) {
      const control = marked.querySelector(`[data-role="${each}"]:not([hidden])`);
      if (control) {
        control.focus({ preventScroll: true });
        return;
      }
    }
  }

  // One item is edited at a time: moving the focus out of an editor closes it (saving first).
  function closeOtherEditors(event) {
    document.querySelectorAll("form[data-editor]").forEach((form) => {
      if (form.contains(event.target) || form.dataset.closing) return;
      if (form.dataset.state === "invalid" || form.dataset.state === "conflict") return;
      const done = form.querySelector("[data-done]");
      if (done) {
        form.dataset.closing = "true";
        done.click();
      }
    });
  }

  // --- Keys ----------------------------------------------------------------------------------------

  function onKeydown(event) {
    const target = event.target;
    const form = target.closest && target.closest("form[data-editor], form[data-add-form]");
    if (form && event.key === "Escape" && form.matches("[data-editor]")) {
      event.preventDefault();
      const done = form.querySelector("[data-done]");
      if (done) done.click(); // a click, so that htmx sends the button's name (done=1)
      return;
    }
    if (form && event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      if (target.tagName === "TEXTAREA" || target.tagName === "SELECT" || target.type === "checkbox") {
        event.preventDefault();
        form.requestSubmit();
        return;
      }
    }
    if (target.matches && target.matches('[data-role="handle"]')) {
      if (event.key !== "ArrowUp" && event.key !== "ArrowDown") return;
      event.preventDefault();
      const item = target.closest("[data-place-url]");
      if (!item) return;
      const direction = event.key === "ArrowUp" ? "up" : "down";
      htmx.ajax("POST", item.dataset.placeUrl, {
        source: target,
        values: { direction, focus: "handle" },
        swap: "none",
      });
    }
  }

  // --- Dragging ------------------------------------------------------------------------------------

  // The handle is this script's own control (dragging, the arrow keys), so it is made here, one
  // for each goal and item that can move, named as the item's "Edit" names it.
  function addHandles(root) {
    const items = Array.from(root.querySelectorAll("[data-place-url]"));
    if (root.matches && root.matches("[data-place-url]")) items.push(root);
    for (const item of items) {
      // Its own controls, not those of an item inside it (a goal's, while it is edited).
      const actions = Array.from(item.querySelectorAll(".row-actions")).find(
        (found) => found.closest("[data-place-url]") === item,
      );
      if (!actions || actions.querySelector('[data-role="handle"]')) continue;
      const named = actions.querySelector('[data-role="edit"] .ds-sr-only');
      const handle = document.createElement("button");
      handle.type = "button";
      handle.className = "drag-handle";
      handle.dataset.role = "handle";
      handle.setAttribute("aria-describedby", "reorder-help");
      const grip = document.createElement("span");
      grip.setAttribute("aria-hidden", "true");
      grip.textContent = "⠿";
      const label = document.createElement("span");
      label.className = "ds-sr-only";
      label.textContent = text("moveWord") + (named ? named.textContent : "");
      handle.append(grip, label);
      actions.prepend(handle);
    }
  }

  // The ids of a list's rows (its tbody) as the page shows them, in order. With them, the answer
  // to a deletion or a row dragged holds the rows that changed, not the whole list again.
  function shownIds(body) {
    return Array.from(body.querySelectorAll(":scope > tr[id]"), (row) => row.id.split("-")[1]).join(",");
  }

  function makeSortable(root) {
    if (typeof Sortable === "undefined") return;
    addHandles(root);
    const lists = [];
    if (root.matches && root.matches("[data-sortable], [data-sortable-goals]")) lists.push(root);
    root.querySelectorAll("[data-sortable], [data-sortable-goals]").forEach((list) => lists.push(list));
    for (const list of lists) {
      if (list.dataset.sortableReady) continue;
      list.dataset.sortableReady = "true";
      const goals = list.matches("[data-sortable-goals]");
      Sortable.create(list, {
        handle: goals ? ".goal__head [data-role=handle]" : "[data-role=handle]",
        draggable: goals ? "section.goal" : "tr",
        animation: 120,
        onEnd(event) {
          if (event.oldDraggableIndex === event.newDraggableIndex) return;
          const values = { index: String(event.newDraggableIndex), focus: "handle" };
          if (!goals) values.shown = shownIds(list);
          htmx.ajax("POST", event.item.dataset.placeUrl, { source: event.item, values, swap: "none" });
        },
      });
    }
  }

  // --- Pasting a table -------------------------------------------------------------------------------

  // The first table of what was copied, cut down to its rows and cells (with their spans, so
  // that merged cells are noticed): Word's HTML is large, the server reads it again anyway.
  function compactTable(html) {
    const table = new DOMParser().parseFromString(html, "text/html").querySelector("table");
    if (!table) return "";
    const rows = [];
    for (const row of table.rows) {
      const cells = [];
      for (const cell of row.cells) {
        const spans = ["colspan", "rowspan"]
          .filter((name) => cell.getAttribute(name) && cell.getAttribute(name) !== "1")
          .map((name) => ` ${name}="${Number(cell.getAttribute(name)) || 1}"`)
          .join("");
        const lines = cell.innerText !== undefined ? cell.innerText : cell.textContent;
        const escaped = (lines || "").replace(/&/g, "&amp;").replace(/</g, "&lt;");
        cells.push(`<td${spans}>${escaped.replace(/\n/g, "<br>")}</td>`);
      }
      rows.push(`<tr>${cells.join("")}</tr>`);
    }
    return `<table>${rows.join("")}</table>`;
  }

  function onPaste(event) {
    const area = event.target;
    const form = area.closest && area.closest("form[data-paste-form]");
    if (!form || area.name !== "text") return;
    const html = event.clipboardData && event.clipboardData.getData("text/html");
    form.querySelector("[data-paste-html]").value = html ? compactTable(html) : "";
    window.setTimeout(() => form.requestSubmit(), 0);
  }

  function onInput(event) {
    const target = event.target;
    if (target.name === "text" && target.closest("form[data-paste-form]")) {
      if (event.inputType !== "insertFromPaste") {
        target.closest("form").querySelector("[data-paste-html]").value = "";
      }
      return;
    }
    const form = target.closest && target.closest("form[data-editor], form[data-add-form]");
    if (!form) return;
    keepDraft(form);
    if (target.matches("[data-thresholds]")) htmx.trigger(form, "thresholds-typed");
  }

  function onPasted(event) {
    const goal = event.detail && event.detail.goal;
    const url = text("fragmentUrl");
    if (!url) return;
    const target = goal ? document.getElementById(`goal-${goal}`) : document.getElementById("goals");
    if (!target) return;
    htmx
      .ajax("GET", goal ? `${url}?goal=${goal}` : url, { target, swap: "outerHTML" })
      .then(() => {
        const heading = document.getElementById(goal ? `goal-${goal}-heading` : "goal-index-heading");
        if (heading) {
          heading.tabIndex = -1;
          heading.focus();
        }
      });
  }

  // --- Clicks ----------------------------------------------------------------------------------------

  // "Edit", "Up", "Down" and "Delete" work without this script (the item's own pages; the page's
  // form "moves"); with it, each is one small request for the item in place. Deleting answers
  // with the rows that changed (or the item's list), or with the goals for a goal.
  function onItemControl(event) {
    const control = event.target.closest(
      '[data-role="edit"], [data-role="up"], [data-role="down"], [data-delete-url]',
    );
    if (!control || event.ctrlKey || event.metaKey || event.shiftKey) return false;
    if (control.dataset.deleteUrl) {
      event.preventDefault();
      const items = control.closest(".items");
      const list = items || document.getElementById("goals");
      const body = items && items.querySelector("tbody");
      htmx.ajax("POST", control.dataset.deleteUrl, {
        source: control,
        target: list,
        swap: "outerHTML",
        values: body ? { shown: shownIds(body) } : {},
      });
      return true;
    }
    if (control.dataset.role === "edit") {
      const item = control.closest("[data-editor-url]");
      if (!item) return false;
      event.preventDefault();
      htmx.ajax("GET", item.dataset.editorUrl, { source: control, target: item, swap: "outerHTML" });
      return true;
    }
    const item = control.closest("[data-place-url]");
    if (!item) return false;
    event.preventDefault();
    htmx.ajax("POST", item.dataset.placeUrl, {
      source: control,
      values: { direction: control.value },
      swap: "none",
    });
    return true;
  }

  function onClick(event) {
    if (onItemControl(event)) return;
    const keep = event.target.closest("[data-keep-mine]");
    if (keep) {
      const form = keep.closest("form");
      form.elements.namedItem("version").value = keep.dataset.keepMine;
      // What the planner did not change takes the other person's values (see the view).
      let basedOn = form.elements.namedItem("based_on");
      if (!basedOn) {
        basedOn = document.createElement("input");
        basedOn.type = "hidden";
        basedOn.name = "based_on";
        form.append(basedOn);
      }
      basedOn.value = keep.dataset.basedOn;
      form.dataset.state = "";
      keep.closest(".editor-conflict").replaceChildren();
      form.requestSubmit();
      return;
    }
    const theirs = event.target.closest("[data-take-theirs]");
    if (theirs) {
      const form = theirs.closest("form");
      const shown = form.closest("[data-draft-key]");
      dropDraft(form);
      htmx.ajax("GET", theirs.dataset.takeTheirs, { target: shown, swap: "outerHTML" });
      return;
    }
    if (event.target.closest("[data-dismiss]")) {
      document.getElementById("plan-undo").replaceChildren();
      return;
    }
    const jump = event.target.closest("[data-jump-to]");
    if (jump) {
      const field = document.getElementById(jump.dataset.jumpTo);
      if (field) {
        event.preventDefault();
        field.focus();
      }
    }
  }

  // A row added comes back with the row that was last, in place of it, if that is the row
  // this page shows last (else with the whole list, as it is now): the page says which it is.
  function onConfigRequest(event) {
    const form = event.detail.elt;
    if (!form.matches) return;
    // Undo of a row's deletion: with the list as the page shows it, the answer is the row back
    // in its place with its neighbour, not the whole list again.
    if (form.matches("form[data-undo-list]")) {
      const body = document.querySelector(`#${form.dataset.undoList} tbody`);
      if (body) event.detail.parameters.shown = shownIds(body);
      return;
    }
    // A goal's forms that add an indicator or an activity, not the plan's that adds a goal.
    if (!form.matches("section.goal form[data-add-form][hx-target]")) return;
    const list = document.querySelector(form.getAttribute("hx-target"));
    const rows = list ? list.querySelectorAll("tbody > tr[id]") : [];
    event.detail.parameters.after = rows.length ? rows[rows.length - 1].id : "";
  }

  // --- A large plan's goals, their items loaded as they come into view -------------------------------

  function keepEmptyPreviews(root) {
    root.querySelectorAll(".band-preview").forEach((preview) => {
      if (preview.dataset.empty === undefined) preview.dataset.empty = preview.innerHTML;
    });
  }

  const laterGoals = [];

  function noteLaterItems(event) {
    const target = event.detail && event.detail.target;
    if (target && target.matches && target.matches(".goal__later")) {
      laterGoals.push(target.closest("section.goal"));
    }
  }

  function laterItemsShown() {
    while (laterGoals.length) {
      const goal = laterGoals.pop();
      if (!goal || !document.body.contains(goal)) continue;
      keepEmptyPreviews(goal);
      restoreDrafts(goal);
    }
  }

  // --- Wiring ----------------------------------------------------------------------------------------

  document.addEventListener("DOMContentLoaded", () => {
    if (!editorRoot() || !editorRoot().hasAttribute("data-editable") || typeof htmx === "undefined") {
      return;
    }
    keepEmptyPreviews(document);
    makeSortable(document.body);
    document.body.addEventListener("htmx:beforeSwap", noteLaterItems);
    document.body.addEventListener("htmx:afterSettle", laterItemsShown);
    htmx.onLoad((content) => {
      makeSortable(content);
      if (content.matches && content.matches(".is-editing")) focusFirstField(content);
    });
    document.body.addEventListener("htmx:afterRequest", afterRequest);
    document.body.addEventListener("htmx:afterSettle", refocus);
    document.body.addEventListener("htmx:oobAfterSwap", () => window.setTimeout(refocus, 0));
    document.body.addEventListener("styrkort:pasted", onPasted);
    document.body.addEventListener("htmx:configRequest", onConfigRequest);
    document.addEventListener("focusin", closeOtherEditors);
    document.addEventListener("keydown", onKeydown);
    document.addEventListener("input", onInput);
    document.addEventListener("paste", onPaste);
    document.addEventListener("click", onClick);
    window.addEventListener("online", retryPending);
    window.setInterval(() => pending.size && navigator.onLine && retryPending(), 20000);
    restoreDrafts();
  });
})();
