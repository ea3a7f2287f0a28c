/**
 * The server: owns the keyspace, the command table it is given, the clients,
 * the clock and the periodic cron, and is the one place write effects fan out from
 * (signalModifiedKey for WATCH and blocked clients, notifyKeyspaceEvent,
 * alsoPropagate for replicas and the AOF, see propagation.ts).
 */

import type { Command, CommandTable } from "./command_table.ts";
import type { CommandArgs } from "../resp/arg_block.ts";
import { Db, Keyspace } from "../store/keyspace.ts";
import { binaryToBytes, reprBytes } from "../util/bytes.ts";
import { BlockingManager } from "./blocking.ts";
import { Clock } from "./clock.ts";
import { CommandTimer } from "./command_timer.ts";
import { Client } from "./client.ts";
import type { NotifyClass } from "./client.ts";
import type { Config } from "./config.ts";
import {
  NOTIFY_EVICTED,
  NOTIFY_EXPIRED,
  NOTIFY_GENERIC,
  NOTIFY_HASH,
  NOTIFY_KEY_MISS,
  NOTIFY_KEYEVENT,
  NOTIFY_KEYSPACE,
  NOTIFY_LIST,
  NOTIFY_NEW,
  NOTIFY_SET,
  NOTIFY_STREAM,
  NOTIFY_STRING,
  NOTIFY_ZSET,
} from "./notify.ts";
import type { Log } from "./log.ts";
import { handleConnection } from "./connection.ts";
import { Slowlog } from "./slowlog.ts";
import { Stats } from "./stats.ts";
import { ReplicationState } from "../replication/state.ts";
import type { Subsystem } from "./subsystem.ts";
import { type PropagateListener, Propagation } from "./propagation.ts";

export type { PropagateListener };

/**
 * Who paused clients (Redis's pause_purpose): each purpose holds its own pause,
 * the strictest of them applies, and ending one leaves the others in force.
 */
export type PausePurpose = "client" | "shutdown" | "failover";

/** What is paused now: the union of the purposes' pauses (server.paused_actions). */
interface PauseState {
  /** When the last purpose's pause ends. */
  until: number;
  mode: "all" | "write";
  timer: ReturnType<typeof setTimeout> | undefined;
  waiters: (() => void)[];
}

const DEL = binaryToBytes("DEL");
const UNLINK = binaryToBytes("UNLINK");

/** What a Server is built with besides its config and log. */
export interface ServerOptions {
  /** The wall clock commands and expiry read (tests advance it); a fresh Clock by default. */
  clock?: Clock;
}

/** A running server instance. */
export class Server {
  readonly keyspace: Keyspace;
  readonly blocking = new BlockingManager();
  readonly stats = new Stats();
  readonly slowlog: Slowlog;
  readonly repl = new ReplicationState();
  readonly clients = new Map<number, Client>();
  readonly monitors = new Set<Client>();
  /** Changes since the last save (rdb_changes_since_last_save). */
  dirty = 0;
  /** Unix time (s) of the last successful save. */
  lastSave = Math.floor(Date.now() / 1000);
  readonly startTime = Date.now();
  /** INFO run_id: 40 random hex digits chosen once per server. */
  readonly runId = randomHex(40);
  /** Memory in use when the server started and its peak since (INFO memory). */
  readonly startupMemory = usedMemory();
  peakMemory = this.startupMemory;
  readonly clock: Clock;
  /** Installed subsystems, in installation order. */
  readonly subsystems: Subsystem[] = [];
  /** Command time and durations of a connection's batch of commands. */
  readonly timer = new CommandTimer(this);
  /** Cron runs so far (Redis's cronloops). */
  cronLoops = 0;
  /** DEBUG SET-ACTIVE-EXPIRE. */
  activeExpireEnabled = true;
  /** Ports actually bound (port 0 resolves here). */
  port = 0;
  /** The pause in force, null when none (the hot path checks only this). */
  pause: PauseState | null = null;
  /** Each purpose's pause (client_pause_per_purpose). */
  private readonly pauses = new Map<PausePurpose, { end: number; mode: "all" | "write" }>();
  /** Sinks fed when an execution unit ends (see propagation.ts). */
  readonly propagateListeners: PropagateListener[] = [];
  /** Commands the current execution unit will propagate, and the call() nesting. */
  readonly propagation = new Propagation(this.propagateListeners);
  /** Keyspace notification delivery: the pub/sub subsystem's `publish`, when installed. */
  publish: ((channel: string, message: Uint8Array) => number) | null = null;
  /** Set while some client tracks keys: remembers what a read-only command read (tracking). */
  trackReads: ((c: Client, cmd: Command) => void) | null = null;
  /** The client whose top-level command is running (Redis's current_client), else null. */
  currentClient: Client | null = null;
  /**
   * While a script runs past busy-reply-threshold (isInsideYieldingLongCommand): the -BUSY
   * error commands without the allow_busy flag get. Null otherwise.
   */
  busyReply: string | null = null;
  /** What waits for the busy script to end (`notBusy`): the master link's stream. */
  private busyWaiters: (() => void)[] = [];
  /**
   * The start-up load is running, handing the event loop over between slices
   * (server.loading): commands without the `loading` flag get -LOADING and the
   * cron does not run.
   */
  loading = false;
  /** Callbacks waiting for the end of the start-up load ({@link whenLoaded}). */
  private afterLoad: (() => void)[] = [];
  /**
   * Runs before each write command (nested ones included) while a BGSAVE
   * snapshot or a background AOF rewrite is open, so they keep their
   * point-in-time view (copy-before-write, see src/persistence/snapshot.ts and
   * aof_rewrite.ts); null when none is. Set through {@link addBeforeWrite}.
   */
  beforeWrite: ((c: Client, cmd: Command) => void) | null = null;
  private readonly beforeWriteHooks: ((c: Client, cmd: Command) => void)[] = [];

  /** Installs a copy-before-write hook (see {@link beforeWrite}). */
  addBeforeWrite(hook: (c: Client, cmd: Command) => void): void {
    this.beforeWriteHooks.push(hook);
    this.updateBeforeWrite();
  }

  /** Removes a hook installed by {@link addBeforeWrite}; no-op when absent. */
  removeBeforeWrite(hook: (c: Client, cmd: Command) => void): void {
    const i = this.beforeWriteHooks.indexOf(hook);
    if (i === -1) return;
    this.beforeWriteHooks.splice(i, 1);
    this.updateBeforeWrite();
  }

  private updateBeforeWrite(): void {
    const hooks = this.beforeWriteHooks.slice();
    // Their point-in-time copies are views of stored strings: none may be written over.
    this.keyspace.valuesHeld = hooks.length;
    this.beforeWrite = hooks.length === 0 ? null : hooks.length === 1 ? hooks[0] : (c, cmd) => {
      for (const h of hooks) h(c, cmd);
    };
  }
  /** Subsystems with a keyModified / afterCommand / beforeReplies hook. */
  private keyModifiedHooks: Subsystem[] = [];
  private afterCommandHooks: Subsystem[] = [];
  private cronHooks: Subsystem[] = [];
  private denyHooks: Subsystem[] = [];
  private beforeRepliesHooks: Subsystem[] = [];
  /** "dbid\0key" -> clients WATCHing it. */
  readonly watchedKeys = new Map<string, Set<Client>>();
  private listeners: Deno.Listener[] = [];
  private cronTimer: ReturnType<typeof setTimeout> | undefined;
  private connections = new Set<Promise<void>>();
  /** close() was called: a load in progress stops at its next slice. */
  closing = false;
  /** Resolved when the server has stopped (SHUTDOWN or close()). */
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;

  /**
   * Built by the composition root (src/create.ts), which fills `commands` from
   * the command groups and installs the subsystems.
   */
  constructor(
    readonly config: Config,
    readonly log: Log,
    readonly commands: CommandTable,
    options: ServerOptions = {},
  ) {
    this.clock = options.clock ?? new Clock();
    this.keyspace = new Keyspace(config.databases, {
      onExpire: (db, key) => this.onKeyExpired(db, key),
      isReplica: () => this.isReplica(),
    });
    this.slowlog = new Slowlog(() => ({
      slowerThan: this.config.slowlogLogSlowerThan,
      maxLen: this.config.slowlogMaxLen,
    }));
    this.closed = new Promise((r) => this.resolveClosed = r);
  }

  /** Plugs in a subsystem: its hooks run from now on. */
  install(s: Subsystem): void {
    this.subsystems.push(s);
    if (s.publish) this.publish = s.publish.bind(s);
    if (s.keyModified) this.keyModifiedHooks.push(s);
    if (s.afterCommand) this.afterCommandHooks.push(s);
    if (s.cron) this.cronHooks.push(s);
    if (s.denyCommand) this.denyHooks.push(s);
    if (s.beforeReplies) this.beforeRepliesHooks.push(s);
  }

  /** The error a subsystem rejects `cmd` with before it runs (-MISCONF), else null. */
  denyCommand(c: Client, cmd: Command): string | null {
    for (const s of this.denyHooks) {
      const err = s.denyCommand!(c, cmd);
      if (err !== null) return err;
    }
    return null;
  }

  /** True when this server is a replica (replicaof set). */
  isReplica(): boolean {
    return this.repl.role === "slave";
  }

  /** Binds the configured addresses and starts accepting clients and the cron. */
  listen(): void {
    const addrs = this.config.bind.length > 0 ? this.config.bind : ["127.0.0.1"];
    let port = this.config.port;
    for (const raw of addrs) {
      const optional = raw.startsWith("-");
      let hostname = optional ? raw.slice(1) : raw;
      if (hostname === "*") hostname = "0.0.0.0";
      try {
        const l = Deno.listen({ hostname, port, transport: "tcp" });
        if (port === 0) port = (l.addr as Deno.NetAddr).port;
        this.listeners.push(l);
        this.acceptLoop(l);
      } catch (err) {
        if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
          for (const l of this.listeners) l.close();
          throw new Error(
            `Missing network permission to listen on ${hostname}:${port}: run with --allow-net`,
          );
        }
        if (optional && !(err instanceof Deno.errors.AddrInUse)) continue;
        for (const l of this.listeners) l.close();
        throw new Error(
          `Failed listening on port ${port} (tcp), aborting: ${(err as Error).message}`,
        );
      }
    }
    this.port = port;
    // `--port 0` picked a port: report the real one (CONFIG GET port, INFO tcp_port).
    if (this.config.port !== port) this.config.setInternal("port", String(port));
    this.startCron();
  }

  private async acceptLoop(listener: Deno.Listener): Promise<void> {
    try {
      // accept() itself rather than the listener's async iterator: no iterator
      // result and promise of its own per connection (bursts of thousands).
      while (true) {
        const conn = await listener.accept();
        if (this.clients.size >= this.config.maxclients) {
          this.stats.rejectedConnections++;
          conn.write(binaryToBytes("-ERR max number of clients reached\r\n"))
            .catch(() => {})
            .finally(() => {
              try {
                conn.close();
              } catch { /* peer gone */ }
            });
          continue;
        }
        this.stats.totalConnectionsReceived++;
        const c = new Client(this, conn as Deno.TcpConn);
        this.clients.set(c.id, c);
        const p = handleConnection(c).finally(() => {
          this.connections.delete(p);
          this.freeClient(c);
        });
        this.connections.add(p);
      }
    } catch (err) {
      // A closed listener ends the loop quietly, as the async iterator's end did.
      if (err instanceof Deno.errors.BadResource || err instanceof Deno.errors.Interrupted) return;
      if (!this.closing) this.log.warning(`Accept error: ${(err as Error).message}`);
    }
  }

  /** Forgets a client whose connection ended, or that must go at once (idempotent). */
  freeClient(c: Client): void {
    if (c.freed) return;
    c.freed = true;
    c.close();
    this.clients.delete(c.id);
    this.monitors.delete(c);
    if (c.blocked) this.blocking.unblock(c, "disconnect");
    this.unwatchAll(c);
    for (const s of this.subsystems) s.clientFreed?.(c);
  }

  /**
   * Resolves once no script is past busy-reply-threshold: the master link stops processing its
   * stream meanwhile (processInputBuffer's isInsideYieldingLongCommand check for the master),
   * neither running nor refusing what it sent.
   */
  notBusy(): Promise<void> {
    if (this.busyReply === null) return Promise.resolve();
    return new Promise((resolve) => this.busyWaiters.push(resolve));
  }

  /** The busy script ended: -BUSY stops and `notBusy` waits resume. */
  endBusy(): void {
    this.busyReply = null;
    const waiters = this.busyWaiters;
    this.busyWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private startCron(): void {
    const tick = () => {
      // A busy script still holds the dataset: Redis runs no timer events meanwhile.
      if (this.busyReply === null && !this.loading) this.cron();
      this.cronTimer = setTimeout(tick, Math.floor(1000 / this.config.hz));
    };
    this.cronTimer = setTimeout(tick, Math.floor(1000 / this.config.hz));
  }

  /** Runs `fn` now, or when the start-up load in progress has ended. */
  whenLoaded(fn: () => void): void {
    if (this.loading) this.afterLoad.push(fn);
    else fn();
  }

  /** Marks the start-up load as started or ended; at the end runs {@link whenLoaded}'s callbacks. */
  setLoading(on: boolean): void {
    this.loading = on;
    if (on) return;
    const fns = this.afterLoad;
    this.afterLoad = [];
    if (!this.closing) { for (const fn of fns) fn(); }
  }

  /** serverCron: active expiry, idle client timeouts, stats sampling. */
  cron(): void {
    this.cronLoops++;
    const now = this.clock.now();
    this.keyspace.now = now;
    this.stats.sample(now);
    if (this.activeExpireEnabled && !this.isReplica()) this.activeExpireCycle();
    for (const s of this.cronHooks) s.cron!();
    const idle = this.config.timeout;
    if (idle > 0) {
      for (const c of this.clients.values()) {
        if (
          c.kind === "normal" && !c.monitor && c.blocked === null && c.channels.size === 0 &&
          c.patterns.size === 0 && now - c.lastInteraction > idle * 1000
        ) {
          this.log.verbose("Closing idle client");
          c.close();
        }
      }
    }
  }

  /**
   * Reclaims expired keys nobody reads (activeExpireCycle, slow mode): samples
   * 20 keys with a TTL per db and repeats while more than 10% of the sample was
   * expired, within 25% of the cron period.
   */
  activeExpireCycle(): void {
    const start = performance.now();
    const budget = 250 / this.config.hz; // ms: 25% of the period
    for (const db of this.keyspace.dbs) {
      if (db.expiresCount === 0) continue;
      let iterations = 0;
      while (true) {
        const [sampled, expired] = db.sampleExpired(20);
        if (sampled === 0) break;
        if ((++iterations & 15) === 0 && performance.now() - start > budget) {
          this.stats.expiredTimeCapReachedCount++;
          return;
        }
        if (expired * 10 <= sampled) break;
      }
    }
  }

  /**
   * deleteExpiredKeyAndPropagate: a key found expired (on access or by the
   * active cycle) was removed; the DEL joins the current execution unit, or
   * leaves at once when no command runs (active expiry).
   */
  onKeyExpired(db: Db, key: string): void {
    this.stats.expiredKeys++;
    this.notifyKeyspaceEvent("expired", "expired", key, db.id);
    this.signalModifiedKey(db, key);
    this.propagateDeletion(db, key, this.config.lazyfreeLazyExpire);
  }

  /** Evicts `key` (maxmemory): removes it, fires "evicted" and propagates the deletion. */
  evictKey(db: Db, key: string): void {
    if (!db.delete(key)) return;
    this.stats.evictedKeys++;
    this.signalModifiedKey(db, key);
    this.notifyKeyspaceEvent("evicted", "evicted", key, db.id);
    this.propagateDeletion(db, key, this.config.lazyfreeLazyEviction);
  }

  /** propagateDeletion: DEL (UNLINK when lazy) for a key the server itself removed. */
  private propagateDeletion(db: Db, key: string, lazy: boolean): void {
    this.alsoPropagate(db.id, [lazy ? UNLINK : DEL, binaryToBytes(key)]);
    if (this.propagation.nesting === 0) this.propagation.flush();
  }

  /** A key changed: WATCHers' transactions fail, blocked clients look, its size is recounted. */
  signalModifiedKey(db: Db, key: string): void {
    db.updateSize(key);
    if (this.watchedKeys.size > 0) {
      const set = this.watchedKeys.get(db.id + "\0" + key);
      if (set) { for (const c of set) c.dirtyCas = true; }
    }
    this.blocking.signalKey(db, key);
    for (const s of this.keyModifiedHooks) s.keyModified!(db, key);
  }

  /**
   * Whether signalModifiedKey needs the key's name: some key is WATCHed, a
   * client is blocked on keys, or a keyModified hook (tracking) is in use.
   * When false, a write that names its key by bytes builds no key string.
   */
  keyNamesWanted(): boolean {
    if (this.watchedKeys.size > 0 || this.blocking.hasWaiting) return true;
    const hooks = this.keyModifiedHooks;
    for (let i = 0; i < hooks.length; i++) {
      const s = hooks[i];
      if (s.keyModifiedWanted === undefined || s.keyModifiedWanted()) return true;
    }
    return false;
  }

  /** Whether notifyKeyspaceEvent would publish an event of class `type`. */
  notifyWanted(type: NotifyClass): boolean {
    return this.publish !== null &&
      (this.config.notifyKeyspaceEventsFlags & NOTIFY_BITS[type]) !== 0;
  }

  /**
   * emptyData: every db emptied as FLUSHALL empties it (WATCHers of existing
   * keys touched, tracking clients told) and what is saved with the dataset
   * dropped (subsystems' emptyData: function libraries). Before a replica
   * loads its master's RDB, and by DEBUG RELOAD.
   */
  emptyData(): void {
    for (const [id, clients] of this.watchedKeys) {
      const sep = id.indexOf("\0");
      const db = this.keyspace.dbs[Number(id.slice(0, sep))];
      if (db.peek(id.slice(sep + 1)) !== undefined) { for (const c of clients) c.dirtyCas = true; }
    }
    for (const db of this.keyspace.dbs) db.flush();
    this.signalFlushed(-1);
    for (const s of this.subsystems) s.emptyData?.();
  }

  /** FLUSHDB / FLUSHALL (dbid -1) emptied the dataset: subsystems react (trackingInvalidateKeysOnFlush). */
  signalFlushed(dbid: number): void {
    for (const s of this.subsystems) s.flushed?.(dbid);
  }

  /** Starts watching a key for `c` (WATCH). */
  watch(c: Client, db: Db, key: string): void {
    const id = db.id + "\0" + key;
    if (c.watched.has(id)) return;
    c.watched.add(id);
    let set = this.watchedKeys.get(id);
    if (!set) this.watchedKeys.set(id, set = new Set());
    set.add(c);
  }

  /** Drops every WATCH of `c` (EXEC, DISCARD, UNWATCH, disconnect). */
  unwatchAll(c: Client): void {
    for (const id of c.watched) {
      const set = this.watchedKeys.get(id);
      if (!set) continue;
      set.delete(c);
      if (set.size === 0) this.watchedKeys.delete(id);
    }
    c.watched.clear();
    c.dirtyCas = false;
  }

  /**
   * Fires a keyspace notification when notify-keyspace-events enables its class
   * (__keyspace@db__:key -> event, __keyevent@db__:event -> key).
   */
  notifyKeyspaceEvent(type: NotifyClass, event: string, key: string, dbid: number): void {
    if (this.publish === null) return;
    // The flag bits, not the CONFIG GET text: "An" prints as "AKE" yet enables "new".
    const flags = this.config.notifyKeyspaceEventsFlags;
    if (flags === 0) return;
    if ((flags & NOTIFY_BITS[type]) === 0) return;
    if (flags & NOTIFY_KEYSPACE) {
      this.publish(`__keyspace@${dbid}__:${key}`, binaryToBytes(event));
    }
    if (flags & NOTIFY_KEYEVENT) {
      this.publish(`__keyevent@${dbid}__:${event}`, binaryToBytes(key));
    }
  }

  /**
   * alsoPropagate: queues `argv` for replicas and the AOF, to run in db `dbid`;
   * it leaves when the outermost command ends (see propagation.ts). `argv` must
   * stay valid until then.
   */
  alsoPropagate(dbid: number, argv: Uint8Array[]): void {
    this.propagation.add(dbid, argv);
  }

  /**
   * Runs after every command: serves clients blocked on keys that became ready,
   * then lets subsystems deliver what waited for the reply (pushes to the client itself).
   */
  afterCommand(): void {
    this.blocking.handleReady();
    for (const s of this.afterCommandHooks) s.afterCommand!();
  }

  /**
   * Called before reply bytes are written to a socket (see Subsystem.beforeReplies);
   * the writer waits for the promise when there is one.
   */
  beforeReplies(): Promise<void> | undefined {
    let wait: Promise<void> | undefined;
    for (const s of this.beforeRepliesHooks) {
      const w = s.beforeReplies!();
      if (w !== undefined) wait = wait === undefined ? w : Promise.all([wait, w]).then(() => {});
    }
    return wait;
  }

  /** MONITOR line for a command, as replicationFeedMonitors formats it. */
  feedMonitors(c: Client, argv: Uint8Array[]): void {
    const us = this.clock.ustime();
    const sec = Math.floor(us / 1e6);
    const usec = String(us % 1e6).padStart(6, "0");
    // The script client's addr is "lua"; the master link's is the master's host:port.
    let line = `${sec}.${usec} [${c.db.id} ${c.addr}]`;
    for (const a of argv) line += " " + reprBytes(a);
    for (const m of this.monitors) {
      if (m === c || m.closed) continue;
      m.reply.simple(line);
      m.scheduleFlush();
    }
  }

  /** True when `c` must wait before running a command named by argv[0] (CLIENT PAUSE). */
  mustWaitForPause(c: Client, args: CommandArgs): boolean {
    const p = this.pause;
    if (p === null || c.kind === "master" || c.kind === "replica") return false;
    if (p.mode === "all") return true;
    // WRITE pauses what may replicate (Redis's is_may_replicate_command): write and
    // may_replicate commands (subcommands resolved), and an EXEC that queued one.
    const cmd = this.commands.lookupArgv(Array.isArray(args) ? args : args.head());
    if (cmd === undefined) return false;
    const mayReplicate = (x: Command) => x.isWrite || x.flags.includes("may_replicate");
    if (mayReplicate(cmd)) return true;
    return cmd.name === "exec" && c.multi !== null && c.multi.some((q) => mayReplicate(q.cmd));
  }

  /** Resolves when the current pause ends. */
  waitForUnpause(): Promise<void> {
    const p = this.pause;
    if (p === null) return Promise.resolve();
    return new Promise((r) => p.waiters.push(r));
  }

  /**
   * CLIENT PAUSE (pauseClientsByClient): extends the client pause. The later
   * deadline wins and an ALL pause stays ALL when a WRITE pause is added.
   */
  pauseClients(ms: number, mode: "all" | "write"): void {
    const p = this.pauses.get("client");
    const stricter = p !== undefined && p.end > Date.now() && p.mode === "all" ? "all" : mode;
    this.pauseActions("client", Date.now() + ms, stricter);
  }

  /** CLIENT UNPAUSE: ends the client pause only (a failover's or a shutdown's stays). */
  unpauseClients(): void {
    this.unpauseActions("client");
  }

  /**
   * pauseActions: `purpose` pauses clients in `mode` until `end` (Unix ms;
   * Infinity until unpaused), keeping a later end it already had.
   */
  pauseActions(purpose: PausePurpose, end: number, mode: "all" | "write"): void {
    const p = this.pauses.get(purpose);
    this.pauses.set(purpose, { end: p !== undefined ? Math.max(p.end, end) : end, mode });
    this.updatePausedActions();
  }

  /** unpauseActions: `purpose` no longer pauses anything. */
  unpauseActions(purpose: PausePurpose): void {
    if (this.pauses.delete(purpose)) this.updatePausedActions();
  }

  /**
   * updatePausedActions: the pause in force is the union of the purposes'
   * unexpired pauses. Clients waiting on a pause that ended or weakened are
   * woken to check again.
   */
  private updatePausedActions(): void {
    const now = Date.now();
    let until = 0;
    let mode: "all" | "write" | null = null;
    for (const [purpose, p] of this.pauses) {
      if (p.end <= now) {
        this.pauses.delete(purpose);
        continue;
      }
      if (p.end > until) until = p.end;
      if (mode !== "all") mode = p.mode;
    }
    const prev = this.pause;
    if (prev !== null) clearTimeout(prev.timer);
    if (mode === null) {
      this.pause = null;
      if (prev !== null) { for (const w of prev.waiters) w(); }
      return;
    }
    if (prev !== null && !(prev.mode === "all" && mode === "write")) {
      prev.until = until;
      prev.mode = mode;
    } else {
      this.pause = { until, mode, timer: undefined, waiters: [] };
      if (prev !== null) { for (const w of prev.waiters) w(); }
    }
    this.armPauseTimer(this.pause!);
  }

  /** Re-evaluates at the first purpose's end; setTimeout caps delays at 2^31-1 ms. */
  private armPauseTimer(p: PauseState): void {
    let first = Infinity;
    for (const x of this.pauses.values()) if (x.end < first) first = x.end;
    if (first === Infinity) return;
    const delay = Math.min(Math.max(0, first - Date.now()), 0x7fffffff);
    p.timer = setTimeout(() => {
      if (this.pause === p) this.updatePausedActions();
    }, delay);
  }

  /** Stops listening, disconnects every client and stops the cron. */
  async close(): Promise<void> {
    if (this.closing) return this.closed;
    this.closing = true;
    clearTimeout(this.cronTimer);
    this.pauses.clear();
    this.updatePausedActions();
    for (const l of this.listeners) {
      try {
        l.close();
      } catch { /* already closed */ }
    }
    for (const c of this.clients.values()) c.close();
    await Promise.allSettled([...this.connections]);
    for (const s of this.subsystems) await s.close?.();
    this.resolveClosed();
  }
}

/** Heap and external memory in use (INFO used_memory). */
export function usedMemory(): number {
  const m = Deno.memoryUsage();
  return m.heapUsed + m.external;
}

function randomHex(n: number): string {
  const bytes = new Uint8Array(n / 2);
  crypto.getRandomValues(bytes);
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

const NOTIFY_BITS: Record<NotifyClass, number> = {
  generic: NOTIFY_GENERIC,
  string: NOTIFY_STRING,
  list: NOTIFY_LIST,
  set: NOTIFY_SET,
  hash: NOTIFY_HASH,
  zset: NOTIFY_ZSET,
  expired: NOTIFY_EXPIRED,
  evicted: NOTIFY_EVICTED,
  stream: NOTIFY_STREAM,
  keymiss: NOTIFY_KEY_MISS,
  new: NOTIFY_NEW,
};
