/**
 * BGSAVE while serving: fills a server (main.ts in a subprocess) with N keys,
 * starts BGSAVE and, until it ends, runs a PING loop on one connection and
 * samples INFO memory on another. Prints the longest PING round trip (the
 * stall a client sees), the save's duration, and the memory the save adds
 * (peak used_memory during the save minus used_memory before it).
 *
 *   deno run -A bench/bgsave_stall.ts [--keys N] [--quick]
 *
 * Also run from `deno task bench --bgsave`.
 */

import { encodeCommand } from "../tests/helpers.ts";

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** A minimal RESP connection: one request at a time, replies read whole. */
class Conn {
  private buf = new Uint8Array(1 << 16);
  private len = 0;
  private constructor(private readonly conn: Deno.TcpConn) {}
  static async open(port: number): Promise<Conn> {
    const deadline = Date.now() + 20_000;
    while (true) {
      try {
        return new Conn(await Deno.connect({ hostname: "127.0.0.1", port }));
      } catch (e) {
        if (Date.now() > deadline) throw e;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
  async write(b: Uint8Array): Promise<void> {
    let off = 0;
    while (off < b.length) off += await this.conn.write(b.subarray(off));
  }
  /** Reads until `count` CRLF-terminated simple replies arrived (+OK, +PONG, :n). */
  async readLines(count: number): Promise<void> {
    let seen = 0;
    while (seen < count) {
      for (let i = 0; i < this.len - 1; i++) {
        if (this.buf[i] === 13 && this.buf[i + 1] === 10) {
          seen++;
          this.buf.copyWithin(0, i + 2, this.len);
          this.len -= i + 2;
          i = -1;
          if (seen === count) return;
        }
      }
      if (this.len === this.buf.length) {
        const next = new Uint8Array(this.buf.length * 2);
        next.set(this.buf);
        this.buf = next;
      }
      const n = await this.conn.read(this.buf.subarray(this.len));
      if (n === null) throw new Error("connection closed");
      this.len += n;
    }
  }
  /** One bulk reply as text (INFO). */
  async bulk(args: string[]): Promise<string> {
    await this.write(encodeCommand(args));
    let text = "";
    const dec = new TextDecoder();
    while (true) {
      const n = await this.conn.read(this.buf);
      if (n === null) throw new Error("connection closed");
      text += dec.decode(this.buf.subarray(0, n));
      const nl = text.indexOf("\r\n");
      if (nl > 0 && text.length >= nl + 2 + Number(text.slice(1, nl)) + 2) return text;
    }
  }
  close(): void {
    this.conn.close();
  }
}

function field(info: string, name: string): number {
  const m = new RegExp(`^${name}:(\\S+)`, "m").exec(info);
  return m ? Number(m[1]) : NaN;
}

/** Result of one run. */
export interface StallResult {
  keys: number;
  saveMs: number;
  maxPingMs: number;
  /** Longest PING of the same loop run for 1.5 s before the save. */
  baselineMaxPingMs: number;
  pings: number;
  baseMemory: number;
  peakMemory: number;
}

/** Runs the measurement on our server with `keys` string keys. */
export async function measureBgsaveStall(keys: number): Promise<StallResult> {
  const port = freePort();
  const dir = await Deno.makeTempDir({ prefix: "bench-bgsave-" });
  const main = new URL("../main.ts", import.meta.url).pathname;
  const proc = new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-net", "--allow-read", "--allow-write", main]
      .concat(["--port", String(port), "--save", "", "--dir", dir, "--loglevel", "warning"]),
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    const c = await Conn.open(port);
    const batch = 10_000;
    for (let b = 0; b < keys; b += batch) {
      const parts: Uint8Array[] = [];
      const n = Math.min(batch, keys - b);
      for (let i = 0; i < n; i++) {
        parts.push(encodeCommand(["SET", `key:${b + i}`, `value:${b + i}`]));
      }
      let total = 0;
      for (const p of parts) total += p.length;
      const req = new Uint8Array(total);
      let off = 0;
      for (const p of parts) {
        req.set(p, off);
        off += p.length;
      }
      await c.write(req);
      await c.readLines(n);
    }
    const mon = await Conn.open(port);
    // Settle the heap so the baseline is the dataset, not the loading garbage.
    await new Promise((r) => setTimeout(r, 500));
    const baseMemory = field(await mon.bulk(["INFO", "memory"]), "used_memory");
    let peakMemory = baseMemory;
    const ping = encodeCommand(["PING"]);
    // The same loop without a save first: what the machine and the GC cost anyway.
    let baselineMaxPingMs = 0;
    for (const until = performance.now() + 1500; performance.now() < until;) {
      const t = performance.now();
      await c.write(ping);
      await c.readLines(1);
      baselineMaxPingMs = Math.max(baselineMaxPingMs, performance.now() - t);
    }
    const start = performance.now();
    await c.write(encodeCommand(["BGSAVE"]));
    await c.readLines(1);
    let saving = true;
    let maxPingMs = 0;
    let pings = 0;
    const sampler = (async () => {
      while (saving) {
        const info = await mon.bulk(["INFO", "all"]);
        peakMemory = Math.max(peakMemory, field(info, "used_memory"));
        if (field(info, "rdb_bgsave_in_progress") === 0) saving = false;
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    while (saving) {
      const t = performance.now();
      await c.write(ping);
      await c.readLines(1);
      maxPingMs = Math.max(maxPingMs, performance.now() - t);
      pings++;
    }
    await sampler;
    const saveMs = performance.now() - start;
    c.close();
    mon.close();
    return { keys, saveMs, maxPingMs, baselineMaxPingMs, pings, baseMemory, peakMemory };
  } finally {
    try {
      proc.kill("SIGKILL");
    } catch { /* gone */ }
    await proc.status;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/** Prints one result. */
export function printStall(r: StallResult): void {
  const mb = (n: number) => (n / 1048576).toFixed(1);
  console.log(
    `BGSAVE of ${r.keys} keys: ${r.saveMs.toFixed(0)} ms, longest PING ${
      r.maxPingMs.toFixed(1)
    } ms over ${r.pings} PINGs (without a save: ${
      r.baselineMaxPingMs.toFixed(1)
    } ms), used_memory ${mb(r.baseMemory)} MB -> peak ${mb(r.peakMemory)} MB (+${
      mb(r.peakMemory - r.baseMemory)
    } MB)`,
  );
}

if (import.meta.main) {
  const i = Deno.args.indexOf("--keys");
  const keys = i >= 0
    ? Number(Deno.args[i + 1])
    : Deno.args.includes("--quick")
    ? 100_000
    : 1_000_000;
  printStall(await measureBgsaveStall(keys));
}
