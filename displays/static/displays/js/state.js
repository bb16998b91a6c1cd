// What each screen holds, as pure functions (docs/screens.md "Screen state"): the state
// built from the REST answers a screen loads, each live event applied to it, and the view
// of it that the screen draws. No DOM, no fetch, no clock, no rule of the hub's: what may
// be done next comes from the hub (`allowed_statuses`, `allowed_delivery_statuses`, GET
// /me's `kot_statuses` and `delivery_statuses`), never from status names.
//
// The screens load it as a plain script (window.HubState); tests/screens/run_reducers.js
// loads the same file under node and checks, for every event type, that applying what a
// service recorded gives what a fresh REST load shows (tests/screens/test_apply_equals_fetch.py).
//
//   state = HubState.kitchen.fromRest({kots: [...]}, ctx)
//   state = HubState.kitchen.apply(state, event, ctx)   // a new state; the old is untouched
//   HubState.kitchen.view(state)                        // what the screen draws, as data
//
// `ctx`: {me: GET /me's answer, kitchenId} (kitchen), {me} (floor, driver, orders).
// A reducer that cannot draw an event from its data alone says so in `state.needs`
// (e.g. ["menu"]): the screen then reloads that part (`reload(state, part, rest)`).
(function (root, factory) {
  const api = factory();
  if (typeof module === "object" && module.exports) module.exports = api;
  else root.HubState = api;
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";

  // Event types no screen draws, and why (the apply-equals-fetch test reads this).
  const undrawn = {
    "print.job": "for print agents: the ESC/POS bytes of a job on a printer's stream",
    "print.job_status":
      "a print job printed or given up: POS terminals learn it from the print request " +
      "they made; no screen draws the print queue (the admin does)",
    "shift.opened":
      "the manager screen re-reads the shift and its X report on it (manager.js): a " +
      "report is fetched again, never patched from events",
    "shift.closed":
      "the manager screen re-reads the shift, its Z report and the day's figures on it " +
      "(manager.js), as for every payment",
  };

  function copy(obj, changes) {
    return Object.assign({}, obj, changes);
  }

  function withNeed(state, part) {
    const needs = state.needs || [];
    return needs.includes(part) ? state : copy(state, { needs: needs.concat([part]) });
  }

  // What the caller may do with a KOT that an event describes: the ticket's moves
  // (role-independent, in the event) that GET /me says this caller may make on a ticket
  // of that kitchen and kind. The hub computes both halves (hub/services/kitchen.py).
  function kotAllowed(me, kitchenId, kind, allowed) {
    const kinds = ((me && me.kot_statuses) || {})[String(kitchenId)] || {};
    const mine = kinds[kind] || [];
    return (allowed || []).filter((s) => mine.includes(s));
  }

  function deliveryAllowed(me, allowed) {
    const mine = (me && me.delivery_statuses) || [];
    return (allowed || []).filter((s) => mine.includes(s));
  }

  // --- kitchen display -----------------------------------------------------------------

  function ticketFromRest(kot) {
    return {
      id: kot.id,
      number: kot.kot_number,
      kind: kot.kind,
      status: kot.status,
      kitchenId: kot.kitchen.id,
      orderId: kot.order.id,
      orderNumber: kot.order.order_number,
      orderType: kot.order.order_type.code,
      tableId: kot.order.table ? kot.order.table.id : null,
      tableName: kot.order.table ? kot.order.table.name : null,
      guests: kot.order.guests,
      waiter: kot.waiter_name,
      voidsId: kot.voids_kot_id,
      voidsNumber: kot.voids_kot_number,
      reason: kot.reason,
      createdAt: kot.created_at,
      items: kot.items.map((i) => ({
        orderItemId: i.order_item_id,
        name: i.name,
        quantity: i.quantity,
        note: i.note || "",
        voidedQuantity: i.voided_quantity || 0,
        voided: !!i.voided,
      })),
      allowed: kot.allowed_statuses || [],
    };
  }

  // kot.created and kot.voided carry the whole card (docs/api.md "Kitchen (KOT)", Events).
  function ticketFromCard(d, me) {
    return {
      id: d.kot_id,
      number: d.kot_number,
      kind: d.kind,
      status: d.status,
      kitchenId: d.kitchen_id,
      orderId: d.order_id,
      orderNumber: d.order_number,
      orderType: d.order_type,
      tableId: d.table_id,
      tableName: d.table_name,
      guests: d.guests,
      waiter: d.waiter_name,
      voidsId: d.voids_kot_id || null,
      voidsNumber: d.voids_kot_number || null,
      reason: d.reason || "",
      createdAt: d.created_at,
      items: (d.items || []).map((i) => ({
        orderItemId: i.order_item_id,
        name: i.name,
        quantity: i.quantity,
        note: i.note || "",
        voidedQuantity: 0,
        voided: false,
      })),
      allowed: kotAllowed(me, d.kitchen_id, d.kind, d.allowed_statuses),
    };
  }

  function withTicket(state, ticket) {
    const tickets = copy(state.tickets);
    tickets[ticket.id] = ticket;
    return copy(state, { tickets: tickets });
  }

  function withoutTicket(state, id) {
    if (!(id in state.tickets)) return state;
    const tickets = copy(state.tickets);
    delete tickets[id];
    return copy(state, { tickets: tickets });
  }

  function arrival(a, b) {
    const ta = Date.parse(a.createdAt);
    const tb = Date.parse(b.createdAt);
    if (ta !== tb) return ta - tb;
    return a.id - b.id;
  }

  // What the all-day count adds up: the statuses of a ticket still being cooked (a summary
  // of what is drawn, not a rule about what may be done).
  const COOKING_KINDS = new Set(["new", "addon"]);
  const TO_COOK = new Set(["sent_to_kitchen", "in_kitchen"]);

  const kitchen = {
    // the kitchen's stream: kitchen.<id>
    types: ["kot.created", "kot.status_changed", "kot.voided", "kot.table_changed"],

    // rest: {kots: GET /kitchens/{id}/kots (every page): the open tickets}
    fromRest(rest) {
      const tickets = {};
      for (const kot of rest.kots) tickets[kot.id] = ticketFromRest(kot);
      return { tickets: tickets };
    },

    apply(state, event, ctx) {
      const d = event.data || {};
      switch (event.type) {
        case "kot.created":
          if (d.kitchen_id !== ctx.kitchenId) return state;
          return withTicket(state, ticketFromCard(d, ctx.me));
        case "kot.status_changed": {
          // A ticket with no move left (served, cancelled) has left the kitchen: the
          // hub's list holds only tickets something can still happen to.
          if (!(d.allowed_statuses || []).length) return withoutTicket(state, d.kot_id);
          const ticket = state.tickets[d.kot_id];
          if (!ticket) return state;
          return withTicket(
            state,
            copy(ticket, {
              status: d.status,
              allowed: kotAllowed(ctx.me, ticket.kitchenId, ticket.kind, d.allowed_statuses),
            })
          );
        }
        case "kot.voided": {
          if (d.kitchen_id !== ctx.kitchenId) return state;
          // the void or cancellation ticket is new; the ticket it takes from shows how
          // much of each line is voided now (voids_kot_items: totals, not differences)
          let next = withTicket(state, ticketFromCard(d, ctx.me));
          const source = next.tickets[d.voids_kot_id];
          if (source) {
            const voided = {};
            for (const v of d.voids_kot_items || []) voided[v.order_item_id] = v;
            next = withTicket(
              next,
              copy(source, {
                items: source.items.map((item) =>
                  voided[item.orderItemId]
                    ? copy(item, {
                        voidedQuantity: voided[item.orderItemId].voided_quantity,
                        voided: voided[item.orderItemId].voided,
                      })
                    : item
                ),
              })
            );
          }
          return next;
        }
        case "kot.table_changed": {
          let next = state;
          for (const id of d.kot_ids || []) {
            const ticket = next.tickets[id];
            if (!ticket) continue;
            next = withTicket(
              next,
              copy(ticket, {
                tableId: d.table_id,
                tableName: d.table_name,
                orderId: d.order_id,
                orderNumber: d.order_number,
              })
            );
          }
          return next;
        }
        default:
          return state;
      }
    },

    tickets(state) {
      return Object.values(state.tickets).sort(arrival);
    },

    // The all-day count: per item, how many are still to cook (new and add-on tickets
    // that are new or cooking, less what was voided), as [name, count].
    allDay(state) {
      const totals = new Map();
      for (const t of Object.values(state.tickets)) {
        if (!COOKING_KINDS.has(t.kind) || !TO_COOK.has(t.status)) continue;
        for (const item of t.items) {
          const left = item.quantity - item.voidedQuantity;
          if (left > 0) totals.set(item.name, (totals.get(item.name) || 0) + left);
        }
      }
      return [...totals.entries()];
    },

    // What the cook sees on each card, in arrival order.
    view(state) {
      return kitchen.tickets(state).map((t) => ({
        id: t.id,
        number: t.number,
        kind: t.kind,
        status: t.status,
        table: t.tableName,
        orderType: t.orderType,
        orderNumber: t.orderNumber,
        voidsNumber: t.voidsNumber,
        reason: t.voidsNumber ? t.reason : "",
        items: t.items.map((i) => [i.name, i.quantity, i.note, i.voidedQuantity, i.voided]),
        allowed: t.allowed,
      }));
    },
  };

  // --- waiter tablet: the floor, food-ready alerts, the menu -----------------------------

  function tableFromRest(t) {
    return {
      id: t.id,
      name: t.name,
      seats: t.seats,
      area: t.area,
      status: t.status,
      guests: t.guests,
      occupiedSince: t.occupied_since,
      orderId: t.current_order ? t.current_order.id : null,
    };
  }

  function alertFromRest(k) {
    return {
      kotId: k.id,
      kotNumber: k.kot_number,
      kitchenId: k.kitchen.id,
      kitchenName: k.kitchen.name,
      tableId: k.order.table ? k.order.table.id : null,
      orderId: k.order.id,
      orderNumber: k.order.order_number,
      allowed: k.allowed_statuses || [],
    };
  }

  function withOrderOnTables(state, orderId, tableId, closed) {
    // The order runs on `tableId` unless it is closed; it runs on no other table.
    const tables = copy(state.tables);
    let changed = false;
    for (const id of Object.keys(tables)) {
      const table = tables[id];
      const runs = !closed && table.id === tableId;
      if (runs && table.orderId !== orderId) {
        tables[id] = copy(table, { orderId: orderId });
        changed = true;
      } else if (!runs && table.orderId === orderId) {
        tables[id] = copy(table, { orderId: null });
        changed = true;
      }
    }
    return changed ? copy(state, { tables: tables }) : state;
  }

  function mapAlerts(state, fn) {
    const alerts = {};
    let changed = false;
    for (const [id, a] of Object.entries(state.alerts)) {
      alerts[id] = fn(a);
      if (alerts[id] !== a) changed = true;
    }
    return changed ? copy(state, { alerts: alerts }) : state;
  }

  function mapMenuItems(state, id, fn) {
    let found = false;
    const menu = state.menu.map((section) => {
      if (!section.items.some((i) => i.id === id)) return section;
      found = true;
      return copy(section, { items: section.items.map((i) => (i.id === id ? fn(i) : i)) });
    });
    return found ? copy(state, { menu: menu }) : null;
  }

  const FLOOR_ORDER_EVENTS = new Set([
    "order.created",
    "order.updated",
    "order.status_changed",
    "order.cancelled",
    "order.split",
  ]);

  const floor = {
    // two streams: floor.<outlet> (tables) and orders.<outlet> (everything else)
    types: [
      "table.status_changed",
      "order.created",
      "order.updated",
      "order.status_changed",
      "order.cancelled",
      "order.split",
      "kot.status_changed",
      "menu.item_availability",
      "menu.item_changed",
    ],

    // rest: {tables: GET /tables, ready: GET /kitchens/{id}/kots?status=food_ready for
    // every kitchen of GET /me, menu: GET /menu}
    fromRest(rest) {
      const state = { tables: {}, orders: {}, alerts: {}, menu: rest.menu || [] };
      for (const t of rest.tables) {
        state.tables[t.id] = tableFromRest(t);
        if (t.current_order) {
          state.orders[t.current_order.id] = {
            id: t.current_order.id,
            number: t.current_order.order_number,
            total: t.current_order.total,
            tableId: t.id,
          };
        }
      }
      for (const k of rest.ready || []) state.alerts[k.id] = alertFromRest(k);
      return state;
    },

    reload(state, part, rest) {
      const fresh = floor.fromRest(rest);
      const needs = (state.needs || []).filter((p) => p !== part);
      return copy(state, { [part]: fresh[part], needs: needs });
    },

    apply(state, event, ctx) {
      const d = event.data || {};
      if (FLOOR_ORDER_EVENTS.has(event.type)) {
        const orders = copy(state.orders);
        orders[d.order_id] = {
          id: d.order_id,
          number: d.order_number,
          total: d.total,
          tableId: d.table_id,
        };
        let next = withOrderOnTables(
          copy(state, { orders: orders }),
          d.order_id,
          d.table_id,
          d.closed === true
        );
        // food ready for this order is at its table, wherever it moved
        next = mapAlerts(next, (a) =>
          a.orderId === d.order_id && a.tableId !== d.table_id ? copy(a, { tableId: d.table_id }) : a
        );
        if (d.merged_into_order_id) {
          // a merge: the ready plates of this order are the target's now
          const target = next.orders[d.merged_into_order_id];
          next = mapAlerts(next, (a) =>
            a.orderId === d.order_id
              ? copy(a, {
                  orderId: d.merged_into_order_id,
                  orderNumber: target ? target.number : a.orderNumber,
                  tableId: target ? target.tableId : a.tableId,
                })
              : a
          );
        }
        return next;
      }
      switch (event.type) {
        case "table.status_changed": {
          const table = state.tables[d.table_id];
          if (!table) return state;
          const tables = copy(state.tables);
          tables[d.table_id] = copy(table, {
            status: d.status,
            guests: d.guests,
            occupiedSince:
              d.status === d.from_status ? table.occupiedSince : d.status_changed_at,
          });
          return copy(state, { tables: tables });
        }
        case "kot.status_changed": {
          const alerts = copy(state.alerts);
          // the alert is the ticket being ready at the pass: its status, as the hub says
          if (d.status === "food_ready") {
            const order = state.orders[d.order_id];
            const kitchenRef = ((ctx.me && ctx.me.kitchens) || []).find(
              (k) => k.id === d.kitchen_id
            );
            alerts[d.kot_id] = {
              kotId: d.kot_id,
              kotNumber: d.kot_number,
              kitchenId: d.kitchen_id,
              kitchenName: kitchenRef ? kitchenRef.name : "",
              tableId: d.table_id,
              orderId: d.order_id,
              orderNumber: order ? order.number : d.order_number,
              allowed: kotAllowed(ctx.me, d.kitchen_id, d.kind, d.allowed_statuses),
            };
          } else if (d.kot_id in alerts) {
            delete alerts[d.kot_id];
          } else {
            return state;
          }
          return copy(state, { alerts: alerts });
        }
        case "menu.item_availability":
          return (
            mapMenuItems(state, d.menu_item_id, (i) => copy(i, { is_available: d.is_available })) ||
            state
          );
        case "menu.item_changed": {
          // An item moved in the menu (or new to it) is placed by the hub: reload the menu.
          const moved = (d.changed || []).some((f) => f === "category_id" || f === "sort_order");
          const next = moved
            ? null
            : mapMenuItems(state, d.menu_item_id, (i) =>
                copy(i, {
                  name: d.name,
                  price: d.price,
                  is_open_price: d.is_open_price,
                  is_available: d.is_available,
                })
              );
          return next || withNeed(state, "menu");
        }
        default:
          return state;
      }
    },

    tables(state) {
      return Object.values(state.tables).sort((a, b) => a.id - b.id);
    },

    // the running order of a table: {id, number, total} or null
    orderOf(state, table) {
      if (!table.orderId) return null;
      return state.orders[table.orderId] || { id: table.orderId, number: "", total: null };
    },

    alerts(state) {
      return Object.values(state.alerts).sort((a, b) => a.kotId - b.kotId);
    },

    alertsFor(state, tableId) {
      return floor.alerts(state).filter((a) => a.tableId === tableId);
    },

    // What the waiter sees: every table with its state and running order, the
    // food-ready bar (with or without a Served button), the menu.
    view(state) {
      return {
        tables: floor.tables(state).map((t) => {
          const order = floor.orderOf(state, t);
          return {
            id: t.id,
            status: t.status,
            guests: t.guests,
            order: order ? { id: order.id, number: order.number, total: order.total } : null,
          };
        }),
        alerts: floor.alerts(state).map((a) => ({
          kot: a.kotId,
          number: a.kotNumber,
          table: a.tableId,
          order: a.orderId,
          served: a.allowed.includes("served"),
        })),
        menu: state.menu.map((s) => ({
          id: s.id,
          items: s.items.map((i) => [i.id, i.name, i.price, i.is_available, i.is_open_price]),
        })),
      };
    },
  };

  // --- driver phone: my deliveries -------------------------------------------------------

  function deliveryFromRest(row) {
    return copy(row, { allowed: row.allowed_delivery_statuses || [] });
  }

  function withDelivery(state, orderId, row) {
    const deliveries = copy(state.deliveries);
    if (row) deliveries[orderId] = row;
    else delete deliveries[orderId];
    return copy(state, { deliveries: deliveries });
  }

  const driver = {
    // the driver's stream: driver.<id>
    types: ["delivery.assigned", "delivery.status_changed"],

    // rest: {deliveries: GET /delivery-drivers/me/orders?scope=today (every page)}
    fromRest(rest) {
      const deliveries = {};
      for (const row of rest.deliveries) deliveries[row.order_id] = deliveryFromRest(row);
      return { deliveries: deliveries, order: rest.deliveries.map((r) => r.order_id) };
    },

    reload(state, part, rest) {
      const fresh = driver.fromRest(rest);
      return copy(fresh, { needs: (state.needs || []).filter((p) => p !== part) });
    },

    apply(state, event, ctx) {
      const d = event.data || {};
      if (event.type !== "delivery.assigned" && event.type !== "delivery.status_changed") {
        return state;
      }
      const mine = d.driver_id === ctx.me.driver_id;
      const row = state.deliveries[d.order_id];
      if (!mine) return row ? withDelivery(state, d.order_id, null) : state; // given to another
      // a new delivery: the event has no customer, address or amount: read the list
      if (!row) return withNeed(state, "deliveries");
      return withDelivery(
        state,
        d.order_id,
        copy(row, {
          delivery_status: d.delivery_status,
          status: d.status,
          version: d.version,
          active: d.active,
          failed_reason: event.type === "delivery.assigned" ? "" : d.reason || "",
          allowed: deliveryAllowed(ctx.me, d.allowed_delivery_statuses),
        })
      );
    },

    // in the order the hub listed them (active first); new ones come with a reload
    rows(state) {
      const listed = (state.order || []).filter((id) => id in state.deliveries);
      return listed.map((id) => state.deliveries[id]);
    },

    view(state) {
      return Object.values(state.deliveries)
        .sort((a, b) => a.order_id - b.order_id)
        .map((r) => ({
          order: r.order_id,
          number: r.order_number,
          delivery_status: r.delivery_status,
          status: r.status,
          active: r.active,
          failed_reason: r.failed_reason,
          allowed: r.allowed,
        }));
    },
  };

  // --- a POS terminal's orders (the orders stream) --------------------------------------

  function orderFromRest(o) {
    return {
      id: o.id,
      number: o.order_number,
      status: o.status,
      payment_status: o.payment_status,
      total: o.total,
      version: o.version,
    };
  }

  const orders = {
    // orders.<outlet>
    types: [
      "order.created",
      "order.updated",
      "order.status_changed",
      "order.cancelled",
      "order.split",
      "kot.created",
      "kot.status_changed",
      "payment.received",
      "payment.refunded",
      "delivery.assigned",
      "delivery.status_changed",
    ],

    // rest: {orders: GET /orders (every page)}
    fromRest(rest) {
      const all = {};
      for (const o of rest.orders) all[o.id] = orderFromRest(o);
      return { orders: all };
    },

    apply(state, event) {
      const d = event.data || {};
      const known = state.orders[d.order_id];
      // an event older than what was loaded changes nothing (keyed by version)
      const version = d.version !== undefined ? d.version : d.order_version;
      if (known && version !== undefined && version < known.version) return state;
      let changes = null;
      switch (event.type) {
        case "order.created":
        case "order.updated":
        case "order.status_changed":
        case "order.cancelled":
        case "order.split":
          changes = {
            id: d.order_id,
            number: d.order_number,
            status: d.status,
            payment_status: d.payment_status,
            total: d.total,
            version: d.version,
          };
          break;
        case "kot.created":
        case "kot.status_changed":
          if (known) changes = { version: d.order_version };
          break;
        case "payment.received":
        case "payment.refunded":
          if (known) changes = { payment_status: d.payment_status, version: d.version };
          break;
        case "delivery.assigned":
        case "delivery.status_changed":
          if (known) changes = { status: d.status, version: d.version };
          break;
        default:
          break;
      }
      if (!changes) return state;
      const all = copy(state.orders);
      all[d.order_id] = copy(known || {}, changes);
      return copy(state, { orders: all });
    },

    view(state) {
      return Object.values(state.orders)
        .sort((a, b) => a.id - b.id)
        .map((o) => [o.id, o.number, o.status, o.payment_status, o.total, o.version]);
    },
  };

  return {
    kitchen: kitchen,
    floor: floor,
    driver: driver,
    orders: orders,
    undrawn: undrawn,
    kotAllowed: kotAllowed,
    deliveryAllowed: deliveryAllowed,
  };
});
