/**
 * redis.conf syntax helpers: quoting (sdscatrepr), C-locale case folding, the number parsers
 * config.c relies on besides util/number.ts's string2ll and util/strtod.ts's string2d (util.c
 * memtoull, libc strtoll), and the CONFIG REWRITE line-state machine (config.c
 * rewriteConfig*). Lines are split by util/splitargs.ts.
 *
 * Everything here works on binary strings (one char per byte) so config values round-trip any
 * byte sequence; `toNativePath`/`fromNativePath` convert at the file-system boundary.
 */

import {
  binaryToBytes,
  bytesToBinary,
  bytesToText,
  reprBytes,
  textToBytes,
} from "../util/bytes.ts";
import { splitArgs } from "../util/splitargs.ts";

/** C isspace() in the C locale. */
export function isSpace(c: string): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\v" || c === "\f" || c === "\r";
}

/** sdscatrepr: the double-quoted, escaped form of a binary string. */
export function repr(s: string): string {
  return reprBytes(binaryToBytes(s));
}

/** ASCII-only lowercase (C tolower in the C locale): bytes >= 0x80 are left alone. */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** sdstrim(s, " \t\r\n"): strips those characters from both ends. */
export function trimConfigLine(s: string): string {
  return s.replace(/^[ \t\r\n]+/, "").replace(/[ \t\r\n]+$/, "");
}

const U64_MAX = (1n << 64n) - 1n;

/**
 * util.c memtoull: digits with an optional unit (b, k, kb, m, mb, g, gb; any case). Returns null
 * on error. Like the C code, an empty number counts as 0, strtoull saturates and the unit
 * multiplication wraps modulo 2^64.
 */
export function memtoull(s: string): bigint | null {
  if (s.startsWith("-")) return null;
  let i = 0;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  const unit = s.slice(i).toLowerCase();
  let mul: bigint;
  switch (unit) {
    case "":
    case "b":
      mul = 1n;
      break;
    case "k":
      mul = 1000n;
      break;
    case "kb":
      mul = 1024n;
      break;
    case "m":
      mul = 1000000n;
      break;
    case "mb":
      mul = 1048576n;
      break;
    case "g":
      mul = 1000000000n;
      break;
    case "gb":
      mul = 1073741824n;
      break;
    default:
      return null;
  }
  if (i >= 128) return null; // the C code copies the digits into a 128-byte buffer
  let val = i === 0 ? 0n : BigInt(s.slice(0, i));
  if (val > U64_MAX) val = U64_MAX;
  return BigInt.asUintN(64, val * mul);
}

const LL_MIN = -(1n << 63n);
const LL_MAX = (1n << 63n) - 1n;

/**
 * libc strtoll: skips leading whitespace, takes a sign and as many digits of `base` as there are,
 * saturating on overflow. `rest` is what follows the number (the whole input when no digit).
 */
export function strtoll(s: string, base = 10): { value: bigint; rest: string } {
  let i = 0;
  while (i < s.length && isSpace(s[i])) i++;
  let neg = false;
  if (s[i] === "+" || s[i] === "-") {
    neg = s[i] === "-";
    i++;
  }
  const start = i;
  let v = 0n;
  const b = BigInt(base);
  while (i < s.length) {
    const d = parseInt(s[i], base);
    if (Number.isNaN(d)) break;
    v = v * b + BigInt(d);
    i++;
  }
  if (i === start) return { value: 0n, rest: s };
  if (neg) v = -v;
  if (v > LL_MAX) v = LL_MAX;
  if (v < LL_MIN) v = LL_MIN;
  return { value: v, rest: s.slice(i) };
}

/** sprintf("%f") then util.c trimDoubleString (drop trailing zeros and a trailing dot). */
export function formatTrimmedDouble(d: number): string {
  let s = d.toFixed(6);
  if (s.includes(".")) s = s.replace(/0+$/, "").replace(/\.$/, "");
  return s;
}

/** Binary-string path (as stored in config) to a native JS path string (UTF-8 decoded). */
export function toNativePath(p: string): string {
  return bytesToText(binaryToBytes(p));
}

/** Native JS path string to the binary-string form used for config values. */
export function fromNativePath(p: string): string {
  return bytesToBinary(textToBytes(p));
}

/** Deno file-system error to the C strerror() text Redis would print. */
export function strerror(err: unknown): string {
  const e = err as { code?: string; name?: string; message?: string };
  switch (e.code) {
    case "ENOENT":
      return "No such file or directory";
    case "ENOTDIR":
      return "Not a directory";
    case "EACCES":
      return "Permission denied";
    case "EISDIR":
      return "Is a directory";
    case "ELOOP":
      return "Too many levels of symbolic links";
    case "ENAMETOOLONG":
      return "File name too long";
    case "EROFS":
      return "Read-only file system";
    case "ENOSPC":
      return "No space left on device";
    case "EEXIST":
      return "File exists";
  }
  if (err instanceof Deno.errors.NotFound) return "No such file or directory";
  if (err instanceof Deno.errors.PermissionDenied) return "Permission denied";
  if (err instanceof Deno.errors.IsADirectory) return "Is a directory";
  if (err instanceof Deno.errors.NotADirectory) return "Not a directory";
  return e.message ?? String(err);
}

/** The signature line CONFIG REWRITE puts before the lines it appends. */
export const REWRITE_SIGNATURE = "# Generated by CONFIG REWRITE";

/**
 * The CONFIG REWRITE state (config.c rewriteConfigState): the old file's lines, which option
 * names used which lines, and which options were processed.
 */
export class RewriteState {
  lines: string[] = [];
  /** lowercase option name -> line indexes (in file order) still available for reuse. */
  readonly optionToLines = new Map<string, number[]>();
  /** lowercase option names handled by the rewrite. */
  readonly rewritten = new Set<string>();
  needsSignature = true;
  /** Write every option even at its default (Redis uses this for DEBUG CONFIG info only). */
  forceWrite = false;

  /**
   * Loads the old file content (rewriteConfigReadOldFile). `canonicalName` maps a directive to
   * the name its lines are filed under (aliases to primary names), or null for a line that is
   * unknown and gets commented out as "# ??? ...".
   */
  static fromContent(content: string, canonicalName: (lower: string) => string | null) {
    const state = new RewriteState();
    if (content.length === 0) return state;
    const raw = content.split("\n");
    for (let i = 0; i < raw.length; i++) {
      const line = trimConfigLine(raw[i]);
      const linenum = state.lines.length;
      if (line.length === 0 || line[0] === "#") {
        if (state.needsSignature && line === REWRITE_SIGNATURE) state.needsSignature = false;
        state.lines.push(line);
        continue;
      }
      const argv = splitArgs(line);
      const name = argv && argv.length > 0 ? canonicalName(argv[0].toLowerCase()) : null;
      if (name === null) {
        state.lines.push("# ??? " + line);
        continue;
      }
      state.lines.push(line);
      const list = state.optionToLines.get(name);
      if (list) list.push(linenum);
      else state.optionToLines.set(name, [linenum]);
    }
    return state;
  }

  /** rewriteConfigMarkAsProcessed. */
  markProcessed(option: string): void {
    this.rewritten.add(option.toLowerCase());
  }

  /**
   * rewriteConfigRewriteLine: reuse the option's next old line, or append (after the signature)
   * when forced; otherwise drop the line.
   */
  rewriteLine(option: string, line: string, force: boolean): void {
    const key = option.toLowerCase();
    const list = this.optionToLines.get(key);
    this.markProcessed(key);
    if (!list && !force && !this.forceWrite) return;
    if (list) {
      const linenum = list.shift()!;
      if (list.length === 0) this.optionToLines.delete(key);
      this.lines[linenum] = line;
    } else {
      if (this.needsSignature) {
        this.lines.push(REWRITE_SIGNATURE);
        this.needsSignature = false;
      }
      this.lines.push(line);
    }
  }

  /** rewriteConfigRemoveOrphaned: blank unused old lines of processed options. */
  removeOrphaned(): void {
    for (const [option, list] of this.optionToLines) {
      if (!this.rewritten.has(option)) continue;
      for (const linenum of list) this.lines[linenum] = "";
    }
    this.optionToLines.clear();
  }

  /** rewriteConfigGetContentFromState: lines joined by "\n", runs of blank lines collapsed. */
  content(): string {
    let out = "";
    let wasEmpty = false;
    for (const line of this.lines) {
      if (line.length === 0) {
        if (wasEmpty) continue;
        wasEmpty = true;
      } else {
        wasEmpty = false;
      }
      out += line + "\n";
    }
    return out;
  }
}

/** rewriteConfigFormatMemory: bytes as Ngb / Nmb / Nkb when exact, else plain bytes. */
export function formatMemory(bytes: bigint): string {
  const gb = 1n << 30n;
  const mb = 1n << 20n;
  const kb = 1n << 10n;
  if (bytes !== 0n && bytes % gb === 0n) return `${bytes / gb}gb`;
  if (bytes !== 0n && bytes % mb === 0n) return `${bytes / mb}mb`;
  if (bytes !== 0n && bytes % kb === 0n) return `${bytes / kb}kb`;
  return `${bytes}`;
}
