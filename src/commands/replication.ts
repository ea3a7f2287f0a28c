/**
 * Replication commands (Redis's replication.c): REPLCONF, SYNC, PSYNC, WAIT,
 * WAITAOF, ROLE, REPLICAOF / SLAVEOF, FAILOVER. They parse and reply; the replication subsystem
 * (src/replication) keeps the state and does the work.
 */

import type { Client } from "../server/client.ts";
import type { CommandSpec } from "../server/command_table.ts";
import { replicationOf, WAITAOF_NO_AOF } from "../replication/master.ts";
import { setMaster, unsetMaster } from "../replication/replicaof.ts";
import { SYNTAX_ERR } from "../store/types.ts";
import { bytesToBinary } from "../util/bytes.ts";
import { splitArgsBytes } from "../util/splitargs.ts";
import { parseLongLong } from "../util/number.ts";
import { getLong, getLongLong, getPositiveLong, getRangeLong } from "./args.ts";

/** NET_HOST_STR_LEN: longest REPLCONF ip-address accepted, plus one. */
const NET_HOST_STR_LEN = 256;

function replconfCommand(c: Client): void {
  const repl = replicationOf(c.server);
  // Every option needs its value.
  if (c.argc % 2 === 0) return c.reply.error(SYNTAX_ERR);
  for (let j = 1; j < c.argc; j += 2) {
    const opt = c.lower(j);
    if (opt === "listening-port") {
      const port = getLong(c, j + 1);
      if (port === null) return;
      repl.peerOf(c).listeningPort = port;
    } else if (opt === "ip-address") {
      const addr = c.key(j + 1);
      if (addr.length >= NET_HOST_STR_LEN) {
        return c.reply.error(
          `ERR REPLCONF ip-address provided by replica instance is too long: ${addr.length} bytes`,
        );
      }
      repl.peerOf(c).ipAddress = addr;
    } else if (opt === "capa") {
      const capa = c.lower(j + 1);
      if (capa === "eof") repl.peerOf(c).capaEof = true;
      else if (capa === "psync2") repl.peerOf(c).capaPsync2 = true;
    } else if (opt === "ack") {
      // From a replica only, and never answered.
      if (!repl.isReplicaClient(c)) return;
      const offset = parseLongLong(c.argv[j + 1]);
      if (offset === null) return;
      let aofOffset: bigint | null = null;
      if (c.argc > j + 3 && c.lower(j + 2) === "fack") {
        aofOffset = parseLongLong(c.argv[j + 3]);
        if (aofOffset === null) return;
      }
      repl.ack(c, Number(offset), aofOffset === null ? null : Number(aofOffset));
      return;
    } else if (opt === "getack") {
      // From our master: answered with REPLCONF ACK on the link.
      if (c.server.isReplica()) repl.link?.sendAck();
      return;
    } else if (opt === "rdb-only") {
      const v = getRangeLong(c, j + 1, 0n, 1n);
      if (v === null) return;
      repl.peerOf(c).rdbOnly = v === 1;
    } else if (opt === "rdb-filter-only") {
      const filters = splitArgsBytes(c.argv[j + 1]);
      if (filters === null) return c.reply.error("ERR Missing rdb-filter-only values");
      // Only "functions" can be included; data never is. Set before the filters are
      // checked: an unsupported one still leaves both excluded, as in Redis.
      const peer = repl.peerOf(c);
      peer.excludeData = true;
      peer.excludeFunctions = true;
      for (const f of filters) {
        if (bytesToBinary(f).toLowerCase() !== "functions") {
          return c.reply.error(`ERR Unsupported rdb-filter-only option: ${bytesToBinary(f)}`);
        }
        peer.excludeFunctions = false;
      }
    } else {
      return c.reply.error(`ERR Unrecognized REPLCONF option: ${c.key(j)}`);
    }
  }
  c.reply.ok();
}

function syncCommand(c: Client): void {
  replicationOf(c.server).sync(c, null);
}

function psyncCommand(c: Client): void {
  const server = c.server;
  const repl = replicationOf(server);
  if (repl.isReplicaClient(c)) return; // already a replica: ignored, as SYNC
  // PSYNC replid offset FAILOVER: our master hands over to us (its FAILOVER).
  if (c.argc > 3 && c.lower(3) === "failover") {
    server.log.warning(`Failover request received for replid ${c.key(1)}.`);
    if (!server.isReplica()) return c.reply.error("ERR PSYNC FAILOVER can't be sent to a master.");
    // strcasecmp, as Redis compares replication ids.
    if (c.lower(1) !== server.repl.replid) {
      return c.reply.error("ERR PSYNC FAILOVER replid must match my replid.");
    }
    unsetMaster(server, c, "failover request");
  }
  // The offset is parsed once SYNC's own refusals are past (syncCommand's order).
  repl.sync(c, { replid: c.key(1), offset: parseLongLong(c.argv[2]) });
}

function waitCommand(c: Client): void {
  const server = c.server;
  if (server.isReplica()) {
    return c.reply.error(
      "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.",
    );
  }
  const numreplicas = getLong(c, 1);
  if (numreplicas === null) return;
  const timeout = getLongLong(c, 2, "timeout is not an integer or out of range");
  if (timeout === null) return;
  if (timeout < 0n) return c.reply.error("ERR timeout is negative");
  const deadline = timeout > 0n ? server.keyspace.now + Number(timeout) : 0;
  replicationOf(server).wait(c, numreplicas, deadline);
}

function waitaofCommand(c: Client): void {
  const server = c.server;
  const numlocal = getRangeLong(c, 1, 0n, 1n);
  if (numlocal === null) return;
  const numreplicas = getPositiveLong(c, 2);
  if (numreplicas === null) return;
  const timeout = getLongLong(c, 3, "timeout is not an integer or out of range");
  if (timeout === null) return;
  if (timeout < 0n) return c.reply.error("ERR timeout is negative");
  if (server.isReplica()) {
    return c.reply.error(
      "ERR WAITAOF cannot be used with replica instances. Please also note that writes to replicas are just local and are not propagated.",
    );
  }
  if (numlocal > 0 && !server.config.appendonly) return c.reply.error(WAITAOF_NO_AOF);
  const deadline = timeout > 0n ? server.keyspace.now + Number(timeout) : 0;
  replicationOf(server).waitAof(c, numlocal, numreplicas, deadline);
}

function roleCommand(c: Client): void {
  const server = c.server;
  const repl = replicationOf(server);
  const link = repl.link;
  if (server.isReplica() && link !== null) {
    c.reply.array(5);
    c.reply.bulkText("slave");
    c.reply.bulkBinary(link.host);
    c.reply.integer(link.port);
    c.reply.bulkText(link.state);
    c.reply.integer(link.roleOffset);
    return;
  }
  const replicas = repl.roleReplicas();
  c.reply.array(3);
  c.reply.bulkText("master");
  c.reply.integer(server.repl.offset);
  c.reply.array(replicas.length);
  for (const [ip, port, offset] of replicas) {
    c.reply.array(3);
    c.reply.bulkBinary(ip);
    c.reply.bulkText(String(port));
    c.reply.bulkText(String(offset));
  }
}

function replicaofCommand(c: Client): void {
  const server = c.server;
  if (replicationOf(server).failoverState !== "no-failover") {
    return c.reply.error("ERR REPLICAOF not allowed while failing over.");
  }
  if (c.lower(1) === "no" && c.lower(2) === "one") {
    if (server.isReplica()) unsetMaster(server, c);
    return c.reply.ok();
  }
  if (c.kind === "replica") {
    return c.reply.error("ERR Command is not valid when client is a replica.");
  }
  const port = getRangeLong(c, 2, 0n, 65535n, "Invalid master port");
  if (port === null) return;
  const host = c.key(1);
  const link = replicationOf(server).link;
  if (
    server.isReplica() && link !== null && link.host.toLowerCase() === host.toLowerCase() &&
    link.port === port
  ) {
    server.log.notice(
      "REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.",
    );
    return c.reply.simple("OK Already connected to specified master");
  }
  setMaster(server, host, port, c);
  c.reply.ok();
}

/** FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms] (Redis 6.2's coordinated failover). */
function failoverCommand(c: Client): void {
  const repl = replicationOf(c.server);
  if (c.argc === 2 && c.lower(1) === "abort") {
    if (repl.failoverState === "no-failover") return c.reply.error("ERR No failover in progress.");
    repl.abortFailover("Failover manually aborted");
    return c.reply.ok();
  }
  let timeout = 0;
  let force = false;
  let host: string | null = null;
  let port = 0;
  for (let j = 1; j < c.argc; j++) {
    const opt = c.lower(j);
    if (opt === "timeout" && j + 1 < c.argc && timeout === 0) {
      const v = getLong(c, j + 1);
      if (v === null) return;
      if (v <= 0) return c.reply.error("ERR FAILOVER timeout must be greater than 0");
      timeout = v;
      j++;
    } else if (opt === "to" && j + 2 < c.argc && host === null) {
      const p = getLong(c, j + 2);
      if (p === null) return;
      port = p;
      host = c.key(j + 1);
      j += 2;
    } else if (opt === "force" && !force) {
      force = true;
    } else {
      return c.reply.error(SYNTAX_ERR);
    }
  }
  if (repl.failoverState !== "no-failover") {
    return c.reply.error("ERR FAILOVER already in progress.");
  }
  if (c.server.isReplica()) {
    return c.reply.error("ERR FAILOVER is not valid when server is a replica.");
  }
  if (repl.replicas.size === 0) return c.reply.error("ERR FAILOVER requires connected replicas.");
  if (force && (timeout === 0 || host === null)) {
    return c.reply.error(
      "ERR FAILOVER with force option requires both a timeout and target HOST and IP.",
    );
  }
  if (host !== null) {
    const found = repl.findReplica(host, port);
    if (found === null) {
      return c.reply.error("ERR FAILOVER target HOST and PORT is not a replica.");
    }
    if (found[1].state !== "online") {
      return c.reply.error("ERR FAILOVER target replica is not online.");
    }
  }
  repl.startFailover(host, port, timeout, force);
  c.reply.ok();
}

const serverRow = { firstKey: 0, lastKey: 0, step: 0, group: "server" as const };

const REPLICAOF_ARGS: CommandSpec["args"] = [
  {
    name: "args",
    type: "oneof",
    args: [
      {
        name: "host-port",
        type: "block",
        args: [{ name: "host", type: "string" }, { name: "port", type: "integer" }],
      },
      {
        name: "no-one",
        type: "block",
        args: [
          { name: "no", type: "pure-token", token: "NO" },
          { name: "one", type: "pure-token", token: "ONE" },
        ],
      },
    ],
  },
];

/** Rows of the replication commands. */
export const replicationCommands: CommandSpec[] = [
  {
    ...serverRow,
    name: "replconf",
    arity: -1,
    flags: ["admin", "noscript", "loading", "stale", "allow_busy"],
    since: "3.0.0",
    summary: "An internal command for configuring the replication stream.",
    complexity: "O(1)",
    docFlags: ["syscmd"],
    handler: replconfCommand,
  },
  {
    ...serverRow,
    name: "sync",
    arity: 1,
    flags: ["admin", "noscript", "no_async_loading", "no_multi"],
    since: "1.0.0",
    summary: "An internal command used in replication.",
    handler: syncCommand,
  },
  {
    ...serverRow,
    name: "psync",
    arity: -3,
    flags: ["admin", "noscript", "no_async_loading", "no_multi"],
    since: "2.8.0",
    summary: "An internal command used in replication.",
    args: [{ name: "replicationid", type: "string" }, { name: "offset", type: "integer" }],
    handler: psyncCommand,
  },
  {
    firstKey: 0,
    lastKey: 0,
    step: 0,
    group: "generic",
    omitGroupCategory: true,
    name: "wait",
    arity: 3,
    flags: ["blocking"],
    since: "3.0.0",
    summary:
      "Blocks until the asynchronous replication of all preceding write commands sent by the connection is completed.",
    complexity: "O(1)",
    aclCategories: ["connection"],
    tips: ["request_policy:all_shards", "response_policy:agg_min"],
    args: [{ name: "numreplicas", type: "integer" }, { name: "timeout", type: "integer" }],
    handler: waitCommand,
  },
  {
    firstKey: 0,
    lastKey: 0,
    step: 0,
    group: "generic",
    omitGroupCategory: true,
    name: "waitaof",
    arity: 4,
    flags: ["blocking"],
    since: "7.2.0",
    summary:
      "Blocks until all of the preceding write commands sent by the connection are written to the append-only file of the master and/or replicas.",
    complexity: "O(1)",
    aclCategories: ["connection"],
    tips: ["request_policy:all_shards", "response_policy:agg_min"],
    args: [
      { name: "numlocal", type: "integer" },
      { name: "numreplicas", type: "integer" },
      { name: "timeout", type: "integer" },
    ],
    handler: waitaofCommand,
  },
  {
    ...serverRow,
    name: "role",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast"],
    since: "2.8.12",
    summary: "Returns the replication role.",
    complexity: "O(1)",
    aclCategories: ["admin", "dangerous"],
    handler: roleCommand,
  },
  {
    ...serverRow,
    name: "replicaof",
    arity: 3,
    flags: ["admin", "noscript", "stale", "no_async_loading"],
    since: "5.0.0",
    summary: "Configures a server as replica of another, or promotes it to a master.",
    complexity: "O(1)",
    args: REPLICAOF_ARGS,
    handler: replicaofCommand,
  },
  {
    ...serverRow,
    name: "slaveof",
    arity: 3,
    flags: ["admin", "noscript", "stale", "no_async_loading"],
    since: "1.0.0",
    summary: "Sets a Redis server as a replica of another, or promotes it to being a master.",
    complexity: "O(1)",
    docFlags: ["deprecated"],
    deprecatedSince: "5.0.0",
    replacedBy: "`REPLICAOF`",
    args: REPLICAOF_ARGS,
    handler: replicaofCommand,
  },
  {
    ...serverRow,
    name: "failover",
    arity: -1,
    flags: ["admin", "noscript", "stale"],
    since: "6.2.0",
    summary: "Starts a coordinated failover from a server to one of its replicas.",
    complexity: "O(1)",
    args: [
      {
        name: "target",
        type: "block",
        token: "TO",
        flags: ["optional"],
        args: [
          { name: "host", type: "string" },
          { name: "port", type: "integer" },
          { name: "force", type: "pure-token", token: "FORCE", flags: ["optional"] },
        ],
      },
      { name: "abort", type: "pure-token", token: "ABORT", flags: ["optional"] },
      { name: "milliseconds", type: "integer", token: "TIMEOUT", flags: ["optional"] },
    ],
    handler: failoverCommand,
  },
];
