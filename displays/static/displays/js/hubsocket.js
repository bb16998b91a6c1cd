// One live stream of the hub, for every screen (docs/screens.md "Reconnect",
// docs/realtime.md for the protocol).
//
//   const s = new HubSocket({path: "/ws/v1/kitchens/1/", onEvent, onResync});
//   s.start();
//
// - Signs in with the `bearer.<token>` subprotocol (the token stays out of URLs and logs).
// - On the first `hello` it calls onResync() to load the state over REST; events that
//   arrive meanwhile wait and are applied after it, so nothing falls between the REST
//   read and the stream. onResync() must be idempotent with the events (keyed updates).
// - Remembers the last `seq` applied; after a drop it reconnects with ?since=<seq>, so
//   the hub replays what was missed, in order; a seq already applied is never applied
//   twice. onCaughtUp(n) reports how many events the drop had missed.
// - `resync_required` (the hub no longer has those events): onResync() again.
// - Pings every 15 s; no pong within 8 s counts as a dead connection (Wi-Fi that
//   vanished without a close). Reconnects with exponential backoff and jitter,
//   at once when the browser says it is back online.
// - Close 4401 (token revoked): sign out. 4403/4404: stays down, says why.
(function () {
  "use strict";

  const PING_EVERY_MS = 15000;
  const PONG_WITHIN_MS = 8000;
  const BACKOFF_MIN_MS = 500;
  const BACKOFF_MAX_MS = 10000;
  const RANK = { refused: 3, offline: 2, connecting: 1, live: 0 };
  const LABEL = {
    live: "Live",
    connecting: "Connecting…",
    offline: "Offline – reconnecting",
    refused: "Not allowed",
  };

  const sockets = [];
  const indicators = [];

  function updateIndicators() {
    let worst = "live";
    for (const s of sockets) if (RANK[s.state] > RANK[worst]) worst = s.state;
    for (const node of indicators) {
      node.dataset.state = worst;
      const label = node.querySelector(".conn-label") || node;
      label.textContent = LABEL[worst];
      node.setAttribute("title", "Live updates: " + LABEL[worst]);
    }
  }

  class HubSocket {
    constructor(options) {
      this.path = options.path;
      this.onEvent = options.onEvent || (() => {});
      this.onResync = options.onResync || (async () => {});
      this.onCaughtUp = options.onCaughtUp || (() => {});
      this.onRefused = options.onRefused || (() => {});
      this.token = options.token || (window.Hub && window.Hub.token());
      this.seq = null; // last seq applied (null: nothing loaded yet)
      this.state = "connecting";
      this.ws = null;
      this.attempt = 0;
      this.loading = false;
      this.queue = [];
      this.catchUpTo = null;
      this.missed = 0;
      this.held = false; // test hook: hold() keeps the socket down until release()
      this.stopped = false;
      this.reconnectTimer = null;
      this.pingTimer = null;
      this.pongTimer = null;
      this.applied = 0; // events applied, for tests and the debug overlay
      sockets.push(this);
    }

    start() {
      this._connect();
      return this;
    }

    _setState(state) {
      if (this.state === state) return;
      this.state = state;
      updateIndicators();
    }

    _url() {
      const scheme = location.protocol === "https:" ? "wss:" : "ws:";
      const since = this.seq === null ? "" : "?since=" + this.seq;
      return scheme + "//" + location.host + this.path + since;
    }

    _connect() {
      clearTimeout(this.reconnectTimer);
      if (this.held || this.stopped) return;
      if (this.ws && this.ws.readyState <= WebSocket.OPEN) return;
      this._setState(this.state === "live" ? "connecting" : this.state);
      let ws;
      try {
        ws = new WebSocket(this._url(), ["bearer." + this.token]);
      } catch (e) {
        this._scheduleReconnect();
        return;
      }
      this.ws = ws;
      ws.onmessage = (msg) => this._receive(ws, msg);
      ws.onclose = (ev) => this._closed(ws, ev.code);
      ws.onerror = () => {}; // onclose follows
    }

    _receive(ws, msg) {
      if (ws !== this.ws) return;
      let data;
      try {
        data = JSON.parse(msg.data);
      } catch (e) {
        return;
      }
      switch (data.type) {
        case "hello":
          return this._hello(data);
        case "pong":
          clearTimeout(this.pongTimer);
          return;
        case "resync_required":
          return this._resync(data.seq);
        case "error":
          console.warn("stream", this.path, data.code, data.message);
          return;
        default:
          if (typeof data.seq === "number") this._event(data);
      }
    }

    _hello(hello) {
      this.attempt = 0;
      this._setState("live");
      this._startPing();
      if (this.seq === null) {
        this._resync(hello.seq);
        return;
      }
      // A reconnect with ?since: the hub replays seq+1 .. hello.seq before live events.
      this.missed = Math.max(0, hello.seq - this.seq);
      this.catchUpTo = hello.seq;
      this._maybeCaughtUp();
    }

    _maybeCaughtUp() {
      if (this.catchUpTo !== null && this.seq >= this.catchUpTo && !this.loading) {
        this.catchUpTo = null;
        this.onCaughtUp(this.missed);
      }
    }

    async _resync(seq) {
      // Events up to `seq` are reflected by the REST state loaded now.
      this.seq = seq;
      this.loading = true;
      try {
        await this.onResync();
      } catch (e) {
        // The state could not be loaded (the hub went away mid-load): start over,
        // with a full reload at the next hello.
        console.warn("resync of", this.path, "failed", e);
        this.loading = false;
        this.queue = [];
        this.seq = null;
        this._drop();
        return;
      }
      this.loading = false;
      const waiting = this.queue.splice(0);
      for (const event of waiting) this._apply(event);
      this._maybeCaughtUp();
    }

    _event(event) {
      if (this.loading) {
        this.queue.push(event);
        return;
      }
      this._apply(event);
      this._maybeCaughtUp();
    }

    _apply(event) {
      if (event.seq <= this.seq) return; // already applied: never twice
      this.seq = event.seq;
      this.applied += 1;
      try {
        this.onEvent(event);
      } catch (e) {
        console.error("event handler failed", event, e);
      }
    }

    _startPing() {
      clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => this.ping(), PING_EVERY_MS);
    }

    ping() {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return;
      this.ws.send(JSON.stringify({ type: "ping" }));
      clearTimeout(this.pongTimer);
      this.pongTimer = setTimeout(() => this._drop(), PONG_WITHIN_MS);
    }

    // Send a client message (e.g. a kitchen screen's kot.seen) if the stream is open now;
    // false when it is not: the caller keeps it and tries again later.
    send(message) {
      if (!this.ws || this.ws.readyState !== WebSocket.OPEN || this.state !== "live") return false;
      this.ws.send(JSON.stringify(message));
      return true;
    }

    // Forget the current connection now (dead or unwanted) and go through reconnect.
    _drop() {
      const ws = this.ws;
      if (ws) {
        this.ws = null;
        ws.onmessage = ws.onclose = ws.onerror = null;
        try {
          ws.close();
        } catch (e) {
          // already closed
        }
      }
      this._closed(null, 1006);
    }

    _closed(ws, code) {
      if (ws !== null && ws !== this.ws) return;
      this.ws = null;
      clearInterval(this.pingTimer);
      clearTimeout(this.pongTimer);
      if (code === 4401) {
        this.stopped = true;
        this._setState("refused");
        if (window.Hub) {
          window.Hub.clearSession();
          window.Hub.toSignIn();
        }
        return;
      }
      if (code === 4403 || code === 4404) {
        this.stopped = true;
        this._setState("refused");
        this.onRefused(code);
        return;
      }
      this._setState("offline");
      this._scheduleReconnect();
    }

    _scheduleReconnect() {
      clearTimeout(this.reconnectTimer);
      if (this.held || this.stopped) return;
      const base = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** this.attempt);
      this.attempt += 1;
      const delay = base * (0.75 + Math.random() * 0.5);
      this.reconnectTimer = setTimeout(() => this._connect(), delay);
    }

    reconnectNow() {
      if (this.held || this.stopped || this.ws) return;
      this.attempt = 0;
      this._connect();
    }

    // Test hooks (tests/displays/): take the connection down as a dropped network
    // would, and keep it down until release().
    hold() {
      this.held = true;
      this._drop();
    }

    release() {
      this.held = false;
      this.attempt = 0;
      this._connect();
    }
  }

  HubSocket.all = sockets;
  HubSocket.indicator = function (node) {
    if (node) indicators.push(node);
    updateIndicators();
  };

  window.addEventListener("online", () => sockets.forEach((s) => s.reconnectNow()));
  window.addEventListener("offline", () =>
    sockets.forEach((s) => {
      if (s.ws) s._drop();
    })
  );
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") sockets.forEach((s) => s.reconnectNow());
  });

  window.HubSocket = HubSocket;
})();
