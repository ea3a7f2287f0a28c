// Blocking list commands (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP) and the
// blocking machinery (src/server/blocking.ts): several clients per scenario,
// exact reply bytes, FIFO service, timeouts, disconnects, MULTI/EXEC, chains,
// CLIENT UNBLOCK, INFO counters and what gets propagated. Expected replies and
// replication streams were recorded from valkey-server 8.0 (Redis 7.2
// behaviour); when it is installed the scenarios also run against a live one.
// Tests wait for replies or for the server's blocked-client count, not sleeps.

import assert from "node:assert/strict";
import { Redis } from "ioredis";
import {
  binaryToBytes,
  encodeCommand,
  RawClient,
  waitBlocked,
  waitUntil,
  withClient,
  withConnections,
  withServer,
} from "./helpers.ts";
import { HAS_REFERENCE, withReference, withReferenceClient } from "./reference.ts";
import { parseReply } from "../src/resp/reply_parser.ts";
import { bytesToBinary, concatBytes } from "../src/util/bytes.ts";

/**
 * One step of a scenario. Clients are numbered 0..3; `$idN` in an argument is
 * client N's id. Steps that read a reply record it in the scenario's output.
 */
type Step =
  /** Send a command and record its reply. */
  | { c: number; call: string }
  /** Send a command that blocks; wait until `blocked` clients are blocked. */
  | { c: number; send: string; blocked: number }
  /** Send several commands in one write; wait until `blocked` clients are blocked. */
  | { c: number; raw: string[]; blocked: number }
  /** Read one reply and record it. */
  | { c: number; read: true }
  /** Close a client's connection; wait until `blocked` clients are blocked. */
  | { close: number; blocked: number }
  /** Record `field:value` of INFO fields (cmdstat lines keep calls/failed counts only). */
  | { c: number; info: string; fields: string[] }
  /** Send a command whose reply names the server (HELLO): recorded as "(ignored)". */
  | { c: number; ignore: string };

interface Scenario {
  name: string;
  steps: Step[];
  /** Recorded replies, in step order. */
  replies: string[];
  /** Commands propagated to replicas/AOF (FLUSHALL and SELECT left out). */
  propagated: string[];
}

const WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";

const SCENARIOS: Scenario[] = [];

/** Adds a scenario; `replies`/`propagated` are filled in below from the recordings. */
function scenario(name: string, steps: Step[], replies: string[], propagated: string[]): void {
  SCENARIOS.push({ name, steps, replies, propagated });
}

const call = (c: number, cmd: string): Step => ({ c, call: cmd });
const send = (c: number, cmd: string, blocked: number): Step => ({ c, send: cmd, blocked });
const read = (c: number): Step => ({ c, read: true });
const blockedInfo = (c = 0): Step => ({ c, info: "clients", fields: ["blocked_clients"] });
const ignore = (c: number, cmd: string): Step => ({ c, ignore: cmd });

// deno-fmt-ignore
{
scenario("several clients blocked on one key are served FIFO", [
  send(1, "BLPOP k 0", 1), send(2, "BLPOP k 0", 2), send(3, "BLPOP k 0", 3),
  call(0, "RPUSH k a b"), read(1), read(2), blockedInfo(),
  call(0, "RPUSH k c"), read(3), call(0, "EXISTS k"),
], [
  ":2\r\n",
  "*2\r\n$1\r\nk\r\n$1\r\na\r\n",
  "*2\r\n$1\r\nk\r\n$1\r\nb\r\n",
  "blocked_clients:1",
  ":1\r\n",
  "*2\r\n$1\r\nk\r\n$1\r\nc\r\n",
  ":0\r\n",
], [
  "RPUSH k a b",
  "LPOP k",
  "LPOP k",
  "RPUSH k c",
  "LPOP k",
]);
scenario("BRPOP and BLPOP waiters on one key take from their own end", [
  send(1, "BRPOP k 0", 1), send(2, "BLPOP k 0", 2),
  call(0, "RPUSH k a b c"), read(1), read(2), call(0, "LRANGE k 0 -1"),
], [
  ":3\r\n",
  "*2\r\n$1\r\nk\r\n$1\r\nc\r\n",
  "*2\r\n$1\r\nk\r\n$1\r\na\r\n",
  "*1\r\n$1\r\nb\r\n",
], [
  "RPUSH k a b c",
  "RPOP k",
  "LPOP k",
]);
scenario("a served client re-runs its command: its keys are tried in argument order", [
  send(1, "BLPOP a b 0", 1),
  call(0, "MULTI"), call(0, "RPUSH b 1"), call(0, "RPUSH a 2"), call(0, "EXEC"),
  read(1), call(0, "LRANGE a 0 -1"), call(0, "LRANGE b 0 -1"),
], [
  "+OK\r\n",
  "+QUEUED\r\n",
  "+QUEUED\r\n",
  "*2\r\n:1\r\n:1\r\n",
  "*2\r\n$1\r\na\r\n$1\r\n2\r\n",
  "*0\r\n",
  "*1\r\n$1\r\n1\r\n",
], [
  "MULTI",
  "RPUSH b 1",
  "RPUSH a 2",
  "EXEC",
  "LPOP a",
]);
scenario("a push inside MULTI/EXEC wakes a blocked BLMPOP after EXEC", [
  send(1, "BLMPOP 0 2 x k LEFT COUNT 5", 1),
  call(0, "MULTI"), call(0, "RPUSH k a"), call(0, "RPUSH k b c"), call(0, "EXEC"),
  read(1), call(0, "EXISTS k"),
], [
  "+OK\r\n",
  "+QUEUED\r\n",
  "+QUEUED\r\n",
  "*2\r\n:1\r\n:3\r\n",
  "*2\r\n$1\r\nk\r\n*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n",
  ":0\r\n",
], [
  "MULTI",
  "RPUSH k a",
  "RPUSH k b c",
  "EXEC",
  "LPOP k 3",
]);
scenario("a key emptied again within the transaction leaves the client blocked", [
  send(1, "BLPOP k 0", 1),
  call(0, "MULTI"), call(0, "RPUSH k a"), call(0, "LPOP k"), call(0, "EXEC"),
  blockedInfo(), call(0, "RPUSH k z"), read(1),
], [
  "+OK\r\n",
  "+QUEUED\r\n",
  "+QUEUED\r\n",
  "*2\r\n:1\r\n$1\r\na\r\n",
  "blocked_clients:1",
  ":1\r\n",
  "*2\r\n$1\r\nk\r\n$1\r\nz\r\n",
], [
  "MULTI",
  "RPUSH k a",
  "LPOP k",
  "EXEC",
  "RPUSH k z",
  "LPOP k",
]);
scenario("blocking commands inside MULTI reply as on timeout without blocking", [
  call(1, "MULTI"), call(1, "BLPOP k 0"), call(1, "BRPOP k 0"), call(1, "BLMOVE k d LEFT LEFT 0"),
  call(1, "BRPOPLPUSH k d 0"), call(1, "BLMPOP 0 1 k LEFT"), call(1, "EXEC"), blockedInfo(1),
], [
  "+OK\r\n",
  "+QUEUED\r\n",
  "+QUEUED\r\n",
  "+QUEUED\r\n",
  "+QUEUED\r\n",
  "+QUEUED\r\n",
  "*5\r\n*-1\r\n*-1\r\n$-1\r\n$-1\r\n*-1\r\n",
  "blocked_clients:0",
], [
]);
scenario("BLMOVE chains: a pushed element travels through every waiting mover", [
  send(1, "BLMOVE a b LEFT RIGHT 0", 1), send(2, "BLMOVE b c LEFT RIGHT 0", 2),
  send(3, "BLPOP c 0", 3), call(0, "RPUSH a x"), read(1), read(2), read(3),
  call(0, "EXISTS a b c"),
], [
  ":1\r\n",
  "$1\r\nx\r\n",
  "$1\r\nx\r\n",
  "*2\r\n$1\r\nc\r\n$1\r\nx\r\n",
  ":0\r\n",
], [
  "RPUSH a x",
  "LMOVE a b LEFT RIGHT",
  "LMOVE b c LEFT RIGHT",
  "LPOP c",
]);
scenario("circular BRPOPLPUSH waiters hand the element round once", [
  send(1, "BRPOPLPUSH a b 0", 1), send(2, "BRPOPLPUSH b a 0", 2),
  call(0, "RPUSH a x"), read(1), read(2), call(0, "LRANGE a 0 -1"), call(0, "EXISTS b"),
], [
  ":1\r\n",
  "$1\r\nx\r\n",
  "$1\r\nx\r\n",
  "*1\r\n$1\r\nx\r\n",
  ":0\r\n",
], [
  "RPUSH a x",
  "RPOPLPUSH a b",
  "RPOPLPUSH b a",
]);
scenario("a key of another type does not serve list waiters", [
  send(1, "BLPOP k 0", 1), send(2, "BZPOPMIN k 0", 2), call(0, "SET k s"), blockedInfo(),
  call(0, "DEL k"), call(0, "RPUSH k v"), read(1), blockedInfo(),
  call(0, "ZADD k 1 m"), read(2),
], [
  "+OK\r\n",
  "blocked_clients:2",
  ":1\r\n",
  ":1\r\n",
  "*2\r\n$1\r\nk\r\n$1\r\nv\r\n",
  "blocked_clients:1",
  ":1\r\n",
  "*3\r\n$1\r\nk\r\n$1\r\nm\r\n$1\r\n1\r\n",
], [
  "SET k s",
  "DEL k",
  "RPUSH k v",
  "LPOP k",
  "ZADD k 1 m",
  "ZPOPMIN k",
]);
scenario("waiters are per database; SWAPDB and RENAME make keys ready", [
  call(1, "SELECT 1"), send(1, "BLPOP k 0", 1), call(0, "RPUSH k x"), blockedInfo(),
  call(0, "SELECT 1"), call(0, "RPUSH k y"), read(1), call(0, "SELECT 0"), call(0, "LLEN k"),
  send(2, "BLPOP s 0", 1), call(0, "SELECT 1"), call(0, "RPUSH s v"), call(0, "SWAPDB 0 1"),
  read(2), call(0, "EXISTS s"), call(0, "SELECT 0"), call(0, "EXISTS s"),
  send(3, "BLPOP dst 0", 1), call(0, "RPUSH src w"), call(0, "RENAME src dst"), read(3),
], [
  "+OK\r\n",
  ":1\r\n",
  "blocked_clients:1",
  "+OK\r\n",
  ":1\r\n",
  "*2\r\n$1\r\nk\r\n$1\r\ny\r\n",
  "+OK\r\n",
  ":1\r\n",
  "+OK\r\n",
  ":1\r\n",
  "+OK\r\n",
  "*2\r\n$1\r\ns\r\n$1\r\nv\r\n",
  ":0\r\n",
  "+OK\r\n",
  ":0\r\n",
  ":1\r\n",
  "+OK\r\n",
  "*2\r\n$3\r\ndst\r\n$1\r\nw\r\n",
], [
  "RPUSH k x",
  "RPUSH k y",
  "LPOP k",
  "RPUSH s v",
  "SWAPDB 0 1",
  "LPOP s",
  "RPUSH src w",
  "RENAME src dst",
  "LPOP dst",
]);
scenario("fractional timeouts reply a null array for every blocking list command", [
  call(1, "BLPOP k 0.02"), call(1, "BRPOP k 0.01"), call(1, "BLMOVE k d LEFT LEFT 0.01"),
  call(1, "BRPOPLPUSH k d .01"), call(1, "BLMPOP 0.01 1 k LEFT"),
  send(1, "BLPOP k 0.5", 1), send(2, "BLPOP k 0.02", 2), read(2), blockedInfo(),
  call(0, "RPUSH k v"), read(1),
], [
  "*-1\r\n",
  "*-1\r\n",
  "*-1\r\n",
  "*-1\r\n",
  "*-1\r\n",
  "*-1\r\n",
  "blocked_clients:1",
  ":1\r\n",
  "*2\r\n$1\r\nk\r\n$1\r\nv\r\n",
], [
  "RPUSH k v",
  "LPOP k",
]);
scenario("RESP3 timeouts are nulls and BLMPOP replies nest arrays", [
  ignore(1, "HELLO 3"), call(1, "BLPOP k 0.01"), call(1, "BLMOVE k d LEFT LEFT 0.01"),
  send(1, "BLMPOP 0 1 k RIGHT COUNT 2", 1), call(0, "RPUSH k a b c"), read(1),
  call(1, "BLMOVE k d LEFT LEFT 0"), send(1, "BRPOPLPUSH k d 0", 1), call(0, "LPUSH k z"), read(1),
], [
  "(ignored)",
  "_\r\n",
  "_\r\n",
  ":3\r\n",
  "*2\r\n$1\r\nk\r\n*2\r\n$1\r\nc\r\n$1\r\nb\r\n",
  "$1\r\na\r\n",
  ":1\r\n",
  "$1\r\nz\r\n",
], [
  "RPUSH k a b c",
  "RPOP k 2",
  "LMOVE k d LEFT LEFT",
  "LPUSH k z",
  "RPOPLPUSH k d",
]);
scenario("CLIENT UNBLOCK TIMEOUT and ERROR", [
  send(1, "BLPOP k 0", 1), call(0, "CLIENT UNBLOCK $id1"), read(1),
  send(1, "BLMOVE k d LEFT LEFT 0", 1), call(0, "CLIENT UNBLOCK $id1 ERROR"), read(1),
  call(0, "CLIENT UNBLOCK $id1"), call(0, "CLIENT UNBLOCK $id1 FOO"),
  send(1, "BLMPOP 0 1 k LEFT", 1), call(0, "CLIENT UNBLOCK $id1 TIMEOUT"), read(1),
  blockedInfo(), call(0, "RPUSH k v"), call(0, "LLEN k"),
], [
  ":1\r\n",
  "*-1\r\n",
  ":1\r\n",
  "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n",
  ":0\r\n",
  "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n",
  ":1\r\n",
  "*-1\r\n",
  "blocked_clients:0",
  ":1\r\n",
  ":1\r\n",
], [
  "RPUSH k v",
]);
scenario("a client that disconnects while blocked is forgotten", [
  send(1, "BLPOP k 0", 1), send(2, "BLPOP k 0", 2), { close: 1, blocked: 1 },
  call(0, "RPUSH k v"), read(2), call(0, "EXISTS k"),
  send(3, "BLMOVE k d LEFT LEFT 0", 1), { close: 3, blocked: 0 },
  call(0, "RPUSH k w"), call(0, "EXISTS d"), call(0, "LLEN k"),
], [
  ":1\r\n",
  "*2\r\n$1\r\nk\r\n$1\r\nv\r\n",
  ":0\r\n",
  ":1\r\n",
  ":0\r\n",
  ":1\r\n",
], [
  "RPUSH k v",
  "LPOP k",
  "RPUSH k w",
]);
scenario("commands pipelined behind a blocked one run after it is served", [
  { c: 1, raw: ["BLPOP k 0", "PING", "LLEN k"], blocked: 1 },
  call(0, "RPUSH k a b"), read(1), read(1), read(1),
  send(2, "BLPOP j 0", 1), { c: 2, raw: ["ECHO hi"], blocked: 1 }, blockedInfo(),
  call(0, "RPUSH j x"), read(2), read(2),
], [
  ":2\r\n",
  "*2\r\n$1\r\nk\r\n$1\r\na\r\n",
  "+PONG\r\n",
  ":1\r\n",
  "blocked_clients:1",
  ":1\r\n",
  "*2\r\n$1\r\nj\r\n$1\r\nx\r\n",
  "$2\r\nhi\r\n",
], [
  "RPUSH k a b",
  "LPOP k",
  "RPUSH j x",
  "LPOP j",
]);
scenario("INFO clients counts blocked clients, their keys and timeouts", [
  send(1, "BLPOP a b 0", 1), send(2, "BLPOP b c 5", 2), send(3, "BLPOP a a 0", 3),
  { c: 0, info: "clients", fields: ["blocked_clients", "total_blocking_keys", "clients_in_timeout_table"] },
  call(0, "CLIENT KILL ID $id1"), blockedInfo(), call(0, "CLIENT UNBLOCK $id2"), read(2),
  call(0, "RPUSH a v"), read(3), blockedInfo(),
], [
  "blocked_clients:3 total_blocking_keys:3 clients_in_timeout_table:1",
  ":1\r\n",
  "blocked_clients:2",
  ":1\r\n",
  "*-1\r\n",
  ":1\r\n",
  "*2\r\n$1\r\na\r\n$1\r\nv\r\n",
  "blocked_clients:0",
], [
  "RPUSH a v",
  "LPOP a",
]);
scenario("a served command that fails (WRONGTYPE destination) still unblocks", [
  send(1, "BRPOPLPUSH k s 0", 1), call(0, "SET s str"), call(0, "RPUSH k v"), read(1),
  blockedInfo(), call(0, "LRANGE k 0 -1"),
  send(1, "BLMPOP 0 2 a b RIGHT COUNT 10", 1), call(0, "RPUSH b 1 2 3"), read(1),
  send(1, "BLPOP k2 0", 1), call(0, "RPUSH j v"), call(0, "LMOVE j k2 LEFT LEFT"), read(1),
], [
  "+OK\r\n",
  ":1\r\n",
  WRONGTYPE,
  "blocked_clients:0",
  "*1\r\n$1\r\nv\r\n",
  ":3\r\n",
  "*2\r\n$1\r\nb\r\n*3\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n",
  ":1\r\n",
  "$1\r\nv\r\n",
  "*2\r\n$2\r\nk2\r\n$1\r\nv\r\n",
], [
  "SET s str",
  "RPUSH k v",
  "RPUSH b 1 2 3",
  "RPOP b 3",
  "RPUSH j v",
  "LMOVE j k2 LEFT LEFT",
  "LPOP k2",
]);
scenario("command stats count a blocked command once, served or timed out", [
  call(0, "CONFIG RESETSTAT"), call(1, "BLPOP k 0.01"), send(1, "BLPOP k 0", 1),
  call(0, "RPUSH k v"), read(1),
  { c: 0, info: "commandstats", fields: ["cmdstat_blpop"] },
], [
  "+OK\r\n",
  "*-1\r\n",
  ":1\r\n",
  "*2\r\n$1\r\nk\r\n$1\r\nv\r\n",
  "cmdstat_blpop:calls=2,rejected_calls=0,failed_calls=0",
], [
  "RPUSH k v",
  "LPOP k",
]);
}

/** The blocked-client count of the server under test. */
type BlockedCount = () => Promise<number>;

async function untilBlocked(count: BlockedCount, n: number): Promise<void> {
  let now = -1;
  await waitUntil(
    async () => (now = await count()) === n,
    () => `${n} blocked clients (now ${now})`,
  );
}

/** Runs one scenario on a fresh db with fresh clients; returns the recorded replies. */
async function runScenario(port: number, s: Scenario, blocked: BlockedCount): Promise<string[]> {
  const clients: RawClient[] = [];
  for (let i = 0; i < 4; i++) clients.push(await RawClient.connect(port));
  const ids: string[] = [];
  for (const c of clients) ids.push((await c.call("CLIENT", "ID")).slice(1, -2));
  const argv = (cmd: string) =>
    cmd.split(" ").map((a) => binaryToBytes(a.replace(/^\$id(\d)$/, (_, n) => ids[Number(n)])));
  const out: string[] = [];
  try {
    assert.equal(await clients[0].call("FLUSHALL"), "+OK\r\n");
    for (const step of s.steps) {
      if ("close" in step) {
        clients[step.close].close();
        await untilBlocked(blocked, step.blocked);
        continue;
      }
      const c = clients[step.c];
      if ("call" in step) {
        out.push(await c.call(...argv(step.call)));
      } else if ("send" in step) {
        await c.send(...argv(step.send));
        await untilBlocked(blocked, step.blocked);
      } else if ("raw" in step) {
        const parts = step.raw.map((cmd) => encodeCommand(argv(cmd)));
        await c.write(concatBytes(parts));
        await untilBlocked(blocked, step.blocked);
      } else if ("read" in step) {
        out.push(await c.readRaw());
      } else if ("ignore" in step) {
        await c.call(...argv(step.ignore));
        out.push("(ignored)");
      } else {
        const info = await c.call("INFO", step.info);
        const lines: string[] = [];
        for (const f of step.fields) {
          let v = new RegExp(`\r\n${f}:([^\r]*)`).exec(info)?.[1] ?? "missing";
          if (f.startsWith("cmdstat_")) {
            v = v.split(",").filter((x) => !x.includes("usec")).join(",");
          }
          lines.push(`${f}:${v}`);
        }
        out.push(lines.join(" "));
      }
    }
  } finally {
    for (const c of clients) c.close();
  }
  return out;
}

/** Our server: every scenario's replies and propagated commands. */
async function runOurs(): Promise<{ replies: string[][]; propagated: string[][] }> {
  const replies: string[][] = [];
  const propagated: string[][] = [];
  await withServer({}, async (srv) => {
    let log: string[] = [];
    srv.server.propagateListeners.push((_db, argv) => {
      const cmd = argv.map(bytesToBinary).join(" ");
      if (cmd !== "FLUSHALL") log.push(cmd);
    });
    const count = () => Promise.resolve(srv.server.blocking.blockedClients);
    for (const s of SCENARIOS) {
      log = [];
      replies.push(await runScenario(srv.port, s, count));
      await untilBlocked(count, 0);
      propagated.push(log);
    }
  });
  return { replies, propagated };
}

// ---------------------------------------------------------------------------
// Reference runs against valkey-server.

/** A replica's view of a server: PSYNC, skip the RDB, then read the command stream. */
class ReplicationStream {
  private buf = new Uint8Array(0);
  private constructor(private readonly conn: Deno.TcpConn) {}

  static async open(port: number): Promise<ReplicationStream> {
    const r = new ReplicationStream(await Deno.connect({ hostname: "127.0.0.1", port }));
    await r.conn.write(binaryToBytes("PSYNC ? -1\r\n"));
    await r.line(); // +FULLRESYNC <replid> <offset>
    const len = Number((await r.line()).slice(1)); // $<rdb length>
    while (r.buf.length < len) await r.fill();
    r.buf = r.buf.slice(len);
    return r;
  }

  private async fill(): Promise<void> {
    const chunk = new Uint8Array(65536);
    const n = await this.conn.read(chunk);
    if (n === null) throw new Error("replication stream closed");
    const next = new Uint8Array(this.buf.length + n);
    next.set(this.buf);
    next.set(chunk.subarray(0, n), this.buf.length);
    this.buf = next;
  }

  /** A non-empty line (newlines alone are keepalives while the RDB is produced). */
  private async line(): Promise<string> {
    while (true) {
      const i = this.buf.indexOf(10);
      if (i === -1) {
        await this.fill();
        continue;
      }
      const l = bytesToBinary(this.buf.subarray(0, i)).replace(/\r$/, "");
      this.buf = this.buf.slice(i + 1);
      if (l !== "") return l;
    }
  }

  /** Commands until `SET __mark__ <mark>` (SELECT, PING and FLUSHALL left out). */
  async until(mark: string): Promise<string[]> {
    const out: string[] = [];
    while (true) {
      const r = this.buf.length > 0 ? parseReply(this.buf) : null;
      if (r === null) {
        await this.fill();
        continue;
      }
      this.buf = this.buf.slice(r[1]);
      const reply = r[0];
      if (reply.t !== "array") continue;
      const cmd = reply.v.map((a) => (a.t === "bulk" ? bytesToBinary(a.v) : "?")).join(" ");
      if (cmd === `SET __mark__ ${mark}`) return out;
      // Case-insensitive: valkey's replication keepalive is a lower-case "ping".
      if (/^(SELECT|PING|FLUSHALL)( |$)/i.test(cmd)) continue;
      out.push(cmd);
    }
  }

  close(): void {
    this.conn.close();
  }
}

/**
 * valkey-server: every scenario's replies and propagated commands (RDB sent from disk, the
 * form ReplicationStream skips).
 */
export async function runValkey(): Promise<{ replies: string[][]; propagated: string[][] }> {
  const replies: string[][] = [];
  const propagated: string[][] = [];
  await withReference(async (port) => {
    const ctl = await RawClient.connect(port);
    const repl = await ReplicationStream.open(port);
    try {
      const count = async () =>
        Number(/blocked_clients:(\d+)/.exec(await ctl.call("INFO", "clients"))![1]);
      for (let i = 0; i < SCENARIOS.length; i++) {
        replies.push(await runScenario(port, SCENARIOS[i], count));
        await untilBlocked(count, 0);
        await ctl.call("SET", "__mark__", String(i));
        propagated.push(await repl.until(String(i)));
      }
    } finally {
      ctl.close();
      repl.close();
    }
  }, ["--repl-diskless-sync", "no"]);
  return { replies, propagated };
}

export { SCENARIOS };

Deno.test("blocking: every scenario replies and propagates as recorded from valkey-server", async () => {
  const ours = await runOurs();
  SCENARIOS.forEach((s, i) => {
    assert.deepEqual(ours.replies[i], s.replies, `${s.name}: replies`);
    assert.deepEqual(ours.propagated[i], s.propagated, `${s.name}: propagated`);
  });
});

Deno.test({
  name: "blocking: the recorded scenarios still match a live valkey-server",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    const ref = await runValkey();
    SCENARIOS.forEach((s, i) => {
      assert.deepEqual(ref.replies[i], s.replies, `${s.name}: replies`);
      assert.deepEqual(ref.propagated[i], s.propagated, `${s.name}: propagated`);
    });
  },
});

Deno.test("blocking: fractional timeouts fire at their deadline, and never after being served", async () => {
  await withServer({}, async (srv) => {
    await withConnections(srv.port, 2, async ([a, b]) => {
      let t = performance.now();
      assert.equal(await a.call("BLPOP", "k", "0.05"), "*-1\r\n");
      const took = performance.now() - t;
      assert.ok(took >= 45 && took < 1000, `0.05 s timeout took ${took} ms`);
      t = performance.now();
      assert.equal(await a.call("BRPOP", "k", "0.0001"), "*-1\r\n"); // rounds up to 1 ms
      assert.ok(performance.now() - t < 1000);
      // Served before its deadline: the timer must not write a second reply later.
      await a.send("BLPOP", "k", "0.03");
      await waitBlocked(srv, 1);
      assert.equal(await b.call("RPUSH", "k", "v"), ":1\r\n");
      assert.equal(await a.readRaw(), "*2\r\n$1\r\nk\r\n$1\r\nv\r\n");
      assert.equal(await a.call("BLMOVE", "k2", "d", "LEFT", "LEFT", "0.06"), "*-1\r\n");
      assert.equal(await a.call("PING"), "+PONG\r\n");
      assert.equal(srv.server.blocking.blockedClients, 0);
    });
  });
});

Deno.test("blocking: ioredis BLPOP/BRPOP/BLMOVE/BLMPOP round trips", async () => {
  await withServer({}, async (srv) => {
    const opts = { port: srv.port, host: "127.0.0.1", lazyConnect: true };
    const waiter = new Redis(opts);
    const pusher = new Redis(opts);
    await waiter.connect();
    await pusher.connect();
    try {
      const popped = waiter.blpop("q", 0);
      await waitBlocked(srv, 1);
      assert.equal(await pusher.rpush("q", "v1", "v2"), 2);
      assert.deepEqual(await popped, ["q", "v1"]);
      assert.deepEqual(await waiter.brpop("q", 0), ["q", "v2"]);
      assert.equal(await waiter.brpop("q", 0.02), null);
      const moved = waiter.blmove("q", "done", "LEFT", "RIGHT", 0);
      await waitBlocked(srv, 1);
      await pusher.lpush("q", "job");
      assert.equal(await moved, "job");
      assert.deepEqual(await pusher.lrange("done", 0, -1), ["job"]);
      await pusher.rpush("m", "a", "b", "c");
      assert.deepEqual(await waiter.blmpop(0, 2, "x", "m", "RIGHT", "COUNT", 2), ["m", ["c", "b"]]);
      assert.equal(await waiter.blmpop(0.02, 1, "x", "LEFT"), null);
    } finally {
      waiter.disconnect();
      pusher.disconnect();
    }
  });
});

/**
 * Timeout arguments (read like strtold into a long double, then scaled to ms
 * and rounded up) and the reply of BLPOP on a missing key, recorded from
 * valkey-server 8.0: out-of-range magnitudes are not floats, tiny positive
 * ones time out after 1 ms.
 */
const TIMEOUTS: [string, string][] = [
  ["1e-400", "*-1\r\n"],
  ["1e5000", "-ERR timeout is not a float or out of range\r\n"],
  ["1e-5000", "-ERR timeout is not a float or out of range\r\n"],
  ["-1e-5000", "-ERR timeout is not a float or out of range\r\n"],
  ["-1e5000", "-ERR timeout is not a float or out of range\r\n"],
  ["0x1p-1070", "*-1\r\n"],
  ["0x1p20000", "-ERR timeout is not a float or out of range\r\n"],
  ["1e4931", "-ERR timeout is out of range\r\n"],
  ["1e4933", "-ERR timeout is not a float or out of range\r\n"],
  ["0x1p-16446", "-ERR timeout is not a float or out of range\r\n"],
  ["0x1p-16440", "*-1\r\n"],
  ["0x1P-20", "*-1\r\n"],
  ["0X.8p-10", "*-1\r\n"],
  ["0x.p1", "-ERR timeout is not a float or out of range\r\n"],
  ["0x1p", "-ERR timeout is not a float or out of range\r\n"],
  [".e1", "-ERR timeout is not a float or out of range\r\n"],
  ["1.e-3", "*-1\r\n"],
  ["00.001", "*-1\r\n"],
  ["+.001", "*-1\r\n"],
  ["+-1", "-ERR timeout is not a float or out of range\r\n"],
  ["1e+2x", "-ERR timeout is not a float or out of range\r\n"],
  ["INF", "-ERR timeout is out of range\r\n"],
  ["-Infinity", "-ERR timeout is negative\r\n"],
  ["nan", "-ERR timeout is not a float or out of range\r\n"],
  ["-nan", "-ERR timeout is not a float or out of range\r\n"],
  ["0x1p16383", "-ERR timeout is out of range\r\n"],
  ["0x1p16384", "-ERR timeout is not a float or out of range\r\n"],
  ["1_0", "-ERR timeout is not a float or out of range\r\n"],
  ["1\u0000", "-ERR timeout is not a float or out of range\r\n"],
  ["0.001 ", "-ERR timeout is not a float or out of range\r\n"],
  ["1e-99999999999999999999999", "-ERR timeout is not a float or out of range\r\n"],
  ["1e99999999999999999999999", "-ERR timeout is not a float or out of range\r\n"],
  ["9223372036854775", "-ERR timeout is out of range\r\n"],
  ["9223372036854774", "-ERR timeout is out of range\r\n"],
  ["9223372036854775.807", "-ERR timeout is out of range\r\n"],
  ["0x1p-16445", "*-1\r\n"],
  ["1e-4950", "*-1\r\n"],
  ["1e-4952", "-ERR timeout is not a float or out of range\r\n"],
];

Deno.test("blocking: timeouts are parsed as Redis 7.2's getTimeoutFromObjectOrReply", async () => {
  await withClient({}, async (c) => {
    for (const [t, want] of TIMEOUTS) {
      assert.equal(await c.call("BLPOP", "q", binaryToBytes(t)), want, t);
    }
  });
});

Deno.test({
  name: "blocking: timeout parsing equals valkey-server's",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    await withReferenceClient(async (c) => {
      for (const [t, want] of TIMEOUTS) {
        assert.equal(await c.call("BLPOP", "q", binaryToBytes(t)), want, t);
      }
    });
  },
});

/**
 * Runs a BLPOP that times out and one ended by CLIENT UNBLOCK ERROR on the server at `port`;
 * returns the commandstats lines of both commands without their times.
 */
async function unblockAccounting(port: number, waitBlockedClient: () => Promise<void>) {
  let stats = "";
  await withConnections(port, 2, async ([a, x]) => {
    const id = (await x.call("CLIENT", "ID")).slice(1, -2);
    await a.call("CONFIG", "RESETSTAT");
    assert.equal(await x.call("BLPOP", "q", "0.01"), "*-1\r\n");
    await x.send("BLPOP", "q", "0");
    await waitBlockedClient();
    assert.equal(await a.call("CLIENT", "UNBLOCK", id, "ERROR"), ":1\r\n");
    assert.equal(await x.readRaw(), "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
    stats = (await a.call("INFO", "commandstats")).split("\r\n")
      .filter((l) => l.startsWith("cmdstat_blpop:") || l.startsWith("cmdstat_client|unblock:"))
      .map((l) => l.replace(/usec=\d+,usec_per_call=[\d.]+,/, ""))
      .sort().join("\n");
  });
  return stats;
}

Deno.test({
  name: "blocking: blocks ended by timeout or CLIENT UNBLOCK ERROR are accounted as the reference",
  ignore: !HAS_REFERENCE,
  async fn() {
    let theirs = "";
    await withReference(async (port) => {
      theirs = await unblockAccounting(port, () =>
        withConnections(port, 1, ([p]) =>
          waitUntil(
            async () => (await p.call("INFO", "clients")).includes("\r\nblocked_clients:1\r\n"),
            "the reference's client to block",
          )));
    });
    let ours = "";
    await withServer({}, async (srv) => {
      ours = await unblockAccounting(srv.port, () => waitBlocked(srv, 1));
    });
    // Both end as calls; the error counts as a failure of BLPOP and of CLIENT UNBLOCK.
    assert.equal(
      theirs,
      "cmdstat_blpop:calls=2,rejected_calls=0,failed_calls=1\n" +
        "cmdstat_client|unblock:calls=1,rejected_calls=0,failed_calls=1",
    );
    assert.equal(ours, theirs);
  },
});
