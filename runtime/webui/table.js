// table.js — a paged, sortable, filterable table. Only the rows of the
// page shown are in the DOM, so ten thousand agents cost one page of rows;
// filtering and sorting run once per change of the data or of the view
// (O(n log n)), never per row drawn.

export class PagedTable {
  // columns: [{label, value(row) -> sort key, cell(row, td) -> text or
  // nothing (cell fills td itself), numeric}]; rows() -> array; key(row) ->
  // a stable id (the tr's data-key); text(row) -> what the filter searches.
  constructor(root, opts) {
    this.opts = opts;
    this.columns = opts.columns;
    this.pageSize = opts.pageSize || 25;
    this.page = 0;
    this.sortCol = opts.sortCol ?? 0;
    this.sortDesc = !!opts.sortDesc;
    this.filter = "";
    this.view = null; // rows filtered and sorted, when current
    this.build(root);
  }

  build(root) {
    const id = this.opts.id;
    const tools = el("div", "table-tools");
    const label = el("label", "filter");
    label.append(`Filter ${this.opts.noun || "rows"} `);
    this.filterInput = el("input");
    this.filterInput.type = "search";
    this.filterInput.id = `${id}-filter`;
    this.filterInput.placeholder = this.opts.filterHint || "text in any column";
    this.filterInput.addEventListener("input", () => {
      this.filter = this.filterInput.value.trim().toLowerCase();
      this.page = 0;
      this.invalidate();
      this.render();
    });
    label.append(this.filterInput);
    this.status = el("span", "table-count");
    this.status.setAttribute("aria-live", "polite");
    this.prev = button("‹ Previous", () => this.go(-1));
    this.next = button("Next ›", () => this.go(1));
    const sizeLabel = el("label", "page-size");
    sizeLabel.append("Rows ");
    const size = el("select");
    for (const n of [10, 25, 50, 100]) {
      const o = el("option");
      o.value = o.textContent = String(n);
      if (n === this.pageSize) o.selected = true;
      size.append(o);
    }
    size.addEventListener("change", () => {
      this.pageSize = Number(size.value);
      this.page = 0;
      this.render(true);
    });
    sizeLabel.append(size);
    tools.append(label, this.status, this.prev, this.next, sizeLabel);

    const wrap = el("div", "table-wrap");
    this.table = el("table");
    this.table.id = id;
    const caption = el("caption", "sr-only");
    caption.textContent = this.opts.caption;
    const head = el("thead");
    const tr = el("tr");
    this.headers = this.columns.map((c, i) => {
      const th = el("th", c.numeric ? "num" : "");
      th.scope = "col";
      const b = button(c.label, () => this.sortBy(i));
      b.className = "sort";
      th.append(b);
      tr.append(th);
      return th;
    });
    head.append(tr);
    this.body = el("tbody");
    this.table.append(caption, head, this.body);
    wrap.append(this.table);
    root.append(tools, wrap);
    this.markSort();
  }

  // The data changed: filter and sort again at the next render.
  invalidate() {
    this.view = null;
  }

  sortBy(i) {
    if (this.sortCol === i) this.sortDesc = !this.sortDesc;
    else {
      this.sortCol = i;
      this.sortDesc = !!this.columns[i].descFirst;
    }
    this.markSort();
    this.invalidate();
    this.render();
  }

  markSort() {
    this.headers.forEach((th, i) =>
      th.setAttribute("aria-sort", i === this.sortCol ? (this.sortDesc ? "descending" : "ascending") : "none"),
    );
  }

  go(delta) {
    this.page += delta;
    this.render(true);
  }

  compute() {
    let rows = this.opts.rows();
    this.total = rows.length;
    if (this.filter) {
      const f = this.filter;
      rows = rows.filter((r) => this.opts.text(r).toLowerCase().includes(f));
    }
    // Each key computed once, then a stable sort on the keys.
    const col = this.columns[this.sortCol];
    const keyed = rows.map((r, i) => [col.value(r), i, r]);
    const dir = this.sortDesc ? -1 : 1;
    keyed.sort((a, b) => {
      const x = a[0];
      const y = b[0];
      if (x === y) return a[1] - b[1];
      if (x == null) return 1;
      if (y == null) return -1;
      return (x < y ? -1 : 1) * dir;
    });
    return keyed.map((k) => k[2]);
  }

  // Draws the current page (filtering and sorting first if the data changed
  // since): the caller calls it when the rows or their contents changed.
  render() {
    if (!this.view) this.view = this.compute();
    const n = this.view.length;
    const pages = Math.max(1, Math.ceil(n / this.pageSize));
    this.page = Math.min(Math.max(this.page, 0), pages - 1);
    const from = this.page * this.pageSize;
    const to = Math.min(n, from + this.pageSize);
    const frag = document.createDocumentFragment();
    for (let i = from; i < to; i++) {
      const row = this.view[i];
      const tr = el("tr");
      tr.dataset.key = this.opts.key(row);
      for (const c of this.columns) {
        const td = el("td", c.numeric ? "num" : "");
        const text = c.cell(row, td);
        if (text !== undefined) td.textContent = text;
        tr.append(td);
      }
      frag.append(tr);
    }
    if (n === 0) {
      const tr = el("tr");
      const td = el("td", "empty");
      td.colSpan = this.columns.length;
      td.textContent = this.filter ? "Nothing matches the filter." : this.opts.empty || "None.";
      tr.append(td);
      frag.append(tr);
    }
    this.body.replaceChildren(frag);
    const total = this.total;
    this.status.textContent =
      n === 0
        ? `0 of ${fmt(total)}`
        : `${fmt(from + 1)}–${fmt(to)} of ${fmt(n)}${n !== total ? ` (filtered from ${fmt(total)})` : ""}`;
    this.prev.disabled = this.page === 0;
    this.next.disabled = this.page >= pages - 1;
  }
}

function fmt(n) {
  return n.toLocaleString("en-US");
}

export function el(tag, className) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  return e;
}

function button(text, onClick) {
  const b = el("button");
  b.type = "button";
  b.textContent = text;
  b.addEventListener("click", onClick);
  return b;
}
