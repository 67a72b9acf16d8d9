// The recording workspace: items fold away so that one is open at a time, the item
// navigator opens the item it names, keyboard shortcuts, and attendance rows that save as
// they change. Without JavaScript every item is open and the links and forms still work.
(function () {
  const sections = () => Array.from(document.querySelectorAll("[data-record-item]"));
  const toggleOf = (section) => section.querySelector(".item-toggle");
  const bodyOf = (section) => document.getElementById(`${section.id}-body`);
  let current = null;

  function announce(text) {
    const status = document.getElementById("workspace-status");
    if (status) status.textContent = text;
  }

  // Text typed in an item and not saved: a text box changed from what the page gave it, or
  // one of a form the server sent back in error. A box that only filters (data-not-typing)
  // holds nothing to save.
  function unsavedText(section) {
    const boxes = section.querySelectorAll("textarea, input[type=text], input:not([type])");
    return Array.from(boxes).some((box) => {
      if (box.matches("[data-not-typing]") || box.disabled || !box.value.trim()) return false;
      return box.value !== box.defaultValue || !!box.form?.querySelector(".is-invalid");
    });
  }

  function titleOf(section) {
    return document.getElementById(`${section.id}-title`)?.textContent.trim() || "";
  }

  // An item folded away with unsaved text says so in its heading and its navigator entry,
  // until the text is saved or emptied: kept, but no longer out of sight and out of mind.
  function flagUnsaved(section, on) {
    const link = document.querySelector(`[data-item-link="${section.id}"]`);
    for (const host of [toggleOf(section), link]) {
      if (!host) continue;
      const flag = host.querySelector(".unsaved-flag");
      if (on && !flag) {
        const mark = document.createElement("span");
        mark.className = "unsaved-flag";
        const comma = document.createElement("span");
        comma.className = "visually-hidden";
        comma.textContent = ", ";
        mark.append(comma, "unsaved text");
        host.append(mark);
      } else if (!on && flag) flag.remove();
    }
    section.classList.toggle("has-unsaved-text", on);
  }

  function recheckUnsaved(section) {
    if (section.classList.contains("has-unsaved-text") && !unsavedText(section)) {
      flagUnsaved(section, false);
    }
  }

  function setOpen(section, open) {
    const body = bodyOf(section);
    const toggle = toggleOf(section);
    if (!body || !toggle) return;
    if (!open && isOpen(section) && unsavedText(section)) {
      flagUnsaved(section, true);
      announce(`Item ${titleOf(section)} folded away with unsaved text.`);
    }
    body.hidden = !open;
    toggle.setAttribute("aria-expanded", String(open));
    section.classList.toggle("is-open", open);
  }

  function isOpen(section) {
    return toggleOf(section)?.getAttribute("aria-expanded") === "true";
  }

  // Open ``section`` and close the others; with ``focus``, move the focus to its heading.
  function openOnly(section, { focus = false } = {}) {
    for (const each of sections()) setOpen(each, each === section);
    if (current !== section) followInTheRoom(section);
    current = section;
    markCurrentInNavigator(section);
    if (focus) {
      toggleOf(section).focus();
      section.scrollIntoView({ block: "start" });
    }
  }

  // The room's screen shows the item open here. Its failure costs the officer nothing: the
  // screen stays on the item before.
  function followInTheRoom(section) {
    const url = document.querySelector("[data-room-follow]")?.dataset.roomFollow;
    const item = section.id.replace(/^item-/, "");
    const token = document.querySelector("input[name=csrfmiddlewaretoken]")?.value;
    if (!url || !token || !/^\d+$/.test(item)) return;
    const body = new URLSearchParams({ item });
    fetch(url, { method: "POST", body, headers: { "X-CSRFToken": token } }).catch(() => {});
  }

  function markCurrentInNavigator(section) {
    for (const link of document.querySelectorAll("[data-item-link]")) {
      if (link.dataset.itemLink === section.id) link.setAttribute("aria-current", "location");
      else link.removeAttribute("aria-current");
    }
  }

  function enhance(section) {
    const heading = document.getElementById(`${section.id}-heading`);
    if (!heading || toggleOf(section)) return;
    const toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "item-toggle";
    toggle.setAttribute("aria-controls", `${section.id}-body`);
    // The open/closed mark is drawn by CSS on a span kept out of the button's name.
    const mark = document.createElement("span");
    mark.className = "toggle-mark";
    mark.setAttribute("aria-hidden", "true");
    toggle.appendChild(mark);
    while (heading.firstChild) toggle.appendChild(heading.firstChild);
    heading.appendChild(toggle);
    toggle.addEventListener("click", () => {
      if (isOpen(section)) setOpen(section, false);
      else openOnly(section);
    });
    setOpen(section, false);
  }

  function sectionFor(element) {
    return element?.closest?.("[data-record-item]") || null;
  }

  // The item the URL names, or holds an element the URL names (#findings-12).
  function openFromHash({ focus }) {
    const id = decodeURIComponent(window.location.hash.slice(1));
    const section = id ? sectionFor(document.getElementById(id)) : null;
    if (section) openOnly(section, { focus });
    return section;
  }

  function currentSection() {
    return sectionFor(document.activeElement) || current || sections().find(isOpen) || null;
  }

  function step(offset) {
    const all = sections();
    if (!all.length) return;
    const here = currentSection();
    const index = here ? all.indexOf(here) : -1;
    const next = all[Math.min(Math.max(index + offset, 0), all.length - 1)];
    if (next === here && isOpen(here)) {
      announce(offset > 0 ? "This is the last item." : "This is the first item.");
    }
    openOnly(next, { focus: true });
  }

  function heading(section) {
    return toggleOf(section)?.textContent.trim() || "";
  }

  function addFinding() {
    const section = currentSection();
    if (!section) return;
    if (!isOpen(section)) openOnly(section);
    const box = section.querySelector(".add-finding textarea");
    if (box) box.focus();
    else announce(`Item ${heading(section)} takes no findings itself: its sub-items do.`);
  }

  function addAction() {
    const section = currentSection();
    if (!section) return;
    if (!isOpen(section)) openOnly(section);
    const open = section.querySelector(".raise-action fieldset");
    if (open) {
      open.focus();
      return;
    }
    // The link opens the form in place, which then takes the focus.
    const link = section.querySelector("a[id^='add-action-']");
    if (link) link.click();
    else announce(`Item ${heading(section)} takes no actions itself: its sub-items do.`);
  }

  function goToNavigator() {
    const section = currentSection();
    const link = section
      ? document.querySelector(`[data-item-link="${section.id}"]`)
      : document.querySelector("[data-item-link]");
    link?.focus();
  }

  const SHORTCUTS = {
    KeyN: () => step(1),
    KeyP: () => step(-1),
    KeyF: addFinding,
    KeyA: addAction,
    KeyI: goToNavigator,
  };
  const MAC = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

  function typing(element) {
    return element?.matches?.("input, textarea, select, [contenteditable]");
  }

  function onKeydown(event) {
    if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) return;
    const action = SHORTCUTS[event.code];
    // On a Mac, Option+Shift+letter types a character: leave it to the text box.
    if (!action || (MAC && typing(event.target))) return;
    event.preventDefault();
    action();
  }

  function onNavigatorClick(event) {
    const link = event.target.closest("[data-item-link]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
    const section = document.getElementById(link.dataset.itemLink);
    if (!section) return;
    event.preventDefault();
    history.replaceState(null, "", `#${section.id}`);
    openOnly(section, { focus: true });
  }

  // An attendance row saves as soon as one of its controls changes. Its controls sit in the
  // row's cells and belong to the row's form through their form attribute.
  function onAttendanceChange(event) {
    const formId = event.target.getAttribute?.("form");
    const form = formId && document.getElementById(formId);
    if (form && form.classList.contains("attendance-row-form")) form.requestSubmit();
  }

  function openRestored(form) {
    const section = sectionFor(form);
    if (section && !sections().some(isOpen)) openOnly(section);
  }

  function start() {
    const all = sections();
    if (!all.length) return;
    all.forEach(enhance);
    // After a save the page comes back at the item worked on: open it and give it the focus.
    // Otherwise, an item holding typing restored from a draft opens, so that it is seen.
    if (!openFromHash({ focus: true })) {
      current = null;
      openRestored(document.querySelector("form[data-keep-typed-restored]"));
    }
    document.addEventListener("keep-typed:restored", (event) => openRestored(event.target));
    document.addEventListener("keydown", onKeydown);
    document.addEventListener("click", onNavigatorClick);
    document.addEventListener("change", onAttendanceChange);
    window.addEventListener("hashchange", () => openFromHash({ focus: true }));
    // An item brought forward opened from its line (?open=) comes in whole: it folds like
    // the others, and opens with the focus on its heading.
    document.addEventListener("htmx:afterSettle", (event) => {
      const fresh = sections().filter((each) => !toggleOf(each));
      fresh.forEach(enhance);
      const opened = fresh.find((each) => each.id === event.detail.target?.id);
      if (opened) openOnly(opened, { focus: true });
    });
    // A save that swapped away the control holding the focus (Enter in a text box of the
    // action form, a finding moved to the top) gives it to the block's own button, so that
    // the keyboard carries on from where it was rather than from the top of the page.
    document.addEventListener("htmx:afterSettle", (event) => {
      const active = document.activeElement;
      if (active && active !== document.body) return;
      const id = event.detail.target?.id;
      const block = id ? document.getElementById(id) : null;
      block?.querySelector("[data-focus-after-save]")?.focus();
    });
    // The flag goes once the text is saved (the form swapped for an empty one) or emptied.
    document.addEventListener("htmx:afterSettle", () => {
      document.querySelectorAll(".has-unsaved-text").forEach(recheckUnsaved);
    });
    document.addEventListener("input", (event) => {
      const section = sectionFor(event.target);
      if (section) recheckUnsaved(section);
    });
    // An element inside a closed item that takes the focus (a form htmx swapped in) opens it.
    document.addEventListener("focusin", (event) => {
      const section = sectionFor(event.target);
      if (section && !isOpen(section) && !event.target.classList.contains("item-toggle")) {
        openOnly(section);
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
