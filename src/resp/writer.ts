/**
 * Reply encoder: command handlers write replies straight into a client's output
 * buffer through these methods, in RESP2 or RESP3 as the client negotiated with
 * HELLO. Types that RESP2 lacks degrade as Redis degrades them (maps become flat
 * arrays, doubles become bulk strings, booleans become integers, nulls `$-1`/`*-1`).
 */

import { formatDouble } from "../util/fpconv.ts";

const encoder = new TextEncoder();
const CRLF_0 = 13;
const CRLF_1 = 10;
/**
 * The first buffer a writer allocates: small, since a burst of new connections
 * allocates one each; it doubles as replies need, and the connection reuses it.
 */
const INITIAL_SIZE = 1024;
/** The buffer of a writer that has not needed one yet. */
const NO_BUFFER = new Uint8Array(0);

/** The reply surface handlers write to; a socket writer or, later, a capturing one (Lua). */
export interface Reply {
  /** Protocol version of the peer: 2 or 3. */
  readonly resp: 2 | 3;
  simple(s: string): void;
  ok(): void;
  error(msg: string): void;
  integer(n: number | bigint): void;
  bulk(b: Uint8Array): void;
  /** Bulk string from a binary string (char codes are bytes), e.g. a key. */
  bulkBinary(s: string): void;
  /** Bulk string from text, UTF-8 encoded. */
  bulkText(s: string): void;
  nullBulk(): void;
  nullArray(): void;
  /** RESP3 null `_` in both protocols' natural null for a missing aggregate. */
  null(): void;
  array(n: number): void;
  map(n: number): void;
  set(n: number): void;
  push(n: number): void;
  double(d: number): void;
  bool(b: boolean): void;
  verbatim(text: string, format?: string): void;
  bigNumber(digits: string): void;
}

/** Growable byte buffer that encodes RESP replies. */
export class ReplyWriter implements Reply {
  buf: Uint8Array;
  len = 0;
  resp: 2 | 3 = 2;
  /** Called for every error reply (errorstats, the executor's failure accounting). */
  onError: ((msg: string) => void) | null = null;

  /** `size` 0 allocates on the first reply (an idle connection holds no buffer). */
  constructor(size = 16 * 1024) {
    this.buf = size > 0 ? new Uint8Array(size) : NO_BUFFER;
  }

  /** Makes room for `n` more bytes. */
  ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = Math.max(this.buf.length * 2, INITIAL_SIZE);
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /**
   * Hands the pending bytes to the caller and continues in `spare` (a buffer
   * returned by an earlier take), so a write in flight never sees new replies.
   */
  take(spare: Uint8Array | null): Uint8Array {
    const out = this.buf.subarray(0, this.len);
    // Without a spare, the next reply allocates (ensure): nothing is held meanwhile.
    this.buf = spare && spare.length >= 1024 ? spare : NO_BUFFER;
    this.len = 0;
    return out;
  }

  raw(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** Writes an ASCII string (headers, simple strings). */
  private ascii(s: string): void {
    const n = s.length;
    this.ensure(n);
    const buf = this.buf;
    let len = this.len;
    for (let i = 0; i < n; i++) buf[len++] = s.charCodeAt(i);
    this.len = len;
  }

  private crlf(): void {
    this.buf[this.len++] = CRLF_0;
    this.buf[this.len++] = CRLF_1;
  }

  /** Writes `<prefix><n>\r\n`, with the digits produced in place. */
  private header(prefix: number, n: number): void {
    this.ensure(24);
    const buf = this.buf;
    buf[this.len++] = prefix;
    if (n < 0) {
      buf[this.len++] = 45;
      n = -n;
    }
    if (n < 10) {
      buf[this.len++] = 48 + n;
    } else if (n < 1e15) {
      let digits = 0;
      for (let t = n; t >= 1; t = Math.floor(t / 10)) digits++;
      let p = this.len + digits;
      this.len = p;
      while (n >= 1) {
        const q = Math.floor(n / 10);
        buf[--p] = 48 + (n - q * 10);
        n = q;
      }
    } else {
      const s = BigInt(n).toString();
      for (let i = 0; i < s.length; i++) buf[this.len++] = s.charCodeAt(i);
    }
    buf[this.len++] = CRLF_0;
    buf[this.len++] = CRLF_1;
  }

  simple(s: string): void {
    this.ensure(s.length + 3);
    this.buf[this.len++] = 43; // +
    this.ascii(s);
    this.crlf();
  }

  ok(): void {
    this.simple("OK");
  }

  /**
   * Error reply. `msg` must start with its error code ("ERR ...", "WRONGTYPE ...",
   * "NOAUTH ..."): errorstats count by that first word. Newlines become spaces so
   * the reply stays one protocol line.
   */
  error(msg: string): void {
    if (msg.charCodeAt(0) === 45) msg = msg.slice(1);
    if (msg.includes("\n") || msg.includes("\r")) msg = msg.replace(/[\r\n]/g, " ");
    const bytes = encoder.encode(msg);
    this.ensure(bytes.length + 3);
    this.buf[this.len++] = 45; // -
    this.buf.set(bytes, this.len);
    this.len += bytes.length;
    this.crlf();
    if (this.onError) this.onError(msg);
  }

  /**
   * Error reply whose text is a binary string (one char per byte): for errors
   * that quote a client's bytes, which Redis echoes raw (no UTF-8 re-encoding).
   */
  errorBinary(msg: string): void {
    if (msg.charCodeAt(0) === 45) msg = msg.slice(1);
    if (msg.includes("\n") || msg.includes("\r")) msg = msg.replace(/[\r\n]/g, " ");
    this.ensure(msg.length + 3);
    this.buf[this.len++] = 45; // -
    this.ascii(msg);
    this.crlf();
    if (this.onError) this.onError(msg);
  }

  integer(n: number | bigint): void {
    if (typeof n === "bigint") {
      const s = n.toString();
      this.ensure(s.length + 3);
      this.buf[this.len++] = 58;
      this.ascii(s);
      this.crlf();
    } else {
      this.header(58, n); // :
    }
  }

  bulk(b: Uint8Array): void {
    this.header(36, b.length); // $
    this.ensure(b.length + 2);
    this.buf.set(b, this.len);
    this.len += b.length;
    this.crlf();
  }

  /** Bulk string of the `len` bytes at `off` in `src`: no view to allocate (list ranges). */
  bulkFrom(src: Uint8Array, off: number, len: number): void {
    this.header(36, len); // $
    this.ensure(len + 2);
    const buf = this.buf;
    let p = this.len;
    if (len < 32) { for (let i = 0; i < len; i++) buf[p++] = src[off + i]; }
    else {
      buf.set(src.subarray(off, off + len), p);
      p += len;
    }
    this.len = p;
    this.crlf();
  }

  bulkBinary(s: string): void {
    const n = s.length;
    this.header(36, n);
    this.ensure(n + 2);
    const buf = this.buf;
    let len = this.len;
    for (let i = 0; i < n; i++) buf[len++] = s.charCodeAt(i);
    this.len = len;
    this.crlf();
  }

  bulkText(s: string): void {
    this.bulk(encoder.encode(s));
  }

  nullBulk(): void {
    if (this.resp === 3) this.ascii("_\r\n");
    else this.ascii("$-1\r\n");
  }

  nullArray(): void {
    if (this.resp === 3) this.ascii("_\r\n");
    else this.ascii("*-1\r\n");
  }

  null(): void {
    this.nullBulk();
  }

  array(n: number): void {
    this.header(42, n); // *
  }

  map(n: number): void {
    if (this.resp === 3) this.header(37, n); // %
    else this.header(42, n * 2);
  }

  set(n: number): void {
    this.header(this.resp === 3 ? 126 : 42, n); // ~
  }

  push(n: number): void {
    this.header(this.resp === 3 ? 62 : 42, n); // >
  }

  double(d: number): void {
    const s = formatDouble(d);
    if (this.resp === 3) {
      this.ensure(s.length + 3);
      this.buf[this.len++] = 44; // ,
      this.ascii(s);
      this.crlf();
    } else {
      this.header(36, s.length);
      this.ensure(s.length + 2);
      this.ascii(s);
      this.crlf();
    }
  }

  bool(b: boolean): void {
    if (this.resp === 3) this.ascii(b ? "#t\r\n" : "#f\r\n");
    else this.ascii(b ? ":1\r\n" : ":0\r\n");
  }

  verbatim(text: string, format = "txt"): void {
    if (this.resp === 2) return this.bulkText(text);
    const body = encoder.encode(text);
    this.header(61, body.length + 4); // =
    this.ascii(format + ":");
    this.raw(body);
    this.ensure(2);
    this.crlf();
  }

  bigNumber(digits: string): void {
    if (this.resp === 2) return this.bulkText(digits);
    this.ensure(digits.length + 3);
    this.buf[this.len++] = 40; // (
    this.ascii(digits);
    this.crlf();
  }
}
