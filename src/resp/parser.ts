/**
 * Request parser: turns the bytes a client sends into command argument vectors,
 * the way Redis's processMultibulkBuffer / processInlineBuffer do.
 *
 * Arguments are parsed in place: each argument is a `subarray` view into the
 * connection's read buffer, so no bytes are copied on the hot path. A view is only
 * valid until the next `writable()`; anything kept longer (a stored value, a MULTI
 * queue, a blocked command) must be copied with `.slice()`.
 *
 * The exception is a big argument (PROTO_MBULK_BIG_ARG or more, not yet fully
 * buffered, from a client): like Redis, its bytes are read straight into a buffer
 * of exactly its size that the parser never writes again. `ownsBuffer` tells such
 * an argument, which a command may keep as is instead of copying it.
 *
 * A command of over MANY_ARGS arguments comes as an `ArgBlock` (the read buffer
 * and the arguments' offsets, no views; src/resp/arg_block.ts) unless one of its
 * arguments is such a big one.
 */

import { splitArgsBytes } from "../util/splitargs.ts";
import { ArgBlock, type CommandArgs } from "./arg_block.ts";

const CR = 13;
const LF = 10;
/** Redis's PROTO_INLINE_MAX_SIZE: longest inline command / count line. */
export const PROTO_INLINE_MAX_SIZE = 1024 * 64;
/** Arguments at least this big get a buffer sized exactly for them (PROTO_MBULK_BIG_ARG). */
const PROTO_MBULK_BIG_ARG = 1024 * 32;
/**
 * A new connection's read buffer. Small, since a burst of connections allocates
 * one each (Redis's query buffer starts empty too); it doubles while reads fill
 * it, up to PROTO_IOBUF_LEN.
 */
const INITIAL_QUERYBUF = 1024;
/** Redis's read size: the buffer grows to this while reads fill it. */
const PROTO_IOBUF_LEN = 16 * 1024;
/** An empty read buffer bigger than this is replaced by a fresh small one. */
const QUERYBUF_SHRINK = 1024 * 1024;
const INT_MAX = 2147483647;
/**
 * A command with more arguments than this keeps them as offsets while it is
 * incomplete, and is handed over as those offsets (an ArgBlock) when complete:
 * no view per argument survives the reads in between (old-generation garbage)
 * or is re-made when the buffer moves, and commands that read the block make
 * none at all.
 */
const MANY_ARGS = 1024;

/** Most arguments parseSmall takes a command with (more go through parseMultibulk). */
const SMALL_ARGS = 64;
/** parseSmall's (offset, length) pairs: one command's, used before it returns. */
const smallOffs = new Int32Array(2 * SMALL_ARGS);

/**
 * Buffers of big arguments, each handed out once (as a view of all but its
 * last two bytes, the CRLF) and never written again.
 */
const bigArgs = new WeakSet<ArrayBuffer>();

/**
 * True when `arg` is a big argument as the parser made it, the one view of a
 * buffer of its own: a command may store it without copying.
 */
export function ownsBuffer(arg: Uint8Array): boolean {
  return arg.length >= PROTO_MBULK_BIG_ARG && arg.byteOffset === 0 &&
    arg.byteLength + 2 === arg.buffer.byteLength && bigArgs.has(arg.buffer as ArrayBuffer);
}

/** A protocol violation; the connection gets `-ERR <message>` and is closed. */
export class ProtocolError extends Error {}

/** Limits the parser enforces; read from the live config on every check. */
export interface ParserLimits {
  /** proto-max-bulk-len */
  protoMaxBulkLen: number;
  /** client-query-buffer-limit */
  queryBufferLimit: number;
  /** True while the client must still authenticate (stricter size limits). */
  authRequired: boolean;
  /** Replication link from a master: no bulk length limit. */
  isMaster: boolean;
}

/** Thrown when the query buffer outgrows client-query-buffer-limit. */
export class QueryBufferLimitError extends Error {}

/** Incremental RESP request parser over one growable byte buffer. */
export class RequestParser {
  /**
   * Read buffer; reads land in `buf.subarray(end)` (see `writable`). Always a
   * whole ArrayBuffer (offset 0): argument views are made on `buf.buffer`.
   */
  buf: Uint8Array;
  /** Start of unparsed data. */
  pos = 0;
  /** End of valid data. */
  end = 0;
  // State of a multibulk request that spans reads.
  private multibulkLen = 0;
  private bulkLen = -1;
  private pending: Uint8Array[] = [];
  /**
   * Arguments of a command of more than MANY_ARGS, while it is incomplete: pairs
   * (offset from `cmdStart`, length), or (-1 - index into `pending`, length) for a
   * big argument in a buffer of its own. Null for smaller commands.
   */
  private offs: Int32Array | null = null;
  /** Pairs filled in `offs`. */
  private nOffs = 0;
  /** The big argument being read (reads fill it directly), and how much is filled. */
  private big: Uint8Array<ArrayBuffer> | null = null;
  private bigFill = 0;
  /** Where the incomplete multibulk command starts (while multibulkLen > 0). */
  private cmdStart = 0;
  /** Total bytes consumed by complete commands (replication offsets use this). */
  consumed = 0;
  /**
   * The argv parseSmall returned last when its request was in canonical form
   * (every CR followed by LF), which is then byte for byte the RESP encoding of
   * that argv: bytes `rawStart` to `rawEnd` of `buf`. Replication copies them
   * instead of encoding the command again.
   */
  rawArgv: Uint8Array[] | null = null;
  rawStart = 0;
  rawEnd = 0;

  /** Length of the region the last `writable()` offered in `buf`. */
  private offered = 0;
  /** The last read filled that region: the peer sends faster than the buffer holds. */
  private filled = false;

  constructor(private readonly initialSize = INITIAL_QUERYBUF) {
    this.buf = new Uint8Array(initialSize);
  }

  /**
   * Returns the region the next read should fill, compacting or growing the
   * buffer first. Views handed out earlier become invalid.
   *
   * The bytes of a command still incomplete stay in the buffer, so its parsed
   * arguments remain views; they are re-pointed only when the buffer moves,
   * which doubling makes rare: total work stays linear in the request size
   * however the request is split across reads.
   */
  writable(limits: ParserLimits): Uint8Array {
    const big = this.big;
    if (big !== null && this.bigFill < big.length) {
      // Counted as the whole buffer, as growing the read buffer for it would have been.
      if (big.length + this.end - this.cmdStart > limits.queryBufferLimit && !limits.isMaster) {
        throw new QueryBufferLimitError();
      }
      return big.subarray(this.bigFill);
    }
    // Bytes from `keep` on are still needed: the incomplete command or unparsed input.
    let keep = this.multibulkLen > 0 ? this.cmdStart : this.pos;
    if (keep === this.end) {
      this.pos = this.end = keep = 0;
      // A big request is done: give its buffer back rather than hold it for good.
      if (this.buf.length > QUERYBUF_SHRINK) this.buf = new Uint8Array(this.initialSize);
    }
    if (this.filled) {
      this.filled = false;
      if (this.buf.length < PROTO_IOBUF_LEN) {
        const next = new Uint8Array(this.buf.length * 2);
        next.set(this.buf.subarray(keep, this.end));
        this.moved(next, keep);
      }
    }
    let need = 1024;
    // A big bulk on a master link stays in this buffer (see parseMultibulk).
    if (this.bulkLen >= PROTO_MBULK_BIG_ARG && big === null) {
      need = this.bulkLen + 2 - (this.end - this.pos);
    }
    if (this.buf.length - this.end < need) {
      const used = this.end - keep;
      if (used + need <= this.buf.length && keep >= used) {
        // Enough room once the consumed head is dropped, and moving is cheap.
        this.buf.copyWithin(0, keep, this.end);
        this.moved(this.buf, keep);
      } else {
        const size = Math.max(this.buf.length * 2, used + need);
        if (size - 1024 > limits.queryBufferLimit && !limits.isMaster) {
          throw new QueryBufferLimitError();
        }
        const next = new Uint8Array(size);
        next.set(this.buf.subarray(keep, this.end));
        this.moved(next, keep);
      }
    }
    this.offered = this.buf.length - this.end;
    return this.buf.subarray(this.end);
  }

  /** Records that `n` bytes were read into the region from `writable()`. */
  commit(n: number): void {
    const big = this.big;
    if (big !== null && this.bigFill < big.length) {
      this.bigFill += n;
      this.consumed += n;
    } else {
      this.end += n;
      this.filled = n === this.offered;
    }
  }

  /** Bytes the read buffers take (a big argument being read included). */
  get bufferBytes(): number {
    return this.buf.length + (this.big !== null ? this.big.length : 0);
  }

  /** Bytes buffered but not yet parsed into a command. */
  get pendingBytes(): number {
    return this.end - this.pos + (this.big !== null ? this.bigFill : 0);
  }

  /** The kept bytes now start at 0 of `next`: shift the offsets and re-point pending args. */
  private moved(next: Uint8Array, shift: number): void {
    const pending = this.pending;
    const old = this.buf.buffer;
    for (let i = 0; i < pending.length; i++) {
      if (pending[i].buffer !== old) continue; // a big argument: its own buffer
      const start = pending[i].byteOffset - shift;
      pending[i] = next.subarray(start, start + pending[i].length);
    }
    this.buf = next;
    this.pos -= shift;
    this.end -= shift;
    this.cmdStart -= shift;
  }

  /**
   * Parses the next complete command: its argv, or its ArgBlock when it has over
   * MANY_ARGS arguments. Returns null when more bytes are needed.
   * Empty commands (`*0`, blank inline lines) are skipped.
   * @throws ProtocolError on malformed input.
   */
  next(limits: ParserLimits): CommandArgs | null {
    // A big argument's bytes, up to the end of its command, are in `big`, not `buf`.
    while (this.pos < this.end || this.big !== null) {
      let argv: CommandArgs | null;
      if (this.multibulkLen === 0 && this.buf[this.pos] !== 42 /* '*' */) {
        argv = this.parseInline();
      } else {
        argv = (this.multibulkLen === 0 ? this.parseSmall(limits) : null) ??
          this.parseMultibulk(limits);
      }
      if (argv === null) return null;
      if (!Array.isArray(argv) || argv.length > 0) return argv;
    }
    return null;
  }

  /**
   * The common case in one pass: a well-formed multibulk command of at most
   * SMALL_ARGS small arguments, wholly in the buffer. Its argument offsets go to
   * a scratch array and its views are made once it is known complete. Returns
   * null, having changed nothing, for anything else (incomplete, malformed, an
   * empty or big command, a limit reached): parseMultibulk then parses it from
   * the start, with its errors and state across reads.
   */
  private parseSmall(limits: ParserLimits): Uint8Array[] | null {
    const buf = this.buf;
    const end = this.end;
    const start = this.pos;
    // The count: 1-9 digits, no leading zero, then CR and one more byte (skipped unchecked).
    let p = start + 1;
    let n = buf[p] - 48;
    if (!(n >= 1 && n <= 9)) return null;
    for (let d = buf[++p] - 48; d >= 0 && d <= 9; d = buf[++p] - 48) n = n * 10 + d;
    if (p + 1 >= end || buf[p] !== CR || n > SMALL_ARGS || (n > 10 && limits.authRequired)) {
      return null;
    }
    // The bytes after each CR are skipped unchecked, as Redis does; all LF is the canonical form.
    let lf = buf[p + 1] === LF;
    p += 2;
    // The longest argument taken here: below the big ones, and within the limits.
    let maxBulk = PROTO_MBULK_BIG_ARG - 1;
    if (!limits.isMaster && limits.protoMaxBulkLen < maxBulk) maxBulk = limits.protoMaxBulkLen;
    if (limits.authRequired && maxBulk > 16384) maxBulk = 16384;
    const offs = smallOffs;
    for (let i = 0; i < n; i++) {
      // `$`, then "0" or 1-5 digits without a leading zero, then CR and one more byte.
      if (p >= end || buf[p] !== 36 /* '$' */) return null;
      let len = buf[++p] - 48;
      if (!(len >= 0 && len <= 9)) return null;
      if (len === 0) p++;
      else for (let d = buf[++p] - 48; d >= 0 && d <= 9; d = buf[++p] - 48) len = len * 10 + d;
      if (buf[p] !== CR || len > maxBulk) return null;
      p += 2;
      if (end - p < len + 2) return null;
      offs[2 * i] = p;
      offs[2 * i + 1] = len;
      lf = lf && buf[p - 1] === LF && buf[p + len] === CR && buf[p + len + 1] === LF;
      p += len + 2;
    }
    this.consumed += p - start;
    this.pos = p;
    const ab = buf.buffer;
    let argv: Uint8Array[];
    // Array literals of the exact size for the usual counts (one allocation, packed).
    switch (n) {
      case 1:
        argv = [new Uint8Array(ab, offs[0], offs[1])];
        break;
      case 2:
        argv = [new Uint8Array(ab, offs[0], offs[1]), new Uint8Array(ab, offs[2], offs[3])];
        break;
      case 3:
        argv = [
          new Uint8Array(ab, offs[0], offs[1]),
          new Uint8Array(ab, offs[2], offs[3]),
          new Uint8Array(ab, offs[4], offs[5]),
        ];
        break;
      case 4:
        argv = [
          new Uint8Array(ab, offs[0], offs[1]),
          new Uint8Array(ab, offs[2], offs[3]),
          new Uint8Array(ab, offs[4], offs[5]),
          new Uint8Array(ab, offs[6], offs[7]),
        ];
        break;
      default:
        argv = [];
        for (let i = 0; i < n; i++) argv.push(new Uint8Array(ab, offs[2 * i], offs[2 * i + 1]));
    }
    this.rawArgv = lf ? argv : null;
    this.rawStart = start;
    this.rawEnd = p;
    return argv;
  }

  private parseInline(): Uint8Array[] | null {
    const buf = this.buf;
    const nl = cIndexOf(buf, LF, this.pos, this.end);
    if (nl === -1) {
      if (this.end - this.pos > PROTO_INLINE_MAX_SIZE) {
        throw new ProtocolError("too big inline request");
      }
      return null;
    }
    let lineEnd = nl;
    if (lineEnd > this.pos && buf[lineEnd - 1] === CR) lineEnd--;
    const start = this.pos;
    this.pos = nl + 1;
    this.consumed += nl + 1 - start;
    const args = splitArgsBytes(buf.subarray(start, lineEnd));
    if (args === null) throw new ProtocolError("unbalanced quotes in request");
    return args;
  }

  private parseMultibulk(limits: ParserLimits): CommandArgs | null {
    const buf = this.buf;
    let pos = this.pos;
    const start = pos;
    if (this.multibulkLen === 0) {
      const cr = indexOfCR(buf, pos + 1, this.end);
      if (cr === -1) {
        if (this.end - pos > PROTO_INLINE_MAX_SIZE) {
          throw new ProtocolError("too big mbulk count string");
        }
        return null;
      }
      if (cr + 1 >= this.end) return null; // need the \n too
      const ll = parseDecimal(buf, pos + 1, cr);
      if (ll === null || ll > INT_MAX) throw new ProtocolError("invalid multibulk length");
      if (ll > 10 && limits.authRequired) {
        throw new ProtocolError("unauthenticated multibulk length");
      }
      pos = cr + 2;
      if (ll <= 0) {
        this.consumed += pos - start;
        this.pos = pos;
        return [];
      }
      this.multibulkLen = ll;
      this.cmdStart = start;
      this.pending = [];
      if (ll > MANY_ARGS) {
        // Sized for a few thousand arguments and doubled as they come: the count line
        // alone must not make a client allocate much (Redis caps argv's first size too).
        this.offs = new Int32Array(2 * Math.min(ll, 4 * MANY_ARGS));
        this.nOffs = 0;
      }
    }
    while (this.multibulkLen > 0) {
      if (this.bulkLen === -1) {
        const cr = indexOfCR(buf, pos, this.end);
        if (cr === -1) {
          if (this.end - pos > PROTO_INLINE_MAX_SIZE) {
            throw new ProtocolError("too big bulk count string");
          }
          break;
        }
        if (cr + 1 >= this.end) break;
        if (buf[pos] !== 36 /* '$' */) {
          throw new ProtocolError(`expected '$', got '${String.fromCharCode(buf[pos])}'`);
        }
        const ll = parseDecimal(buf, pos + 1, cr);
        if (ll === null || ll < 0 || (!limits.isMaster && ll > limits.protoMaxBulkLen)) {
          throw new ProtocolError("invalid bulk length");
        }
        if (ll > 16384 && limits.authRequired) {
          throw new ProtocolError("unauthenticated bulk length");
        }
        pos = cr + 2;
        this.bulkLen = ll;
        if (ll >= PROTO_MBULK_BIG_ARG && this.end - pos < ll + 2 && !limits.isMaster) {
          // Its own buffer, with room for the CRLF too (one read less than waiting for
          // it in `buf`): what arrived so far moves there, the rest is read into it.
          // The moved bytes leave `buf`, whose room is reused rather than grown.
          // (Not on a master link: a replica relays each command's bytes from `buf`.)
          const have = this.end - pos;
          const big = new Uint8Array(ll + 2);
          big.set(buf.subarray(pos, this.end));
          this.end = pos;
          this.consumed += have;
          this.big = big;
          this.bigFill = have;
        }
      }
      const big = this.big;
      if (big !== null) {
        if (this.bigFill < big.length) break;
        bigArgs.add(big.buffer);
        const view = new Uint8Array(big.buffer, 0, this.bulkLen);
        if (this.offs !== null) this.pushOff(-1 - this.pending.length, this.bulkLen);
        this.pending.push(view);
        this.big = null;
        this.bulkLen = -1;
        this.multibulkLen--;
        continue;
      }
      if (this.end - pos < this.bulkLen + 2) break;
      // Like Redis, the two bytes after the payload are skipped unchecked. A view made
      // with the constructor costs half what subarray() does (`buf` starts its buffer).
      if (this.offs !== null) this.pushOff(pos - this.cmdStart, this.bulkLen);
      else this.pending.push(new Uint8Array(buf.buffer, pos, this.bulkLen));
      pos += this.bulkLen + 2;
      this.bulkLen = -1;
      this.multibulkLen--;
    }
    this.consumed += pos - start;
    this.pos = pos;
    if (this.multibulkLen === 0) {
      const argv = this.offs !== null ? this.takeOffs() : this.pending;
      this.pending = [];
      return argv;
    }
    return null;
  }

  /** Records an argument of a MANY_ARGS command (see `offs`). */
  private pushOff(off: number, len: number): void {
    let offs = this.offs!;
    const i = this.nOffs * 2;
    if (i === offs.length) {
      const next = new Int32Array(offs.length * 2);
      next.set(offs);
      this.offs = offs = next;
    }
    offs[i] = off;
    offs[i + 1] = len;
    this.nOffs++;
  }

  /**
   * A complete MANY_ARGS command: its argument block, or its views when one of its
   * arguments is a big one in a buffer of its own (the block is one buffer).
   */
  private takeOffs(): Uint8Array[] | ArgBlock {
    const offs = this.offs!;
    const n = this.nOffs;
    const pending = this.pending;
    this.offs = null;
    this.nOffs = 0;
    if (pending.length === 0) {
      return new ArgBlock(this.buf as Uint8Array<ArrayBuffer>, this.cmdStart, offs, n);
    }
    const ab = this.buf.buffer;
    const base = this.cmdStart;
    // Pushed, not `new Array(n)`: V8 makes an array that long a dictionary.
    const argv: Uint8Array[] = [];
    for (let i = 0; i < n; i++) {
      const off = offs[2 * i];
      argv.push(off >= 0 ? new Uint8Array(ab, base + off, offs[2 * i + 1]) : pending[-1 - off]);
    }
    return argv;
  }
}

function indexOfCR(buf: Uint8Array, from: number, end: number): number {
  return cIndexOf(buf, CR, from, end);
}

/**
 * Index of `ch` in [from, end), or -1. Like the strchr Redis uses to find line
 * ends, a NUL byte before it hides it: the line is then incomplete (and in the
 * end too big) rather than parsed.
 */
function cIndexOf(buf: Uint8Array, ch: number, from: number, end: number): number {
  // A plain loop: count lines are a few bytes, and indexOf would scan past `end`.
  for (let k = from; k < end; k++) {
    const b = buf[k];
    if (b === ch) return k;
    if (b === 0) return -1;
  }
  return -1;
}

/** string2ll over a byte range; null when not a valid integer. */
function parseDecimal(buf: Uint8Array, start: number, end: number): number | null {
  if (start >= end || end - start > 20) return null;
  let neg = false;
  let i = start;
  if (buf[i] === 45 /* - */) {
    neg = true;
    i++;
    if (i === end) return null;
  }
  if (buf[i] === 48 /* 0 */ && end - i > 1) return null;
  let v = 0;
  for (; i < end; i++) {
    const c = buf[i] - 48;
    if (c < 0 || c > 9) return null;
    v = v * 10 + c;
  }
  if (neg && v === 0) return null;
  return neg ? -v : v;
}
