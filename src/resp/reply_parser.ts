/**
 * Parser for RESP2/RESP3 replies (the other direction of the protocol): the
 * replication link reads its master's replies with it, and tests decode what
 * the server sent.
 */

import { bytesToBinary } from "../util/bytes.ts";

/** A decoded reply. Aggregates keep their RESP type so RESP3 checks stay exact. */
export type RespReply =
  | { t: "simple"; v: string }
  | { t: "error"; v: string }
  | { t: "int"; v: bigint }
  | { t: "bulk"; v: Uint8Array }
  | { t: "null" }
  | { t: "double"; v: string }
  | { t: "bool"; v: boolean }
  | { t: "verbatim"; format: string; v: Uint8Array }
  | { t: "bignum"; v: string }
  | { t: "array" | "set" | "push"; v: RespReply[] }
  | { t: "map" | "attribute"; v: [RespReply, RespReply][] };

/** Thrown for bytes that are not a valid reply. */
export class ReplyParseError extends Error {}

// Binary strings (one char per byte); TextDecoder("latin1") would be windows-1252.
const decoder = { decode: (b: Uint8Array) => bytesToBinary(b) };

function line(buf: Uint8Array, pos: number): [string, number] | null {
  const cr = buf.indexOf(13, pos);
  if (cr === -1 || cr + 1 >= buf.length) return null;
  return [decoder.decode(buf.subarray(pos, cr)), cr + 2];
}

/**
 * Parses one reply starting at `pos`. Returns the reply and the position after
 * it, or null when `buf` does not hold a complete reply yet.
 */
export function parseReply(buf: Uint8Array, pos = 0): [RespReply, number] | null {
  if (pos >= buf.length) return null;
  const type = buf[pos];
  const l = line(buf, pos + 1);
  if (l === null) return null;
  const [text, next] = l;
  switch (type) {
    case 43: // +
      return [{ t: "simple", v: text }, next];
    case 45: // -
      return [{ t: "error", v: text }, next];
    case 58: // :
      return [{ t: "int", v: BigInt(text) }, next];
    case 44: // ,
      return [{ t: "double", v: text }, next];
    case 35: // #
      return [{ t: "bool", v: text === "t" }, next];
    case 40: // (
      return [{ t: "bignum", v: text }, next];
    case 95: // _
      return [{ t: "null" }, next];
    case 36: // $
    case 61: { // =
      const n = Number(text);
      if (n < 0) return [{ t: "null" }, next];
      if (next + n + 2 > buf.length) return null;
      const body = buf.slice(next, next + n);
      if (type === 61) {
        return [
          { t: "verbatim", format: decoder.decode(body.subarray(0, 3)), v: body.slice(4) },
          next +
          n + 2,
        ];
      }
      return [{ t: "bulk", v: body }, next + n + 2];
    }
    case 42: // *
    case 126: // ~
    case 62: { // >
      const n = Number(text);
      if (n < 0) return [{ t: "null" }, next];
      const items: RespReply[] = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const r = parseReply(buf, p);
        if (r === null) return null;
        items.push(r[0]);
        p = r[1];
      }
      return [{ t: type === 42 ? "array" : type === 126 ? "set" : "push", v: items }, p];
    }
    case 37: // %
    case 124: { // |
      const n = Number(text);
      const pairs: [RespReply, RespReply][] = [];
      let p = next;
      for (let i = 0; i < n; i++) {
        const k = parseReply(buf, p);
        if (k === null) return null;
        const v = parseReply(buf, k[1]);
        if (v === null) return null;
        pairs.push([k[0], v[0]]);
        p = v[1];
      }
      return [{ t: type === 37 ? "map" : "attribute", v: pairs }, p];
    }
    default:
      throw new ReplyParseError(`unexpected reply type byte ${type} at ${pos}`);
  }
}
