// The language selector of every page (templates/base.html). Choosing a language changes
// nothing by itself (WCAG 3.2.2, On Input: an arrow key in the list must not reload the page);
// the "Change language" button does. While another language is chosen and not yet applied,
// the button stands out, so that it is found.
document.addEventListener("DOMContentLoaded", () => {
  const select = document.getElementById("language-select");
  if (!select) {
    return;
  }
  const button = select.form.querySelector("button[type='submit']");
  const current = select.value;
  select.addEventListener("change", () => {
    if (select.value === current) {
      delete button.dataset.pending;
    } else {
      button.dataset.pending = "true";
    }
  });
});
