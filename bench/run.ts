/**
 * Side-by-side benchmark: runs redis-benchmark against this server and, when
 * installed, a real redis-server with the same settings (no persistence), and
 * prints requests/s for both and the ratio.
 *
 *   deno task bench [--quick] [--write]
 *
 * --quick   fewer requests (a smoke run)
 * --write   also rewrite the tables in bench/README.md
 */

import { encodeCommand } from "../tests/helpers.ts";

const quick = Deno.args.includes("--quick");
const write = Deno.args.includes("--write");
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

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function waitForPing(port: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      await conn.write(encodeCommand(["PING"]));
      const buf = new Uint8Array(16);
      const n = await conn.read(buf);
      conn.close();
      if (n && new TextDecoder().decode(buf.subarray(0, n)).startsWith("+PONG")) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`server on ${port} did not answer PING`);
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

async function runSuite(
  target: Target,
  cases: Case[],
  pipeline: number,
): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const c of cases) {
    const r = await benchmark(target.port, ["-n", String(N), "-P", String(pipeline), ...c.args]);
    out.set(c.label, r.get(c.key) ?? [...r.values()][0] ?? NaN);
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

async function main(): Promise<void> {
  if (!has("redis-benchmark")) {
    console.error("redis-benchmark is not installed (apt-get install redis-tools)");
    Deno.exit(1);
  }
  const withRedis = has("redis-server");
  const sections: string[] = [];
  for (
    const [title, cases, populateFirst] of [
      ["Core", CORE, false],
      ["Collections", COLLECTIONS, true],
    ] as const
  ) {
    for (const pipeline of [1, 16]) {
      const results: Record<string, Map<string, number>> = {};
      for (const start of withRedis ? [startOurs, startRedis] : [startOurs]) {
        const t = await start();
        try {
          if (populateFirst) await populate(t.port);
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
  if (write) {
    const path = new URL("./README.md", import.meta.url);
    const old = await Deno.readTextFile(path).catch(() => "");
    const marker = "<!-- results -->";
    const head = old.includes(marker) ? old.slice(0, old.indexOf(marker)) : old;
    await Deno.writeTextFile(path, `${head}${marker}\n\n${sections.join("\n\n")}\n`);
  }
}

if (import.meta.main) await main();
