/**
 * Replication benchmarks (issue 9 "Performance"), this server beside redis-server:
 *
 * 1. The master's hot path with one replica attached vs none: three masters of the same kind run
 *    side by side, one with no replica, one with a connection that only reads the stream (the
 *    master's own cost of a replica), one with a replica of its kind attached (which also
 *    competes for the same cores), and SET, INCR and LPUSH go to each in alternating rounds,
 *    from redis-benchmark -P 16 and from a load that keeps the master saturated (each client's
 *    requests written at once, see preloaded). The robust measure is the master process's CPU
 *    time per request (utime + stime from /proc/<pid>/stat around each run); requests/s are
 *    printed too (they move with the machine's load).
 * 2. A 1,000,000-key full resync: a master filled with 1,000,000 small strings, an empty
 *    replica process sent REPLICAOF; the time until its INFO says master_link_status:up with
 *    all keys loaded. For ours -> ours, redis -> redis, ours -> redis and redis -> ours.
 *
 *   deno run -A bench/repl_bench.ts [--quick] [--hotpath] [--resync]
 *
 * Also run from `deno task bench --repl` (both parts). Every process started is stopped by PID.
 */

import { cpuMs } from "./clients_bench.ts";
import { encodeCommand } from "../tests/helpers.ts";

const MAIN = new URL("../main.ts", import.meta.url).pathname;

/** A server process of either kind. */
export interface Proc {
  kind: "ours" | "redis";
  port: number;
  proc: Deno.ChildProcess;
  dir: string;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/**
 * Starts a server of `kind` (no persistence, diskless full resyncs without delay); ours from
 * `main` (another checkout's main.ts for an A/B, bench/repl_ab.ts).
 */
export async function start(
  kind: "ours" | "redis",
  extra: string[] = [],
  main = MAIN,
): Promise<Proc> {
  const port = freePort();
  const dir = await Deno.makeTempDir({ prefix: "bench-repl-" });
  const common = [
    ...["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    ...["--dir", dir, "--loglevel", "warning", "--repl-diskless-sync-delay", "0"],
    ...extra,
  ];
  const proc = kind === "ours"
    ? new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net", "--allow-read", "--allow-write", main, ...common],
      stdout: "null",
      stderr: "inherit",
    }).spawn()
    : new Deno.Command("redis-server", { args: common, stdout: "null", stderr: "inherit" })
      .spawn();
  const p = { kind, port, proc, dir };
  const deadline = Date.now() + 20_000;
  while (true) {
    try {
      const c = await Conn.open(p.port);
      const pong = await c.call("PING");
      c.close();
      if (pong === "+PONG") break;
    } catch (e) {
      if (Date.now() > deadline) {
        await stop(p);
        throw e;
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return p;
}

export async function stop(p: Proc): Promise<void> {
  try {
    p.proc.kill("SIGKILL");
  } catch { /* gone */ }
  await p.proc.status;
  await Deno.remove(p.dir, { recursive: true }).catch(() => {});
}

/** One request at a time; the reply returned as text (bulk replies: their contents). */
class Conn {
  private buf = new Uint8Array(1 << 16);
  private len = 0;
  private constructor(private readonly conn: Deno.TcpConn) {}

  static async open(port: number): Promise<Conn> {
    return new Conn(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  async write(b: Uint8Array): Promise<void> {
    let off = 0;
    while (off < b.length) off += await this.conn.write(b.subarray(off));
  }

  private async fill(): Promise<void> {
    if (this.len === this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    const n = await this.conn.read(this.buf.subarray(this.len));
    if (n === null) throw new Error("connection closed");
    this.len += n;
  }

  private take(n: number): string {
    const s = new TextDecoder().decode(this.buf.subarray(0, n));
    this.buf.copyWithin(0, n, this.len);
    this.len -= n;
    return s;
  }

  /** One reply: a simple/error/integer line, or a bulk string's contents. */
  async read(): Promise<string> {
    while (true) {
      const nl = this.buf.subarray(0, this.len).indexOf(10);
      if (nl !== -1) {
        if (this.buf[0] !== 36) return this.take(nl + 1).trimEnd();
        const size = Number(new TextDecoder().decode(this.buf.subarray(1, nl - 1)));
        if (size < 0) {
          this.take(nl + 1);
          return "";
        }
        if (this.len >= nl + 1 + size + 2) {
          this.take(nl + 1);
          const s = this.take(size);
          this.take(2);
          return s;
        }
      }
      await this.fill();
    }
  }

  async call(...args: (string | number)[]): Promise<string> {
    await this.write(encodeCommand(args));
    return await this.read();
  }

  close(): void {
    try {
      this.conn.close();
    } catch { /* closed */ }
  }
}

async function infoField(c: Conn, section: string, name: string): Promise<string | undefined> {
  const text = await c.call("INFO", section);
  const m = new RegExp(`^${name}:(.*)$`, "m").exec(text);
  return m?.[1].trim();
}

/** Polls `cond` every `ms` until it holds (or throws after `timeoutMs`). */
async function until(cond: () => Promise<boolean>, what: string, ms = 10, timeoutMs = 600_000) {
  const deadline = Date.now() + timeoutMs;
  while (!await cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, ms));
  }
}

/** utime + stime of `pid` in seconds (all its threads). */
export function cpuSeconds(pid: number): number {
  return cpuMs(pid) / 1000;
}

/** Runs redis-benchmark with `args` against `port`; returns requests/s of its one test. */
export async function benchmark(port: number, args: string[]): Promise<number> {
  const out = await new Deno.Command("redis-benchmark", {
    args: ["-p", String(port), "--csv", ...args],
    stdout: "piped",
    stderr: "null",
  }).output();
  const m = /^"[^"]+","([0-9.]+)"/m.exec(new TextDecoder().decode(out.stdout));
  if (m === null) throw new Error(`redis-benchmark: no result on port ${port}`);
  return Number(m[1]);
}

/** The request redis-benchmark sends for `test` (its default keys and 3-byte value). */
function benchmarkRequest(test: string): string[] {
  if (test === "set") return ["SET", "key:__rand_int__", "xxx"];
  if (test === "incr") return ["INCR", "counter:__rand_int__"];
  return ["LPUSH", "mylist", "xxx"];
}

/**
 * Sends `n` requests of `test` over `conns` connections, each connection's share written in
 * one go (encoded beforehand, a PING last) while its replies are read and dropped; returns
 * requests/s. The master is saturated from its first read to its last and the client's own
 * work is a few large writes and reads, so the master's CPU per request is its processing
 * alone. Under redis-benchmark it also depends on how much each of the master's reads finds
 * waiting, which moves with the client's share of the cores (and so with a replica's).
 */
export async function preloaded(port: number, test: string, n: number, conns = 50) {
  const one = encodeCommand(benchmarkRequest(test));
  const per = Math.ceil(n / conns);
  const ping = encodeCommand(["PING"]);
  const load = new Uint8Array(one.length * per + ping.length);
  for (let i = 0; i < per; i++) load.set(one, i * one.length);
  load.set(ping, one.length * per);
  const pong = new TextEncoder().encode("+PONG\r\n");
  const sockets = await Promise.all(
    Array.from({ length: conns }, () => Deno.connect({ hostname: "127.0.0.1", port })),
  );
  const t0 = performance.now();
  await Promise.all(sockets.map(async (conn) => {
    const writing = (async () => {
      for (let off = 0; off < load.length;) off += await conn.write(load.subarray(off));
    })();
    // The replies end with PING's, which no reply of these commands ends with.
    const buf = new Uint8Array(1 << 16);
    const tail = new Uint8Array(pong.length);
    while (true) {
      const got = await conn.read(buf);
      if (got === null) throw new Error("the master closed a load connection");
      const keep = Math.min(got, tail.length);
      tail.copyWithin(0, keep);
      tail.set(buf.subarray(got - keep, got), tail.length - keep);
      if (tail.every((b, i) => b === pong[i])) break;
    }
    await writing;
  }));
  const seconds = (performance.now() - t0) / 1000;
  for (const conn of sockets) conn.close();
  return (per * conns) / seconds;
}

/** Waits until the replica on `r` is up and has applied all the master on `m` produced. */
async function inSync(m: Conn, r: Conn): Promise<void> {
  await until(
    async () => (await infoField(r, "replication", "master_link_status")) === "up",
    "master_link_status:up",
  );
  await until(
    async () =>
      (await infoField(m, "replication", "master_repl_offset")) ===
        (await infoField(r, "replication", "slave_repl_offset")),
    "the replica caught up",
  );
}

// ---------------------------------------------------------------------------------------------
// 1. The hot path with a replica

/** One command's result: requests/s and master CPU µs per request, per round. */
export interface HotPathRow {
  kind: "ours" | "redis";
  /** redis-benchmark -P 16, or the saturating pipelined load of {@link preloaded}. */
  load: "benchmark" | "pipelined";
  test: string;
  none: { rps: number[]; cpuUs: number[] };
  /** A connection that only reads the stream: the master's own cost of a replica. */
  reader: { rps: number[]; cpuUs: number[] };
  replica: { rps: number[]; cpuUs: number[] };
  /** The replica process's CPU µs per request it applied. */
  applyUs: number[];
}

const TESTS = ["set", "incr", "lpush"];

/**
 * Two masters of `kind`, one with a replica of `kind`; `rounds` alternating runs of each test
 * on each (`n` requests, 50 clients, -P 16).
 */
export async function measureHotPath(
  kind: "ours" | "redis",
  n: number,
  rounds: number,
): Promise<HotPathRow[]> {
  const bare = await start(kind);
  const withRepl = await start(kind);
  const withReader = await start(kind);
  const replica = await start(kind, ["--replicaof", "127.0.0.1", String(withRepl.port)]);
  const rows: HotPathRow[] = (["benchmark", "pipelined"] as const).flatMap((load) =>
    TESTS.map((test) => ({
      kind,
      load,
      test,
      none: { rps: [], cpuUs: [] },
      reader: { rps: [], cpuUs: [] },
      replica: { rps: [], cpuUs: [] },
      applyUs: [],
    }))
  );
  const m = await Conn.open(withRepl.port);
  const r = await Conn.open(replica.port);
  try {
    await inSync(m, r);
    const stopReader = await attachReader(withReader.port);
    for (let round = 0; round < rounds; round++) {
      for (const row of rows) {
        // Alternate which master goes first, so a drift in the machine's load evens out.
        const targets = [bare, withReader, withRepl];
        const order = round % 2 === 0 ? targets : targets.reverse();
        for (const target of order) {
          const before = cpuSeconds(target.proc.pid);
          const replicaBefore = cpuSeconds(replica.proc.pid);
          const rps = row.load === "pipelined"
            ? await preloaded(target.port, row.test, n)
            : await benchmark(target.port, [
              ...["-t", row.test, "-n", String(n), "-c", "50", "-P", "16"],
            ]);
          const cpu = cpuSeconds(target.proc.pid) - before;
          if (target === withRepl) {
            await inSync(m, r);
            row.applyUs.push((cpuSeconds(replica.proc.pid) - replicaBefore) * 1e6 / n);
          }
          const side = target === bare
            ? row.none
            : target === withReader
            ? row.reader
            : row.replica;
          side.rps.push(rps);
          side.cpuUs.push(cpu * 1e6 / n);
        }
      }
      await inSync(m, r); // the replica kept up (and did not fall back to a full resync)
    }
    const fulls = await infoField(m, "stats", "sync_full");
    if (fulls !== "1") throw new Error(`the replica resynced in full ${fulls} times`);
    const rc = await Conn.open(withReader.port);
    const readers = await infoField(rc, "replication", "connected_slaves");
    rc.close();
    stopReader();
    if (readers !== "1") throw new Error("the stream reader was disconnected");
  } finally {
    m.close();
    r.close();
    for (const p of [replica, withReader, withRepl, bare]) await stop(p);
  }
  return rows;
}

/**
 * Attaches a connection to `port` as a replica that reads the stream and drops it (a disk-based
 * transfer, ACK every second so it is not timed out); returns its stop function once online.
 */
export async function attachReader(port: number): Promise<() => void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const send = (args: string[]) => conn.write(encodeCommand(args)).catch(() => 0);
  // One command at a time, as a replica does: PSYNC is refused while REPLCONF's reply is pending.
  await send(["REPLCONF", "capa", "psync2"]);
  const ok = new Uint8Array(5);
  for (let got = 0; got < ok.length;) {
    const n = await conn.read(ok.subarray(got));
    if (n === null) throw new Error("the master closed the reader's connection");
    got += n;
  }
  await send(["PSYNC", "?", "-1"]);
  const timer = setInterval(() => send(["REPLCONF", "ACK", "0"]), 1000);
  (async () => {
    const buf = new Uint8Array(1 << 16);
    try {
      while (await conn.read(buf) !== null) { /* dropped */ }
    } catch { /* closed */ }
  })();
  const c = await Conn.open(port);
  try {
    await until(
      async () => /state=online/.test(await infoField(c, "replication", "slave0") ?? ""),
      "the stream reader online",
    );
  } finally {
    c.close();
  }
  return () => {
    clearInterval(timer);
    try {
      conn.close();
    } catch { /* closed */ }
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The hot-path table: medians of the rounds. */
export function hotPathTable(rows: HotPathRow[], n: number, rounds: number): string {
  const lines = [
    `### Replication: the master's hot path with no replica, a stream reader, a replica (${
      n.toLocaleString("en")
    } requests, 50 clients, median of ${rounds} alternating rounds; load: redis-benchmark -P 16, or each client's requests written at once)`,
    "",
    "| server | load | test | CPU µs/request, no replica | stream reader | cost | a replica | cost | the replica's CPU µs/request | requests/s, no replica | stream reader | a replica |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  const pct = (x: number, base: number) =>
    `${x >= base ? "+" : ""}${((x / base - 1) * 100).toFixed(0)}%`;
  const rps = (x: number) => Math.round(x).toLocaleString("en");
  for (const row of rows) {
    const [c0, cr, c1] = [row.none, row.reader, row.replica].map((x) => median(x.cpuUs));
    const [r0, rr, r1] = [row.none, row.reader, row.replica].map((x) => median(x.rps));
    lines.push(
      `| ${row.kind === "ours" ? "this server" : "redis-server"} | ${
        row.load === "pipelined" ? "pipelined" : "-P 16"
      } | ${row.test.toUpperCase()} | ${c0.toFixed(2)} | ${cr.toFixed(2)} | ${pct(cr, c0)} | ${
        c1.toFixed(2)
      } | ${pct(c1, c0)} | ${median(row.applyUs).toFixed(2)} | ${rps(r0)} | ${rps(rr)} | ${
        rps(r1)
      } |`,
    );
  }
  return lines.join("\n");
}

// ---------------------------------------------------------------------------------------------
// 2. A 1,000,000-key full resync

/** Fills `port` with `keys` strings key:<i> = value:<i>, pipelined in MSETs of 1,000. */
async function fillKeys(port: number, keys: number): Promise<void> {
  const c = await Conn.open(port);
  try {
    const batch = 1000;
    let pending = 0;
    for (let i = 0; i < keys; i += batch) {
      const args: string[] = ["MSET"];
      for (let k = i; k < Math.min(keys, i + batch); k++) args.push(`key:${k}`, `value:${k}`);
      await c.write(encodeCommand(args));
      if (++pending === 50) {
        for (; pending > 0; pending--) await c.read();
      }
    }
    for (; pending > 0; pending--) await c.read();
    const size = await c.call("DBSIZE");
    if (size !== `:${keys}`) throw new Error(`DBSIZE ${size} after filling ${keys} keys`);
  } finally {
    c.close();
  }
}

/** One full resync's timing. */
export interface ResyncRow {
  master: "ours" | "redis";
  replica: "ours" | "redis";
  keys: number;
  /** REPLICAOF sent -> master_link_status:up with every key there (ms). */
  ms: number;
}

/** REPLICAOF on an empty replica of `replicaKind` to a filled master of `masterKind`, timed. */
export async function measureResync(
  masterKind: "ours" | "redis",
  replicaKind: "ours" | "redis",
  keys: number,
): Promise<ResyncRow> {
  const master = await start(masterKind);
  const replica = await start(replicaKind);
  const m = await Conn.open(master.port);
  const r = await Conn.open(replica.port);
  try {
    await fillKeys(master.port, keys);
    const t0 = performance.now();
    await r.call("REPLICAOF", "127.0.0.1", master.port);
    await until(
      async () => (await infoField(r, "replication", "master_link_status")) === "up",
      "master_link_status:up",
      5,
    );
    const ms = performance.now() - t0;
    const size = await r.call("DBSIZE");
    if (size !== `:${keys}`) throw new Error(`the replica has ${size} keys once up`);
    return { master: masterKind, replica: replicaKind, keys, ms };
  } finally {
    m.close();
    r.close();
    await stop(replica);
    await stop(master);
  }
}

export function resyncTable(rows: ResyncRow[]): string {
  const name = (k: string) => k === "ours" ? "this server" : "redis-server";
  const lines = [
    `### Replication: full resync of ${
      rows[0]?.keys.toLocaleString("en")
    } keys (REPLICAOF to master_link_status:up with every key; diskless, delay 0)`,
    "",
    "| master -> replica | time of each run |",
    "| --- | ---: |",
  ];
  const pairs = new Map<string, number[]>();
  for (const row of rows) {
    const pair = `${name(row.master)} -> ${name(row.replica)}`;
    pairs.set(pair, [...pairs.get(pair) ?? [], row.ms]);
  }
  for (const [pair, ms] of pairs) {
    lines.push(`| ${pair} | ${ms.map((x) => `${(x / 1000).toFixed(1)} s`).join(", ")} |`);
  }
  return lines.join("\n");
}

/** Both parts, as `deno task bench --repl` runs them; returns the markdown printed. */
export async function runReplBench(quick: boolean, parts = { hot: true, resync: true }) {
  const out: string[] = [];
  if (parts.hot) {
    const n = quick ? 50_000 : 200_000;
    const rounds = quick ? 1 : 5;
    const rows: HotPathRow[] = [];
    for (const kind of ["ours", "redis"] as const) {
      rows.push(...await measureHotPath(kind, n, rounds));
    }
    out.push(hotPathTable(rows, n, rounds));
    console.log(out.at(-1) + "\n");
  }
  if (parts.resync) {
    const keys = quick ? 100_000 : 1_000_000;
    const rows: ResyncRow[] = [];
    const pairs = [["ours", "ours"], ["redis", "redis"], ["ours", "redis"], ["redis", "ours"]];
    for (let pass = 0; pass < (quick ? 1 : 2); pass++) {
      for (const [m, r] of pairs as ["ours" | "redis", "ours" | "redis"][]) {
        rows.push(await measureResync(m, r, keys));
        console.log(`${m} -> ${r}: ${Math.round(rows.at(-1)!.ms)} ms`);
      }
    }
    out.push(resyncTable(rows));
    console.log(out.at(-1) + "\n");
  }
  return out.join("\n\n");
}

if (import.meta.main) {
  const only = Deno.args.includes("--hotpath")
    ? { hot: true, resync: false }
    : Deno.args.includes("--resync")
    ? { hot: false, resync: true }
    : { hot: true, resync: true };
  await runReplBench(Deno.args.includes("--quick"), only);
}
