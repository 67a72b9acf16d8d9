// Behaviour that needs script lives here: a strict Content-Security-Policy forbids inline script.

// Warn before leaving a page whose form has unsaved typing. A form opts in with
// data-warn-unsaved; submitting it (normally or through htmx) clears the warning. A box
// that only filters what the form shows (data-not-typing) sends nothing and counts for nothing.
(function () {
  const dirty = new Set();
  document.addEventListener("input", (event) => {
    if (event.target.matches?.("[data-not-typing]")) return;
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

// Radios that reveal the fields of their choice (GOV.UK's conditional reveal): the kind of
// due shows only that kind's fields. Each radio lists the wrappers of its fields in
// data-aria-controls; without script every field shows and the server ignores the others'.
// A field in error stays shown, so that its message is never hidden. The radios carry
// aria-controls but not aria-expanded: GOV.UK's radios keep it though ARIA does not allow it
// on a radio (govuk-frontend issue 979), and axe, which the WCAG walk runs, fails it.
(function () {
  function controlled(radio) {
    return (radio.dataset.ariaControls || "").split(" ").filter(Boolean);
  }

  function groupOf(radio) {
    const scope = radio.form || document;
    return Array.from(scope.querySelectorAll("input[type=radio][data-aria-controls]"))
      .filter((each) => each.name === radio.name);
  }

  // Text restored from a draft (keep-typed.js restores text, not the radio chosen) stays in
  // view, wherever it is.
  function update(group) {
    const keepTyped = !!group[0].form?.dataset.keepTypedRestored;
    const chosen = group.find((radio) => radio.checked);
    const shown = new Set(chosen ? controlled(chosen) : group.flatMap(controlled));
    const typed = (wrapper) => Array.from(wrapper.querySelectorAll("input, textarea"))
      .some((field) => field.value !== field.defaultValue);
    for (const id of new Set(group.flatMap(controlled))) {
      const wrapper = document.getElementById(id);
      if (!wrapper) continue;
      const inError = wrapper.querySelector(".is-invalid, .invalid-feedback");
      wrapper.hidden = !shown.has(id) && !inError && !(keepTyped && typed(wrapper));
    }
  }

  function enhance(root) {
    const seen = new Set();
    root.querySelectorAll?.("input[type=radio][data-aria-controls]").forEach((radio) => {
      const ids = controlled(radio);
      if (ids.length) radio.setAttribute("aria-controls", ids.join(" "));
      const group = groupOf(radio);
      if (!seen.has(group[0])) {
        seen.add(group[0]);
        update(group);
      }
    });
  }

  document.addEventListener("change", (event) => {
    if (event.target.matches?.("input[type=radio][data-aria-controls]")) {
      update(groupOf(event.target));
    }
  });
  document.addEventListener("htmx:load", (event) => enhance(event.detail.elt));
  document.addEventListener("keep-typed:restored", (event) => {
    const names = new Set();
    event.target.querySelectorAll("input[type=radio][data-aria-controls]").forEach((radio) => {
      if (names.has(radio.name)) return;
      names.add(radio.name);
      update(groupOf(radio));
    });
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => enhance(document));
  } else enhance(document);
})();

// A long list of checkboxes (the people who may own an action) becomes a type-ahead: a
// "Filter people" box above it shows only the names matching what is typed, and says
// politely how many match. Those already ticked stay in view. With the box empty the list
// is folded behind "Show all", so that the keyboard does not Tab through every name.
// Without script every box shows.
(function () {
  let made = 0;

  function enhance(root) {
    root.querySelectorAll?.("fieldset").forEach((fieldset) => {
      // The boxes of this fieldset's own list, not of one nested in it.
      const boxes = Array.from(fieldset.querySelectorAll("input[type=checkbox][data-filter-choices]"))
        .filter((box) => box.closest("fieldset") === fieldset);
      if (!boxes.length || fieldset.querySelector(".choice-filter")) return;
      const noun = boxes[0].dataset.filterChoices;
      const key = `choice-filter-${++made}`;
      const rows = boxes.map((box) => box.closest(".form-check") || box.parentElement);
      const names = rows.map((row) => row.textContent.replace(/\s+/g, " ").trim().toLowerCase());

      const wrapper = document.createElement("div");
      wrapper.className = "choice-filter";
      const label = document.createElement("label");
      label.className = "form-label";
      label.htmlFor = `${key}-box`;
      label.textContent = `Filter ${noun}`;
      const hint = document.createElement("div");
      hint.className = "form-text";
      hint.id = `${key}-hint`;
      hint.textContent = "Type part of a name or the initials, then Tab to the names to tick them.";
      const input = document.createElement("input");
      input.type = "text";
      input.id = `${key}-box`;
      input.className = "form-control";
      input.autocomplete = "off";
      input.spellcheck = false;
      input.setAttribute("aria-describedby", `${key}-hint ${key}-count`);
      const list = rows[0].parentElement;
      if (!list.id) list.id = `${key}-list`;
      input.setAttribute("aria-controls", list.id);
      input.dataset.notTyping = "";
      const all = document.createElement("button");
      all.type = "button";
      all.className = "btn btn-sm btn-link choice-filter-all";
      all.setAttribute("aria-expanded", "false");
      all.setAttribute("aria-controls", list.id);
      const count = document.createElement("p");
      count.id = `${key}-count`;
      count.className = "small mb-1";
      count.setAttribute("role", "status");
      wrapper.append(label, hint, input, all, count);
      (fieldset.querySelector("legend") || fieldset.firstChild).after(wrapper);

      let showAll = false;
      function apply({ say = true } = {}) {
        const words = input.value.trim().toLowerCase();
        let matches = 0;
        rows.forEach((row, index) => {
          const match = words ? names[index].includes(words) : showAll;
          if (match) matches += 1;
          row.hidden = !match && !boxes[index].checked;
        });
        all.textContent = showAll ? `Show only the ${noun} ticked` : `Show all ${rows.length} ${noun}`;
        all.setAttribute("aria-expanded", String(showAll));
        if (!say) return;
        if (words) count.textContent = `${matches} of ${rows.length} ${noun} match${matches === 1 ? "es" : ""}.`;
        else count.textContent = showAll ? `All ${rows.length} ${noun} shown.` : "";
      }
      input.addEventListener("input", () => apply());
      // Enter in the box would send the whole form: here it goes to the first match instead.
      input.addEventListener("keydown", (event) => {
        if (event.key !== "Enter") return;
        event.preventDefault();
        boxes.find((box, index) => !rows[index].hidden)?.focus();
      });
      all.addEventListener("click", () => {
        showAll = !showAll;
        input.value = "";
        apply();
      });
      apply({ say: false });
    });
  }

  document.addEventListener("htmx:load", (event) => enhance(event.detail.elt));
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => enhance(document));
  } else enhance(document);
})();
