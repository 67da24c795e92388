// recordio.js — Mesos's RecordIO framing ("<decimal length>\n<bytes>",
// lengths in bytes) read incrementally from the chunks of a fetch() stream.
// Each record is copied once into a buffer of its own size, so a record
// of many megabytes (SUBSCRIBED with the whole cluster) spread over many
// chunks costs its size, not its size times the number of chunks.

const NEWLINE = 10;
const ZERO = 48;

export class RecordIOError extends Error {}

export class RecordIODecoder {
  // maxRecordBytes bounds one record (a broken stream must not make the
  // page allocate gigabytes).
  constructor(maxRecordBytes = 512 * 1024 * 1024) {
    this.max = maxRecordBytes;
    this.utf8 = new TextDecoder("utf-8", { fatal: false });
    this.digits = 0; // digits read of the current length
    this.length = 0; // the current length so far
    this.body = null; // Uint8Array being filled, once the length is known
    this.filled = 0;
    this.failed = null;
  }

  // Feeds one chunk (Uint8Array); returns the records it completed, as strings.
  push(chunk) {
    if (this.failed) throw this.failed;
    const out = [];
    let i = 0;
    while (i < chunk.length) {
      if (this.body === null) {
        const c = chunk[i++];
        if (c === NEWLINE) {
          if (this.digits === 0) this.fail("empty record length");
          this.body = new Uint8Array(this.length);
          this.filled = 0;
        } else if (c >= ZERO && c <= ZERO + 9) {
          this.length = this.length * 10 + (c - ZERO);
          if (++this.digits > 12 || this.length > this.max)
            this.fail(`record longer than ${this.max} bytes`);
          continue;
        } else {
          this.fail(`unexpected byte ${c} in a record length`);
        }
      }
      const take = Math.min(this.length - this.filled, chunk.length - i);
      this.body.set(chunk.subarray(i, i + take), this.filled);
      this.filled += take;
      i += take;
      if (this.filled === this.length) {
        out.push(this.utf8.decode(this.body));
        this.body = null;
        this.digits = 0;
        this.length = 0;
      }
    }
    return out;
  }

  // True between records: a stream that ends elsewhere was cut short.
  idle() {
    return this.body === null && this.digits === 0;
  }

  fail(why) {
    this.failed = new RecordIOError(why);
    throw this.failed;
  }
}

// Encodes strings as RecordIO (for the tests).
export function recordioEncode(records) {
  const enc = new TextEncoder();
  const parts = records.map((r) => {
    const body = enc.encode(r);
    return [enc.encode(`${body.length}\n`), body];
  });
  const total = parts.reduce((n, [h, b]) => n + h.length + b.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const [h, b] of parts) {
    out.set(h, at);
    out.set(b, at + h.length);
    at += h.length + b.length;
  }
  return out;
}
