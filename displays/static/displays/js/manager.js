// Manager screen (docs/screens.md "Manager"): today at a glance, the open shift with its
// X figures, closing it into the Z report. Every figure is the hub's (GET
// /reports/sales, /shifts/current/x-report, POST /shifts/current/close): the screen
// adds nothing up itself. Live: on the orders stream, a payment, a refund, a paid or
// cancelled order or a shift event reloads the figures (they are reports, so the
// screen fetches them again rather than applying events).
(function () {
  "use strict";
  const { api, el, toast, money, HubError } = window.Hub;

  let meData = window.Hub.requireSession();
  if (!meData) return;
  window.Hub.initHeader(meData);

  const $ = (id) => document.getElementById(id);
  const cur = () => (meData && meData.outlet && meData.outlet.currency) || "INR";
  let shift = null; // the open shift, or null
  let lastZ = null;

  // The outlet's business day today, in its own time zone (the reports' days).
  function today() {
    const zone = window.Hub.outletZone();
    return new Intl.DateTimeFormat("en-CA", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    }).format(new Date(window.Hub.now()));
  }

  function bars(box, rows, label) {
    const top = Math.max(...rows.map((r) => Number(r.total)), 0);
    box.replaceChildren(
      ...(rows.length
        ? rows.map((r) =>
            el("div", { class: "bar-row", dataset: { key: String(r.key) } }, [
              el("span", { class: "bar-label" }, label(r)),
              el("span", { class: "bar-track" }, [
                el("span", {
                  class: "bar",
                  style: "width:" + (top > 0 ? (100 * Number(r.total)) / top : 0).toFixed(1) + "%",
                }),
              ]),
              el("span", { class: "bar-value" }, money(r.total, cur())),
            ])
          )
        : [el("p", { class: "muted" }, "Nothing sold yet.")])
    );
  }

  async function loadSales() {
    const day = today();
    $("today").textContent = day;
    const q = "from=" + day + "&to=" + day + "&group_by=";
    try {
      const [byHour, byItem] = await Promise.all([
        api("GET", "reports/sales?" + q + "hour"),
        api("GET", "reports/sales?" + q + "item"),
      ]);
      const t = byHour.totals;
      $("today-total").textContent = money(t.total, cur());
      $("today-orders").textContent = String(t.orders);
      // the hub's average (total / orders, rounded as money is): the screen divides nothing
      $("today-average").textContent =
        t.average_ticket === null || t.average_ticket === undefined ? "–" : money(t.average_ticket, cur());
      $("today-items").textContent = String(t.quantity);
      bars($("hours"), byHour.rows, (r) => (r.key === null ? "?" : String(r.key).padStart(2, "0") + ":00"));
      bars($("items"), byItem.rows.slice(0, 8), (r) => r.name);
    } catch (e) {
      if (e instanceof HubError && e.status === 403) {
        $("reports-note").hidden = false;
        $("reports-note").textContent = "Reports are for managers.";
        return;
      }
      throw e;
    }
  }

  const KIND_TEXT = {
    void: "Void",
    discount: "Discount",
    price_override: "Price override",
    refund: "Refund",
    reprint: "Reprint",
    cancel: "Cancelled order",
    cash_movement: "Cash in/out",
    shift_close: "Shift closed",
  };

  async function loadAudit() {
    const day = today();
    const kind = $("audit-kind").value;
    let rows;
    try {
      const data = await api(
        "GET",
        "reports/audit?from=" + day + "&to=" + day + "&per_page=50" + (kind ? "&kind=" + kind : "")
      );
      rows = data.rows;
    } catch (e) {
      if (e instanceof HubError && e.status === 403) return;
      throw e;
    }
    $("audit").replaceChildren(
      ...(rows.length
        ? rows.map((r) =>
            el("tr", { dataset: { kind: r.kind } }, [
              el("td", {}, window.Hub.formatTime(r.at)),
              el("td", {}, KIND_TEXT[r.kind] || r.kind),
              el("td", {}, r.staff ? r.staff.name : "–"),
              el("td", { class: "num" }, r.amount === null ? "" : money(r.amount, cur())),
              el("td", {}, r.reason || ""),
            ])
          )
        : [el("tr", {}, [el("td", { colspan: "5", class: "muted" }, "Nothing recorded.")])])
    );
  }

  function figureList(pairs) {
    return el(
      "dl",
      { class: "report" },
      pairs.map(([name, value, id]) =>
        el("div", id ? { dataset: { figure: id } } : {}, [el("dt", {}, name), el("dd", {}, value)])
      )
    );
  }

  function reportBody(report) {
    const c = report.cash;
    const pairs = [
      ["Orders paid", String(report.orders.count), "orders"],
      ["Sales", money(report.sales.total, cur()), "total"],
      ...report.payments.map((p) => [
        p.name + " (" + p.count + ")",
        money(p.amount, cur()),
        "payment-" + p.method,
      ]),
      ["Refunds (" + report.refunds.count + ")", money(report.refunds.amount, cur()), "refunds"],
      ["Opening float", money(c.opening_float, cur()), "opening_float"],
      ["Cash tendered", money(c.cash_payments, cur()), "cash_payments"],
      ["Change given", money(c.change_given, cur()), "change_given"],
      ["Cash refunds", money(c.cash_refunds, cur()), "cash_refunds"],
      ["Paid in / out", money(c.paid_in, cur()) + " / " + money(c.paid_out, cur()), "paid"],
      ["Expected in drawer", money(c.expected, cur()), "expected"],
    ];
    if (c.counted !== null) {
      pairs.push(["Counted", money(c.counted, cur()), "counted"]);
      const d = Number(c.difference);
      pairs.push([d < 0 ? "Short" : d > 0 ? "Over" : "Difference", money(c.difference, cur()), "difference"]);
    }
    return figureList(pairs);
  }

  async function loadShift() {
    try {
      shift = await api("GET", "shifts/current");
    } catch (e) {
      if (!(e instanceof HubError && e.status === 404)) throw e;
      shift = null;
    }
    // what the hub allows: open when none is, close (with the X report) when one is
    $("open-form").hidden = shift !== null;
    $("close-form").hidden = shift === null;
    $("x-report").hidden = shift === null;
    if (shift === null) {
      $("shift-state").textContent = "No shift is open.";
      return;
    }
    $("z-report").hidden = true;
    $("shift-state").textContent =
      "Open since " + window.Hub.formatTime(shift.opened_at) + " · " + shift.opened_by.name;
    const x = await api("GET", "shifts/current/x-report");
    $("x-report").replaceChildren(el("h3", {}, "X report (so far)"), reportBody(x));
  }

  async function refresh() {
    await Promise.all([loadSales(), loadShift(), loadAudit()]);
  }

  $("audit-kind").addEventListener("change", () => loadAudit().catch((e) => toast(e.message, "error")));

  $("open-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    try {
      await api("POST", "shifts/open", { opening_float: $("opening-float").value.trim() || "0" });
      toast("Shift opened", "ok");
      await loadShift();
    } catch (e) {
      toast(e.message, "error");
    }
  });

  $("close-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const counted = $("counted-cash").value.trim();
    if (!counted) {
      toast("Count the cash in the drawer first.", "error");
      return;
    }
    try {
      lastZ = await api("POST", "shifts/current/close", { counted_cash: counted });
      toast("Shift closed: Z report " + lastZ.z_number, "ok");
      $("counted-cash").value = "";
      await loadShift();
      $("z-body").replaceChildren(el("h3", {}, "Z report " + lastZ.z_number), reportBody(lastZ));
      $("z-report").hidden = false;
    } catch (e) {
      toast(e.message, "error");
    }
  });

  $("print-z").addEventListener("click", async () => {
    if (!lastZ) return;
    try {
      await api("POST", "shifts/" + lastZ.shift.id + "/print-report");
      toast("Z report sent to the receipt printer", "ok");
    } catch (e) {
      toast(e.message, "error");
    }
  });

  const RELOAD_ON = new Set([
    "payment.received",
    "payment.refunded",
    "order.status_changed",
    "order.cancelled",
    "shift.opened",
    "shift.closed",
  ]);
  let timer = null;
  function onEvent(event) {
    if (!RELOAD_ON.has(event.type)) return;
    clearTimeout(timer);
    timer = setTimeout(() => refresh().catch((e) => toast(e.message, "error")), 100);
  }

  async function start() {
    try {
      meData = await api("GET", "me");
      window.Hub.setSession(window.Hub.token(), meData);
      await refresh();
    } catch (e) {
      toast(e.message, "error");
    }
    const socket = new window.HubSocket({
      path: "/ws/v1/orders/",
      onEvent: onEvent,
      onResync: refresh,
      onCaughtUp: (missed) => {
        if (missed > 0) refresh().catch(() => {});
      },
    });
    window.HubSocket.indicator($("conn"));
    socket.start();
    window.manager.socket = socket;
  }

  window.manager = { socket: null, refresh: refresh };
  start();
})();
