/**
 * The scripting subsystem: the EVAL script cache, the run of one script or function (Redis's
 * script.c scriptRunCtx: the script client, read-only and write-dirty state, redis.call's
 * checks) and the INFO fields. Commands reach it with `scriptingOf(server)`. A run is
 * synchronous: nothing else runs until the script returns, which makes it atomic; the writes
 * it makes run through `call` nested in the EVAL/FCALL execution unit, so they propagate as
 * their effects, wrapped in MULTI/EXEC when there are several, and EVAL itself does not.
 */

import { createHash } from "node:crypto";
import { Client } from "../server/client.ts";
import { accountCommand, call, TIMED_BY_CALLER } from "../server/executor.ts";
import type { Command } from "../server/command_table.ts";
import type { Server } from "../server/server.ts";
import type { Subsystem } from "../server/subsystem.ts";
import { binaryToBytes, bytesToBinary } from "../util/bytes.ts";
import {
  type Compiled,
  compiledScript,
  compileEvalScript,
  dropCompiled,
  dropResult,
  isError,
  isFuelKilled,
  type ReplyValue,
  runCompiled,
  runWithBudget,
  scriptError,
  type ScriptHost,
  setFuel,
  takeResult,
  unlimitedFuel,
  vmLoaded,
  writePlainResult,
} from "./engine.ts";
import { PLACE_SERVER_THREAD, PLACE_UNKNOWN, PLACE_WORKER, type RunPlace } from "./run_place.ts";
import { VmThread, WORKER_DIR } from "./vm_thread.ts";
import { writeValue } from "./convert.ts";
import { keepCopy } from "./wire.ts";
import { createLibrary, FunctionLibraries } from "./functions.ts";

/** Shebang / function flags (script.c scripts_flags_def), as bits. */
export const SCRIPT_FLAG_NO_WRITES = 1;
export const SCRIPT_FLAG_ALLOW_OOM = 2;
export const SCRIPT_FLAG_ALLOW_STALE = 4;
export const SCRIPT_FLAG_NO_CLUSTER = 8;
export const SCRIPT_FLAG_ALLOW_CROSS_SLOT = 16;
/** No shebang: EVAL's backward-compatible mode (flags are not checked). */
export const SCRIPT_FLAG_EVAL_COMPAT_MODE = 32;

/** Flag names in Redis's order (FUNCTION LIST prints them in this order). */
export const SCRIPT_FLAG_NAMES: [string, number][] = [
  ["no-writes", SCRIPT_FLAG_NO_WRITES],
  ["allow-oom", SCRIPT_FLAG_ALLOW_OOM],
  ["allow-stale", SCRIPT_FLAG_ALLOW_STALE],
  ["no-cluster", SCRIPT_FLAG_NO_CLUSTER],
  ["allow-cross-slot-keys", SCRIPT_FLAG_ALLOW_CROSS_SLOT],
];

/** A cached EVAL script. */
export interface Script {
  /** The body as sent (SCRIPT LOAD / EVAL). */
  body: Uint8Array;
  /** What the VM compiles: the prelude and the body with its shebang line blanked. */
  source: Uint8Array;
  flags: number;
  /** Where its runs start. */
  place: RunPlace;
  /** What EVAL / EVALSHA run (the same for every run). */
  runnable: Runnable;
}

/** What runs: an EVAL script or a library function. */
export interface Runnable {
  /** What the VM compiles for it: a script's prelude and body, a library and the call. */
  source: Uint8Array;
  /**
   * The same compiled once per VM (function `index` of it, see engine.ts `Compiled`); null
   * for a script compiled at every run (one so short that this costs no more).
   */
  compiled: Compiled | null;
  index: number;
  flags: number;
  /** The script's or function's own record of where its runs start (updated by the run). */
  place: RunPlace;
  /** Shown in errors: the script's sha or the function's name. */
  name: string;
  /** Chunk name in Lua's messages: "user_script" or "user_function". */
  chunk: string;
  /** EVAL (SCRIPT KILL) or FCALL (FUNCTION KILL). */
  isEval: boolean;
}

const registry = new WeakMap<Server, Scripting>();

/** shared.slowevalerr / slowscripterr: what others get while a script is past the threshold. */
const SLOW_EVAL =
  "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE.";
const SLOW_SCRIPT =
  "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE.";

/**
 * The instruction budget of a run tried on the server's thread: about a millisecond of Lua on
 * an idle core (far more than a script of a few redis.call's needs). One that runs out runs
 * again in the worker, so the server's thread is never held long by a script it tries.
 */
const SERVER_THREAD_FUEL = 500_000;
/**
 * The most redis.call's a try makes (calls cost no Lua instructions). Its time is checked too,
 * every 16 calls: past half of busy-reply-threshold (slow commands, or a long pause of the
 * process) the script runs again in the worker this once (where the threshold applies), since
 * that says nothing about the script.
 */
const SERVER_THREAD_CALLS = 1000;
/** The error a killed script raises (luaMaskCountHook's). */
const KILLED = "ERR Script killed by user with SCRIPT KILL...";
/**
 * The replay that finds a killed script's line (RunContext.killedResult): its instruction
 * budget (as a try on the server's thread: about a millisecond of Lua on an idle core), and
 * the most redis.call answers a run keeps for it.
 */
const REPLAY_FUEL = 500_000;
const REPLAY_CALLS = 10_000;
const REPLAY_BYTES = 1 << 20;
/**
 * How long SCRIPT KILL waits for the script's next redis.call (where it raises the killed
 * error at its own line) before stopping the worker, for a script that makes none.
 */
const KILL_GRACE_MS = 100;

/**
 * Why a try on the server's thread went to the worker: what the script does (a command with
 * effects, too many calls: it runs there from then on), or lateness (this once).
 */
const MOVED_TO_STAY = 1;
const MOVED_ONCE = 2;
/** What redis.call returns to a try on the server's thread that must go to the worker. */
const MOVE_TO_WORKER = "ERR the script runs again in the worker";

/** The VM's error for a returned value it cannot convert (a function, userdata, a thread). */
const UNSUPPORTED_TYPE = "unsupported Lua return type\0";

/** The scripting subsystem of `server`. */
export function scriptingOf(server: Server): Scripting {
  const s = registry.get(server);
  if (s === undefined) throw new Error("scripting subsystem not installed");
  return s;
}

/** SHA1 of `body` in lower-case hex (Redis's sha1hex). */
export function sha1hex(body: Uint8Array): string {
  return createHash("sha1").update(body).digest("hex");
}

/** Server-wide scripting state. */
export class Scripting implements Subsystem {
  readonly name = "scripting";

  /** The dataset is replaced (full resync, DEBUG RELOAD): its libraries go with it. */
  emptyData(): void {
    this.functions.flush();
  }

  /** RDB_OPCODE_FUNCTION2 entries of a save: every library's code. */
  rdbFunctions(): Uint8Array[] {
    return functionLibraryCodes(this.server);
  }

  /** A library read from an RDB file. */
  rdbLoadFunction(code: Uint8Array, replace: boolean): string | null {
    // The reason as rdbFunctionLoad logs it, without the reply's error code.
    return loadFunctionLibrary(this.server, code, replace)?.replace(/^ERR /, "") ?? null;
  }
  /** sha -> script (server.lua_scripts). */
  readonly scripts = new Map<string, Script>();
  /** Bytes of the cached scripts' bodies (lua_scripts_mem). */
  scriptsMemory = 0;
  /** The script EVALSHA found last and its sha (lower case), for `scriptBySha`. */
  private lastSha: Uint8Array | null = null;
  private lastScript: Script | null = null;
  readonly functions = new FunctionLibraries();
  /** The run in progress (curr_run_ctx), null when none. */
  running: RunContext | null = null;
  private client: Client | null = null;
  /** The VM's worker, started by the first script (and again after SCRIPT KILL). */
  private vm: VmThread | null = null;
  /** The worker could not start (no read permission for its module): scripts run here. */
  private noWorker = false;
  private closed = false;

  constructor(readonly server: Server) {
    registry.set(server, this);
    this.functions.onDrop = (lib) => this.dropCompiled([lib.compiled]);
  }

  /** The script client (lctx.lua_client): runs redis.call's commands. */
  scriptClient(): Client {
    if (this.client === null) {
      this.client = new Client(this.server, null);
      this.client.authenticated = true;
      // MONITOR shows what a script runs as "[db lua]".
      this.client.addr = "lua";
    }
    return this.client;
  }

  /**
   * luaCreateFunction: the cached script for `body`, compiling and caching it when new.
   * On a bad shebang or a compile error, replies the error to `c` and returns null.
   */
  createScript(c: Client, body: Uint8Array, sha: string): Script | null {
    const cached = this.scripts.get(sha);
    if (cached !== undefined) return cached;
    let flags = SCRIPT_FLAG_EVAL_COMPAT_MODE;
    let code = body;
    if (body[0] === 35 && body[1] === 33) { // "#!"
      const nl = body.indexOf(10);
      if (nl < 0) {
        c.reply.error("ERR Invalid script shebang");
        return null;
      }
      const parsed = parseShebang(bytesToBinary(body.subarray(0, nl)));
      if (typeof parsed === "string") {
        c.reply.errorBinary(parsed);
        return null;
      }
      flags = parsed;
      code = new Uint8Array(body.length);
      code.set(body.subarray(nl), nl); // the shebang line left blank: line numbers hold
      code.fill(32, 0, nl);
    }
    const source = compileEvalScript(code);
    if (typeof source === "string") {
      c.reply.errorBinary(`ERR Error compiling script (new function): ${source}`);
      return null;
    }
    const place = { mode: PLACE_UNKNOWN };
    const script: Script = {
      body: body.slice(),
      source,
      flags,
      place,
      runnable: {
        source,
        compiled: compiledScript(source),
        index: 0,
        flags,
        place,
        name: sha,
        chunk: "user_script",
        isEval: true,
      },
    };
    this.scripts.set(sha, script);
    this.scriptsMemory += body.length;
    return script;
  }

  /**
   * EVAL and FCALL are flagged skip_monitor, yet MONITOR shows them ahead of what they run,
   * even when they then fail (Redis feeds them before running).
   */
  feedMonitors(c: Client): void {
    if (this.server.monitors.size > 0) this.server.feedMonitors(c, c.argv);
  }

  /**
   * EVALSHA's lookup of the script named by `sha` (40 hex digits in either case, else none):
   * the last one found is compared byte by byte first, which spares building the key.
   */
  scriptBySha(sha: Uint8Array): Script | undefined {
    if (sha.length !== 40) return undefined;
    const last = this.lastSha;
    if (last !== null) {
      let i = 0;
      // | 0x20: A-F as a-f (digits have the bit already).
      while (i < 40 && (sha[i] | 0x20) === last[i]) i++;
      if (i === 40) return this.lastScript!;
    }
    const script = this.scripts.get(bytesToBinary(sha).toLowerCase());
    if (script !== undefined) {
      this.lastSha = binaryToBytes(script.runnable.name);
      this.lastScript = script;
    }
    return script;
  }

  /** SCRIPT FLUSH: forgets every cached script (and drops them from the VMs). */
  flushScripts(): void {
    this.lastSha = null;
    this.lastScript = null;
    this.dropCompiled(this.compiledScripts());
    this.scripts.clear();
    this.scriptsMemory = 0;
  }

  /** The cached scripts' `Compiled`. */
  private compiledScripts(): Compiled[] {
    const out: Compiled[] = [];
    for (const s of this.scripts.values()) {
      if (s.runnable.compiled !== null) out.push(s.runnable.compiled);
    }
    return out;
  }

  /** Drops compiled scripts or libraries from both VMs. */
  private dropCompiled(list: Compiled[]): void {
    dropCompiled(list);
    this.vm?.drop(list);
  }

  /**
   * Runs `r` for `c` with KEYS and ARGV (scriptPrepareForRun, then the VM, then
   * scriptResetRun), replying its result or error to `c`. `ro`: EVAL_RO / EVALSHA_RO / FCALL_RO.
   */
  run(c: Client, r: Runnable, keys: Uint8Array[], args: Uint8Array[], ro: boolean): void {
    const server = this.server;

    const compat = (r.flags & SCRIPT_FLAG_EVAL_COMPAT_MODE) !== 0;
    if (!compat && !(r.flags & SCRIPT_FLAG_NO_WRITES)) {
      if (server.isReplica() && server.config.replicaReadOnly && c.kind !== "master") {
        c.reply.error("ERR Can not run script with write flag on readonly replica");
        return;
      }
      if (ro) {
        c.reply.error("ERR Can not execute a script with write flag using *_ro command.");
        return;
      }
    }
    const readOnly = ro || (!compat && (r.flags & SCRIPT_FLAG_NO_WRITES) !== 0);
    // Scripts propagate as their effects (the writes they ran), never as EVAL/FCALL.
    c.preventPropagation();
    let ctx = this.startRun(c, r, readOnly, false);
    const place = r.place;
    const tried = place.mode === PLACE_SERVER_THREAD && !this.noWorker && vmLoaded();
    if (tried) {
      // Its last run only read: tried here first, within a small budget, which spares the
      // two thread hand-offs of every run and every redis.call. A command with effects or
      // the end of the budget stops the try (nothing was changed) and the script runs again
      // from the start in the worker, as it will from then on.
      ctx.tryHere = true;
      setFuel(SERVER_THREAD_FUEL);
      try {
        runCompiled(ctx, r, keys, args);
      } finally {
        setFuel(0);
        ctx.closeSegment();
      }
      if (ctx.moved === 0) {
        // A plain value (no error: not out of fuel) goes straight from the VM to the reply.
        if (writePlainResult(c.reply)) {
          this.running = null;
          ctx.sc.reply.len = 0;
          ctx.flushLogs();
          return;
        }
        const result = takeResult();
        if (!isFuelKilled(result)) {
          ctx.flushLogs();
          this.end(ctx, result);
          return;
        }
      } else {
        dropResult();
      }
      if (ctx.moved !== MOVED_ONCE) place.mode = PLACE_WORKER;
      ctx = this.startRun(c, r, readOnly, true);
    }
    if (!vmLoaded() || this.noWorker) {
      // No VM in this process: the engine replies its load error at once. No worker: the
      // script runs on this thread (no busy-reply-threshold, no SCRIPT KILL).
      this.end(ctx, this.runHere(ctx, r, keys, args));
      return;
    }
    let vm = this.vm;
    if (vm === null) {
      try {
        vm = this.vm = new VmThread();
      } catch (err) {
        if (
          !(err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied)
        ) {
          throw err;
        }
        this.noWorker = true;
        unlimitedFuel();
        server.log.warning(
          `Scripts run on the server's thread, without busy-reply-threshold or SCRIPT KILL: ` +
            `the script worker cannot start (${
              (err as Error).message
            }). Add --allow-read=${WORKER_DIR} ` +
            `to the deno command line to run them in the worker.`,
        );
        this.end(ctx, this.runHere(ctx, r, keys, args));
        return;
      }
    }
    vm.start(ctx, r, keys, args);
    // Only a client's own top-level command can wait past the threshold (not EXEC's queue,
    // the master link or the AOF): the others run to the end whatever it takes.
    const canYield = c.conn !== null && !c.inExec && c.kind !== "master" &&
      server.propagation.nesting === 1;
    // After a try, the time it took counts.
    const spent = tried ? performance.now() - ctx.started : 0;
    const result = vm.runFor(
      canYield ? Math.max(0, server.config.busyReplyThreshold - spent) : Infinity,
    );
    if (result !== undefined) {
      // A first run that only read: the next one is tried on the server's thread.
      if (ctx.effects) place.mode = PLACE_WORKER;
      else if (place.mode === PLACE_UNKNOWN) place.mode = PLACE_SERVER_THREAD;
      this.end(ctx, result);
      return;
    }
    place.mode = PLACE_WORKER;
    this.yieldRun(ctx, vm, keys, args);
  }

  /** Runs `r` on the server's thread's VM and takes its value. */
  private runHere(ctx: RunContext, r: Runnable, keys: Uint8Array[], args: Uint8Array[]) {
    runCompiled(ctx, r, keys, args);
    return takeResult();
  }

  /**
   * scriptPrepareForRun's part for one run: the script client reset to the caller's db and
   * RESP2, and the run context. `again`: the run that follows a try on the server's thread
   * (same start time).
   */
  private startRun(c: Client, r: Runnable, readOnly: boolean, again: boolean): RunContext {
    const sc = this.scriptClient();
    sc.db = c.db;
    sc.reply.resp = 2;
    sc.reply.len = 0;
    const ctx = new RunContext(this, c, sc, r, readOnly, again ? this.running!.started : 0);
    this.running = ctx;
    return ctx;
  }

  /**
   * The script is past busy-reply-threshold (scriptInterrupt's timed-out state): its caller
   * waits like a blocked client, other clients get -BUSY, and the script's requests are served
   * from the event loop until it ends or SCRIPT KILL / FUNCTION KILL / SHUTDOWN NOSAVE stops it.
   * The execution unit stays open, so its writes still propagate as one MULTI/EXEC.
   */
  private yieldRun(ctx: RunContext, vm: VmThread, keys: Uint8Array[], args: Uint8Array[]): void {
    const server = this.server;
    const c = ctx.caller;
    // Views into the caller's read buffer: kept for the replay of a killed script.
    const ownKeys = keys.map((k) => k.slice());
    const ownArgs = args.map((a) => a.slice());
    ctx.yielded = performance.now();
    server.log.warning(
      `Slow script detected: still in execution after ${
        Math.round(ctx.yielded - ctx.started)
      } milliseconds. You can try killing the script using the ${
        ctx.runnable.isEval ? "SCRIPT KILL" : "FUNCTION KILL"
      } command. Script name is: ${ctx.runnable.name}.`,
    );
    server.busyReply = ctx.runnable.isEval ? SLOW_EVAL : SLOW_SCRIPT;
    server.blocking.block(c, [], "string", 0, () => {});
    server.propagation.nesting++;
    const now = server.keyspace.now;
    vm.runAsync(() => {
      // Other clients' commands ran meanwhile: the script keeps its own time and client.
      server.keyspace.now = now;
      server.currentClient = c;
    }, () => {
      server.currentClient = null;
    }).then((result) => {
      if (ctx.killTimer !== null) clearTimeout(ctx.killTimer);
      if (result === undefined) result = ctx.killedResult(ownKeys, ownArgs);
      server.endBusy();
      server.propagation.nesting--;
      const state = c.blocked;
      const errors = server.stats.totalErrorReplies;
      if (state !== null) {
        server.blocking.unblock(c, "served");
        this.end(ctx, result);
        const usec = c.duration + Math.round((performance.now() - ctx.yielded) * 1000);
        accountCommand(c, state.cmd, usec, server.stats.totalErrorReplies !== errors);
        c.scheduleFlush();
        state.resume();
      } else {
        this.running = null; // the caller is gone
      }
      if (this.closed) return;
      if (server.propagation.nesting === 0) server.propagation.flush();
      server.afterCommand();
    });
  }

  /**
   * scriptKill: SCRIPT KILL (`isEval`) / FUNCTION KILL. Stops the busy script (its caller gets
   * the killed error) and returns null, or returns the error to reply. A script is seen
   * running only once past busy-reply-threshold: before, no other command is read.
   */
  kill(isEval: boolean): string | null {
    const ctx = this.running;
    if (ctx === null || ctx.yielded === 0) return "NOTBUSY No scripts in execution right now.";
    if (ctx.writeDirty) {
      return "UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.";
    }
    if (isEval && !ctx.runnable.isEval) return SLOW_SCRIPT;
    if (!isEval && ctx.runnable.isEval) return SLOW_EVAL;
    this.server.log.warning("Lua script killed by user with SCRIPT KILL.");
    // Its next redis.call raises the killed error where the script is (the line Redis
    // names). The VM cannot be interrupted inside a chunk: a script that makes no call within
    // KILL_GRACE_MS goes with its worker (the next script starts one), and a replay finds
    // its line (RunContext.killedResult).
    ctx.killing = true;
    const vm = this.vm;
    ctx.killTimer = setTimeout(() => {
      if (this.running !== ctx || this.vm !== vm) return;
      vm?.terminate();
      this.vm = null;
    }, KILL_GRACE_MS);
    return null;
  }

  /** Server close: a busy script stops with it; its scripts and libraries leave the VM. */
  close(): void {
    this.closed = true;
    this.vm?.terminate();
    this.vm = null;
    dropCompiled(this.compiledScripts());
    dropCompiled([...this.functions.libraries.values()].map((lib) => lib.compiled));
  }

  /** scriptResetRun: replies the script's value or error to its caller. */
  private end(ctx: RunContext, result: ReplyValue): void {
    const c = ctx.caller;
    const r = ctx.runnable;
    this.running = null;
    ctx.sc.reply.len = 0;
    if (isError(result) && result.meta !== undefined) {
      const [text, line] = scriptError(result, r.chunk);
      replyError(
        c,
        `${text} script: ${r.name}, on @${r.chunk}:${line}.`,
        ctx.commandErrors?.has(text) === true,
      );
      return;
    }
    // An error a command replied, returned again: INFO errorstats counted it once.
    if (isError(result)) {
      const code = result.code === undefined ? "" : bytesToBinary(result.code) + " ";
      const text = code + bytesToBinary(result.err);
      if (ctx.commandErrors?.has(text) === true) {
        replyError(c, text, true);
        return;
      }
    }
    // A function or userdata returned: Redis replies nil (the VM refuses to convert it).
    if (isError(result) && bytesToBinary(result.err) === UNSUPPORTED_TYPE) {
      c.reply.nullBulk();
      return;
    }
    writeValue(c.reply, result);
  }

  /** INFO memory's scripting fields. */
  memoryInfo(): {
    cachedScripts: number;
    scriptsMemory: number;
    functions: number;
    libraries: number;
    functionsMemory: number;
  } {
    return {
      cachedScripts: this.scripts.size,
      scriptsMemory: this.scriptsMemory,
      functions: this.functions.functionCount,
      libraries: this.functions.libraries.size,
      functionsMemory: this.functions.memory,
    };
  }
}

/** One script or function run (scriptRunCtx): what redis.call checks and where it runs. */
class RunContext implements ScriptHost {
  /** The script ran a write command: SCRIPT KILL refuses it (SCRIPT_WRITE_DIRTY). */
  writeDirty = false;
  /** It called a command with effects (`hasEffects`). */
  effects = false;
  /** A try on the server's thread (Scripting.run): it may only read, within a budget. */
  tryHere = false;
  /**
   * The try must go to the worker (MOVED_*, 0 when not): every redis.call fails from then on.
   */
  moved = 0;
  /** redis.call's of a try. */
  private calls = 0;
  /** The light commands a try ran since `segmentStart` (a clock reading; see closeSegment). */
  private segment: Command[] | null = null;
  private segmentStart: number;
  /** SCRIPT KILL / FUNCTION KILL stopped it: every redis.call raises the killed error. */
  killing = false;
  /** The timer that stops its worker should it make no call (Scripting.kill). */
  killTimer: ReturnType<typeof setTimeout> | null = null;
  /** redis.log messages of a try, written once it is known to stand. */
  private logs: [number, Uint8Array][] | null = null;
  /** performance.now() at the start, and when it went past busy-reply-threshold (else 0). */
  readonly started: number;
  yielded = 0;
  /**
   * Error replies of the commands it ran (counted in INFO errorstats when they were sent);
   * null until the first.
   */
  commandErrors: Set<string> | null = null;

  constructor(
    readonly scripting: Scripting,
    readonly caller: Client,
    readonly sc: Client,
    readonly runnable: Runnable,
    readonly readOnly: boolean,
    started: number,
  ) {
    this.started = this.segmentStart = started || performance.now();
  }

  /**
   * What redis.call / redis.pcall answered a run in the worker that has not written, in order
   * (copies), for the replay of a killed script; null past REPLAY_CALLS / REPLAY_BYTES or
   * once it wrote (it cannot be killed then).
   */
  private replies: (Uint8Array | string)[] | null = [];
  private replyBytes = 0;

  /** scriptCall: redis.call / redis.pcall of `argv`, with Redis's checks and texts. */
  call(argv: Uint8Array[], raise: boolean): Uint8Array | string {
    const r = this.callCommand(argv, raise);
    const replies = this.replies;
    if (replies !== null && !this.tryHere) {
      if (this.writeDirty || replies.length === REPLAY_CALLS || this.replyBytes > REPLAY_BYTES) {
        this.replies = null;
      } else if (typeof r === "string") replies.push(r);
      else {
        replies.push(keepCopy(r, 0, r.length));
        this.replyBytes += r.length;
      }
    }
    return r;
  }

  private callCommand(argv: Uint8Array[], _raise: boolean): Uint8Array | string {
    if (this.killing) return KILLED;
    if (argv.length === 0) {
      return "ERR Please specify at least one argument for this redis lib call";
    }
    const server = this.scripting.server;
    const sc = this.sc;
    const cmd = server.commands.lookupArgv(argv);
    if (cmd === undefined || cmd.subs !== undefined && cmd.handler === undefined) {
      return "ERR Unknown Redis command called from script";
    }
    if ((cmd.arity > 0 && argv.length !== cmd.arity) || argv.length < -cmd.arity) {
      return "ERR Wrong number of args calling Redis command from script";
    }
    sc.lastCmd = cmd;
    const bits = scriptBits(cmd);
    if (bits & NOSCRIPT) {
      return "ERR This Redis command is not allowed from script";
    }
    if (bits & EFFECTS) {
      if (this.tryHere) return this.moveToWorker(MOVED_TO_STAY);
      this.effects = true;
    } else if (this.tryHere) {
      if (this.moved !== 0) return MOVE_TO_WORKER;
      if (++this.calls > SERVER_THREAD_CALLS) return this.moveToWorker(MOVED_TO_STAY);
      if (
        (this.calls & 15) === 0 &&
        this.closeSegment() - this.started > server.config.busyReplyThreshold / 2
      ) {
        return this.moveToWorker(MOVED_ONCE);
      }
    }
    if (cmd.isWrite) {
      if (this.readOnly) {
        return "ERR Write commands are not allowed from read-only scripts.";
      }
      if (server.isReplica() && server.config.replicaReadOnly && this.caller.kind !== "master") {
        return "READONLY You can't write against a read only replica.";
      }
      this.writeDirty = true;
    }
    sc.argv = argv;
    sc.reply.len = 0;
    if (!this.tryHere) call(sc, cmd);
    else if (server.timer.isLight(cmd, argv)) {
      call(sc, cmd, TIMED_BY_CALLER);
      (this.segment ??= []).push(cmd);
    } else {
      call(sc, cmd, this.closeSegment());
      this.segmentStart = performance.now();
    }
    const reply = sc.reply.buf.subarray(0, sc.reply.len);
    if (reply[0] === 45) { // "-"
      const errors = this.commandErrors ??= new Set();
      if (errors.size < 16) errors.add(bytesToBinary(reply.subarray(1, reply.length - 2)));
    }
    return reply;
  }

  /**
   * Ends the segment of light commands a try ran since the last clock reading: its time is
   * spread over them for INFO commandstats, as command_timer.ts does for a batch's light
   * commands (a reading costs as much as a GET: a try reads the clock once per 16 calls and at
   * its end, not twice per call). Returns the reading.
   */
  closeSegment(): number {
    const now = performance.now();
    const cmds = this.segment;
    if (cmds !== null && cmds.length > 0) {
      const n = cmds.length;
      const usec = Math.round((now - this.segmentStart) * 1000);
      const each = Math.floor(usec / n);
      const extra = usec - each * n;
      for (let i = 0; i < n; i++) cmds[i].stats.usec += i < extra ? each + 1 : each;
      cmds.length = 0;
    }
    this.segmentStart = now;
    return now;
  }

  /** Ends a try on the server's thread: the script runs again in the worker. */
  private moveToWorker(why: number): string {
    if (this.moved === 0) this.moved = why;
    return MOVE_TO_WORKER;
  }

  /** Writes the redis.log messages a try on the server's thread held back. */
  flushLogs(): void {
    this.tryHere = false;
    const logs = this.logs;
    this.logs = null;
    if (logs !== null) { for (const [level, message] of logs) this.log(level, message); }
  }

  log(level: number, message: Uint8Array): void {
    if (this.tryHere && this.moved === 0) {
      // Not written twice should the try go to the worker.
      (this.logs ??= []).push([level, message.slice()]);
      return;
    }
    if (this.tryHere) return;
    const log = this.scripting.server.log;
    const text = new TextDecoder().decode(message);
    if (level === 0) log.debug(text);
    else if (level === 1) log.verbose(text);
    else if (level === 2) log.notice(text);
    else log.warning(text);
  }

  setResp(resp: 2 | 3): void {
    this.sc.reply.resp = resp;
  }

  /**
   * The error of a script stopped with its worker by SCRIPT KILL / FUNCTION KILL
   * (luaMaskCountHook's) because it made no redis.call in time. Redis's count hook raises it
   * at the line the script is at; the worker's VM cannot say where it was, so the script
   * runs again here with the same KEYS and ARGV, its redis.call's answered from `replies`
   * (nothing runs twice), until an instruction budget stops it: the VM names that line, which
   * for a script spinning in a loop is a line of the loop, as Redis's hook gives it. Line 1
   * when the replay cannot stand for the run (no VM, too many calls recorded, it ended
   * otherwise or made a call the run had not made).
   */
  killedResult(keys: Uint8Array[], args: Uint8Array[]): ReplyValue {
    return {
      err: binaryToBytes(KILLED.slice("ERR ".length)),
      code: binaryToBytes("ERR"),
      meta: { line: this.replayLine(keys, args), kind: "killed" },
    } as ReplyValue;
  }

  private replayLine(keys: Uint8Array[], args: Uint8Array[]): number {
    const replies = this.replies;
    if (replies === null || !vmLoaded()) return 1;
    let next = 0;
    let diverged = false;
    const replay: ScriptHost = {
      call: () => {
        if (next < replies.length) return replies[next++];
        diverged = true;
        return KILLED;
      },
      log: () => {},
      setResp: () => {},
    };
    const result = runWithBudget(replay, this.runnable.source, keys, args, REPLAY_FUEL);
    if (diverged || !isFuelKilled(result) || !isError(result) || result.meta === undefined) {
      return 1;
    }
    return result.meta.line;
  }
}

/** What redis.call checks of a command's flags, as bits (`scriptBits`). */
const NOSCRIPT = 1;
const EFFECTS = 2;
const scriptBitsOf = new WeakMap<Command, number>();

/** NOSCRIPT and EFFECTS (`hasEffects`) of `cmd`, read from its flags once. */
function scriptBits(cmd: Command): number {
  let bits = scriptBitsOf.get(cmd);
  if (bits === undefined) {
    bits = (cmd.flags.includes("noscript") ? NOSCRIPT : 0) | (hasEffects(cmd) ? EFFECTS : 0);
    scriptBitsOf.set(cmd, bits);
  }
  return bits;
}

/**
 * A command whose run changes something beyond the reply (a write, PUBLISH, an admin command):
 * a try on the server's thread stops before it, since it may run a second time.
 */
function hasEffects(cmd: Command): boolean {
  if (cmd.isWrite) return true;
  const flags = cmd.flags;
  return flags.includes("admin") || flags.includes("pubsub") || flags.includes("may_replicate");
}

/** An error reply; `counted`: it is a command's error, already in INFO errorstats. */
function replyError(c: Client, text: string, counted: boolean): void {
  const onError = c.reply.onError;
  if (counted) c.reply.onError = null;
  try {
    c.reply.errorBinary(text);
  } finally {
    c.reply.onError = onError;
  }
}

/**
 * The flags of an EVAL script's "#!lua ..." line (evalExtractShebangFlags), or the error text.
 */
function parseShebang(line: string): number | string {
  const parts = line.split(" ").filter((p) => p !== "");
  if (parts[0] !== "#!lua") return `ERR Unexpected engine in script shebang: ${parts[0]}`;
  let flags = 0;
  for (let i = 1; i < parts.length; i++) {
    if (!parts[i].startsWith("flags=")) return `ERR Unknown lua shebang option: ${parts[i]}`;
    const f = parseFlags(parts[i].slice(6));
    if (typeof f === "string") return `ERR Unexpected flag in script shebang: ${f}`;
    flags |= f;
  }
  return flags;
}

/** Comma-separated flag names as bits, or the first unknown name. */
export function parseFlags(list: string): number | string {
  let flags = 0;
  if (list === "") return 0;
  for (const name of list.split(",")) {
    const f = SCRIPT_FLAG_NAMES.find(([n]) => n === name);
    if (f === undefined) return name;
    flags |= f[1];
  }
  return flags;
}

/**
 * The function libraries' code, for an RDB file (rdbSaveFunctions: one RDB_OPCODE_FUNCTION2
 * entry per library, the code as an RDB string, ahead of the databases).
 */
export function functionLibraryCodes(server: Server): Uint8Array[] {
  return [...scriptingOf(server).functions.libraries.values()].map((lib) => lib.code);
}

/**
 * Loads one RDB_OPCODE_FUNCTION2 entry (rdbFunctionLoad): null, or the error text (a library
 * of that name exists and `replace` is false, a bad library, a function name taken).
 */
export function loadFunctionLibrary(
  server: Server,
  code: Uint8Array,
  replace = false,
): string | null {
  const scripting = scriptingOf(server);
  const lib = createLibrary(code, (level, message) => {
    const text = new TextDecoder().decode(message);
    if (level >= 3) scripting.server.log.warning(text);
    else scripting.server.log.notice(text);
  });
  if (typeof lib === "string") return lib;
  return scripting.functions.add([lib], replace);
}
