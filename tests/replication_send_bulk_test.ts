/**
 * A disk-based full resync's replica is `send_bulk` while its RDB is being
 * written to it and goes online (counted, logged as synchronized) only once
 * the whole RDB is written (sendBulkToSlave, putSlaveOnline). Compared with
 * valkey-server, with a replica that does not read its RDB at first; and the
 * log lines of a finished diskless transfer.
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

/**
 * A master of `binary` with a replica of its kind: the master's log lines about the finished
 * transfer, in order, read before the replica goes (Redis logs them when it sees the transfer
 * end, which may come after the replica says its link is up).
 */
async function transferLog(binary: string | null, args: string[]): Promise<string[]> {
  const p = await spawnServer(args, binary);
  try {
    const c = await RawClient.connect(p.port);
    const r = await spawnServer(["--replicaof", "127.0.0.1", String(p.port)], binary);
    try {
      assert.equal(await c.call("SET", "k", "v"), "+OK\r\n");
      const pattern = /(Streamed RDB transfer|Synchronization with replica)/;
      let lines: string[] = [];
      await waitUntil(
        async () => {
          lines = (await Deno.readTextFile(`${p.dir}/log`)).split("\n")
            .filter((l) => pattern.test(l))
            .map((l) =>
              l.replace(/^.*? [*#] /, "").replace(
                /127\.0\.0\.1:(\d+|<unknown-replica-port>)/,
                "<replica>",
              )
            );
          return lines.length >= 2;
        },
        "the transfer's log lines",
        { timeoutMs: 20_000, intervalMs: 10 },
      );
      return lines;
    } finally {
      c.close();
      await stopSpawned(r);
    }
  } finally {
    await stopSpawned(p);
  }
}

Deno.test({
  name: "full resync (diskless): the log lines of a finished transfer, as valkey's",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const diskless = ["--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"];
    const ours = await transferLog(null, diskless);
    assert.deepEqual(ours, [
      "Streamed RDB transfer with replica <replica> succeeded (socket). Waiting for REPLCONF ACK from replica to enable streaming",
      "Synchronization with replica <replica> succeeded",
    ]);
    if (HAS_VALKEY) assert.deepEqual(await transferLog("valkey-server", diskless), ours);
  },
});
