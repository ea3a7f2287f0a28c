/**
 * What writes send to replicas and the AOF, after Redis 7.2's alsoPropagate /
 * propagatePendingCommands: an execution unit (the outermost `call` with all it
 * runs nested: EXEC's queue, lazy-expire DELs, rewritten forms) collects its
 * commands, and when the unit ends they leave as one command, or wrapped in
 * MULTI ... EXEC when there are several. Sinks receive (dbid, argv); a sink
 * that needs a self-contained stream selects dbs with {@link selectingSink}.
 */

import { binaryToBytes } from "../util/bytes.ts";

/** Propagation targets (Redis's PROPAGATE_AOF / PROPAGATE_REPL), a bit set. */
export const PROPAGATE_AOF = 1;
export const PROPAGATE_REPL = 2;
export const PROPAGATE_ALL = PROPAGATE_AOF | PROPAGATE_REPL;

/**
 * A propagation sink (replication backlog, AOF). `dbid` is the db `argv` runs
 * in (for MULTI and EXEC, the db of the first and of the last command they
 * wrap). `argv` may hold views into a read buffer: copy what you keep.
 * `target` says who the command is for (PUBLISH: replicas only); a sink skips
 * what is not meant for it.
 */
export type PropagateListener = (dbid: number, argv: Uint8Array[], target: number) => void;

const MULTI = [binaryToBytes("MULTI")];
const EXEC = [binaryToBytes("EXEC")];
const SELECT = binaryToBytes("SELECT");
const NO_ARGV: Uint8Array[] = [];

/** The pending commands of the current execution unit (server.also_propagate). */
export class Propagation {
  /** Depth of `call` (server.execution_nesting): 0 outside any command. */
  nesting = 0;
  // Parallel arrays reused across units, `count` entries in use: queueing a command allocates
  // nothing (emptying them with `length = 0` would drop their backing stores every unit).
  private readonly dbs: number[] = [];
  private readonly argvs: Uint8Array[][] = [];
  private readonly targets: number[] = [];
  private count = 0;
  /**
   * The running command's argv as received, when its request bytes are its
   * canonical RESP encoding (RequestParser.rawArgv): a sink given this very
   * argv may copy `requestBuf` from `requestStart` to `requestEnd` instead of
   * encoding it. Set only while the command runs (the bytes are valid then);
   * a rewritten argv is another array, so it never matches.
   */
  request: Uint8Array[] | null = null;
  requestBuf: Uint8Array = new Uint8Array(0);
  requestStart = 0;
  requestEnd = 0;
  /**
   * Called when a connection is done with its read's requests (its read buffer
   * may be reused after): a sink that kept a span of request bytes instead of
   * copying them copies them now.
   */
  releaseRequests: () => void = () => {};

  constructor(private readonly listeners: PropagateListener[]) {}

  /**
   * alsoPropagate: queues `argv` to run in db `dbid`. It is sent when the
   * execution unit ends, so `argv` must stay valid until then (the command's
   * own arguments do). `target`: PROPAGATE_* bits, both by default.
   */
  add(dbid: number, argv: Uint8Array[], target = PROPAGATE_ALL): void {
    // No replica or AOF listens: nothing to collect (the common case until they exist).
    if (this.listeners.length === 0) return;
    const i = this.count++;
    this.dbs[i] = dbid;
    this.argvs[i] = argv;
    this.targets[i] = target;
  }

  /** True when a replica or the AOF listens: only then is a rewritten argv worth building. */
  get active(): boolean {
    return this.listeners.length > 0;
  }

  /** Number of commands queued by the current unit. */
  get pending(): number {
    return this.count;
  }

  /**
   * propagatePendingCommands: sends what the unit queued, several commands as
   * one MULTI/EXEC transaction unless `noTransaction` (a command touching
   * arbitrary keys, such as SCAN, run directly: its lazy-expire DELs may
   * belong to different slots).
   */
  flush(noTransaction = false): void {
    const n = this.count;
    if (n === 0) return;
    this.count = 0;
    const transaction = n > 1 && !noTransaction;
    if (transaction) this.feed(this.dbs[0], MULTI, PROPAGATE_ALL);
    for (let i = 0; i < n; i++) {
      const argv = this.argvs[i];
      this.argvs[i] = NO_ARGV; // a request's views must not outlive it here
      this.feed(this.dbs[i], argv, this.targets[i]);
    }
    if (transaction) this.feed(this.dbs[n - 1], EXEC, PROPAGATE_ALL);
  }

  private feed(dbid: number, argv: Uint8Array[], target: number): void {
    for (const l of this.listeners) l(dbid, argv, target);
  }
}

/**
 * Wraps `sink` so that what it receives is a stream that can be replayed on
 * its own: `SELECT n` goes ahead of a command for another db than the last one
 * selected, and ahead of the first one (replicationFeedSlaves' slaveseldb, the
 * AOF's aof_selected_db). MULTI and EXEC never select (Redis propagates them
 * with dbid -1): the SELECT goes inside the transaction, with the command that
 * needs it. A new replica or AOF file starts a new wrapper.
 */
export function selectingSink(sink: PropagateListener): PropagateListener {
  let selected = -1;
  return (dbid, argv, target) => {
    if (dbid !== selected && argv !== MULTI && argv !== EXEC) {
      sink(dbid, [SELECT, binaryToBytes(String(dbid))], target);
      selected = dbid;
    }
    sink(dbid, argv, target);
  };
}
