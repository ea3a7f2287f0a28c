// The clocks read per batch of pipelined commands (src/server/command_timer.ts,
// docs/architecture.md "Clock reads per batch"): slow commands inside a batch are
// still logged with their own time, the command time moves on after them, and
// INFO commandstats counts every call.

import assert from "node:assert/strict";
import { cmd, encodeCommand, RawClient, withClient } from "./helpers.ts";

function concat(parts: Uint8Array[]): Uint8Array {
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    all.set(p, off);
    off += p.length;
  }
  return all;
}

/** Sends `commands` in one write and reads their replies. */
async function pipeline(c: RawClient, commands: string[][]): Promise<string[]> {
  await c.write(concat(commands.map((a) => encodeCommand(a))));
  const replies: string[] = [];
  for (let i = 0; i < commands.length; i++) replies.push(await c.readRaw());
  return replies;
}

/** The slowlog's entries (newest first) as [duration, args], the SLOWLOG commands left out. */
async function slowlog(c: RawClient): Promise<[number, string[]][]> {
  const entries = (await cmd(c, "SLOWLOG", "GET", "-1")) as unknown[][];
  return entries
    .map((e) => [e[2] as number, e[3] as string[]] as [number, string[]])
    .filter(([, args]) => args[0] !== "SLOWLOG");
}

/** calls= of a command in INFO commandstats. */
async function calls(c: RawClient, name: string): Promise<number> {
  const info = (await cmd(c, "INFO", "commandstats")) as string;
  const m = info.match(new RegExp(`cmdstat_${name}:calls=(\\d+),usec=(\\d+),`));
  return m ? Number(m[1]) : 0;
}

const PINGS = Array.from({ length: 20 }, () => ["PING"]);

Deno.test("batch clock: a slow command in a pipeline is logged with its own time, the light ones around it are not", async () => {
  await withClient({ "enable-debug-command": "yes" }, async (c) => {
    assert.equal(await c.call("CONFIG", "SET", "slowlog-log-slower-than", "10000"), "+OK\r\n");
    assert.equal(await c.call("SLOWLOG", "RESET"), "+OK\r\n");
    const replies = await pipeline(c, [...PINGS, ["DEBUG", "SLEEP", "0.03"], ...PINGS]);
    assert.equal(replies.filter((r) => r === "+PONG\r\n").length, 40);
    assert.equal(replies[20], "+OK\r\n");
    const entries = await slowlog(c);
    assert.deepEqual(entries.map(([, args]) => args), [["DEBUG", "SLEEP", "0.03"]]);
    assert.ok(entries[0][0] >= 30000, `DEBUG SLEEP 0.03 logged with ${entries[0][0]} us`);
    assert.equal(await calls(c, "ping"), 40);
    assert.equal(await calls(c, "debug"), 1);
  });
});

Deno.test("batch clock: a light command with a large reply ends its segment and is logged with its time", async () => {
  await withClient({}, async (c) => {
    // 48 MB: copying it into the reply takes milliseconds on any machine.
    const size = 48 * 1024 * 1024;
    assert.equal(await c.call("SETRANGE", "big", String(size - 1), "x"), `:${size}\r\n`);
    assert.equal(await c.call("CONFIG", "SET", "slowlog-log-slower-than", "1000"), "+OK\r\n");
    assert.equal(await c.call("SLOWLOG", "RESET"), "+OK\r\n");
    const commands = [["PING"], ["PING"], ["GET", "big"], ["PING"], ["PING"]];
    await c.write(concat(commands.map((a) => encodeCommand(a))));
    // The replies' bytes, counted as they arrive (not kept: 48 MB).
    const expected = 4 * "+PONG\r\n".length + `$${size}\r\n`.length + size + 2;
    const chunk = new Uint8Array(1 << 20);
    let got = 0;
    while (got < expected) {
      const n = await c.conn.read(chunk);
      assert.notEqual(n, null);
      got += n!;
    }
    assert.equal(got, expected);
    const entries = await slowlog(c);
    assert.deepEqual(entries.map(([, args]) => args), [["GET", "big"]]);
    assert.ok(entries[0][0] >= 1000);
  });
});

Deno.test("batch clock: with slowlog-log-slower-than 0 every pipelined command is logged", async () => {
  await withClient({}, async (c) => {
    assert.equal(await c.call("CONFIG", "SET", "slowlog-log-slower-than", "0"), "+OK\r\n");
    assert.equal(await c.call("SLOWLOG", "RESET"), "+OK\r\n");
    await pipeline(c, [["PING"], ["SET", "k", "v"], ["GET", "k"], ["INCR", "n"], ["PING"]]);
    const entries = await slowlog(c);
    assert.deepEqual(entries.map(([, args]) => args), [
      ["PING"],
      ["INCR", "n"],
      ["GET", "k"],
      ["SET", "k", "v"],
      ["PING"],
    ]);
    for (const [usec] of entries) assert.ok(usec >= 0);
  });
});

Deno.test("batch clock: the command time moves on within a batch after a slow command", async () => {
  await withClient({ "enable-debug-command": "yes" }, async (c) => {
    const replies = await pipeline(c, [
      ["SET", "k", "v", "PX", "10"],
      ["GET", "k"],
      ["DEBUG", "SLEEP", "0.05"],
      ["GET", "k"],
      ["EXISTS", "k"],
    ]);
    assert.deepEqual(replies, ["+OK\r\n", "$1\r\nv\r\n", "+OK\r\n", "$-1\r\n", ":0\r\n"]);
  });
});

Deno.test("batch clock: INFO commandstats counts every call of a long pipeline", async () => {
  await withClient({}, async (c) => {
    const commands: string[][] = [];
    for (let i = 0; i < 1000; i++) {
      commands.push(i % 2 === 0 ? ["SET", `k${i}`, "v"] : ["GET", `k${i - 1}`]);
    }
    const replies = await pipeline(c, commands);
    assert.equal(replies.filter((r) => r === "+OK\r\n").length, 500);
    assert.equal(replies.filter((r) => r === "$1\r\nv\r\n").length, 500);
    assert.equal(await calls(c, "set"), 500);
    assert.equal(await calls(c, "get"), 500);
  });
});
