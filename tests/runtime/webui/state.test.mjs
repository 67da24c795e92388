// state.test.mjs — the web UI's cluster model (runtime/webui/state.js) fed
// the operator API's JSON as the master sends it: what tasks hold follows
// them to their agent, framework and the cluster; drain state from
// GET_AGENTS; roles with quota; finished tasks bounded.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Cluster } from "../../../runtime/webui/state.js";

const scalar = (name, value) => ({ name, type: "SCALAR", scalar: { value }, role: "*" });
const agent = (id, cpus, mem) => ({
  agent_info: { hostname: `h-${id}`, port: 5051, id: { value: id }, resources: [scalar("cpus", cpus), scalar("mem", mem)] },
  active: true,
  pid: `slave(1)@10.0.0.1:5051`,
  total_resources: [scalar("cpus", cpus), scalar("mem", mem)],
  registered_time: { nanoseconds: 1700000000000000000 },
});
const framework = (id, name, role) => ({
  framework_info: { user: "root", name, id: { value: id }, roles: [role] },
  active: true,
  connected: true,
});
const task = (fw, id, agentId, state, cpus, mem) => ({
  name: id,
  task_id: { value: id },
  framework_id: { value: fw },
  agent_id: { value: agentId },
  state,
  resources: [scalar("cpus", cpus), scalar("mem", mem)],
});
const updated = (fw, id, state) => ({
  type: "TASK_UPDATED",
  task_updated: { framework_id: { value: fw }, status: { task_id: { value: id }, state, timestamp: 1 }, state },
});

function subscribed() {
  const c = new Cluster();
  c.applyEvent({
    type: "SUBSCRIBED",
    subscribed: {
      get_state: {
        get_agents: { agents: [agent("S0", 4, 1000), agent("S1", 4, 1000)] },
        get_frameworks: { frameworks: [framework("F0", "web", "web")] },
        get_tasks: {
          tasks: [task("F0", "t1", "S0", "TASK_RUNNING", 1, 100)],
          completed_tasks: [task("F0", "t0", "S1", "TASK_FINISHED", 2, 200)],
        },
      },
      heartbeat_interval_seconds: 5,
    },
  });
  return c;
}

test("SUBSCRIBED's state: totals, what running tasks hold, shares", () => {
  const c = subscribed();
  assert.equal(c.agents.size, 2);
  assert.deepEqual(c.total, { cpus: 8, mem: 2000, disk: 0, gpus: 0 });
  assert.deepEqual(c.used, { cpus: 1, mem: 100, disk: 0, gpus: 0 });
  assert.equal(c.agents.get("S0").used.cpus, 1);
  assert.equal(c.agents.get("S1").used.cpus, 0, "a finished task holds nothing");
  const fw = c.frameworks.get("F0");
  assert.equal(fw.role, "web");
  assert.equal(fw.tasks, 1);
  assert.equal(c.share(fw), 1 / 8);
  assert.equal(c.activeTasks(), 1);
  assert.deepEqual(c.takeDirty(), new Set(["agents", "frameworks", "tasks", "roles"]));
});

test("a launched task holds resources until it ends", () => {
  const c = subscribed();
  c.takeDirty();
  c.applyEvent({ type: "TASK_ADDED", task_added: { task: task("F0", "t2", "S1", "TASK_STAGING", 0.5, 300) } });
  assert.deepEqual(c.takeDirty(), new Set(["agents", "frameworks", "tasks"]));
  assert.equal(c.used.cpus, 1.5);
  assert.equal(c.agents.get("S1").tasks, 1);
  c.applyEvent(updated("F0", "t2", "TASK_RUNNING"));
  assert.equal(c.used.cpus, 1.5, "STAGING to RUNNING changes nothing held");
  assert.equal(c.tasks.get("F0/t2").state, "TASK_RUNNING");
  c.applyEvent(updated("F0", "t2", "TASK_FINISHED"));
  assert.equal(c.used.cpus, 1);
  assert.equal(c.used.mem, 100);
  assert.equal(c.agents.get("S1").used.mem, 0);
  assert.equal(c.frameworks.get("F0").tasks, 1);
  assert.equal(c.counts.get("TASK_FINISHED"), 2);
  // A repeated terminal update holds nothing back.
  c.applyEvent(updated("F0", "t2", "TASK_FINISHED"));
  assert.equal(c.used.cpus, 1);
  // An update for a task never seen is ignored.
  c.applyEvent(updated("F0", "nope", "TASK_RUNNING"));
  assert.equal(c.tasks.has("F0/nope"), false);
});

test("agents come and go; frameworks are removed", () => {
  const c = subscribed();
  c.applyEvent({ type: "AGENT_ADDED", agent_added: { agent: agent("S2", 8, 4000) } });
  assert.equal(c.total.cpus, 16);
  c.applyEvent({ type: "AGENT_REMOVED", agent_removed: { agent_id: { value: "S2" } } });
  assert.equal(c.total.cpus, 8);
  assert.equal(c.agents.has("S2"), false);
  c.applyEvent({ type: "FRAMEWORK_ADDED", framework_added: { framework: framework("F1", "batch", "batch") } });
  assert.equal(c.frameworks.get("F1").name, "batch");
  c.applyEvent({
    type: "FRAMEWORK_UPDATED",
    framework_updated: { framework: { ...framework("F1", "batch", "batch"), connected: false, active: false } },
  });
  assert.equal(c.frameworks.get("F1").connected, false);
  c.applyEvent({ type: "FRAMEWORK_REMOVED", framework_removed: { framework_info: { id: { value: "F1" } } } });
  assert.equal(c.frameworks.get("F1").completed, true);
  assert.equal(c.applyEvent({ type: "HEARTBEAT" }), false);
});

test("GET_AGENTS brings drain and connection state", () => {
  const c = subscribed();
  c.takeDirty();
  const a = agent("S0", 4, 1000);
  c.applyAgents({ agents: [{ ...a, deactivated: true, drain_info: { state: "DRAINING" } }, agent("S1", 4, 1000)] });
  assert.equal(c.agents.get("S0").drain, "DRAINING");
  assert.equal(c.agents.get("S0").deactivated, true);
  assert.deepEqual(c.takeDirty(), new Set(["agents"]));
  c.applyAgents({ agents: [{ ...a, deactivated: true, drain_info: { state: "DRAINING" } }, agent("S1", 4, 1000)] });
  assert.deepEqual(c.takeDirty(), new Set(), "the same answer again changes nothing");
});

test("roles merge GET_ROLES and GET_QUOTA", () => {
  const c = subscribed();
  c.applyRoles(
    { roles: [{ name: "web", weight: 2, frameworks: [{ value: "F0" }], resources: [scalar("cpus", 1)] }] },
    { status: { configs: [{ role: "batch", limits: { cpus: { value: 3 } } }] } },
  );
  assert.deepEqual(
    c.roles.map((r) => [r.name, r.weight, r.frameworks, r.allocated.cpus, r.limits]),
    [
      ["batch", 1, 0, 0, { cpus: 3 }],
      ["web", 2, 1, 1, null],
    ],
  );
});

test("finished tasks are bounded, the oldest dropped first", () => {
  const c = new Cluster({ maxCompleted: 2 });
  c.applyState({ get_agents: { agents: [agent("S0", 4, 1000)] }, get_frameworks: { frameworks: [framework("F0", "x", "*")] } });
  for (const id of ["a", "b", "c"]) {
    c.applyEvent({ type: "TASK_ADDED", task_added: { task: task("F0", id, "S0", "TASK_STAGING", 1, 1) } });
    c.applyEvent(updated("F0", id, "TASK_FAILED"));
  }
  assert.deepEqual([...c.tasks.keys()], ["F0/b", "F0/c"]);
  assert.equal(c.counts.get("TASK_FAILED"), 2);
  assert.equal(c.used.cpus, 0);
});
