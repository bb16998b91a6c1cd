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

  const cards = new Map(); // kot id -> normalized ticket
  const nodes = new Map(); // kot id -> card element
  const COOKING = new Set(["new", "addon"]);
  const OPEN_COOKING = new Set(["sent_to_kitchen", "in_kitchen"]);
  const STATUS_LABEL = {
    sent_to_kitchen: "NEW",
    in_kitchen: "COOKING",
    food_ready: "READY",
    served: "SERVED",
  };
  const TYPE_LABEL = { dine_in: "DINE IN", takeaway: "TAKEAWAY", delivery: "DELIVERY" };
  const counters = { beeps: 0, newTickets: 0, renders: 0 };
  let warnMinutes = meData.outlet.kds_warn_minutes;
  let lateMinutes = meData.outlet.kds_late_minutes;

  // --- one shape for a ticket, from REST (KotOut) or from a kot.created event -----

  function fromRest(kot) {
    return {
      id: kot.id,
      number: kot.kot_number,
      kind: kot.kind,
      status: kot.status,
      orderNumber: kot.order.order_number,
      orderType: kot.order.order_type.code,
      tableName: kot.order.table ? kot.order.table.name : null,
      guests: kot.order.guests,
      waiter: kot.waiter_name,
      voidsNumber: kot.voids_kot_number,
      reason: kot.reason,
      createdAt: kot.created_at,
      items: kot.items.map((i) => ({
        name: i.name,
        quantity: i.quantity,
        note: i.note,
        voidedQuantity: i.voided_quantity || 0,
        voided: !!i.voided,
      })),
    };
  }

  function fromCreatedEvent(d) {
    return {
      id: d.kot_id,
      number: d.kot_number,
      kind: d.kind,
      status: d.status,
      orderNumber: d.order_number,
      orderType: d.order_type,
      tableName: d.table_name,
      guests: d.guests,
      waiter: d.waiter_name,
      voidsNumber: null,
      reason: "",
      createdAt: d.created_at,
      items: d.items.map((i) => ({
        name: i.name,
        quantity: i.quantity,
        note: i.note || "",
        voidedQuantity: 0,
        voided: false,
      })),
    };
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

  function itemRow(item, ticket) {
    const taking = !COOKING.has(ticket.kind);
    const cls = ["item"];
    if (item.voided) cls.push("item-voided");
    const parts = [
      el("span", { class: "qty" }, item.quantity + "×"),
      el("span", { class: "name" }, item.name),
    ];
    if (item.voided) parts.push(el("span", { class: "tag tag-void" }, "VOID"));
    else if (item.voidedQuantity > 0) {
      parts.push(el("span", { class: "tag tag-void" }, "−" + item.voidedQuantity + " VOID"));
    }
    if (taking) parts.push(el("span", { class: "tag tag-void" }, "DO NOT MAKE"));
    const row = el("li", { class: cls.join(" ") }, parts);
    if (item.note) row.append(el("div", { class: "note" }, item.note));
    return row;
  }

  function actionButtons(ticket) {
    const what = ticket.number;
    if (!COOKING.has(ticket.kind)) {
      return [
        button("Got it", "served", ticket, "btn-bump", "Acknowledge " + what + " (take back)"),
      ];
    }
    if (ticket.status === "sent_to_kitchen") {
      return [button("Start", "in_kitchen", ticket, "btn-bump", "Start cooking " + what)];
    }
    if (ticket.status === "in_kitchen") {
      return [button("Ready", "food_ready", ticket, "btn-bump", "Bump " + what + ": food ready")];
    }
    if (ticket.status === "food_ready") {
      return [
        button("Recall", "in_kitchen", ticket, "btn-recall", "Recall " + what + " to cooking"),
        button("Served", "served", ticket, "btn-served", "Mark " + what + " served"),
      ];
    }
    return [];
  }

  function button(text, status, ticket, cls, label) {
    return el(
      "button",
      {
        type: "button",
        class: "btn " + cls,
        "aria-label": label,
        dataset: { action: status },
        onclick: (ev) => move(ticket.id, status, ev.currentTarget),
      },
      text
    );
  }

  function renderCard(ticket) {
    const meta = [ticket.orderNumber];
    if (ticket.waiter) meta.push(ticket.waiter);
    if (ticket.guests) meta.push(ticket.guests + " guests");
    const card = el(
      "article",
      {
        class: "ticket kind-" + ticket.kind + " status-" + ticket.status + " " + ageClass(ticket),
        dataset: { kotId: ticket.id, status: ticket.status, kind: ticket.kind },
        "aria-label": ticket.number + " " + whereLabel(ticket),
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
              COOKING.has(ticket.kind) ? STATUS_LABEL[ticket.status] || ticket.status : "TAKE BACK"
            ),
            el("span", { class: "age" }, ageText(ticket)),
          ]),
        ]),
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

  function order(a, b) {
    const ta = Date.parse(a.createdAt);
    const tb = Date.parse(b.createdAt);
    if (ta !== tb) return ta - tb;
    return a.id - b.id;
  }

  function place(ticket, flash) {
    const card = renderCard(ticket);
    if (flash) card.classList.add("flash");
    const old = nodes.get(ticket.id);
    nodes.set(ticket.id, card);
    if (old) {
      old.replaceWith(card);
      return;
    }
    // arrival order: before the first ticket that came later
    const later = [...cards.values()]
      .filter((t) => t.id !== ticket.id && order(t, ticket) > 0 && nodes.has(t.id))
      .sort(order)[0];
    if (later) ticketsBox.insertBefore(card, nodes.get(later.id));
    else ticketsBox.append(card);
  }

  // Tickets that leave the screen: done, or their order was cancelled (CONTRACT 5).
  const GONE = new Set(["served", "cancelled"]);

  function upsert(ticket, flash) {
    if (GONE.has(ticket.status)) return remove(ticket.id);
    cards.set(ticket.id, ticket);
    place(ticket, flash);
    summarize();
  }

  function remove(id) {
    cards.delete(id);
    const node = nodes.get(id);
    if (node) node.remove();
    nodes.delete(id);
    summarize();
  }

  function summarize() {
    const totals = new Map();
    for (const t of cards.values()) {
      if (!COOKING.has(t.kind) || !OPEN_COOKING.has(t.status)) continue;
      for (const item of t.items) {
        const left = item.quantity - item.voidedQuantity;
        if (left > 0) totals.set(item.name, (totals.get(item.name) || 0) + left);
      }
    }
    const rows = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    allDayBox.replaceChildren(
      ...rows.map(([name, count]) =>
        el("li", { dataset: { item: name } }, [
          el("span", { class: "allday-count" }, String(count)),
          el("span", { class: "allday-name" }, name),
        ])
      )
    );
    if (rows.length === 0) allDayBox.append(el("li", { class: "muted" }, "Nothing cooking"));
    emptyNote.hidden = cards.size > 0;
  }

  function tickAges() {
    for (const [id, ticket] of cards) {
      const card = nodes.get(id);
      if (!card) continue;
      card.classList.remove("age-ok", "age-warn", "age-late", "st-ready");
      card.classList.add(ageClass(ticket));
      card.querySelector(".age").textContent = ageText(ticket);
    }
  }

  // --- actions -------------------------------------------------------------------

  async function move(id, status, buttonNode) {
    if (buttonNode) buttonNode.disabled = true;
    try {
      const kot = await api("PUT", "kot/" + id + "/status", { status: status });
      upsert(fromRest(kot), false);
    } catch (e) {
      toast(e.message, "error");
      await refetch(id);
    } finally {
      if (buttonNode) buttonNode.disabled = false;
    }
  }

  async function refetch(id) {
    try {
      upsert(fromRest(await api("GET", "kot/" + id)), false);
    } catch (e) {
      if (e.status === 404) remove(id);
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

  function newTicket(ticket) {
    const known = cards.has(ticket.id);
    upsert(ticket, !known);
    if (!known) {
      counters.newTickets += 1;
      beep();
      flashScreen();
    }
  }

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
    const fresh = new Set(rows.map((r) => r.id));
    for (const id of [...cards.keys()]) if (!fresh.has(id)) remove(id);
    for (const row of rows) {
      // After the first load, a reload (resync, or a reconnect whose replay could not
      // be used) may bring tickets the cook has not seen: announce those like live ones.
      if (loadedOnce && !cards.has(row.id)) newTicket(fromRest(row));
      else upsert(fromRest(row), false);
    }
    loadedOnce = true;
    summarize();
  }

  function onEvent(event) {
    const d = event.data || {};
    switch (event.type) {
      case "kot.created":
        if (d.kitchen_id === kitchenId) newTicket(fromCreatedEvent(d));
        break;
      case "kot.status_changed": {
        const ticket = cards.get(d.kot_id);
        if (GONE.has(d.status)) remove(d.kot_id);
        else if (ticket) upsert({ ...ticket, status: d.status }, false);
        else refetch(d.kot_id);
        break;
      }
      case "kot.voided":
        // the void or cancellation ticket is new; the ticket it takes from changes
        api("GET", "kot/" + d.kot_id)
          .then((kot) => newTicket(fromRest(kot)))
          .catch(() => {});
        if (d.voids_kot_id && cards.has(d.voids_kot_id)) refetch(d.voids_kot_id);
        break;
      case "kot.table_changed":
        for (const id of d.kot_ids || []) if (cards.has(id)) refetch(id);
        break;
      default:
        break;
    }
  }

  const socket = new window.HubSocket({
    path: "/ws/v1/kitchens/" + kitchenId + "/",
    onEvent: onEvent,
    onResync: load,
    onCaughtUp: (missed) => {
      if (missed > 0) toast("Back online: " + missed + " missed update(s) applied.", "info");
    },
    onRefused: (code) =>
      toast(code === 4404 ? "No such kitchen." : "This account may not watch this kitchen.", "error"),
  });
  window.HubSocket.indicator(document.getElementById("conn"));
  socket.start();
  setInterval(tickAges, 15000);

  window.kds = { counters, cards, socket, refresh: load };
})();
