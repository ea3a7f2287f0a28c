/**
 * Pub/Sub: subscriptions and delivery byte-exact in RESP2 and RESP3, the RESP2
 * subscribed-context restriction, unsubscribe-all, PUBSUB introspection,
 * delivery order, pushes held until a transaction's reply, propagation, real
 * clients (ioredis, node-redis), and the command rows against the reference.
 */

import assert from "node:assert/strict";
import { pubsubCommands } from "../src/commands/pubsub.ts";
import {
  arr,
  bulk,
  callBinary,
  capturePropagation,
  expectReplies,
  int,
  RawClient,
  resp3,
  waitUntil,
  withClient,
  withConnections,
  withServer,
} from "./helpers.ts";
import {
  expectReferenceRowsMatch,
  HAS_REFERENCE,
  withReference,
  withReferenceClient,
} from "./reference.ts";
import { withIoredis, withNodeRedis } from "./clients.ts";

const sub = (kind: string, name: string | null, n: number, head = "*") =>
  `${head}3\r\n${bulk(kind)}${name === null ? (head === "*" ? "$-1\r\n" : "_\r\n") : bulk(name)}${
    int(n)
  }`;
const msg = (ch: string, m: string, head = "*") =>
  `${head}3\r\n${bulk("message")}${bulk(ch)}${bulk(m)}`;
const pmsg = (p: string, ch: string, m: string, head = "*") =>
  `${head}4\r\n${bulk("pmessage")}${bulk(p)}${bulk(ch)}${bulk(m)}`;

const NOT_ALLOWED = (cmd: string) =>
  `-ERR Can't execute '${cmd}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n`;

Deno.test("pubsub: RESP2 subscribe, publish, patterns, restricted context, unsubscribe all", async () => {
  await withServer({}, async (srv) => {
    await withConnections(srv.port, 2, async ([s, p]) => {
      await s.send("SUBSCRIBE", "a", "b", "a");
      assert.equal(await s.readRaw(), sub("subscribe", "a", 1));
      assert.equal(await s.readRaw(), sub("subscribe", "b", 2));
      assert.equal(await s.readRaw(), sub("subscribe", "a", 2));
      assert.equal(await s.call("PSUBSCRIBE", "h?llo"), sub("psubscribe", "h?llo", 3));
      assert.equal(await s.call("GET", "x"), NOT_ALLOWED("get"));
      assert.equal(await s.call("CLIENT", "ID"), NOT_ALLOWED("client|id"));
      assert.equal(await s.call("PING"), `*2\r\n${bulk("pong")}${bulk("")}`);
      assert.equal(await s.call("PING", "hi"), `*2\r\n${bulk("pong")}${bulk("hi")}`);
      assert.equal(await p.call("PUBLISH", "a", "m1"), int(1));
      assert.equal(await s.readRaw(), msg("a", "m1"));
      assert.equal(await p.call("PUBLISH", "hello", "m2"), int(1));
      assert.equal(await s.readRaw(), pmsg("h?llo", "hello", "m2"));
      assert.equal(await p.call("PUBLISH", "nobody", "m3"), int(0));
      // Binary channel and message.
      assert.equal(await callBinary(s, "SUBSCRIBE", "\xff\0"), sub("subscribe", "\xff\0", 4));
      await p.write(`*3\r\n$7\r\nPUBLISH\r\n$2\r\n\xff\0\r\n$3\r\n\r\n\0\r\n`);
      assert.equal(await p.readRaw(), int(1));
      assert.equal(await s.readRaw(), msg("\xff\0", "\r\n\0"));
      assert.match(await p.call("CLIENT", "LIST"), /sub=3 psub=1 ssub=0/);
      assert.match(await p.call("CLIENT", "LIST"), /flags=P /);
      // Not subscribed: replies name the channel anyway.
      assert.equal(await s.call("UNSUBSCRIBE", "zz"), sub("unsubscribe", "zz", 4));
      await s.send("UNSUBSCRIBE");
      const got = [await s.readRaw(), await s.readRaw(), await s.readRaw()];
      assert.deepEqual(got, [
        sub("unsubscribe", "a", 3),
        sub("unsubscribe", "b", 2),
        sub("unsubscribe", "\xff\0", 1),
      ]);
      assert.equal(await s.call("GET", "x"), NOT_ALLOWED("get"));
      assert.equal(await s.call("PUNSUBSCRIBE"), sub("punsubscribe", "h?llo", 0));
      // Out of the subscribed context: commands run again, unsubscribe-all replies with null.
      assert.equal(await s.call("GET", "x"), "$-1\r\n");
      assert.equal(await s.call("PING"), "+PONG\r\n");
      await expectReplies(s, [
        [["UNSUBSCRIBE"], sub("unsubscribe", null, 0)],
        [["PUNSUBSCRIBE"], sub("punsubscribe", null, 0)],
        [["SUNSUBSCRIBE"], sub("sunsubscribe", null, 0)],
      ]);
    });
  });
});

Deno.test("pubsub: RESP3 pushes interleave with replies and any command runs", async () => {
  await withServer({}, async (srv) => {
    await withConnections(srv.port, 2, async ([s, p]) => {
      await resp3(srv, s);
      assert.equal(await s.call("SUBSCRIBE", "c"), sub("subscribe", "c", 1, ">"));
      assert.equal(await s.call("SET", "k", "v"), "+OK\r\n");
      assert.equal(await s.call("PING"), "+PONG\r\n");
      assert.equal(await p.call("PUBLISH", "c", "x"), int(1));
      assert.equal(await s.readRaw(), msg("c", "x", ">"));
      // Publishing to itself: the message follows the PUBLISH reply.
      await s.send("PUBLISH", "c", "self");
      assert.equal(await s.readRaw(), int(1));
      assert.equal(await s.readRaw(), msg("c", "self", ">"));
      assert.equal(await s.call("UNSUBSCRIBE"), sub("unsubscribe", "c", 0, ">"));
      assert.equal(await s.call("UNSUBSCRIBE"), sub("unsubscribe", null, 0, ">"));
    });
  });
});

Deno.test("pubsub: shard channels count apart and SPUBLISH reaches only them", async () => {
  await withServer({}, async (srv) => {
    await withConnections(srv.port, 2, async ([s, p]) => {
      await expectReplies(s, [
        [["SUBSCRIBE", "x"], sub("subscribe", "x", 1)],
        [["PSUBSCRIBE", "*"], sub("psubscribe", "*", 2)],
        [["SSUBSCRIBE", "x"], sub("ssubscribe", "x", 1)],
      ]);
      assert.equal(await p.call("SPUBLISH", "x", "m"), int(1));
      assert.equal(await s.readRaw(), `*3\r\n${bulk("smessage")}${bulk("x")}${bulk("m")}`);
      assert.equal(await p.call("PUBLISH", "x", "n"), int(2));
      assert.equal(await s.readRaw(), msg("x", "n"));
      assert.equal(await s.readRaw(), pmsg("*", "x", "n"));
      await expectReplies(p, [
        [["PUBSUB", "SHARDCHANNELS"], arr([bulk("x")])],
        [["PUBSUB", "SHARDCHANNELS", "y*"], arr([])],
        [["PUBSUB", "SHARDNUMSUB", "x", "y"], arr([bulk("x"), int(1), bulk("y"), int(0)])],
        [["PUBSUB", "CHANNELS"], arr([bulk("x")])],
        [["PUBSUB", "NUMSUB", "x"], arr([bulk("x"), int(1)])],
        [["PUBSUB", "NUMSUB"], arr([])],
        [["PUBSUB", "NUMPAT"], int(1)],
      ]);
      assert.equal(await s.call("SUNSUBSCRIBE"), sub("sunsubscribe", "x", 0));
      await s.send("UNSUBSCRIBE");
      assert.equal(await s.readRaw(), sub("unsubscribe", "x", 1));
      // Only the shard subscription left: still in the subscribed context.
      assert.equal(await s.call("SSUBSCRIBE", "z"), sub("ssubscribe", "z", 1));
      assert.equal(await s.call("PUNSUBSCRIBE"), sub("punsubscribe", "*", 0));
      assert.equal(await s.call("GET", "k"), NOT_ALLOWED("get"));
      assert.equal(await s.call("SUNSUBSCRIBE", "z"), sub("sunsubscribe", "z", 0));
      assert.equal(await s.call("GET", "k"), "$-1\r\n");
      await expectReplies(p, [
        [["PUBSUB", "SHARDCHANNELS"], arr([])],
        [["PUBSUB", "NUMPAT"], int(0)],
        [["PUBSUB", "CHANNELS"], arr([])],
      ]);
    });
  });
});

Deno.test("pubsub: inside MULTI, messages to the client follow EXEC's reply; SSUBSCRIBE refused", async () => {
  await withClient({}, async (c) => {
    await c.send("MULTI");
    await c.send("SSUBSCRIBE", "a");
    await c.send("SUBSCRIBE", "b");
    await c.send("PUBLISH", "b", "x");
    await c.send("PING");
    await c.send("EXEC");
    const want = [
      "+OK\r\n",
      "+QUEUED\r\n",
      "+QUEUED\r\n",
      "+QUEUED\r\n",
      "+QUEUED\r\n",
      "*4\r\n-ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client\r\n" +
      sub("subscribe", "b", 1) + int(1) + `*2\r\n${bulk("pong")}${bulk("")}`,
      msg("b", "x"),
    ];
    for (const w of want) assert.equal(await c.readRaw(), w);
    assert.equal(await c.call("RESET"), "+RESET\r\n");
    assert.equal(await c.call("PUBLISH", "b", "y"), int(0));
  });
});

Deno.test("pubsub: RESET and disconnect drop every subscription", async () => {
  await withServer({}, async (srv) => {
    await withConnections(srv.port, 3, async ([a, b, p]) => {
      await a.send("SUBSCRIBE", "ch");
      await a.readRaw();
      await b.send("PSUBSCRIBE", "c*");
      await b.readRaw();
      assert.equal(await p.call("PUBLISH", "ch", "1"), int(2));
      assert.equal(await a.call("RESET"), msg("ch", "1"));
      assert.equal(await a.readRaw(), "+RESET\r\n");
      assert.equal(await a.call("GET", "k"), "$-1\r\n");
      b.close();
      await waitUntil(() => srv.server.clients.size === 2, "b freed");
      assert.equal(await p.call("PUBLISH", "ch", "2"), int(0));
      assert.equal(await p.call("PUBSUB", "NUMPAT"), int(0));
      assert.equal(await p.call("PUBSUB", "CHANNELS"), arr([]));
    });
  });
});

Deno.test("pubsub: PUBSUB errors and HELP", async () => {
  await withClient({}, async (c) => {
    await expectReplies(c, [
      [
        ["PUBSUB", "CHANNELS", "a", "b"],
        "-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.\r\n",
      ],
      [["PUBSUB", "NUMPAT", "x"], "-ERR wrong number of arguments for 'pubsub|numpat' command\r\n"],
      [["PUBSUB", "FOO"], "-ERR unknown subcommand 'FOO'. Try PUBSUB HELP.\r\n"],
      [["PUBLISH", "a"], "-ERR wrong number of arguments for 'publish' command\r\n"],
      [["SUBSCRIBE"], "-ERR wrong number of arguments for 'subscribe' command\r\n"],
    ]);
    assert.match(await c.call("PUBSUB", "HELP"), /^\*14\r\n\+PUBSUB <subcommand>/);
  });
});

Deno.test("pubsub: PUBLISH and SPUBLISH are propagated; the dataset is not dirtied", async () => {
  await withClient({}, async (c, srv) => {
    const prop = capturePropagation(srv);
    const dirty = srv.dirty;
    assert.equal(await c.call("PUBLISH", "a", "b"), int(0));
    assert.equal(await c.call("SPUBLISH", "s", "t"), int(0));
    assert.deepEqual(prop, ["PUBLISH a b", "SPUBLISH s t"]);
    assert.equal(srv.dirty, dirty);
  });
});

Deno.test("pubsub: a subscriber sees every publisher's messages in publish order", async () => {
  await withServer({}, async (srv) => {
    const publishers = 8;
    const perPublisher = 200;
    await withConnections(srv.port, publishers + 1, async ([s, ...pubs]) => {
      assert.equal(await s.call("SUBSCRIBE", "ch"), sub("subscribe", "ch", 1));
      const sent: string[] = [];
      // Each publisher pipelines its messages; the server runs each batch in order.
      await Promise.all(pubs.map(async (p, i) => {
        for (let j = 0; j < perPublisher; j++) {
          await p.send("PUBLISH", "ch", `${i}:${j}`);
        }
        for (let j = 0; j < perPublisher; j++) {
          assert.equal(await p.readRaw(), int(1));
          sent.push(`${i}:${j}`);
        }
      }));
      const last = new Map<number, number>();
      for (let n = 0; n < publishers * perPublisher; n++) {
        const r = await s.readRaw();
        const m = /\$\d+\r\n(\d+):(\d+)\r\n$/.exec(r);
        assert.ok(m, r);
        const [i, j] = [Number(m[1]), Number(m[2])];
        assert.equal(j, (last.get(i) ?? -1) + 1, `publisher ${i} out of order`);
        last.set(i, j);
      }
      assert.equal(sent.length, publishers * perPublisher);
    });
  });
});

Deno.test("pubsub: ioredis subscribers (RESP2): channels, patterns, shard channels", async () => {
  await withServer({}, async (srv) => {
    await withIoredis(srv.port, async (subscriber) => {
      await withIoredis(srv.port, async (pub) => {
        const got: string[] = [];
        subscriber.on("message", (ch: string, m: string) => got.push(`message ${ch} ${m}`));
        subscriber.on(
          "pmessage",
          (p: string, ch: string, m: string) => got.push(`pmessage ${p} ${ch} ${m}`),
        );
        subscriber.on("smessage", (ch: string, m: string) => got.push(`smessage ${ch} ${m}`));
        assert.equal(await subscriber.subscribe("news", "sport"), 2);
        assert.equal(await subscriber.psubscribe("n*"), 3);
        assert.equal(await subscriber.ssubscribe("shard"), 1);
        assert.equal(await pub.publish("news", "a"), 2);
        assert.equal(await pub.publish("sport", "b"), 1);
        assert.equal(await pub.spublish("shard", "c"), 1);
        await waitUntil(() => got.length === 4, "4 messages");
        assert.deepEqual(got, [
          "message news a",
          "pmessage n* news a",
          "message sport b",
          "smessage shard c",
        ]);
        assert.deepEqual(await pub.pubsub("NUMSUB", "news", "x"), ["news", 1, "x", 0]);
        // ioredis resolves an argument-less (P)UNSUBSCRIBE once a reply's count is 0, so the
        // pattern goes first, by name.
        assert.equal(await subscriber.punsubscribe("n*"), 2);
        await subscriber.sunsubscribe();
        await subscriber.unsubscribe();
        assert.equal(await pub.publish("news", "gone"), 0);
        assert.deepEqual(await pub.pubsub("CHANNELS"), []);
      });
    });
  });
});

Deno.test("pubsub: node-redis subscribers in RESP2 and RESP3", async () => {
  await withServer({}, async (srv) => {
    await withNodeRedis(srv.port, async (client, resp) => {
      const subscriber = client.duplicate();
      subscriber.on("error", () => {});
      await subscriber.connect();
      try {
        const got: string[] = [];
        await subscriber.subscribe(["a", "b"], (m, ch) => got.push(`${ch} ${m}`));
        await subscriber.pSubscribe("p*", (m, ch) => got.push(`p* ${ch} ${m}`));
        await subscriber.sSubscribe("s", (m, ch) => got.push(`s ${ch} ${m}`));
        assert.equal(await client.publish("a", "1"), 1);
        assert.equal(await client.publish("pq", "2"), 1);
        assert.equal(await client.sPublish("s", "3"), 1);
        await waitUntil(() => got.length === 3, `3 messages (RESP${resp})`);
        assert.deepEqual(got, ["a 1", "p* pq 2", "s s 3"]);
        assert.deepEqual({ ...await client.pubSubNumSub(["a", "b", "c"]) }, { a: 1, b: 1, c: 0 });
        assert.equal(await client.pubSubNumPat(), 1);
        // Like ioredis, node-redis settles an argument-less (P)UNSUBSCRIBE when a reply's count
        // is 0: the pattern goes first, by name.
        await subscriber.sUnsubscribe();
        await subscriber.pUnsubscribe("p*");
        await subscriber.unsubscribe();
        await waitUntil(
          async () => (await client.pubSubChannels()).length === 0,
          `no channels (RESP${resp})`,
        );
        assert.equal(await client.publish("a", "x"), 0);
      } finally {
        subscriber.destroy();
      }
    });
  });
});

Deno.test({
  name: "pubsub: command table rows match the reference's COMMAND INFO and DOCS",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    await withReferenceClient(async (ref) => {
      // COMMAND INFO hides may_replicate (PUBLISH and SPUBLISH have it).
      const visible = pubsubCommands.map((spec) => ({
        ...spec,
        flags: spec.flags.filter((f) => f !== "may_replicate"),
      }));
      await expectReferenceRowsMatch(ref, visible, { subcommandDocs: true });
    });
  },
});

Deno.test({
  name: "pubsub: differential against the reference (subscribed session, RESP2 and RESP3)",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    // Every UNSUBSCRIBE here happens while subscribed: Valkey 8 (not Redis 7.2) answers
    // NOSUB otherwise.
    const script: string[][] = [
      ["SUBSCRIBE", "a", "b"],
      // No channel matches two patterns: Redis goes through patterns in hash order.
      ["PSUBSCRIBE", "a*", "b?"],
      ["SSUBSCRIBE", "s1", "s2"],
      ["PING"],
      ["PING", "x"],
      ["SET", "k", "v"],
      ["UNSUBSCRIBE", "a", "zz"],
      ["PUNSUBSCRIBE", "b?"],
      ["SUNSUBSCRIBE", "s1"],
      ["SUBSCRIBE", "c"],
      ["PUBSUB", "NUMPAT"],
      // Unsubscribing from all goes in hash order in Redis: one channel left each time.
      ["UNSUBSCRIBE", "b"],
      ["UNSUBSCRIBE"],
      ["PUNSUBSCRIBE"],
      ["SUNSUBSCRIBE"],
      ["PUBSUB", "NUMPAT"],
    ];
    const run = async (port: number, proto: 2 | 3): Promise<string[]> => {
      const out: string[] = [];
      const [s, p] = [await RawClient.connect(port), await RawClient.connect(port)];
      try {
        if (proto === 3) await s.call("HELLO", "3");
        for (const cmd of script) {
          await s.send(...cmd);
          // A PING after each command: everything up to its reply belongs to this step.
          await s.send("PING", "sync");
          while (true) {
            const r = await s.readRaw();
            out.push(r);
            if (r.endsWith("$4\r\nsync\r\n")) break;
          }
          out.push(await p.call("PUBLISH", "a", "m"));
          out.push(await p.call("PUBLISH", "b", "m"));
          out.push(await p.call("PUBLISH", "bx", "m"));
          out.push(await p.call("PUBSUB", "NUMSUB", "a", "b", "c"));
          out.push(await p.call("SPUBLISH", "s1", "m"));
        }
      } finally {
        s.close();
        p.close();
      }
      return out;
    };
    for (const proto of [2, 3] as const) {
      let ours: string[] = [];
      await withServer({}, async (srv) => {
        ours = await run(srv.port, proto);
      });
      let theirs: string[] = [];
      await withReference(async (port) => {
        theirs = await run(port, proto);
      });
      assert.deepEqual(ours, theirs, `RESP${proto}`);
    }
  },
});

Deno.test("pubsub: subscribed clients are of type pubsub (CLIENT LIST / KILL TYPE), RESP2 and RESP3", async () => {
  await withServer({}, async (srv) => {
    await withConnections(srv.port, 4, async ([a, b, c, admin]) => {
      await resp3(srv, b);
      assert.equal(await a.call("SUBSCRIBE", "x"), sub("subscribe", "x", 1));
      assert.equal(await b.call("SSUBSCRIBE", "y"), sub("ssubscribe", "y", 1, ">"));
      assert.equal(await c.call("PSUBSCRIBE", "z*"), sub("psubscribe", "z*", 1));
      assert.equal(await c.call("PUNSUBSCRIBE"), sub("punsubscribe", "z*", 0));
      const ids = async (type: string) =>
        [...(await admin.call("CLIENT", "LIST", "TYPE", type)).matchAll(/id=(\d+) /g)]
          .map((m) => Number(m[1]));
      const [ia, ib, ic] = [a, b, c].map((_, i) => [...srv.server.clients.keys()][i]);
      assert.deepEqual(await ids("pubsub"), [ia, ib]);
      assert.deepEqual((await ids("normal")).sort(), [ic, Math.max(...srv.server.clients.keys())]);
      assert.match(await admin.call("CLIENT", "LIST", "ID", String(ib)), /flags=P .* ssub=1 /);
      assert.equal(await admin.call("CLIENT", "KILL", "TYPE", "pubsub"), int(2));
      assert.equal(await a.readUntilClosed(), "");
      await waitUntil(() => srv.server.clients.size === 2, "subscribers disconnected");
    });
  });
});

Deno.test({
  name: "pubsub: a subscriber that never reads is disconnected at the pubsub output limit",
  fn: async () => {
    await withServer({ "client-output-buffer-limit": ["pubsub", "1mb", "0", "0"] }, async (srv) => {
      await withConnections(srv.port, 2, async ([s, p]) => {
        assert.equal(await s.call("SUBSCRIBE", "flood"), sub("subscribe", "flood", 1));
        const subscriber = [...srv.server.clients.values()].find((cl) => cl.channels.size > 0)!;
        const message = "x".repeat(64 * 1024);
        // s never reads again: its socket fills, then the server's buffer passes 1mb.
        for (let i = 0; i < 1000 && srv.server.clients.size === 2; i++) {
          await p.call("PUBLISH", "flood", message);
        }
        await waitUntil(() => srv.server.clients.size === 1, "the subscriber disconnected");
        assert.equal(await p.call("PUBSUB", "NUMSUB", "flood"), arr([bulk("flood"), int(0)]));
        // Its backlog (over 1mb when it was closed) is released with it, not kept by the server.
        assert.equal(subscriber.closed, true);
        assert.equal(subscriber.pendingOutput, 0);
        const omem = [...srv.server.clients.values()].reduce((n, cl) => n + cl.pendingOutput, 0);
        assert.ok(omem < 64 * 1024, `${omem} bytes still queued`);
      });
    });
  },
});
