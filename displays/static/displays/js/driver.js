// Driver phone (docs/screens.md "Driver phone"): my deliveries with customer, address,
// phone and amount due, and the status buttons through delivered.
// State: GET /delivery-drivers/me/orders; live: /ws/v1/drivers/{my driver id}/.
(function () {
  "use strict";
  const { api, apiAll, el, toast, money } = window.Hub;

  let meData = window.Hub.requireSession();
  if (!meData) return;
  window.Hub.initHeader(meData);

  const listBox = document.getElementById("deliveries");
  const emptyNote = document.getElementById("empty");
  // My deliveries are HubState.driver's (state.js): the list over REST, changed by the
  // events of my stream; which buttons a delivery gets is the hub's `allowed` answer.
  const Driver = window.HubState.driver;
  let state = Driver.fromRest({ deliveries: [] });
  const failing = new Set(); // order ids whose "failed" reason form is open

  // How each delivery status the hub may allow is written on its button; `failed` asks
  // for a reason first.
  const ACTION_TEXT = {
    picked_up: "Picked up",
    out_for_delivery: "Out for delivery",
    delivered: "Delivered",
  };
  const ORDER_STATUS_TEXT = { cancelled: "Cancelled" };
  const STATUS_TEXT = {
    pending: "Waiting",
    assigned: "Assigned",
    picked_up: "Picked up",
    out_for_delivery: "On the way",
    delivered: "Delivered",
    failed: "Failed",
  };

  function card(row) {
    const customer = row.customer || {};
    const due = Number(row.balance_due || 0);
    const actions = [];
    for (const to of row.allowed.filter((s) => s !== "failed")) {
      const text = ACTION_TEXT[to] || STATUS_TEXT[to] || to;
      actions.push(
        el(
          "button",
          {
            type: "button",
            class: "btn btn-bump",
            dataset: { action: to },
            "aria-label": text + ": " + row.order_number,
            onclick: (ev) => setStatus(row.order_id, to, "", ev.currentTarget),
          },
          text
        )
      );
    }
    if (row.allowed.includes("failed")) {
      if (failing.has(row.order_id)) {
        const reason = el("input", {
          id: "reason-" + row.order_id,
          maxlength: "200",
          placeholder: "Not home, wrong address…",
        });
        actions.push(
          el(
            "form",
            {
              class: "fail-form",
              onsubmit: (ev) => {
                ev.preventDefault();
                setStatus(row.order_id, "failed", reason.value.trim(), null);
              },
            },
            [
              el("label", { for: "reason-" + row.order_id }, "Why did it fail?"),
              reason,
              el("button", { type: "submit", class: "btn btn-danger" }, "Mark failed"),
            ]
          )
        );
      } else {
        actions.push(
          el(
            "button",
            {
              type: "button",
              class: "btn btn-quiet",
              "aria-label": "Delivery failed: " + row.order_number,
              onclick: () => {
                failing.add(row.order_id);
                render();
              },
            },
            "Failed…"
          )
        );
      }
    }
    const statusText = ORDER_STATUS_TEXT[row.status] || STATUS_TEXT[row.delivery_status];
    return el(
      "article",
      {
        class: "delivery dst-" + row.delivery_status + " ost-" + row.status + (row.active ? "" : " done"),
        dataset: { orderId: row.order_id, status: row.delivery_status },
        "aria-label": row.order_number + " for " + (customer.name || "customer"),
      },
      [
        el("header", { class: "delivery-head" }, [
          el("span", { class: "order-number" }, row.order_number),
          el("span", { class: "delivery-status" }, statusText || row.delivery_status),
        ]),
        el("div", { class: "customer" }, customer.name || "—"),
        customer.address ? el("address", { class: "address" }, customer.address) : null,
        customer.phone
          ? el(
              "a",
              {
                class: "btn phone",
                href: "tel:" + customer.phone.replace(/[^0-9+]/g, ""),
                "aria-label": "Call " + (customer.name || "customer") + " " + customer.phone,
              },
              "Call " + customer.phone
            )
          : null,
        el("div", { class: "due" }, [
          due > 0
            ? ["Collect ", el("strong", {}, money(due, meData.outlet.currency))]
            : el("strong", {}, "Prepaid – nothing to collect"),
        ].flat()),
        row.notes ? el("div", { class: "note" }, row.notes) : null,
        row.platform ? el("div", { class: "muted" }, row.platform + " " + (row.platform_order_ref || "")) : null,
        row.failed_reason ? el("div", { class: "note" }, "Failed: " + row.failed_reason) : null,
        actions.length ? el("footer", { class: "delivery-actions" }, actions) : null,
      ]
    );
  }

  function render() {
    const rows = Driver.rows(state);
    listBox.replaceChildren(...rows.map(card));
    emptyNote.hidden = rows.length > 0;
  }

  async function load() {
    const rows = await apiAll("delivery-drivers/me/orders?scope=today");
    state = Driver.fromRest({ deliveries: rows });
    render();
  }

  async function setStatus(orderId, status, reason, buttonNode) {
    if (buttonNode) buttonNode.disabled = true;
    const body = { status: status };
    if (reason) body.reason = reason;
    try {
      await api("PUT", "orders/" + orderId + "/delivery-status", body);
      failing.delete(orderId);
      toast("Marked " + (STATUS_TEXT[status] || status).toLowerCase(), "ok");
      // the card changes when the event of this change arrives on my stream
    } catch (e) {
      toast(e.message, "error");
      if (buttonNode) buttonNode.disabled = false;
    }
  }

  let reloadTimer = null;
  function onEvent(event) {
    state = Driver.apply(state, event, { me: meData });
    render();
    if ((state.needs || []).length) {
      // a delivery new to me: its event has no customer or address, so read the list
      clearTimeout(reloadTimer);
      reloadTimer = setTimeout(() => load().catch((e) => toast(e.message, "error")), 50);
    }
  }

  async function start() {
    try {
      meData = await api("GET", "me");
      window.Hub.setSession(window.Hub.token(), meData);
    } catch (e) {
      toast(e.message, "error");
      return;
    }
    if (!meData.driver_id) {
      emptyNote.hidden = false;
      emptyNote.textContent = "This account has no driver profile.";
      return;
    }
    const socket = new window.HubSocket({
      path: "/ws/v1/drivers/" + meData.driver_id + "/",
      onEvent: onEvent,
      onResync: load,
      onCaughtUp: (missed) => {
        if (missed > 0) toast("Back online: " + missed + " missed update(s) applied.", "info");
      },
    });
    window.HubSocket.indicator(document.getElementById("conn"));
    socket.start();
    window.driver.socket = socket;
  }

  window.driver = {
    get state() {
      return state;
    },
    socket: null,
  };
  start();
})();
