/**
 * The script's value as the caller's reply, as Redis's script_lua.c converts it (the other
 * direction, a command's reply into the VM, is wire.ts).
 */

import type { ReplyWriter } from "../resp/writer.ts";
import { bytesToBinary } from "../util/bytes.ts";
import type { ReplyValue } from "./engine.ts";

const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;

/**
 * Writes what a script returned (not a raised error) as the caller's reply: Lua's conversions
 * (luaReplyToRedisReply). Status texts lose their CR/LF as Redis's do.
 */
export function writeValue(r: ReplyWriter, v: ReplyValue): void {
  if (v === null) return r.nullBulk();
  switch (typeof v) {
    case "number":
      return r.integer(v);
    case "bigint":
      // The VM saturates a Lua number at or past 2^63; Redis's (long long) cast of it gives
      // LLONG_MIN (no double below 2^63 rounds to INT64_MAX, so only those come out as it).
      return r.integer(v === INT64_MAX ? INT64_MIN : v);
    case "boolean":
      return r.bool(v);
  }
  if (v instanceof Uint8Array) return r.bulk(v);
  if (Array.isArray(v)) {
    r.array(v.length);
    for (const e of v) writeValue(r, e);
    return;
  }
  const o = v as Record<string, any>;
  if ("err" in o) {
    const text = o.code !== undefined
      ? `${bytesToBinary(o.code)} ${bytesToBinary(o.err)}`
      : bytesToBinary(o.err);
    return r.errorBinary(text.charCodeAt(0) === 45 ? "-" + text : text);
  }
  if ("ok" in o) return r.simple(bytesToBinary(o.ok).replace(/[\r\n]/g, " "));
  if ("double" in o) return r.double(o.double);
  if ("big_number" in o) return r.bigNumber(bytesToBinary(o.big_number));
  if ("verbatim_string" in o) {
    return r.verbatim(
      new TextDecoder().decode(o.verbatim_string.string),
      bytesToBinary(o.verbatim_string.format),
    );
  }
  if ("map" in o) {
    r.map(o.map.length);
    for (const [k, e] of o.map) {
      writeValue(r, k);
      writeValue(r, e);
    }
    return;
  }
  if ("set" in o) {
    r.set(o.set.length);
    for (const e of o.set) writeValue(r, e);
  }
}
