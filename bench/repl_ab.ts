/**
 * A/B of the master's hot path with a replica attached, across checkouts: for
 * each root, a master from its main.ts with no replica and one with a stream
 * reader (a connection that reads the replication stream and drops it:
 * the master's own cost of a replica, repl_bench.ts's "stream reader");
 * redis-benchmark -P 16 -c 50 sends SET, INCR and LPUSH to each master in
 * rounds whose order alternates. Prints per root and test the median master
 * CPU µs per request (utime + stime from /proc) with none and with the reader,
 * and the reader's cost, with the spread of the rounds.
 *
 *   deno run -A bench/repl_ab.ts ROOT [ROOT...] [--rounds N] [--requests N]
 *
 * @module
 */

import { attachReader, benchmark, cpuSeconds, type Proc, start, stop } from "./repl_bench.ts";

const argAfter = (flag: string) => {
  const i = Deno.args.indexOf(flag);
  return i >= 0 ? Deno.args[i + 1] : undefined;
};
const rounds = Number(argAfter("--rounds") ?? 5);
const n = Number(argAfter("--requests") ?? 100_000);
const roots = Deno.args.filter((a, i) =>
  !a.startsWith("--") && !Deno.args[i - 1]?.startsWith("--")
);
const TESTS = ["set", "incr", "lpush"];

interface Target {
  root: string;
  mode: "none" | "reader";
  proc: Proc;
  cpuUs: Record<string, number[]>;
}

const targets: Target[] = [];
const stops: (() => void)[] = [];
try {
  for (const root of roots) {
    for (const mode of ["none", "reader"] as const) {
      const proc = await start("ours", [], `${root}/main.ts`);
      targets.push({ root, mode, proc, cpuUs: {} });
      if (mode === "reader") stops.push(await attachReader(proc.port));
    }
  }
  for (let round = 0; round < rounds; round++) {
    for (const test of TESTS) {
      const order = round % 2 === 0 ? targets : [...targets].reverse();
      for (const t of order) {
        const before = cpuSeconds(t.proc.proc.pid);
        await benchmark(t.proc.port, ["-t", test, "-n", String(n), "-c", "50", "-P", "16"]);
        (t.cpuUs[test] ??= []).push((cpuSeconds(t.proc.proc.pid) - before) * 1e6 / n);
      }
    }
  }
} finally {
  for (const s of stops) s();
  for (const t of targets) await stop(t.proc);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const range = (xs: number[]) => `${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}`;
console.log("| root | test | none µs/req | reader µs/req | cost | none range | reader range |");
console.log("| --- | --- | ---: | ---: | ---: | --- | --- |");
for (const root of roots) {
  for (const test of TESTS) {
    const none = targets.find((t) => t.root === root && t.mode === "none")!.cpuUs[test];
    const reader = targets.find((t) => t.root === root && t.mode === "reader")!.cpuUs[test];
    const cost = (median(reader) / median(none) - 1) * 100;
    console.log(
      `| ${root} | ${test} | ${median(none).toFixed(2)} | ${median(reader).toFixed(2)} | ${
        cost >= 0 ? "+" : ""
      }${cost.toFixed(0)}% | ${range(none)} | ${range(reader)} |`,
    );
  }
}
