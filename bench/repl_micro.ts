/**
 * In-process cost of replication on the master's write path, without sockets:
 * pipelined requests as `redis-benchmark -P 16 -r 100000` sends them are parsed
 * from one buffer and run through processCommand 16 per batch, as
 * bench/hotpath_micro.ts does, with no replica, with the backlog only, and
 * with one online replica (a client without a socket whose output is dropped
 * after each batch). Prints the process's CPU time per command in ns (best and
 * median of 5); the difference between the modes is what propagation,
 * encoding, the backlog and the replica's buffer cost per write. Mode
 * `stream` times that path alone, without the commands: the parsed argvs
 * (views into the read buffers, as a command's are) go straight through
 * Propagation.add and flush with the backlog and the replica attached, which
 * moves far less under load than the whole commands' difference.
 *
 *   deno run -A bench/repl_micro.ts [root of a checkout] [tests] [modes] [commands]
 *
 * `root` (default: this checkout) lets two checkouts be compared, each run in
 * its own process; `tests` is a comma list of set,incr,lpush; `modes` of
 * none,backlog,replica,stream.
 */

import process from "node:process";

const root = Deno.args[0] ?? new URL("..", import.meta.url).pathname;
const tests = (Deno.args[1] ?? "set,incr,lpush").split(",");
const modes = (Deno.args[2] ?? "none,backlog,replica").split(",");
const COMMANDS = Number(Deno.args[3] ?? 1_000_000);
const PIPELINE = 16;
const KEYSPACE = 100_000;

const { startServer } = await import(`${root}/mod.ts`);
const { Client } = await import(`${root}/src/server/client.ts`);
const { RequestParser } = await import(`${root}/src/resp/parser.ts`);
const { processCommand } = await import(`${root}/src/server/executor.ts`);
// A checkout from before request bytes were copied into the stream has no processRequest.
const { processRequest } = await import(`${root}/src/server/connection.ts`);
const runRequest = processRequest ??
  ((c: unknown, argv: unknown) => processCommand(c, argv));
const { replicationOf } = await import(`${root}/src/replication/master.ts`);

const enc = new TextEncoder();

function request(args: string[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

function randKey(): string {
  return "key:" + String(Math.floor(Math.random() * KEYSPACE)).padStart(12, "0");
}

/** 64 batches of PIPELINE requests, cycled through. */
function batches(test: string): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let b = 0; b < 64; b++) {
    let s = "";
    for (let i = 0; i < PIPELINE; i++) {
      if (test === "set") s += request(["SET", randKey(), "xxx"]);
      else if (test === "incr") s += request(["INCR", randKey()]);
      else s += request(["LPUSH", "mylist", "xxx"]);
    }
    out.push(enc.encode(s));
  }
  return out;
}

const limits = {
  protoMaxBulkLen: 512 * 1024 * 1024,
  queryBufferLimit: 1 << 30,
  authRequired: false,
  isMaster: false,
};

/** A server in `mode`; returns it with the fake replica (if any) whose output is dropped. */
async function setUp(mode: string) {
  const srv = await startServer({});
  const server = srv.server;
  let replica = null;
  if (mode !== "none") {
    const repl = replicationOf(server);
    repl.createBacklog();
    if (mode === "replica") {
      replica = new Client(server, null);
      const peer = repl.peerOf(replica);
      peer.state = "online";
      peer.held = null;
      repl.replicas.set(replica, peer);
      replica.kind = "replica";
    }
  }
  return { srv, server, replica };
}

/** The batches' requests parsed once: their argvs, views into the batches' read buffers. */
function parsedArgvs(test: string): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (const data of batches(test)) {
    const parser = new RequestParser();
    parser.writable(limits).set(data);
    parser.commit(data.length);
    let argv: Uint8Array[] | null;
    while ((argv = parser.next(limits)) !== null) out.push(argv);
  }
  return out;
}

async function measure(mode: string, test: string): Promise<number[]> {
  const { srv, server, replica } = await setUp(mode === "stream" ? "replica" : mode);
  const argvs = mode === "stream" ? parsedArgvs(test) : [];
  const stream = (n: number): number => {
    const propagation = server.propagation;
    const t0 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      propagation.add(0, argvs[i & 1023]);
      propagation.flush(false);
      if ((i & 15) === 15) replica!.reply.len = 0;
    }
    const t = process.cpuUsage(t0);
    return ((t.user + t.system) * 1e3) / n;
  };
  const commands = (n: number): number => {
    const c = new Client(server, null);
    const parser = new RequestParser();
    const input = batches(test);
    const t0 = process.cpuUsage();
    for (let done = 0, b = 0; done < n; b++) {
      const data = input[b & 63];
      parser.writable(limits).set(data);
      parser.commit(data.length);
      let argv: Uint8Array[] | null;
      while ((argv = parser.next(limits)) !== null) {
        // As the connection loop does: a canonical request's bytes may be copied as received.
        runRequest(c, argv, parser);
        done++;
      }
      server.propagation.releaseRequests?.();
      c.reply.len = 0;
      if (replica !== null) replica.reply.len = 0;
    }
    const t = process.cpuUsage(t0);
    return ((t.user + t.system) * 1e3) / n;
  };
  const run = mode === "stream" ? stream : commands;
  run(COMMANDS / 4); // warm up
  const ns = [0, 1, 2, 3, 4].map(() => run(COMMANDS)).sort((a, b) => a - b);
  if (replica !== null) replica.close();
  await srv.close();
  return ns;
}

for (const test of tests) {
  for (const mode of modes) {
    const ns = await measure(mode, test);
    console.log(
      `${test}\t${mode}\t${ns[0].toFixed(0)}\t${ns[2].toFixed(0)} ns/command (best, median of 5)`,
    );
  }
}
