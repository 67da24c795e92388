// resources.js — Mesos Resource lists (as the operator API's JSON has them)
// summed into the few numbers the UI shows, and their formatting.

export const KINDS = ["cpus", "mem", "disk", "gpus"];

// A fresh amount vector {cpus, mem, disk, gpus} of zeros.
export function zero() {
  return { cpus: 0, mem: 0, disk: 0, gpus: 0 };
}

// Sums the scalars of a Resource list (every role and reservation) by kind.
export function scalars(resources) {
  const v = zero();
  for (const r of resources || []) {
    if (r.type === "SCALAR" && r.scalar && r.name in v) v[r.name] += r.scalar.value || 0;
  }
  return v;
}

export function add(a, b, sign = 1) {
  for (const k of KINDS) a[k] += sign * b[k];
  // Repeated adds and subtracts of decimals leave 1e-15s behind.
  for (const k of KINDS) if (Math.abs(a[k]) < 1e-9) a[k] = 0;
  return a;
}

// Number of ports in a Resource list's "ports" ranges.
export function portCount(resources) {
  let n = 0;
  for (const r of resources || [])
    if (r.name === "ports" && r.ranges)
      for (const g of r.ranges.range || []) n += (g.end ?? g.begin) - g.begin + 1;
  return n;
}

// max over kinds of used/total: DRF's dominant share.
export function dominantShare(used, total) {
  let s = 0;
  for (const k of KINDS) if (total[k] > 0) s = Math.max(s, used[k] / total[k]);
  return s;
}

export function fmtNumber(x, digits = 2) {
  if (!Number.isFinite(x)) return "–";
  return Number.isInteger(x) ? String(x) : x.toFixed(digits).replace(/\.?0+$/, "");
}

// Megabytes as MB, GB or TB.
export function fmtMB(mb) {
  if (!Number.isFinite(mb)) return "–";
  if (mb >= 1024 * 1024) return `${fmtNumber(mb / (1024 * 1024), 1)} TB`;
  if (mb >= 1024) return `${fmtNumber(mb / 1024, 1)} GB`;
  return `${fmtNumber(mb, 0)} MB`;
}

export function fmtAmount(kind, x) {
  return kind === "mem" || kind === "disk" ? fmtMB(x) : fmtNumber(x);
}

export function fmtPercent(f) {
  if (!Number.isFinite(f)) return "–";
  const p = f * 100;
  return `${p < 10 && p > 0 ? p.toFixed(1) : Math.round(p)}%`;
}

// Resource text as Mesos writes it ("cpus:2;mem:1024"), scalars only.
export function resourceText(v) {
  return KINDS.filter((k) => v[k] > 0)
    .map((k) => `${k}:${fmtNumber(v[k])}`)
    .join(";");
}
