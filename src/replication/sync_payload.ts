/**
 * The two seams between replication and the RDB format: what a full resync
 * ships to a replica (`fullSyncPayload`) and what a replica does with the RDB
 * it receives (`loadSyncPayload`). Until the RDB writer and reader are plugged
 * in here, both handle only an empty dataset: the master sends a minimal valid
 * RDB (header, aux fields, EOF, CRC64) and refuses the sync while keys exist;
 * the replica accepts an RDB without keys and refuses any other.
 */

import { Crc64 } from "../persistence/crc64.ts";
import type { Server } from "../server/server.ts";
import { REDIS_VERSION } from "../version.ts";

/** Replication info saved in the RDB's aux fields (rdbSaveInfo). */
export interface SyncInfo {
  replid: string;
  offset: number;
  /** The db the stream that follows is in (repl-stream-db). */
  streamDb: number;
  /** REPLCONF rdb-filter-only without data: the RDB holds no keys whatever the dataset. */
  excludeData: boolean;
}

const RDB_OPCODE_FUNCTION2 = 245;
const RDB_OPCODE_MODULE_AUX = 247;
const RDB_OPCODE_IDLE = 248;
const RDB_OPCODE_FREQ = 249;
const RDB_OPCODE_AUX = 250;
const RDB_OPCODE_RESIZEDB = 251;
const RDB_OPCODE_SELECTDB = 254;
const RDB_OPCODE_EOF = 255;

/**
 * The RDB a full resync sends, or null (logged) when it cannot be produced:
 * the replica is then refused.
 */
export function fullSyncPayload(server: Server, info: SyncInfo): Uint8Array | null {
  if (!info.excludeData && server.keyspace.totalKeys() > 0) {
    server.log.warning(
      "Can't ship the dataset to the replica: the RDB writer is not plugged into " +
        "src/replication/sync_payload.ts yet (only an empty dataset can be synced)",
    );
    return null;
  }
  const out: number[] = [];
  const str = (s: string) => {
    // Lengths below 64 (6-bit) and 16384 (14-bit) are all aux values need.
    if (s.length < 64) out.push(s.length);
    else out.push(0x40 | (s.length >> 8), s.length & 0xff);
    for (let i = 0; i < s.length; i++) out.push(s.charCodeAt(i));
  };
  const aux = (k: string, v: string) => {
    out.push(RDB_OPCODE_AUX);
    str(k);
    str(v);
  };
  for (const ch of "REDIS0010") out.push(ch.charCodeAt(0));
  aux("redis-ver", REDIS_VERSION);
  aux("redis-bits", "64");
  aux("ctime", String(Math.floor(Date.now() / 1000)));
  aux("used-mem", String(Deno.memoryUsage().heapUsed));
  aux("repl-stream-db", String(info.streamDb));
  aux("repl-id", info.replid);
  aux("repl-offset", String(info.offset));
  aux("aof-base", "0");
  out.push(RDB_OPCODE_EOF);
  const body = Uint8Array.from(out);
  const crc = new Crc64().update(body).digest();
  const rdb = new Uint8Array(body.length + 8);
  rdb.set(body);
  rdb.set(crc, body.length);
  return rdb;
}

/**
 * Loads the RDB a replica received into the (already emptied) dataset;
 * returns false (logged) when it cannot.
 */
export function loadSyncPayload(server: Server, rdb: Uint8Array): boolean {
  const err = checkEmptyRdb(rdb);
  if (err === null) return true;
  server.log.warning(`Failed trying to load the MASTER synchronization DB from socket: ${err}`);
  return false;
}

/** Walks an RDB that must hold no keys: null when it is valid and empty, else why not. */
function checkEmptyRdb(rdb: Uint8Array): string | null {
  if (rdb.length < 9 || String.fromCharCode(...rdb.subarray(0, 5)) !== "REDIS") {
    return "Wrong signature trying to load DB from file";
  }
  let p = 9;
  const need = (n: number) => {
    if (p + n > rdb.length) throw new Error("Short read or OOM loading DB. Unrecoverable error");
  };
  const len = (): number => {
    need(1);
    const b = rdb[p++];
    switch (b >> 6) {
      case 0:
        return b & 0x3f;
      case 1:
        need(1);
        return ((b & 0x3f) << 8) | rdb[p++];
      case 2: {
        const n = b === 0x80 ? 4 : 8;
        need(n);
        let v = 0;
        for (let i = 0; i < n; i++) v = v * 256 + rdb[p++];
        return v;
      }
      default:
        return -1 - (b & 0x3f); // special string encoding
    }
  };
  const skipString = () => {
    const l = len();
    if (l >= 0) return need(l), void (p += l);
    const enc = -1 - l;
    if (enc === 0) return need(1), void (p += 1);
    if (enc === 1) return need(2), void (p += 2);
    if (enc === 2) return need(4), void (p += 4);
    if (enc === 3) { // LZF: compressed length, original length, bytes
      const clen = len();
      len();
      need(clen);
      p += clen;
      return;
    }
    throw new Error(`Unknown RDB string encoding type ${enc}`);
  };
  try {
    while (true) {
      need(1);
      const op = rdb[p++];
      if (op === RDB_OPCODE_AUX) {
        skipString();
        skipString();
      } else if (op === RDB_OPCODE_SELECTDB) {
        len();
      } else if (op === RDB_OPCODE_RESIZEDB) {
        len();
        len();
      } else if (op === RDB_OPCODE_EOF) {
        break;
      } else if (
        op === RDB_OPCODE_FUNCTION2 || op === RDB_OPCODE_MODULE_AUX || op === RDB_OPCODE_IDLE ||
        op === RDB_OPCODE_FREQ
      ) {
        return `the RDB holds opcode ${op}, which needs the RDB reader (not plugged into ` +
          "src/replication/sync_payload.ts yet)";
      } else {
        return "the RDB holds keys; the RDB reader is not plugged into " +
          "src/replication/sync_payload.ts yet (only an empty dataset can be loaded)";
      }
    }
  } catch (e) {
    return (e as Error).message;
  }
  const version = Number(String.fromCharCode(...rdb.subarray(5, 9)));
  if (version >= 5) {
    if (p + 8 > rdb.length) return "Short read or OOM loading DB. Unrecoverable error";
    const zero = rdb.subarray(p, p + 8).every((b) => b === 0);
    if (!zero && !new Crc64().update(rdb, 0, p).matches(rdb, p)) {
      return "Wrong RDB checksum. Aborting now.";
    }
  }
  return null;
}
