/**
 * EVALSHA's and FCALL's server CPU time per request: starts each server in turn (alternating
 * the order per round), loads the scripts with SCRIPT LOAD (the library with FUNCTION LOAD),
 * runs one redis-benchmark per script and pipeline depth, and reads the server process's
 * utime+stime from /proc/<pid>/stat around it (on a shared machine this moves far less than
 * requests/s). The scripts: `return 1` (the engine's floor: an eval of the least there is),
 * the bench's small script (one GET), its 100-`redis.call` script, and FCALL of a function
 * doing the small script's GET.
 *
 *   deno run -A bench/scripting_cpu.ts [--server redis|<path to main.ts>]... [-n 100000]
 *       [-P 1,16] [--rounds 3] [--scripts one,small,calls,fcall]
 *
 * Prints, per server, script and depth, the median of the rounds: us of server CPU per
 * request and requests/s.
 */

import { cpuMs } from "./clients_bench.ts";
import { freePort } from "../tests/helpers.ts";

/** `--name value` options; `--server` may repeat. */
const opts = new Map<string, string[]>();
for (let i = 0; i + 1 < Deno.args.length; i += 2) {
  const name = Deno.args[i].replace(/^-+/, "");
  opts.set(name, [...(opts.get(name) ?? []), Deno.args[i + 1]]);
}
const opt = (name: string, dflt: string) => opts.get(name)?.at(-1) ?? dflt;

const servers = opts.get("server") ?? ["redis", new URL("../main.ts", import.meta.url).pathname];
const N = Number(opt("n", "100000"));
const DEPTHS = opt("P", "1,16").split(",").map(Number);
const ROUNDS = Number(opt("rounds", "3"));

/** name -> [script, requests divisor]; `fcall` is a library whose `get` FCALL runs. */
const SCRIPTS: Record<string, [string, number]> = {
  one: ["return 1", 1],
  small: ["return redis.call('get', KEYS[1])", 1],
  calls: ["for i = 1, 100 do redis.call('get', KEYS[1]) end return 1", 20],
  fcall: [
    "#!lua name=bench\nredis.register_function('get', function(keys) " +
    "return redis.call('get', keys[1]) end)",
    1,
  ],
};
const chosen = opt("scripts", "one,small,calls,fcall").split(",");

/** The command redis-benchmark sends for `name`. */
async function command(name: string): Promise<string[]> {
  if (name === "fcall") return ["FCALL", "get", "1", "k"];
  return ["EVALSHA", await sha1hex(SCRIPTS[name][0]), "1", "k"];
}

async function sha1hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function cli(port: number, ...args: string[]): Promise<string> {
  return new Deno.Command("redis-cli", {
    args: ["-p", String(port), ...args],
    stdout: "piped",
    stderr: "null",
  }).output().then((o) => new TextDecoder().decode(o.stdout).trim());
}

interface Running {
  proc: Deno.ChildProcess;
  port: number;
  dir: string;
}

async function start(server: string): Promise<Running> {
  const port = freePort();
  const dir = await Deno.makeTempDir({ prefix: "bench-scripting-" });
  const common = ["--port", String(port), "--save", "", "--appendonly", "no", "--dir", dir];
  const proc = server === "redis"
    ? new Deno.Command("redis-server", { args: common, stdout: "null", stderr: "inherit" }).spawn()
    : new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", server, ...common],
      stdout: "null",
      stderr: "inherit",
    }).spawn();
  const deadline = Date.now() + 30_000;
  while ((await cli(port, "PING")) !== "PONG") {
    if (Date.now() > deadline) throw new Error(`no PING answer on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  await cli(port, "SET", "k", "v");
  for (const name of chosen) {
    const [script] = SCRIPTS[name];
    await cli(port, name === "fcall" ? "FUNCTION" : "SCRIPT", "LOAD", script);
    // The first runs settle where the script runs (the worker, then the server's thread).
    for (let i = 0; i < 3; i++) await cli(port, ...await command(name));
  }
  return { proc, port, dir };
}

async function stop(r: Running): Promise<void> {
  r.proc.kill("SIGTERM");
  await r.proc.status;
  await Deno.remove(r.dir, { recursive: true }).catch(() => {});
}

/** One redis-benchmark run: [us of server CPU per request, requests/s]. */
async function measure(r: Running, name: string, depth: number): Promise<[number, number]> {
  const n = Math.round(N / SCRIPTS[name][1]);
  const cmd = await command(name);
  const before = cpuMs(r.proc.pid);
  const out = await new Deno.Command("redis-benchmark", {
    args: [
      ..."-p PORT -c 50 -P DEPTH --csv -n COUNT".split(" "),
      ...cmd,
    ].map((a) =>
      a === "PORT" ? String(r.port) : a === "DEPTH" ? String(depth) : a === "COUNT" ? String(n) : a
    ),
    stdout: "piped",
    stderr: "null",
  }).output();
  const used = cpuMs(r.proc.pid) - before;
  const line = new TextDecoder().decode(out.stdout).split("\n").find((l) =>
    l.startsWith(`"${cmd[0]}`)
  );
  const rps = line ? Number(line.split(",")[1].replaceAll('"', "")) : NaN;
  return [(used * 1000) / n, rps];
}

const results = new Map<string, [number, number][]>();
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? servers : [...servers].reverse();
  for (const server of order) {
    const r = await start(server);
    try {
      for (const name of chosen) {
        for (const depth of DEPTHS) {
          const m = await measure(r, name, depth);
          const k = `${server}\t${name}\t-P ${depth}`;
          if (!results.has(k)) results.set(k, []);
          results.get(k)!.push(m);
          console.error(`round ${round} ${k}: ${m[0].toFixed(1)} us/req, ${m[1]} rps`);
        }
      }
    } finally {
      await stop(r);
    }
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `# EVALSHA / FCALL, 50 clients, ${N} requests (/20 for calls), ${ROUNDS} rounds (median)`,
);
console.log("server\tscript\tdepth\tus/req\trps");
for (const [k, ms] of results) {
  console.log(
    `${k}\t${median(ms.map((m) => m[0])).toFixed(1)}\t${Math.round(median(ms.map((m) => m[1])))}`,
  );
}
