// The live picture of a node's pods. It reads the page's own server (read-only, behind the token
// of its address) once a second and draws: the pod list, one pod's namespaces as shapes spanning the
// processes that share them, a timeline of every container's runs, and each container's usage and
// last log lines. Everything is built with DOM calls and textContent, never from HTML strings: pod
// names, messages and log lines are the pods' words, not the page's.
"use strict";

const TOKEN = new URLSearchParams(location.search).get("token") || "";
const SVG = "http://www.w3.org/2000/svg";
const KINDS = ["net", "pid", "ipc", "uts", "mnt", "cgroup", "user"];
const POLL_MS = 1000;
const SAMPLES = 60;

/** Per container (namespace/pod/container), the last SAMPLES usage readings: the charts' data. */
const samples = new Map();
let selected = decodeURIComponent(location.hash.replace(/^#pod\//, "")) || null;

function api(path) {
  return fetch(path + (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(TOKEN), { cache: "no-store" })
    .then(r => {
      if (!r.ok) {
        return r.text().then(t => { throw new Error(r.status + " " + t.trim()); });
      }
      return r.json();
    });
}

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null) node.setAttribute(k, v);
  }
  if (text !== undefined) node.textContent = text;
  return node;
}

function svg(tag, attrs, text) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v !== undefined && v !== null) node.setAttribute(k, v);
  }
  if (text !== undefined) node.textContent = text;
  return node;
}

function titled(node, text) {
  node.appendChild(svg("title", {}, text));
  return node;
}

/** As kubectl prints an age: 42s, 5m, 3h, 2d. */
function age(fromMs, nowMs) {
  const s = Math.max(0, Math.floor((nowMs - fromMs) / 1000));
  return s < 120 ? s + "s" : s < 7200 ? Math.floor(s / 60) + "m" : s < 172800 ? Math.floor(s / 3600) + "h" : Math.floor(s / 86400) + "d";
}

function span(ms) {
  if (ms < 1000) return Math.round(ms) + " ms";
  if (ms < 120000) return (ms / 1000).toFixed(ms < 10000 ? 1 : 0) + " s";
  return age(0, ms);
}

function bytes(n) {
  if (n < 0 || n === undefined) return "?";
  const units = ["B", "KiB", "MiB", "GiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(1)) + " " + units[i];
}

/** A colour per namespace inode, stable across refreshes: the kernel hands out inodes in sequence, and
 * the golden angle puts neighbours far apart on the colour wheel. */
function colour(inode) {
  return "hsl(" + Math.round((Number(inode) % 1000) * 137.508 % 360) + ", 55%, 64%)";
}

function statusWord(pod) {
  return (pod.metadata.annotations || {})["podshim.io/status"] || pod.status.phase;
}

// --- the pod list -----------------------------------------------------------------------------

function renderPods(list) {
  const body = document.querySelector("#pods tbody");
  const now = Date.now();
  body.replaceChildren();
  const keys = [];
  for (const pod of list.items) {
    const key = pod.metadata.namespace + "/" + pod.metadata.name;
    keys.push(key);
    const statuses = pod.status.containerStatuses || [];
    const ready = statuses.filter(c => c.ready).length + "/" + (pod.spec.containers || []).length;
    const restarts = [...statuses, ...(pod.status.initContainerStatuses || [])].reduce((n, c) => n + (c.restartCount || 0), 0);
    const row = el("tr", { "data-pod": key, "aria-current": key === selected ? "true" : "false" });
    const name = el("td");
    const button = el("button", { type: "button", "aria-label": "Show pod " + pod.metadata.name }, pod.metadata.name);
    button.addEventListener("click", () => select(key));
    name.appendChild(button);
    row.appendChild(name);
    row.appendChild(el("td", {}, ready));
    row.appendChild(el("td", { class: "status" }, statusWord(pod)));
    row.appendChild(el("td", {}, String(restarts)));
    row.appendChild(el("td", {}, age(Date.parse(pod.metadata.creationTimestamp), now)));
    row.appendChild(el("td", {}, pod.status.podIP || "<none>"));
    body.appendChild(row);
  }
  document.getElementById("no-pods").hidden = list.items.length > 0;
  if (!selected && keys.length > 0) {
    select(keys[0]);
  }
}

function select(key) {
  selected = key;
  history.replaceState(null, "", location.pathname + location.search + "#pod/" + encodeURIComponent(key));
  document.querySelectorAll("#pods tr[data-pod]").forEach(r => r.setAttribute("aria-current", String(r.dataset.pod === key)));
  refresh();
}

// --- one pod ----------------------------------------------------------------------------------

function renderPod(picture) {
  const pod = picture.pod;
  const article = document.getElementById("pod");
  article.hidden = false;
  article.dataset.pod = pod.metadata.namespace + "/" + pod.metadata.name;
  const word = statusWord(pod);
  const title = document.getElementById("pod-title");
  title.replaceChildren(document.createTextNode(pod.metadata.name + " "),
    el("span", { id: "pod-status", class: /Error|OOM|BackOff|Failed|Evicted/.test(word) ? "status-bad" : "status-" + word }, word));
  const a = pod.metadata.annotations || {};
  const facts = [["namespace", pod.metadata.namespace], ["node", pod.spec.nodeName], ["pod IP", (pod.status.podIPs || []).map(p => p.ip).join(", ") || "<none>"],
    ["QoS", pod.status.qosClass], ["pause pid", a["podshim.io/pause-pid"] || "-"], ["cgroup", a["podshim.io/cgroup"] || "-"],
    ["phase", pod.status.phase + (pod.status.reason ? " (" + pod.status.reason + ")" : "")], ["uid", pod.metadata.uid]];
  const dl = document.getElementById("pod-facts");
  dl.replaceChildren();
  for (const [k, v] of facts) {
    dl.appendChild(el("dt", {}, k));
    dl.appendChild(el("dd", {}, v === undefined ? "-" : String(v)));
  }
  renderNamespaces(picture);
  renderTimeline(picture);
  renderContainers(picture);
}

/**
 * Columns: the host, the pause, each container with a process. Rows: the namespace kinds. In each
 * row, neighbouring columns in the same namespace are one shape; a namespace that comes back further
 * along (not next to its first columns) is drawn again in the same colour with the same inode.
 */
function renderNamespaces(picture) {
  const diagram = document.getElementById("ns-diagram");
  const processes = picture.processes;
  document.getElementById("ns-gone").hidden = processes.length > 0;
  // A container with no process now (an init container that is done, one in back-off) has no namespaces to show.
  const absent = picture.containers.filter(c => !processes.some(p => p.name === c.name))
    .map(c => c.name + " (" + (c.state.reason || c.state.kind) + ")");
  const note = document.getElementById("ns-absent");
  note.hidden = absent.length === 0 || processes.length === 0;
  note.textContent = "No process now, so not drawn: " + absent.join(", ");
  diagram.replaceChildren();
  if (processes.length === 0) {
    diagram.setAttribute("width", 0);
    diagram.setAttribute("height", 0);
    return;
  }
  const labelW = 170, colW = 128, headH = 46, rowH = 34, pad = 6;
  const width = labelW + processes.length * colW + pad;
  const height = headH + KINDS.length * rowH + pad;
  diagram.setAttribute("width", width);
  diagram.setAttribute("height", height);
  diagram.setAttribute("viewBox", "0 0 " + width + " " + height);
  const host = processes.find(p => p.name === "host");
  const pod = picture.pod;
  const ips = (pod.status.podIPs || []).map(p => p.ip).join(", ");
  const iface = (pod.metadata.annotations || {})["podshim.io/pod-interface"];
  processes.forEach((p, i) => {
    const x = labelW + i * colW + colW / 2;
    const head = svg("g", { class: "column", "data-name": p.name, "data-role": p.role, "data-pid": p.pid });
    head.appendChild(svg("text", { x, y: 16, "text-anchor": "middle", class: "label" }, p.name));
    head.appendChild(svg("text", { x, y: 31, "text-anchor": "middle", class: "small" }, p.role + " · pid " + p.pid));
    diagram.appendChild(head);
  });
  KINDS.forEach((kind, r) => {
    const y = headH + r * rowH;
    const lane = kind === "net" && ips ? "net · " + (iface ? iface + " " : "") + ips : kind;
    diagram.appendChild(svg("text", { x: 4, y: y + rowH / 2 + 4, class: "label" }, lane));
    let i = 0;
    while (i < processes.length) {
      const inode = processes[i].namespaces[kind];
      let j = i;
      while (j + 1 < processes.length && processes[j + 1].namespaces[kind] === inode) j++;
      const members = processes.slice(i, j + 1).map(p => p.name);
      const everyone = processes.filter(p => p.namespaces[kind] === inode).map(p => p.name);
      const isHost = host && host.namespaces[kind] === inode;
      const g = svg("g", { class: "ns", "data-kind": kind, "data-inode": inode, "data-members": members.join(" "),
        "data-host": String(isHost) });
      const x = labelW + i * colW + 4;
      const w = (j - i + 1) * colW - 8;
      g.appendChild(svg("rect", { x, y: y + 4, width: w, height: rowH - 8, rx: 8, fill: isHost ? "#c9ced6" : colour(inode),
        stroke: isHost ? "#9aa3ae" : "none", "stroke-dasharray": isHost ? "4 3" : null }));
      const text = isHost ? "host's" : everyone.length === 1 ? "own" : "shared by " + everyone.filter(n => n !== "host").length;
      g.appendChild(svg("text", { x: x + w / 2, y: y + rowH / 2 + 4, "text-anchor": "middle" }, text + " · " + inode));
      titled(g, kind + ":[" + inode + "] — " + everyone.join(", "));
      diagram.appendChild(g);
      i = j + 1;
    }
  });
}

/** Bars per run, hatched waits, event marks; x from the pod's creation to now (or its end). */
function renderTimeline(picture) {
  const timeline = document.getElementById("timeline");
  timeline.replaceChildren();
  const pod = picture.pod;
  const containers = picture.containers;
  const created = Date.parse(pod.metadata.creationTimestamp);
  const times = [picture.now];
  for (const c of containers) {
    for (const r of c.runs) times.push(r.startedAt || r.finishedAt);
    for (const w of c.waits) times.push(w.since);
  }
  for (const e of picture.events) times.push(e.time);
  const t0 = Math.min(created, ...times.filter(t => t));
  const t1 = Math.max(picture.now, t0 + 1000);
  const labelW = 170, plotW = 760, rowH = 26, axisH = 24;
  const width = labelW + plotW + 20;
  const lanes = [{ name: "sandbox", role: "pause" }, ...containers];
  const height = lanes.length * rowH + axisH + 6;
  timeline.setAttribute("width", width);
  timeline.setAttribute("height", height);
  timeline.setAttribute("viewBox", "0 0 " + width + " " + height);
  const x = t => labelW + (Math.min(Math.max(t, t0), t1) - t0) / (t1 - t0) * plotW;
  const defs = svg("defs");
  const hatch = svg("pattern", { id: "hatch", width: 6, height: 6, patternUnits: "userSpaceOnUse", patternTransform: "rotate(45)" });
  hatch.appendChild(svg("rect", { width: 6, height: 6, fill: "#f6e7c8" }));
  hatch.appendChild(svg("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: "#d98e04", "stroke-width": 2 }));
  defs.appendChild(hatch);
  timeline.appendChild(defs);
  lanes.forEach((lane, i) => {
    const y = i * rowH;
    timeline.appendChild(svg("text", { x: 4, y: y + rowH / 2 + 4, class: "label" }, lane.name));
    timeline.appendChild(svg("text", { x: labelW - 6, y: y + rowH / 2 + 4, class: "small", "text-anchor": "end" }, lane.role));
    timeline.appendChild(svg("line", { x1: labelW, x2: labelW + plotW, y1: y + rowH - 0.5, y2: y + rowH - 0.5, stroke: "#eef1f5" }));
  });
  // The sandbox: from the pod's start to now, or until its pause was gone.
  const annotations = pod.metadata.annotations || {};
  const sandboxEnd = pod.metadata.deletionTimestamp ? Date.parse(pod.metadata.deletionTimestamp) : picture.now;
  if (pod.status.startTime) {
    const s = Math.max(Date.parse(pod.status.startTime), t0);
    const bar = svg("rect", { class: "sandbox", x: x(s), y: 5, width: Math.max(3, x(sandboxEnd) - x(s)), height: rowH - 10, rx: 3, fill: "#b8c2cf" });
    titled(bar, "sandbox" + (annotations["podshim.io/pause-pid"] ? ": pause pid " + annotations["podshim.io/pause-pid"] : ""));
    timeline.appendChild(bar);
  }
  containers.forEach((c, i) => {
    const y = (i + 1) * rowH;
    for (const w of c.waits) {
      const end = w.until || picture.now;
      const rect = svg("rect", { class: "wait", "data-container": c.name, "data-reason": w.reason, x: x(w.since), y: y + 8,
        width: Math.max(2, x(end) - x(w.since)), height: rowH - 16, fill: "url(#hatch)" });
      titled(rect, c.name + " waiting: " + w.reason + " for " + span(end - w.since));
      timeline.appendChild(rect);
    }
    c.runs.forEach((r, n) => {
      const start = r.startedAt || r.finishedAt;
      const end = r.finishedAt || picture.now;
      const running = !r.finishedAt;
      const fill = running ? "var(--run)" : r.reason === "OOMKilled" ? "var(--oom)" : r.reason === "Completed" ? "var(--done)"
        : r.exitCode === 0 ? "var(--done)" : "var(--error)";
      const bx = x(start), bw = Math.max(4, x(end) - x(start));
      const g = svg("g", { class: "run", "data-container": c.name, "data-run": n, "data-start": start, "data-end": r.finishedAt || "",
        "data-reason": running ? "Running" : r.reason || "", "data-exit-code": r.exitCode === undefined ? "" : r.exitCode });
      g.appendChild(svg("rect", { x: bx, y: y + 4, width: bw, height: rowH - 8, rx: 3, fill }));
      const label = running ? "running" : (r.reason || "exited") + (r.exitCode !== undefined ? " (" + r.exitCode + ")" : "");
      // The label goes inside the bar, or after it if the lane is free up to the next run; else only on hover.
      const room = n + 1 < c.runs.length ? x(c.runs[n + 1].startedAt || c.runs[n + 1].finishedAt) : labelW + plotW + 20;
      const wide = label.length * 6.2 + 8;
      if (bw > wide || bx + bw + 3 + wide < room) {
        g.appendChild(svg("text", { x: bw > wide ? bx + 4 : bx + bw + 3, y: y + rowH / 2 + 4, class: bw > wide ? "on-dark" : "small" },
          label));
      }
      titled(g, c.name + " run " + (n + 1) + ": " + label + ", " + span(end - start)
        + (running ? " so far" : "") + "\nstarted " + new Date(start).toISOString());
      timeline.appendChild(g);
    });
  });
  // Events as marks on their container's lane (the pod's own on the sandbox lane).
  for (const e of picture.events) {
    const lane = Math.max(0, lanes.findIndex(l => l.name === e.object));
    const cx = x(e.time), cy = lane * rowH + 4;
    const mark = svg("path", { class: "mark", "data-reason": e.reason, "data-object": e.object,
      d: "M" + cx + " " + cy + " l4 -4 l-4 -4 l-4 4 z", transform: "translate(0 5)",
      fill: e.type === "Warning" ? "var(--error)" : "var(--muted)" });
    titled(mark, e.reason + ": " + e.message + (e.count > 1 ? " (x" + e.count + ")" : "") + "\n" + new Date(e.time).toISOString());
    timeline.appendChild(mark);
  }
  // The axis: time since the pod was created.
  const axisY = lanes.length * rowH + 4;
  timeline.appendChild(svg("line", { x1: labelW, x2: labelW + plotW, y1: axisY, y2: axisY, stroke: "#9aa3ae" }));
  const total = t1 - t0;
  const step = [100, 250, 500, 1000, 2000, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000, 21600000, 86400000]
    .find(s => total / s <= 8) || 86400000;
  for (let t = 0; t <= total; t += step) {
    timeline.appendChild(svg("line", { x1: x(t0 + t), x2: x(t0 + t), y1: axisY, y2: axisY + 4, stroke: "#9aa3ae" }));
    timeline.appendChild(svg("text", { x: x(t0 + t), y: axisY + 16, "text-anchor": "middle", class: "small" }, span(t)));
  }
}

function stateText(s) {
  if (!s) return "";
  if (s.kind === "running") return "Running since " + new Date(s.startedAt).toLocaleTimeString();
  if (s.kind === "waiting") return "Waiting: " + (s.reason || "") + (s.message ? " — " + s.message : "");
  return "Terminated: " + (s.reason || "") + " (exit " + s.exitCode + ")" + (s.message ? " — " + s.message : "");
}

function renderContainers(picture) {
  const box = document.getElementById("containers");
  const podKey = picture.pod.metadata.namespace + "/" + picture.pod.metadata.name;
  box.replaceChildren();
  for (const c of picture.containers) {
    const key = podKey + "/" + c.name;
    const card = el("section", { class: "container", "data-container": c.name, "aria-label": "container " + c.name });
    const h = el("h4", {}, c.name);
    h.appendChild(el("span", { class: "role" }, c.role));
    card.appendChild(h);
    card.appendChild(el("p", { class: "state", "data-kind": c.state.kind, "data-reason": c.state.reason || "" }, stateText(c.state)));
    card.appendChild(el("p", { class: "restarts" }, "restarts: " + c.restartCount + (c.ready ? " · ready" : "")));
    if (c.lastState && c.lastState.kind === "terminated") {
      card.appendChild(el("p", { class: "last" }, "last termination: " + (c.lastState.reason || "") + ", exit " + c.lastState.exitCode
        + (c.lastState.message ? " — " + c.lastState.message : "")));
    }
    if (c.usage && c.state.kind !== "terminated") {
      const series = samples.get(key) || [];
      const last = series[series.length - 1];
      if (!last || last.t !== picture.now) {
        series.push({ t: picture.now, mem: c.usage.memoryBytes, cpu: c.usage.cpuNanos });
      }
      while (series.length > SAMPLES) series.shift();
      samples.set(key, series);
      const charts = el("div", { class: "charts" });
      charts.appendChild(chart("memory", series.map(s => ({ t: s.t, v: s.mem })), c.usage.memoryLimitBytes,
        bytes(c.usage.memoryBytes) + (c.usage.memoryLimitBytes ? " of " + bytes(c.usage.memoryLimitBytes) : " (no limit)")));
      const cpu = [];
      for (let i = 1; i < series.length; i++) {
        const dt = series[i].t - series[i - 1].t;
        if (dt > 0 && series[i].cpu >= series[i - 1].cpu) cpu.push({ t: series[i].t, v: (series[i].cpu - series[i - 1].cpu) / 1e6 / dt * 1000 });
      }
      const now = cpu.length ? Math.round(cpu[cpu.length - 1].v) + "m" : "…";
      charts.appendChild(chart("cpu", cpu, c.usage.cpuLimitMilli, now + (c.usage.cpuLimitMilli ? " of " + c.usage.cpuLimitMilli + "m" : " (no limit)")));
      card.appendChild(charts);
    }
    if (c.logs.length) {
      card.appendChild(el("pre", { class: "logs", "aria-label": "last log lines of " + c.name }, c.logs.join("\n")));
    }
    box.appendChild(card);
  }
}

/** A small line chart of {@code points} ({t, v}) against its limit (a dashed line) if it has one. */
function chart(name, points, limit, caption) {
  const figure = el("figure", { class: "chart", "data-chart": name });
  const w = 300, h = 48;
  const plot = svg("svg", { viewBox: "0 0 " + w + " " + h, preserveAspectRatio: "none", role: "img", "aria-label": name + ": " + caption });
  const top = Math.max(limit || 0, ...points.map(p => p.v), 1) * 1.1;
  if (limit) {
    const ly = h - limit / top * h;
    plot.appendChild(svg("line", { x1: 0, x2: w, y1: ly, y2: ly, stroke: "var(--error)", "stroke-dasharray": "4 3" }));
  }
  if (points.length > 1) {
    const tMin = points[0].t, tMax = points[points.length - 1].t;
    const d = points.map((p, i) => (i ? "L" : "M") + ((p.t - tMin) / Math.max(1, tMax - tMin) * w).toFixed(1) + " "
      + (h - p.v / top * h).toFixed(1)).join(" ");
    plot.appendChild(svg("path", { d, fill: "none", stroke: "var(--done)", "stroke-width": 1.5 }));
  }
  figure.appendChild(plot);
  figure.appendChild(el("figcaption", {}, name + ": " + caption));
  return figure;
}

// --- the loop ---------------------------------------------------------------------------------

let busy = false;

function connection(problem) {
  const banner = document.getElementById("connection");
  banner.hidden = !problem;
  banner.textContent = problem ? "The daemon does not answer (" + problem + "): trying again every second" : "";
  document.body.dataset.connected = String(!problem);
}

async function refresh() {
  if (busy) return;
  busy = true;
  try {
    const list = await api("api/pods");
    renderPods(list);
    if (selected) {
      const [namespace, name] = selected.split("/");
      if (list.items.some(p => p.metadata.namespace === namespace && p.metadata.name === name)) {
        renderPod(await api("api/pods/" + encodeURIComponent(namespace) + "/" + encodeURIComponent(name)));
      } else {
        document.getElementById("pod").hidden = true;
      }
    }
    connection(null);
    document.body.dataset.refreshed = String(Date.now());
  } catch (e) {
    connection(e.message);
  } finally {
    busy = false;
  }
}

refresh();
setInterval(refresh, POLL_MS);
