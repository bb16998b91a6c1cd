// Waiter tablet (docs/screens.md "Waiter tablet"): the floor plan live from
// /ws/v1/floor/ and /ws/v1/orders/, a food-ready alert per table, and the waiter's
// actions: open a table, add items from the menu, send to the kitchen.
(function () {
  "use strict";
  const { api, apiAll, el, toast, minutesSince, money } = window.Hub;

  let meData = window.Hub.requireSession();
  if (!meData) return;
  window.Hub.initHeader(meData);

  const floorBox = document.getElementById("floor");
  const alertsBox = document.getElementById("ready-alerts");
  const panel = document.getElementById("panel");
  const panelTitle = document.getElementById("panel-title");
  const panelBody = document.getElementById("panel-body");

  const tables = new Map(); // id -> TableOut
  const alerts = new Map(); // kot id -> {kotId, kotNumber, tableId, orderId, kitchen}
  let menu = []; // sections
  let dineInTypeId = null;
  let openTableId = null;
  let panelOrder = null; // OrderOut of the open table
  let draft = []; // lines not saved yet: {menu_item_id, name, price, quantity, note}
  let busy = false;

  const STATUS_TEXT = {
    free: "Free",
    occupied: "Occupied",
    reserved: "Reserved",
    cleaning: "Cleaning",
  };
  const ITEM_STATUS_TEXT = {
    pending: "Not sent",
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

  function alertsForTable(id) {
    return [...alerts.values()].filter((a) => a.tableId === id);
  }

  function tableButton(t) {
    const ready = alertsForTable(t.id);
    const lines = [
      el("span", { class: "table-name" }, t.name),
      el("span", { class: "table-status" }, STATUS_TEXT[t.status] || t.status),
    ];
    const facts = [];
    if (t.status === "occupied") {
      if (t.guests) facts.push(t.guests + " guests");
      if (t.occupied_since) facts.push(minutesSince(t.occupied_since) + " min");
    } else {
      facts.push(t.seats + " seats");
    }
    lines.push(el("span", { class: "table-facts" }, facts.join(" · ")));
    if (t.current_order) {
      lines.push(
        el("span", { class: "table-order" }, [
          t.current_order.order_number,
          " · ",
          money(t.current_order.total, currency()),
        ])
      );
    }
    if (ready.length) {
      lines.push(el("span", { class: "table-ready" }, "FOOD READY"));
    }
    const label =
      t.name +
      ", " +
      (STATUS_TEXT[t.status] || t.status) +
      (ready.length ? ", food ready" : "") +
      (t.current_order ? ", order " + t.current_order.order_number : "");
    return el(
      "button",
      {
        type: "button",
        class: "btn table st-" + t.status + (ready.length ? " has-ready" : ""),
        dataset: { tableId: t.id, status: t.status },
        "aria-label": label,
        "aria-pressed": openTableId === t.id ? "true" : "false",
        onclick: () => openPanel(t.id),
      },
      lines
    );
  }

  function renderFloor() {
    const areas = new Map();
    for (const t of [...tables.values()].sort((a, b) => a.id - b.id)) {
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
    const rows = [...alerts.values()].sort((a, b) => a.kotId - b.kotId);
    alertsBox.replaceChildren(
      ...rows.map((a) => {
        const table = tables.get(a.tableId);
        const where = table ? table.name : a.orderNumber || "Order";
        return el("div", { class: "ready-alert", dataset: { kotId: a.kotId, tableId: a.tableId } }, [
          el("span", { class: "ready-text" }, [
            el("strong", {}, where),
            " food ready · " + a.kotNumber + (a.kitchen ? " (" + a.kitchen + ")" : ""),
          ]),
          el(
            "button",
            {
              type: "button",
              class: "btn btn-served",
              "aria-label": "Mark " + a.kotNumber + " for " + where + " served",
              onclick: (ev) => markServed(a.kotId, ev.currentTarget),
            },
            "Served"
          ),
        ]);
      })
    );
    alertsBox.hidden = rows.length === 0;
  }

  async function markServed(kotId, buttonNode) {
    buttonNode.disabled = true;
    try {
      await api("PUT", "kot/" + kotId + "/status", { status: "served" });
      alerts.delete(kotId);
      renderAlerts();
      renderFloor();
    } catch (e) {
      toast(e.message, "error");
      buttonNode.disabled = false;
    }
  }

  // --- loading --------------------------------------------------------------------

  async function loadTables() {
    const rows = await apiAll("tables");
    tables.clear();
    for (const t of rows) tables.set(t.id, t);
    renderFloor();
    renderAlerts();
  }

  async function loadAlerts() {
    const fresh = new Map();
    for (const kitchen of meData.kitchens) {
      const rows = await apiAll("kitchens/" + kitchen.id + "/kots?status=food_ready");
      for (const k of rows) {
        if (k.kind !== "new" && k.kind !== "addon") continue;
        fresh.set(k.id, {
          kotId: k.id,
          kotNumber: k.kot_number,
          tableId: k.order.table ? k.order.table.id : null,
          orderId: k.order.id,
          orderNumber: k.order.order_number,
          kitchen: k.kitchen.name,
        });
      }
    }
    alerts.clear();
    for (const [id, a] of fresh) alerts.set(id, a);
    renderAlerts();
    renderFloor();
  }

  const pendingTables = new Set();
  let tableTimer = null;
  function refreshTable(id) {
    if (!id) return;
    pendingTables.add(id);
    clearTimeout(tableTimer);
    tableTimer = setTimeout(async () => {
      const ids = [...pendingTables];
      pendingTables.clear();
      for (const tid of ids) {
        try {
          tables.set(tid, await api("GET", "tables/" + tid));
        } catch (e) {
          if (e.status === 404) tables.delete(tid);
        }
      }
      renderFloor();
      renderAlerts();
      if (ids.includes(openTableId)) renderPanel();
    }, 60);
  }

  // --- the table panel --------------------------------------------------------------

  async function openPanel(tableId) {
    openTableId = tableId;
    draft = [];
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
    openTableId = null;
    panelOrder = null;
    draft = [];
    panel.hidden = true;
    document.body.classList.remove("panel-open");
    renderFloor();
  }
  document.getElementById("panel-close").addEventListener("click", closePanel);
  document.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape" && openTableId !== null) closePanel();
  });

  async function loadPanelOrder() {
    const table = tables.get(openTableId);
    if (!table || !table.current_order) {
      panelOrder = null;
      renderPanel();
      return;
    }
    try {
      panelOrder = await api("GET", "orders/" + table.current_order.id);
    } catch (e) {
      panelOrder = null;
      toast(e.message, "error");
    }
    renderPanel();
  }

  function renderPanel() {
    if (openTableId === null) return;
    const table = tables.get(openTableId);
    if (!table) {
      closePanel();
      return;
    }
    panelTitle.textContent = table.name + " · " + (STATUS_TEXT[table.status] || table.status);
    if (!table.current_order) {
      panelBody.replaceChildren(openTableForm(table));
      return;
    }
    if (!panelOrder || panelOrder.id !== table.current_order.id) {
      panelBody.replaceChildren(el("p", { class: "muted" }, "Loading order…"));
      if (!panelOrder || panelOrder.id !== table.current_order.id) {
        panelOrder = null;
        loadPanelOrderSoon();
      }
      return;
    }
    panelBody.replaceChildren(orderView(table, panelOrder), menuView());
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
      tables.set(tableId, await api("PUT", "tables/" + tableId + "/status", { status: status }));
      renderFloor();
      renderPanel();
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
      tables.set(tableId, await api("GET", "tables/" + tableId));
      renderFloor();
      renderPanel();
    } catch (e) {
      toast(e.message, "error");
    } finally {
      busy = false;
    }
  }

  function orderView(table, orderData) {
    const lines = orderData.items.map((item) =>
      el("li", { class: "line line-" + item.status, dataset: { itemId: item.id } }, [
        el("span", { class: "qty" }, item.quantity + "×"),
        el("span", { class: "name" }, [
          item.name,
          item.note ? el("span", { class: "note" }, " – " + item.note) : null,
        ]),
        el("span", { class: "line-status st-item-" + item.status }, ITEM_STATUS_TEXT[item.status] || item.status),
      ])
    );
    const draftLines = draft.map((d, index) =>
      el("li", { class: "line line-draft" }, [
        el("span", { class: "qty" }, d.quantity + "×"),
        el("span", { class: "name" }, d.name),
        el("span", { class: "stepper" }, [
          el(
            "button",
            {
              type: "button",
              class: "btn btn-small",
              "aria-label": "One less " + d.name,
              onclick: () => changeDraft(index, -1),
            },
            "−"
          ),
          el(
            "button",
            {
              type: "button",
              class: "btn btn-small",
              "aria-label": "One more " + d.name,
              onclick: () => changeDraft(index, 1),
            },
            "+"
          ),
        ]),
      ])
    );
    const unsent = orderData.items.some((i) => i.status === "pending") || draft.length > 0;
    const closed = ["paid", "cancelled", "billed"].includes(orderData.status);
    return el("div", { class: "order" }, [
      el("div", { class: "order-head" }, [
        el("span", { class: "order-number" }, orderData.order_number),
        el("span", { class: "order-status" }, orderData.status.toUpperCase()),
        el("span", { class: "order-total" }, money(orderData.total, currency())),
      ]),
      el("ul", { class: "lines", "aria-label": "Order lines" }, [...lines, ...draftLines]),
      lines.length + draftLines.length === 0
        ? el("p", { class: "muted" }, "No items yet: add from the menu below.")
        : null,
      el("div", { class: "order-actions" }, [
        el(
          "button",
          {
            type: "button",
            id: "send-kot",
            class: "btn btn-primary btn-wide",
            disabled: !unsent || closed || busy,
            onclick: sendToKitchen,
          },
          "Send to kitchen"
        ),
        draft.length
          ? el(
              "button",
              { type: "button", id: "save-order", class: "btn", onclick: () => saveDraft(true) },
              "Save"
            )
          : null,
      ]),
    ]);
  }

  function menuView() {
    return el("div", { class: "menu", "aria-label": "Menu" }, [
      el("h3", {}, "Add items"),
      ...menu.map((section) =>
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
                    onclick: () => addToDraft(item),
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

  function addToDraft(item) {
    const line = draft.find((d) => d.menu_item_id === item.id);
    if (line) line.quantity += 1;
    else draft.push({ menu_item_id: item.id, name: item.name, quantity: 1, note: "" });
    renderPanel();
  }

  function changeDraft(index, by) {
    draft[index].quantity += by;
    if (draft[index].quantity < 1) draft.splice(index, 1);
    renderPanel();
  }

  // PUT /orders/{id} takes the full list: every line kept (by id) plus the new ones.
  function fullItems(orderData) {
    const kept = orderData.items
      .filter((i) => i.status !== "void")
      .map((i) => ({ id: i.id, quantity: i.quantity }));
    const added = draft.map((d) => ({
      menu_item_id: d.menu_item_id,
      quantity: d.quantity,
      note: d.note,
    }));
    return kept.concat(added);
  }

  async function saveDraft(announce) {
    if (!draft.length || !panelOrder) return true;
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        panelOrder = await api("PUT", "orders/" + panelOrder.id, {
          items: fullItems(panelOrder),
          version: panelOrder.version,
        });
        draft = [];
        if (announce) toast("Saved " + panelOrder.order_number, "ok");
        renderPanel();
        return true;
      } catch (e) {
        if (e.code === "version_conflict" && attempt === 0) {
          // someone changed the order meanwhile: take theirs, add ours again
          panelOrder = await api("GET", "orders/" + panelOrder.id);
          continue;
        }
        toast(e.message, "error");
        return false;
      }
    }
    return false;
  }

  async function sendToKitchen() {
    if (busy || !panelOrder) return;
    busy = true;
    try {
      if (!(await saveDraft(false))) return;
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

  function onOrdersEvent(event) {
    const d = event.data || {};
    if (event.type === "menu.item_availability") {
      // The kitchen ran out (or has it again): grey the item out on the menu at once.
      for (const section of menu) {
        for (const item of section.items) {
          if (item.id === d.menu_item_id) item.is_available = d.is_available;
        }
      }
      toast(d.name + (d.is_available ? " is back on the menu" : " is sold out"), "info");
      renderPanel();
      return;
    }
    if (event.type === "menu.item_changed") {
      // A manager edited the item (the admin): draw it as the hub now has it. An item this
      // tablet does not have yet, or one moved in the menu, reloads the menu instead.
      const item = menu.flatMap((s) => s.items).find((i) => i.id === d.menu_item_id);
      const moved = (d.changed || []).some((f) => f === "category_id" || f === "sort_order");
      if (item && !moved) {
        Object.assign(item, {
          name: d.name,
          price: d.price,
          is_open_price: d.is_open_price,
          is_available: d.is_available,
        });
        renderPanel();
      } else {
        api("GET", "menu")
          .then((sections) => {
            menu = sections;
            renderPanel();
          })
          .catch(() => {});
      }
      return;
    }
    if (d.table_id) refreshTable(d.table_id);
    if (panelOrder && d.order_id === panelOrder.id && event.type !== "kot.status_changed") {
      loadPanelOrderSoon();
    }
    if (event.type === "kot.status_changed") {
      if (d.status === "food_ready" && (d.kind === "new" || d.kind === "addon")) {
        alerts.set(d.kot_id, {
          kotId: d.kot_id,
          kotNumber: d.kot_number,
          tableId: d.table_id,
          orderId: d.order_id,
          orderNumber: d.order_number,
          kitchen: (meData.kitchens.find((k) => k.id === d.kitchen_id) || {}).name,
        });
        if (navigator.vibrate) navigator.vibrate(200);
        const table = tables.get(d.table_id);
        toast("Food ready: " + (table ? table.name : d.order_number) + " (" + d.kot_number + ")", "ok");
      } else {
        alerts.delete(d.kot_id);
      }
      renderAlerts();
      renderFloor();
      if (panelOrder && d.order_id === panelOrder.id) loadPanelOrderSoon();
    }
  }

  function onFloorEvent(event) {
    const d = event.data || {};
    if (event.type === "table.status_changed") refreshTable(d.table_id);
  }

  function caughtUp(missed) {
    if (missed > 0) toast("Back online: " + missed + " missed update(s) applied.", "info");
  }

  async function start() {
    try {
      meData = await api("GET", "me");
      window.Hub.setSession(window.Hub.token(), meData);
      const [types, sections] = await Promise.all([api("GET", "order-types"), api("GET", "menu")]);
      const dineIn = types.find((t) => t.code === "dine_in");
      dineInTypeId = dineIn ? dineIn.id : null;
      menu = sections;
    } catch (e) {
      toast(e.message, "error");
    }
    const floorSocket = new window.HubSocket({
      path: "/ws/v1/floor/",
      onEvent: onFloorEvent,
      onResync: loadTables,
      onCaughtUp: caughtUp,
    });
    const ordersSocket = new window.HubSocket({
      path: "/ws/v1/orders/",
      onEvent: onOrdersEvent,
      onResync: async () => {
        // orders events change tables too (their current order), so reload both
        await loadAlerts();
        await loadTables();
        if (openTableId !== null) await loadPanelOrder();
      },
      onCaughtUp: caughtUp,
      onRefused: () => toast("This account may not watch the floor.", "error"),
    });
    window.HubSocket.indicator(document.getElementById("conn"));
    floorSocket.start();
    ordersSocket.start();
    window.waiter.sockets = [floorSocket, ordersSocket];
  }

  setInterval(renderFloor, 30000); // time occupied
  window.waiter = { tables, alerts, sockets: [], openPanel };
  renderAlerts();
  start();
})();
