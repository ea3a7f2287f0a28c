/**
 * The big-request cases (big_requests.ts) with the server's CPU time beside the
 * wall clock: each case runs `rounds` times on this server and on redis-server,
 * alternating servers per round, and prints per case the best wall-clock time
 * and the median server CPU (utime + stime from /proc/<pid>/stat, GC threads
 * included), which the load of a shared machine moves less than the wall clock.
 *
 *   deno run -A bench/big_cpu.ts [--rounds N] [--only LABEL-PREFIX] [--root DIR]
 *
 * `--root` runs another tree's main.ts as "this server" (A/B of two trees).
 *
 * @module
 */

import { bigCases } from "./big_requests.ts";
import { cpuMs } from "./clients_bench.ts";
import { encodeCommand, freePort } from "../tests/helpers.ts";

import { waitForPing } from "./harness.ts";

const argAfter = (flag: string) => {
  const i = Deno.args.indexOf(flag);
  return i >= 0 ? Deno.args[i + 1] : undefined;
};
const rounds = Number(argAfter("--rounds") ?? 3);
const only = argAfter("--only");
const root = argAfter("--root") ?? new URL("..", import.meta.url).pathname;

interface Srv {
  name: string;
  port: number;
  proc: Deno.ChildProcess;
  dir: string;
}

async function start(name: string): Promise<Srv> {
  const port = freePort();
  const dir = await Deno.makeTempDir({ prefix: `bigcpu-${name}-` });
  const common = ["--port", String(port), "--save", "", "--appendonly", "no", "--dir", dir];
  const proc = name === "ours"
    ? new Deno.Command(Deno.execPath(), {
      args: ["run", "--allow-net", "--allow-read", "--allow-write", `${root}/main.ts`, ...common],
      stdout: "null",
      stderr: "inherit",
    }).spawn()
    : new Deno.Command("redis-server", { args: common, stdout: "null", stderr: "inherit" }).spawn();
  await waitForPing(port);
  return { name, port, proc, dir };
}

async function flushall(port: number): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(encodeCommand(["FLUSHALL"]));
  await conn.read(new Uint8Array(16));
  conn.close();
}

const latency = new Map<number, number>();
const cases = bigCases(false, latency).filter((c) => !only || c.label.startsWith(only));
const servers = [await start("ours"), await start("redis")];
const wall: Record<string, number[][]> = { ours: [], redis: [] };
const cpu: Record<string, number[][]> = { ours: [], redis: [] };
try {
  for (let r = 0; r < rounds; r++) {
    for (const s of servers) {
      for (let i = 0; i < cases.length; i++) {
        wall[s.name][i] ??= [];
        cpu[s.name][i] ??= [];
      }
      for (let i = 0; i < cases.length; i++) {
        await flushall(s.port);
        const c0 = cpuMs(s.proc.pid);
        const ms = await cases[i].run(s.port);
        // Let the server finish what follows the reply (freeing the client, GC).
        await new Promise((res) => setTimeout(res, 100));
        cpu[s.name][i].push(cpuMs(s.proc.pid) - c0);
        wall[s.name][i].push(ms);
      }
    }
  }
} finally {
  for (const s of servers) {
    s.proc.kill("SIGTERM");
    await s.proc.status;
    await Deno.remove(s.dir, { recursive: true });
  }
}
const median = (v: number[]) => [...v].sort((a, b) => a - b)[v.length >> 1];
console.log(`root ${root}, ${rounds} rounds`);
console.log("case | wall ms ours/redis (best) | ratio | server CPU ms ours/redis (median) | ratio");
cases.forEach((c, i) => {
  const wo = Math.min(...wall.ours[i]), wr = Math.min(...wall.redis[i]);
  const co = median(cpu.ours[i]), cr = median(cpu.redis[i]);
  console.log(
    `${c.label} | ${wo.toFixed(0)} / ${wr.toFixed(0)} | ${
      (wo / wr).toFixed(2)
    }x | ${co} / ${cr} | ${(co / Math.max(cr, 1)).toFixed(2)}x  (cpu ours ${
      cpu.ours[i].join(",")
    })`,
  );
});
