/**
 * Client-side caching (CLIENT TRACKING): invalidation messages in the default, BCAST, OPTIN,
 * OPTOUT and NOLOOP modes, RESP2 redirection to a `__redis__:invalidate` subscriber, CLIENT
 * CACHING / GETREDIR / TRACKINGINFO and the option errors, compared byte for byte with the
 * reference; node-redis's client-side cache against our server.
 */

import assert from "node:assert/strict";
import { createClient } from "redis";
import { type Arg, RawClient, waitUntil, withClient, withServer } from "./helpers.ts";
import { HAS_REFERENCE, withReference } from "./reference.ts";

/**
 * One step of a scenario: who sends the command (`t` the tracking client, `w` a writer, `r`
 * a RESP2 subscriber used as redirect target) and its arguments; "$R" is replaced by the
 * redirect target's id.
 */
type Step = ["t" | "w" | "r", ...Arg[]];

/**
 * Runs `steps` against the server at `port` and returns everything each connection received,
 * step by step; the tracking client and the redirect target are drained with a PING after
 * each step so pushes land in the step that caused them. Ids are masked.
 */
async function runScenario(port: number, steps: Step[]): Promise<string[]> {
  const conns = {
    t: await RawClient.connect(port),
    w: await RawClient.connect(port),
    r: await RawClient.connect(port),
  };
  const out: string[] = [];
  try {
    const rid = (await conns.r.call("CLIENT", "ID")).slice(1, -2);
    // Ids differ between servers: the redirect target's in GETREDIR / TRACKINGINFO replies.
    const mask = (s: string) => /^(:|%3|\*6)/.test(s) ? s.replaceAll(`:${rid}\r\n`, ":RID\r\n") : s;
    await conns.r.send("SUBSCRIBE", "__redis__:invalidate");
    await conns.r.readRaw();
    const isPong = (r: string) => r === "+PONG\r\n" || r === "*2\r\n$4\r\npong\r\n$0\r\n\r\n";
    /** What `c` receives up to the reply of a PING sent now. */
    const drain = async (c: RawClient, got: string[]) => {
      await c.send("PING");
      for (let r = await c.readRaw(); !isPong(r); r = await c.readRaw()) got.push(mask(r));
    };
    const inMulti = new Set<string>();
    for (const [who, ...args] of steps) {
      const argv = args.map((a) => (a === "$R" ? rid : a));
      const actor = conns[who];
      await actor.send(...argv);
      // The step's reply (pushes may precede it), then what follows it up to a PING's reply.
      const mine: string[] = [];
      for (let r = await actor.readRaw();; r = await actor.readRaw()) {
        mine.push(mask(r));
        if (!r.startsWith(">")) break;
      }
      // Inside MULTI a PING would only be queued.
      const verb = String(argv[0]).toUpperCase();
      if (verb === "MULTI") inMulti.add(who);
      if (verb === "EXEC") inMulti.delete(who);
      if (!inMulti.has(who)) await drain(actor, mine);
      // HELLO's reply names the server and its version.
      if (verb === "HELLO") mine.length = 0;
      let line = `${who} ${args.join(" ")} => ${JSON.stringify(mine)}`;
      for (const name of ["t", "r", "w"] as const) {
        if (name === who) continue;
        const got: string[] = [];
        await drain(conns[name], got);
        line += ` ${name}:${JSON.stringify(got)}`;
      }
      out.push(line);
    }
  } finally {
    for (const c of Object.values(conns)) c.close();
  }
  return out;
}

const SCENARIOS: Record<string, Step[]> = {
  "default mode": [
    ["t", "HELLO", "3"],
    ["t", "CLIENT", "TRACKING", "ON"],
    ["t", "GET", "a"],
    ["t", "MGET", "b", "c"],
    ["w", "SET", "a", "1"],
    ["w", "SET", "a", "2"],
    ["w", "MSET", "b", "1", "c", "2"],
    ["t", "GET", "a"],
    ["t", "SET", "a", "3"],
    ["t", "HGET", "h", "f"],
    ["w", "HSET", "h", "f", "v"],
    ["t", "GET", "x"],
    ["t", "MULTI"],
    ["t", "GET", "y"],
    ["t", "SET", "x", "1"],
    ["t", "SET", "y", "1"],
    ["t", "EXEC"],
    ["t", "GET", "e"],
    ["w", "SET", "e", "v"],
    ["t", "GET", "e"],
    ["w", "PEXPIREAT", "e", "1"],
    ["t", "GET", "e"],
    ["t", "CLIENT", "TRACKINGINFO"],
    ["t", "CLIENT", "GETREDIR"],
    ["t", "CLIENT", "TRACKING", "OFF"],
    ["t", "GET", "z"],
    ["w", "SET", "z", "1"],
    ["t", "CLIENT", "TRACKINGINFO"],
    ["t", "CLIENT", "TRACKING", "ON", "OPTIN"],
    ["t", "RESET"],
    ["t", "CLIENT", "TRACKINGINFO"],
    ["t", "GET", "z"],
    ["w", "SET", "z", "2"],
  ],
  "NOLOOP": [
    ["t", "HELLO", "3"],
    ["t", "CLIENT", "TRACKING", "ON", "NOLOOP"],
    ["t", "GET", "a"],
    ["t", "SET", "a", "1"],
    ["t", "GET", "a"],
    ["w", "SET", "a", "2"],
    ["t", "CLIENT", "TRACKINGINFO"],
  ],
  "BCAST with prefixes": [
    ["t", "HELLO", "3"],
    ["t", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a", "PREFIX", "b:"],
    ["w", "MSET", "a1", "x", "b:1", "y", "c1", "z", "a0", "w"],
    ["w", "DEL", "a1", "b:1", "c1"],
    ["t", "SET", "b:2", "1"],
    ["t", "CLIENT", "TRACKINGINFO"],
    ["t", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "ab"],
    ["t", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "c", "PREFIX", "cd"],
    ["t", "CLIENT", "TRACKING", "ON"],
    ["t", "CLIENT", "TRACKING", "OFF"],
    ["t", "CLIENT", "TRACKING", "ON", "BCAST", "NOLOOP"],
    ["t", "SET", "k", "1"],
    ["w", "SET", "k", "2"],
    ["t", "CLIENT", "TRACKINGINFO"],
  ],
  "OPTIN and OPTOUT": [
    ["t", "HELLO", "3"],
    ["t", "CLIENT", "CACHING", "YES"],
    ["t", "CLIENT", "TRACKING", "ON", "OPTIN"],
    ["t", "GET", "a"],
    ["t", "CLIENT", "CACHING", "YES"],
    ["t", "CLIENT", "TRACKINGINFO"],
    ["t", "GET", "b"],
    ["t", "GET", "c"],
    ["t", "CLIENT", "CACHING", "NO"],
    ["t", "CLIENT", "CACHING", "MAYBE"],
    ["w", "MSET", "a", "1", "b", "1", "c", "1"],
    ["t", "CLIENT", "TRACKING", "ON", "OPTOUT"],
    ["t", "CLIENT", "TRACKING", "OFF"],
    ["t", "CLIENT", "TRACKING", "ON", "OPTOUT"],
    ["t", "GET", "a"],
    ["t", "CLIENT", "CACHING", "NO"],
    ["t", "GET", "b"],
    ["w", "MSET", "a", "2", "b", "2"],
    ["t", "CLIENT", "CACHING", "YES"],
  ],
  "RESP2 redirect to a subscriber": [
    ["t", "CLIENT", "TRACKING", "ON", "REDIRECT", "$R"],
    ["t", "CLIENT", "GETREDIR"],
    ["t", "GET", "a"],
    ["w", "SET", "a", "1"],
    ["t", "CLIENT", "TRACKING", "ON", "BCAST", "REDIRECT", "$R"],
    ["t", "CLIENT", "TRACKINGINFO"],
    ["t", "GET", "b"],
    ["t", "SET", "b", "1"],
  ],
  "FLUSHDB and FLUSHALL": [
    ["t", "HELLO", "3"],
    ["t", "CLIENT", "TRACKING", "ON"],
    ["t", "GET", "a"],
    ["w", "SET", "b", "1"],
    ["w", "FLUSHDB"],
    ["w", "SET", "a", "1"],
    ["t", "GET", "a"],
    ["t", "FLUSHALL"],
    ["w", "SET", "a", "2"],
    ["t", "CLIENT", "TRACKING", "ON", "REDIRECT", "$R"],
    ["w", "FLUSHALL"],
    ["t", "CLIENT", "TRACKING", "OFF"],
    ["t", "HELLO", "2"],
    ["t", "CLIENT", "TRACKING", "ON", "REDIRECT", "$R"],
    ["w", "FLUSHDB"],
  ],
  "errors": [
    ["t", "CLIENT", "TRACKING", "MAYBE"],
    ["t", "CLIENT", "TRACKING", "ON", "FOO"],
    ["t", "CLIENT", "TRACKING", "ON", "REDIRECT"],
    ["t", "CLIENT", "TRACKING", "ON", "REDIRECT", "x"],
    ["t", "CLIENT", "TRACKING", "ON", "REDIRECT", "999999"],
    ["t", "CLIENT", "TRACKING", "ON", "REDIRECT", "$R", "REDIRECT", "$R"],
    ["t", "CLIENT", "TRACKING", "ON", "PREFIX", "a"],
    ["t", "CLIENT", "TRACKING", "ON", "BCAST", "OPTIN"],
    ["t", "CLIENT", "TRACKING", "ON", "OPTIN", "OPTOUT"],
    ["t", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "ab", "PREFIX", "a"],
    ["t", "CLIENT", "TRACKING"],
    ["t", "CLIENT", "CACHING", "YES"],
    ["t", "CLIENT", "TRACKINGINFO"],
    ["t", "CLIENT", "GETREDIR"],
  ],
};

for (const [name, steps] of Object.entries(SCENARIOS)) {
  Deno.test({
    name: `tracking: ${name} as the reference`,
    ignore: !HAS_REFERENCE,
    fn: async () => {
      let ours: string[] = [];
      await withServer({}, async (srv) => {
        ours = await runScenario(srv.port, steps);
      });
      let theirs: string[] = [];
      await withReference(async (port) => {
        theirs = await runScenario(port, steps);
      });
      assert.deepEqual(ours, theirs);
    },
  });
}

/** CLIENT INFO's flags= and redir= fields through the tracking modes (the target's id masked). */
async function trackingInfoFields(port: number): Promise<string[]> {
  const t = await RawClient.connect(port);
  let r: RawClient | null = await RawClient.connect(port);
  try {
    const rid = (await r.call("CLIENT", "ID")).slice(1, -2);
    const fields = async () => {
      const line = await t.call("CLIENT", "INFO");
      const flags = / flags=(\S*)/.exec(line)?.[1];
      const redir = / redir=(\S*)/.exec(line)?.[1];
      return `flags=${flags} redir=${redir === rid ? "RID" : redir}`;
    };
    const out = [await fields()];
    for (
      const args of [
        ["ON"],
        ["OFF"],
        ["ON", "BCAST", "REDIRECT", rid],
        ["OFF"],
        ["ON", "OPTIN", "REDIRECT", rid],
      ]
    ) {
      assert.equal(await t.call("CLIENT", "TRACKING", ...args), "+OK\r\n");
      out.push(await fields());
    }
    // The redirect target goes away: the tracking client's redirection is broken (flag R)
    // once an invalidation finds it gone.
    r.close();
    r = null;
    assert.equal(await t.call("CLIENT", "CACHING", "YES"), "+OK\r\n");
    assert.equal(await t.call("GET", "k"), "$-1\r\n");
    assert.equal(await t.call("SET", "k", "1"), "+OK\r\n");
    out.push(await fields());
    return out;
  } finally {
    t.close();
    r?.close();
  }
}

Deno.test({
  name: "tracking: CLIENT INFO shows the tracking flags (t, R, B) and redir= as the reference",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    let ours: string[] = [];
    await withServer({}, async (srv) => {
      ours = await trackingInfoFields(srv.port);
    });
    let theirs: string[] = [];
    await withReference(async (port) => {
      theirs = await trackingInfoFields(port);
    });
    assert.deepEqual(ours, theirs);
    assert.deepEqual(ours.slice(0, 4), [
      "flags=N redir=-1",
      "flags=t redir=0",
      "flags=N redir=-1",
      "flags=tB redir=RID",
    ]);
  },
});

Deno.test("tracking: an invalidation reaches a RESP3 client; the key is then forgotten", async () => {
  await withClient({}, async (t, srv) => {
    const w = await RawClient.connect(srv.port);
    try {
      await t.call("HELLO", "3");
      assert.equal(await t.call("CLIENT", "TRACKING", "ON"), "+OK\r\n");
      assert.equal(await t.call("GET", "k"), "_\r\n");
      assert.equal(await w.call("SET", "k", "v"), "+OK\r\n");
      assert.equal(await t.readRaw(), ">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n");
      assert.equal(await w.call("SET", "k", "w"), "+OK\r\n");
      assert.equal(await t.call("PING"), "+PONG\r\n");
      assert.match(await w.call("INFO", "stats"), /tracking_total_keys:0\r\n/);
      assert.equal(await t.call("GET", "k"), "$1\r\nw\r\n");
      assert.match(await w.call("INFO", "stats"), /tracking_total_keys:1\r\n/);
      assert.match(await w.call("INFO", "clients"), /tracking_clients:1\r\n/);
    } finally {
      w.close();
    }
  });
});

Deno.test("tracking: tracking-table-max-keys invalidates keys past the limit", async () => {
  await withClient({ "tracking-table-max-keys": 2 }, async (t) => {
    await t.call("HELLO", "3");
    assert.equal(await t.call("CLIENT", "TRACKING", "ON"), "+OK\r\n");
    assert.equal(await t.call("GET", "a"), "_\r\n");
    assert.equal(await t.call("GET", "b"), "_\r\n");
    await t.send("GET", "c");
    const got = [await t.readRaw(), await t.readRaw()].sort();
    assert.deepEqual(got, [">2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\na\r\n", "_\r\n"]);
    assert.match(await t.call("INFO", "stats"), /tracking_total_keys:2\r\n/);
  });
});

Deno.test("tracking: node-redis client-side cache is invalidated by another client's write", async () => {
  await withServer({}, async (srv) => {
    const url = { socket: { port: srv.port, host: "127.0.0.1" } };
    const cached = createClient({ ...url, RESP: 3, clientSideCache: { ttl: 0, maxEntries: 0 } });
    const writer = createClient(url);
    cached.on("error", () => {});
    writer.on("error", () => {});
    await cached.connect();
    await writer.connect();
    try {
      await writer.set("k", "1");
      const gets = () => srv.server.commands.lookup("get")!.stats.calls;
      assert.equal(await cached.get("k"), "1");
      const before = gets();
      assert.equal(await cached.get("k"), "1");
      assert.equal(gets(), before, "the second GET is served from the local cache");
      await writer.set("k", "2");
      await waitUntil(async () => (await cached.get("k")) === "2", "the cache was invalidated");
    } finally {
      cached.destroy();
      writer.destroy();
    }
  });
});
