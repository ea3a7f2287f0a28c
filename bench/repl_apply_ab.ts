/**
 * A replica's CPU per command it applies, two checkouts side by side: for each, a master and a
 * replica of its own (separate processes), a saturating pipelined load of `test` sent to the
 * master (repl_bench.ts preloaded), and the replica process's CPU (/proc utime + stime) from
 * before the load until its offset equals the master's; 8 alternating rounds, medians.
 *
 *   deno run -A bench/repl_apply_ab.ts <main.ts of A> <main.ts of B> [set|incr|lpush]
 */

import { cpuSeconds, preloaded, start, stop } from "./repl_bench.ts";
import { infoFields, RawClient } from "../tests/helpers.ts";

const [mainA, mainB, test = "set"] = Deno.args;
const N = 200_000;
const ROUNDS = 8;

async function pair(main: string) {
  const m = await start("ours", [], main);
  const r = await start("ours", ["--replicaof", "127.0.0.1", String(m.port)], main);
  const mc = await RawClient.connect(m.port);
  const rc = await RawClient.connect(r.port);
  const field = async (c: RawClient, name: string) =>
    (await infoFields(c, "replication")).get(name);
  while (await field(rc, "master_link_status") !== "up") {
    await new Promise((res) => setTimeout(res, 20));
  }
  const caughtUp = async () => {
    while (await field(mc, "master_repl_offset") !== await field(rc, "slave_repl_offset")) {
      await new Promise((res) => setTimeout(res, 5));
    }
  };
  const close = async () => {
    mc.close();
    rc.close();
    await stop(r);
    await stop(m);
  };
  return { m, r, caughtUp, close };
}

const a = await pair(mainA);
const b = await pair(mainB);
const us: Record<"A" | "B", number[]> = { A: [], B: [] };
try {
  for (let round = 0; round < ROUNDS; round++) {
    const order: ["A" | "B", typeof a][] = round % 2 ? [["B", b], ["A", a]] : [["A", a], [
      "B",
      b,
    ]];
    for (const [name, p] of order) {
      const before = cpuSeconds(p.r.proc.pid);
      await preloaded(p.m.port, test, N);
      await p.caughtUp();
      us[name].push((cpuSeconds(p.r.proc.pid) - before) * 1e6 / N);
    }
  }
} finally {
  await a.close();
  await b.close();
}
const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
console.log(
  `${test}: replica CPU µs per applied command, A ${median(us.A).toFixed(2)}, B ${
    median(us.B).toFixed(2)
  } (rounds A ${us.A.map((x) => x.toFixed(2)).join(" ")}; B ${
    us.B.map((x) => x.toFixed(2)).join(" ")
  })`,
);
