/**
 * The argument block of a big command: what the parser hands over for a
 * complete command of over 1,024 arguments instead of an argv of views.
 *
 * A `Uint8Array` view costs about 100 bytes of heap; the 200,000 views of a
 * 200,000-argument RPUSH are alive together until it ends, so scavenges copy
 * and promote them, and their GC cost more than the push itself. The block is
 * the read buffer plus one `Int32Array` of (offset, length) pairs, which the
 * parser fills anyway: commands that can (a `bulk` handler on their table row,
 * src/server/command_table.ts) read their arguments from it directly, and views
 * are made only for what reads an argv generically (see `views`).
 *
 * Like views, a block is valid until the parser's next `writable()`.
 *
 * @module
 */

import { bytesToBinary } from "../util/bytes.ts";

/**
 * A parsed command: its arguments as views, or, for a big one, its block.
 */
export type CommandArgs = Uint8Array[] | ArgBlock;

/**
 * How many leading arguments a block command's argv holds as views: what the
 * slowlog keeps (its first 31 arguments and the count of the rest).
 */
export const ARGV_HEAD = 32;

/** Longest argument `binary` builds through `scratch`. */
const SCRATCH_MAX = 64;
const scratch: number[] = [];

/** The arguments of one big command, as offsets into the read buffer. */
export class ArgBlock {
  private all: Uint8Array[] | null = null;

  /**
   * @param bytes the read buffer holding every argument (a whole ArrayBuffer)
   * @param base where the command starts in `bytes`
   * @param offs (offset from `base`, length) per argument
   * @param count the number of arguments, the command name included
   */
  constructor(
    readonly bytes: Uint8Array<ArrayBuffer>,
    private readonly base: number,
    private readonly offs: Int32Array,
    readonly count: number,
  ) {}

  /** Where argument `i` starts in `bytes`. */
  offset(i: number): number {
    return this.base + this.offs[2 * i];
  }

  /** Length of argument `i`. */
  length(i: number): number {
    return this.offs[2 * i + 1];
  }

  /** Argument `i` as a new view (for short-lived use: keep no more than a few). */
  arg(i: number): Uint8Array {
    return new Uint8Array(this.bytes.buffer, this.base + this.offs[2 * i], this.offs[2 * i + 1]);
  }

  /** Argument `i` as a binary string (keys, members, fields). */
  binary(i: number): string {
    const len = this.offs[2 * i + 1];
    if (len > SCRATCH_MAX) return bytesToBinary(this.arg(i));
    // The char codes go through a reused array: no view to make (and collect), and
    // fromCharCode.apply reads a plain array faster than a typed one.
    const b = this.bytes;
    const off = this.base + this.offs[2 * i];
    scratch.length = len;
    for (let k = 0; k < len; k++) scratch[k] = b[off + k];
    return String.fromCharCode.apply(null, scratch);
  }

  /** Sum of the lengths of arguments [from, count). */
  bytesFrom(from: number): number {
    const offs = this.offs;
    let n = 0;
    for (let i = 2 * from + 1; i < 2 * this.count; i += 2) n += offs[i];
    return n;
  }

  /**
   * Every argument as a view, made on first use: the argv of a big command that
   * runs from views (no `bulk` handler, MULTI, MONITOR, propagation, ...).
   */
  views(): Uint8Array[] {
    if (this.all !== null) return this.all;
    const ab = this.bytes.buffer;
    const base = this.base;
    const offs = this.offs;
    // Pushed, not `new Array(n)`: V8 makes an array that long a dictionary.
    const argv: Uint8Array[] = [];
    for (let i = 0; i < this.count; i++) {
      argv.push(new Uint8Array(ab, base + offs[2 * i], offs[2 * i + 1]));
    }
    return this.all = argv;
  }

  /**
   * The argv a command run from the block is dispatched with: `count` long,
   * with only the first ARGV_HEAD arguments set. It serves what reads the
   * command's name, its key, its argument count and the slowlog's head; what
   * reads every argument takes `views()` (the executor runs commands whose
   * generic readers are active from the views instead).
   */
  head(): Uint8Array[] {
    const argv: Uint8Array[] = new Array(this.count);
    const n = Math.min(this.count, ARGV_HEAD);
    for (let i = 0; i < n; i++) argv[i] = this.arg(i);
    return argv;
  }
}

/**
 * Argument `i` of a command: `argv[i]`, or, past the head of a command run
 * from its block, a view made from the block.
 */
export function argAt(argv: Uint8Array[], block: ArgBlock | null, i: number): Uint8Array {
  return block === null || i < ARGV_HEAD ? argv[i] : block.arg(i);
}
