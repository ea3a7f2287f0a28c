/**
 * A disk-based full resync's replica is `send_bulk` while its RDB is being
 * written to it and goes online (counted, logged as synchronized) only once
 * the whole RDB is written (sendBulkToSlave, putSlaveOnline). Compared with
 * valkey-server, with a replica that does not read its RDB at first.
 */

import assert from "node:assert/strict";
import {
  encodeCommand,
  infoFields,
  RawClient,
  spawnServer,
  stopSpawned,
  waitUntil,
} from "./helpers.ts";
import { HAS_VALKEY } from "./reference.ts";

/** slave0's state on `c`. */
async function state(c: RawClient): Promise<string | undefined> {
  return /state=(\w+)/.exec((await infoFields(c, "replication")).get("slave0") ?? "")?.[1];
}

async function observe(binary: string | null): Promise<string[]> {
  const p = await spawnServer(["--repl-diskless-sync", "no"], binary);
  const seen: string[] = [];
  try {
    const c = await RawClient.connect(p.port);
    const big = "x".repeat(100_000);
    for (let i = 0; i < 300; i += 50) {
      const args: string[] = [];
      for (let j = i; j < i + 50; j++) args.push(`big:${j}`, big + j);
      assert.equal(await c.call("MSET", ...args), "+OK\r\n");
    }
    // 30 MB of RDB, more than the socket buffers hold (uncompressed: LZF would shrink the repeats).
    assert.equal(await c.call("CONFIG", "SET", "rdbcompression", "no"), "+OK\r\n");
    const r = await Deno.connect({ hostname: "127.0.0.1", port: p.port });
    try {
      await r.write(encodeCommand(["REPLCONF", "capa", "psync2"]));
      // PSYNC is refused while a reply is pending: read REPLCONF's +OK first.
      const ok = new Uint8Array(5);
      for (let got = 0; got < ok.length;) got += (await r.read(ok.subarray(got))) ?? 5;
      await r.write(encodeCommand(["PSYNC", "?", "-1"]));
      // Not reading: the RDB fills the socket buffers and the rest waits.
      await waitUntil(async () => (await state(c)) === "send_bulk", "send_bulk", {
        timeoutMs: 20_000,
        intervalMs: 10,
      });
      seen.push("send_bulk");
      const log = async () => await Deno.readTextFile(`${p.dir}/log`);
      seen.push(
        /Synchronization with replica .* succeeded/.test(await log()) ? "logged" : "not yet",
      );
      // Now read everything: the replica goes online.
      const sink = new Uint8Array(1 << 20);
      const reading = (async () => {
        try {
          while (await r.read(sink) !== null) { /* dropped */ }
        } catch { /* closed */ }
      })();
      await waitUntil(async () => (await state(c)) === "online", "online", {
        timeoutMs: 20_000,
        intervalMs: 10,
      });
      seen.push("online");
      await waitUntil(
        async () => /Synchronization with replica .* succeeded/.test(await log()),
        "the success log line",
        { timeoutMs: 10_000, intervalMs: 10 },
      );
      seen.push("logged");
      r.close();
      await reading;
    } finally {
      try {
        r.close();
      } catch { /* closed */ }
      c.close();
    }
    return seen;
  } finally {
    await stopSpawned(p);
  }
}

Deno.test({
  name: "full resync ($len): the replica is send_bulk until its RDB is written, then online",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const ours = await observe(null);
    assert.deepEqual(ours, ["send_bulk", "not yet", "online", "logged"]);
    if (HAS_VALKEY) assert.deepEqual(await observe("valkey-server"), ours);
  },
});
