/**
 * Keyspace notification classes (notify.c): the NOTIFY_* flag bits and the class strings of
 * notify-keyspace-events ("AKE", "Ex", ...).
 */

export const NOTIFY_KEYSPACE = 1 << 0; // K
export const NOTIFY_KEYEVENT = 1 << 1; // E
export const NOTIFY_GENERIC = 1 << 2; // g
export const NOTIFY_STRING = 1 << 3; // $
export const NOTIFY_LIST = 1 << 4; // l
export const NOTIFY_SET = 1 << 5; // s
export const NOTIFY_HASH = 1 << 6; // h
export const NOTIFY_ZSET = 1 << 7; // z
export const NOTIFY_EXPIRED = 1 << 8; // x
export const NOTIFY_EVICTED = 1 << 9; // e
export const NOTIFY_STREAM = 1 << 10; // t
export const NOTIFY_KEY_MISS = 1 << 11; // m (not part of A)
export const NOTIFY_LOADED = 1 << 12; // module only
export const NOTIFY_MODULE = 1 << 13; // d
export const NOTIFY_NEW = 1 << 14; // n (not part of A)
/** The "A" alias: g$lshzxetd. */
export const NOTIFY_ALL = NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET |
  NOTIFY_HASH | NOTIFY_ZSET | NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE;

const NOTIFY_CHARS: Record<string, number> = {
  A: NOTIFY_ALL,
  g: NOTIFY_GENERIC,
  $: NOTIFY_STRING,
  l: NOTIFY_LIST,
  s: NOTIFY_SET,
  h: NOTIFY_HASH,
  z: NOTIFY_ZSET,
  x: NOTIFY_EXPIRED,
  e: NOTIFY_EVICTED,
  K: NOTIFY_KEYSPACE,
  E: NOTIFY_KEYEVENT,
  t: NOTIFY_STREAM,
  m: NOTIFY_KEY_MISS,
  d: NOTIFY_MODULE,
  n: NOTIFY_NEW,
};

/** keyspaceEventsStringToFlags: the flag bits of a class string, or -1 on a bad character. */
export function keyspaceEventsStringToFlags(classes: string): number {
  let flags = 0;
  for (const c of classes) {
    const f = NOTIFY_CHARS[c];
    if (f === undefined) return -1;
    flags |= f;
  }
  return flags;
}

/** keyspaceEventsFlagsToString: the canonical class string CONFIG GET prints. */
export function keyspaceEventsFlagsToString(flags: number): string {
  let res = "";
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) {
    res += "A";
  } else {
    if (flags & NOTIFY_GENERIC) res += "g";
    if (flags & NOTIFY_STRING) res += "$";
    if (flags & NOTIFY_LIST) res += "l";
    if (flags & NOTIFY_SET) res += "s";
    if (flags & NOTIFY_HASH) res += "h";
    if (flags & NOTIFY_ZSET) res += "z";
    if (flags & NOTIFY_EXPIRED) res += "x";
    if (flags & NOTIFY_EVICTED) res += "e";
    if (flags & NOTIFY_STREAM) res += "t";
    if (flags & NOTIFY_MODULE) res += "d";
    if (flags & NOTIFY_NEW) res += "n";
  }
  if (flags & NOTIFY_KEYSPACE) res += "K";
  if (flags & NOTIFY_KEYEVENT) res += "E";
  if (flags & NOTIFY_KEY_MISS) res += "m";
  return res;
}
