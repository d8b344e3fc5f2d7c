// The reporting page: what htmx does not do by itself. No inline scripts are allowed
// (Content-Security-Policy), so this file is loaded by the page.
document.addEventListener("DOMContentLoaded", () => {
  const page = document.querySelector("[data-reporting]");
  if (!page) {
    return;
  }

  // A row whose post failed (no network, server error, expired CSRF token) says so, next to
  // the row, and keeps what the user typed.
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
});
