/**
 * The Lua VM: Redis's own Lua 5.1 with cjson, cmsgpack, bit and struct, compiled to
 * WebAssembly (npm lua-redis-wasm, see docs/scripting.md for why). One VM serves every server
 * of the process: a script runs to completion synchronously, so at most one runs at a time,
 * and its redis.call / redis.pcall / redis.log go to the `ScriptHost` of the run in progress.
 * The sandbox is the one Redis 7.2 sets up (profile "redis-7.2": no `print`, globals read-only,
 * reading an undeclared global an error), with `os` holding only `clock` (the process's CPU
 * seconds) as Redis 7.4 and Valkey 8 give it.
 */

import process from "node:process";
import { load, type ReplyValue } from "lua-redis-wasm";
import { REDIS_VERSION } from "../version.ts";
import { binaryToBytes, bytesToBinary } from "../util/bytes.ts";
import { copyArgBlock, errorToWire, respToWire } from "./wire.ts";
import type { ReplyWriter } from "../resp/writer.ts";

export type { ReplyValue };

/** What a running script reaches through the `redis` table. */
export interface ScriptHost {
  /**
   * redis.call (`raise`) and redis.pcall: runs `argv` (views valid while it runs) and returns
   * the RESP reply it wrote (read before the next call), or an error text (a binary string).
   */
  call(argv: Uint8Array[], raise: boolean): Uint8Array | string;
  /** redis.log at a Redis log level (0 debug .. 3 warning). */
  log(level: number, message: Uint8Array): void;
  /** redis.setresp(2|3): the protocol later redis.call replies are converted from. */
  setResp(resp: 2 | 3): void;
}

/** redis.REDIS_VERSION_NUM: 0x00MMmmpp. */
function versionNum(v: string): number {
  const [a, b, c] = v.split(".").map(Number);
  return (a << 16) | (b << 8) | c;
}

let host: ScriptHost | null = null;

/**
 * What Redis 7.2's C functions do where the VM's built-ins differ, one Lua chunk per helper,
 * compiled the first time a script uses it (compiling is what an eval costs most, and most
 * scripts use none): redis.log / setresp / set_repl / sha1hex argument checks and texts,
 * redis.error_reply / status_reply, RESP3's nil for a null reply, `error({err = ...})`, the
 * read-only redis table, the RESP3 tables of a RESP2 script, and redis.register_function
 * (function_lua.c's checks and texts). Errors Redis raises as tables (no "user_script:N:"
 * prefix in the reply) are raised as strings marked with \1 after the position, which
 * `scriptError` turns back. They live in the redis table as `__h_<name>` strings, set once when
 * the VM starts, so that scripts do not carry their source. Each chunk gets (redis, error,
 * state, the proxy, the helper loader) and returns the helper.
 */
const HELPER_HEAD =
  "local r0, e0, S, P, h = ... local sel, ty, tn, pc = select, type, tonumber, pcall " +
  "local function fail(m) e0('\\1' .. m, 3) end ";
const HELPERS: Record<string, string> = {
  log: "return function(...) local n = sel('#', ...) " +
    "if n < 2 then fail('ERR redis.log() requires two arguments or more.') end " +
    "local l = ... if ty(l) ~= 'number' then fail('ERR First argument must be a number (log level).') end " +
    "if l < 0 or l > 3 then fail('ERR Invalid debug level.') end " +
    "local t = {} for i = 2, n do local v = sel(i, ...) local k = ty(v) " +
    "if k == 'string' or k == 'number' then t[#t + 1] = v end end " +
    "return r0.log(l, table.concat(t, ' ')) end",
  // Under RESP3 a null reply is nil, not false; errors re-raised where the script called.
  setresp: "local function nilcall(f) return function(...) local ok, r = pc(f, ...) " +
    "if not ok then if ty(r) == 'table' and ty(r.err) == 'string' then e0('\\1' .. r.err, 2) end " +
    "e0(r, 0) end if r == false then return nil end return r end end " +
    "return function(...) if sel('#', ...) ~= 1 then fail('ERR redis.setresp() requires one argument.') end " +
    "local v = tn((...)) if v ~= 2 and v ~= 3 then fail('ERR RESP version must be 2 or 3.') end " +
    "S.resp3 = v == 3 if S.resp3 then rawset(P, 'call', nilcall(r0.call)) " +
    "rawset(P, 'pcall', nilcall(h('pcall'))) " +
    "else rawset(P, 'call', r0.call) rawset(P, 'pcall', h('pcall')) end return r0.setresp(v) end",
  set_repl:
    "return function(...) if sel('#', ...) ~= 1 then fail('ERR redis.set_repl() requires two arguments.') end " +
    "local f = tn((...)) if f == nil or f < 0 or f > 3 then " +
    "fail('ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.') end end",
  sha1hex:
    "return function(...) if sel('#', ...) ~= 1 then fail('ERR wrong number of arguments') end " +
    "return r0.sha1hex(...) end",
  status_reply:
    "return function(...) local s = ... if sel('#', ...) ~= 1 or ty(s) ~= 'string' then " +
    "return {err = 'ERR wrong number or type of arguments'} end return {ok = s} end",
  error_reply:
    "return function(...) local s = ... if sel('#', ...) ~= 1 or ty(s) ~= 'string' then " +
    "return {err = 'ERR wrong number or type of arguments'} end " +
    "if s:sub(1, 1) == '-' then s = s:sub(2) end " +
    "if not s:find(' ', 1, true) then s = 'ERR ' .. s end return {err = s} end",
  register_function: "local FLAGS = {['no-writes'] = 1, ['allow-oom'] = 1, ['allow-stale'] = 1, " +
    "['no-cluster'] = 1, ['allow-cross-slot-keys'] = 1} " +
    "return function(...) local n = sel('#', ...) local name, cb, flags, desc " +
    "if n == 1 then local t = ... if ty(t) ~= 'table' then fail('ERR calling redis.register_function " +
    "with a single argument is only applicable to Lua table (representing named arguments).') end " +
    "for k, v in pairs(t) do " +
    "if k == 'function_name' then if ty(v) ~= 'string' then fail('ERR function_name argument given " +
    "to redis.register_function must be a string') end name = v " +
    "elseif k == 'callback' then if ty(v) ~= 'function' then fail('ERR callback argument given to " +
    "redis.register_function must be a function') end cb = v " +
    "elseif k == 'flags' then if ty(v) ~= 'table' then fail('ERR flags argument to " +
    "redis.register_function must be a table representing function flags') end flags = v " +
    "elseif k == 'description' then if ty(v) ~= 'string' then fail('ERR description argument " +
    "given to redis.register_function must be a string') end desc = v " +
    "else fail('ERR unknown argument given to redis.register_function') end end " +
    "if name == nil then fail('ERR redis.register_function must get a function name argument') end " +
    "if cb == nil then fail('ERR redis.register_function must get a callback argument') end " +
    "elseif n == 2 then name, cb = ... " +
    "if ty(name) ~= 'string' then fail('ERR first argument to redis.register_function must be a " +
    "string') end " +
    "if ty(cb) ~= 'function' then fail('ERR second argument to redis.register_function must be a " +
    "function') end " +
    "else fail('ERR wrong number of arguments to redis.register_function') end " +
    "local fl = {} if flags ~= nil then for _, f in ipairs(flags) do " +
    "if ty(f) ~= 'string' or not FLAGS[f] then fail('ERR unknown flag given') end fl[#fl + 1] = f end end " +
    "if not name:find('^[%w_]+$') then fail('ERR Library names can only contain letters, numbers, " +
    "or underscores(_) and must be at least one character long') end " +
    "if S.reg[name] then fail('ERR Function already exists in the library') end " +
    "S.reg[name] = {cb = cb, flags = table.concat(fl, ','), desc = desc} " +
    "S.order[#S.order + 1] = name end",
  // redis.<k> not in the proxy; frames: this, __index, the script.
  index: "local COLD = {log = 1, setresp = 1, set_repl = 1, sha1hex = 1, status_reply = 1, " +
    "error_reply = 1, register_function = 1} " +
    "return function(k) if S.loading and (k == 'call' or k == 'pcall' or k == 'setresp' or " +
    "k == 'sha1hex') then " +
    'e0("Script attempted to access nonexistent global variable \'" .. k .. "\'", 3) end ' +
    "if COLD[k] and (k ~= 'register_function' or S.loading) then return h(k) end return r0[k] end",
  ro: "return function() e0('Attempt to modify a readonly table', 3) end",
  // redis.pcall returns the argument-type error as a table (redis.call raises it); SCRIPT
  // KILL's error is raised at the script's line (Redis's hook raises it wherever the script is).
  pcall: "return function(...) for i = 1, sel('#', ...) do local t = ty((sel(i, ...))) " +
    "if t ~= 'string' and t ~= 'number' then " +
    "return {err = 'ERR Lua redis lib command arguments must be strings or integers'} end end " +
    "local r = r0.pcall(...) if ty(r) == 'table' and " +
    "r.err == 'ERR Script killed by user with SCRIPT KILL...' then e0('\\1' .. r.err, 2) end " +
    "return r end",
  // error(): frames: this, the script's `error`, the script.
  error: "return function(e, l) if ty(e) == 'table' and ty(e.err) == 'string' then " +
    "e0('\\1' .. e.err, 3) end " +
    "if e == nil then e0('\\1ERR nil', 3) end if l == 0 then e0(e, 0) end e0(e, (l or 1) + 2) end",
  conv: "return function(v) if v.err == nil and v.ok == nil then r0.setresp(3) end return v end",
};

/**
 * The VM, loaded when this module is first imported. Without it (a process that may not read
 * the package's .wasm, such as the docs generator) every script fails with `vmError`.
 */
let vmError = "";
/** The directory of the engine's package files (its .wasm), as a path. */
export const ENGINE_DIR = decodeURIComponent(
  new URL(".", import.meta.resolve("lua-redis-wasm")).pathname,
);
/** WASI clock ids of the process's and the thread's CPU time (what C's `clock()` reads). */
const CLOCK_PROCESS_CPUTIME = 2;
const CLOCK_THREAD_CPUTIME = 3;

/**
 * Loads the engine with its CPU-time clock reading the process's CPU time: the package's
 * WASI `clock_time_get` answers every clock id with the time since the thread started, and
 * os.clock() must be CPU seconds, as Redis's `clock()`. The package has no way to pass an
 * import, so WebAssembly.instantiate is wrapped while it instantiates (synchronously replaced
 * and restored around this one load; nothing else instantiates meanwhile in this thread).
 */
async function loadWithCpuClock(options: Parameters<typeof load>[0]): ReturnType<typeof load> {
  const instantiate = WebAssembly.instantiate;
  let memory: WebAssembly.Memory | null = null;
  // deno-lint-ignore no-explicit-any
  (WebAssembly as any).instantiate = async (bytes: BufferSource, imports: any) => {
    for (const ns of ["wasi_snapshot_preview1", "env"]) {
      const table = imports?.[ns];
      const wallClock = table?.clock_time_get;
      if (typeof wallClock !== "function") continue;
      table.clock_time_get = (id: number, precision: bigint, out: number): number => {
        if ((id !== CLOCK_PROCESS_CPUTIME && id !== CLOCK_THREAD_CPUTIME) || memory === null) {
          return wallClock(id, precision, out);
        }
        const { user, system } = process.cpuUsage();
        new DataView(memory.buffer).setBigUint64(out, BigInt(user + system) * 1000n, true);
        return 0;
      };
    }
    const result = await instantiate(bytes, imports);
    memory = result.instance.exports.memory as WebAssembly.Memory;
    return result;
  };
  try {
    return await load(options);
  } finally {
    WebAssembly.instantiate = instantiate;
  }
}

const wasm = await loadWithCpuClock({
  profile: "redis-7.2",
  // Redis 7.2 has no `os`; 7.4 and Valkey 8 give scripts `os.clock` alone (the issue asks it).
  compat: { os: true },
  redisProps: {
    REDIS_VERSION: { value: REDIS_VERSION },
    REDIS_VERSION_NUM: { value: versionNum(REDIS_VERSION) },
    // No debugger (SCRIPT DEBUG is not supported): redis.breakpoint() is false, redis.debug a no-op.
    breakpoint: { returns: false },
    debug: { returns: null },
    // Deprecated since 7.0: always effects replication.
    replicate_commands: { returns: true },
    set_repl: { returns: null },
    REPL_NONE: { value: 0 },
    REPL_AOF: { value: 1 },
    REPL_SLAVE: { value: 2 },
    REPL_REPLICA: { value: 2 },
    REPL_ALL: { value: 3 },
    ...Object.fromEntries(
      Object.entries(HELPERS).map(([k, v]) => [`__h_${k}`, { value: HELPER_HEAD + v }]),
    ),
  },
}).catch((e) => {
  vmError = `ERR the Lua VM could not be loaded: ${e instanceof Error ? e.message : e}`;
  if (e instanceof Deno.errors.NotCapable || e instanceof Deno.errors.PermissionDenied) {
    // The engine reads its .wasm from the npm package: scripting needs that one path readable.
    vmError += ` (add --allow-read=${ENGINE_DIR} to the deno command line)`;
  }
  return null;
});

const engine = wasm?.create({
  redisCall: () => ({ err: binaryToBytes("ERR no script is running") as any }),
  redisPcall: () => ({ err: binaryToBytes("ERR no script is running") as any }),
  log: (level, message) => host?.log(level, message),
  onSetResp: (resp) => host?.setResp(resp),
}) ?? null;

/** What a script uses that needs a helper in its prelude (`scriptFeatures`). */
export interface ScriptFeatures {
  /** Members of the redis table Redis checks or words differently (log, setresp, ...). */
  helpers: boolean;
  /** redis.pcall, which returns (not raises) an argument-type error. */
  pcall: boolean;
  /** `error`, which Redis reports differently for a table. */
  error: boolean;
  /** A table key of the RESP3 forms ({double = ...}), converted in RESP2 scripts too. */
  resp3Tables: boolean;
}

/**
 * What the prelude of `body` must provide, judged from its text once when it is loaded:
 * compiling is what an eval costs most, so a script only carries what it may use.
 */
export function scriptFeatures(body: Uint8Array): ScriptFeatures {
  const text = bytesToBinary(body);
  const pcall = /\bpcall\b/.test(text);
  return {
    helpers: pcall || /\b(log|setresp|set_repl|sha1hex|status_reply|error_reply)\b/.test(text),
    pcall,
    error: /\berror\b/.test(text),
    resp3Tables:
      /\b(double|map|set|big_number|verbatim_string)\s*=|["'](double|map|set|big_number|verbatim_string)["']/
        .test(text),
  };
}

const ALL_FEATURES: ScriptFeatures = {
  helpers: true,
  pcall: true,
  error: true,
  resp3Tables: true,
};

// redis.call / redis.pcall go straight from the VM's argument block to the command and from
// its RESP reply to the VM's reply encoding, without the engine's per-value Buffers (they were
// most of a redis.call's cost). Same wire formats as the engine's codec (see wire.ts).
// deno-lint-ignore no-explicit-any
const vm = engine as any;
// deno-lint-ignore no-explicit-any
const handlers = (wasm as any)?.handlers;
if (handlers && typeof handlers.call === "function" && vm?.exports?.HEAPU8) {
  handlers.call = (a: number, b: number, c?: number) => hostCall(a, b, c, true);
  handlers.pcall = (a: number, b: number, c?: number) => hostCall(a, b, c, false);
}

/**
 * The VM's memory. The engine's build cannot grow it (emscripten_resize_heap aborts), so this
 * view stays valid for the process.
 */
const heap: Uint8Array = vm?.exports?.HEAPU8 ?? new Uint8Array(0);

/**
 * In the VM's worker (vm_worker.ts): redis.call's argument block goes as is to the main
 * thread, which returns the reply already in the VM's encoding.
 */
let forwardCall: ((block: Uint8Array, raise: boolean) => Uint8Array) | null = null;

/** Sends every redis.call / redis.pcall to `f` as the VM's raw argument block (the worker). */
export function forwardCalls(f: (block: Uint8Array, raise: boolean) => Uint8Array): void {
  forwardCall = f;
}

function u32(at: number): number {
  return (heap[at] | (heap[at + 1] << 8) | (heap[at + 2] << 16) | (heap[at + 3] << 24)) >>> 0;
}

function putU32(at: number, n: number): void {
  heap[at] = n;
  heap[at + 1] = n >>> 8;
  heap[at + 2] = n >>> 16;
  heap[at + 3] = n >>> 24;
}

/**
 * host_redis_call / host_redis_pcall. The import is (ret, ptr, len) where the result goes
 * to `ret` as a (ptr, len) pair, or (ptr, len) returning it packed in an i64.
 */
function hostCall(a: number, b: number, c: number | undefined, raise: boolean): bigint | void {
  const ex = vm.exports;
  const hasRet = c !== undefined;
  const ptr = hasRet ? b : a;
  const len = hasRet ? c : b;
  let wire: Uint8Array;
  try {
    if (forwardCall !== null) {
      wire = forwardCall(heap.subarray(ptr, ptr + len), raise);
    } else {
      const argv = copyArgBlock(heap, ptr, len);
      const r = host === null ? "ERR no script is running" : host.call(argv, raise);
      wire = typeof r === "string" ? errorToWire(r) : respToWire(r);
    }
  } catch (e) {
    wire = errorToWire(`ERR ${e instanceof Error ? e.message : String(e)}`);
  }
  const out = ex._alloc(wire.length);
  heap.set(wire, out);
  if (!hasRet) return (BigInt(wire.length) << 32n) | BigInt(out >>> 0);
  putU32(a, out);
  putU32(a + 4, wire.length);
}

/**
 * Put ahead of a script on its first line (so line numbers stay the script's own): a loader
 * of the HELPERS chunks (compiled once into `redis.__f.h`, see `compileOnce`), and what `f`
 * asks for: `redis` shadowed by a read-only proxy whose Redis-specific members are helpers,
 * `error` by the helper, and the script's value passed through `__c` (the RESP3 tables).
 * `library`: also the state the tails of a library read.
 */
function prelude(f: ScriptFeatures, library: boolean): string {
  let p = `local redis, error, __c${library ? ", __S" : ""} = redis, error; do ` +
    "local r, e, S, P, H = redis, error, {}, nil, {} " +
    "local function h(k) local f = H[k] if not f then " +
    (compileOnce()
      ? "f = r.__f.h[k](r, e, S, P, h) H[k] = f end return f end "
      : "f = loadstring(r['__h_' .. k], '=' .. k)(r, e, S, P, h) H[k] = f end return f end ");
  if (library) p += "__S = S ";
  if (f.helpers) {
    p += "P = setmetatable({call = r.call, pcall = r.pcall}, " +
      "{__index = function(_, k) return h('index')(k) end, __newindex = function() h('ro')() end}) " +
      "S.P = P redis = P ";
    if (f.pcall) p += "rawset(P, 'pcall', h('pcall')) ";
  }
  if (f.error) p += "error = function(x, l) h('error')(x, l) end ";
  if (f.resp3Tables) {
    p += "__c = function(v) if type(v) == 'table' and not S.resp3 and (v.double ~= nil or " +
      "v.map ~= nil or v.set ~= nil or v.big_number ~= nil or v.verbatim_string ~= nil) then " +
      "return h('conv')(v) end return v end ";
  }
  return p;
}

/** A function library: its top level runs with S.loading set, registering into S.reg. */
const LIBRARY_OPEN = "S.loading, S.reg, S.order = true, {}, {} S.pcall = rawget(P, 'pcall') " +
  "rawset(P, 'call', nil) rawset(P, 'pcall', nil) end; (function() ";
/** FUNCTION LOAD: what the library registered, as {name, flags, description or false}. */
const LIBRARY_LOAD_CLOSE = "\nend)() __S.loading = false; local out = {} " +
  "for i, n in ipairs(__S.order) do local f = __S.reg[n] out[i] = {n, f.flags, f.desc or false} end " +
  "return out";

const encoder = new TextEncoder();

function wrap(open: string, body: Uint8Array, close: string): Uint8Array {
  const head = encoder.encode(open);
  const tail = encoder.encode(close);
  const out = new Uint8Array(head.length + body.length + tail.length);
  out.set(head);
  out.set(body, head.length);
  out.set(tail, head.length + body.length);
  return out;
}

/**
 * Compiles an EVAL script (`body` with its shebang line blanked) as `compileError` does and
 * returns what the VM runs for it, or the compile error's text.
 */
export function compileEvalScript(body: Uint8Array): Uint8Array | string {
  if (engine === null) return vmError.slice("ERR ".length);
  const f = scriptFeatures(body);
  const needsPrelude = f.helpers || f.error || f.resp3Tables;
  // One eval compiles it and, when it may run as it is, dumps its bytecode.
  const r = runLua(NO_SCRIPT_HOST, COMPILE_CHECK, [], needsPrelude ? [body] : [body, ONE]);
  if (r !== null && !Array.isArray(r)) return compileErrorText(r, "user_script");
  // The VM's result is the chunk's last value, Redis's its first (lua_pcall(lua, 0, 1)): a
  // chunk that cannot return more than one value runs as it is, which spares compiling and
  // calling the wrapping function (a third of a small script's eval).
  const dump = Array.isArray(r) ? r[0] : null;
  if (dump instanceof Uint8Array && returnsOneValue(dump)) return body.slice();
  const p = needsPrelude ? prelude(f, false) + "end; " : "";
  // The body runs as a function and its first value is the result (lua_pcall(lua, 0, 1)).
  return wrap(
    p + (f.resp3Tables ? "return __c((function(...) " : "return ((function(...) "),
    body,
    "\nend)(...))",
  );
}

/**
 * What the VM runs for FUNCTION LOAD of a library (`code` with its shebang line blanked): the
 * functions it registered, as an array of {name, "flag,flag", description or false}.
 */
export function libraryLoadSource(code: Uint8Array): Uint8Array {
  return wrap(prelude(ALL_FEATURES, true) + LIBRARY_OPEN, code, LIBRARY_LOAD_CLOSE);
}

/** What the VM runs for FCALL of `name` ([A-Za-z0-9_]+) in the library `code`. */
export function functionSource(code: Uint8Array, name: string): Uint8Array {
  return wrap(
    prelude(ALL_FEATURES, true) + LIBRARY_OPEN,
    code,
    `\nend)() __S.loading = false; rawset(__S.P, 'call', redis.call) ` +
      `rawset(__S.P, 'pcall', __S.pcall) ` +
      `return __c((__S.reg['${name}'].cb(KEYS, ARGV)))`,
  );
}

/**
 * Runs `source` (from `compileEvalScript` / `functionSource`) with KEYS and ARGV set, calling back into
 * `h` for redis.call & co, and leaves its result in the VM for `writePlainResult` /
 * `takeResult` (exactly one of them, or `dropResult`, must follow before the next run).
 * `keep`: `source` is a cached script's or function's, run again and again on this thread:
 * its copy in the VM's memory is kept (see `sourcePtr`).
 */
export function runScript(
  h: ScriptHost,
  source: Uint8Array,
  keys: Uint8Array[],
  args: Uint8Array[],
  keep = false,
): void {
  host = h;
  try {
    evalDirect(source, keys, args, keep);
  } finally {
    host = null;
  }
}

/**
 * Runs `source` as `runScript` does and returns the script's value converted as Redis converts
 * it (numbers truncated, false nil, `{ok=}` / `{err=}` tables), or, when the script raised, an
 * `{ err, code, meta: { line, kind?, name? } }` error (see `scriptError`).
 */
export function runLua(
  h: ScriptHost,
  source: Uint8Array,
  keys: Uint8Array[],
  args: Uint8Array[],
): ReplyValue {
  runScript(h, source, keys, args);
  return takeResult();
}

/**
 * Lifts the VM's instruction budget: by default the engine stops a chunk after about a tenth
 * of a second of work ("Script killed by fuel limit"), which Redis does not. The largest
 * budget (0 means the default) is hours of work. For the worker, where a long script goes
 * past busy-reply-threshold and SCRIPT KILL stops it.
 */
export function unlimitedFuel(): void {
  vm?.exports?._set_limits?.(0xffffffff, 0, 0);
}

/**
 * Sets the VM's instruction budget for the chunks that follow: `fuel` Lua instructions, or the
 * engine's default (a million) for 0. For a script tried on the server's thread, which must
 * not hold the thread long (Scripting.run).
 */
export function setFuel(fuel: number): void {
  vm?.exports?._set_limits?.(fuel, 0, 0);
}

const SPIN = encoder.encode("while true do end");

/**
 * Runs `source` as `runLua` does, stopped after `fuel` Lua instructions counted from its
 * start. The VM counts instructions in periods that run on from one eval to the next, so a
 * spin stopped by a budget of 1 first ends one: the run starts on a fresh period, and where
 * its budget stops it depends on the script alone (as Redis's count hook, set anew for each
 * script).
 */
export function runWithBudget(
  h: ScriptHost,
  source: Uint8Array,
  keys: Uint8Array[],
  args: Uint8Array[],
  fuel: number,
): ReplyValue {
  try {
    setFuel(1);
    runLua(NO_SCRIPT_HOST, SPIN, [], []);
    setFuel(fuel);
    return runLua(h, source, keys, args);
  } finally {
    setFuel(0);
  }
}

/** The VM's error for a chunk stopped by its instruction budget. */
const FUEL_KILLED = "Script killed by fuel limit";

/**
 * True when `v` is the error of a chunk its instruction budget stopped ("user_script:N: " and
 * the VM's text; a script raising that text itself looks the same, and only runs again).
 */
export function isFuelKilled(v: ReplyValue): boolean {
  return isError(v) && bytesToBinary(v.err).endsWith(FUEL_KILLED);
}

/** False when the VM could not be loaded in this process (scripts then fail with its error). */
export function vmLoaded(): boolean {
  return engine !== null;
}

/**
 * runLua in the VM's worker: the value as the VM encoded it (decoded by `decodeResultWire` on
 * the server's thread, cheaper than a structured clone of the decoded value), or null for nil.
 */
export function runLuaWire(
  h: ScriptHost,
  source: Uint8Array,
  keys: Uint8Array[],
  args: Uint8Array[],
): Uint8Array | null {
  runScript(h, source, keys, args);
  return takeWire();
}

/** The last run's value as the VM encoded it (see `runLuaWire`), taken. */
function takeWire(): Uint8Array | null {
  if (pending === null) return null;
  if (pending !== IN_VM) {
    // An error made here (no VM, the VM out of memory), encoded for the server's thread. (A
    // value the engine decoded itself, with an ABI other than this package's, is lost.)
    const v = pending;
    pending = null;
    return isError(v) ? errorToWire(bytesToBinary(v.err)) : null;
  }
  const ptr = resultPtr;
  const out = resultLen === 0 ? null : heap.slice(ptr, ptr + resultLen);
  dropResult();
  return out;
}

/** A value `runLuaWire` returned, decoded as `runLua` would have returned it. */
export function decodeResultWire(wire: Uint8Array | null): ReplyValue {
  if (wire === null) return null;
  if (engine === null) return { err: binaryToBytes(vmError) as any };
  const ex = vm.exports;
  const ptr = ex._alloc(wire.length);
  heap.set(wire, ptr);
  // The engine's own decoder (it frees the copy), given a packed (len << 32 | ptr).
  return vm.decodeResult((BigInt(wire.length) << 32n) | BigInt(ptr >>> 0), "");
}

/**
 * The last run's result: `pending` is null when it was taken, else the value itself when the
 * engine had to decode it (no VM, another ABI), or `IN_VM` with the VM's bytes at
 * (resultPtr, resultLen), a length of 0 meaning nil.
 */
const IN_VM = Symbol("in the VM");
let pending: ReplyValue | typeof IN_VM = null;
let resultPtr = 0;
let resultLen = 0;

/**
 * The last run's value (see `runLua`), taken from the VM. The engine's decoder builds the
 * error values (`scriptError` reads their metadata).
 */
export function takeResult(): ReplyValue {
  const p = pending;
  pending = null;
  if (p !== IN_VM) return p;
  if (resultLen === 0) return null;
  return vm.decodeResult((BigInt(resultLen) << 32n) | BigInt(resultPtr), "");
}

/** Forgets the last run's result (a try whose result does not stand). */
export function dropResult(): void {
  if (pending === IN_VM && resultLen !== 0) vm.exports._free_mem(resultPtr);
  pending = null;
}

/** Reply types of the VM's result encoding that `writePlainResult` writes itself. */
const R_NULL = 0x00;
const R_INT = 0x01;
const R_BULK = 0x02;
const R_ARRAY = 0x03;
const R_STATUS = 0x04;
/** An error value, and an error the script raised (with its line). */
const R_ERROR = 0x05;
const R_SCRIPT_ERROR = 0x06;

/**
 * Writes the last run's value to `out` straight from the VM's memory when it holds only nils,
 * integers, strings, status replies and arrays of them (what most scripts return), as
 * `writeValue` would write it, and frees it; returns false, the result left for `takeResult`,
 * for anything else (errors, RESP3 types).
 */
export function writePlainResult(out: ReplyWriter): boolean {
  if (pending !== IN_VM) return false;
  if (resultLen === 0) {
    pending = null;
    out.nullBulk();
    return true;
  }
  const end = resultPtr + resultLen;
  if (plainEnd(resultPtr, end) !== end) return false;
  writePlain(out, resultPtr);
  dropResult();
  return true;
}

/** The end of the plain value at `at`, or -1 when it is not plain or runs past `end`. */
function plainEnd(at: number, end: number): number {
  if (at + 5 > end) return -1;
  const type = heap[at];
  const n = u32(at + 1);
  at += 5;
  switch (type) {
    case R_NULL:
      return at;
    case R_INT:
      return at + 8 <= end ? at + 8 : -1;
    case R_BULK:
    case R_STATUS:
      return at + n <= end ? at + n : -1;
    case R_ARRAY:
      for (let i = 0; i < n && at >= 0; i++) at = plainEnd(at, end);
      return at;
  }
  return -1;
}

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/** Writes the plain value at `at` (checked by `plainEnd`); returns the position after it. */
function writePlain(out: ReplyWriter, at: number): number {
  const type = heap[at];
  const n = u32(at + 1);
  at += 5;
  switch (type) {
    case R_NULL:
      out.nullBulk();
      return at;
    case R_INT: {
      const lo = u32(at);
      const hi = heap[at + 4] | (heap[at + 5] << 8) | (heap[at + 6] << 16) | (heap[at + 7] << 24);
      const v = hi * 4294967296 + lo;
      if (Number.isSafeInteger(v)) out.integer(v);
      else {
        // The VM saturates a Lua number at or past 2^63; Redis's (long long) cast of it gives
        // LLONG_MIN (as convert.ts's writeValue).
        const big = (BigInt(hi) << 32n) | BigInt(lo);
        out.integer(big === INT64_MAX ? INT64_MIN : big);
      }
      return at + 8;
    }
    case R_BULK:
      out.bulkFrom(heap, at, n);
      return at + n;
    case R_STATUS:
      out.simple(bytesToBinary(heap.subarray(at, at + n)).replace(/[\r\n]/g, " "));
      return at + n;
  }
  out.array(n); // R_ARRAY
  for (let i = 0; i < n; i++) at = writePlain(out, at);
  return at;
}

/**
 * Where the VM writes an eval's (ptr, len): allocated once (the engine's wrapper allocates
 * and frees one per eval).
 */
let retPtr = 0;

/**
 * Sources kept in the VM's memory (`keep`), freed once their bytes are collected (a flushed
 * script, a deleted function): the event loop runs the registry's callbacks, so only the
 * server's thread keeps any. At most KEPT_BYTES of them, as the VM's memory is a fixed 64 MB
 * that Lua needs too; past that a source is copied for its eval only.
 */
const sourcePtrs = new WeakMap<Uint8Array, number>();
const freeSource = new FinalizationRegistry<[number, number]>(([ptr, len]) => {
  vm.exports._free_mem(ptr);
  keptBytes -= len;
});
const KEPT_BYTES = 4 << 20;
let keptBytes = 0;

/** The VM's out-of-memory error for an eval whose source or arguments do not fit. */
function vmFull(): ReplyValue {
  return { err: binaryToBytes("ERR the Lua VM is out of memory") as any };
}

/**
 * The engine's evalWithArgs without the SHA1 it computes in JavaScript for every call (only
 * for error metadata we do not use), its Buffers and its per-eval allocations: the same wasm
 * export, called as it calls it, with a kept source's copy in the VM's memory reused and the
 * argument block (u32 count, then u32 length and bytes each) written there directly.
 */
function evalDirect(
  source: Uint8Array,
  keys: Uint8Array[],
  args: Uint8Array[],
  keep: boolean,
): void {
  dropResult();
  if (engine === null) {
    pending = { err: binaryToBytes(vmError) as any };
    return;
  }
  const ex = vm.exports;
  if (ex._eval_with_args.length !== 6) {
    pending = engine.evalWithArgs(source, keys, args);
    return;
  }
  // An allocation the VM cannot make returns 0.
  let script = keep ? sourcePtrs.get(source) ?? 0 : 0;
  let once = 0;
  if (script === 0) {
    script = ex._alloc(source.length);
    if (script === 0) {
      pending = vmFull();
      return;
    }
    heap.set(source, script);
    if (keep && keptBytes + source.length <= KEPT_BYTES) {
      sourcePtrs.set(source, script);
      freeSource.register(source, [script, source.length]);
      keptBytes += source.length;
    } else once = script;
  }
  try {
    evalAt(script, source.length, keys, args);
  } finally {
    if (once !== 0) ex._free_mem(once);
  }
}

/**
 * The KEYS and ARGV block, kept from eval to eval up to ARG_BLOCK_KEPT bytes (the engine
 * copies it into the tables before the script runs); a larger one is allocated for its eval.
 */
let argBlock = 0;
let argBlockSize = 0;
const ARG_BLOCK_KEPT = 64 << 10;

/** Evals the source at `script` in the VM's memory (evalDirect's second half). */
function evalAt(script: number, length: number, keys: Uint8Array[], args: Uint8Array[]): void {
  dropResult();
  const ex = vm.exports;
  if (retPtr === 0 && (retPtr = ex._alloc(8)) === 0) {
    pending = vmFull();
    return;
  }
  let size = 4;
  for (let i = 0; i < keys.length; i++) size += 4 + keys[i].length;
  for (let i = 0; i < args.length; i++) size += 4 + args[i].length;
  let block = argBlock;
  if (size > argBlockSize) {
    block = ex._alloc(Math.max(size, 256));
    if (block === 0) {
      pending = vmFull();
      return;
    }
    if (size <= ARG_BLOCK_KEPT) {
      if (argBlock !== 0) ex._free_mem(argBlock);
      argBlock = block;
      argBlockSize = Math.max(size, 256);
    }
  }
  putU32(block, keys.length + args.length);
  putArgs(putArgs(block + 4, keys), args);
  try {
    ex._eval_with_args(retPtr, script, length, block, size, keys.length);
  } finally {
    if (block !== argBlock) ex._free_mem(block);
  }
  resultPtr = u32(retPtr);
  resultLen = resultPtr === 0 ? 0 : u32(retPtr + 4);
  pending = IN_VM;
}

function putArgs(off: number, list: Uint8Array[]): number {
  for (let i = 0; i < list.length; i++) {
    const b = list[i];
    putU32(off, b.length);
    off += 4;
    if (b.length < 32) { for (let j = 0; j < b.length; j++) heap[off + j] = b[j]; }
    else heap.set(b, off);
    off += b.length;
  }
  return off;
}

// Compiled once. Redis compiles a script once into a function (f_<sha>) and a library's
// functions once at FUNCTION LOAD, then only calls them. The engine only evals source, and
// every table a script can reach is read-only, so nothing one eval compiles is left for the
// next: the binding keeps the functions in a table of its own, `redis.__f`, which it makes
// writable only around its own evals that define or drop them, by clearing the `readonly` word
// Redis's Lua keeps in each Table (lua_enablereadonlytable) in the VM's memory. A run then
// evals `return redis.__f[N]()`, whose compile is a fraction of a script's.

/** Redis's Lua Table (lobject.h): the GC header (next, tt, marked), flags, then `readonly`. */
const TABLE_TT = 4;
const TABLE_READONLY = 8;
const LUA_TTABLE = 5;

/**
 * Makes `redis.__f` (the compiled functions, by number) and `redis.__f.h` (the HELPERS
 * chunks, compiled: a script's prelude calls them instead of compiling them at every run).
 */
const STORE_SETUP = encoder.encode(
  "local T = {h = {}} rawset(redis, '__f', T) for k, v in pairs(redis) do " +
    "if type(k) == 'string' and k:sub(1, 4) == '__h_' then " +
    "T.h[k:sub(5)] = loadstring(v, '=' .. k:sub(5)) end end",
);
const READONLY_CHECK = encoder.encode("return select(2, pcall(rawset, redis.__f, 1, 1))");

/** 1 when `redis.__f` is set up, -1 when it cannot be (then every run compiles its source). */
let storeState = 0;
/** The address of `redis.__f`'s Table in the VM's memory. */
let storeAt = 0;

/**
 * True when scripts and functions are compiled once in this thread's VM (`redis.__f` is set
 * up, on first use: it needs the VM's layout to be the one expected, else every run compiles
 * its source as the engine does).
 */
export function compileOnce(): boolean {
  if (storeState === 0) storeState = setupStore() ? 1 : -1;
  return storeState === 1;
}

/** The address of the table `expr` evaluates to (from its tostring), or 0. */
function tableAt(expr: string): number {
  const r = runLua(NO_SCRIPT_HOST, encoder.encode(`return tostring(${expr})`), [], []);
  const m = r instanceof Uint8Array ? /^table: 0x([0-9a-f]+)$/.exec(bytesToBinary(r)) : null;
  const at = m === null ? 0 : parseInt(m[1], 16);
  return at > 0 && at + 16 <= heap.length && heap[at + TABLE_TT] === LUA_TTABLE ? at : 0;
}

function setReadonly(at: number, on: boolean): void {
  putU32(at + TABLE_READONLY, on ? 1 : 0);
}

function setupStore(): boolean {
  if (engine === null || vm.exports._eval_with_args.length !== 6) return false;
  const redisAt = tableAt("redis");
  if (redisAt === 0 || u32(redisAt + TABLE_READONLY) !== 1) return false;
  setReadonly(redisAt, false);
  let r: ReplyValue;
  try {
    r = runLua(NO_SCRIPT_HOST, STORE_SETUP, [], []);
  } finally {
    setReadonly(redisAt, true);
  }
  const at = r === null ? tableAt("redis.__f") : 0;
  const helpersAt = at === 0 ? 0 : tableAt("redis.__f.h");
  if (helpersAt === 0 || u32(at + TABLE_READONLY) !== 0) return false;
  setReadonly(at, true);
  setReadonly(helpersAt, true);
  // The word flipped is the one the VM reads: a write to the table now fails.
  const check = runLua(NO_SCRIPT_HOST, READONLY_CHECK, [], []);
  if (!(check instanceof Uint8Array)) return false;
  storeAt = at;
  return bytesToBinary(check) === "Attempt to modify a readonly table";
}

/**
 * A script, or a library's functions, compiled once per VM into `redis.__f[base]` ..
 * `redis.__f[base + count - 1]` (numbers unique in the process).
 */
export interface Compiled {
  readonly base: number;
  readonly count: number;
  /** The chunk that defines them, and its ARGV. */
  readonly define: Uint8Array;
  readonly defineArgs: Uint8Array[];
  /** Bytes of source it compiles (what `HeldChunks` counts). */
  readonly size: number;
}

let nextBase = 1;

/** Compiles ARGV[1] (a script's source, from `compileEvalScript`) into redis.__f[ARGV[2]]. */
const DEFINE_SCRIPT = encoder.encode(
  "local f, e = loadstring(ARGV[1], '@user_script') if not f then error(e, 0) end " +
    "redis.__f[tonumber(ARGV[2])] = f",
);

/**
 * Sources at most this long compile as fast as `return redis.__f[N]()` does (`return 1`
 * faster), so they are not compiled once.
 */
const SHORT_SOURCE = 24;

/**
 * An EVAL script's `Compiled` (`source` is what `compileEvalScript` returned), or null for
 * a script so short that compiling it is no slower than calling it compiled.
 */
export function compiledScript(source: Uint8Array): Compiled | null {
  if (source.length <= SHORT_SOURCE) return null;
  const base = nextBase++;
  return {
    base,
    count: 1,
    define: DEFINE_SCRIPT,
    defineArgs: [source, encoder.encode(String(base))],
    size: source.length,
  };
}

/**
 * A library's `Compiled` (`code` with its shebang line blanked, registering `count`
 * functions): its top level runs once per VM, and redis.__f[base + i - 1] calls the i-th
 * function it registered with KEYS and ARGV, the state a run may change (redis.setresp) reset
 * first.
 */
export function compiledLibrary(code: Uint8Array, count: number): Compiled {
  const base = nextBase;
  nextBase += count;
  const define = wrap(
    prelude(ALL_FEATURES, true) + LIBRARY_OPEN,
    code,
    "\nend)() __S.loading = false local S, R = __S, rawget(_G, 'redis') local T, rc = R.__f, R.call " +
      "for i, n in ipairs(S.order) do local cb = S.reg[n].cb " +
      `T[${base} + i - 1] = function() S.resp3 = nil rawset(S.P, 'call', rc) ` +
      "rawset(S.P, 'pcall', S.pcall) return __c((cb(KEYS, ARGV))) end end",
  );
  return { base, count, define, defineArgs: [], size: define.length };
}

/**
 * Most bytes of source whose compiled functions a VM holds: its memory is a fixed 64 MB
 * (Lua's heap included), and a compiled function takes about twice its source. Past that the
 * oldest are dropped, and compiled again should they run again.
 */
const HELD_BYTES = 8 << 20;

/** The `Compiled` a VM holds, oldest first (the server's thread's, or a worker's). */
export class HeldChunks {
  private readonly held = new Map<number, Compiled>();
  private bytes = 0;

  /** `limit`: the most bytes of their sources it holds (HELD_BYTES). */
  constructor(private readonly limit = HELD_BYTES) {}

  has(c: Compiled): boolean {
    return this.held.get(c.base) === c;
  }

  /** Records `c` as defined; returns those to drop to stay within the limit. */
  add(c: Compiled): Compiled[] {
    this.held.set(c.base, c);
    this.bytes += c.size;
    const out: Compiled[] = [];
    for (const [base, old] of this.held) {
      if (this.bytes <= this.limit || old === c) break;
      this.held.delete(base);
      this.bytes -= old.size;
      out.push(old);
    }
    return out;
  }

  /** False when it does not hold `c`. */
  delete(c: Compiled): boolean {
    if (!this.has(c)) return false;
    this.held.delete(c.base);
    this.bytes -= c.size;
    return true;
  }
}

/** A script or function to run: what it compiles, and the same compiled once. */
export interface CompiledRun {
  /** Read only when it is not compiled once (it may be built on demand). */
  readonly source: Uint8Array;
  /** Null for a script compiled at every run (`compiledScript`). */
  readonly compiled: Compiled | null;
  /** Its function in `compiled`. */
  readonly index: number;
}

/** What this thread's VM holds (the server's thread: the worker's is its VmThread's). */
const heldHere = new HeldChunks();

/** Per number, `return redis.__f[N]()` in the VM's memory: [address, length]. */
const callChunks = new Map<number, [number, number]>();

/**
 * Runs function `r.index` of `r.compiled` as `runScript` runs `r.source` (what it compiles),
 * defining it in this thread's VM first when it does not hold it: the result is left in the
 * VM. Runs `r.source` when `r.compiled` is null or without compile-once (`compileOnce`).
 */
export function runCompiled(
  h: ScriptHost,
  r: CompiledRun,
  keys: Uint8Array[],
  args: Uint8Array[],
): void {
  const c = r.compiled;
  if (c === null || !compileOnce()) {
    runScript(h, r.source, keys, args, true);
    return;
  }
  if (!heldHere.has(c)) {
    dropHere(heldHere.add(c));
    if (!define(c.define, c.defineArgs)) {
      heldHere.delete(c);
      return;
    }
  }
  host = h;
  try {
    evalCall(c.base + r.index, keys, args);
  } finally {
    host = null;
  }
}

/**
 * Runs `define` (a `Compiled`'s) with `redis.__f` writable and a host that answers nothing (a
 * library's top level may log: it logged when it was loaded). False with its error left as
 * the result when it fails.
 */
function define(chunk: Uint8Array, args: Uint8Array[]): boolean {
  setReadonly(storeAt, false);
  host = NO_SCRIPT_HOST;
  try {
    evalDirect(chunk, [], args, false);
  } finally {
    host = null;
    setReadonly(storeAt, true);
  }
  const failed = pending === IN_VM
    ? resultLen !== 0 && (heap[resultPtr] === R_ERROR || heap[resultPtr] === R_SCRIPT_ERROR)
    : pending !== null;
  if (!failed) dropResult();
  return !failed;
}

/** Evals `return redis.__f[id]()`. */
function evalCall(id: number, keys: Uint8Array[], args: Uint8Array[]): void {
  let chunk = callChunks.get(id);
  if (chunk === undefined) {
    const text = encoder.encode(`return redis.__f[${id}]()`);
    const at = vm.exports._alloc(text.length);
    if (at === 0) {
      dropResult();
      pending = vmFull();
      return;
    }
    heap.set(text, at);
    callChunks.set(id, chunk = [at, text.length]);
  }
  evalAt(chunk[0], chunk[1], keys, args);
}

const DROP = encoder.encode(
  "local T = redis.__f for i = 1, #ARGV, 2 do local b = tonumber(ARGV[i]) " +
    "for n = b, b + ARGV[i + 1] - 1 do T[n] = nil end end collectgarbage()",
);

/** Drops the functions `ranges` (base, count pairs) from this thread's VM. */
function dropRanges(ranges: number[]): void {
  if (ranges.length === 0) return;
  const args: Uint8Array[] = [];
  for (let i = 0; i < ranges.length; i += 2) {
    args.push(encoder.encode(String(ranges[i])), encoder.encode(String(ranges[i + 1])));
    for (let n = ranges[i]; n < ranges[i] + ranges[i + 1]; n++) {
      const chunk = callChunks.get(n);
      if (chunk === undefined) continue;
      vm.exports._free_mem(chunk[0]);
      callChunks.delete(n);
    }
  }
  define(DROP, args);
  dropResult();
}

function dropHere(list: Compiled[]): void {
  const ranges: number[] = [];
  for (const c of list) ranges.push(c.base, c.count);
  dropRanges(ranges);
}

/**
 * Drops `list` from the server's thread's VM (SCRIPT FLUSH, FUNCTION DELETE / FLUSH, a
 * library replaced, the server closed); those it does not hold are skipped.
 */
export function dropCompiled(list: Iterable<Compiled>): void {
  if (storeState !== 1) return;
  const drop: Compiled[] = [];
  for (const c of list) if (heldHere.delete(c)) drop.push(c);
  dropHere(drop);
}

let defineFailed = false;

/** True when the last `runInWorker` could not define what it was given (its error is the result). */
export function lastDefineFailed(): boolean {
  return defineFailed;
}

/**
 * A run in the VM's worker: drops `drops` (base, count pairs), runs `define` with
 * `defineArgs` when given, then evals `return redis.__f[id]()`; with `id` 0 runs `define`
 * as a script instead (no compile-once). The value as the VM encoded it (decoded by
 * `decodeResultWire` on the server's thread, cheaper than a structured clone of the decoded
 * value), or null for nil.
 */
export function runInWorker(
  h: ScriptHost,
  drops: number[],
  chunk: Uint8Array | null,
  defineArgs: Uint8Array[],
  id: number,
  keys: Uint8Array[],
  args: Uint8Array[],
): Uint8Array | null {
  defineFailed = false;
  if (id === 0 || !compileOnce()) runScript(h, chunk ?? new Uint8Array(0), keys, args);
  else {
    dropRanges(drops);
    defineFailed = chunk !== null && !define(chunk, defineArgs);
    if (!defineFailed) {
      host = h;
      try {
        evalCall(id, keys, args);
      } finally {
        host = null;
      }
    }
  }
  return takeWire();
}

/** Lua 5.1's opcodes (lopcodes.h) that `returnsOneValue` reads. */
const OP_GETGLOBAL = 5;
const OP_GETTABLE = 6;
const OP_JMP = 22;
const OP_EQ = 23;
const OP_LT = 24;
const OP_LE = 25;
const OP_TEST = 26;
const OP_TAILCALL = 29;
const OP_RETURN = 30;

/**
 * True when the chunk dumped as `dump` provably returns at most one value: every `return` of its main
 * function (not of functions it defines) has one expression or none, or is `return
 * redis.call(...)` / `return redis.pcall(...)` on the sandbox's `redis` (read-only: its call
 * and pcall push one value). Read from the chunk's Lua 5.1 bytecode (string.dump: header,
 * then the main function's source name, line info, four bytes, its instructions and its
 * constants); false when anything is not as expected.
 */
function returnsOneValue(dump: Uint8Array): boolean {
  if (dump.length < 12) return false;
  const d = new DataView(dump.buffer, dump.byteOffset, dump.byteLength);
  // "\x1bLua", version 5.1, official format, little-endian, 4-byte int, size_t and
  // instruction, 8-byte floating-point numbers.
  if (d.getUint32(0, true) !== 0x61754c1b || d.getUint32(4, true) !== 0x04010051) return false;
  if (d.getUint32(8, true) !== 0x00080404) return false;
  try {
    let at = 12;
    at += 4 + d.getUint32(at, true) + 8 + 4; // source, linedefined, lastlinedefined, 4 bytes
    const ncode = d.getUint32(at, true);
    at += 4;
    const code = new Uint32Array(ncode);
    for (let i = 0; i < ncode; i++) code[i] = d.getUint32(at + 4 * i, true);
    at += 4 * ncode;
    const nk = d.getUint32(at, true);
    at += 4;
    const k: (string | null)[] = [];
    for (let i = 0; i < nk; i++) {
      const t = dump[at++];
      if (t === 1) at += 1; // boolean
      else if (t === 3) at += 8; // number
      else if (t === 4) { // string: size_t length counting its NUL
        const n = d.getUint32(at, true);
        k.push(n > 0 ? bytesToBinary(dump.subarray(at + 4, at + 3 + n)) : null);
        at += 4 + n;
        continue;
      } else if (t !== 0) return false;
      k.push(null);
    }
    for (let pc = 0; pc < ncode; pc++) {
      const i = code[pc];
      if ((i & 63) !== OP_RETURN) continue;
      const b = i >>> 23;
      if (b === 1 || b === 2) continue; // no value, one value
      if (b !== 0 || pc === 0 || !callsRedis(code, k, pc - 1)) return false;
    }
    return true;
  } catch {
    return false; // RangeError: a dump cut short
  }
}

/**
 * True when code[t] is a TAILCALL of R(A) loaded by `GETGLOBAL A 'redis'; GETTABLE A A
 * 'call'|'pcall'` with no other write to R(A) between (the arguments go to the registers
 * above A; tests and jumps do not write A).
 */
function callsRedis(code: Uint32Array, k: (string | null)[], t: number): boolean {
  const op = (i: number) => i & 63;
  const regA = (i: number) => (i >>> 6) & 255;
  if (op(code[t]) !== OP_TAILCALL) return false;
  const a = regA(code[t]);
  for (let pc = t - 1; pc > 0; pc--) {
    const i = code[pc];
    if (regA(i) !== a) continue;
    const o = op(i);
    if (o === OP_JMP || o === OP_EQ || o === OP_LT || o === OP_LE || o === OP_TEST) continue;
    const c = (i >>> 14) & 511;
    const load = code[pc - 1];
    return o === OP_GETTABLE && (i >>> 23) === a && c >= 256 &&
      (k[c - 256] === "call" || k[c - 256] === "pcall") &&
      op(load) === OP_GETGLOBAL && regA(load) === a && k[load >>> 14] === "redis";
  }
  return false;
}

/** Compiles ARGV[1]: its error, else nothing, or its bytecode ({string.dump}) with ARGV[2]. */
const COMPILE_CHECK = encoder.encode(
  "local f, e = loadstring(ARGV[1], '@user_script') if not f then return e end " +
    "if ARGV[2] then return {string.dump(f)} end",
);
const ONE = encoder.encode("1");

/**
 * Compiles `body` as Redis's luaCreateFunction does (chunk name "@user_script"): null when it
 * compiles, else Lua's message ("user_script:1: '=' expected near ...").
 */
export function compileError(body: Uint8Array, chunk = "user_script"): string | null {
  if (engine === null) return vmError.slice("ERR ".length);
  const r = runLua(NO_SCRIPT_HOST, COMPILE_CHECK, [], [body]);
  return r === null ? null : compileErrorText(r, chunk);
}

/** COMPILE_CHECK's error as compileError words it. */
function compileErrorText(r: ReplyValue, chunk: string): string {
  if (!(r instanceof Uint8Array)) return "script load failed";
  const text = bytesToBinary(r);
  return text.startsWith("user_script") ? chunk + text.slice("user_script".length) : text;
}

const NO_SCRIPT_HOST: ScriptHost = {
  call: () => "ERR no script is running",
  log: () => {},
  setResp: () => {},
};

/** A value the VM returned that is an error: the script raised, or returned `{err = ...}`. */
export type ErrorValue = {
  err: Uint8Array;
  code?: Uint8Array;
  meta?: { line: number; kind?: string; name?: string };
};

/** True when `v` is an error reply (`{ err }`), raised or returned. */
export function isError(v: unknown): v is ErrorValue {
  return v !== null && typeof v === "object" && !(v instanceof Uint8Array) &&
    !Array.isArray(v) && "err" in v;
}

/**
 * The text (binary string) of an error the script raised and the script line it was raised
 * at, without the " script: ..." trailer the caller adds: Redis's wording for the VM's error
 * kinds, a table error's own message.
 */
export function scriptError(e: ErrorValue, chunk: string): [string, number] {
  const meta = e.meta!;
  if (meta.kind === "global-read") {
    return [
      `ERR ${chunk}:${meta.line}: Script attempted to access nonexistent global variable '${meta.name}'`,
      meta.line,
    ];
  }
  if (meta.kind === "command-arg-type") {
    return ["ERR Lua redis lib command arguments must be strings or integers", meta.line];
  }
  let text = bytesToBinary(e.err);
  // Raised by the prelude for what Redis raises as a table: the position is the caller's.
  // deno-lint-ignore no-control-regex
  const marked = /^(?:user_script:(\d+): )?\x01/.exec(text);
  if (marked !== null) {
    return [text.slice(marked[0].length), marked[1] !== undefined ? Number(marked[1]) : meta.line];
  }
  // Lua's "user_script:N:" position is where the error was raised; the VM's line may be the
  // prelude's (an error raised through its `error`).
  const at = /^user_script:(\d+):/.exec(text);
  if (at !== null && chunk !== "user_script") text = chunk + text.slice("user_script".length);
  const line = at !== null ? Number(at[1]) : meta.line;
  return [e.code !== undefined ? `${bytesToBinary(e.code)} ${text}` : text, line];
}
