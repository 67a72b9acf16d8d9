// The room's screen keeps up by itself: it asks whether what it shows is still current,
// with the ETag of what it shows, and swaps in the new content only when the answer is not
// a 304. A lost connection is said on the screen, and the asking goes on.
(function () {
  const root = document.getElementById("room-content");
  const status = document.getElementById("room-status");
  if (!root) return;
  const url = root.dataset.pollUrl;
  const every = Number(root.dataset.pollMs) || 1500;
  let etag = root.dataset.etag;

  function say(text, stale) {
    if (status.textContent !== text) status.textContent = text;
    document.body.classList.toggle("room-stale", stale);
  }

  async function ask() {
    try {
      const response = await fetch(url, {
        headers: { "If-None-Match": etag },
        cache: "no-store",
        credentials: "same-origin",
        redirect: "manual",
      });
      if (response.status === 200) {
        root.innerHTML = await response.text();
        etag = response.headers.get("ETag") || etag;
        say("Showing what is being minuted.", false);
      } else if (response.status === 304) {
        say("Showing what is being minuted.", false);
      } else if (response.type === "opaqueredirect" || response.status === 403) {
        say("Signed out: sign in again to follow the meeting.", true);
      } else {
        say("Not up to date: the service did not answer. Trying again.", true);
      }
    } catch (error) {
      say("Not up to date: the connection is lost. Trying again.", true);
    }
    later();
  }
  // Spread over a fifth either way: screens opened together would otherwise ask together,
  // and the officer's save would queue behind all of them.
  function later() {
    window.setTimeout(ask, every * (0.8 + Math.random() * 0.4));
  }
  later();
})();
