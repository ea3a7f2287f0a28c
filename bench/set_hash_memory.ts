/**
 * One big set and one big hash (hashtable encoding), byte for byte beside
 * redis-server: each server is started on a free port, gets `n` members
 * (`SADD bigset element:i`, 1,000 per command) and then `n` fields
 * (`HSET bighash field:i value:i`), and prints per member the INFO used_memory
 * delta and the RSS delta (/proc/PID/status VmRSS) of each load.
 *
 *   deno run -A bench/set_hash_memory.ts [--server redis|<path to main.ts>]... [-n 1000000]
 *
 * @module
 */

import { encodeCommand, freePort, RawClient } from "../tests/helpers.ts";
import { concatBytes } from "../src/util/bytes.ts";

const servers: string[] = [];
let n = 1_000_000;
for (let i = 0; i + 1 < Deno.args.length; i += 2) {
  if (Deno.args[i] === "--server") servers.push(Deno.args[i + 1]);
  else if (Deno.args[i] === "-n") n = Number(Deno.args[i + 1]);
}
if (servers.length === 0) servers.push("redis", new URL("../main.ts", import.meta.url).pathname);

function rss(pid: number): number {
  const m = Deno.readTextFileSync(`/proc/${pid}/status`).match(/VmRSS:\s+(\d+) kB/);
  return Number(m![1]) * 1024;
}

async function usedMemory(c: RawClient): Promise<number> {
  const info = await c.call("INFO", "memory");
  return Number(info.match(/used_memory:(\d+)/)![1]);
}

/** Sends `count` commands made by `make` in pipelined batches, reading every reply. */
async function load(c: RawClient, count: number, make: (i: number) => string[]): Promise<void> {
  for (let i = 0; i < count; i += 100) {
    const parts: Uint8Array[] = [];
    const end = Math.min(count, i + 100);
    for (let j = i; j < end; j++) parts.push(encodeCommand(make(j)));
    await c.write(concatBytes(parts));
    for (let j = i; j < end; j++) await c.readRaw();
  }
}

const PER = 1000;
const cases: [string, (i: number) => string[]][] = [
  [
    "set",
    (b) => ["SADD", "bigset", ...Array.from({ length: PER }, (_, k) => `element:${b * PER + k}`)],
  ],
  ["hash", (b) => {
    const argv = ["HSET", "bighash"];
    for (let k = b * PER; k < (b + 1) * PER; k++) argv.push(`field:${k}`, `value:${k}`);
    return argv;
  }],
];

console.log(`# ${n.toLocaleString("en")} members / fields; bytes per member`);
console.log("server\tkind\tused_memory\tRSS");
for (const server of servers) {
  const port = freePort();
  const dir = await Deno.makeTempDir({ prefix: "bench-sethash-" });
  const common = ["--port", String(port), "--save", "", "--appendonly", "no", "--dir", dir];
  const proc = server === "redis"
    ? new Deno.Command("redis-server", { args: common, stdout: "null" }).spawn()
    : new Deno.Command(Deno.execPath(), { args: ["run", "-A", server, ...common], stdout: "null" })
      .spawn();
  let c: RawClient | null = null;
  for (let t = 0; t < 300 && c === null; t++) {
    try {
      c = await RawClient.connect(port);
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    for (const [kind, make] of cases) {
      const u0 = await usedMemory(c!);
      const r0 = rss(proc.pid);
      await load(c!, n / PER, make);
      const u1 = await usedMemory(c!);
      const r1 = rss(proc.pid);
      console.log(
        `${server}\t${kind}\t${((u1 - u0) / n).toFixed(1)}\t${((r1 - r0) / n).toFixed(1)}`,
      );
    }
  } finally {
    c?.close();
    proc.kill("SIGTERM");
    await proc.status;
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
