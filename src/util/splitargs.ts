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
 * Input and output are binary strings (char codes 0-255).
 */

/** C `isspace()` in the C locale. */
function isSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Splits `line` like `sdssplitargs`. Returns the arguments ([] for a blank line), or null when
 * quotes are unbalanced.
 */
export function splitArgs(line: string): string[] | null {
  // Everything from the first NUL on is invisible to the C code.
  const nul = line.indexOf("\0");
  const end = nul < 0 ? line.length : nul;
  const args: string[] = [];
  // charCodeAt past the end is NaN, which plays the role of the C terminator below.
  const at = (i: number) => (i < end ? line.charCodeAt(i) : NaN);
  let p = 0;
  for (;;) {
    while (p < end && isSpace(line.charCodeAt(p))) p++;
    if (p >= end) return args;
    let cur = "";
    let inq = false;
    let insq = false;
    let done = false;
    while (!done) {
      const c = at(p);
      if (inq) {
        if (c === 92 && at(p + 1) === 120 && hexValue(at(p + 2)) >= 0 && hexValue(at(p + 3)) >= 0) {
          // \xHH
          cur += String.fromCharCode(hexValue(at(p + 2)) * 16 + hexValue(at(p + 3)));
          p += 3;
        } else if (c === 92 && p + 1 < end) {
          p++;
          const e = line.charCodeAt(p);
          switch (e) {
            case 110: // n
              cur += "\n";
              break;
            case 114: // r
              cur += "\r";
              break;
            case 116: // t
              cur += "\t";
              break;
            case 98: // b
              cur += "\b";
              break;
            case 97: // a
              cur += "\x07";
              break;
            default:
              cur += line[p];
          }
        } else if (c === 34) {
          // Closing quote must be followed by a blank or the end.
          if (p + 1 < end && !isSpace(line.charCodeAt(p + 1))) return null;
          done = true;
        } else if (p >= end) {
          return null; // unterminated quotes
        } else {
          cur += line[p];
        }
      } else if (insq) {
        if (c === 92 && at(p + 1) === 39) {
          p++;
          cur += "'";
        } else if (c === 39) {
          if (p + 1 < end && !isSpace(line.charCodeAt(p + 1))) return null;
          done = true;
        } else if (p >= end) {
          return null;
        } else {
          cur += line[p];
        }
      } else if (p >= end || c === 32 || c === 10 || c === 13 || c === 9) {
        done = true;
      } else if (c === 34) {
        inq = true;
      } else if (c === 39) {
        insq = true;
      } else {
        cur += line[p];
      }
      if (p < end) p++;
    }
    args.push(cur);
  }
}
