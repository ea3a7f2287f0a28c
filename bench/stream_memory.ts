/**
 * Memory per stream entry beside Redis's: fills a 1,000,000-entry stream (one field, a
 * 10-byte value; IDs n-0) on this server and, when installed, on redis-server, then prints
 * MEMORY USAGE (SAMPLES 0: every node) and the INFO used_memory delta per entry.
 *
 *   deno run --allow-net --allow-read --allow-write --allow-run --allow-env bench/stream_memory.ts
 */

import { connectRetry, encodeCommand, freePort } from "../tests/helpers.ts";

const N = Number(Deno.args[0] ?? 1_000_000);

function usedMemory(info: string): number {
  return Number(/used_memory:(\d+)/.exec(info)![1]);
}

async function measure(name: string, cmd: string, args: string[]): Promise<void> {
  const port = freePort();
  const dir = await Deno.makeTempDir();
  const proc = new Deno.Command(cmd, {
    args: [...args, "--port", String(port), "--save", "", "--appendonly", "no", "--dir", dir],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    const c = await connectRetry(port, 20_000);
    const before = usedMemory(await c.call("INFO", "memory"));
    const batch = 1000;
    for (let i = 0; i < N; i += batch) {
      const parts: Uint8Array[] = [];
      for (let j = i; j < i + batch; j++) {
        parts.push(
          encodeCommand(["XADD", "s", `${j + 1}-0`, "field", `v${String(j).padStart(9, "0")}`]),
        );
      }
      for (const p of parts) await c.write(p);
      for (let j = 0; j < batch; j++) await c.readRaw();
    }
    const usage = Number((await c.call("MEMORY", "USAGE", "s", "SAMPLES", "0")).slice(1));
    const after = usedMemory(await c.call("INFO", "memory"));
    console.log(
      `${name}: MEMORY USAGE ${(usage / N).toFixed(1)} B/entry, used_memory delta ${
        ((after - before) / N).toFixed(1)
      } B/entry`,
    );
    c.close();
  } finally {
    proc.kill("SIGKILL");
    await proc.status;
    await Deno.remove(dir, { recursive: true });
  }
}

const main = new URL("../main.ts", import.meta.url).pathname;
await measure("this server", Deno.execPath(), [
  "run",
  "--allow-net",
  "--allow-read",
  "--allow-write",
  main,
]);
try {
  await measure("redis-server", "redis-server", []);
} catch (e) {
  console.log(`redis-server: not measured (${(e as Error).message})`);
}
