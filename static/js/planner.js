// The planner's pages. No inline scripts are allowed (Content-Security-Policy): behaviour is
// attached here. Everything works without it; this only makes the forms easier to use.
(() => {
  "use strict";

  // A month field is disabled while "ongoing" is ticked (an ongoing activity has no month).
  function linkDisabledBy(root) {
    root.querySelectorAll("[data-disabled-by]").forEach((field) => {
      const toggle = document.getElementById(field.dataset.disabledBy);
      if (!toggle || field.dataset.linked) return;
      field.dataset.linked = "true";
      const update = () => {
        field.disabled = toggle.checked;
        if (toggle.checked) field.value = "";
      };
      toggle.addEventListener("change", update);
      update();
    });
  }

  // After a refused save, move the focus to the list of errors so that it is read out.
  function focusErrorSummary(root) {
    const summary = root.querySelector("[data-error-summary]");
    if (summary) summary.focus();
  }

  // A KPI chosen in the Kolada search fills in the field its finder names (data-fills), the
  // indicator's Kolada KPI.
  function chooseKoladaKpi(event) {
    const button = event.target.closest("#kolada-kpi-results [data-kpi-id]");
    const finder = button && button.closest("[data-fills]");
    const field = finder
      ? document.getElementById(finder.dataset.fills)
      : document.querySelector("input[name='kolada_kpi']");
    if (!button || !field) return;
    field.value = button.dataset.kpiId;
    field.focus();
  }

  // The indicator form: only the fields of the chosen kind of target are shown and sent (the
  // others are hidden and disabled). Without JavaScript every field shows, grouped by kind.
  function linkTargetKinds(root) {
    root.querySelectorAll("[data-target-kinds]").forEach((section) => {
      const choices = section.querySelectorAll("input[name='target_kind']");
      if (!choices.length || section.dataset.linked) return;
      section.dataset.linked = "true";
      section.classList.add("kinds-linked");
      const update = () => {
        const chosen = Array.from(choices).find((choice) => choice.checked);
        const kind = chosen ? chosen.value : "";
        section.querySelectorAll("[data-kinds]").forEach((part) => {
          const shown = part.dataset.kinds.split(" ").includes(kind);
          const holder = part.tagName === "FIELDSET" ? part : part.closest(".ds-field") || part;
          holder.hidden = !shown;
          if (part.tagName === "FIELDSET") part.disabled = !shown;
          else part.disabled = !shown;
        });
      };
      choices.forEach((choice) => choice.addEventListener("change", update));
      update();
    });
  }

  document.addEventListener("click", chooseKoladaKpi);

  document.addEventListener("DOMContentLoaded", () => {
    linkDisabledBy(document);
    linkTargetKinds(document);
    focusErrorSummary(document);
  });
})();
