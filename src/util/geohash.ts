/**
 * Geohash arithmetic as Redis's geohash.c / geohash_helper.c do it, so the
 * 52-bit scores GEOADD stores, the cells a radius or box search visits and the
 * distances it computes match Redis bit for bit (same double operations in the
 * same order).
 *
 * A hash is `step` bits of latitude interleaved with `step` bits of longitude
 * (latitude in the even bit positions). Values stay below 2^53, so they are
 * plain numbers; the interleaving works on 32-bit halves.
 *
 * @module
 */

/** Bits per coordinate of a stored score (GEO_STEP_MAX): 26, so 52-bit scores. */
export const GEO_STEP_MAX = 26;
/** Longitude limits. */
export const GEO_LONG_MIN = -180;
export const GEO_LONG_MAX = 180;
/** Latitude limits (EPSG:900913): the poles can't be encoded. */
export const GEO_LAT_MIN = -85.05112878;
export const GEO_LAT_MAX = 85.05112878;

/** Earth's quadratic mean radius for WGS-84, in meters (Redis's constant). */
export const EARTH_RADIUS_IN_METERS = 6372797.560856;
const MERCATOR_MAX = 20037726.37;
const D_R = Math.PI / 180.0;

/** A geohash: `bits` holds 2 * `step` significant bits. bits 0 and step 0 is "no hash". */
export interface GeoHashBits {
  bits: number;
  step: number;
}

/** A cell: its hash and coordinate bounds. */
export interface GeoHashArea {
  hash: GeoHashBits;
  longMin: number;
  longMax: number;
  latMin: number;
  latMax: number;
}

/** The cell containing the center plus its 8 neighbours (zeroed when useless). */
export interface GeoHashRadius {
  hash: GeoHashBits;
  area: GeoHashArea;
  north: GeoHashBits;
  south: GeoHashBits;
  east: GeoHashBits;
  west: GeoHashBits;
  northEast: GeoHashBits;
  northWest: GeoHashBits;
  southEast: GeoHashBits;
  southWest: GeoHashBits;
}

/** A search shape: a circle (radius) or an axis-aligned box (width x height), in `unit`s. */
export interface GeoShape {
  type: "circle" | "box";
  /** Center longitude, latitude. */
  lon: number;
  lat: number;
  /** Meters per unit (1, 1000, 0.3048, 1609.34). */
  conversion: number;
  radius: number;
  width: number;
  height: number;
}

const TWO32 = 4294967296;

function degRad(ang: number): number {
  return ang * D_R;
}

function radDeg(ang: number): number {
  return ang / D_R;
}

/** Low 16 bits of x spread to the even bit positions of a 32-bit value. */
function spread16(x: number): number {
  x &= 0xffff;
  x = (x | (x << 8)) & 0x00ff00ff;
  x = (x | (x << 4)) & 0x0f0f0f0f;
  x = (x | (x << 2)) & 0x33333333;
  x = (x | (x << 1)) & 0x55555555;
  return x >>> 0;
}

/** The even bits of a 32-bit value packed into 16 bits. */
function squeeze16(x: number): number {
  x &= 0x55555555;
  x = (x | (x >>> 1)) & 0x33333333;
  x = (x | (x >>> 2)) & 0x0f0f0f0f;
  x = (x | (x >>> 4)) & 0x00ff00ff;
  x = (x | (x >>> 8)) & 0x0000ffff;
  return x;
}

/** interleave64: lat bits in even positions, long bits in odd ones (inputs are uint32). */
function interleave(lat: number, lon: number): number {
  const lo = (spread16(lat) | (spread16(lon) << 1)) >>> 0;
  const hi = (spread16(lat >>> 16) | (spread16(lon >>> 16) << 1)) >>> 0;
  return hi * TWO32 + lo;
}

/** deinterleave64 of a 64-bit value given as halves: [lat bits, long bits] (uint32 each). */
function deinterleave(hi: number, lo: number): [number, number] {
  const lat = (squeeze16(lo) | (squeeze16(hi) << 16)) >>> 0;
  const lon = (squeeze16(lo >>> 1) | (squeeze16(hi >>> 1) << 16)) >>> 0;
  return [lat, lon];
}

/**
 * geohashEncode with explicit ranges: null when the point or the step is out of
 * range. Offsets are truncated to integers as the C conversion to uint32 does.
 */
export function geohashEncode(
  longMin: number,
  longMax: number,
  latMin: number,
  latMax: number,
  longitude: number,
  latitude: number,
  step: number,
): GeoHashBits | null {
  if (step > 32 || step === 0) return null;
  if (
    longitude > GEO_LONG_MAX || longitude < GEO_LONG_MIN || latitude > GEO_LAT_MAX ||
    latitude < GEO_LAT_MIN
  ) {
    return null;
  }
  if (latitude < latMin || latitude > latMax || longitude < longMin || longitude > longMax) {
    return null;
  }
  let latOffset = (latitude - latMin) / (latMax - latMin);
  let longOffset = (longitude - longMin) / (longMax - longMin);
  latOffset *= 2 ** step;
  longOffset *= 2 ** step;
  return { bits: interleave(Math.trunc(latOffset) >>> 0, Math.trunc(longOffset) >>> 0), step };
}

/** geohashEncodeWGS84: the hash of a point in the -180..180 / ±85.05112878 grid. */
export function geohashEncodeWGS84(
  longitude: number,
  latitude: number,
  step: number,
): GeoHashBits | null {
  return geohashEncode(
    GEO_LONG_MIN,
    GEO_LONG_MAX,
    GEO_LAT_MIN,
    GEO_LAT_MAX,
    longitude,
    latitude,
    step,
  );
}

/** geohashAlign52Bits: the hash shifted to a 52-bit score. */
export function geohashAlign52Bits(hash: GeoHashBits): number {
  return hash.bits * 2 ** (52 - hash.step * 2);
}

/** The 52-bit score GEOADD stores for a (valid) point. */
export function geoScore(longitude: number, latitude: number): number {
  return geohashAlign52Bits(geohashEncodeWGS84(longitude, latitude, GEO_STEP_MAX)!);
}

/** Splits (uint64_t)score into 32-bit halves as the C cast does on x86-64. */
function scoreHalves(score: number): [number, number] {
  if (score >= 0 && score < 2 ** 53) {
    const t = Math.trunc(score);
    const hi = Math.floor(t / TWO32);
    return [hi, t - hi * TWO32];
  }
  let b: bigint;
  if (Number.isFinite(score) && score > -(2 ** 63) && score < 2 ** 64) {
    b = BigInt.asUintN(64, BigInt(Math.trunc(score)));
  } else {
    b = 1n << 63n;
  }
  return [Number(b >> 32n), Number(b & 0xffffffffn)];
}

/** geohashDecode of a hash given as 64-bit halves, with explicit ranges. */
function decodeHalves(
  hi: number,
  lo: number,
  step: number,
  longMin: number,
  longMax: number,
  latMin: number,
  latMax: number,
): GeoHashArea {
  const [ilato, ilono] = deinterleave(hi, lo);
  const latScale = latMax - latMin;
  const longScale = longMax - longMin;
  const div = 2 ** step;
  return {
    hash: { bits: hi * TWO32 + lo, step },
    latMin: latMin + (ilato * 1.0 / div) * latScale,
    latMax: latMin + (((ilato + 1) >>> 0) * 1.0 / div) * latScale,
    longMin: longMin + (ilono * 1.0 / div) * longScale,
    longMax: longMin + (((ilono + 1) >>> 0) * 1.0 / div) * longScale,
  };
}

/** geohashDecode (WGS84 ranges) of a hash. */
export function geohashDecode(hash: GeoHashBits): GeoHashArea {
  const hi = Math.floor(hash.bits / TWO32);
  return decodeHalves(
    hi,
    hash.bits - hi * TWO32,
    hash.step,
    GEO_LONG_MIN,
    GEO_LONG_MAX,
    GEO_LAT_MIN,
    GEO_LAT_MAX,
  );
}

/** geohashDecodeAreaToLongLat: the cell's center, clamped to the valid ranges. */
function areaCenter(area: GeoHashArea): [number, number] {
  let lon = (area.longMin + area.longMax) / 2;
  if (lon > GEO_LONG_MAX) lon = GEO_LONG_MAX;
  if (lon < GEO_LONG_MIN) lon = GEO_LONG_MIN;
  let lat = (area.latMin + area.latMax) / 2;
  if (lat > GEO_LAT_MAX) lat = GEO_LAT_MAX;
  if (lat < GEO_LAT_MIN) lat = GEO_LAT_MIN;
  return [lon, lat];
}

/** decodeGeohash: [longitude, latitude] of a stored score (the center of its 52-bit cell). */
export function decodeGeoScore(score: number): [number, number] {
  const [hi, lo] = scoreHalves(score);
  return areaCenter(
    decodeHalves(hi, lo, GEO_STEP_MAX, GEO_LONG_MIN, GEO_LONG_MAX, GEO_LAT_MIN, GEO_LAT_MAX),
  );
}

const GEO_ALPHABET = "0123456789bcdefghjkmnpqrstuvwxyz";

/**
 * GEOHASH's 11-character string for a stored score: decoded, re-encoded with
 * the standard -90..90 latitude range, 10 base-32 chars of the 52 bits plus a
 * final "0".
 */
export function geohashString(score: number): string {
  const [lon, lat] = decodeGeoScore(score);
  const hash = geohashEncode(-180, 180, -90, 90, lon, lat, GEO_STEP_MAX);
  const bits = hash === null ? 0 : hash.bits;
  let out = "";
  for (let i = 0; i < 11; i++) {
    const idx = i === 10 ? 0 : Math.floor(bits / 2 ** (52 - (i + 1) * 5)) % 32;
    out += GEO_ALPHABET[idx];
  }
  return out;
}

// ---------------------------------------------------------------------------
// Neighbours (geohash_move_x / geohash_move_y), on 64-bit values.

const EVEN = 0x5555555555555555n;
const ODD = 0xaaaaaaaaaaaaaaaan;
const U64 = 0xffffffffffffffffn;

function moveX(hash: GeoHashBits, d: number): GeoHashBits {
  if (d === 0) return hash;
  const bits = BigInt(hash.bits);
  let x = bits & ODD;
  const y = bits & EVEN;
  const shift = BigInt(64 - hash.step * 2);
  const zz = EVEN >> shift;
  if (d > 0) {
    x = (x + (zz + 1n)) & U64;
  } else {
    x = x | zz;
    x = (x - (zz + 1n)) & U64;
  }
  x &= ODD >> shift;
  return { bits: Number(x | y), step: hash.step };
}

function moveY(hash: GeoHashBits, d: number): GeoHashBits {
  if (d === 0) return hash;
  const bits = BigInt(hash.bits);
  const x = bits & ODD;
  let y = bits & EVEN;
  const shift = BigInt(64 - hash.step * 2);
  const zz = ODD >> shift;
  if (d > 0) {
    y = (y + (zz + 1n)) & U64;
  } else {
    y = y | zz;
    y = (y - (zz + 1n)) & U64;
  }
  y &= EVEN >> shift;
  return { bits: Number(x | y), step: hash.step };
}

const ZERO: GeoHashBits = { bits: 0, step: 0 };

/** True for a zeroed (excluded) neighbour (HASHISZERO). */
export function hashIsZero(h: GeoHashBits): boolean {
  return h.bits === 0 && h.step === 0;
}

// ---------------------------------------------------------------------------
// Distances.

/** geohashGetLatDistance: distance along a meridian. */
export function geohashGetLatDistance(lat1d: number, lat2d: number): number {
  return EARTH_RADIUS_IN_METERS * Math.abs(degRad(lat2d) - degRad(lat1d));
}

/** geohashGetDistance: haversine great-circle distance in meters. */
export function geohashGetDistance(
  lon1d: number,
  lat1d: number,
  lon2d: number,
  lat2d: number,
): number {
  const lon1r = degRad(lon1d);
  const lon2r = degRad(lon2d);
  const v = Math.sin((lon2r - lon1r) / 2);
  // Same longitude: the haversine reduces to the latitude difference.
  if (v === 0.0) return geohashGetLatDistance(lat1d, lat2d);
  const lat1r = degRad(lat1d);
  const lat2r = degRad(lat2d);
  const u = Math.sin((lat2r - lat1r) / 2);
  const a = u * u + Math.cos(lat1r) * Math.cos(lat2r) * v * v;
  return 2.0 * EARTH_RADIUS_IN_METERS * Math.asin(Math.sqrt(a));
}

/**
 * geohashGetDistanceIfInRectangle: the distance from the box center (x1, y1)
 * to (x2, y2), or null when the point is outside the width x height box (m).
 */
export function distanceIfInRectangle(
  widthM: number,
  heightM: number,
  x1: number,
  y1: number,
  x2: number,
  y2: number,
): number | null {
  const latDistance = geohashGetLatDistance(y2, y1);
  if (latDistance > heightM / 2) return null;
  const lonDistance = geohashGetDistance(x2, y2, x1, y2);
  if (lonDistance > widthM / 2) return null;
  return geohashGetDistance(x1, y1, x2, y2);
}

// ---------------------------------------------------------------------------
// Search areas (geohashCalculateAreasByShapeWGS84).

/** geohashEstimateStepsByRadius: cell precision for a search of `rangeMeters` at `lat`. */
export function geohashEstimateStepsByRadius(rangeMeters: number, lat: number): number {
  if (rangeMeters === 0) return 26;
  let step = 1;
  while (rangeMeters < MERCATOR_MAX) {
    rangeMeters *= 2;
    step++;
  }
  step -= 2;
  // Wider cells towards the poles.
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > 26) step = 26;
  return step;
}

/** geohashBoundingBox: [minLon, minLat, maxLon, maxLat] of the shape. */
export function geohashBoundingBox(shape: GeoShape): [number, number, number, number] {
  const { lon, lat } = shape;
  const height = shape.conversion * (shape.type === "circle" ? shape.radius : shape.height / 2);
  const width = shape.conversion * (shape.type === "circle" ? shape.radius : shape.width / 2);
  const latDelta = radDeg(height / EARTH_RADIUS_IN_METERS);
  const longDeltaTop = radDeg(width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(lat + latDelta)));
  const longDeltaBottom = radDeg(
    width / EARTH_RADIUS_IN_METERS / Math.cos(degRad(lat - latDelta)),
  );
  // The box is widest on the side nearer the equator.
  const southern = lat < 0;
  return [
    southern ? lon - longDeltaBottom : lon - longDeltaTop,
    lat - latDelta,
    southern ? lon + longDeltaBottom : lon + longDeltaTop,
    lat + latDelta,
  ];
}

/**
 * geohashCalculateAreasByShapeWGS84: the center cell and 8 neighbours that
 * cover the shape, at a step estimated from its radius (or half diagonal),
 * one step coarser when a neighbour falls short of the bounding box, with
 * neighbours outside the box zeroed.
 */
export function geohashCalculateAreasByShape(shape: GeoShape): GeoHashRadius {
  const [minLon, minLat, maxLon, maxLat] = geohashBoundingBox(shape);
  const { lon, lat } = shape;
  let radiusMeters = shape.type === "circle"
    ? shape.radius
    : Math.sqrt((shape.width / 2) * (shape.width / 2) + (shape.height / 2) * (shape.height / 2));
  radiusMeters *= shape.conversion;

  let steps = geohashEstimateStepsByRadius(radiusMeters, lat);
  let hash = geohashEncodeWGS84(lon, lat, steps) ?? { bits: 0, step: steps };
  let n = neighbors(hash);
  let area = geohashDecode(hash);

  // Coarser cells when a neighbour doesn't reach the edge of the bounding box.
  let decreaseStep = false;
  if (geohashDecode(n.north).latMax < maxLat) decreaseStep = true;
  if (geohashDecode(n.south).latMin > minLat) decreaseStep = true;
  if (geohashDecode(n.east).longMax < maxLon) decreaseStep = true;
  if (geohashDecode(n.west).longMin > minLon) decreaseStep = true;
  if (steps > 1 && decreaseStep) {
    steps--;
    hash = geohashEncodeWGS84(lon, lat, steps) ?? { bits: 0, step: steps };
    n = neighbors(hash);
    area = geohashDecode(hash);
  }

  if (steps >= 2) {
    if (area.latMin < minLat) {
      n.south = ZERO;
      n.southWest = ZERO;
      n.southEast = ZERO;
    }
    if (area.latMax > maxLat) {
      n.north = ZERO;
      n.northEast = ZERO;
      n.northWest = ZERO;
    }
    if (area.longMin < minLon) {
      n.west = ZERO;
      n.southWest = ZERO;
      n.northWest = ZERO;
    }
    if (area.longMax > maxLon) {
      n.east = ZERO;
      n.southEast = ZERO;
      n.northEast = ZERO;
    }
  }
  return { hash, area, ...n };
}

/** geohashNeighbors. */
function neighbors(hash: GeoHashBits): Omit<GeoHashRadius, "hash" | "area"> {
  return {
    east: moveX(hash, 1),
    west: moveX(hash, -1),
    south: moveY(hash, -1),
    north: moveY(hash, 1),
    northWest: moveY(moveX(hash, -1), 1),
    northEast: moveY(moveX(hash, 1), 1),
    southEast: moveY(moveX(hash, 1), -1),
    southWest: moveY(moveX(hash, -1), -1),
  };
}

/**
 * scoresOfGeoHashBox: the score interval [min, max) holding every point of the
 * cell.
 */
export function scoresOfGeoHashBox(hash: GeoHashBits): [number, number] {
  const min = geohashAlign52Bits(hash);
  const max = geohashAlign52Bits({ bits: hash.bits + 1, step: hash.step });
  return [min, max];
}

/** The 9 cells to search, in Redis's order: center, N, S, E, W, NE, NW, SE, SW. */
export function searchCells(r: GeoHashRadius): GeoHashBits[] {
  return [
    r.hash,
    r.north,
    r.south,
    r.east,
    r.west,
    r.northEast,
    r.northWest,
    r.southEast,
    r.southWest,
  ];
}
