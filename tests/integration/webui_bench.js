// webui_bench.js — times the web UI against a large live cluster for
// bench_webui.sh: page load to "live", to the agents table drawn with every
// agent counted, a sort of the agents and of the tasks (a click, measured
// synchronously), and the main thread's long tasks (> 50 ms) over a window
// of live events. Prints one JSON line. Usage: node webui_bench.js URL AGENTS SECONDS
"use strict";

const { chromium } = require("playwright-core");

const [url, agentsArg, secondsArg] = process.argv.slice(2);
const agents = Number(agentsArg);
const seconds = Number(secondsArg || 10);

async function main() {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.addInitScript(() => {
      window.longTasks = [];
      new PerformanceObserver((l) => l.getEntries().forEach((e) => window.longTasks.push(e.duration))).observe({
        type: "longtask",
        buffered: true,
      });
    });
    const t0 = Date.now();
    await page.goto(url);
    await page.waitForSelector("body[data-connection=live]", { timeout: 60000 });
    const live = Date.now() - t0;
    const all = agents.toLocaleString("en-US");
    await page.waitForFunction((n) => document.querySelector("#agents-list")?.closest("section")
      .querySelector(".table-count").textContent.endsWith(`of ${n}`), all, { timeout: 60000 });
    const drawn = Date.now() - t0;
    const sort = (table, column) =>
      page.evaluate(([t, c]) => {
        const b = document.querySelectorAll(`#${t} thead button`)[c];
        const s = performance.now();
        b.click();
        return performance.now() - s;
      }, [table, column]);
    const sortAgents = await sort("agents-list", 2);
    const sortTasks = await sort("tasks-list", 0);
    await page.evaluate(() => (window.longTasks = []));
    await page.waitForTimeout(seconds * 1000);
    const r = await page.evaluate(() => ({
      longTasks: window.longTasks.length,
      longestMs: Math.round(Math.max(0, ...window.longTasks)),
      tasks: window.meso.cluster.tasks.size,
      heapMB: performance.memory ? Math.round(performance.memory.usedJSHeapSize / 1048576) : null,
      rowsInDom: document.querySelectorAll("tbody tr").length,
    }));
    console.log(JSON.stringify({ agents, liveMs: live, agentsDrawnMs: drawn, sortAgentsMs: Math.round(sortAgents),
      sortTasksMs: Math.round(sortTasks), windowSeconds: seconds, ...r }));
  } finally {
    await browser.close();
  }
}

main().catch((e) => {
  console.error(`FAIL: ${e.message}`);
  process.exit(1);
});
