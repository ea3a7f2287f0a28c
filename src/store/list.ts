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
 * Complexity: push/pop at both ends O(1) amortized; index access O(nodes)
 * walking from the nearer end (like quicklistGetIteratorAtIdx); range iteration
 * O(start + n) with O(1) per element; insert/remove at an index O(nodes + node
 * size). Nodes hold at most ~32k entries (64kb listpack size class).
 *
 * Encoding conversions happen only through the explicit hooks
 * {@link RedisList.beforeGrow}, {@link RedisList.afterShrink} and
 * {@link RedisList.afterBuild}, called by commands at the same points where
 * Redis calls listTypeTryConversion*.
 *
 * @module
 */

import { bytesEqual } from "../util/bytes.ts";
import { RDB_TYPE_LIST_QUICKLIST_2 } from "../persistence/rdb_types.ts";
import { LIST_BYTES, LIST_ELEMENT_BYTES, LIST_NODE_BYTES } from "./size.ts";
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
function lpIntEncodedLen(v: Uint8Array): number {
  const len = v.length;
  if (len === 0 || len >= 21) return 0;
  let i = 0;
  let neg = false;
  if (v[0] === 45) {
    if (len === 1) return 0;
    neg = true;
    i = 1;
  } else if (len === 1 && v[0] === 48) {
    return 1;
  }
  const first = v[i];
  if (first < 49 || first > 57) return 0;
  for (let j = i + 1; j < len; j++) {
    const c = v[j];
    if (c < 48 || c > 57) return 0;
  }
  const digits = len - i;
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
  for (let j = i; j < len; j++) n = n * 10 + (v[j] - 48);
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
  let enc = lpIntEncodedLen(v);
  if (enc === 0) {
    const len = v.length;
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

type Slot = Uint8Array | undefined;

/**
 * One quicklist node. Elements live in `a[s .. s+n)`; the free room before `s`
 * makes pushing at the front O(1) amortized.
 */
class QNode {
  a: Slot[];
  s = 0;
  n = 0;
  /** Size of the equivalent listpack in bytes, or the raw size when plain. */
  sz = LP_EMPTY_SIZE;
  plain = false;
  prev: QNode | null = null;
  next: QNode | null = null;

  constructor(a: Slot[] = []) {
    this.a = a;
    this.n = a.length;
  }

  get(i: number): Uint8Array {
    return this.a[this.s + i]!;
  }

  pushBack(v: Uint8Array): void {
    this.a[this.s + this.n++] = v;
  }

  pushFront(v: Uint8Array): void {
    if (this.s === 0) {
      // Re-layout leaving a gap in front proportional to the size.
      const gap = this.n < 8 ? 8 : this.n;
      const b: Slot[] = new Array(gap + this.n);
      for (let i = 0; i < this.n; i++) b[gap + i] = this.a[i];
      this.a = b;
      this.s = gap;
    }
    this.a[--this.s] = v;
    this.n++;
  }

  popFront(): Uint8Array {
    const v = this.a[this.s]!;
    this.a[this.s++] = undefined;
    this.n--;
    // Reclaim the dead prefix so FIFO usage does not leak.
    if (this.s >= 64 && this.s >= this.n) {
      this.a = this.a.slice(this.s, this.s + this.n);
      this.s = 0;
    }
    return v;
  }

  popBack(): Uint8Array {
    const i = this.s + --this.n;
    const v = this.a[i]!;
    this.a.length = i;
    return v;
  }

  insertAt(i: number, v: Uint8Array): void {
    if (i === 0) this.pushFront(v);
    else if (i === this.n) this.pushBack(v);
    else {
      this.a.splice(this.s + i, 0, v);
      this.n++;
    }
  }

  removeAt(i: number): Uint8Array {
    if (i === 0) return this.popFront();
    if (i === this.n - 1) return this.popBack();
    const v = this.a[this.s + i]!;
    this.a.splice(this.s + i, 1);
    this.n--;
    return v;
  }

  /** Removes `cnt` elements at `i`; returns [listpack bytes, raw bytes] removed. */
  removeRange(i: number, cnt: number, out: number[]): void {
    let lp = 0;
    let raw = 0;
    for (let j = 0; j < cnt; j++) {
      const v = this.a[this.s + i + j]!;
      lp += lpEntrySize(v);
      raw += v.length;
    }
    if (i + cnt === this.n) this.a.length = this.s + i;
    else this.a.splice(this.s + i, cnt);
    this.n -= cnt;
    out[0] = lp;
    out[1] = raw;
  }

  /** Copy of elements [from, to). */
  slice(from: number, to: number): Slot[] {
    return this.a.slice(this.s + from, this.s + to);
  }
}

function packedNodeFrom(items: Slot[]): QNode {
  const node = new QNode(items);
  let sz = LP_EMPTY_SIZE;
  for (let i = 0; i < items.length; i++) sz += lpEntrySize(items[i]!);
  node.sz = sz;
  return node;
}

function singletonNode(v: Uint8Array, plain: boolean): QNode {
  const node = new QNode([v]);
  node.plain = plain;
  node.sz = plain ? v.length : LP_EMPTY_SIZE + lpEntrySize(v);
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
 * Elements are stored by reference; callers must not mutate a buffer after
 * pushing it.
 */
export class RedisList implements CollectionValue {
  private head: QNode | null = null;
  private tail: QNode | null = null;
  private nodes = 0;
  private count = 0;
  private rawBytes = 0;
  private enc: ListEncoding = "listpack";
  /** quicklist fill factor, fixed when the list became a quicklist. */
  private fill = DEFAULT_LIST_MAX_LISTPACK_SIZE;
  // Scratch results of locate(), avoiding an allocation per lookup.
  private locNode: QNode | null = null;
  private locOff = 0;
  private readonly tmp2 = [0, 0];

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
    return LIST_BYTES + this.nodes * LIST_NODE_BYTES + this.count * LIST_ELEMENT_BYTES +
      this.rawBytes;
  }

  /** {@link memoryUsage} recomputed by a walk (tests). */
  recomputeMemoryUsage(): number {
    let nodes = 0;
    let count = 0;
    let raw = 0;
    for (let n = this.head; n; n = n.next) {
      nodes++;
      for (let i = 0; i < n.n; i++) {
        count++;
        raw += n.get(i).length;
      }
    }
    return LIST_BYTES + nodes * LIST_NODE_BYTES + count * LIST_ELEMENT_BYTES + raw;
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
    const lpBytes = this.head ? this.head.sz : LP_EMPTY_SIZE;
    if (exceedsLimit(listMaxListpackSize, lpBytes + add, this.count + values.length)) {
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
  }

  private unlinkNode(node: QNode): void {
    if (node.next) node.next.prev = node.prev;
    if (node.prev) node.prev.next = node.next;
    if (node === this.tail) this.tail = node.prev;
    if (node === this.head) this.head = node.next;
    node.prev = node.next = null;
    this.nodes--;
  }

  /** Removes a whole node and its elements (__quicklistDelNode). */
  private deleteNode(node: QNode): void {
    for (let i = 0; i < node.n; i++) this.rawBytes -= node.get(i).length;
    this.count -= node.n;
    this.unlinkNode(node);
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
    let keep: QNode;
    if (a.n >= b.n) {
      for (let i = 0; i < b.n; i++) a.pushBack(b.get(i));
      keep = a;
      this.unlinkNode(b);
    } else {
      for (let i = a.n - 1; i >= 0; i--) b.pushFront(a.get(i));
      keep = b;
      this.unlinkNode(a);
    }
    keep.sz = a.sz + b.sz - LP_EMPTY_SIZE;
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
   * The returned node is not linked.
   */
  private splitNode(node: QNode, off: number, after: boolean): QNode {
    let moved: Slot[];
    if (after) {
      moved = node.slice(off + 1, node.n);
      node.a.length = node.s + off + 1;
      node.n = off + 1;
    } else {
      moved = node.slice(0, off);
      node.a = node.slice(off, node.n);
      node.s = 0;
      node.n -= off;
    }
    const nn = packedNodeFrom(moved);
    node.sz -= nn.sz - LP_EMPTY_SIZE;
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
      const v = node.get(0);
      this.deleteNode(node);
      return v;
    }
    const v = node.removeAt(off);
    this.count--;
    this.rawBytes -= v.length;
    if (node.n === 0) this.unlinkNode(node);
    else node.sz -= lpEntrySize(v);
    return v;
  }

  // ---------------------------------------------------------------------------
  // Public element operations.

  /** Adds an element at the head (LPUSH). */
  pushHead(v: Uint8Array): void {
    this.count++;
    this.rawBytes += v.length;
    const h = this.head;
    if (this.enc === "listpack") {
      if (h) {
        h.pushFront(v);
        h.sz += lpEntrySize(v);
      } else this.insertNode(null, singletonNode(v, false), false);
      return;
    }
    if (isLargeElement(v.length, this.fill)) {
      this.insertNode(h, singletonNode(v, true), false);
    } else if (this.allowInsert(h, v.length)) {
      h!.pushFront(v);
      h!.sz += lpEntrySize(v);
    } else {
      this.insertNode(h, singletonNode(v, false), false);
    }
  }

  /** Adds an element at the tail (RPUSH). */
  pushTail(v: Uint8Array): void {
    this.count++;
    this.rawBytes += v.length;
    const t = this.tail;
    if (this.enc === "listpack") {
      if (t) {
        t.pushBack(v);
        t.sz += lpEntrySize(v);
      } else this.insertNode(null, singletonNode(v, false), true);
      return;
    }
    if (isLargeElement(v.length, this.fill)) {
      this.insertNode(t, singletonNode(v, true), true);
    } else if (this.allowInsert(t, v.length)) {
      t!.pushBack(v);
      t!.sz += lpEntrySize(v);
    } else {
      this.insertNode(t, singletonNode(v, false), true);
    }
  }

  /** Removes and returns the head element, or undefined when empty (LPOP). */
  popHead(): Uint8Array | undefined {
    const h = this.head;
    return h ? this.delIndex(h, 0) : undefined;
  }

  /** Removes and returns the tail element, or undefined when empty (RPOP). */
  popTail(): Uint8Array | undefined {
    const t = this.tail;
    return t ? this.delIndex(t, t.n - 1) : undefined;
  }

  /** The head element without removing it. */
  first(): Uint8Array | undefined {
    return this.head ? this.head.get(0) : undefined;
  }

  /** The tail element without removing it. */
  last(): Uint8Array | undefined {
    const t = this.tail;
    return t ? t.get(t.n - 1) : undefined;
  }

  /** Element at `index` (negative counts from the tail), or undefined (LINDEX). */
  at(index: number): Uint8Array | undefined {
    const i = this.normalize(index);
    if (i < 0) return undefined;
    if (i === 0) return this.head!.get(0);
    this.locate(i);
    return this.locNode!.get(this.locOff);
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
    const old = node.get(off);
    if (this.enc === "listpack" || (!node.plain && !isLargeElement(v.length, this.fill))) {
      node.a[node.s + off] = v;
      node.sz += lpEntrySize(v) - lpEntrySize(old);
      this.rawBytes += v.length - old.length;
      return true;
    }
    if (node.plain) {
      if (isLargeElement(v.length, this.fill)) {
        node.a[node.s] = v;
        node.sz = v.length;
        this.rawBytes += v.length - old.length;
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
    let nn = singletonNode(v, true);
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
   * index is out of range.
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
      node.insertAt(after ? off + 1 : off, v);
      node.sz += lpEntrySize(v);
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
        this.insertNode(node, singletonNode(v, true), after);
      } else {
        const nn = this.splitNode(node, off, after);
        const entry = singletonNode(v, true);
        this.insertNode(node, entry, after);
        this.insertNode(entry, nn, after);
      }
      return;
    }
    if (!full) {
      node.insertAt(after ? off + 1 : off, v);
      node.sz += lpEntrySize(v);
    } else if (atTail && availNext) {
      const nx = node.next!;
      nx.pushFront(v);
      nx.sz += lpEntrySize(v);
    } else if (atHead && availPrev) {
      const pv = node.prev!;
      pv.pushBack(v);
      pv.sz += lpEntrySize(v);
    } else if (atTail || atHead) {
      this.insertNode(node, singletonNode(v, false), after);
    } else {
      const nn = this.splitNode(node, off, after);
      if (after) nn.pushFront(v);
      else nn.pushBack(v);
      nn.sz += lpEntrySize(v);
      this.insertNode(node, nn, after);
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
    const tmp = this.tmp2;
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
        node.removeRange(off, del, tmp);
        node.sz -= tmp[0];
        this.rawBytes -= tmp[1];
        this.count -= del;
        if (node.n === 0) this.unlinkNode(node);
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
        while (i < node.n) {
          if (bytesEqual(node.get(i), value)) {
            const gone = node.n === 1;
            this.delIndex(node, i);
            removed++;
            if (limit && removed === limit) return removed;
            if (gone) break;
          } else i++;
        }
        node = next;
      }
    } else {
      let node = this.tail;
      while (node) {
        const prev: QNode | null = node.prev;
        for (let i = node.n - 1; i >= 0; i--) {
          if (bytesEqual(node.get(i), value)) {
            const gone = node.n === 1;
            this.delIndex(node, i);
            removed++;
            if (removed === limit) return removed;
            if (gone) break;
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
      for (let i = 0; i < node.n; i++) if (bytesEqual(node.get(i), value)) return base + i;
      base += node.n;
    }
    return -1;
  }

  /**
   * Visits `n` elements starting at normalized index `from` (0 <= from <
   * length), moving towards the tail, or towards the head when `reverse`.
   * Stops early when the range runs off the list.
   */
  forEachFrom(
    from: number,
    n: number,
    reverse: boolean,
    visit: (v: Uint8Array) => void,
  ): void {
    if (n <= 0 || from < 0 || from >= this.count) return;
    this.locate(from);
    let node = this.locNode;
    let off = this.locOff;
    if (!reverse) {
      while (node && n > 0) {
        const a = node.a;
        const end = node.s + node.n;
        for (let j = node.s + off; j < end && n > 0; j++, n--) visit(a[j]!);
        node = node.next;
        off = 0;
      }
    } else {
      while (node && n > 0) {
        const a = node.a;
        for (let j = node.s + off; j >= node.s && n > 0; j--, n--) visit(a[j]!);
        node = node.prev;
        if (node) off = node.n - 1;
      }
    }
  }

  /**
   * LRANGE semantics: elements in [start, stop] (inclusive, negative indexes
   * allowed), head to tail.
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
      out[k++] = v;
    });
    return out;
  }

  /** All elements, head to tail. */
  toArray(): Uint8Array[] {
    return this.range(0, -1);
  }

  /**
   * Iterator positioned at `index` (negative counts from the tail), moving
   * towards the tail, or towards the head when `reverse` (LPOS, LRANGE with
   * custom logic). The list must not be modified while iterating.
   */
  iterator(index = 0, reverse = false): ListIterator {
    const i = this.normalize(index);
    if (i < 0) return new ListIterator(null, 0, reverse);
    this.locate(i);
    return new ListIterator(this.locNode, this.locOff, reverse);
  }

  /** Visits every element head to tail (LRANGE 0 -1's order). */
  forEach(visit: (v: Uint8Array) => void): void {
    for (let node = this.head; node; node = node.next) {
      const a = node.a;
      const end = node.s + node.n;
      for (let j = node.s; j < end; j++) visit(a[j]!);
    }
  }

  /** Iterates head to tail. */
  *[Symbol.iterator](): IterableIterator<Uint8Array> {
    for (let node = this.head; node; node = node.next) {
      for (let i = 0; i < node.n; i++) yield node.get(i);
    }
  }

  /**
   * Visits the nodes head to tail with a copy of their elements, e.g. to save
   * the list node by node as RDB_TYPE_LIST_QUICKLIST_2 does.
   */
  forEachNode(visit: (items: Uint8Array[], plain: boolean) => void): void {
    for (let n = this.head; n; n = n.next) visit(n.slice(0, n.n) as Uint8Array[], n.plain);
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
      const node = plain ? singletonNode(items[0], true) : packedNodeFrom(items.slice());
      l.insertNode(l.tail, node, true);
      l.count += node.n;
      for (let i = 0; i < node.n; i++) l.rawBytes += node.get(i).length;
    }
    return l;
  }

  /** Builds a list (listpack encoded, like createListListpackObject). */
  static from(values: Iterable<Uint8Array>): RedisList {
    const l = new RedisList();
    for (const v of values) l.pushTail(v);
    return l;
  }

  /**
   * Deep-enough copy for COPY: same elements (buffers shared, they are
   * immutable by convention), same encoding and node layout.
   */
  clone(): RedisList {
    const c = new RedisList();
    c.enc = this.enc;
    c.fill = this.fill;
    c.count = this.count;
    c.rawBytes = this.rawBytes;
    for (let n = this.head; n; n = n.next) {
      const m = new QNode(n.slice(0, n.n));
      m.sz = n.sz;
      m.plain = n.plain;
      c.insertNode(c.tail, m, true);
    }
    return c;
  }
}

/** Forward or backward cursor over a {@link RedisList}. */
export class ListIterator {
  constructor(
    private node: QNode | null,
    private off: number,
    private readonly reverse: boolean,
  ) {}

  /** Returns the current element and advances, or undefined at the end. */
  next(): Uint8Array | undefined {
    const node = this.node;
    if (!node) return undefined;
    const v = node.get(this.off);
    if (this.reverse) {
      if (--this.off < 0) {
        this.node = node.prev;
        if (this.node) this.off = this.node.n - 1;
      }
    } else if (++this.off >= node.n) {
      this.node = node.next;
      this.off = 0;
    }
    return v;
  }
}
