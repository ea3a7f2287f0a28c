/**
 * DEBUG DIGEST / DIGEST-VALUE: Redis's dataset digest (debug.c), so the same
 * dataset gives the same 40 hex digits here and on redis-server.
 *
 * xorDigest(d, x): d ^= SHA1(x) (order-free, for set and hash elements and
 * keys); mixDigest(d, x): d = SHA1(d ^ SHA1(x)) (ordered, for list elements
 * and the parts of one element). A key's digest mixes its name, its type as a
 * big-endian uint32, its value, and xors "!!expire!!" when it has a TTL; the
 * dataset digest mixes each non-empty db's index and xors its keys' digests.
 * Sorted-set scores go in as fpconv_dtoa text, stream entries as "ms.seq"
 * followed by their fields and values.
 *
 * @module
 */

import type { Db, Keyspace } from "../store/keyspace.ts";
import type { RedisValue } from "../store/types.ts";
import { RedisList } from "../store/list.ts";
import { RedisHash } from "../store/hash.ts";
import { RedisSet } from "../store/set.ts";
import { SortedSet } from "../store/zset.ts";
import { idText, maxId, RedisStream, zeroId } from "../store/stream.ts";
import { fpconvDtoa } from "../util/fpconv.ts";
import { binaryToBytes } from "../util/bytes.ts";
import { sha1Into } from "../util/sha1.ts";

/** OBJ_* type numbers, as mixed into a key's digest. */
const OBJ_STRING = 0, OBJ_LIST = 1, OBJ_SET = 2, OBJ_ZSET = 3, OBJ_HASH = 4, OBJ_STREAM = 6;

const EXPIRE_MARK = binaryToBytes("!!expire!!");

const scratch = new Uint8Array(20);

function xorDigest(digest: Uint8Array, data: Uint8Array): void {
  sha1Into(data, scratch);
  for (let j = 0; j < 20; j++) digest[j] ^= scratch[j];
}

function mixDigest(digest: Uint8Array, data: Uint8Array): void {
  xorDigest(digest, data);
  sha1Into(digest, digest);
}

function asBytes(x: string | Uint8Array): Uint8Array {
  return typeof x === "string" ? binaryToBytes(x) : x;
}

function typeWord(t: number): Uint8Array {
  return new Uint8Array([t >>> 24, (t >>> 16) & 0xff, (t >>> 8) & 0xff, t & 0xff]);
}

/** xorObjectDigest: mixes the value (and the expire mark) into `digest`. */
export function xorObjectDigest(digest: Uint8Array, v: RedisValue, hasExpire: boolean): void {
  if (v instanceof Uint8Array) {
    mixDigest(digest, typeWord(OBJ_STRING));
    mixDigest(digest, v);
  } else if (v instanceof RedisList) {
    mixDigest(digest, typeWord(OBJ_LIST));
    v.forEach((e) => mixDigest(digest, e));
  } else if (v instanceof RedisSet) {
    mixDigest(digest, typeWord(OBJ_SET));
    v.forEach((m) => xorDigest(digest, asBytes(m)));
  } else if (v instanceof SortedSet) {
    mixDigest(digest, typeWord(OBJ_ZSET));
    const ele = new Uint8Array(20);
    v.forEach((m, score) => {
      ele.fill(0);
      mixDigest(ele, asBytes(m));
      mixDigest(ele, binaryToBytes(fpconvDtoa(score)));
      xorDigest(digest, ele);
    });
  } else if (v instanceof RedisHash) {
    mixDigest(digest, typeWord(OBJ_HASH));
    const ele = new Uint8Array(20);
    v.forEach((f, val) => {
      ele.fill(0);
      mixDigest(ele, asBytes(f));
      mixDigest(ele, val);
      xorDigest(digest, ele);
    });
  } else if (v instanceof RedisStream) {
    mixDigest(digest, typeWord(OBJ_STREAM));
    v.range(zeroId(), maxId(), false, 0, (id, fields) => {
      mixDigest(digest, binaryToBytes(idText(id).replace("-", ".")));
      for (const f of fields) mixDigest(digest, f);
      return true;
    });
  } else {
    throw new Error("unknown object type");
  }
  if (hasExpire) xorDigest(digest, EXPIRE_MARK);
}

function hex(d: Uint8Array): string {
  let s = "";
  for (const b of d) s += b.toString(16).padStart(2, "0");
  return s;
}

/** DEBUG DIGEST-VALUE of one key: 40 hex digits (zeros for a missing key). */
export function keyValueDigest(db: Db, key: string): string {
  const d = new Uint8Array(20);
  // A plain dict lookup: logically expired keys count too.
  const e = db.peek(key);
  if (e !== undefined) xorObjectDigest(d, e.value, e.expireAt !== -1);
  return hex(d);
}

/** computeDatasetDigest: 40 hex digits, all zeros for an empty dataset. */
export function datasetDigest(ks: Keyspace): string {
  const final = new Uint8Array(20);
  const d = new Uint8Array(20);
  for (const db of ks.dbs) {
    if (db.size === 0) continue;
    mixDigest(final, typeWord(db.id));
    for (const e of db.entries()) {
      d.fill(0);
      mixDigest(d, binaryToBytes(e.key));
      xorObjectDigest(d, e.value, e.expireAt !== -1);
      xorDigest(final, d);
    }
  }
  return hex(final);
}
