/**
 * Side-by-side benchmark: runs redis-benchmark against this server and, when
 * installed, a real redis-server with the same settings (no persistence), and
 * prints requests/s for both and the ratio; then times big requests (see
 * big_requests.ts) on both and prints the time ratio.
 *
 *   deno task bench [--quick] [--big] [--footprint] [--write]
 *
 * --quick     fewer requests (a smoke run)
 * --big       only the big-request cases
 * --footprint only the footprint cases (footprint.ts: memory after and during a redis-cli --pipe load)
 * --clients only the 1,000-client, 100 KB value and p99 latency cases (clients_bench.ts)
 * --write   also rewrite the tables in bench/README.md (with --big, only the big-request one)
 * --bgsave  only the longest PING stall and added memory while 1,000,000 keys are BGSAVEd
 * --repl    only replication (repl_bench.ts): the master's hot path with a replica vs none, and
 *           the time of a 1,000,000-key full resync
 */

import { encodeCommand, freePort } from "../tests/helpers.ts";
import { bigCases } from "./big_requests.ts";
import { runFootprint } from "./footprint.ts";
import { runClientCases } from "./clients_bench.ts";
import { measureBgsaveStall, printStall } from "./bgsave_stall.ts";
import { runReplBench } from "./repl_bench.ts";

import { waitForPing } from "./harness.ts";

const quick = Deno.args.includes("--quick");
const write = Deno.args.includes("--write");
const bigOnly = Deno.args.includes("--big");
/** Only the pub/sub section. */
const pubsubOnly = Deno.args.includes("--pubsub");
/** Only the footprint section. */
const footprintOnly = Deno.args.includes("--footprint");
/** Only the scripting section. */
const scriptingOnly = Deno.args.includes("--scripting");
const N = quick ? 20_000 : 200_000;
const CLIENTS = 50;
const BIG = quick ? 100_000 : 1_000_000;

function has(cmd: string): boolean {
  try {
    return new Deno.Command("sh", { args: ["-c", `command -v ${cmd}`] }).outputSync().success;
  } catch {
    return false;
  }
}

interface Target {
  name: string;
  port: number;
  proc: Deno.ChildProcess;
  /** Temp data dir, removed at stop. */
  dir: string;
}

async function startOurs(): Promise<Target> {
  const port = freePort();
  const dir = await Deno.makeTempDir({ prefix: "bench-deno-" });
  const main = new URL("../main.ts", import.meta.url).pathname;
  const proc = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-net",
      "--allow-read",
      "--allow-write",
      main,
      "--port",
      String(port),
      "--save",
      "",
      "--appendonly",
      "no",
      "--loglevel",
      "warning",
      "--dir",
      dir,
    ],
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  await waitForPing(port);
  return { name: "deno", port, proc, dir };
}

async function startRedis(): Promise<Target> {
  const port = freePort();
  // Its own empty dir: a dump.rdb lying in the working directory must not be loaded.
  const dir = await Deno.makeTempDir({ prefix: "bench-redis-" });
  const proc = new Deno.Command("redis-server", {
    args: [
      "--port",
      String(port),
      "--save",
      "",
      "--appendonly",
      "no",
      "--loglevel",
      "warning",
      "--dir",
      dir,
    ],
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  await waitForPing(port);
  return { name: "redis", port, proc, dir };
}

async function stop(t: Target): Promise<void> {
  try {
    t.proc.kill("SIGTERM");
  } catch { /* gone */ }
  await t.proc.status;
  await Deno.remove(t.dir, { recursive: true }).catch(() => {});
}

/** Runs redis-benchmark and returns test name -> requests/s. */
async function benchmark(port: number, args: string[]): Promise<Map<string, number>> {
  const out = await new Deno.Command("redis-benchmark", {
    args: ["-p", String(port), "-c", String(CLIENTS), "--csv", ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const warn = new TextDecoder().decode(out.stderr).trim();
  if (warn) console.error(`redis-benchmark (port ${port}): ${warn}`);
  const result = new Map<string, number>();
  for (const line of text.split("\n")) {
    const m = line.match(/^"([^"]+)","([0-9.]+)"/);
    if (m) result.set(m[1], Number(m[2]));
  }
  return result;
}

/** Fills a 1,000,000-member sorted set and list so big-structure cases run at scale. */
async function populate(port: number): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const batch = 1000;
  const sink = (async () => {
    const buf = new Uint8Array(1 << 16);
    let seen = 0;
    const target = (BIG / batch) * 2;
    while (seen < target) {
      const n = await conn.read(buf);
      if (n === null) break;
      for (let i = 0; i < n; i++) if (buf[i] === 10) seen++;
    }
  })();
  for (let i = 0; i < BIG; i += batch) {
    const zadd: (string | number)[] = ["ZADD", "bigzset"];
    const rpush: (string | number)[] = ["RPUSH", "biglist"];
    for (let j = i; j < i + batch; j++) {
      zadd.push(j, `member:${j}`);
      rpush.push(`element:${j}`);
    }
    await conn.write(encodeCommand(zadd));
    await conn.write(encodeCommand(rpush));
  }
  await sink;
  conn.close();
  await populateStream(port);
}

/**
 * Fills a 1,000,000-entry stream (IDs 1-0, 2-0, ...: one field each) with a consumer group
 * at its start, for the XADD / XRANGE / XREADGROUP / XACK cases.
 */
async function populateStream(port: number): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const batch = 1000;
  // Every XADD reply is a bulk string: two lines; the final XGROUP CREATE one.
  const sink = (async () => {
    const buf = new Uint8Array(1 << 16);
    let seen = 0;
    const target = BIG * 2 + 1;
    while (seen < target) {
      const n = await conn.read(buf);
      if (n === null) break;
      for (let i = 0; i < n; i++) if (buf[i] === 10) seen++;
    }
  })();
  for (let i = 0; i < BIG; i += batch) {
    const parts: Uint8Array[] = [];
    for (let j = i; j < i + batch; j++) {
      parts.push(encodeCommand(["XADD", "bigstream", `${j + 1}-0`, "field", `value:${j}`]));
    }
    await conn.write(concat(parts));
  }
  await conn.write(encodeCommand(["XGROUP", "CREATE", "bigstream", "g", "0"]));
  await sink;
  conn.close();
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

interface Case {
  label: string;
  args: string[];
  /** Name redis-benchmark prints for it. */
  key: string;
  /** Connections subscribed to channel "bench" (reading and dropping) while it runs. */
  subscribers?: number;
  /** Requests for this case, when not N. */
  requests?: number;
}

const CORE: Case[] = [
  ["PING_INLINE", "ping_inline"],
  ["PING_MBULK", "ping_mbulk"],
  ["SET", "set"],
  ["GET", "get"],
  ["INCR", "incr"],
  ["MSET (10 keys)", "mset"],
].map(([label, t]) => ({
  label,
  args: ["-t", t],
  key: label.startsWith("MSET") ? "MSET (10 keys)" : label,
}));

const COLLECTIONS: Case[] = [
  { label: "LPUSH", args: ["-t", "lpush"], key: "LPUSH" },
  { label: "LPOP", args: ["-t", "lpop"], key: "LPOP" },
  {
    label: "LRANGE_100",
    args: ["-t", "lrange_100"],
    key: "LRANGE_100 (first 100 elements)",
  },
  { label: "HSET", args: ["-t", "hset"], key: "HSET" },
  { label: "SADD", args: ["-t", "sadd"], key: "SADD" },
  { label: "SPOP", args: ["-t", "spop"], key: "SPOP" },
  { label: "ZADD", args: ["-t", "zadd"], key: "ZADD" },
  {
    label: `ZADD (${BIG.toLocaleString("en")}-member zset)`,
    args: ["-r", String(BIG), "ZADD", "bigzset", "__rand_int__", "member:__rand_int__"],
    key: "ZADD bigzset __rand_int__ member:__rand_int__",
  },
  {
    label: `ZRANGE 100 mid-rank (${BIG.toLocaleString("en")}-member zset)`,
    args: ["ZRANGE", "bigzset", String(BIG / 2), String(BIG / 2 + 99)],
    key: `ZRANGE bigzset ${BIG / 2} ${BIG / 2 + 99}`,
  },
  {
    label: `LPUSH (${BIG.toLocaleString("en")}-element list)`,
    args: ["LPUSH", "biglist", "x"],
    key: "LPUSH biglist x",
  },
  {
    label: `LPOP (${BIG.toLocaleString("en")}-element list)`,
    args: ["LPOP", "biglist"],
    key: "LPOP biglist",
  },
  {
    label: `LRANGE 100 mid (${BIG.toLocaleString("en")}-element list)`,
    args: ["LRANGE", "biglist", String(BIG / 2), String(BIG / 2 + 99)],
    key: `LRANGE biglist ${BIG / 2} ${BIG / 2 + 99}`,
  },
  {
    label: `XADD (${BIG.toLocaleString("en")}-entry stream)`,
    args: ["XADD", "bigstream", "*", "field", "value"],
    key: "XADD bigstream * field value",
  },
  {
    label: `XRANGE 10 mid (${BIG.toLocaleString("en")}-entry stream)`,
    args: ["XRANGE", "bigstream", String(BIG / 2), "+", "COUNT", "10"],
    key: `XRANGE bigstream ${BIG / 2} + COUNT 10`,
  },
  {
    label: `XREADGROUP > (${BIG.toLocaleString("en")}-entry stream)`,
    args: ["XREADGROUP", "GROUP", "g", "c", "COUNT", "1", "STREAMS", "bigstream", ">"],
    key: "XREADGROUP GROUP g c COUNT 1 STREAMS bigstream >",
  },
  {
    label: `XACK (${BIG.toLocaleString("en")}-entry stream)`,
    args: ["-r", String(BIG), "XACK", "bigstream", "g", "__rand_int__-0"],
    key: "XACK bigstream g __rand_int__-0",
  },
];

/**
 * PUBLISH fan-out: one subscriber, and 100 subscribers of one channel (each message is then
 * written 100 times, so fewer requests).
 */
const PUBSUB: Case[] = [1, 100].map((n) => ({
  label: `PUBLISH (${n} subscriber${n > 1 ? "s" : ""})`,
  args: ["PUBLISH", "bench", "hello world, a 32 byte message!"],
  key: "PUBLISH bench hello world, a 32 byte message!",
  subscribers: n,
  requests: n > 1 ? N / 10 : N,
}));

/** The scripts of the scripting cases, loaded with SCRIPT LOAD before they run. */
const SMALL_SCRIPT = "return redis.call('get', KEYS[1])";
const CALLS_SCRIPT = "for i = 1, 100 do redis.call('get', KEYS[1]) end return 1";

async function sha1hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** EVALSHA of a small script (one GET) and of a script making 100 redis.call's. */
const SCRIPTING: Case[] = await Promise.all(
  [["EVALSHA (small script)", SMALL_SCRIPT, 1], ["EVALSHA (100 redis.call)", CALLS_SCRIPT, 20]]
    .map(async ([label, script, divisor]) => {
      const sha = await sha1hex(script as string);
      return {
        label: label as string,
        args: ["EVALSHA", sha, "1", "k"],
        key: `EVALSHA ${sha} 1 k`,
        requests: N / (divisor as number),
      };
    }),
);

/** Loads the scripting cases' scripts. */
async function loadScripts(port: number): Promise<void> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const buf = new Uint8Array(256);
  for (const script of [SMALL_SCRIPT, CALLS_SCRIPT]) {
    await conn.write(encodeCommand(["SCRIPT", "LOAD", script]));
    await conn.read(buf);
  }
  await conn.write(encodeCommand(["SET", "k", "v"]));
  await conn.read(buf);
  conn.close();
}

/** Opens `n` connections subscribed to "bench" that drain what arrives; returns their closer. */
async function subscribers(port: number, n: number): Promise<() => void> {
  const conns: Deno.Conn[] = [];
  for (let i = 0; i < n; i++) {
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    await conn.write(encodeCommand(["SUBSCRIBE", "bench"]));
    const buf = new Uint8Array(1 << 16);
    await conn.read(buf); // the subscribe reply: subscribed before the benchmark starts
    conns.push(conn);
    (async () => {
      try {
        while ((await conn.read(buf)) !== null) { /* drop */ }
      } catch { /* closed */ }
    })();
  }
  return () => {
    for (const c of conns) {
      try {
        c.close();
      } catch { /* closed */ }
    }
  };
}

async function runSuite(
  target: Target,
  cases: Case[],
  pipeline: number,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const c of cases) {
    const close = c.subscribers ? await subscribers(target.port, c.subscribers) : null;
    try {
      const n = c.requests ?? N;
      // A warm-up tenth first, unmeasured, on both servers: a case that runs first on a fresh
      // server would otherwise time V8 compiling its code (a 200,000-request -P 16 run lasts
      // under half a second), which a long-running server pays once.
      const p = String(pipeline);
      await benchmark(target.port, ["-n", String(Math.ceil(n / 10)), "-P", p, ...c.args]);
      const r = await benchmark(target.port, ["-n", String(n), "-P", p, ...c.args]);
      out.set(c.label, r.get(c.key) ?? [...r.values()][0] ?? NaN);
    } finally {
      close?.();
    }
  }
  return out;
}

function table(
  title: string,
  cases: Case[],
  ours: Map<string, number>,
  redis: Map<string, number> | null,
): string {
  const lines = [
    `### ${title}`,
    "",
    "| test | redis-server rps | this server rps | ratio |",
    "| --- | ---: | ---: | ---: |",
  ];
  for (const c of cases) {
    const o = ours.get(c.label) ?? NaN;
    const r = redis?.get(c.label) ?? NaN;
    const ratio = Number.isFinite(r) && r > 0 ? (o / r).toFixed(2) + "x" : "n/a";
    const fmt = (v: number) => Number.isFinite(v) ? Math.round(v).toLocaleString("en") : "n/a";
    lines.push(`| ${c.label} | ${fmt(r)} | ${fmt(o)} | ${ratio} |`);
  }
  return lines.join("\n");
}

/** Times the big-request cases on a fresh server of each kind; returns the table. */
async function runBigRequests(withRedis: boolean): Promise<string> {
  const latency = new Map<number, number>();
  const cases = bigCases(quick, latency);
  const times: Record<string, number[]> = {};
  const worstPing: Record<string, number> = {};
  for (const start of withRedis ? [startOurs, startRedis] : [startOurs]) {
    const t = await start();
    try {
      times[t.name] = [];
      // Best of two: the first run of a case also pays for JIT warm-up.
      for (const c of cases) times[t.name].push(Math.min(await c.run(t.port), await c.run(t.port)));
      worstPing[t.name] = latency.get(t.port) ?? NaN;
    } finally {
      await stop(t);
    }
  }
  const ms = (v: number | undefined) =>
    v !== undefined && Number.isFinite(v) ? Math.round(v).toLocaleString("en") : "n/a";
  const lines = [
    "### Big requests: wall-clock time of one client (lower is better)",
    "",
    "| case | redis-server ms | this server ms | time ratio |",
    "| --- | ---: | ---: | ---: |",
  ];
  cases.forEach((c, i) => {
    const o = times.deno[i];
    const r = times.redis?.[i];
    const ratio = r !== undefined && r > 0 ? (o / r).toFixed(2) + "x" : "n/a";
    lines.push(`| ${c.label} | ${ms(r)} | ${ms(o)} | ${ratio} |`);
  });
  lines.push(
    `| worst PING round trip of another client during the connection burst | ${
      ms(worstPing.redis)
    } | ${ms(worstPing.deno)} | ${
      worstPing.redis > 0 ? (worstPing.deno / worstPing.redis).toFixed(2) + "x" : "n/a"
    } |`,
  );
  return lines.join("\n");
}

async function main(): Promise<void> {
  if (footprintOnly) {
    await footprintSection(has("redis-server"));
    return;
  }
  if (Deno.args.includes("--clients")) {
    await clientsSection(has("redis-server"));
    return;
  }
  if (Deno.args.includes("--repl")) {
    await runReplBench(quick);
    return;
  }
  if (Deno.args.includes("--bgsave")) {
    // Only the BGSAVE stall (bench/bgsave_stall.ts): 1,000,000 keys (100,000 with --quick).
    printStall(await measureBgsaveStall(quick ? 100_000 : 1_000_000));
    return;
  }
  if (!bigOnly && !has("redis-benchmark")) {
    console.error("redis-benchmark is not installed (apt-get install redis-tools)");
    Deno.exit(1);
  }
  const withRedis = has("redis-server");
  const sections: string[] = [];
  for (
    const [title, cases, populateFirst] of bigOnly ? [] : [
      ["Core", CORE, false],
      ["Collections", COLLECTIONS, true],
      ["Pub/Sub", PUBSUB, false],
      ["Scripting", SCRIPTING, loadScripts],
    ] as const
  ) {
    if (pubsubOnly && cases !== PUBSUB) continue;
    if (scriptingOnly && cases !== SCRIPTING) continue;
    for (const pipeline of [1, 16]) {
      const results: Record<string, Map<string, number>> = {};
      for (const start of withRedis ? [startOurs, startRedis] : [startOurs]) {
        const t = await start();
        try {
          if (populateFirst === true) await populate(t.port);
          else if (populateFirst) await populateFirst(t.port);
          results[t.name] = await runSuite(t, [...cases], pipeline);
        } finally {
          await stop(t);
        }
      }
      const heading = `${title}: ${CLIENTS} clients, ${
        pipeline === 1 ? "no pipelining" : `-P ${pipeline}`
      }, ${N.toLocaleString("en")} requests`;
      const md = table(heading, [...cases], results.deno, results.redis ?? null);
      console.log(md + "\n");
      sections.push(md);
    }
  }
  if (!pubsubOnly && !scriptingOnly) {
    const big = await runBigRequests(withRedis);
    console.log(big + "\n");
    sections.push(big);
  }
  if (!pubsubOnly && !scriptingOnly && !bigOnly) sections.push(await clientsSection(withRedis));
  if (!pubsubOnly && !bigOnly) sections.push(await footprintSection(withRedis, false));
  if (write) {
    const path = new URL("./README.md", import.meta.url);
    const old = await Deno.readTextFile(path).catch(() => "");
    const marker = bigOnly ? "### Big requests" : "<!-- results -->";
    let head = old.includes(marker) ? old.slice(0, old.indexOf(marker)) : old;
    if (!bigOnly) head += `${marker}\n\n`;
    else if (!old.includes(marker)) head = head.trimEnd() + "\n\n";
    await Deno.writeTextFile(path, `${head}${sections.join("\n\n")}\n`);
  }
}

/** The 1,000-client, 100 KB value and p99 latency table (clients_bench.ts), printed and returned. */
async function clientsSection(withRedis: boolean): Promise<string> {
  const targets = new Map<number, Target>();
  const target = async (start: () => Promise<Target>) => {
    const t = await start();
    targets.set(t.port, t);
    return { name: t.name, port: t.port, pid: t.proc.pid };
  };
  const md = await runClientCases(
    () => target(startOurs),
    withRedis ? () => target(startRedis) : null,
    (t) => stop(targets.get(t.port)!),
    quick,
  );
  console.log(md + "\n");
  return md;
}

/**
 * The footprint table (footprint.ts), printed and returned; with --write and `alone` it replaces
 * its section of README.md (a full run writes all sections at once).
 */
async function footprintSection(withRedis: boolean, alone = true): Promise<string> {
  const target = async (start: () => Promise<Target>) => {
    const t = await start();
    targets.set(t.port, t);
    return { name: t.name, port: t.port, pid: t.proc.pid };
  };
  const targets = new Map<number, Target>();
  const md = await runFootprint(
    () => target(startOurs),
    withRedis ? () => target(startRedis) : null,
    (t) => stop(targets.get(t.port)!),
    quick ? 0.1 : 1,
  );
  console.log(md + "\n");
  if (write && alone) {
    const path = new URL("./README.md", import.meta.url);
    const old = await Deno.readTextFile(path);
    const marker = "### Footprint";
    const start = old.indexOf(marker);
    if (start === -1) {
      await Deno.writeTextFile(path, old.trimEnd() + "\n\n" + md + "\n");
    } else {
      const end = old.indexOf("\n### ", start + marker.length);
      await Deno.writeTextFile(
        path,
        old.slice(0, start) + md + (end === -1 ? "\n" : old.slice(end)),
      );
    }
  }
  return md;
}

if (import.meta.main) await main();
