/**
 * Packed element runs: how a listpack-encoded hash and a listpack- or
 * intset-encoded set hold their elements, in one flat one-byte JS string.
 *
 * Each element (field, value or member) is its length followed by its bytes,
 * one char per byte. A length below 128 is one char; a longer one is written
 * LEB128 style (7 bits per char, low bits first, the high bit set on every char
 * but the last). A hash stores field, value, field, value, ...; a set its
 * members. Like a listpack, the run is one allocation with no per-element
 * object: a flat string costs 16 bytes of header where a `Uint8Array` owning
 * its buffer costs about 200, and being immutable it can be shared by clones
 * and handed out without copying.
 *
 * Every edit builds a new flat string (`Array.prototype.join` writes one
 * sequential string; `+` would leave a cons string holding both halves),
 * so an edit is O(run length), as a listpack's realloc and memmove are.
 *
 * @module
 */

// Position just after the length read by the last readLen.
let afterLen = 0;

/**
 * Length of the element at `p`; {@link elementStart} then gives where its
 * bytes begin.
 */
export function readLen(run: string, p: number): number {
  let c = run.charCodeAt(p++);
  if (c < 0x80) {
    afterLen = p;
    return c;
  }
  let n = c & 0x7f;
  let scale = 0x80;
  do {
    c = run.charCodeAt(p++);
    n += (c & 0x7f) * scale;
    scale *= 0x80;
  } while (c >= 0x80);
  afterLen = p;
  return n;
}

/** Where the bytes of the element whose length {@link readLen} read last begin. */
export function elementStart(): number {
  return afterLen;
}

/** Offset just past the element at `p`. */
export function skipElement(run: string, p: number): number {
  const n = readLen(run, p);
  return afterLen + n;
}

const ONE_CHAR: string[] = [];
for (let i = 0; i < 0x80; i++) ONE_CHAR.push(String.fromCharCode(i));

/** The length prefix of an element of `n` bytes. */
export function lenPrefix(n: number): string {
  if (n < 0x80) return ONE_CHAR[n];
  let s = "";
  while (n >= 0x80) {
    s += String.fromCharCode(0x80 | (n % 0x80));
    n = Math.floor(n / 0x80);
  }
  return s + String.fromCharCode(n);
}

/** Packed size of an element of `n` bytes (prefix included). */
export function packedSize(n: number): number {
  let size = n + 1;
  for (n = Math.floor(n / 0x80); n > 0; n = Math.floor(n / 0x80)) size++;
  return size;
}

/** The element at `p` as a binary string. */
export function elementString(run: string, p: number): string {
  const n = readLen(run, p);
  return run.substring(afterLen, afterLen + n);
}

/** The element at `p` as a fresh `Uint8Array`. */
export function elementBytes(run: string, p: number): Uint8Array {
  const n = readLen(run, p);
  const out = new Uint8Array(n);
  for (let i = 0, q = afterLen; i < n; i++, q++) out[i] = run.charCodeAt(q);
  return out;
}

/** Whether the element at `p` equals `s`. */
export function elementEquals(run: string, p: number, s: string): boolean {
  const n = readLen(run, p);
  if (n !== s.length) return false;
  const q = afterLen;
  for (let i = 0; i < n; i++) if (run.charCodeAt(q + i) !== s.charCodeAt(i)) return false;
  return true;
}

/**
 * Offset of the first entry whose first element equals `s`, or -1. An entry
 * is `stride` elements (2 for a hash's field and value, 1 for a set member).
 */
export function findEntry(run: string, s: string, stride: 1 | 2): number {
  return stride === 2 ? findPair(run, s) : findElement(run, s);
}

// The scans below decode one-char lengths inline: they are the listpack hot path.

function findElement(run: string, s: string): number {
  const len = s.length;
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(len - 1);
  const end = run.length;
  let p = 0;
  while (p < end) {
    let n = run.charCodeAt(p);
    let q = p + 1;
    if (n >= 0x80) {
      n = readLen(run, p);
      q = afterLen;
    }
    if (n === len && (n === 0 || matches(run, q, s, n, first, last))) return p;
    p = q + n;
  }
  return -1;
}

function findPair(run: string, s: string): number {
  const len = s.length;
  const first = s.charCodeAt(0);
  const last = s.charCodeAt(len - 1);
  const end = run.length;
  let p = 0;
  while (p < end) {
    let n = run.charCodeAt(p);
    let q = p + 1;
    if (n >= 0x80) {
      n = readLen(run, p);
      q = afterLen;
    }
    if (n === len && (n === 0 || matches(run, q, s, n, first, last))) return p;
    q += n;
    n = run.charCodeAt(q);
    if (n >= 0x80) p = skipElement(run, q);
    else p = q + 1 + n;
  }
  return -1;
}

// Whether the `n` chars at `q` are `s`; the last char goes first because names
// sharing a prefix (field:1, field:2, ...) usually differ at the end.
function matches(
  run: string,
  q: number,
  s: string,
  n: number,
  first: number,
  last: number,
): boolean {
  if (run.charCodeAt(q + n - 1) !== last || run.charCodeAt(q) !== first) return false;
  for (let i = 1; i < n - 1; i++) if (run.charCodeAt(q + i) !== s.charCodeAt(i)) return false;
  return true;
}

/** `run` with [start, end) replaced by `insert`, as one flat string. */
export function splice(run: string, start: number, end: number, insert: string): string {
  if (start === run.length) return [run, insert].join("");
  return [run.substring(0, start), insert, run.substring(end)].join("");
}

/** The packed form of the elements of `parts`, as one flat string. */
export function pack(parts: readonly string[]): string {
  const out: string[] = [];
  for (let i = 0; i < parts.length; i++) out.push(lenPrefix(parts[i].length), parts[i]);
  return out.join("");
}

// Entry offsets of the last run asked about: random access by index (HRANDFIELD,
// SRANDMEMBER, SPOP) walks a run once, not once per pick. Runs are immutable, so
// the run itself is the cache key.
let cachedRun = "";
let cachedStride = 1;
let cachedOffsets = new Int32Array(256);

/**
 * Offsets of the entries of `run` (`count` entries of `stride` elements).
 * Valid until the next call.
 */
export function entryOffsets(run: string, count: number, stride: 1 | 2): Int32Array {
  if (run === cachedRun && stride === cachedStride && run.length > 0) return cachedOffsets;
  if (cachedOffsets.length < count) {
    cachedOffsets = new Int32Array(Math.max(count, 2 * cachedOffsets.length));
  }
  let p = 0;
  for (let i = 0; i < count; i++) {
    cachedOffsets[i] = p;
    p = skipElement(run, p);
    if (stride === 2) p = skipElement(run, p);
  }
  cachedRun = run;
  cachedStride = stride;
  return cachedOffsets;
}
