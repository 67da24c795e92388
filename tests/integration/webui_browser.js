// webui_browser.js — drives the master's web UI in headless Chromium
// (Debian's /usr/bin/chromium, through npm's playwright-core) for
// test_webui.sh: the page goes live, shows the frameworks, agents (one
// drained) and the running task, whose stdout link reads its output from
// its agent's /files; a task launched while it is open appears
// and turns RUNNING, then FINISHED, without a reload; a weight set through
// the form shows in the roles table; no script or CSP error; a screenshot;
// and when the master restarts the page subscribes again by itself.
//
// Usage: node webui_browser.js URL DIR. Talks with the shell through DIR:
// writes DIR/ready when the page is live (the shell then launches the task
// "short", which waits for DIR/go), creates DIR/go once the page shows it
// RUNNING, saves DIR/webui.png, then writes DIR/restart (the shell restarts
// the master on the same port). Exit 0 when every check passed.
"use strict";

const fs = require("fs");
const path = require("path");
const { chromium } = require("playwright-core");

const [url, dir] = process.argv.slice(2);
const step = (what) => console.log(`${new Date().toISOString()} ${what}`);

// Rows of a table (its tbody's tr) as {key, text}.
const rows = (page, table) =>
  page.$$eval(`#${table} tbody tr`, (trs) => trs.map((tr) => ({ key: tr.dataset.key || "", text: tr.textContent })));

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  const problems = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
    page.on("console", (m) => {
      if (m.type() === "error") problems.push(`console error: ${m.text()}`);
    });
    page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    await page.goto(url);
    await page.waitForSelector("body[data-connection=live]", { timeout: 10000 });
    step("live");
    await page.evaluate(() => (window.noReloadMark = 42));

    // What was there before the page opened.
    await page.waitForFunction(() => document.querySelectorAll("#frameworks-list tbody tr[data-key]").length >= 1);
    const fws = await rows(page, "frameworks-list");
    if (!fws.some((r) => /long/.test(r.text) && /active/.test(r.text)))
      throw new Error(`frameworks table lacks the active framework "long": ${JSON.stringify(fws)}`);
    const agents = await rows(page, "agents-list");
    if (agents.length !== 2) throw new Error(`expected 2 agents: ${JSON.stringify(agents)}`);
    if (!agents.some((r) => /DRAINED/.test(r.text))) throw new Error(`no DRAINED agent: ${JSON.stringify(agents)}`);
    const tasks = await rows(page, "tasks-list");
    if (!tasks.some((r) => r.key.includes("/long-") && /RUNNING/.test(r.text)))
      throw new Error(`tasks table lacks the RUNNING task: ${JSON.stringify(tasks)}`);
    // The long task's sandbox link reads its stdout from its agent's /files.
    const stdoutHref = await page.evaluate(
      () =>
        [...document.querySelectorAll("#tasks-list tbody tr")]
          .find((tr) => (tr.dataset.key || "").includes("/long-"))
          ?.querySelector("a.sandbox-link")?.href,
    );
    if (!stdoutHref || !stdoutHref.includes("/files/download?path=")) throw new Error(`no stdout link: ${stdoutHref}`);
    const out = await fetch(stdoutHref);
    const text = await out.text();
    if (out.status !== 200 || !text.includes("long-output-for-the-sandbox-link"))
      throw new Error(`the stdout link ${stdoutHref} answered ${out.status}: ${text.slice(0, 200)}`);
    step("sandbox stdout read through its link");
    const cpus = await page.textContent("#card-cpus .value");
    if (cpus.trim() === "0%" || cpus.trim() === "–") throw new Error(`the CPUs card says ${cpus}`);
    step(`frameworks ${fws.length}, agents ${agents.length}, tasks ${tasks.length}, cpus ${cpus}`);

    // A task launched now: it appears, runs, and finishes, live.
    fs.writeFileSync(path.join(dir, "ready"), "");
    const shortIn = (state) =>
      page.waitForFunction(
        (s) =>
          [...document.querySelectorAll("#tasks-list tbody tr")].some(
            (tr) => (tr.dataset.key || "").includes("/short-") && tr.textContent.includes(s),
          ),
        state,
        { timeout: 15000 },
      );
    await shortIn("RUNNING");
    step("short RUNNING");
    fs.writeFileSync(path.join(dir, "go"), "");
    await shortIn("FINISHED");
    step("short FINISHED");
    if ((await page.evaluate(() => window.noReloadMark)) !== 42) throw new Error("the page reloaded");

    // A weight through the form: UPDATE_WEIGHTS, then GET_ROLES shows it.
    await page.click("details.edit summary");
    await page.fill("#weight-form input[name=role]", "analytics");
    await page.fill("#weight-form input[name=weight]", "2.5");
    await page.click("#weight-form button[type=submit]");
    await page.waitForFunction(
      () =>
        [...document.querySelectorAll("#roles-list tbody tr")].some(
          (tr) => tr.dataset.key === "analytics" && tr.children[1].textContent === "2.5",
        ),
      null,
      { timeout: 10000 },
    );
    step("weight set");

    // Every table says what it is to a screen reader.
    const captions = await page.$$eval("table", (ts) => ts.map((t) => t.caption?.textContent || ""));
    if (captions.length !== 4 || captions.some((c) => !c)) throw new Error(`tables without captions: ${captions}`);

    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(dir, "webui.png"), fullPage: true });
    step(`screenshot ${path.join(dir, "webui.png")}`);
    if (problems.length) throw new Error(problems.join("\n"));

    // The master goes away and comes back: the page notices, subscribes
    // again and shows the new master's state (the agents re-register).
    fs.writeFileSync(path.join(dir, "restart"), "");
    await page.waitForSelector("body:not([data-connection=live])", { timeout: 10000 });
    step(`stream ended: ${await page.textContent("#connection")}`);
    await page.waitForSelector("body[data-connection=live]", { timeout: 20000 });
    await page.waitForFunction(() => document.querySelectorAll("#agents-list tbody tr[data-key]").length === 2, null, {
      timeout: 20000,
    });
    if ((await page.evaluate(() => window.noReloadMark)) !== 42) throw new Error("the page reloaded");
    step("live again after the restart, both agents back");
    // Failed requests and console errors are expected while the master is
    // down; script errors are not.
    const scriptErrors = problems.filter((p) => p.startsWith("page error"));
    if (scriptErrors.length) throw new Error(scriptErrors.join("\n"));
  } finally {
    await browser.close();
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(`FAIL: ${e.message}`);
    process.exit(1);
  },
);
