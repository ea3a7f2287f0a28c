/**
 * Server commands: INFO, CONFIG, TIME, LASTSAVE, MONITOR (Redis's server.c,
 * config.c). COMMAND, DEBUG, SHUTDOWN, SLOWLOG and LATENCY have their own files.
 */

import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { ConfigError } from "../server/config.ts";
import { helpRow, replyHelp } from "./help.ts";
import { genInfoString, resetInfoStats } from "./info.ts";
import type { Command, CommandFlag, CommandSpec } from "../server/command_table.ts";

/** The peer is on the loopback interface (islocalClient). */
function isLocalClient(c: Client): boolean {
  return c.conn === null || c.addr.startsWith("127.0.0.1:") || c.addr.startsWith("[::1]:");
}

/**
 * Runs `work` while the client waits, like a blocked command: its later
 * commands wait for the reply, which `done` writes when the work settles.
 * Where a client cannot block (inside EXEC), `done` runs when the work settles
 * but its reply is already due, so OK is assumed and failures are only logged.
 */
export function waitFor<T>(
  c: Client,
  work: Promise<T>,
  done: (c: Client, ok: boolean, result: T | unknown) => void,
): void {
  const server = c.server;
  const cmd = c.cmd!;
  if (!server.blocking.canBlock(c)) {
    c.reply.ok();
    work.catch((err) => server.log.warning(`${cmd.fullName}: ${(err as Error).message}`));
    return;
  }
  const start = performance.now();
  server.blocking.block(c, [], "string", 0, () => {});
  const state = c.blocked!;
  const settle = (ok: boolean, result: T | unknown) => {
    if (c.blocked !== state) return; // freed or unblocked meanwhile
    server.blocking.unblock(c, "served");
    const errorsBefore = server.stats.totalErrorReplies;
    done(c, ok, result);
    cmd.stats.calls++;
    cmd.stats.usec += Math.round((performance.now() - start) * 1000);
    if (server.stats.totalErrorReplies !== errorsBefore) cmd.stats.failedCalls++;
    server.stats.totalCommandsProcessed++;
    c.scheduleFlush();
    state.resume();
  };
  work.then((v) => settle(true, v), (e) => settle(false, e));
}

// ---------------------------------------------------------------------------------------------
// INFO

function infoCommand(c: Client): void {
  const args: string[] = [];
  for (let i = 1; i < c.argc; i++) args.push(c.key(i));
  c.reply.verbatim(genInfoString(c.server, args));
}

// ---------------------------------------------------------------------------------------------
// CONFIG

function configGetCommand(c: Client): void {
  const patterns: string[] = [];
  for (let i = 2; i < c.argc; i++) patterns.push(c.key(i));
  const pairs = c.server.config.getMatching(patterns);
  c.reply.map(pairs.length);
  for (const [name, value] of pairs) {
    c.reply.bulkBinary(name);
    c.reply.bulkBinary(value);
  }
}

function configSetCommand(c: Client): void {
  if ((c.argc - 2) % 2 !== 0) {
    c.reply.error("ERR syntax error");
    return;
  }
  const config = c.server.config;
  const pairs: [string, string][] = [];
  for (let i = 2; i < c.argc; i += 2) {
    const name = c.key(i);
    pairs.push([name, c.key(i + 1)]);
    // Secrets never reach the slowlog (redactClientCommandArgument).
    if (config.isSensitive(name)) c.redactArgument(i + 1);
  }
  try {
    config.setMany(pairs, { isLocalClient: isLocalClient(c), loading: c.server.loading });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    // The message quotes the client's bytes (binary strings).
    c.reply.errorBinary(`${err.code} ${err.message}`);
    return;
  }
  c.reply.ok();
}

/** resetServerStats + resetCommandTableStats + resetErrorTableStats. */
export function resetStats(server: Server): void {
  server.stats.reset();
  const visit = (cmd: Command) => {
    cmd.stats.calls = 0;
    cmd.stats.usec = 0;
    cmd.stats.rejectedCalls = 0;
    cmd.stats.failedCalls = 0;
    if (cmd.subs) { for (const s of cmd.subs.values()) visit(s); }
  };
  for (const cmd of server.commands.all()) visit(cmd);
  resetInfoStats(server);
  for (const s of server.subsystems) s.resetStats?.();
}

function configResetStatCommand(c: Client): void {
  resetStats(c.server);
  c.reply.ok();
}

function configRewriteCommand(c: Client): void {
  const server = c.server;
  if (server.config.configFile === null) {
    c.reply.error("ERR The server is running without a config file");
    return;
  }
  waitFor(c, server.config.rewrite(), (c, ok, result) => {
    if (ok) {
      server.log.notice("CONFIG REWRITE executed with success.");
      c.reply.ok();
      return;
    }
    const msg = result instanceof Error ? result.message : String(result);
    server.log.warning(`CONFIG REWRITE failed: ${msg.replace(/^Rewriting config file: /, "")}`);
    c.reply.error(`ERR ${msg}`);
  });
}

function configHelpCommand(c: Client): void {
  replyHelp(c, [
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value>",
    "    Set the configuration <directive> to <value>.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
  ]);
}

// ---------------------------------------------------------------------------------------------
// TIME, LASTSAVE, MONITOR

function timeCommand(c: Client): void {
  const us = c.server.clock.ustime();
  const sec = Math.floor(us / 1e6);
  c.reply.array(2);
  c.reply.bulkText(String(sec));
  c.reply.bulkText(String(us - sec * 1e6));
}

function lastsaveCommand(c: Client): void {
  c.reply.integer(c.server.lastSave);
}

function monitorCommand(c: Client): void {
  if (c.inExec) {
    c.reply.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
    return;
  }
  // A replica or a client already monitoring gets no reply (CLIENT_SLAVE).
  if (c.monitor || c.kind === "replica") return;
  c.monitor = true;
  c.server.monitors.add(c);
  c.reply.ok();
}

// ---------------------------------------------------------------------------------------------
// Table rows

const serverRow = { firstKey: 0, lastKey: 0, step: 0, group: "server" as const };

const ADMIN_SUB: CommandFlag[] = ["admin", "noscript", "loading", "stale"];
const NODES_ALL_SUCCEEDED = ["request_policy:all_nodes", "response_policy:all_succeeded"];

const optionalMultiple = ["optional", "multiple"] as ("optional" | "multiple")[];

/** Rows of the server group. */
export const serverCommands: CommandSpec[] = [
  {
    ...serverRow,
    name: "info",
    arity: -1,
    flags: ["loading", "stale", "sentinel"],
    since: "1.0.0",
    summary: "Returns information and statistics about the server.",
    complexity: "O(1)",
    aclCategories: ["dangerous"],
    tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
    history: [["7.0.0", "Added support for taking multiple section arguments."]],
    args: [{ name: "section", type: "string", flags: optionalMultiple }],
    handler: infoCommand,
  },
  {
    ...serverRow,
    name: "config",
    arity: -2,
    flags: [],
    since: "2.0.0",
    summary: "A container for server configuration commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      {
        ...serverRow,
        name: "get",
        arity: -3,
        flags: ADMIN_SUB,
        since: "2.0.0",
        summary: "Returns the effective values of configuration parameters.",
        complexity: "O(N) when N is the number of configuration parameters provided",
        history: [["7.0.0", "Added the ability to pass multiple pattern parameters in one call"]],
        args: [{ name: "parameter", type: "string", flags: ["multiple"] }],
        handler: configGetCommand,
      },
      {
        ...serverRow,
        name: "set",
        arity: -4,
        flags: [...ADMIN_SUB, "may_replicate"],
        since: "2.0.0",
        summary: "Sets configuration parameters in-flight.",
        complexity: "O(N) when N is the number of configuration parameters provided",
        tips: NODES_ALL_SUCCEEDED,
        history: [["7.0.0", "Added the ability to set multiple parameters in one call."]],
        args: [{
          name: "data",
          type: "block",
          flags: ["multiple"],
          args: [{ name: "parameter", type: "string" }, { name: "value", type: "string" }],
        }],
        handler: configSetCommand,
      },
      {
        ...serverRow,
        name: "resetstat",
        arity: 2,
        flags: ADMIN_SUB,
        since: "2.0.0",
        summary: "Resets the server's statistics.",
        complexity: "O(1)",
        tips: NODES_ALL_SUCCEEDED,
        handler: configResetStatCommand,
      },
      {
        ...serverRow,
        name: "rewrite",
        arity: 2,
        flags: ADMIN_SUB,
        since: "2.8.0",
        summary: "Persists the effective configuration to file.",
        complexity: "O(1)",
        tips: NODES_ALL_SUCCEEDED,
        handler: configRewriteCommand,
      },
      helpRow(configHelpCommand, "5.0.0"),
    ],
  },
  {
    ...serverRow,
    name: "time",
    arity: 1,
    flags: ["loading", "stale", "fast"],
    since: "2.6.0",
    summary: "Returns the server time.",
    complexity: "O(1)",
    tips: ["nondeterministic_output"],
    handler: timeCommand,
  },
  {
    ...serverRow,
    name: "lastsave",
    arity: 1,
    flags: ["loading", "stale", "fast"],
    since: "1.0.0",
    summary: "Returns the Unix timestamp of the last successful save to disk.",
    complexity: "O(1)",
    aclCategories: ["admin", "dangerous"],
    tips: ["nondeterministic_output"],
    handler: lastsaveCommand,
  },
  {
    ...serverRow,
    name: "monitor",
    arity: 1,
    flags: ["admin", "noscript", "loading", "stale"],
    since: "1.0.0",
    summary: "Listens for all requests received by the server in real-time.",
    handler: monitorCommand,
  },
];
