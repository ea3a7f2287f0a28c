/**
 * The server's side of the Lua VM's worker (vm_worker.ts, channel in vm_channel.ts): starts a
 * script, then serves its redis.call / redis.log / redis.setresp requests, either waiting
 * synchronously (the event loop stands still: the script is atomic) or, once a script is past
 * busy-reply-threshold, from the event loop (Atomics.waitAsync) so that other clients get
 * -BUSY and SCRIPT KILL can stop it.
 */

import { MessageChannel, type MessagePort, Worker } from "node:worker_threads";
import {
  type Compiled,
  type CompiledRun,
  compileOnce,
  decodeResultWire,
  HeldChunks,
  type ReplyValue,
  type ScriptHost,
} from "./engine.ts";
import { copyArgBlock, decodeArgBlock, encodeArgBlock, errorToWire, respToWire } from "./wire.ts";
import {
  DATA_BYTES,
  DEFINE_FAILED,
  HEADER_BYTES,
  KIND,
  LENGTH,
  MSG_CALL,
  MSG_DONE,
  MSG_DONE_VALUE,
  MSG_LOG,
  MSG_PCALL,
  MSG_QUIT,
  MSG_REPLY,
  MSG_RUN,
  MSG_SETRESP,
  NUMKEYS,
  READY,
  SPIN,
  STARTED,
  takeMessage,
  TO_SERVER,
  TO_WORKER,
  VIA_PORT,
} from "./vm_channel.ts";

/** The directory of the worker's module (it needs read permission to start), as a path. */
export const WORKER_DIR = decodeURIComponent(new URL(".", import.meta.url).pathname);

/** How long the first script waits for the worker's VM to load before its time counts. */
const READY_TIMEOUT_MS = 30_000;
/** How often a script whose thread has not started it yet is looked at again. */
const NOT_STARTED_POLL_MS = 5;

const NO_CHUNK: Uint8Array = new Uint8Array(0);

/** `list` as little-endian u32s. */
function u32s(list: number[]): Uint8Array {
  const out = new Uint8Array(4 * list.length);
  const view = new DataView(out.buffer);
  for (let i = 0; i < list.length; i++) view.setUint32(4 * i, list[i], true);
  return out;
}

/** A Lua VM in its own worker, running one script at a time. */
export class VmThread {
  private readonly worker: Worker;
  private readonly ctl: Int32Array;
  private readonly data: Uint8Array;
  private readonly port: MessagePort;
  private seen = 0;
  /** The TO_WORKER sequence of the last MSG_RUN (`STARTED` says when the worker took it). */
  private runSeq = 0;
  /** The worker's VM is loaded (or READY_TIMEOUT_MS passed waiting for it). */
  private ready = false;
  private host: ScriptHost | null = null;
  /** The script's value once it ended (MSG_DONE), else undefined. */
  private result: ReplyValue | undefined = undefined;
  /** What the worker's VM holds compiled (it defines what the next run says). */
  private readonly held = new HeldChunks();
  /** (base, count) pairs the worker's VM is to drop before its next run. */
  private drops: number[] = [];
  /** What the run in progress defines in the worker's VM, if anything. */
  private defining: Compiled | null = null;

  constructor() {
    const sab = new SharedArrayBuffer(HEADER_BYTES + DATA_BYTES);
    this.ctl = new Int32Array(sab, 0, HEADER_BYTES / 4);
    this.data = new Uint8Array(sab, HEADER_BYTES, DATA_BYTES);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    // node:worker_threads, not a web Worker: Deno's web Worker.terminate does not stop a worker
    // that loops (nor one in Atomics.wait), node's does.
    this.worker = new Worker(new URL("./vm_worker.ts", import.meta.url), {
      workerData: { sab, port: port2 },
      transferList: [port2],
    });
    this.worker.unref();
  }

  /** True once the worker took the script `start` sent last. */
  private started(): boolean {
    return Atomics.load(this.ctl, STARTED) === this.runSeq;
  }

  /**
   * Starts function `r.index` of `r.compiled` (or `r.source`) with KEYS and ARGV; its requests
   * go to `host`. The run's block is [control, chunk, ...define's ARGV, ...KEYS, ...ARGV], the
   * control u32s: the number to call (0: run `chunk` as a script), how many define arguments
   * follow the chunk, then (base, count) pairs to drop first. The chunk is the definition of
   * `r.compiled` when the worker's VM does not hold it yet, else empty.
   */
  start(host: ScriptHost, r: CompiledRun, keys: Uint8Array[], args: Uint8Array[]): void {
    const c = r.compiled;
    this.host = host;
    this.result = undefined;
    let control: number[];
    let chunk = NO_CHUNK;
    let defineArgs: Uint8Array[] = [];
    if (c === null || !compileOnce()) {
      control = [0, 0];
      chunk = r.source;
    } else {
      this.defining = null;
      if (!this.held.has(c)) {
        for (const old of this.held.add(c)) this.drops.push(old.base, old.count);
        chunk = c.define;
        defineArgs = c.defineArgs;
        this.defining = c;
      }
      control = [c.base + r.index, defineArgs.length, ...this.drops];
      this.drops = [];
    }
    const block = encodeArgBlock([u32s(control), chunk, ...defineArgs, ...keys], args);
    Atomics.store(this.ctl, NUMKEYS, keys.length);
    if (block.length <= DATA_BYTES) {
      this.data.set(block);
      this.signal(MSG_RUN, block.length);
    } else {
      this.port.postMessage(block);
      this.signal(MSG_RUN | VIA_PORT, 0);
    }
    this.runSeq = Atomics.load(this.ctl, TO_WORKER);
  }

  /**
   * Serves the script's requests until it ends (returns its value) or until `timeoutMs` pass
   * without it ending (returns undefined). Infinity waits for the end.
   */
  runFor(timeoutMs: number): ReplyValue | undefined {
    if (!this.ready) {
      // The first script of this worker: its VM still loads (100s of ms), which is not the
      // script's time (Redis's VM exists before any script). Bounded, should the worker die.
      Atomics.wait(this.ctl, READY, 0, READY_TIMEOUT_MS);
      this.ready = true;
    }
    let deadline = performance.now() + timeoutMs;
    // Until its thread has had a core and taken the script, the script's time does not run.
    let started = timeoutMs === Infinity;
    for (;;) {
      for (let i = 0; i < SPIN && Atomics.load(this.ctl, TO_SERVER) === this.seen; i++);
      if (Atomics.load(this.ctl, TO_SERVER) !== this.seen) {
        if (this.serve()) return this.result;
        continue;
      }
      let left = deadline - performance.now();
      if (!started && !(started = this.started())) {
        deadline = performance.now() + timeoutMs;
        left = NOT_STARTED_POLL_MS;
      }
      if (left <= 0) return undefined;
      const r = Atomics.wait(this.ctl, TO_SERVER, this.seen, left === Infinity ? undefined : left);
      if (r === "timed-out" && started) return undefined;
      // A late notify of a message already served (seen while spinning) wakes the wait too.
      if (Atomics.load(this.ctl, TO_SERVER) === this.seen) continue;
      const done = this.serve();
      if (done) return this.result;
    }
  }

  /**
   * Serves the script's requests from the event loop until it ends; `before` and `after` run
   * around each request (the server restores the script's context). Resolves with its value, or
   * undefined when the worker was terminated meanwhile.
   */
  async runAsync(before: () => void, after: () => void): Promise<ReplyValue | undefined> {
    while (!this.terminated) {
      const w = Atomics.waitAsync(this.ctl, TO_SERVER, this.seen);
      // `terminate` notifies too, ending the wait.
      if (w.async) await w.value;
      if (this.terminated) return undefined;
      if (Atomics.load(this.ctl, TO_SERVER) === this.seen) continue;
      before();
      const done = this.serve();
      after();
      if (done) return this.result;
    }
    return undefined;
  }

  /** Drops `list` from the worker's VM (at its next run); those it does not hold are skipped. */
  drop(list: Iterable<Compiled>): void {
    for (const c of list) if (this.held.delete(c)) this.drops.push(c.base, c.count);
  }

  /** True once `terminate` ran: the thread is unusable. */
  terminated = false;

  /** Stops the worker at once (SCRIPT KILL, server close). */
  terminate(): void {
    if (this.terminated) return;
    this.terminated = true;
    // An idle worker waits in Atomics.wait, which terminate does not interrupt: it leaves on
    // MSG_QUIT. A running script (only a busy one can be stopped) is stopped by terminate.
    if (this.host === null) this.signal(MSG_QUIT, 0);
    this.worker.terminate();
    this.port.close();
    Atomics.notify(this.ctl, TO_SERVER);
  }

  /** Handles the one pending request; true when it was the end of the script. */
  private serve(): boolean {
    this.seen = Atomics.load(this.ctl, TO_SERVER);
    const kind = Atomics.load(this.ctl, KIND);
    const host = this.host!;
    if ((kind & ~VIA_PORT) === MSG_DONE || kind === MSG_DONE_VALUE) {
      // Sent again with the next run that needs it.
      if (this.defining !== null && Atomics.load(this.ctl, DEFINE_FAILED) === 1) {
        this.held.delete(this.defining);
      }
      this.defining = null;
    }
    if (kind === MSG_DONE_VALUE) {
      this.result = takeMessage<ReplyValue>(this.port);
      this.host = null;
      return true;
    }
    if ((kind & ~VIA_PORT) === MSG_DONE) {
      const length = Atomics.load(this.ctl, LENGTH);
      this.result = decodeResultWire(
        kind & VIA_PORT
          ? takeMessage<Uint8Array>(this.port)
          : length < 0
          ? null
          : this.data.subarray(0, length),
      );
      this.host = null;
      return true;
    }
    const base = kind & ~VIA_PORT;
    if (base === MSG_CALL || base === MSG_PCALL) {
      let wire: Uint8Array;
      try {
        // A copy: the command's arguments must outlive the reply written in the same area.
        const argv = kind & VIA_PORT
          ? decodeArgBlock(takeMessage<Uint8Array>(this.port))
          : copyArgBlock(this.data, 0, Atomics.load(this.ctl, LENGTH));
        const r = host.call(argv, base === MSG_CALL);
        wire = typeof r === "string" ? errorToWire(r) : respToWire(r);
      } catch (e) {
        wire = errorToWire(`ERR ${e instanceof Error ? e.message : String(e)}`);
      }
      if (wire.length <= DATA_BYTES) {
        this.data.set(wire);
        this.signal(MSG_REPLY, wire.length);
      } else {
        this.port.postMessage(wire.slice());
        this.signal(MSG_REPLY | VIA_PORT, 0);
      }
      return false;
    }
    if (base === MSG_LOG) {
      const m = takeMessage<{ level: number; message: Uint8Array }>(this.port);
      host.log(m.level, m.message);
    } else if (base === MSG_SETRESP) {
      host.setResp(Atomics.load(this.ctl, LENGTH) as 2 | 3);
    }
    this.signal(MSG_REPLY, 0);
    return false;
  }

  private signal(kind: number, length: number): void {
    Atomics.store(this.ctl, KIND, kind);
    Atomics.store(this.ctl, LENGTH, length);
    Atomics.add(this.ctl, TO_WORKER, 1);
    Atomics.notify(this.ctl, TO_WORKER);
  }
}
