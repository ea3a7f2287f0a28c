// Big requests and slow readers: a command with 1,000,000 arguments and a 100 MB
// bulk string arrive in pieces and are accepted; the request parser gives the
// same arguments however the bytes are split; a client that writes a whole
// pipeline before reading gets every reply (the server keeps reading while
// replies queue); unread replies show in CLIENT LIST omem / tot-mem and INFO
// client_recent_max_output_buffer, and client-output-buffer-limit closes the
// client with Redis's log line (networking.c). Speed is measured by
// `deno task bench`, not here.

import assert from "node:assert/strict";
import {
  bytesToBinary,
  encodeCommand,
  RawClient,
  waitUntil,
  withConnections,
  withServer,
} from "./helpers.ts";
import { ownsBuffer, type ParserLimits, RequestParser } from "../src/resp/parser.ts";
import type { CommandArgs } from "../src/resp/arg_block.ts";

const LIMITS: ParserLimits = {
  protoMaxBulkLen: 512 * 1024 * 1024,
  queryBufferLimit: 1024 * 1024 * 1024,
  authRequired: false,
  isMaster: false,
};

/** Feeds `data` to a parser in pieces of the sizes `sizes` cycles through; returns the commands. */
function parseInPieces(data: Uint8Array, sizes: number[]): string[][] {
  const p = new RequestParser();
  const out: string[][] = [];
  const dec = new TextDecoder();
  let off = 0;
  let k = 0;
  while (off < data.length) {
    const region = p.writable(LIMITS);
    const n = Math.min(region.length, sizes[k++ % sizes.length], data.length - off);
    region.set(data.subarray(off, off + n));
    p.commit(n);
    off += n;
    let argv: CommandArgs | null;
    while ((argv = p.next(LIMITS)) !== null) {
      out.push((Array.isArray(argv) ? argv : argv.views()).map((a) => dec.decode(a)));
    }
  }
  assert.equal(p.pendingBytes, 0);
  return out;
}

Deno.test("parser: the same arguments however the request is split across reads", () => {
  const many = ["RPUSH", "k"];
  for (let i = 0; i < 5000; i++) many.push(`e${i}`);
  const big = "x".repeat(100_000); // past PROTO_MBULK_BIG_ARG
  // Over 1,024 arguments with a big one among them: offsets and a buffer of its own mixed.
  const manyBig = [...many.slice(0, 3000), big, ...many.slice(3000), big.slice(1)];
  const cmds = [
    ["SET", "a", "1"],
    many,
    ["SET", "b", big],
    ["GET", "a"],
    many.slice(0, 7),
    manyBig,
    many.slice(0, 1025),
  ];
  const data = new Uint8Array(cmds.flatMap((c) => [...encodeCommand(c)]));
  for (const sizes of [[1], [7, 3, 1], [1000], [16 * 1024], [70_000, 5], [data.length]]) {
    assert.deepEqual(parseInPieces(data, sizes), cmds, `pieces of ${sizes}`);
  }
});

Deno.test("parser: a new connection's read buffer starts small and grows while reads fill it", () => {
  const p = new RequestParser();
  const ping = encodeCommand(["PING"]);
  const small = p.writable(LIMITS).length;
  assert.ok(small <= 1024, `first read region ${small}`);
  // Reads that fill the region offered: the buffer doubles up to 16 KB, then stays.
  const sizes: number[] = [];
  let commands = 0;
  for (let k = 0; k < 12; k++) {
    const region = p.writable(LIMITS);
    sizes.push(p.buf.length);
    const n = region.length - (region.length % ping.length);
    for (let off = 0; off < n; off += ping.length) region.set(ping, off);
    p.commit(region.length);
    // The bytes past the last whole PING are the start of one more.
    region.fill(0, n);
    region.set(ping.subarray(0, region.length - n), n);
    while (p.next(LIMITS) !== null) commands++;
    const rest = p.writable(LIMITS);
    rest.set(ping.subarray(region.length - n));
    p.commit(ping.length - (region.length - n));
    while (p.next(LIMITS) !== null) commands++;
  }
  assert.ok(sizes[0] <= 1024);
  assert.equal(Math.max(...sizes), 16 * 1024, `buffer sizes ${sizes}`);
  assert.equal(sizes.at(-1), 16 * 1024);
  assert.ok(commands > 12 * 100);
  assert.equal(p.pendingBytes, 0);
  // Reads that do not fill it leave it as it is.
  const q = new RequestParser();
  for (let k = 0; k < 10; k++) {
    q.writable(LIMITS).set(ping);
    q.commit(ping.length);
    assert.ok(q.next(LIMITS) !== null);
  }
  assert.equal(q.buf.length, small);
});

/** RESP for text arguments, built as one string (encodeCommand makes 3 arrays per arg). */
function encodeText(args: string[]): Uint8Array {
  return new TextEncoder().encode(
    `*${args.length}\r\n` + args.map((a) => `$${a.length}\r\n${a}\r\n`).join(""),
  );
}

/** Writes `data` in pieces of `size` bytes, each write awaited. */
async function writeInPieces(c: RawClient, data: Uint8Array, size: number): Promise<void> {
  for (let off = 0; off < data.length; off += size) {
    await c.write(data.subarray(off, Math.min(off + size, data.length)));
  }
}

Deno.test("a 1,000,000-argument RPUSH sent in small pieces is accepted", async () => {
  await withServer({}, async (srv) => {
    const c = await RawClient.connect(srv.port);
    try {
      const n = 1_000_000;
      const args: string[] = ["RPUSH", "biglist"];
      for (let i = 0; i < n; i++) args.push(String(i));
      const payload = encodeText(args);
      const reply = c.readRaw();
      await writeInPieces(c, payload, 4096);
      assert.equal(await reply, `:${n}\r\n`);
      assert.equal(await c.call("LLEN", "biglist"), `:${n}\r\n`);
      assert.equal(await c.call("LINDEX", "biglist", "0"), "$1\r\n0\r\n");
      assert.equal(await c.call("LINDEX", "biglist", "654321"), "$6\r\n654321\r\n");
      assert.equal(await c.call("LINDEX", "biglist", "-1"), "$6\r\n999999\r\n");
      assert.equal(await c.call("PING"), "+PONG\r\n");
    } finally {
      c.close();
    }
  });
});

Deno.test("a 100 MB bulk string is accepted", async () => {
  await withServer({}, async (srv) => {
    const c = await RawClient.connect(srv.port);
    try {
      const size = 100 * 1024 * 1024;
      const value = new Uint8Array(size).fill(97);
      value[0] = 98;
      value[size - 1] = 99;
      const reply = c.readRaw();
      await writeInPieces(c, encodeCommand(["SET", "big", value]), 1 << 20);
      assert.equal(await reply, "+OK\r\n");
      assert.equal(await c.call("STRLEN", "big"), `:${size}\r\n`);
      assert.equal(await c.call("GETRANGE", "big", "0", "2"), "$3\r\nbaa\r\n");
      assert.equal(await c.call("GETRANGE", "big", "-3", "-1"), "$3\r\naac\r\n");
      assert.equal(await c.call("PING"), "+PONG\r\n");
    } finally {
      c.close();
    }
  });
});

Deno.test("1,000,000 PINGs written before reading any reply all get +PONG", async () => {
  await withServer({}, async (srv) => {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
    try {
      const n = 1_000_000;
      const one = encodeCommand(["PING"]);
      const payload = new Uint8Array(one.length * n);
      for (let i = 0; i < n; i++) payload.set(one, i * one.length);
      // The whole write completes only if the server reads on while its replies queue.
      let off = 0;
      while (off < payload.length) off += await conn.write(payload.subarray(off));
      const want = 7 * n;
      const buf = new Uint8Array(1 << 20);
      let got = 0;
      let bad = -1;
      const pong = new TextEncoder().encode("+PONG\r\n");
      while (got < want) {
        const r = await conn.read(buf);
        assert.notEqual(r, null, `closed after ${got} reply bytes`);
        for (let i = 0; i < r!; i++) {
          if (bad === -1 && buf[i] !== pong[(got + i) % 7]) bad = got + i;
        }
        got += r!;
      }
      assert.equal(got, want);
      assert.equal(bad, -1);
    } finally {
      conn.close();
    }
  });
});

/** The CLIENT LIST fields of the client named `name`. */
async function clientFields(ctl: RawClient, name: string): Promise<Map<string, string> | null> {
  const raw = await ctl.call("CLIENT", "LIST");
  for (const line of raw.split("\n")) {
    if (!line.includes(` name=${name} `)) continue;
    return new Map(
      line.trim().split(" ").map((kv) => {
        const i = kv.indexOf("=");
        return [kv.slice(0, i), kv.slice(i + 1)];
      }),
    );
  }
  return null;
}

/** A 1,000-element list whose LRANGE reply is about 100 KB. */
async function fillList(c: RawClient): Promise<void> {
  const args = ["RPUSH", "l"];
  for (let i = 0; i < 1000; i++) args.push("v".repeat(95) + String(i).padStart(5, "0"));
  assert.equal(await c.call(...args), ":1000\r\n");
}

Deno.test("unread replies: omem and tot-mem in CLIENT LIST, INFO client_recent_max_output_buffer", async () => {
  await withServer({}, async (srv) => {
    const ctl = await RawClient.connect(srv.port);
    const slow = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
    try {
      await fillList(ctl);
      const lrange = encodeCommand(["LRANGE", "l", "0", "-1"]);
      const count = 300; // ~30 MB of replies: more than the socket buffers hold
      const payload = new Uint8Array(lrange.length * count + 64);
      const setname = encodeCommand(["CLIENT", "SETNAME", "slow"]);
      payload.set(setname);
      for (let i = 0; i < count; i++) payload.set(lrange, setname.length + i * lrange.length);
      const total = setname.length + count * lrange.length;
      let off = 0;
      while (off < total) off += await slow.write(payload.subarray(off, total));
      let f: Map<string, string> | null = null;
      await waitUntil(async () => {
        f = await clientFields(ctl, "slow");
        return f !== null && f.get("cmd") === "lrange" && Number(f.get("omem")) > 1024 * 1024;
      }, "the slow client's replies to back up");
      assert.ok(Number(f!.get("tot-mem")) > Number(f!.get("omem")));
      const info = await ctl.call("INFO", "clients");
      const maxOut = Number(info.match(/client_recent_max_output_buffer:(\d+)/)![1]);
      assert.ok(maxOut > 1024 * 1024, info);
      // Every reply arrives whole once the client reads.
      const itemLen = 100 + 8; // "$100\r\n" + 100 bytes + "\r\n"
      const replyLen = "*1000\r\n".length + 1000 * itemLen;
      const want = "+OK\r\n".length + count * replyLen;
      const buf = new Uint8Array(1 << 20);
      let got = 0;
      while (got < want) {
        const r = await slow.read(buf);
        assert.notEqual(r, null);
        got += r!;
      }
      assert.equal(got, want);
      await waitUntil(
        async () => (await clientFields(ctl, "slow"))?.get("omem") === "0",
        "omem back to 0",
      );
    } finally {
      slow.close();
      ctl.close();
    }
  });
});

Deno.test("client-output-buffer-limit closes a client that does not read its replies", async () => {
  await withServer({}, async (srv) => {
    const logged: string[] = [];
    srv.server.log.warning = (msg: string) => void logged.push(msg);
    const ctl = await RawClient.connect(srv.port);
    const slow = await RawClient.connect(srv.port);
    try {
      await fillList(ctl);
      assert.equal(
        await ctl.call("CONFIG", "SET", "client-output-buffer-limit", "normal 1mb 0 0"),
        "+OK\r\n",
      );
      assert.equal(await slow.call("CLIENT", "SETNAME", "slow"), "+OK\r\n");
      const lrange = encodeCommand(["LRANGE", "l", "0", "-1"]);
      const payload = new Uint8Array(lrange.length * 300);
      for (let i = 0; i < 300; i++) payload.set(lrange, i * lrange.length);
      await slow.write(payload).catch(() => {}); // may be reset once closed
      await slow.readUntilClosed();
      await waitUntil(async () => (await clientFields(ctl, "slow")) === null, "slow client gone");
      const line = logged.find((m) => m.includes("output buffer limits"));
      assert.ok(line, logged.join("\n"));
      assert.match(
        line,
        /^Client id=\d+ addr=127\.0\.0\.1:\d+ .* name=slow .*omem=\d+ .* scheduled to be closed ASAP for overcoming of output buffer limits\.$/,
      );
      const omem = Number(line.match(/ omem=(\d+) /)![1]);
      assert.ok(omem >= 1024 * 1024, line);
      assert.equal(await ctl.call("PING"), "+PONG\r\n");
    } finally {
      slow.close();
      ctl.close();
    }
  });
});

Deno.test("a random pick reply of a huge count stops at the output limit and closes the client", async () => {
  await withServer({ "client-output-buffer-limit": ["normal", "1mb", "0", "0"] }, async (srv) => {
    const logged: string[] = [];
    srv.server.log.warning = (msg: string) => void logged.push(msg);
    await withConnections(srv.port, 1, async ([ctl]) => {
      assert.equal(await ctl.call("SADD", "s", "a", "b", "c"), ":3\r\n");
      assert.equal(await ctl.call("HSET", "h", "f", "v", "g", "w"), ":2\r\n");
      assert.equal(await ctl.call("ZADD", "z", "1", "a", "2", "b"), ":2\r\n");
      const cases: string[][] = [
        ["SRANDMEMBER", "s", "-9223372036854775807"],
        ["HRANDFIELD", "h", "-9223372036854775807"],
        ["ZRANDMEMBER", "z", "-9223372036854775807"],
        ["ZRANDMEMBER", "z", "-4611686018427387903", "WITHSCORES"],
      ];
      for (const args of cases) {
        const c = await RawClient.connect(srv.port);
        try {
          await c.send(...args);
          // Closed while the reply was built: like a CLIENT_CLOSE_ASAP client, nothing is sent.
          assert.equal(await c.readUntilClosed(), "", args.join(" "));
        } finally {
          c.close();
        }
        // The server kept serving: the next client and the control connection get replies.
        assert.equal(await ctl.call("PING"), "+PONG\r\n");
      }
      // Each was closed by the limit (its log line shows the command and omem past 1mb).
      const closed = logged.filter((m) => m.includes("output buffer limits"));
      assert.equal(closed.length, cases.length, logged.join("\n"));
      for (const line of closed) {
        assert.match(line, / cmd=(srandmember|hrandfield|zrandmember) /);
        assert.ok(Number(line.match(/ omem=(\d+) /)![1]) >= 1024 * 1024, line);
      }
    });
  });
});

/** `n` pseudo-random bytes (every byte value, CR LF and NUL included), fixed by `seed`. */
function binaryValue(n: number, seed: number): Uint8Array {
  const v = new Uint8Array(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    v[i] = x & 0xff;
  }
  return v;
}

Deno.test("parser: a big argument gets a buffer of its own, with its exact bytes", () => {
  const value = binaryValue(100_000, 7);
  const set = encodeCommand(["SET", "k", value]);
  const ping = encodeCommand(["PING"]);
  // The big argument's command last, then followed by another.
  for (const data of [set, new Uint8Array([...set, ...ping])]) {
    for (const isMaster of [false, true]) {
      const limits = { ...LIMITS, isMaster };
      for (const size of [1, 1000, 4096, 100_001, data.length]) {
        const whole = size === data.length;
        const p = new RequestParser(whole ? 256 * 1024 : 16 * 1024);
        const got: Uint8Array[][] = [];
        let off = 0;
        while (off < data.length) {
          const region = p.writable(limits);
          const n = Math.min(region.length, size, data.length - off);
          region.set(data.subarray(off, off + n));
          p.commit(n);
          off += n;
          let argv: CommandArgs | null;
          while ((argv = p.next(limits)) !== null) got.push(argv as Uint8Array[]);
        }
        assert.equal(got.length, data === set ? 1 : 2, `pieces of ${size}`);
        assert.deepEqual(got[0][2], value);
        // Read in pieces from a client, it is its own buffer; a master link (whose
        // command bytes a replica relays from the read buffer) and a bulk already
        // buffered whole keep views.
        const owned = !isMaster && !whole;
        assert.equal(ownsBuffer(got[0][2]), owned, `pieces of ${size}, master ${isMaster}`);
        assert.equal(ownsBuffer(got[0][1]), false);
        // Its bytes do not pass through the read buffer, which keeps its size.
        if (owned) assert.equal(p.buf.length, 16 * 1024);
        assert.equal(p.consumed, data.length);
        assert.equal(p.pendingBytes, 0);
      }
    }
  }
});

Deno.test("big values round-trip byte-exact, split across reads and pipelined with small commands", async () => {
  await withServer({}, async (srv) => {
    const c = await RawClient.connect(srv.port);
    try {
      const v = [1, 2, 3, 4, 5, 6, 7].map((s) => binaryValue(32 * 1024 + s * 11_111, s));
      const small = binaryValue(600, 99);
      const cmds: (string | Uint8Array)[][] = [
        ["SET", "s", "1"],
        ["SET", "a", v[0]],
        ["INCR", "s"],
        ["MSET", "b", v[1], "c", small, "d", v[2]],
        ["SETEX", "e", "100", v[3]],
        ["APPEND", "f", v[4]],
        ["SET", "a", v[5], "GET"],
        ["GETSET", "b", v[6]],
        ["PSETEX", "g", "100000", v[0]],
        ["GET", "s"],
      ];
      const payload = new Uint8Array(cmds.flatMap((cmd) => [...encodeCommand(cmd)]));
      const replies = (async () => {
        const out: string[] = [];
        for (let i = 0; i < cmds.length; i++) out.push(await c.readRaw());
        return out;
      })();
      // Odd piece sizes put the bulk boundaries anywhere within a read.
      for (let off = 0, k = 0; off < payload.length; k++) {
        const n = [7, 1000, 33_333, 1][k % 4];
        await c.write(payload.subarray(off, Math.min(off + n, payload.length)));
        off += n;
      }
      const bulk = (b: Uint8Array) => `$${b.length}\r\n${bytesToBinary(b)}\r\n`;
      assert.deepEqual(await replies, [
        "+OK\r\n",
        "+OK\r\n",
        ":2\r\n",
        "+OK\r\n",
        "+OK\r\n",
        `:${v[4].length}\r\n`,
        bulk(v[0]),
        bulk(v[1]),
        "+OK\r\n",
        "$1\r\n2\r\n",
      ]);
      // Later requests (reusing the read buffer) leave the stored values as they were.
      const expect: [string, Uint8Array][] = [
        ["a", v[5]],
        ["b", v[6]],
        ["c", small],
        ["d", v[2]],
        ["e", v[3]],
        ["f", v[4]],
        ["g", v[0]],
      ];
      for (const [key, value] of expect) assert.equal(await c.call("GET", key), bulk(value), key);
      assert.equal(await c.call("APPEND", "f", "xy"), `:${v[4].length + 2}\r\n`);
      assert.equal(await c.call("SETRANGE", "d", "0", "zz"), `:${v[2].length}\r\n`);
      const d = v[2].slice();
      d[0] = d[1] = 122;
      assert.equal(await c.call("GET", "d"), bulk(d));
      assert.equal(await c.call("GET", "g"), bulk(v[0])); // the same bytes stored twice
    } finally {
      c.close();
    }
  });
});
