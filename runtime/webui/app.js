// app.js — the Meso web UI: subscribes to the master's operator API
// (api.js), keeps the cluster model (state.js) current with its events,
// and draws the overview, the utilization chart and the paged tables
// (table.js, chart.js) at most a few times a second, however many events
// arrive. Served by the master itself (runtime/master/master_webui.c).

import { ApiError, Subscription, call } from "./api.js";
import { UtilizationChart } from "./chart.js";
import { fmtAmount, fmtMB, fmtNumber, fmtPercent } from "./resources.js";
import { Cluster, isTerminal } from "./state.js";
import { PagedTable, el } from "./table.js";

const RENDER_EVERY_MS = 250; // the most often the page redraws
const SAMPLE_EVERY_S = 2; // utilization samples
const ROLES_EVERY_MS = 5000; // GET_ROLES and GET_QUOTA
const AGENTS_EVERY_MS = 5000; // GET_AGENTS (drain, connection), per 1,000 agents

const cluster = new Cluster();
const $ = (id) => document.getElementById(id);
let live = false;

// ------------------------------------------------------------- formatting

function ago(seconds) {
  if (!seconds) return "–";
  const d = Math.max(0, Date.now() / 1000 - seconds);
  if (d < 60) return `${Math.round(d)} s ago`;
  if (d < 3600) return `${Math.round(d / 60)} min ago`;
  if (d < 86400) return `${fmtNumber(d / 3600, 1)} h ago`;
  return new Date(seconds * 1000).toISOString().slice(0, 16).replace("T", " ");
}

function badge(td, text, kind) {
  const b = el("span", `badge ${kind}`);
  b.textContent = text;
  td.append(b);
}

// A bar filled to a fraction (the text beside it says the number).
function bar(fraction, fillClass = fraction > 0.9 ? "fill high" : "fill") {
  const b = el("span", "bar");
  b.setAttribute("aria-hidden", "true");
  const fill = el("span", fillClass);
  fill.style.width = `${Math.min(100, fraction * 100).toFixed(1)}%`;
  b.append(fill);
  return b;
}

function meterText(td, text) {
  const t = el("span", "meter-text");
  t.textContent = text;
  td.append(t);
}

// "used / total" with a bar.
function meter(td, used, total, kind) {
  td.append(bar(total > 0 ? used / total : 0));
  meterText(td, `${fmtAmount(kind, used)} / ${fmtAmount(kind, total)}`);
}

function twoLines(td, main, sub) {
  const a = el("span", "main");
  a.textContent = main;
  const b = el("span", "sub");
  b.textContent = sub;
  td.append(a, b);
}

const STATE_KIND = {
  TASK_RUNNING: "ok",
  TASK_FINISHED: "done",
  TASK_STAGING: "wait",
  TASK_STARTING: "wait",
  TASK_KILLING: "warn",
  TASK_KILLED: "muted",
};
function taskStateKind(state) {
  return STATE_KIND[state] || (isTerminal(state) ? "bad" : "wait");
}

function agentState(a) {
  if (a.drain) return [a.drain, a.drain === "DRAINED" ? "muted" : "warn"];
  if (a.deactivated) return ["deactivated", "warn"];
  if (!a.active) return ["disconnected", "bad"];
  return ["active", "ok"];
}

function frameworkState(f) {
  if (f.completed) return ["removed", "muted"];
  if (f.recovered) return ["recovered", "wait"];
  if (!f.connected) return ["disconnected", "bad"];
  if (!f.active) return ["inactive", "warn"];
  return ["active", "ok"];
}

// The agent's HTTP address from its pid ("slave(1)@10.0.0.1:5051").
function agentAddress(a) {
  const at = a.pid.lastIndexOf("@");
  return at >= 0 ? a.pid.slice(at + 1) : `${a.hostname}:${a.port}`;
}

// ----------------------------------------------------------------- tables

const frameworksTable = new PagedTable($("frameworks-table"), {
  id: "frameworks-list",
  caption: "Frameworks, their roles and dominant shares",
  noun: "frameworks",
  rows: () => [...cluster.frameworks.values()],
  key: (f) => f.id,
  text: (f) => `${f.name} ${f.id} ${f.role} ${f.user} ${frameworkState(f)[0]}`,
  sortCol: 3,
  sortDesc: true,
  columns: [
    { label: "Name", value: (f) => f.name, cell: (f, td) => twoLines(td, f.name || "(no name)", f.id) },
    { label: "Role", value: (f) => f.role, cell: (f) => f.role },
    {
      label: "State",
      value: (f) => frameworkState(f)[0],
      cell: (f, td) => badge(td, ...frameworkState(f)),
    },
    {
      label: "Dominant share",
      numeric: true,
      descFirst: true,
      value: (f) => cluster.share(f),
      cell: (f, td) => meterShare(td, cluster.share(f)),
    },
    { label: "CPUs", numeric: true, descFirst: true, value: (f) => f.used.cpus, cell: (f) => fmtNumber(f.used.cpus) },
    { label: "Memory", numeric: true, descFirst: true, value: (f) => f.used.mem, cell: (f) => fmtMB(f.used.mem) },
    { label: "Active tasks", numeric: true, descFirst: true, value: (f) => f.tasks, cell: (f) => fmtNumber(f.tasks) },
    { label: "Registered", value: (f) => f.registered, descFirst: true, cell: (f) => ago(f.registered) },
  ],
});

function meterShare(td, share) {
  td.append(bar(share, "fill share"));
  meterText(td, fmtPercent(share));
}

const agentsTable = new PagedTable($("agents-table"), {
  id: "agents-list",
  caption: "Agents, their state and resources",
  noun: "agents",
  rows: () => [...cluster.agents.values()],
  key: (a) => a.id,
  text: (a) => `${a.hostname} ${agentAddress(a)} ${a.id} ${agentState(a)[0]} ${a.attributes}`,
  sortCol: 0,
  columns: [
    { label: "Host", value: (a) => a.hostname, cell: (a, td) => twoLines(td, agentAddress(a), a.id) },
    { label: "State", value: (a) => agentState(a)[0], cell: (a, td) => badge(td, ...agentState(a)) },
    {
      label: "CPUs",
      numeric: true,
      descFirst: true,
      value: (a) => (a.total.cpus ? a.used.cpus / a.total.cpus : 0),
      cell: (a, td) => meter(td, a.used.cpus, a.total.cpus, "cpus"),
    },
    {
      label: "Memory",
      numeric: true,
      descFirst: true,
      value: (a) => (a.total.mem ? a.used.mem / a.total.mem : 0),
      cell: (a, td) => meter(td, a.used.mem, a.total.mem, "mem"),
    },
    { label: "Disk", numeric: true, value: (a) => a.total.disk, cell: (a) => fmtMB(a.total.disk) },
    { label: "Tasks", numeric: true, descFirst: true, value: (a) => a.tasks, cell: (a) => fmtNumber(a.tasks) },
    { label: "Attributes", value: (a) => a.attributes, cell: (a) => a.attributes || "–" },
    { label: "Registered", value: (a) => a.registered, descFirst: true, cell: (a) => ago(a.registered) },
  ],
});

const tasksTable = new PagedTable($("tasks-table"), {
  id: "tasks-list",
  caption: "Tasks, newest change first",
  noun: "tasks",
  rows: () => [...cluster.tasks.values()],
  key: (t) => t.key,
  text: (t) =>
    `${t.id} ${t.name} ${t.state} ${cluster.frameworks.get(t.frameworkId)?.name || ""} ${
      cluster.agents.get(t.agentId)?.hostname || ""
    } ${t.message}`,
  sortCol: 6,
  sortDesc: true,
  columns: [
    { label: "Task", value: (t) => t.id, cell: (t, td) => twoLines(td, t.id, t.name) },
    {
      label: "State",
      value: (t) => t.state,
      cell: (t, td) => {
        badge(td, t.state.replace(/^TASK_/, ""), taskStateKind(t.state));
        if (t.message) td.title = t.message;
      },
    },
    {
      label: "Framework",
      value: (t) => cluster.frameworks.get(t.frameworkId)?.name || t.frameworkId,
      cell: (t) => cluster.frameworks.get(t.frameworkId)?.name || t.frameworkId,
    },
    {
      label: "Agent",
      value: (t) => cluster.agents.get(t.agentId)?.hostname || t.agentId,
      cell: (t) => {
        const a = cluster.agents.get(t.agentId);
        return a ? agentAddress(a) : t.agentId || "–";
      },
    },
    { label: "CPUs", numeric: true, value: (t) => t.res.cpus, cell: (t) => fmtNumber(t.res.cpus) },
    { label: "Memory", numeric: true, value: (t) => t.res.mem, cell: (t) => fmtMB(t.res.mem) },
    { label: "Updated", descFirst: true, value: (t) => t.updated, cell: (t) => ago(t.updated) },
    { label: "Sandbox", value: (t) => t.id, cell: sandboxCell },
  ],
});

// The task's sandbox on its agent's own address (the agent serves /files
// as Mesos's does): its stdout and stderr, and the folder's listing, by
// Mesos's virtual path /frameworks/FW/executors/EX/runs/latest (EX: the
// task's custom executor, else the task itself, as Mesos's command
// executor). Links only: the page itself talks to the master alone.
function sandboxCell(t, td) {
  const a = cluster.agents.get(t.agentId);
  const dir = `/frameworks/${t.frameworkId}/executors/${t.executorId || t.id}/runs/latest`;
  if (!a) {
    const code = el("code");
    code.textContent = "–";
    code.title = `${dir} on an agent this master does not know`;
    td.append(code);
    return;
  }
  const base = `http://${agentAddress(a)}/files`;
  const links = [
    ["stdout", `${base}/download?path=${encodeURIComponent(`${dir}/stdout`)}`, `stdout of ${t.id}`],
    ["stderr", `${base}/download?path=${encodeURIComponent(`${dir}/stderr`)}`, `stderr of ${t.id}`],
    ["files", `${base}/browse?path=${encodeURIComponent(dir)}`, `files in the sandbox of ${t.id}`],
  ];
  links.forEach(([text, href, label], i) => {
    if (i) td.append(" ");
    const link = el("a");
    link.href = href;
    link.textContent = text;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.className = "sandbox-link";
    link.setAttribute("aria-label", label);
    td.append(link);
  });
}

function quotaText(m) {
  if (!m) return "–";
  return Object.entries(m)
    .map(([k, v]) => `${k} ${fmtAmount(k, v)}`)
    .join(", ");
}

const rolesTable = new PagedTable($("roles-table"), {
  id: "roles-list",
  caption: "Roles with their weights, quota and allocations",
  noun: "roles",
  pageSize: 10,
  rows: () => cluster.roles,
  key: (r) => r.name,
  text: (r) => r.name,
  columns: [
    { label: "Role", value: (r) => r.name, cell: (r) => r.name },
    { label: "Weight", numeric: true, value: (r) => r.weight, cell: (r) => fmtNumber(r.weight) },
    { label: "Frameworks", numeric: true, value: (r) => r.frameworks, cell: (r) => fmtNumber(r.frameworks) },
    {
      label: "Allocated",
      value: (r) => r.allocated.cpus,
      cell: (r) => `${fmtNumber(r.allocated.cpus)} CPUs, ${fmtMB(r.allocated.mem)}`,
    },
    { label: "Quota guarantee", value: (r) => r.guarantees?.cpus ?? -1, cell: (r) => quotaText(r.guarantees) },
    { label: "Quota limit", value: (r) => r.limits?.cpus ?? -1, cell: (r) => quotaText(r.limits) },
  ],
});

// ------------------------------------------------------------- overview

const chart = new UtilizationChart($("chart"), { intervalSeconds: SAMPLE_EVERY_S });

function card(id, title, value, detail, fraction) {
  let c = $(id);
  if (!c) {
    c = el("div", "card");
    c.id = id;
    const h = el("h3");
    h.textContent = title;
    const v = el("p", "value");
    const d = el("p", "detail");
    c.append(h, v, bar(0), d);
    $("cards").append(c);
  }
  c.querySelector(".value").textContent = value;
  c.querySelector(".detail").textContent = detail;
  const b = c.querySelector(".bar");
  b.hidden = fraction == null;
  if (fraction != null) b.replaceWith(bar(fraction));
}

function renderCards() {
  let active = 0;
  let draining = 0;
  let disconnected = 0;
  for (const a of cluster.agents.values()) {
    if (a.drain) draining++;
    else if (!a.active) disconnected++;
    else if (!a.deactivated) active++;
  }
  const n = cluster.agents.size;
  card("card-agents", "Agents", fmtNumber(n), `${fmtNumber(active)} active, ${fmtNumber(draining)} draining or drained, ${fmtNumber(disconnected)} disconnected`);
  let fwActive = 0;
  let fwAll = 0;
  for (const f of cluster.frameworks.values()) {
    if (f.completed) continue;
    fwAll++;
    if (f.active) fwActive++;
  }
  card("card-frameworks", "Frameworks", fmtNumber(fwAll), `${fmtNumber(fwActive)} active`);
  const c = (s) => cluster.counts.get(s) || 0;
  card(
    "card-tasks",
    "Tasks",
    fmtNumber(cluster.activeTasks()),
    `${fmtNumber(c("TASK_RUNNING"))} running, ${fmtNumber(c("TASK_STAGING") + c("TASK_STARTING"))} starting, ${fmtNumber(c("TASK_FINISHED"))} finished, ${fmtNumber(c("TASK_FAILED") + c("TASK_LOST") + c("TASK_ERROR"))} failed or lost`,
  );
  for (const [kind, title] of [
    ["cpus", "CPUs"],
    ["mem", "Memory"],
    ["disk", "Disk"],
  ]) {
    const used = cluster.used[kind];
    const total = cluster.total[kind];
    card(
      `card-${kind}`,
      title,
      total > 0 ? fmtPercent(used / total) : "–",
      `${fmtAmount(kind, used)} of ${fmtAmount(kind, total)} held by tasks`,
      total > 0 ? used / total : 0,
    );
  }
}

// ---------------------------------------------------------------- render

let renderTimer = null;
function scheduleRender() {
  if (renderTimer || document.hidden) return;
  renderTimer = setTimeout(() => requestAnimationFrame(render), RENDER_EVERY_MS);
}

function render() {
  renderTimer = null;
  const d = cluster.takeDirty();
  // Shares and usage move with tasks and with the agents' totals.
  if (d.has("frameworks") || d.has("tasks") || d.has("agents")) frameworksTable.invalidate();
  if (d.has("agents")) agentsTable.invalidate();
  if (d.has("tasks") || d.has("agents") || d.has("frameworks")) tasksTable.invalidate();
  if (d.has("roles")) rolesTable.invalidate();
  frameworksTable.render();
  agentsTable.render();
  tasksTable.render();
  rolesTable.render();
  renderCards();
}

document.addEventListener("visibilitychange", () => {
  if (!document.hidden) render();
});
// Relative times ("12 s ago") age: redraw the pages shown now and then.
setInterval(() => {
  if (!document.hidden && !renderTimer) render();
}, 5000);
setInterval(() => {
  if (live) chart.sample(cluster.used, cluster.total);
}, SAMPLE_EVERY_S * 1000);

// ------------------------------------------------------------ connection

function setConnection(state, text, link) {
  const p = $("connection");
  p.className = `pill ${state}`;
  p.replaceChildren(text);
  if (link) {
    const a = el("a");
    a.href = link;
    a.textContent = link;
    p.append(" ", a);
  }
  document.body.dataset.connection = state;
}

async function explainFailure(error) {
  // A standby answers 307 to the leader: say which master leads.
  if (error instanceof ApiError && error.status === 307) {
    try {
      const s = await (await fetch("/state")).json();
      if (s.leading === false) {
        return s.leader
          ? ["standby", "This master is a standby; the leader is", `http://${s.leader}/`]
          : ["standby", "This master is a standby and no master leads yet."];
      }
    } catch (_) {
      /* fall through to the plain message */
    }
  }
  return null;
}

async function showMaster() {
  try {
    const m = (await call({ type: "GET_MASTER" })).get_master;
    const info = m.master_info || {};
    $("master-info").textContent = `master ${info.hostname || info.address?.ip || ""}:${info.port} · ${info.version || ""} · id ${info.id || ""} · up since ${new Date((m.start_time || 0) * 1000).toISOString().slice(0, 19).replace("T", " ")} UTC`;
  } catch (_) {
    /* informative only */
  }
}

const subscription = new Subscription({
  onEvent: (event) => {
    if (cluster.applyEvent(event)) scheduleRender();
    if (event.type === "SUBSCRIBED") {
      pollRoles();
      chart.sample(cluster.used, cluster.total);
    }
  },
  onStatus: async (state, detail) => {
    live = state === "live";
    if (state === "live") {
      setConnection("live", "Live: events from the master");
      showMaster();
    } else if (state === "connecting") {
      setConnection("connecting", "Connecting to the master…");
    } else {
      const standby = await explainFailure(detail.error);
      if (standby) setConnection(...standby);
      else
        setConnection(
          "retrying",
          `Reconnecting in ${fmtNumber(detail.seconds, 1)} s (${detail.error?.message || "stream ended"})`,
        );
    }
  },
});

// --------------------------------------------------------------- polling

async function pollRoles() {
  try {
    const [roles, quota] = await Promise.all([call({ type: "GET_ROLES" }), call({ type: "GET_QUOTA" })]);
    cluster.applyRoles(roles?.get_roles, quota?.get_quota);
    scheduleRender();
  } catch (_) {
    /* the subscription reports the master's absence */
  }
}

let agentsPolling = false;
async function pollAgents() {
  if (agentsPolling || !live || document.hidden) return;
  agentsPolling = true;
  try {
    const r = await call({ type: "GET_AGENTS" });
    cluster.applyAgents(r?.get_agents || {});
    scheduleRender();
  } catch (_) {
    /* as above */
  } finally {
    agentsPolling = false;
  }
}

setInterval(() => {
  if (live && !document.hidden) pollRoles();
}, ROLES_EVERY_MS);
// GET_AGENTS grows with the cluster: ask less often for a large one.
(function agentsLoop() {
  pollAgents();
  const thousands = Math.max(1, Math.ceil(cluster.agents.size / 1000));
  setTimeout(agentsLoop, AGENTS_EVERY_MS * thousands);
})();

// ---------------------------------------------------------- quota, weights

function number(input) {
  const v = input.value.trim();
  return v === "" ? null : Number(v);
}

async function submit(form, body, what) {
  const status = $("roles-status");
  status.className = "form-status";
  status.textContent = `Sending ${what}…`;
  try {
    await call(body);
    status.textContent = `${what} applied.`;
    status.className = "form-status ok";
    pollRoles();
  } catch (e) {
    status.textContent = `${what} refused: ${e.message}`;
    status.className = "form-status bad";
  }
}

$("weight-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const f = ev.target;
  const role = f.elements.role.value.trim();
  const weight = number(f.elements.weight);
  submit(f, { type: "UPDATE_WEIGHTS", update_weights: { weight_infos: [{ role, weight }] } }, `Weight of ${role}`);
});

$("quota-form").addEventListener("submit", (ev) => {
  ev.preventDefault();
  const f = ev.target;
  const role = f.elements.role.value.trim();
  const config = { role };
  for (const part of ["guarantees", "limits"]) {
    const m = {};
    for (const kind of ["cpus", "mem"]) {
      const v = number(f.elements[`${part}-${kind}`]);
      if (v !== null) m[kind] = { value: v };
    }
    if (Object.keys(m).length) config[part] = m;
  }
  submit(
    f,
    { type: "UPDATE_QUOTA", update_quota: { force: f.elements.force.checked, quota_configs: [config] } },
    `Quota of ${role}`,
  );
});

// For a look from the console and for the browser test.
window.meso = { cluster };
render();
subscription.start();
