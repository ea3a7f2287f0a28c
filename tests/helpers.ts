/**
 * Test helpers: an in-process server per test, and a raw RESP client for
 * byte-exact assertions.
 */

import assert from "node:assert/strict";
import { type RunningServer, type ServerOptions, startServer } from "../mod.ts";
import { parseReply, type RespReply } from "../src/resp/reply_parser.ts";
import { binaryToBytes, bytesToBinary, concatBytes } from "../src/util/bytes.ts";
import type { EncodingLimits } from "../src/store/types.ts";

export type { RespReply };
// Bytes <-> binary strings (one char per byte). Not TextDecoder("latin1"): WHATWG maps that
// label to windows-1252, which changes 0x80-0x9f.
export { binaryToBytes, bytesToBinary };

/** Starts a server on a free port, runs `fn`, and always stops the server. */
export async function withServer(
  options: ServerOptions,
  fn: (srv: RunningServer) => Promise<void>,
): Promise<void> {
  const srv = await startServer(options);
  try {
    await fn(srv);
  } finally {
    await srv.close();
  }
}

const enc = new TextEncoder();
const latin1 = { decode: (b: Uint8Array) => bytesToBinary(b) };

/** Encodes a command as a RESP multibulk request (strings are UTF-8, arrays raw bytes). */
export function encodeCommand(args: (string | Uint8Array | number)[]): Uint8Array {
  const parts: Uint8Array[] = [enc.encode(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = a instanceof Uint8Array ? a : enc.encode(String(a));
    parts.push(enc.encode(`$${b.length}\r\n`), b, enc.encode("\r\n"));
  }
  return concatBytes(parts);
}

/** A plain TCP client that speaks raw RESP, for exact-byte tests. */
export class RawClient {
  private buf = new Uint8Array(0);
  private constructor(readonly conn: Deno.TcpConn) {}

  static async connect(port: number): Promise<RawClient> {
    return new RawClient(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  /** Sends raw bytes (a string is sent as latin1 bytes, so any byte can be written). */
  async write(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === "string" ? Uint8Array.from(data, (ch) => ch.charCodeAt(0)) : data;
    let off = 0;
    while (off < bytes.length) off += await this.conn.write(bytes.subarray(off));
  }

  /** Sends one command as multibulk. */
  send(...args: (string | Uint8Array | number)[]): Promise<void> {
    return this.write(encodeCommand(args));
  }

  private async fill(): Promise<boolean> {
    const chunk = new Uint8Array(64 * 1024);
    const n = await this.conn.read(chunk);
    if (n === null) return false;
    const next = new Uint8Array(this.buf.length + n);
    next.set(this.buf);
    next.set(chunk.subarray(0, n), this.buf.length);
    this.buf = next;
    return true;
  }

  /** Reads exactly one reply and returns its raw bytes as a latin1 string. */
  async readRaw(): Promise<string> {
    while (true) {
      const r = this.buf.length > 0 ? parseReply(this.buf) : null;
      if (r !== null) {
        const raw = latin1.decode(this.buf.subarray(0, r[1]));
        this.buf = this.buf.slice(r[1]);
        return raw;
      }
      if (!await this.fill()) throw new Error("connection closed before a full reply");
    }
  }

  /** Reads exactly one decoded reply. */
  async read(): Promise<RespReply> {
    while (true) {
      const r = this.buf.length > 0 ? parseReply(this.buf) : null;
      if (r !== null) {
        this.buf = this.buf.slice(r[1]);
        return r[0];
      }
      if (!await this.fill()) throw new Error("connection closed before a full reply");
    }
  }

  /** Sends a command and returns the raw bytes of its reply. */
  async call(...args: (string | Uint8Array | number)[]): Promise<string> {
    await this.send(...args);
    return await this.readRaw();
  }

  /** Reads until the server closes the connection; returns what arrived (latin1). */
  async readUntilClosed(): Promise<string> {
    try {
      while (await this.fill()) { /* keep reading */ }
    } catch { /* reset */ }
    const out = latin1.decode(this.buf);
    this.buf = new Uint8Array(0);
    return out;
  }

  close(): void {
    try {
      this.conn.close();
    } catch { /* already closed */ }
  }
}

/** Simplifies a reply for deep-equality asserts: bulk -> latin1 string, int -> number. */
export function simplify(r: RespReply): unknown {
  switch (r.t) {
    case "simple":
      return r.v;
    case "error":
      return new Error(r.v);
    case "int":
      return Number(r.v);
    case "bulk":
      return latin1.decode(r.v);
    case "null":
      return null;
    case "double":
      return Number(r.v);
    case "bool":
      return r.v;
    case "verbatim":
      return latin1.decode(r.v);
    case "bignum":
      return BigInt(r.v);
    case "array":
    case "set":
    case "push":
      return r.v.map(simplify);
    case "map":
    case "attribute":
      return new Map(r.v.map(([k, v]) => [simplify(k), simplify(v)]));
  }
}

/** Sends a command and returns its reply simplified (see {@link simplify}). */
export async function cmd(c: RawClient, ...args: (string | number)[]): Promise<unknown> {
  await c.send(...args);
  return simplify(await c.read());
}

/** INFO <section> as a map of its fields (section headers and blank lines left out). */
export async function infoFields(c: RawClient, section: string): Promise<Map<string, string>> {
  const text = await cmd(c, "INFO", section) as string;
  const m = new Map<string, string>();
  for (const line of text.split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0 && !line.startsWith("#")) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

/** Path of a free-to-use temp dir, removed by the returned cleanup. */
export async function tempDir(): Promise<[string, () => Promise<void>]> {
  const dir = await Deno.makeTempDir({ prefix: "redis-deno-test-" });
  return [dir, () => Deno.remove(dir, { recursive: true }).catch(() => {})];
}

/** True when an executable is on PATH (see runsWith for gating tests on it). */
export function hasCommand(name: string): boolean {
  let found = onPath.get(name);
  if (found === undefined) {
    try {
      found = new Deno.Command("sh", { args: ["-c", 'command -v "$0"', name], stdout: "null" })
        .outputSync().success;
    } catch {
      found = false; // no --allow-run: treated as missing (CI=true then fails the tests)
    }
    onPath.set(name, found);
  }
  return found;
}

const onPath = new Map<string, boolean>();

/**
 * True under CI=true: a test that needs a missing reference server or client binary runs and
 * fails saying so, where locally it is skipped.
 */
/** Redis 7.2's default *-max-listpack-* / set-max-intset-entries limits. */
export const DEFAULT_ENCODING_LIMITS: EncodingLimits = {
  listMaxListpackSize: -2,
  hashMaxListpackEntries: 128,
  hashMaxListpackValue: 64,
  setMaxIntsetEntries: 512,
  setMaxListpackEntries: 128,
  setMaxListpackValue: 64,
  zsetMaxListpackEntries: 128,
  zsetMaxListpackValue: 64,
};

export const CI = Deno.env.get("CI") === "true";

/**
 * Whether tests that need the executable `name` run (their `ignore: !runsWith(name)`): when it
 * is on PATH, and always under CI (useCommand then fails them). Locally a missing binary is
 * reported once per test run.
 */
export function runsWith(name: string): boolean {
  if (hasCommand(name) || CI) return true;
  notice(name, `note: ${name} is not on PATH; tests that need it are skipped (CI=true fails them)`);
  return false;
}

/**
 * Prints `text` once per test run: test files load their own copy of this module, so the
 * marker is kept in the environment the files share.
 */
export function notice(key: string, text: string): void {
  const marker = "REDIS_DENO_NOTICE_" + key.replace(/\W/g, "_").toUpperCase();
  if (Deno.env.get(marker) !== undefined) return;
  Deno.env.set(marker, "1");
  console.warn(text);
}

/** Executables the running test used: the interop report lists them (see useCommand). */
const usedByTest = new Set<string>();

/**
 * Declares that the running test uses the executable `name`: throws "<name> is not installed"
 * when it is not on PATH, and lists the test in the interop report.
 */
export function useCommand(name: string): void {
  if (!hasCommand(name)) throw new Error(`${name} is not installed (not on PATH)`);
  usedByTest.add(name);
}

// The interop report: with INTEROP_REPORT set (.ci/run sets it), each test that used reference
// binaries appends one "name<TAB>--version output" line per binary to that file, so the run can
// say how many tests ran against what. Appends of short lines from the test files' isolates
// (one process) do not interleave.
const report = Deno.env.get("INTEROP_REPORT");
Deno.test.beforeEach(() => usedByTest.clear());
Deno.test.afterEach(() => {
  if (usedByTest.size === 0 || report === undefined) return;
  let lines = "";
  for (const name of usedByTest) lines += `${name}\t${commandVersion(name)}\n`;
  usedByTest.clear();
  Deno.writeTextFileSync(report, lines, { append: true });
});

const versions = new Map<string, string>();

/** First line of `name --version`. */
function commandVersion(name: string): string {
  let v = versions.get(name);
  if (v === undefined) {
    const out = new Deno.Command(name, { args: ["--version"], stderr: "null" }).outputSync();
    v = new TextDecoder().decode(out.stdout).split("\n")[0].trim();
    versions.set(name, v);
  }
  return v;
}

/** One argument of a command as RawClient sends it (strings as UTF-8). */
export type Arg = string | Uint8Array | number;

/** A recorded command and its exact raw reply. */
export type Row = [string[], string];

/** A server plus one raw client connected to it; both are always closed. */
export async function withClient(
  options: ServerOptions,
  fn: (c: RawClient, srv: RunningServer) => Promise<void>,
): Promise<void> {
  await withServer(options, async (srv) => {
    const c = await RawClient.connect(srv.port);
    try {
      await fn(c, srv);
    } finally {
      c.close();
    }
  });
}

/** A connection to `port` for the duration of `fn`. */
export async function withConn<T>(port: number, fn: (c: RawClient) => Promise<T>): Promise<T> {
  const c = await RawClient.connect(port);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}

/** Every notice and warning `srv` logs from now on. */
export function captureLog(srv: RunningServer): string[] {
  const lines: string[] = [];
  const log = srv.server.log;
  const notice = log.notice.bind(log);
  const warning = log.warning.bind(log);
  log.notice = (msg: string) => {
    lines.push(msg);
    notice(msg);
  };
  log.warning = (msg: string) => {
    lines.push(msg);
    warning(msg);
  };
  return lines;
}

/** Opens `n` raw clients to `port` and hands them to `fn` in order; all are always closed. */
export async function withConnections(
  port: number,
  n: number,
  fn: (clients: RawClient[]) => Promise<void>,
): Promise<void> {
  const clients: RawClient[] = [];
  try {
    for (let i = 0; i < n; i++) clients.push(await RawClient.connect(port));
    await fn(clients);
  } finally {
    for (const c of clients) c.close();
  }
}

/** Client ids differ from run to run: masks the `id` field of HELLO replies. */
export function noIds(raw: string): string {
  return raw.replace(/\$2\r\nid\r\n:\d+\r\n/g, "$2\r\nid\r\n:ID\r\n");
}

/** Sends each command in order and asserts its exact raw reply. */
export async function expectReplies(
  c: RawClient,
  rows: readonly (readonly [readonly Arg[], string])[],
): Promise<void> {
  for (const [args, want] of rows) assert.equal(await c.call(...args), want, args.join(" "));
}

/** Sends a command whose arguments are binary strings (one char per byte); returns the raw reply. */
export function callBinary(c: RawClient, ...args: string[]): Promise<string> {
  return c.call(...args.map(binaryToBytes));
}

/** Switches `c` to RESP3 with HELLO 3; fails unless the reply is HELLO's RESP3 map. */
export async function resp3(_srv: RunningServer, c: RawClient): Promise<void> {
  const r = await c.call("HELLO", "3");
  assert.ok(r.startsWith("%"), `HELLO 3 did not switch to RESP3: ${JSON.stringify(r)}`);
}

/** A TCP port on the loopback interface that was free a moment ago. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Resolves after `ms` milliseconds (to wait for something to happen, use waitUntil). */
export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/**
 * Polls `cond` every `intervalMs` until it holds; throws when `timeoutMs` passes first
 * (`what` names the awaited condition in the error).
 */
export async function waitUntil(
  cond: () => boolean | Promise<boolean>,
  what: string | (() => string | Promise<string>),
  { timeoutMs = 5000, intervalMs = 1 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!await cond()) {
    if (performance.now() > deadline) {
      throw new Error(`timed out waiting for ${typeof what === "string" ? what : await what()}`);
    }
    await sleep(intervalMs);
  }
}

/** Waits until INFO replication on `c` says master_link_status is `status`. */
export function masterLink(
  c: RawClient,
  status: "up" | "down" = "up",
  timeoutMs = 10_000,
): Promise<void> {
  return waitUntil(
    async () => (await infoFields(c, "replication")).get("master_link_status") === status,
    `master_link_status:${status}`,
    { timeoutMs, intervalMs: 10 },
  );
}

/** Waits until the replica on `r` applied everything the master on `m` produced. */
export function caughtUp(m: RawClient, r: RawClient, timeoutMs = 10_000): Promise<void> {
  return waitUntil(
    async () =>
      (await infoFields(m, "replication")).get("master_repl_offset") ===
        (await infoFields(r, "replication")).get("slave_repl_offset"),
    "replica offset = master offset",
    { timeoutMs, intervalMs: 10 },
  );
}

/** Waits until the in-process server has exactly `n` blocked clients. */
export function waitBlocked(srv: RunningServer, n: number): Promise<void> {
  return waitUntil(
    () => srv.server.blocking.blockedClients === n,
    () => `${n} blocked clients (have ${srv.server.blocking.blockedClients})`,
  );
}

/** Connects to `port`, retrying until something listens there or `timeoutMs` passes. */
export async function connectRetry(port: number, timeoutMs = 10_000): Promise<RawClient> {
  const deadline = performance.now() + timeoutMs;
  while (true) {
    try {
      return await RawClient.connect(port);
    } catch (e) {
      if (performance.now() > deadline) throw new Error(`nothing listening on ${port}: ${e}`);
      await sleep(5);
    }
  }
}

/** Deterministic PRNG (mulberry32) so randomized tests reproduce: floats in [0, 1). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** RESP2 bulk string of a binary string. */
export const bulk = (s: string): string => `$${s.length}\r\n${s}\r\n`;
/** RESP integer reply. */
export const int = (n: number | bigint): string => `:${n}\r\n`;
/** RESP2 array header followed by already encoded items. */
export const arr = (items: string[]): string => `*${items.length}\r\n${items.join("")}`;
/** The WRONGTYPE error reply, as Redis 7.2 words it. */
export const WRONGTYPE_REPLY =
  "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

/** `prefix` + each whole number from `from` to `to` ("a1".."aN" member and argument lists). */
export function range(prefix: string, from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => prefix + (from + i));
}

/** The bulk strings of a raw (possibly nested) reply, in order. */
export function bulks(raw: string): string[] {
  const out: string[] = [];
  const re = /\$(\d+)\r\n/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(raw)) !== null) {
    const len = Number(m[1]);
    out.push(raw.slice(re.lastIndex, re.lastIndex + len));
    re.lastIndex += len + 2;
  }
  return out;
}

/**
 * Sends a command and checks its reply. Used by the large-structure tests: they
 * assert results only; how fast is the benchmark's job (bench/run.ts), never a test's.
 */
export async function expectReply(
  c: RawClient,
  args: Arg[],
  check: (reply: string) => void,
): Promise<void> {
  check(await c.call(...args));
}

/**
 * Records what `srv` propagates (replicas/AOF): one line per command, its arguments as binary
 * strings joined by spaces (`withDb`: prefixed by the db index and a space).
 */
export function capturePropagation(srv: RunningServer, withDb = false): string[] {
  const log: string[] = [];
  srv.server.propagateListeners.push((db, argv) => {
    const line = argv.map(bytesToBinary).join(" ");
    log.push(withDb ? `${db} ${line}` : line);
  });
  return log;
}

/**
 * Records the keyevent notifications of db 0 as "event key" lines (the pub/sub sink is
 * replaced in-process); sets notify-keyspace-events to `flags` when given.
 */
export function captureKeyEvents(srv: RunningServer, flags?: string): string[] {
  const events: string[] = [];
  srv.server.publish = (ch, msg) => {
    if (ch.startsWith("__keyevent@0__:")) events.push(ch.slice(15) + " " + bytesToBinary(msg));
    return 0;
  };
  if (flags !== undefined) srv.server.config.set("notify-keyspace-events", flags);
  return events;
}

/**
 * Records every notification as a "channel message" line (the pub/sub sink is replaced
 * in-process); sets notify-keyspace-events to `flags` when given.
 */
export function captureNotifications(srv: RunningServer, flags?: string): string[] {
  const events: string[] = [];
  srv.server.publish = (ch, msg) => {
    events.push(ch + " " + bytesToBinary(msg));
    return 0;
  };
  if (flags !== undefined) srv.server.config.set("notify-keyspace-events", flags);
  return events;
}

/**
 * Captures `srv`'s db 0 key events (`eventFlags` turned on) and propagation; `step` sends one
 * command on `c` and asserts its raw reply, the events ("event key") and propagated commands it
 * produced, and how far it moved the dirty counter.
 */
export function recordEffects(c: RawClient, srv: RunningServer, eventFlags: string): {
  events: string[];
  prop: string[];
  step: (args: string[], reply: string, ev: string[], pr: string[], dirty: number) => Promise<void>;
} {
  const events = captureKeyEvents(srv, eventFlags);
  const prop = capturePropagation(srv);
  const step = async (args: string[], reply: string, ev: string[], pr: string[], dirty: number) => {
    events.length = 0;
    prop.length = 0;
    const before = srv.server.dirty;
    assert.equal(await c.call(...args), reply, args.join(" "));
    assert.deepEqual(events, ev, args.join(" "));
    assert.deepEqual(prop, pr, args.join(" "));
    assert.equal(srv.server.dirty - before, dirty, args.join(" ") + " dirty");
  };
  return { events, prop, step };
}

/**
 * Runs the server binary `bin` (valkey-server, redis-server) on a free port with its data in
 * `dir` (loading any dump.rdb there) and no persistence, `args` appended; hands `fn` a client
 * once the dataset is loaded, and always kills the process it started (by its handle).
 */
export async function withServerBinary(
  bin: string,
  dir: string,
  fn: (c: RawClient, port: number) => Promise<void>,
  args: string[] = [],
): Promise<void> {
  useCommand(bin);
  const port = freePort();
  const proc = new Deno.Command(bin, {
    args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
      .concat(["--dir", dir], args),
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    const c = await connectRetry(port);
    try {
      while ((await c.call("PING")).startsWith("-LOADING")) { /* the dataset is loading */ }
      await fn(c, port);
    } finally {
      c.close();
    }
  } finally {
    try {
      proc.kill("SIGKILL");
    } catch { /* already gone */ }
    await proc.status;
  }
}

const MAIN_TS = new URL("../main.ts", import.meta.url).pathname;

/** Our server as a main.ts subprocess, to be killed (by its handle) with {@link stopSpawned}. */
export interface SpawnedServer {
  port: number;
  proc: Deno.ChildProcess;
  /** Its own temp dir (data and `log`), removed by stopSpawned. */
  dir: string;
  cleanup: () => Promise<void>;
}

/**
 * Starts main.ts (or `binary`, e.g. valkey-server, for the same scenario on a reference) in a
 * subprocess on a free port with its own dir and log file (`dir`/log) and no save points,
 * `args` appended; resolves once it accepts connections. With `at` (a server that exited), it
 * starts on that one's port and dir instead: a restart.
 */
export async function spawnServer(
  args: string[],
  binary: string | null = null,
  at?: SpawnedServer,
): Promise<SpawnedServer> {
  if (binary !== null) useCommand(binary);
  // Restarted where `at` ran (its port and dir, which stays `at`'s to remove).
  const [dir, cleanup] = at === undefined ? await tempDir() : [at.dir, async () => {}];
  const port = at?.port ?? freePort();
  const common = [
    ...["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", ""],
    ...["--logfile", `${dir}/log`],
    ...args,
  ];
  const proc = new Deno.Command(binary ?? Deno.execPath(), {
    args: binary === null ? ["run", "-A", MAIN_TS, ...common] : common,
    stdout: "null",
    stderr: "null",
  }).spawn();
  const p = { port, proc, dir, cleanup };
  try {
    (await connectRetry(port, 20_000)).close();
  } catch (e) {
    await stopSpawned(p);
    throw e;
  }
  return p;
}

/** SIGKILLs a {@link spawnServer} process, waits for it to exit and removes its dir. */
export async function stopSpawned(p: SpawnedServer): Promise<void> {
  try {
    p.proc.kill("SIGKILL");
  } catch { /* already gone */ }
  await p.proc.status;
  await p.cleanup();
}
