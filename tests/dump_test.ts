/**
 * DUMP: payloads (RDB version 10 + CRC-64) that redis-server 7.0 and valkey
 * RESTORE with identical contents, for every type and encoding; DEBUG OBJECT
 * serializedlength from the writer.
 */

import assert from "node:assert/strict";
import { startServer } from "../mod.ts";
import { binaryToBytes, RawClient, runsWith, tempDir } from "./helpers.ts";
import { HAS_VALKEY } from "./reference.ts";
import { datasetCommands, keysByDb, withBinaryOn } from "./rdb_dataset.ts";
import { crc64 } from "../src/persistence/crc64.ts";

/** The bulk payload of a DUMP reply. */
function bulkBytes(raw: string): Uint8Array {
  assert.ok(raw.startsWith("$"), raw);
  const nl = raw.indexOf("\r\n");
  const n = Number(raw.slice(1, nl));
  return binaryToBytes(raw.slice(nl + 2, nl + 2 + n));
}

async function restoreEverywhere(bin: string, zsetsByContent: boolean): Promise<void> {
  const [dir, cleanup] = await tempDir();
  const srv = await startServer({ dir, "enable-debug-command": "yes" });
  try {
    for (const cmd of datasetCommands()) srv.exec(...cmd);
    const ours = await RawClient.connect(srv.port);
    const keys = (await keysByDb(ours)).get(0)!;
    await withBinaryOn(bin, dir, async (ref) => {
      for (const k of keys) {
        const key = binaryToBytes(k);
        const payload = bulkBytes(await ours.call("DUMP", key));
        // Footer: RDB version 10, then the CRC-64 of everything before it.
        assert.deepEqual([...payload.subarray(payload.length - 10, payload.length - 8)], [10, 0]);
        const crc = new DataView(payload.buffer, payload.byteOffset + payload.length - 8)
          .getBigUint64(0, true);
        assert.equal(crc, crc64(payload.subarray(0, payload.length - 8)));
        // The TTL goes along as an absolute one, so digests (expire mark included) compare.
        const at = (await ours.call("PEXPIRETIME", key)).slice(1, -2);
        const ttl = Number(at) > 0 ? [at, payload, "ABSTTL"] : ["0", payload];
        assert.equal(await ref.call("RESTORE", key, ...ttl), "+OK\r\n", k);
        const type = await ours.call("TYPE", key);
        assert.equal(await ref.call("TYPE", key), type, k);
        if (zsetsByContent && type === "+zset\r\n") {
          const norm = (s: string) =>
            s.split("\r\n").filter((x) => !/^\$\d+$/.test(x))
              .map((x) => (/^-?[\d.e+-]+$|inf/.test(x) ? String(Number(x)) : x));
          assert.deepEqual(
            norm(await ref.call("ZRANGE", key, "0", "-1", "WITHSCORES")),
            norm(await ours.call("ZRANGE", key, "0", "-1", "WITHSCORES")),
            k,
          );
        } else {
          assert.equal(
            await ref.call("DEBUG", "DIGEST-VALUE", key),
            await ours.call("DEBUG", "DIGEST-VALUE", key),
            k,
          );
        }
      }
      assert.equal(await ours.call("DUMP", "no such key"), "$-1\r\n");
    });
    ours.close();
  } finally {
    await srv.close();
    await cleanup();
  }
}

Deno.test({
  name: "dump: valkey RESTOREs our payloads with identical contents",
  ignore: !HAS_VALKEY,
  fn: () => restoreEverywhere("valkey-server", false),
});

Deno.test({
  name: "dump: redis-server 7.0 RESTOREs our payloads (version 10) with identical contents",
  ignore: !runsWith("redis-server"),
  fn: () => restoreEverywhere("redis-server", true),
});

Deno.test({
  name: "dump: DEBUG OBJECT serializedlength is the written size, as valkey reports it",
  ignore: !HAS_VALKEY,
  async fn() {
    const [dir, cleanup] = await tempDir();
    const srv = await startServer({ dir, "enable-debug-command": "yes" });
    try {
      await withBinaryOn("valkey-server", dir, async (ref) => {
        const ours = await RawClient.connect(srv.port);
        const cmds = [
          ["SET", "s", "12345"],
          ["SET", "s2", "hello world"],
          ["RPUSH", "l", "a", "b", "1", "2"],
          ["SADD", "si", "1", "2", "3"],
          ["SADD", "sl", "a", "b"],
          ["HSET", "h", "f", "v", "g", "1"],
          ["ZADD", "z", "1", "a", "2.5", "b"],
        ];
        for (const cmd of cmds) {
          await ours.call(...cmd);
          await ref.call(...cmd);
        }
        const len = (s: string) => /serializedlength:(\d+)/.exec(s)?.[1];
        for (const k of ["s", "s2", "l", "si", "sl", "h", "z"]) {
          const a = await ours.call("DEBUG", "OBJECT", k);
          const b = await ref.call("DEBUG", "OBJECT", k);
          assert.ok(len(a) !== undefined, a);
          assert.equal(len(a), len(b), k);
        }
        ours.close();
      });
    } finally {
      await srv.close();
      await cleanup();
    }
  },
});
