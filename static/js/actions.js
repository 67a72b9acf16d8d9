// Action tracking: a "select all" box for the actions awaiting agreement on the dashboard.
// Without script the boxes are ticked one by one; nothing depends on this file.
document.addEventListener("DOMContentLoaded", () => {
  const form = document.querySelector(".review-form");
  if (!form) return;
  const boxes = form.querySelectorAll('input[name="actions"]');
  if (boxes.length < 2) return;
  const wrapper = document.createElement("div");
  wrapper.className = "form-check mb-2";
  const all = document.createElement("input");
  all.type = "checkbox";
  all.className = "form-check-input";
  all.id = "review-all";
  const label = document.createElement("label");
  label.className = "form-check-label";
  label.htmlFor = "review-all";
  label.textContent = "Select all";
  wrapper.append(all, label);
  form.querySelector("fieldset legend").after(wrapper);
  all.addEventListener("change", () => {
    boxes.forEach((box) => { box.checked = all.checked; });
  });
});
