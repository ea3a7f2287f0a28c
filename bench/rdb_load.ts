/**
 * RDB load time: redis-server writes a dataset (1,000,000 string keys by
 * default, DEBUG POPULATE), then this server and redis-server each load it
 * at start-up; prints the "DB loaded from disk" time both log (best of
 * three runs) and their ratio.
 *
 *   deno run -A bench/rdb_load.ts [--keys N] [--mixed]
 *
 * --keys N   keys to populate (default 1,000,000)
 * --mixed    a quarter each of strings, small hashes, small lists, small sets
 */

const args = Deno.args;
const keysAt = args.indexOf("--keys");
const KEYS = keysAt >= 0 ? Number(args[keysAt + 1]) : 1_000_000;
const MIXED = args.includes("--mixed");
const RUNS = 3;

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Runs `redis-cli` against `port` (pipe mode when `stdin` is given). */
async function cli(port: number, cliArgs: string[], stdin?: Uint8Array): Promise<string> {
  const p = new Deno.Command("redis-cli", {
    args: ["-p", String(port), ...cliArgs],
    stdin: stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (stdin) {
    const w = p.stdin.getWriter();
    await w.write(stdin);
    await w.close();
  }
  const out = await p.output();
  return new TextDecoder().decode(out.stdout);
}

async function waitReady(port: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if ((await cli(port, ["PING"]).catch(() => "")).startsWith("PONG")) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no PONG from ${port}`);
}

/** The RESP encoding of a command. */
function resp(parts: string[]): string {
  return `*${parts.length}\r\n` + parts.map((p) => `$${p.length}\r\n${p}\r\n`).join("");
}

async function writeDataset(dir: string): Promise<number> {
  const port = freePort();
  const child = new Deno.Command("redis-server", {
    args: [
      "--port",
      String(port),
      "--dir",
      dir,
      "--save",
      "",
      "--appendonly",
      "no",
      "--enable-debug-command",
      "yes",
    ],
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    await waitReady(port);
    if (!MIXED) {
      await cli(port, ["DEBUG", "POPULATE", String(KEYS)]);
    } else {
      const q = Math.floor(KEYS / 4);
      await cli(port, ["DEBUG", "POPULATE", String(q), "str"]);
      let cmds = "";
      for (let i = 0; i < q; i++) {
        cmds += resp(["HSET", `h:${i}`, "a", `${i}`, "b", "text", "c", "3"]);
        cmds += resp(["RPUSH", `l:${i}`, "x", `${i}`, "z"]);
        cmds += resp(["SADD", `s:${i}`, `m${i}`, "n", "o"]);
      }
      await cli(port, ["--pipe"], new TextEncoder().encode(cmds));
    }
    await cli(port, ["SAVE"]);
    const n = Number((await cli(port, ["DBSIZE"])).trim());
    await cli(port, ["SHUTDOWN", "NOSAVE"]).catch(() => "");
    return n;
  } finally {
    try {
      child.kill("SIGKILL");
    } catch { /* exited */ }
    await child.status;
  }
}

/** Starts a server on `dir`, returns the seconds it logged for the load. */
async function loadTime(cmd: string, cmdArgs: string[]): Promise<number> {
  const port = freePort();
  const child = new Deno.Command(cmd, {
    args: [...cmdArgs, "--port", String(port), "--save", "", "--appendonly", "no"],
    stdout: "piped",
    stderr: "null",
  }).spawn();
  let text = "";
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`${cmd} exited:\n${text}`);
      text += value;
      const m = /DB loaded from disk: ([0-9.]+) seconds/.exec(text);
      if (m) {
        await waitReady(port);
        await cli(port, ["SHUTDOWN", "NOSAVE"]).catch(() => "");
        return Number(m[1]);
      }
    }
  } finally {
    reader.releaseLock();
    try {
      child.kill("SIGKILL");
    } catch { /* exited */ }
    await child.stdout.cancel().catch(() => {});
    await child.status;
  }
}

const dir = await Deno.makeTempDir({ prefix: "rdb-load-bench-" });
try {
  const keys = await writeDataset(dir);
  const size = (await Deno.stat(`${dir}/dump.rdb`)).size;
  console.log(
    `dataset: ${keys} keys${MIXED ? " (mixed types)" : ""}, ${(size / 1e6).toFixed(1)} MB`,
  );
  const main = new URL("../main.ts", import.meta.url).pathname;
  let ours = Infinity;
  let theirs = Infinity;
  for (let i = 0; i < RUNS; i++) {
    theirs = Math.min(theirs, await loadTime("redis-server", ["--dir", dir]));
    ours = Math.min(
      ours,
      await loadTime(Deno.execPath(), [
        "run",
        `--allow-read=${dir}`,
        "--allow-net",
        "--allow-env",
        main,
        "--dir",
        dir,
      ]),
    );
  }
  console.log(`redis-server 7.0: ${theirs.toFixed(3)} s`);
  console.log(`this server:      ${ours.toFixed(3)} s`);
  console.log(`ratio:            ${(ours / theirs).toFixed(2)}x`);
} finally {
  await Deno.remove(dir, { recursive: true });
}
