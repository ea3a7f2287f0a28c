/**
 * A master copies a write's request bytes into the replication stream instead
 * of encoding its argv again, when the request is the command's canonical RESP
 * encoding (src/resp/parser.ts rawArgv, src/replication/master.ts feedCommand).
 * The stream must stay byte for byte what valkey-server sends for the same
 * requests: rewritten commands, transactions, SELECT, errors, inline and
 * non-canonical requests (a byte other than LF after a CR, which Redis skips
 * unchecked), binary values and blocked clients served later. A replica
 * passes the stream it applies on the same way (src/replication/replica.ts).
 */

import assert from "node:assert/strict";
import { encodeCommand, masterLink, RawClient, waitUntil, withServer } from "./helpers.ts";
import { HAS_REFERENCE, withReference } from "./reference.ts";
import { replicationOf } from "../src/replication/master.ts";
import { bytesToBinary, concatBytes } from "../src/util/bytes.ts";

/** A connection that registers as a replica and collects the stream after the RDB. */
class StreamTap {
  private buf = "";
  private constructor(private readonly conn: Deno.TcpConn) {}

  static async attach(port: number): Promise<StreamTap> {
    const t = new StreamTap(await Deno.connect({ hostname: "127.0.0.1", port }));
    await t.conn.write(encodeCommand(["REPLCONF", "capa", "psync2"]));
    assert.equal(await t.line(), "+OK");
    await t.conn.write(encodeCommand(["PSYNC", "?", "-1"]));
    assert.match(await t.line(), /^\+FULLRESYNC [0-9a-f]{40} \d+$/);
    const len = /^\$(\d+)$/.exec(await t.line());
    assert.ok(len, "a disk-based transfer");
    await t.take(Number(len[1]));
    return t;
  }

  private async fill(): Promise<void> {
    const chunk = new Uint8Array(64 * 1024);
    const n = await this.conn.read(chunk);
    if (n === null) throw new Error("the master closed the stream");
    this.buf += bytesToBinary(chunk.subarray(0, n));
  }

  private async line(): Promise<string> {
    while (!this.buf.includes("\r\n")) await this.fill();
    const i = this.buf.indexOf("\r\n");
    const l = this.buf.slice(0, i);
    this.buf = this.buf.slice(i + 2);
    return l;
  }

  private async take(n: number): Promise<string> {
    while (this.buf.length < n) await this.fill();
    const out = this.buf.slice(0, n);
    this.buf = this.buf.slice(n);
    return out;
  }

  /** The stream up to and including `marker`. */
  async until(marker: string): Promise<string> {
    while (!this.buf.includes(marker)) await this.fill();
    const end = this.buf.indexOf(marker) + marker.length;
    const out = this.buf.slice(0, end);
    this.buf = this.buf.slice(end);
    return out;
  }

  close(): void {
    try {
      this.conn.close();
    } catch { /* closed */ }
  }
}

const latin1 = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));
const BINARY = "\x00a\r\nb\xff\xfe" + "x".repeat(40) + "\r\n\x00";

/** One read's worth of requests: canonical, rewritten, failing, transactional, odd. */
function batch(): Uint8Array {
  return concatBytes([
    encodeCommand(["SET", "k1", "v1"]),
    encodeCommand(["set", "k2", "v2"]),
    encodeCommand(["INCR", "n"]),
    encodeCommand(["INCR", "n"]),
    encodeCommand(["LPUSH", "l", "a", "b", "c"]),
    encodeCommand(["SET", "bin", latin1(BINARY)]),
    encodeCommand(["INCRBYFLOAT", "f", "1.5"]), // propagates as SET f 1.5 KEEPTTL
    encodeCommand(["INCR", "k1"]), // an error: nothing to propagate
    encodeCommand(["DEL", "missing"]), // no change: nothing to propagate
    encodeCommand(["MULTI"]),
    encodeCommand(["SET", "t1", "1"]),
    encodeCommand(["INCR", "n"]),
    encodeCommand(["EXEC"]),
    encodeCommand(["SELECT", "1"]),
    encodeCommand(["SET", "k1", "in-db-1"]),
    encodeCommand(["SELECT", "0"]),
    // Not canonical: an X where LF belongs, after the count and after a value.
    latin1("*3\rX$3\r\nSET\r\n$2\r\nnc\r\n$1\r\nv\rX"),
    latin1("SET inline 1\r\n"),
    encodeCommand(["SADD", "s", "m1", "m2"]),
    encodeCommand(["SET", "k3", "v".repeat(100)]),
  ]);
}
const REPLIES = 20;

/** Runs the scenario against `port`; returns the stream it produced. */
async function scenario(port: number): Promise<string> {
  const tap = await StreamTap.attach(port);
  const a = await RawClient.connect(port);
  const b = await RawClient.connect(port);
  try {
    await a.write(batch());
    for (let i = 0; i < REPLIES; i++) await a.readRaw();
    // A blocked pop served by a push in a pipeline: the push, then the pop as LPOP.
    await b.send("BLPOP", "q", 0);
    await waitUntil(
      async () => /blocked_clients:1/.test(await a.call("INFO", "clients")),
      "BLPOP blocked",
      { timeoutMs: 10_000, intervalMs: 10 },
    );
    await a.write(
      concatBytes([encodeCommand(["RPUSH", "q", "x", "y"]), encodeCommand(["INCR", "n"])]),
    );
    await a.readRaw();
    await a.readRaw();
    assert.equal(await b.readRaw(), "*2\r\n$1\r\nq\r\n$1\r\nx\r\n");
    await a.call("SET", "__end__", "1");
    return await tap.until("$7\r\n__end__\r\n$1\r\n1\r\n");
  } finally {
    a.close();
    b.close();
    tap.close();
  }
}

const ARGS = ["--repl-diskless-sync", "no", "--repl-ping-replica-period", "3600"];

Deno.test({
  name: "replication stream: requests copied as received give valkey's stream byte for byte",
  ignore: !HAS_REFERENCE,
  async fn() {
    let expected = "";
    await withReference(async (port) => {
      expected = await scenario(port);
    }, ARGS);
    await withServer(
      { "repl-diskless-sync": "no", "repl-ping-replica-period": 3600 },
      async (srv) => {
        const got = await scenario(srv.port);
        assert.equal(JSON.stringify(got), JSON.stringify(expected));
        // The copy path ran: most of the stream came from request bytes, not all of it.
        const copied = replicationOf(srv.server).spanBytes;
        assert.ok(copied > got.length / 2 && copied < got.length, `${copied} of ${got.length}`);
      },
    );
  },
});

Deno.test("replication stream: a pipeline's copied requests reach the replica in order", async () => {
  await withServer({ "repl-diskless-sync-delay": 0 }, async (m) => {
    await withServer({ replicaof: `127.0.0.1 ${m.port}` }, async (r) => {
      const mc = await RawClient.connect(m.port);
      const rc = await RawClient.connect(r.port);
      try {
        await masterLink(rc);
        // Two clients' pipelines interleave in the master: each read's span is its own.
        const other = await RawClient.connect(m.port);
        try {
          const one: Uint8Array[] = [];
          const two: Uint8Array[] = [];
          for (let i = 0; i < 3000; i++) {
            one.push(encodeCommand(["RPUSH", "l1", String(i)]));
            two.push(encodeCommand(["RPUSH", "l2", "v".repeat(i % 50), String(i)]));
          }
          const before = replicationOf(m.server).spanBytes;
          await Promise.all([mc.write(concatBytes(one)), other.write(concatBytes(two))]);
          for (let i = 0; i < 3000; i++) {
            await mc.readRaw();
            await other.readRaw();
          }
          assert.ok(replicationOf(m.server).spanBytes - before > 3000 * 20, "copied as received");
        } finally {
          other.close();
        }
        assert.equal(await mc.call("WAIT", 1, 5000), ":1\r\n");
        assert.equal(await rc.call("LLEN", "l1"), ":3000\r\n");
        assert.equal(await rc.call("LLEN", "l2"), ":6000\r\n");
        assert.equal(await rc.call("DEBUG", "DIGEST"), await mc.call("DEBUG", "DIGEST"));
      } finally {
        mc.close();
        rc.close();
      }
    });
  });
});

Deno.test("replication stream: a replica passes its master's stream on byte for byte", async () => {
  const options = { "repl-diskless-sync": "no", "repl-ping-replica-period": 3600 };
  await withServer(options, async (a) => {
    await withServer({ ...options, replicaof: `127.0.0.1 ${a.port}` }, async (b) => {
      const ca = await RawClient.connect(a.port);
      const cb = await RawClient.connect(b.port);
      try {
        await masterLink(cb);
        const tapA = await StreamTap.attach(a.port);
        const tapB = await StreamTap.attach(b.port);
        try {
          const before = replicationOf(b.server).spanBytes;
          await ca.write(batch());
          for (let i = 0; i < REPLIES; i++) await ca.readRaw();
          await ca.call("SET", "__end__", "1");
          const marker = "$7\r\n__end__\r\n$1\r\n1\r\n";
          const fromA = await tapA.until(marker);
          assert.equal(JSON.stringify(await tapB.until(marker)), JSON.stringify(fromA));
          // The replica passed most of it on as read, in spans.
          assert.ok(replicationOf(b.server).spanBytes - before > fromA.length / 2);
        } finally {
          tapA.close();
          tapB.close();
        }
      } finally {
        ca.close();
        cb.close();
      }
    });
  });
});
