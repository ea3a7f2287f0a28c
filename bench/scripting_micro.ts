/**
 * Where a small script's eval goes, in-process: the binding's runLua (src/scripting/engine.ts)
 * in a loop with a host that answers every redis.call at once, against Lua loops that only
 * compile the script's text or only run it compiled once. CPU time per eval (process.cpuUsage),
 * best of the rounds.
 *
 *   deno run -A bench/scripting_micro.ts [rounds]
 */

import process from "node:process";
import { runLua, type ScriptHost } from "../src/scripting/engine.ts";

const ROUNDS = Number(Deno.args[0] ?? 8);
const N = 20_000;
const enc = new TextEncoder();
const reply = enc.encode("$3\r\nbar\r\n");
const host: ScriptHost = { call: () => reply, log() {}, setResp() {} };
const SMALL = "return redis.call('get', KEYS[1])";
const keys = [enc.encode("k")];

/** CPU us per eval of `evals` evals run by `f`. */
function cpu(f: () => void, evals: number): number {
  const t0 = process.cpuUsage();
  f();
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / evals;
}

function evals(text: string): () => number {
  const source = enc.encode(text);
  return () =>
    cpu(() => {
      for (let i = 0; i < N; i++) runLua(host, source, keys, []);
    }, N);
}

/** One eval running `loop` N times over the small script's text (ARGV[1]). */
function inLua(loop: string): () => number {
  const source = enc.encode(loop.replace("N", String(N)));
  return () => cpu(() => runLua(host, source, keys, [enc.encode(SMALL)]), N);
}

const cases: [string, () => number][] = [
  ["eval of an empty chunk (the fixed cost of an eval)", evals("")],
  ["eval of `return 1`", evals("return 1")],
  [`eval of \`${SMALL}\``, evals(SMALL)],
  [
    "compiling it only (loadstring in a Lua loop)",
    inLua("local s = ARGV[1] for i = 1, N do loadstring(s) end"),
  ],
  [
    "running it only (compiled once, called in a Lua loop)",
    inLua("local f = loadstring(ARGV[1]) for i = 1, N do f() end"),
  ],
];
const best = cases.map(() => Infinity);
for (let r = 0; r < ROUNDS; r++) cases.forEach(([, f], i) => best[i] = Math.min(best[i], f()));
cases.forEach(([name], i) => console.log(`${best[i].toFixed(2)} us\t${name}`));
