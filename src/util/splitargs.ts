/**
 * Redis `sdssplitargs()` (sds.c): splits an inline command or a redis.conf line into arguments.
 *
 * - Arguments are separated by blanks; the line ends at the first NUL byte (it is a C string).
 * - Between arguments any `isspace()` byte (space, \t, \n, \v, \f, \r) is skipped, but an
 *   unquoted argument only ends at space, \t, \n, \r (so "a\vb" is one argument).
 * - "double quotes" support \n \r \t \b \a, \xHH (two hex digits) and \<any> -> <any>.
 * - 'single quotes' only support \' ; other backslashes are literal.
 * - Quotes may start in the middle of an argument (a"b c" -> `ab c`), but a closing quote must be
 *   followed by a blank or the end of the line; that, or a missing closing quote, makes the
 *   whole line invalid (null, "unbalanced quotes").
 *
 * One implementation over bytes ({@link splitArgsBytes}, the inline request path) and a
 * binary-string form over it ({@link splitArgs}, redis.conf and CONFIG SET values).
 */

import { binaryToBytes, bytesToBinary } from "./bytes.ts";

/**
 * Splits `line` like `sdssplitargs`. Returns the arguments ([] for a blank line), or null when
 * quotes are unbalanced. Plain arguments are views into `line`. The caller cuts the line at its
 * first NUL byte, if any (the request parser never passes one: a NUL hides the line end).
 */
export function splitArgsBytes(line: Uint8Array): Uint8Array[] | null {
  const out: Uint8Array[] = [];
  const n = line.length;
  let i = 0;
  while (true) {
    while (i < n && isSpace(line[i])) i++;
    if (i >= n) return out;
    const start = i;
    // Stays null while the token is plain, so it can be a view.
    let bytes: number[] | null = null;
    let quote = 0;
    while (true) {
      if (quote === 0) {
        // sdssplitargs ends a plain token only at space, \n, \r, \t (not \v, \f).
        if (i >= n || isTokenEnd(line[i])) break;
        const c = line[i];
        if (c === 34 || c === 39) {
          bytes ??= Array.from(line.subarray(start, i));
          quote = c;
        } else if (bytes) {
          bytes.push(c);
        }
        i++;
        continue;
      }
      if (i >= n) return null;
      const c = line[i];
      if (c === quote) {
        if (i + 1 < n && !isSpace(line[i + 1])) return null;
        i++;
        break;
      }
      if (
        quote === 34 && c === 92 && i + 3 < n && line[i + 1] === 120 && isHex(line[i + 2]) &&
        isHex(line[i + 3])
      ) {
        bytes!.push(hexVal(line[i + 2]) * 16 + hexVal(line[i + 3]));
        i += 4;
      } else if (quote === 34 && c === 92 && i + 1 < n) {
        const e = line[i + 1];
        bytes!.push(
          e === 110 ? 10 : e === 114 ? 13 : e === 116 ? 9 : e === 98 ? 8 : e === 97 ? 7 : e,
        );
        i += 2;
      } else if (quote === 39 && c === 92 && i + 1 < n && line[i + 1] === 39) {
        bytes!.push(39);
        i += 2;
      } else {
        bytes!.push(c);
        i++;
      }
    }
    out.push(bytes ? Uint8Array.from(bytes) : line.subarray(start, i));
  }
}

/**
 * {@link splitArgsBytes} over a binary string (char codes 0-255), which may contain NUL:
 * everything from the first one on is invisible to the C code.
 */
export function splitArgs(line: string): string[] | null {
  const nul = line.indexOf("\0");
  const args = splitArgsBytes(binaryToBytes(nul < 0 ? line : line.slice(0, nul)));
  return args === null ? null : args.map(bytesToBinary);
}

function isTokenEnd(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}
/** C `isspace()` in the C locale. */
function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 11 || c === 12;
}
function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}
function hexVal(c: number): number {
  return c <= 57 ? c - 48 : (c | 32) - 87;
}
