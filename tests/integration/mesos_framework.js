// mesos_framework.js — drives a Meso master with npm's `mesos-framework`
// (its Scheduler class, JSON over HTTP, unchanged): it subscribes, the
// library launches two command tasks from its `tasks` option ("true" and
// "sleep 60"), then this script calls the library's kill(), shutdown(),
// request() and teardown() and prints what the master answered.
//
// Usage: node mesos_framework.js PORT [PRINCIPAL:SECRET [MODE]]
//   With PRINCIPAL:SECRET every request carries `Authorization: Basic`:
//   the library has no option for credentials, so the header is added to
//   its request template (the one object all its requests are built from).
//   MODE "anonymous": no header even though auth is on; prints the
//   SUBSCRIBE's status and exits 0 (the library itself reports nothing on
//   a 401 with an empty body, as Mesos and Meso answer).
// Prints "MF ..." lines (the library's own log goes to LOG_DIR or the
// working directory); exits 0 after the TEARDOWN was accepted, 1 on an
// unexpected error, 2 after 30 s.
"use strict";

const os = require("os");
const Scheduler = require("mesos-framework").Scheduler;
const Mesos = require("mesos-framework").Mesos.getMesos();

const port = parseInt(process.argv[2], 10);
const creds = process.argv[3] || "";
const mode = process.argv[4] || "";
const out = (line) => console.log("MF " + line);

let phase = "subscribe";
const fail = (why) => {
  out("FAIL " + phase + ": " + why);
  process.exit(1);
};
setTimeout(() => {
  out("TIMEOUT in phase " + phase);
  process.exit(2);
}, 30000).unref();

const command = (value) => new Mesos.CommandInfo(null, null, true, value, null, null);
const resources = { cpus: 0.1, mem: 32, disk: 0, ports: 0 };
const scheduler = new Scheduler({
  masterUrl: "127.0.0.1",
  port: port,
  frameworkName: "npm-mesos-framework",
  user: os.userInfo().username,
  useZk: false,
  logging: { path: process.env.LOG_DIR || ".", fileName: "mesos-framework.log", level: "warn" },
  tasks: {
    quick: { priority: 1, instances: 1, commandInfo: command("true"), resources: resources },
    sleeper: { priority: 2, instances: 1, commandInfo: command("sleep 60"), resources: resources },
  },
});

if (creds && mode !== "anonymous") {
  const auth = "Basic " + Buffer.from(creds).toString("base64");
  // generateRequestTemplate() rebuilds the template on a redirect to
  // another master: keep the header there too.
  const generate = scheduler.generateRequestTemplate;
  scheduler.generateRequestTemplate = () => {
    generate();
    scheduler.requestTemplate.headers.Authorization = auth;
  };
  scheduler.generateRequestTemplate();
}

const states = {}; // task name ("quick-1") -> states seen, in order
let agentId = null;
let sleeperId = null;

function next() {
  const seen = (name, state) => (states[name] || []).includes(state);
  if (phase === "tasks" && seen("quick-1", "TASK_FINISHED") && seen("sleeper-1", "TASK_RUNNING")) {
    phase = "kill";
    scheduler.kill(sleeperId, agentId);
  } else if (phase === "kill" && seen("sleeper-1", "TASK_KILLED")) {
    // A command task's executor id is its task id (Mesos's command executor).
    phase = "shutdown";
    scheduler.shutdown(agentId, sleeperId);
  }
}

scheduler.on("ready", () => {
  scheduler.subscribe();
  scheduler.httpRequest.on("response", (res) => {
    out("SUBSCRIBE_STATUS " + res.statusCode);
    if (mode === "anonymous") process.exit(0);
  });
});
scheduler.on("subscribed", (s) => {
  out("SUBSCRIBED " + s.frameworkId);
  phase = "tasks";
});
scheduler.on("update", (u) => {
  const st = u.status;
  const name = st.task_id.value.split(".")[1];
  (states[name] = states[name] || []).push(st.state);
  if (name === "sleeper-1") sleeperId = st.task_id.value;
  agentId = st.agent_id.value;
  out("UPDATE " + name + " " + st.state);
  next();
});
scheduler.on("sent_kill", () => out("KILL 202"));
scheduler.on("sent_shutdown", () => fail("the library's SHUTDOWN was accepted"));
scheduler.on("sent_request", () => fail("the library's REQUEST was accepted"));
scheduler.on("sent_teardown", () => {
  out("TEARDOWN 202");
  process.exit(0);
});
scheduler.on("error", (e) => {
  const msg = typeof e === "string" ? e : e.message || JSON.stringify(e);
  const status = /status code was '(\d+)'\. Body was '([^]*)'\.$/.exec(msg);
  if (phase === "shutdown" && status) {
    // The library's bug: SHUTDOWN's payload under `kill` (see the README).
    out("SHUTDOWN " + status[1] + " " + status[2]);
    phase = "request";
    scheduler.request([{ agent_id: { value: agentId } }]);
  } else if (phase === "request" && status) {
    // The same kind of bug: REQUEST's payload under `requests`.
    out("REQUEST " + status[1] + " " + status[2]);
    phase = "teardown";
    scheduler.teardown();
  } else if (phase === "teardown" && /Long-running connection was closed/.test(msg)) {
    out("STREAM_CLOSED"); // the master ends the stream on TEARDOWN
  } else if (phase === "teardown" && status && status[1] === "400" && /^Framework cannot be found/.test(status[2])) {
    // A call of the library's (a DECLINE, an ACKNOWLEDGE) that reached the
    // master after the TEARDOWN: Mesos answers the same.
    out("AFTER_TEARDOWN 400");
  } else {
    fail("error from the library: " + msg);
  }
});
