// api.js — the master's v1 operator API (POST /api/v1, JSON) from the
// page: one call, and the SUBSCRIBE event stream read with fetch()
// streaming and the RecordIO decoder, subscribed again whenever it ends
// (a leader change, a restart, a network break).

import { RecordIODecoder } from "./recordio.js";

const JSON_HEADERS = { "Content-Type": "application/json", Accept: "application/json" };

export class ApiError extends Error {
  constructor(status, text) {
    super(`HTTP ${status}: ${text.trim()}`);
    this.status = status;
  }
}

// Sends one call ({type, ...payload}); resolves to the Response (JSON) or
// null for calls that answer 200 with no body. A 307 (this master is a
// standby) is not followed: the leader is another origin.
export async function call(body, { base = "", signal } = {}) {
  const res = await fetch(`${base}/api/v1`, {
    method: "POST",
    headers: JSON_HEADERS,
    body: JSON.stringify(body),
    redirect: "manual",
    signal,
  });
  if (res.type === "opaqueredirect" || res.status === 307) throw new ApiError(307, "this master is not the leader");
  const text = await res.text();
  if (!res.ok) throw new ApiError(res.status, text);
  return text ? JSON.parse(text) : null;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The SUBSCRIBE stream, kept open: onEvent(event) for every event (the
// first of each connection is SUBSCRIBED with the whole state);
// onStatus(state, detail) with "connecting", "live", "retrying" (detail:
// the error and the seconds until the next try).
export class Subscription {
  constructor({ base = "", onEvent, onStatus }) {
    this.base = base;
    this.onEvent = onEvent;
    this.onStatus = onStatus;
    this.stopped = false;
    this.controller = null;
  }

  start() {
    this.run();
  }

  stop() {
    this.stopped = true;
    this.controller?.abort();
  }

  async run() {
    let backoff = 500;
    while (!this.stopped) {
      let error = null;
      try {
        await this.once(() => (backoff = 500));
        error = new Error("the master ended the event stream");
      } catch (e) {
        error = e;
      }
      if (this.stopped) return;
      this.onStatus("retrying", { error, seconds: backoff / 1000 });
      await sleep(backoff);
      backoff = Math.min(backoff * 2, 8000);
    }
  }

  // One subscription, until its stream ends or falls silent for three
  // heartbeat intervals (a master that vanished without closing).
  async once(onSubscribed) {
    this.onStatus("connecting");
    const controller = new AbortController();
    this.controller = controller;
    let silentFor = 0;
    let heartbeat = 15;
    const watchdog = setInterval(() => {
      silentFor += 1;
      if (silentFor > 3 * heartbeat) controller.abort();
    }, 1000);
    try {
      const res = await fetch(`${this.base}/api/v1`, {
        method: "POST",
        headers: JSON_HEADERS,
        body: JSON.stringify({ type: "SUBSCRIBE" }),
        redirect: "manual",
        signal: controller.signal,
      });
      if (res.type === "opaqueredirect" || res.status === 307)
        throw new ApiError(307, "this master is not the leader");
      if (!res.ok) throw new ApiError(res.status, await res.text());
      const reader = res.body.getReader();
      const decoder = new RecordIODecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        silentFor = 0;
        for (const record of decoder.push(value)) {
          const event = JSON.parse(record);
          if (event.type === "SUBSCRIBED") {
            heartbeat = event.subscribed?.heartbeat_interval_seconds || heartbeat;
            onSubscribed();
            this.onStatus("live");
          }
          this.onEvent(event);
        }
      }
    } finally {
      clearInterval(watchdog);
      controller.abort();
    }
  }
}
