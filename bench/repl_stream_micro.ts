/**
 * The replication stream's own cost per write, in-process and without the
 * command: requests as `redis-benchmark -P 16 -r 100000` sends them are parsed
 * once (their arguments stay views into the read buffers, as a command's do),
 * then each argv goes through what `call` does after a write (Propagation.add
 * and flush: the replication listener, SELECT tracking, the encoding into the
 * staged stream, its delivery to the backlog and one online replica whose
 * output is dropped). Prints the thread's CPU time per command in ns (best
 * and median of 7), so that checkouts can be compared where bench/repl_micro.ts's
 * whole-command numbers move too much under load.
 *
 *   deno run -A bench/repl_stream_micro.ts [root of a checkout] [tests] [commands]
 *
 * `tests` is a comma list of set,incr,lpush.
 */

import process from "node:process";

const root = Deno.args[0] ?? new URL("..", import.meta.url).pathname;
const tests = (Deno.args[1] ?? "set,incr,lpush").split(",");
const COMMANDS = Number(Deno.args[2] ?? 2_000_000);
const PIPELINE = 16;
const KEYSPACE = 100_000;

const { startServer } = await import(`${root}/mod.ts`);
const { Client } = await import(`${root}/src/server/client.ts`);
const { RequestParser } = await import(`${root}/src/resp/parser.ts`);
const { replicationOf } = await import(`${root}/src/replication/master.ts`);

const enc = new TextEncoder();
const limits = {
  protoMaxBulkLen: 512 * 1024 * 1024,
  queryBufferLimit: 1 << 30,
  authRequired: false,
  isMaster: false,
};

function request(args: string[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

function randKey(): string {
  return "key:" + String(Math.floor(Math.random() * KEYSPACE)).padStart(12, "0");
}

/** 64 batches of PIPELINE parsed requests, each batch in a read buffer of its own parser. */
function parsed(test: string): Uint8Array[][] {
  const out: Uint8Array[][] = [];
  for (let b = 0; b < 64; b++) {
    let s = "";
    for (let i = 0; i < PIPELINE; i++) {
      if (test === "set") s += request(["SET", randKey(), "xxx"]);
      else if (test === "incr") s += request(["INCR", randKey()]);
      else s += request(["LPUSH", "mylist", "xxx"]);
    }
    const data = enc.encode(s);
    const parser = new RequestParser();
    parser.writable(limits).set(data);
    parser.commit(data.length);
    let argv: Uint8Array[] | null;
    while ((argv = parser.next(limits)) !== null) out.push(argv);
  }
  return out;
}

const srv = await startServer({});
const server = srv.server;
const repl = replicationOf(server);
repl.createBacklog();
const replica = new Client(server, null);
const peer = repl.peerOf(replica);
peer.state = "online";
peer.held = null;
repl.replicas.set(replica, peer);
replica.kind = "replica";

for (const test of tests) {
  const argvs = parsed(test);
  const propagation = server.propagation;
  const run = (n: number): number => {
    const t0 = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      propagation.add(0, argvs[i & 1023]);
      propagation.flush(false);
      if ((i & 15) === 15) replica.reply.len = 0;
    }
    const t = process.cpuUsage(t0);
    return ((t.user + t.system) * 1e3) / n;
  };
  run(COMMANDS / 4); // warm up
  const ns = [0, 1, 2, 3, 4, 5, 6].map(() => run(COMMANDS)).sort((a, b) => a - b);
  console.log(`${test}\t${ns[0].toFixed(0)}\t${ns[3].toFixed(0)} ns/command (best, median of 7)`);
}
replica.close();
await srv.close();
