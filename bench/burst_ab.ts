/**
 * A/B of the connection burst: for each tree given, a server from its main.ts;
 * rounds alternate between them, each round opening 5,000 connections with a
 * PING on each (big_requests.ts's case). Prints per tree the median server CPU
 * (utime + stime from /proc) and wall time per round.
 *
 *   deno run -A bench/burst_ab.ts ROOT [ROOT...] [--rounds N] [--redis]
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
const rounds = Number(argAfter("--rounds") ?? 5);
const caseName = argAfter("--case") ?? "open";
const roots = Deno.args.filter((a, i) =>
  !a.startsWith("--") && !Deno.args[i - 1]?.startsWith("--")
);
if (Deno.args.includes("--redis")) roots.push("redis");

async function flushall(port: number): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(encodeCommand(["FLUSHALL"]));
  await conn.read(new Uint8Array(16));
  conn.close();
}

const servers: { root: string; port: number; proc: Deno.ChildProcess; dir: string }[] = [];
for (const root of roots) {
  const port = freePort();
  const dir = await Deno.makeTempDir({ prefix: "burst-ab-" });
  const common = ["--port", String(port), "--save", "", "--appendonly", "no", "--dir", dir];
  const proc = root === "redis"
    ? new Deno.Command("redis-server", { args: common, stdout: "null" }).spawn()
    : new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        "--allow-read",
        "--allow-write",
        ...(Deno.env.get("V8_FLAGS") ? [`--v8-flags=${Deno.env.get("V8_FLAGS")}`] : []),
        `${root}/main.ts`,
        ...common,
      ],
      cwd: root,
      stdout: "null",
    }).spawn();
  servers.push({ root, port, proc, dir });
  await waitForPing(port);
}
const c = bigCases(false, new Map()).find((c) => c.label.startsWith(caseName))!;
const cpu = servers.map(() => [] as number[]);
const wall = servers.map(() => [] as number[]);
try {
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < servers.length; i++) {
      const s = servers[i];
      await flushall(s.port);
      await new Promise((res) => setTimeout(res, 200));
      const c0 = cpuMs(s.proc.pid);
      wall[i].push(await c.run(s.port));
      await new Promise((res) => setTimeout(res, 200));
      cpu[i].push(cpuMs(s.proc.pid) - c0);
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
console.log(c.label);
servers.forEach((s, i) => {
  console.log(
    `${s.root}: CPU median ${median(cpu[i])} ms (${cpu[i].join(",")}), wall median ${
      median(wall[i]).toFixed(0)
    } ms (${wall[i].map((w) => w.toFixed(0)).join(",")})`,
  );
});
