/**
 * Footprint cases for the side-by-side benchmark: the same data is loaded into
 * a fresh redis-server and a fresh instance of this server with
 * `redis-cli --pipe`, and each server's resident set is sampled during the
 * load (its peak, VmHWM from /proc) and read after it, with INFO's
 * used_memory. run.ts prints the table (`deno task bench --footprint` runs
 * only this section).
 */

/** A server process to measure: its port and pid. */
export interface FootprintTarget {
  name: string;
  port: number;
  pid: number;
}

/** A case: label and a generator of the RESP requests that load it. */
export interface FootprintCase {
  label: string;
  /** Writes the load's requests through `emit`, a batch of commands at a time. */
  build: (emit: (cmds: string[][]) => void) => void;
}

/** What one load cost one server. */
export interface Footprint {
  /** Peak resident set during start-up and load (VmHWM), bytes. */
  peakRss: number;
  /** Resident set once the load has been answered, bytes. */
  rss: number;
  /** INFO memory used_memory after the load, bytes. */
  usedMemory: number;
  /** Wall-clock time of the load, ms. */
  ms: number;
}

/** The cases of issue 7's footprint table (`scale` < 1 for a quick run). */
export function footprintCases(scale = 1): FootprintCase[] {
  const n = (x: number) => Math.max(1, Math.round(x * scale));
  const keys = n(1_000_000);
  const hashes = n(1_000_000);
  const listLen = n(10_000);
  const zsetLen = n(1_000_000);
  return [
    {
      label: `${keys.toLocaleString("en")} string keys (SET key:N value:N)`,
      build: (emit) => {
        for (let i = 0; i < keys; i += 1000) {
          const batch: string[][] = [];
          for (let j = i; j < Math.min(keys, i + 1000); j++) {
            batch.push(["SET", `key:${j}`, `value:${j}`]);
          }
          emit(batch);
        }
      },
    },
    {
      label: `${hashes.toLocaleString("en")} hashes of 5 fields`,
      build: (emit) => {
        for (let i = 0; i < hashes; i += 1000) {
          const batch: string[][] = [];
          for (let j = i; j < Math.min(hashes, i + 1000); j++) {
            const cmd = ["HSET", `hash:${j}`];
            for (let f = 0; f < 5; f++) cmd.push(`field:${f}`, `value:${j}`);
            batch.push(cmd);
          }
          emit(batch);
        }
      },
    },
    {
      label: `100 lists of ${listLen.toLocaleString("en")} elements`,
      build: (emit) => {
        for (let l = 0; l < 100; l++) {
          const batch: string[][] = [];
          for (let i = 0; i < listLen; i += 100) {
            const cmd = ["RPUSH", `list:${l}`];
            for (let j = i; j < Math.min(listLen, i + 100); j++) cmd.push(`element:${j}`);
            batch.push(cmd);
          }
          emit(batch);
        }
      },
    },
    {
      label: `one sorted set of ${zsetLen.toLocaleString("en")} members`,
      build: (emit) => {
        for (let i = 0; i < zsetLen; i += 10_000) {
          const batch: string[][] = [];
          for (let k = i; k < Math.min(zsetLen, i + 10_000); k += 100) {
            const cmd = ["ZADD", "zset"];
            for (let j = k; j < Math.min(zsetLen, k + 100); j++) cmd.push(String(j), `member:${j}`);
            batch.push(cmd);
          }
          emit(batch);
        }
      },
    },
  ];
}

/** Writes a case's requests as RESP into a temp file (what redis-cli --pipe reads). */
export async function writeLoad(c: FootprintCase): Promise<string> {
  const path = await Deno.makeTempFile({ prefix: "footprint-", suffix: ".resp" });
  const file = Deno.openSync(path, { write: true, truncate: true });
  const enc = new TextEncoder();
  try {
    c.build((cmds) => {
      let s = "";
      for (const cmd of cmds) {
        s += `*${cmd.length}\r\n`;
        for (const a of cmd) s += `$${a.length}\r\n${a}\r\n`;
      }
      const chunk = enc.encode(s);
      let off = 0;
      while (off < chunk.length) off += file.writeSync(chunk.subarray(off));
    });
  } finally {
    file.close();
  }
  return path;
}

/**
 * A field of /proc/<pid>/status in bytes (VmRSS, VmHWM); read with cat, as `deno task bench`
 * may run subprocesses but not read /proc itself.
 */
function procStatus(pid: number, field: string): number {
  const out = new Deno.Command("cat", { args: [`/proc/${pid}/status`], stdout: "piped" })
    .outputSync();
  const text = new TextDecoder().decode(out.stdout);
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text);
  return m ? Number(m[1]) * 1024 : NaN;
}

async function infoField(port: number, field: string): Promise<number> {
  const out = await new Deno.Command("redis-cli", {
    args: ["-p", String(port), "INFO", "memory"],
    stdout: "piped",
  }).output();
  const m = new RegExp(`^${field}:(\\d+)`, "m").exec(new TextDecoder().decode(out.stdout));
  return m ? Number(m[1]) : NaN;
}

/** Pipes the load file into `t` with redis-cli --pipe and measures. */
export async function measureLoad(t: FootprintTarget, loadPath: string): Promise<Footprint> {
  const t0 = performance.now();
  const file = await Deno.open(loadPath, { read: true });
  const cli = new Deno.Command("redis-cli", {
    args: ["-p", String(t.port), "--pipe"],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const piping = file.readable.pipeTo(cli.stdin);
  const out = await cli.output();
  await piping.catch(() => {});
  const ms = performance.now() - t0;
  const text = new TextDecoder().decode(out.stdout);
  if (!/errors: 0,/.test(text)) throw new Error(`redis-cli --pipe on ${t.name}: ${text}`);
  return {
    peakRss: procStatus(t.pid, "VmHWM"),
    rss: procStatus(t.pid, "VmRSS"),
    usedMemory: await infoField(t.port, "used_memory"),
    ms,
  };
}

const mb = (b: number) => Number.isFinite(b) ? (b / 1048576).toFixed(0) : "n/a";
const ratio = (a: number, b: number) =>
  Number.isFinite(a) && Number.isFinite(b) && b > 0 ? (a / b).toFixed(2) + "x" : "n/a";

/**
 * Runs every case on fresh servers (redis-server first when `startRedis` is given)
 * and returns the markdown table.
 */
export async function runFootprint(
  startOurs: () => Promise<FootprintTarget>,
  startRedis: (() => Promise<FootprintTarget>) | null,
  stop: (t: FootprintTarget) => Promise<void>,
  scale = 1,
): Promise<string> {
  const lines = [
    "### Footprint: loaded with redis-cli --pipe into a fresh server (MB; ratio = this server / redis-server)",
    "",
    "| case | redis RSS | ours RSS | RSS ratio | redis peak | ours peak | peak ratio | redis used_memory | ours used_memory | load time ratio |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const c of footprintCases(scale)) {
    const path = await writeLoad(c);
    const got: Record<string, Footprint> = {};
    try {
      for (const start of startRedis ? [startRedis, startOurs] : [startOurs]) {
        const t = await start();
        try {
          got[t.name] = await measureLoad(t, path);
        } finally {
          await stop(t);
        }
      }
    } finally {
      await Deno.remove(path).catch(() => {});
    }
    const o = got.deno, r = got.redis ?? { rss: NaN, peakRss: NaN, usedMemory: NaN, ms: NaN };
    lines.push(
      `| ${c.label} | ${mb(r.rss)} | ${mb(o.rss)} | ${ratio(o.rss, r.rss)} | ${mb(r.peakRss)} | ${
        mb(o.peakRss)
      } | ${ratio(o.peakRss, r.peakRss)} | ${mb(r.usedMemory)} | ${mb(o.usedMemory)} | ${
        ratio(o.ms, r.ms)
      } |`,
    );
    console.error(`footprint: ${lines.at(-1)}`);
  }
  return lines.join("\n");
}
