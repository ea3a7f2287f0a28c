/**
 * The VM's binary formats for what crosses into it (lua-redis-wasm's codec, written here
 * without intermediate objects): an argument block (u32 count, then u32 length and bytes per
 * argument, all little-endian) and a reply (a type byte and a u32 count or length, then the
 * payload). A command's RESP reply is translated into it in one pass.
 */

import { binaryToBytes } from "../util/bytes.ts";

const REPLY_NULL = 0x00;
const REPLY_INT = 0x01;
const REPLY_BULK = 0x02;
const REPLY_ARRAY = 0x03;
const REPLY_STATUS = 0x04;
const REPLY_ERROR = 0x05;
const REPLY_BOOL = 0x07;
const REPLY_DOUBLE = 0x08;
const REPLY_MAP = 0x09;
const REPLY_SET = 0x0a;
const REPLY_BIG_NUMBER = 0x0b;
const REPLY_VERBATIM = 0x0c;

/** The argument block of redis.call's arguments, as views into `block` (one copy). */
export function decodeArgBlock(block: Uint8Array): Uint8Array[] {
  const view = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const n = view.getUint32(0, true);
  const argv: Uint8Array[] = new Array(n);
  let off = 4;
  for (let i = 0; i < n; i++) {
    const len = view.getUint32(off, true);
    off += 4;
    if (off + len > block.length) throw new Error("invalid argument encoding");
    argv[i] = block.subarray(off, off + len);
    off += len;
  }
  return argv;
}

/** Size of the buffers argument blocks are copied into (`copyArgBlock`). */
const ARENA_BYTES = 64 << 10;
let arena = new Uint8Array(ARENA_BYTES);
let arenaUsed = 0;

/**
 * A copy of `src[at, at + len)` that stays valid as long as it is held, for bytes read from
 * memory reused soon after (the VM's, the worker channel's, a client's reply buffer): copies
 * go to the free end of a 64 KB buffer that is never written again where it was written (a
 * new one follows when it is full). This spares an ArrayBuffer per copy, whose allocation
 * costs more than the rest of a redis.call's own work.
 */
export function keepCopy(src: Uint8Array, at: number, len: number): Uint8Array {
  if (len > ARENA_BYTES >> 2) return src.slice(at, at + len);
  if (arenaUsed + len > ARENA_BYTES) {
    arena = new Uint8Array(ARENA_BYTES);
    arenaUsed = 0;
  }
  const base = arenaUsed;
  if (len < 64) { for (let i = 0; i < len; i++) arena[base + i] = src[at + i]; }
  else arena.set(src.subarray(at, at + len), base);
  arenaUsed += len;
  return new Uint8Array(arena.buffer, base, len);
}

/**
 * redis.call's argument block at `src[at, at + len)`, copied once (`keepCopy`: a command's
 * arguments may outlive the call, as propagation keeps a write's until the script's unit
 * ends), as views into the copy.
 */
export function copyArgBlock(src: Uint8Array, at: number, len: number): Uint8Array[] {
  if (len < 4) throw new Error("invalid argument encoding");
  const block = keepCopy(src, at, len);
  const buffer = block.buffer;
  const base = block.byteOffset;
  const n = u32(block, 0);
  const argv: Uint8Array[] = new Array(n);
  let off = 4;
  for (let i = 0; i < n; i++) {
    if (off + 4 > len) throw new Error("invalid argument encoding");
    const l = u32(block, off);
    off += 4;
    if (off + l > len) throw new Error("invalid argument encoding");
    argv[i] = new Uint8Array(buffer, base + off, l);
    off += l;
  }
  return argv;
}

function u32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

/** The argument block of KEYS then ARGV. */
export function encodeArgBlock(keys: Uint8Array[], args: Uint8Array[]): Uint8Array {
  let size = 4;
  for (const k of keys) size += 4 + k.length;
  for (const a of args) size += 4 + a.length;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  view.setUint32(0, keys.length + args.length, true);
  let off = 4;
  for (const list of [keys, args]) {
    for (const b of list) {
      view.setUint32(off, b.length, true);
      out.set(b, off + 4);
      off += 4 + b.length;
    }
  }
  return out;
}

/** A growable output buffer, reused from call to call. */
let out = new Uint8Array(4096);
let view = new DataView(out.buffer);
let len = 0;

function ensure(n: number): void {
  if (len + n <= out.length) return;
  let size = out.length * 2;
  while (size < len + n) size *= 2;
  const next = new Uint8Array(size);
  next.set(out.subarray(0, len));
  out = next;
  view = new DataView(out.buffer);
}

function header(type: number, n: number): void {
  ensure(5);
  out[len] = type;
  view.setUint32(len + 1, n, true);
  len += 5;
}

function bytes(b: Uint8Array): void {
  ensure(b.length);
  out.set(b, len);
  len += b.length;
}

/** An error reply carrying `text` (a binary string: "CODE message"). */
export function errorToWire(text: string): Uint8Array {
  len = 0;
  const b = binaryToBytes(text);
  header(REPLY_ERROR, b.length);
  bytes(b);
  return out.subarray(0, len);
}

/**
 * One RESP reply (what a command wrote) in the VM's reply format. The result is a view of a
 * shared buffer: valid until the next call.
 */
export function respToWire(resp: Uint8Array): Uint8Array {
  len = 0;
  const end = convert(resp, 0);
  if (end < 0) {
    len = 0;
    header(REPLY_NULL, 0);
  }
  return out.subarray(0, len);
}

/** Index of the CR ending the line that starts at `pos`. */
function lineEnd(r: Uint8Array, pos: number): number {
  return r.indexOf(13, pos);
}

/** Parses a signed decimal integer in r[from, to). */
function parseInt10(r: Uint8Array, from: number, to: number): number {
  let neg = false;
  let i = from;
  if (r[i] === 45) {
    neg = true;
    i++;
  }
  let n = 0;
  for (; i < to; i++) n = n * 10 + (r[i] - 48);
  return neg ? -n : n;
}

function ascii(r: Uint8Array, from: number, to: number): string {
  let s = "";
  for (let i = from; i < to; i++) s += String.fromCharCode(r[i]);
  return s;
}

/** Converts the reply at `pos`; returns the position after it, or -1 when it is cut short. */
function convert(r: Uint8Array, pos: number): number {
  const type = r[pos];
  const eol = lineEnd(r, pos + 1);
  if (eol < 0) return -1;
  const next = eol + 2;
  switch (type) {
    case 43: // + status
    case 45: // - error
    case 40: // ( big number
      header(
        type === 43 ? REPLY_STATUS : type === 45 ? REPLY_ERROR : REPLY_BIG_NUMBER,
        eol - pos - 1,
      );
      bytes(r.subarray(pos + 1, eol));
      return next;
    case 58: { // : integer
      header(REPLY_INT, 8);
      ensure(8);
      const digits = eol - pos - 1;
      // Up to 15 digits fit a double exactly; longer ones go through BigInt.
      if (digits <= 15) view.setBigInt64(len, BigInt(parseInt10(r, pos + 1, eol)), true);
      else view.setBigInt64(len, BigInt(ascii(r, pos + 1, eol)), true);
      len += 8;
      return next;
    }
    case 36: { // $ bulk
      const n = parseInt10(r, pos + 1, eol);
      if (n < 0) {
        header(REPLY_NULL, 0);
        return next;
      }
      header(REPLY_BULK, n);
      bytes(r.subarray(next, next + n));
      return next + n + 2;
    }
    case 61: { // = verbatim: "fmt:text"
      const n = parseInt10(r, pos + 1, eol);
      header(REPLY_VERBATIM, 4 + n - 1);
      ensure(4);
      view.setUint32(len, 3, true);
      len += 4;
      bytes(r.subarray(next, next + 3));
      bytes(r.subarray(next + 4, next + n));
      return next + n + 2;
    }
    case 95: // _ null
      header(REPLY_NULL, 0);
      return next;
    case 35: // # boolean
      header(REPLY_BOOL, 1);
      ensure(1);
      out[len++] = r[pos + 1] === 116 ? 1 : 0;
      return next;
    case 44: { // , double
      const text = ascii(r, pos + 1, eol);
      header(REPLY_DOUBLE, 8);
      ensure(8);
      view.setFloat64(
        len,
        text === "inf"
          ? Infinity
          : text === "-inf"
          ? -Infinity
          : text === "nan"
          ? NaN
          : Number(text),
        true,
      );
      len += 8;
      return next;
    }
    case 42: // * array
    case 62: // > push
    case 126: // ~ set
    case 37: { // % map
      const n = parseInt10(r, pos + 1, eol);
      if (n < 0) {
        header(REPLY_NULL, 0);
        return next;
      }
      header(type === 126 ? REPLY_SET : type === 37 ? REPLY_MAP : REPLY_ARRAY, n);
      let at = next;
      const items = type === 37 ? n * 2 : n;
      for (let i = 0; i < items && at >= 0; i++) at = convert(r, at);
      return at;
    }
  }
  return -1;
}
