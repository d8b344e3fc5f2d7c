// Styrkort's own small script. No inline scripts are allowed (Content-Security-Policy), so
// behaviour is attached here.
document.addEventListener("DOMContentLoaded", () => {
  // The language select submits by itself; the button stays for keyboard and no-JS users.
  const select = document.getElementById("language-select");
  if (select) {
    select.addEventListener("change", () => select.form.requestSubmit());
  }
});
