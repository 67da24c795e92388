// chart.js — the cluster's utilization over time: what tasks hold of the
// cluster's cpus, mem and disk, sampled every few seconds while the page is
// open, drawn as an SVG line chart (a fixed number of points, so drawing
// costs the same at any cluster size).

import { el } from "./table.js";
import { fmtPercent } from "./resources.js";

const SVG = "http://www.w3.org/2000/svg";
const SERIES = [
  { kind: "cpus", label: "CPUs" },
  { kind: "mem", label: "Memory" },
  { kind: "disk", label: "Disk" },
];
const W = 600;
const H = 160;

function svg(tag, attrs) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  return e;
}

export class UtilizationChart {
  // points: samples kept (at intervalSeconds each: 10 minutes by default).
  constructor(root, { points = 300, intervalSeconds = 2 } = {}) {
    this.points = points;
    this.interval = intervalSeconds;
    this.samples = []; // {t, cpus, mem, disk} as fractions
    this.svg = svg("svg", {
      viewBox: `0 0 ${W} ${H}`,
      preserveAspectRatio: "none",
      class: "chart",
      role: "img",
    });
    for (const y of [0, 0.25, 0.5, 0.75, 1]) {
      this.svg.append(svg("line", { x1: 0, x2: W, y1: H * (1 - y), y2: H * (1 - y), class: "grid" }));
    }
    this.lines = SERIES.map((s) => {
      const p = svg("polyline", { class: `series ${s.kind}`, fill: "none" });
      this.svg.append(p);
      return p;
    });
    const frame = el("div", "chart-frame");
    const axis = el("div", "chart-axis");
    axis.setAttribute("aria-hidden", "true");
    for (const t of ["100%", "75%", "50%", "25%", "0%"]) {
      const s = el("span");
      s.textContent = t;
      axis.append(s);
    }
    frame.append(axis, this.svg);
    this.legend = el("ul", "legend");
    this.legendItems = SERIES.map((s) => {
      const li = el("li", s.kind);
      this.legend.append(li);
      return li;
    });
    this.caption = el("p", "chart-caption");
    root.append(frame, this.legend, this.caption);
  }

  // One sample: used and total amount vectors.
  sample(used, total, t = Date.now() / 1000) {
    const s = { t };
    for (const { kind } of SERIES) s[kind] = total[kind] > 0 ? Math.min(1, used[kind] / total[kind]) : 0;
    this.samples.push(s);
    if (this.samples.length > this.points) this.samples.splice(0, this.samples.length - this.points);
    this.draw();
  }

  draw() {
    const n = this.samples.length;
    const dx = W / Math.max(1, this.points - 1);
    const x0 = W - (n - 1) * dx; // newest at the right edge
    SERIES.forEach(({ kind, label }, i) => {
      const pts = this.samples.map((s, j) => `${(x0 + j * dx).toFixed(1)},${(H * (1 - s[kind])).toFixed(1)}`);
      // One sample is a point, which a polyline does not draw: a short level line.
      if (n === 1) pts.unshift(`${(W - dx).toFixed(1)},${(H * (1 - this.samples[0][kind])).toFixed(1)}`);
      this.lines[i].setAttribute("points", pts.join(" "));
      const last = n ? this.samples[n - 1][kind] : 0;
      this.legendItems[i].textContent = `${label} ${fmtPercent(last)}`;
    });
    const minutes = Math.round(((n - 1) * this.interval) / 60);
    const span = n < 2 ? "since the page opened" : minutes < 1 ? `the last ${(n - 1) * this.interval} s` : `the last ${minutes} min`;
    this.caption.textContent = `Share of the cluster's resources held by tasks, ${span} (sampled every ${this.interval} s).`;
    this.svg.setAttribute(
      "aria-label",
      `Utilization: ${this.legendItems.map((li) => li.textContent).join(", ")}`,
    );
  }
}
