// Streams (src/store/stream.ts, src/commands/stream.ts): replies and error texts compared
// byte for byte with the reference, a random model-based run of XADD/XDEL/XTRIM/XRANGE against
// it (small nodes, so node splits and `~` trimming are exercised), propagation of the forms
// Redis rewrites, and XREAD BLOCK served through the shared blocking mechanism.

import assert from "node:assert/strict";
import { streamCommands } from "../src/commands/stream.ts";
import { idText, makeId, Pel, RedisStream, StreamConsumer } from "../src/store/stream.ts";
import { Redis } from "ioredis";
import { startServer } from "../mod.ts";
import { Clock } from "../src/server/clock.ts";
import {
  arr,
  bulk,
  captureKeyEvents,
  capturePropagation,
  RawClient,
  rng,
  waitBlocked,
  withClient,
  withConnections,
} from "./helpers.ts";
import {
  callBoth,
  expectReferenceRowsMatch,
  expectSameReply,
  HAS_REFERENCE,
  withOursAndReference,
  withReferenceClient,
} from "./reference.ts";

/** Commands whose replies do not depend on the clock. */
const DETERMINISTIC: string[][] = [
  ["XADD", "s", "1-1", "a", "1", "b", "2"],
  ["XADD", "s", "1-1", "a", "1"],
  ["XADD", "s", "0-0", "a", "1"],
  ["XADD", "s", "1-*", "a", "1"],
  ["XADD", "s", "2", "a", "1", "c", "3"],
  ["XADD", "s", "3-5", "a", "1", "b", "2"],
  ["XADD", "s", "MAXLEN", "~", "2", "4-0", "a", "1"],
  ["XADD", "s", "MINID", "2", "5-0", "a", "1"],
  ["XADD", "s", "MAXLEN", "2", "MINID", "2", "6-0", "a", "1"],
  ["XADD", "s", "LIMIT", "5", "6-0", "a", "1"],
  ["XADD", "s", "MAXLEN", "2", "LIMIT", "5", "6-0", "a", "1"],
  ["XADD", "s", "NOMKSTREAM", "7-0", "a"],
  ["XADD", "nokey", "NOMKSTREAM", "*", "a", "1"],
  ["XADD", "s", "abc", "a", "1"],
  ["XADD", "s", "+", "a", "1"],
  ["XADD", "s", "MAXLEN", "-1", "8-0", "a", "1"],
  ["XLEN", "s"],
  ["XLEN", "nokey"],
  ["XRANGE", "s", "-", "+"],
  ["XRANGE", "s", "(1-1", "+"],
  ["XRANGE", "s", "-", "(5"],
  ["XRANGE", "s", "2", "3"],
  ["XRANGE", "s", "-", "+", "COUNT", "1"],
  ["XRANGE", "s", "-", "+", "COUNT", "0"],
  ["XRANGE", "s", "-", "+", "COUNT", "-5"],
  ["XRANGE", "s", "-", "+", "FOO"],
  ["XRANGE", "s", "(-", "+"],
  ["XRANGE", "s", "-", "(+"],
  ["XRANGE", "s", "(18446744073709551615-18446744073709551615", "+"],
  ["XRANGE", "s", "-", "(0-0"],
  ["XREVRANGE", "s", "+", "-"],
  ["XREVRANGE", "s", "+", "-", "COUNT", "2"],
  ["XREVRANGE", "s", "(5", "-"],
  ["XRANGE", "nokey", "-", "+"],
  ["XRANGE", "s", "18446744073709551616", "+"],
  ["XRANGE", "s", " 1", "+"],
  ["XRANGE", "s", "+1", "+"],
  ["XRANGE", "s", "01-0", "+"],
  ["XDEL", "s", "1-1", "9-9"],
  ["XDEL", "s", "bad"],
  ["XDEL", "nokey", "1-1"],
  // The key's type and existence are checked before the IDs.
  ["XDEL", "nokey", "bad"],
  ["SET", "str", "x"],
  ["XDEL", "str", "bad"],
  ["DEL", "str"],
  ["XTRIM", "s", "MAXLEN", "1"],
  ["XTRIM", "s"],
  ["XTRIM", "s", "FOO", "1"],
  ["XTRIM", "s", "MAXLEN", "~", "0", "LIMIT", "3"],
  ["XTRIM", "s", "MINID", "0"],
  ["XTRIM", "s", "MAXLEN", "=", "0"],
  ["XLEN", "s"],
  ["XSETID", "s", "10-0"],
  ["XSETID", "nokey", "1-1"],
  ["XSETID", "s", "1-1"],
  ["XSETID", "s", "20-0", "ENTRIESADDED", "1", "MAXDELETEDID", "5"],
  ["XSETID", "s", "20-0", "ENTRIESADDED", "-1"],
  ["XSETID", "s", "20-0", "MAXDELETEDID", "30"],
  ["XSETID", "s", "20-0", "FOO"],
  ["XADD", "t", "18446744073709551615-18446744073709551615", "a", "1"],
  ["XADD", "t", "18446744073709551615-*", "a", "1"],
  ["XRANGE", "t", "-", "+"],
  ["SET", "str", "x"],
  ["XADD", "str", "*", "a", "1"],
  ["XRANGE", "str", "-", "+"],
  ["XLEN", "str"],
  ["XREAD", "STREAMS", "t", "0"],
  ["XREAD", "COUNT", "1", "STREAMS", "t", "u", "0", "0"],
  ["XREAD", "STREAMS", "t"],
  ["XREAD", "STREAMS", "t", "0", "1"],
  ["XREAD", "GROUP", "a", "b", "STREAMS", "t", "0"],
  ["XREAD", "NOACK", "STREAMS", "t", "0"],
  ["XREAD", "STREAMS", "t", ">"],
  ["XREAD", "STREAMS", "t", "$"],
  ["XREAD", "BLOCK", "-1", "STREAMS", "t", "0"],
  ["XREAD", "BLOCK", "abc", "STREAMS", "t", "0"],
  ["XREAD", "STREAMS", "str", "0"],
  ["XREAD", "FOO"],
  ["XADD", "u", "1-1", "a", "1", "b", "2"],
  ["XADD", "u", "1-2", "a", "1", "c", "2"],
  ["XADD", "u", "1-3", "a", "1", "b", "2", "c", "3"],
  ["XRANGE", "u", "-", "+"],
  ["XDEL", "u", "1-1", "1-2", "1-3"],
  ["XRANGE", "u", "-", "+"],
  ["XLEN", "u"],
  ["TYPE", "u"],
  ["OBJECT", "ENCODING", "u"],
  ["XADD", "u", "0-*", "x", "y"],
  ["XADD", "u", "1-*", "x", "y"],
  ["XRANGE", "u", "-", "+"],
  ["XADD", "v", "5-0", "a", "1"],
  ["XADD", "v", "5-*", "a", "1"],
  ["XADD", "v", "4-*", "a", "1"],
  ["XADD", "v", "5-18446744073709551615", "a", "1"],
  ["XADD", "v", "5-*", "a", "1"],
  ["XADD", "v", "a"],
  ["XADD", "v", "*", "a"],
  ["XADD", "v", "1"],
];

Deno.test({
  name: "streams: replies and error texts match the reference",
  ignore: !HAS_REFERENCE,
  fn: () =>
    withOursAndReference({}, async (ours, ref) => {
      for (const cmd of DETERMINISTIC) await expectSameReply(ours, ref, cmd);
      // RESP3 XREAD replies a map.
      await ours.call("HELLO", "3");
      await ref.call("HELLO", "3");
      await expectSameReply(ours, ref, ["XREAD", "STREAMS", "u", "v", "0", "0"]);
      await expectSameReply(ours, ref, ["XREAD", "STREAMS", "nokey", "0"]);
      await expectSameReply(ours, ref, ["XRANGE", "v", "-", "+", "COUNT", "0"]);
    }),
});

Deno.test({
  name: "streams: COMMAND INFO and DOCS rows are the reference's",
  ignore: !HAS_REFERENCE,
  // XREAD documents no complexity, which expectDocsMatchSpec cannot express; the full
  // COMMAND INFO/DOCS comparison in command_table_test.ts covers it.
  fn: () =>
    withReferenceClient((ref) =>
      expectReferenceRowsMatch(ref, streamCommands.filter((s) => s.complexity !== undefined))
    ),
});

Deno.test({
  name: "streams: random XADD/XDEL/XTRIM/XRANGE model run matches the reference",
  ignore: !HAS_REFERENCE,
  fn: () =>
    withOursAndReference({}, async (ours, ref) => {
      for (const c of [ours, ref]) {
        await c.call("CONFIG", "SET", "stream-node-max-entries", "7");
        await c.call("CONFIG", "SET", "stream-node-max-bytes", "600");
      }
      const rand = rng(11);
      const ri = (n: number) => Math.floor(rand() * n);
      for (let i = 0; i < 1500; i++) {
        const k = "k" + ri(2);
        let cmd: string[];
        const r = ri(10);
        if (r < 5) {
          cmd = ["XADD", k];
          if (ri(5) === 0) cmd.push("MAXLEN", ["~", "="][ri(2)], String(ri(40)));
          cmd.push(ri(2) ? `${i}-${ri(2)}` : `${i}-*`);
          for (let j = 0, n = 1 + ri(3); j < n; j++) cmd.push("fgh"[ri(3)], "v".repeat(ri(80)));
        } else if (r < 7) {
          cmd = ["XDEL", k];
          for (let j = 0, n = 1 + ri(4); j < n; j++) cmd.push(`${ri(i + 1)}-${ri(2)}`);
        } else if (r < 8) {
          cmd = ri(2)
            ? ["XTRIM", k, "MAXLEN", ["~", "="][ri(2)], String(ri(60))]
            : ri(2)
            ? ["XTRIM", k, "MINID", "~", String(ri(i + 1)), "LIMIT", String(ri(20))]
            : ["XTRIM", k, "MINID", "=", String(ri(i + 1))];
        } else if (r < 9) {
          cmd = ["XRANGE", k, ri(2) ? "-" : "(" + ri(i + 1), ri(2) ? "+" : String(ri(i + 1))];
          cmd.push("COUNT", String(ri(10)));
        } else if (ri(2)) {
          cmd = ["XREVRANGE", k, "+", "-", "COUNT", String(ri(10))];
        } else {
          // Node boundaries show in radix-tree-keys and in what "~" trims.
          cmd = ["XINFO", "STREAM", k];
        }
        const [a, b] = await callBoth(ours, ref, cmd);
        assert.equal(masked(a), masked(b), cmd.join(" "));
        if (i % 100 === 0) {
          for (const kk of ["k0", "k1"]) {
            await expectSameReply(ours, ref, ["XRANGE", kk, "-", "+"]);
            await expectSameReply(ours, ref, ["XLEN", kk]);
          }
        }
      }
    }),
});

Deno.test("streams: TYPE, OBJECT ENCODING, COPY, events and the propagated forms", async () => {
  await withClient({}, async (c, srv) => {
    const prop = capturePropagation(srv);
    const events = captureKeyEvents(srv, "KEA");
    const id = await c.call("XADD", "s", "*", "f", "v");
    const auto = id.split("\r\n")[1];
    assert.match(auto, /^\d+-0$/);
    assert.equal(await c.call("XADD", "s", "MAXLEN", "~", "1", "*", "g", "w") !== "", true);
    assert.equal(await c.call("TYPE", "s"), "+stream\r\n");
    assert.equal(await c.call("OBJECT", "ENCODING", "s"), bulk("stream"));
    assert.equal(await c.call("COPY", "s", "s2"), ":1\r\n");
    assert.equal(await c.call("XLEN", "s2"), ":2\r\n");
    assert.equal(await c.call("XTRIM", "s", "MAXLEN", "=", "1"), ":1\r\n");
    assert.equal(await c.call("XLEN", "s2"), ":2\r\n");
    await c.call("SET", "str", "x");
    const scan = await c.call("SCAN", "0", "TYPE", "stream");
    assert.ok(scan.includes(bulk("s")) && scan.includes(bulk("s2")) && !scan.includes("str"), scan);
    assert.equal(prop[0], `XADD s ${auto} f v`);
    // "~" is rewritten to "=" with the length reached, the ID to the one generated.
    assert.match(prop[1], /^XADD s MAXLEN = 2 \d+-\d+ g w$/);
    assert.ok(prop.includes("XTRIM s MAXLEN = 1"), prop.join("\n"));
    assert.deepEqual(events.filter((e) => e.startsWith("x")), ["xadd s", "xadd s", "xtrim s"]);
    const st = srv.db(0).get("s") as RedisStream;
    assert.equal(st.memoryUsage, st.recomputeMemoryUsage());
  });
});

Deno.test("streams: XREAD BLOCK is served by XADD from another client, by EXEC, or times out", async () => {
  await withClient({}, async (c, srv) => {
    await withConnections(srv.port, 2, async ([b1, b2]) => {
      await c.call("XADD", "s", "1-1", "a", "1");
      // "$" means after the last entry now, also when the re-run happens later.
      await b1.send("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
      await b2.send("XREAD", "BLOCK", "0", "COUNT", "1", "STREAMS", "other", "s", "0", "1-1");
      await waitBlocked(srv, 2);
      assert.equal(await c.call("XADD", "s", "2-1", "b", "2"), bulk("2-1"));
      const entry = arr([arr([bulk("s"), arr([arr([bulk("2-1"), arr([bulk("b"), bulk("2")])])])])]);
      assert.equal(await b1.readRaw(), entry);
      assert.equal(await b2.readRaw(), entry);
      // Woken by a MULTI/EXEC.
      await b1.send("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
      await waitBlocked(srv, 1);
      await c.call("MULTI");
      await c.call("XADD", "s", "3-1", "c", "3");
      await c.call("XADD", "s", "4-1", "d", "4");
      await c.call("EXEC");
      assert.equal(
        await b1.readRaw(),
        arr([arr([
          bulk("s"),
          arr([
            arr([bulk("3-1"), arr([bulk("c"), bulk("3")])]),
            arr([bulk("4-1"), arr([bulk("d"), bulk("4")])]),
          ]),
        ])]),
      );
      // A timeout replies a null array; inside MULTI it replies at once.
      assert.equal(await b1.call("XREAD", "BLOCK", "20", "STREAMS", "s", "$"), "*-1\r\n");
      await c.call("MULTI");
      await c.call("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
      assert.equal(await c.call("EXEC"), "*1\r\n*-1\r\n");
      // CLIENT UNBLOCK: the timeout reply, or the error.
      const id = (await b1.call("CLIENT", "ID")).slice(1, -2);
      await b1.send("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
      await waitBlocked(srv, 1);
      assert.equal(await c.call("CLIENT", "UNBLOCK", id), ":1\r\n");
      assert.equal(await b1.readRaw(), "*-1\r\n");
      await b1.send("XREAD", "BLOCK", "0", "STREAMS", "s", "$");
      await waitBlocked(srv, 1);
      assert.equal(await c.call("CLIENT", "UNBLOCK", id, "ERROR"), ":1\r\n");
      assert.equal(await b1.readRaw(), "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
    });
  });
});

/** Consumer-group commands and errors, and XINFO, in the order they run. */
const GROUP_SCRIPT: string[][] = [
  ["XGROUP", "CREATE", "s", "g", "$"],
  ["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"],
  ["XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"],
  ["XGROUP", "CREATE", "s", "g2", "0", "ENTRIESREAD", "5"],
  ["XGROUP", "CREATE", "s", "g3", "0", "ENTRIESREAD", "-5"],
  ["XGROUP", "CREATE", "s", "g3", "0", "FOO"],
  ["XGROUP", "CREATE", "s", "g3", "bad"],
  ["XGROUP", "SETID", "s", "nog", "0"],
  ["XGROUP", "SETID", "s", "g", "0", "ENTRIESREAD", "0"],
  ["XGROUP", "SETID", "nokey", "g", "0"],
  ["XGROUP", "FOO", "s", "g"],
  ["XGROUP", "HELP"],
  ["XGROUP", "CREATECONSUMER", "s", "g", "alice"],
  ["XGROUP", "CREATECONSUMER", "s", "g", "alice"],
  ["XGROUP", "CREATECONSUMER", "s", "nog", "alice"],
  ["XADD", "s", "1-1", "a", "1"],
  ["XADD", "s", "2-1", "b", "2"],
  ["XADD", "s", "3-1", "c", "3"],
  ["XINFO", "GROUPS", "s"],
  ["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", ">"],
  ["XREADGROUP", "GROUP", "g", "bob", "COUNT", "1", "STREAMS", "s", ">"],
  ["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "$"],
  ["XREADGROUP", "GROUP", "nog", "bob", "STREAMS", "s", ">"],
  ["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "nokey", ">"],
  ["XREADGROUP", "STREAMS", "s", ">"],
  ["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s"],
  ["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "0"],
  ["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "bad"],
  ["XREADGROUP", "GROUP", "g", "carol", "NOACK", "STREAMS", "s", ">"],
  ["XADD", "s", "4-1", "d", "4"],
  ["XREADGROUP", "GROUP", "g", "carol", "NOACK", "STREAMS", "s", ">"],
  ["XINFO", "GROUPS", "s"],
  ["XPENDING", "s", "g"],
  ["XPENDING", "s", "g", "-", "+", "10"],
  ["XPENDING", "s", "g", "-", "+", "10", "bob"],
  ["XPENDING", "s", "g", "-", "+", "10", "nobody"],
  ["XPENDING", "s", "g", "IDLE", "0", "-", "+", "10"],
  ["XPENDING", "s", "g", "IDLE", "0", "-", "+"],
  ["XPENDING", "s", "g", "(1-1", "+", "10"],
  ["XPENDING", "s", "nog"],
  ["XPENDING", "s", "g", "-", "+", "abc"],
  ["XPENDING", "s", "g", "x"],
  ["XACK", "s", "g", "1-1", "9-9"],
  ["XACK", "s", "g", "bad"],
  ["XACK", "s", "nog", "1-1"],
  ["XACK", "nokey", "g", "1-1"],
  ["XPENDING", "s", "g"],
  ["XDEL", "s", "2-1"],
  ["XREADGROUP", "GROUP", "g", "bob", "STREAMS", "s", "0"],
  ["XCLAIM", "s", "g", "dave", "0", "2-1", "3-1", "JUSTID"],
  ["XCLAIM", "s", "g", "dave", "0", "3-1", "RETRYCOUNT", "5"],
  ["XCLAIM", "s", "g", "dave", "0", "1-1", "FORCE", "JUSTID"],
  ["XCLAIM", "s", "g", "dave", "0", "4-1", "FORCE", "RETRYCOUNT", "2"],
  ["XCLAIM", "s", "g", "dave", "0", "4-1", "FOO"],
  ["XCLAIM", "s", "g", "dave", "abc", "4-1"],
  ["XCLAIM", "s", "g", "dave", "0", "4-1", "IDLE", "abc"],
  ["XCLAIM", "s", "nog", "dave", "0", "4-1"],
  ["XPENDING", "s", "g", "-", "+", "10"],
  ["XAUTOCLAIM", "s", "g", "erin", "0", "0"],
  ["XAUTOCLAIM", "s", "g", "erin", "0", "0", "COUNT", "1"],
  ["XAUTOCLAIM", "s", "g", "erin", "0", "0", "JUSTID"],
  ["XAUTOCLAIM", "s", "g", "erin", "0", "0", "COUNT", "0"],
  ["XAUTOCLAIM", "s", "g", "erin", "0", "0", "FOO"],
  ["XAUTOCLAIM", "s", "g", "erin", "abc", "0"],
  ["XAUTOCLAIM", "s", "nog", "erin", "0", "0"],
  ["XDEL", "s", "3-1"],
  ["XAUTOCLAIM", "s", "g", "erin", "0", "0"],
  ["XINFO", "GROUPS", "s"],
  ["XINFO", "HELP"],
  ["XINFO", "FOO", "s"],
  ["XINFO", "GROUPS", "nokey"],
  ["XINFO", "STREAM", "s", "FOO"],
  ["XINFO", "STREAM", "s", "FULL", "COUNT"],
  ["XINFO", "CONSUMERS", "s", "nog"],
  ["XGROUP", "DELCONSUMER", "s", "g", "erin"],
  ["XGROUP", "DELCONSUMER", "s", "g", "nobody"],
  ["XPENDING", "s", "g"],
  ["XGROUP", "DESTROY", "s", "g"],
  ["XGROUP", "DESTROY", "s", "g"],
  ["XINFO", "GROUPS", "s"],
  ["SET", "str", "v"],
  ["XGROUP", "CREATE", "str", "g", "$"],
  ["XINFO", "STREAM", "str"],
  ["XREADGROUP", "GROUP", "g", "a", "STREAMS", "str", ">"],
  ["XAUTOCLAIM", "str", "g", "a", "0", "0"],
  ["XCLAIM", "str", "g", "a", "0", "0"],
  ["XACK", "str", "g", "0"],
  ["XPENDING", "str", "g"],
  ["XADD", "lagt", "1-1", "a", "1"],
  ["XADD", "lagt", "2-1", "a", "1"],
  ["XADD", "lagt", "3-1", "a", "1"],
  ["XGROUP", "CREATE", "lagt", "g", "0"],
  ["XGROUP", "CREATE", "lagt", "g2", "2-1"],
  ["XGROUP", "CREATE", "lagt", "g3", "$"],
  ["XINFO", "GROUPS", "lagt"],
  ["XDEL", "lagt", "2-1"],
  ["XINFO", "GROUPS", "lagt"],
  ["XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "lagt", ">"],
  ["XINFO", "GROUPS", "lagt"],
  ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "lagt", ">"],
  ["XINFO", "GROUPS", "lagt"],
  ["XSETID", "lagt", "3-1", "ENTRIESADDED", "10"],
  ["XINFO", "GROUPS", "lagt"],
  ["XADD", "s", "1-1", "a", "1"],
  ["XADD", "s", "2-1", "b", "2"],
  ["XINFO", "STREAM", "s"],
  ["XADD", "t", "1-1", "a", "1"],
  ["XDEL", "t", "1-1"],
  ["XINFO", "STREAM", "t"],
  ["XTRIM", "s", "MAXLEN", "0"],
  ["XINFO", "STREAM", "s"],
  ["XGROUP", "CREATE", "s", "g", "0"],
  ["XINFO", "STREAM", "s", "FULL"],
  ["XINFO", "STREAM", "s", "FULL", "COUNT", "0"],
  ["XINFO", "STREAM", "nokey"],
  ["XINFO", "STREAM", "t"],
  ["XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", ">"],
  ["XREADGROUP", "GROUP", "g", "a", "STREAMS", "s", "0"],
  ["XINFO", "GROUPS", "s"],
];

/**
 * Masks what depends on the clock or on the radix tree's shape: XPENDING's idle times and
 * XINFO STREAM's radix-tree-nodes.
 */
function masked(raw: string): string {
  return raw
    .replace(/(\*4\r\n\$\d+\r\n\d+-\d+\r\n\$\d+\r\n[^\r]*\r\n):\d+\r\n/g, "$1:<idle>\r\n")
    .replace(/(radix-tree-nodes\r\n):\d+/g, "$1<n>");
}

Deno.test({
  name: "streams: consumer groups, XPENDING, XCLAIM, XAUTOCLAIM and XINFO match the reference",
  ignore: !HAS_REFERENCE,
  fn: () =>
    withOursAndReference({}, async (ours, ref) => {
      for (const cmd of GROUP_SCRIPT) {
        const [a, b] = await callBoth(ours, ref, cmd);
        assert.equal(masked(a), masked(b), cmd.join(" "));
      }
    }),
});

Deno.test("streams: a blocked XREADGROUP gets NOGROUP, WRONGTYPE or the new entry", async () => {
  await withClient({}, async (c, srv) => {
    await withConnections(srv.port, 1, async ([b]) => {
      // Recorded from valkey-server 8.0.
      const nogroup =
        "-NOGROUP No such key 's' or consumer group 'g' in XREADGROUP with GROUP option\r\n";
      const cases: [string[], string][] = [
        [["DEL", "s"], nogroup],
        [["XGROUP", "DESTROY", "s", "g"], nogroup],
        [
          ["SET", "s", "x"],
          "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
        ],
        [
          ["XADD", "s", "5-5", "f", "v"],
          arr([arr([bulk("s"), arr([arr([bulk("5-5"), arr([bulk("f"), bulk("v")])])])])]),
        ],
      ];
      for (const [trigger, want] of cases) {
        await c.call("DEL", "s");
        assert.equal(await c.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"), "+OK\r\n");
        await b.send("XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">");
        await waitBlocked(srv, 1);
        await c.call(...trigger);
        assert.equal(await b.readRaw(), want, trigger.join(" "));
      }
      // Served entries are pending for the consumer.
      assert.equal(
        await c.call("XPENDING", "s", "g"),
        arr([":1\r\n", bulk("5-5"), bulk("5-5"), arr([arr([bulk("c"), bulk("1")])])]),
      );
    });
  });
});

/** A clock that moves only when the test advances it, so idle times are exact. */
class FrozenClock extends Clock {
  private t = Date.now();
  override now(): number {
    return this.t;
  }
  override advance(ms: number): void {
    this.t += ms;
  }
}

Deno.test("streams: idle times, seen-time and active-time follow the server clock", async () => {
  const srv = await startServer({}, { clock: new FrozenClock() });
  const c = await RawClient.connect(srv.port);
  try {
    await c.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
    await c.call("XADD", "s", "1-1", "f", "v");
    await c.call("XREADGROUP", "GROUP", "g", "alice", "STREAMS", "s", ">");
    srv.fastForward(5000);
    assert.equal(
      await c.call("XPENDING", "s", "g", "IDLE", "4000", "-", "+", "10"),
      arr([arr([bulk("1-1"), bulk("alice"), ":5000\r\n", ":1\r\n"])]),
    );
    assert.equal(await c.call("XPENDING", "s", "g", "IDLE", "6000", "-", "+", "10"), "*0\r\n");
    await c.call("XGROUP", "CREATECONSUMER", "s", "g", "bob");
    srv.fastForward(1000);
    assert.equal(
      await c.call("XINFO", "CONSUMERS", "s", "g"),
      arr([
        arr([
          bulk("name"),
          bulk("alice"),
          bulk("pending"),
          ":1\r\n",
          bulk("idle"),
          ":6000\r\n",
          bulk("inactive"),
          ":6000\r\n",
        ]),
        arr([
          bulk("name"),
          bulk("bob"),
          bulk("pending"),
          ":0\r\n",
          bulk("idle"),
          ":1000\r\n",
          bulk("inactive"),
          ":-1\r\n",
        ]),
      ]),
    );
    // XCLAIM with min-idle-time: only entries idle long enough move.
    assert.equal(await c.call("XCLAIM", "s", "g", "bob", "10000", "1-1", "JUSTID"), "*0\r\n");
    assert.equal(
      await c.call("XCLAIM", "s", "g", "bob", "6000", "1-1", "JUSTID"),
      arr([bulk("1-1")]),
    );
    const st = srv.db(0).get("s") as RedisStream;
    assert.equal(st.memoryUsage, st.recomputeMemoryUsage());
  } finally {
    c.close();
    await srv.close();
  }
});

Deno.test("streams: consumer-group life cycle with ioredis", async () => {
  await withClient({}, async (_c, srv) => {
    const r = new Redis({ port: srv.port, lazyConnect: true, maxRetriesPerRequest: 0 });
    await r.connect();
    try {
      assert.equal(await r.xgroup("CREATE", "jobs", "workers", "$", "MKSTREAM"), "OK");
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await r.xadd("jobs", "*", "n", String(i)))!);
      const read = await r.xreadgroup("GROUP", "workers", "w1", "COUNT", 3, "STREAMS", "jobs", ">");
      assert.deepEqual(read, [["jobs", ids.slice(0, 3).map((id, i) => [id, ["n", String(i)]])]]);
      const summary = await r.xpending("jobs", "workers");
      assert.deepEqual(summary, [3, ids[0], ids[2], [["w1", "3"]]]);
      assert.equal(await r.xack("jobs", "workers", ids[0]), 1);
      const claimed = await r.xclaim("jobs", "workers", "w2", 0, ids[1]);
      assert.deepEqual(claimed, [[ids[1], ["n", "1"]]]);
      const auto = await r.xautoclaim("jobs", "workers", "w3", 0, "0", "COUNT", 10);
      assert.deepEqual(auto, ["0-0", [[ids[1], ["n", "1"]], [ids[2], ["n", "2"]]], []]);
      const rest = await r.xreadgroup("GROUP", "workers", "w2", "STREAMS", "jobs", ">");
      assert.deepEqual(rest, [["jobs", ids.slice(3).map((id, i) => [id, ["n", String(i + 3)]])]]);
      assert.equal(await r.xgroup("DELCONSUMER", "jobs", "workers", "w3"), 2);
      const groups = await r.xinfo("GROUPS", "jobs") as unknown[][];
      assert.deepEqual(groups[0].slice(0, 8), [
        "name",
        "workers",
        "consumers",
        2,
        "pending",
        2,
        "last-delivered-id",
        ids[4],
      ]);
      assert.equal(await r.xgroup("DESTROY", "jobs", "workers"), 1);
    } finally {
      r.disconnect();
    }
  });
});

Deno.test("streams: a 1,000,000-entry stream built by pipelined XADD stays responsive", async () => {
  await withClient({}, async (c, srv) => {
    const N = 1_000_000;
    const batch = 10_000;
    for (let i = 0; i < N; i += batch) {
      const cmds: string[][] = [];
      for (let j = i; j < i + batch; j++) cmds.push(["XADD", "big", `${j + 1}-0`, "f", "v"]);
      for (const cmd of cmds) await c.send(...cmd);
      for (let j = 0; j < batch; j++) await c.readRaw();
    }
    assert.equal(await c.call("XLEN", "big"), `:${N}\r\n`);
    let t = performance.now();
    assert.equal(
      await c.call("XRANGE", "big", "500000", "500001"),
      arr([
        arr([bulk("500000-0"), arr([bulk("f"), bulk("v")])]),
        arr([bulk("500001-0"), arr([bulk("f"), bulk("v")])]),
      ]),
    );
    assert.equal(await c.call("XDEL", "big", "700000-0"), ":1\r\n");
    // "~" removes whole nodes only, at most 100 * stream-node-max-entries of them by default.
    assert.equal(await c.call("XTRIM", "big", "MAXLEN", "~", "900000"), ":10000\r\n");
    assert.equal(await c.call("XTRIM", "big", "MAXLEN", "~", "900000", "LIMIT", "0"), ":89900\r\n");
    assert.equal(await c.call("XLEN", "big"), ":900099\r\n");
    assert.equal(await c.call("XGROUP", "CREATE", "big", "g", "0"), "+OK\r\n");
    await c.call("XREADGROUP", "GROUP", "g", "a", "COUNT", "10", "STREAMS", "big", ">");
    assert.equal(await c.call("XACK", "big", "g", "99901-0"), ":1\r\n");
    assert.ok(performance.now() - t < 1000, "point operations stay fast");
    const st = srv.db(0).get("big") as RedisStream;
    assert.equal(st.memoryUsage, st.recomputeMemoryUsage());
    t = performance.now();
    assert.equal(await c.call("PING"), "+PONG\r\n");
  });
});

Deno.test({
  name: "streams: random consumer-group model run matches the reference (PELs, entries-read, lag)",
  ignore: !HAS_REFERENCE,
  fn: () =>
    withOursAndReference({}, async (ours, ref) => {
      for (const c of [ours, ref]) {
        await c.call("CONFIG", "SET", "stream-node-max-entries", "5");
        await c.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM");
        await c.call("XGROUP", "CREATE", "s", "h", "0");
      }
      const rand = rng(5);
      const ri = (n: number) => Math.floor(rand() * n);
      let next = 1;
      const pick = [[], ["JUSTID"], ["FORCE"], ["RETRYCOUNT", "3"]];
      for (let i = 0; i < 2000; i++) {
        const g = "gh"[ri(2)], cn = "c" + ri(4), id = () => `${ri(next + 2)}-0`;
        const r = ri(14);
        let cmd: string[];
        if (r < 3) cmd = ["XADD", "s", `${next++}-0`, "f", String(i)];
        else if (r < 4) cmd = ["XDEL", "s", id()];
        else if (r < 6) {
          cmd = ["XREADGROUP", "GROUP", g, cn];
          if (ri(2)) cmd.push("COUNT", String(1 + ri(3)));
          if (ri(4) === 0) cmd.push("NOACK");
          cmd.push("STREAMS", "s", ri(4) ? ">" : String(ri(next)));
        } else if (r < 7) cmd = ["XACK", "s", g, id(), id()];
        else if (r < 8) {
          cmd = ["XCLAIM", "s", g, cn, "0", id(), id(), ...pick[ri(4)]];
          if (ri(5) === 0) cmd.push("LASTID", id());
        } else if (r < 9) {
          cmd = ["XAUTOCLAIM", "s", g, cn, "0", String(ri(next)), "COUNT", String(1 + ri(4))];
          if (ri(2)) cmd.push("JUSTID");
        } else if (r < 10) {
          cmd = ri(2) ? ["XPENDING", "s", g] : ["XPENDING", "s", g, "-", "+", String(ri(6))];
          if (cmd.length > 3 && ri(2)) cmd.push(cn);
        } else if (r < 11) cmd = ["XINFO", "GROUPS", "s"];
        else if (r < 12) {
          cmd = ri(3)
            ? ["XGROUP", "SETID", "s", g, ri(2) ? "$" : id()]
            : ["XGROUP", "DELCONSUMER", "s", g, cn];
          if (cmd[1] === "SETID" && ri(2)) cmd.push("ENTRIESREAD", String(ri(next)));
        } else if (r < 13) cmd = ["XTRIM", "s", "MAXLEN", String(5 + ri(20))];
        else cmd = ["XINFO", "STREAM", "s"];
        const [a, b] = await callBoth(ours, ref, cmd);
        assert.equal(masked(a), masked(b), cmd.join(" "));
      }
    }),
});

Deno.test("streams: a PEL stays ordered and exact through adds, deletes and re-adds", () => {
  const pel = new Pel();
  const consumer = new StreamConsumer("c", 0, 0);
  const live = new Set<number>();
  const rand = rng(7);
  for (let round = 0; round < 20000; round++) {
    const k = Math.floor(rand() * 500);
    const id = makeId(k, 0);
    if (live.has(k)) {
      if (rand() < 0.6) {
        assert.ok(pel.delete(idText(id)));
        live.delete(k);
      }
    } else {
      pel.add({ id, key: idText(id), deliveryTime: 0, deliveryCount: 1, consumer });
      live.add(k);
    }
    if (round % 997 === 0) {
      assert.deepEqual(pel.ordered().map((n) => n.id.msLo), [...live].sort((a, b) => a - b));
      assert.equal(pel.size, live.size);
    }
  }
});

/**
 * WATCH on a stream around each consumer-group metadata change made by another client, and
 * around XADD: EXEC's reply (null when the transaction was aborted) on the given server.
 */
async function watchAcrossGroupChanges(port: number): Promise<string[]> {
  const w = await RawClient.connect(port);
  const o = await RawClient.connect(port);
  try {
    assert.equal(await o.call("XADD", "s", "1-1", "f", "v"), "$3\r\n1-1\r\n");
    const out: string[] = [];
    const changes: string[][] = [
      ["XGROUP", "CREATE", "s", "g", "0"],
      ["XGROUP", "SETID", "s", "g", "$"],
      ["XGROUP", "CREATECONSUMER", "s", "g", "alice"],
      ["XGROUP", "DELCONSUMER", "s", "g", "alice"],
      ["XSETID", "s", "5-0"],
      ["XGROUP", "DESTROY", "s", "g"],
      ["XADD", "s", "6-0", "f", "v"],
    ];
    for (const change of changes) {
      assert.equal(await w.call("WATCH", "s"), "+OK\r\n");
      assert.ok(!(await o.call(...change)).startsWith("-"), change.join(" "));
      assert.equal(await w.call("MULTI"), "+OK\r\n");
      assert.equal(await w.call("PING"), "+QUEUED\r\n");
      out.push(`${change.slice(0, 2).join(" ")} => ${JSON.stringify(await w.call("EXEC"))}`);
    }
    return out;
  } finally {
    w.close();
    o.close();
  }
}

Deno.test({
  name: "streams: consumer-group metadata changes do not invalidate WATCH, as the reference",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    let ours: string[] = [];
    await withClient({}, async (_c, srv) => {
      ours = await watchAcrossGroupChanges(srv.port);
    });
    let theirs: string[] = [];
    await withReferenceClient(async (_r, port) => {
      theirs = await watchAcrossGroupChanges(port);
    });
    assert.deepEqual(ours, theirs);
    // Only XADD changes what WATCH guards (Redis signals no modified key for group metadata).
    assert.deepEqual(ours.map((l) => l.endsWith('"*-1\\r\\n"')), [
      false,
      false,
      false,
      false,
      false,
      false,
      true,
    ]);
  },
});
