/**
 * The master stages its replication stream and writes it at most once per
 * millisecond while writes keep coming (src/replication/master.ts): nothing
 * that observes the stream may see the delay. The offset counts a write at
 * once, INFO's backlog fields include it, WAIT does not wait for the timer,
 * and the replica applies every byte in order.
 */

import assert from "node:assert/strict";
import { concatBytes } from "../src/util/bytes.ts";
import { encodeCommand, infoFields, RawClient, waitUntil, withServer } from "./helpers.ts";

Deno.test("replication stream: a pipelined burst is counted, kept in the backlog and applied in order", async () => {
  await withServer({ "repl-diskless-sync-delay": 0 }, async (m) => {
    await withServer({ replicaof: `127.0.0.1 ${m.port}` }, async (r) => {
      const mc = await RawClient.connect(m.port);
      const rc = await RawClient.connect(r.port);
      try {
        await waitUntil(
          async () => (await infoFields(rc, "replication")).get("master_link_status") === "up",
          "link up",
          { timeoutMs: 10_000, intervalMs: 10 },
        );
        // 2,000 commands in one write: many batches, one flush interval or a few.
        const parts: Uint8Array[] = [];
        for (let i = 0; i < 2000; i++) {
          parts.push(encodeCommand(["INCR", "n"]), encodeCommand(["RPUSH", "l", String(i)]));
        }
        const before = m.server.repl.offset;
        await mc.write(concatBytes(parts));
        for (let i = 0; i < 4000; i++) await mc.readRaw();
        // Counted at once: 2,000 INCRs of 20 bytes, 2,000 RPUSHes of 27-30 bytes.
        assert.ok(m.server.repl.offset - before > 2000 * 47, "the offset counts every write");
        const info = await infoFields(mc, "replication");
        const offset = Number(info.get("master_repl_offset"));
        const first = Number(info.get("repl_backlog_first_byte_offset"));
        const histlen = Number(info.get("repl_backlog_histlen"));
        // Whatever INFO shows of the backlog ends at the offset: nothing is left staged.
        assert.equal(first + histlen - 1, offset);
        // WAIT's GETACK goes out at once, with the burst before it.
        assert.equal(await mc.call("WAIT", 1, 5000), ":1\r\n");
        assert.equal(await rc.call("GET", "n"), "$4\r\n2000\r\n");
        assert.equal(await rc.call("LLEN", "l"), ":2000\r\n");
        assert.equal(await rc.call("LINDEX", "l", -1), "$4\r\n1999\r\n");
        assert.equal(await rc.call("DEBUG", "DIGEST"), await mc.call("DEBUG", "DIGEST"));
      } finally {
        mc.close();
        rc.close();
      }
    });
  });
});
