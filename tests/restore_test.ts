/**
 * RESTORE: DUMP payloads recorded from redis-server 7.0 (RDB 10) and
 * valkey-server 8.0 (RDB 11) restore here with the contents and encodings
 * valkey reports for the same keys; errors, options and expiry as Redis
 * 7.2; malformed payloads (truncations, bit flips with a fixed-up CRC) are
 * refused and never change the keyspace.
 */

import assert from "node:assert/strict";
import { Crc64 } from "../src/persistence/crc64.ts";
import { type Call, dumpDataset, type KeyDump, type PayloadDump } from "../scripts/gen_fixtures.ts";
import { binaryToBytes, RawClient, withClient } from "./helpers.ts";
import type { RunningServer } from "../mod.ts";
import { HAS_REFERENCE, withOursAndReference } from "./reference.ts";

const FIXTURES = new URL("../fixtures/", import.meta.url).pathname;

function callOf(c: RawClient): Call {
  return async (...args) => {
    await c.send(...args);
    return await c.read();
  };
}

/** A payload with a correct footer for `body` (type byte + object), RDB version `ver`. */
function payload(body: number[] | Uint8Array, ver = 11): Uint8Array {
  const b = Uint8Array.from([...body, ver & 0xff, ver >> 8]);
  const out = new Uint8Array(b.length + 8);
  out.set(b);
  out.set(new Crc64().update(b).digest(), b.length);
  return out;
}

/** `p` with its CRC recomputed (so a change reaches the decoder). */
function refooter(p: Uint8Array): Uint8Array {
  const out = p.slice();
  out.set(new Crc64().update(out, 0, out.length - 8).digest(), out.length - 8);
  return out;
}

async function loadPayloads(name: string): Promise<PayloadDump[]> {
  return JSON.parse(await Deno.readTextFile(FIXTURES + name)) as PayloadDump[];
}

for (const source of ["redis-7.0", "valkey-8.0"]) {
  Deno.test(`restore: every DUMP payload of ${source} restores as valkey loads the key`, async () => {
    const payloads = await loadPayloads(`${source}.dump.json`);
    const expected = JSON.parse(await Deno.readTextFile(FIXTURES + `${source}.json`)) as KeyDump[];
    assert.ok(payloads.length >= expected.length);
    await withClient({}, async (c) => {
      for (const e of expected) {
        const p = payloads.find((x) => x.db === e.db && x.key === e.key);
        assert.ok(p, e.key);
        await c.call("SELECT", e.db);
        const args: (string | Uint8Array | number)[] = [
          "RESTORE",
          binaryToBytes(e.key),
          e.expireAt > 0 ? e.expireAt : 0,
          binaryToBytes(p.payload),
        ];
        if (e.expireAt > 0) args.push("ABSTTL");
        assert.equal(await c.call(...args), "+OK\r\n", e.key);
      }
      await c.call("SELECT", 0);
      assert.deepEqual(await dumpDataset(callOf(c)), expected);
    });
  });
}

Deno.test("restore: options, errors and expiry as Redis 7.2", async () => {
  // The string "hello" as DUMP writes it.
  const hello = payload([0, 5, ...binaryToBytes("hello")]);
  await withClient({}, async (c, srv) => {
    const call = (...a: (string | Uint8Array | number)[]) => c.call(...a);
    assert.equal(await call("RESTORE", "k", "0", hello), "+OK\r\n");
    assert.equal(await call("GET", "k"), "$5\r\nhello\r\n");
    assert.equal(await call("TTL", "k"), ":-1\r\n");
    assert.equal(
      await call("RESTORE", "k", "0", hello),
      "-BUSYKEY Target key name already exists.\r\n",
    );
    assert.equal(await call("RESTORE", "k", "10000", hello, "REPLACE"), "+OK\r\n");
    const pttl = Number((await call("PTTL", "k")).slice(1, -2));
    assert.ok(pttl > 9000 && pttl <= 10000, String(pttl));
    assert.equal(
      await call("RESTORE", "k", "4000000000000", hello, "REPLACE", "ABSTTL"),
      "+OK\r\n",
    );
    assert.equal(await call("PEXPIRETIME", "k"), ":4000000000000\r\n");
    // Already expired: OK, and the replaced key is gone.
    assert.equal(await call("RESTORE", "k", "1", hello, "REPLACE", "ABSTTL"), "+OK\r\n");
    assert.equal(await call("EXISTS", "k"), ":0\r\n");
    assert.equal(await call("RESTORE", "i", "0", hello, "IDLETIME", "1000"), "+OK\r\n");
    const idle = Number((await call("OBJECT", "IDLETIME", "i")).slice(1, -2));
    assert.ok(idle >= 1000 && idle < 1010, String(idle));
    assert.equal(srv.db().peek("i")?.value instanceof Uint8Array, true);
    const errors: [(string | Uint8Array)[], string][] = [
      [["RESTORE", "e", "-1", hello], "-ERR Invalid TTL value, must be >= 0\r\n"],
      [["RESTORE", "e", "x", hello], "-ERR value is not an integer or out of range\r\n"],
      [
        ["RESTORE", "e", "0", hello, "IDLETIME", "-1"],
        "-ERR Invalid IDLETIME value, must be >= 0\r\n",
      ],
      [
        ["RESTORE", "e", "0", hello, "FREQ", "256"],
        "-ERR Invalid FREQ value, must be >= 0 and <= 255\r\n",
      ],
      [["RESTORE", "e", "0", hello, "IDLETIME", "1", "FREQ", "1"], "-ERR syntax error\r\n"],
      [["RESTORE", "e", "0", hello, "BOGUS"], "-ERR syntax error\r\n"],
      [["RESTORE", "e", "0", "short"], "-ERR DUMP payload version or checksum are wrong\r\n"],
      [
        ["RESTORE", "e", "0", payload([0, 5, ...binaryToBytes("hello")], 12)],
        "-ERR DUMP payload version or checksum are wrong\r\n",
      ],
      [
        ["RESTORE", "e", "0", refooter(hello).map((b, i) => i === 3 ? b ^ 1 : b)],
        "-ERR DUMP payload version or checksum are wrong\r\n",
      ],
      [["RESTORE", "e", "0", payload([0, 9, 1, 2])], "-ERR Bad data format\r\n"],
      [["RESTORE", "e", "0", payload([8, 0])], "-ERR Bad data format\r\n"],
      [["RESTORE", "e", "0", payload([2, 0])], "-ERR Bad data format\r\n"],
    ];
    for (const [args, reply] of errors) assert.equal(await call(...args), reply, String(args));
    assert.equal(await call("EXISTS", "e"), ":0\r\n");
  });
});

Deno.test("restore: FREQ sets the LFU counter under an LFU policy", async () => {
  const hello = payload([0, 5, ...binaryToBytes("hello")]);
  await withClient({ "maxmemory-policy": "allkeys-lfu" }, async (c) => {
    assert.equal(await c.call("RESTORE", "f", "0", hello, "FREQ", "200"), "+OK\r\n");
    assert.equal(await c.call("OBJECT", "FREQ", "f"), ":200\r\n");
  });
});

Deno.test("restore: sanitize-dump-payload takes Redis's values; a deep corruption is refused under each", async () => {
  // The listpack hash {aa: 11, bb: 22}, and a copy whose first entry's back-length (byte 11) is
  // wrong: its header and terminator are intact, so Redis's shallow check (sanitize-dump-payload
  // no) lets RESTORE take it (valkey 8 replies +OK); here every payload is validated in full.
  const lp = [16, 19, 19, 0, 0, 0, 4, 0, 130, 97, 97, 3, 11, 1, 130, 98, 98, 3, 22, 1, 255];
  const good = payload(lp);
  const corrupt = payload(lp.with(11, 9));
  await withClient({}, async (c) => {
    const get = "*2\r\n$21\r\nsanitize-dump-payload\r\n";
    assert.equal(await c.call("CONFIG", "GET", "sanitize-dump-payload"), `${get}$2\r\nno\r\n`);
    assert.equal(
      await c.call("CONFIG", "SET", "sanitize-dump-payload", "bogus"),
      "-ERR CONFIG SET failed (possibly related to argument 'sanitize-dump-payload') - argument(s) must be one of the following: no, yes, clients\r\n",
    );
    for (const value of ["no", "yes", "clients"]) {
      assert.equal(
        await c.call("CONFIG", "SET", "sanitize-dump-payload", value.toUpperCase()),
        "+OK\r\n",
      );
      assert.equal(
        await c.call("CONFIG", "GET", "sanitize-dump-payload"),
        `${get}$${value.length}\r\n${value}\r\n`,
      );
      assert.equal(await c.call("RESTORE", "h", "0", corrupt), "-ERR Bad data format\r\n", value);
      assert.equal(await c.call("EXISTS", "h"), ":0\r\n");
      assert.equal(await c.call("RESTORE", "h", "0", good), "+OK\r\n", value);
      assert.equal(await c.call("HGET", "h", "bb"), "$2\r\n22\r\n");
      assert.equal(await c.call("DEL", "h"), ":1\r\n");
    }
  });
});

Deno.test("restore: malformed payloads are refused and change nothing, whatever sanitize-dump-payload says", async () => {
  const sources = [
    ...(await loadPayloads("valkey-8.0.dump.json")),
    ...(await loadPayloads("redis-7.0.dump.json")),
  ];
  for (const sanitize of ["no", "yes", "clients"]) {
    await withClient({ "sanitize-dump-payload": sanitize }, (c, srv) => fuzz(c, srv, sources));
  }
});

async function fuzz(c: RawClient, srv: RunningServer, sources: PayloadDump[]): Promise<void> {
  {
    let seed = 11;
    const rand = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    let refused = 0;
    let accepted = 0;
    for (const { payload: p } of sources) {
      const bytes = binaryToBytes(p);
      const body = bytes.length - 10;
      const tries: Uint8Array[] = [];
      // Truncated bodies, footers fixed up.
      for (let k = 0; k < 2; k++) {
        const n = Math.floor(rand() * body);
        tries.push(payload(bytes.subarray(0, n), bytes[body]));
      }
      // Bit flips in the body, footers fixed up.
      for (let k = 0; k < 4; k++) {
        const b = bytes.slice();
        b[Math.floor(rand() * body)] ^= 1 << Math.floor(rand() * 8);
        tries.push(refooter(b));
      }
      for (const t of tries) {
        const r = await c.call("RESTORE", "fuzz", "0", t, "REPLACE");
        if (r === "+OK\r\n") {
          accepted++;
          // Whatever was accepted is a well-formed value: every read of it works.
          const [d] = await dumpDataset(callOf(c));
          assert.ok(!JSON.stringify(d).includes('"error"'), JSON.stringify(d));
          assert.ok(!(await c.call("MEMORY", "USAGE", "fuzz")).startsWith("-"));
          const e = srv.db().peek("fuzz");
          assert.ok(e && e.value !== undefined);
          await c.call("DEL", "fuzz");
        } else {
          assert.equal(r, "-ERR Bad data format\r\n");
          refused++;
          assert.equal(await c.call("EXISTS", "fuzz"), ":0\r\n");
        }
      }
    }
    assert.ok(refused > sources.length, `${refused} refused, ${accepted} accepted`);
    assert.equal(await c.call("PING"), "+PONG\r\n");
  }
}

Deno.test({
  name: "restore: errors and edge cases give the reference's replies",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    const payloads = await loadPayloads("valkey-8.0.dump.json");
    const hello = payload([0, 5, ...binaryToBytes("hello")]);
    await withOursAndReference({}, async (ours, ref) => {
      const cmds: (string | Uint8Array | number)[][] = [
        ["RESTORE", "k", "0", hello],
        ["RESTORE", "k", "0", hello],
        ["RESTORE", "k", "0", hello, "REPLACE", "IDLETIME", "5"],
        ["RESTORE", "k", "0", hello, "REPLACE", "FREQ", "5", "IDLETIME", "5"],
        ["RESTORE", "k", "-5", hello, "REPLACE"],
        ["RESTORE", "k", "0", hello, "REPLACE", "FREQ", "x"],
        ["RESTORE", "k", "0", hello, "REPLACE", "FREQ"],
        ["RESTORE", "k2", "0", "0123456789"],
        ["RESTORE", "k2", "0", payload([0, 5, ...binaryToBytes("hello")], 12)],
        ["RESTORE", "k2", "0", payload([4, 0])],
        ["RESTORE", "k2", "0", payload([99, 0])],
        ["RESTORE", "k3", "1", hello, "ABSTTL"],
        ["EXISTS", "k3"],
        ["RESTORE", "k", "1", hello, "ABSTTL", "REPLACE"],
        ["EXISTS", "k"],
        ["RESTORE"],
        ["RESTORE", "k", "0"],
      ];
      for (const p of payloads) {
        cmds.push(["RESTORE", binaryToBytes(p.key), 0, binaryToBytes(p.payload)]);
      }
      for (const cmd of cmds) {
        assert.equal(await ours.call(...cmd), await ref.call(...cmd), String(cmd.slice(0, 3)));
      }
      for (const p of payloads) {
        const k = binaryToBytes(p.key);
        for (const cmd of [["TYPE"], ["OBJECT", "ENCODING"]]) {
          const args = [...cmd, k];
          assert.equal(await ours.call(...args), await ref.call(...args), `${cmd} ${p.key}`);
        }
      }
    });
  },
});
