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
    "webhook.disabled":
      "a webhook subscription given up after 24 h of failures: for the manager's " +
      "integrations (GET /webhooks, the admin), not drawn on a service screen",
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

  // A ticket line's options as sent (CONTRACT 11: names and quantities, frozen on the KOT).
  function kotModifiers(line) {
    return (line.modifiers || []).map((m) => ({ name: m.name, quantity: m.quantity || 1 }));
  }

  // A delivery platform's order is named on its ticket as the hub sends it, "SWIGGY #12345",
  // so the packer matches the bag (the same words as the printed KOT); null otherwise.
  function platformLabel(name, ref) {
    if (!name) return null;
    return name.toUpperCase() + (ref ? " #" + ref : "");
  }

  function ticketFromRest(kot) {
    return {
      id: kot.id,
      number: kot.kot_number,
      kind: kot.kind,
      status: kot.status,
      course: kot.course || 1,
      kitchenId: kot.kitchen.id,
      kitchenName: kot.kitchen.name,
      orderId: kot.order.id,
      orderNumber: kot.order.order_number,
      orderType: kot.order.order_type.code,
      tableId: kot.order.table ? kot.order.table.id : null,
      tableName: kot.order.table ? kot.order.table.name : null,
      platform: platformLabel(kot.order.platform_name, kot.order.platform_order_ref),
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
        modifiers: kotModifiers(i),
        status: i.status,
        voidedQuantity: i.voided_quantity || 0,
        voided: !!i.voided,
      })),
      allowed: kot.allowed_statuses || [],
      itemAllowed: kot.allowed_item_statuses || [],
      unseen: !!kot.unseen,
    };
  }

  // kot.created and kot.voided carry the whole card (docs/api.md "Kitchen (KOT)", Events).
  function ticketFromCard(d, me) {
    return {
      id: d.kot_id,
      number: d.kot_number,
      kind: d.kind,
      status: d.status,
      course: d.course || 1,
      kitchenId: d.kitchen_id,
      kitchenName: d.kitchen_name,
      orderId: d.order_id,
      orderNumber: d.order_number,
      orderType: d.order_type,
      tableId: d.table_id,
      tableName: d.table_name,
      platform: platformLabel(d.platform_name, d.platform_order_ref),
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
        modifiers: kotModifiers(i),
        status: i.status,
        voidedQuantity: 0,
        voided: false,
      })),
      allowed: kotAllowed(me, d.kitchen_id, d.kind, d.allowed_statuses),
      itemAllowed: kotAllowed(me, d.kitchen_id, d.kind, d.allowed_item_statuses),
      unseen: false,
    };
  }

  // A ticket's lines after kot.status_changed (the lines that followed it take its status)
  // or kot.item_status_changed (one line moved; the ticket's own status is the hub's).
  function withLineStatuses(ticket, ids, status) {
    const moved = new Set(ids || []);
    if (!moved.size) return ticket.items;
    return ticket.items.map((i) => (moved.has(i.orderItemId) ? copy(i, { status: status }) : i));
  }

  function statusChanged(ticket, d, me) {
    return copy(ticket, {
      status: d.status,
      unseen: false, // a ticket that moves is in someone's hands (KotOut `unseen`)
      items: withLineStatuses(ticket, d.order_item_ids, d.status),
      allowed: kotAllowed(me, ticket.kitchenId, ticket.kind, d.allowed_statuses),
      itemAllowed: kotAllowed(me, ticket.kitchenId, ticket.kind, d.allowed_item_statuses),
    });
  }

  function itemStatusChanged(ticket, d) {
    return copy(ticket, {
      status: d.kot_status,
      items: withLineStatuses(ticket, [d.order_item_id], d.status),
    });
  }

  // kot.voided: the ticket it takes from shows how much of each line is voided now
  // (voids_kot_items: totals, not differences); a wholly voided line is void.
  function withVoided(source, d) {
    const voided = {};
    for (const v of d.voids_kot_items || []) voided[v.order_item_id] = v;
    return copy(source, {
      items: source.items.map((item) => {
        const v = voided[item.orderItemId];
        if (!v) return item;
        return copy(item, {
          voidedQuantity: v.voided_quantity,
          voided: v.voided,
          status: v.voided ? "void" : item.status,
        });
      }),
    });
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

  function addOptions(options, item, plates) {
    if (!item.modifiers || !item.modifiers.length) return;
    if (!options.has(item.name)) options.set(item.name, new Map());
    const counts = options.get(item.name);
    for (const m of item.modifiers) counts.set(m.name, (counts.get(m.name) || 0) + plates * m.quantity);
  }

  const kitchen = {
    // the kitchen's stream: kitchen.<id>
    types: [
      "kot.created",
      "kot.status_changed",
      "kot.item_status_changed",
      "kot.voided",
      "kot.table_changed",
    ],

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
          return withTicket(state, statusChanged(ticket, d, ctx.me));
        }
        case "kot.item_status_changed": {
          const ticket = state.tickets[d.kot_id];
          return ticket ? withTicket(state, itemStatusChanged(ticket, d)) : state;
        }
        case "kot.voided": {
          if (d.kitchen_id !== ctx.kitchenId) return state;
          // the void or cancellation ticket is new; the ticket it takes from changes
          let next = withTicket(state, ticketFromCard(d, ctx.me));
          const source = next.tickets[d.voids_kot_id];
          if (source) next = withTicket(next, withVoided(source, d));
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
    // that are new or cooking, less what was voided), as [name, count, options], where
    // options is [[option name, count]] for the options of those plates (an option
    // chosen twice on a plate counts twice), in the order they were first met.
    allDay(state) {
      const totals = new Map();
      const options = new Map(); // item name -> Map(option name -> count)
      for (const t of Object.values(state.tickets)) {
        if (!COOKING_KINDS.has(t.kind) || !TO_COOK.has(t.status)) continue;
        for (const item of t.items) {
          if (item.status === "food_ready") continue; // bumped on its own: cooked
          const left = item.quantity - item.voidedQuantity;
          if (left > 0) totals.set(item.name, (totals.get(item.name) || 0) + left);
          if (left > 0) addOptions(options, item, left);
        }
      }
      return [...totals.entries()].map(([name, count]) => [
        name,
        count,
        [...(options.get(name) || new Map()).entries()],
      ]);
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
        platform: t.platform,
        orderNumber: t.orderNumber,
        voidsNumber: t.voidsNumber,
        reason: t.voidsNumber ? t.reason : "",
        course: t.course,
        items: t.items.map((i) => [
          i.orderItemId,
          i.name,
          i.quantity,
          i.note,
          i.voidedQuantity,
          i.voided,
          i.modifiers.map((m) => [m.name, m.quantity]),
          i.status === "food_ready",
        ]),
        allowed: t.allowed,
        itemAllowed: t.itemAllowed,
      }));
    },
  };

  // --- the expo: every kitchen's tickets at the pass, one card per order ---------------

  // What leaves the pass: served plates and cancelled orders' tickets (what is drawn).
  const OFF_THE_PASS = new Set(["served", "cancelled"]);

  const expo = {
    // expo.<outlet>: every kot.* event of every kitchen
    types: [
      "kot.created",
      "kot.status_changed",
      "kot.item_status_changed",
      "kot.voided",
      "kot.table_changed",
      "kot.unseen",
    ],

    // rest: {orders: GET /expo (every page)}; ctx: {me}
    fromRest(rest, ctx) {
      const tickets = {};
      const ready = {};
      for (const o of rest.orders) {
        ready[o.order_id] = o.ready;
        for (const kot of o.kots) tickets[kot.id] = ticketFromRest(kot);
      }
      const actions = (ctx && ctx.me && ctx.me.order_actions) || [];
      return { tickets: tickets, ready: ready, mayServe: actions.includes("serve") };
    },

    apply(state, event, ctx) {
      const d = event.data || {};
      let next = state;
      if (typeof d.order_ready === "boolean") {
        next = copy(next, { ready: copy(next.ready, { [d.order_id]: d.order_ready }) });
      }
      const ticket = next.tickets[d.kot_id];
      switch (event.type) {
        case "kot.created":
          return withTicket(next, ticketFromCard(d, ctx.me));
        case "kot.status_changed":
          if (OFF_THE_PASS.has(d.status)) return withoutTicket(next, d.kot_id);
          return ticket ? withTicket(next, statusChanged(ticket, d, ctx.me)) : next;
        case "kot.item_status_changed":
          return ticket ? withTicket(next, itemStatusChanged(ticket, d)) : next;
        case "kot.voided": {
          const source = next.tickets[d.voids_kot_id];
          return source ? withTicket(next, withVoided(source, d)) : next;
        }
        case "kot.table_changed":
          for (const id of d.kot_ids || []) {
            const moved = next.tickets[id];
            if (!moved) continue;
            next = withTicket(
              next,
              copy(moved, {
                tableId: d.table_id,
                tableName: d.table_name,
                orderId: d.order_id,
                orderNumber: d.order_number,
              })
            );
          }
          return next;
        case "kot.unseen":
          return ticket ? withTicket(next, copy(ticket, { unseen: true })) : next;
        default:
          return next;
      }
    },

    // one card per order (oldest first), each with its tickets in arrival order
    orders(state) {
      const byOrder = new Map();
      for (const t of Object.values(state.tickets).sort(arrival)) {
        if (!byOrder.has(t.orderId)) byOrder.set(t.orderId, []);
        byOrder.get(t.orderId).push(t);
      }
      return [...byOrder.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([orderId, tickets]) => {
          const ready = !!state.ready[orderId];
          return {
            id: orderId,
            number: tickets[0].orderNumber,
            table: tickets[0].tableName,
            orderType: tickets[0].orderType,
            platform: tickets[0].platform,
            ready: ready,
            serve: ready && state.mayServe,
            tickets: tickets,
          };
        });
    },

    view(state) {
      return expo.orders(state).map((o) => ({
        order: o.id,
        number: o.number,
        table: o.table,
        ready: o.ready,
        serve: o.serve,
        kots: o.tickets.map((t) => [
          t.id,
          t.number,
          t.kitchenName,
          t.status,
          t.course,
          t.unseen,
          t.items.map((i) => [i.name, i.quantity, i.voided, i.status === "food_ready"]),
        ]),
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

  function unseenFromRest(k) {
    return {
      kotId: k.id,
      kotNumber: k.kot_number,
      kitchenName: k.kitchen.name,
      orderId: k.order.id,
      orderNumber: k.order.order_number,
      tableId: k.order.table ? k.order.table.id : null,
    };
  }

  // Whether an order is ready at the pass, as the hub said in the event's data.
  function withPass(state, orderId, ready, number) {
    if (typeof ready !== "boolean" || !orderId) return state;
    const entry = { ready: ready, number: number };
    return copy(state, { pass: copy(state.pass, { [orderId]: entry }) });
  }

  function withoutUnseen(state, kotId) {
    if (!(kotId in state.unseen)) return state;
    const unseen = copy(state.unseen);
    delete unseen[kotId];
    return copy(state, { unseen: unseen });
  }

  function mapUnseen(state, fn) {
    const unseen = {};
    let changed = false;
    for (const [id, u] of Object.entries(state.unseen)) {
      unseen[id] = fn(u);
      if (unseen[id] !== u) changed = true;
    }
    return changed ? copy(state, { unseen: unseen }) : state;
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
      "kot.created",
      "kot.status_changed",
      "kot.item_status_changed",
      "kot.table_changed",
      "kot.unseen",
      "menu.item_availability",
      "menu.item_changed",
      "menu.option_availability",
    ],

    // rest: {tables: GET /tables, ready: GET /kitchens/{id}/kots?status=food_ready for
    // every kitchen of GET /me, menu: GET /menu, expo: GET /expo (every page): which
    // orders are ready at the pass and which tickets no kitchen screen saw}
    fromRest(rest) {
      const state = {
        tables: {},
        orders: {},
        alerts: {},
        menu: rest.menu || [],
        // order id -> {ready, number}: ready at the pass (the hub's `ready` / `order_ready`)
        pass: {},
        unseen: {}, // kot id -> a ticket no screen of its kitchen saw in time
      };
      for (const o of rest.expo || []) {
        state.pass[o.order_id] = { ready: o.ready, number: o.order_number };
        for (const kot of o.kots) {
          if (kot.unseen) state.unseen[kot.id] = unseenFromRest(kot);
        }
      }
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
        next = mapUnseen(next, (u) =>
          u.orderId === d.order_id && u.tableId !== d.table_id ? copy(u, { tableId: d.table_id }) : u
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
        case "kot.created":
        case "kot.item_status_changed":
          return withPass(state, d.order_id, d.order_ready, d.order_number);
        case "kot.unseen": {
          const unseen = copy(state.unseen);
          unseen[d.kot_id] = {
            kotId: d.kot_id,
            kotNumber: d.kot_number,
            kitchenName: d.kitchen_name,
            orderId: d.order_id,
            orderNumber: d.order_number,
            tableId: d.table_id,
          };
          return copy(state, { unseen: unseen });
        }
        case "kot.table_changed": {
          // the tickets belong to this order (and table) now; the hub says which is ready
          let next = withPass(state, d.from_order_id, d.from_order_ready, d.from_order_number);
          next = withPass(next, d.order_id, d.order_ready, d.order_number);
          const moved = new Set(d.kot_ids || []);
          return mapUnseen(next, (u) =>
            moved.has(u.kotId)
              ? copy(u, { orderId: d.order_id, orderNumber: d.order_number, tableId: d.table_id })
              : u
          );
        }
        case "kot.status_changed": {
          // a ticket that moved is in someone's hands: not "not seen" any more
          const moved = withPass(
            withoutUnseen(state, d.kot_id),
            d.order_id,
            d.order_ready,
            d.order_number
          );
          const alerts = copy(moved.alerts);
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
            return moved;
          }
          return copy(moved, { alerts: alerts });
        }
        case "menu.item_availability":
          return (
            mapMenuItems(state, d.menu_item_id, (i) => copy(i, { is_available: d.is_available })) ||
            state
          );
        case "menu.option_availability":
          // an option sold out or back: the chooser greys it (GET /menu's modifier_groups)
          return (
            mapMenuItems(state, d.menu_item_id, (i) =>
              copy(i, {
                modifier_groups: (i.modifier_groups || []).map((g) =>
                  g.id !== d.group_id
                    ? g
                    : copy(g, {
                        options: g.options.map((o) =>
                          o.id === d.option_id ? copy(o, { is_available: d.is_available }) : o
                        ),
                      })
                ),
              })
            ) || state
          );
        case "menu.item_changed": {
          // An item moved in the menu (or new to it) is placed by the hub, and its modifier
          // groups are not in the event: reload the menu.
          const moved = (d.changed || []).some(
            (f) => f === "category_id" || f === "sort_order" || f === "modifier_groups"
          );
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

    // the orders ready at the pass, oldest first: [{id, number}] (the hub's word)
    readyOrders(state) {
      return Object.entries(state.pass)
        .filter(([, p]) => p.ready)
        .map(([id, p]) => ({ id: Number(id), number: p.number }))
        .sort((a, b) => a.id - b.id);
    },

    readyAtPass(state, orderId) {
      return !!(orderId && state.pass[orderId] && state.pass[orderId].ready);
    },

    // tickets no kitchen screen acknowledged in time (kot.unseen), oldest first
    unseen(state) {
      return Object.values(state.unseen).sort((a, b) => a.kotId - b.kotId);
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
        pass: floor.readyOrders(state).map((p) => [p.id, p.number]),
        unseen: floor.unseen(state).map((u) => [u.kotId, u.kotNumber, u.kitchenName, u.orderId, u.tableId]),
        menu: state.menu.map((s) => ({
          id: s.id,
          items: s.items.map((i) => [
            i.id,
            i.name,
            i.price,
            i.is_available,
            i.is_open_price,
            // the chooser: each group's bounds and each option's price and availability
            (i.modifier_groups || []).map((g) => [
              g.id,
              g.name,
              g.min,
              g.max,
              g.options.map((o) => [o.id, o.name, o.price, o.is_available]),
            ]),
          ]),
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
      "kot.item_status_changed",
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
        case "kot.item_status_changed":
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
    expo: expo,
    undrawn: undrawn,
    kotAllowed: kotAllowed,
    deliveryAllowed: deliveryAllowed,
  };
});
