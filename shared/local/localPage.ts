/**
 * The local page (`npm start`, then http://127.0.0.1:7071/local/): every order with its status timeline and
 * trace, every captured email (HTML rendered in a sandboxed frame) and SMS, the status feed (searchable) and the
 * process's metrics, refreshed every second; the clock and the outbox reset are buttons. Content is set as text,
 * never as markup, except an email's own HTML, which renders in a frame without scripts.
 */
export const localPageHtml = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>varsel — local</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1b1b1b; background: #f6f7f9; }
  header { background: #0b3d5c; color: #fff; padding: 10px 16px; display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
  header h1 { font-size: 18px; margin: 0 12px 0 0; }
  header input, header button { font: inherit; padding: 4px 8px; }
  #search { width: 320px; }
  main { display: grid; grid-template-columns: 1.2fr 1fr; gap: 16px; padding: 16px; }
  section { background: #fff; border: 1px solid #d8dde3; border-radius: 6px; padding: 8px 12px; }
  h2 { font-size: 15px; margin: 4px 0 8px; }
  .order, .message { border-top: 1px solid #e5e8ec; padding: 8px 0; }
  .id { font-family: ui-monospace, monospace; font-size: 12px; color: #555; }
  .status { font-weight: 600; }
  ol.timeline { margin: 4px 0; padding-left: 20px; }
  ol.timeline li time, .feed time { color: #555; font-family: ui-monospace, monospace; font-size: 12px; margin-right: 6px; }
  details summary { cursor: pointer; color: #0b3d5c; }
  iframe { width: 100%; height: 180px; border: 1px solid #d8dde3; background: #fff; }
  pre { white-space: pre-wrap; background: #f2f4f6; padding: 6px; margin: 4px 0; }
  table { border-collapse: collapse; width: 100%; font-size: 12px; }
  td, th { text-align: left; padding: 2px 6px; border-bottom: 1px solid #eee; }
  .failed { color: #a4000f; }
  #feed-section, #metrics-section { grid-column: 1 / -1; }
</style>
</head>
<body>
<header>
  <h1>varsel local</h1>
  <input id="search" type="search" placeholder="Search order id, sender's reference or recipient" aria-label="Search">
  <span>Clock: <output id="now"></output></span>
  <input id="clock-at" type="datetime-local" step="1" aria-label="Clock time">
  <button id="set-clock" type="button">Set clock</button>
  <button id="advance-hour" type="button">+1 hour</button>
  <button id="advance-day" type="button">+1 day</button>
  <button id="reset-outbox" type="button">Empty outbox</button>
</header>
<main>
  <section id="orders-section"><h2>Orders (<span id="order-count">0</span>)</h2><div id="orders"></div></section>
  <section id="messages-section"><h2>Outbox (<span id="message-count">0</span>)</h2><div id="messages"></div></section>
  <section id="feed-section"><h2>Status feed</h2><table><thead><tr><th>Seq</th><th>Organisation</th><th>Order</th><th>Reference</th><th>Status</th><th>Time</th></tr></thead><tbody id="feed"></tbody></table></section>
  <section id="metrics-section"><h2>Metrics (since start)</h2><table><thead><tr><th>Metric</th><th>Dimensions</th><th>Value</th></tr></thead><tbody id="metrics"></tbody></table></section>
</main>
<script>
const api = "/notifications/api/v1/local";
let view = { orders: [], messages: [], feed: [], metrics: [] };
let shown = "";
// Which details a reader opened survive the re-renders.
const opened = new Set();
function details(key, summary) {
  const node = el("details", {}, el("summary", { text: summary }));
  node.open = opened.has(key);
  node.addEventListener("toggle", () => (node.open ? opened.add(key) : opened.delete(key)));
  return node;
}
const el = (tag, props = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "text") node.textContent = value;
    else if (key === "className") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
};
const query = () => document.getElementById("search").value.trim().toLowerCase();
const matches = (q, ...fields) => !q || fields.some((f) => typeof f === "string" && f.toLowerCase().includes(q));

function messageNode(m) {
  const node = el("div", { className: "message", "data-message-id": m.id, "data-channel": m.channel });
  node.append(el("div", {}, el("strong", { text: m.channel === "email" ? "Email" : "SMS" }),
    document.createTextNode(" to " + m.to + " from " + m.from + " "), el("time", { text: m.at })));
  if (m.orderId) node.append(el("div", { className: "id", text: "order " + m.orderId }));
  if (m.subject) node.append(el("div", { className: "subject", text: m.subject }));
  if (m.channel === "email" && m.contentType === "Html") {
    const frame = el("iframe", { sandbox: "", title: "Email " + m.id });
    frame.srcdoc = m.body;
    node.append(frame);
  } else {
    node.append(el("pre", { className: "body", text: m.body }));
  }
  return node;
}

function orderNode(o, messagesById) {
  const node = el("div", { className: "order", "data-order-id": o.id });
  node.append(el("div", {}, el("span", { className: "status", text: o.timeline.at(-1)?.status ?? o.status }),
    document.createTextNode(" " + o.type + " · org " + o.creator + (o.sendersReference ? " · ref " + o.sendersReference : ""))));
  node.append(el("div", { className: "id", text: o.id }));
  const timeline = el("ol", { className: "timeline" });
  for (const step of o.timeline) timeline.append(el("li", {}, el("time", { text: step.at }), document.createTextNode(step.status)));
  node.append(timeline);
  const recipients = el("ul", {});
  for (const n of o.notifications) recipients.append(el("li", { text: n.channel + " " + n.to + ": " + n.status + " at " + n.at }));
  if (o.notifications.length) node.append(recipients);
  const messages = o.messageIds.map((id) => messagesById.get(id)).filter(Boolean);
  if (messages.length) {
    const box = details(o.id + ":messages", messages.length + " captured message(s)");
    for (const m of messages) box.append(messageNode(m));
    node.append(box);
  }
  if (o.trace.length) {
    const box = details(o.id + ":trace", "Trace: " + o.trace.length + " span(s)");
    const table = el("table", {});
    for (const s of o.trace) table.append(el("tr", { className: s.failed ? "failed" : "" },
      el("td", { text: s.start }), el("td", { text: s.name }), el("td", { text: s.durationMs + " ms" })));
    box.append(table);
    node.append(box);
  }
  return node;
}

function render() {
  const q = query();
  const messagesById = new Map(view.messages.map((m) => [m.id, m]));
  const orders = view.orders.filter((o) => matches(q, o.id, o.sendersReference,
    ...o.notifications.map((n) => n.to), ...o.messageIds.map((id) => messagesById.get(id)?.to)));
  document.getElementById("orders").replaceChildren(...orders.map((o) => orderNode(o, messagesById)));
  document.getElementById("order-count").textContent = String(orders.length);
  const messages = view.messages.filter((m) => matches(q, m.to, m.orderId, m.subject,
    view.orders.find((o) => o.id === m.orderId)?.sendersReference)).slice().reverse();
  document.getElementById("messages").replaceChildren(...messages.map(messageNode));
  document.getElementById("message-count").textContent = String(messages.length);
  const feed = view.feed.filter((f) => matches(q, f.shipmentId, f.sendersReference));
  document.getElementById("feed").replaceChildren(...feed.map((f) => el("tr", { className: "feed" },
    el("td", { text: String(f.sequenceNumber) }), el("td", { text: f.creator }), el("td", { className: "id", text: f.shipmentId }),
    el("td", { text: f.sendersReference ?? "" }), el("td", { text: f.status }), el("td", {}, el("time", { text: f.lastUpdate })))));
  const unit = (m) => (m.unit ? " " + m.unit : "");
  document.getElementById("metrics").replaceChildren(...view.metrics.map((m) => el("tr", { className: "metric", "data-metric": m.name },
    el("td", { className: "id", text: m.name }),
    el("td", { text: Object.entries(m.dimensions).map(([k, v]) => k + "=" + v).join(", ") }),
    el("td", { text: m.kind === "sum" ? String(m.value)
      : m.count + " × mean " + m.mean.toFixed(1) + unit(m) + ", max " + m.max.toFixed(1) + unit(m) }))));
}

async function refresh() {
  try {
    const response = await fetch(api + "/view", { cache: "no-store" });
    if (response.ok) {
      const { now, ...rest } = await response.json();
      document.getElementById("now").textContent = now;
      view = { now, ...rest };
      // Re-render only on a change, so that a rendered email is not reloaded every second.
      const text = JSON.stringify(rest);
      if (text !== shown) { shown = text; render(); }
    }
  } finally {
    setTimeout(refresh, 1000);
  }
}

async function setClock(at) {
  await fetch(api + "/clock", { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ at }) });
}
const shift = (ms) => setClock(new Date(Date.parse(view.now) + ms).toISOString());
document.getElementById("search").addEventListener("input", render);
document.getElementById("set-clock").addEventListener("click", () => {
  const value = document.getElementById("clock-at").value;
  if (value) setClock(new Date(value).toISOString());
});
document.getElementById("advance-hour").addEventListener("click", () => shift(3600000));
document.getElementById("advance-day").addEventListener("click", () => shift(86400000));
document.getElementById("reset-outbox").addEventListener("click", () => fetch(api + "/outbox", { method: "DELETE" }));
refresh();
</script>
</body>
</html>
`;
