// The sign-in page (docs/screens.md "Signing in"): username and password, or a device
// token pasted on a wall screen; then the screen for the role.
(function () {
  "use strict";
  const { api, setSession, clearSession, token, me, el } = window.Hub;

  const errorBox = document.getElementById("login-error");

  function showError(message) {
    errorBox.textContent = message || "";
  }

  // Only paths of this site: never an open redirect to another host.
  function safeNext() {
    const next = new URLSearchParams(location.search).get("next");
    if (next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\")) {
      return next;
    }
    return null;
  }

  function screensFor(meData) {
    const role = meData.staff.role;
    if (role === "kitchen") {
      return meData.kitchens.map((k) => ({ href: "/kds/" + k.id + "/", label: k.name }));
    }
    if (role === "driver") return [{ href: "/driver/", label: "My deliveries" }];
    if (role === "manager") return [{ href: "/manager/", label: "Today" }];
    return [{ href: "/waiter/", label: "Floor" }];
  }

  function go(meData) {
    const next = safeNext();
    const screens = screensFor(meData);
    if (next && next !== "/") {
      location.replace(next);
      return;
    }
    if (screens.length === 1) {
      location.replace(screens[0].href);
      return;
    }
    showSignedIn(meData);
    if (screens.length === 0) showError("This kitchen account works no kitchen yet.");
  }

  function showSignedIn(meData) {
    document.getElementById("sign-in-forms").hidden = true;
    const box = document.getElementById("signed-in");
    box.hidden = false;
    document.getElementById("signed-in-name").textContent = meData.staff.name;
    document.getElementById("signed-in-role").textContent = meData.staff.role;
    const screens = screensFor(meData);
    const choice = document.getElementById("kitchen-choice");
    const openButton = document.getElementById("open-screen");
    choice.replaceChildren();
    if (screens.length > 1) {
      choice.hidden = false;
      openButton.hidden = true;
      for (const screen of screens) {
        choice.append(
          el("a", { class: "btn btn-primary", href: screen.href }, ["Open ", screen.label])
        );
      }
    } else {
      choice.hidden = true;
      openButton.hidden = screens.length === 0;
      openButton.onclick = () => location.assign(screens[0].href);
    }
  }

  async function finish(newToken) {
    const meData = await api("GET", "me", undefined, { token: newToken, noRedirect: true });
    setSession(newToken, meData);
    go(meData);
  }

  document.getElementById("login-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    showError("");
    const username = document.getElementById("username").value.trim();
    const password = document.getElementById("password").value;
    try {
      const answer = await api(
        "POST",
        "/api/v1/auth/login",
        { username, password },
        { token: null, noRedirect: true }
      );
      await finish(answer.token);
    } catch (e) {
      showError(e.code === "invalid_credentials" ? "Wrong username or password." : e.message);
    }
  });

  document.getElementById("token-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    showError("");
    const pasted = document.getElementById("device-token").value.trim();
    try {
      await finish(pasted);
    } catch (e) {
      showError(e.status === 401 ? "This device token is not valid (revoked or mistyped)." : e.message);
    }
  });

  document.getElementById("signed-in-out").addEventListener("click", window.Hub.signOut);

  // Already signed in on this device: check the token still works, then offer the screen.
  (async function () {
    if (!token()) return;
    const stored = me();
    if (stored) showSignedIn(stored);
    try {
      const fresh = await api("GET", "me", undefined, { noRedirect: true });
      setSession(token(), fresh);
      if (safeNext()) go(fresh);
      else showSignedIn(fresh);
    } catch (e) {
      if (e.status === 401) {
        clearSession();
        document.getElementById("signed-in").hidden = true;
        document.getElementById("sign-in-forms").hidden = false;
      }
    }
  })();
})();
