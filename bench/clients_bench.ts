/**
 * The client-side cases of issue 7's throughput targets, run by `deno task bench` (and alone by
 * `deno task bench --clients`): SET/GET with 1,000 concurrent clients, SET/GET of 100 KB values
 * (compared in bytes per second) and the p99 latency of unpipelined SET/GET as redis-benchmark
 * 7.x reports it in --csv. Each case runs on a fresh server of each kind; besides the ratio the
 * table gives each server's CPU time per request (utime + stime from /proc), which moves far less
 * than requests/s when other jobs share the machine.
 */

/** A server process to measure: its port and pid. */
export interface ClientsTarget {
  name: string;
  port: number;
  pid: number;
}

/** One redis-benchmark test's --csv row. */
export interface CsvRow {
  rps: number;
  p50: number;
  p99: number;
}

/** A redis-benchmark run and what each test of it yielded, with the server's CPU time. */
interface Run {
  rows: Map<string, CsvRow>;
  /** Server CPU time (user + system) over the run, ms. */
  cpuMs: number;
}

/** Parses redis-benchmark --csv output ("test","rps","avg",...,"p50",...,"p99",...). */
export function parseCsv(text: string): Map<string, CsvRow> {
  const rows = new Map<string, CsvRow>();
  let cols: string[] = [];
  for (const line of text.split("\n")) {
    const cells = [...line.matchAll(/"([^"]*)"/g)].map((m) => m[1]);
    if (cells[0] === "test") {
      cols = cells;
      continue;
    }
    if (cells.length < 2) continue;
    const at = (name: string) => {
      const i = cols.indexOf(name);
      return i < 0 ? NaN : Number(cells[i]);
    };
    rows.set(cells[0], {
      rps: Number(cells[1]),
      p50: at("p50_latency_ms"),
      p99: at("p99_latency_ms"),
    });
  }
  return rows;
}

/**
 * CPU time (utime + stime) of `pid` in ms, from /proc/<pid>/stat; read with cat, as the bench's
 * permissions let it run subprocesses (footprint.ts does the same).
 */
export function cpuMs(pid: number): number {
  const out = new Deno.Command("cat", { args: [`/proc/${pid}/stat`], stdout: "piped" })
    .outputSync();
  const text = new TextDecoder().decode(out.stdout);
  // Fields after the command name, which is in parentheses and may hold spaces.
  const f = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // utime and stime are fields 14 and 15 (11 and 12 after the name), in 100 Hz ticks.
  return (Number(f[11]) + Number(f[12])) * 10;
}

async function redisBenchmark(t: ClientsTarget, args: string[], requests: number): Promise<Run> {
  const before = cpuMs(t.pid);
  const out = await new Deno.Command("redis-benchmark", {
    args: ["-p", String(t.port), "--csv", "-n", String(requests), ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const used = cpuMs(t.pid) - before;
  const warn = new TextDecoder().decode(out.stderr).trim();
  if (warn) console.error(`redis-benchmark (${t.name}): ${warn}`);
  return { rows: parseCsv(new TextDecoder().decode(out.stdout)), cpuMs: used };
}

/** A case of the table: what to run and how to read a result. */
interface ClientCase {
  label: string;
  args: string[];
  requests: number;
  /** Best of this many runs (p99 wanders with the machine's load). */
  runs: number;
  test: "SET" | "GET";
  /** What is compared: requests/s, bytes/s or p99 latency. */
  measure: "rps" | "bytes" | "p99";
}

const VALUE_BYTES = 102_400;

/** The cases (`quick` for a short smoke run). */
export function clientCases(quick: boolean): ClientCase[] {
  const n = quick ? 20_000 : 200_000;
  const big = quick ? 2_000 : 20_000;
  const many = ["-c", "1000", "-r", "100000"];
  // One key: every GET finds the 100 KB value the SETs wrote.
  const values = ["-c", "50", "-d", String(VALUE_BYTES)];
  const latency = ["-c", "50", "-r", "100000"];
  return [
    {
      label: "SET, 1,000 clients (requests/s)",
      args: many,
      requests: n,
      runs: 1,
      test: "SET",
      measure: "rps",
    },
    {
      label: "GET, 1,000 clients (requests/s)",
      args: many,
      requests: n,
      runs: 1,
      test: "GET",
      measure: "rps",
    },
    {
      label: "SET of 100 KB values, 50 clients (MB/s)",
      args: values,
      requests: big,
      runs: 1,
      test: "SET",
      measure: "bytes",
    },
    {
      label: "GET of 100 KB values, 50 clients (MB/s)",
      args: values,
      requests: big,
      runs: 1,
      test: "GET",
      measure: "bytes",
    },
    {
      label: "SET p99 latency, 50 clients, unpipelined (ms)",
      args: latency,
      requests: n,
      runs: 2,
      test: "SET",
      measure: "p99",
    },
    {
      label: "GET p99 latency, 50 clients, unpipelined (ms)",
      args: latency,
      requests: n,
      runs: 2,
      test: "GET",
      measure: "p99",
    },
  ];
}

/** What one server gave for one case. */
interface Result {
  value: number;
  /** Server CPU time per request, us. */
  cpuUs: number;
}

/**
 * Runs the cases on fresh servers (redis-server after this one when `startRedis` is given; cases
 * with the same arguments share a server) and returns the markdown table.
 */
export async function runClientCases(
  startOurs: () => Promise<ClientsTarget>,
  startRedis: (() => Promise<ClientsTarget>) | null,
  stop: (t: ClientsTarget) => Promise<void>,
  quick = false,
): Promise<string> {
  const cases = clientCases(quick);
  const results: Record<string, Result[]> = {};
  // Cases with the same arguments (SET then GET) share a server.
  const groups = new Map<string, ClientCase[]>();
  for (const c of cases) {
    const key = c.args.join(" ");
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  for (const start of startRedis ? [startOurs, startRedis] : [startOurs]) {
    const got = new Map<ClientCase, Result>();
    let name = "";
    for (const group of groups.values()) {
      const t = await start();
      name = t.name;
      try {
        // SET first: the GETs find what it wrote. Each test is its own redis-benchmark run, so
        // the server's CPU time is that test's.
        for (let r = 0; r < group[0].runs; r++) {
          for (const c of group) {
            const run = await redisBenchmark(t, [...c.args, "-t", c.test], c.requests);
            const row = run.rows.get(c.test);
            if (row === undefined) continue;
            const value = c.measure === "rps"
              ? row.rps
              : c.measure === "bytes"
              ? row.rps * VALUE_BYTES
              : row.p99;
            const prev = got.get(c);
            const better = prev === undefined ||
              (c.measure === "p99" ? value < prev.value : value > prev.value);
            if (better) got.set(c, { value, cpuUs: run.cpuMs * 1000 / c.requests });
          }
        }
      } finally {
        await stop(t);
      }
    }
    results[name] = cases.map((c) => got.get(c) ?? { value: NaN, cpuUs: NaN });
  }
  const fmt = (c: ClientCase, v: number) =>
    !Number.isFinite(v)
      ? "n/a"
      : c.measure === "rps"
      ? Math.round(v).toLocaleString("en")
      : c.measure === "bytes"
      ? (v / 1048576).toFixed(0)
      : v.toFixed(3);
  const us = (v: number) => Number.isFinite(v) ? v.toFixed(1) : "n/a";
  const lines = [
    "### Clients: 1,000 connections, 100 KB values, p99 latency (ratio = this server / redis-server; for p99 lower is better)",
    "",
    "| case | redis-server | this server | ratio | redis-server CPU us/request | this server CPU us/request |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  cases.forEach((c, i) => {
    const o = results.deno[i];
    const r = results.redis?.[i] ?? { value: NaN, cpuUs: NaN };
    const ratio = Number.isFinite(r.value) && r.value > 0 && Number.isFinite(o.value)
      ? (o.value / r.value).toFixed(2) + "x"
      : "n/a";
    lines.push(
      `| ${c.label} | ${fmt(c, r.value)} | ${fmt(c, o.value)} | ${ratio} | ${us(r.cpuUs)} | ${
        us(o.cpuUs)
      } |`,
    );
  });
  return lines.join("\n");
}
