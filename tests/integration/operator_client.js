// operator_client.js — drives a Meso master's operator API (/api/v1) with
// the DC/OS UI's own client, the npm package @dcos/mesos-client (JSON over
// XHR, SUBSCRIBE read as RecordIO): GET_STATE, GET_AGENTS, GET_FRAMEWORKS,
// GET_TASKS, then a SUBSCRIBE that must see TASK_ADDED and TASK_UPDATED
// (TASK_RUNNING, then TASK_FINISHED) of a task launched meanwhile.
//
// Usage: node operator_client.js http://HOST:PORT/api/v1 STEP
//   STEP "gets": the four GET_* calls, printed one JSON line each;
//   STEP "subscribe": prints "SUBSCRIBED" once subscribed, then one line
//   per TASK_ADDED / TASK_UPDATED, and exits 0 once a task reached
//   TASK_FINISHED (1 on a stream error, 2 after 30 s).
//
// The client needs a browser's XMLHttpRequest. Node has none, and the npm
// polyfills (xhr2, xmlhttprequest) hand the body over only when the
// response ends, while a SUBSCRIBE stream never ends: so the few lines of
// XMLHttpRequest below, on Node's http, which fire "progress" with the
// response so far, as browsers do.
"use strict";

const http = require("http");

class XMLHttpRequest {
  constructor() {
    this.readyState = 0;
    this.status = 0;
    this.statusText = "";
    this.response = "";
    this.responseText = "";
    this.responseType = "";
    this.timeout = 0;
    this.listeners = {};
    this.headers = {};
  }
  addEventListener(type, fn) {
    (this.listeners[type] = this.listeners[type] || []).push(fn);
  }
  removeEventListener(type, fn) {
    this.listeners[type] = (this.listeners[type] || []).filter((f) => f !== fn);
  }
  emit(type) {
    const ev = { type, target: this };
    for (const fn of this.listeners[type] || []) fn(ev);
    if (typeof this["on" + type] === "function") this["on" + type](ev);
  }
  open(method, url) {
    this.method = method;
    this.url = new URL(url);
    this.readyState = 1;
  }
  setRequestHeader(name, value) {
    this.headers[name] = value;
  }
  send(body) {
    this.req = http.request(this.url, { method: this.method, headers: this.headers }, (res) => {
      this.status = res.statusCode;
      this.statusText = res.statusMessage;
      this.readyState = 2;
      res.setEncoding("utf8");
      res.on("data", (chunk) => {
        this.responseText += chunk;
        this.response = this.responseText;
        this.readyState = 3;
        this.emit("progress");
      });
      res.on("end", () => {
        this.readyState = 4;
        this.emit("load");
        this.emit("loadend");
      });
    });
    this.req.on("error", () => this.aborted || this.emit("error"));
    if (body) this.req.write(body);
    this.req.end();
  }
  abort() {
    this.aborted = true;
    if (this.req) this.req.destroy();
    this.emit("abort");
  }
}
global.XMLHttpRequest = XMLHttpRequest;

const { request, stream } = require("@dcos/mesos-client");

const [url, step] = process.argv.slice(2);

function call(type) {
  return new Promise((resolve, reject) => {
    request({ type }, url).subscribe({
      next: (text) => resolve(JSON.parse(text)),
      error: (e) => reject(new Error(`${type}: HTTP ${e.code} ${e.response}`)),
    });
  });
}

async function gets() {
  for (const type of ["GET_STATE", "GET_AGENTS", "GET_FRAMEWORKS", "GET_TASKS"]) {
    const answer = await call(type);
    if (answer.type !== type) throw new Error(`${type}: answered ${answer.type}`);
    console.log(JSON.stringify(answer));
  }
}

function subscribe() {
  const timer = setTimeout(() => {
    console.log("TIMEOUT");
    process.exit(2);
  }, 30000);
  const sub = stream({ type: "SUBSCRIBE" }, url).subscribe({
    next: (record) => {
      const ev = JSON.parse(record);
      if (ev.type === "SUBSCRIBED") {
        const agents = ev.subscribed.get_state.get_agents.agents || [];
        console.log(`SUBSCRIBED agents=${agents.length} heartbeat=${ev.subscribed.heartbeat_interval_seconds}`);
      } else if (ev.type === "TASK_ADDED") {
        console.log(`TASK_ADDED ${ev.task_added.task.task_id.value} ${ev.task_added.task.state}`);
      } else if (ev.type === "TASK_UPDATED") {
        console.log(`TASK_UPDATED ${ev.task_updated.status.task_id.value} ${ev.task_updated.state}`);
        if (ev.task_updated.state === "TASK_FINISHED") {
          clearTimeout(timer);
          sub.unsubscribe();
          process.exit(0);
        }
      }
    },
    error: (e) => {
      console.log(`STREAM ERROR ${e.code} ${e.response}`);
      process.exit(1);
    },
  });
}

if (step === "gets") {
  gets().catch((e) => {
    console.log(`ERROR ${e.message}`);
    process.exit(1);
  });
} else if (step === "subscribe") {
  subscribe();
} else {
  console.error("usage: node operator_client.js URL gets|subscribe");
  process.exit(64);
}
