// Behaviour that needs script lives here: a strict Content-Security-Policy forbids inline script.

// Warn before leaving a page whose form has unsaved typing. A form opts in with
// data-warn-unsaved; submitting it (normally or through htmx) clears the warning.
(function () {
  const dirty = new Set();
  document.addEventListener("input", (event) => {
    const form = event.target.closest("form[data-warn-unsaved]");
    if (form) dirty.add(form);
  });
  document.addEventListener("submit", (event) => dirty.delete(event.target));
  document.addEventListener("htmx:beforeRequest", (event) => {
    const form = event.detail.elt.closest("form");
    if (form) dirty.delete(form);
  });
  window.addEventListener("beforeunload", (event) => {
    for (const form of dirty) {
      if (form.isConnected) {
        event.preventDefault();
        event.returnValue = "";
        return;
      }
    }
  });
})();

// A print button cannot use an inline onclick under the Content-Security-Policy.
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
