// The operations-center page: reads the API with a short-lived token and
// follows the live stream. Everything from the server is inserted as text,
// never as HTML.
"use strict";

const state = { token: null, role: null, assets: new Map(), alerts: [], plan: null, es: null,
                pace: null, commands: [] };
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
  if (!res.ok) throw new Error(`${res.status} ${path}`);
  return res.status === 204 ? null : res.json();
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
  await Promise.all([loadAssets(), loadAlerts(), loadPlan(), loadClock()]);
  connect();
  setInterval(refreshToken, 10 * 60 * 1000);
  setInterval(loadClock, 30 * 1000);
  setInterval(drawClock, 1000);
  setInterval(loadCommands, 15 * 1000);
}

async function loadAssets() {
  for (const a of await api("/api/assets")) state.assets.set(a.asset_id, a);
  drawAssets();
}
async function loadAlerts() { state.alerts = await api("/api/alerts?limit=100"); drawAlerts(); }
async function loadPlan() {
  try { state.plan = await api("/api/plans/current"); } catch (e) { state.plan = null; }
  drawPlan(); drawMap(); await loadCommands();
}
async function loadCommands() {
  try { state.commands = await api("/api/commands"); } catch (e) { state.commands = []; }
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

function drawMap() {
  const map = $("map");
  map.replaceChildren();
  const placed = [...state.assets.values()].filter((a) => a.location);
  if (!placed.length) return;
  const lats = placed.map((a) => a.location.lat), lons = placed.map((a) => a.location.lon);
  const [la0, la1, lo0, lo1] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)];
  const k = Math.cos(((la0 + la1) / 2) * Math.PI / 180);
  const w = Math.max((lo1 - lo0) * k, 1e-3), h = Math.max(la1 - la0, 1e-3);
  const s = Math.min(740 / w, 440 / h);
  const xy = (loc) => [30 + (loc.lon - lo0) * k * s, 470 - (loc.lat - la0) * s];
  const sites = new Map(placed.map((a) => [a.asset_id, a]));
  for (const r of (state.plan && state.plan.plan.routes) || []) {
    const depot = sites.get(r.depot_id);
    const pts = [depot, ...r.stops.map((st) => sites.get(st.site_id)), depot].filter(Boolean);
    if (pts.length > 1) map.append(svg("polyline", {
      class: "route", points: pts.map((p) => xy(p.location).join(",")).join(" ") }));
  }
  const order = ["customer", "supplier", "plant", "warehouse", "machine", "vehicle"];
  for (const a of placed.sort((p, q) => order.indexOf(p.kind) - order.indexOf(q.kind))) {
    if (a.kind === "machine") continue;
    const [x, y] = xy(a.location);
    let shape;
    if (a.kind === "warehouse") shape = svg("rect", { x: x - 6, y: y - 6, width: 12, height: 12 });
    else if (a.kind === "plant") shape = svg("polygon", { points: `${x},${y - 7} ${x - 7},${y + 6} ${x + 7},${y + 6}` });
    else if (a.kind === "supplier") shape = svg("polygon", { points: `${x},${y - 7} ${x + 7},${y} ${x},${y + 7} ${x - 7},${y}` });
    else if (a.kind === "vehicle") shape = svg("circle", { cx: x + 4, cy: y - 4, r: 5 });
    else shape = svg("circle", { cx: x, cy: y, r: 4 });
    shape.setAttribute("class", a.kind);
    shape.setAttribute("data-asset-id", a.asset_id);
    const title = svg("title"); title.textContent = `${a.name} (${a.asset_id})`; shape.append(title);
    map.append(shape);
    if (a.kind !== "customer" && a.kind !== "vehicle") {
      const label = svg("text", { x: x + 9, y: y + 4 }); label.textContent = a.asset_id; map.append(label);
    }
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

function drawMachines() {
  const box = $("machines"); box.replaceChildren();
  for (const a of state.assets.values()) {
    if (a.kind !== "machine") continue;
    const h = a.health ?? 0;
    const cls = a.down ? "low" : h < 0.3 ? "low" : h < 0.6 ? "mid" : "good";
    const text = a.down ? "DOWN" : a.health == null ? "–" : `${Math.round(h * 100)} %`;
    const row = bar(a.asset_id, a.down ? 0 : h, 1, text, cls);
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
        await api(`/api/alerts/${encodeURIComponent(a.alert_id)}/ack`, {
          method: "POST", body: JSON.stringify({ comment }) });
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
    const item = el("li", { "data-asset-id": c.asset_id },
      el("span", {}, c.asset_id), el("span", { class: `outcome-${c.outcome}` }, OUTCOME_WORDS[c.outcome] || c.outcome),
      el("span", { class: "meta" }, c.reason || new Date(c.updated_at).toISOString().replace("T", " ").slice(0, 16)));
    list.append(item);
  }
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
    ["objective", p.objective == null ? "–" : Math.round(p.objective)],
    ["production runs", p.production.length], ["purchases", p.purchases.length],
    ["routes", p.routes.length],
    ["shortage units", Math.round(p.shortages.reduce((x, s) => x + s.quantity, 0))],
  ]);
  const d = p.diff;
  facts($("plan-diff"), d ? [
    ["from", d.previous_plan_id || "(first plan)"], ["production moved", d.production_moved],
    ["purchases changed", d.purchases_changed], ["deliveries changed", d.deliveries_changed],
    ["assets changed", d.assets_changed.join(", ") || "none"],
  ] : [["diff", "none recorded"]]);
  const causes = $("plan-causes"); causes.replaceChildren();
  for (const a of detail.causes) {
    causes.append(el("li", { class: `sev-${a.severity}` }, `${a.asset_id} · ${a.kind}: ${a.message}`));
  }
  if (!detail.causes.length) causes.append(el("li", {}, p.causes.join(", ") || "periodic tick"));
}

$("login").addEventListener("submit", (e) => { e.preventDefault(); signIn($("api-key").value.trim()); });
const saved = sessionStorage.getItem("supplysync.token");
if (saved) { state.token = saved; start().catch(() => { state.token = null; $("login").hidden = false; }); }
