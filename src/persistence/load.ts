/**
 * Loading the dataset at start-up (server.c loadDataFromDisk): the AOF when
 * appendonly is on (it wins), else the RDB file at dir/dbfilename, read whole
 * under Deno's read permission for `dir`. A missing file is an empty dataset;
 * a truncated, corrupt or newer-version file stops start-up with a message
 * naming the file, the byte offset and what was wrong, and the file is left
 * as it was.
 *
 * The server listens while it loads: the loaders are generators that yield
 * every loading-process-events-interval-bytes (RDB) or 1024 commands (AOF),
 * and {@link loadDataAtStartup} hands the event loop over at those points
 * (processEventsWhileBlocked), with `Server.loading` set so that commands
 * without the `loading` flag get -LOADING.
 *
 * @module
 */

import type { Config } from "../server/config.ts";
import type { Log } from "../server/log.ts";
import type { Server } from "../server/server.ts";
import { loadStatsOf } from "./load_stats.ts";
import { aofOf } from "./aof.ts";
import { persistenceOf } from "./persistence.ts";
import {
  type LoadLimits,
  loadRdbSteps,
  RdbFormatError,
  type RdbLoadOptions,
  type RdbLoadResult,
} from "./rdb_reader.ts";

/** The encodings a loaded value gets, from the live config (also RESTORE's). */
export function loadLimits(cfg: Config): LoadLimits {
  return {
    ...cfg.encodingLimits(),
    streamNodeMaxBytes: cfg.streamNodeMaxBytes,
    streamNodeMaxEntries: cfg.streamNodeMaxEntries,
  };
}

/** The load options for `server`'s keyspace and config. */
export function rdbLoadOptions(server: Server, log: Log): RdbLoadOptions {
  const cfg = server.config;
  return {
    dbs: server.keyspace.dbs,
    limits: loadLimits(cfg),
    now: server.clock.now(),
    dropExpired: !server.isReplica(),
    checksum: cfg.rdbchecksum,
    lfu: cfg.maxmemoryPolicy.endsWith("-lfu"),
    loadFunction: functionLoader(server),
    log: (level, msg) => {
      if (level === "warning") log.warning(msg);
      else if (level === "notice") log.notice(msg);
      else log.verbose(msg);
    },
  };
}

/** The subsystem that takes FUNCTION2 libraries (scripting), as the reader's callback. */
function functionLoader(
  server: Server,
  replace = false,
): ((code: Uint8Array) => string | null) | undefined {
  const s = server.subsystems.find((s) => s.rdbLoadFunction !== undefined);
  return s === undefined ? undefined : (code) => s.rdbLoadFunction!(code, replace);
}

/** Outcome of {@link loadRdbFile}. */
export type RdbFileLoad =
  | { status: "ok"; result: RdbLoadResult; seconds: number }
  | { status: "missing" }
  | { status: "failed"; message: string };

/**
 * Loads the RDB file at `path` (a native path) into `server` (rdbLoad),
 * logging as Redis does, in one go. Never writes the file.
 */
export function loadRdbFile(
  server: Server,
  path: string,
  log: Log,
  allowDup = false,
): RdbFileLoad {
  const steps = rdbFileSteps(server, path, log, allowDup, Infinity);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** {@link loadRdbFile} in slices of `sliceBytes`: yields after each. */
function* rdbFileSteps(
  server: Server,
  path: string,
  log: Log,
  allowDup: boolean,
  sliceBytes: number,
): Generator<void, RdbFileLoad, void> {
  let buf: Uint8Array;
  try {
    buf = Deno.readFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return { status: "missing" };
    let message = `Fatal error: can't open the RDB file ${path} for reading: ${
      (err as Error).message
    }`;
    if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
      message += "\nAdd --allow-read=<dir> (the --dir directory) to the deno command line.";
    }
    log.warning(message);
    return { status: "failed", message };
  }
  const stats = loadStatsOf(server);
  const start = performance.now();
  stats.start(buf.length, Date.now());
  try {
    const opts = rdbLoadOptions(server, log);
    if (allowDup) {
      opts.allowDup = true;
      opts.loadFunction = functionLoader(server, true);
      const persistence = persistenceOf(server);
      opts.beforeReplace = (e) => persistence.beforeReplace(e);
    }
    const steps = loadRdbSteps(buf, opts, sliceBytes);
    let result: RdbLoadResult;
    for (;;) {
      const r = steps.next();
      if (r.done) {
        result = r.value;
        break;
      }
      stats.keysLoaded = r.value.keysLoaded;
      stats.keysExpired = r.value.keysExpired;
      stats.loadedBytes = r.value.bytesRead;
      stats.rdbUsedMem = parseInt(r.value.aux.get("used-mem") ?? "0", 10) || 0;
      yield;
    }
    stats.keysLoaded = result.keysLoaded;
    stats.keysExpired = result.keysExpired;
    stats.loadedBytes = buf.length;
    let done =
      `Done loading RDB, keys loaded: ${result.keysLoaded}, keys expired: ${result.keysExpired}`;
    done += result.emptyKeysSkipped > 0 ? `, empty keys skipped: ${result.emptyKeysSkipped}.` : ".";
    log.notice(done);
    return { status: "ok", result, seconds: (performance.now() - start) / 1000 };
  } catch (err) {
    if (!(err instanceof RdbFormatError)) throw err;
    const lines: string[] = [];
    if (err.kind === "eof") {
      lines.push("Short read or OOM loading DB. Unrecoverable error, aborting now.");
    } else if (err.offset > 5) {
      lines.push(`Internal error in RDB reading offset ${err.offset}: ${err.message}`);
    } else {
      lines.push(err.message);
    }
    lines.push(`Failed loading RDB file '${path}' at offset ${err.offset}: ${err.message}`);
    for (const l of lines) log.warning(l);
    return { status: "failed", message: lines.join("\n") };
  }
}

/**
 * The event loop gets a turn at a yield point once this many ms of loading
 * ran since the previous turn: a turn costs about a millisecond (a timer),
 * so turning at every 2 MB would slow a fast load down noticeably.
 */
const MIN_SLICE_MS = 25;

/**
 * Runs `steps` to its end, giving the event loop a turn between slices
 * (processEventsWhileBlocked) so that clients are served meanwhile. The
 * turn also waits what key-load-delay asks for the keys loaded since the
 * last one (a test knob: Redis sleeps that many us per key, or 1 us every
 * -N keys when negative). Returns null when the server was closed
 * (SHUTDOWN) during the load.
 */
async function runSliced<T>(server: Server, steps: Generator<void, T, void>): Promise<T | null> {
  const stats = loadStatsOf(server);
  // A turn is a wake-up by an interval timer: chained setTimeouts get clamped to 4 ms each.
  let wake: (() => void) | null = null;
  const ticker = setInterval(() => {
    const w = wake;
    wake = null;
    w?.();
  }, 1);
  try {
    let last = performance.now();
    let keys = stats.keysLoaded;
    let delayUs = 0;
    for (;;) {
      const r = steps.next();
      if (r.done) return r.value;
      const delay = server.config.keyLoadDelay;
      if (delay !== 0) {
        const n = Math.max(stats.keysLoaded - keys, 0);
        delayUs += delay > 0 ? n * delay : n / -delay;
      }
      keys = stats.keysLoaded;
      const wait = Math.floor(delayUs / 1000);
      if (wait < 1 && performance.now() - last < MIN_SLICE_MS) continue;
      delayUs -= wait * 1000;
      await new Promise<void>((resolve) => {
        if (wait >= 1) setTimeout(resolve, wait);
        else wake = resolve;
      });
      if (server.closing) {
        steps.return(null as T);
        return null;
      }
      last = performance.now();
    }
  } finally {
    clearInterval(ticker);
  }
}

/**
 * Loads the dataset at start-up while the server already listens (clients
 * get -LOADING meanwhile): the AOF when appendonly is on, else the RDB file.
 * Returns false when start-up must stop (exit status 1); the reason has been
 * logged. Throws AofLoadError (logged) when the AOF cannot be loaded.
 */
export async function loadDataAtStartup(server: Server, log: Log): Promise<boolean> {
  const cfg = server.config;
  server.setLoading(true);
  try {
    // The manifest is read even with the AOF off; with appendonly yes the AOF is the dataset.
    await runSliced(server, aofOf(server).loadAtStartSteps());
    if (cfg.appendonly || server.closing) return true;
    const path = cfg.resolvePath(cfg.dbfilename);
    const r = await runSliced(
      server,
      rdbFileSteps(server, path, log, false, cfg.loadingProcessEventsIntervalBytes),
    );
    if (r === null) return true;
    if (r.status === "failed") {
      log.warning("Fatal error loading the DB, check server logs. Exiting.");
      return false;
    }
    if (r.status === "ok") {
      log.notice(`DB loaded from disk: ${r.seconds.toFixed(3)} seconds`);
      // The replication id and offset the file was saved with (loadDataFromDisk).
      for (const s of server.subsystems) s.rdbLoaded?.(r.result.aux);
    }
    return true;
  } finally {
    server.setLoading(false);
  }
}
