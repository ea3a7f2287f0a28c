/**
 * The append-only file (Redis 7's multi-part AOF, aof.c): what the server
 * propagates (the stream replicas get, SELECT added where the db changes,
 * MULTI/EXEC kept, PUBLISH left out) is appended to the current incr file
 * under `appenddirname`, listed with the base file in the manifest.
 *
 * Writes collect in a buffer and reach the file before any reply leaves
 * (the beforeReplies hook, Redis's beforeSleep); with `appendfsync always`
 * replies also wait for an fsync (one runs at a time and covers every client
 * served before it started), with `everysec` one runs in the background about
 * once a second. BGREWRITEAOF (also automatic on growth, and what
 * `CONFIG SET appendonly yes` starts with) opens a new incr file at once and
 * writes the new base in the background (aof_rewrite.ts); when the base is
 * complete it replaces the old base and incr files, which become history and
 * are deleted.
 */

import type { Client } from "../server/client.ts";
import type { Config } from "../server/config.ts";
import {
  PROPAGATE_AOF,
  PROPAGATE_REPL,
  type PropagateListener,
  selectingSink,
} from "../server/propagation.ts";
import type { Server } from "../server/server.ts";
import type { InfoField, Subsystem } from "../server/subsystem.ts";
import { AofManifest, ManifestError } from "./aof_manifest.ts";
import { AofLoadError, type AofLoadStatus, loadSingleAppendOnlyFile } from "./aof_load.ts";
import type { RdbImageLoader } from "./aof_load.ts";
import { loadStatsOf } from "./load_stats.ts";
import { CommandFormRewrite, RespBuffer, rewriteKey } from "./aof_rewrite.ts";

export { AofLoadError };

/**
 * SEAM for the RDB base (aof-use-rdb-preamble yes, Redis's default): once the
 * RDB writer and reader exist, create.ts passes them here and base files are
 * written and read as RDB (`.base.rdb`). Without them the base is written in
 * command form (`.base.aof`) and an RDB base file is refused at load.
 */
export interface AofRdbCodec {
  /**
   * Writes a point-in-time RDB of the dataset to `file`, keeping clients
   * served; gives up (leaving `file` short) once `stop` returns true.
   */
  save(server: Server, file: Deno.FsFile, stop: () => boolean): Promise<void>;
  /** The same, blocking (the base created at start-up). */
  saveSync(server: Server, file: Deno.FsFile): void;
  /** Loads the RDB image at the start of `data`; returns the bytes it used. */
  load: RdbImageLoader;
  /**
   * True while an RDB is made in the background (BGSAVE, a full resync's
   * snapshot): a rewrite waits for it, as Redis's for any active child.
   */
  saveInProgress?(server: Server): boolean;
}

/** What the AOF subsystem is built with. */
export interface AofOptions {
  /** The RDB base codec, when available (see AofRdbCodec). */
  rdb?: AofRdbCodec | null;
}

/** A background rewrite in progress. */
interface RewriteJob {
  start: number;
  tempPath: string;
  file: Deno.FsFile;
  commandForm: CommandFormRewrite | null;
  rdb: boolean;
  cancelled: boolean;
  done: Promise<void>;
}

const registry = new WeakMap<Server, Aof>();

/** The AOF subsystem installed in `server`. */
export function aofOf(server: Server): Aof {
  const a = registry.get(server);
  if (a === undefined) throw new Error("aof subsystem not installed");
  return a;
}

/** Whether an AOF rewrite runs in `server` (child_type == CHILD_TYPE_AOF); false without an AOF subsystem. */
export function aofRewriting(server: Server): boolean {
  return registry.get(server)?.rewriting ?? false;
}

/**
 * The end of the AOF rewrite running in `server`, or null when none runs (or
 * there is no AOF subsystem): checkChildrenDone's moment for what waited for it.
 */
export function aofRewriteEnd(server: Server): Promise<void> | null {
  return registry.get(server)?.rewriteEnd ?? null;
}

/** Error of a background rewrite that cannot start (BGREWRITEAOF's reply). */
export const AOF_RW_FAILED =
  "ERR Can't execute an AOF background rewriting. Please check the server logs for more information.";

/** The AOF: manifest, current incr file, buffer, fsync policy and rewrites. */
export class Aof implements Subsystem {
  readonly name = "aof";
  /** AOF_OFF / AOF_ON / AOF_WAIT_REWRITE (turned on, the first rewrite not done yet). */
  state: "off" | "on" | "wait_rewrite" = "off";
  manifest = new AofManifest();
  /** The incr file being appended to (aof_fd). */
  private fd: Deno.FsFile | null = null;
  /** aof_buf: what was propagated since the last write. */
  private readonly buf = new RespBuffer();
  private sink: PropagateListener;
  private listening = false;
  private readonly listener: PropagateListener = (dbid, argv, target) => {
    if (target & PROPAGATE_AOF) this.sink(dbid, argv, target);
    // replicationFeedSlaves with no backlog (hence no replica): the offset still
    // counts commands, for WAITAOF to compare with fsynced_reploff.
    const repl = this.server.repl;
    if (target & PROPAGATE_REPL && repl.backlog === null && repl.role === "master") repl.offset++;
  };
  private curTimestamp = 0;
  /** aof_current_size, aof_last_incr_size, aof_rewrite_base_size. */
  currentSize = 0;
  private lastIncrSize = 0;
  private rewriteBaseSize = 0;
  /** Bytes written to incr files and bytes a finished fsync covers (monotonic, across files). */
  private writtenTotal = 0;
  private syncedTotal = 0;
  /** Unix seconds of the last fsync (aof_last_fsync). */
  private lastFsync = 0;
  /** The fsync running in the background (Redis's bio fsync job) and what it covers. */
  private syncing: { done: Promise<void>; upTo: number } | null = null;
  /** Waiters for an fsync after the running one (appendfsync always). */
  private nextSync: Promise<void> | null = null;
  private delayedFsync = 0;
  /** fsynced_reploff_pending: the replication offset the last finished fsync covers. */
  private fsyncedReploffPending = 0;
  private rewrite: RewriteJob | null = null;
  rewriteScheduled = false;
  private lastRewriteTimeSec = -1;
  private lastBgrewriteOk = true;
  private rewrites = 0;
  private consecutiveFailures = 0;
  private nextDelayMinutes = 0;
  private nextRewriteTime = 0;
  private lastWriteOk = true;
  private timer: ReturnType<typeof setInterval> | undefined;
  /** restartAfterSync's next try. */
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly rdb: AofRdbCodec | null;

  constructor(private readonly server: Server, options: AofOptions = {}) {
    this.rdb = options.rdb ?? null;
    this.sink = selectingSink(this.feed);
    registry.set(server, this);
    const config = server.config;
    server.repl.fsyncedReploff = config.appendonly ? 0 : -1;
    config.onChange("appendonly", () => this.updateAppendonly());
    config.onChange("appendfsync", () => {
      if (config.appendfsync === "always" && this.fd !== null) this.flush(true, true);
    });
  }

  private get config(): Config {
    return this.server.config;
  }

  // ------------------------------------------------------------------------------------------
  // Paths and the manifest

  private get filename(): string {
    return this.config.appendfilename;
  }

  private dirPath(): string {
    return this.config.resolvePath(this.config.appenddirname);
  }

  private filePath(name: string): string {
    return this.config.resolvePath(`${this.config.appenddirname}/${name}`);
  }

  private useRdb(): boolean {
    return this.config.aofUseRdbPreamble && this.rdb !== null;
  }

  /** persistAofManifest: temp file, fsync, rename, fsync the directory. */
  private persistManifest(m: AofManifest): void {
    const tmp = this.filePath(`temp-${this.filename}.manifest`);
    const f = Deno.openSync(tmp, { write: true, create: true, truncate: true, mode: 0o644 });
    try {
      writeAllSync(f, new TextEncoder().encode(m.format()));
      f.syncSync();
    } finally {
      f.close();
    }
    Deno.renameSync(tmp, this.filePath(`${this.filename}.manifest`));
    syncDir(this.dirPath());
  }

  /** aofLoadManifestFromDisk: the manifest, if the directory and file exist. */
  private loadManifestFromDisk(): void {
    this.manifest = new AofManifest();
    if (!isDir(this.dirPath())) return;
    const name = `${this.filename}.manifest`;
    let text: string;
    try {
      text = latin1(Deno.readFileSync(this.filePath(name)));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return;
      throw new AofLoadError(
        `Fatal error: can't open the AOF manifest file ${name} for reading: ${
          (err as Error).message
        }`,
        name,
        0,
      );
    }
    try {
      this.manifest = AofManifest.parse(text);
    } catch (err) {
      if (!(err instanceof ManifestError)) throw err;
      const log = this.server.log;
      log.warning("\n*** FATAL AOF MANIFEST FILE ERROR ***\n");
      if (err.text !== null) {
        log.warning(`Reading the manifest file, at line ${err.line}\n`);
        log.warning(`>>> '${err.text}'\n`);
      }
      log.warning(`${err.message}\n`);
      throw new AofLoadError(`${err.message} (manifest ${name}, line ${err.line})`, name, 0);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Start-up

  /**
   * Start-up (Redis's main: aofLoadManifestFromDisk, loadDataFromDisk,
   * aofOpenIfNeededOnServerStart, aofDelHistoryFiles): with appendonly yes the
   * AOF is loaded (it wins over the RDB file) and opened for appending. Throws
   * AofLoadError when the files cannot be loaded.
   */
  loadAtStart(): void {
    const steps = this.loadAtStartSteps();
    while (!steps.next().done);
  }

  /**
   * {@link loadAtStart} in slices: yields where the server may serve clients
   * (the start-up load in main.ts runs it between event-loop turns).
   */
  *loadAtStartSteps(): Generator<void, void, void> {
    const on = this.config.appendonly;
    try {
      this.loadManifestFromDisk();
    } catch (err) {
      // Redis reads the manifest even with the AOF off; unreadable is fatal only when on.
      if (on || !(err instanceof Deno.errors.NotCapable)) throw err;
    }
    if (!on) return;
    this.state = "on";
    const start = performance.now();
    const status = yield* this.loadAppendOnlyFiles();
    if (status === "ok" || status === "truncated") {
      this.server.log.notice(
        `DB loaded from append only file: ${
          ((performance.now() - start) / 1000).toFixed(3)
        } seconds`,
      );
    }
    this.openOnServerStart();
    this.delHistoryFiles();
    this.startListening();
    this.startTimer();
  }

  /** loadAppendOnlyFiles: the base, then every incr file, in manifest order. */
  private *loadAppendOnlyFiles(): Generator<void, AofLoadStatus, void> {
    const m = this.manifest;
    const log = this.server.log;
    // An old single appendonly.aof in `dir` is moved into the directory (aofUpgradePrepare).
    const oldPath = this.config.resolvePath(this.filename);
    if (isFile(oldPath)) {
      const dirExists = isDir(this.dirPath());
      if (
        !dirExists || (m.base === null && m.incr.length === 0) ||
        (m.base !== null && m.incr.length === 0 && m.base.name === this.filename &&
          !isFile(this.filePath(this.filename)))
      ) {
        this.upgradePrepare(oldPath);
      }
    }
    if (m.base === null && m.incr.length === 0) return "not_exist";
    const files = [...(m.base ? [m.base] : []), ...m.incr];
    let total = 0;
    let baseSize = 0;
    for (const f of files) {
      const size = fileSize(this.filePath(f.name));
      if (size === null) {
        const msg =
          `Unable to obtain the AOF file ${f.name} length. stat: No such file or directory`;
        log.warning(msg);
        throw new AofLoadError(msg, f.name, 0);
      }
      if (f === m.base) baseSize = size;
      total += size;
    }
    if (total === 0) return "empty";
    // startLoading: INFO's loading_* fields cover every file.
    const stats = loadStatsOf(this.server);
    stats.start(total, Date.now());
    let done = 0;
    let ret: AofLoadStatus = "ok";
    for (let i = 0; i < files.length; i++) {
      const f = files[i];
      const last = i === files.length - 1;
      const t0 = performance.now();
      const steps = loadSingleAppendOnlyFile(this.server, this.filePath(f.name), f.name, {
        loadTruncated: this.config.aofLoadTruncated,
        rdb: this.rdb?.load ?? null,
        oldStyle: f.name === this.filename,
        sliceBytes: this.config.loadingProcessEventsIntervalBytes,
      });
      for (;;) {
        const r = steps.next();
        if (r.done) {
          ret = r.value;
          break;
        }
        stats.loadedBytes = done + r.value;
        yield;
      }
      done += fileSize(this.filePath(f.name)) ?? 0;
      stats.loadedBytes = done;
      if (ret === "ok" || (ret === "truncated" && last)) {
        log.notice(
          `DB loaded from ${f === m.base ? "base" : "incr"} file ${f.name}: ${
            ((performance.now() - t0) / 1000).toFixed(3)
          } seconds`,
        );
      }
      if (ret === "empty") ret = "ok";
      if (ret === "truncated" && !last) {
        const msg = "Fatal error: the truncated file is not the last file";
        log.warning(msg);
        throw new AofLoadError(msg, f.name, 0);
      }
      if (ret === "not_exist") throw new AofLoadError(`AOF file ${f.name} is missing`, f.name, 0);
    }
    // A truncated last file is smaller now.
    total = 0;
    for (const f of files) total += fileSize(this.filePath(f.name)) ?? 0;
    this.currentSize = total;
    this.rewriteBaseSize = baseSize;
    return ret;
  }

  /** aofUpgradePrepare: the old single file becomes the base in the directory. */
  private upgradePrepare(oldPath: string): void {
    Deno.mkdirSync(this.dirPath(), { recursive: true });
    const m = this.manifest;
    m.base = { name: this.filename, seq: 1, type: "b" };
    m.baseSeq = 1;
    this.persistManifest(m);
    Deno.renameSync(oldPath, this.filePath(this.filename));
    this.server.log.notice(
      `Successfully migrated an old-style AOF file (${this.filename}) into the AOF directory (${this.config.appenddirname}).`,
    );
  }

  /** aofOpenIfNeededOnServerStart: a base for an empty start, then the last incr file. */
  private openOnServerStart(): void {
    const m = this.manifest;
    Deno.mkdirSync(this.dirPath(), { recursive: true });
    const incrCount = m.incr.length;
    if (m.base === null && incrCount === 0) {
      const base = m.newBase(this.filename, this.useRdb());
      this.rewriteSync(this.filePath(base));
      this.server.log.notice(`Creating AOF base file ${base} on server start`);
    }
    const name = incrCount > 0 ? m.incr[incrCount - 1].name : m.newIncr(this.filename);
    this.fd = Deno.openSync(this.filePath(name), {
      write: true,
      append: true,
      create: true,
      mode: 0o644,
    });
    this.persistManifest(m);
    this.lastIncrSize = fileSize(this.filePath(name)) ?? 0;
    this.server.log.notice(
      `${incrCount > 0 ? "Opening" : "Creating"} AOF incr file ${name} on server start`,
    );
  }

  /** rewriteAppendOnlyFile: writes the whole dataset to `path` now (temp file, fsync, rename). */
  private rewriteSync(path: string): void {
    const tmp = this.config.resolvePath(`temp-rewriteaof-${Deno.pid}.aof`);
    const f = Deno.openSync(tmp, { write: true, create: true, truncate: true, mode: 0o644 });
    try {
      if (this.useRdb()) {
        this.rdb!.saveSync(this.server, f);
      } else {
        const out = new RespBuffer();
        if (this.config.aofTimestampEnabled) {
          out.ascii(`#TS:${Math.floor(Date.now() / 1000)}\r\n`);
        }
        for (const db of this.server.keyspace.dbs) {
          if (db.size === 0) continue;
          out.ascii("*2\r\n$6\r\nSELECT\r\n");
          out.bulk(String(db.id));
          for (const e of db.entries()) {
            rewriteKey(out, e.key, e.value, e.expireAt);
            if (out.len >= 1 << 20) {
              writeAllSync(f, out.view());
              out.clear();
            }
          }
        }
        writeAllSync(f, out.view());
      }
      f.syncSync();
    } catch (err) {
      f.close();
      try {
        Deno.removeSync(tmp);
      } catch { /* already gone */ }
      throw err;
    }
    f.close();
    Deno.renameSync(tmp, path);
  }

  // ------------------------------------------------------------------------------------------
  // Appending

  /** feedAppendOnlyFile's encoding step; `selectingSink` adds the SELECTs. */
  private readonly feed: PropagateListener = (_dbid, argv) => {
    if (this.config.aofTimestampEnabled) {
      const now = Math.floor(Date.now() / 1000);
      if (now > this.curTimestamp) {
        this.curTimestamp = now;
        this.buf.ascii(`#TS:${now}\r\n`);
      }
    }
    this.buf.command(argv);
  };

  private startListening(): void {
    if (this.listening) return;
    this.server.propagateListeners.push(this.listener);
    this.listening = true;
  }

  private stopListening(): void {
    if (!this.listening) return;
    const ls = this.server.propagateListeners;
    const i = ls.indexOf(this.listener);
    if (i !== -1) ls.splice(i, 1);
    this.listening = false;
  }

  /**
   * Replies are about to be written: what they acknowledge goes to the file
   * first. With appendfsync always the caller also waits for the fsync: one
   * fsync runs at a time in the background and covers every write made
   * before it started, so the clients served meanwhile share the next one
   * (Redis fsyncs once per event-loop turn for all clients).
   */
  beforeReplies(): Promise<void> | undefined {
    if (this.buf.len > 0) this.flush(false);
    if (
      this.syncedTotal < this.writtenTotal && this.fd !== null &&
      this.config.appendfsync === "always" &&
      !(this.config.noAppendfsyncOnRewrite && this.rewrite !== null)
    ) {
      return this.durable();
    }
    return undefined;
  }

  /** Resolves once everything written so far is fsynced. */
  private durable(): Promise<void> {
    const want = this.writtenTotal;
    const running = this.syncing;
    if (running === null) return this.startSync();
    if (running.upTo >= want) return running.done;
    // The running fsync started before these writes: one more after it covers all of them.
    return this.nextSync ??= running.done.then(() => {
      this.nextSync = null;
      if (this.syncedTotal < this.writtenTotal && this.fd !== null) {
        return this.syncing?.done ?? this.startSync();
      }
    });
  }

  /** aof_background_fsync: fsyncs the current incr file off the event loop. */
  private startSync(): Promise<void> {
    const fd = this.fd!;
    const upTo = this.writtenTotal;
    const reploff = this.server.repl.offset;
    const done = fd.syncData().then(
      () => {
        if (upTo >= this.syncedTotal) this.fsynced(reploff);
        if (upTo > this.syncedTotal) this.syncedTotal = upTo;
        this.lastFsync = Math.floor(Date.now() / 1000);
      },
      (err) => {
        // A file switched or closed meanwhile was synced on that path.
        if (fd !== this.fd) return;
        this.server.log.warning(`Can't persist AOF for fsync error: ${(err as Error).message}`);
        if (this.config.appendfsync === "always") Deno.exit(1);
      },
    ).finally(() => {
      if (this.syncing?.done === done) this.syncing = null;
    });
    this.syncing = { done, upTo };
    return done;
  }

  /** Fsyncs the current incr file now, blocking (turning always on, switching files, shutdown). */
  private syncNow(): void {
    const fd = this.fd;
    if (fd === null || this.syncedTotal >= this.writtenTotal) return;
    try {
      fd.syncDataSync();
    } catch (err) {
      this.server.log.warning(
        `Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${
          (err as Error).message
        }. Exiting...`,
      );
      Deno.exit(1);
    }
    this.syncedTotal = this.writtenTotal;
    this.lastFsync = Math.floor(Date.now() / 1000);
    this.fsynced(this.server.repl.offset);
  }

  /**
   * An fsync covering the stream up to `reploff` finished: WAITAOF and the
   * FACK of REPLCONF ACK see it once the AOF is on (not while the first
   * rewrite of a just enabled AOF runs: the data is not all on disk yet).
   */
  private fsynced(reploff: number): void {
    this.fsyncedReploffPending = reploff;
    this.publishFsynced();
  }

  private publishFsynced(): void {
    const repl = this.server.repl;
    if (this.state !== "on" || repl.fsyncedReploff === this.fsyncedReploffPending) return;
    repl.fsyncedReploff = this.fsyncedReploffPending;
    repl.onFsynced?.();
  }

  /**
   * flushAppendOnlyFile: writes the buffer to the incr file; with everysec an
   * fsync starts in the background at most once a second (with always the
   * replies wait for one, see beforeReplies). `syncNow` fsyncs at once.
   */
  flush(force: boolean, syncNow = false): void {
    const fd = this.fd;
    if (fd === null) return;
    const policy = this.config.appendfsync;
    const now = Math.floor(Date.now() / 1000);
    if (this.buf.len > 0) {
      let written = 0;
      const data = this.buf.view();
      try {
        while (written < data.length) written += fd.writeSync(data.subarray(written));
      } catch (err) {
        this.server.log.warning(`Error writing to the AOF file: ${(err as Error).message}`);
        if (policy === "always") {
          this.server.log.warning(
            "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...",
          );
          Deno.exit(1);
        }
        this.lastWriteOk = false;
        // Keep what was not written for the next try.
        this.currentSize += written;
        this.lastIncrSize += written;
        this.writtenTotal += written;
        const rest = data.slice(written);
        this.buf.clear();
        this.buf.bytes(rest);
        return;
      }
      if (!this.lastWriteOk) {
        this.server.log.warning("AOF write error looks solved, Redis can write again.");
        this.lastWriteOk = true;
      }
      this.currentSize += written;
      this.lastIncrSize += written;
      this.writtenTotal += written;
      this.buf.clear();
    }
    if (syncNow) {
      this.syncNow();
      return;
    }
    if (this.syncedTotal >= this.writtenTotal) {
      // Everything is fsynced: stream bytes the AOF never got (PING, REPLCONF) are covered too.
      if (policy !== "no" && this.syncing === null) this.fsynced(this.server.repl.offset);
      return;
    }
    if (!force && this.config.noAppendfsyncOnRewrite && this.rewrite !== null) return;
    if (policy === "always") {
      // Writes no reply waits for (CLIENT REPLY OFF, expiry in the cron) are fsynced too.
      if (this.syncing === null) this.startSync();
    } else if (policy === "everysec" && now > this.lastFsync) {
      if (this.syncing === null) this.startSync();
      else this.delayedFsync++;
      this.lastFsync = now;
    }
  }

  private startTimer(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.aofCron(), Math.max(1, Math.floor(1000 / this.config.hz)));
  }

  private stopTimer(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** serverCron's AOF part: pending writes and fsyncs, scheduled and automatic rewrites. */
  private aofCron(): void {
    if (this.state !== "off") this.flush(false);
    if (this.rewrite !== null) return;
    if (this.rewriteScheduled) {
      if (!this.rewriteLimited() && !this.rdbSaveRunning()) this.startRewrite();
      return;
    }
    // Off, nothing running or scheduled: the timer has nothing left to do.
    if (this.state === "off") {
      this.stopTimer();
      return;
    }
    const perc = this.config.autoAofRewritePercentage;
    if (this.state === "on" && perc > 0 && this.currentSize > this.config.autoAofRewriteMinSize) {
      const base = this.rewriteBaseSize > 0 ? this.rewriteBaseSize : 1;
      const growth = Math.floor(this.currentSize * 100 / base) - 100;
      if (growth >= perc && !this.rewriteLimited() && !this.rdbSaveRunning()) {
        this.server.log.notice(`Starting automatic rewriting of AOF on ${growth}% growth`);
        this.startRewrite();
      }
    }
  }

  /**
   * aofRewriteLimited: after 3 failed rewrites in a row, automatic ones wait
   * 1, 2, 4 ... up to 60 minutes (BGREWRITEAOF still runs at once).
   */
  private rewriteLimited(): boolean {
    if (this.consecutiveFailures < 3) {
      this.nextDelayMinutes = 0;
      this.nextRewriteTime = 0;
      return false;
    }
    const now = Math.floor(Date.now() / 1000);
    if (this.nextRewriteTime !== 0) {
      if (now < this.nextRewriteTime) return true;
      this.nextRewriteTime = 0;
      return false;
    }
    this.nextDelayMinutes = Math.min(
      this.nextDelayMinutes === 0 ? 1 : this.nextDelayMinutes * 2,
      60,
    );
    this.nextRewriteTime = now + this.nextDelayMinutes * 60;
    this.server.log.warning(
      `Background AOF rewrite has repeatedly failed and triggered the limit, will retry in ${this.nextDelayMinutes} minutes`,
    );
    return true;
  }

  // ------------------------------------------------------------------------------------------
  // Turning it on and off

  /** updateAppendonly: CONFIG SET appendonly. */
  private updateAppendonly(): string | null {
    if (!this.config.appendonly && this.state !== "off") {
      this.stopAppendOnly();
    } else if (this.config.appendonly && this.state === "off") {
      if (!this.startAppendOnly()) return "Unable to turn on AOF. Check server logs.";
    }
    return null;
  }

  /** startAppendOnly: on once the first rewrite has written a base. */
  private startAppendOnly(): boolean {
    this.state = "wait_rewrite";
    this.startTimer();
    if (this.server.propagation.nesting > 1) {
      this.rewriteScheduled = true;
      this.server.log.warning(
        "AOF was enabled during a transaction. An AOF background was scheduled to start when possible.",
      );
    } else if (!this.startRewrite()) {
      this.state = "off";
      this.stopTimer();
      this.server.log.warning(
        "Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error.",
      );
      return false;
    }
    this.lastFsync = Math.floor(Date.now() / 1000);
    if (!this.lastWriteOk) {
      this.server.log.warning("AOF reopen, just ignore the last error.");
      this.lastWriteOk = true;
    }
    return true;
  }

  /** stopAppendOnly: CONFIG SET appendonly no. */
  private stopAppendOnly(): void {
    this.flush(true, true);
    this.closeFd();
    this.state = "off";
    this.server.repl.fsyncedReploff = -1;
    this.fsyncedReploffPending = 0;
    this.rewriteScheduled = false;
    this.lastIncrSize = 0;
    this.stopListening();
    this.sink = selectingSink(this.feed);
    this.killRewrite();
    this.buf.clear();
    this.stopTimer();
  }

  /**
   * readSyncBulkPayload's stopAppendOnly: a replica about to replace its
   * dataset with its master's RDB closes the AOF (a running rewrite is
   * killed); `restartAfterSync` opens it again on the loaded dataset.
   */
  stopForSync(): void {
    if (this.state !== "off") this.stopAppendOnly();
  }

  /**
   * restartAOFAfterSYNC: after a replica's full sync the AOF starts over (a
   * rewrite whose base is the loaded dataset, the master's stream appended
   * from now on). Redis sleeps a second between its 10 tries; here the server
   * keeps running meanwhile (the base, taken at the successful try, covers
   * what was applied before it). Past them the replica cannot be trusted: exit.
   */
  restartAfterSync(tries = 0): void {
    if (!this.config.appendonly || this.state !== "off") return;
    if (this.startAppendOnly()) return;
    if (tries + 1 >= 10) {
      this.server.log.warning(
        "FATAL: this replica instance finished the synchronization with its master, but the AOF can't be turned on. Exiting now.",
      );
      Deno.exit(1);
    }
    this.server.log.warning(
      "Failed enabling the AOF after successful master synchronization! Trying it again in one second.",
    );
    this.restartTimer = setTimeout(() => this.restartAfterSync(tries + 1), 1000);
  }

  /**
   * replicationUnsetMaster: a replica promoted while its AOF was stopped by a
   * sync that did not complete turns it on again.
   */
  restartAfterPromotion(): void {
    if (!this.config.appendonly || this.state !== "off") return;
    this.server.log.notice("Restarting AOF after becoming master");
    this.startAppendOnly();
  }

  private closeFd(): void {
    if (this.fd === null) return;
    try {
      this.fd.close();
    } catch { /* already closed */ }
    this.fd = null;
  }

  // ------------------------------------------------------------------------------------------
  // Rewrites

  /** An RDB is made in the background (hasActiveChildProcess): rewrites wait for it. */
  private rdbSaveRunning(): boolean {
    return this.rdb?.saveInProgress?.(this.server) ?? false;
  }

  /** Whether a background rewrite runs (aof_rewrite_in_progress). */
  get rewriting(): boolean {
    return this.rewrite !== null;
  }

  /** Settles once the running rewrite has ended (its done handler ran); null when none runs. */
  get rewriteEnd(): Promise<void> | null {
    return this.rewrite?.done ?? null;
  }

  /** BGREWRITEAOF: the reply it gets. */
  bgrewriteaof(c: Client): void {
    const denied = writeDenied(this.config.dir);
    if (denied !== null) {
      c.reply.error(`ERR Can't execute an AOF background rewriting: ${denied}`);
    } else if (this.rewrite !== null) {
      c.reply.error("ERR Background append only file rewriting already in progress");
    } else if (this.server.propagation.nesting > 1 || this.rdbSaveRunning()) {
      this.rewriteScheduled = true;
      this.consecutiveFailures = 0;
      this.startTimer();
      c.reply.simple("Background append only file rewriting scheduled");
    } else if (this.startRewrite()) {
      c.reply.simple("Background append only file rewriting started");
    } else {
      c.reply.error(AOF_RW_FAILED);
    }
  }

  /**
   * rewriteAppendOnlyFileBackground: a new incr file takes the writes from now
   * on and the new base is written in the background. False when it cannot start.
   */
  private startRewrite(): boolean {
    if (this.rewrite !== null) return false;
    const log = this.server.log;
    try {
      Deno.mkdirSync(this.dirPath(), { recursive: true });
    } catch (err) {
      log.warning(
        `Can't open or create append-only dir ${this.config.appenddirname}: ${
          permissionHint(err, this.config.dir)
        }`,
      );
      this.lastBgrewriteOk = false;
      return false;
    }
    this.flush(true);
    this.sink = selectingSink(this.feed); // aof_selected_db = -1
    if (this.state === "wait_rewrite") {
      // What a just enabled AOF has on disk counts once its first rewrite is done.
      this.fsyncedReploffPending = this.server.repl.offset;
      this.server.repl.fsyncedReploff = 0;
    }
    if (!this.openNewIncrForAppend()) {
      this.lastBgrewriteOk = false;
      return false;
    }
    const tempPath = this.config.resolvePath(`temp-rewriteaof-bg-${Deno.pid}.aof`);
    let file: Deno.FsFile;
    try {
      file = Deno.openSync(tempPath, { write: true, create: true, truncate: true, mode: 0o644 });
    } catch (err) {
      log.warning(
        `Can't open the temp file for AOF rewrite: ${permissionHint(err, this.config.dir)}`,
      );
      this.lastBgrewriteOk = false;
      return false;
    }
    this.rewrites++;
    const rdb = this.useRdb();
    const commandForm = rdb
      ? null
      : new CommandFormRewrite(this.server, file, this.config.aofTimestampEnabled);
    const job: RewriteJob = {
      start: Date.now(),
      tempPath,
      file,
      commandForm,
      rdb,
      cancelled: false,
      done: Promise.resolve(),
    };
    this.rewrite = job;
    if (commandForm !== null) this.server.addBeforeWrite(commandForm.beforeWrite);
    // The AOF being off, BGREWRITEAOF only writes a base.
    if (this.state !== "off") this.startListening();
    this.startTimer();
    this.rewriteScheduled = false;
    log.notice("Background append only file rewriting started");
    // A killed rewrite (killRewrite) stops serializing at its next slice.
    const work = commandForm !== null
      ? commandForm.run()
      : this.rdb!.save(this.server, file, () => job.cancelled);
    job.done = work.then(() => file.syncData()).then(
      () => this.rewriteDone(job, null),
      (err) => this.rewriteDone(job, err as Error),
    );
    return true;
  }

  /**
   * openNewIncrAofForAppend: the writes from now on go to a new incr file (a
   * temp one until the first rewrite of a just enabled AOF is done).
   */
  private openNewIncrForAppend(): boolean {
    if (this.state === "off") return true;
    let temp: AofManifest | null = null;
    let name: string;
    if (this.state === "wait_rewrite") {
      name = `temp-${this.filename}.incr`;
    } else {
      temp = this.manifest.clone();
      name = temp.newIncr(this.filename);
    }
    let fd: Deno.FsFile;
    try {
      fd = Deno.openSync(this.filePath(name), {
        write: true,
        create: true,
        truncate: true,
        mode: 0o644,
      });
    } catch (err) {
      this.server.log.warning(
        `Can't open the append-only file ${name}: ${permissionHint(err, this.config.dir)}`,
      );
      return false;
    }
    if (temp !== null) {
      try {
        this.persistManifest(temp);
      } catch (err) {
        this.server.log.warning(`Can't persist the AOF manifest: ${(err as Error).message}`);
        fd.close();
        return false;
      }
    }
    this.server.log.notice(`Creating AOF incr file ${name} on background rewrite`);
    const old = this.fd;
    if (old !== null) {
      // Replies waiting for durability must not depend on the new file's fsync.
      if (this.config.appendfsync === "always") this.syncNow();
      // aof_background_fsync_and_close, after any fsync still running on it.
      const running = this.syncing?.done ?? Promise.resolve();
      const reploff = this.server.repl.offset;
      running.then(() => old.syncData()).then(() => {
        if (reploff > this.fsyncedReploffPending) this.fsynced(reploff);
      }).catch(() => {}).finally(() => {
        try {
          old.close();
        } catch { /* closed */ }
      });
      this.syncedTotal = this.writtenTotal;
      this.lastFsync = Math.floor(Date.now() / 1000);
    }
    this.fd = fd;
    this.lastIncrSize = 0;
    if (temp !== null) this.manifest = temp;
    return true;
  }

  /** killAppendOnlyChild. */
  private killRewrite(): void {
    const job = this.rewrite;
    if (job === null) return;
    this.server.log.notice("Killing running AOF rewrite child");
    job.cancelled = true;
    job.commandForm?.cancel();
    if (job.commandForm) this.server.removeBeforeWrite(job.commandForm.beforeWrite);
    this.rewrite = null;
    this.removeQuietly(job.tempPath);
  }

  /** backgroundRewriteDoneHandler. */
  private rewriteDone(job: RewriteJob, err: Error | null): void {
    try {
      job.file.close();
    } catch { /* closed */ }
    if (job.cancelled) return;
    if (job.commandForm !== null) this.server.removeBeforeWrite(job.commandForm.beforeWrite);
    const log = this.server.log;
    let ok = false;
    if (err === null) {
      log.notice("Background AOF rewrite terminated with success");
      ok = this.installRewrite(job);
    } else {
      log.warning(`Background AOF rewrite terminated with error: ${err.message}`);
    }
    if (!ok) {
      this.lastBgrewriteOk = false;
      this.consecutiveFailures++;
    }
    this.removeQuietly(job.tempPath);
    if (this.state === "wait_rewrite") {
      this.buf.clear();
      const temp = `temp-${this.filename}.incr`;
      log.notice(`Removing the temp incr aof file ${temp} in the background`);
      this.removeQuietly(this.filePath(temp));
    }
    this.lastRewriteTimeSec = Math.floor((Date.now() - job.start) / 1000);
    this.rewrite = null;
    if (this.state === "wait_rewrite") this.rewriteScheduled = true;
  }

  /** The new base (and the first incr of a just enabled AOF) replace the old files. */
  private installRewrite(job: RewriteJob): boolean {
    const log = this.server.log;
    const temp = this.manifest.clone();
    const base = temp.newBase(this.filename, job.rdb);
    const basePath = this.filePath(base);
    const tmpName = job.tempPath.slice(job.tempPath.lastIndexOf("/") + 1);
    try {
      Deno.renameSync(job.tempPath, basePath);
    } catch (err) {
      log.warning(
        `Error trying to rename the temporary AOF base file ${tmpName} into ${base}: ${
          (err as Error).message
        }`,
      );
      return false;
    }
    log.notice(`Successfully renamed the temporary AOF base file ${tmpName} into ${base}`);
    let incrPath: string | null = null;
    if (this.state === "wait_rewrite") {
      const tempIncr = `temp-${this.filename}.incr`;
      const incr = temp.newIncr(this.filename);
      incrPath = this.filePath(incr);
      try {
        Deno.renameSync(this.filePath(tempIncr), incrPath);
      } catch (err) {
        log.warning(
          `Error trying to rename the temporary AOF incr file ${tempIncr} into ${incr}: ${
            (err as Error).message
          }`,
        );
        this.removeQuietly(basePath);
        return false;
      }
      log.notice(`Successfully renamed the temporary AOF incr file ${tempIncr} into ${incr}`);
    }
    temp.markRewrittenIncrAsHistory(this.fd !== null);
    try {
      this.persistManifest(temp);
    } catch (err) {
      log.warning(`Can't persist the AOF manifest: ${(err as Error).message}`);
      this.removeQuietly(basePath);
      if (incrPath !== null) this.removeQuietly(incrPath);
      return false;
    }
    this.manifest = temp;
    if (this.state !== "off") {
      this.currentSize = (fileSize(basePath) ?? 0) + this.lastIncrSize;
      this.rewriteBaseSize = this.currentSize;
    }
    this.delHistoryFiles();
    this.lastBgrewriteOk = true;
    this.consecutiveFailures = 0;
    log.notice("Background AOF rewrite finished successfully");
    if (this.state === "wait_rewrite") {
      this.state = "on";
      this.publishFsynced();
    }
    return true;
  }

  /** aofDelHistoryFiles. */
  private delHistoryFiles(): void {
    const m = this.manifest;
    if (this.config.aofDisableAutoGc || m.history.length === 0) return;
    for (const h of m.history) {
      this.server.log.notice(`Removing the history file ${h.name} in the background`);
      this.removeQuietly(this.filePath(h.name));
    }
    m.history = [];
    try {
      this.persistManifest(m);
    } catch { /* the next change writes it again */ }
  }

  private removeQuietly(path: string): void {
    try {
      Deno.removeSync(path);
    } catch { /* gone already */ }
  }

  // ------------------------------------------------------------------------------------------
  // Subsystem hooks

  /** INFO persistence: the AOF fields (and memory's mem_aof_buffer). */
  info(section: string, fields: InfoField[]): void {
    const set = (name: string, value: string | number) => {
      const f = fields.find((x) => x[0] === name);
      if (f) f[1] = value;
    };
    if (section === "memory") set("mem_aof_buffer", this.buf.len);
    if (section !== "persistence") return;
    const job = this.rewrite;
    set("aof_enabled", this.state !== "off" ? 1 : 0);
    set("aof_rewrite_in_progress", job !== null ? 1 : 0);
    set("aof_rewrite_scheduled", this.rewriteScheduled ? 1 : 0);
    set("aof_last_rewrite_time_sec", this.lastRewriteTimeSec);
    set(
      "aof_current_rewrite_time_sec",
      job !== null ? Math.floor((Date.now() - job.start) / 1000) : -1,
    );
    set("aof_last_bgrewrite_status", this.lastBgrewriteOk ? "ok" : "err");
    set("aof_rewrites", this.rewrites);
    set("aof_rewrites_consecutive_failures", this.consecutiveFailures);
    set("aof_last_write_status", this.lastWriteOk ? "ok" : "err");
    set("aof_current_size", this.currentSize);
    set("aof_base_size", this.rewriteBaseSize);
    set("aof_pending_rewrite", this.rewriteScheduled ? 1 : 0);
    set("aof_buffer_length", this.buf.len);
    set("aof_pending_bio_fsync", this.syncing !== null ? 1 : 0);
    set("aof_delayed_fsync", this.delayedFsync);
  }

  /** CONFIG RESETSTAT: aof_delayed_fsync and the rewrite counter restart. */
  resetStats(): void {
    this.delayedFsync = 0;
    this.rewrites = 0;
  }

  /** Shutdown: the buffer is written and fsynced, a running rewrite is dropped. */
  async close(): Promise<void> {
    clearTimeout(this.restartTimer);
    const job = this.rewrite;
    if (job !== null) {
      this.killRewrite();
      await job.done;
    }
    await this.syncing?.done;
    if (this.state !== "off") {
      this.flush(true, true);
      this.closeFd();
    }
    this.stopListening();
    this.stopTimer();
  }
}

function writeAllSync(f: Deno.FsFile, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) off += f.writeSync(data.subarray(off));
}

function syncDir(path: string): void {
  try {
    const d = Deno.openSync(path, { read: true });
    try {
      d.syncSync();
    } finally {
      d.close();
    }
  } catch { /* not supported here */ }
}

function isDir(path: string): boolean {
  try {
    return Deno.statSync(path).isDirectory;
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

function fileSize(path: string): number | null {
  try {
    return Deno.statSync(path).size;
  } catch {
    return null;
  }
}

function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 8192) {
    s += String.fromCharCode.apply(null, b.subarray(i, i + 8192) as unknown as number[]);
  }
  return s;
}

/**
 * Why files cannot be written under `dir` in this sandbox (Deno's
 * --allow-write), or null when they can.
 */
function writeDenied(dir: string): string | null {
  try {
    if (Deno.permissions.querySync({ name: "write", path: dir }).state === "granted") return null;
  } catch {
    return null; // no permission API: let the write itself fail
  }
  return `no write permission for ${dir} (run with --allow-write=${dir})`;
}

/** The error text, naming the flag that grants a missing file permission. */
function permissionHint(err: unknown, dir: string): string {
  const msg = (err as Error).message;
  if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
    return `${msg} (run with --allow-write=${dir})`;
  }
  return msg;
}
