/**
 * Big-request cases for the side-by-side benchmark: one command with very many
 * arguments, one huge bulk string, a pipeline written whole before any reply is
 * read, and a burst of new connections. Each case returns the wall-clock time it
 * took (ms), so run.ts can print this server's time over redis-server's.
 */

import { encodeCommand } from "../tests/helpers.ts";

/** A case: label and what it measures, run against a server on `port`. */
export interface BigCase {
  label: string;
  run: (port: number) => Promise<number>;
}

function connect(port: number): Promise<Deno.TcpConn> {
  return Deno.connect({ hostname: "127.0.0.1", port });
}

async function writeAll(conn: Deno.Conn, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) off += await conn.write(data.subarray(off));
}

/** Reads until `bytes` reply bytes have arrived (or one reply ends, when bytes is 0). */
async function readReplies(conn: Deno.Conn, bytes: number): Promise<string> {
  const buf = new Uint8Array(1 << 20);
  let got = 0;
  let head = "";
  while (true) {
    const n = await conn.read(buf);
    if (n === null) throw new Error("connection closed before the reply");
    if (head.length < 64) head += new TextDecoder().decode(buf.subarray(0, Math.min(n, 64)));
    got += n;
    if (bytes > 0 ? got >= bytes : buf[n - 1] === 10) return head;
  }
}

/** Encodes `*<n>` + the bulk strings of `args` without building one string per arg. */
function encodeMany(head: string[], count: number, arg: (i: number) => string[]): Uint8Array {
  const parts: string[] = [];
  let n = head.length;
  for (const h of head) parts.push(`$${h.length}\r\n${h}\r\n`);
  for (let i = 0; i < count; i++) {
    for (const a of arg(i)) {
      parts.push(`$${a.length}\r\n${a}\r\n`);
      n++;
    }
  }
  return new TextEncoder().encode(`*${n}\r\n` + parts.join(""));
}

/** Sends one request and times until its (single-line) reply arrives. */
async function timeOne(port: number, payload: Uint8Array, expect: RegExp): Promise<number> {
  const conn = await connect(port);
  try {
    const t0 = performance.now();
    const reading = readReplies(conn, 0);
    await writeAll(conn, payload);
    const reply = await reading;
    const ms = performance.now() - t0;
    if (!expect.test(reply)) throw new Error(`unexpected reply ${JSON.stringify(reply)}`);
    return ms;
  } finally {
    conn.close();
  }
}

function manyArgs(
  head: string[],
  n: number,
  arg: (i: number) => string[],
): BigCase & { payload: Uint8Array } {
  const payload = encodeMany(head, n, arg);
  const cmd = head[0];
  return {
    payload,
    label: `${cmd} with ${n.toLocaleString("en")} ${
      arg(0).length === 1 ? "args" : arg(0).length === 2 ? "pairs" : "triples"
    }`,
    run: (port) => timeOne(port, payload, /^(:\d+|\+OK)\r\n/),
  };
}

/** 1,000,000 PINGs written in one go before reading any reply. */
function pipelinedPings(n: number): BigCase {
  const one = encodeCommand(["PING"]);
  const payload = new Uint8Array(one.length * n);
  for (let i = 0; i < n; i++) payload.set(one, i * one.length);
  return {
    label: `${n.toLocaleString("en")} PINGs written before reading`,
    run: async (port) => {
      const conn = await connect(port);
      try {
        const t0 = performance.now();
        await writeAll(conn, payload);
        await readReplies(conn, 7 * n);
        return performance.now() - t0;
      } finally {
        conn.close();
      }
    },
  };
}

/** A bulk string of `mb` MB in one SET. */
function bigBulk(mb: number): BigCase {
  const value = new Uint8Array(mb * 1024 * 1024).fill(120);
  const payload = encodeCommand(["SET", "bigbulk", value]);
  return {
    label: `SET of a ${mb} MB value`,
    run: (port) => timeOne(port, payload, /^\+OK\r\n/),
  };
}

/**
 * Opens `n` connections at once and PINGs on each; returns the total time. The
 * worst PING round trip of an already connected client meanwhile is reported
 * through `latency`.
 */
function connectionBurst(n: number, latency: Map<number, number>): BigCase {
  return {
    label: `open ${n.toLocaleString("en")} connections and PING each`,
    run: async (port) => {
      const watcher = await connect(port);
      const ping = encodeCommand(["PING"]);
      let done = false;
      let worst = 0;
      const watching = (async () => {
        const buf = new Uint8Array(64);
        while (!done) {
          const t = performance.now();
          await writeAll(watcher, ping);
          await watcher.read(buf);
          worst = Math.max(worst, performance.now() - t);
        }
      })();
      const t0 = performance.now();
      const conns = await Promise.all(Array.from({ length: n }, () => connect(port)));
      await Promise.all(conns.map(async (c) => {
        await writeAll(c, ping);
        await c.read(new Uint8Array(16));
      }));
      const ms = performance.now() - t0;
      done = true;
      await watching;
      for (const c of conns) c.close();
      watcher.close();
      latency.set(port, worst);
      return ms;
    },
  };
}

/** The many-argument cases' labels and requests (for in-process timing: big_inproc.ts). */
export function bigCaseArgs(n = 200_000): [string, Uint8Array][] {
  return manyArgCases(n).map((c) => [c.label, c.payload]);
}

function manyArgCases(n: number): (BigCase & { payload: Uint8Array })[] {
  return [
    manyArgs(["RPUSH", "biglist"], n, (i) => [`element:${i}`]),
    manyArgs(["SADD", "bigset"], n, (i) => [`member:${i}`]),
    manyArgs(["ZADD", "bigzset"], n, (i) => [String(i), `member:${i}`]),
    manyArgs(["HSET", "bighash"], n, (i) => [`field:${i}`, `value:${i}`]),
    manyArgs(["MSET"], n, (i) => [`key:${i}`, `value:${i}`]),
    manyArgs(
      ["GEOADD", "biggeo"],
      n,
      (i) => [String(-170 + (i % 340)), String(-80 + (i % 160) + (i % 7) / 10), `place:${i}`],
    ),
  ];
}

/** The cases, sized for a full or a quick run. */
export function bigCases(quick: boolean, latency: Map<number, number>): BigCase[] {
  const n = quick ? 50_000 : 200_000;
  return [
    ...manyArgCases(n),
    bigBulk(quick ? 10 : 100),
    pipelinedPings(quick ? 100_000 : 1_000_000),
    connectionBurst(quick ? 1000 : 5000, latency),
  ];
}
