// state.js — the cluster as the page knows it: built from a GET_STATE
// answer (SUBSCRIBED carries one), kept current by the operator API's
// events, and refreshed by the polled calls that have no events (GET_AGENTS
// for drain and connection state, GET_ROLES and GET_QUOTA). Every event
// costs O(1): what tasks hold is added to or taken from their agent, their
// framework and the cluster as tasks start and end, never summed again.

import { add, dominantShare, scalars, zero } from "./resources.js";

const TERMINAL = new Set([
  "TASK_FINISHED",
  "TASK_FAILED",
  "TASK_KILLED",
  "TASK_LOST",
  "TASK_ERROR",
  "TASK_DROPPED",
  "TASK_GONE",
  "TASK_GONE_BY_OPERATOR",
  "TASK_UNKNOWN",
]);

export function isTerminal(state) {
  return TERMINAL.has(state);
}

const nowSeconds = () => Date.now() / 1000;
const nanosToSeconds = (t) => (t && t.nanoseconds != null ? Number(t.nanoseconds) / 1e9 : 0);

export class Cluster {
  // maxCompleted bounds the finished tasks the page keeps (oldest dropped).
  constructor({ maxCompleted = 20000 } = {}) {
    this.maxCompleted = maxCompleted;
    this.reset();
  }

  reset() {
    this.agents = new Map(); // agent id -> agent
    this.frameworks = new Map(); // framework id -> framework
    this.tasks = new Map(); // "framework/task" -> task, active and completed
    this.completed = new Set(); // keys of completed tasks, oldest first
    this.total = zero(); // every agent's resources
    this.used = zero(); // what active tasks hold
    this.roles = []; // GET_ROLES merged with GET_QUOTA
    this.weights = new Map();
    this.counts = new Map(); // task state -> tasks in it
    // What changed since the view last looked: "agents", "frameworks", "tasks", "roles".
    this.dirty = new Set(["agents", "frameworks", "tasks", "roles"]);
  }

  // ---------------------------------------------------------------- state

  // A GET_STATE answer's get_state (or SUBSCRIBED's): the whole cluster.
  applyState(state) {
    this.reset();
    for (const a of state.get_agents?.agents || []) this.addAgent(a);
    const fws = state.get_frameworks || {};
    for (const f of fws.frameworks || []) this.addFramework(f, false);
    for (const f of fws.completed_frameworks || []) this.addFramework(f, true);
    const tasks = state.get_tasks || {};
    // Completed first, oldest first, so the bound drops the oldest.
    for (const t of tasks.completed_tasks || []) this.upsertTask(t);
    for (const t of tasks.tasks || []) this.upsertTask(t);
    for (const t of tasks.unreachable_tasks || []) this.upsertTask(t);
  }

  addAgent(a) {
    const info = a.agent_info || {};
    const id = info.id?.value;
    if (!id) return;
    const old = this.agents.get(id);
    if (old) add(this.total, old.total, -1);
    const agent = old || { id, used: zero(), tasks: 0 };
    agent.hostname = info.hostname || "";
    agent.port = info.port || 0;
    agent.pid = a.pid || "";
    agent.version = a.version || "";
    agent.active = a.active !== false;
    agent.deactivated = !!a.deactivated;
    agent.drain = a.drain_info?.state || "";
    agent.registered = nanosToSeconds(a.registered_time);
    agent.total = scalars(a.total_resources || info.resources);
    agent.attributes = (info.attributes || []).map(attributeText).join(";");
    add(this.total, agent.total);
    this.agents.set(id, agent);
    this.dirty.add("agents");
  }

  removeAgent(id) {
    const agent = this.agents.get(id);
    if (!agent) return;
    add(this.total, agent.total, -1);
    this.agents.delete(id);
    this.dirty.add("agents");
    this.dirty.add("frameworks"); // their shares change with the total
  }

  addFramework(f, completed) {
    const info = f.framework_info || {};
    const id = info.id?.value;
    if (!id) return;
    const fw = this.frameworks.get(id) || { id, used: zero(), tasks: 0 };
    fw.name = info.name || "";
    fw.user = info.user || "";
    fw.role = (info.roles && info.roles[0]) || info.role || "*";
    fw.active = !completed && f.active !== false;
    fw.connected = !completed && f.connected !== false;
    fw.recovered = !!f.recovered;
    fw.completed = !!completed;
    fw.registered = nanosToSeconds(f.registered_time);
    fw.unregistered = nanosToSeconds(f.unregistered_time);
    this.frameworks.set(id, fw);
    this.dirty.add("frameworks");
  }

  // A Task message: a new task, or a new version of a known one.
  upsertTask(t) {
    const fwId = t.framework_id?.value || "";
    const taskId = t.task_id?.value || "";
    const key = `${fwId}/${taskId}`;
    let task = this.tasks.get(key);
    if (!task) {
      task = {
        key,
        id: taskId,
        name: t.name || "",
        frameworkId: fwId,
        agentId: t.agent_id?.value || "",
        executorId: t.executor_id?.value || "",
        state: null,
        res: scalars(t.resources),
        updated: 0,
        message: "",
      };
      this.tasks.set(key, task);
    }
    const statuses = t.statuses || [];
    const last = statuses[statuses.length - 1];
    this.setState(task, t.state, last?.timestamp || nowSeconds(), last?.message);
  }

  // A TASK_UPDATED event's framework id, status and state.
  updateTask(fwId, status, state) {
    const key = `${fwId}/${status.task_id?.value}`;
    const task = this.tasks.get(key);
    if (!task) return; // a task the page never saw (dropped as old): nothing to show
    this.setState(task, state || status.state, status.timestamp || nowSeconds(), status.message);
  }

  // Moves a task to a state, carrying what it holds with it.
  setState(task, state, when, message) {
    const wasActive = task.state !== null && !isTerminal(task.state);
    const active = !isTerminal(state);
    if (task.state !== null) this.count(task.state, -1);
    this.count(state, 1);
    task.state = state;
    task.updated = when;
    if (message !== undefined) task.message = message || "";
    if (wasActive !== active) this.hold(task, active ? 1 : -1);
    if (active) {
      this.completed.delete(task.key);
    } else if (!this.completed.has(task.key)) {
      this.completed.add(task.key);
      this.trimCompleted();
    }
    this.dirty.add("tasks");
  }

  hold(task, sign) {
    add(this.used, task.res, sign);
    const agent = this.agents.get(task.agentId);
    if (agent) {
      add(agent.used, task.res, sign);
      agent.tasks += sign;
      this.dirty.add("agents");
    }
    const fw = this.frameworks.get(task.frameworkId);
    if (fw) {
      add(fw.used, task.res, sign);
      fw.tasks += sign;
    }
    this.dirty.add("frameworks");
  }

  count(state, n) {
    this.counts.set(state, (this.counts.get(state) || 0) + n);
  }

  trimCompleted() {
    while (this.completed.size > this.maxCompleted) {
      const oldest = this.completed.values().next().value;
      this.completed.delete(oldest);
      const task = this.tasks.get(oldest);
      if (task) this.count(task.state, -1);
      this.tasks.delete(oldest);
    }
  }

  // --------------------------------------------------------------- events

  // One operator API event (JSON). Returns false for types it ignores.
  applyEvent(ev) {
    switch (ev.type) {
      case "SUBSCRIBED":
        this.applyState(ev.subscribed?.get_state || {});
        return true;
      case "TASK_ADDED":
        this.upsertTask(ev.task_added.task);
        return true;
      case "TASK_UPDATED": {
        const u = ev.task_updated;
        this.updateTask(u.framework_id?.value || "", u.status || {}, u.state);
        return true;
      }
      case "AGENT_ADDED":
        this.addAgent(ev.agent_added.agent);
        return true;
      case "AGENT_REMOVED":
        this.removeAgent(ev.agent_removed.agent_id?.value);
        return true;
      case "FRAMEWORK_ADDED":
        this.addFramework(ev.framework_added.framework, false);
        return true;
      case "FRAMEWORK_UPDATED":
        this.addFramework(ev.framework_updated.framework, false);
        return true;
      case "FRAMEWORK_REMOVED": {
        const id = ev.framework_removed.framework_info?.id?.value;
        const fw = this.frameworks.get(id);
        if (fw) {
          fw.completed = true;
          fw.active = fw.connected = false;
          fw.unregistered = nowSeconds();
          this.dirty.add("frameworks");
        }
        return true;
      }
      default:
        return false; // HEARTBEAT, and types of later versions
    }
  }

  // ------------------------------------------------------- polled answers

  // GET_AGENTS: connection, deactivation and drain state have no events.
  applyAgents(getAgents) {
    const seen = new Set();
    for (const a of getAgents.agents || []) {
      const id = a.agent_info?.id?.value;
      seen.add(id);
      const agent = this.agents.get(id);
      if (!agent) continue; // AGENT_ADDED will bring it with its tasks
      const active = a.active !== false;
      const deactivated = !!a.deactivated;
      const drain = a.drain_info?.state || "";
      if (agent.active !== active || agent.deactivated !== deactivated || agent.drain !== drain) {
        agent.active = active;
        agent.deactivated = deactivated;
        agent.drain = drain;
        this.dirty.add("agents");
      }
    }
  }

  // GET_ROLES and GET_QUOTA answers (either may be null) into one list.
  applyRoles(getRoles, getQuota) {
    const byName = new Map();
    const role = (name) => {
      if (!byName.has(name))
        byName.set(name, { name, weight: 1, frameworks: 0, allocated: zero(), guarantees: null, limits: null });
      return byName.get(name);
    };
    for (const r of getRoles?.roles || []) {
      const x = role(r.name);
      x.weight = r.weight ?? 1;
      x.frameworks = (r.frameworks || []).length;
      x.allocated = scalars(r.resources);
    }
    for (const c of getQuota?.status?.configs || []) {
      const x = role(c.role);
      x.guarantees = quotaMap(c.guarantees);
      x.limits = quotaMap(c.limits);
    }
    this.roles = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    this.dirty.add("roles");
  }

  // ------------------------------------------------------------ readings

  share(fw) {
    return dominantShare(fw.used, this.total);
  }

  // Tasks in a state not yet terminal.
  activeTasks() {
    let n = 0;
    for (const [state, c] of this.counts) if (!isTerminal(state)) n += c;
    return n;
  }

  takeDirty() {
    const d = this.dirty;
    this.dirty = new Set();
    return d;
  }
}

function quotaMap(m) {
  if (!m) return null;
  const v = {};
  for (const [k, x] of Object.entries(m)) v[k] = x?.value ?? 0;
  return Object.keys(v).length ? v : null;
}

function attributeText(a) {
  if (a.type === "SCALAR") return `${a.name}:${a.scalar?.value}`;
  if (a.type === "RANGES")
    return `${a.name}:[${(a.ranges?.range || []).map((r) => `${r.begin}-${r.end}`).join(",")}]`;
  if (a.type === "SET") return `${a.name}:{${(a.set?.item || []).join(",")}}`;
  return `${a.name}:${a.text?.value ?? ""}`;
}
