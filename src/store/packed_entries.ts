/**
 * Entries packed into one byte buffer, as a listpack packs them: the framing
 * behind list nodes and small (listpack-encoded) sorted sets.
 *
 * Each entry is `<len><bytes><len'>`: `len` as a LEB128 varint and `len'` the
 * same groups mirrored (low group last, 0x80 on every group but the last one
 * read backwards), so a buffer can be walked from either end as a listpack's
 * backlen allows. Entries under 128 bytes cost 2 bytes besides their data.
 *
 * The walkers report the entry they read through {@link gOff} / {@link gLen}
 * (module state, read right after the call) so walking allocates nothing.
 *
 * @module
 */

/** Data offset of the entry last read by {@link readAt} / {@link readBefore}. */
export let gOff = 0;
/** Data length of the entry last read. */
export let gLen = 0;

/** Bytes of an entry's length header (and of its mirrored trailer). */
export function lenBytes(len: number): number {
  return len < 0x80 ? 1 : len < 0x4000 ? 2 : len < 0x200000 ? 3 : len < 0x10000000 ? 4 : 5;
}

/** Bytes an entry with `len` data bytes takes. */
export function packedSize(len: number): number {
  return len < 0x80 ? len + 2 : len + 2 * lenBytes(len);
}

/**
 * Writes the framing of an entry with `len` data bytes at `p` (room for
 * packedSize(len) is there); returns the data offset, where the caller writes.
 */
export function writeFrame(buf: Uint8Array, p: number, len: number): number {
  if (len < 0x80) {
    buf[p] = len;
    buf[p + 1 + len] = len;
    return p + 1;
  }
  const k = lenBytes(len);
  for (let j = 0; j < k; j++) {
    const g = (len >>> (7 * j)) & 0x7f;
    buf[p + j] = j < k - 1 ? g | 0x80 : g;
    buf[p + 2 * k + len - 1 - j] = j < k - 1 ? g | 0x80 : g;
  }
  return p + k;
}

/** Writes `v` as an entry at `p` (room for packedSize(v.length) is there). */
export function writeEntry(buf: Uint8Array, p: number, v: Uint8Array): void {
  buf.set(v, writeFrame(buf, p, v.length));
}

/**
 * Writes the `len` bytes at `off` in `src` as an entry at `p` (room for
 * packedSize(len) is there): a request's argument read from its block, with
 * no view made for a short one.
 */
export function writeEntryFrom(
  buf: Uint8Array,
  p: number,
  src: Uint8Array,
  off: number,
  len: number,
): void {
  const d = writeFrame(buf, p, len);
  if (len < 32) { for (let k = 0; k < len; k++) buf[d + k] = src[off + k]; }
  else buf.set(src.subarray(off, off + len), d);
}

/** Reads the entry at `p`: sets gOff/gLen; returns the offset of the next entry. */
export function readAt(buf: Uint8Array, p: number): number {
  let b = buf[p++];
  let len = b & 0x7f;
  for (let shift = 7; b & 0x80; shift += 7) {
    b = buf[p++];
    len += (b & 0x7f) * 2 ** shift;
  }
  gOff = p;
  gLen = len;
  return p + len + lenBytes(len);
}

/** Reads the entry ending at `q`: sets gOff/gLen; returns the offset where it starts. */
export function readBefore(buf: Uint8Array, q: number): number {
  let b = buf[--q];
  let len = b & 0x7f;
  for (let shift = 7; b & 0x80; shift += 7) {
    b = buf[--q];
    len += (b & 0x7f) * 2 ** shift;
  }
  gLen = len;
  gOff = q - len;
  return gOff - lenBytes(len);
}
