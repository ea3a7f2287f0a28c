/**
 * Loading the dataset at start-up (server.c loadDataFromDisk): the RDB file
 * at dir/dbfilename, read whole under Deno's read permission for `dir`.
 * A missing file is an empty dataset; a truncated, corrupt or newer-version
 * file stops start-up with a message naming the file, the byte offset and
 * what was wrong, and the file is left as it was.
 *
 * The AOF loader extends {@link loadDataAtStartup} (AOF wins over RDB when
 * appendonly is on).
 *
 * @module
 */

import type { Config } from "../server/config.ts";
import type { Log } from "../server/log.ts";
import type { Server } from "../server/server.ts";
import { loadStatsOf } from "./load_stats.ts";
import {
  type LoadLimits,
  loadRdb,
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
 * logging as Redis does. Never writes the file.
 */
export function loadRdbFile(
  server: Server,
  path: string,
  log: Log,
  allowDup = false,
): RdbFileLoad {
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
    }
    const result = loadRdb(buf, opts);
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
  } finally {
    stats.stop();
  }
}

/**
 * Loads the dataset before the server accepts commands. Returns false when
 * start-up must stop (exit status 1); the reason has been logged.
 */
export function loadDataAtStartup(server: Server, log: Log): boolean {
  const cfg = server.config;
  // With appendonly yes the AOF is the dataset: createServer loaded it, the RDB file is not read.
  if (cfg.appendonly) return true;
  const path = cfg.resolvePath(cfg.dbfilename);
  const r = loadRdbFile(server, path, log);
  if (r.status === "failed") {
    log.warning("Fatal error loading the DB, check server logs. Exiting.");
    return false;
  }
  if (r.status === "ok") log.notice(`DB loaded from disk: ${r.seconds.toFixed(3)} seconds`);
  return true;
}
