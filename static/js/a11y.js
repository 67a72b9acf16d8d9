// Accessibility behaviour shared by every page (WCAG 2.2 AA). Script lives in files: the
// Content-Security-Policy forbids inline script.
//
// API for other scripts:
//   window.announce(text)  says `text` once through the page's polite live region.
// A server response can ask for the same with the header
//   HX-Trigger: {"announce": "Finding saved."}
(function () {
  "use strict";

  function region() {
    let live = document.getElementById("announcer");
    if (!live) {
      live = document.createElement("div");
      live.id = "announcer";
      live.className = "visually-hidden";
      live.setAttribute("aria-live", "polite");
      live.setAttribute("aria-atomic", "true");
      document.body.appendChild(live);
    }
    return live;
  }

  // Emptying first and filling on the next frame makes screen readers repeat a message
  // identical to the last one ("Saved." twice in a row).
  window.announce = function (text) {
    const live = region();
    live.textContent = "";
    window.setTimeout(() => { live.textContent = String(text || ""); }, 50);
  };

  document.addEventListener("announce", (event) => {
    const detail = event.detail;
    window.announce(typeof detail === "string" ? detail : (detail && detail.value) || "");
  });

  // Keep the focus where the user was across an htmx swap: when the swap removed the
  // focused element, focus its replacement (same id) or, failing that, the swapped region.
  let lastFocusedId = null;
  document.addEventListener("htmx:beforeSwap", () => {
    const active = document.activeElement;
    lastFocusedId = active && active !== document.body && active.id ? active.id : null;
  });
  document.addEventListener("htmx:afterSettle", (event) => {
    const active = document.activeElement;
    if (active && active !== document.body && active.isConnected) return;
    let target = lastFocusedId ? document.getElementById(lastFocusedId) : null;
    if (!target) {
      target = event.detail.target && event.detail.target.isConnected ? event.detail.target : null;
      if (target && !target.hasAttribute("tabindex") && !target.matches("a, button, input, select, textarea")) {
        target.setAttribute("tabindex", "-1");
      }
    }
    if (target) target.focus({ preventScroll: false });
  });

  // Stacked tables: each cell carries its column's heading, shown before it on a phone.
  function labelCells(root) {
    root.querySelectorAll("table.table-stack").forEach((table) => {
      const headings = Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent.trim());
      if (!headings.length) return;
      table.querySelectorAll("tbody tr").forEach((row) => {
        let column = 0;
        Array.from(row.children).forEach((cell) => {
          if (cell.tagName === "TD" && !cell.hasAttribute("data-label")) {
            cell.setAttribute("data-label", headings[column] || "");
          }
          column += cell.colSpan || 1;
        });
      });
    });
  }

  function start() {
    labelCells(document);
    // The error summary is focused on load, so a screen reader reads it first (GOV.UK).
    const summary = document.querySelector(".error-summary");
    if (summary) {
      summary.focus();
      return;
    }
    // After a save the page says what was saved: focus lands on that message, not back at
    // the top of the page with nothing said (issue 26). A page opened at a fragment (the
    // record page's item) or with a field of its own autofocused keeps that focus.
    const saved = document.querySelector(".messages");
    const active = document.activeElement;
    if (saved && !window.location.hash && (!active || active === document.body)) saved.focus();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  document.addEventListener("htmx:afterSettle", (event) => labelCells(event.detail.elt || document));

  // A link in the summary focuses its field, and scrolls its label into view too.
  document.addEventListener("click", (event) => {
    const link = event.target.closest(".error-summary a[href^='#']");
    if (!link) return;
    const field = document.getElementById(link.getAttribute("href").slice(1));
    if (!field) return;
    event.preventDefault();
    const label = field.id && document.querySelector(`label[for="${CSS.escape(field.id)}"]`);
    const legend = field.closest("fieldset") && field.closest("fieldset").querySelector("legend");
    (legend || label || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
})();
