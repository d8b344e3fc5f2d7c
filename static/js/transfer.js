// The import form: refuse a file that is too large before it is uploaded. The server checks
// the size again (and first): this only spares the wait for a 50 MB upload.
document.addEventListener("DOMContentLoaded", () => {
  const input = document.querySelector("input[type=file][data-max-bytes]");
  const message = document.getElementById("transfer-size-message");
  if (!input || !message) {
    return;
  }
  const limit = Number(input.dataset.maxBytes);
  const tooLarge = () =>
    Array.from(input.files || []).reduce((total, file) => total + file.size, 0) > limit;
  const check = () => {
    const refused = tooLarge();
    message.hidden = !refused;
    message.textContent = refused ? message.dataset.message : "";
    input.setCustomValidity(refused ? message.dataset.message : "");
    if (refused) {
      const described = (input.getAttribute("aria-describedby") || "").split(" ");
      if (!described.includes(message.id)) {
        input.setAttribute("aria-describedby", [...described, message.id].join(" ").trim());
      }
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
  };
  input.addEventListener("change", check);
  input.form.addEventListener("submit", (event) => {
    check();
    if (tooLarge()) {
      event.preventDefault();
      input.focus();
    }
  });
});
