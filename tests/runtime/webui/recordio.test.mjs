// recordio.test.mjs — the web UI's RecordIO reader (runtime/webui/recordio.js):
// records split anywhere across chunks, multi-byte UTF-8 counted in bytes,
// empty records, and malformed lengths refused.
import assert from "node:assert/strict";
import { test } from "node:test";

import { RecordIODecoder, RecordIOError, recordioEncode } from "../../../runtime/webui/recordio.js";

const records = ['{"type":"SUBSCRIBED"}', "", '{"name":"café ☕ 𝄞"}', "x".repeat(70000)];

test("every split of a stream gives the same records", () => {
  const bytes = recordioEncode(records.slice(0, 3));
  for (let a = 0; a <= bytes.length; a++) {
    for (let b = a; b <= bytes.length; b += 3) {
      const d = new RecordIODecoder();
      const got = [...d.push(bytes.subarray(0, a)), ...d.push(bytes.subarray(a, b)), ...d.push(bytes.subarray(b))];
      assert.deepEqual(got, records.slice(0, 3), `split at ${a} and ${b}`);
      assert.ok(d.idle());
    }
  }
});

test("a large record in many small chunks", () => {
  const bytes = recordioEncode(records);
  const d = new RecordIODecoder();
  const got = [];
  for (let i = 0; i < bytes.length; i += 1000) got.push(...d.push(bytes.subarray(i, i + 1000)));
  assert.deepEqual(got, records);
});

test("a stream cut inside a record is not idle", () => {
  const bytes = recordioEncode(['{"a":1}']);
  const d = new RecordIODecoder();
  assert.deepEqual(d.push(bytes.subarray(0, bytes.length - 1)), []);
  assert.equal(d.idle(), false);
});

test("malformed and oversized lengths are refused, and stay refused", () => {
  for (const bad of ["x\n", "\n", "12a\n", "-1\n"]) {
    const d = new RecordIODecoder();
    assert.throws(() => d.push(new TextEncoder().encode(bad)), RecordIOError, bad);
    assert.throws(() => d.push(new TextEncoder().encode("1\na")), RecordIOError);
  }
  const d = new RecordIODecoder(100);
  assert.throws(() => d.push(new TextEncoder().encode("101\n")), /longer than 100 bytes/);
  assert.throws(() => new RecordIODecoder().push(new TextEncoder().encode("1234567890123\n")), RecordIOError);
});
