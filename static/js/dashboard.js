// The dashboard: after a decision is refused for want of a ticked action or a reason, move
// focus to the error summary at the top of the form the user sent, so that it is read out
// and scrolled into view where they are working. Without script the summary is still near
// the top of the page, where the decisions come first.
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.querySelector("[data-focus-on-load]");
  if (summary) summary.focus();
});
