/**
 * In-process CPU time of one big request, split into parsing (RequestParser fed
 * in 64 KB reads; over 1,024 arguments it hands over an argument block, no views)
 * and running (processCommand), best of rounds:
 *
 *   deno run -A bench/big_inproc.ts [root] [case-prefix]
 *
 * Times are the main thread's CPU time (/proc/thread-self/schedstat), GC on that
 * thread included, so the load of a shared machine moves them less than wall clock.
 *
 * @module
 */

const root = Deno.args[0] ?? new URL("..", import.meta.url).pathname;
const only = Deno.args[1];
const { startServer } = await import(`file://${root}/mod.ts`);
const { Client } = await import(`file://${root}/src/server/client.ts`);
const { processCommand } = await import(`file://${root}/src/server/executor.ts`);
const { RequestParser } = await import(`file://${root}/src/resp/parser.ts`);
const { bigCaseArgs } = await import("./big_requests.ts");

const LIMITS = {
  protoMaxBulkLen: 512 * 1024 * 1024,
  queryBufferLimit: 1024 * 1024 * 1024,
  authRequired: false,
  isMaster: false,
};

function cpuMs(): number {
  return Number(Deno.readTextFileSync("/proc/thread-self/schedstat").split(" ")[0]) / 1e6;
}

const srv = await startServer({ port: 0 });
// deno-lint-ignore no-explicit-any
const c = new Client(srv.server, null) as any;
const READ = 64 * 1024;
for (const [label, payload] of bigCaseArgs() as [string, Uint8Array][]) {
  if (only && !label.startsWith(only)) continue;
  let bestParse = Infinity, bestRun = Infinity;
  for (let round = 0; round < 5; round++) {
    srv.exec("FLUSHALL");
    const p = new RequestParser();
    const t0 = cpuMs();
    let argv = null;
    for (let off = 0; off < payload.length;) {
      const region = p.writable(LIMITS);
      const n = Math.min(region.length, READ, payload.length - off);
      region.set(payload.subarray(off, off + n));
      p.commit(n);
      off += n;
      argv = p.next(LIMITS);
    }
    const t1 = cpuMs();
    processCommand(c, argv);
    c.reply.take(null);
    const t2 = cpuMs();
    bestParse = Math.min(bestParse, t1 - t0);
    bestRun = Math.min(bestRun, t2 - t1);
    if (Deno.env.get("VERBOSE")) {
      console.log(`  round ${round}: parse ${(t1 - t0).toFixed(1)} run ${(t2 - t1).toFixed(1)}`);
    }
  }
  console.log(
    `${label.padEnd(30)} parse ${bestParse.toFixed(1).padStart(6)} ms  run ${
      bestRun.toFixed(1).padStart(6)
    } ms (CPU)`,
  );
}
await srv.close();
