/**
 * REPLCONF rdb-filter-only (redis-cli --functions-rdb and --replica): the RDB
 * of a filtered full resync holds no keys, holds the function libraries only
 * when "functions" is asked for, and is sent in the EOF-marker form whatever
 * repl-diskless-sync says (the filtered replica said capa eof). Compared with
 * valkey-server.
 */

import assert from "node:assert/strict";
import { encodeCommand, RawClient, spawnServer, stopSpawned } from "./helpers.ts";
import { HAS_VALKEY } from "./reference.ts";
import { bytesToBinary } from "../src/util/bytes.ts";

const LIB = "#!lua name=filterlib\nredis.register_function('f', function() return 1 end)";

/** What a filtered full resync from `port` sends: the RDB's form and what it holds. */
async function filteredSync(port: number, filter: string): Promise<Record<string, unknown>> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  let buf = "";
  const fill = async () => {
    const chunk = new Uint8Array(64 * 1024);
    const n = await conn.read(chunk);
    if (n === null) throw new Error("the master closed the connection");
    buf += bytesToBinary(chunk.subarray(0, n));
  };
  const line = async () => {
    while (!buf.includes("\r\n")) await fill();
    const i = buf.indexOf("\r\n");
    const l = buf.slice(0, i);
    buf = buf.slice(i + 2);
    return l;
  };
  try {
    await conn.write(encodeCommand(["REPLCONF", "capa", "eof"]));
    assert.equal(await line(), "+OK");
    await conn.write(encodeCommand(["REPLCONF", "rdb-filter-only", filter]));
    assert.equal(await line(), "+OK");
    await conn.write(encodeCommand(["PSYNC", "?", "-1"]));
    assert.match(await line(), /^\+FULLRESYNC /);
    let header = await line();
    header = header.replace(/^\n+/, ""); // keep-alive newlines while the RDB is made
    let rdb: string;
    let form: string;
    if (header.startsWith("$EOF:")) {
      form = "EOF";
      const mark = header.slice(5);
      while (!buf.includes(mark)) await fill();
      rdb = buf.slice(0, buf.indexOf(mark));
    } else {
      form = "len";
      const len = Number(header.slice(1));
      while (buf.length < len) await fill();
      rdb = buf.slice(0, len);
    }
    return { form, functions: rdb.includes("filterlib"), keys: rdb.includes("filterkey") };
  } finally {
    conn.close();
  }
}

async function observe(binary: string | null): Promise<Record<string, unknown>[]> {
  const p = await spawnServer(["--repl-diskless-sync", "no"], binary);
  try {
    const c = await RawClient.connect(p.port);
    try {
      assert.equal(await c.call("FUNCTION", "LOAD", LIB), "$9\r\nfilterlib\r\n");
      assert.equal(await c.call("SET", "filterkey", "v"), "+OK\r\n");
    } finally {
      c.close();
    }
    return [await filteredSync(p.port, ""), await filteredSync(p.port, "functions")];
  } finally {
    await stopSpawned(p);
  }
}

Deno.test({
  name: "rdb-filter-only: no keys, functions only when asked for, EOF form with diskless off",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const ours = await observe(null);
    assert.deepEqual(ours, [
      { form: "EOF", functions: false, keys: false },
      { form: "EOF", functions: true, keys: false },
    ]);
    if (HAS_VALKEY) assert.deepEqual(await observe("valkey-server"), ours);
  },
});
