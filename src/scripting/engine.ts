/**
 * The Lua VM: Redis's own Lua 5.1 with cjson, cmsgpack, bit and struct, compiled to
 * WebAssembly (npm lua-redis-wasm, see docs/scripting.md for why). One VM serves every server
 * of the process: a script runs to completion synchronously, so at most one runs at a time,
 * and its redis.call / redis.pcall / redis.log go to the `ScriptHost` of the run in progress.
 * The sandbox is the one Redis 7.2 sets up (profile "redis-7.2": no `os`, no `print`, globals
 * read-only, reading an undeclared global an error).
 */

import { load, type ReplyValue } from "lua-redis-wasm";
import { REDIS_VERSION } from "../version.ts";
import { bytesToBinary } from "../util/bytes.ts";

export type { ReplyValue };

/** What a running script reaches through the `redis` table. */
export interface ScriptHost {
  /** redis.call (`raise`) and redis.pcall: runs `argv`, returns the reply or `{ err }`. */
  call(argv: Uint8Array[], raise: boolean): ReplyValue;
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

const NO_HOST: ReplyValue = { err: new TextEncoder().encode("ERR no script is running") as any };

const wasm = await load({
  profile: "redis-7.2",
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
  },
});

const engine = wasm.create({
  redisCall: (argv) => host === null ? NO_HOST : host.call(argv, true),
  redisPcall: (argv) => host === null ? NO_HOST : host.call(argv, false),
  log: (level, message) => host?.log(level, message),
  onSetResp: (resp) => host?.setResp(resp),
});

/**
 * Put ahead of every script on its first line (so line numbers stay the script's own): it
 * shadows `redis` and `error` with locals that do what Redis 7.2's C functions do where the
 * VM's built-ins differ: redis.log / setresp / set_repl / sha1hex argument checks and texts,
 * redis.error_reply / status_reply, and `error({err = ...})`, which Redis reports as the
 * table's message. Errors Redis raises as tables (no "user_script:N:" prefix in the reply) are
 * raised as strings marked with \1 after the position, which `scriptError` turns back.
 */
const PRELUDE = "local redis, error = redis, error; local __conv; do " +
  "local r0, e0, sel, ty, tn, pc = redis, error, select, type, tonumber, pcall; local resp3 = false; " +
  "local function fail(m) e0('\\1' .. m, 3) end; " +
  "local P = setmetatable({}, {__index = r0}); " +
  // Under RESP3 a null reply is nil, not false; errors re-raised where the script called.
  "local function nilcall(f) return function(...) local ok, r = pc(f, ...) " +
  "if not ok then if ty(r) == 'table' and ty(r.err) == 'string' then e0('\\1' .. r.err, 2) end e0(r, 0) end " +
  "if r == false then return nil end return r end end; " +
  "P.log = function(...) local n = sel('#', ...) " +
  "if n < 2 then fail('ERR redis.log() requires two arguments or more.') end " +
  "local l = ... if ty(l) ~= 'number' then fail('ERR First argument must be a number (log level).') end " +
  "if l < 0 or l > 3 then fail('ERR Invalid debug level.') end " +
  "local t = {} for i = 2, n do local v = sel(i, ...) local k = ty(v) " +
  "if k == 'string' or k == 'number' then t[#t + 1] = v end end " +
  "return r0.log(l, table.concat(t, ' ')) end; " +
  "P.setresp = function(...) if sel('#', ...) ~= 1 then fail('ERR redis.setresp() requires one argument.') end " +
  "local v = tn((...)) if v ~= 2 and v ~= 3 then fail('ERR RESP version must be 2 or 3.') end " +
  "resp3 = v == 3 if resp3 then P.call = nilcall(r0.call) P.pcall = nilcall(r0.pcall) " +
  "else P.call = nil P.pcall = nil end return r0.setresp(v) end; " +
  "P.set_repl = function(...) if sel('#', ...) ~= 1 then fail('ERR redis.set_repl() requires two arguments.') end " +
  "local f = tn((...)) if f == nil or f < 0 or f > 3 then " +
  "fail('ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.') end end; " +
  "P.sha1hex = function(...) if sel('#', ...) ~= 1 then fail('ERR wrong number of arguments') end " +
  "return r0.sha1hex(...) end; " +
  "P.status_reply = function(...) local s = ... if sel('#', ...) ~= 1 or ty(s) ~= 'string' then " +
  "return {err = 'ERR wrong number or type of arguments'} end return {ok = s} end; " +
  "P.error_reply = function(...) local s = ... if sel('#', ...) ~= 1 or ty(s) ~= 'string' then " +
  "return {err = 'ERR wrong number or type of arguments'} end " +
  "if s:sub(1, 1) == '-' then s = s:sub(2) end " +
  "if not s:find(' ', 1, true) then s = 'ERR ' .. s end return {err = s} end; " +
  "redis = P; " +
  "error = function(e, l) if ty(e) == 'table' and ty(e.err) == 'string' then e0('\\1' .. e.err, 2) end " +
  "if e == nil then e0('\\1ERR nil', 2) end " +
  "if l == 0 then e0(e, 0) end e0(e, (l or 1) + 1) end; " +
  // The script's value as luaReplyToRedisReply takes it: numbers out of the int64 range are
  // LLONG_MIN, functions nil, and the RESP3 tables ({double=} ...) count in RESP2 too.
  "__conv = function(v) local t = ty(v) " +
  "if t == 'number' then if v ~= v or v >= 9223372036854775808 or v < -9223372036854775808 then " +
  "return -9223372036854775808 end return v end " +
  "if t == 'table' then if not resp3 and v.err == nil and v.ok == nil and (v.double ~= nil or " +
  "v.map ~= nil or v.set ~= nil or v.big_number ~= nil or v.verbatim_string ~= nil) then " +
  "r0.setresp(3) end return v end " +
  "if t == 'function' or t == 'userdata' or t == 'thread' then return nil end return v end " +
  "end; return __conv((function(...) ";

/** Closes the function the prelude opened around the script (on a line of its own). */
const POSTLUDE = "\nend)(...))";

const encoder = new TextEncoder();
const PRELUDE_BYTES = encoder.encode(PRELUDE);
const POSTLUDE_BYTES = encoder.encode(POSTLUDE);

/** `body` wrapped in the prelude: what is handed to the VM for a script. */
export function withPrelude(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(PRELUDE_BYTES.length + body.length + POSTLUDE_BYTES.length);
  out.set(PRELUDE_BYTES);
  out.set(body, PRELUDE_BYTES.length);
  out.set(POSTLUDE_BYTES, PRELUDE_BYTES.length + body.length);
  return out;
}

/**
 * Runs `source` (from `withPrelude`) with KEYS and ARGV set, calling back into `h` for
 * redis.call & co. Returns the script's value converted as Redis converts it (numbers
 * truncated, false nil, `{ok=}` / `{err=}` tables), or, when the script raised, an
 * `{ err, code, meta: { line, kind?, name? } }` error (see `scriptError`).
 */
export function runLua(
  h: ScriptHost,
  source: Uint8Array,
  keys: Uint8Array[],
  args: Uint8Array[],
): ReplyValue {
  host = h;
  try {
    return engine.evalWithArgs(source, keys, args);
  } finally {
    host = null;
  }
}

const COMPILE_CHECK = encoder.encode(
  "local f, e = loadstring(ARGV[1], '@user_script') if f then return nil end return e",
);

/**
 * Compiles `body` as Redis's luaCreateFunction does (chunk name "@user_script"): null when it
 * compiles, else Lua's message ("user_script:1: '=' expected near ...").
 */
export function compileError(body: Uint8Array): string | null {
  const r = runLua(NO_SCRIPT_HOST, COMPILE_CHECK, [], [body]);
  if (r === null) return null;
  if (r instanceof Uint8Array) return bytesToBinary(r);
  return "script load failed";
}

const NO_SCRIPT_HOST: ScriptHost = {
  call: () => NO_HOST,
  log: () => {},
  setResp: () => {},
};

/** A value the VM returned that is an error: the script raised, or returned `{err = ...}`. */
export type ErrorValue = { err: Uint8Array; code?: Uint8Array; meta?: { line: number; kind?: string; name?: string } };

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
  const marked = /^(?:user_script:(\d+): )?\x01/.exec(text);
  if (marked !== null) {
    return [text.slice(marked[0].length), marked[1] !== undefined ? Number(marked[1]) : meta.line];
  }
  if (chunk !== "user_script" && text.startsWith("user_script:")) {
    text = chunk + text.slice("user_script".length);
  }
  return [e.code !== undefined ? `${bytesToBinary(e.code)} ${text}` : text, meta.line];
}
