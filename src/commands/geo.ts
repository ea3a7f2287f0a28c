/**
 * Geo commands (Redis's geo.c) on sorted sets whose scores are 52-bit
 * geohashes: GEOADD (a ZADD with encoded scores, propagated as that ZADD),
 * GEOPOS, GEODIST, GEOHASH, GEOSEARCH, GEOSEARCHSTORE and the deprecated
 * GEORADIUS / GEORADIUSBYMEMBER with their _RO forms.
 *
 * Searches visit the center geohash cell and its 8 neighbours at a step
 * estimated from the radius (src/util/geohash.ts), filter the points by exact
 * haversine distance (or box membership), then sort by distance when asked.
 * Distances print as Redis's fixedpoint_d2string(d, 4), coordinates as
 * addReplyHumanLongDouble ("%.17Lf" without trailing zeros; RESP3 doubles).
 */

import type { Client } from "../server/client.ts";
import { argAt, type ArgBlock } from "../resp/arg_block.ts";
import { SortedSet } from "../store/zset.ts";
import { SYNTAX_ERR, WRONGTYPE } from "../store/types.ts";
import { binaryToBytes, bytesToBinary } from "../util/bytes.ts";
import {
  decodeGeoScore,
  distanceIfInRectangle,
  GEO_LAT_MAX,
  GEO_LAT_MIN,
  GEO_LONG_MAX,
  GEO_LONG_MIN,
  geohashCalculateAreasByShape,
  geohashGetDistance,
  geohashString,
  geoScore,
  type GeoShape,
  hashIsZero,
  scoresOfGeoHashBox,
  searchCells,
} from "../util/geohash.ts";
import { formatHumanDouble } from "../util/long_double.ts";
import { getDouble, getLongLong, ORDER_ARG } from "./args.ts";
import { deleteStoreKey, lookupKeyRead, setKey } from "./keyspace.ts";
import {
  convertToListpackIfNeeded,
  readZset,
  ZADD_CH,
  ZADD_NX,
  ZADD_XX,
  zaddParsed,
  zsetConfig,
} from "./zset.ts";
import { type ArgDoc, type CommandSpec, type KeySpec, keySpecAt } from "../server/command_table.ts";

// ---------------------------------------------------------------------------
// Formatting.

/** Replies a coordinate as addReplyHumanLongDouble: a bulk string (RESP2) or a double (RESP3). */
function replyHumanDouble(c: Client, d: number): void {
  const s = formatHumanDouble(d);
  if (c.reply.resp === 3) c.reply.raw(binaryToBytes("," + s + "\r\n"));
  else c.reply.bulkBinary(s);
}

/** llrint: round half to even. */
function rint(x: number): number {
  const r = Math.round(x);
  if (Math.abs(r - x) === 0.5 && r % 2 !== 0) return r - 1;
  return r;
}

/** fixedpoint_d2string(d, 4): the distance rounded (half to even) to 4 decimals. */
export function formatDistance(d: number): string {
  if (d === 0) return "0.0000";
  const v = rint(d * 10000);
  const neg = v < 0;
  const abs = BigInt(Math.abs(v));
  const int = abs / 10000n;
  const frac = (abs % 10000n).toString().padStart(4, "0");
  return (neg ? "-" : "") + int.toString() + "." + frac;
}

// ---------------------------------------------------------------------------
// Argument helpers.

/** printf("%f"): six decimals, every integer digit, "inf"/"-inf"/"nan" as glibc writes them. */
function printfF6(d: number): string {
  if (Number.isNaN(d)) return "nan";
  if (!Number.isFinite(d)) return d < 0 ? "-inf" : "inf";
  if (Object.is(d, -0)) return "-0.000000"; // toFixed drops the sign of zero
  // toFixed switches to exponent form from 1e21; such doubles are integers, exact as BigInt.
  return Math.abs(d) < 1e21 ? d.toFixed(6) : BigInt(d).toString() + ".000000";
}

/** extractLongLatOrReply: longitude and latitude at argv[i], argv[i + 1]. */
function extractLongLat(c: Client, i: number): [number, number] | null {
  const lon = getDouble(c, i);
  if (lon === null) return null;
  const lat = getDouble(c, i + 1);
  if (lat === null) return null;
  if (lon < GEO_LONG_MIN || lon > GEO_LONG_MAX || lat < GEO_LAT_MIN || lat > GEO_LAT_MAX) {
    c.reply.error(`ERR invalid longitude,latitude pair ${printfF6(lon)},${printfF6(lat)}`);
    return null;
  }
  return [lon, lat];
}

/** extractUnitOrReply: meters per unit, or -1 after replying. */
function extractUnit(c: Client, i: number): number {
  switch (c.lower(i)) {
    case "m":
      return 1;
    case "km":
      return 1000;
    case "ft":
      return 0.3048;
    case "mi":
      return 1609.34;
  }
  c.reply.error("ERR unsupported unit provided. please use M, KM, FT, MI");
  return -1;
}

/** extractDistanceOrReply: [radius, conversion]. */
function extractDistance(c: Client, i: number): [number, number] | null {
  const d = getDouble(c, i, "need numeric radius");
  if (d === null) return null;
  if (d < 0) {
    c.reply.error("ERR radius cannot be negative");
    return null;
  }
  const conv = extractUnit(c, i + 1);
  return conv < 0 ? null : [d, conv];
}

/** extractBoxOrReply: [width, height, conversion]. */
function extractBox(c: Client, i: number): [number, number, number] | null {
  const w = getDouble(c, i, "need numeric width");
  if (w === null) return null;
  const h = getDouble(c, i + 1, "need numeric height");
  if (h === null) return null;
  if (h < 0 || w < 0) {
    c.reply.error("ERR height or width cannot be negative");
    return null;
  }
  const conv = extractUnit(c, i + 2);
  return conv < 0 ? null : [w, h, conv];
}

// ---------------------------------------------------------------------------
// GEOADD, GEOPOS, GEODIST, GEOHASH.

const ZADD = binaryToBytes("zadd");

/** GEOADD; `args`: its argument block when it runs from it (see CommandSpec.bulk). */
function geoaddCommand(c: Client, args: ArgBlock | null = null): void {
  let flags = 0;
  let longidx = 2;
  while (longidx < c.argc) {
    const opt = bytesToBinary(argAt(c.argv, args, longidx)).toLowerCase();
    if (opt === "nx") flags |= ZADD_NX;
    else if (opt === "xx") flags |= ZADD_XX;
    else if (opt === "ch") flags |= ZADD_CH;
    else break;
    longidx++;
  }
  if ((c.argc - longidx) % 3 !== 0 || (flags & (ZADD_NX | ZADD_XX)) === (ZADD_NX | ZADD_XX)) {
    return c.reply.error(SYNTAX_ERR);
  }
  const elements = (c.argc - longidx) / 3;
  const scores: number[] = new Array(elements);
  for (let i = 0; i < elements; i++) {
    const xy = extractLongLat(c, longidx + i * 3);
    if (xy === null) return;
    scores[i] = geoScore(xy[0], xy[1]);
  }
  // Runs as the ZADD it becomes (replaceClientCommandVector) without parsing the scores back;
  // that ZADD is what propagates. MONITOR and the slowlog keep the GEOADD as sent.
  zaddParsed(c, flags, scores, longidx + 2, 3, args);
  // Nobody to propagate to: no ZADD to build (200,000 triples would make 200,000 views).
  if (!c.server.propagation.active) return;
  const argv: Uint8Array[] = new Array(longidx + 2 * elements);
  argv[0] = ZADD;
  for (let i = 1; i < longidx; i++) argv[i] = argAt(c.argv, args, i);
  // The scores' text in one buffer (they are integers below 2^52); the members stay the
  // argument views, valid until the command is propagated.
  const text = scores.join(" ");
  const buf = binaryToBytes(text);
  for (let i = 0, p = 0; i < elements; i++) {
    const end = i + 1 < elements ? text.indexOf(" ", p) : text.length;
    argv[longidx + 2 * i] = buf.subarray(p, end);
    argv[longidx + 2 * i + 1] = argAt(c.argv, args, longidx + i * 3 + 2);
    p = end + 1;
  }
  c.rewriteArgv(argv);
}

function geoposCommand(c: Client): void {
  const z = readZset(c, c.key(1));
  if (z === null) return;
  c.reply.array(c.argc - 2);
  for (let j = 2; j < c.argc; j++) {
    const score = z?.score(c.key(j));
    if (score === undefined) {
      c.reply.nullArray();
      continue;
    }
    const [lon, lat] = decodeGeoScore(score);
    c.reply.array(2);
    replyHumanDouble(c, lon);
    replyHumanDouble(c, lat);
  }
}

function geodistCommand(c: Client): void {
  let toMeter = 1;
  if (c.argc === 5) {
    toMeter = extractUnit(c, 4);
    if (toMeter < 0) return;
  } else if (c.argc > 5) {
    return c.reply.error(SYNTAX_ERR);
  }
  const z = readZset(c, c.key(1));
  if (z === null) return;
  if (z === undefined) return c.reply.nullBulk();
  const s1 = z.score(c.key(2));
  const s2 = z.score(c.key(3));
  if (s1 === undefined || s2 === undefined) return c.reply.nullBulk();
  const [lon1, lat1] = decodeGeoScore(s1);
  const [lon2, lat2] = decodeGeoScore(s2);
  c.reply.bulkBinary(formatDistance(geohashGetDistance(lon1, lat1, lon2, lat2) / toMeter));
}

function geohashCommand(c: Client): void {
  const z = readZset(c, c.key(1));
  if (z === null) return;
  c.reply.array(c.argc - 2);
  for (let j = 2; j < c.argc; j++) {
    const score = z?.score(c.key(j));
    if (score === undefined) c.reply.nullBulk();
    else c.reply.bulkBinary(geohashString(score));
  }
}

// ---------------------------------------------------------------------------
// Searches (georadiusGeneric).

const RADIUS_COORDS = 1;
const RADIUS_MEMBER = 2;
const RADIUS_NOSTORE = 4;
const GEOSEARCH = 8;
const GEOSEARCHSTORE = 16;

/** A point found by a search (geoPoint). */
interface GeoPoint {
  lon: number;
  lat: number;
  dist: number;
  score: number;
  member: string;
}

/** geoWithinShape: the distance from the shape's center when the point is inside, else null. */
function withinShape(shape: GeoShape, lon: number, lat: number): number | null {
  if (shape.type === "circle") {
    const d = geohashGetDistance(shape.lon, shape.lat, lon, lat);
    return d > shape.radius * shape.conversion ? null : d;
  }
  return distanceIfInRectangle(
    shape.width * shape.conversion,
    shape.height * shape.conversion,
    shape.lon,
    shape.lat,
    lon,
    lat,
  );
}

/**
 * membersOfAllNeighbors: the points of the 9 cells inside the shape, in cell
 * order then score order; with `limit` (COUNT ... ANY) it stops once that many
 * were found.
 */
function pointsInShape(z: SortedSet, shape: GeoShape, limit: number): GeoPoint[] {
  const cells = searchCells(geohashCalculateAreasByShape(shape));
  const out: GeoPoint[] = [];
  let last = -1;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (hashIsZero(cell)) continue;
    // Huge radii make neighbours coincide: skip a cell equal to the previous one searched.
    if (last >= 0 && cell.bits === cells[last].bits && cell.step === cells[last].step) continue;
    if (out.length && limit && out.length >= limit) break;
    const [min, max] = scoresOfGeoHashBox(cell);
    let h = z.firstInRange({ min, max, minex: false, maxex: true });
    while (h !== 0) {
      const score = z.scoreOf(h);
      if (score >= max) break;
      const [lon, lat] = decodeGeoScore(score);
      const dist = withinShape(shape, lon, lat);
      if (dist !== null) out.push({ lon, lat, dist, score, member: z.memberOf(h) });
      if (out.length && limit && out.length >= limit) break;
      h = z.next(h);
    }
    last = i;
  }
  return out;
}

function georadiusGeneric(c: Client, srcKeyIndex: number, flags: number): void {
  const zv = lookupKeyRead(c, c.key(srcKeyIndex))?.value;
  if (zv !== undefined && !(zv instanceof SortedSet)) return c.reply.error(WRONGTYPE);
  const z = zv as SortedSet | undefined;
  const shape: GeoShape = {
    type: "circle",
    lon: 0,
    lat: 0,
    conversion: 0,
    radius: 0,
    width: 0,
    height: 0,
  };
  let storekey: string | null = null;
  let storedist = false;
  let baseArgs: number;
  if (flags & RADIUS_COORDS) {
    baseArgs = 6;
    const xy = extractLongLat(c, 2);
    if (xy === null) return;
    [shape.lon, shape.lat] = xy;
    const d = extractDistance(c, baseArgs - 2);
    if (d === null) return;
    [shape.radius, shape.conversion] = d;
  } else if ((flags & RADIUS_MEMBER) && z === undefined) {
    // No source key: parse the options anyway to know which empty reply to give.
    baseArgs = 5;
  } else if (flags & RADIUS_MEMBER) {
    baseArgs = 5;
    const score = z!.score(c.key(2));
    if (score === undefined) return c.reply.error("ERR could not decode requested zset member");
    [shape.lon, shape.lat] = decodeGeoScore(score);
    const d = extractDistance(c, baseArgs - 2);
    if (d === null) return;
    [shape.radius, shape.conversion] = d;
  } else {
    baseArgs = 2;
    if (flags & GEOSEARCHSTORE) {
      baseArgs = 3;
      storekey = c.key(1);
    }
  }

  let withdist = false;
  let withhash = false;
  let withcoords = false;
  let frommember = false;
  let fromloc = false;
  let byradius = false;
  let bybox = false;
  let sort: "none" | "asc" | "desc" = "none";
  let any = false;
  let count = 0;
  const remaining = c.argc - baseArgs;
  for (let i = 0; i < remaining; i++) {
    const at = baseArgs + i;
    const arg = c.lower(at);
    if (arg === "withdist") {
      withdist = true;
    } else if (arg === "withhash") {
      withhash = true;
    } else if (arg === "withcoord") {
      withcoords = true;
    } else if (arg === "any") {
      any = true;
    } else if (arg === "asc") {
      sort = "asc";
    } else if (arg === "desc") {
      sort = "desc";
    } else if (arg === "count" && i + 1 < remaining) {
      const n = getLongLong(c, at + 1);
      if (n === null) return;
      if (n <= 0n) return c.reply.error("ERR COUNT must be > 0");
      count = Number(n);
      i++;
    } else if (
      arg === "store" && i + 1 < remaining && !(flags & RADIUS_NOSTORE) && !(flags & GEOSEARCH)
    ) {
      storekey = c.key(at + 1);
      storedist = false;
      i++;
    } else if (
      arg === "storedist" && i + 1 < remaining && !(flags & RADIUS_NOSTORE) &&
      !(flags & GEOSEARCH)
    ) {
      storekey = c.key(at + 1);
      storedist = true;
      i++;
    } else if (arg === "storedist" && (flags & GEOSEARCH) && (flags & GEOSEARCHSTORE)) {
      storedist = true;
    } else if (arg === "frommember" && i + 1 < remaining && (flags & GEOSEARCH) && !fromloc) {
      if (z !== undefined) {
        const score = z.score(c.key(at + 1));
        if (score === undefined) {
          return c.reply.error("ERR could not decode requested zset member");
        }
        [shape.lon, shape.lat] = decodeGeoScore(score);
      }
      frommember = true;
      i++;
    } else if (arg === "fromlonlat" && i + 2 < remaining && (flags & GEOSEARCH) && !frommember) {
      const xy = extractLongLat(c, at + 1);
      if (xy === null) return;
      [shape.lon, shape.lat] = xy;
      fromloc = true;
      i += 2;
    } else if (arg === "byradius" && i + 2 < remaining && (flags & GEOSEARCH) && !bybox) {
      const d = extractDistance(c, at + 1);
      if (d === null) return;
      [shape.radius, shape.conversion] = d;
      shape.type = "circle";
      byradius = true;
      i += 2;
    } else if (arg === "bybox" && i + 3 < remaining && (flags & GEOSEARCH) && !byradius) {
      const b = extractBox(c, at + 1);
      if (b === null) return;
      [shape.width, shape.height, shape.conversion] = b;
      shape.type = "box";
      bybox = true;
      i += 3;
    } else {
      return c.reply.error(SYNTAX_ERR);
    }
  }

  if (storekey !== null && (withdist || withhash || withcoords)) {
    const what = flags & GEOSEARCHSTORE ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS";
    return c.reply.error(
      `ERR ${what} is not compatible with WITHDIST, WITHHASH and WITHCOORD options`,
    );
  }
  // Redis names the command as the client spelled it.
  const spelled = bytesToBinary(c.argv[0]);
  if ((flags & GEOSEARCH) && !(frommember || fromloc)) {
    return c.reply.error(
      `ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for ${spelled}`,
    );
  }
  if ((flags & GEOSEARCH) && !(byradius || bybox)) {
    return c.reply.error(`ERR exactly one of BYRADIUS and BYBOX can be specified for ${spelled}`);
  }
  if (any && !count) return c.reply.error("ERR the ANY argument requires COUNT argument");

  if (z === undefined) {
    if (storekey !== null) {
      deleteStoreKey(c, storekey);
      c.reply.integer(0);
    } else {
      c.reply.array(0);
    }
    return;
  }

  // COUNT without an order means the closest ones (not with ANY).
  if (count !== 0 && sort === "none" && !any) sort = "asc";

  const points = pointsInShape(z, shape, any ? count : 0);
  if (points.length === 0 && storekey === null) return c.reply.array(0);

  const returned = count === 0 || points.length < count ? points.length : count;
  // Stable, like glibc's qsort (a merge sort): equal distances keep their search order.
  if (sort === "asc") points.sort((a, b) => (a.dist > b.dist ? 1 : a.dist < b.dist ? -1 : 0));
  else if (sort === "desc") points.sort((a, b) => (a.dist < b.dist ? 1 : a.dist > b.dist ? -1 : 0));

  if (storekey === null) {
    let options = 0;
    if (withdist) options++;
    if (withcoords) options++;
    if (withhash) options++;
    c.reply.array(returned);
    for (let i = 0; i < returned; i++) {
      const p = points[i];
      if (options) c.reply.array(options + 1);
      c.reply.bulkBinary(p.member);
      if (withdist) c.reply.bulkBinary(formatDistance(p.dist / shape.conversion));
      if (withhash) c.reply.integer(p.score);
      if (withcoords) {
        c.reply.array(2);
        replyHumanDouble(c, p.lon);
        replyHumanDouble(c, p.lat);
      }
    }
    return;
  }

  if (returned > 0) {
    const cfg = zsetConfig(c);
    const dst = new SortedSet(returned);
    dst.setEncoding("skiplist");
    for (let i = 0; i < returned; i++) {
      const p = points[i];
      dst.add(p.member, storedist ? p.dist / shape.conversion : p.score);
    }
    convertToListpackIfNeeded(dst, cfg);
    setKey(c, storekey, dst);
    const event = flags & GEOSEARCH ? "geosearchstore" : "georadiusstore";
    c.modified(storekey, "zset", event, returned);
  } else {
    deleteStoreKey(c, storekey);
  }
  c.reply.integer(returned);
}

function georadiusCommand(c: Client): void {
  georadiusGeneric(c, 1, RADIUS_COORDS);
}

function georadiusbymemberCommand(c: Client): void {
  georadiusGeneric(c, 1, RADIUS_MEMBER);
}

function georadiusroCommand(c: Client): void {
  georadiusGeneric(c, 1, RADIUS_COORDS | RADIUS_NOSTORE);
}

function georadiusbymemberroCommand(c: Client): void {
  georadiusGeneric(c, 1, RADIUS_MEMBER | RADIUS_NOSTORE);
}

function geosearchCommand(c: Client): void {
  georadiusGeneric(c, 1, GEOSEARCH);
}

function geosearchstoreCommand(c: Client): void {
  georadiusGeneric(c, 2, GEOSEARCH | GEOSEARCHSTORE);
}

/**
 * Keys of GEORADIUS[BYMEMBER]: the source, then the key after the first STORE
 * and after the first STOREDIST from index `from` on (its keyword key specs).
 */
function georadiusKeys(from: number): (argv: Uint8Array[]) => number[] {
  return (argv) => {
    const keys = [1];
    for (const kw of ["store", "storedist"]) {
      for (let i = from; i < argv.length - 1; i++) {
        if (bytesToBinary(argv[i]).toLowerCase() === kw) {
          keys.push(i + 1);
          break;
        }
      }
    }
    return keys;
  };
}

// ---------------------------------------------------------------------------
// Command table rows.

// Arguments the geo searches share (as in Redis's commands/*.json).

/** The distance unit: M, KM, FT or MI. */
const UNIT_ARG: ArgDoc = {
  name: "unit",
  type: "oneof",
  args: [
    { name: "m", type: "pure-token", token: "M" },
    { name: "km", type: "pure-token", token: "KM" },
    { name: "ft", type: "pure-token", token: "FT" },
    { name: "mi", type: "pure-token", token: "MI" },
  ],
};

/** WITHCOORD, WITHDIST and WITHHASH. */
const WITH_ARGS: ArgDoc[] = [
  { name: "withcoord", type: "pure-token", token: "WITHCOORD", flags: ["optional"] },
  { name: "withdist", type: "pure-token", token: "WITHDIST", flags: ["optional"] },
  { name: "withhash", type: "pure-token", token: "WITHHASH", flags: ["optional"] },
];

/** COUNT count [ANY]; GEORADIUS and GEORADIUS_RO note when ANY came. */
function countBlockArg(anySince?: string): ArgDoc {
  const any: ArgDoc = { name: "any", type: "pure-token", token: "ANY" };
  if (anySince !== undefined) any.since = anySince;
  any.flags = ["optional"];
  return {
    name: "count-block",
    type: "block",
    flags: ["optional"],
    args: [{ name: "count", type: "integer", token: "COUNT" }, any],
  };
}

/** GEOSEARCH's FROMMEMBER member | FROMLONLAT longitude latitude. */
const FROM_ARG: ArgDoc = {
  name: "from",
  type: "oneof",
  args: [
    { name: "member", type: "string", token: "FROMMEMBER" },
    {
      name: "fromlonlat",
      type: "block",
      token: "FROMLONLAT",
      args: [
        { name: "longitude", type: "double" },
        { name: "latitude", type: "double" },
      ],
    },
  ],
};

/** GEOSEARCH's BYRADIUS radius unit | BYBOX width height unit. */
const BY_ARG: ArgDoc = {
  name: "by",
  type: "oneof",
  args: [
    {
      name: "circle",
      type: "block",
      args: [{ name: "radius", type: "double", token: "BYRADIUS" }, UNIT_ARG],
    },
    {
      name: "box",
      type: "block",
      args: [
        { name: "width", type: "double", token: "BYBOX" },
        { name: "height", type: "double" },
        UNIT_ARG,
      ],
    },
  ],
};

/** GEORADIUS's STORE key | STOREDIST key. */
const STORE_ARG: ArgDoc = {
  name: "store",
  type: "oneof",
  flags: ["optional"],
  args: [
    { name: "storekey", type: "key", displayText: "key", token: "STORE" },
    { name: "storedistkey", type: "key", displayText: "key", token: "STOREDIST" },
  ],
};

/** GEORADIUS's key specs: the source, and the STORE / STOREDIST key searched from `startFrom`. */
function georadiusKeySpecs(startFrom: number): KeySpec[] {
  return [
    keySpecAt(["RO", "access"]),
    {
      flags: ["OW", "update"],
      beginSearch: { keyword: "STORE", startFrom },
      findKeys: { lastKey: 0, keyStep: 1, limit: 0 },
    },
    {
      flags: ["OW", "update"],
      beginSearch: { keyword: "STOREDIST", startFrom },
      findKeys: { lastKey: 0, keyStep: 1, limit: 0 },
    },
  ];
}

/** Rows of the geo group. */
export const geoCommands: CommandSpec[] = [
  {
    name: "geoadd",
    arity: -5,
    flags: ["write", "denyoom"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "geo",
    since: "3.2.0",
    summary:
      "Adds one or more members to a geospatial index. The key is created if it doesn't exist.",
    complexity:
      "O(log(N)) for each item added, where N is the number of elements in the sorted set.",
    history: [
      ["6.2.0", "Added the `CH`, `NX` and `XX` options."],
    ],
    keySpecs: [
      keySpecAt(["RW", "update"]),
    ],
    args: [
      { name: "key", type: "key" },
      {
        name: "condition",
        type: "oneof",
        since: "6.2.0",
        flags: ["optional"],
        args: [
          { name: "nx", type: "pure-token", token: "NX" },
          { name: "xx", type: "pure-token", token: "XX" },
        ],
      },
      { name: "change", type: "pure-token", token: "CH", since: "6.2.0", flags: ["optional"] },
      {
        name: "data",
        type: "block",
        flags: ["multiple"],
        args: [
          { name: "longitude", type: "double" },
          { name: "latitude", type: "double" },
          { name: "member", type: "string" },
        ],
      },
    ],
    handler: geoaddCommand,
    bulk: geoaddCommand,
  },
  {
    name: "geopos",
    arity: -2,
    flags: ["readonly"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "geo",
    since: "3.2.0",
    summary: "Returns the longitude and latitude of members from a geospatial index.",
    complexity: "O(1) for each member requested.",
    keySpecs: [
      keySpecAt(["RO", "access"]),
    ],
    args: [
      { name: "key", type: "key" },
      { name: "member", type: "string", flags: ["optional", "multiple"] },
    ],
    handler: geoposCommand,
  },
  {
    name: "geodist",
    arity: -4,
    flags: ["readonly"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "geo",
    since: "3.2.0",
    summary: "Returns the distance between two members of a geospatial index.",
    complexity: "O(1)",
    keySpecs: [
      keySpecAt(["RO", "access"]),
    ],
    args: [
      { name: "key", type: "key" },
      { name: "member1", type: "string" },
      { name: "member2", type: "string" },
      { ...UNIT_ARG, flags: ["optional"] },
    ],
    handler: geodistCommand,
  },
  {
    name: "geohash",
    arity: -2,
    flags: ["readonly"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "geo",
    since: "3.2.0",
    summary: "Returns members from a geospatial index as geohash strings.",
    complexity: "O(1) for each member requested.",
    keySpecs: [
      keySpecAt(["RO", "access"]),
    ],
    args: [
      { name: "key", type: "key" },
      { name: "member", type: "string", flags: ["optional", "multiple"] },
    ],
    handler: geohashCommand,
  },
  {
    name: "geosearch",
    arity: -7,
    flags: ["readonly"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "geo",
    since: "6.2.0",
    summary: "Queries a geospatial index for members inside an area of a box or a circle.",
    complexity:
      "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape",
    history: [
      ["7.0.0", "Added support for uppercase unit names."],
    ],
    keySpecs: [
      keySpecAt(["RO", "access"]),
    ],
    args: [
      { name: "key", type: "key" },
      FROM_ARG,
      BY_ARG,
      ORDER_ARG,
      countBlockArg(),
      ...WITH_ARGS,
    ],
    handler: geosearchCommand,
  },
  {
    name: "geosearchstore",
    arity: -8,
    flags: ["write", "denyoom"],
    firstKey: 1,
    lastKey: 2,
    step: 1,
    group: "geo",
    since: "6.2.0",
    summary:
      "Queries a geospatial index for members inside an area of a box or a circle, optionally stores the result.",
    complexity:
      "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box area around the shape provided as the filter and M is the number of items inside the shape",
    history: [
      ["7.0.0", "Added support for uppercase unit names."],
    ],
    keySpecs: [
      keySpecAt(["OW", "update"]),
      keySpecAt(["RO", "access"], 2),
    ],
    args: [
      { name: "destination", type: "key" },
      { name: "source", type: "key" },
      FROM_ARG,
      BY_ARG,
      ORDER_ARG,
      countBlockArg(),
      { name: "storedist", type: "pure-token", token: "STOREDIST", flags: ["optional"] },
    ],
    handler: geosearchstoreCommand,
  },
  {
    name: "georadius",
    arity: -6,
    flags: ["write", "denyoom", "movablekeys"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "geo",
    since: "3.2.0",
    summary:
      "Queries a geospatial index for members within a distance from a coordinate, optionally stores the result.",
    complexity:
      "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument",
    history: [
      ["6.2.0", "Added the `ANY` option for `COUNT`."],
      ["7.0.0", "Added support for uppercase unit names."],
    ],
    keySpecs: georadiusKeySpecs(6),
    args: [
      { name: "key", type: "key" },
      { name: "longitude", type: "double" },
      { name: "latitude", type: "double" },
      { name: "radius", type: "double" },
      UNIT_ARG,
      ...WITH_ARGS,
      countBlockArg("6.2.0"),
      ORDER_ARG,
      STORE_ARG,
    ],
    getKeys: georadiusKeys(6),
    handler: georadiusCommand,
  },
  {
    name: "georadiusbymember",
    arity: -5,
    flags: ["write", "denyoom", "movablekeys"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "geo",
    since: "3.2.0",
    summary:
      "Queries a geospatial index for members within a distance from a member, optionally stores the result.",
    complexity:
      "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments",
    history: [
      ["6.2.0", "Added the `ANY` option for `COUNT`."],
      ["7.0.0", "Added support for uppercase unit names."],
    ],
    keySpecs: georadiusKeySpecs(5),
    args: [
      { name: "key", type: "key" },
      { name: "member", type: "string" },
      { name: "radius", type: "double" },
      UNIT_ARG,
      ...WITH_ARGS,
      countBlockArg(),
      ORDER_ARG,
      STORE_ARG,
    ],
    getKeys: georadiusKeys(5),
    handler: georadiusbymemberCommand,
  },
  {
    name: "georadius_ro",
    arity: -6,
    flags: ["readonly"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "geo",
    since: "3.2.10",
    summary:
      "Returns members from a geospatial index that are within a distance from a coordinate.",
    complexity:
      "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`GEOSEARCH` with the `BYRADIUS` argument",
    history: [
      ["6.2.0", "Added the `ANY` option for `COUNT`."],
      ["7.0.0", "Added support for uppercase unit names."],
    ],
    keySpecs: [
      keySpecAt(["RO", "access"]),
    ],
    args: [
      { name: "key", type: "key" },
      { name: "longitude", type: "double" },
      { name: "latitude", type: "double" },
      { name: "radius", type: "double" },
      UNIT_ARG,
      ...WITH_ARGS,
      countBlockArg("6.2.0"),
      ORDER_ARG,
    ],
    handler: georadiusroCommand,
  },
  {
    name: "georadiusbymember_ro",
    arity: -5,
    flags: ["readonly"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "geo",
    since: "3.2.10",
    summary: "Returns members from a geospatial index that are within a distance from a member.",
    complexity:
      "O(N+log(M)) where N is the number of elements inside the bounding box of the circular area delimited by center and radius and M is the number of items inside the index.",
    docFlags: ["deprecated"],
    deprecatedSince: "6.2.0",
    replacedBy: "`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments",
    history: [
      ["6.2.0", "Added the `ANY` option for `COUNT`."],
      ["7.0.0", "Added support for uppercase unit names."],
    ],
    keySpecs: [
      keySpecAt(["RO", "access"]),
    ],
    args: [
      { name: "key", type: "key" },
      { name: "member", type: "string" },
      { name: "radius", type: "double" },
      UNIT_ARG,
      ...WITH_ARGS,
      countBlockArg(),
      ORDER_ARG,
    ],
    handler: georadiusbymemberroCommand,
  },
];
