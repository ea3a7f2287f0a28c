/**
 * RESTORE (cluster.c restoreCommand): creates a key from a DUMP payload, the
 * RDB encoding of one value followed by the 2-byte RDB version and the CRC64
 * of everything before it. Payloads from RDB versions up to 11 are accepted,
 * as Redis 7.2 does. The value is decoded by the RDB reader, which checks
 * every payload completely whatever sanitize-dump-payload says: a malformed
 * one is refused with "Bad data format" and leaves the keyspace untouched.
 *
 * @module
 */

import type { Client } from "../server/client.ts";
import type { CommandSpec } from "../server/command_table.ts";
import { keySpecAt } from "../server/command_table.ts";
import { Crc64 } from "../persistence/crc64.ts";
import { isRdbObjectType } from "../persistence/rdb_types.ts";
import { loadObject, RdbFormatError, RdbInput } from "../persistence/rdb_reader.ts";
import { loadLimits } from "../persistence/load.ts";
import { SYNTAX_ERR } from "../store/types.ts";
import { binaryToBytes } from "../util/bytes.ts";
import { getLongLong } from "./args.ts";
import { dbAdd, lookupKeyWrite } from "./keyspace.ts";

/** RDB_VERSION of Redis 7.2: the newest payload version RESTORE accepts. */
const RESTORE_MAX_RDB_VERSION = 11;

const DEL_ARG = binaryToBytes("DEL");
const UNLINK_ARG = binaryToBytes("UNLINK");
const ABSTTL_ARG = binaryToBytes("ABSTTL");

/**
 * verifyDumpPayload: at least the 10-byte footer, a version this server
 * reads, and a matching CRC64 (Redis 7.2 has no "no checksum" payloads).
 */
export function verifyDumpPayload(p: Uint8Array): boolean {
  const len = p.length;
  if (len < 10) return false;
  const ver = p[len - 10] | (p[len - 9] << 8);
  if (ver > RESTORE_MAX_RDB_VERSION) return false;
  return new Crc64().update(p, 0, len - 8).matches(p, len - 8);
}

function restoreCommand(c: Client): void {
  let replace = false;
  let absttl = false;
  let idle = -1n;
  let freq = -1n;
  for (let j = 4; j < c.argc; j++) {
    const more = c.argc - j - 1;
    const opt = c.lower(j);
    if (opt === "replace") {
      replace = true;
    } else if (opt === "absttl") {
      absttl = true;
    } else if (opt === "idletime" && more >= 1 && freq === -1n) {
      const v = getLongLong(c, j + 1);
      if (v === null) return;
      if (v < 0n) return c.reply.error("ERR Invalid IDLETIME value, must be >= 0");
      idle = v;
      j++;
    } else if (opt === "freq" && more >= 1 && idle === -1n) {
      const v = getLongLong(c, j + 1);
      if (v === null) return;
      if (v < 0n || v > 255n) {
        return c.reply.error("ERR Invalid FREQ value, must be >= 0 and <= 255");
      }
      freq = v;
      j++;
    } else {
      return c.reply.error(SYNTAX_ERR);
    }
  }
  const key = c.key(1);
  const old = lookupKeyWrite(c, key);
  if (!replace && old !== undefined) {
    return c.reply.error("BUSYKEY Target key name already exists.");
  }
  const ttlArg = getLongLong(c, 2);
  if (ttlArg === null) return;
  if (ttlArg < 0n) return c.reply.error("ERR Invalid TTL value, must be >= 0");
  const payload = c.argv[3];
  if (!verifyDumpPayload(payload)) {
    return c.reply.error("ERR DUMP payload version or checksum are wrong");
  }
  const server = c.server;
  const cfg = server.config;
  const inp = new RdbInput(payload, 0, payload.length - 10);
  let value;
  try {
    const type = inp.u8();
    value = isRdbObjectType(type) ? loadObject(inp, type, loadLimits(cfg)) : null;
  } catch (e) {
    if (!(e instanceof RdbFormatError)) throw e;
    value = null;
  }
  if (value === null) return c.reply.error("ERR Bad data format");

  const db = c.db;
  const deleted = replace && db.delete(key);
  const now = server.keyspace.now;
  // Absolute ms; a relative TTL counts from the command's time.
  let ttl = Number(ttlArg);
  if (ttl !== 0 && !absttl) ttl += now;
  // checkAlreadyExpired: a master (not loading) drops a key restored already expired.
  if (ttl !== 0 && ttl <= now && !server.isReplica()) {
    if (deleted) {
      c.rewriteArgv([cfg.lazyfreeLazyServerDel ? UNLINK_ARG : DEL_ARG, c.argv[1]]);
      c.modified(key, "generic", "del");
    }
    return c.reply.ok();
  }
  const e = dbAdd(c, db, key, value);
  if (ttl !== 0) {
    db.setExpire(e, ttl);
    // Propagated with the absolute time, so replicas and the AOF agree.
    if (!absttl) {
      c.rewriteArgv([
        ...c.argv.slice(0, 2),
        binaryToBytes(String(ttl)),
        ...c.argv.slice(3),
        ABSTTL_ARG,
      ]);
    }
  }
  // objectSetLRUOrLFU.
  if (cfg.maxmemoryPolicy.endsWith("-lfu")) {
    if (freq >= 0n) {
      e.lfu = Number(freq);
      e.lru = now;
    }
  } else if (idle >= 0n) {
    e.lru = now - Number(idle) * 1000;
  }
  c.modified(key, "generic", "restore");
  c.reply.ok();
}

/** RESTORE's row (and RESTORE-ASKING's, the cluster migration form). */
export const restoreCommands: CommandSpec[] = ["restore", "restore-asking"].map((name) => ({
  name,
  arity: -4,
  flags: name === "restore" ? ["write", "denyoom"] : ["write", "denyoom", "asking"],
  firstKey: 1,
  lastKey: 1,
  step: 1,
  group: name === "restore" ? "generic" : "server",
  since: name === "restore" ? "2.6.0" : "3.0.0",
  summary: name === "restore"
    ? "Creates a key from the serialized representation of a value."
    : "An internal command for migrating keys in a cluster.",
  complexity:
    "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).",
  aclCategories: name === "restore" ? ["dangerous"] : ["keyspace", "dangerous"],
  history: [
    ["3.0.0", "Added the `REPLACE` modifier."],
    ["5.0.0", "Added the `ABSTTL` modifier."],
    ["5.0.0", "Added the `IDLETIME` and `FREQ` options."],
  ],
  ...(name === "restore" ? {} : { docFlags: ["syscmd" as const] }),
  keySpecs: [keySpecAt(["OW", "update"], 1)],
  args: [
    { name: "key", type: "key", keySpecIndex: 0 },
    { name: "ttl", type: "integer" },
    { name: "serialized-value", type: "string" },
    { name: "replace", type: "pure-token", token: "REPLACE", since: "3.0.0", flags: ["optional"] },
    { name: "absttl", type: "pure-token", token: "ABSTTL", since: "5.0.0", flags: ["optional"] },
    { name: "seconds", type: "integer", token: "IDLETIME", since: "5.0.0", flags: ["optional"] },
    { name: "frequency", type: "integer", token: "FREQ", since: "5.0.0", flags: ["optional"] },
  ],
  handler: restoreCommand,
}));
