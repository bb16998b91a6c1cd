// The screens' REST helper and sign-in state (docs/screens.md).
//
// The token lives in localStorage ("hub.token"), with the GET /api/v1/pos/me answer
// ("hub.me") so a screen can draw its header before the first request returns.
// Every call unwraps the envelope (CONTRACT 1) and throws HubError on failure;
// a 401 means the token was revoked or is wrong: sign out and go to the sign-in page.
(function () {
  "use strict";

  const TOKEN_KEY = "hub.token";
  const ME_KEY = "hub.me";
  let clockOffsetMs = 0; // server time - local time, from the Date header of REST answers
  let drawClock = null; // the header clock, once a screen has one (initHeader)

  class HubError extends Error {
    constructor(status, code, message, body) {
      super(message || code || "Request failed");
      this.status = status;
      this.code = code;
      this.body = body;
    }
  }

  function token() {
    return localStorage.getItem(TOKEN_KEY);
  }

  function me() {
    try {
      return JSON.parse(localStorage.getItem(ME_KEY) || "null");
    } catch (e) {
      return null;
    }
  }

  function setSession(newToken, meData) {
    localStorage.setItem(TOKEN_KEY, newToken);
    if (meData) {
      localStorage.setItem(ME_KEY, JSON.stringify(meData));
      showWho(meData);
      if (drawClock) drawClock(); // the outlet's zone may have just arrived
    }
  }

  function clearSession() {
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(ME_KEY);
  }

  function toSignIn() {
    const next = location.pathname + location.search;
    location.replace("/?next=" + encodeURIComponent(next));
  }

  async function api(method, path, body, options) {
    const opts = options || {};
    const headers = { Accept: "application/json" };
    const useToken = opts.token !== undefined ? opts.token : token();
    if (useToken) headers.Authorization = "Bearer " + useToken;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (opts.headers) Object.assign(headers, opts.headers);
    let response;
    try {
      response = await fetch(path.startsWith("/") ? path : "/api/v1/pos/" + path, {
        method: method,
        headers: headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: "no-store",
      });
    } catch (e) {
      throw new HubError(0, "network_error", "The hub cannot be reached.");
    }
    const date = response.headers.get("Date");
    if (date) {
      const server = Date.parse(date);
      if (!isNaN(server)) clockOffsetMs = server - Date.now();
    }
    let payload = null;
    try {
      payload = await response.json();
    } catch (e) {
      payload = null;
    }
    if (response.ok && payload && payload.success) {
      return opts.envelope ? payload : payload.data;
    }
    const error = (payload && payload.error) || {};
    if (response.status === 401 && !opts.noRedirect) {
      clearSession();
      toSignIn();
    }
    throw new HubError(response.status, error.code || "http_" + response.status, error.message, error);
  }

  // Every page of a paginated list (per_page 100), for the few lists a screen loads whole.
  async function apiAll(path) {
    const rows = [];
    const sep = path.includes("?") ? "&" : "?";
    for (let page = 1; page < 50; page++) {
      const answer = await api("GET", path + sep + "per_page=100&page=" + page, undefined, {
        envelope: true,
      });
      rows.push(...answer.data);
      if (!answer.meta || rows.length >= answer.meta.total || answer.data.length === 0) break;
    }
    return rows;
  }

  // A screen page: the stored session, or off to the sign-in page.
  // Until GET /me answers (each screen asks at start), the stored answer or defaults.
  const ME_DEFAULTS = {
    staff: { id: null, name: "", username: "", role: "" },
    outlet: { id: null, code: "", name: "", currency: "INR", kds_warn_minutes: 10, kds_late_minutes: 20 },
    kitchens: [],
    driver_id: null,
  };

  function requireSession() {
    if (!token()) {
      toSignIn();
      return null;
    }
    return me() || ME_DEFAULTS;
  }

  async function signOut() {
    try {
      await api("POST", "/api/v1/auth/logout", undefined, { noRedirect: true });
    } catch (e) {
      // already revoked or offline: forget it locally anyway
    }
    clearSession();
    location.replace("/");
  }

  function now() {
    return Date.now() + clockOffsetMs;
  }

  // Screens show the outlet's time, like its printed tickets (printers/render.py), not
  // the device's: a tablet set to another zone (or to UTC, as many wall screens are)
  // must not tell the cook another time than the KOT. The zone comes from GET /me;
  // until it has answered, or if the browser does not know the zone, the device's.
  function outletZone() {
    const data = me();
    const zone = data && data.outlet && data.outlet.timezone;
    if (!zone) return undefined;
    try {
      new Intl.DateTimeFormat(undefined, { timeZone: zone });
      return zone;
    } catch (e) {
      return undefined;
    }
  }

  // A time (ISO string, Date or ms) as the outlet's clock shows it: "09:05 PM" / "21:05".
  function formatTime(value, options) {
    const ms = typeof value === "string" ? Date.parse(value) : Number(value);
    const date = new Date(ms);
    if (isNaN(date.getTime())) return "";
    const format = Object.assign({ hour: "2-digit", minute: "2-digit" }, options || {});
    format.timeZone = outletZone();
    return new Intl.DateTimeFormat(undefined, format).format(date);
  }

  function minutesSince(iso) {
    const t = Date.parse(iso);
    if (isNaN(t)) return 0;
    return Math.max(0, Math.floor((now() - t) / 60000));
  }

  // The outlet's locale as a BCP 47 tag ("en_IN" -> "en-IN"), from GET /me; undefined
  // (the browser's) when unknown or not one Intl knows.
  function outletLocale() {
    const data = me();
    const locale = data && data.outlet && data.outlet.locale;
    if (!locale) return undefined;
    const tag = locale.replace(/_/g, "-");
    try {
      return Intl.NumberFormat.supportedLocalesOf([tag]).length ? tag : undefined;
    } catch (e) {
      return undefined;
    }
  }

  // An amount the hub computed, written as the outlet's locale writes money (en_IN:
  // "₹12,34,567.00", the lakh grouping and the rupee sign the bills print with Babel).
  // Formatting only: the value is the API's, never added to or rounded here beyond the
  // currency's two decimals it already has (docs/screens.md "Money on screens").
  function money(amount, currency) {
    const value = Number(amount || 0);
    try {
      return new Intl.NumberFormat(outletLocale(), {
        style: "currency",
        currency: currency || "INR",
      }).format(value);
    } catch (e) {
      return value.toFixed(2);
    }
  }

  // Build DOM without innerHTML: text from the hub is never parsed as HTML.
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
      else if (key === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(key, value === true ? "" : value);
    }
    for (const child of [].concat(children || [])) {
      if (child === null || child === undefined || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  let toastTimer = null;
  function toast(message, kind) {
    const box = document.getElementById("toast");
    if (!box) return;
    box.textContent = message;
    box.className = "toast show " + (kind || "info");
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => {
      box.className = "toast";
    }, 4000);
  }

  function showWho(meData) {
    const who = document.getElementById("who");
    if (who && meData && meData.staff.name) {
      who.textContent = meData.staff.name + " · " + meData.outlet.name;
    }
  }

  // The header every screen shares: who is signed in, a clock, sign out.
  function initHeader(meData) {
    showWho(meData);
    const out = document.getElementById("sign-out");
    if (out) out.addEventListener("click", signOut);
    const clock = document.getElementById("clock");
    if (clock && !drawClock) {
      drawClock = () => {
        clock.textContent = formatTime(now());
        clock.dataset.timezone = outletZone() || "";
        clock.title = outletZone() ? "Time at the outlet (" + outletZone() + ")" : "";
      };
      drawClock();
      setInterval(drawClock, 10000);
    }
  }

  window.Hub = {
    HubError,
    api,
    apiAll,
    token,
    me,
    setSession,
    clearSession,
    requireSession,
    signOut,
    toSignIn,
    now,
    outletZone,
    outletLocale,
    formatTime,
    minutesSince,
    money,
    el,
    toast,
    initHeader,
  };
})();
