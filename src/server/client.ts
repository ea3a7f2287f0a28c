/**
 * Per-connection client state, kept explicit: selected db, protocol version,
 * auth, MULTI queue, blocking state, reply mode and the output buffer. Command
 * handlers receive the Client (like Redis's `client *c`): arguments in `argv`,
 * the db in `db`, replies go to `reply`, write effects are reported through
 * `modified()`.
 */

import { ReplyWriter } from "../resp/writer.ts";
import { binaryToBytes, bytesToBinary } from "../util/bytes.ts";
import type { Db } from "../store/keyspace.ts";
import type { Command } from "./command_table.ts";
import type { ArgBlock } from "../resp/arg_block.ts";
import { clientInfoString, clientType } from "./client_info.ts";
import { PROPAGATE_ALL } from "./propagation.ts";
import type { Server } from "./server.ts";

/** What MONITOR and the slowlog show instead of a secret (shared.redacted). */
const REDACTED = binaryToBytes("(redacted)");

/** Keyspace event classes (notify-keyspace-events letters). */
export type NotifyClass =
  | "generic"
  | "string"
  | "list"
  | "set"
  | "hash"
  | "zset"
  | "expired"
  | "evicted"
  | "stream"
  | "keymiss"
  | "new";

/** A command queued by MULTI (arguments copied out of the read buffer). */
export interface QueuedCommand {
  cmd: Command;
  argv: Uint8Array[];
}

/** State of a client blocked by BLPOP & co. */
export interface BlockedState {
  /** Keys (in the client's db at block time) the client waits on. */
  keys: string[];
  db: Db;
  /** Copy of the blocking command and its arguments, re-run when a key is ready. */
  cmd: Command;
  argv: Uint8Array[];
  /** Absolute deadline in ms, 0 = forever. */
  deadline: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  /** Writes the reply sent on timeout (null array, null bulk, ...). */
  onTimeout: (c: Client) => void;
  /** Resolves the connection loop's wait. */
  resume: () => void;
}

/** CLIENT TRACKING state (Redis's CLIENT_TRACKING_* flags and tracking fields). */
export interface TrackingState {
  /** REDIRECT client id, 0 for none. */
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  /** CLIENT CACHING YES/NO given for the next command (or transaction). */
  caching: boolean;
  /** The redirect client is gone. */
  brokenRedirect: boolean;
  /** BCAST prefixes ("" when none was given). */
  prefixes: string[];
}

/** Redis's fixed per-client reply buffer (PROTO_REPLY_CHUNK_BYTES). */
const REPLY_BUF = 16 * 1024;
/** A reply that grows past this with no output limit in force ends its client (replyLimitReached). */
const REPLY_SAFETY_LIMIT = 512 * 1024 * 1024;
/** Buffered replies past this move to the output queue while a write is in flight. */
export const REPLY_CHUNK = 64 * 1024;
/** Reply buffers up to this size are reused; bigger ones are dropped after use. */
const REPLY_BUF_REUSE = 1024 * 1024;
const NO_BYTES = new Uint8Array(0);
const DONE = Promise.resolve();

let nextClientId = 1;

/** Allocates client ids as Redis does: a process-wide increasing counter. */
export function allocClientId(): number {
  return nextClientId++;
}

/** One connected client (or an internal one, such as the replication link). */
export class Client {
  readonly id = allocClientId();
  /** CLIENT SETNAME value (binary string), "" when unset. */
  name = "";
  /** CLIENT SETINFO lib-name / lib-ver. */
  libName = "";
  libVer = "";
  db: Db;
  /**
   * Arguments of the command being executed (views; copy to keep). For a command
   * run from its argument block (`block`), only the first ARGV_HEAD are set.
   */
  argv: Uint8Array[] = [];
  /**
   * The argument block of the command being executed when it runs from it (its
   * row's `bulk` handler; see executor.ts), else null.
   */
  block: ArgBlock | null = null;
  /** The command being executed. */
  cmd: Command | null = null;
  lastCmd: Command | null = null;
  readonly reply = new ReplyWriter(0);
  authenticated: boolean;
  user = "default";
  readonly createdAt: number;
  lastInteraction: number;
  /** "ip:port" of the peer and of our side. */
  addr = "";
  laddr = "";
  /** MULTI state: queue is non-null inside MULTI. */
  multi: QueuedCommand[] | null = null;
  /** An error while queueing makes EXEC fail with EXECABORT. */
  multiError = false;
  /** WATCHed keys were modified: EXEC fails. */
  dirtyCas = false;
  /** Keys this client WATCHes, as "dbid\0key". */
  watched = new Set<string>();
  /** Set while the command runs inside EXEC (blocking commands do not block). */
  inExec = false;
  blocked: BlockedState | null = null;
  /** CLIENT REPLY: "on", "off" or "skip" (skip the next command's reply). */
  replyMode: "on" | "off" | "skip" = "on";
  /** The current command's reply is dropped (CLIENT REPLY SKIP issued by the previous one). */
  replySkip = false;
  noEvict = false;
  noTouch = false;
  monitor = false;
  /** Pub/sub subscriptions (channels and patterns, binary strings). */
  channels = new Set<string>();
  patterns = new Set<string>();
  /** SSUBSCRIBE shard channels (binary strings). */
  shardChannels = new Set<string>();
  /** CLIENT TRACKING state, null when tracking is off. */
  tracking: TrackingState | null = null;
  /** Close the connection once the pending replies are written (QUIT, protocol error). */
  closeAfterReply = false;
  closed = false;
  /** Forgotten by the server (Server.freeClient ran: at once, or when its connection ended). */
  freed = false;
  /** Replaces argv for propagation (e.g. SET EX -> SET PXAT), see rewriteArgv. */
  propagateArgv: Uint8Array[] | null = null;
  /** PROPAGATE_* targets the running command goes to even without a change (forcePropagation). */
  propagateForced = 0;
  /** The running command's own argv is not propagated (preventPropagation). */
  propagatePrevented = false;
  /** Replication offset right after this client's last write (c->woff, read by WAIT). */
  woff = 0;
  /** Microseconds the current command has run so far (it may block and run again). */
  duration = 0;
  /** Set by the connection loop while it runs a batch; flushes are then its job. */
  processing = false;
  /** Count of commands processed (INFO/CLIENT LIST "tot-cmds" style stats). */
  commands = 0;
  /** Bytes in the query buffer (CLIENT LIST qbuf). */
  queryBufferBytes = 0;
  /** CLIENT LIST fd: the descriptor number shown for it, given when first listed. */
  fd: number | undefined = undefined;
  /** Flags for CLIENT LIST (N normal, M master, S replica, P pubsub, x multi, b blocked...). */
  kind: "normal" | "master" | "replica" | "pubsub" = "normal";

  private flushing: Promise<void> | null = null;
  private draining = false;
  private spare: Uint8Array | null = null;
  private flushScheduled = false;

  constructor(
    readonly server: Server,
    readonly conn: Deno.TcpConn | null,
  ) {
    this.db = server.keyspace.dbs[0];
    this.createdAt = this.lastInteraction = server.clock.now();
    this.authenticated = server.config.requirepass === "";
    this.reply.onError = (msg) => server.stats.countError(msg);
  }

  /** Index of the selected db. */
  get dbIndex(): number {
    return this.db.id;
  }

  /** Number of args of the current command. */
  get argc(): number {
    return this.argv.length;
  }

  /** Current argument `i` as a binary string (keys, members, patterns). */
  key(i: number): string {
    return bytesToBinary(this.argv[i]);
  }

  /** Current argument `i` as lower-case ASCII text (option names, subcommands). */
  lower(i: number): string {
    return bytesToBinary(this.argv[i]).toLowerCase();
  }

  /**
   * Reports a write to `key`: invalidates WATCH, wakes clients blocked on it,
   * fires the keyspace event and counts `count` changes (dirty), which make
   * `call` propagate the command. Every write path calls this once per key
   * changed; `count` 0 fires a further event for a key already counted.
   */
  modified(
    key: string,
    type: NotifyClass,
    event: string,
    count = 1,
    db: Db = this.db,
  ): void {
    const server = this.server;
    server.signalModifiedKey(db, key);
    server.notifyKeyspaceEvent(type, event, key, db.id);
    server.dirty += count;
  }

  /**
   * {@link modified} for a key named by its bytes (a request argument) whose
   * value was just stored with Db.set / setAt / setBytes or deleted (so its
   * size is counted already): the key's name is built as a string only when
   * WATCH, blocked clients, tracking or the keyspace event need it.
   */
  modifiedBytes(
    kb: Uint8Array,
    type: NotifyClass,
    event: string,
    count = 1,
    db: Db = this.db,
  ): void {
    const server = this.server;
    if (server.keyNamesWanted()) {
      this.modified(bytesToBinary(kb), type, event, count, db);
      return;
    }
    if (server.notifyWanted(type)) {
      server.notifyKeyspaceEvent(type, event, bytesToBinary(kb), db.id);
    }
    server.dirty += count;
  }

  /**
   * Counts `count` changes that are no single key's (FLUSHDB's removed keys,
   * SWAPDB): the caller invalidates WATCH and wakes blocked clients itself.
   */
  changed(count: number): void {
    this.server.dirty += count;
  }

  /**
   * A change Redis reports with notifyKeyspaceEvent and server.dirty but no
   * signalModifiedKey (consumer-group metadata: XGROUP, XSETID, a consumer
   * created by XREADGROUP): the event fires and `count` changes are counted,
   * but WATCH stays valid and no tracking invalidation is sent. The value's
   * size is still re-counted.
   */
  notified(key: string, type: NotifyClass, event: string, count = 1, db: Db = this.db): void {
    db.updateSize(key);
    this.server.notifyKeyspaceEvent(type, event, key, db.id);
    this.server.dirty += count;
  }

  /**
   * Shows argument `i` as "(redacted)" in MONITOR and the slowlog, which read
   * the command as received (Redis's redactClientCommandArgument); the command
   * has read its arguments already.
   */
  redactArgument(i: number): void {
    if (this.argv[i] === REDACTED) return;
    this.argv = this.argv.slice();
    this.argv[i] = REDACTED;
  }

  /** Propagates `argv` instead of the command as received (Redis's rewriteClientCommandVector). */
  rewriteArgv(argv: Uint8Array[]): void {
    this.propagateArgv = argv;
  }

  /**
   * forceCommandPropagation: propagate the command even if it changed nothing
   * (FLUSHALL), to `target` (PROPAGATE_* bits: PUBLISH goes to replicas only).
   */
  forcePropagation(target = PROPAGATE_ALL): void {
    this.propagateForced |= target;
  }

  /**
   * preventCommandPropagation: the command itself is not propagated; what it
   * queued with alsoPropagate (or ran nested, like EXEC) still is.
   */
  preventPropagation(): void {
    this.propagatePrevented = true;
  }

  /**
   * alsoPropagate: queues `argv` (kept until the command ends) for replicas and
   * the AOF, in the client's db; it leaves with the rest of the execution unit
   * (from the master client, to the AOF only: a replica relays its master's bytes).
   */
  alsoPropagate(argv: Uint8Array[]): void {
    this.server.alsoPropagate(this.db.id, argv);
  }

  /** Queues replies written outside the connection loop (pushes, unblocked replies). */
  scheduleFlush(): void {
    if (this.processing || this.closed) return;
    if (this.reply.len >= REPLY_CHUNK) this.queueReplies();
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Writes all pending replies; concurrent calls share one drain. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    if (this.reply.len === 0 || this.conn === null) return DONE;
    this.draining = true;
    const drained = this.drain();
    // Shared while it runs (it clears both when done, perhaps before returning here).
    if (this.draining) this.flushing = drained;
    return drained;
  }

  /**
   * Moves the replies written so far behind those already queued, while a write
   * is in flight (the peer reads slower than we answer), so the reply buffer
   * does not keep doubling; then applies client-output-buffer-limit. Called
   * between commands once replies pile up: a command may still rewind `reply.len`.
   */
  queueReplies(): void {
    if (this.flushing === null || this.reply.len === 0) {
      this.closeOnOutputBufferLimit();
      return;
    }
    const r = this.reply;
    let chunk: Uint8Array;
    if (r.buf.length > REPLY_BUF_REUSE) {
      chunk = r.take(null); // one huge reply: hand it over rather than copy it
    } else {
      chunk = r.buf.slice(0, r.len); // exact size; the writer keeps its buffer
      r.len = 0;
    }
    this.outQueue.push(chunk);
    this.outQueued += chunk.length;
    this.closeOnOutputBufferLimit();
  }

  /** Reply bytes handed to the socket but not yet written, queued, or still buffered. */
  get pendingOutput(): number {
    return this.inFlight + this.outQueued + this.reply.len;
  }

  /**
   * Output buffer memory as Redis's getClientOutputBufferMemoryUsage counts it
   * (the client-output-buffer-limit checks, INFO client_recent_max_output_buffer,
   * CLIENT LIST omem of a replica): the unsent bytes that do not fit the fixed
   * 16 KB reply buffer; for a replica, which Redis 7 feeds from the shared
   * replication buffer instead, all of its unsent stream, the part held while
   * its full-sync RDB is made and sent included, its RDB left out.
   */
  get outputBufferMemory(): number {
    if (this.kind === "replica" && !this.monitor) {
      return this.pendingOutput - this.outputExempt + this.heldOutput;
    }
    const n = this.pendingOutput - this.outputExempt - REPLY_BUF;
    return n > 0 ? n : 0;
  }

  /** The client-output-buffer-limit class: normal, replica or pubsub (getClientType). */
  get limitClass(): "normal" | "replica" | "pubsub" {
    const type = clientType(this);
    return type === "master" ? "normal" : type;
  }

  /**
   * For commands that build a reply of unbounded size in a loop (HRANDFIELD,
   * SRANDMEMBER and ZRANDMEMBER with a huge negative count): true once the
   * client must stop, as Redis's loops stop on CLIENT_CLOSE_ASAP. That is when
   * client-output-buffer-limit closes it, or, for a class without a limit
   * (normal, by default), when the reply passes REPLY_SAFETY_LIMIT, where Redis
   * would keep allocating until the process runs out of memory. Checking every
   * element is cheap: it compares two numbers until the reply is large.
   */
  replyLimitReached(): boolean {
    if (this.closed) return true;
    if (this.pendingOutput < REPLY_CHUNK) return false;
    if (this.closeOnOutputBufferLimit()) return true;
    if (this.pendingOutput <= REPLY_SAFETY_LIMIT) return false;
    this.close();
    return true;
  }

  /**
   * Closes the client when its output buffer is over the hard limit, or over the
   * soft limit for longer than its seconds (closeClientOnOutputBufferLimitReached;
   * `async` false is its cron form, which frees the client at once and says so in
   * its log line). Returns true when it closed the client.
   */
  closeOnOutputBufferLimit(async = true): boolean {
    if (this.conn === null || this.closed) return false;
    const used = this.outputBufferMemory;
    if (used === 0 && (this.kind !== "replica" || this.monitor)) return false; // not a replica
    this.server.stats.recordClientBuffers(0, used, this.server.clock.now());
    const cls = this.limitClass;
    const limit = this.server.config.clientOutputBufferLimits[cls];
    // A replica's hard limit below repl-backlog-size would cut replicas a partial resync
    // just accepted: Redis 7 uses the backlog size instead (the memory is shared anyway).
    const backlog = this.server.config.replBacklogSize;
    const hardLimit = cls === "replica" && limit.hard > 0 && limit.hard < backlog
      ? backlog
      : limit.hard;
    const hard = hardLimit > 0 && used >= hardLimit;
    let soft = limit.soft > 0 && used >= limit.soft;
    if (soft) {
      const now = Math.floor(Date.now() / 1000);
      if (this.softLimitSince === 0) {
        this.softLimitSince = now;
        soft = false; // first time over the soft limit
      } else if (now - this.softLimitSince <= limit.seconds) {
        soft = false; // not over it for long enough yet
      }
    } else {
      this.softLimitSince = 0;
    }
    if (!hard && !soft) return false;
    const info = clientInfoString(this, this);
    // freeClientAsync, or freeClient at once (whose "Connection with replica ... lost." comes first).
    if (async) this.close();
    else this.server.freeClient(this);
    this.server.log.warning(
      async
        ? `Client ${info} scheduled to be closed ASAP for overcoming of output buffer limits.`
        : `Client ${info} closed for overcoming of output buffer limits.`,
    );
    return true;
  }

  /**
   * Unsent bytes at the head of the output that client-output-buffer-limit does not count: a
   * full resync's RDB, which Redis sends outside the replica's output buffer.
   */
  outputExempt = 0;
  /** Called once the exempt output (a replica's RDB) is written to the socket. */
  onExemptWritten: (() => void) | null = null;
  /**
   * Stream bytes held for a replica outside its output (while its full-sync RDB is made
   * and sent): they count as output buffer, as in Redis 7's shared replication buffer.
   */
  heldOutput = 0;
  private inFlight = 0;
  /** Reply chunks waiting behind the write in flight, oldest first, from `outHead` on. */
  private outQueue: Uint8Array[] = [];
  private outHead = 0;
  private outQueued = 0;
  /** When the output buffer went over the soft limit (unix seconds), 0 when under it. */
  private softLimitSince = 0;

  private async drain(): Promise<void> {
    const conn = this.conn!;
    try {
      while (!this.closed) {
        let data: Uint8Array;
        // The writer's buffer `data` was taken from, reused once written.
        let buffer: Uint8Array | null = null;
        if (this.outHead < this.outQueue.length) {
          data = this.outQueue[this.outHead];
          this.outQueue[this.outHead++] = NO_BYTES; // written chunks go to the GC one by one
          this.outQueued -= data.length;
          if (this.outHead === this.outQueue.length) {
            this.outQueue = [];
            this.outHead = 0;
          }
        } else if (this.reply.len > 0) {
          buffer = this.reply.buf;
          data = this.reply.take(this.spare);
          this.spare = null;
        } else {
          break;
        }
        this.inFlight = data.length;
        // Writes this reply reflects reach the AOF first (beforeSleep's flushAppendOnlyFile),
        // fsynced with appendfsync always.
        const durable = this.server.beforeReplies();
        if (durable !== undefined) {
          await durable;
          if (this.closed) {
            this.inFlight = 0;
            return;
          }
        }
        if (this.kind === "replica") this.server.stats.netReplOutputBytes += data.length;
        else this.server.stats.netOutputBytes += data.length;
        try {
          let off = 0;
          while (off < data.length) {
            const n = await conn.write(off === 0 ? data : data.subarray(off));
            off += n;
            this.inFlight = data.length - off;
            if (this.outputExempt > 0) {
              this.outputExempt = Math.max(0, this.outputExempt - n);
              if (this.outputExempt === 0 && this.onExemptWritten !== null) {
                const done = this.onExemptWritten;
                this.onExemptWritten = null;
                done();
              }
            }
          }
        } catch {
          this.inFlight = 0;
          this.close();
          return;
        }
        this.inFlight = 0;
        // Reuse the writer's ordinary buffers; a big one goes back to the GC.
        if (data.buffer.byteLength <= REPLY_BUF_REUSE) {
          const buf = buffer ?? new Uint8Array(data.buffer);
          if (this.reply.buf.length === 0) this.reply.buf = buf; // nothing written meanwhile
          else this.spare = buf;
        }
      }
    } finally {
      this.draining = false;
      this.flushing = null;
    }
  }

  /** Closes the connection; the connection loop then frees the client. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    // Drop unsent replies now: a slow reader's backlog must not outlive it.
    this.outQueue = [];
    this.outHead = 0;
    this.outQueued = 0;
    this.spare = null;
    if (this.reply.buf.length > REPLY_BUF_REUSE) this.reply.take(null);
    this.reply.len = 0;
    try {
      this.conn?.close();
    } catch {
      // already closed by the peer
    }
    if (this.blocked) this.blocked.resume();
  }
}
