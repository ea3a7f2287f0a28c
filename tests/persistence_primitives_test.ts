import assert from "node:assert/strict";
import { Crc64, crc64 } from "../src/persistence/crc64.ts";
import { lzfCompress, lzfDecompress } from "../src/persistence/lzf.ts";

Deno.test("crc64: Redis's check value and incremental updates", () => {
  const data = new TextEncoder().encode("123456789");
  assert.deepEqual(crc64(data), 0xe9c6d914c4b8d9can);
  const c = new Crc64().update(data, 0, 4).update(data, 4);
  assert.deepEqual(c.value(), 0xe9c6d914c4b8d9can);
  const d = c.digest();
  assert.deepEqual(Array.from(d), [0xca, 0xd9, 0xb8, 0xc4, 0x14, 0xd9, 0xc6, 0xe9]);
  assert(c.matches(d, 0));
  assert.deepEqual(crc64(new Uint8Array(0)), 0n);
});

Deno.test("lzf: round trips, refuses what does not shrink, rejects malformed input", () => {
  let seed = 7;
  const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  for (let round = 0; round < 200; round++) {
    const n = Math.floor(rand() * 5000) + 1;
    const alphabet = Math.floor(rand() * 255) + 1;
    const input = new Uint8Array(n);
    for (let i = 0; i < n; i++) {
      input[i] = rand() < 0.3 && i > 300 ? input[i - 300] : Math.floor(rand() * alphabet);
    }
    const c = lzfCompress(input, n + Math.ceil(n / 32) + 2);
    assert(c !== null);
    assert.deepEqual(lzfDecompress(c, n), input);
  }
  const repeated = new TextEncoder().encode("a".repeat(10000));
  const c = lzfCompress(repeated, 10000 - 4)!;
  assert(c.length < 200);
  assert.deepEqual(lzfDecompress(c, 10000), repeated);
  // Random bytes do not fit in len-4: Redis stores them raw.
  const noise = crypto.getRandomValues(new Uint8Array(1000));
  assert.deepEqual(lzfCompress(noise, 996), null);
  // A back reference before the start, a truncated run, a wrong length.
  assert.deepEqual(lzfDecompress(new Uint8Array([0x20, 0x05]), 3), null);
  assert.deepEqual(lzfDecompress(new Uint8Array([0x05, 0x61]), 6), null);
  assert.deepEqual(lzfDecompress(c, 9999), null);
});

Deno.test("lzf: compresses to the exact bytes redis-server writes (recorded from its DUMP)", () => {
  const enc = new TextEncoder();
  const mixed = enc.encode("abcdefgh".repeat(40) + "xyz".repeat(30));
  assert.deepEqual(
    Array.from(lzfCompress(mixed, mixed.length - 4)!),
    [8, 97, 98, 99, 100, 101, 102, 103, 104, 97, 224, 255, 7, 225, 38, 7, 2, 120, 121, 122]
      .concat([224, 76, 2, 1, 121, 122]),
  );
  // The first byte is never a back-reference target, the last two are literals.
  assert.deepEqual(Array.from(lzfCompress(enc.encode("a".repeat(100)), 96)!), [
    1,
    97,
    97,
    224,
    87,
    0,
    1,
    97,
    97,
  ]);
});
