/**
 * RedisList: the value type behind LPUSH/RPUSH/LRANGE/...
 *
 * Storage is a doubly linked list of chunks ("nodes") whose boundaries mirror
 * Redis 7.2's quicklist node for node, so that OBJECT ENCODING (which depends
 * on the node layout when a quicklist shrinks back to a listpack) matches
 * Redis exactly. Each node records the byte size the equivalent listpack would
 * have (`sz`), computed with the listpack entry encoding rules.
 *
 * While the list is "listpack" encoded it consists of at most one node and no
 * node limits apply (Redis keeps a single listpack). Once converted to
 * "quicklist" the Redis quicklist insertion/split/merge rules are applied.
 *
 * Each packed node keeps its elements in one byte buffer, length-prefixed and
 * -suffixed like a listpack's entries (about 2 bytes each besides the data), so
 * an element costs its bytes rather than a `Uint8Array` object; a plain node
 * holds its one large element as its buffer.
 *
 * Complexity: push/pop at both ends O(1) amortized; index access O(nodes +
 * node size) walking from the nearer end (like quicklistGetIteratorAtIdx and
 * lpSeek); range iteration O(start + n) with O(1) per element; insert/remove
 * at an index O(nodes + node size). Nodes hold at most ~32k entries (64kb
 * listpack size class).
 *
 * Encoding conversions happen only through the explicit hooks
 * {@link RedisList.beforeGrow}, {@link RedisList.afterShrink} and
 * {@link RedisList.afterBuild}, called by commands at the same points where
 * Redis calls listTypeTryConversion*.
 *
 * @module
 */

import { bytesEqual } from "../util/bytes.ts";
import {
  gLen,
  gOff,
  lenBytes,
  packedSize,
  readAt,
  readBefore,
  writeEntry,
  writeEntryFrom,
} from "./packed_entries.ts";
import { RDB_TYPE_LIST_QUICKLIST_2 } from "../persistence/rdb_types.ts";
import { LIST_BYTES, LIST_NODE_BYTES } from "./size.ts";
import type { CollectionValue } from "./types.ts";

/** OBJECT ENCODING of a list. */
export type ListEncoding = "listpack" | "quicklist";

/** Default of the `list-max-listpack-size` config. */
export const DEFAULT_LIST_MAX_LISTPACK_SIZE = -2;

// Listpack header (total bytes u32 + count u16) plus the EOF byte.
const LP_HDR_SIZE = 6;
const LP_EMPTY_SIZE = LP_HDR_SIZE + 1;
// quicklist.c constants.
const OPTIMIZATION_LEVEL = [4096, 8192, 16384, 32768, 65536];
const SIZE_SAFETY_LIMIT = 8192;
const SIZE_ESTIMATE_OVERHEAD = 8;
const FILL_MAX = (1 << 15) - 1;

// 0 means "derive from the fill factor" (the default); set only by DEBUG.
let packedThreshold = 0;

/**
 * Sets the size at or above which an element gets its own "plain" quicklist
 * node (DEBUG QUICKLIST-PACKED-THRESHOLD). 0 restores the default, where an
 * element is "large" when it alone exceeds the node size limit. Returns false
 * (and changes nothing) when the value is out of range.
 */
export function setQuicklistPackedThreshold(size: number): boolean {
  if (size < 0 || size > 2 ** 32 - 2 ** 20) return false;
  packedThreshold = size;
  return true;
}

// Encoded size of the integer value part of a listpack entry, or 0 when the
// bytes are not a canonical int64 (mirrors lpStringToInt64 + lpEncodeIntegerGetType).
const INT64_MAX_DIGITS = [
  57,
  50,
  50,
  51,
  51,
  55,
  50,
  48,
  51,
  54,
  56,
  53,
  52,
  55,
  55,
  53,
  56,
  48,
  55,
];
function lpIntEncodedLen(v: Uint8Array, off: number, len: number): number {
  if (len === 0 || len >= 21) return 0;
  let i = off;
  let neg = false;
  if (v[off] === 45) {
    if (len === 1) return 0;
    neg = true;
    i++;
  } else if (len === 1 && v[off] === 48) {
    return 1;
  }
  const first = v[i];
  if (first < 49 || first > 57) return 0;
  const end = off + len;
  for (let j = i + 1; j < end; j++) {
    const c = v[j];
    if (c < 48 || c > 57) return 0;
  }
  const digits = end - i;
  if (digits > 19) return 0;
  if (digits === 19) {
    // Compare against 9223372036854775807 (…808 allowed when negative).
    for (let j = 0; j < 19; j++) {
      let lim = INT64_MAX_DIGITS[j];
      if (j === 18 && neg) lim++;
      const c = v[i + j];
      if (c < lim) break;
      if (c > lim) return 0;
    }
    return 9;
  }
  if (digits > 10) return 9;
  let n = 0;
  for (let j = i; j < end; j++) n = n * 10 + (v[j] - 48);
  const x = neg ? -n : n;
  if (x >= 0 && x <= 127) return 1;
  if (x >= -4096 && x <= 4095) return 2;
  if (x >= -32768 && x <= 32767) return 3;
  if (x >= -8388608 && x <= 8388607) return 4;
  if (x >= -2147483648 && x <= 2147483647) return 5;
  return 9;
}

/**
 * Bytes taken by `v` as a listpack entry: encoding header + data + backlen.
 * Strings that are canonical int64 decimals are stored as integers, exactly
 * like Redis does.
 */
export function lpEntrySize(v: Uint8Array): number {
  return lpEntrySizeAt(v, 0, v.length);
}

// lpEntrySize of the `len` bytes at `off` in `buf`.
function lpEntrySizeAt(buf: Uint8Array, off: number, len: number): number {
  let enc = lpIntEncodedLen(buf, off, len);
  if (enc === 0) {
    enc = len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
  }
  const back = enc <= 127 ? 1 : enc < 16383 ? 2 : enc < 2097151 ? 3 : enc < 268435455 ? 4 : 5;
  return enc + back;
}

function negFillLimit(fill: number): number {
  let off = -fill - 1;
  if (off >= OPTIMIZATION_LEVEL.length) off = OPTIMIZATION_LEVEL.length - 1;
  return OPTIMIZATION_LEVEL[off];
}

// quicklistNodeExceedsLimit.
function exceedsLimit(fill: number, newSz: number, newCount: number): boolean {
  if (fill < 0) return newSz > negFillLimit(fill);
  if (newSz > SIZE_SAFETY_LIMIT) return true;
  return newCount > (fill === 0 ? 1 : fill);
}

// Elements that get a PLAIN node of their own.
function isLargeElement(sz: number, fill: number): boolean {
  if (packedThreshold !== 0) return sz >= packedThreshold;
  if (fill >= 0) return sz > SIZE_SAFETY_LIMIT;
  return sz > negFillLimit(fill);
}

// ---------------------------------------------------------------------------
// Packed nodes: elements stored with packed_entries.ts's framing.

function equalAt(buf: Uint8Array, off: number, len: number, v: Uint8Array): boolean {
  if (len !== v.length) return false;
  for (let i = 0; i < len; i++) if (buf[off + i] !== v[i]) return false;
  return true;
}

/** Smallest buffer a packed node gets. */
const MIN_NODE_CAPACITY = 16;

/**
 * One quicklist node. A packed node keeps its elements in `buf[s .. e)` (free
 * room on both sides makes pushes at either end O(1) amortized); a plain node
 * holds its one element as `buf` itself.
 */
class QNode {
  buf: Uint8Array;
  s: number;
  e: number;
  n: number;
  /** Size of the equivalent listpack in bytes, or the raw size when plain. */
  sz = LP_EMPTY_SIZE;
  plain: boolean;
  prev: QNode | null = null;
  next: QNode | null = null;
  // Seek cursor: element `ci` starts at `co`; -1 when unknown. Every change
  // of the node's bytes resets it (RedisList's node primitives).
  ci = -1;
  co = 0;

  constructor(buf: Uint8Array, s: number, e: number, n: number, plain: boolean) {
    this.buf = buf;
    this.s = s;
    this.e = e;
    this.n = n;
    this.plain = plain;
  }

  /**
   * Finds element `i` walking from the nearest known position (either end or
   * the cursor): sets gOff/gLen and returns the offset where its header starts.
   */
  entry(i: number): number {
    const buf = this.buf;
    if (this.plain) return 0; // callers read a plain node's buf directly
    let k: number;
    let p: number;
    const ci = this.ci;
    if (ci >= 0 && (i >= ci ? i - ci <= this.n - i : ci - i <= i)) {
      k = ci;
      p = this.co;
    } else if (i <= this.n >> 1) {
      k = 0;
      p = this.s;
    } else {
      k = this.n;
      p = this.e;
    }
    // Skipping, a one-byte length (elements under 128 bytes) needs no decoding.
    for (; k < i; k++) {
      const b = buf[p];
      p = b < 0x80 ? p + b + 2 : readAt(buf, p);
    }
    for (; k > i; k--) {
      const b = buf[p - 1];
      p = b < 0x80 ? p - b - 2 : readBefore(buf, p);
    }
    this.ci = i;
    this.co = p;
    readAt(buf, p);
    return p;
  }

  /** Element `i`, a view of its bytes. */
  view(i: number): Uint8Array {
    if (this.plain) return this.buf;
    this.entry(i);
    return this.buf.subarray(gOff, gOff + gLen);
  }

  /** Copies of elements [from, to). */
  slice(from: number, to: number): Uint8Array[] {
    const out: Uint8Array[] = new Array(to - from);
    if (this.plain) {
      if (to > from) out[0] = this.buf.slice();
      return out;
    }
    const buf = this.buf;
    let p = this.entry(from);
    for (let k = 0; k < to - from; k++) {
      p = readAt(buf, p);
      out[k] = buf.slice(gOff, gOff + gLen);
    }
    return out;
  }

  /** Listpack size of elements [from, to) (their lpEntrySize sum). */
  lpSize(from: number, to: number): number {
    const buf = this.buf;
    let p = this.entry(from);
    let sz = 0;
    for (let k = from; k < to; k++) {
      p = readAt(buf, p);
      sz += lpEntrySizeAt(buf, gOff, gLen);
    }
    return sz;
  }
}

/** A plain node owning `v` (a copy is the caller's business). */
function plainNode(v: Uint8Array): QNode {
  const node = new QNode(v, 0, v.length, 1, true);
  node.sz = v.length;
  return node;
}

/** A packed node holding copies of `items`. */
function packedNode(items: readonly Uint8Array[]): QNode {
  let bytes = 0;
  let sz = LP_EMPTY_SIZE;
  for (let i = 0; i < items.length; i++) {
    bytes += packedSize(items[i].length);
    sz += lpEntrySize(items[i]);
  }
  const buf = new Uint8Array(Math.max(MIN_NODE_CAPACITY, bytes));
  let p = 0;
  for (let i = 0; i < items.length; i++) {
    writeEntry(buf, p, items[i]);
    p += packedSize(items[i].length);
  }
  const node = new QNode(buf, 0, p, items.length, false);
  node.sz = sz;
  return node;
}

/**
 * A packed node holding a copy of the `len` bytes at `off` in `src`, in a buffer
 * of at least `room` bytes, the entry at its start (`atEnd`: at its end, for a
 * node that grows towards its head).
 */
function packedNodeOf(
  src: Uint8Array,
  off: number,
  len: number,
  room = 0,
  atEnd = false,
): QNode {
  const size = packedSize(len);
  const buf = new Uint8Array(Math.max(MIN_NODE_CAPACITY, size, room));
  const s = atEnd ? buf.length - size : 0;
  writeEntryFrom(buf, s, src, off, len);
  const node = new QNode(buf, s, s + size, 1, false);
  node.sz = LP_EMPTY_SIZE + lpEntrySizeAt(src, off, len);
  return node;
}

/** Per-node info, as reported by DEBUG OBJECT / DEBUG QUICKLIST. */
export interface ListNodeInfo {
  /** Number of elements in the node. */
  count: number;
  /** Listpack bytes of the node (raw element size for plain nodes). */
  sz: number;
  /** True for a PLAIN node (a single element at or above the packed threshold). */
  plain: boolean;
}

/**
 * A Redis list: a deque of binary elements (`Uint8Array`).
 *
 * Elements are copied in when pushed (callers may pass views into a read
 * buffer). What comes out one by one (pops, {@link at}, {@link first},
 * {@link last}) and what the range visitors ({@link forEachFrom},
 * {@link forEachRawFrom}, {@link iterator}) hand out are views into the list's
 * bytes, valid until the list is next modified; {@link range},
 * {@link toArray}, {@link forEach} and {@link forEachNode} give copies.
 */
export class RedisList implements CollectionValue {
  private head: QNode | null = null;
  private tail: QNode | null = null;
  private nodes = 0;
  private count = 0;
  private rawBytes = 0;
  /** Sum of the node buffers' lengths (for memoryUsage). */
  private capBytes = 0;
  private enc: ListEncoding = "listpack";
  /** quicklist fill factor, fixed when the list became a quicklist. */
  private fill = DEFAULT_LIST_MAX_LISTPACK_SIZE;
  // Scratch results of locate(), avoiding an allocation per lookup.
  private locNode: QNode | null = null;
  private locOff = 0;

  /** TYPE of the value. */
  get type(): "list" {
    return "list";
  }

  /** Number of elements (LLEN). */
  get length(): number {
    return this.count;
  }

  /** Sum of the byte lengths of all elements. */
  get bytes(): number {
    return this.rawBytes;
  }

  /** Current OBJECT ENCODING. */
  encoding(): ListEncoding {
    return this.enc;
  }

  /**
   * RDB_TYPE_LIST_QUICKLIST_2 whatever the encoding: Redis 7.2 saves a
   * listpack list as a quicklist of one node.
   */
  rdbType(): number {
    return RDB_TYPE_LIST_QUICKLIST_2;
  }

  /** Estimated retained bytes (src/store/size.ts). O(1). */
  get memoryUsage(): number {
    return LIST_BYTES + this.nodes * LIST_NODE_BYTES + this.capBytes;
  }

  /** {@link memoryUsage} recomputed by a walk (tests). */
  recomputeMemoryUsage(): number {
    let nodes = 0;
    let cap = 0;
    for (let n = this.head; n; n = n.next) {
      nodes++;
      cap += n.buf.length;
    }
    return LIST_BYTES + nodes * LIST_NODE_BYTES + cap;
  }

  /** Number of quicklist nodes (1 for a non-empty listpack). */
  get nodeCount(): number {
    return this.nodes;
  }

  /** Node layout, head to tail (for DEBUG OBJECT ql_nodes etc. and tests). */
  debugNodes(): ListNodeInfo[] {
    const out: ListNodeInfo[] = [];
    for (let n = this.head; n; n = n.next) out.push({ count: n.n, sz: n.sz, plain: n.plain });
    return out;
  }

  // ---------------------------------------------------------------------------
  // Encoding conversion hooks (t_list.c listTypeTryConversion*).

  /**
   * Call before adding `values` (LPUSH/RPUSH/LPUSHX/RPUSHX with all their
   * arguments, LINSERT and LSET with the new element, the LMOVE destination
   * with the moved element). Converts a listpack to a quicklist when the
   * listpack size plus the raw sizes of the new elements, or the resulting
   * count, would exceed `list-max-listpack-size` (listTypeTryConversionAppend).
   */
  beforeGrow(listMaxListpackSize: number, values: readonly Uint8Array[]): void {
    if (this.enc !== "listpack") return;
    let add = 0;
    for (let i = 0; i < values.length; i++) add += values[i].length;
    this.beforeGrowBy(listMaxListpackSize, values.length, add);
  }

  /** {@link beforeGrow} for `count` new elements of `bytes` bytes in all. */
  beforeGrowBy(listMaxListpackSize: number, count: number, bytes: number): void {
    if (this.enc !== "listpack") return;
    const lpBytes = this.head ? this.head.sz : LP_EMPTY_SIZE;
    if (exceedsLimit(listMaxListpackSize, lpBytes + bytes, this.count + count)) {
      this.convertToQuicklist(listMaxListpackSize);
    }
  }

  /**
   * Call after a command removed elements and the list is not empty (LPOP,
   * RPOP, LMPOP, BLPOP..., LMOVE source, LREM, LTRIM, LSET). Converts a
   * quicklist made of a single packed node back to a listpack when it is
   * within half of the limits (LIST_CONV_SHRINKING).
   */
  afterShrink(listMaxListpackSize: number): void {
    if (this.enc === "quicklist") this.tryConvertQuicklist(listMaxListpackSize, true);
  }

  /**
   * Call after building a list from scratch (e.g. loading): picks the best
   * encoding with the full (not halved) limits (LIST_CONV_AUTO).
   */
  afterBuild(listMaxListpackSize: number): void {
    if (this.enc === "quicklist") {
      this.tryConvertQuicklist(listMaxListpackSize, false);
    } else {
      const lpBytes = this.head ? this.head.sz : LP_EMPTY_SIZE;
      if (exceedsLimit(listMaxListpackSize, lpBytes, this.count)) {
        this.convertToQuicklist(listMaxListpackSize);
      }
    }
  }

  /** Forces quicklist encoding (quicklistCreate + quicklistAppendListpack). */
  convertToQuicklist(listMaxListpackSize: number): void {
    if (this.enc === "quicklist") return;
    let fill = listMaxListpackSize;
    if (fill > FILL_MAX) fill = FILL_MAX;
    else if (fill < -5) fill = -5;
    this.fill = fill;
    this.enc = "quicklist";
    if (this.head && this.head.n === 0) this.unlinkNode(this.head);
  }

  private tryConvertQuicklist(fill: number, shrinking: boolean): void {
    const node = this.head;
    if (this.nodes !== 1 || !node || node.plain) return;
    let szLimit = Infinity;
    let countLimit = Infinity;
    if (fill >= 0) countLimit = fill === 0 ? 1 : fill;
    else szLimit = negFillLimit(fill);
    if (shrinking) {
      szLimit = Math.floor(szLimit / 2);
      countLimit = Math.floor(countLimit / 2);
    }
    if (node.sz > szLimit || this.count > countLimit) return;
    this.enc = "listpack";
  }

  // ---------------------------------------------------------------------------
  // Node bookkeeping.

  private insertNode(old: QNode | null, node: QNode, after: boolean): void {
    if (!old) {
      this.head = this.tail = node;
    } else if (after) {
      node.prev = old;
      node.next = old.next;
      if (old.next) old.next.prev = node;
      old.next = node;
      if (this.tail === old) this.tail = node;
    } else {
      node.next = old;
      node.prev = old.prev;
      if (old.prev) old.prev.next = node;
      old.prev = node;
      if (this.head === old) this.head = node;
    }
    this.nodes++;
    this.capBytes += node.buf.length;
  }

  private unlinkNode(node: QNode): void {
    if (node.next) node.next.prev = node.prev;
    if (node.prev) node.prev.next = node.next;
    if (node === this.tail) this.tail = node.prev;
    if (node === this.head) this.head = node.next;
    node.prev = node.next = null;
    this.nodes--;
    this.capBytes -= node.buf.length;
  }

  /** Removes a whole node and its elements (__quicklistDelNode). */
  private deleteNode(node: QNode): void {
    if (node.plain) this.rawBytes -= node.buf.length;
    else {
      const buf = node.buf;
      let p = node.s;
      for (let i = 0; i < node.n; i++) {
        p = readAt(buf, p);
        this.rawBytes -= gLen;
      }
    }
    this.count -= node.n;
    this.unlinkNode(node);
  }

  // ---------------------------------------------------------------------------
  // Packed node bytes: every buffer change goes through here, which keeps
  // capBytes current for a linked node.

  /** Replaces a linked node's buffer. */
  private setBuf(node: QNode, buf: Uint8Array, s: number, e: number): void {
    this.capBytes += buf.length - node.buf.length;
    node.buf = buf;
    node.s = s;
    node.e = e;
    node.ci = -1;
  }

  /**
   * Makes the `del` bytes at `p` of a linked packed node `ins` bytes long,
   * moving whichever side is cheaper or reallocating (1.5x, free room where
   * the node grows); returns where the `ins` bytes now start.
   */
  private splice(node: QNode, p: number, del: number, ins: number): number {
    node.ci = -1;
    const d = ins - del;
    const buf = node.buf;
    const s = node.s;
    const e = node.e;
    const front = p - s;
    const back = e - p - del;
    if (d <= 0) {
      if (d === 0) return p;
      if (front < back) {
        buf.copyWithin(s - d, s, p);
        node.s = s - d;
        return p - d;
      }
      buf.copyWithin(p + ins, p + del, e);
      node.e = e + d;
      return p;
    }
    // At an end only that end's room serves: shifting the whole node by one
    // element per push would make a queue quadratic.
    const roomBack = buf.length - e;
    const atFront = front === 0 && back > 0;
    const atBack = back === 0;
    let side = 0; // -1: shift the front part left, 1: shift the back part right
    if (atFront) side = s >= d ? -1 : 0;
    else if (atBack) side = roomBack >= d ? 1 : 0;
    else if (front <= back) side = s >= d ? -1 : roomBack >= d ? 1 : 0;
    else side = roomBack >= d ? 1 : s >= d ? -1 : 0;
    if (side < 0) {
      buf.copyWithin(s - d, s, p);
      node.s = s - d;
      return p - d;
    }
    if (side > 0) {
      buf.copyWithin(p + ins, p + del, e);
      node.e = e + d;
      return p;
    }
    const used = front + back + ins;
    const cap = Math.max(MIN_NODE_CAPACITY, used + (used >> 1));
    const slack = cap - used;
    const ns = atFront ? slack : atBack ? 0 : slack >> 1;
    const nb = new Uint8Array(cap);
    nb.set(buf.subarray(s, p), ns);
    nb.set(buf.subarray(p + del, e), ns + front + ins);
    this.setBuf(node, nb, ns, ns + used);
    return ns + front;
  }

  /** Gives back the room of a node that lost most of its bytes. */
  private maybeShrink(node: QNode): void {
    const used = node.e - node.s;
    const cap = node.buf.length;
    if (cap <= 64 || used >= cap >> 2) return;
    const ncap = Math.max(MIN_NODE_CAPACITY, used + (used >> 1));
    const ns = (ncap - used) >> 1;
    const nb = new Uint8Array(ncap);
    nb.set(node.buf.subarray(node.s, node.e), ns);
    this.setBuf(node, nb, ns, ns + used);
  }

  /**
   * Trims a node that stops growing (a new node took its end) to its bytes,
   * unless its free room is under 1/16 of it (a node made with a full node's
   * room and filled, as a many-element push makes them): not worth a copy.
   */
  private seal(node: QNode): void {
    if (node.plain || node.buf.length - (node.e - node.s) <= node.buf.length >> 4) return;
    this.setBuf(node, node.buf.slice(node.s, node.e), 0, node.e - node.s);
  }

  /** Adds the `len` bytes at `off` in `src` before the first element of `node`. */
  private pushFrontIn(node: QNode, src: Uint8Array, off = 0, len = src.length): void {
    const size = packedSize(len);
    let p = node.s - size;
    if (p >= 0) node.s = p;
    else p = this.splice(node, node.s, 0, size);
    writeEntryFrom(node.buf, p, src, off, len);
    node.n++;
    node.sz += lpEntrySizeAt(src, off, len);
    node.ci = -1;
  }

  /** Adds the `len` bytes at `off` in `src` after the last element of `node`. */
  private pushBackIn(node: QNode, src: Uint8Array, off = 0, len = src.length): void {
    const size = packedSize(len);
    let p = node.e;
    if (p + size <= node.buf.length) node.e = p + size;
    else p = this.splice(node, p, 0, size);
    writeEntryFrom(node.buf, p, src, off, len);
    node.n++;
    node.sz += lpEntrySizeAt(src, off, len);
    node.ci = -1;
  }

  private insertIn(node: QNode, i: number, v: Uint8Array): void {
    if (i === 0) return this.pushFrontIn(node, v);
    if (i === node.n) return this.pushBackIn(node, v);
    const size = packedSize(v.length);
    const p = this.splice(node, node.entry(i), 0, size);
    writeEntry(node.buf, p, v);
    node.n++;
    node.sz += lpEntrySize(v);
  }

  /** Replaces element `i` of a packed node. */
  private replaceIn(node: QNode, i: number, v: Uint8Array): void {
    const start = node.entry(i);
    const oldLen = gLen;
    node.sz += lpEntrySize(v) - lpEntrySizeAt(node.buf, gOff, oldLen);
    const p = this.splice(node, start, packedSize(oldLen), packedSize(v.length));
    writeEntry(node.buf, p, v);
    this.rawBytes += v.length - oldLen;
  }

  /**
   * Removes element `i` of a packed node; returns it: a view of its bytes,
   * left in place at either end, or a copy from the middle (the bytes after
   * it move in).
   */
  private removeIn(node: QNode, i: number): Uint8Array {
    const start = node.entry(i);
    const buf = node.buf;
    const off = gOff;
    const len = gLen;
    const size = packedSize(len);
    node.sz -= lpEntrySizeAt(buf, off, len);
    let v: Uint8Array;
    if (i === 0 || i === node.n - 1) {
      v = buf.subarray(off, off + len);
      if (i === 0) node.s += size;
      else node.e -= size;
    } else {
      v = buf.slice(off, off + len);
      this.splice(node, start, size, 0);
    }
    node.n--;
    node.ci = -1;
    this.maybeShrink(node);
    return v;
  }

  /** Removes `cnt` elements at `i` of a packed node, keeping sz and rawBytes current. */
  private removeRangeIn(node: QNode, i: number, cnt: number): void {
    const buf = node.buf;
    const start = node.entry(i);
    let p = start;
    let lp = 0;
    let raw = 0;
    for (let j = 0; j < cnt; j++) {
      p = readAt(buf, p);
      lp += lpEntrySizeAt(buf, gOff, gLen);
      raw += gLen;
    }
    if (i === 0) node.s = p;
    else if (i + cnt === node.n) node.e = start;
    else this.splice(node, start, p - start, 0);
    node.n -= cnt;
    node.sz -= lp;
    this.rawBytes -= raw;
    node.ci = -1;
    this.maybeShrink(node);
  }

  /** The bytes a full packed node takes under a size limit (0 under a count limit). */
  private nodeRoom(): number {
    return this.fill < 0 ? negFillLimit(this.fill) : 0;
  }

  private allowInsert(node: QNode | null, sz: number): boolean {
    if (!node || node.plain || isLargeElement(sz, this.fill)) return false;
    return !exceedsLimit(this.fill, node.sz + sz + SIZE_ESTIMATE_OVERHEAD, node.n + 1);
  }

  private allowMerge(a: QNode | null, b: QNode | null): boolean {
    if (!a || !b || a.plain || b.plain) return false;
    return !exceedsLimit(this.fill, a.sz + b.sz - LP_EMPTY_SIZE, a.n + b.n);
  }

  /** Merges `b` into its left neighbour `a`; returns the surviving node. */
  private mergeInto(a: QNode, b: QNode): QNode {
    const sz = a.sz + b.sz - LP_EMPTY_SIZE;
    let keep: QNode;
    if (a.n >= b.n) {
      const add = b.e - b.s;
      const p = this.splice(a, a.e, 0, add);
      a.buf.set(b.buf.subarray(b.s, b.e), p);
      a.n += b.n;
      keep = a;
      this.unlinkNode(b);
    } else {
      const add = a.e - a.s;
      const p = this.splice(b, b.s, 0, add);
      b.buf.set(a.buf.subarray(a.s, a.e), p);
      b.n += a.n;
      keep = b;
      this.unlinkNode(a);
    }
    keep.sz = sz;
    keep.ci = -1;
    return keep;
  }

  // _quicklistMergeNodes.
  private mergeAround(center: QNode): QNode {
    let prev: QNode | null = null;
    let prevPrev: QNode | null = null;
    let next: QNode | null = null;
    let nextNext: QNode | null = null;
    if (center.prev) {
      prev = center.prev;
      prevPrev = prev.prev;
    }
    if (center.next) {
      next = center.next;
      nextNext = next.next;
    }
    if (this.allowMerge(prev, prevPrev)) this.mergeInto(prevPrev!, prev!);
    if (this.allowMerge(next, nextNext)) this.mergeInto(next!, nextNext!);
    let target: QNode;
    if (this.allowMerge(center, center.prev)) target = this.mergeInto(center.prev!, center);
    else target = center;
    if (this.allowMerge(target, target.next)) target = this.mergeInto(target, target.next!);
    return target;
  }

  /**
   * _quicklistSplitNode: after=true keeps [0..off] in `node` and returns a new
   * node with (off..end]; after=false returns [0..off) and keeps [off..end].
   * The returned node is not linked; `node` is.
   */
  private splitNode(node: QNode, off: number, after: boolean): QNode {
    const buf = node.buf;
    // The split point: the start of element off+1 (after) or off (before).
    const at = after ? off + 1 : off;
    const cut = at === node.n ? node.e : node.entry(at);
    const nn = after
      ? new QNode(buf.slice(cut, node.e), 0, node.e - cut, node.n - at, false)
      : new QNode(buf.slice(node.s, cut), 0, cut - node.s, at, false);
    nn.sz = LP_EMPTY_SIZE + nn.lpSize(0, nn.n);
    if (after) node.e = cut;
    else node.s = cut;
    node.n -= nn.n;
    node.sz -= nn.sz - LP_EMPTY_SIZE;
    node.ci = -1;
    this.maybeShrink(node);
    return nn;
  }

  /** Finds the node/offset of a normalized index (quicklistGetIteratorAtIdx). */
  private locate(index: number): void {
    let n: QNode | null;
    let accum = 0;
    if (index <= (this.count - 1) / 2) {
      n = this.head;
      while (n && accum + n.n <= index) {
        accum += n.n;
        n = n.next;
      }
    } else {
      const back = this.count - 1 - index;
      n = this.tail;
      while (n && accum + n.n <= back) {
        accum += n.n;
        n = n.prev;
      }
      accum = this.count - accum - (n ? n.n : 0);
    }
    this.locNode = n;
    this.locOff = index - accum;
  }

  private normalize(index: number): number {
    const i = index < 0 ? this.count + index : index;
    return i >= 0 && i < this.count ? i : -1;
  }

  /** Removes the element at offset `off` of `node` (quicklistDelIndex). */
  private delIndex(node: QNode, off: number): Uint8Array {
    if (node.plain) {
      const v = node.buf;
      this.deleteNode(node);
      return v;
    }
    if (node.n === 1) {
      node.entry(0);
      const v = node.buf.subarray(gOff, gOff + gLen);
      this.deleteNode(node);
      return v;
    }
    const v = this.removeIn(node, off);
    this.count--;
    this.rawBytes -= v.length;
    return v;
  }

  // ---------------------------------------------------------------------------
  // Public element operations.

  /** Adds an element at the head (LPUSH). `v` is copied. */
  pushHead(v: Uint8Array): void {
    this.pushHeadFrom(v, 0, v.length);
  }

  /**
   * Adds the `len` bytes at `off` in `src` at the head (LPUSH from an argument
   * block). `many`: more pushes follow, so a new quicklist node gets the room of
   * a full one at once rather than growing 1.5x at a time.
   */
  pushHeadFrom(src: Uint8Array, off: number, len: number, many = false): void {
    this.count++;
    this.rawBytes += len;
    const h = this.head;
    if (this.enc === "listpack") {
      if (h) this.pushFrontIn(h, src, off, len);
      else this.insertNode(null, packedNodeOf(src, off, len), false);
      return;
    }
    if (isLargeElement(len, this.fill)) {
      this.insertNode(h, plainNode(src.slice(off, off + len)), false);
    } else if (this.allowInsert(h, len)) {
      this.pushFrontIn(h!, src, off, len);
    } else {
      if (h) this.seal(h);
      this.insertNode(h, packedNodeOf(src, off, len, many ? this.nodeRoom() : 0, true), false);
    }
  }

  /** Adds an element at the tail (RPUSH). `v` is copied. */
  pushTail(v: Uint8Array): void {
    this.pushTailFrom(v, 0, v.length);
  }

  /** {@link pushHeadFrom} at the tail (RPUSH from an argument block). */
  pushTailFrom(src: Uint8Array, off: number, len: number, many = false): void {
    this.count++;
    this.rawBytes += len;
    const t = this.tail;
    if (this.enc === "listpack") {
      if (t) this.pushBackIn(t, src, off, len);
      else this.insertNode(null, packedNodeOf(src, off, len), true);
      return;
    }
    if (isLargeElement(len, this.fill)) {
      this.insertNode(t, plainNode(src.slice(off, off + len)), true);
    } else if (this.allowInsert(t, len)) {
      this.pushBackIn(t!, src, off, len);
    } else {
      if (t) this.seal(t);
      this.insertNode(t, packedNodeOf(src, off, len, many ? this.nodeRoom() : 0), true);
    }
  }

  /** Removes and returns the head element (a view), or undefined when empty (LPOP). */
  popHead(): Uint8Array | undefined {
    const h = this.head;
    return h ? this.delIndex(h, 0) : undefined;
  }

  /** Removes and returns the tail element (a view), or undefined when empty (RPOP). */
  popTail(): Uint8Array | undefined {
    const t = this.tail;
    return t ? this.delIndex(t, t.n - 1) : undefined;
  }

  /** The head element (a view). */
  first(): Uint8Array | undefined {
    return this.head ? this.head.view(0) : undefined;
  }

  /** The tail element (a view). */
  last(): Uint8Array | undefined {
    const t = this.tail;
    return t ? t.view(t.n - 1) : undefined;
  }

  /** The element at `index` (negative counts from the tail; a view), or undefined (LINDEX). */
  at(index: number): Uint8Array | undefined {
    const i = this.normalize(index);
    if (i < 0) return undefined;
    if (i === 0) return this.head!.view(0);
    this.locate(i);
    return this.locNode!.view(this.locOff);
  }

  /**
   * Replaces the element at `index` (negative counts from the tail). Returns
   * false when out of range (LSET). Follows quicklistReplaceEntry.
   */
  set(index: number, v: Uint8Array): boolean {
    const i = this.normalize(index);
    if (i < 0) return false;
    this.locate(i);
    const node = this.locNode!;
    const off = this.locOff;
    if (this.enc === "listpack" || (!node.plain && !isLargeElement(v.length, this.fill))) {
      this.replaceIn(node, off, v);
      return true;
    }
    if (node.plain) {
      if (isLargeElement(v.length, this.fill)) {
        this.rawBytes += v.length - node.buf.length;
        this.setBuf(node, v.slice(), 0, v.length);
        node.sz = v.length;
      } else {
        this.insertInNode(node, 0, v, true);
        this.deleteNode(node);
      }
      return true;
    }
    // Large element replacing an entry of a packed node: it gets its own
    // plain node right after the (possibly split) node.
    let split: QNode | null = null;
    if (off !== node.n - 1) {
      split = this.splitNode(node, off, true);
    }
    let nn = plainNode(v.slice());
    this.insertNode(node, nn, true);
    if (split) this.insertNode(nn, split, true);
    this.count++;
    this.rawBytes += v.length;
    if (node.n === 1) {
      this.deleteNode(node);
    } else {
      this.delIndex(node, node.n - 1);
      nn = this.mergeAround(nn);
    }
    return true;
  }

  /**
   * Inserts `v` before or after the element at `index` (LINSERT, once the
   * pivot index is known, e.g. via {@link indexOf}). Returns false when the
   * index is out of range. `v` is copied.
   */
  insert(index: number, v: Uint8Array, after: boolean): boolean {
    const i = this.normalize(index);
    if (i < 0) return false;
    this.locate(i);
    this.insertInNode(this.locNode!, this.locOff, v, after);
    return true;
  }

  // _quicklistInsert (plus plain listpack insertion).
  private insertInNode(node: QNode, off: number, v: Uint8Array, after: boolean): void {
    const sz = v.length;
    this.count++;
    this.rawBytes += sz;
    if (this.enc === "listpack") {
      this.insertIn(node, after ? off + 1 : off, v);
      return;
    }
    const full = !this.allowInsert(node, sz);
    let atTail = false;
    let atHead = false;
    let availNext = false;
    let availPrev = false;
    if (after && off === node.n - 1) {
      atTail = true;
      availNext = this.allowInsert(node.next, sz);
    }
    if (!after && off === 0) {
      atHead = true;
      availPrev = this.allowInsert(node.prev, sz);
    }
    if (isLargeElement(sz, this.fill)) {
      if (node.plain || atTail || atHead) {
        this.insertNode(node, plainNode(v.slice()), after);
      } else {
        const nn = this.splitNode(node, off, after);
        const entry = plainNode(v.slice());
        this.insertNode(node, entry, after);
        this.insertNode(entry, nn, after);
      }
      return;
    }
    if (!full) {
      this.insertIn(node, after ? off + 1 : off, v);
    } else if (atTail && availNext) {
      this.pushFrontIn(node.next!, v);
    } else if (atHead && availPrev) {
      this.pushBackIn(node.prev!, v);
    } else if (atTail || atHead) {
      this.insertNode(node, packedNode([v]), after);
    } else {
      const nn = this.splitNode(node, off, after);
      this.insertNode(node, nn, after);
      if (after) this.pushFrontIn(nn, v);
      else this.pushBackIn(nn, v);
      this.mergeAround(node);
    }
  }

  /** Removes the element at `index`; returns it, or undefined when out of range. */
  removeAt(index: number): Uint8Array | undefined {
    const i = this.normalize(index);
    if (i < 0) return undefined;
    this.locate(i);
    return this.delIndex(this.locNode!, this.locOff);
  }

  /**
   * Deletes `count` elements starting at `start` (negative counts from the
   * tail; the range is clipped to the list), following quicklistDelRange.
   * Used for LPOP/RPOP with a count: `deleteRange(0, n)` / `deleteRange(-n, n)`.
   * Returns the number of elements removed.
   */
  deleteRange(start: number, count: number): number {
    if (count <= 0) return 0;
    let extent = count;
    if (start >= 0 && extent > this.count - start) extent = this.count - start;
    else if (start < 0 && extent > -start) extent = -start;
    const idx = start >= 0 ? start : this.count + start;
    if (idx < 0 || idx >= this.count || extent <= 0) return 0;
    this.locate(idx);
    let node = this.locNode;
    let off = this.locOff;
    const removed = extent;
    while (extent > 0 && node) {
      const next: QNode | null = node.next;
      let del: number;
      let entire = false;
      if (off === 0 && extent >= node.n) {
        entire = true;
        del = node.n;
      } else if (extent + off >= node.n) {
        del = node.n - off;
      } else {
        del = extent;
      }
      if (entire || node.plain) {
        this.deleteNode(node);
      } else {
        this.removeRangeIn(node, off, del);
        this.count -= del;
      }
      extent -= del;
      node = next;
      off = 0;
    }
    return removed;
  }

  /**
   * LTRIM semantics: keeps elements in [start, stop] (inclusive, negative
   * indexes allowed) and removes the rest. Returns the number removed.
   */
  trim(start: number, stop: number): number {
    const llen = this.count;
    if (start < 0) start = llen + start;
    if (stop < 0) stop = llen + stop;
    if (start < 0) start = 0;
    let ltrim: number;
    let rtrim: number;
    if (start > stop || start >= llen) {
      ltrim = llen;
      rtrim = 0;
    } else {
      if (stop >= llen) stop = llen - 1;
      ltrim = start;
      rtrim = llen - stop - 1;
    }
    this.deleteRange(0, ltrim);
    this.deleteRange(-rtrim, rtrim);
    return ltrim + rtrim;
  }

  /**
   * LREM semantics: removes up to `count` elements equal to `value` scanning
   * from the head (count > 0) or from the tail (count < 0); count 0 removes
   * all. Returns the number removed.
   */
  remove(value: Uint8Array, count: number): number {
    let removed = 0;
    const limit = count < 0 ? -count : count;
    if (count >= 0) {
      let node = this.head;
      while (node) {
        const next: QNode | null = node.next;
        let i = 0;
        let p = node.s;
        while (i < node.n) {
          const q = node.plain ? node.e : readAt(node.buf, p);
          if (node.plain ? bytesEqual(node.buf, value) : equalAt(node.buf, gOff, gLen, value)) {
            const gone = node.n === 1;
            this.delIndex(node, i);
            removed++;
            if (limit && removed === limit) return removed;
            if (gone) break;
            // The node's bytes may have moved: find element i again.
            if (i < node.n) p = node.entry(i);
          } else {
            i++;
            p = q;
          }
        }
        node = next;
      }
    } else {
      let node = this.tail;
      while (node) {
        const prev: QNode | null = node.prev;
        let q = node.e;
        for (let i = node.n - 1; i >= 0; i--) {
          let match: boolean;
          if (node.plain) match = bytesEqual(node.buf, value);
          else {
            q = readBefore(node.buf, q);
            match = equalAt(node.buf, gOff, gLen, value);
          }
          if (match) {
            const gone = node.n === 1;
            this.delIndex(node, i);
            removed++;
            if (removed === limit) return removed;
            if (gone) break;
            // The node's bytes may have moved: find the end of element i-1 again.
            if (i > 0) {
              node.entry(i - 1);
              q = gOff + gLen + lenBytes(gLen);
            }
          }
        }
        node = prev;
      }
    }
    return removed;
  }

  /** Index of the first element equal to `value` scanning from the head, or -1. */
  indexOf(value: Uint8Array): number {
    let base = 0;
    for (let node = this.head; node; node = node.next) {
      if (node.plain) {
        if (bytesEqual(node.buf, value)) return base;
      } else {
        const buf = node.buf;
        let p = node.s;
        for (let i = 0; i < node.n; i++) {
          p = readAt(buf, p);
          if (equalAt(buf, gOff, gLen, value)) return base + i;
        }
      }
      base += node.n;
    }
    return -1;
  }

  /**
   * Visits `n` elements starting at normalized index `from` (0 <= from <
   * length), moving towards the tail, or towards the head when `reverse`.
   * Stops early when the range runs off the list. The visited arrays are views
   * into the list, valid until it is modified.
   */
  forEachFrom(
    from: number,
    n: number,
    reverse: boolean,
    visit: (v: Uint8Array) => void,
  ): void {
    this.forEachRawFrom(from, n, reverse, (buf, off, len) => {
      visit(off === 0 && len === buf.length ? buf : buf.subarray(off, off + len));
    });
  }

  /**
   * Like {@link forEachFrom}, visiting each element as `len` bytes at `off` in
   * `buf` (no view allocated: the LRANGE and pop replies write from there).
   */
  forEachRawFrom(
    from: number,
    n: number,
    reverse: boolean,
    visit: (buf: Uint8Array, off: number, len: number) => void,
  ): void {
    if (n <= 0 || from < 0 || from >= this.count) return;
    this.locate(from);
    let node = this.locNode;
    let off = this.locOff;
    if (!reverse) {
      while (node && n > 0) {
        const buf = node.buf;
        if (node.plain) {
          visit(buf, 0, buf.length);
          n--;
        } else {
          let p = node.entry(off);
          for (let j = off; j < node.n && n > 0; j++, n--) {
            const b = buf[p];
            if (b < 0x80) {
              visit(buf, p + 1, b);
              p += b + 2;
            } else {
              p = readAt(buf, p);
              visit(buf, gOff, gLen);
            }
          }
        }
        node = node.next;
        off = 0;
      }
    } else {
      while (node && n > 0) {
        const buf = node.buf;
        if (node.plain) {
          visit(buf, 0, buf.length);
          n--;
        } else {
          node.entry(off);
          let q = gOff + gLen + lenBytes(gLen);
          for (let j = off; j >= 0 && n > 0; j--, n--) {
            const b = buf[q - 1];
            if (b < 0x80) {
              q -= b + 2;
              visit(buf, q + 1, b);
            } else {
              q = readBefore(buf, q);
              visit(buf, gOff, gLen);
            }
          }
        }
        node = node.prev;
        if (node) off = node.n - 1;
      }
    }
  }

  /**
   * LRANGE semantics: copies of the elements in [start, stop] (inclusive,
   * negative indexes allowed), head to tail.
   */
  range(start: number, stop: number): Uint8Array[] {
    const llen = this.count;
    if (start < 0) start = llen + start;
    if (stop < 0) stop = llen + stop;
    if (start < 0) start = 0;
    if (start > stop || start >= llen) return [];
    if (stop >= llen) stop = llen - 1;
    const out: Uint8Array[] = new Array(stop - start + 1);
    let k = 0;
    this.forEachFrom(start, stop - start + 1, false, (v) => {
      out[k++] = v.slice();
    });
    return out;
  }

  /** Copies of all elements, head to tail. */
  toArray(): Uint8Array[] {
    return this.range(0, -1);
  }

  /**
   * Iterator positioned at `index` (negative counts from the tail), moving
   * towards the tail, or towards the head when `reverse` (LPOS, SORT). The
   * list must not be modified while iterating; elements are views.
   */
  iterator(index = 0, reverse = false): ListIterator {
    const i = this.normalize(index);
    if (i < 0) return new ListIterator(null, 0, reverse);
    this.locate(i);
    return new ListIterator(this.locNode, this.locOff, reverse);
  }

  /** Visits a copy of every element head to tail (LRANGE 0 -1's order). */
  forEach(visit: (v: Uint8Array) => void): void {
    for (let node = this.head; node; node = node.next) {
      if (node.plain) {
        visit(node.buf.slice());
        continue;
      }
      const buf = node.buf;
      let p = node.s;
      for (let j = 0; j < node.n; j++) {
        p = readAt(buf, p);
        visit(buf.slice(gOff, gOff + gLen));
      }
    }
  }

  /** Iterates copies of the elements head to tail. */
  *[Symbol.iterator](): IterableIterator<Uint8Array> {
    for (let node = this.head; node; node = node.next) {
      yield* node.slice(0, node.n);
    }
  }

  /**
   * Visits the nodes head to tail with a copy of their elements, e.g. to save
   * the list node by node as RDB_TYPE_LIST_QUICKLIST_2 does.
   */
  forEachNode(visit: (items: Uint8Array[], plain: boolean) => void): void {
    for (let n = this.head; n; n = n.next) visit(n.slice(0, n.n), n.plain);
  }

  /**
   * Rebuilds a quicklist with the given node layout (RDB loading: each
   * listpack / plain node is appended as is, empty ones skipped). Call
   * {@link afterBuild} afterwards, as rdbLoadObject does.
   */
  static fromNodes(
    nodes: Iterable<{ items: readonly Uint8Array[]; plain: boolean }>,
    listMaxListpackSize: number,
  ): RedisList {
    const l = new RedisList();
    l.convertToQuicklist(listMaxListpackSize);
    for (const { items, plain } of nodes) {
      if (items.length === 0) continue;
      const node = plain ? plainNode(items[0].slice()) : packedNode(items);
      l.insertNode(l.tail, node, true);
      l.count += node.n;
      for (let i = 0; i < node.n; i++) l.rawBytes += items[i].length;
    }
    return l;
  }

  /**
   * Appends a node while loading (RDB), for a list made quicklist encoded by
   * {@link convertToQuicklist}: a packed node holding a copy of `src[0, end)`,
   * `n` elements already framed as packed_entries.ts frames them, or with
   * `plain` a plain node whose one element is `src` (kept, not copied).
   * Call {@link afterBuild} when done, as rdbLoadObject does.
   */
  appendLoadedNode(src: Uint8Array, end: number, n: number, plain: boolean): void {
    if (n === 0) return;
    let node: QNode;
    if (plain) {
      node = plainNode(src);
      this.rawBytes += src.length;
    } else {
      const buf = new Uint8Array(Math.max(MIN_NODE_CAPACITY, end));
      for (let i = 0; i < end; i++) buf[i] = src[i];
      node = new QNode(buf, 0, end, n, false);
      let sz = LP_EMPTY_SIZE;
      for (let p = 0; p < end;) {
        p = readAt(buf, p);
        sz += lpEntrySizeAt(buf, gOff, gLen);
        this.rawBytes += gLen;
      }
      node.sz = sz;
    }
    this.insertNode(this.tail, node, true);
    this.count += n;
  }

  /** Builds a list (listpack encoded, like createListListpackObject). */
  static from(values: Iterable<Uint8Array>): RedisList {
    const l = new RedisList();
    for (const v of values) l.pushTail(v);
    return l;
  }

  /** A copy for COPY: same elements, same encoding and node layout. */
  clone(): RedisList {
    const c = new RedisList();
    c.enc = this.enc;
    c.fill = this.fill;
    c.count = this.count;
    c.rawBytes = this.rawBytes;
    for (let n = this.head; n; n = n.next) {
      const m = n.plain
        ? new QNode(n.buf.slice(), 0, n.e, 1, true)
        : new QNode(n.buf.slice(n.s, n.e), 0, n.e - n.s, n.n, false);
      m.sz = n.sz;
      c.insertNode(c.tail, m, true);
    }
    return c;
  }
}

/** Forward or backward cursor over a {@link RedisList}; elements are views. */
export class ListIterator {
  private p = 0;

  constructor(
    private node: QNode | null,
    private off: number,
    private readonly reverse: boolean,
  ) {
    if (node) this.seek(node, off);
  }

  // Positions p at element `off` of `node`: its start going forward, its end backwards.
  private seek(node: QNode, off: number): void {
    if (node.plain) return;
    const start = node.entry(off);
    this.p = this.reverse ? gOff + gLen + lenBytes(gLen) : start;
  }

  /** Returns the current element and advances, or undefined at the end. */
  next(): Uint8Array | undefined {
    const node = this.node;
    if (!node) return undefined;
    let v: Uint8Array;
    if (node.plain) v = node.buf;
    else {
      this.p = this.reverse ? readBefore(node.buf, this.p) : readAt(node.buf, this.p);
      v = node.buf.subarray(gOff, gOff + gLen);
    }
    if (this.reverse) {
      if (--this.off < 0) {
        this.node = node.prev;
        if (this.node) {
          this.off = this.node.n - 1;
          this.seek(this.node, this.off);
        }
      }
    } else if (++this.off >= node.n) {
      this.node = node.next;
      this.off = 0;
      if (this.node) this.seek(this.node, 0);
    }
    return v;
  }
}
