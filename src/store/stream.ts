/**
 * RedisStream: the value type behind XADD/XRANGE/XREADGROUP/... (Redis's
 * t_stream.c data model).
 *
 * An entry ID is two unsigned 64-bit numbers (ms, seq). To keep the hot path
 * free of BigInt each part is held as two 32-bit halves ({@link StreamID});
 * comparisons and increments work on the halves, and only parsing or printing
 * a part above 2^53 goes through BigInt.
 *
 * Entries are grouped in nodes, as Redis's listpacks in a radix tree: a node
 * holds up to stream-node-max-entries entries and about stream-node-max-bytes
 * of listpack bytes (its size is tracked as Redis's listpack would count it, so
 * nodes split where Redis's do and `XTRIM ~` removes the same entries). A node
 * keeps its IDs in one Uint32Array, its payload in one byte buffer, and the
 * field names of its first (master) entry once: entries with the same fields
 * store only their values. Deleted entries are flagged until their node
 * empties and is dropped. Nodes sit in an array sorted by first ID, so an ID
 * lookup is a binary search over nodes then over one node's IDs.
 *
 * @module
 */

import { RDB_TYPE_STREAM_LISTPACKS_3 } from "../persistence/rdb_types.ts";
import { lpEntrySize } from "./list.ts";
import { OWN_BUFFER_BYTES, stringBytes } from "./size.ts";
import type { CollectionValue } from "./types.ts";

/** A stream entry ID: ms and seq, each an unsigned 64-bit number as two 32-bit halves. */
export interface StreamID {
  msHi: number;
  msLo: number;
  seqHi: number;
  seqLo: number;
}

const TWO32 = 4294967296;
const MAX32 = 0xffffffff;

/** A new ID from ms and seq parts below 2^53. */
export function makeId(ms: number, seq: number): StreamID {
  return {
    msHi: Math.floor(ms / TWO32),
    msLo: ms >>> 0,
    seqHi: Math.floor(seq / TWO32),
    seqLo: seq >>> 0,
  };
}

/** 0-0. */
export function zeroId(): StreamID {
  return { msHi: 0, msLo: 0, seqHi: 0, seqLo: 0 };
}

/** UINT64_MAX-UINT64_MAX. */
export function maxId(): StreamID {
  return { msHi: MAX32, msLo: MAX32, seqHi: MAX32, seqLo: MAX32 };
}

/** A copy of `id`. */
export function copyId(id: StreamID): StreamID {
  return { msHi: id.msHi, msLo: id.msLo, seqHi: id.seqHi, seqLo: id.seqLo };
}

/** streamCompareID: -1, 0 or 1. */
export function compareIds(a: StreamID, b: StreamID): number {
  if (a.msHi !== b.msHi) return a.msHi < b.msHi ? -1 : 1;
  if (a.msLo !== b.msLo) return a.msLo < b.msLo ? -1 : 1;
  if (a.seqHi !== b.seqHi) return a.seqHi < b.seqHi ? -1 : 1;
  if (a.seqLo !== b.seqLo) return a.seqLo < b.seqLo ? -1 : 1;
  return 0;
}

/** True for 0-0. */
export function isZeroId(id: StreamID): boolean {
  return (id.msHi | id.msLo | id.seqHi | id.seqLo) === 0;
}

/** streamIncrID in place: false (unchanged) when `id` is the maximum ID. */
export function incrId(id: StreamID): boolean {
  if (id.seqLo !== MAX32) {
    id.seqLo++;
  } else if (id.seqHi !== MAX32) {
    id.seqHi++;
    id.seqLo = 0;
  } else if (id.msLo !== MAX32) {
    id.msLo++;
    id.seqHi = id.seqLo = 0;
  } else if (id.msHi !== MAX32) {
    id.msHi++;
    id.msLo = id.seqHi = id.seqLo = 0;
  } else {
    return false;
  }
  return true;
}

/** streamDecrID in place: false (unchanged) when `id` is 0-0. */
export function decrId(id: StreamID): boolean {
  if (id.seqLo !== 0) {
    id.seqLo--;
  } else if (id.seqHi !== 0) {
    id.seqHi--;
    id.seqLo = MAX32;
  } else if (id.msLo !== 0) {
    id.msLo--;
    id.seqHi = id.seqLo = MAX32;
  } else if (id.msHi !== 0) {
    id.msHi--;
    id.msLo = id.seqHi = id.seqLo = MAX32;
  } else {
    return false;
  }
  return true;
}

/** Decimal text of a 64-bit part. */
function partText(hi: number, lo: number): string {
  if (hi < 0x200000) return String(hi * TWO32 + lo);
  return ((BigInt(hi) << 32n) | BigInt(lo)).toString();
}

/** "ms-seq". */
export function idText(id: StreamID): string {
  return partText(id.msHi, id.msLo) + "-" + partText(id.seqHi, id.seqLo);
}

/** The ms part as a number (exact below 2^53; IDs XADD * makes always are). */
export function idMs(id: StreamID): number {
  return id.msHi * TWO32 + id.msLo;
}

/**
 * Plain digits in `b[from, to)` as an unsigned 64-bit [hi, lo], or null (empty,
 * a non-digit, overflow). The fast path of the commands' ID parsing.
 */
export function parseU64(b: Uint8Array, from: number, to: number): [number, number] | null {
  const len = to - from;
  if (len <= 0 || len > 20) return null;
  let n = 0;
  for (let i = from; i < to; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return null;
    n = n * 10 + d;
  }
  if (len <= 15) return [Math.floor(n / TWO32), n >>> 0];
  let big = 0n;
  for (let i = from; i < to; i++) big = big * 10n + BigInt(b[i] - 48);
  if (big > 0xffffffffffffffffn) return null;
  return [Number(big >> 32n), Number(big & 0xffffffffn)];
}

// ---------------------------------------------------------------------------
// Listpack size accounting (what Redis's node would weigh), for node splits.

/** Listpack header (total bytes + count) and end byte. */
const LP_EMPTY = 7;

/** Bytes of an integer listpack element (encoding + backlen), as lpEncodeIntegerGetType sizes it. */
function lpIntSize(n: number): number {
  if (n >= 0 && n <= 127) return 2;
  if (n >= -4096 && n <= 4095) return 3;
  if (n >= -32768 && n <= 32767) return 4;
  if (n >= -8388608 && n <= 8388607) return 5;
  if (n >= -2147483648 && n <= 2147483647) return 6;
  return 10;
}

/**
 * Bytes of a 64-bit ID-part difference (entry minus master, as int64: the seq
 * part is negative when the ms part grew) stored as a listpack integer.
 */
function lpDiffSize(hiDiff: number, loDiff: number): number {
  return lpIntSize(hiDiff * TWO32 + loDiff);
}

// ---------------------------------------------------------------------------
// Nodes.

const F_DELETED = 1;
const F_SAMEFIELDS = 2;

/** One listpack-like block of entries. */
class StreamNode {
  /** IDs, four words per entry (msHi, msLo, seqHi, seqLo). */
  ids: Uint32Array;
  /** Per-entry flags (F_DELETED, F_SAMEFIELDS). */
  flags: Uint8Array;
  /** Start of each entry's payload in `data`. */
  offsets: Uint32Array;
  /** Payload: per entry [field count if not same fields] then (field)? value, each length-prefixed. */
  data: Uint8Array;
  used = 0;
  /** Entries including deleted ones. */
  count = 0;
  live = 0;
  /** Field names of the master (first) entry. */
  readonly masterFields: Uint8Array[];
  /** Listpack bytes Redis's node would have, but for the master's count and deleted fields. */
  lpBody: number;
  /** What the master field names retain (their buffers and array slots). */
  private readonly masterBytes: number;

  constructor(cap: number, masterFields: Uint8Array[], dataCap: number) {
    this.ids = new Uint32Array(cap * 4);
    this.flags = new Uint8Array(cap);
    this.offsets = new Uint32Array(cap);
    this.data = new Uint8Array(dataCap);
    this.masterFields = masterFields;
    // Master entry: count, deleted (see lpBytes), num fields, fields, terminating 0.
    let lp = LP_EMPTY + lpIntSize(masterFields.length) + 2;
    let mb = 0;
    for (const f of masterFields) {
      lp += lpEntrySize(f);
      mb += 8 + OWN_BUFFER_BYTES + f.length;
    }
    this.lpBody = lp;
    this.masterBytes = mb;
  }

  /** Listpack bytes Redis's node would have (the master counts grow with it). */
  get lpBytes(): number {
    return this.lpBody + lpIntSize(this.live) + lpIntSize(this.count - this.live);
  }

  idAt(i: number): StreamID {
    const w = this.ids, o = i * 4;
    return { msHi: w[o], msLo: w[o + 1], seqHi: w[o + 2], seqLo: w[o + 3] };
  }

  /** compareIds(entry i, id) without allocating. */
  cmpAt(i: number, id: StreamID): number {
    const w = this.ids, o = i * 4;
    if (w[o] !== id.msHi) return w[o] < id.msHi ? -1 : 1;
    if (w[o + 1] !== id.msLo) return w[o + 1] < id.msLo ? -1 : 1;
    if (w[o + 2] !== id.seqHi) return w[o + 2] < id.seqHi ? -1 : 1;
    if (w[o + 3] !== id.seqLo) return w[o + 3] < id.seqLo ? -1 : 1;
    return 0;
  }

  /** First index whose ID is >= id (count when none). */
  lowerBound(id: StreamID): number {
    let lo = 0, hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cmpAt(mid, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.data.length) return;
    const next = new Uint8Array(Math.max(this.data.length * 2, this.used + bytes));
    next.set(this.data.subarray(0, this.used));
    this.data = next;
  }

  private putLen(n: number): void {
    const d = this.data;
    // Varint, 7 bits a byte.
    while (n >= 0x80) {
      d[this.used++] = (n & 0x7f) | 0x80;
      n = Math.floor(n / 128);
    }
    d[this.used++] = n;
  }

  /** Appends an entry; `pairs` alternates field, value. */
  append(id: StreamID, pairs: Uint8Array[], from: number, same: boolean, lpAdd: number): void {
    const i = this.count;
    if (i === this.flags.length) {
      const cap = i * 2;
      const ids = new Uint32Array(cap * 4);
      ids.set(this.ids);
      this.ids = ids;
      const flags = new Uint8Array(cap);
      flags.set(this.flags);
      this.flags = flags;
      const offs = new Uint32Array(cap);
      offs.set(this.offsets);
      this.offsets = offs;
    }
    let need = 5;
    for (let j = from; j < pairs.length; j++) need += pairs[j].length + 5;
    this.reserve(need);
    this.offsets[i] = this.used;
    const o = i * 4;
    this.ids[o] = id.msHi;
    this.ids[o + 1] = id.msLo;
    this.ids[o + 2] = id.seqHi;
    this.ids[o + 3] = id.seqLo;
    this.flags[i] = same ? F_SAMEFIELDS : 0;
    if (!same) this.putLen((pairs.length - from) / 2);
    for (let j = from; j < pairs.length; j += 2) {
      if (!same) {
        this.putLen(pairs[j].length);
        this.data.set(pairs[j], this.used);
        this.used += pairs[j].length;
      }
      const v = pairs[j + 1];
      this.putLen(v.length);
      this.data.set(v, this.used);
      this.used += v.length;
    }
    this.count++;
    this.live++;
    this.lpBody += lpAdd;
  }

  /** Field/value pairs of entry i (views into the node's buffer). */
  fieldsAt(i: number): Uint8Array[] {
    const d = this.data;
    let p = this.offsets[i];
    const readLen = (): number => {
      let n = 0, mul = 1, b;
      do {
        b = d[p++];
        n += (b & 0x7f) * mul;
        mul *= 128;
      } while (b & 0x80);
      return n;
    };
    const out: Uint8Array[] = [];
    if (this.flags[i] & F_SAMEFIELDS) {
      for (const f of this.masterFields) {
        const n = readLen();
        out.push(f, d.subarray(p, p + n));
        p += n;
      }
    } else {
      const pairs = readLen();
      for (let k = 0; k < pairs * 2; k++) {
        const n = readLen();
        out.push(d.subarray(p, p + n));
        p += n;
      }
    }
    return out;
  }

  /** Whether entry i is flagged deleted. */
  isDeleted(i: number): boolean {
    return (this.flags[i] & F_DELETED) !== 0;
  }

  firstLive(): number {
    for (let i = 0; i < this.count; i++) if (!(this.flags[i] & F_DELETED)) return i;
    return -1;
  }

  lastLive(): number {
    for (let i = this.count - 1; i >= 0; i--) if (!(this.flags[i] & F_DELETED)) return i;
    return -1;
  }

  /** Drops spare capacity once the node is full (no more appends go to it). */
  seal(): void {
    const n = this.count;
    if (this.flags.length > n) {
      this.ids = this.ids.slice(0, n * 4);
      this.flags = this.flags.slice(0, n);
      this.offsets = this.offsets.slice(0, n);
    }
    if (this.data.length > this.used) this.data = this.data.slice(0, this.used);
  }

  bytes(): number {
    return NODE_BYTES + this.masterBytes + this.ids.byteLength + this.flags.byteLength +
      this.offsets.byteLength +
      this.data.byteLength;
  }

  clone(): StreamNode {
    const n = new StreamNode(1, this.masterFields, 1);
    n.ids = this.ids.slice();
    n.flags = this.flags.slice();
    n.offsets = this.offsets.slice();
    n.data = this.data.slice();
    n.used = this.used;
    n.count = this.count;
    n.live = this.live;
    n.lpBody = this.lpBody;
    return n;
  }
}

/**
 * Object overhead of a node: the object, its four typed arrays with their
 * buffers and the master fields array (bench/values_memory.ts).
 */
const NODE_BYTES = 4 * OWN_BUFFER_BYTES + 360;
/** Empty RedisStream with its ID objects, node array and groups map. */
const STREAM_BYTES = 560;
/** One pending entry (object, Map entry, array slots). */
const NACK_BYTES = 160;
/** One consumer or group besides its name. */
const CG_BYTES = 400;

// ---------------------------------------------------------------------------
// Consumer groups.

/** streamNACK: a delivered, not yet acknowledged entry. */
export interface StreamNACK {
  id: StreamID;
  /** Key of `id` in the PEL maps (idText). */
  key: string;
  deliveryTime: number;
  deliveryCount: number;
  consumer: StreamConsumer;
}

/**
 * A PEL: NACKs by ID, ordered. Deletions are O(1): the ordered array drops
 * deleted NACKs lazily, before it is read or once they are half of it.
 */
export class Pel {
  private readonly byKey = new Map<string, StreamNACK>();
  /** By id once sorted; may still hold the NACKs whose keys are in `dead`. */
  private list: StreamNACK[] = [];
  private sorted = true;
  private readonly dead = new Set<string>();

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): StreamNACK | undefined {
    return this.byKey.get(key);
  }

  add(n: StreamNACK): void {
    if (this.dead.has(n.key)) this.compact();
    this.byKey.set(n.key, n);
    const last = this.list[this.list.length - 1];
    if (last !== undefined && compareIds(last.id, n.id) >= 0) this.sorted = false;
    this.list.push(n);
  }

  delete(key: string): boolean {
    if (!this.byKey.delete(key)) return false;
    this.dead.add(key);
    if (this.dead.size > 64 && this.dead.size * 2 > this.list.length) this.compact();
    return true;
  }

  private compact(): void {
    const dead = this.dead;
    this.list = this.list.filter((n) => !dead.has(n.key));
    dead.clear();
  }

  /** NACKs in ID order. */
  ordered(): StreamNACK[] {
    if (this.dead.size > 0) this.compact();
    if (!this.sorted) {
      this.list.sort((a, b) => compareIds(a.id, b.id));
      this.sorted = true;
    }
    return this.list;
  }

  /** Index of the first NACK with id >= `id` in ordered(). */
  lowerBound(id: StreamID): number {
    const l = this.ordered();
    let lo = 0, hi = l.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareIds(l[mid].id, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/** streamConsumer. */
export class StreamConsumer {
  readonly pel = new Pel();
  constructor(readonly name: string, public seenTime: number, public activeTime: number) {}
}

/** SCG_INVALID_ENTRIES_READ. */
export const INVALID_ENTRIES_READ = -1;

/** streamCG. */
export class StreamCG {
  readonly pel = new Pel();
  readonly consumers = new Map<string, StreamConsumer>();
  constructor(public lastId: StreamID, public entriesRead: number) {}
}

// ---------------------------------------------------------------------------
// The stream.

/** An entry as iteration yields it: its ID and field/value pairs. */
export interface StreamEntry {
  id: StreamID;
  fields: Uint8Array[];
}

/** Node size limits (stream-node-max-bytes / stream-node-max-entries). */
export interface StreamNodeLimits {
  streamNodeMaxBytes: number;
  streamNodeMaxEntries: number;
}

/** STREAM_LISTPACK_MAX_SIZE. */
const LISTPACK_MAX_SIZE = 1 << 30;

/** A stream value. */
export class RedisStream implements CollectionValue {
  private nodes: StreamNode[] = [];
  /** Live entries. */
  length = 0;
  lastId: StreamID = zeroId();
  firstId: StreamID = zeroId();
  maxDeletedEntryId: StreamID = zeroId();
  entriesAdded = 0;
  /** Consumer groups by name, in creation order. */
  readonly groups = new Map<string, StreamCG>();
  /** Bytes of the nodes. */
  private payload = 0;
  /** Bytes of groups, consumers and PELs (see refreshMemory). */
  private groupBytes = 0;

  /** TYPE of the value. */
  get type(): "stream" {
    return "stream";
  }

  /** OBJECT ENCODING. */
  encoding(): string {
    return "stream";
  }

  /** RDB_TYPE_STREAM_LISTPACKS_3. */
  rdbType(): number {
    return RDB_TYPE_STREAM_LISTPACKS_3;
  }

  /** Number of nodes (XINFO STREAM radix-tree-keys). */
  get nodeCount(): number {
    return this.nodes.length;
  }

  /** Estimated retained bytes: kept current for entries, refreshed for groups. */
  get memoryUsage(): number {
    return STREAM_BYTES + this.payload + this.groupBytes;
  }

  /** {@link memoryUsage} recomputed by a walk. */
  recomputeMemoryUsage(): number {
    let p = 0;
    for (const n of this.nodes) p += n.bytes();
    return STREAM_BYTES + p + this.computeGroupBytes();
  }

  private computeGroupBytes(): number {
    let p = 0;
    for (const [name, g] of this.groups) {
      p += CG_BYTES + stringBytes(name.length) + g.pel.size * NACK_BYTES;
      for (const c of g.consumers.values()) p += CG_BYTES + stringBytes(c.name.length);
    }
    return p;
  }

  /**
   * Re-derives the groups' share of the estimate after a group, consumer or
   * PEL change: O(groups + consumers), independent of the entries.
   */
  refreshMemory(): void {
    this.groupBytes = this.computeGroupBytes();
  }

  /** Deep copy (COPY): nodes, groups, PELs and consumers. */
  clone(): RedisStream {
    const s = new RedisStream();
    s.nodes = this.nodes.map((n) => n.clone());
    s.length = this.length;
    s.lastId = copyId(this.lastId);
    s.firstId = copyId(this.firstId);
    s.maxDeletedEntryId = copyId(this.maxDeletedEntryId);
    s.entriesAdded = this.entriesAdded;
    for (const [name, g] of this.groups) {
      const ng = new StreamCG(copyId(g.lastId), g.entriesRead);
      for (const c of g.consumers.values()) {
        ng.consumers.set(c.name, new StreamConsumer(c.name, c.seenTime, c.activeTime));
      }
      for (const n of g.pel.ordered()) {
        const consumer = ng.consumers.get(n.consumer.name)!;
        const nn: StreamNACK = { ...n, id: copyId(n.id), consumer };
        ng.pel.add(nn);
        consumer.pel.add(nn);
      }
      s.groups.set(name, ng);
    }
    s.payload = this.payload;
    s.groupBytes = this.groupBytes;
    return s;
  }

  /** Visits every live entry's fields with their values, entries in ID order. */
  forEach(visit: (element: string | Uint8Array, extra?: Uint8Array | number) => void): void {
    this.range(zeroId(), maxId(), false, 0, (_id, fields) => {
      for (let i = 0; i < fields.length; i += 2) visit(fields[i], fields[i + 1]);
      return true;
    });
  }

  /**
   * Appends an entry with ID `id` (greater than lastId, checked by the caller)
   * (streamAppendItem). `pairs[from..]` alternates field, value.
   */
  append(id: StreamID, pairs: Uint8Array[], from: number, limits: StreamNodeLimits): void {
    let node: StreamNode | undefined = this.nodes[this.nodes.length - 1];
    let totLen = 0;
    for (let j = from; j < pairs.length; j++) totLen += pairs[j].length;
    if (node !== undefined) {
      let maxBytes = limits.streamNodeMaxBytes;
      if (maxBytes === 0 || maxBytes > LISTPACK_MAX_SIZE) maxBytes = LISTPACK_MAX_SIZE;
      if (node.lpBytes + totLen >= maxBytes) node = undefined;
      else if (limits.streamNodeMaxEntries && node.count >= limits.streamNodeMaxEntries) {
        node = undefined;
      }
    }
    let fresh = false;
    if (node === undefined) {
      const prev = this.nodes[this.nodes.length - 1];
      if (prev !== undefined) {
        this.payload -= prev.bytes();
        prev.seal();
        this.payload += prev.bytes();
      }
      const fields: Uint8Array[] = [];
      for (let j = from; j < pairs.length; j += 2) fields.push(pairs[j].slice());
      const cap = Math.max(1, Math.min(limits.streamNodeMaxEntries || 100, 16));
      node = new StreamNode(cap, fields, Math.min(Math.max(64, totLen * 2), 8192));
      this.nodes.push(node);
      fresh = true;
    }
    // Same fields as the master entry?
    const mf = node.masterFields;
    let same = mf.length * 2 === pairs.length - from;
    for (let k = 0; same && k < mf.length; k++) {
      const f = pairs[from + 2 * k];
      if (f.length !== mf[k].length) same = false;
      else {
        for (let b = 0; b < f.length; b++) {
          if (f[b] !== mf[k][b]) {
            same = false;
            break;
          }
        }
      }
    }
    // Listpack bytes of the entry: flags, ms-diff, seq-diff, [count, fields], values, lp-count.
    const master = node.count === 0 ? id : node.idAt(0);
    let lpAdd = 2 + lpDiffSize(id.msHi - master.msHi, id.msLo - master.msLo) +
      lpDiffSize(id.seqHi - master.seqHi, id.seqLo - master.seqLo);
    const nvals = (pairs.length - from) / 2;
    if (!same) lpAdd += lpIntSize(nvals);
    for (let j = from; j < pairs.length; j += 2) {
      if (!same) lpAdd += lpEntrySize(pairs[j]);
      lpAdd += lpEntrySize(pairs[j + 1]);
    }
    lpAdd += lpIntSize(same ? nvals + 3 : nvals * 2 + 4);
    const before = fresh ? 0 : node.bytes();
    node.append(id, pairs, from, same, lpAdd);
    this.payload += node.bytes() - before;
    this.length++;
    this.entriesAdded++;
    this.lastId = copyId(id);
    if (this.length === 1) this.firstId = copyId(id);
  }

  /** Whether `id` is a live entry (streamEntryExists). */
  has(id: StreamID): boolean {
    return this.lookup(id) !== undefined;
  }

  /**
   * streamRangeHasTombstones: whether an entry was deleted between `start`
   * (0-0 when null) and the end of the stream.
   */
  rangeHasTombstones(start: StreamID | null): boolean {
    if (this.length === 0 || isZeroId(this.maxDeletedEntryId)) return false;
    // The latest tombstone is before the first entry.
    if (compareIds(this.firstId, this.maxDeletedEntryId) > 0) return false;
    return start === null || compareIds(start, this.maxDeletedEntryId) <= 0;
  }

  /**
   * streamEstimateDistanceFromFirstEverEntry: the entries_read counter of
   * `id`, or INVALID_ENTRIES_READ when it cannot be known.
   */
  estimateDistanceFromFirstEverEntry(id: StreamID): number {
    if (this.entriesAdded === 0) return 0;
    if (this.length === 0 && compareIds(id, this.lastId) < 1) return this.entriesAdded;
    const cmpLast = compareIds(id, this.lastId);
    if (cmpLast === 0) return this.entriesAdded;
    if (cmpLast > 0) return INVALID_ENTRIES_READ;
    const cmpFirst = compareIds(id, this.firstId);
    if (isZeroId(this.maxDeletedEntryId) || compareIds(this.maxDeletedEntryId, this.firstId) < 0) {
      if (cmpFirst < 0) return this.entriesAdded - this.length;
      if (cmpFirst === 0) return this.entriesAdded - this.length + 1;
    }
    return INVALID_ENTRIES_READ;
  }

  /** The lag of a group (streamReplyWithCGLag), or null when unknown. */
  groupLag(cg: StreamCG): number | null {
    if (this.entriesAdded === 0) return 0;
    if (cg.entriesRead !== INVALID_ENTRIES_READ && !this.rangeHasTombstones(cg.lastId)) {
      return this.entriesAdded - cg.entriesRead;
    }
    const read = this.estimateDistanceFromFirstEverEntry(cg.lastId);
    return read === INVALID_ENTRIES_READ ? null : this.entriesAdded - read;
  }

  /** ID of the first entry, deleted or not (streamGetEdgeID without skipping tombstones). */
  firstNodeId(): StreamID | undefined {
    return this.nodes.length === 0 ? undefined : this.nodes[0].idAt(0);
  }

  /** Index of the node that may hold `id`: the last node whose first ID <= id (0 if none). */
  private nodeFor(id: StreamID): number {
    let lo = 0, hi = this.nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.nodes[mid].cmpAt(0, id) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo === 0 ? 0 : lo - 1;
  }

  /**
   * Visits live entries with start <= ID <= end, ascending or (rev) descending;
   * stops after `count` (0 = no limit) or when `visit` returns false. Returns
   * the number visited.
   */
  range(
    start: StreamID,
    end: StreamID,
    rev: boolean,
    count: number,
    visit: (id: StreamID, fields: Uint8Array[]) => boolean,
  ): number {
    if (this.length === 0 || compareIds(start, end) > 0) return 0;
    let n = 0;
    if (!rev) {
      for (let ni = this.nodeFor(start); ni < this.nodes.length; ni++) {
        const node = this.nodes[ni];
        for (
          let i = ni === 0 && node.cmpAt(0, start) > 0 ? 0 : node.lowerBound(start);
          i < node.count;
          i++
        ) {
          if (node.cmpAt(i, end) > 0) return n;
          if (node.isDeleted(i)) continue;
          n++;
          if (!visit(node.idAt(i), node.fieldsAt(i)) || n === count) return n;
        }
      }
    } else {
      for (let ni = this.nodeFor(end); ni >= 0; ni--) {
        const node = this.nodes[ni];
        let i = node.lowerBound(end);
        if (i < node.count && node.cmpAt(i, end) === 0) i++;
        for (i--; i >= 0; i--) {
          if (node.cmpAt(i, start) < 0) return n;
          if (node.isDeleted(i)) continue;
          n++;
          if (!visit(node.idAt(i), node.fieldsAt(i)) || n === count) return n;
        }
      }
    }
    return n;
  }

  /** The entry with exactly `id`, or undefined (also when deleted). */
  lookup(id: StreamID): Uint8Array[] | undefined {
    if (this.nodes.length === 0) return undefined;
    const node = this.nodes[this.nodeFor(id)];
    const i = node.lowerBound(id);
    if (i >= node.count || node.cmpAt(i, id) !== 0 || node.isDeleted(i)) return undefined;
    return node.fieldsAt(i);
  }

  /** First live entry's ID, or undefined when empty. */
  firstEntry(): StreamEntry | undefined {
    for (const node of this.nodes) {
      const i = node.firstLive();
      if (i !== -1) return { id: node.idAt(i), fields: node.fieldsAt(i) };
    }
    return undefined;
  }

  /** Last live entry, or undefined when empty. */
  lastEntry(): StreamEntry | undefined {
    for (let ni = this.nodes.length - 1; ni >= 0; ni--) {
      const node = this.nodes[ni];
      const i = node.lastLive();
      if (i !== -1) return { id: node.idAt(i), fields: node.fieldsAt(i) };
    }
    return undefined;
  }

  private dropNode(ni: number): void {
    this.payload -= this.nodes[ni].bytes();
    this.nodes.splice(ni, 1);
  }

  /** Keeps firstId at the first live entry (0-0 when empty), as Redis's streamGetEdgeID. */
  private updateFirstId(): void {
    const f = this.firstEntry();
    this.firstId = f === undefined ? zeroId() : f.id;
  }

  /** streamDeleteItem: true when `id` was a live entry. */
  delete(id: StreamID): boolean {
    if (this.nodes.length === 0) return false;
    const ni = this.nodeFor(id);
    const node = this.nodes[ni];
    const i = node.lowerBound(id);
    if (i >= node.count || node.cmpAt(i, id) !== 0 || node.isDeleted(i)) return false;
    node.flags[i] |= F_DELETED;
    node.live--;
    this.length--;
    if (node.live === 0) this.dropNode(ni);
    if (compareIds(id, this.maxDeletedEntryId) > 0) this.maxDeletedEntryId = copyId(id);
    if (compareIds(id, this.firstId) === 0) this.updateFirstId();
    return true;
  }

  /**
   * streamTrim: removes entries from the head while the stream is longer than
   * `maxlen` (when not null) or they are below `minid`. `approx` removes only
   * whole nodes; `limit` caps the entries removed (0 = none). Returns the count.
   */
  trim(maxlen: number | null, minid: StreamID | null, approx: boolean, limit: number): number {
    let deleted = 0;
    // Whole nodes leave the head in one splice.
    let drop = 0;
    for (; drop < this.nodes.length; drop++) {
      if (maxlen !== null && this.length <= maxlen) break;
      const node = this.nodes[drop];
      if (limit && deleted + node.live > limit) break;
      const removeNode = maxlen !== null
        ? this.length - node.live >= maxlen
        : node.cmpAt(node.count - 1, minid!) < 0;
      if (removeNode) {
        this.length -= node.live;
        deleted += node.live;
        this.payload -= node.bytes();
        continue;
      }
      if (approx) break;
      // Delete entries one by one from this node.
      for (let i = 0; i < node.count; i++) {
        if (maxlen !== null) {
          if (this.length <= maxlen) break;
        } else if (node.cmpAt(i, minid!) >= 0) break;
        if (node.isDeleted(i)) continue;
        node.flags[i] |= F_DELETED;
        node.live--;
        this.length--;
        deleted++;
      }
      // A node emptied here stays, as Redis's listpack does, until a later trim.
      break;
    }
    if (drop > 0) this.nodes.splice(0, drop);
    if (deleted > 0) this.updateFirstId();
    return deleted;
  }
}
