/**
 * The append-only file: layout and bytes next to valkey-server's, replay after a restart,
 * BGREWRITEAOF under concurrent writes, CONFIG SET appendonly, torn and corrupt files, the
 * old single-file upgrade, and acknowledged writes surviving kill -9 with appendfsync always.
 */

import assert from "node:assert/strict";
import { type RunningServer, type ServerOptions, startServer } from "../mod.ts";
import { AofLoadError } from "../src/persistence/aof.ts";
import { AofManifest } from "../src/persistence/aof_manifest.ts";
import type { RedisStream } from "../src/store/stream.ts";
import { idText, maxId, zeroId } from "../src/store/stream.ts";
import {
  bytesToBinary,
  connectRetry,
  encodeCommand,
  freePort,
  RawClient,
  tempDir,
  waitUntil,
} from "./helpers.ts";
import { REFERENCE_IS_VALKEY, withReference } from "./reference.ts";

type Arg = string | number;

const dec = new TextDecoder("latin1");

/** Options of an AOF server in `dir` (command-form base so valkey's layout is comparable). */
function aofOptions(dir: string, extra: ServerOptions = {}): ServerOptions {
  return {
    dir,
    appendonly: "yes",
    "aof-use-rdb-preamble": "no",
    logfile: `${dir}/server.log`,
    loglevel: "notice",
    ...extra,
  };
}

/** Every key of every db with its TTL and contents, canonical (set and hash members sorted). */
function dumpDataset(srv: RunningServer): string[] {
  const out: string[] = [];
  for (const db of srv.server.keyspace.dbs) {
    for (const e of db.entries()) {
      const v = e.value;
      let text: string;
      if (v instanceof Uint8Array) {
        text = "string " + JSON.stringify(bytesToBinary(v));
      } else if (v.type === "stream") {
        text = dumpStream(v as unknown as RedisStream);
      } else {
        const parts: string[] = [];
        v.forEach((el, extra) => {
          const a = typeof el === "string" ? el : bytesToBinary(el);
          const b = extra instanceof Uint8Array ? bytesToBinary(extra) : extra;
          parts.push(JSON.stringify(b === undefined ? [a] : [a, b]));
        });
        if (v.type === "set" || v.type === "hash") parts.sort();
        text = `${v.type} ${parts.join(",")}`;
      }
      out.push(`${db.id} ${JSON.stringify(e.key)} ttl=${e.expireAt} ${text}`);
    }
  }
  return out.sort();
}

function dumpStream(s: RedisStream): string {
  const entries: string[] = [];
  s.range(zeroId(), maxId(), false, 0, (id, fields) => {
    entries.push(idText(id) + ":" + fields.map(bytesToBinary).join("|"));
    return true;
  });
  const groups: string[] = [];
  for (const name of [...s.groups.keys()].sort()) {
    const g = s.groups.get(name)!;
    const consumers: string[] = [];
    for (const cname of [...g.consumers.keys()].sort()) {
      const pel = g.consumers.get(cname)!.pel.ordered().map((n) =>
        `${idText(n.id)}@${n.deliveryTime}x${n.deliveryCount}`
      );
      consumers.push(`${cname}[${pel.join(" ")}]`);
    }
    const pel = g.pel.ordered().map((n) => `${idText(n.id)}>${n.consumer.name}`);
    groups.push(
      `${name} last=${idText(g.lastId)} read=${g.entriesRead} pel=${pel.join(" ")} ${
        consumers.join(" ")
      }`,
    );
  }
  return `stream ${entries.join(",")} last=${idText(s.lastId)} added=${s.entriesAdded} maxdel=${
    idText(s.maxDeletedEntryId)
  } groups=${groups.join(";")}`;
}

/** Sends commands pipelined and reads every reply; returns the raw replies. */
async function pipeline(c: RawClient, cmds: Arg[][]): Promise<string[]> {
  const parts = cmds.map((a) => encodeCommand(a));
  let n = 0;
  for (const p of parts) n += p.length;
  const all = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    all.set(p, off);
    off += p.length;
  }
  await c.write(all);
  const out: string[] = [];
  for (let i = 0; i < cmds.length; i++) out.push(await c.readRaw());
  return out;
}

/** A dataset with every type, big and small encodings, TTLs, several dbs and binary names. */
function workload(round: number): Arg[][] {
  const r = `r${round}:`;
  const cmds: Arg[][] = [];
  for (let i = 0; i < 150; i++) cmds.push(["SET", `${r}s:${i}`, `value-${i}`]);
  for (let i = 0; i < 20; i++) cmds.push(["SET", `${r}ttl:${i}`, i, "EX", 1000 + i]);
  cmds.push(["SET", `${r}bin\r\n\x00key`, "bin\x00\xff\r\nvalue"]);
  cmds.push(["SET", `${r}n`, 10], ["INCRBY", `${r}n`, 5], ["INCRBYFLOAT", `${r}f`, "1.25"]);
  cmds.push(["APPEND", `${r}s:1`, "-more"], ["SETRANGE", `${r}s:2`, 2, "XY"]);
  const big: string[] = [];
  for (let i = 0; i < 200; i++) big.push(`e${i}`);
  cmds.push(["RPUSH", `${r}biglist`, ...big], ["LPUSH", `${r}list`, "a", "b", "c"]);
  cmds.push(["LPOP", `${r}biglist`], ["LSET", `${r}list`, 0, "z"], [
    "RPOPLPUSH",
    `${r}list`,
    `${r}list2`,
  ]);
  cmds.push(["SADD", `${r}intset`, 1, 2, 3, -7], ["SADD", `${r}set`, "x", "y", "z"]);
  cmds.push(["SADD", `${r}bigset`, ...big.slice(0, 150)], ["SREM", `${r}bigset`, "e3"]);
  cmds.push(["SPOP", `${r}set`], ["SPOP", `${r}intset`, 2]);
  cmds.push(["ZADD", `${r}zset`, "0.1", "a", "-inf", "b", "1e300", "c", "2.5", "d"]);
  const zbig: Arg[] = [];
  for (let i = 0; i < 140; i++) zbig.push(i / 3, `m${i}`);
  cmds.push(["ZADD", `${r}bigzset`, ...zbig], ["ZINCRBY", `${r}zset`, "0.2", "a"]);
  cmds.push(["ZPOPMIN", `${r}bigzset`]);
  cmds.push(["HSET", `${r}hash`, "f1", "v1", "f2", "v2"], ["HINCRBY", `${r}hash`, "n", 3]);
  const hbig: string[] = [];
  for (let i = 0; i < 130; i++) hbig.push(`f${i}`, `v${i}`);
  cmds.push(["HSET", `${r}bighash`, ...hbig], ["HDEL", `${r}bighash`, "f5"]);
  cmds.push(["HINCRBYFLOAT", `${r}hash`, "fl", "0.5"]);
  for (let i = 1; i <= 6; i++) {
    cmds.push(["XADD", `${r}stream`, `${i}-1`, "field", `v${i}`, "n", i]);
  }
  cmds.push(["XGROUP", "CREATE", `${r}stream`, "g1", "0"]);
  cmds.push(["XGROUP", "CREATE", `${r}stream`, "g2", "$"]);
  cmds.push(["XREADGROUP", "GROUP", "g1", "alice", "COUNT", "2", "STREAMS", `${r}stream`, ">"]);
  cmds.push(["XREADGROUP", "GROUP", "g1", "bob", "COUNT", "1", "STREAMS", `${r}stream`, ">"]);
  cmds.push(["XACK", `${r}stream`, "g1", "1-1"]);
  cmds.push(["XGROUP", "CREATECONSUMER", `${r}stream`, "g1", "carol"]);
  cmds.push(["XDEL", `${r}stream`, "5-1"]);
  cmds.push(["XADD", `${r}empty`, "1-1", "a", "b"], ["XDEL", `${r}empty`, "1-1"]);
  cmds.push(["EXPIRE", `${r}s:3`, 5000], ["PEXPIREAT", `${r}s:4`, Date.now() + 900_000]);
  cmds.push(["PERSIST", `${r}ttl:0`], ["DEL", `${r}s:5`], ["RENAME", `${r}s:6`, `${r}renamed`]);
  cmds.push(["MULTI"], ["SET", `${r}tx`, 1], ["INCR", `${r}tx`], ["LPUSH", `${r}txl`, "q"], [
    "EXEC",
  ]);
  cmds.push(["SELECT", 3], ["SET", `${r}db3`, "three"], ["HSET", `${r}db3h`, "a", "b"]);
  cmds.push(["MOVE", `${r}db3`, 5], ["SELECT", 0]);
  cmds.push(["COPY", `${r}hash`, `${r}hashcopy`], ["PUBLISH", "ch", "not logged"]);
  return cmds;
}

/** Waits until no AOF rewrite runs or is scheduled. */
/** Starts a server with `options` and checks that it loaded exactly `want` (dumpDataset). */
async function expectLoads(options: ServerOptions, want: string[]): Promise<void> {
  const srv = await startServer(options);
  try {
    assert.deepEqual(dumpDataset(srv), want);
  } finally {
    await srv.close();
  }
}

async function waitRewriteDone(c: RawClient): Promise<void> {
  await waitUntil(
    async () => {
      const info = await c.call("INFO", "persistence");
      return info.includes("aof_rewrite_in_progress:0") && info.includes("aof_rewrite_scheduled:0");
    },
    "the AOF rewrite to finish",
    { timeoutMs: 20_000, intervalMs: 10 },
  );
}

async function listDir(dir: string): Promise<string[]> {
  const names: string[] = [];
  for await (const e of Deno.readDir(dir)) names.push(e.name);
  return names.sort();
}

async function readText(path: string): Promise<string> {
  return dec.decode(await Deno.readFile(path));
}

async function writeAof(dir: string, files: Record<string, string>): Promise<void> {
  await Deno.mkdir(`${dir}/appendonlydir`, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeFile(
      `${dir}/appendonlydir/${name}`,
      Uint8Array.from(text, (ch) => ch.charCodeAt(0)),
    );
  }
}

const cmd = (...a: string[]) => dec.decode(encodeCommand(a));

// ---------------------------------------------------------------------------------------------

Deno.test("aof: a restart replays base and incr files into the same dataset", async () => {
  const [dir, cleanup] = await tempDir();
  try {
    let before: string[];
    const srv = await startServer(aofOptions(dir, { appendfsync: "always" }));
    try {
      const c = await RawClient.connect(srv.port);
      await pipeline(c, workload(1));
      assert.equal(
        await c.call("BGREWRITEAOF"),
        "+Background append only file rewriting started\r\n",
      );
      await waitRewriteDone(c);
      await pipeline(c, workload(2));
      before = dumpDataset(srv);
      assert.ok(before.length > 300, `dataset size ${before.length}`);
      c.close();
    } finally {
      await srv.close();
    }
    assert.deepEqual(await listDir(`${dir}/appendonlydir`), [
      "appendonly.aof.2.base.aof",
      "appendonly.aof.2.incr.aof",
      "appendonly.aof.manifest",
    ]);
    const again = await startServer(aofOptions(dir));
    try {
      assert.deepEqual(dumpDataset(again), before);
      // What was loaded is not logged again: the incr file is appended to.
      assert.match(
        await readText(`${dir}/server.log`),
        /DB loaded from base file appendonly\.aof\.2\.base\.aof.*\n.*DB loaded from incr file appendonly\.aof\.2\.incr\.aof/,
      );
    } finally {
      await again.close();
    }
    // Loaded a second time from the same files (nothing was appended by the load).
    await expectLoads(aofOptions(dir), before);
  } finally {
    await cleanup();
  }
});

Deno.test("aof: with the default aof-use-rdb-preamble yes the base is an RDB file, loaded at restart", async () => {
  const [dir, cleanup] = await tempDir();
  try {
    const srv = await startServer({ dir, appendonly: "yes" });
    let before: string[];
    try {
      const c = await RawClient.connect(srv.port);
      await pipeline(c, workload(1));
      await c.call("BGREWRITEAOF");
      await waitRewriteDone(c);
      before = dumpDataset(srv);
      c.close();
    } finally {
      await srv.close();
    }
    const m = AofManifest.parse(await readText(`${dir}/appendonlydir/appendonly.aof.manifest`));
    assert.equal(m.base?.name, "appendonly.aof.2.base.rdb");
    const base = await Deno.readFile(`${dir}/appendonlydir/appendonly.aof.2.base.rdb`);
    assert.equal(new TextDecoder().decode(base.subarray(0, 9)), "REDIS0010");
    await expectLoads({ dir, appendonly: "yes" }, before);
  } finally {
    await cleanup();
  }
});

/**
 * Our server and valkey-server side by side, each on its own directory under a
 * fresh temp dir (`ours` from `options`, the reference from `refArgs`), with a
 * client on each.
 */
async function withOursAndValkey(
  options: (oursDir: string) => ServerOptions,
  refArgs: (refDir: string) => string[],
  fn: (ours: RawClient, ref: RawClient, oursDir: string, refDir: string) => Promise<void>,
): Promise<void> {
  const [root, cleanup] = await tempDir();
  const oursDir = `${root}/ours`;
  const refDir = `${root}/ref`;
  await Deno.mkdir(oursDir);
  await Deno.mkdir(refDir);
  try {
    const srv = await startServer(options(oursDir));
    try {
      await withReference(async (refPort) => {
        const ours = await RawClient.connect(srv.port);
        const ref = await connectRetry(refPort);
        try {
          await fn(ours, ref, oursDir, refDir);
        } finally {
          ours.close();
          ref.close();
        }
      }, refArgs(refDir));
    } finally {
      await srv.close();
    }
  } finally {
    await cleanup();
  }
}

Deno.test({
  name: "aof: manifest, file names and incr bytes match valkey-server's for the same commands",
  ignore: !REFERENCE_IS_VALKEY,
  fn: async () => {
    const at = Date.now() + 3_600_000;
    const seq1: Arg[][] = [
      ["SET", "a", "1"],
      ["SET", "b", "2", "PXAT", at],
      ["PEXPIREAT", "a", at],
      ["INCRBYFLOAT", "f", "1.5"],
      ["PUBLISH", "ch", "m"],
      ["SELECT", "2"],
      ["LPUSH", "l", "x", "y"],
      ["MULTI"],
      ["SET", "t", "1"],
      ["INCR", "t"],
      ["EXEC"],
      ["SELECT", "0"],
      ["HSET", "h", "f", "v"],
      ["SADD", "s", "only"],
      ["SPOP", "s"],
      ["ZADD", "z", "1.5", "m"],
      ["XADD", "x", "1-1", "k", "v"],
      ["DEL", "b"],
    ];
    const seq2: Arg[][] = [["SET", "after", "rewrite"], ["SELECT", "1"], ["RPUSH", "r", "1"]];
    await withOursAndValkey(
      (oursDir) => aofOptions(oursDir),
      (refDir) => ["--dir", refDir, "--appendonly", "yes", "--aof-use-rdb-preamble", "no"],
      async (ours, ref, oursDir, refDir) => {
        const files = async () => ({
          ours: await listDir(`${oursDir}/appendonlydir`),
          ref: await listDir(`${refDir}/appendonlydir`),
        });
        // valkey accepts connections before it creates its files.
        const start = ["appendonly.aof.1.base.aof", "appendonly.aof.1.incr.aof"];
        start.push("appendonly.aof.manifest");
        await waitUntil(
          async () =>
            (await files().catch(() => ({ ref: [] as string[] }))).ref.join() === start.join(),
          "valkey's AOF files",
        );
        let f = await files();
        assert.deepEqual(f.ours, f.ref);
        assert.deepEqual(f.ours, [
          "appendonly.aof.1.base.aof",
          "appendonly.aof.1.incr.aof",
          "appendonly.aof.manifest",
        ]);
        assert.deepEqual(await pipeline(ours, seq1), await pipeline(ref, seq1));
        // valkey writes before it replies; ours too (the reply came after the write).
        const incr = "appendonlydir/appendonly.aof.1.incr.aof";
        assert.equal(await readText(`${oursDir}/${incr}`), await readText(`${refDir}/${incr}`));
        for (const c of [ours, ref]) {
          assert.equal(
            await c.call("BGREWRITEAOF"),
            "+Background append only file rewriting started\r\n",
          );
          await waitRewriteDone(c);
        }
        // valkey unlinks the history files in the background.
        await waitUntil(
          async () => (await files()).ref.length === 3,
          "valkey's history files to go",
        );
        f = await files();
        assert.deepEqual(f.ours, f.ref);
        assert.deepEqual(f.ours, [
          "appendonly.aof.2.base.aof",
          "appendonly.aof.2.incr.aof",
          "appendonly.aof.manifest",
        ]);
        const manifest = "appendonlydir/appendonly.aof.manifest";
        assert.equal(
          await readText(`${oursDir}/${manifest}`),
          await readText(`${refDir}/${manifest}`),
        );
        // The bases hold the same commands (keys in another order).
        const base = "appendonlydir/appendonly.aof.2.base.aof";
        const lines = async (p: string) => (await readText(p)).split("*").sort();
        assert.deepEqual(await lines(`${oursDir}/${base}`), await lines(`${refDir}/${base}`));
        await pipeline(ours, seq2);
        await pipeline(ref, seq2);
        const incr2 = "appendonlydir/appendonly.aof.2.incr.aof";
        assert.equal(
          await readText(`${oursDir}/${incr2}`),
          await readText(`${refDir}/${incr2}`),
        );
      },
    );
  },
});

Deno.test({
  name: "aof: CONFIG SET appendonly yes starts with a rewrite, as valkey-server does",
  ignore: !REFERENCE_IS_VALKEY,
  fn: async () => {
    await withOursAndValkey(
      (oursDir) => ({ dir: oursDir, "aof-use-rdb-preamble": "no" }),
      (refDir) => ["--dir", refDir, "--aof-use-rdb-preamble", "no"],
      async (ours, ref, oursDir, refDir) => {
        for (const c of [ours, ref]) {
          assert.equal(await c.call("SET", "k", "v"), "+OK\r\n");
          assert.equal(await c.call("CONFIG", "SET", "appendonly", "yes"), "+OK\r\n");
          await c.call("SET", "during", "1");
          await waitRewriteDone(c);
          assert.match(await c.call("INFO", "persistence"), /aof_enabled:1\r\n/);
          await c.call("SET", "after", "2");
        }
        for (
          const name of [
            "appendonly.aof.manifest",
            "appendonly.aof.1.base.aof",
            "appendonly.aof.1.incr.aof",
          ]
        ) {
          assert.equal(
            await readText(`${oursDir}/appendonlydir/${name}`),
            await readText(`${refDir}/appendonlydir/${name}`),
            name,
          );
        }
        for (const c of [ours, ref]) {
          assert.equal(await c.call("CONFIG", "SET", "appendonly", "no"), "+OK\r\n");
          assert.match(await c.call("INFO", "persistence"), /aof_enabled:0\r\n/);
          await c.call("SET", "not", "logged");
        }
        const incr = "appendonlydir/appendonly.aof.1.incr.aof";
        assert.equal(await readText(`${oursDir}/${incr}`), await readText(`${refDir}/${incr}`));
      },
    );
  },
});

Deno.test("aof: DEBUG RELOAD during a command-form rewrite leaves a base that restarts into the dataset", async () => {
  const [dir, cleanup] = await tempDir();
  try {
    let before: string[];
    const srv = await startServer(aofOptions(dir, { "enable-debug-command": "yes" }));
    try {
      const c = await RawClient.connect(srv.port);
      // db 0 too big for the walk's first slice; in db 1 a freed id, so that the
      // reload numbers the keys there otherwise than the walk had them.
      assert.equal(await c.call("DEBUG", "POPULATE", 200_000), "+OK\r\n");
      await pipeline(c, [["SELECT", 1], ["SET", "x", 0], ["SET", "a", 1], ["SET", "b", 1], [
        "DEL",
        "x",
      ]]);
      // One batch: nothing else runs between the rewrite's start and the reload.
      const replies = await pipeline(c, [
        ["BGREWRITEAOF"],
        ["SET", "a", 2],
        ["DEBUG", "RELOAD"],
        ["INCR", "a"],
      ]);
      assert.deepEqual(replies, [
        "+Background append only file rewriting started\r\n",
        "+OK\r\n",
        "+OK\r\n",
        ":3\r\n",
      ]);
      await waitRewriteDone(c);
      before = dumpDataset(srv);
      assert.equal(before.length, 200_002);
      c.close();
    } finally {
      await srv.close();
    }
    await expectLoads(aofOptions(dir), before);
  } finally {
    await cleanup();
  }
});

Deno.test("aof: a killed rewrite stops serializing its RDB preamble", async () => {
  const [dir, cleanup] = await tempDir();
  const srv = await startServer(aofOptions(dir, { "aof-use-rdb-preamble": "yes" }));
  const c = await RawClient.connect(srv.port);
  try {
    for (let i = 0; i < 300; i++) srv.exec("SET", `k:${i}`, i);
    assert.equal(await c.call("CONFIG", "SET", "rdb-key-save-delay", 10_000), "+OK\r\n");
    assert.equal(
      await c.call("BGREWRITEAOF"),
      "+Background append only file rewriting started\r\n",
    );
    // Its snapshot's copy-before-write is installed while it serializes.
    assert.notEqual(srv.server.beforeWrite, null);
    // Killed (killAppendOnlyChild); a key then takes a minute: only a snapshot
    // that goes on after the kill would still hold its hook for long.
    assert.deepEqual(
      await pipeline(c, [
        ["CONFIG", "SET", "appendonly", "no"],
        ["CONFIG", "SET", "rdb-key-save-delay", 60_000_000],
      ]),
      ["+OK\r\n", "+OK\r\n"],
    );
    await waitUntil(() => srv.server.beforeWrite === null, "the killed rewrite's snapshot closed", {
      timeoutMs: 20_000,
      intervalMs: 10,
    });
    assert.match(await readText(`${dir}/server.log`), /Killing running AOF rewrite child/);
  } finally {
    await c.call("CONFIG", "SET", "rdb-key-save-delay", 0);
    c.close();
    await srv.close();
    await cleanup();
  }
});

Deno.test("aof: BGREWRITEAOF under concurrent writes loses nothing and keeps its point in time", async () => {
  const [dir, cleanup] = await tempDir();
  try {
    let before: string[];
    let atStart: string[];
    const srv = await startServer(aofOptions(dir));
    try {
      const c = await RawClient.connect(srv.port);
      const fill: Arg[][] = [];
      for (let i = 0; i < 40_000; i++) fill.push(["SET", `k:${i}`, i]);
      for (let i = 0; i < 100; i++) fill.push(["RPUSH", "list", ...Array(100).fill(i)]);
      fill.push(["SET", "counter", 0]);
      await pipeline(c, fill);
      assert.equal(
        await c.call("BGREWRITEAOF"),
        "+Background append only file rewriting started\r\n",
      );
      // The new base must hold exactly this (nothing else runs until the next write is sent).
      atStart = dumpDataset(srv);
      let sawRunning = 0;
      for (let round = 0; round < 50; round++) {
        const writes: Arg[][] = [];
        for (let i = 0; i < 40; i++) {
          const k = (round * 997 + i * 131) % 40_000;
          writes.push(["INCR", `k:${k}`], ["RPUSH", "list", `r${round}`], ["INCR", "counter"]);
          writes.push(["DEL", `k:${(k + 7) % 40_000}`], ["SET", `new:${round}:${i}`, "x"]);
          writes.push(["HSET", `h:${i % 7}`, `f${round}`, round]);
        }
        if (round === 20) writes.push(["SWAPDB", 0, 1], ["SWAPDB", 0, 1]);
        await pipeline(c, writes);
        if ((await c.call("INFO", "persistence")).includes("aof_rewrite_in_progress:1")) {
          sawRunning++;
        }
      }
      // Precondition: writes landed while the rewrite ran.
      assert.ok(sawRunning > 0, "the rewrite finished before any concurrent write");
      await waitRewriteDone(c);
      assert.match(await c.call("INFO", "persistence"), /aof_last_bgrewrite_status:ok/);
      await pipeline(c, [["INCR", "counter"], ["SET", "last", "1"]]);
      before = dumpDataset(srv);
      c.close();
    } finally {
      await srv.close();
    }
    const again = await startServer(aofOptions(dir));
    try {
      assert.deepEqual(dumpDataset(again), before);
      assert.equal(again.exec("GET", "counter"), "$4\r\n2001\r\n");
    } finally {
      await again.close();
    }
    // The base alone is the dataset at the moment BGREWRITEAOF ran.
    const [baseDir, cleanupBase] = await tempDir();
    try {
      await writeAof(baseDir, {
        "appendonly.aof.manifest": "file appendonly.aof.2.base.aof seq 2 type b\n",
      });
      await Deno.copyFile(
        `${dir}/appendonlydir/appendonly.aof.2.base.aof`,
        `${baseDir}/appendonlydir/appendonly.aof.2.base.aof`,
      );
      const base = await startServer(aofOptions(baseDir));
      try {
        assert.deepEqual(dumpDataset(base), atStart);
      } finally {
        await base.close();
      }
    } finally {
      await cleanupBase();
    }
  } finally {
    await cleanup();
  }
});

Deno.test("aof: the AOF is rewritten on its own once it grows past auto-aof-rewrite-percentage", async () => {
  const [dir, cleanup] = await tempDir();
  try {
    const srv = await startServer(
      aofOptions(dir, { "auto-aof-rewrite-min-size": "10kb", "auto-aof-rewrite-percentage": 100 }),
    );
    try {
      const c = await RawClient.connect(srv.port);
      const writes: Arg[][] = [];
      for (let i = 0; i < 400; i++) writes.push(["SET", "same", "x".repeat(100)]);
      await pipeline(c, writes);
      await waitUntil(
        async () => /aof_rewrites:[1-9]/.test(await c.call("INFO", "persistence")),
        "an automatic rewrite",
        { timeoutMs: 10_000, intervalMs: 20 },
      );
      await waitRewriteDone(c);
      assert.match(
        await readText(`${dir}/server.log`),
        /Starting automatic rewriting of AOF on \d+% growth/,
      );
      // The base holds the one key: the AOF shrank.
      const info = await c.call("INFO", "persistence");
      const size = Number(/aof_current_size:(\d+)/.exec(info)![1]);
      assert.ok(size < 10 * 1024, `aof_current_size ${size}`);
      assert.deepEqual(await listDir(`${dir}/appendonlydir`), [
        "appendonly.aof.2.base.aof",
        "appendonly.aof.2.incr.aof",
        "appendonly.aof.manifest",
      ]);
      c.close();
    } finally {
      await srv.close();
    }
  } finally {
    await cleanup();
  }
});

Deno.test("aof: a torn last command is cut with Redis's warnings (aof-load-truncated yes)", async () => {
  const [dir, cleanup] = await tempDir();
  try {
    const good = cmd("SET", "a", "1") + cmd("MULTI") + cmd("SET", "b", "2") + cmd("EXEC");
    const torn = "*3\r\n$3\r\nSET\r\n$1\r\nc\r\n$1\r";
    await writeAof(dir, {
      "appendonly.aof.manifest": "file appendonly.aof.1.incr.aof seq 1 type i\n",
      "appendonly.aof.1.incr.aof": good + torn,
    });
    const srv = await startServer(aofOptions(dir));
    try {
      assert.equal(srv.exec("MGET", "a", "b", "c"), "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n");
      const log = await readText(`${dir}/server.log`);
      assert.match(
        log,
        /!!! Warning: short read while loading the AOF file appendonly\.aof\.1\.incr\.aof!!!/,
      );
      assert.match(
        log,
        new RegExp(
          `!!! Truncating the AOF appendonly\\.aof\\.1\\.incr\\.aof at offset ${good.length} !!!`,
        ),
      );
      assert.match(
        log,
        /AOF appendonly\.aof\.1\.incr\.aof loaded anyway because aof-load-truncated is enabled/,
      );
      // Cut to the last complete command, then appended to.
      srv.exec("SET", "d", "4");
      srv.server.subsystems.find((s) => s.name === "aof")!.beforeReplies!();
      assert.equal(
        await readText(`${dir}/appendonlydir/appendonly.aof.1.incr.aof`),
        good + cmd("SELECT", "0") + cmd("SET", "d", "4"),
      );
    } finally {
      await srv.close();
    }
  } finally {
    await cleanup();
  }
});

Deno.test("aof: a MULTI without EXEC at the end is reverted", async () => {
  const [dir, cleanup] = await tempDir();
  try {
    const good = cmd("SET", "a", "1");
    await writeAof(dir, {
      "appendonly.aof.manifest": "file appendonly.aof.1.incr.aof seq 1 type i\n",
      "appendonly.aof.1.incr.aof": good + cmd("MULTI") + cmd("SET", "b", "2"),
    });
    const srv = await startServer(aofOptions(dir));
    try {
      assert.equal(srv.exec("MGET", "a", "b"), "*2\r\n$1\r\n1\r\n$-1\r\n");
      assert.match(
        await readText(`${dir}/server.log`),
        /Revert incomplete MULTI\/EXEC transaction in AOF file appendonly\.aof\.1\.incr\.aof/,
      );
      assert.equal(
        (await Deno.stat(`${dir}/appendonlydir/appendonly.aof.1.incr.aof`)).size,
        good.length,
      );
    } finally {
      await srv.close();
    }
  } finally {
    await cleanup();
  }
});

Deno.test("aof: torn (aof-load-truncated no), corrupt and unknown-command files stop start-up, untouched", async () => {
  const cases: [string, string, RegExp, number][] = [
    [
      cmd("SET", "a", "1") + "*2\r\n$3\r\nDEL",
      "no",
      /Unexpected end of file reading the append only file appendonly\.aof\.1\.incr\.aof/,
      cmd("SET", "a", "1").length,
    ],
    [
      cmd("SET", "a", "1") + "+garbage\r\n",
      "yes",
      /Bad file format reading the append only file appendonly\.aof\.1\.incr\.aof/,
      cmd("SET", "a", "1").length,
    ],
    [
      cmd("SET", "a", "1") + cmd("NOSUCHCMD", "x"),
      "yes",
      /Unknown command 'NOSUCHCMD' reading the append only file appendonly\.aof\.1\.incr\.aof/,
      cmd("SET", "a", "1").length,
    ],
  ];
  for (const [content, truncated, message, offset] of cases) {
    const [dir, cleanup] = await tempDir();
    try {
      await writeAof(dir, {
        "appendonly.aof.manifest": "file appendonly.aof.1.incr.aof seq 1 type i\n",
        "appendonly.aof.1.incr.aof": content,
      });
      await assert.rejects(
        startServer(aofOptions(dir, { "aof-load-truncated": truncated })),
        (err: unknown) => {
          assert.ok(err instanceof AofLoadError, String(err));
          assert.match(err.message, message);
          assert.equal(err.file, "appendonly.aof.1.incr.aof");
          assert.equal(err.offset, offset);
          return true;
        },
      );
      assert.match(await readText(`${dir}/server.log`), message);
      assert.equal(await readText(`${dir}/appendonlydir/appendonly.aof.1.incr.aof`), content);
    } finally {
      await cleanup();
    }
  }
});

Deno.test("aof: an RDB base file is refused with a clear message until the RDB reader exists", async () => {
  const [dir, cleanup] = await tempDir();
  try {
    await writeAof(dir, {
      "appendonly.aof.manifest":
        "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
      "appendonly.aof.1.base.rdb": "REDIS0011\xfa\x09redis-ver\x057.2.4\xff",
      "appendonly.aof.1.incr.aof": "",
    });
    await assert.rejects(
      startServer(aofOptions(dir)),
      /Error reading the RDB base file appendonly\.aof\.1\.base\.rdb, AOF loading aborted/,
    );
  } finally {
    await cleanup();
  }
});

Deno.test("aof: manifest errors use Redis's texts", () => {
  const bad: [string, RegExp][] = [
    ["", /Found an empty AOF manifest/],
    ["file a seq 1\n", /Invalid AOF manifest file format/],
    ["file a/b seq 1 type b\n", /File can't be a path, just a filename/],
    ["file a seq 1 type b\nfile b seq 2 type b\n", /Found duplicate base file information/],
    ["file a seq 2 type i\nfile b seq 2 type i\n", /Found a non-monotonic sequence number/],
    ["file a seq 1 type x\n", /Unknown AOF file type/],
    ["file a seq 1 type i", /The AOF manifest file contains too long line/],
  ];
  for (const [text, message] of bad) assert.throws(() => AofManifest.parse(text), message);
  const m = AofManifest.parse(
    '# comment\nfile "my file" seq 3 type b\nfile x.1.incr.aof seq 1 type h\nfile x.4.incr.aof seq 4 type i\n',
  );
  assert.equal(m.base?.name, "my file");
  assert.equal(
    m.format(),
    'file "my file" seq 3 type b\nfile x.1.incr.aof seq 1 type h\nfile x.4.incr.aof seq 4 type i\n',
  );
});

Deno.test("aof: an old single appendonly.aof is moved into the directory and loaded", async () => {
  const [dir, cleanup] = await tempDir();
  try {
    const old = cmd("SET", "old", "style") + cmd("RPUSH", "l", "1", "2");
    await Deno.writeFile(`${dir}/appendonly.aof`, Uint8Array.from(old, (ch) => ch.charCodeAt(0)));
    const srv = await startServer(aofOptions(dir));
    try {
      assert.equal(srv.exec("GET", "old"), "$5\r\nstyle\r\n");
      assert.equal(srv.exec("LLEN", "l"), ":2\r\n");
    } finally {
      await srv.close();
    }
    assert.deepEqual(await listDir(`${dir}/appendonlydir`), [
      "appendonly.aof",
      "appendonly.aof.1.incr.aof",
      "appendonly.aof.manifest",
    ]);
    assert.equal(
      await readText(`${dir}/appendonlydir/appendonly.aof.manifest`),
      "file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n",
    );
    assert.match(
      await readText(`${dir}/server.log`),
      /Successfully migrated an old-style AOF file \(appendonly\.aof\) into the AOF directory \(appendonlydir\)\./,
    );
  } finally {
    await cleanup();
  }
});

Deno.test("aof: INFO persistence reports the AOF", async () => {
  const [dir, cleanup] = await tempDir();
  try {
    const srv = await startServer(aofOptions(dir, { "aof-timestamp-enabled": "yes" }));
    try {
      srv.exec("SET", "a", "1");
      const info = srv.exec("INFO", "persistence");
      for (
        const f of [
          "aof_enabled:1",
          "aof_rewrite_in_progress:0",
          "aof_rewrite_scheduled:0",
          "aof_last_bgrewrite_status:ok",
          "aof_last_write_status:ok",
          "aof_base_size:0",
          "aof_pending_rewrite:0",
          "aof_pending_bio_fsync:",
          "aof_delayed_fsync:0",
        ]
      ) assert.ok(info.includes(f + (f.endsWith(":") ? "" : "\r\n")), f);
      // Not yet written: the buffer holds the annotation, the SELECT and the SET.
      assert.match(info, /aof_buffer_length:[1-9]\d*\r\n/);
      assert.match(info, /aof_current_size:\d+\r\n/);
      srv.server.subsystems.find((s) => s.name === "aof")!.beforeReplies!();
      const incr = await readText(`${dir}/appendonlydir/appendonly.aof.1.incr.aof`);
      assert.match(incr, /^#TS:\d+\r\n\*2\r\n\$6\r\nSELECT\r\n\$1\r\n0\r\n\*3\r\n\$3\r\nSET\r\n/);
      assert.match(srv.exec("INFO", "persistence"), /aof_buffer_length:0\r\n/);
    } finally {
      await srv.close();
    }
  } finally {
    await cleanup();
  }
});

Deno.test("aof: with appendfsync always, acknowledged writes survive kill -9 mid-load", async () => {
  const [dir, cleanup] = await tempDir();
  const port = freePort();
  const main = new URL("../main.ts", import.meta.url).pathname;
  const proc = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      main,
      ...["--port", String(port), "--dir", dir, "--save", "", "--loglevel", "warning"],
      ...["--appendonly", "yes", "--appendfsync", "always", "--aof-use-rdb-preamble", "no"],
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  let acked = 0;
  let sent = 0;
  let killed = false;
  try {
    (await connectRetry(port, 30_000)).close();
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    // "+OK\r\n" is 5 bytes: acknowledged writes are the reply bytes / 5, in order.
    const reader = (async () => {
      const buf = new Uint8Array(64 * 1024);
      let bytes = 0;
      while (true) {
        let n: number | null;
        try {
          n = await conn.read(buf);
        } catch {
          break;
        }
        if (n === null) break;
        bytes += n;
        acked = Math.floor(bytes / 5);
      }
    })();
    const writer = (async () => {
      try {
        while (!killed) {
          // Past 3000 acknowledged writes, a big last batch goes out and the server is
          // killed while it works through it.
          const last = acked >= 3000;
          const n = last ? 5000 : 50;
          const batch: Uint8Array[] = [];
          for (let i = 0; i < n; i++) batch.push(encodeCommand(["SET", `key:${sent + i}`, "v"]));
          let len = 0;
          for (const b of batch) len += b.length;
          const all = new Uint8Array(len);
          let off = 0;
          for (const b of batch) {
            all.set(b, off);
            off += b.length;
          }
          await conn.write(all);
          sent += n;
          if (last) {
            killed = true;
            proc.kill("SIGKILL");
            break;
          }
          // Keep a bounded number of unacknowledged commands in flight.
          while (!killed && sent - acked > 500) await new Promise((r) => setTimeout(r, 1));
        }
      } catch { /* the server died */ }
    })();
    await reader;
    await writer;
    try {
      conn.close();
    } catch { /* closed */ }
  } finally {
    if (!killed) {
      try {
        proc.kill("SIGKILL");
      } catch { /* exited */ }
    }
    await proc.status;
  }
  try {
    // Precondition: it was killed under load, with writes still unacknowledged.
    assert.ok(killed && acked >= 3000, `acked ${acked}`);
    assert.ok(sent > acked, `sent ${sent} acked ${acked}`);
    const srv = await startServer(aofOptions(dir));
    try {
      let missing = 0;
      for (let i = 0; i < acked; i++) if (srv.db(0).peek(`key:${i}`) === undefined) missing++;
      assert.equal(missing, 0, `${missing} of ${acked} acknowledged writes lost`);
    } finally {
      await srv.close();
    }
  } finally {
    await cleanup();
  }
});

Deno.test("aof: with --allow-read only, BGREWRITEAOF and appendonly yes name the missing --allow-write", async () => {
  const [dir, cleanup] = await tempDir();
  const main = new URL("../main.ts", import.meta.url).pathname;
  const args = (port: number, extra: string[]) => [
    "run",
    "--allow-net",
    "--allow-read",
    main,
    ...["--port", String(port), "--dir", dir, "--save", "", ...extra],
  ];
  try {
    const port = freePort();
    const proc = new Deno.Command(Deno.execPath(), {
      args: args(port, ["--loglevel", "warning"]),
      stdout: "null",
      stderr: "null",
    }).spawn();
    try {
      const c = await connectRetry(port, 30_000);
      assert.equal(
        await c.call("BGREWRITEAOF"),
        `-ERR Can't execute an AOF background rewriting: no write permission for ${dir} (run with --allow-write=${dir})\r\n`,
      );
      assert.equal(
        await c.call("CONFIG", "SET", "appendonly", "yes"),
        "-ERR CONFIG SET failed (possibly related to argument 'appendonly') - Unable to turn on AOF. Check server logs.\r\n",
      );
      c.close();
    } finally {
      proc.kill("SIGKILL");
      await proc.status;
    }
    const out = await new Deno.Command(Deno.execPath(), {
      args: args(freePort(), ["--appendonly", "yes"]),
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 1);
    const text = dec.decode(out.stdout) + dec.decode(out.stderr);
    assert.match(text, /--allow-write=/);
    assert.deepEqual(await listDir(dir), []);
  } finally {
    await cleanup();
  }
});

Deno.test("aof: BGREWRITEAOF with the AOF off writes a base only, scheduled inside MULTI", async () => {
  const [dir, cleanup] = await tempDir();
  try {
    const srv = await startServer({ dir, "aof-use-rdb-preamble": "no" });
    try {
      const c = await RawClient.connect(srv.port);
      await c.call("SET", "k", "v");
      assert.equal(
        await c.call("BGREWRITEAOF"),
        "+Background append only file rewriting started\r\n",
      );
      await waitRewriteDone(c);
      assert.deepEqual(await listDir(`${dir}/appendonlydir`), [
        "appendonly.aof.1.base.aof",
        "appendonly.aof.manifest",
      ]);
      assert.equal(await c.call("MULTI"), "+OK\r\n");
      assert.equal(await c.call("BGREWRITEAOF"), "+QUEUED\r\n");
      assert.equal(
        await c.call("EXEC"),
        "*1\r\n+Background append only file rewriting scheduled\r\n",
      );
      await waitRewriteDone(c);
      await waitUntil(
        async () => (await listDir(`${dir}/appendonlydir`)).includes("appendonly.aof.2.base.aof"),
        "the scheduled rewrite",
      );
      assert.deepEqual(await listDir(`${dir}/appendonlydir`), [
        "appendonly.aof.2.base.aof",
        "appendonly.aof.manifest",
      ]);
      assert.equal(
        await readText(`${dir}/appendonlydir/appendonly.aof.manifest`),
        "file appendonly.aof.2.base.aof seq 2 type b\n",
      );
      const info = await c.call("INFO", "persistence");
      assert.match(info, /aof_enabled:0\r\n/);
      assert.match(info, /aof_rewrites:2\r\n/);
      // Nothing is buffered for a file that is not written.
      await c.call("SET", "k2", "v");
      assert.match(await c.call("INFO", "memory"), /mem_aof_buffer:0\r\n/);
      c.close();
    } finally {
      await srv.close();
    }
  } finally {
    await cleanup();
  }
});
