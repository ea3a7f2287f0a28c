/**
 * Real redis-sentinel (Debian's package) managing a group of our servers: three sentinels
 * monitor a master of ours with two replicas of ours, each a main.ts process started with its
 * own config file (Sentinel's REPLICAOF comes with CONFIG REWRITE, which needs one). The
 * sentinels discover the replicas (INFO) and each other (__sentinel__:hello), then carry out
 * SENTINEL FAILOVER, after which clients asking the sentinels (raw, and ioredis in sentinel
 * mode) write to the new master, and, after the master is SIGKILLed, an automatic failover in
 * which no write acknowledged by WAIT is lost. Every member's log is printed when the test fails.
 */

import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { freePort, RawClient, runsWith, simplify, useCommand, waitUntil } from "./helpers.ts";

const SENTINEL = "redis-sentinel";
const MAIN = new URL("../main.ts", import.meta.url).pathname;
const NAME = "mymaster";

/** A process of the group: one of our servers or a sentinel. */
interface Member {
  name: string;
  port: number;
  dir: string;
  proc: Deno.ChildProcess;
}

/** The group's processes and temp dir, all stopped and removed by `stop`. */
class Group {
  readonly members: Member[] = [];
  constructor(readonly root: string) {}

  /** Starts one of our servers from a config file in its own dir (a replica of `master`). */
  async server(name: string, master?: Member): Promise<Member> {
    const dir = await this.dir(name);
    const port = freePort();
    const conf = [
      `port ${port}`,
      "bind 127.0.0.1",
      `dir "${dir}"`,
      `logfile "${dir}/log"`,
      'save ""',
      "appendonly no",
      // Any of them may become the master: full resyncs start at once.
      "repl-diskless-sync-delay 0",
    ];
    if (master) conf.push(`replicaof 127.0.0.1 ${master.port}`);
    await Deno.writeTextFile(`${dir}/redis.conf`, conf.join("\n") + "\n");
    return this.spawn(name, port, dir, Deno.execPath(), ["run", "-A", MAIN, `${dir}/redis.conf`]);
  }

  /** Starts a sentinel monitoring `master` with quorum 2 and timeouts of a few seconds. */
  async sentinel(name: string, master: Member): Promise<Member> {
    const dir = await this.dir(name);
    const port = freePort();
    const conf = [
      `port ${port}`,
      "bind 127.0.0.1",
      `dir "${dir}"`,
      `logfile "${dir}/log"`,
      `sentinel monitor ${NAME} 127.0.0.1 ${master.port} 2`,
      `sentinel down-after-milliseconds ${NAME} 2000`,
      `sentinel failover-timeout ${NAME} 4000`,
    ];
    await Deno.writeTextFile(`${dir}/sentinel.conf`, conf.join("\n") + "\n");
    return this.spawn(name, port, dir, SENTINEL, [`${dir}/sentinel.conf`]);
  }

  private async dir(name: string): Promise<string> {
    const dir = `${this.root}/${name}`;
    await Deno.mkdir(dir);
    return dir;
  }

  private async spawn(
    name: string,
    port: number,
    dir: string,
    cmd: string,
    args: string[],
  ): Promise<Member> {
    const proc = new Deno.Command(cmd, { args, stdout: "null", stderr: "null" }).spawn();
    const m = { name, port, dir, proc };
    this.members.push(m);
    await waitUntil(
      async () => {
        try {
          (await RawClient.connect(port)).close();
          return true;
        } catch {
          return false;
        }
      },
      `${name} listening on ${port}`,
      { timeoutMs: 15_000, intervalMs: 20 },
    );
    return m;
  }

  /** SIGKILLs `m` by its PID and waits for it to exit. */
  async kill(m: Member): Promise<void> {
    try {
      m.proc.kill("SIGKILL");
    } catch { /* already gone */ }
    await m.proc.status;
  }

  /** The tail of every member's log, for a failure report. */
  async logs(): Promise<string> {
    let out = "";
    for (const m of this.members) {
      const text = await Deno.readTextFile(`${m.dir}/log`).catch(() => "(no log)");
      out += `---- ${m.name} (port ${m.port})\n${text.split("\n").slice(-40).join("\n")}\n`;
    }
    return out;
  }

  async stop(): Promise<void> {
    for (const m of this.members) await this.kill(m);
    await Deno.remove(this.root, { recursive: true }).catch(() => {});
  }
}

/**
 * Sends one command on a connection of its own: Sentinel's CLIENT KILL TYPE normal closes
 * every normal client of a server it reconfigures, so nothing here keeps one open.
 */
async function ask(port: number, ...args: (string | number)[]): Promise<unknown> {
  const c = await RawClient.connect(port);
  try {
    await c.send(...args);
    return simplify(await c.read());
  } finally {
    c.close();
  }
}

/** `ask`, with connection errors (a server being killed or restarted) as undefined. */
async function tryAsk(port: number, ...args: (string | number)[]): Promise<unknown> {
  try {
    return await ask(port, ...args);
  } catch {
    return undefined;
  }
}

/** A flat field/value array (Sentinel's RESP2 maps) as a Map. */
function fields(flat: unknown): Map<string, string> {
  const a = flat as string[];
  const m = new Map<string, string>();
  for (let i = 0; i + 1 < a.length; i += 2) m.set(a[i], a[i + 1]);
  return m;
}

/** INFO replication of the server on `port` as a field map (empty when unreachable). */
async function replicationInfo(port: number): Promise<Map<string, string>> {
  const text = await tryAsk(port, "INFO", "replication");
  const m = new Map<string, string>();
  if (typeof text !== "string") return m;
  for (const line of text.split("\r\n")) {
    const i = line.indexOf(":");
    if (i > 0 && !line.startsWith("#")) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

/** Ports of the replicas INFO replication on `port` lists as online. */
async function onlineReplicas(port: number): Promise<number[]> {
  const ports: number[] = [];
  for (const [k, v] of await replicationInfo(port)) {
    const m = /^slave\d+$/.test(k) && /port=(\d+),state=online/.exec(v);
    if (m) ports.push(Number(m[1]));
  }
  return ports.sort((a, b) => a - b);
}

/** The master port every sentinel reports for NAME, or null while they disagree. */
async function agreedMaster(sentinels: Member[]): Promise<number | null> {
  let port: number | null = null;
  for (const s of sentinels) {
    const addr = await tryAsk(s.port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", NAME);
    if (!Array.isArray(addr) || addr[0] !== "127.0.0.1") return null;
    const p = Number(addr[1]);
    if (port !== null && p !== port) return null;
    port = p;
  }
  return port;
}

/** Waits until every sentinel names a master other than `old` and returns its port. */
async function newMaster(sentinels: Member[], old: number): Promise<number> {
  let port: number | null = null;
  await waitUntil(
    async () => {
      port = await agreedMaster(sentinels);
      return port !== null && port !== old;
    },
    `the sentinels to agree on a master other than ${old}`,
    { timeoutMs: 20_000, intervalMs: 50 },
  );
  return port!;
}

/** Waits until `replica` is a connected replica of `master` by ROLE and INFO replication. */
function replicaOf(replica: Member, master: number): Promise<void> {
  return waitUntil(
    async () => {
      const role = await tryAsk(replica.port, "ROLE") as unknown[] | undefined;
      if (!Array.isArray(role) || role[0] !== "slave") return false;
      if (role[1] !== "127.0.0.1" || role[2] !== master || role[3] !== "connected") return false;
      const info = await replicationInfo(replica.port);
      return info.get("master_port") === String(master) &&
        info.get("master_link_status") === "up";
    },
    async () =>
      `${replica.name} to replicate ${master}: ROLE ${
        JSON.stringify(await tryAsk(replica.port, "ROLE"))
      }`,
    { timeoutMs: 20_000, intervalMs: 50 },
  );
}

/** Reads MONITOR lines on `port` until one matches `re` (fails after `timeoutMs`). */
async function monitorUntil(port: number, re: RegExp, timeoutMs: number): Promise<string> {
  const c = await RawClient.connect(port);
  const timer = setTimeout(() => c.close(), timeoutMs);
  try {
    await c.send("MONITOR");
    assert.equal(simplify(await c.read()), "OK");
    while (true) {
      let line: unknown;
      try {
        line = simplify(await c.read());
      } catch {
        throw new Error(`no MONITOR line on ${port} matched ${re} within ${timeoutMs} ms`);
      }
      if (typeof line === "string" && re.test(line)) return line;
    }
  } finally {
    clearTimeout(timer);
    c.close();
  }
}

Deno.test({
  name: "sentinel: redis-sentinel discovers our servers, fails over on request and on a kill",
  ignore: !runsWith(SENTINEL),
  fn: async () => {
    useCommand(SENTINEL);
    const group = new Group(await Deno.makeTempDir({ prefix: "redis-deno-sentinel-" }));
    try {
      // The servers first, replicas online before the sentinels' first INFO.
      const master = await group.server("server-a");
      const replicas = [
        await group.server("server-b", master),
        await group.server("server-c", master),
      ];
      const servers = [master, ...replicas];
      const replicaPorts = replicas.map((r) => r.port).sort((a, b) => a - b);
      await waitUntil(
        async () => (await onlineReplicas(master.port)).join() === replicaPorts.join(),
        "both replicas online",
        { timeoutMs: 15_000, intervalMs: 20 },
      );
      const sentinels: Member[] = [];
      for (const name of ["sentinel-1", "sentinel-2", "sentinel-3"]) {
        sentinels.push(await group.sentinel(name, master));
      }

      // Discovery: the replicas through the master's INFO, the other sentinels through
      // __sentinel__:hello on our pub/sub.
      for (const s of sentinels) {
        await waitUntil(
          async () => {
            const list = await tryAsk(s.port, "SENTINEL", "REPLICAS", NAME);
            if (!Array.isArray(list)) return false;
            const ports = list.map(fields).filter((r) =>
              r.get("flags") === "slave" &&
              r.get("master-link-status") === "ok" && r.get("master-port") === String(master.port)
            ).map((r) => Number(r.get("port"))).sort((a, b) => a - b);
            return ports.join() === replicaPorts.join();
          },
          `${s.name} to discover both replicas`,
          { timeoutMs: 20_000, intervalMs: 50 },
        );
        const others = sentinels.filter((o) => o !== s).map((o) => o.port).sort((a, b) => a - b);
        await waitUntil(
          async () => {
            const list = await tryAsk(s.port, "SENTINEL", "SENTINELS", NAME);
            if (!Array.isArray(list)) return false;
            const ports = list.map((r) => Number(fields(r).get("port"))).sort((a, b) => a - b);
            return ports.join() === others.join();
          },
          `${s.name} to discover the other sentinels`,
          { timeoutMs: 20_000, intervalMs: 50 },
        );
      }
      // What the sentinels read of the replicas (INFO) and how they named their links
      // (CLIENT SETNAME; the pub/sub link subscribed to __sentinel__:hello).
      for (const r of replicas) {
        const list = await ask(sentinels[0].port, "SENTINEL", "REPLICAS", NAME) as unknown[];
        const seen = list.map(fields).find((f) => f.get("port") === String(r.port))!;
        const runId = /run_id:([0-9a-f]{40})/.exec(await ask(r.port, "INFO", "server") as string);
        assert.equal(seen.get("runid"), runId?.[1]);
        assert.equal(seen.get("role-reported"), "slave");
        assert.equal(seen.get("slave-priority"), "100");
      }
      const clients = await ask(master.port, "CLIENT", "LIST") as string;
      assert.equal(clients.match(/ name=sentinel-[0-9a-f]{8}-cmd /g)?.length, 3, clients);
      assert.equal(
        clients.match(/ name=sentinel-[0-9a-f]{8}-pubsub .* sub=1 .* cmd=subscribe /g)?.length,
        3,
        clients,
      );
      // The hellos the sentinels publish on the master reach the replicas through the
      // replication stream; MONITOR on a replica shows them as the master link's.
      await monitorUntil(
        replicas[0].port,
        new RegExp(
          `^\\d+\\.\\d{6} \\[0 127\\.0\\.0\\.1:${master.port}\\] "PUBLISH" ` +
            `"__sentinel__:hello" "127\\.0\\.0\\.1,\\d+,[0-9a-f]{40},\\d+,${NAME},`,
        ),
        10_000,
      );
      // Sent by Sentinel to a master busy in a script; ours never is.
      assert.deepEqual(
        await ask(master.port, "SCRIPT", "KILL"),
        new Error("NOTBUSY No scripts in execution right now."),
      );

      // Data written before the failovers, acknowledged by both replicas.
      {
        const c = await RawClient.connect(master.port);
        for (let i = 0; i < 100; i++) {
          await c.send("SET", `before:${i}`, i);
          await c.send("WAIT", 2, 5000);
          assert.equal(simplify(await c.read()), "OK");
          assert.equal(simplify(await c.read()), 2);
        }
        c.close();
      }

      // (1) SENTINEL FAILOVER: a replica is promoted (REPLICAOF NO ONE), the other one and then
      // the old master are repointed (MULTI, REPLICAOF, CONFIG REWRITE, CLIENT KILL, EXEC).
      assert.equal(await ask(sentinels[0].port, "SENTINEL", "FAILOVER", NAME), "OK");
      const promoted = await newMaster(sentinels, master.port);
      const first = servers.find((s) => s.port === promoted)!;
      assert.ok(replicas.includes(first), `promoted a replica (${promoted})`);
      const rest = servers.filter((s) => s !== first);
      assert.equal((await ask(first.port, "ROLE") as unknown[])[0], "master");
      for (const r of rest) await replicaOf(r, first.port);
      // A diskless full resync's replica is online at the master once it sent its first ACK.
      const restPorts = rest.map((r) => r.port).sort((a, b) => a - b);
      await waitUntil(
        async () => (await onlineReplicas(first.port)).join() === restPorts.join(),
        `${first.name} to list ${restPorts} online`,
        { timeoutMs: 10_000, intervalMs: 20 },
      );
      // CONFIG REWRITE persisted the new roles in the config files.
      for (const s of servers) {
        const conf = await Deno.readTextFile(`${s.dir}/redis.conf`);
        const lines = conf.split("\n").filter((l) => l.startsWith("replicaof "));
        assert.deepEqual(lines, s === first ? [] : [`replicaof 127.0.0.1 ${first.port}`], s.name);
      }
      // A client asking the sentinels reaches the new master, which has the data and writes.
      {
        const addr = await ask(sentinels[1].port, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", NAME);
        const port = Number((addr as string[])[1]);
        assert.equal(port, first.port);
        assert.equal(await ask(port, "GET", "before:99"), "99");
        assert.equal(await ask(port, "SET", "after-failover", "1"), "OK");
        assert.equal(await ask(port, "WAIT", 2, 5000), 2);
      }
      // So does a client library in sentinel mode.
      {
        const redis = new Redis({
          sentinels: sentinels.map((s) => ({ host: "127.0.0.1", port: s.port })),
          name: NAME,
          lazyConnect: true,
          sentinelRetryStrategy: () => null,
          retryStrategy: () => null,
        });
        try {
          await redis.connect();
          assert.equal(await redis.set("via-ioredis", "1"), "OK");
        } finally {
          redis.disconnect();
        }
        assert.equal(await ask(first.port, "GET", "via-ioredis"), "1");
      }

      // (2) The master is killed while a client writes, each write followed by WAIT 2; the
      // sentinels fail over on their own and every acknowledged write is on the new master.
      const acked: string[] = [];
      let killed: () => void = () => {};
      const enough = new Promise<void>((r) => killed = r);
      const writer = (async () => {
        const c = await RawClient.connect(first.port);
        try {
          for (let i = 0;; i++) {
            await c.send("SET", `acked:${i}`, i);
            await c.send("WAIT", 2, 5000);
            assert.equal(simplify(await c.read()), "OK");
            if (simplify(await c.read()) === 2) acked.push(`acked:${i}`);
            if (acked.length === 50) killed();
          }
        } catch {
          // The master went away mid-write.
        } finally {
          c.close();
        }
      })();
      await Promise.race([
        enough,
        writer.then(() => {
          throw new Error(`the writer stopped after ${acked.length} acknowledged writes`);
        }),
      ]);
      await group.kill(first);
      await writer;
      assert.ok(acked.length >= 50, `${acked.length} writes acknowledged before the kill`);
      const secondPort = await newMaster(sentinels, first.port);
      const second = servers.find((s) => s.port === secondPort);
      assert.ok(second !== undefined && second !== first, "promoted one of the two left");
      const last = rest.find((s) => s !== second)!;
      await waitUntil(
        async () => (await tryAsk(second.port, "ROLE") as unknown[] | undefined)?.[0] === "master",
        `${second.name} to be a master`,
        { timeoutMs: 20_000, intervalMs: 50 },
      );
      await replicaOf(last, second.port);
      assert.equal(await ask(second.port, "EXISTS", ...acked), acked.length, "acknowledged writes");
      assert.equal(await ask(second.port, "EXISTS", "before:0", "after-failover"), 2);
      assert.equal(await ask(second.port, "SET", "after-kill", "1"), "OK");
      assert.equal(await ask(second.port, "WAIT", 1, 5000), 1);
      assert.equal(await ask(last.port, "GET", "after-kill"), "1");
    } catch (e) {
      console.error(await group.logs());
      throw e;
    } finally {
      await group.stop();
    }
  },
});
