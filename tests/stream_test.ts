// Streams (src/store/stream.ts, src/commands/stream.ts): replies and error texts compared
// byte for byte with the reference, a random model-based run of XADD/XDEL/XTRIM/XRANGE against
// it (small nodes, so node splits and `~` trimming are exercised), propagation of the forms
// Redis rewrites, and XREAD BLOCK served through the shared blocking mechanism.

import assert from "node:assert/strict";
import { streamCommands } from "../src/commands/stream.ts";
import { RedisStream } from "../src/store/stream.ts";
import {
  arr,
  bulk,
  captureKeyEvents,
  capturePropagation,
  rng,
  waitBlocked,
  withClient,
  withConnections,
} from "./helpers.ts";
import {
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
            : ["XTRIM", k, "MINID", "~", String(ri(i + 1)), "LIMIT", String(ri(20))];
        } else if (r < 9) {
          cmd = ["XRANGE", k, ri(2) ? "-" : "(" + ri(i + 1), ri(2) ? "+" : String(ri(i + 1))];
          cmd.push("COUNT", String(ri(10)));
        } else {
          cmd = ["XREVRANGE", k, "+", "-", "COUNT", String(ri(10))];
        }
        await expectSameReply(ours, ref, cmd);
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
