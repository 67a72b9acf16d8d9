// Nothing typed is lost (issue 11).
//
// 1. Drafts: what is typed into a text box of a POST form is kept in this browser's
//    localStorage as it is typed, under the user, the page, the form's action and the field;
//    it comes back, with a note and a way to discard it, when the page is shown again, and it
//    goes once the form is saved (the server names the forms saved by a redirect; an htmx
//    save that swaps in no field in error counts as saved). Drafts older than
//    DRAFT_DAYS are dropped, and signing out drops the user's drafts.
// 2. A warning before the idle limit ends the session, with "Stay signed in".
// 3. An htmx save refused because the session ended (401) or the minutes were agreed
//    meanwhile (409) leaves the typed text in its box and says what happened beside it.
//
// A form opts out with data-keep-typed="off"; password fields are never kept.
(function () {
  const script = document.currentScript;
  const user = script && script.dataset.user;
  if (!user) return; // Signed out: nothing of anyone's is kept or shown.

  const PREFIX = "keep-typed:v1:";
  const DRAFT_DAYS = 7;
  const CONTACT_KEY = `${PREFIX}contact:${user}`;
  const sessionSeconds = Number(script.dataset.sessionSeconds) || 0;
  const warnSeconds = Number(script.dataset.warnSeconds) || 0;
  const keepAliveUrl = script.dataset.keepAlive;
  const signInUrl = script.dataset.signIn;

  let storage = null;
  try {
    storage = window.localStorage;
    storage.setItem(`${PREFIX}probe`, "1");
    storage.removeItem(`${PREFIX}probe`);
  } catch (error) {
    storage = null; // Private modes may refuse storage; the rest still works.
  }

  function read(key) {
    try {
      return JSON.parse(storage.getItem(key));
    } catch (error) {
      return null;
    }
  }

  const longDate = new Intl.DateTimeFormat("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
  });
  const clock = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit" });
  function when(time) {
    const at = new Date(time);
    return `${longDate.format(at)} at ${clock.format(at)}`;
  }

  // ---- 1. Drafts -------------------------------------------------------------------------

  function actionPath(form) {
    return new URL(form.action, window.location.href).pathname;
  }

  function draftKey(form) {
    return `${PREFIX}draft:${user}:${window.location.pathname}:${actionPath(form)}`;
  }

  function keptFields(form) {
    return Array.from(form.elements).filter(
      (field) =>
        field.name &&
        !field.disabled &&
        !field.readOnly &&
        (field.tagName === "TEXTAREA" ||
          (field.tagName === "INPUT" && (field.type === "text" || field.type === "search"))),
    );
  }

  function kept(form) {
    return (
      storage &&
      form.method.toLowerCase() === "post" &&
      form.dataset.keepTyped !== "off" &&
      !form.querySelector("input[type=password]")
    );
  }

  function fieldLabel(field) {
    const label = field.labels && field.labels[0];
    return label ? label.textContent.replace(/\s+/g, " ").replace(/\*$/, "").trim() : field.name;
  }

  function saveDraft(form) {
    const fields = {};
    for (const field of keptFields(form)) {
      if (field.value !== field.defaultValue) {
        fields[field.name] = { value: field.value, base: field.defaultValue };
      }
    }
    const key = draftKey(form);
    if (Object.keys(fields).length) {
      storage.setItem(key, JSON.stringify({ at: Date.now(), action: actionPath(form), fields }));
    } else {
      storage.removeItem(key);
    }
  }

  function dropDrafts(test) {
    if (!storage) return;
    for (let index = storage.length - 1; index >= 0; index -= 1) {
      const key = storage.key(index);
      if (key && key.startsWith(`${PREFIX}draft:`) && test(key, read(key))) {
        storage.removeItem(key);
      }
    }
  }

  function note(form, className, role) {
    let box = form.querySelector(`.${className}`);
    if (!box) {
      box = document.createElement("div");
      box.className = `${className} alert py-1 px-2 mt-1 mb-1 small`;
      form.append(box);
    }
    box.setAttribute("role", role);
    box.replaceChildren();
    return box;
  }

  function restore(form) {
    if (!kept(form) || form.dataset.keepTypedRestored) return;
    const draft = read(draftKey(form));
    if (!draft || !draft.fields) return;
    const restored = [];
    let changedSince = false;
    for (const field of keptFields(form)) {
      const saved = draft.fields[field.name];
      if (!saved || saved.value === field.value) continue;
      restored.push([field, field.value]);
      if (saved.base !== field.defaultValue) changedSince = true;
      field.value = saved.value;
    }
    if (!restored.length) return;
    form.dataset.keepTypedRestored = "1";
    const box = note(form, "keep-typed-restored", "status");
    box.classList.add("alert-info");
    box.append(`Restored what you typed on ${when(draft.at)}.`);
    if (changedSince) {
      box.append(" What was saved has changed since: compare before saving.");
    }
    box.append(" ");
    const discard = document.createElement("button");
    discard.type = "button";
    discard.className = "btn btn-outline-dark btn-sm py-0 align-baseline";
    discard.append("Discard");
    const what = document.createElement("span");
    what.className = "visually-hidden";
    what.append(` what was restored in ${fieldLabel(restored[0][0])}`);
    discard.append(what);
    discard.addEventListener("click", () => {
      for (const [field, value] of restored) field.value = value;
      storage.removeItem(draftKey(form));
      restored[0][0].focus();
      box.remove();
    });
    box.append(discard);
    // Whatever page holds the form (the record page folds items away) shows it.
    form.dispatchEvent(new CustomEvent("keep-typed:restored", { bubbles: true }));
  }

  function restoreWithin(root) {
    const forms = root.tagName === "FORM" ? [root] : root.querySelectorAll("form");
    for (const form of forms) restore(form);
  }

  if (storage) {
    const oldest = Date.now() - DRAFT_DAYS * 24 * 60 * 60 * 1000;
    const saved = JSON.parse(script.dataset.saved || "[]");
    dropDrafts(
      (key, draft) =>
        !draft ||
        !(draft.at > oldest) ||
        (key.startsWith(`${PREFIX}draft:${user}:`) && saved.includes(draft.action)),
    );
  }

  document.addEventListener("input", (event) => {
    const form = event.target.form;
    if (form && kept(form) && keptFields(form).includes(event.target)) saveDraft(form);
  });

  // The server learns which fields were typed, to show them back if it must refuse them.
  // (Capturing, so that the field is in the form before anything reads the form.)
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (!kept(form)) return;
      let names = form.querySelector("input[name=_typed]");
      if (!names) {
        names = document.createElement("input");
        names.type = "hidden";
        names.name = "_typed";
        form.append(names);
      }
      names.value = keptFields(form)
        .map((field) => field.name)
        .join(",");
    },
    true,
  );

  // Signing out on purpose leaves none of this user's typing behind in the browser.
  document.addEventListener("submit", (event) => {
    if (new URL(event.target.action, window.location.href).pathname.endsWith("/logout/")) {
      dropDrafts((key) => key.startsWith(`${PREFIX}draft:${user}:`));
      if (storage) storage.removeItem(CONTACT_KEY);
    }
  });

  // ---- 3. htmx saves refused, and saves that succeeded -----------------------------------

  // Signed out for sure (the server said so), or perhaps (the idle limit has passed): either
  // way the page's CSRF token may be stale, so the session is checked before a save.
  let signedOut = false;
  let doubt = false;
  let pollTimer = null;

  function formOf(detail) {
    // Swap events are fired at the target, so the element that asked is in requestConfig.
    const element = (detail.requestConfig && detail.requestConfig.elt) || detail.elt;
    return element && (element.tagName === "FORM" ? element : element.closest("form"));
  }

  function submitLabel(form) {
    const button = form.querySelector("button[type=submit], button:not([type])");
    if (!button) return "Save";
    const copy = button.cloneNode(true);
    copy.querySelectorAll(".visually-hidden").forEach((hidden) => hidden.remove());
    return copy.textContent.trim() || "Save";
  }

  const waiting = new Set(); // Forms refused because the session had ended.

  function showSignedOut(form) {
    const box = note(form, "keep-typed-problem", "alert");
    box.classList.remove("alert-success");
    box.classList.add("alert-warning");
    box.append("You were signed out; what you typed is kept here — ");
    const link = document.createElement("a");
    link.href = `${signInUrl}?next=${encodeURIComponent(window.location.pathname)}`;
    link.className = "alert-link";
    link.target = "_blank";
    link.rel = "noopener";
    link.append("sign in (in a new tab)");
    box.append(link, ` and press “${submitLabel(form)}” again.`);
  }

  function showSignedInAgain() {
    for (const form of waiting) {
      if (!form.isConnected) continue;
      const box = note(form, "keep-typed-problem", "status");
      box.classList.remove("alert-warning");
      box.classList.add("alert-success");
      box.append(
        `You are signed in again: press “${submitLabel(form)}” to save what you typed.`,
      );
    }
    waiting.clear();
  }

  document.addEventListener("htmx:beforeSwap", (event) => {
    const xhr = event.detail.xhr;
    const form = formOf(event.detail);
    if (xhr.status === 401) {
      event.detail.shouldSwap = false;
      event.detail.isError = false;
      signedOut = true;
      doubt = true;
      if (form) {
        waiting.add(form);
        showSignedOut(form);
      }
      watchForSignIn();
      showWarning("ended");
    } else if (xhr.status === 409 && form) {
      event.detail.shouldSwap = false;
      event.detail.isError = false;
      const box = note(form, "keep-typed-problem", "alert");
      box.classList.remove("alert-success");
      box.classList.add("alert-warning");
      box.append(`Not saved: ${xhr.responseText} What you typed is still here.`);
    } else if (xhr.status >= 200 && xhr.status < 300 && form && kept(form)) {
      // Saved, unless what is swapped in has a field in error: the draft goes now (before
      // the new form could restore it) and comes back after the swap if it was not saved.
      const key = draftKey(form);
      pending.set(form, [key, storage.getItem(key)]);
      storage.removeItem(key);
    }
  });

  const pending = new Map();
  document.addEventListener("htmx:afterSwap", (event) => {
    const form = formOf(event.detail);
    if (!form || !pending.has(form)) return;
    const [key, draft] = pending.get(form);
    pending.delete(form);
    const target = event.detail.target;
    const swapped =
      target && target.isConnected ? target : target && target.id && document.getElementById(target.id);
    const scope = swapped || document;
    if (draft && scope.querySelector("[aria-invalid=true], .is-invalid")) {
      storage.setItem(key, draft);
    }
  });

  document.addEventListener("htmx:afterRequest", (event) => {
    const status = event.detail.xhr && event.detail.xhr.status;
    if (status && status !== 401) touched();
  });

  document.addEventListener("htmx:load", (event) => restoreWithin(event.detail.elt));

  function setToken(token) {
    if (!token) return;
    let headers = {};
    try {
      headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
    } catch (error) {
      headers = {};
    }
    headers["X-CSRFToken"] = token;
    document.body.setAttribute("hx-headers", JSON.stringify(headers));
    document.querySelectorAll("input[name=csrfmiddlewaretoken]").forEach((input) => {
      input.value = token;
    });
  }

  // Asks the server to keep the session. True while signed in, and then every form on the
  // page gets the token of the session (a sign-in in another tab changes it).
  async function keepAlive() {
    try {
      const response = await fetch(keepAliveUrl, {
        credentials: "same-origin",
        cache: "no-store",
        redirect: "manual",
      });
      if (response.status === 204) {
        setToken(response.headers.get("X-CSRFToken"));
        signedOut = false;
        doubt = false;
        touched();
        showSignedInAgain();
        hideWarning();
        return true;
      }
      if (response.status === 401) {
        signedOut = true;
        doubt = true;
      }
    } catch (error) {
      // The network is down: say nothing new, and try again on the next occasion.
    }
    return false;
  }

  function watchForSignIn() {
    if (pollTimer) return;
    pollTimer = window.setInterval(async () => {
      if (document.visibilityState !== "visible") return;
      if (await keepAlive()) {
        window.clearInterval(pollTimer);
        pollTimer = null;
      }
    }, 3000);
  }

  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && doubt) keepAlive();
  });

  // A save pressed while signed out waits until the session (and its token) is known again.
  document.addEventListener("htmx:confirm", (event) => {
    if (!doubt) return;
    event.preventDefault();
    keepAlive().then((signedIn) => {
      if (signedIn) {
        // Asked again, not forced: an hx-confirm question is still put.
        event.detail.issueRequest();
      } else {
        const form = formOf(event.detail);
        if (form) showSignedOut(form);
      }
    });
  });

  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (!doubt || event.defaultPrevented || form.method.toLowerCase() !== "post") return;
      if (form.hasAttribute("hx-post")) return; // htmx:confirm sees to it.
      if (new URL(form.action, window.location.href).pathname.endsWith("/logout/")) return;
      event.preventDefault();
      const submitter = event.submitter;
      keepAlive().then((signedIn) => {
        if (signedIn) {
          form.requestSubmit(submitter && submitter.form === form ? submitter : undefined);
        } else {
          waiting.add(form);
          showSignedOut(form);
          watchForSignIn();
        }
      });
    },
    true,
  );

  // ---- 2. The warning before the session ends --------------------------------------------

  // The idle limit counts from the last request this browser made in any tab: each tab
  // notes its requests where the others can see them.
  let lastContact = Date.now();
  function touched() {
    lastContact = Date.now();
    if (storage) storage.setItem(CONTACT_KEY, String(lastContact));
    schedule();
  }
  window.addEventListener("storage", (event) => {
    if (event.key === CONTACT_KEY && event.newValue) {
      lastContact = Math.max(lastContact, Number(event.newValue) || 0);
      // Another tab reached the server: perhaps after signing in again, with a new token.
      if (doubt) keepAlive();
      else hideWarning();
      schedule();
    }
  });

  function expired() {
    return sessionSeconds > 0 && Date.now() >= lastContact + sessionSeconds * 1000;
  }

  let warning = null;
  let warningTimer = null;
  let endTimer = null;

  function buildWarning() {
    warning = document.createElement("div");
    warning.className =
      "keep-typed-warning position-fixed bottom-0 end-0 m-3 p-3 bg-white border border-dark rounded shadow z-3 d-print-none";
    warning.setAttribute("role", "alertdialog");
    warning.setAttribute("aria-modal", "false");
    warning.setAttribute("aria-labelledby", "keep-typed-warning-title");
    warning.setAttribute("aria-describedby", "keep-typed-warning-text");
    warning.hidden = true;
    const title = document.createElement("p");
    title.id = "keep-typed-warning-title";
    title.className = "fw-bold mb-1";
    const text = document.createElement("p");
    text.id = "keep-typed-warning-text";
    text.className = "mb-2";
    const button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-primary btn-sm";
    button.append("Stay signed in");
    button.addEventListener("click", async () => {
      if (!(await keepAlive())) {
        showWarning("ended");
        watchForSignIn();
      }
    });
    warning.append(title, text, button);
    document.body.append(warning);
  }

  function showWarning(state) {
    if (!warning) buildWarning();
    const [title, text, button] = warning.children;
    if (state === "ended") {
      title.textContent = "You have been signed out";
      text.textContent =
        "What you typed is kept in this browser. Sign in again in a new tab, then come back " +
        "here and save.";
      button.hidden = true;
      let link = warning.querySelector("a");
      if (!link) {
        link = document.createElement("a");
        link.className = "btn btn-primary btn-sm";
        link.target = "_blank";
        link.rel = "noopener";
        link.append("Sign in (in a new tab)");
        warning.append(link);
      }
      link.href = `${signInUrl}?next=${encodeURIComponent(window.location.pathname)}`;
    } else {
      const end = new Date(lastContact + sessionSeconds * 1000);
      title.textContent = "You will soon be signed out";
      text.textContent =
        `You will be signed out at ${clock.format(end)} after ${Math.round(sessionSeconds / 60)} ` +
        "minutes without saving or opening a page. What you type is kept either way.";
      button.hidden = false;
      const link = warning.querySelector("a");
      if (link) link.remove();
    }
    const wasHidden = warning.hidden;
    warning.hidden = false;
    // The button takes the focus unless someone is typing: keys meant for a text box must
    // not land on it.
    const active = document.activeElement;
    const typing = active && (active.tagName === "TEXTAREA" || active.tagName === "INPUT");
    if (wasHidden && !typing && !button.hidden) button.focus();
  }

  function hideWarning() {
    if (warning && !warning.hidden) {
      const hadFocus = warning.contains(document.activeElement);
      warning.hidden = true;
      if (hadFocus) document.getElementById("main")?.focus();
    }
  }

  function schedule() {
    window.clearTimeout(warningTimer);
    window.clearTimeout(endTimer);
    if (!sessionSeconds) return;
    const end = lastContact + sessionSeconds * 1000;
    const warnAt = end - Math.min(warnSeconds, sessionSeconds) * 1000;
    warningTimer = window.setTimeout(() => {
      if (!signedOut) showWarning("soon");
    }, Math.max(0, warnAt - Date.now()));
    endTimer = window.setTimeout(() => {
      doubt = true;
      showWarning("ended");
    }, Math.max(0, end - Date.now()));
  }

  touched();

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", () => restoreWithin(document));
  } else {
    restoreWithin(document);
  }
})();
