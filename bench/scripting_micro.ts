/**
 * Where a script's eval goes, in-process: the binding (src/scripting/engine.ts) in a loop with
 * a host that answers every redis.call at once. Each script runs both ways, alternating within
 * every round: compiled at every run (the engine's eval of its source, as before compile-once)
 * and compiled once (`runCompiled`: the eval of `return redis.__f[N]()`); FCALL of a small
 * library the same way (the library and the call compiled per run, or its function called).
 * Also Lua loops that only compile a text, or only run it compiled once. CPU time per eval
 * (process.cpuUsage); prints the median of the rounds and the range.
 *
 *   deno run -A bench/scripting_micro.ts [rounds]
 */

import process from "node:process";
import {
  compiledScript,
  compileEvalScript,
  dropResult,
  runCompiled,
  runLua,
  runScript,
  type ScriptHost,
} from "../src/scripting/engine.ts";
import { createLibrary } from "../src/scripting/functions.ts";

const ROUNDS = Number(Deno.args[0] ?? 8);
const N = 20_000;
const enc = new TextEncoder();
const reply = enc.encode("$3\r\nbar\r\n");
const host: ScriptHost = { call: () => reply, log() {}, setResp() {} };
const SMALL = "return redis.call('get', KEYS[1])";
const CALLS = "for i = 1, 100 do redis.call('get', KEYS[1]) end return 1";
const keys = [enc.encode("k")];

/** CPU us per eval of `evals` evals run by `f`. */
function cpu(f: () => void, evals: number): number {
  const t0 = process.cpuUsage();
  f();
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / evals;
}

/** The script `text` as the server caches it: [what it compiles, its Compiled]. */
function cached(text: string) {
  const source = compileEvalScript(enc.encode(text));
  if (typeof source === "string") throw new Error(source);
  return [source, compiledScript(source)] as const;
}

/** `text` compiled at every run (runScript keeps the source in the VM's memory, as before). */
function eachRun(text: string, n = N): () => number {
  const [source] = cached(text);
  return () =>
    cpu(() => {
      for (let i = 0; i < n; i++) {
        runScript(host, source, keys, [], true);
        dropResult();
      }
    }, n);
}

/** `text` compiled once. */
function once(text: string, n = N): () => number {
  const [source, compiled] = cached(text);
  return () =>
    cpu(() => {
      for (let i = 0; i < n; i++) {
        runCompiled(host, { source, compiled, index: 0 }, keys, []);
        dropResult();
      }
    }, n);
}

const lib = createLibrary(
  enc.encode(
    "#!lua name=bench\nredis.register_function('get', function(keys) " +
      "return redis.call('get', keys[1]) end)",
  ),
  () => {},
);
if (typeof lib === "string") throw new Error(lib);
const fn = lib.functions.get("get")!;

/** One eval running `loop` N times over the small script's text (ARGV[1]). */
function inLua(loop: string): () => number {
  const source = enc.encode(loop.replace("N", String(N)));
  return () => cpu(() => runLua(host, source, keys, [enc.encode(SMALL)]), N);
}

const cases: [string, () => number][] = [
  ["eval of an empty chunk (the fixed cost of an eval)", eachRun("")],
  ["`return 1`, compiled at every run", eachRun("return 1")],
  ["`return 1`, compiled once", once("return 1")],
  [`\`${SMALL}\`, compiled at every run`, eachRun(SMALL)],
  [`\`${SMALL}\`, compiled once`, once(SMALL)],
  ["100 redis.call's, compiled at every run", eachRun(CALLS, N / 20)],
  ["100 redis.call's, compiled once", once(CALLS, N / 20)],
  [
    "FCALL of a one-call function, library compiled at every run",
    () =>
      cpu(() => {
        const source = fn.source;
        for (let i = 0; i < N; i++) {
          runScript(host, source, keys, [], true);
          dropResult();
        }
      }, N),
  ],
  [
    "FCALL of a one-call function, compiled once",
    () =>
      cpu(() => {
        for (let i = 0; i < N; i++) {
          runCompiled(host, fn, keys, []);
          dropResult();
        }
      }, N),
  ],
  [
    "compiling the small script only (loadstring in a Lua loop)",
    inLua("local s = ARGV[1] for i = 1, N do loadstring(s) end"),
  ],
  [
    "compiling `return redis.__f[1]()` only",
    inLua("local s = 'return redis.__f[1]()' for i = 1, N do loadstring(s) end"),
  ],
  [
    "running the small script only (compiled once, called in a Lua loop)",
    inLua("local f = loadstring(ARGV[1]) for i = 1, N do f() end"),
  ],
];
const runs: number[][] = cases.map(() => []);
for (let r = 0; r < ROUNDS; r++) cases.forEach(([, f], i) => runs[i].push(f()));
for (const [i, [name]] of cases.entries()) {
  const xs = runs[i].sort((a, b) => a - b);
  const median = xs[Math.floor(xs.length / 2)];
  console.log(
    `${median.toFixed(2)} us (${xs[0].toFixed(2)}-${xs.at(-1)!.toFixed(2)})\t${name}`,
  );
}
