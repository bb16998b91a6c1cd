// Kitchen display (docs/screens.md "Kitchen display"): the open tickets of one kitchen
// as cards in arrival order, bump/recall/served, an all-day count, a beep and a flash
// on a new ticket. State: GET /kitchens/{id}/kots; live: /ws/v1/kitchens/{id}/.
(function () {
  "use strict";
  const { api, apiAll, el, toast, minutesSince } = window.Hub;

  const root = document.querySelector(".kds");
  const kitchenId = Number(root.dataset.kitchenId);
  let meData = window.Hub.requireSession();
  if (!meData) return;
  window.Hub.initHeader(meData);

  const ticketsBox = document.getElementById("tickets");
  const allDayBox = document.getElementById("allday");
  const emptyNote = document.getElementById("empty");
  const soundButton = document.getElementById("sound");

  // The tickets are HubState.kitchen's (state.js): built from REST, changed by events, the
  // same functions tests/screens/ run against the hub. This file only draws them.
  const Kitchen = window.HubState.kitchen;
  let state = Kitchen.fromRest({ kots: [] });
  const nodes = new Map(); // kot id -> card element
  const drawn = new Map(); // kot id -> the ticket object its card shows (a new object: redraw)
  const COOKING = new Set(["new", "addon"]);
  const STATUS_LABEL = {
    held: "HOLD",
    sent_to_kitchen: "NEW",
    in_kitchen: "COOKING",
    food_ready: "READY",
    served: "SERVED",
  };
  // How each move the hub may allow is written on its button: [text, class, aria-label].
  // Which buttons a ticket gets is the hub's answer (ticket.allowed), never decided here.
  const MOVE = {
    "sent_to_kitchen>in_kitchen": ["Start", "btn-bump", (n) => "Start cooking " + n],
    "in_kitchen>food_ready": ["Ready", "btn-bump", (n) => "Bump " + n + ": food ready"],
    "food_ready>in_kitchen": ["Recall", "btn-recall", (n) => "Recall " + n + " to cooking"],
    "food_ready>served": ["Served", "btn-served", (n) => "Mark " + n + " served"],
  };
  const TAKE_BACK = ["Got it", "btn-bump", (n) => "Acknowledge " + n + " (take back)"];
  const TYPE_LABEL = { dine_in: "DINE IN", takeaway: "TAKEAWAY", delivery: "DELIVERY" };
  const counters = { beeps: 0, newTickets: 0, renders: 0, acks: 0 };
  // Tickets this screen has told the hub it drew (kot.seen, CONTRACT 13): a reload
  // forgets them and acknowledges again what it draws (the hub stamps once).
  const acked = new Set();
  let warnMinutes = meData.outlet.kds_warn_minutes;
  let lateMinutes = meData.outlet.kds_late_minutes;

  function context() {
    return { me: meData, kitchenId: kitchenId };
  }

  // --- drawing -----------------------------------------------------------------

  function ageClass(ticket) {
    if (ticket.status === "food_ready") return "st-ready";
    const minutes = minutesSince(ticket.createdAt);
    if (minutes >= lateMinutes) return "age-late";
    if (minutes >= warnMinutes) return "age-warn";
    return "age-ok";
  }

  function ageText(ticket) {
    const minutes = minutesSince(ticket.createdAt);
    const label = minutes < 1 ? "just now" : minutes + " min";
    if (ticket.status === "food_ready") return label;
    if (minutes >= lateMinutes) return label + " · LATE";
    return label;
  }

  function whereLabel(ticket) {
    if (ticket.tableName) return ticket.tableName;
    return TYPE_LABEL[ticket.orderType] || (ticket.orderType || "").toUpperCase();
  }

  function kindBadge(ticket) {
    if (ticket.kind === "addon") return el("span", { class: "badge badge-addon" }, "ADD-ON");
    if (ticket.kind === "void") return el("span", { class: "badge badge-void" }, "VOID");
    if (ticket.kind === "cancellation") {
      return el("span", { class: "badge badge-void" }, "CANCELLED");
    }
    return null;
  }

  // A cook taps a line to mark it ready (and again to take it back), when the hub says
  // this caller may bump this ticket's lines (ticket.itemAllowed).
  function lineMove(item, ticket) {
    if (item.voided) return null;
    const to = item.status === "food_ready" ? "in_kitchen" : "food_ready";
    return ticket.itemAllowed.includes(to) ? to : null;
  }

  function itemRow(item, ticket) {
    const taking = !COOKING.has(ticket.kind);
    const cls = ["item"];
    if (item.voided) cls.push("item-voided");
    if (item.status === "food_ready") cls.push("item-ready");
    const parts = [
      el("span", { class: "qty" }, item.quantity + "×"),
      el("span", { class: "name" }, item.name),
    ];
    if (item.voided) parts.push(el("span", { class: "tag tag-void" }, "VOID"));
    else if (item.voidedQuantity > 0) {
      parts.push(el("span", { class: "tag tag-void" }, "−" + item.voidedQuantity + " VOID"));
    }
    if (taking) parts.push(el("span", { class: "tag tag-void" }, "DO NOT MAKE"));
    const to = lineMove(item, ticket);
    const attrs = { class: cls.join(" "), dataset: { itemId: item.orderItemId } };
    if (to) {
      cls.push("item-tap");
      Object.assign(attrs, {
        class: cls.join(" "),
        role: "button",
        tabindex: "0",
        "aria-label":
          (to === "food_ready" ? "Mark ready: " : "Not ready: ") + item.quantity + " " + item.name,
        onclick: (ev) => bumpLine(ticket.id, item.orderItemId, to, ev.currentTarget),
      });
    }
    const row = el("li", attrs, parts);
    // the options chosen (a portion, extras), one a line under the item, before its note
    if (item.modifiers.length) {
      row.append(
        el(
          "ul",
          { class: "mods", "aria-label": "Options of " + item.name },
          item.modifiers.map((m) =>
            el("li", { class: "mod" }, (m.quantity > 1 ? m.quantity + "× " : "") + m.name)
          )
        )
      );
    }
    if (item.note) row.append(el("div", { class: "note" }, item.note));
    return row;
  }

  function actionButtons(ticket) {
    return ticket.allowed.map((to) => {
      const [text, cls, label] = COOKING.has(ticket.kind)
        ? MOVE[ticket.status + ">" + to] || [STATUS_LABEL[to] || to, "btn-bump", (n) => n + ": " + to]
        : TAKE_BACK;
      return el(
        "button",
        {
          type: "button",
          class: "btn " + cls,
          "aria-label": label(ticket.number),
          dataset: { action: to },
          onclick: (ev) => move(ticket.id, to, ev.currentTarget),
        },
        text
      );
    });
  }

  function renderCard(ticket) {
    const meta = [ticket.orderNumber];
    if (ticket.waiter) meta.push(ticket.waiter);
    if (ticket.guests) meta.push(ticket.guests + " guests");
    const card = el(
      "article",
      {
        class:
          "ticket kind-" +
          ticket.kind +
          " status-" +
          ticket.status +
          " " +
          (ticket.status === "held" ? "held" : ageClass(ticket)),
        dataset: { kotId: ticket.id, status: ticket.status, kind: ticket.kind },
        "aria-label":
          ticket.number + " " + whereLabel(ticket) + (ticket.platform ? " " + ticket.platform : ""),
      },
      [
        el("header", { class: "ticket-head" }, [
          el("div", { class: "ticket-title" }, [
            el("span", { class: "kot-number" }, ticket.number),
            el("span", { class: "where" }, whereLabel(ticket)),
            kindBadge(ticket),
          ]),
          el("div", { class: "ticket-sub" }, [
            el(
              "span",
              { class: "state" },
              ticket.status === "held"
                ? "HOLD course " + ticket.course
                : COOKING.has(ticket.kind)
                  ? STATUS_LABEL[ticket.status] || ticket.status
                  : "TAKE BACK"
            ),
            el("span", { class: "age" }, ageText(ticket)),
          ]),
        ]),
        ticket.platform ? el("div", { class: "ticket-platform" }, ticket.platform) : null,
        el("div", { class: "ticket-meta" }, meta.join(" · ")),
        ticket.voidsNumber
          ? el("div", { class: "ticket-reason" }, [
              "Takes back " + ticket.voidsNumber,
              ticket.reason ? ": " + ticket.reason : "",
            ])
          : null,
        el(
          "ul",
          { class: "items" },
          ticket.items.map((i) => itemRow(i, ticket))
        ),
        el("footer", { class: "ticket-actions" }, actionButtons(ticket)),
      ]
    );
    counters.renders += 1;
    return card;
  }

  // Draw the state: redraw the cards whose ticket changed, keep arrival order, remove the
  // cards of tickets that left. `announce`: new tickets beep and flash (live, or a reload
  // that brought tickets the cook has not seen).
  function draw(announce) {
    const seen = new Set();
    let previous = null;
    for (const ticket of Kitchen.tickets(state)) {
      seen.add(ticket.id);
      const isNew = !drawn.has(ticket.id);
      if (drawn.get(ticket.id) !== ticket) {
        const card = renderCard(ticket);
        if (isNew && announce) card.classList.add("flash");
        const old = nodes.get(ticket.id);
        if (old) old.replaceWith(card);
        nodes.set(ticket.id, card);
        drawn.set(ticket.id, ticket);
      }
      const node = nodes.get(ticket.id);
      const wanted = previous ? previous.nextSibling : ticketsBox.firstChild;
      if (node !== wanted) ticketsBox.insertBefore(node, wanted);
      previous = node;
      if (isNew && announce) {
        counters.newTickets += 1;
        beep();
        flashScreen();
      }
    }
    for (const [id, node] of [...nodes]) {
      if (seen.has(id)) continue;
      node.remove();
      nodes.delete(id);
      drawn.delete(id);
    }
    summarize();
    acknowledge();
  }

  // kot.seen for every live ticket drawn and not yet acknowledged (a held one is
  // acknowledged once it is fired); what cannot go now (offline) goes on the next draw.
  function acknowledge() {
    for (const ticket of Kitchen.tickets(state)) {
      if (ticket.status === "held" || acked.has(ticket.id)) continue;
      if (!socket.send({ type: "kot.seen", kot_id: ticket.id })) return;
      acked.add(ticket.id);
      counters.acks += 1;
    }
  }

  function summarize() {
    const rows = Kitchen.allDay(state).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    allDayBox.replaceChildren(
      ...rows.map(([name, count, options]) =>
        el("li", { dataset: { item: name } }, [
          el("span", { class: "allday-count" }, String(count)),
          el("span", { class: "allday-name" }, [
            name,
            // per option of those plates: "Full 2, Half 1"
            options.length
              ? el(
                  "span",
                  { class: "allday-options" },
                  options.map(([option, n]) => option + " " + n).join(", ")
                )
              : null,
          ]),
        ])
      )
    );
    if (rows.length === 0) allDayBox.append(el("li", { class: "muted" }, "Nothing cooking"));
    emptyNote.hidden = nodes.size > 0;
  }

  function tickAges() {
    for (const [id, ticket] of drawn) {
      const card = nodes.get(id);
      if (!card || ticket.status === "held") continue;
      card.classList.remove("age-ok", "age-warn", "age-late", "st-ready");
      card.classList.add(ageClass(ticket));
      card.querySelector(".age").textContent = ageText(ticket);
    }
  }

  // --- actions -------------------------------------------------------------------

  // The move is the hub's to make: the card changes when its event arrives (the hub sends
  // it to this screen too), so what the screen shows is always what the hub has.
  async function move(id, status, buttonNode) {
    if (buttonNode) buttonNode.disabled = true;
    try {
      await api("PUT", "kot/" + id + "/status", { status: status });
    } catch (e) {
      toast(e.message, "error");
    } finally {
      if (buttonNode) buttonNode.disabled = false;
    }
  }

  async function bumpLine(kotId, itemId, status, node) {
    if (node) node.classList.add("busy");
    try {
      await api("PUT", "kot/" + kotId + "/items/" + itemId + "/status", { status: status });
    } catch (e) {
      toast(e.message, "error");
    } finally {
      if (node) node.classList.remove("busy");
    }
  }

  // --- sound and flash on a new ticket ---------------------------------------------

  let audio = null;
  let soundOn = localStorage.getItem("hub.kds.sound") === "on";

  function ensureAudio() {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) return null;
    if (!audio) audio = new Ctx();
    if (audio.state === "suspended") audio.resume();
    return audio;
  }

  function showSound() {
    soundButton.textContent = soundOn ? "Sound on" : "Sound off";
    soundButton.setAttribute("aria-pressed", soundOn ? "true" : "false");
  }

  function beep() {
    counters.beeps += 1;
    if (!soundOn) return;
    const ctx = ensureAudio();
    if (!ctx) return;
    const start = ctx.currentTime;
    for (const [offset, freq] of [
      [0, 880],
      [0.22, 1175],
    ]) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = "square";
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, start + offset);
      gain.gain.exponentialRampToValueAtTime(0.25, start + offset + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + offset + 0.2);
      osc.connect(gain).connect(ctx.destination);
      osc.start(start + offset);
      osc.stop(start + offset + 0.21);
    }
  }

  function flashScreen() {
    document.body.classList.remove("flash-screen");
    void document.body.offsetWidth; // restart the animation
    document.body.classList.add("flash-screen");
  }

  soundButton.addEventListener("click", () => {
    soundOn = !soundOn;
    localStorage.setItem("hub.kds.sound", soundOn ? "on" : "off");
    showSound();
    if (soundOn) {
      ensureAudio();
      beep();
    }
  });
  // Browsers start audio only after a touch: the first tap anywhere unlocks it.
  document.addEventListener("pointerdown", () => soundOn && ensureAudio(), { once: true });
  showSound();

  // --- state and stream -------------------------------------------------------------

  let loadedOnce = false;

  async function load() {
    meData = await api("GET", "me");
    window.Hub.setSession(window.Hub.token(), meData);
    warnMinutes = meData.outlet.kds_warn_minutes;
    lateMinutes = meData.outlet.kds_late_minutes;
    document.getElementById("warn-min").textContent = warnMinutes;
    document.getElementById("late-min").textContent = lateMinutes;
    const kitchen = meData.kitchens.find((k) => k.id === kitchenId);
    document.getElementById("kitchen-name").textContent = kitchen ? kitchen.name : "Kitchen";
    document.title = (kitchen ? kitchen.name : "Kitchen") + " · POS hub";
    const rows = await apiAll("kitchens/" + kitchenId + "/kots");
    state = Kitchen.fromRest({ kots: rows }, context());
    acked.clear();
    // After the first load, a reload (resync, or a reconnect whose replay could not be
    // used) may bring tickets the cook has not seen: announce those like live ones.
    draw(loadedOnce);
    loadedOnce = true;
  }

  function onEvent(event) {
    state = Kitchen.apply(state, event, context());
    draw(true);
  }

  const socket = new window.HubSocket({
    path: "/ws/v1/kitchens/" + kitchenId + "/",
    onEvent: onEvent,
    onResync: load,
    onCaughtUp: (missed) => {
      if (missed > 0) toast("Back online: " + missed + " missed update(s) applied.", "info");
      acknowledge();
    },
    onRefused: (code) =>
      toast(code === 4404 ? "No such kitchen." : "This account may not watch this kitchen.", "error"),
  });
  window.HubSocket.indicator(document.getElementById("conn"));
  socket.start();
  setInterval(tickAges, 15000);

  window.kds = {
    counters,
    get state() {
      return state;
    },
    socket,
    refresh: load,
  };
})();
