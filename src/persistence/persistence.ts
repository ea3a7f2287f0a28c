/**
 * The RDB persistence subsystem: SAVE (rdbSave), BGSAVE (rdbSaveBackground,
 * an in-process point-in-time snapshot, see snapshot.ts), save points checked
 * by the cron, SHUTDOWN's final save, stop-writes-on-bgsave-error (-MISCONF)
 * and the rdb_* fields of INFO persistence.
 *
 * File access stays under `dir` and needs `--allow-write` there; without it
 * a save fails with an error naming the flag (the sandbox).
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import type { Command } from "../server/command_table.ts";
import type { Server } from "../server/server.ts";
import type { Entry } from "../store/keyspace.ts";
import type { InfoField, RdbSaveInfo, Subsystem } from "../server/subsystem.ts";
import { usedMemory } from "../server/server.ts";
import { REDIS_VERSION } from "../version.ts";
import type { RdbWriteOptions } from "./rdb_writer.ts";
import {
  type AccessInfo,
  type AuxFields,
  captureKeyspace,
  RdbSerializer,
  SnapshotGuard,
} from "./snapshot.ts";
import { bytesToBinary } from "../util/bytes.ts";
import { getKeysFromCommand } from "../server/command_table.ts";
import { type AofRdbCodec, aofRewriting } from "./aof.ts";
import { rdbLoadOptions } from "./load.ts";
import { loadRdbSteps, RdbFormatError } from "./rdb_reader.ts";
import { loadStatsOf } from "./load_stats.ts";

/** CONFIG_BGSAVE_RETRY_DELAY: seconds before a failed BGSAVE is retried by a save point. */
const BGSAVE_RETRY_DELAY = 5;
/** How long one BGSAVE slice may run before yielding to clients (ms). */
const SLICE_MS = 4;
/** Bytes a BGSAVE slice hands to the file at most (its CRC and copy stay short too). */
const CHUNK_BYTES = 1 << 18;

/** shared.bgsaveerr. */
export const MISCONF_ERR =
  "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.";

/** A save failed; `message` is for the log, `reply` (when set) for the client. */
export class SaveError extends Error {
  constructor(message: string, readonly reply: string | null = null) {
    super(message);
  }
}

/** A running BGSAVE. */
interface BgsaveJob {
  /** The point-in-time snapshot being written (copy-before-write on until it closes). */
  snapshot: SlicedSnapshot;
  serializer: RdbSerializer;
  startMs: number;
  /** Killed (killRDBChild); `quiet`: by SHUTDOWN or the server's close, which log no end for it. */
  aborted: boolean;
  quiet: boolean;
  done: Promise<boolean>;
}

/** The persistence subsystem of a server (see the module comment). */
export class Persistence implements Subsystem {
  readonly name = "persistence";
  /** lastbgsave_status. */
  lastBgsaveOk = true;
  /** stat_rdb_saves: counted when a SAVE or BGSAVE starts, as Redis does. */
  rdbSaves = 0;
  /** rdb_save_time_last, in seconds (-1 before the first BGSAVE). */
  lastBgsaveTimeSec = -1;
  /** lastbgsave_try, unix seconds. */
  lastBgsaveTry = 0;
  /** rdb_bgsave_scheduled. */
  scheduled = false;
  /** Bytes the last BGSAVE copied to keep its snapshot (rdb_last_cow_size). */
  lastCowSize = 0;
  /** The BGSAVE in progress, if any. */
  job: BgsaveJob | null = null;
  /**
   * The snapshot a replica's full resync is being made from, if any: for
   * SAVE, BGSAVE, BGREWRITEAOF, the cron and INFO it is a save in progress,
   * as Redis's fork for replication (disk or socket target) is its rdb child.
   * `kill` stops it (killRDBChild): its `run` then returns false and reports `killed`.
   */
  syncSave: { serializer: RdbSerializer; startMs: number; kill: () => void } | null = null;
  private dirtyBeforeBgsave = 0;
  private bgsaveSeq = 0;
  /** The copy-before-write state of each open snapshot. */
  private readonly guards = new Set<SnapshotGuard>();

  constructor(private readonly server: Server) {
    registry.set(server, this);
  }

  /**
   * An RDB is being made in the background (child_type == CHILD_TYPE_RDB):
   * a BGSAVE, or a replica's full resync.
   */
  get saveInProgress(): boolean {
    return this.job !== null || this.syncSave !== null;
  }

  /**
   * flushAllDataAndResetRDB: FLUSHALL kills a running BGSAVE or full resync's
   * snapshot (the replicas waiting for it sync again), then, when `save`
   * (save points exist), saves the empty dataset synchronously.
   */
  flushAll(save: boolean): boolean {
    this.killRdbChild();
    return save ? this.trySaveSync() : true;
  }

  /**
   * A background save or another child (an AOF rewrite) is running
   * (hasActiveChildProcess): BGSAVE and the save points wait for it.
   */
  private get childActive(): boolean {
    return this.saveInProgress || aofRewriting(this.server);
  }

  private get rdbPath(): string {
    return joinPath(this.server.config.dir, this.server.config.dbfilename);
  }

  private get tempPath(): string {
    return joinPath(this.server.config.dir, `temp-${Deno.pid}.rdb`);
  }

  /**
   * A BGSAVE's temp file: its own name, so that a killed one still finishing
   * an in-flight write never touches the file of the save that follows.
   */
  private bgTempPath(): string {
    return joinPath(this.server.config.dir, `temp-${Deno.pid}-${++this.bgsaveSeq}.rdb`);
  }

  /** Encoding options from the live config. */
  writeOptions(): RdbWriteOptions {
    const cfg = this.server.config;
    return {
      compression: cfg.rdbcompression,
      limits: cfg.encodingLimits(),
      streamNodeMaxEntries: Number(cfg.streamNodeMaxEntries),
      streamNodeMaxBytes: Number(cfg.streamNodeMaxBytes),
    };
  }

  /** The function libraries to save (a subsystem's rdbFunctions: scripting). */
  private functions(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (const s of this.server.subsystems) if (s.rdbFunctions) out.push(...s.rdbFunctions());
    return out;
  }

  /** IDLE / FREQ per key when maxmemory-policy is an LRU / LFU one. */
  private accessInfo(): AccessInfo | null {
    const cfg = this.server.config;
    const p = cfg.maxmemoryPolicy;
    const kind = p.endsWith("-lru") ? "lru" : p.endsWith("-lfu") ? "lfu" : null;
    if (kind === null) return null;
    return { kind, now: this.server.clock.now(), lfuDecayTime: cfg.lfuDecayTime };
  }

  /** rdbPopulateSaveInfo for a file save (SAVE, BGSAVE, save points, shutdown, DEBUG RELOAD). */
  private saveInfo(): RdbSaveInfo | undefined {
    for (const s of this.server.subsystems) {
      const info = s.rdbSaveInfo?.();
      if (info) return info;
    }
    return undefined;
  }

  /** rdbSaveInfoAuxFields; the repl-* fields when `repl` is given (saveInfo, a full resync). */
  private auxFields(aofBase = false, repl?: RdbSaveInfo): AuxFields {
    const fields: AuxFields = [
      ["redis-ver", REDIS_VERSION],
      ["redis-bits", 64],
      ["ctime", Math.floor(Date.now() / 1000)],
      ["used-mem", usedMemory()],
    ];
    if (repl !== undefined) {
      fields.push(
        ["repl-stream-db", repl.streamDb],
        ["repl-id", repl.replid],
        ["repl-offset", repl.offset],
      );
    }
    fields.push(["aof-base", aofBase ? 1 : 0]);
    return fields;
  }

  /**
   * The whole dataset as RDB bytes, at once (DEBUG RELOAD, AOF preamble, a
   * replica's full resync, tests). `aofBase` marks an AOF base file; `repl`
   * adds the replication aux fields; `withData` false writes no keys
   * (REPLCONF rdb-filter-only).
   */
  serialize(aofBase = false, repl?: RdbSaveInfo, withData = true): Uint8Array {
    const ser = new RdbSerializer(
      withData ? captureKeyspace(this.server.keyspace) : [],
      this.auxFields(aofBase, repl),
      this.writeOptions(),
      this.server.config.rdbchecksum,
      null,
      this.accessInfo(),
      this.functions(),
    );
    ser.step(Infinity, Infinity);
    const body = ser.enc.take();
    const out = new Uint8Array(body.length + 8);
    out.set(body);
    out.set(ser.trailer(), body.length);
    return out;
  }

  /** The sandbox: a clear error when `dir` is not writable by permission. */
  private checkWritePermission(): void {
    const dir = this.server.config.dir;
    const st = Deno.permissions.querySync({ name: "write", path: dir });
    if (st.state !== "granted") {
      throw new SaveError(
        `No write permission for the RDB directory ${dir}`,
        `ERR Saving is not permitted: the server runs without write access to '${dir}'. Restart deno with --allow-write=${dir}`,
      );
    }
  }

  /**
   * rdbSave: writes the dataset to temp-<pid>.rdb, fsyncs and renames it over
   * dbfilename, synchronously. Throws SaveError on failure.
   */
  saveSync(): void {
    this.checkWritePermission();
    const log = this.server.log;
    const tmp = this.tempPath;
    const ser = new RdbSerializer(
      captureKeyspace(this.server.keyspace),
      this.auxFields(false, this.saveInfo()),
      this.writeOptions(),
      this.server.config.rdbchecksum,
      null,
      this.accessInfo(),
      this.functions(),
    );
    let f: Deno.FsFile;
    try {
      f = Deno.openSync(tmp, { write: true, create: true, truncate: true });
    } catch (err) {
      ser.release();
      throw new SaveError(
        `Failed opening the temp RDB file temp-${Deno.pid}.rdb (in server root dir ${this.server.config.dir}) for saving: ${
          (err as Error).message
        }`,
      );
    }
    try {
      let done = false;
      while (!done) {
        done = ser.step(Infinity, 1 << 22);
        writeAllSync(f, ser.enc.drain());
      }
      writeAllSync(f, ser.trailer());
      f.syncSync();
      f.close();
    } catch (err) {
      ser.release();
      try {
        f.close();
      } catch { /* closed */ }
      removeQuietly(tmp);
      throw new SaveError(`Write error saving DB on disk: ${(err as Error).message}`);
    }
    try {
      Deno.renameSync(tmp, this.rdbPath);
    } catch (err) {
      removeQuietly(tmp);
      throw new SaveError(
        `Error moving temp DB file temp-${Deno.pid}.rdb on the final destination ${this.server.config.dbfilename} (in server root dir ${this.server.config.dir}): ${
          (err as Error).message
        }`,
      );
    }
    log.notice("DB saved on disk");
    this.server.dirty = 0;
    this.server.lastSave = Math.floor(this.server.clock.now() / 1000);
    this.lastBgsaveOk = true;
  }

  /** saveSync that logs instead of throwing; true on success. */
  trySaveSync(): boolean {
    try {
      this.saveSync();
      return true;
    } catch (err) {
      this.server.log.warning((err as Error).message);
      return false;
    }
  }

  /**
   * rdbSaveBackground: takes the snapshot now and writes it in slices.
   * Throws SaveError when it cannot start (permissions).
   */
  bgsave(): void {
    // rdbSaveBackground counts the save before it forks, whatever becomes of it.
    this.rdbSaves++;
    this.checkWritePermission();
    const server = this.server;
    this.lastBgsaveTry = Math.floor(this.server.clock.now() / 1000);
    this.dirtyBeforeBgsave = server.dirty;
    this.lastCowSize = 0;
    const snapshot = this.openSnapshot(false, this.saveInfo());
    const job: BgsaveJob = {
      snapshot,
      serializer: snapshot.serializer,
      startMs: Date.now(),
      aborted: false,
      quiet: false,
      done: Promise.resolve(false),
    };
    this.job = job;
    server.log.notice(`Background saving started by pid ${Deno.pid}`);
    job.done = this.writeBackground(job);
  }

  /**
   * A key about to be replaced without a write command naming it (DEBUG
   * RELOAD MERGE loading over it): every open snapshot that holds it keeps
   * its value from the snapshot's start, as a forked child's memory would.
   */
  beforeReplace(e: Entry): void {
    for (const g of this.guards) g.remember(e);
  }

  /** Copy-before-write for the keys a write command names (see snapshot.ts). */
  private copyGuarded(guard: SnapshotGuard, c: Client, cmd: Command): void {
    const db = c.db;
    for (const ref of getKeysFromCommand(cmd, c.argv)) {
      if (ref.pos >= c.argv.length) continue;
      const key = bytesToBinary(c.argv[ref.pos]);
      const e = db.peek(key);
      if (e === undefined) continue;
      const copy = guard.beforeWrite(e);
      if (copy !== null) {
        db.set(key, copy, true);
        this.lastCowSize += copy.memoryUsage;
      }
    }
  }

  private async writeBackground(job: BgsaveJob): Promise<boolean> {
    const server = this.server;
    const tmp = this.bgTempPath();
    let ok = false;
    let f: Deno.FsFile | null = null;
    try {
      const file = f = await Deno.open(tmp, { write: true, create: true, truncate: true });
      if (!await job.snapshot.run((chunk) => writeAll(file, chunk), () => job.aborted)) {
        throw new Error("aborted");
      }
      await f.sync();
      f.close();
      f = null;
      if (job.aborted) throw new Error("aborted");
      await Deno.rename(tmp, this.rdbPath);
      ok = true;
    } catch (err) {
      if (f !== null) {
        try {
          f.close();
        } catch { /* closed */ }
      }
      removeQuietly(tmp);
      if (!job.aborted) {
        server.log.warning(`Write error saving DB on disk: ${(err as Error).message}`);
      }
    }
    job.snapshot.close();
    if (job.aborted) {
      // checkChildrenDone finding the child killRDBChild signalled (SIGUSR1), after
      // whatever the killer went on to do: the status stays as it was.
      if (!job.quiet) server.log.warning("Background saving terminated by signal 10");
      return false;
    }
    this.job = null;
    this.lastBgsaveTimeSec = Math.floor((Date.now() - job.startMs) / 1000);
    if (ok) {
      server.log.notice("DB saved on disk");
      server.log.notice("Background saving terminated with success");
      server.dirty -= this.dirtyBeforeBgsave;
      server.lastSave = Math.floor(server.clock.now() / 1000);
      this.lastBgsaveOk = true;
    } else {
      server.log.warning("Background saving error");
      this.lastBgsaveOk = false;
    }
    return ok;
  }

  /**
   * Writes a point-in-time RDB image (an AOF base, aof-base:1) to `file` in
   * slices between event-loop turns, with the same copy-before-write as BGSAVE;
   * stops early (the copy-before-write with it) once `stop` returns true.
   */
  async snapshotTo(file: Deno.FsFile, stop: () => boolean = () => false): Promise<void> {
    await this.openSnapshot(true).run((chunk) => writeAll(file, chunk), stop);
  }

  /**
   * Takes a point-in-time snapshot now (BGSAVE's capture and copy-before-write,
   * see snapshot.ts) to be serialized in slices by its `run`: BGREWRITEAOF's
   * base (`aofBase`) and a replica's full resync (`repl` adds the replication
   * aux fields; `withData` false writes no keys and `withFunctions` false no
   * function libraries, REPLCONF rdb-filter-only).
   */
  openSnapshot(
    aofBase: boolean,
    repl?: RdbSaveInfo,
    withData = true,
    withFunctions = true,
  ): SlicedSnapshot {
    const server = this.server;
    const images = withData ? captureKeyspace(server.keyspace) : [];
    const guard = new SnapshotGuard(new Set(images.map((im) => im.store)));
    const ser = new RdbSerializer(
      images,
      this.auxFields(aofBase, repl),
      this.writeOptions(),
      server.config.rdbchecksum,
      guard,
      this.accessInfo(),
      withFunctions ? this.functions() : [],
    );
    const hook = (c: Client, cmd: Command) => this.copyGuarded(guard, c, cmd);
    server.addBeforeWrite(hook);
    this.guards.add(guard);
    let killed = false;
    const sync = repl !== undefined
      ? { serializer: ser, startMs: Date.now(), kill: () => killed = true }
      : null;
    if (sync !== null) this.syncSave = sync;
    let open = true;
    const close = () => {
      if (!open) return;
      open = false;
      server.removeBeforeWrite(hook);
      this.guards.delete(guard);
      ser.release();
      if (sync !== null && this.syncSave === sync) {
        // backgroundSaveDoneHandler: rdb_last_bgsave_time_sec, whatever the target.
        this.syncSave = null;
        this.lastBgsaveTimeSec = Math.floor((Date.now() - sync.startMs) / 1000);
      }
    };
    const stopped = (stop: () => boolean) => killed || stop();
    const run = async (sink: SnapshotSink, stop: () => boolean = () => false) => {
      // A turn for a synchronous sink is an interval-timer wake-up: chained
      // setTimeouts get clamped to 4 ms each.
      let wake: (() => void) | null = null;
      let ticker: ReturnType<typeof setInterval> | undefined;
      const turn = () =>
        new Promise<void>((resolve) => {
          ticker ??= setInterval(() => {
            const w = wake;
            wake = null;
            w?.();
          }, 1);
          wake = resolve;
        });
      try {
        let done = false;
        while (!done) {
          if (stopped(stop)) return false;
          // rdb-key-save-delay (tests): one key per slice, then that many microseconds.
          const delay = Number(server.config.rdbKeySaveDelay);
          done = ser.step(SLICE_MS, CHUNK_BYTES, delay > 0 ? 1 : Infinity);
          // Clients get a turn while the slice is written: awaiting the write
          // alone is not enough, its completion can resume the serializer
          // before the event loop gets to timers and sockets. The write's
          // failure is held meanwhile (not left unhandled) and rethrown; the
          // chunk is the encoder's buffer, so it is awaited before the next slice.
          const chunk = ser.enc.drain();
          const written = chunk.length > 0 ? sink(chunk) : undefined;
          const failed = written instanceof Promise
            ? written.then(() => null, (e: unknown) => e ?? new Error("write failed"))
            : null;
          if (delay > 0) await new Promise((r) => setTimeout(r, delay / 1000));
          else if (!done) await turn();
          const err = failed === null ? null : await failed;
          if (err !== null) throw err;
        }
        if (stopped(stop)) return false;
        const last = sink(ser.trailer());
        if (last !== undefined) await last;
        return true;
      } finally {
        clearInterval(ticker);
        close();
      }
    };
    return {
      serializer: ser,
      run,
      close,
      get killed() {
        return killed;
      },
    };
  }

  /**
   * killRDBChild: stops the RDB being made in the background, a BGSAVE (its
   * temp file is removed; "terminated by signal 10" is logged once its writer
   * stops, unless `quiet`) or a full resync's snapshot (whose replicas the
   * replication subsystem then drops). Returns whether one was running.
   */
  killRdbChild(quiet = false): boolean {
    const sync = this.syncSave;
    if (sync !== null) sync.kill();
    const job = this.job;
    if (job === null) return sync !== null;
    job.aborted = true;
    job.quiet = quiet;
    this.job = null;
    job.snapshot.close();
    this.lastBgsaveTimeSec = Math.floor((Date.now() - job.startMs) / 1000);
    return true;
  }

  /** Resolves when the running BGSAVE (if any) ends; true when it succeeded. */
  waitBgsave(): Promise<boolean> {
    return this.job ? this.job.done : Promise.resolve(this.lastBgsaveOk);
  }

  // ---------------------------------------------------------------------------------------------
  // Subsystem hooks

  /** serverCron: a due save point or a scheduled BGSAVE starts one. */
  cron(): void {
    if (this.childActive) return;
    const server = this.server;
    // The server's clock, so that tests can move it (LASTSAVE itself is wall time).
    const now = Math.floor(server.clock.now() / 1000);
    const retryOk = now - this.lastBgsaveTry > BGSAVE_RETRY_DELAY || this.lastBgsaveOk;
    if (this.scheduled && retryOk) {
      this.scheduled = false;
      this.startBgsaveLogged();
      return;
    }
    for (const sp of server.config.saveParams) {
      if (server.dirty >= sp.changes && now - server.lastSave > sp.seconds && retryOk) {
        server.log.notice(`${sp.changes} changes in ${sp.seconds} seconds. Saving...`);
        this.startBgsaveLogged();
        break;
      }
    }
  }

  private startBgsaveLogged(): void {
    try {
      this.bgsave();
    } catch (err) {
      this.server.log.warning(`Can't save in background: ${(err as Error).message}`);
      this.lastBgsaveOk = false;
      this.lastBgsaveTry = Math.floor(this.server.clock.now() / 1000);
    }
  }

  /** processCommand: -MISCONF for writes (and PING) after a failed BGSAVE. */
  denyCommand(c: Client, cmd: Command): string | null {
    if (this.lastBgsaveOk) return null;
    const cfg = this.server.config;
    if (!cfg.stopWritesOnBgsaveError || cfg.saveParams.length === 0) return null;
    if (c.kind === "master") return null;
    const isWrite = cmd.isWrite ||
      (cmd.name === "exec" && c.multi !== null && c.multi.some((q) => q.cmd.isWrite));
    return isWrite || cmd.name === "ping" ? MISCONF_ERR : null;
  }

  /** INFO persistence: the rdb_* and current_* fields. */
  info(section: string, fields: InfoField[]): void {
    if (section !== "persistence") return;
    const job = this.job ?? this.syncSave;
    const set = (name: string, value: string | number) => {
      const f = fields.find((x) => x[0] === name);
      if (f !== undefined) f[1] = value;
    };
    if (job !== null) {
      const s = job.serializer;
      set("current_cow_size", this.lastCowSize);
      set("current_cow_peak", this.lastCowSize);
      set("current_fork_perc", (s.keysTotal ? (s.keysDone / s.keysTotal) * 100 : 0).toFixed(2));
      set("current_save_keys_processed", s.keysDone);
      set("current_save_keys_total", s.keysTotal);
      set("rdb_current_bgsave_time_sec", Math.floor((Date.now() - job.startMs) / 1000));
    }
    set("rdb_bgsave_in_progress", job !== null ? 1 : 0);
    set("rdb_last_bgsave_status", this.lastBgsaveOk ? "ok" : "err");
    set("rdb_last_bgsave_time_sec", this.lastBgsaveTimeSec);
    set("rdb_saves", this.rdbSaves);
    set("rdb_last_cow_size", job !== null ? 0 : this.lastCowSize);
  }

  /** CONFIG RESETSTAT: stat_rdb_saves. */
  resetStats(): void {
    this.rdbSaves = 0;
  }

  /** SHUTDOWN's final save: a running BGSAVE is killed, then a synchronous save. */
  shutdownSave(_force: boolean): Promise<boolean> {
    if (this.saveInProgress) {
      this.server.log.warning("There is a child saving an .rdb. Killing it!");
      this.killRdbChild(true);
    }
    // The sandbox: a server that may not write can never save; it still shuts down.
    const dir = this.server.config.dir;
    if (Deno.permissions.querySync({ name: "write", path: dir }).state !== "granted") {
      this.server.log.warning(
        `Not saving on shutdown: no write permission for ${dir} (restart deno with --allow-write=${dir})`,
      );
      return Promise.resolve(true);
    }
    return Promise.resolve(this.trySaveSync());
  }

  /** Server close: a running BGSAVE is abandoned (its temp file removed). */
  close(): void {
    this.killRdbChild(true);
  }
}

/** The persistence subsystem of `server` (installed by the composition root). */
/**
 * The RDB image as an AOF base (aof-use-rdb-preamble yes): written
 * point-in-time in slices like BGSAVE (BGREWRITEAOF), at once at start-up,
 * and read back by the RDB reader.
 */
export const aofRdbCodec: AofRdbCodec = {
  save: (server, file, stop) => persistenceOf(server).snapshotTo(file, stop),
  saveSync: (server, file) => writeAllSync(file, persistenceOf(server).serialize(true)),
  saveInProgress: (server) => persistenceOf(server).saveInProgress,
  load: function* (server, data, name, sliceBytes) {
    try {
      const steps = loadRdbSteps(data, rdbLoadOptions(server, server.log), sliceBytes);
      const stats = loadStatsOf(server);
      for (;;) {
        const r = steps.next();
        stats.keysLoaded = r.value.keysLoaded;
        stats.keysExpired = r.value.keysExpired;
        if (r.done) return r.value.bytesRead;
        yield r.value.bytesRead;
      }
    } catch (err) {
      if (!(err instanceof RdbFormatError)) throw err;
      throw new Error(
        `Bad file format reading the append only file ${name} at offset ${err.offset}: ${err.message}`,
      );
    }
  },
};

/**
 * Takes the RDB's bytes in order; a chunk is only valid until the call (or
 * its promise) returns.
 */
export type SnapshotSink = (chunk: Uint8Array) => void | Promise<void>;

/** A point-in-time snapshot taken by {@link Persistence.openSnapshot}. */
export interface SlicedSnapshot {
  /** Its serializer (keys done and total). */
  readonly serializer: RdbSerializer;
  /**
   * Serializes the image in slices, yielding to the event loop between them,
   * into `sink`, the CRC-64 trailer last; false when `stop` returned true
   * before the end. The snapshot is closed when it returns.
   */
  run(sink: SnapshotSink, stop?: () => boolean): Promise<boolean>;
  /** Ends copy-before-write and the id pin (idempotent). */
  close(): void;
  /** Stopped by killRdbChild (a full resync's snapshot: FLUSHALL, a replica's load). */
  readonly killed: boolean;
}

const registry = new WeakMap<Server, Persistence>();

/** The persistence subsystem installed in `server`. */
export function persistenceOf(server: Server): Persistence {
  const p = registry.get(server);
  if (p === undefined) throw new Error("persistence subsystem not installed");
  return p;
}

function joinPath(dir: string, name: string): string {
  return dir.endsWith("/") ? dir + name : `${dir}/${name}`;
}

function writeAllSync(f: Deno.FsFile, b: Uint8Array): void {
  let off = 0;
  while (off < b.length) off += f.writeSync(b.subarray(off));
}

async function writeAll(f: Deno.FsFile, b: Uint8Array): Promise<void> {
  let off = 0;
  while (off < b.length) off += await f.write(b.subarray(off));
}

function removeQuietly(path: string): void {
  try {
    Deno.removeSync(path);
  } catch { /* gone already */ }
}
