/**
 * The RDB made in the background as Redis's rdb child (a BGSAVE, or a full
 * resync's snapshot) next to what kills or delays it: FLUSHALL kills it (the
 * replicas of a full sync reconnect and sync again), DEBUG RELOAD does not (the
 * snapshot ends with the dataset it began with), a replica kills its own
 * before loading its master's RDB, an AOF rewrite makes BGSAVE wait for
 * SCHEDULE and a full sync wait for its end; rdb_saves counts a save when it
 * starts; mem_clients_slaves is
 * the shared replication buffer beyond repl-backlog-size. Each scenario runs
 * on our server and on valkey-server (own processes, own log files) and
 * checks the same replies, INFO fields and log lines in order.
 */

import assert from "node:assert/strict";
import { RawClient, spawnServer, stopSpawned, waitUntil } from "./helpers.ts";
import { HAS_VALKEY, requireValkey } from "./reference.ts";

type Kind = "ours" | "valkey";

interface Proc {
  port: number;
  /** The log's messages so far (the `pid:R date level ` prefix dropped, Valkey's words as Redis's). */
  log: () => Promise<string[]>;
  stop: () => Promise<void>;
}

/** Our server (main.ts) or valkey-server in its own process and dir, no save points. */
async function spawn(kind: Kind, args: string[] = []): Promise<Proc> {
  const p = await spawnServer(
    ["--enable-debug-command", "yes", ...args],
    kind === "valkey" ? "valkey-server" : null,
  );
  const log = async () =>
    (await Deno.readTextFile(`${p.dir}/log`).catch(() => "")).split("\n").map((l) =>
      l.replace(/^\d+:\w \d+ \w+ \d+ [\d:.]+ [*#.-] /, "")
        .replaceAll("PRIMARY", "MASTER").replaceAll("primary", "master")
    );
  return { port: p.port, log, stop: () => stopSpawned(p) };
}

/** A server process of `kind` and a connection to it; both closed afterwards. */
async function withOne(kind: Kind, fn: (p: Proc, c: RawClient) => Promise<void>): Promise<void> {
  const p = await spawn(kind);
  const c = await RawClient.connect(p.port);
  try {
    await fn(p, c);
  } finally {
    c.close();
    await p.stop();
  }
}

/**
 * A master and a replica process of `kind` (the master with `masterArgs`) and a connection to
 * each; all closed and stopped afterwards.
 */
async function withPair(
  kind: Kind,
  masterArgs: string[],
  fn: (master: Proc, replica: Proc, m: RawClient, r: RawClient) => Promise<void>,
): Promise<void> {
  const master = await spawn(kind, masterArgs);
  const replica = await spawn(kind);
  const m = await RawClient.connect(master.port);
  const r = await RawClient.connect(replica.port);
  try {
    await fn(master, replica, m, r);
  } finally {
    m.close();
    r.close();
    await master.stop();
    await replica.stop();
  }
}

async function field(c: RawClient, section: string, name: string): Promise<string | undefined> {
  const raw = await c.call("INFO", section);
  return raw.match(new RegExp(`\r\n${name}:([^\r]*)`))?.[1];
}

function waitField(c: RawClient, section: string, name: string, want: string): Promise<void> {
  return waitUntil(async () => (await field(c, section, name)) === want, `${name}:${want}`, {
    timeoutMs: 20_000,
    intervalMs: 10,
  });
}

/** 300 keys in a few MSETs (DEBUG POPULATE does not count as changes everywhere alike). */
async function fill(c: RawClient, prefix = "key"): Promise<void> {
  for (let i = 0; i < 300; i += 100) {
    const args: string[] = [];
    for (let j = i; j < i + 100; j++) args.push(`${prefix}:${j}`, `value:${j}`);
    assert.equal(await c.call("MSET", ...args), "+OK\r\n");
  }
}

/**
 * Waits until `log` has lines matching each of `res` in that order (others between them
 * allowed); returns the index of the last.
 */
async function loggedInOrder(proc: Proc, res: RegExp[], from = 0): Promise<number> {
  let last = -1;
  await waitUntil(
    async () => {
      const lines = await proc.log();
      let at = from - 1;
      for (const re of res) {
        at = lines.findIndex((l, i) => i > at && re.test(l));
        if (at === -1) return false;
      }
      last = at;
      return true;
    },
    async () => `log lines in order: ${res.join(", ")}\n${(await proc.log()).join("\n")}`,
    { timeoutMs: 20_000, intervalMs: 20 },
  );
  return last;
}

const exact = (s: string) => new RegExp(`^${s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);

// ---------------------------------------------------------------------------------------------

/**
 * {@link withPair}, the master {@link fill}ed, and `fn` run once the replica's full sync
 * (disk-based or diskless) has its snapshot running at 10 ms a key.
 */
function withSlowSync(
  kind: Kind,
  diskless: boolean,
  fn: (master: Proc, replica: Proc, m: RawClient, r: RawClient) => Promise<void>,
): Promise<void> {
  const args = ["--repl-diskless-sync", diskless ? "yes" : "no", "--repl-diskless-sync-delay", "0"];
  return withPair(kind, args, async (master, replica, m, r) => {
    await fill(m);
    assert.equal(await m.call("CONFIG", "SET", "rdb-key-save-delay", 10_000), "+OK\r\n");
    assert.equal(await r.call("REPLICAOF", "127.0.0.1", master.port), "+OK\r\n");
    await waitField(m, "persistence", "rdb_bgsave_in_progress", "1");
    await fn(master, replica, m, r);
  });
}

/** FLUSHALL while a full sync's snapshot runs: it is killed, the replica reconnects and syncs. */
function flushallDuringSync(kind: Kind, diskless: boolean): Promise<void> {
  return withSlowSync(kind, diskless, async (master, replica, m, r) => {
    assert.match((await field(m, "replication", "slave0"))!, /state=wait_bgsave/);
    assert.equal(await m.call("FLUSHALL"), "+OK\r\n");
    const name = `127\\.0\\.0\\.1:${replica.port}`;
    await loggedInOrder(master, [
      ...(diskless
        ? [
          exact("Diskless rdb transfer, done reading from pipe, 1 replicas still up."),
          exact("Background RDB transfer terminated by signal 10"),
        ]
        : [exact("Background saving terminated by signal 10")]),
      exact("SYNC failed. BGSAVE child returned an error"),
      new RegExp(`^Connection with replica ${name} lost\\.$`),
      new RegExp(`^Replica ${name} asks for synchronization$`),
    ]);
    assert.equal(await m.call("CONFIG", "SET", "rdb-key-save-delay", 0), "+OK\r\n");
    await waitField(r, "replication", "master_link_status", "up");
    assert.equal(await field(m, "stats", "sync_full"), "2");
    // SIGUSR1 is no error: the status stays ok.
    assert.equal(await field(m, "persistence", "rdb_last_bgsave_status"), "ok");
    assert.equal(await r.call("DBSIZE"), ":0\r\n");
  });
}

/**
 * FLUSHALL while a BGSAVE runs: killed, the changes stay unsaved; with a save point the
 * empty dataset is saved first and the killed child's end is seen after. rdb_saves counts
 * BGSAVE and SAVE when they start, not FLUSHALL's save.
 */
function flushallDuringBgsave(kind: Kind): Promise<void> {
  return withOne(kind, async (p, c) => {
    await fill(c);
    // Slow enough to be running whatever the load: it is killed anyway.
    assert.equal(await c.call("CONFIG", "SET", "rdb-key-save-delay", 100_000), "+OK\r\n");
    assert.equal(await c.call("BGSAVE"), "+Background saving started\r\n");
    // Counted as it starts.
    assert.equal(await field(c, "persistence", "rdb_saves"), "1");
    assert.equal(await field(c, "persistence", "rdb_bgsave_in_progress"), "1");
    assert.equal(await c.call("CONFIG", "SET", "save", "3600 1"), "+OK\r\n");
    assert.equal(await c.call("FLUSHALL"), "+OK\r\n");
    await loggedInOrder(p, [
      /^Background saving started by pid \d+$/,
      exact("DB saved on disk"),
      exact("Background saving terminated by signal 10"),
    ]);
    await waitField(c, "persistence", "rdb_bgsave_in_progress", "0");
    assert.equal(await field(c, "persistence", "rdb_last_bgsave_status"), "ok");
    // FLUSHALL's own save is no SAVE or BGSAVE.
    assert.equal(await field(c, "persistence", "rdb_saves"), "1");
    assert.equal(await c.call("CONFIG", "SET", "save", ""), "+OK\r\n");
    // Without a save point the killed save leaves the changes unsaved.
    await fill(c);
    assert.equal(await c.call("BGSAVE"), "+Background saving started\r\n");
    assert.equal(await c.call("FLUSHALL"), "+OK\r\n");
    await waitField(c, "persistence", "rdb_bgsave_in_progress", "0");
    assert.ok(Number(await field(c, "persistence", "rdb_changes_since_last_save")) >= 300);
    assert.equal(await field(c, "persistence", "rdb_saves"), "2");
    assert.equal(await c.call("SAVE"), "+OK\r\n");
    assert.equal(await field(c, "persistence", "rdb_saves"), "3");
  });
}

/** BGSAVE while an AOF rewrite runs: refused, or scheduled with SCHEDULE and run after it. */
function bgsaveDuringRewrite(kind: Kind): Promise<void> {
  return withOne(kind, async (p, c) => {
    await fill(c);
    assert.equal(await c.call("CONFIG", "SET", "rdb-key-save-delay", 10_000), "+OK\r\n");
    assert.equal(
      await c.call("BGREWRITEAOF"),
      "+Background append only file rewriting started\r\n",
    );
    assert.equal(await field(c, "persistence", "aof_rewrite_in_progress"), "1");
    assert.equal(
      await c.call("BGSAVE"),
      "-ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.\r\n",
    );
    assert.equal(await c.call("BGSAVE", "SCHEDULE"), "+Background saving scheduled\r\n");
    assert.equal(await c.call("BGSAVE", "SCHEDULE"), "+Background saving scheduled\r\n");
    // Still the rewrite's: the answers above were given while it ran, and no save started.
    assert.equal(await field(c, "persistence", "aof_rewrite_in_progress"), "1");
    assert.equal(await field(c, "persistence", "rdb_bgsave_in_progress"), "0");
    assert.equal(await field(c, "persistence", "rdb_saves"), "0");
    assert.equal(await c.call("CONFIG", "SET", "rdb-key-save-delay", 0), "+OK\r\n");
    // The scheduled save starts once the rewrite is done (once: two SCHEDULEs, one save).
    await waitField(c, "persistence", "rdb_saves", "1");
    await waitField(c, "persistence", "rdb_bgsave_in_progress", "0");
    assert.equal(await field(c, "persistence", "rdb_last_bgsave_status"), "ok");
    assert.equal(await field(c, "persistence", "rdb_changes_since_last_save"), "0");
    await loggedInOrder(p, [
      exact("Background AOF rewrite finished successfully"),
      /^Background saving started by pid \d+$/,
      exact("Background saving terminated with success"),
    ]);
    assert.equal(await field(c, "persistence", "rdb_saves"), "1");
  });
}

/** A replica's BGSAVE is killed before it loads its master's RDB, with Redis's notice. */
function replicaKillsBgsave(kind: Kind): Promise<void> {
  return withPair(kind, ["--repl-diskless-sync-delay", "0"], async (master, replica, m, r) => {
    assert.equal(await m.call("SET", "from", "master"), "+OK\r\n");
    await fill(r);
    // Slow enough to be running whatever the load: it is killed anyway.
    assert.equal(await r.call("CONFIG", "SET", "rdb-key-save-delay", 100_000), "+OK\r\n");
    assert.equal(await r.call("BGSAVE"), "+Background saving started\r\n");
    assert.equal(await r.call("REPLICAOF", "127.0.0.1", master.port), "+OK\r\n");
    await waitField(r, "replication", "master_link_status", "up");
    await loggedInOrder(replica, [
      /^Background saving started by pid \d+$/,
      /^Replica is about to load the RDB file received from the master, but there is a pending RDB child running\. Killing process \d+ and removing its temp file to avoid any race$/,
      exact("MASTER <-> REPLICA sync: Flushing old data"),
      exact("MASTER <-> REPLICA sync: Finished with success"),
      exact("Background saving terminated by signal 10"),
    ]);
    await waitField(r, "persistence", "rdb_bgsave_in_progress", "0");
    assert.equal(await field(r, "persistence", "rdb_last_bgsave_status"), "ok");
    assert.equal(await field(r, "persistence", "rdb_saves"), "1");
    assert.equal(await r.call("DBSIZE"), ":1\r\n");
  });
}

/**
 * mem_clients_slaves: 0 for a replica attached and idle, and for one holding less stream
 * than repl-backlog-size; what the held stream has beyond it otherwise.
 */
function replicaMemory(kind: Kind): Promise<void> {
  return withPair(kind, ["--repl-diskless-sync", "no"], async (master, _replica, m, r) => {
    const mem = async () => Number(await field(m, "memory", "mem_clients_slaves"));
    assert.equal(await mem(), 0);
    assert.equal(await r.call("REPLICAOF", "127.0.0.1", master.port), "+OK\r\n");
    await waitField(r, "replication", "master_link_status", "up");
    assert.equal(await m.call("SET", "a", "1"), "+OK\r\n");
    assert.equal(await mem(), 0);
    // A full sync again, held by a slow snapshot; the stream written meanwhile is held.
    await fill(m);
    assert.equal(await m.call("CONFIG", "SET", "rdb-key-save-delay", 10_000), "+OK\r\n");
    // A replica promoted and attached again has a history of its own: a full sync.
    assert.equal(await r.call("REPLICAOF", "NO", "ONE"), "+OK\r\n");
    assert.equal(await r.call("REPLICAOF", "127.0.0.1", master.port), "+OK\r\n");
    await waitUntil(
      async () => /state=wait_bgsave/.test((await field(m, "replication", "slave0")) ?? ""),
      "the replica waiting for its RDB",
      { timeoutMs: 20_000, intervalMs: 10 },
    );
    assert.equal(await m.call("SET", "b", "x".repeat(10_000)), "+OK\r\n");
    assert.equal(await mem(), 0);
    // 60 KB held, the backlog set to 16 KB: the rest is the replica's.
    assert.equal(await m.call("CONFIG", "SET", "repl-backlog-size", "16kb"), "+OK\r\n");
    for (let i = 0; i < 3; i++) {
      assert.equal(await m.call("SET", `big${i}`, "y".repeat(20_000)), "+OK\r\n");
    }
    // Redis counts whole buffer blocks (16 KB or more each), here the stream's bytes.
    const held = await mem();
    assert.ok(held >= 70_000 - 16_384 && held <= 70_000, `held ${held}`);
    assert.equal(await m.call("CONFIG", "SET", "rdb-key-save-delay", 0), "+OK\r\n");
    await waitField(r, "replication", "master_link_status", "up");
  });
}

/** Redis's line as a full sync's snapshot starts (Valkey adds the kind of sync). */
function startingSync(diskless: boolean): RegExp {
  const target = diskless ? "replicas sockets" : "disk";
  return new RegExp(`^Starting BGSAVE for SYNC with target: ${target}( using: normal sync)?$`);
}

/** `DEL` of `prefix:from` .. `prefix:to-1` in one command; its reply. */
function delRange(c: RawClient, from: number, to: number, prefix = "key"): Promise<string> {
  const keys: string[] = [];
  for (let j = from; j < to; j++) keys.push(`${prefix}:${j}`);
  return c.call("DEL", ...keys);
}

/**
 * DEBUG RELOAD while a BGSAVE runs (debug.c: rdbSave in the foreground, then
 * emptyData, neither of which touches the child): the BGSAVE goes on with the
 * dataset it began with and ends with success, its file written last. Most keys
 * are deleted first so that the foreground save (slowed by rdb-key-save-delay too
 * in Redis) ends well before the BGSAVE.
 */
function reloadDuringBgsave(kind: Kind): Promise<void> {
  return withOne(kind, async (p, c) => {
    await fill(c);
    const digest = await c.call("DEBUG", "DIGEST");
    assert.equal(await c.call("CONFIG", "SET", "rdb-key-save-delay", 10_000), "+OK\r\n");
    assert.equal(await c.call("BGSAVE"), "+Background saving started\r\n");
    assert.equal(await c.call("SET", "key:1", "changed"), "+OK\r\n");
    assert.equal(await c.call("SET", "new:1", "created"), "+OK\r\n");
    assert.equal(await delRange(c, 100, 300), ":200\r\n");
    assert.equal(await field(c, "persistence", "rdb_bgsave_in_progress"), "1");
    assert.equal(await c.call("DEBUG", "RELOAD"), "+OK\r\n");
    // Not killed: still running, over the dataset of its start.
    assert.equal(await field(c, "persistence", "rdb_bgsave_in_progress"), "1");
    assert.equal(await c.call("DBSIZE"), ":101\r\n");
    assert.equal(await c.call("GET", "key:1"), "$7\r\nchanged\r\n");
    assert.equal(await c.call("SET", "key:3", "after"), "+OK\r\n");
    await waitField(c, "persistence", "rdb_bgsave_in_progress", "0");
    await loggedInOrder(p, [
      /^Background saving started by pid \d+$/,
      exact("DB saved on disk"),
      exact("DB reloaded by DEBUG RELOAD"),
      exact("DB saved on disk"),
      exact("Background saving terminated with success"),
    ]);
    assert.ok(!(await p.log()).some((l) => /terminated by signal/.test(l)));
    assert.equal(await field(c, "persistence", "rdb_last_bgsave_status"), "ok");
    assert.equal(await field(c, "persistence", "rdb_saves"), "1");
    // DEBUG RELOAD's save reset the counter; the BGSAVE's end takes off what it had
    // at the start (300), leaving the one change made after the reload, less 300.
    assert.equal(await field(c, "persistence", "rdb_changes_since_last_save"), "-299");
    // The file is the BGSAVE's: the dataset as it was when it began.
    assert.equal(await c.call("DEBUG", "RELOAD", "NOSAVE"), "+OK\r\n");
    assert.equal(await c.call("DEBUG", "DIGEST"), digest);
    assert.equal(await c.call("DBSIZE"), ":300\r\n");
    assert.equal(await c.call("GET", "key:1"), "$7\r\nvalue:1\r\n");
  });
}

/**
 * DEBUG RELOAD NOSAVE NOFLUSH MERGE while a BGSAVE runs: the keys the file replaces
 * (RDBFLAGS_ALLOW_DUP: deleted and added again, no command naming them) are saved
 * with their values from the BGSAVE's start.
 */
function mergeDuringBgsave(kind: Kind): Promise<void> {
  return withOne(kind, async (_p, c) => {
    await fill(c);
    assert.equal(await c.call("SAVE"), "+OK\r\n");
    assert.equal(await c.call("SET", "key:1", "newer"), "+OK\r\n");
    assert.equal(await c.call("DEL", "key:5"), ":1\r\n");
    assert.equal(await c.call("RPUSH", "key:5", "a", "b"), ":2\r\n");
    assert.equal(await c.call("SET", "only:live", "x"), "+OK\r\n");
    const digest = await c.call("DEBUG", "DIGEST");
    assert.equal(await c.call("CONFIG", "SET", "rdb-key-save-delay", 10_000), "+OK\r\n");
    assert.equal(await c.call("BGSAVE"), "+Background saving started\r\n");
    assert.equal(await c.call("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE"), "+OK\r\n");
    assert.equal(await field(c, "persistence", "rdb_bgsave_in_progress"), "1");
    // The file's values won.
    assert.equal(await c.call("GET", "key:1"), "$7\r\nvalue:1\r\n");
    assert.equal(await c.call("GET", "key:5"), "$7\r\nvalue:5\r\n");
    assert.equal(await c.call("DBSIZE"), ":301\r\n");
    await waitField(c, "persistence", "rdb_bgsave_in_progress", "0");
    assert.equal(await field(c, "persistence", "rdb_last_bgsave_status"), "ok");
    assert.equal(await c.call("DEBUG", "RELOAD", "NOSAVE"), "+OK\r\n");
    assert.equal(await c.call("DEBUG", "DIGEST"), digest);
    assert.equal(await c.call("GET", "key:1"), "$5\r\nnewer\r\n");
    assert.equal(await c.call("LRANGE", "key:5", 0, -1), "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  });
}

/**
 * DEBUG RELOAD while a full sync's snapshot runs: not killed, the replica gets the
 * snapshot of the dataset as it began, then the writes since, and ends with the
 * master's dataset after one full sync.
 */
function reloadDuringSync(kind: Kind, diskless: boolean): Promise<void> {
  return withSlowSync(kind, diskless, async (master, replica, m, r) => {
    assert.equal(await m.call("SET", "key:1", "changed"), "+OK\r\n");
    assert.equal(await delRange(m, 100, 300), ":200\r\n");
    assert.match((await field(m, "replication", "slave0"))!, /state=wait_bgsave/);
    assert.equal(await m.call("DEBUG", "RELOAD"), "+OK\r\n");
    assert.equal(await field(m, "persistence", "rdb_bgsave_in_progress"), "1");
    assert.equal(await m.call("SET", "key:3", "after"), "+OK\r\n");
    assert.equal(await m.call("RPUSH", "list", "x", "y"), ":2\r\n");
    await waitField(r, "replication", "master_link_status", "up");
    const digest = await m.call("DEBUG", "DIGEST");
    await waitUntil(async () => (await r.call("DEBUG", "DIGEST")) === digest, "replica digest", {
      timeoutMs: 20_000,
      intervalMs: 20,
    });
    assert.equal(await r.call("DBSIZE"), ":101\r\n");
    assert.equal(await field(m, "stats", "sync_full"), "1");
    const name = `127\\.0\\.0\\.1:${replica.port}`;
    await loggedInOrder(master, [
      startingSync(diskless),
      exact("DB saved on disk"),
      exact("DB reloaded by DEBUG RELOAD"),
      new RegExp(`^Synchronization with replica ${name} succeeded$`),
    ]);
    assert.ok(!(await master.log()).some((l) => /terminated by signal|SYNC failed/.test(l)));
  });
}

/**
 * A full sync asked for while an AOF rewrite runs (syncCommand's CASE 3 with another
 * child active): the replica waits, the snapshot starts when the rewrite ends
 * (checkChildrenDone's replicationStartPendingFork), and the writes made during the
 * wait reach the replica. `delay`: a diskless sync delayed by repl-diskless-sync-delay.
 */
function syncDuringRewrite(kind: Kind, diskless: boolean, delay: boolean): Promise<void> {
  const args = [
    ...["--repl-diskless-sync", diskless ? "yes" : "no"],
    ...["--repl-diskless-sync-delay", delay ? "1" : "0"],
  ];
  return withPair(kind, args, async (master, replica, m, r) => {
    await fill(m);
    // The rewrite's child (its RDB preamble) takes 3 s (7.5 s with a delay to wait out):
    // its end is what the sync waits for.
    const keyDelay = delay ? 25_000 : 10_000;
    assert.equal(await m.call("CONFIG", "SET", "rdb-key-save-delay", keyDelay), "+OK\r\n");
    assert.equal(
      await m.call("BGREWRITEAOF"),
      "+Background append only file rewriting started\r\n",
    );
    assert.equal(await r.call("REPLICAOF", "127.0.0.1", master.port), "+OK\r\n");
    const name = `127\\.0\\.0\\.1:${replica.port}`;
    await loggedInOrder(master, [
      new RegExp(`^Replica ${name} asks for synchronization$`),
      exact(
        delay
          ? "Delay next BGSAVE for diskless SYNC"
          : "No BGSAVE in progress, but another BG operation is active. BGSAVE for replication delayed",
      ),
    ]);
    if (delay) {
      // Over 2 s more by the master's own clock: the delay is over and a replicationCron
      // ran since, so what holds the sync back now is the rewrite alone.
      const uptime = async () => Number(await field(m, "server", "uptime_in_seconds"));
      const from = await uptime();
      await waitUntil(async () => (await uptime()) >= from + 3, "the replica waiting 2 s more", {
        timeoutMs: 20_000,
        intervalMs: 50,
      });
    }
    assert.equal(await m.call("SET", "during", "wait"), "+OK\r\n");
    assert.equal(await m.call("INCR", "counter"), ":1\r\n");
    // Still waiting on the rewrite: no snapshot for the replica yet.
    assert.equal(await field(m, "persistence", "aof_rewrite_in_progress"), "1");
    assert.equal(await field(m, "persistence", "rdb_bgsave_in_progress"), "0");
    assert.match((await field(m, "replication", "slave0"))!, /state=wait_bgsave/);
    assert.equal(await m.call("CONFIG", "SET", "rdb-key-save-delay", 0), "+OK\r\n");
    await waitField(r, "replication", "master_link_status", "up");
    await loggedInOrder(master, [
      new RegExp(`^Replica ${name} asks for synchronization$`),
      exact("Background AOF rewrite finished successfully"),
      startingSync(diskless),
      new RegExp(`^Synchronization with replica ${name} succeeded$`),
    ]);
    assert.equal(await m.call("INCR", "counter"), ":2\r\n");
    const digest = await m.call("DEBUG", "DIGEST");
    await waitUntil(async () => (await r.call("DEBUG", "DIGEST")) === digest, "replica digest", {
      timeoutMs: 20_000,
      intervalMs: 20,
    });
    assert.equal(await r.call("GET", "during"), "$4\r\nwait\r\n");
    assert.equal(await r.call("DBSIZE"), ":302\r\n");
    assert.equal(await field(m, "stats", "sync_full"), "1");
    assert.equal(await field(m, "persistence", "aof_rewrites"), "1");
  });
}

const scenarios: [string, (kind: Kind) => Promise<void>][] = [
  ["DEBUG RELOAD during a BGSAVE: the BGSAVE ends with its own dataset", reloadDuringBgsave],
  ["DEBUG RELOAD MERGE during a BGSAVE: replaced keys saved as they were", mergeDuringBgsave],
  ["DEBUG RELOAD during a disk-based full sync's snapshot", (k) => reloadDuringSync(k, false)],
  ["DEBUG RELOAD during a diskless full sync's transfer", (k) => reloadDuringSync(k, true)],
  ["a disk-based full sync waits for an AOF rewrite", (k) => syncDuringRewrite(k, false, false)],
  ["a diskless full sync waits for an AOF rewrite", (k) => syncDuringRewrite(k, true, false)],
  [
    "a delayed diskless full sync waits for an AOF rewrite",
    (k) => syncDuringRewrite(k, true, true),
  ],
  ["FLUSHALL kills a disk-based full sync's snapshot", (k) => flushallDuringSync(k, false)],
  ["FLUSHALL kills a diskless full sync's transfer", (k) => flushallDuringSync(k, true)],
  ["FLUSHALL kills a BGSAVE; rdb_saves counts saves as they start", flushallDuringBgsave],
  ["BGSAVE during an AOF rewrite: refused, or scheduled for after it", bgsaveDuringRewrite],
  ["a replica kills its BGSAVE before loading the master's RDB", replicaKillsBgsave],
  ["mem_clients_slaves is the replication buffer beyond the backlog", replicaMemory],
];

for (const [name, run] of scenarios) {
  Deno.test(`rdb child: ${name}`, () => run("ours"));
  Deno.test({
    name: `rdb child: ${name}, as valkey-server does it`,
    ignore: !HAS_VALKEY,
    fn: () => {
      requireValkey();
      return run("valkey");
    },
  });
}
