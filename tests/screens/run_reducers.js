// Runs the screens' own state functions (displays/static/displays/js/state.js) under node,
// for tests/screens/test_apply_equals_fetch.py (docs/screens.md "How the tests work").
//
// stdin, one JSON object:
//   {"describe": true}
//     -> {"reducers": {name: [event types it draws]}, "undrawn": {type: reason}}
//   {"runs": [{"reducer": "kitchen", "ctx": {...}, "before": <REST>, "after": <REST>,
//              "events": [<wire events, as recorded, each with "change": n>],
//              "snapshots": [<REST right after change n>, ...], "leave_out": "kot.voided"}]}
//     -> {"runs": [{"applied": {ordering: view}, "fresh": view, "needs": [...],
//                   "without": view}]}
// `applied` has one view per ordering of the events: as recorded, and (for a screen on
// two streams) each stream's events after the other's, since two sockets may deliver
// them either way. `without`: applied as recorded but leaving out the events of type
// `leave_out`, to show that a scenario's events of that type matter to the screen.
// A part a reducer asks to reload (`state.needs`) is reloaded, as the screen does at
// once, from the REST state right after the change whose events asked for it
// (`snapshots`), not from the end: what happens after that must still come by events.
"use strict";

const path = require("path");
const HubState = require(path.join(__dirname, "..", "..", "displays", "static", "displays", "js", "state.js"));

function readStdin() {
  return new Promise((resolve, reject) => {
    const chunks = [];
    process.stdin.on("data", (c) => chunks.push(c));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    process.stdin.on("error", reject);
  });
}

function settle(reducer, state, rest, asked) {
  // What the screen does with `needs`: reload those parts over REST.
  let next = state;
  for (const part of state.needs || []) {
    asked.add(part);
    next = reducer.reload(next, part, rest);
  }
  return next;
}

function applyAll(reducer, run, events) {
  const asked = new Set();
  let state = reducer.fromRest(run.before, run.ctx);
  events.forEach((event, i) => {
    state = reducer.apply(state, event, run.ctx);
    const next = events[i + 1];
    if (!next || next.change !== event.change) {
      state = settle(reducer, state, (run.snapshots || [])[event.change] || run.after, asked);
    }
  });
  return { state: state, needs: [...asked].sort() };
}

function orderings(events) {
  const streams = [...new Set(events.map((e) => e.stream))].sort();
  const result = { recorded: events };
  if (streams.length > 1) {
    const grouped = streams.map((s) => events.filter((e) => e.stream === s));
    result.streams_in_order = [].concat(...grouped);
    result.streams_reversed = [].concat(...grouped.slice().reverse());
  }
  return result;
}

function runOne(run) {
  const reducer = HubState[run.reducer];
  if (!reducer) throw new Error("no reducer " + run.reducer);
  const applied = {};
  let needs = [];
  for (const [name, events] of Object.entries(orderings(run.events))) {
    const outcome = applyAll(reducer, run, events);
    applied[name] = reducer.view(outcome.state);
    if (name === "recorded") needs = outcome.needs;
  }
  const fresh = reducer.view(reducer.fromRest(run.after, run.ctx));
  const kept = run.events.filter((e) => e.type !== run.leave_out);
  const without = reducer.view(applyAll(reducer, run, kept).state);
  return { applied: applied, fresh: fresh, needs: needs, without: without };
}

readStdin()
  .then((text) => {
    const input = JSON.parse(text);
    let output;
    if (input.describe) {
      const reducers = {};
      for (const name of ["kitchen", "floor", "driver", "orders", "expo"]) {
        reducers[name] = HubState[name].types;
      }
      output = { reducers: reducers, undrawn: HubState.undrawn };
    } else {
      output = { runs: input.runs.map(runOne) };
    }
    process.stdout.write(JSON.stringify(output));
  })
  .catch((e) => {
    process.stderr.write(String((e && e.stack) || e) + "\n");
    process.exit(1);
  });
