// The expo, the pass (docs/screens.md "Expo"): one card per open order with every
// station's tickets and their lines, "READY AT THE PASS" when the hub says so, one tap to
// serve, and tickets no kitchen screen acknowledged shown loudly. State: GET /expo; live:
// /ws/v1/expo/ (every kot.* event of every kitchen). The state is HubState.expo's.
(function () {
  "use strict";
  const { api, apiAll, el, toast } = window.Hub;

  let meData = window.Hub.requireSession();
  if (!meData) return;
  window.Hub.initHeader(meData);
  // the way back to the floor for front of house (kitchen users have their display)
  document.getElementById("screen-links").hidden = meData.staff.role === "kitchen";

  const box = document.getElementById("orders");
  const emptyNote = document.getElementById("empty");
  const Expo = window.HubState.expo;
  let state = Expo.fromRest({ orders: [] }, { me: meData });
  const STATUS_LABEL = {
    held: "HOLD",
    sent_to_kitchen: "NEW",
    in_kitchen: "COOKING",
    food_ready: "READY",
  };
  const TYPE_LABEL = { dine_in: "DINE IN", takeaway: "TAKEAWAY", delivery: "DELIVERY" };

  function context() {
    return { me: meData };
  }

  function station(ticket) {
    const held = ticket.status === "held";
    return el(
      "div",
      {
        class: "expo-station" + (held ? " held" : ""),
        dataset: { kotId: ticket.id, status: ticket.status },
      },
      [
        el("h3", {}, [
          el("span", { class: "kitchen" }, ticket.kitchenName || "Kitchen"),
          el("span", { class: "kot-number muted" }, ticket.number),
          // the hub's word (KotOut `unseen`, kot.unseen); the ticket's next move ends it
          ticket.unseen
            ? el("span", { class: "unseen", role: "alert" }, "NOT SEEN · printed")
            : null,
          el(
            "span",
            { class: "state" },
            held ? "HOLD course " + ticket.course : STATUS_LABEL[ticket.status] || ticket.status
          ),
        ]),
        el(
          "ul",
          { class: "items" },
          ticket.items.map((i) =>
            el(
              "li",
              {
                class:
                  "item" +
                  (i.voided ? " item-voided" : "") +
                  (i.status === "food_ready" ? " item-ready" : ""),
              },
              [el("span", { class: "qty" }, i.quantity + "×"), el("span", { class: "name" }, i.name)]
            )
          )
        ),
      ]
    );
  }

  function card(order) {
    return el(
      "article",
      {
        class: "expo-card" + (order.ready ? " ready" : ""),
        dataset: { orderId: order.id, ready: order.ready ? "yes" : "no" },
        "aria-label": order.number + " " + (order.table || ""),
      },
      [
        el("header", { class: "expo-head" }, [
          el("span", { class: "order-number" }, order.number),
          el(
            "span",
            { class: "where" },
            order.table || TYPE_LABEL[order.orderType] || (order.orderType || "").toUpperCase()
          ),
        ]),
        order.platform ? el("div", { class: "ticket-platform" }, order.platform) : null,
        order.ready ? el("div", { class: "expo-pass" }, "READY AT THE PASS") : null,
        ...order.tickets.map(station),
        order.serve
          ? el("footer", { class: "expo-actions" }, [
              el(
                "button",
                {
                  type: "button",
                  class: "btn btn-served",
                  "aria-label": "Serve " + order.number,
                  onclick: (ev) => serve(order.id, ev.currentTarget),
                },
                "Serve"
              ),
            ])
          : null,
      ]
    );
  }

  function draw() {
    const orders = Expo.orders(state);
    box.replaceChildren(...orders.map(card));
    emptyNote.hidden = orders.length > 0;
  }

  // The hub serves; the cards change when its events arrive (this stream has them).
  async function serve(orderId, node) {
    if (node) node.disabled = true;
    try {
      await api("POST", "orders/" + orderId + "/serve");
    } catch (e) {
      toast(e.message, "error");
      if (node) node.disabled = false;
    }
  }

  async function load() {
    meData = await api("GET", "me");
    window.Hub.setSession(window.Hub.token(), meData);
    const rows = await apiAll("expo");
    state = Expo.fromRest({ orders: rows }, context());
    draw();
  }

  function onEvent(event) {
    state = Expo.apply(state, event, context());
    draw();
    if (event.type === "kot.unseen") {
      toast(event.data.kot_number + " (" + event.data.kitchen_name + ") was not seen: printed", "error");
    }
  }

  const socket = new window.HubSocket({
    path: "/ws/v1/expo/",
    onEvent: onEvent,
    onResync: load,
    onRefused: () => toast("This account may not watch the pass.", "error"),
  });
  window.HubSocket.indicator(document.getElementById("conn"));
  socket.start();

  window.expo = {
    get state() {
      return state;
    },
    socket,
    refresh: load,
  };
})();
