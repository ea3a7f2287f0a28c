/**
 * Server CPU time per request: starts a server, runs one redis-benchmark test
 * against it at a time and reads the server process's utime+stime from
 * /proc/<pid>/stat before and after. On a shared machine this moves far less
 * than requests/s does (another job's load steals wall time, not the
 * server's own CPU time per request).
 *
 *   deno run -A bench/cpu_per_request.ts [--server redis|minimal|<path to main.ts>]...
 *       [--tests set,get,incr,mset,ping_mbulk] [-n 500000] [-P 16] [--rounds 3]
 *
 * Each `--server` is measured in turn, alternating per round; prints us/request
 * and requests/s per server and test (the median of the rounds, and the lowest
 * and highest). `minimal` is bench/minimal_loop.ts, the floor of a Deno server:
 * its read, reply and write and nothing else.
 */

import { freePort } from "../tests/helpers.ts";

/** `--name value` options; `--server` may repeat. */
const opts = new Map<string, string[]>();
for (let i = 0; i + 1 < Deno.args.length; i += 2) {
  const name = Deno.args[i].replace(/^-+/, "");
  opts.set(name, [...(opts.get(name) ?? []), Deno.args[i + 1]]);
}
const opt = (name: string, dflt: string) => opts.get(name)?.at(-1) ?? dflt;

const servers = (opts.get("server") ?? ["redis", new URL("../main.ts", import.meta.url).pathname])
  .map((s) => s === "minimal" ? new URL("minimal_loop.ts", import.meta.url).pathname : s);
const tests = opt("tests", "set,get,incr,mset,ping_mbulk").split(",");
const N = Number(opt("n", "500000"));
const PIPELINE = Number(opt("P", "16"));
const ROUNDS = Number(opt("rounds", "3"));
const CLK_TCK = 100;

/** utime + stime of `pid`, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  // Fields after the ")" that closes the command name: utime and stime are the 12th and 13th.
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / CLK_TCK;
}

async function waitForPing(port: number): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const out = await new Deno.Command("redis-cli", {
      args: ["-p", String(port), "PING"],
      stdout: "piped",
      stderr: "null",
    }).output();
    if (new TextDecoder().decode(out.stdout).startsWith("PONG")) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no PING answer on ${port}`);
}

interface Running {
  proc: Deno.ChildProcess;
  port: number;
  dir: string;
}

async function start(server: string): Promise<Running> {
  const port = freePort();
  const dir = await Deno.makeTempDir({ prefix: "bench-cpu-" });
  const common = ["--port", String(port), "--save", "", "--appendonly", "no", "--dir", dir];
  const proc = server === "redis"
    ? new Deno.Command("redis-server", { args: common, stdout: "null", stderr: "inherit" }).spawn()
    : new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        ...(Deno.env.get("HOTPATH_V8") ?? "").split(" ").filter(Boolean),
        server,
        ...common,
      ],
      stdout: "null",
      stderr: "inherit",
    }).spawn();
  await waitForPing(port);
  return { proc, port, dir };
}

async function stop(r: Running): Promise<void> {
  r.proc.kill("SIGTERM");
  await r.proc.status;
  await Deno.remove(r.dir, { recursive: true }).catch(() => {});
}

/** One redis-benchmark test: [us of server CPU per request, requests/s]. */
async function measure(r: Running, test: string): Promise<[number, number]> {
  const before = cpuSeconds(r.proc.pid);
  const out = await new Deno.Command("redis-benchmark", {
    args: [
      "-p",
      String(r.port),
      "-c",
      opt("c", "50"),
      "-r",
      opt("r", "100000"),
      "-n",
      String(N),
      "-P",
      String(PIPELINE),
      "-t",
      test,
      "--csv",
    ],
    stdout: "piped",
    stderr: "null",
  }).output();
  const after = cpuSeconds(r.proc.pid);
  const line = new TextDecoder().decode(out.stdout).split("\n").find((l) => /^"[A-Z]/.test(l));
  const rps = line ? Number(line.split(",")[1].replaceAll('"', "")) : NaN;
  return [((after - before) * 1e6) / N, rps];
}

const results = new Map<string, [number, number][]>();
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? servers : [...servers].reverse();
  for (const server of order) {
    const r = await start(server);
    try {
      for (const test of tests) {
        const m = await measure(r, test);
        const k = `${server}\t${test}`;
        if (!results.has(k)) results.set(k, []);
        results.get(k)!.push(m);
        console.error(`round ${round} ${server} ${test}: ${m[0].toFixed(3)} us/req, ${m[1]} rps`);
      }
    } finally {
      await stop(r);
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`# -n ${N} -P ${PIPELINE}, ${ROUNDS} rounds (median)`);
console.log("server\ttest\tus/req\t(low-high)\trps");
for (const [k, ms] of results) {
  const us = ms.map((m) => m[0]);
  console.log(
    `${k}\t${median(us).toFixed(3)}\t(${Math.min(...us).toFixed(2)}-${
      Math.max(...us).toFixed(2)
    })\t${Math.round(median(ms.map((m) => m[1])))}`,
  );
}
