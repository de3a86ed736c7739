// The plan's production as a Gantt chart: one lane per machine, the plan's
// window across as clock times (UTC). The times are the server's timetable
// (GET /api/plans/{id}/timetable), the one place that knows the order,
// setups, shifts and maintenance the machines work by; this only draws it.
// Uses the helpers of app.js (el, svg, day, hhmm, units, HOUR, periodStart),
// which call drawGantt only once both scripts have loaded.
"use strict";

const GANTT = { left: 64, hourPx: 12, top: 34, lane: 30, bar: 20 };
const PRODUCT_COLOURS = ["#58a6ff", "#3fb950", "#e3b341", "#f778ba", "#d2a8ff", "#56d4dd", "#ffa657", "#ff7b72"];
const MINUTE = 60 * 1000;

// A clock time to the nearest minute, with its day: what names and labels say.
function when(iso) {
  const t = Math.round(Date.parse(iso) / MINUTE) * MINUTE;
  return `${day(t)} ${hhmm(t)}`;
}

function drawGantt(box, plan, table) {
  box.replaceChildren();
  const lanes = [...new Set([...table.runs, ...table.maintenance].map((x) => x.machine_id))].sort();
  if (!lanes.length) box.append(el("p", { class: "meta" }, "no production or maintenance"));
  else {
    const t0 = Date.parse(plan.window.start);
    const last = Math.max(...[...table.runs, ...table.maintenance].map((x) => Date.parse(x.end)));
    const t1 = Math.max(periodStart(plan, plan.window.periods), t0 + Math.ceil((last - t0) / HOUR) * HOUR);
    const x = (iso) => GANTT.left + ((Date.parse(iso) - t0) / HOUR) * GANTT.hourPx;
    const width = Math.ceil(GANTT.left + ((t1 - t0) / HOUR) * GANTT.hourPx) + 8;
    const height = GANTT.top + lanes.length * GANTT.lane + 4;
    const chart = svg("svg", { class: "gantt", width, height, viewBox: `0 0 ${width} ${height}`, role: "group",
      "aria-label": `production by machine, ${day(t0)} ${hhmm(t0)} to ${day(t1)} ${hhmm(t1)} UTC`,
      "data-start": plan.window.start, "data-left": GANTT.left, "data-hour-px": GANTT.hourPx });
    const products = [...new Set(table.runs.map((r) => r.product_id))].sort();
    const colour = (p) => PRODUCT_COLOURS[products.indexOf(p) % PRODUCT_COLOURS.length];
    chart.append(setupPattern(), axis(t0, t1, height));
    lanes.forEach((m, i) => {
      const y = GANTT.top + i * GANTT.lane + (GANTT.lane - GANTT.bar) / 2;
      const lane = svg("g", { class: "lane", role: "group", "aria-label": m, "data-machine": m });
      lane.append(text(m, 4, y + GANTT.bar / 2 + 4, "lane-label"));
      for (const w of table.maintenance.filter((w) => w.machine_id === m)) lane.append(stopBar(w, x, y));
      for (const r of table.runs.filter((r) => r.machine_id === m)) lane.append(runBar(r, x, y, colour(r.product_id)));
      chart.append(lane);
    });
    box.append(el("div", { class: "gantt-scroll", tabindex: "0", role: "group",
                           "aria-label": "production timetable, scrolls sideways" }, chart),
               legend(products, colour));
  }
  if (table.unscheduled.length) {
    box.append(el("ul", { class: "unscheduled", "aria-label": "not scheduled" },
      ...table.unscheduled.map((u) => el("li", { class: "meta" }, u))));
  }
}

function text(content, x, y, cls) {
  const t = svg("text", { x, y, class: cls });
  t.textContent = content;
  return t;
}

// A bar's name, for screen readers (aria-label) and as a tooltip (title).
function named(group, name) {
  group.setAttribute("aria-label", name);
  const title = svg("title"); title.textContent = name; group.append(title);
  return group;
}

// A label inside the widest stretch, where it fits.
function inside(group, stretches, label, y) {
  const [a, b] = stretches.reduce((w, s) => (s[1] - s[0] > w[1] - w[0] ? s : w), [0, 0]);
  if (b - a >= label.length * 6.5 + 6) group.append(text(label, a + 3, y + GANTT.bar / 2 + 4, "inside"));
}

function runBar(r, x, y, colour) {
  const setup = r.setup_hours > 0 ? `, after ${r.setup_hours.toFixed(1)} h of setup` : ", no setup";
  const bar = named(svg("g", { class: "run", role: "img" }),
    `${r.machine_id}: ${r.product_id}, ${units(r.quantity)} units, ${when(r.start)} to ${when(r.end)}${setup}`);
  for (const s of r.spans) {
    const [a, b] = [x(s.start), x(s.end)];
    bar.append(svg("rect", { class: s.kind, x: a.toFixed(2), y, width: (b - a).toFixed(2), height: GANTT.bar,
                             fill: s.kind === "make" ? colour : "url(#gantt-setup)", stroke: colour }));
  }
  const made = r.spans.filter((s) => s.kind === "make").map((s) => [x(s.start), x(s.end)]);
  inside(bar, made, `${r.product_id} ${units(r.quantity)} u`, y);
  return bar;
}

function stopBar(w, x, y) {
  const [a, b] = [x(w.start), x(w.end)];
  const bar = named(svg("g", { class: "maintenance", role: "img" }),
    `${w.machine_id}: maintenance, ${when(w.start)} to ${when(w.end)}`);
  bar.append(svg("rect", { class: "maint", x: a.toFixed(2), y, width: (b - a).toFixed(2), height: GANTT.bar }));
  inside(bar, [[a, b]], "maint.", y);
  return bar;
}

// Setups are hatched: the machine is busy but makes nothing.
function setupPattern() {
  const pattern = svg("pattern", { id: "gantt-setup", width: 6, height: 6, patternUnits: "userSpaceOnUse",
                                   patternTransform: "rotate(45)" });
  pattern.append(svg("rect", { width: 6, height: 6, class: "setup-ground" }),
                 svg("line", { x1: 1, y1: 0, x2: 1, y2: 6, class: "setup-stripe" }));
  return el("defs", { svg: true }, pattern);
}

// Days at midnight, hours every six; the bars' names carry the exact times.
function axis(t0, t1, height) {
  const g = svg("g", { class: "axis", "aria-hidden": "true" });
  const step = 6 * HOUR;
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
    const at = GANTT.left + ((t - t0) / HOUR) * GANTT.hourPx;
    const midnight = new Date(t).getUTCHours() === 0;
    g.append(svg("line", { x1: at, x2: at, y1: midnight ? 2 : 20, y2: height, class: midnight ? "day" : "tick" }));
    if (t < t1) g.append(text(midnight ? day(t) : hhmm(t), at + 3, midnight ? 12 : 28, ""));
  }
  return g;
}

function legend(products, colour) {
  const swatch = (cls, fill) => {
    const s = el("span", { class: `swatch ${cls}`, "aria-hidden": "true" });
    if (fill) s.style.background = fill; // through the CSSOM: the policy refuses style attributes
    return s;
  };
  return el("p", { class: "legend" },
    ...products.map((p) => el("span", { class: "k" }, swatch("", colour(p)), ` ${p}`)),
    el("span", { class: "k" }, swatch("setup"), " setup"),
    el("span", { class: "k" }, swatch("maint"), " maintenance"));
}
