// The operations-center page: reads the API with a short-lived token and
// follows the live stream. Everything from the server is inserted as text,
// never as HTML.
"use strict";

const state = { token: null, role: null, assets: new Map(), alerts: [], plan: null, timetable: null,
                es: null, pace: null, commands: [], overrides: [] };
const can = (role) => ["viewer", "operator", "admin"].indexOf(state.role) >= ["viewer", "operator", "admin"].indexOf(role);
const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = tag === "svg" || attrs.svg ? document.createElementNS("http://www.w3.org/2000/svg", tag)
                                          : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) if (k !== "svg") node.setAttribute(k, v);
  for (const c of children) node.append(c);
  return node;
}
const svg = (tag, attrs = {}) => el(tag, { ...attrs, svg: true });

async function api(path, options = {}) {
  const headers = { ...(options.headers || {}) };
  if (state.token) headers.Authorization = `Bearer ${state.token}`;
  if (options.body) headers["Content-Type"] = "application/json";
  const res = await fetch(path, { ...options, headers });
  if (!res.ok) {
    const body = await res.json().catch(() => ({}));
    const error = new Error(`${res.status} ${path}`);
    error.status = res.status;
    error.detail = typeof body.detail === "string" ? body.detail : res.statusText;
    throw error;
  }
  return res.status === 204 ? null : res.json();
}

// An action's outcome in words (#status is a live region): a refusal by the
// API (a role below the action's, an alert someone else acknowledged first)
// is said on the page, never left as an uncaught error.
function say(text, ok = false) { $("status").textContent = text; $("status").className = ok ? "ok" : "bad"; }
async function act(what, fn) {
  try { await fn(); say(what, true); } catch (e) {
    say(e.status ? `${e.status < 500 ? "refused" : "failed"}: ${e.detail} (${e.status})` : `failed: ${e.message}`);
  }
}

async function signIn(key) {
  const res = await fetch("/api/auth/token", { method: "POST", headers: { "X-API-Key": key } });
  if (!res.ok) { $("who").textContent = "sign-in refused"; return; }
  state.token = (await res.json()).access_token;
  sessionStorage.setItem("supplysync.token", state.token);
  await start();
}

async function refreshToken() {
  try { state.token = (await api("/api/auth/token", { method: "POST" })).access_token;
        sessionStorage.setItem("supplysync.token", state.token); } catch (e) { /* next try */ }
}

async function start() {
  const me = await api("/api/auth/me");
  state.role = me.role;
  $("who").textContent = `${me.name} (${me.role})`;
  $("login").hidden = true;
  $("actions").hidden = !can("operator");
  await Promise.all([loadAssets(), loadAlerts(), loadPlan(), loadClock(), loadOverrides(), loadBaseMap()]);
  connect();
  setInterval(refreshToken, 10 * 60 * 1000);
  setInterval(loadClock, 30 * 1000);
  setInterval(drawClock, 1000);
  setInterval(loadCommands, 15 * 1000);
  setInterval(loadKpis, 15 * 1000);
  await loadKpis();
}

async function loadAssets() {
  for (const a of await api("/api/assets")) state.assets.set(a.asset_id, a);
  drawAssets();
  const picker = $("trend-asset");
  if (!picker.options.length) {
    for (const a of state.assets.values()) {
      if (["machine", "warehouse", "vehicle", "supplier"].includes(a.kind)) {
        picker.append(el("option", { value: a.asset_id }, `${a.asset_id} (${a.kind})`));
      }
    }
    picker.onchange = loadTrends;  // a pick made while the page still loads counts
    await loadTrends();
  }
}

async function loadKpis() {
  let k;
  try { k = await api("/api/kpis"); } catch (e) { return; }
  const pct = (x) => (x == null ? "–" : `${(100 * x).toFixed(1)} %`);
  $("kpi-fill").textContent = pct(k.fill_rate);
  $("kpi-ontime").textContent = pct(k.on_time_rate);
  const onHand = [...state.assets.values()].filter((a) => a.kind === "warehouse")
    .reduce((t, a) => t + Object.values(a.stock).reduce((x, y) => x + y, 0), 0);
  $("kpi-cover").textContent = k.ordered_units > 0 ? `${(onHand / k.ordered_units).toFixed(1)} d` : "–";
  $("kpi-open").textContent = String(state.alerts.filter((a) => !a.ack).length);
  $("kpi-latency").textContent = k.replan_latency_p50_ms == null ? "–" : `${(k.replan_latency_p50_ms / 1000).toFixed(1)} s`;
}

// One series per reading kind (and product, for stock), from the store's history;
// a machine's health estimate beside its vibration.
const VALUE = { temperature: "celsius", humidity: "percent_rh", vibration: "mm_s_rms", shock: "g",
                pressure: "kpa", runtime: "hours", stock_level: "units", fuel: "percent", location: "speed_kmh" };

async function loadTrends() {
  const id = $("trend-asset").value;
  const box = $("trends"); box.replaceChildren();
  if (!id) return;
  let history;
  try { history = await api(`/api/assets/${encodeURIComponent(id)}/history`); } catch (e) { return; }
  if ($("trend-asset").value !== id) return;  // picked another meanwhile: its own answer draws
  box.replaceChildren();
  const series = new Map();
  for (const r of history.readings) {
    const field = VALUE[r.kind];
    if (!field || typeof r[field] !== "number") continue;
    const key = r.product_id ? `${r.kind} ${r.product_id}` : r.kind;
    if (!series.has(key)) series.set(key, { field, points: [] });
    series.get(key).points.push([Date.parse(r.ts), r[field]]);
  }
  const charts = [...series];
  if (history.health.length) {
    const at = charts.findIndex(([key]) => key === "vibration");
    const health = ["health", { field: "estimate 0-1", points: history.health.map((h) => [Date.parse(h.ts), h.health]), digits: 2 }];
    charts.splice(at < 0 ? charts.length : at + 1, 0, health);
  }
  if (!charts.length) { box.append(el("p", { class: "meta" }, "no readings in the last 24 h")); return; }
  for (const [key, { field, points, digits }] of charts.slice(0, 8)) box.append(sparkline(key, field, points, digits));
}

function sparkline(key, field, points, digits = 1) {
  const xs = points.map((p) => p[0]), ys = points.map((p) => p[1]);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const x = (t) => (x1 > x0 ? (300 * (t - x0)) / (x1 - x0) : 150);
  const y = (v) => (y1 > y0 ? 55 - (50 * (v - y0)) / (y1 - y0) : 30);
  const chart = svg("svg", { viewBox: "0 0 300 60", preserveAspectRatio: "none", role: "img",
                             "aria-label": `${key} (${field}) over the last 24 hours` });
  chart.append(svg("polyline", { points: points.map(([t, v]) => `${x(t).toFixed(1)},${y(v).toFixed(1)}`).join(" ") }));
  const [tn, vn] = points[points.length - 1];
  chart.append(svg("circle", { cx: x(tn).toFixed(1), cy: y(vn).toFixed(1), r: 3 }));
  return el("div", { class: "trend", "data-series": key },
    el("div", { class: "meta" }, el("span", {}, `${key} (${field})`), el("span", {}, `now ${ys[ys.length - 1].toFixed(digits)}`)),
    chart,
    el("div", { class: "meta" }, el("span", {}, `min ${y0.toFixed(digits)}`), el("span", {}, `max ${y1.toFixed(digits)}`)));
}
async function loadAlerts() { state.alerts = await api("/api/alerts?limit=100"); drawAlerts(); }
async function loadPlan() {
  let detail = null, timetable = null;
  try { detail = await api("/api/plans/current"); } catch (e) { /* no plan yet */ }
  if (detail) {
    try { timetable = await api(`/api/plans/${encodeURIComponent(detail.plan.plan_id)}/timetable`); }
    catch (e) { /* drawn without it */ }
  }
  state.plan = detail; state.timetable = timetable;
  drawPlan(); drawMap(); await loadCommands();
}
async function loadOverrides() {
  try { state.overrides = await api("/api/control/overrides"); } catch (e) { state.overrides = []; }
  drawOverrides(); drawMachines(); drawDetail();
}
async function loadCommands() {
  // The latest of every plan, newest first: an earlier plan's unanswered ones stay in sight.
  try { state.commands = await api("/api/commands?limit=50"); } catch (e) { state.commands = []; }
  drawCommands();
}

// The network's time runs at the pace a simulated fleet announces (the
// wall's for real devices); the page moves it on between reads.
async function loadClock() {
  try { const c = await api("/api/clock");
        state.pace = c.pace || { at: c.now, wall: c.wall, speed: 1 };
        state.pace.offset = Date.parse(c.wall) - Date.now(); } catch (e) { /* next read */ }
  drawClock();
}
function drawClock() {
  const p = state.pace;
  if (!p) return;
  const wall = Date.now() + p.offset;
  const now = new Date(Date.parse(p.at) + (wall - Date.parse(p.wall)) * p.speed);
  $("clock").textContent = `network ${now.toISOString().replace("T", " ").slice(0, 16)} UTC` +
    (p.speed !== 1 ? ` (×${p.speed})` : "");
}

// The stream opens with a one-time ticket (no token in the URL). A ticket is
// used up when the stream opens, so after an error the page asks for a new
// one instead of letting EventSource retry the same URL.
async function connect() {
  if (state.es) { state.es.close(); state.es = null; }
  let ticket;
  try { ticket = (await api("/api/stream/ticket", { method: "POST" })).ticket; } catch (e) {
    $("live").textContent = "reconnecting"; $("live").className = "off";
    setTimeout(connect, 3000); return;
  }
  const es = new EventSource(`/api/stream?ticket=${encodeURIComponent(ticket)}`);
  state.es = es;
  es.onopen = () => { $("live").textContent = "live"; $("live").className = "on"; };
  es.onerror = () => {
    $("live").textContent = "reconnecting"; $("live").className = "off";
    if (state.es === es) { es.close(); state.es = null; setTimeout(connect, 3000); }
  };
  es.addEventListener("alert", (e) => {
    const a = JSON.parse(e.data);
    state.alerts.unshift(a); state.alerts = state.alerts.slice(0, 200);
    drawAlerts(a.alert.alert_id);
  });
  es.addEventListener("plan", () => loadPlan());
  es.addEventListener("asset", (e) => {
    const a = JSON.parse(e.data); state.assets.set(a.asset_id, a); drawAssets();
  });
}

function drawAssets() { drawMap(); drawStock(); drawMachines(); }

// The base map: Natural Earth 1:110m country outlines (public domain), served
// by the app itself so the page needs no internet.
async function loadBaseMap() {
  try { state.countries = (await (await fetch("/static/countries.geojson")).json()).features; }
  catch (e) { state.countries = []; }
  drawMap();
}

const VEHICLE_COLOURS = ["#3fb950", "#f778ba", "#e3b341", "#79c0ff", "#ff7b72", "#d2a8ff", "#56d4dd", "#ffa657"];

function drawMap() {
  const map = $("map");
  map.replaceChildren();
  const placed = [...state.assets.values()].filter((a) => a.location);
  if (!placed.length) return;
  const lats = placed.map((a) => a.location.lat), lons = placed.map((a) => a.location.lon);
  const [la0, la1, lo0, lo1] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
  const k = Math.cos(((la0 + la1) / 2) * Math.PI / 180);
  const w = Math.max((lo1 - lo0) * k, 1e-3), h = Math.max(la1 - la0, 1e-3);
  const s = Math.min(700 / w, 420 / h);
  const xy = (lon, lat) => [50 + (lon - lo0) * k * s, 460 - (lat - la0) * s];
  const [mlo0, mlo1] = [lo0 - 440 / (k * s), lo1 + 440 / (k * s)], [mla0, mla1] = [la0 - 300 / s, la1 + 300 / s];
  for (const f of state.countries || []) {
    const polys = f.geometry.type === "Polygon" ? [f.geometry.coordinates] : f.geometry.coordinates;
    for (const rings of polys) {
      const outer = rings[0];
      if (!outer.some(([lo, la]) => lo > mlo0 && lo < mlo1 && la > mla0 && la < mla1)) continue;
      const d = rings.map((ring) => "M" + ring.map(([lo, la]) => xy(lo, la).map((v) => v.toFixed(1)).join(",")).join("L") + "Z").join("");
      const land = svg("path", { d, class: "land" });
      const name = svg("title"); name.textContent = f.properties.name; land.append(name);
      map.append(land);
    }
  }
  const at = (a) => xy(a.location.lon, a.location.lat);
  const sites = new Map(placed.map((a) => [a.asset_id, a]));
  const plan = state.plan && state.plan.plan;
  const vehicles = [...new Set(((plan && plan.routes) || []).map((r) => r.vehicle_id))].sort();
  const colour = (v) => VEHICLE_COLOURS[vehicles.indexOf(v) % VEHICLE_COLOURS.length];
  for (const r of (plan && plan.routes) || []) {
    if (r.period !== Math.min(...plan.routes.map((x) => x.period))) continue; // today's
    const depot = sites.get(r.depot_id);
    const pts = [depot, ...r.stops.map((st) => sites.get(st.site_id)), depot].filter(Boolean);
    if (pts.length > 1) {
      const line = svg("polyline", { class: "route", stroke: colour(r.vehicle_id),
        points: pts.map((p) => at(p).join(",")).join(" ") });
      const t = svg("title"); t.textContent = `${r.vehicle_id}: ${r.stops.map((st) => st.site_id).join(" → ")}`;
      line.append(t); map.append(line);
    }
  }
  const order = ["customer", "supplier", "plant", "warehouse", "machine", "vehicle"];
  for (const a of placed.sort((p, q) => order.indexOf(p.kind) - order.indexOf(q.kind))) {
    if (a.kind === "machine") continue;
    const [x, y] = at(a);
    let shape;
    if (a.kind === "warehouse") shape = svg("rect", { x: x - 6, y: y - 6, width: 12, height: 12 });
    else if (a.kind === "plant") shape = svg("polygon", { points: `${x},${y - 7} ${x - 7},${y + 6} ${x + 7},${y + 6}` });
    else if (a.kind === "supplier") shape = svg("polygon", { points: `${x},${y - 7} ${x + 7},${y} ${x},${y + 7} ${x - 7},${y}` });
    else if (a.kind === "vehicle") shape = svg("circle", { cx: x + 4, cy: y - 4, r: 5 });
    else shape = svg("circle", { cx: x, cy: y, r: 4 });
    shape.setAttribute("class", a.kind);
    if (a.kind === "vehicle" && vehicles.includes(a.asset_id)) shape.style.fill = colour(a.asset_id);
    shape.setAttribute("data-asset-id", a.asset_id);
    const title = svg("title"); title.textContent = `${a.name} (${a.asset_id})`; shape.append(title);
    map.append(shape);
    // plants label to the left and warehouses to the right, so a plant's own warehouse does not cover it
    const left = a.kind === "plant" || a.kind === "vehicle";
    const label = svg("text", { x: left ? x - 9 : x + 9, y: a.kind === "vehicle" ? y - 10 : y + 4,
                                "text-anchor": left ? "end" : "start", class: `label ${a.kind}-label` });
    label.textContent = a.asset_id; map.append(label);
  }
}

function bar(label, value, max, text, cls) {
  const pct = max > 0 ? Math.max(0, Math.min(100, (100 * value) / max)) : 0;
  const fill = el("div", { class: `fill ${cls}` });
  fill.style.width = `${pct}%`; // through the CSSOM: the policy refuses style attributes
  return el("div", { class: "bar" }, el("span", {}, label),
    el("div", { class: "track" }, fill), el("span", { class: "num" }, text));
}

function drawStock() {
  const box = $("stock"); box.replaceChildren();
  for (const a of state.assets.values()) {
    if (a.kind !== "warehouse") continue;
    const total = Object.values(a.stock).reduce((x, y) => x + y, 0);
    const cap = a.capacity_units || 0;
    const cls = cap && total / cap > 0.9 ? "low" : cap && total / cap > 0.75 ? "mid" : "";
    const row = bar(a.asset_id, total, cap, `${Math.round(total)} / ${Math.round(cap)}`, cls);
    row.setAttribute("data-asset-id", a.asset_id);
    row.title = Object.entries(a.stock).map(([p, u]) => `${p}: ${Math.round(u)}`).join("\n");
    box.append(row);
  }
}

function overridden(kind, field, id) {
  return state.overrides.some((o) => o.override.kind === kind && o.override[field] === id);
}

function drawMachines() {
  const box = $("machines"); box.replaceChildren();
  const picker = $("whatif-machine"); picker.replaceChildren();
  for (const a of state.assets.values()) {
    if (a.kind !== "machine") continue;
    picker.append(el("option", { value: a.asset_id }, a.asset_id));
    const out = overridden("machine_out", "machine_id", a.asset_id);
    const h = a.health ?? 0;
    const cls = a.down || out ? "low" : h < 0.3 ? "low" : h < 0.6 ? "mid" : "good";
    const text = out ? "OUT (override)" : a.down ? "DOWN" : a.health == null ? "–" : `${Math.round(h * 100)} %`;
    const row = bar(a.asset_id, a.down || out ? 0 : h, 1, text, cls);
    row.setAttribute("data-asset-id", a.asset_id);
    box.append(row);
  }
}

function drawAlerts(fresh) {
  const list = $("alerts"); list.replaceChildren();
  $("alert-count").textContent = `(${state.alerts.length})`;
  for (const { alert: a, ack } of state.alerts.slice(0, 100)) {
    const item = el("li", { class: `sev-${a.severity}${ack ? " acked" : ""}${a.alert_id === fresh ? " new" : ""}`,
                            "data-alert-id": a.alert_id },
      el("strong", {}, `${a.asset_id} · ${a.kind}`), " ", a.message, " ",
      el("span", { class: "meta" }, new Date(a.ts).toISOString().replace("T", " ").slice(0, 19) +
         (ack ? ` · ack by ${ack.by}: ${ack.comment}` : "")));
    if (!ack && (state.role === "operator" || state.role === "admin")) {
      const b = el("button", { type: "button" }, "ack");
      b.onclick = async () => {
        const comment = prompt("Comment") || "";
        if (!comment) return;
        await act(`${a.alert_id} acknowledged`, () => api(`/api/alerts/${encodeURIComponent(a.alert_id)}/ack`, {
          method: "POST", body: JSON.stringify({ comment }) }));
        await loadAlerts();
      };
      item.append(" ", b);
    }
    list.append(item);
  }
}

const OUTCOME_WORDS = { pending: "sent", received: "received", done: "done",
                        rejected: "rejected", timed_out: "timed out" };

function drawCommands() {
  const list = $("commands"); list.replaceChildren();
  for (const c of state.commands) {
    const when = new Date(c.updated_at).toISOString().replace("T", " ").slice(0, 16);
    const item = el("li", { "data-asset-id": c.asset_id, "data-plan-id": c.plan_id },
      el("span", {}, c.asset_id), el("span", { class: `outcome-${c.outcome}` }, OUTCOME_WORDS[c.outcome] || c.outcome),
      el("span", { class: "meta" }, `${c.plan_id} · ${c.reason || when}`));
    list.append(item);
  }
}

// An override in words, as the list of overrides and a plan's causes name it.
function overrideText(o) {
  return o.kind === "machine_out" ? `machine ${o.machine_id} out of planning`
    : o.kind === "pin_supplier" ? `${o.product_id} only from ${o.supplier_id}`
    : `route of ${o.vehicle_id}, day ${o.period + 1}, frozen: ${o.stops.join(" → ")}`;
}

function drawOverrides() {
  const list = $("overrides"); list.replaceChildren();
  if (!state.overrides.length) list.append(el("li", { class: "meta" }, "none"));
  for (const { key, override: o } of state.overrides) {
    const what = overrideText(o);
    const item = el("li", { "data-override": key }, what);
    if (can("admin")) item.append(" ", button("remove", `remove override: ${what}`, async () => {
      await act(`override removed: ${what}`,
                () => api(`/api/control/overrides/${encodeURIComponent(key)}`, { method: "DELETE" }));
      await loadOverrides();
    }));
    list.append(item);
  }
}

function button(text, label, onclick) {
  const b = el("button", { type: "button", "aria-label": label }, text);
  b.onclick = onclick;
  return b;
}

async function setOverride(override) {
  const comment = prompt("Comment (why)") || "";
  if (!comment) return;
  await act("override set", () => api("/api/control/overrides", { method: "POST", body: JSON.stringify({ override, comment }) }));
  await loadOverrides();
}

const HOUR = 3600 * 1000;
const periodStart = (p, k) => Date.parse(p.window.start) + k * p.window.period_hours * HOUR;
const day = (ms) => new Date(ms).toISOString().slice(0, 10);
const hhmm = (ms) => new Date(ms).toISOString().slice(11, 16);
const units = (x) => `${Math.round(x)}`;

function table(box, head, rows) {
  box.replaceChildren();
  if (!rows.length) { box.append(el("p", { class: "meta" }, "none")); return; }
  const tr = (cells, tag) => el("tr", {}, ...cells.map((c) =>
    c instanceof Node ? el(tag, {}, c)
      : tag === "th" && c === "" ? el("th", { scope: "col" }, el("span", { class: "sr-only" }, "action"))
      : el(tag, tag === "th" ? { scope: "col" } : {}, String(c))));
  box.append(el("table", {}, el("thead", {}, tr(head, "th")), el("tbody", {}, ...rows.map((r) => tr(r, "td")))));
}

function pinnedTo(product) {
  const pin = state.overrides.find((o) => o.override.kind === "pin_supplier" && o.override.product_id === product);
  return pin ? pin.override.supplier_id : null;
}

// Where and when a route starts: its depot at its departure, or for a trip under way
// the road where the vehicle was when the plan was made.
function leaves(r, t0) {
  const at = r.departs_h == null ? "" : ` ${hhmm(t0 + r.departs_h * HOUR)}`;
  return r.frozen ? `on the road${at}` : `${r.depot_id}${at}`;
}

function back(r, t0) {
  return r.departs_h == null ? r.depot_id : `${r.depot_id} ${hhmm(t0 + (r.departs_h + r.duration_h) * HOUR)}`;
}

function drawDetail() {
  const p = state.plan && state.plan.plan;
  if (!p) return;
  const admin = can("admin");
  table($("plan-routes"), ["vehicle", "day", "stops (ETA, drops)", "km", ""], p.routes.map((r) => {
    const t0 = periodStart(p, r.period);
    const stops = r.stops.map((st) => `${st.site_id} ${hhmm(t0 + st.arrive_h * HOUR)}` +
      (Object.keys(st.drop).length ? ` (${Object.entries(st.drop).map(([k, v]) => `${k} ${units(v)}`).join(", ")})` : ""));
    const freeze = state.overrides.some((o) => o.override.kind === "freeze_route" &&
                                         o.override.vehicle_id === r.vehicle_id && o.override.period === r.period)
      ? "frozen (override)"
      : admin && !r.frozen ? button("freeze", `freeze the route of ${r.vehicle_id} on ${day(t0)}`,
      () => setOverride({ kind: "freeze_route", vehicle_id: r.vehicle_id, period: r.period,
                          stops: r.stops.map((st) => st.site_id) })) : (r.frozen ? "under way" : "");
    return [r.vehicle_id, day(t0), [leaves(r, t0), ...stops, back(r, t0)].join(" → "),
            Math.round(r.distance_km), freeze];
  }));
  const bySupplier = [...p.purchases].sort((a, b) => a.supplier_id.localeCompare(b.supplier_id) || a.order_period - b.order_period);
  table($("plan-purchases"), ["supplier", "product", "units", "to", "ordered", "arrives", ""], bySupplier.map((po) => [
    po.supplier_id, po.product_id, units(po.quantity), po.destination_id,
    day(periodStart(p, po.order_period)), day(periodStart(p, po.arrival_period)),
    pinnedTo(po.product_id) ? (pinnedTo(po.product_id) === po.supplier_id ? "pinned (override)" : `pinned to ${pinnedTo(po.product_id)}`)
      : admin ? button("pin", `buy ${po.product_id} only from ${po.supplier_id}`,
                       () => setOverride({ kind: "pin_supplier", product_id: po.product_id, supplier_id: po.supplier_id })) : "",
  ]));
  const box = $("plan-production"), timetable = state.timetable;
  if (!timetable || timetable.plan_id !== p.plan_id) {
    box.replaceChildren(el("p", { class: "meta" }, "no timetable for this plan"));
  } else {
    drawGantt(box, p, timetable);
    const machines = [...new Set(timetable.runs.map((r) => r.machine_id))].sort()
      .filter((m) => !overridden("machine_out", "machine_id", m));
    if (admin && machines.length) box.append(el("div", { class: "actions" }, ...machines.map((m) =>
      button(`${m}: take out`, `take ${m} out of planning`, () => setOverride({ kind: "machine_out", machine_id: m })))));
  }
  const short = [...p.shortages].sort((a, b) => a.customer_id.localeCompare(b.customer_id) || a.period - b.period);
  table($("plan-shortages"), ["customer", "product", "day", "units", "why", "bottleneck"], short.map((x) => [
    x.customer_id, x.product_id, day(periodStart(p, x.period)), units(x.quantity), x.reason, x.binding.join(", ") || "–",
  ]));
  const notes = $("plan-notes"); notes.replaceChildren();
  for (const n of p.notes) notes.append(el("li", {}, n));
  if (!p.notes.length) notes.append(el("li", { class: "meta" }, "no notes"));
}

// How a plan was made, from its typed record (`Plan.how`); "–" for plans stored before it.
function made(h) {
  if (!h) return "–";
  const bits = [h.mode];
  if (h.repaired) bits.push(`${h.repaired.redecided} of ${h.repaired.redecided + h.repaired.kept} decisions re-decided`);
  if (h.rounded) bits.push("rounded LP relaxation");
  if (h.time_limited) bits.push("cut at its time limit");
  if (h.kept_plan_id) bits.push(`${h.kept_plan_id} stays in force`);
  return bits.join(", ");
}

function summary(p) {
  const sum = (xs, f) => xs.reduce((a, x) => a + f(x), 0);
  const delivered = sum(p.deliveries, (r) => r.quantity), short = sum(p.shortages, (r) => r.quantity);
  return {
    "objective": p.objective == null ? "–" : Math.round(p.objective),
    "production (units)": units(sum(p.production, (r) => r.quantity)),
    "purchases (units)": units(sum(p.purchases, (r) => r.quantity)),
    "deliveries (units)": units(sum(p.deliveries, (r) => r.quantity)),
    "route km": Math.round(sum(p.routes, (r) => r.distance_km)),
    "shortage (units)": units(short),
    // the plan's own fill: what it delivers over what it delivers and leaves short
    "planned fill": delivered + short > 0 ? `${(100 * delivered / (delivered + short)).toFixed(1)} %` : "–",
    ...Object.fromEntries([...new Set(p.shortages.map((x) => x.product_id))].sort().map((k) =>
      [`shortage of ${k} (units)`, units(sum(p.shortages.filter((x) => x.product_id === k), (x) => x.quantity))])),
  };
}

async function whatIf() {
  const machine = $("whatif-machine").value;
  if (!machine) return;
  $("whatif").disabled = true;
  $("whatif-result").hidden = true;
  try {
    const res = await api("/api/control/what-if", { method: "POST",
      body: JSON.stringify({ event: { kind: "machine_down", machine_id: machine } }) });
    const now = summary(state.plan ? state.plan.plan : { production: [], purchases: [], deliveries: [], routes: [], shortages: [] });
    const then = summary(res.plan);
    const body = $("whatif-table").tBodies[0]; body.replaceChildren();
    for (const k of new Set([...Object.keys(now), ...Object.keys(then)])) {
      const a = now[k] ?? 0, b = then[k] ?? 0;
      const worse = k.startsWith("shortage") || k === "objective" ? Number(b) > Number(a)
        : k === "planned fill" ? parseFloat(b) < parseFloat(a) : false;
      body.append(el("tr", {}, el("th", { scope: "row" }, k), el("td", { class: "num" }, String(a)),
        el("td", { class: `num${worse ? " worse" : ""}` }, String(b))));
    }
    $("whatif-result").hidden = false;
  } finally { $("whatif").disabled = false; }
}

function facts(dl, pairs) {
  dl.replaceChildren();
  for (const [k, v] of pairs) dl.append(el("dt", {}, k), el("dd", {}, String(v)));
}

function drawPlan() {
  const detail = state.plan;
  if (!detail) { $("plan-id").textContent = "none yet"; return; }
  const p = detail.plan;
  $("plan-id").textContent = p.plan_id;
  facts($("plan-facts"), [
    ["created", p.created_at.replace("T", " ").slice(0, 19)], ["status", p.status],
    ["made", made(p.how)],
    ["objective", p.objective == null ? "–" : Math.round(p.objective)],
    ["production runs", p.production.length], ["purchases", p.purchases.length],
    ["routes", p.routes.length],
    ["shortage units", Math.round(p.shortages.reduce((x, s) => x + s.quantity, 0))],
  ]);
  const d = p.diff;
  facts($("plan-diff"), d ? [
    ["from", d.previous_plan_id || "(first plan)"],
    ["production moved", `${units(d.production_moved)} units`],
    ["purchases changed", `${units(d.purchases_changed)} units`],
    ["transfers changed", `${units(d.transfers_changed)} units`],
    ["deliveries changed", `${units(d.deliveries_changed)} units`],
    ["assets changed", d.assets_changed.map((a) => `${a} (${units(d.units_by_asset[a] || 0)} units)`).join(", ") || "none"],
  ] : [["diff", "none recorded"]]);
  const causes = $("plan-causes"); causes.replaceChildren();
  for (const a of detail.causes) {
    causes.append(el("li", { class: `sev-${a.severity}` }, `${a.asset_id} · ${a.kind}: ${a.message}`));
  }
  for (const r of detail.requests || []) {
    const what = r.action === "replan" ? "asked for a replan"
      : `${r.action === "set" ? "set" : "cleared"} ${r.override ? overrideText(r.override) : "an override"}`;
    causes.append(el("li", {}, `${r.by} ${what}${r.comment ? `: “${r.comment}”` : ""}`));
  }
  if (!causes.children.length) causes.append(el("li", {}, "the periodic tick"));
  drawDetail();
}

$("replan").addEventListener("click", async () => {
  const comment = prompt("Comment (why)");
  if (comment === null) return;
  await act("replan asked: the new plan shows here when it is made",
            () => api("/api/control/replan", { method: "POST", body: JSON.stringify({ comment }) }));
});
$("whatif").addEventListener("click", () => act(`what-if with ${$("whatif-machine").value} down, against the plan in force`, whatIf));
$("login").addEventListener("submit", (e) => { e.preventDefault(); signIn($("api-key").value.trim()); });
const saved = sessionStorage.getItem("supplysync.token");
if (saved) { state.token = saved; start().catch(() => { state.token = null; $("login").hidden = false; }); }
