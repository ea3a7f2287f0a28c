/**
 * Blocking operations (BLPOP, BLMOVE, BZPOPMIN, ...), after Redis's blocked.c.
 *
 * A handler that finds no data calls `block()`: the client stops processing its
 * input and waits on keys. Any write to a waited-on key (every write path goes
 * through Client.modified -> Server.signalModifiedKey) marks the key ready;
 * after the current command, `handleReady()` re-runs the blocked commands of
 * the clients waiting on it, oldest first, through the executor's `call`, each
 * its own execution unit, so they reply, propagate (as their non-blocking
 * form) and count stats like any other command. A block that ends by timeout
 * or CLIENT UNBLOCK is accounted through the executor's `accountCommand`.
 */

import { accountCommand, call } from "./executor.ts";
import type { BlockedState, Client } from "./client.ts";
import type { Db } from "../store/keyspace.ts";
import type { ValueType } from "../store/types.ts";
import { longDoubleToNumber, parseLongDouble } from "../util/long_double.ts";

/** How a block ended. */
export type UnblockReason = "served" | "timeout" | "error" | "disconnect";

interface Waiter {
  client: Client;
  type: ValueType;
  /** Re-run also when the key is deleted or changes type (XREADGROUP's unblock_on_nokey). */
  unblockOnNoKey: boolean;
}

/** Registry of clients blocked on keys. */
export class BlockingManager {
  /** "dbid\0key" -> clients waiting, in arrival order. */
  private waiting = new Map<string, Waiter[]>();
  /** Keys written since the last handleReady, in order. */
  private ready: { db: Db; key: string }[] = [];
  private readySet = new Set<string>();
  /** Clients currently blocked (INFO clients blocked_clients). */
  blockedClients = 0;
  private handling = false;
  /**
   * The client whose blocked command is being re-run, and its original deadline:
   * if it blocks again it keeps that deadline (Redis's CLIENT_REPROCESSING_COMMAND).
   */
  private reprocessing: { client: Client; deadline: number } | null = null;

  /** True when `c` may block now: not inside MULTI/EXEC, not the master link. */
  canBlock(c: Client): boolean {
    return !c.inExec && c.kind !== "master" && c.conn !== null;
  }

  /**
   * Blocks the current command of `c` on `keys` (binary strings in c.db) until
   * one of them holds a value of `type`, or until `deadline` (ms since epoch,
   * 0 = forever), when `onTimeout` writes the timeout reply. With
   * `unblockOnNoKey` the command is also re-run when a key is deleted or
   * changes type, so that it can reply its error.
   */
  block(
    c: Client,
    keys: string[],
    type: ValueType,
    deadline: number,
    onTimeout: (c: Client) => void,
    unblockOnNoKey = false,
  ): void {
    if (this.reprocessing !== null && this.reprocessing.client === c) {
      deadline = this.reprocessing.deadline;
    }
    const state: BlockedState = {
      keys,
      db: c.db,
      cmd: c.cmd!,
      argv: c.argv.map((a) => a.slice()),
      deadline,
      timer: undefined,
      onTimeout,
      resume: () => {},
    };
    c.blocked = state;
    this.blockedClients++;
    for (const key of keys) {
      const id = waitKey(c.db, key);
      let list = this.waiting.get(id);
      if (!list) this.waiting.set(id, list = []);
      if (!list.some((w) => w.client === c)) list.push({ client: c, type, unblockOnNoKey });
    }
    if (deadline > 0) this.armTimer(c, state);
  }

  /** setTimeout caps delays at 2^31-1 ms, so long timeouts re-arm until due. */
  private armTimer(c: Client, state: BlockedState): void {
    const delay = Math.min(Math.max(0, state.deadline - Date.now()), 0x7fffffff);
    state.timer = setTimeout(() => {
      if (c.blocked !== state) return;
      if (Date.now() < state.deadline) this.armTimer(c, state);
      else this.unblock(c, "timeout");
    }, delay);
  }

  /** Promise the connection loop awaits while `c` is blocked. */
  waitUntilUnblocked(c: Client): Promise<void> {
    const state = c.blocked;
    if (!state) return Promise.resolve();
    return new Promise((resolve) => {
      state.resume = resolve;
      if (c.closed) resolve();
    });
  }

  /** Called for every modified key: marks it ready when someone waits on it. */
  /** Whether any client waits on a key (else signalKey has nothing to do). */
  get hasWaiting(): boolean {
    return this.waiting.size > 0;
  }

  signalKey(db: Db, key: string): void {
    if (this.waiting.size === 0) return;
    const id = waitKey(db, key);
    if (!this.waiting.has(id) || this.readySet.has(id)) return;
    this.readySet.add(id);
    this.ready.push({ db, key });
  }

  /** Serves clients waiting on keys that became ready. Runs after every command. */
  handleReady(): void {
    if (this.ready.length === 0 || this.handling) return;
    this.handling = true;
    try {
      // Serving a client may make more keys ready (BLMOVE pushes to another list).
      while (this.ready.length > 0) {
        const batch = this.ready;
        this.ready = [];
        this.readySet.clear();
        for (const { db, key } of batch) this.serveKey(db, key);
      }
    } finally {
      this.handling = false;
    }
  }

  private serveKey(db: Db, key: string): void {
    const id = waitKey(db, key);
    const list = this.waiting.get(id);
    if (!list) return;
    for (const w of [...list]) {
      const value = db.get(key);
      if (value === undefined) {
        if (!w.unblockOnNoKey) continue;
      } else {
        const t = value instanceof Uint8Array ? "string" : value.type;
        if (t !== w.type && !w.unblockOnNoKey) continue;
      }
      const c = w.client;
      const state = c.blocked;
      if (!state) continue;
      // A client whose connection is gone must not consume data.
      if (c.closed) {
        this.unblock(c, "disconnect");
        continue;
      }
      this.unblock(c, "served");
      // Re-run the command as if it had just arrived; it may block again.
      c.argv = state.argv;
      c.db = state.db;
      c.server.keyspace.now = c.server.clock.now();
      this.reprocessing = { client: c, deadline: state.deadline };
      try {
        call(c, state.cmd);
      } finally {
        this.reprocessing = null;
      }
      c.scheduleFlush();
      if (c.blocked) {
        // Blocked again: the connection loop still waits on this state's promise.
        c.blocked.resume = state.resume;
        continue;
      }
      state.resume();
    }
  }

  /**
   * Ends a block. "timeout" writes the command's timeout reply, "error" the
   * CLIENT UNBLOCK ERROR reply; "served" and "disconnect" write nothing.
   */
  unblock(c: Client, reason: UnblockReason): void {
    const state = c.blocked;
    if (!state) return;
    c.blocked = null;
    this.blockedClients--;
    if (state.timer !== undefined) clearTimeout(state.timer);
    for (const key of state.keys) {
      const id = waitKey(state.db, key);
      const list = this.waiting.get(id);
      if (!list) continue;
      const i = list.findIndex((w) => w.client === c);
      if (i !== -1) list.splice(i, 1);
      if (list.length === 0) this.waiting.delete(id);
    }
    if (reason === "served") return;
    if (reason === "timeout" || reason === "error") {
      // updateStatsOnUnblock: the command ends here, its reply is the timeout's or the error.
      const start = performance.now();
      if (reason === "timeout") state.onTimeout(c);
      else c.reply.error("UNBLOCKED client unblocked via CLIENT UNBLOCK");
      c.argv = state.argv;
      c.propagateArgv = null;
      const usec = c.duration + Math.round((performance.now() - start) * 1000);
      accountCommand(c, state.cmd, usec, reason === "error");
    } else {
      c.duration = 0;
    }
    if (reason !== "disconnect") c.scheduleFlush();
    state.resume();
  }

  /** Moves waiters when SWAPDB exchanges two dbs' contents: keys now ready are signalled. */
  signalAll(db: Db): void {
    for (const id of this.waiting.keys()) {
      const sep = id.indexOf("\0");
      if (Number(id.slice(0, sep)) === db.id) this.signalKey(db, id.slice(sep + 1));
    }
  }
}

function waitKey(db: Db, key: string): string {
  return db.id + "\0" + key;
}

/**
 * Parses a blocking timeout in seconds (fractions allowed) into an absolute
 * deadline in ms (0 = forever), replying Redis's error and returning null when
 * invalid, as getTimeoutFromObjectOrReply does: the number is read like
 * strtold (decimal, hex and "inf" forms), scaled to ms and rounded up, so tiny
 * negative values such as -0.0001 round to 0 and mean "forever".
 */
export function parseTimeout(c: Client, arg: Uint8Array): number | null {
  const v = timeoutSeconds(arg);
  if (v === null) {
    c.reply.error("ERR timeout is not a float or out of range");
    return null;
  }
  const ms = v * 1000;
  if (ms > LLONG_MAX) {
    c.reply.error("ERR timeout is out of range");
    return null;
  }
  const tval = Math.ceil(ms);
  if (tval < 0) {
    c.reply.error("ERR timeout is negative");
    return null;
  }
  if (tval === 0) return 0;
  const now = c.server.keyspace.now;
  if (tval > LLONG_MAX - now) {
    c.reply.error("ERR timeout is out of range");
    return null;
  }
  return now + tval;
}

const LLONG_MAX = 9223372036854775807;

/**
 * The timeout as string2ld reads it (util/long_double.ts parseLongDouble: decimal or hex floats,
 * "inf"/"infinity"; null for anything else, NaN, leading space, or a magnitude outside the long
 * double range), as a double: values beyond a double's range become +-Infinity (past every limit
 * checked afterwards) and tiny non-zero ones the smallest double (so they still round up to 1 ms).
 */
function timeoutSeconds(arg: Uint8Array): number | null {
  const ld = parseLongDouble(arg);
  if (ld === null) return null;
  const v = longDoubleToNumber(ld);
  if (v === 0 && ld.m !== 0n) return ld.neg ? -Number.MIN_VALUE : Number.MIN_VALUE;
  return v;
}
