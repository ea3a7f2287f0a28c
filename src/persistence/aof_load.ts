/**
 * Replaying an append-only file at start (aof.c loadSingleAppendOnlyFile):
 * each command runs its handler with a fake client whose replies are dropped,
 * MULTI queues and EXEC runs the queue through the executor's `call`, as
 * Redis's loader does; annotations (`#...` lines) are skipped; a file cut short in its last
 * command (or inside a MULTI without EXEC) is truncated to the last complete
 * command when aof-load-truncated allows it.
 */

import { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { cString } from "../util/bytes.ts";

/** What loading one file gave (AOF_OK, AOF_NOT_EXIST, ...). */
export type AofLoadStatus = "ok" | "not_exist" | "empty" | "open_err" | "failed" | "truncated";

/** A load that must stop start-up: the file, the byte offset and what was wrong. */
export class AofLoadError extends Error {
  constructor(message: string, readonly file: string, readonly offset: number) {
    super(message);
  }
}

/**
 * Loads an RDB image at the start of `data` (an RDB base file, or the RDB
 * preamble of an old single-file AOF) and returns the bytes it used; yields
 * the offset reached every `sliceBytes` (see loadRdbSteps).
 */
export type RdbImageLoader = (
  server: Server,
  data: Uint8Array,
  name: string,
  sliceBytes: number,
) => Generator<number, number, void>;

/** What the loader needs besides the server. */
export interface AofLoadOptions {
  /** aof-load-truncated. */
  loadTruncated: boolean;
  /** The RDB reader for RDB base files, null until it exists. */
  rdb: RdbImageLoader | null;
  /** True for an old-style single file (its RDB part is a preamble with an AOF tail). */
  oldStyle: boolean;
  /** Bytes between yields inside an RDB base (loading-process-events-interval-bytes). */
  sliceBytes: number;
}

const LF = 10, STAR = 42, DOLLAR = 36, HASH = 35;
/** AOF_ANNOTATION_LINE_MAX_LEN: fgets' buffer for count and length lines. */
const LINE_MAX = 1024;

/** Commands replayed between yields (loadSingleAppendOnlyFile's `loops % 1024`). */
const COMMANDS_PER_SLICE = 1024;

/**
 * loadSingleAppendOnlyFile: replays `path` (shown as `name`). Returns the
 * status; fatal errors are logged with Redis's texts and thrown as
 * AofLoadError naming file and offset. Yields the offset reached every
 * {@link COMMANDS_PER_SLICE} commands (and inside an RDB base), where the
 * caller may serve clients before resuming.
 */
export function* loadSingleAppendOnlyFile(
  server: Server,
  path: string,
  name: string,
  opts: AofLoadOptions,
): Generator<number, AofLoadStatus, void> {
  const log = server.log;
  let data: Uint8Array;
  try {
    data = Deno.readFileSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) {
      log.warning(`The append log file ${name} doesn't exist: No such file or directory`);
      return "not_exist";
    }
    const msg = `Fatal error: can't open the append log file ${name} for reading: ${
      (err as Error).message
    }`;
    log.warning(msg);
    throw new AofLoadError(msg, name, 0);
  }
  if (data.length === 0) return "empty";

  let pos = 0;
  if (
    data.length >= 5 && data[0] === 82 && data[1] === 69 && data[2] === 68 && data[3] === 73 &&
    data[4] === 83 // "REDIS"
  ) {
    log.notice(
      opts.oldStyle
        ? "Reading RDB preamble from AOF file..."
        : "Reading RDB base file on AOF loading...",
    );
    if (opts.rdb === null) {
      // SEAM: the RDB reader plugs in here (AofOptions.rdb in create.ts).
      const msg = `Error reading the RDB ${
        opts.oldStyle ? "preamble of the AOF file" : "base file"
      } ${name}, AOF loading aborted: RDB files can't be loaded by this build yet`;
      log.warning(msg);
      throw new AofLoadError(msg, name, 0);
    }
    try {
      pos = yield* opts.rdb(server, data, name, opts.sliceBytes);
    } catch (err) {
      const msg = opts.oldStyle
        ? `Error reading the RDB preamble of the AOF file ${name}, AOF loading aborted`
        : `Error reading the RDB base file ${name}, AOF loading aborted`;
      log.warning(msg);
      throw new AofLoadError(`${msg}: ${(err as Error).message}`, name, 0);
    }
    if (opts.oldStyle) log.notice("Reading the remaining AOF tail...");
  }

  const fake = new Client(server, null);
  fake.authenticated = true;
  const commands = server.commands;
  let validUpTo = pos;
  let validBeforeMulti = pos;
  const n = data.length;

  /** fgets: the line at `pos` (up to LINE_MAX-1 bytes), or null at EOF. */
  const readLine = (): [number, number] | null => {
    if (pos >= n) return null;
    const start = pos;
    const limit = Math.min(n, start + LINE_MAX - 1);
    while (pos < limit && data[pos] !== LF) pos++;
    if (pos < limit) pos++; // include the LF
    return [start, pos];
  };
  /** strtol/atoi of the digits after the line's first byte. */
  const lineNumber = (l: [number, number]): number => {
    let i = l[0] + 1;
    let neg = false;
    if (data[i] === 45) {
      neg = true;
      i++;
    } else if (data[i] === 43) i++;
    let v = 0;
    while (i < l[1] && data[i] >= 48 && data[i] <= 57) v = v * 10 + data[i++] - 48;
    return neg ? -v : v;
  };

  type Outcome = "eof" | "uxeof" | "fmterr";
  let outcome: Outcome = "eof";
  let badAt = 0;
  const argv: Uint8Array[] = [];
  let loops = 0;
  parse: while (true) {
    if (++loops % COMMANDS_PER_SLICE === 0) yield pos;
    const cmdStart = pos;
    const line = readLine();
    if (line === null) break;
    if (data[line[0]] === HASH) continue; // annotation
    badAt = cmdStart;
    if (data[line[0]] !== STAR) {
      outcome = "fmterr";
      break;
    }
    if (line[1] - line[0] <= 1 || line[1] === n && data[line[1] - 1] !== LF) {
      outcome = "uxeof";
      break;
    }
    const argc = lineNumber(line);
    if (argc < 1) {
      outcome = "fmterr";
      break;
    }
    argv.length = 0;
    for (let j = 0; j < argc; j++) {
      const l = readLine();
      if (l === null) {
        outcome = "uxeof";
        break parse;
      }
      if (data[l[0]] !== DOLLAR) {
        outcome = "fmterr";
        break parse;
      }
      const len = lineNumber(l);
      if (len < 0 || pos + len + 2 > n) {
        outcome = "uxeof";
        break parse;
      }
      argv.push(data.subarray(pos, pos + len));
      pos += len + 2; // the CRLF is skipped unchecked, as Redis does
    }
    const cmd = commands.lookupArgv(argv);
    if (cmd === undefined) {
      const msg = `Unknown command '${cString(argv[0])}' reading the append only file ${name}`;
      log.warning(msg);
      throw new AofLoadError(`${msg} (offset ${cmdStart})`, name, cmdStart);
    }
    if ((cmd.arity > 0 && argc !== cmd.arity) || argc < -cmd.arity) {
      outcome = "fmterr";
      break;
    }
    const root = cmd.parent ?? cmd;
    if (root.name === "multi") validBeforeMulti = validUpTo;
    server.keyspace.now = server.clock.now();
    if (fake.multi !== null && root.name !== "exec") {
      // queueMultiCommand: the queue keeps its own copies.
      fake.multi.push({ cmd, argv: argv.map((a) => a.slice()) });
    } else {
      // cmd->proc as Redis runs it: no accounting; EXEC runs its queue through call().
      fake.argv = argv.slice();
      fake.cmd = cmd;
      fake.propagateArgv = null;
      fake.propagateForced = 0;
      fake.propagatePrevented = false;
      server.propagation.nesting++;
      try {
        cmd.handler!(fake);
      } finally {
        server.propagation.nesting--;
      }
    }
    fake.reply.len = 0; // the fake client gets no replies
    validUpTo = pos;
  }

  if (outcome === "eof" && fake.multi !== null) {
    log.warning(`Revert incomplete MULTI/EXEC transaction in AOF file ${name}`);
    validUpTo = validBeforeMulti;
    outcome = "uxeof";
  }
  fake.multi = null;
  if (outcome === "eof") return "ok";
  if (outcome === "fmterr") {
    const msg =
      `Bad file format reading the append only file ${name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`;
    log.warning(msg);
    throw new AofLoadError(`${msg} (offset ${badAt})`, name, badAt);
  }
  // Unexpected end of file.
  if (opts.loadTruncated) {
    log.warning(`!!! Warning: short read while loading the AOF file ${name}!!!`);
    log.warning(`!!! Truncating the AOF ${name} at offset ${validUpTo} !!!`);
    try {
      Deno.truncateSync(path, validUpTo);
      log.warning(`AOF ${name} loaded anyway because aof-load-truncated is enabled`);
      return "truncated";
    } catch (err) {
      log.warning(`Error truncating the AOF file ${name}: ${(err as Error).message}`);
    }
  }
  const msg =
    `Unexpected end of file reading the append only file ${name}. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.`;
  log.warning(msg);
  throw new AofLoadError(
    `${msg} (last valid command ends at offset ${validUpTo})`,
    name,
    validUpTo,
  );
}
