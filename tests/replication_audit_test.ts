/**
 * Replication as users and tools see it, checked against valkey-server (Redis 7.2
 * behaviour): SYNC / PSYNC's refusals in syncCommand's order, the GETACK that WAIT and
 * WAITAOF send without any replica, INFO replication on a replica whose link went down or
 * moved, a replica's lag while it waits for its RDB, and redis-cli's --rdb and --replica
 * against our server.
 */

import assert from "node:assert/strict";
import { optionsToArgs, type ServerOptions, startServer } from "../mod.ts";
import {
  binaryToBytes,
  captureLog,
  caughtUp,
  cmd,
  freePort,
  infoFields,
  masterLink,
  RawClient,
  runsWith,
  simplify,
  spawnServer,
  stopSpawned,
  tempDir,
  waitUntil,
  withClient,
  withConn,
  withServerBinary,
} from "./helpers.ts";
import {
  HAS_VALKEY,
  REFERENCE_SERVER,
  replies,
  requireValkey,
  withOursAndReference,
  withReference,
} from "./reference.ts";
import { datasetCommands } from "./rdb_dataset.ts";
import { replicationOf } from "../src/replication/master.ts";
import { parseReply } from "../src/resp/reply_parser.ts";
import { concatBytes } from "../src/util/bytes.ts";

/** Valkey 8's INFO replication additions, absent from Redis 7.2. */
const VALKEY_ONLY = /^replicas_(repl_buffer_size|repl_buffer_peak|waiting_psync)$/;

/** INFO replication as `field:value` lines, Valkey's own fields left out. */
async function replicationLines(c: RawClient): Promise<string[]> {
  const out: string[] = [];
  for (const [k, v] of await infoFields(c, "replication")) {
    if (!VALKEY_ONLY.test(k)) out.push(`${k}:${v.replace(/,type=replica$/, "")}`);
  }
  return out;
}

Deno.test({
  name: "audit: PSYNC FAILOVER to a master, and SYNC's refusals before PSYNC's offset, as valkey",
  ignore: !HAS_VALKEY,
  async fn() {
    requireValkey();
    const dead = String(freePort());
    await withOursAndReference({}, async (ours, ref) => {
      // A master refuses PSYNC ... FAILOVER whatever the replication id.
      for (const args of [["PSYNC", "abc", 1, "FAILOVER"], ["PSYNC", "?", "x", "FAILOVER"]]) {
        const [a, b] = [await ours.call(...args), await ref.call(...args)];
        assert.equal(a, "-ERR PSYNC FAILOVER can't be sent to a master.\r\n");
        assert.equal(a, b, args.join(" "));
      }
      // A replica whose link is down refuses before it looks at the offset.
      for (const c of [ours, ref]) {
        assert.equal(await c.call("REPLICAOF", "127.0.0.1", dead), "+OK\r\n");
      }
      const cases: (string | number)[][] = [
        ["PSYNC", "?", "notanumber"],
        ["PSYNC", "abc", 1, "FAILOVER"],
        ["SYNC"],
      ];
      for (const args of cases) {
        const [a, b] = [await ours.call(...args), await ref.call(...args)];
        assert.equal(a, b, args.join(" "));
      }
      assert.equal(
        await ours.call("PSYNC", "?", "notanumber"),
        "-NOMASTERLINK Can't SYNC while not connected with my master\r\n",
      );
      // A master parses the offset once the other checks passed.
      for (const c of [ours, ref]) assert.equal(await c.call("REPLICAOF", "NO", "ONE"), "+OK\r\n");
      const [a, b] = [await ours.call("PSYNC", "?", "x"), await ref.call("PSYNC", "?", "x")];
      assert.equal(a, "-ERR value is not an integer or out of range\r\n");
      assert.equal(a, b);
      // An unsupported rdb-filter-only option is refused, yet the data stays excluded: a
      // filtered RDB needs the EOF form.
      for (const args of [["REPLCONF", "rdb-filter-only", "functions keys"], ["SYNC"]]) {
        const [a, b] = [await ours.call(...args), await ref.call(...args)];
        assert.equal(a, b, args.join(" "));
      }
      assert.equal(await ours.call("SYNC"), "-ERR Filtered replica requires EOF capability\r\n");
    });
  },
});

Deno.test({
  name: "audit: WAIT and WAITAOF that block with no replica move the offset by the GETACK's 1",
  ignore: !HAS_VALKEY,
  async fn() {
    requireValkey();
    const script: (string | number)[][] = [
      ["ROLE"],
      ["WAIT", 0, 0], // enough acks at once: no GETACK
      ["ROLE"],
      ["WAIT", 1, 10],
      ["ROLE"],
      ["WAITAOF", 0, 1, 10],
      ["ROLE"],
      ["EVAL", "return redis.call('wait', '1', '10')", 0], // a script cannot block: no GETACK
      ["ROLE"],
    ];
    await withOursAndReference({}, async (ours, ref, srv) => {
      const theirs: string[] = [];
      const mine: string[] = [];
      for (const args of script) {
        mine.push(await ours.call(...args));
        theirs.push(await ref.call(...args));
      }
      assert.deepEqual(mine, theirs);
      assert.equal(srv.server.repl.offset, 2);
      assert.equal((await infoFields(ours, "replication")).get("master_repl_offset"), "2");
      assert.equal(srv.server.repl.backlog, null);
    });
  },
});

/** A server of ours (in-process) or valkey's (a process), stopped once. */
interface Node {
  port: number;
  stop(): Promise<void>;
}

async function startNode(valkey: boolean, options: ServerOptions): Promise<Node> {
  let stopped = false;
  if (valkey) {
    const p = await spawnServer(optionsToArgs(options), "valkey-server");
    return {
      port: p.port,
      stop: async () => {
        if (!stopped) await stopSpawned(p);
        stopped = true;
      },
    };
  }
  const srv = await startServer(options);
  return {
    port: srv.port,
    stop: async () => {
      if (!stopped) await srv.close();
      stopped = true;
    },
  };
}

/** INFO replication and ROLE with ids, ports and elapsed seconds made comparable. */
async function linkState(c: RawClient): Promise<string[]> {
  const lines = (await replicationLines(c)).map((l) =>
    l.replace(/\b(?!0{40}\b)[0-9a-f]{40}\b/, "ID")
      .replace(/^master_port:\d+$/, "master_port:P")
      .replace(
        /^(master_link_down_since_seconds|master_last_io_seconds_ago|master_sync_last_io_seconds_ago):\d+$/,
        "$1:N",
      )
  );
  const role = (await c.call("ROLE")).replace(/:\d{3,5}\r\n/, ":P\r\n")
    .replace("$10\r\nconnecting\r\n", "$7\r\nconnect\r\n"); // either, between two attempts
  return [...lines, `ROLE ${JSON.stringify(role)}`];
}

/**
 * A replica in sync with its master; the master dies; the replica is pointed at another
 * (unreachable) master, promoted, and made a replica again: INFO replication and ROLE in
 * each state.
 */
async function replicaLinkStates(valkey: boolean): Promise<string[][]> {
  // No PING into the stream meanwhile: the offsets stay the same on both servers.
  const common = {
    "repl-ping-replica-period": 3600,
    "repl-diskless-sync-delay": 0,
    "repl-backlog-size": 1048576,
  };
  const m = await startNode(valkey, common);
  const r = await startNode(valkey, { ...common, replicaof: ["127.0.0.1", String(m.port)] });
  const states: string[][] = [];
  try {
    await withConn(r.port, async (rc) => {
      await withConn(m.port, async (mc) => {
        await masterLink(rc, "up", 20_000);
        assert.equal(await mc.call("SET", "k", "v"), "+OK\r\n");
        await caughtUp(mc, rc);
        states.push(await linkState(rc));
      });
      await m.stop();
      await masterLink(rc, "down");
      states.push(await linkState(rc));
      // Another master: the cached master state (offsets, down-since) stays.
      assert.equal(await rc.call("REPLICAOF", "127.0.0.1", String(freePort())), "+OK\r\n");
      states.push(await linkState(rc));
      assert.equal(await rc.call("REPLICAOF", "NO", "ONE"), "+OK\r\n");
      states.push(await linkState(rc));
      // A master turned replica PSYNCs from its own offset: it is its read offset too.
      assert.equal(await rc.call("SET", "x", "1"), "+OK\r\n");
      assert.equal(await rc.call("REPLICAOF", "127.0.0.1", String(freePort())), "+OK\r\n");
      states.push(await linkState(rc));
    });
  } finally {
    await r.stop();
    await m.stop();
  }
  return states;
}

Deno.test({
  name:
    "audit: INFO replication and ROLE on a replica after its master died, moved, promoted, demoted, as valkey",
  ignore: !HAS_VALKEY,
  async fn() {
    requireValkey();
    const theirs = await replicaLinkStates(true);
    const ours = await replicaLinkStates(false);
    assert.deepEqual(ours, theirs);
    // What the comparison is about: the read offset and down-since outlive the link.
    const down = new Map(ours[1].map((l) => l.split(":") as [string, string]));
    assert.equal(down.get("slave_read_repl_offset"), down.get("slave_repl_offset"));
    assert.equal(down.get("master_link_down_since_seconds"), "N");
    const moved = new Map(ours[2].map((l) => l.split(":") as [string, string]));
    assert.equal(moved.get("master_link_down_since_seconds"), "N");
    assert.equal(moved.get("slave_read_repl_offset"), down.get("slave_repl_offset"));
    const demoted = new Map(ours[4].map((l) => l.split(":") as [string, string]));
    assert.equal(demoted.get("slave_read_repl_offset"), demoted.get("master_repl_offset"));
    assert.equal(demoted.get("master_link_down_since_seconds"), "-1");
  },
});

/** Asks for a full sync as a replica listening on 4321 would, then waits for it. */
async function rawReplica(port: number): Promise<RawClient> {
  const c = await RawClient.connect(port);
  assert.equal(await c.call("REPLCONF", "listening-port", 4321), "+OK\r\n");
  assert.equal(await c.call("REPLCONF", "capa", "eof", "capa", "psync2"), "+OK\r\n");
  await c.send("PSYNC", "?", "-1");
  return c;
}

Deno.test({
  name: "audit: a replica waiting for its RDB is listed with lag 0, as valkey",
  ignore: !HAS_VALKEY,
  async fn() {
    requireValkey();
    // Diskless with a long delay: the replica waits for its snapshot (wait_bgsave).
    const args = ["--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "60"];
    let theirs = "";
    await withReference(async (port) => {
      const r = await rawReplica(port);
      await withConn(port, async (c) => {
        theirs = await waitingFor(c);
      });
      r.close();
    }, args);
    await withClient(
      { "repl-diskless-sync": "yes", "repl-diskless-sync-delay": 60 },
      async (c, srv) => {
        const r = await rawReplica(srv.port);
        assert.equal(await waitingFor(c), theirs);
        assert.match(theirs, /^slave0:ip=127\.0\.0\.1,port=4321,state=wait_bgsave,offset=0,lag=0$/);
        // However long it waits, the lag is not counted before it is online.
        for (const peer of replicationOf(srv.server).replicas.values()) peer.ackTime -= 5000;
        assert.equal(await waitingFor(c), theirs);
        r.close();
      },
    );
  },
});

/** Reads `stream` line by line (each call: the next line, without its newline). */
function lineReader(stream: ReadableStream<Uint8Array>): () => Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let text = "";
  return async () => {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the stream ended after ${JSON.stringify(text)}`);
      text += decoder.decode(value);
    }
    const i = text.indexOf("\n");
    const line = text.slice(0, i);
    text = text.slice(i + 1);
    return line;
  };
}

/** The slave0 line once one replica is attached. */
async function waitingFor(c: RawClient): Promise<string> {
  await waitUntil(
    async () => (await infoFields(c, "replication")).get("connected_slaves") === "1",
    "one replica",
    { intervalMs: 5 },
  );
  return (await replicationLines(c)).find((l) => l.startsWith("slave0:"))!;
}

Deno.test({
  name:
    "audit: redis-cli --rdb saves our dataset (valkey loads the same digest), --replica logs our stream",
  ignore: !runsWith("redis-cli") || REFERENCE_SERVER === null,
  async fn() {
    const [dir, cleanup] = await tempDir();
    try {
      await withClient(
        {
          "repl-diskless-sync-delay": 0,
          "repl-ping-replica-period": 3600,
          "enable-debug-command": "yes",
        },
        async (c, srv) => {
          for (const args of datasetCommands()) {
            const r = await c.call(...args);
            assert.ok(!r.startsWith("-"), `${args.join(" ")}: ${r}`);
          }
          const digest = await c.call("DEBUG", "DIGEST");
          assert.match(digest, /^\+[0-9a-f]{40}\r\n$/);
          assert.notEqual(digest, `+${"0".repeat(40)}\r\n`);
          const out = await new Deno.Command("redis-cli", {
            args: ["-p", String(srv.port), "--rdb", `${dir}/dump.rdb`],
            stdout: "piped",
            stderr: "piped",
          }).output();
          assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
          assert.match(new TextDecoder().decode(out.stderr), /Transfer finished with success/);
          await withServerBinary(REFERENCE_SERVER!, dir, async (ref) => {
            assert.equal(await ref.call("DEBUG", "DIGEST"), digest);
          }, ["--dbfilename", "dump.rdb", "--enable-debug-command", "yes"]);

          // --replica: an empty RDB (rdb-filter-only ""), then the stream as it comes; the
          // progress goes to stderr, the commands to stdout.
          const cli = new Deno.Command("redis-cli", {
            args: ["-p", String(srv.port), "--replica"],
            stdout: "piped",
            stderr: "piped",
          }).spawn();
          const stdout = lineReader(cli.stdout);
          const stderr = lineReader(cli.stderr);
          const logged: string[] = [];
          try {
            while (!(await stderr()).includes("Logging commands from master.")) { /* progress */ }
            assert.deepEqual(await replies(srv.port, [["SET", "a", "1"]]), ["+OK\r\n"]);
            assert.deepEqual(await replies(srv.port, [["SELECT", 3], ["INCR", "c"]]), [
              "+OK\r\n",
              ":1\r\n",
            ]);
            while (logged.length < 3) logged.push(await stdout());
          } finally {
            cli.kill("SIGKILL");
            await cli.status;
          }
          // The command name as the client sent it, as Redis propagates it.
          assert.deepEqual(logged, ['"SET","a","1"', '"SELECT","3"', '"INCR","c"']);
        },
      );
    } finally {
      await cleanup();
    }
  },
});

Deno.test("audit: CLIENT KILL TYPE master drops the link at once; it reconnects at once and continues", async () => {
  const opts = { "repl-diskless-sync-delay": 0, "repl-ping-replica-period": 3600 };
  await withClient(opts, async (m, ms) => {
    await withClient({ ...opts, replicaof: ["127.0.0.1", String(ms.port)] }, async (r, rs) => {
      await masterLink(r);
      // The master client as CLIENT LIST shows it: flag M, and no ACL user (Redis's name).
      const line = await cmd(r, "CLIENT", "LIST", "TYPE", "master") as string;
      assert.match(line, / flags=M .* user=\(superuser\) /);
      const log = captureLog(rs);
      assert.equal(await r.call("CLIENT", "KILL", "TYPE", "master"), ":1\r\n");
      // freeClient(master) caches it and reconnects right away (Redis 7's
      // replicationHandleMasterDisconnection), not at the next cron tick.
      await waitUntil(() => log.length >= 4, () => `four log lines: ${log.join(" / ")}`);
      assert.deepEqual(log.slice(0, 4), [
        "Connection with master lost.",
        "Caching the disconnected master state.",
        `Reconnecting to MASTER 127.0.0.1:${ms.port}`,
        "MASTER <-> REPLICA sync started",
      ]);
      await waitUntil(
        async () => (await infoFields(m, "stats")).get("sync_partial_ok") === "1",
        "a partial resync",
        { timeoutMs: 10_000, intervalMs: 10 },
      );
      assert.equal((await infoFields(m, "stats")).get("sync_full"), "1");
      assert.ok(!log.some((l) => l.startsWith("Connecting to MASTER")), log.join("\n"));
    });
  });
});

/**
 * A master that answers the handshake (PING, REPLCONF, PSYNC with +FULLRESYNC) and then,
 * `transfer` "len" or "eof", sends the start of a 1000-byte RDB (or of an EOF-marked one)
 * and nothing more; "silent" answers nothing at all.
 */
function stalledMaster(transfer: "silent" | "len" | "eof"): { port: number; close(): void } {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const conns: Deno.Conn[] = [];
  const serve = async (conn: Deno.Conn) => {
    let buf: Uint8Array = new Uint8Array(0);
    const chunk = new Uint8Array(4096);
    const write = (s: string) => conn.write(binaryToBytes(s));
    while (true) {
      const n = await conn.read(chunk).catch(() => null);
      if (n === null) return;
      buf = concatBytes([buf, chunk.subarray(0, n)]);
      let parsed;
      while (transfer !== "silent" && (parsed = parseReply(buf)) !== null) {
        buf = buf.subarray(parsed[1]);
        const req = simplify(parsed[0]) as string[];
        const name = req[0].toUpperCase();
        if (name === "PING") await write("+PONG\r\n");
        else if (name === "REPLCONF") await write("+OK\r\n");
        else if (name === "PSYNC") {
          await write(`+FULLRESYNC ${"0123456789".repeat(4)} 100\r\n`);
          const head = transfer === "len" ? "$1000" : `$EOF:${"a".repeat(40)}`;
          await write(`${head}\r\nREDIS0011xxxxxxxxxx`);
        }
      }
    }
  };
  (async () => {
    for await (const conn of listener) {
      conns.push(conn);
      serve(conn);
    }
  })().catch(() => {});
  return {
    port: (listener.addr as Deno.NetAddr).port,
    close() {
      for (const c of [listener, ...conns]) {
        try {
          c.close();
        } catch { /* closed */ }
      }
    },
  };
}

/**
 * INFO replication and ROLE of a replica (a fresh one, never synced) pointed at nothing, at a
 * master that never answers, and at masters that stall mid-RDB in each transfer form.
 */
async function handshakeStates(c: RawClient): Promise<string[][]> {
  const states: string[][] = [];
  const role = async () => (await cmd(c, "ROLE") as unknown[])[3] as string;
  assert.equal(await c.call("REPLICAOF", "127.0.0.1", String(freePort())), "+OK\r\n");
  await waitUntil(async () => /^connect/.test(await role()), "connect", { intervalMs: 5 });
  states.push(await linkState(c));
  const masters = [stalledMaster("silent"), stalledMaster("len"), stalledMaster("eof")];
  try {
    assert.equal(await c.call("REPLICAOF", "127.0.0.1", String(masters[0].port)), "+OK\r\n");
    await waitUntil(async () => await role() === "handshake", "handshake", { intervalMs: 5 });
    states.push(await linkState(c));
    for (const m of masters.slice(1)) {
      assert.equal(await c.call("REPLICAOF", "127.0.0.1", String(m.port)), "+OK\r\n");
      await waitUntil(
        async () => (await infoFields(c, "replication")).get("master_sync_read_bytes") === "19",
        "the RDB's first bytes read",
        { intervalMs: 5 },
      );
      states.push(await linkState(c));
    }
    // The stalled transfer ends with its master; the link was never up.
    masters[2].close();
    await waitUntil(
      async () => (await infoFields(c, "replication")).get("master_sync_in_progress") === "0",
      "the transfer given up",
      { intervalMs: 5 },
    );
    states.push(await linkState(c));
  } finally {
    for (const m of masters) m.close();
  }
  return states;
}

Deno.test({
  name:
    "audit: INFO replication and ROLE while connecting, in the handshake and mid-RDB, as valkey",
  ignore: !HAS_VALKEY,
  async fn() {
    requireValkey();
    await withOursAndReference({}, async (ours, ref) => {
      const theirs = await handshakeStates(ref);
      const mine = await handshakeStates(ours);
      assert.deepEqual(mine, theirs);
      // What is compared: the transfer's progress fields, in both forms.
      assert.ok(mine[2].includes("master_sync_total_bytes:1000"), mine[2].join("\n"));
      assert.ok(mine[3].includes("master_sync_left_bytes:-19"), mine[3].join("\n"));
    }, ["--repl-backlog-size", "1048576"]);
  },
});

Deno.test({
  name:
    "audit: our replica authenticates to valkey with masterauth, and with masteruser (ACL user)",
  ignore: !HAS_VALKEY,
  async fn() {
    requireValkey();
    const args = [
      ...["--requirepass", "s3cret", "--repl-diskless-sync-delay", "0"],
      // A user allowed only what a replica sends.
      ...["--user", "repl", "on", ">replpw", "+ping", "+replconf", "+psync", "+sync"],
    ];
    await withReference(async (mport) => {
      const m = await RawClient.connect(mport);
      try {
        assert.equal(await m.call("AUTH", "s3cret"), "+OK\r\n");
        assert.equal(await m.call("SET", "k", "v"), "+OK\r\n");
        const auths: ServerOptions[] = [
          { masterauth: "s3cret" },
          { masteruser: "repl", masterauth: "replpw" },
        ];
        for (const auth of auths) {
          const opts = { ...auth, replicaof: ["127.0.0.1", String(mport)] };
          await withClient(opts, async (r) => {
            await masterLink(r);
            assert.equal(await r.call("GET", "k"), "$1\r\nv\r\n", JSON.stringify(auth));
          });
        }
        // A wrong password: the link stays down (AUTH fails, retried every second).
        await withClient(
          { masterauth: "wrong", replicaof: ["127.0.0.1", String(mport)] },
          async (r, rs) => {
            const log = captureLog(rs);
            await waitUntil(
              () => log.some((l) => l.startsWith("Unable to AUTH to MASTER")),
              "AUTH refused",
            );
            assert.equal((await infoFields(r, "replication")).get("master_link_status"), "down");
          },
        );
      } finally {
        m.close();
      }
    }, args);
  },
});

Deno.test({
  name: "audit: a valkey replica authenticates to our master with masterauth",
  ignore: !HAS_VALKEY,
  async fn() {
    requireValkey();
    await withClient({ requirepass: "s3cret", "repl-diskless-sync-delay": 0 }, async (m, ms) => {
      assert.equal(await m.call("AUTH", "s3cret"), "+OK\r\n");
      assert.equal(await m.call("SET", "k", "v"), "+OK\r\n");
      await withReference(async (rport) => {
        await withConn(rport, async (r) => {
          await masterLink(r);
          assert.equal(await r.call("GET", "k"), "$1\r\nv\r\n");
        });
      }, ["--masterauth", "s3cret", "--replicaof", "127.0.0.1", String(ms.port)]);
    });
  },
});

/**
 * With one replica attached (a backlog exists): PSYNC with the replication id in capitals
 * continues, PSYNC with an id starting with "?" is a full resync asked for on purpose.
 * Returns the replies and the sync counters.
 */
async function psyncIdCases(mport: number): Promise<string[]> {
  const out: string[] = [];
  await withConn(mport, async (m) => {
    const repl = await infoFields(m, "replication");
    const id = repl.get("master_replid")!;
    const next = Number(repl.get("master_repl_offset")) + 1;
    const r = await RawClient.connect(mport);
    try {
      assert.equal(await r.call("REPLCONF", "capa", "psync2"), "+OK\r\n");
      out.push((await r.call("PSYNC", id.toUpperCase(), next)).replace(id, "ID"));
    } finally {
      r.close();
    }
    const full = await RawClient.connect(mport);
    try {
      await full.send("PSYNC", "?abc", -1);
      out.push((await full.readRaw()).replace(/[0-9a-f]{40} \d+/, "ID N"));
    } finally {
      full.close();
    }
    const stats = await infoFields(m, "stats");
    for (const k of ["sync_full", "sync_partial_ok", "sync_partial_err"]) {
      out.push(`${k}:${stats.get(k)}`);
    }
  });
  return out;
}

/** `fn` on a master (ours or valkey's) with one replica of the same kind online. */
async function withMasterAndReplica(
  valkey: boolean,
  fn: (mport: number) => Promise<void>,
): Promise<void> {
  const opts = { "repl-diskless-sync-delay": 0, "repl-ping-replica-period": 3600 };
  const m = await startNode(valkey, opts);
  const r = await startNode(valkey, { ...opts, replicaof: ["127.0.0.1", String(m.port)] });
  try {
    await withConn(r.port, (rc) => masterLink(rc));
    await fn(m.port);
  } finally {
    await r.stop();
    await m.stop();
  }
}

Deno.test({
  name: "audit: PSYNC matches the replication id whatever its case; '?...' asks for a full resync",
  ignore: !HAS_VALKEY,
  async fn() {
    requireValkey();
    let theirs: string[] = [];
    await withMasterAndReplica(true, async (port) => {
      theirs = await psyncIdCases(port);
    });
    let ours: string[] = [];
    await withMasterAndReplica(false, async (port) => {
      ours = await psyncIdCases(port);
    });
    assert.deepEqual(ours, theirs);
    assert.deepEqual(ours, [
      "+CONTINUE ID\r\n",
      "+FULLRESYNC ID N\r\n",
      "sync_full:2",
      "sync_partial_ok:1",
      "sync_partial_err:0",
    ]);
  },
});
