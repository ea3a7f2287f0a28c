/**
 * The AOF rewrite in command form (aof-use-rdb-preamble no), after Redis's
 * rewriteAppendOnlyFileRio: per db a SELECT, then per key the commands that
 * rebuild it (SET, RPUSH, SADD, ZADD, HMSET with at most
 * AOF_REWRITE_ITEMS_PER_CMD items each; XADD, XSETID, XGROUP CREATE,
 * XGROUP CREATECONSUMER and XCLAIM for streams) and PEXPIREAT for a TTL.
 *
 * Deno has no fork, so the background rewrite keeps a point-in-time view by
 * saving before writing: it serializes the dbs in slices between event-loop
 * turns, and before any write command runs (Server.beforeWrite, called by
 * `call`), the keys it names that the walk has not reached yet have their
 * current value saved (string views stay valid, collections are cloned); the
 * walk later writes that saved value instead of the live one. A write whose
 * keys cannot be named (FLUSHALL, FLUSHDB, SWAPDB, MOVE, COPY ... DB, keyless
 * writes) first makes the walk finish synchronously. Keys removed without a command (expiry, eviction) are
 * simply missing from the base; the incr file deletes them anyway.
 */

import type { Client } from "../server/client.ts";
import { type Command, getKeysFromCommand, type KeyReference } from "../server/command_table.ts";
import type { Server } from "../server/server.ts";
import type { Entry } from "../store/keyspace.ts";
import type { CollectionValue, RedisValue } from "../store/types.ts";
import { idText, maxId, type RedisStream, type StreamConsumer, zeroId } from "../store/stream.ts";
import { fpconvDtoa } from "../util/fpconv.ts";

/** AOF_REWRITE_ITEMS_PER_CMD: elements per RPUSH/SADD/ZADD/HMSET of a rewrite. */
export const AOF_REWRITE_ITEMS_PER_CMD = 64;

/** A growable byte buffer holding RESP commands (the AOF buffer, a rewrite's output). */
export class RespBuffer {
  buf = new Uint8Array(16 * 1024);
  len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.len + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** Appends an ASCII / binary string (one char per byte). */
  ascii(s: string): void {
    const n = s.length;
    this.ensure(n);
    const b = this.buf;
    let p = this.len;
    for (let i = 0; i < n; i++) b[p++] = s.charCodeAt(i);
    this.len = p;
  }

  /** Appends raw bytes. */
  bytes(v: Uint8Array): void {
    this.ensure(v.length);
    this.buf.set(v, this.len);
    this.len += v.length;
  }

  /** `*n\r\n`. */
  count(n: number): void {
    this.ascii(`*${n}\r\n`);
  }

  /** A bulk string from bytes or a binary string. */
  bulk(v: Uint8Array | string): void {
    if (typeof v === "string") {
      this.ascii(`$${v.length}\r\n`);
      this.ascii(v);
    } else {
      this.ascii(`$${v.length}\r\n`);
      this.bytes(v);
    }
    this.ascii("\r\n");
  }

  /** catAppendOnlyGenericCommand: one command as a multibulk. */
  command(argv: Uint8Array[]): void {
    this.count(argv.length);
    for (const a of argv) this.bulk(a);
  }

  /** The bytes written so far (a view: copy or write them before appending more). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  /** Empties it, keeping an ordinary-sized buffer for reuse. */
  clear(): void {
    this.len = 0;
    if (this.buf.length > 1024 * 1024) this.buf = new Uint8Array(16 * 1024);
  }
}

/**
 * Emits the commands that rebuild `key` (a binary string) holding `value`,
 * then PEXPIREAT when `expireAt` is not -1.
 */
export function rewriteKey(
  out: RespBuffer,
  key: string,
  value: RedisValue,
  expireAt: number,
): void {
  if (value instanceof Uint8Array) {
    out.ascii("*3\r\n$3\r\nSET\r\n");
    out.bulk(key);
    out.bulk(value);
  } else if (value.type === "stream") {
    rewriteStream(out, key, value as unknown as RedisStream);
  } else {
    rewriteCollection(out, key, value);
  }
  if (expireAt !== -1) {
    out.ascii("*3\r\n$9\r\nPEXPIREAT\r\n");
    out.bulk(key);
    out.bulk(String(expireAt));
  }
}

/** rewriteListObject / rewriteSetObject / rewriteSortedSetObject / rewriteHashObject. */
function rewriteCollection(out: RespBuffer, key: string, value: CollectionValue): void {
  const type = value.type;
  const name = type === "list"
    ? "RPUSH"
    : type === "set"
    ? "SADD"
    : type === "zset"
    ? "ZADD"
    : "HMSET";
  const pairs = type === "zset" || type === "hash";
  let items = value.length;
  let count = 0;
  value.forEach((element, extra) => {
    if (count === 0) {
      const n = items > AOF_REWRITE_ITEMS_PER_CMD ? AOF_REWRITE_ITEMS_PER_CMD : items;
      out.count(2 + (pairs ? n * 2 : n));
      out.bulk(name);
      out.bulk(key);
    }
    if (type === "zset") {
      out.bulk(fpconvDtoa(extra as number));
      out.bulk(element);
    } else {
      out.bulk(element);
      if (type === "hash") out.bulk(extra as Uint8Array);
    }
    if (++count === AOF_REWRITE_ITEMS_PER_CMD) count = 0;
    items--;
  });
}

/** rewriteStreamObject. */
function rewriteStream(out: RespBuffer, key: string, s: RedisStream): void {
  if (s.length > 0) {
    s.range(zeroId(), maxId(), false, 0, (id, fields) => {
      out.count(3 + fields.length);
      out.bulk("XADD");
      out.bulk(key);
      out.bulk(idText(id));
      for (const f of fields) out.bulk(f);
      return true;
    });
  } else {
    // The XADD MAXLEN 0 trick creates an empty stream.
    out.count(7);
    for (const a of ["XADD", key, "MAXLEN", "0", "0-1", "x", "y"]) out.bulk(a);
  }
  out.count(7);
  out.bulk("XSETID");
  out.bulk(key);
  out.bulk(idText(s.lastId));
  out.bulk("ENTRIESADDED");
  out.bulk(String(s.entriesAdded));
  out.bulk("MAXDELETEDID");
  out.bulk(idText(s.maxDeletedEntryId));
  // Groups and consumers in rax order: by name, bytewise.
  for (const name of [...s.groups.keys()].sort(byBytes)) {
    const cg = s.groups.get(name)!;
    out.count(7);
    out.bulk("XGROUP");
    out.bulk("CREATE");
    out.bulk(key);
    out.bulk(name);
    out.bulk(idText(cg.lastId));
    out.bulk("ENTRIESREAD");
    out.bulk(String(cg.entriesRead));
    for (const cname of [...cg.consumers.keys()].sort(byBytes)) {
      const consumer: StreamConsumer = cg.consumers.get(cname)!;
      if (consumer.pel.size === 0) {
        out.count(5);
        for (const a of ["XGROUP", "CREATECONSUMER", key, name, cname]) out.bulk(a);
        continue;
      }
      for (const nack of consumer.pel.ordered()) {
        out.count(12);
        out.bulk("XCLAIM");
        out.bulk(key);
        out.bulk(name);
        out.bulk(cname);
        out.bulk("0");
        out.bulk(idText(nack.id));
        out.bulk("TIME");
        out.bulk(String(nack.deliveryTime));
        out.bulk("RETRYCOUNT");
        out.bulk(String(nack.deliveryCount));
        out.bulk("JUSTID");
        out.bulk("FORCE");
      }
    }
  }
}

/** MOVE, and COPY with a DB option, change a key in another db than the client's. */
function crossesDbs(cmd: Command, argv: Uint8Array[]): boolean {
  const name = (cmd.parent ?? cmd).name;
  if (name === "move") return true;
  if (name !== "copy") return false;
  for (let i = 3; i < argv.length; i++) {
    const a = argv[i];
    if (a.length === 2 && (a[0] | 0x20) === 0x64 && (a[1] | 0x20) === 0x62) return true; // "db"
  }
  return false;
}

function byBytes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A key as it was when the rewrite started, saved before a write changed it. */
interface Saved {
  key: string;
  value: RedisValue;
  expireAt: number;
}

/** Milliseconds a slice of the walk may take before clients get their turn. */
const SLICE_MS = 2;
/** Output bytes buffered before a write to the temp file. */
const WRITE_CHUNK = 256 * 1024;

/**
 * A background rewrite in command form: `run()` writes the base to `file`
 * in slices and resolves when every key is in it (the caller fsyncs and
 * renames); while it runs, install `beforeWrite` as Server.beforeWrite.
 *
 * The walk visits each db's keys in id order (Db.entries). A key keeps its
 * id while it exists, so a key not yet visited has an id at or above the
 * db's cursor: a write to it saves its value first, by id, and the walk
 * writes the saved value when it gets there (or, for a key deleted since, at
 * the end of the db). Keys a write named during the walk are otherwise
 * skipped: they were created after the start (an id may be reused), or their
 * start value is saved or already written.
 */
export class CommandFormRewrite {
  private readonly out = new RespBuffer();
  /** Per db: values saved before a write, by id. */
  private readonly saved: Map<number, Saved>[];
  /** Per db: keys a write named while the walk ran. */
  private readonly touched: Set<string>[];
  /** Per db: ids below are walked (Infinity once the db is done). */
  private readonly cursor: number[];
  private db = 0;
  private iter: Iterator<Entry> | null = null;
  private selected = -1;
  /** Every key is in `out` or written: writes no longer need capturing. */
  private walked = false;
  private cancelled = false;
  /** Keys written so far. */
  keysWritten = 0;

  constructor(
    private readonly server: Server,
    private readonly file: Deno.FsFile,
    timestamp: boolean,
  ) {
    // Record the time the rewrite starts (genAofTimestampAnnotationIfNeeded(1)).
    if (timestamp) this.out.ascii(`#TS:${Math.floor(Date.now() / 1000)}\r\n`);
    // Functions (FUNCTION LOAD of each library, rewriteFunctions) go here once
    // the scripting subsystem keeps libraries.
    const n = server.keyspace.dbs.length;
    this.saved = Array.from({ length: n }, () => new Map());
    this.touched = Array.from({ length: n }, () => new Set());
    this.cursor = new Array(n).fill(0);
  }

  /** Server.beforeWrite while the walk runs: saves what `cmd` will change. */
  readonly beforeWrite = (c: Client, cmd: Command): void => {
    if (this.walked) return;
    let keys: KeyReference[];
    try {
      keys = getKeysFromCommand(cmd, c.argv);
    } catch {
      keys = []; // arguments it cannot parse: the command fails, but be safe
    }
    // Writes beyond the named keys of the client's db: finish the walk first.
    if (keys.length === 0 || crossesDbs(cmd, c.argv)) {
      this.walkAll();
      return;
    }
    const db = c.db;
    const touched = this.touched[db.id];
    for (const k of keys) {
      const key = c.key(k.pos);
      if (touched.has(key)) continue;
      touched.add(key);
      const e = db.peek(key);
      // Entry.id: the key's id, stable while it exists.
      if (e === undefined || e.id < this.cursor[db.id]) continue;
      const value = e.value;
      this.saved[db.id].set(e.id, {
        key,
        value: value instanceof Uint8Array ? value : value.clone(),
        expireAt: e.expireAt,
      });
    }
  };

  /** Writes the whole base; resolves when it is in `file` (not yet fsynced). */
  async run(): Promise<void> {
    while (!this.walked) {
      const until = performance.now() + SLICE_MS;
      do this.slice(64); while (!this.walked && performance.now() < until);
      if (this.out.len >= WRITE_CHUNK && !this.cancelled) await this.writeOut();
      // Let clients run between slices.
      else await new Promise((r) => setTimeout(r, 0));
    }
    if (!this.cancelled) await this.writeOut();
  }

  /** Stops the walk (the AOF was turned off); `run` resolves without writing more. */
  cancel(): void {
    this.cancelled = true;
    this.walked = true;
    this.iter = null;
    for (const m of this.saved) m.clear();
    for (const t of this.touched) t.clear();
  }

  /** Serializes up to `n` keys. */
  private slice(n: number): void {
    const dbs = this.server.keyspace.dbs;
    while (n > 0 && this.db < dbs.length) {
      const dbid = this.db;
      this.iter ??= dbs[dbid].entries();
      const next = this.iter.next();
      const saved = this.saved[dbid];
      if (next.done) {
        // Keys saved before a write deleted them: the walk did not meet them.
        for (const s of saved.values()) this.emit(dbid, s.key, s.value, s.expireAt);
        saved.clear();
        this.touched[dbid].clear();
        this.cursor[dbid] = Infinity;
        this.iter = null;
        this.db++;
        continue;
      }
      n--;
      const e = next.value;
      const id = e.id;
      this.cursor[dbid] = id + 1;
      const s = saved.get(id);
      if (s !== undefined) {
        saved.delete(id);
        this.emit(dbid, s.key, s.value, s.expireAt);
        continue;
      }
      const key = e.key;
      if (this.touched[dbid].has(key)) continue;
      this.emit(dbid, key, e.value, e.expireAt);
    }
    if (this.db >= dbs.length) this.walked = true;
  }

  private emit(dbid: number, key: string, value: RedisValue, expireAt: number): void {
    if (this.selected !== dbid) {
      this.out.ascii("*2\r\n$6\r\nSELECT\r\n");
      this.out.bulk(String(dbid));
      this.selected = dbid;
    }
    rewriteKey(this.out, key, value, expireAt);
    this.keysWritten++;
  }

  /** Finishes the walk at once (a write the capture cannot cover is about to run). */
  private walkAll(): void {
    while (!this.walked) this.slice(Number.MAX_SAFE_INTEGER);
  }

  private async writeOut(): Promise<void> {
    // Hand the bytes over before awaiting: slices run by writes append to a fresh buffer.
    const data = this.out.view().slice();
    this.out.clear();
    let off = 0;
    while (off < data.length) off += await this.file.write(data.subarray(off));
  }
}
