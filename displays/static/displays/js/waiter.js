// Waiter tablet (docs/screens.md "Waiter tablet"): the floor plan live from
// /ws/v1/floor/ and /ws/v1/orders/, a food-ready alert per table, and the waiter's
// actions: open a table, add items from the menu (each tap saved at once, so every line
// and total on screen is the hub's pricing), send to the kitchen, void a sent line.
(function () {
  "use strict";
  const { api, apiAll, el, toast, minutesSince, money } = window.Hub;

  let meData = window.Hub.requireSession();
  if (!meData) return;
  window.Hub.initHeader(meData);

  const floorBox = document.getElementById("floor");
  const alertsBox = document.getElementById("ready-alerts");
  const passBox = document.getElementById("pass-ready");
  const unseenBox = document.getElementById("unseen-alerts");
  const panel = document.getElementById("panel");
  const panelTitle = document.getElementById("panel-title");
  const panelBody = document.getElementById("panel-body");

  // The floor, the food-ready alerts and the menu are HubState.floor's (state.js): built
  // from REST, changed by the events of both streams, the same functions tests/screens/ run
  // against the hub. The open table's order is read over REST (GET /orders/{id}), with what
  // this waiter may do with it (`allowed_actions`), and read again on each of its events.
  const Floor = window.HubState.floor;
  let state = Floor.fromRest({ tables: [], ready: [], menu: [], expo: [] });
  let dineInTypeId = null;
  let openTableId = null;
  let panelOrder = null; // OrderOut of the open table
  // the actions the panel offers: it keeps showing an order no longer running on the
  // table (a pay-first table, paid before sending) while the hub allows one of them
  const PANEL_ACTIONS = ["send_kot", "update_items"];
  let busy = false;

  const STATUS_TEXT = {
    free: "Free",
    occupied: "Occupied",
    reserved: "Reserved",
    cleaning: "Cleaning",
  };
  const ITEM_STATUS_TEXT = {
    pending: "Not sent",
    held: "Held",
    sent_to_kitchen: "Sent",
    in_kitchen: "Cooking",
    food_ready: "Ready",
    served: "Served",
    void: "Void",
  };

  function currency() {
    return meData.outlet.currency;
  }

  // --- the floor ------------------------------------------------------------------

  function tableButton(t) {
    const ready = Floor.alertsFor(state, t.id);
    const order = Floor.orderOf(state, t);
    const atPass = Floor.readyAtPass(state, order && order.id);
    const lines = [
      el("span", { class: "table-name" }, t.name),
      el("span", { class: "table-status" }, STATUS_TEXT[t.status] || t.status),
    ];
    const facts = [];
    if (t.status === "occupied") {
      if (t.guests) facts.push(t.guests + " guests");
      if (t.occupiedSince) facts.push(minutesSince(t.occupiedSince) + " min");
    } else {
      facts.push(t.seats + " seats");
    }
    lines.push(el("span", { class: "table-facts" }, facts.join(" · ")));
    if (order) {
      lines.push(
        el("span", { class: "table-order" }, [order.number, " · ", money(order.total, currency())])
      );
    }
    if (ready.length) {
      lines.push(el("span", { class: "table-ready" }, "FOOD READY"));
    }
    if (atPass) {
      // every fired ticket of the order is ready (a course may be held still)
      lines.push(el("span", { class: "table-pass" }, "READY AT THE PASS"));
    }
    const label =
      t.name +
      ", " +
      (STATUS_TEXT[t.status] || t.status) +
      (ready.length ? ", food ready" : "") +
      (atPass ? ", ready at the pass" : "") +
      (order ? ", order " + order.number : "");
    return el(
      "button",
      {
        type: "button",
        class:
          "btn table st-" +
          t.status +
          (ready.length ? " has-ready" : "") +
          (atPass ? " at-pass" : ""),
        dataset: { tableId: t.id, status: t.status, pass: atPass ? "ready" : "" },
        "aria-label": label,
        "aria-pressed": openTableId === t.id ? "true" : "false",
        onclick: () => openPanel(t.id),
      },
      lines
    );
  }

  function renderFloor() {
    const areas = new Map();
    for (const t of Floor.tables(state)) {
      const area = t.area || "Tables";
      if (!areas.has(area)) areas.set(area, []);
      areas.get(area).push(t);
    }
    floorBox.replaceChildren(
      ...[...areas.entries()].map(([area, rows]) =>
        el("section", { class: "area", "aria-label": area }, [
          el("h2", { class: "area-name" }, area),
          el("div", { class: "tables" }, rows.map(tableButton)),
        ])
      )
    );
  }

  function renderAlerts() {
    const rows = Floor.alerts(state);
    alertsBox.replaceChildren(
      ...rows.map((a) => {
        const table = state.tables[a.tableId];
        const where = table ? table.name : a.orderNumber || "Order";
        return el("div", { class: "ready-alert", dataset: { kotId: a.kotId, tableId: a.tableId } }, [
          el("span", { class: "ready-text" }, [
            el("strong", {}, where),
            " food ready · " + a.kotNumber + (a.kitchenName ? " (" + a.kitchenName + ")" : ""),
          ]),
          // the button is there when the hub says this waiter may mark the ticket served
          a.allowed.includes("served")
            ? el(
                "button",
                {
                  type: "button",
                  class: "btn btn-served",
                  "aria-label": "Mark " + a.kotNumber + " for " + where + " served",
                  onclick: (ev) => markServed(a.kotId, ev.currentTarget),
                },
                "Served"
              )
            : null,
        ]);
      })
    );
    alertsBox.hidden = rows.length === 0;
  }

  function whereOf(tableId, orderNumber) {
    const table = state.tables[tableId];
    return table ? table.name : orderNumber || "Order";
  }

  // The orders the hub says are ready at the pass (every fired ticket food_ready): the
  // waiter goes to pick them up; serving is done at the pass or with the Served buttons.
  function renderPass() {
    const rows = Floor.readyOrders(state);
    passBox.replaceChildren(
      ...rows.map((p) => {
        const order = state.orders[p.id];
        const table = order ? state.tables[order.tableId] : null;
        return el("div", { class: "pass-order", dataset: { orderId: p.id } }, [
          el("strong", {}, table ? table.name : p.number),
          (table ? " · " + p.number : "") + " · ready at the pass",
        ]);
      })
    );
    passBox.hidden = rows.length === 0;
  }

  // Tickets no screen of their kitchen acknowledged within the outlet's kot_ack_seconds
  // (kot.unseen): loud, until the kitchen moves the ticket (the hub's KotOut `unseen`).
  function renderUnseen() {
    const rows = Floor.unseen(state);
    unseenBox.replaceChildren(
      ...rows.map((u) =>
        el("div", { class: "unseen-alert", dataset: { kotId: u.kotId, tableId: u.tableId } }, [
          "⚠ " + whereOf(u.tableId, u.orderNumber) + " · " + u.kotNumber + " NOT SEEN by " +
            u.kitchenName,
          el("small", {}, "No kitchen screen acknowledged this ticket: check the kitchen has it."),
        ])
      )
    );
    unseenBox.hidden = rows.length === 0;
  }

  // --- delivery platform orders waiting to be accepted (CONTRACT 16) ------------------
  // A Swiggy or Zomato order taken in without auto-accept waits in `draft`. The strip lists
  // them with the Accept and Reject buttons the hub offers this caller (`allowed_actions`:
  // a cashier or manager; a waiter sees no strip), re-read on each order event.

  const platformBox = document.getElementById("platform-orders");
  const PLATFORM_ACTIONS = ["accept", "reject"];
  let deliveryTypeId = null;
  let platformOrders = []; // OrderOut of the waiting platform orders offering accept/reject
  let rejecting = null; // the order id whose reject reason is being typed
  let platformTimer = null;

  function mayHandlePlatform() {
    return ((meData && meData.order_actions) || []).some((a) => PLATFORM_ACTIONS.includes(a));
  }

  async function loadPlatformOrders() {
    if (!mayHandlePlatform() || deliveryTypeId === null) {
      platformOrders = [];
      renderPlatform();
      return;
    }
    try {
      const rows = await apiAll("orders?status=draft&order_type_id=" + deliveryTypeId);
      platformOrders = rows
        .filter((o) => o.delivery && o.delivery.platform)
        .filter((o) => PLATFORM_ACTIONS.some((a) => allows(o, a)))
        .reverse(); // oldest first: the longest waiting at the left
    } catch (e) {
      toast(e.message, "error");
    }
    renderPlatform();
  }

  function loadPlatformOrdersSoon() {
    clearTimeout(platformTimer);
    platformTimer = setTimeout(loadPlatformOrders, 150);
  }

  function platformLabel(o) {
    const ref = o.delivery.platform_order_ref;
    return o.delivery.platform.name.toUpperCase() + (ref ? " #" + ref : "");
  }

  function renderPlatform() {
    platformBox.hidden = platformOrders.length === 0;
    platformBox.replaceChildren(
      ...platformOrders.map((o) => {
        const label = platformLabel(o);
        const lines = (o.items || [])
          .filter((i) => i.status !== "void")
          .map((i) => i.quantity + "× " + i.name)
          .join(", ");
        const buttons = [];
        if (allows(o, "accept")) {
          buttons.push(
            el(
              "button",
              {
                type: "button",
                class: "btn btn-primary",
                "aria-label": "Accept " + label,
                dataset: { action: "accept" },
                onclick: (ev) => platformAct(o, "accept", null, ev.currentTarget),
              },
              "Accept"
            )
          );
        }
        if (allows(o, "reject") && rejecting !== o.id) {
          buttons.push(
            el(
              "button",
              {
                type: "button",
                class: "btn btn-danger",
                "aria-label": "Reject " + label,
                dataset: { action: "reject" },
                onclick: () => {
                  rejecting = o.id;
                  renderPlatform();
                  const input = platformBox.querySelector("input.reject-reason");
                  if (input) input.focus();
                },
              },
              "Reject"
            )
          );
        }
        const reasonForm =
          rejecting === o.id
            ? el(
                "form",
                {
                  class: "reject-form",
                  onsubmit: (ev) => {
                    ev.preventDefault();
                    const reason = ev.currentTarget.querySelector("input").value.trim();
                    if (!reason) return;
                    platformAct(o, "reject", reason, ev.currentTarget.querySelector("button"));
                  },
                },
                [
                  el("input", {
                    class: "reject-reason",
                    type: "text",
                    required: true,
                    maxlength: "200",
                    placeholder: "Why? (the platform is told)",
                    "aria-label": "Reason to reject " + label,
                  }),
                  el("button", { type: "submit", class: "btn btn-danger" }, "Reject order"),
                  el(
                    "button",
                    {
                      type: "button",
                      class: "btn btn-quiet",
                      onclick: () => {
                        rejecting = null;
                        renderPlatform();
                      },
                    },
                    "Keep"
                  ),
                ]
              )
            : null;
        return el("article", { class: "platform-order", dataset: { orderId: o.id } }, [
          el("div", { class: "platform-head" }, [
            el("strong", { class: "platform-label" }, label),
            el("span", { class: "platform-number" }, o.order_number),
            el("span", { class: "platform-total" }, money(o.total, currency())),
          ]),
          el("div", { class: "platform-lines" }, lines),
          o.customer ? el("div", { class: "platform-customer" }, o.customer.name) : null,
          el("div", { class: "platform-actions" }, buttons),
          reasonForm,
        ]);
      })
    );
  }

  async function platformAct(o, action, reason, buttonNode) {
    if (buttonNode) buttonNode.disabled = true;
    try {
      const body = action === "reject" ? { reason: reason } : undefined;
      await api("POST", "orders/" + o.id + "/" + action, body);
      toast(platformLabel(o) + (action === "accept" ? " accepted: sent to the kitchen" : " rejected"), "ok");
      rejecting = null;
    } catch (e) {
      toast(e.message, "error");
    }
    await loadPlatformOrders();
  }

  async function markServed(kotId, buttonNode) {
    buttonNode.disabled = true;
    try {
      // the alert goes when the ticket's event arrives: the screen shows what the hub has
      await api("PUT", "kot/" + kotId + "/status", { status: "served" });
    } catch (e) {
      toast(e.message, "error");
      buttonNode.disabled = false;
    }
  }

  // --- loading --------------------------------------------------------------------

  // One load for both streams' resyncs. Events of the other stream that arrive while it
  // runs wait, and are applied on top of what it read (they are keyed, so one already in
  // the answer changes nothing), so no change falls between the read and the stream.
  let loading = 0;
  let waiting = [];

  async function load() {
    loading += 1;
    try {
      const ready = [];
      for (const kitchen of meData.kitchens) {
        ready.push(...(await apiAll("kitchens/" + kitchen.id + "/kots?status=food_ready")));
      }
      const [tables, menu, expo] = await Promise.all([
        apiAll("tables"),
        api("GET", "menu"),
        apiAll("expo"),
      ]);
      state = Floor.fromRest({ tables: tables, ready: ready, menu: menu, expo: expo });
    } finally {
      loading -= 1;
    }
    if (!loading) {
      const held = waiting.splice(0);
      for (const event of held) state = Floor.apply(state, event, { me: meData });
    }
    drawAll();
    if (openTableId !== null) await loadPanelOrder();
  }

  function drawAll() {
    renderFloor();
    renderAlerts();
    renderPass();
    renderUnseen();
    renderPanel();
  }

  // --- the table panel --------------------------------------------------------------

  async function openPanel(tableId) {
    openTableId = tableId;
    panelOrder = null;
    panel.hidden = false;
    document.body.classList.add("panel-open");
    renderFloor();
    renderPanel();
    await loadPanelOrder();
    const first = panel.querySelector("button, input");
    if (first) first.focus({ preventScroll: true });
  }

  function closePanel() {
    closeChooser();
    closeSplitter();
    closeVoider();
    openTableId = null;
    panelOrder = null;
    panel.hidden = true;
    document.body.classList.remove("panel-open");
    renderFloor();
  }
  document.getElementById("panel-close").addEventListener("click", closePanel);
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && voider) closeVoider();
    else if (ev.key === "Escape" && splitter) closeSplitter();
    else if (ev.key === "Escape" && chooser) closeChooser();
    else if (ev.key === "Escape" && openTableId !== null) closePanel();
  });

  function allows(orderData, action) {
    return !!orderData && (orderData.allowed_actions || []).includes(action);
  }

  // The order the panel shows: the table's running order, else the one it showed while the
  // hub still allows something the panel offers on it.
  function shownOrderId() {
    const table = state.tables[openTableId];
    const current = table ? Floor.orderOf(state, table) : null;
    if (current) return current.id;
    const kept =
      panelOrder &&
      panelOrder.table &&
      panelOrder.table.id === openTableId &&
      PANEL_ACTIONS.some((a) => allows(panelOrder, a));
    return kept ? panelOrder.id : null;
  }

  async function loadPanelOrder() {
    const id = shownOrderId();
    if (id === null) {
      panelOrder = null;
      renderPanel();
      return;
    }
    try {
      const fresh = await api("GET", "orders/" + id);
      // a read that left before one of this tablet's saves answered is older than it
      if (!(panelOrder && panelOrder.id === fresh.id && fresh.version < panelOrder.version)) {
        panelOrder = fresh;
      }
    } catch (e) {
      panelOrder = null;
      toast(e.message, "error");
    }
    renderPanel();
  }

  function renderPanel() {
    if (openTableId === null) return;
    const table = state.tables[openTableId];
    if (!table) {
      closePanel();
      return;
    }
    panelTitle.textContent = table.name + " · " + (STATUS_TEXT[table.status] || table.status);
    const id = shownOrderId();
    if (id === null) {
      panelBody.replaceChildren(openTableForm(table));
      return;
    }
    if (!panelOrder || panelOrder.id !== id) {
      panelBody.replaceChildren(el("p", { class: "muted" }, "Loading order…"));
      panelOrder = null;
      loadPanelOrderSoon();
      return;
    }
    const parts = [orderView(table, panelOrder)];
    if (allows(panelOrder, "update_items")) parts.push(menuView());
    panelBody.replaceChildren(...parts);
  }

  let loadSoonTimer = null;
  function loadPanelOrderSoon() {
    clearTimeout(loadSoonTimer);
    loadSoonTimer = setTimeout(loadPanelOrder, 30);
  }

  function openTableForm(table) {
    const guests = el("input", {
      id: "guests",
      type: "number",
      min: "1",
      max: "99",
      value: String(Math.min(table.seats || 2, 2)),
      inputmode: "numeric",
    });
    const children = [
      el("label", { for: "guests" }, "Guests"),
      guests,
      el(
        "button",
        {
          type: "submit",
          class: "btn btn-primary btn-wide",
          "aria-label": "Open " + table.name,
        },
        "Open table"
      ),
    ];
    if (table.status === "cleaning") {
      children.push(
        el(
          "button",
          {
            type: "button",
            class: "btn btn-wide",
            onclick: () => setTableStatus(table.id, "free"),
          },
          "Cleaned – mark free"
        )
      );
    }
    return el(
      "form",
      {
        class: "open-table",
        onsubmit: async (ev) => {
          ev.preventDefault();
          await openTable(table.id, Number(guests.value) || null);
        },
      },
      children
    );
  }

  async function setTableStatus(tableId, status) {
    try {
      // the table changes when its event arrives (floor stream)
      await api("PUT", "tables/" + tableId + "/status", { status: status });
    } catch (e) {
      toast(e.message, "error");
    }
  }

  async function openTable(tableId, guests) {
    if (busy) return;
    busy = true;
    try {
      const body = { order_type_id: dineInTypeId, table_id: tableId };
      if (guests) body.guests = guests;
      panelOrder = await api("POST", "orders", body);
      toast("Opened " + panelOrder.order_number, "ok");
      // the panel has the order; the table shows it once its event arrives (orders stream)
      renderPanel();
    } catch (e) {
      toast(e.message, "error");
    } finally {
      busy = false;
    }
  }

  function orderView(table, orderData) {
    // Every line is the hub's, priced by it (`line_total`), unsent ones too: a tap saves
    // at once (below), so the header's total is the order's before anything is sent.
    const mayEdit = allows(orderData, "update_items");
    const lines = orderData.items.map((item) => {
      const unsent = item.status === "pending";
      const taken = item.status !== "pending" && item.status !== "void";
      return el("li", { class: "line line-" + item.status, dataset: { itemId: item.id } }, [
        el("span", { class: "qty" }, item.quantity + "×"),
        el("span", { class: "name" }, [
          item.name,
          (item.modifiers || []).length
            ? el(
                "span",
                { class: "line-mods" },
                item.modifiers
                  .map((m) => (m.quantity > 1 ? m.quantity + "× " : "") + m.name)
                  .join(", ")
              )
            : null,
          item.note ? el("span", { class: "note" }, " – " + item.note) : null,
          item.status === "void" && item.void_reason
            ? el("span", { class: "note void-reason" }, " – " + item.void_reason)
            : null,
        ]),
        el("span", { class: "line-price" }, money(item.line_total, currency())),
        // the course of an unsent line (CONTRACT 13): tap for the next one
        unsent && mayEdit
          ? el(
              "button",
              {
                type: "button",
                class: "btn btn-small btn-course",
                "aria-label": "Course " + (item.course || 1) + " for " + item.name + ": change",
                dataset: { course: item.course || 1 },
                onclick: () => nextCourse(item),
              },
              "C" + (item.course || 1)
            )
          : (item.course || 1) > 1
            ? el("span", { class: "tag tag-course" }, "C" + item.course)
            : null,
        unsent && mayEdit
          ? el("span", { class: "stepper" }, [
              el(
                "button",
                {
                  type: "button",
                  class: "btn btn-small",
                  "aria-label": "One less " + item.name,
                  onclick: () => stepLine(item, -1),
                },
                "−"
              ),
              el(
                "button",
                {
                  type: "button",
                  class: "btn btn-small",
                  "aria-label": "One more " + item.name,
                  onclick: () => stepLine(item, 1),
                },
                "+"
              ),
            ])
          : null,
        // a line the kitchen has can be taken back (a void, with its reason and ticket)
        taken && mayEdit
          ? el(
              "button",
              {
                type: "button",
                class: "btn btn-small btn-void",
                "aria-label": "Void " + item.name,
                onclick: () => openVoider(item),
              },
              "Void"
            )
          : null,
        el("span", { class: "line-status st-item-" + item.status }, ITEM_STATUS_TEXT[item.status] || item.status),
      ]);
    });
    return el("div", { class: "order" }, [
      el("div", { class: "order-head" }, [
        el("span", { class: "order-number" }, orderData.order_number),
        el("span", { class: "order-status" }, orderData.status.toUpperCase()),
        el(
          "span",
          { class: "order-total", "aria-busy": saving.count ? "true" : "false" },
          money(orderData.total, currency())
        ),
      ]),
      el("ul", { class: "lines", "aria-label": "Order lines" }, lines),
      lines.length === 0 ? el("p", { class: "muted" }, "No items yet: add from the menu below.") : null,
      saving.count ? el("p", { class: "muted saving", role: "status" }, "Saving…") : null,
      upiView(orderData),
      checksView(orderData),
      el("div", { class: "order-actions" }, [
        el(
          "button",
          {
            type: "button",
            id: "send-kot",
            class: "btn btn-primary btn-wide",
            disabled: !allows(orderData, "send_kot") || busy,
            onclick: sendToKitchen,
          },
          "Send to kitchen"
        ),
        allows(orderData, "split")
          ? el(
              "button",
              {
                type: "button",
                id: "split-bill",
                class: "btn",
                onclick: () => openSplitter(orderData),
              },
              (orderData.checks || []).length ? "Split again" : "Split bill"
            )
          : null,
        // one bill for the whole order (a split order prints per check, below)
        allows(orderData, "print_bill") && !(orderData.checks || []).length && !saving.count
          ? el(
              "button",
              {
                type: "button",
                id: "print-bill",
                class: "btn",
                onclick: (ev) => printBill(orderData, ev.currentTarget),
              },
              "Print bill"
            )
          : null,
        // the hub says which course fires next and whether this waiter may fire it
        allows(orderData, "fire") && orderData.course_to_fire
          ? el(
              "button",
              {
                type: "button",
                id: "fire-course",
                class: "btn btn-wide",
                disabled: busy,
                onclick: () => fireCourse(orderData.course_to_fire),
              },
              "Fire course " + orderData.course_to_fire
            )
          : null,
      ]),
    ]);
  }

  // --- split bill (CONTRACT 12) ----------------------------------------------------------
  //
  // The checks are the hub's (`checks` of GET /orders/{id}): their totals, what is paid and
  // due, each check's payment status. The tablet divides nothing itself: the splitter only
  // says which line's units go on which check (or how many equal parts), the hub prices
  // them (hub/pricing.py) or refuses (400 with its message). Buttons come from the order's
  // `allowed_actions`: `split`, `unsplit`, `pay` (a Pay per check still due).
  const PAYMENT_STATUS_TEXT = { unpaid: "DUE", partial: "PART PAID", paid: "PAID" };
  let paymentMethods = [];
  let splitter = null; // {orderId, mode, parts, count, placed: {item id: [units per check]}}

  function checksView(orderData) {
    const checks = orderData.checks || [];
    if (!checks.length) return null;
    const names = {};
    for (const item of orderData.items) names[item.id] = item.name;
    const mayPay = allows(orderData, "pay");
    const mayPrint = allows(orderData, "print_bill");
    return el("section", { class: "checks", "aria-label": "Checks" }, [
      el("div", { class: "checks-head" }, [
        el("h3", {}, "Split in " + checks.length),
        allows(orderData, "unsplit")
          ? el(
              "button",
              {
                type: "button",
                id: "unsplit",
                class: "btn btn-small",
                onclick: () => unsplit(orderData),
              },
              "One bill"
            )
          : null,
      ]),
      ...checks.map((check) =>
        el(
          "article",
          {
            class: "check pst-" + check.payment_status,
            dataset: { checkId: check.id, number: check.number },
            "aria-label": "Check " + check.number + " of " + checks.length,
          },
          [
            el("div", { class: "check-head" }, [
              el("span", { class: "check-number" }, "Check " + check.number + " of " + checks.length),
              el(
                "span",
                { class: "check-status" },
                PAYMENT_STATUS_TEXT[check.payment_status] || check.payment_status
              ),
            ]),
            check.items.length
              ? el(
                  "div",
                  { class: "check-items" },
                  check.items.map((i) => i.quantity + "× " + (names[i.item_id] || "?")).join(", ")
                )
              : el("div", { class: "check-items muted" }, "An equal share"),
            el("dl", { class: "check-figures" }, [
              el("dt", {}, "Total"),
              el("dd", { class: "check-total" }, money(check.total, currency())),
              el("dt", {}, "Paid"),
              el("dd", { class: "check-paid" }, money(check.paid_total, currency())),
              el("dt", {}, "Due"),
              el("dd", { class: "check-due" }, money(check.balance_due, currency())),
            ]),
            // The check's own bill on the receipt printer ("Check 2 of 3" on paper)
            mayPrint
              ? el(
                  "button",
                  {
                    type: "button",
                    class: "btn btn-small check-print",
                    "aria-label": "Print check " + check.number,
                    onclick: (ev) => printCheck(orderData, check, ev.currentTarget),
                  },
                  "Print bill"
                )
              : null,
            // Pay the check's balance, as the hub states it, by each method it offers
            mayPay && check.payment_status !== "paid"
              ? el(
                  "div",
                  { class: "check-pay" },
                  paymentMethods.map((m) =>
                    el(
                      "button",
                      {
                        type: "button",
                        class: "btn btn-small",
                        dataset: { method: m.code },
                        "aria-label":
                          "Pay check " + check.number + " " + money(check.balance_due, currency()) + " by " + m.name,
                        onclick: (ev) => payCheck(orderData, check, m, ev.currentTarget),
                      },
                      m.name
                    )
                  )
                )
              : null,
          ]
        )
      ),
    ]);
  }

  async function payCheck(orderData, check, method, buttonNode) {
    buttonNode.disabled = true;
    try {
      const answer = await api("POST", "orders/" + orderData.id + "/payment", {
        payment_method: method.code,
        amount: check.balance_due,
        check_id: check.id,
      });
      toast("Check " + check.number + " paid" + (Number(answer.change_due) ? ", change " + money(answer.change_due, currency()) : ""), "ok");
      panelOrder = await api("GET", "orders/" + orderData.id);
      renderPanel();
    } catch (e) {
      toast(e.message, "error");
      buttonNode.disabled = false;
    }
  }

  // --- the UPI QR of a printed bill (CONTRACT 17) ---------------------------------------
  // The guest may scan the tablet instead of the paper: after "Print bill" the panel shows
  // the QR the hub drew for the bill just printed (`upi_qr_svg` of the print-bill answer,
  // the same link the paper's QR carries), until the order has nothing left due (its
  // `upi_uri` is null) or the waiter closes it. The tablet builds no link and no amount.
  let shownQr = null; // {orderId, svg, label}

  function upiView(orderData) {
    if (!shownQr || shownQr.orderId !== orderData.id) return null;
    if (!orderData.upi_uri) {
      shownQr = null; // paid meanwhile: nothing to scan
      return null;
    }
    return el("figure", { class: "upi-qr", "aria-label": "UPI QR to pay " + shownQr.label }, [
      el("img", {
        src: "data:image/svg+xml;charset=utf-8," + encodeURIComponent(shownQr.svg),
        alt: "UPI QR code to pay " + shownQr.label,
        width: "240",
        height: "240",
      }),
      el("figcaption", {}, [
        el("strong", {}, "Scan to pay"),
        " " + shownQr.label,
        el(
          "button",
          {
            type: "button",
            class: "btn btn-small",
            "aria-label": "Close the UPI QR",
            onclick: () => {
              shownQr = null;
              renderPanel();
            },
          },
          "Done"
        ),
      ]),
    ]);
  }

  function showQr(orderData, job, label) {
    if (!job.upi_qr_svg) return;
    shownQr = { orderId: orderData.id, svg: job.upi_qr_svg, label: label };
    renderPanel();
  }

  async function printBill(orderData, buttonNode) {
    buttonNode.disabled = true;
    try {
      const job = await api("POST", "orders/" + orderData.id + "/print-bill", {});
      toast("Bill sent to " + job.printer.name, "ok");
      showQr(orderData, job, money(orderData.balance_due, currency()));
    } catch (e) {
      toast(e.message, "error");
    } finally {
      buttonNode.disabled = false;
    }
  }

  async function printCheck(orderData, check, buttonNode) {
    buttonNode.disabled = true;
    try {
      const job = await api("POST", "orders/" + orderData.id + "/print-bill", { check_id: check.id });
      toast("Check " + check.number + " sent to " + job.printer.name, "ok");
      showQr(orderData, job, "check " + check.number + " " + money(check.balance_due, currency()));
    } catch (e) {
      toast(e.message, "error");
    } finally {
      buttonNode.disabled = false;
    }
  }

  async function unsplit(orderData) {
    try {
      panelOrder = await api("DELETE", "orders/" + orderData.id + "/split");
      toast("Back to one bill", "ok");
      renderPanel();
    } catch (e) {
      toast(e.message, "error");
    }
  }

  function openSplitter(orderData) {
    const placed = {};
    // the lines a check can hold (a void line is not on the bill), all on check 1 at first
    for (const item of orderData.items) {
      if (item.status !== "void") placed[item.id] = [item.quantity, 0];
    }
    splitter = { orderId: orderData.id, mode: "items", parts: 2, count: 2, placed: placed, error: "" };
    renderSplitter();
  }

  function closeSplitter() {
    splitter = null;
    splitBox.hidden = true;
    splitBox.replaceChildren();
  }

  // Move one unit of a line onto check k (from the left-most other check holding one), or
  // off it (onto the first other check): the line's units are only moved, never made.
  function moveUnit(itemId, k, onto) {
    const units = splitter.placed[itemId];
    if (onto) {
      const from = units.findIndex((q, j) => j !== k && q > 0);
      if (from < 0) return;
      units[from] -= 1;
      units[k] += 1;
    } else {
      if (units[k] < 1) return;
      units[k] -= 1;
      units[k === 0 ? 1 : 0] += 1;
    }
    splitter.error = "";
    renderSplitter();
  }

  function renderSplitter() {
    if (!splitter) return;
    if (!panelOrder || panelOrder.id !== splitter.orderId || !allows(panelOrder, "split")) {
      closeSplitter();
      return;
    }
    const modeButton = (mode, text) =>
      el(
        "button",
        {
          type: "button",
          class: "btn" + (splitter.mode === mode ? " picked" : ""),
          "aria-pressed": splitter.mode === mode ? "true" : "false",
          dataset: { mode: mode },
          onclick: () => {
            splitter.mode = mode;
            splitter.error = "";
            renderSplitter();
          },
        },
        text
      );
    const stepper = (label, value, less, more) =>
      el("span", { class: "stepper" }, [
        el("button", { type: "button", class: "btn btn-small", "aria-label": "Fewer " + label, onclick: less }, "−"),
        el("span", { class: "step-value" }, String(value)),
        el("button", { type: "button", class: "btn btn-small", "aria-label": "More " + label, onclick: more }, "+"),
      ]);
    let body;
    if (splitter.mode === "equal") {
      body = el("div", { class: "split-equal" }, [
        el("span", {}, "Equal parts"),
        stepper(
          "parts",
          splitter.parts,
          () => {
            splitter.parts = Math.max(1, splitter.parts - 1);
            renderSplitter();
          },
          () => {
            splitter.parts += 1;
            renderSplitter();
          }
        ),
      ]);
    } else {
      const heads = [el("th", { scope: "col" }, "Line")];
      for (let k = 0; k < splitter.count; k++) heads.push(el("th", { scope: "col" }, "Check " + (k + 1)));
      const rows = panelOrder.items
        .filter((item) => item.id in splitter.placed)
        .map((item) =>
          el("tr", { dataset: { itemId: item.id } }, [
            el("th", { scope: "row" }, item.quantity + "× " + item.name),
            ...splitter.placed[item.id].map((q, k) =>
              el(
                "td",
                { dataset: { check: k + 1 } },
                stepper(
                  item.name + " on check " + (k + 1),
                  q,
                  () => moveUnit(item.id, k, false),
                  () => moveUnit(item.id, k, true)
                )
              )
            ),
          ])
        );
      body = el("div", { class: "split-items" }, [
        el("div", { class: "split-table" }, [
          el("table", {}, [el("thead", {}, el("tr", {}, heads)), el("tbody", {}, rows)]),
        ]),
        el(
          "button",
          {
            type: "button",
            class: "btn btn-small",
            id: "add-check",
            onclick: () => {
              splitter.count += 1;
              for (const units of Object.values(splitter.placed)) units.push(0);
              renderSplitter();
            },
          },
          "Add a check"
        ),
      ]);
    }
    splitBox.replaceChildren(
      el("div", { class: "chooser splitter", role: "dialog", "aria-modal": "true", "aria-labelledby": "split-title" }, [
        el("div", { class: "chooser-head" }, [
          el("h3", { id: "split-title" }, "Split " + panelOrder.order_number),
        ]),
        el("div", { class: "split-modes" }, [modeButton("items", "By items"), modeButton("equal", "Equal parts")]),
        body,
        splitter.error ? el("p", { class: "group-error", role: "alert" }, splitter.error) : null,
        el("div", { class: "chooser-actions" }, [
          el("button", { type: "button", class: "btn", onclick: closeSplitter }, "Cancel"),
          el(
            "button",
            { type: "button", class: "btn btn-primary btn-wide", id: "split-go", onclick: submitSplit },
            splitter.mode === "equal" ? "Split in " + splitter.parts : "Split in " + splitter.count + " checks"
          ),
        ]),
      ])
    );
    splitBox.hidden = false;
  }

  async function submitSplit() {
    if (!splitter) return;
    let body;
    if (splitter.mode === "equal") body = { equal: splitter.parts };
    else {
      const checks = [];
      for (let k = 0; k < splitter.count; k++) {
        checks.push({
          items: Object.entries(splitter.placed)
            .filter(([, units]) => units[k] > 0)
            .map(([id, units]) => ({ item_id: Number(id), quantity: units[k] })),
        });
      }
      body = { checks: checks };
    }
    body.version = panelOrder.version;
    try {
      panelOrder = await api("POST", "orders/" + splitter.orderId + "/split", body);
      const count = (panelOrder.checks || []).length;
      closeSplitter();
      toast("Split in " + count + " checks", "ok");
      renderPanel();
    } catch (e) {
      // the hub's reason, e.g. a check with nothing on it
      splitter.error = e.message + fieldsText(e);
      renderSplitter();
    }
  }

  function fieldsText(e) {
    const fields = (e.body && e.body.fields) || {};
    const messages = Object.values(fields).flat();
    return messages.length ? " " + messages.join(" ") : "";
  }

  function menuView() {
    return el("div", { class: "menu", "aria-label": "Menu" }, [
      el("h3", {}, "Add items"),
      ...state.menu.map((section) =>
        el("section", { class: "menu-section" }, [
          el("h4", {}, section.name),
          el(
            "div",
            { class: "menu-items" },
            section.items
              .filter((item) => !item.is_open_price)
              .map((item) =>
                el(
                  "button",
                  {
                    type: "button",
                    class: "btn menu-item",
                    disabled: !item.is_available,
                    dataset: { menuItemId: item.id },
                    "aria-label":
                      "Add " + item.name + (item.is_available ? "" : " (unavailable)"),
                    onclick: () =>
                      (item.modifier_groups || []).length ? openChooser(item.id) : addItem(item),
                  },
                  [
                    el("span", { class: "menu-name" }, item.name),
                    el(
                      "span",
                      { class: "menu-price" },
                      item.is_available ? money(item.price, currency()) : "Unavailable"
                    ),
                  ]
                )
              )
          ),
        ])
      ),
    ]);
  }

  // --- changing the lines: every tap is saved at once -----------------------------------
  //
  // A tap on the menu, a course button or − / + is a PUT /orders/{id} straight away (the
  // full list: every line by id, changed as the tap says), so the line and the order's
  // total the panel shows are the hub's pricing (hub/pricing.py) before anything is sent,
  // and nothing a waiter tapped lives only in this tablet. The PUTs go one at a time, in
  // tap order (`saving`): each one is built from the order the previous one answered, so
  // two quick taps on Chicken 65 make one line of 2. Each carries the order's `version`;
  // on `version_conflict` (someone else changed the order) the change is built again on
  // the fresh order and sent once more.
  const saving = { chain: Promise.resolve(), count: 0 };

  function keptLines(orderData) {
    // void lines listed as they are change nothing (docs/api.md "Updating an order")
    return orderData.items.map((i) => ({ id: i.id, quantity: i.quantity }));
  }

  // `build(order)`: the new `items` list (or null: nothing to change on that order).
  // `options.body`: more keys of the PUT (void_reason); `options.refused(error)`: the
  // hub's refusal, for the caller to show (else a toast). Resolves true once saved.
  function changeLines(build, options) {
    const opts = options || {};
    const orderId = panelOrder ? panelOrder.id : null;
    if (orderId === null) return Promise.resolve(false);
    saving.count += 1;
    renderPanel();
    const run = async () => {
      try {
        return await putLines(orderId, build, opts);
      } finally {
        saving.count -= 1;
        renderPanel();
      }
    };
    const done = saving.chain.then(run);
    saving.chain = done.catch(() => false);
    return done;
  }

  async function putLines(orderId, build, opts) {
    let current = panelOrder && panelOrder.id === orderId ? panelOrder : null;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        if (!current) current = await api("GET", "orders/" + orderId);
        const items = build(current);
        if (items === null) return true;
        const answer = await api(
          "PUT",
          "orders/" + orderId,
          Object.assign({ items: items, version: current.version }, opts.body || {})
        );
        if (panelOrder && panelOrder.id === orderId) panelOrder = answer;
        return true;
      } catch (e) {
        if (e.code === "version_conflict" && attempt === 0) {
          current = null; // someone changed the order meanwhile: build on theirs
          continue;
        }
        if (opts.refused) opts.refused(e);
        else toast(e.message, "error");
        return false;
      }
    }
    return false;
  }

  function plainLine(i, menuItemId) {
    // an unsent line of this item as a plain tap makes it: course 1, no options, no note
    return (
      i.status === "pending" &&
      i.menu_item_id === menuItemId &&
      (i.course || 1) === 1 &&
      !(i.modifiers || []).length &&
      !i.note &&
      !i.price_overridden
    );
  }

  function addItem(item) {
    changeLines((o) => {
      const lines = keptLines(o);
      const same = o.items.findIndex((i) => plainLine(i, item.id));
      if (same >= 0) lines[same].quantity += 1;
      else lines.push({ menu_item_id: item.id, quantity: 1, course: 1 });
      return lines;
    });
  }

  // the line `itemId` of order `o` changed by `edit(line)`; null if it is gone or sent
  function withLine(o, itemId, edit) {
    const lines = keptLines(o);
    const at = o.items.findIndex((i) => i.id === itemId && i.status === "pending");
    if (at < 0) return null;
    edit(lines[at], o.items[at]);
    return lines.filter((l) => l.quantity > 0);
  }

  const MAX_COURSE = 5; // CONTRACT 13's range; which course fires next is the hub's

  function nextCourse(item) {
    changeLines((o) =>
      withLine(o, item.id, (line, now) => {
        line.course = ((now.course || 1) % MAX_COURSE) + 1;
      })
    );
  }

  function stepLine(item, by) {
    // an unsent line at 0 is left out of the list: the hub removes it
    changeLines((o) =>
      withLine(o, item.id, (line) => {
        line.quantity += by;
      })
    );
  }

  async function fireCourse(course) {
    if (busy || !panelOrder) return;
    busy = true;
    try {
      panelOrder = await api("POST", "orders/" + panelOrder.id + "/fire", { course: course });
      toast("Course " + course + " fired for " + panelOrder.order_number, "ok");
    } catch (e) {
      toast(e.message, "error");
    } finally {
      busy = false;
      renderPanel();
    }
  }

  // --- taking back a sent line (a void, CONTRACT 4) ----------------------------------------
  //
  // Drawn on a line a kitchen has when the order allows `update_items`. The waiter says
  // how many to take back and why; the PUT lowers the line's quantity by that many (all
  // of it: the line is left out) with `void_reason`, and the hub voids them, prints and
  // shows the void ticket on that kitchen's screen (`kot.voided`) and writes the audit
  // row. The tablet prices nothing: the line and total come back from the hub.
  const VOID_REASONS = ["Guest changed their mind", "Ordered by mistake", "Took too long"];
  let voider = null; // {itemId, name, max, count, reason, error, busy}
  const voidBox = el("div", { id: "voider", class: "chooser-backdrop", hidden: true });
  document.body.append(voidBox);

  function openVoider(item) {
    voider = {
      itemId: item.id,
      name: item.name,
      max: item.quantity,
      count: 1,
      reason: "",
      error: "",
      busy: false,
    };
    renderVoider();
    const input = document.getElementById("void-reason");
    if (input) input.focus({ preventScroll: true });
  }

  function closeVoider() {
    voider = null;
    voidBox.hidden = true;
    voidBox.replaceChildren();
  }

  function renderVoider() {
    if (!voider) return;
    const item = panelOrder && panelOrder.items.find((i) => i.id === voider.itemId);
    if (!item || item.status === "pending" || item.status === "void" || !allows(panelOrder, "update_items")) {
      closeVoider();
      return;
    }
    voider.max = item.quantity;
    voider.count = Math.min(voider.count, voider.max);
    const reason = el("input", {
      id: "void-reason",
      type: "text",
      maxlength: "200",
      value: voider.reason,
      placeholder: "Why is it taken back?",
      oninput: (ev) => {
        voider.reason = ev.currentTarget.value;
        document.getElementById("void-go").disabled = !voider.reason.trim() || voider.busy;
      },
    });
    const step = (by) => {
      voider.count = Math.max(1, Math.min(voider.max, voider.count + by));
      renderVoider();
    };
    voidBox.replaceChildren(
      el("div", { class: "chooser voider", role: "dialog", "aria-modal": "true", "aria-labelledby": "void-title" }, [
        el("div", { class: "chooser-head" }, [
          el("h3", { id: "void-title" }, "Void " + item.name),
          el("span", { class: "muted" }, item.quantity + "× sent"),
        ]),
        el("div", { class: "split-equal" }, [
          el("span", {}, "Take back"),
          el("span", { class: "stepper" }, [
            el("button", { type: "button", class: "btn btn-small", "aria-label": "Fewer to void", onclick: () => step(-1) }, "−"),
            el("span", { class: "step-value", id: "void-count" }, String(voider.count)),
            el("button", { type: "button", class: "btn btn-small", "aria-label": "More to void", onclick: () => step(1) }, "+"),
          ]),
        ]),
        el("label", { for: "void-reason" }, "Reason (printed on the void ticket)"),
        reason,
        el(
          "div",
          { class: "void-reasons" },
          VOID_REASONS.map((text) =>
            el(
              "button",
              {
                type: "button",
                class: "btn btn-small",
                onclick: () => {
                  voider.reason = text;
                  renderVoider();
                },
              },
              text
            )
          )
        ),
        voider.error ? el("p", { class: "group-error", role: "alert" }, voider.error) : null,
        el("div", { class: "chooser-actions" }, [
          el("button", { type: "button", class: "btn", id: "void-cancel", onclick: closeVoider }, "Cancel"),
          el(
            "button",
            {
              type: "button",
              class: "btn btn-danger btn-wide",
              id: "void-go",
              disabled: !voider.reason.trim() || voider.busy,
              onclick: submitVoid,
            },
            "Void " + voider.count
          ),
        ]),
      ])
    );
    voidBox.hidden = false;
  }

  async function submitVoid() {
    if (!voider || voider.busy || !voider.reason.trim()) return;
    const { itemId, count, name } = voider;
    const reason = voider.reason.trim();
    voider.busy = true;
    renderVoider();
    let gone = false;
    const saved = await changeLines(
      (o) => {
        const lines = keptLines(o);
        const at = o.items.findIndex((i) => i.id === itemId);
        if (at < 0 || o.items[at].status === "pending" || o.items[at].status === "void") {
          gone = true; // taken back or changed meanwhile: nothing to send
          return null;
        }
        lines[at].quantity -= Math.min(count, o.items[at].quantity);
        return lines.filter((l) => l.quantity > 0);
      },
      {
        body: { void_reason: reason },
        refused: (e) => {
          if (voider) voider.error = e.message + fieldsText(e);
        },
      }
    );
    if (!voider) return;
    voider.busy = false;
    if (saved && gone) {
      closeVoider();
      toast(name + " changed meanwhile: look at the order again.", "error");
    } else if (saved) {
      closeVoider();
      toast("Voided " + count + "× " + name, "ok");
    } else {
      renderVoider();
    }
  }

  // --- the modifier chooser (CONTRACT 11) --------------------------------------------
  //
  // Tapping an item that has modifier groups opens this: the item's groups as GET /menu
  // gives them (min and max written out, options sold out greyed, live), a note, and Add.
  // Add saves the line at once (PUT /orders/{id}), so the hub checks the choice: its
  // 422 `modifier_rule` names the group (`error.group`) and is shown on that group, its
  // 422 `item_unavailable` on the option. The tablet enforces nothing itself; a group
  // whose max is 1 is drawn as a single choice (tapping another option moves the pick),
  // which is the shape of the control, not a check.
  let chooser = null; // {itemId, picked: [option ids], note, error: {group, option, message}}
  const chooserBox = el("div", { id: "chooser", class: "chooser-backdrop", hidden: true });
  const splitBox = el("div", { id: "splitter", class: "chooser-backdrop", hidden: true });
  document.body.append(chooserBox, splitBox);

  function menuItem(id) {
    for (const section of state.menu) {
      const item = section.items.find((i) => i.id === id);
      if (item) return item;
    }
    return null;
  }

  function openChooser(itemId) {
    chooser = { itemId: itemId, picked: [], note: "", error: null, busy: false, quote: null, quoteFor: null };
    renderChooser();
    quoteSoon();
    const first = chooserBox.querySelector(".option:not(:disabled)");
    if (first) first.focus({ preventScroll: true });
  }

  function closeChooser() {
    chooser = null;
    chooserBox.hidden = true;
    chooserBox.replaceChildren();
  }

  function groupRule(group) {
    // the hub's min and max, in words
    if (group.min === group.max) return "Choose " + group.min + " · required";
    if (group.min === 0) return "Optional · up to " + group.max;
    return "Choose " + group.min + " to " + group.max;
  }

  function pick(group, option) {
    const inGroup = new Set(group.options.map((o) => o.id));
    if (chooser.picked.includes(option.id)) {
      chooser.picked = chooser.picked.filter((id) => id !== option.id);
    } else if (group.max === 1) {
      chooser.picked = chooser.picked.filter((id) => !inGroup.has(id)).concat([option.id]);
    } else {
      chooser.picked = chooser.picked.concat([option.id]);
    }
    chooser.error = null;
    renderChooser();
    quoteSoon();
  }

  // The chooser's price is the hub's: POST /menu/items/{id}/price with the options picked
  // so far (docs/api.md "Pricing a choice"), asked a moment after the last tap, and an
  // answer shown only while it is still for what is picked. Until then the last price
  // stays, marked busy; the tablet never adds an option's price itself.
  function quoteKey() {
    return chooser ? chooser.itemId + ":" + chooser.picked.join(",") : "";
  }

  let quoteTimer = null;
  function quoteSoon() {
    clearTimeout(quoteTimer);
    quoteTimer = setTimeout(askQuote, 120);
  }

  async function askQuote() {
    if (!chooser) return;
    const key = quoteKey();
    const itemId = chooser.itemId;
    try {
      const quote = await api("POST", "menu/items/" + itemId + "/price", {
        modifiers: chooser.picked.map((id) => ({ option_id: id, quantity: 1 })),
      });
      if (!chooser || quoteKey() !== key) return;
      chooser.quote = quote;
      chooser.quoteFor = key;
      const shown = document.getElementById("chooser-price");
      if (shown) {
        shown.textContent = money(quote.unit_price, currency());
        shown.setAttribute("aria-busy", "false");
      }
    } catch (e) {
      // no price for this choice (an option gone from the menu): Add gets the hub's reason
      if (chooser && quoteKey() === key) chooser.quoteFor = key;
    }
  }

  // After an event: redraw the chooser only if its item changed (an option sold out, the
  // menu reloaded), so a waiter typing the note keeps the caret where it was.
  function refreshChooser() {
    if (!chooser) return;
    if (menuItem(chooser.itemId) === chooser.drawn && panelOrder && allows(panelOrder, "update_items")) {
      return;
    }
    const typing = document.activeElement && document.activeElement.id === "chooser-note";
    renderChooser();
    const note = document.getElementById("chooser-note");
    if (typing && note) note.focus({ preventScroll: true });
  }

  function renderChooser() {
    if (!chooser) return;
    const item = menuItem(chooser.itemId);
    if (!item || !panelOrder || !allows(panelOrder, "update_items")) {
      closeChooser();
      return;
    }
    chooser.drawn = item;
    const error = chooser.error;
    const groups = (item.modifier_groups || []).map((group) =>
      el(
        "fieldset",
        {
          class: "mod-group" + (error && error.group === group.id ? " has-error" : ""),
          dataset: { groupId: group.id },
        },
        [
          el("legend", {}, [
            el("span", { class: "group-name" }, group.name),
            el("span", { class: "group-rule" }, groupRule(group)),
          ]),
          error && error.group === group.id
            ? el("p", { class: "group-error", role: "alert" }, error.message)
            : null,
          el(
            "div",
            { class: "options" },
            group.options.map((option) => {
              const picked = chooser.picked.includes(option.id);
              return el(
                "button",
                {
                  type: "button",
                  class: "btn option" + (picked ? " picked" : ""),
                  "aria-pressed": picked ? "true" : "false",
                  // a sold-out option cannot be picked; one picked before it sold out
                  // can still be taken off
                  disabled: !option.is_available && !picked,
                  dataset: { optionId: option.id },
                  "aria-label":
                    group.name + ": " + option.name + (option.is_available ? "" : " (sold out)"),
                  onclick: () => pick(group, option),
                },
                [
                  el("span", { class: "option-name" }, option.name),
                  el(
                    "span",
                    { class: "option-price" },
                    option.is_available
                      ? Number(option.price)
                        ? "+" + money(option.price, currency())
                        : "—"
                      : "Sold out"
                  ),
                ]
              );
            })
          ),
        ]
      )
    );
    const note = el("input", {
      id: "chooser-note",
      type: "text",
      maxlength: "200",
      value: chooser.note,
      placeholder: "e.g. less spicy",
      oninput: (ev) => {
        chooser.note = ev.currentTarget.value;
      },
    });
    chooserBox.replaceChildren(
      el(
        "div",
        { class: "chooser", role: "dialog", "aria-modal": "true", "aria-labelledby": "chooser-title" },
        [
          el("div", { class: "chooser-head" }, [
            el("h3", { id: "chooser-title" }, item.name),
            el(
              "span",
              {
                class: "chooser-price",
                id: "chooser-price",
                "aria-live": "polite",
                "aria-busy": chooser.quoteFor === quoteKey() ? "false" : "true",
              },
              money(chooser.quote ? chooser.quote.unit_price : item.price, currency())
            ),
          ]),
          ...groups,
          error && error.group === undefined
            ? el("p", { class: "group-error", role: "alert" }, error.message)
            : null,
          el("label", { for: "chooser-note" }, "Note for the kitchen"),
          note,
          el("div", { class: "chooser-actions" }, [
            el(
              "button",
              { type: "button", class: "btn", id: "chooser-cancel", onclick: closeChooser },
              "Cancel"
            ),
            el(
              "button",
              {
                type: "button",
                class: "btn btn-primary btn-wide",
                id: "chooser-add",
                disabled: chooser.busy,
                "aria-label": "Add " + item.name + " to the order",
                onclick: addChosen,
              },
              "Add to order"
            ),
          ]),
        ]
      )
    );
    chooserBox.hidden = false;
  }

  async function addChosen() {
    if (!chooser || chooser.busy || !panelOrder) return;
    const line = {
      menu_item_id: chooser.itemId,
      quantity: 1,
      note: chooser.note.trim(),
      modifiers: chooser.picked.map((id) => ({ option_id: id, quantity: 1 })),
    };
    const name = (menuItem(chooser.itemId) || {}).name || "Item";
    chooser.busy = true;
    renderChooser();
    const saved = await changeLines((o) => keptLines(o).concat([line]), { refused: (e) => {
      if (!chooser) return;
      const body = e.body || {};
      // the hub names what it refused: a group (modifier_rule), an option (item_unavailable)
      chooser.error = {
        group: e.code === "modifier_rule" ? body.group : undefined,
        message: e.message,
      };
      if (e.code === "item_unavailable" && body.option_id !== undefined) {
        for (const group of (menuItem(chooser.itemId) || {}).modifier_groups || []) {
          if (group.options.some((o) => o.id === body.option_id)) chooser.error.group = group.id;
        }
      }
    } });
    if (!chooser) return;
    chooser.busy = false;
    if (saved) {
      closeChooser();
      toast("Added " + name, "ok");
    } else {
      renderChooser();
    }
  }

  async function sendToKitchen() {
    if (busy || !panelOrder) return;
    busy = true;
    try {
      await saving.chain; // the taps before it are on the order first
      const sent = await api("POST", "orders/" + panelOrder.id + "/kot");
      const kots = sent.kots || [sent];
      toast(
        "Sent " + kots.map((k) => k.kot_number + " to " + k.kitchen.name).join(", "),
        "ok"
      );
      panelOrder = await api("GET", "orders/" + panelOrder.id);
    } catch (e) {
      toast(e.code === "nothing_to_send" ? "Nothing new to send." : e.message, "error");
    } finally {
      busy = false;
      renderPanel();
    }
  }

  // --- live ---------------------------------------------------------------------------

  function onEvent(event) {
    if (loading) {
      waiting.push(event);
      return;
    }
    const d = event.data || {};
    const before = state;
    state = Floor.apply(state, event, { me: meData });
    if (event.type === "kot.status_changed" && state.alerts[d.kot_id] && !before.alerts[d.kot_id]) {
      // a new food-ready alert: buzz and say where
      if (navigator.vibrate) navigator.vibrate(200);
      const table = state.tables[d.table_id];
      toast("Food ready: " + (table ? table.name : d.order_number) + " (" + d.kot_number + ")", "ok");
    }
    if (event.type === "kot.unseen" && state.unseen[d.kot_id] && !before.unseen[d.kot_id]) {
      // a ticket the kitchen may not have: buzz hard and say which
      if (navigator.vibrate) navigator.vibrate([300, 100, 300, 100, 300]);
      toast(d.kot_number + " NOT SEEN by " + d.kitchen_name, "error");
    }
    if (event.type === "menu.item_availability") {
      toast(d.name + (d.is_available ? " is back on the menu" : " is sold out"), "info");
    }
    if (event.type === "menu.option_availability") {
      const item = menuItem(d.menu_item_id);
      const of = item ? " (" + item.name + ")" : "";
      toast(d.name + of + (d.is_available ? " is back" : " is sold out"), "info");
    }
    if ((state.needs || []).includes("menu")) reloadMenu();
    if (PLATFORM_EVENTS.has(event.type)) loadPlatformOrdersSoon();
    renderFloor();
    renderAlerts();
    renderPass();
    renderUnseen();
    if (panelOrder && d.order_id === panelOrder.id) loadPanelOrderSoon();
    else renderPanel();
    refreshChooser(); // an option sold out or back greys or lights up at once
  }

  // what may add a platform order to the strip or take one off (accepted, rejected, paid)
  const PLATFORM_EVENTS = new Set([
    "order.created",
    "order.status_changed",
    "order.cancelled",
    "kot.created",
  ]);

  // A menu change the events cannot place (an item moved or new): the hub places it.
  let menuReloading = false;
  async function reloadMenu() {
    if (menuReloading) return;
    menuReloading = true;
    try {
      const menu = await api("GET", "menu");
      state = Floor.reload(state, "menu", { tables: [], menu: menu });
      renderPanel();
      refreshChooser();
    } catch (e) {
      toast(e.message, "error");
    } finally {
      menuReloading = false;
    }
  }

  function caughtUp(missed) {
    if (missed > 0) toast("Back online: " + missed + " missed update(s) applied.", "info");
  }

  async function start() {
    try {
      meData = await api("GET", "me");
      window.Hub.setSession(window.Hub.token(), meData);
      paymentMethods = await api("GET", "payment-methods");
      const types = await api("GET", "order-types");
      const dineIn = types.find((t) => t.code === "dine_in");
      dineInTypeId = dineIn ? dineIn.id : null;
      const delivery = types.find((t) => t.code === "delivery");
      deliveryTypeId = delivery ? delivery.id : null;
    } catch (e) {
      toast(e.message, "error");
    }
    const floorSocket = new window.HubSocket({
      path: "/ws/v1/floor/",
      onEvent: onEvent,
      onResync: load,
      onCaughtUp: caughtUp,
    });
    const ordersSocket = new window.HubSocket({
      path: "/ws/v1/orders/",
      onEvent: onEvent,
      onResync: () => Promise.all([load(), loadPlatformOrders()]),
      onCaughtUp: caughtUp,
      onRefused: () => toast("This account may not watch the floor.", "error"),
    });
    window.HubSocket.indicator(document.getElementById("conn"));
    floorSocket.start();
    ordersSocket.start();
    loadPlatformOrders();
    window.waiter.sockets = [floorSocket, ordersSocket];
  }

  setInterval(renderFloor, 30000); // time occupied
  window.waiter = {
    get state() {
      return state;
    },
    sockets: [],
    openPanel,
  };
  renderAlerts();
  start();
})();
