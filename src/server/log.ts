/**
 * Redis-style logging (server.c serverLogRaw): `PID:R DD Mon YYYY HH:MM:SS.mmm L message`, where R
 * is the role (C = before init or a child, M = master, S = replica, X = sentinel) and L the level
 * (`.` debug, `-` verbose, `*` notice, `#` warning). Honors `loglevel` and `logfile` ("" = stdout;
 * otherwise the file is opened in append mode for every line, as Redis does, so rotation works).
 *
 * Also the start-up lines Redis 7.2 prints when stdout is not a tty.
 */

import { REDIS_VERSION } from "../version.ts";

/** Log levels, same numbering as Redis's LL_* constants. */
export const LL_DEBUG = 0;
export const LL_VERBOSE = 1;
export const LL_NOTICE = 2;
export const LL_WARNING = 3;
/** `loglevel nothing`: nothing is logged. */
export const LL_NOTHING = 4;

/** Redis truncates a formatted message to LOG_MAX_LEN - 1 bytes. */
const LOG_MAX_LEN = 1024;
const LEVEL_CHARS = ".-*#";
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const encoder = new TextEncoder();

/** Maps a `loglevel` name (as CONFIG GET prints it) to its LL_* number. */
export function logLevelFromName(name: string): number {
  switch (name) {
    case "debug":
      return LL_DEBUG;
    case "verbose":
      return LL_VERBOSE;
    case "notice":
      return LL_NOTICE;
    case "warning":
      return LL_WARNING;
    default:
      return LL_NOTHING;
  }
}

/** Where a Log reads its settings from; a Config satisfies it. */
export interface LogSettings {
  /** loglevel name: debug | verbose | notice | warning | nothing. */
  readonly loglevel: string;
  /** "" for stdout, otherwise a path (relative paths resolve against `dir`). */
  readonly logfile: string;
  /** Resolves a (binary string) path against the configured dir, to a native path. */
  resolvePath?(path: string): string;
}

/** Formats the Redis log timestamp: `22 Nov 2026 00:15:14.123` (local time). */
export function formatLogTime(d: Date): string {
  const p2 = (n: number) => String(n).padStart(2, "0");
  return `${p2(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ` +
    `${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.` +
    String(d.getMilliseconds()).padStart(3, "0");
}

/** A logger with Redis's line format, level filter and log file handling. */
export class Log {
  /** Role char provider; 'C' until the server is initialized (as in Redis). */
  role: () => string = () => "C";
  private settings: LogSettings;
  /** Where lines go when logfile is "" (tests may capture it). */
  stdoutWrite: (bytes: Uint8Array) => void = (bytes) => writeAllSync(Deno.stdout, bytes);

  constructor(settings: LogSettings = { loglevel: "notice", logfile: "" }) {
    this.settings = settings;
  }

  /** Reads level and file from `settings` from now on (call with the Config after parsing). */
  attach(settings: LogSettings): void {
    this.settings = settings;
  }

  /** Uses the replica role char 'S' when `isReplica()`, 'M' otherwise (call after init). */
  setServerRole(isReplica: () => boolean): void {
    this.role = () => isReplica() ? "S" : "M";
  }

  /** Whether a message at `level` would be written. */
  enabled(level: number): boolean {
    return level >= logLevelFromName(this.settings.loglevel);
  }

  debug(msg: string): void {
    this.log(LL_DEBUG, msg);
  }
  verbose(msg: string): void {
    this.log(LL_VERBOSE, msg);
  }
  notice(msg: string): void {
    this.log(LL_NOTICE, msg);
  }
  warning(msg: string): void {
    this.log(LL_WARNING, msg);
  }

  /** Writes one formatted line at `level` (dropped when below loglevel). */
  log(level: number, msg: string): void {
    if (!this.enabled(level)) return;
    let bytes = encoder.encode(msg);
    if (bytes.length > LOG_MAX_LEN - 1) bytes = bytes.subarray(0, LOG_MAX_LEN - 1);
    const prefix = `${Deno.pid}:${this.role()} ${formatLogTime(new Date())} ${LEVEL_CHARS[level]} `;
    const head = encoder.encode(prefix);
    const line = new Uint8Array(head.length + bytes.length + 1);
    line.set(head);
    line.set(bytes, head.length);
    line[line.length - 1] = 10;
    this.write(line);
  }

  /** Writes `msg` as is (Redis's LL_RAW), still honoring the level filter. */
  raw(level: number, msg: string): void {
    if (!this.enabled(level)) return;
    this.write(encoder.encode(msg));
  }

  private write(bytes: Uint8Array): void {
    const file = this.settings.logfile;
    try {
      if (file === "") {
        this.stdoutWrite(bytes);
      } else {
        const path = this.settings.resolvePath ? this.settings.resolvePath(file) : file;
        const f = Deno.openSync(path, { append: true, create: true });
        try {
          writeAllSync(f, bytes);
        } finally {
          f.close();
        }
      }
    } catch {
      // Redis silently drops a line it cannot write (fopen failure).
    }
  }
}

function writeAllSync(w: { writeSync(p: Uint8Array): number }, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.length) off += w.writeSync(bytes.subarray(off));
}

/**
 * The first start-up lines (before initServer): "Redis is starting", the version line, then
 * "Configuration loaded", or the no-config-file warning when the server got no argument at all.
 */
export function logStartupBanner(log: Log, hadArgs: boolean, argv0 = "./redis-server"): void {
  log.notice("oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo");
  log.notice(
    `Redis version=${REDIS_VERSION}, bits=64, commit=00000000, modified=0, pid=${Deno.pid}, ` +
      "just started",
  );
  if (!hadArgs) {
    log.warning(
      "Warning: no config file specified, using the default config. In order to specify a " +
        `config file use ${argv0} /path/to/redis.conf`,
    );
  } else {
    log.notice("Configuration loaded");
  }
}

/** "monotonic clock: ..." line printed by initServer. */
export function logMonotonicClock(log: Log): void {
  log.notice("monotonic clock: POSIX clock_gettime");
}

/** "Running mode=standalone, port=N." (redisAsciiArt in non-tty mode). */
export function logRunningMode(log: Log, port: number): void {
  log.notice(`Running mode=standalone, port=${port}.`);
}

/** "Server initialized". */
export function logServerInitialized(log: Log): void {
  log.notice("Server initialized");
}

/** "Ready to accept connections tcp". */
export function logReadyToAccept(log: Log): void {
  log.notice("Ready to accept connections tcp");
}
