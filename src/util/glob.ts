/**
 * Glob-style matching with the exact semantics of Redis 7.2 `stringmatchlen()` (util.c), used by
 * KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET, COMMAND LIST FILTERBY PATTERN, ACL patterns, ...
 *
 * Pattern and subject are binary strings (char codes 0-255). Quirks kept on purpose:
 * - an unterminated `[` set ends at the end of the pattern (`[a` matches "a", `[` matches nothing);
 * - a trailing `\` matches a literal backslash;
 * - inside a set, `\x` matches `x` case-sensitively even in nocase mode;
 * - ranges compare C `char` values, which are signed on x86-64 (so `[a-\xff]` is `[\xff-a]`), and
 *   in nocase mode go through glibc `tolower()`, which maps negative chars other than -1 to c+256;
 * - an empty subject is matched only by the empty pattern (not by `*` or `**`): the main loop
 *   runs only while both remain. KEYS and SCAN special-case the exact pattern `*` themselves;
 * - recursion deeper than 1000 `*` levels fails that branch, and once the rest of the pattern
 *   failed from every position after a `*`, earlier stars are not retried (skipLongerMatches),
 *   which keeps patterns like `a*a*a*a*b` polynomial.
 */

const STAR = 42; // *
const QMARK = 63; // ?
const LBRACKET = 91; // [
const RBRACKET = 93; // ]
const BACKSLASH = 92; // \
const CARET = 94; // ^
const DASH = 45; // -

/** matchImpl results. NO_MATCH_SKIP: the tail after a `*` failed everywhere (skipLongerMatches). */
const MATCH = 1;
const NO_MATCH = 0;
const NO_MATCH_SKIP = -1;

/** ASCII-only case folding (the server runs with the C ctype locale). */
function foldCase(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

/** glibc `tolower()` applied to a signed char value. */
function cTolower(c: number): number {
  if (c < 0) return c === -1 ? -1 : c + 256;
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function matchImpl(
  pat: string,
  p: number,
  str: string,
  s: number,
  nocase: boolean,
  nesting: number,
): number {
  // Protection against abusive patterns, as in Redis.
  if (nesting > 1000) return NO_MATCH;
  const plen = pat.length;
  const slen = str.length;

  while (p < plen && s < slen) {
    const pc = pat.charCodeAt(p);
    if (pc === STAR) {
      while (pat.charCodeAt(p + 1) === STAR) p++;
      if (p === plen - 1) return MATCH; // trailing star matches the rest
      while (s < slen) {
        const r = matchImpl(pat, p + 1, str, s, nocase, nesting + 1);
        if (r !== NO_MATCH) return r;
        s++;
      }
      // The tail failed from every position: earlier stars cannot help either.
      return NO_MATCH_SKIP;
    } else if (pc === QMARK) {
      s++;
    } else if (pc === LBRACKET) {
      const c = str.charCodeAt(s);
      p++;
      const not = pat.charCodeAt(p) === CARET;
      if (not) p++;
      let match = false;
      for (;;) {
        const cur = pat.charCodeAt(p);
        if (cur === BACKSLASH && plen - p >= 2) {
          p++;
          if (pat.charCodeAt(p) === c) match = true;
        } else if (cur === RBRACKET) {
          break;
        } else if (p === plen) {
          // Unterminated set: step back so the outer advance lands on the end.
          p--;
          break;
        } else if (plen - p >= 3 && pat.charCodeAt(p + 1) === DASH) {
          // C chars are signed: bytes >= 0x80 compare as negative values.
          let start = (cur << 24) >> 24;
          let end = (pat.charCodeAt(p + 2) << 24) >> 24;
          let ch = (c << 24) >> 24;
          if (start > end) {
            const t = start;
            start = end;
            end = t;
          }
          if (nocase) {
            start = cTolower(start);
            end = cTolower(end);
            ch = cTolower(ch);
          }
          p += 2;
          if (ch >= start && ch <= end) match = true;
        } else if (nocase ? foldCase(cur) === foldCase(c) : cur === c) {
          match = true;
        }
        p++;
      }
      if (not) match = !match;
      if (!match) return NO_MATCH;
      s++;
    } else {
      // A backslash escapes the next char; a trailing one is a literal backslash.
      if (pc === BACKSLASH && plen - p >= 2) p++;
      const lit = pat.charCodeAt(p);
      const c = str.charCodeAt(s);
      if (nocase ? foldCase(lit) !== foldCase(c) : lit !== c) return NO_MATCH;
      s++;
    }
    p++;
    if (s === slen) {
      // Subject exhausted: only trailing stars may remain.
      while (pat.charCodeAt(p) === STAR) p++;
      break;
    }
  }
  return p === plen && s === slen ? MATCH : NO_MATCH;
}

/**
 * Redis `stringmatchlen(pattern, subject, nocase)`.
 * @param pattern glob pattern as a binary string
 * @param subject string to test as a binary string
 * @param nocase ASCII case-insensitive matching
 */
export function matchGlob(pattern: string, subject: string, nocase = false): boolean {
  return matchImpl(pattern, 0, subject, 0, nocase, 0) === MATCH;
}

/**
 * True when `pattern` contains none of `* ? [ \`, so it matches exactly the (non-empty) subject
 * equal to it and KEYS/SCAN can do a direct lookup instead of a scan.
 */
export function isPlainPattern(pattern: string): boolean {
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern.charCodeAt(i);
    if (c === STAR || c === QMARK || c === LBRACKET || c === BACKSLASH) return false;
  }
  return true;
}
