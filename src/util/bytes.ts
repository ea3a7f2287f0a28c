/**
 * Byte <-> string conversions. Keys, members and field names live in the
 * keyspace as "binary strings": one char per byte (codes 0-255), so every byte
 * sequence round-trips and JS Maps can index them.
 */

/** Bytes to a binary string (one char per byte); the keyspace's key form. */
export function bytesToBinary(b: Uint8Array): string {
  const n = b.length;
  // fromCharCode.apply beats a char-by-char concat (no cons-string to flatten
  // before the Map lookup hashes it); chunked to stay under argument limits.
  if (n <= 8192) return String.fromCharCode.apply(null, b as unknown as number[]);
  let s = "";
  for (let i = 0; i < n; i += 8192) {
    s += String.fromCharCode.apply(null, b.subarray(i, i + 8192) as unknown as number[]);
  }
  return s;
}

/** Binary string to bytes (inverse of bytesToBinary). */
export function binaryToBytes(s: string): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

const textDecoder = new TextDecoder();
const textEncoder = new TextEncoder();
/** UTF-8 text to bytes (for replies and values built from text). */
export function textToBytes(s: string): Uint8Array {
  return textEncoder.encode(s);
}

/** Bytes to text (UTF-8, lossy); for messages and logs, never for keys or values. */
export function bytesToText(b: Uint8Array): string {
  return textDecoder.decode(b);
}

/**
 * An argument as C's `%s` (or `%.<max>s`) prints it: the bytes before the first NUL, at most
 * `max` of them, as a binary string. Redis formats client-supplied names and options this way.
 */
export function cString(b: Uint8Array | string, max = Infinity): string {
  if (typeof b === "string") {
    const nul = b.indexOf("\0");
    return b.slice(0, Math.min(nul === -1 ? b.length : nul, max));
  }
  const nul = b.indexOf(0);
  return bytesToBinary(b.subarray(0, Math.min(nul === -1 ? b.length : nul, max)));
}

/** Byte-wise equality. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Compares like memcmp then length (Redis's sdscmp / compareStringObjects). */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return a.length - b.length;
}

/** Concatenates byte arrays. */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/**
 * Quoted, escaped form of bytes as sdscatrepr writes it (MONITOR, logs):
 * "\n", "\r", "\t", "\a", "\b", "\\", "\"" escaped, other non-printables as \xHH.
 */
export function reprBytes(b: Uint8Array): string {
  let s = '"';
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    switch (c) {
      case 92:
        s += "\\\\";
        break;
      case 34:
        s += '\\"';
        break;
      case 10:
        s += "\\n";
        break;
      case 13:
        s += "\\r";
        break;
      case 9:
        s += "\\t";
        break;
      case 7:
        s += "\\a";
        break;
      case 8:
        s += "\\b";
        break;
      default:
        s += c >= 32 && c < 127 ? String.fromCharCode(c) : "\\x" + c.toString(16).padStart(2, "0");
    }
  }
  return s + '"';
}
