/**
 * The executor: every command, from any client, MULTI/EXEC, a blocked client
 * being served, or the replication link, goes through `processCommand` (checks)
 * and `call` (run, account, propagate), as in Redis's server.c.
 */

import type { Command } from "./command_table.ts";
import type { ArgBlock, CommandArgs } from "../resp/arg_block.ts";
import { bytesToBinary, cString } from "../util/bytes.ts";
import type { Client } from "./client.ts";
import { PROPAGATE_ALL } from "./propagation.ts";
import { LIGHT_BYTES } from "./command_timer.ts";

/** `call`'s start for a light command of a batch: timed with its segment (command_timer.ts). */
const IN_SEGMENT = -1;
/**
 * `call`'s start for a command its caller times (a script's light command, timed with the
 * script's segment of them, scripting.ts): no clock reading here.
 */
export const TIMED_BY_CALLER = -2;

/**
 * Looks up, checks and runs one command for `c`. Replies go to `c.reply`.
 * Inside a connection's batch (`server.timer.active`) the command time and the
 * durations come from the batch's clock readings (command_timer.ts); otherwise
 * the clocks are read for this command.
 * CLIENT REPLY OFF drops every reply; CLIENT REPLY SKIP drops the replies of the
 * next command, whatever it is (rejections included), as Redis's
 * CLIENT_REPLY_SKIP_NEXT -> CLIENT_REPLY_SKIP hand-over in resetClient does.
 */
export function processCommand(c: Client, argv: CommandArgs): void {
  if (!Array.isArray(argv)) {
    processBlock(c, argv);
    return;
  }
  if (c.replyMode === "on") {
    c.replySkip = false;
    dispatchCommand(c, argv);
    return;
  }
  c.replySkip = c.replyMode === "skip";
  if (c.replySkip) c.replyMode = "on";
  const replyStart = c.reply.len;
  const muted = repliesMuted(c);
  dispatchCommand(c, argv);
  if (muted && repliesMuted(c)) c.reply.len = replyStart;
  if (c.blocked === null) c.replySkip = false;
}

/**
 * A command of over 1,024 arguments, handed over as its argument block. A
 * command with a `bulk` handler runs from the block, dispatched with the
 * block's head as argv (the checks read the name, the count and nothing
 * else), unless something reads its whole argv generically while it runs or
 * after: a MULTI queue, MONITOR, a BGSAVE's copy-before-write or client-side
 * caching of a read (its keys).
 * Everything else runs from the views, made once here. Propagation to
 * replicas and the AOF gets the views made after the command ran (`call`),
 * so they die young instead of living through it.
 */
function processBlock(c: Client, block: ArgBlock): void {
  const server = c.server;
  const cmd = server.commands.lookupBytes(block.arg(0));
  if (
    cmd?.bulk === undefined || c.multi !== null || server.monitors.size > 0 ||
    server.beforeWrite !== null || (cmd.isReadonly && server.trackReads !== null)
  ) {
    processCommand(c, block.views());
    return;
  }
  c.block = block;
  try {
    processCommand(c, block.head());
  } finally {
    c.block = null;
  }
}

/**
 * Redis drops a reply when CLIENT REPLY OFF or an active SKIP is in force at the
 * moment it is written. A command's output is dropped when replies were muted
 * before it ran and still are after: CLIENT REPLY ON clears both first, so its
 * OK goes out, and what EXEC wrote before a queued CLIENT REPLY OFF stays.
 */
function repliesMuted(c: Client): boolean {
  return c.replyMode === "off" || c.replySkip;
}

function dispatchCommand(c: Client, argv: Uint8Array[]): void {
  const server = c.server;
  const timer = server.timer;
  c.argv = argv;
  let start = IN_SEGMENT;
  if (timer.active) {
    c.lastInteraction = server.keyspace.now; // the batch's command time
  } else {
    start = performance.now();
    // Expiry compares against the wall clock, read per command like Redis's
    // command time snapshot (a monotonic clock plus an offset drifts by ~ms).
    c.lastInteraction = server.keyspace.now = server.clock.now();
  }
  const cmd = server.commands.lookupArgv(argv);
  if (cmd === undefined) {
    c.lastCmd = null;
    // A known container with an unknown subcommand gets its own error (processCommand).
    const container = argv.length > 1 ? server.commands.lookupBytes(argv[0]) : undefined;
    rejectCommand(
      c,
      container === undefined
        ? unknownCommandError(argv)
        : `ERR unknown subcommand '${cString(argv[1], 128)}'. Try ${
          bytesToBinary(argv[0]).replace(/[a-z]+/g, (s) => s.toUpperCase())
        } HELP.`,
      undefined,
      true,
    );
    return;
  }
  // Like Redis's c->lastcmd, CLIENT LIST's cmd= names the command looked up last,
  // even when it is then rejected or queued.
  c.lastCmd = cmd;
  if ((cmd.arity > 0 && argv.length !== cmd.arity) || argv.length < -cmd.arity) {
    rejectCommand(c, `ERR wrong number of arguments for '${cmd.fullName}' command`, cmd);
    return;
  }
  if (isProtectedCommand(cmd) && !allowProtectedCommand(c, cmd)) {
    const debug = (cmd.parent ?? cmd).name === "debug";
    rejectCommand(
      c,
      `ERR ${debug ? "DEBUG" : "MODULE"} command not allowed. If the ${
        debug ? "enable-debug-command" : "enable-module-command"
      } option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`,
      cmd,
    );
    return;
  }
  if (!c.authenticated && !cmd.noAuth) {
    rejectCommand(c, "NOAUTH Authentication required.", cmd);
    return;
  }
  const denied = server.denyCommand(c, cmd);
  if (denied !== null) {
    rejectCommand(c, denied, cmd);
    return;
  }
  if (
    (cmd.isWrite ||
      (c.multi !== null && cmd.name === "exec" && c.multi.some((q) => q.cmd.isWrite))) &&
    !server.repl.enoughGoodReplicas(
      server.config.minReplicasToWrite,
      server.config.minReplicasMaxLag,
    )
  ) {
    rejectCommand(c, "NOREPLICAS Not enough good replicas to write.", cmd);
    return;
  }
  if (cmd.isWrite && c.kind !== "master" && server.isReplica() && server.config.replicaReadOnly) {
    rejectCommand(c, "READONLY You can't write against a read only replica.", cmd);
    return;
  }
  if (c.kind === "pubsub" && c.reply.resp === 2 && !allowedInPubSub(cmd)) {
    rejectCommand(
      c,
      `ERR Can't execute '${cmd.fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`,
      cmd,
    );
    return;
  }
  if (
    server.isReplica() && server.repl.linkStatus !== "up" && !server.config.replicaServeStaleData &&
    (!cmd.flags.includes("stale") ||
      (c.multi !== null && cmd.name === "exec" &&
        c.multi.some((q) => !q.cmd.flags.includes("stale"))))
  ) {
    rejectCommand(
      c,
      "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.",
      cmd,
    );
    return;
  }
  // The start-up load yields between slices: only commands flagged `loading` run meanwhile
  // (an EXEC only when every queued command is).
  if (
    server.loading &&
    (!cmd.flags.includes("loading") ||
      (c.multi !== null && cmd.name === "exec" &&
        c.multi.some((q) => !q.cmd.flags.includes("loading"))))
  ) {
    rejectCommand(c, "LOADING Redis is loading the dataset in memory", cmd);
    return;
  }
  // A script past busy-reply-threshold: only allow_busy commands (SCRIPT KILL, SHUTDOWN, ...).
  if (server.busyReply !== null && !cmd.flags.includes("allow_busy")) {
    rejectCommand(c, server.busyReply, cmd);
    return;
  }
  if (c.multi !== null && !isTransactionControl(cmd)) {
    if (cmd.flags.includes("no_multi")) {
      rejectCommand(c, "ERR Command not allowed inside a transaction", cmd);
      return;
    }
    c.multi.push({ cmd, argv: argv.map((a) => a.slice()) });
    c.reply.simple("QUEUED");
    return;
  }
  server.currentClient = c;
  try {
    if (start !== IN_SEGMENT) call(c, cmd, start);
    else call(c, cmd, timer.isLight(cmd, argv) ? IN_SEGMENT : timer.start());
  } finally {
    server.currentClient = null;
  }
  // CLIENT CACHING applies to the next command, or to the whole next transaction.
  if (c.tracking?.caching && c.multi === null && (cmd.parent ?? cmd).name !== "client") {
    c.tracking.caching = false;
  }
  server.afterCommand();
}

/**
 * Runs a checked command: executes the handler, accounts for it (commandstats,
 * slowlog; `start` is its performance.now() start, IN_SEGMENT for a light
 * command of a batch, timed with its segment, or TIMED_BY_CALLER), feeds
 * MONITOR, and queues it for propagation when it changed the dataset (or
 * forced it). Calls nest (EXEC runs its queue through here); the
 * outermost one ends the execution unit and sends what it queued, as Redis's
 * call() / afterCommand() / propagatePendingCommands() do.
 */
export function call(c: Client, cmd: Command, start = performance.now()): void {
  const server = c.server;
  const propagation = server.propagation;
  const dirtyBefore = server.dirty;
  const replOffsetBefore = server.repl.offset;
  const errorsBefore = server.stats.totalErrorReplies;
  // A nested call must leave its caller's propagation choices as they were.
  const callerArgv = c.propagateArgv;
  const callerForced = c.propagateForced;
  const callerPrevented = c.propagatePrevented;
  c.cmd = cmd;
  c.propagateArgv = null;
  c.propagateForced = 0;
  c.propagatePrevented = false;
  // A BGSAVE or background AOF rewrite keeps its point-in-time view: it saves what this write
  // touches first.
  if (server.beforeWrite !== null && cmd.isWrite) server.beforeWrite(c, cmd);
  const replyStart = c.reply.len;
  const muted = repliesMuted(c);
  propagation.nesting++;
  try {
    if (c.block !== null && cmd.bulk !== undefined) cmd.bulk(c, c.block);
    else cmd.handler!(c);
  } finally {
    propagation.nesting--;
  }
  let usec = 0;
  if (start >= 0) {
    const end = performance.now();
    usec = c.duration + Math.round((end - start) * 1000);
    if (propagation.nesting === 0 && server.timer.active) server.timer.timed(start, end);
  }
  // Also here for commands run by EXEC and blocked commands served later.
  if (muted && repliesMuted(c)) c.reply.len = replyStart;
  if (cmd.isReadonly && server.trackReads !== null) server.trackReads(c, cmd);
  if (c.blocked !== null) {
    c.duration = usec; // accounted when it is served or times out
  } else {
    accountCommand(c, cmd, usec, server.stats.totalErrorReplies !== errorsBefore);
    if (start === IN_SEGMENT) server.timer.addLight(c, cmd, c.reply.len - replyStart > LIGHT_BYTES);
    if (server.monitors.size > 0 && !cmd.skipMonitor) {
      server.feedMonitors(c, c.argv);
    }
  }
  // The master client's writes propagate too: to our AOF (our replicas get the master's bytes).
  if ((server.dirty !== dirtyBefore || c.propagateForced) && !c.propagatePrevented) {
    propagation.add(
      c.db.id,
      // A command run from its block propagates its views, made now (only if someone listens).
      c.propagateArgv ?? (c.block !== null && propagation.active ? c.block.views() : c.argv),
      server.dirty !== dirtyBefore ? PROPAGATE_ALL : c.propagateForced,
    );
  }
  c.propagateArgv = callerArgv;
  c.propagateForced = callerForced;
  c.propagatePrevented = callerPrevented;
  if (propagation.nesting === 0 && propagation.pending > 0) {
    propagation.flush(touchesArbitraryKeys(cmd));
  }
  // WAIT waits for the replication offset right after the client's last write.
  if (server.repl.offset !== replOffsetBefore) c.woff = server.repl.offset;
}

/**
 * Counts a finished command: INFO commandstats, totals, the client's last
 * command and the slowlog. `usec` includes the time spent in earlier runs of a
 * command that blocked. The one place accounting happens: `call`, and the
 * blocking module for commands that end by timeout or CLIENT UNBLOCK
 * (updateStatsOnUnblock).
 */
export function accountCommand(c: Client, cmd: Command, usec: number, failed: boolean): void {
  const server = c.server;
  c.duration = 0;
  cmd.stats.calls++;
  cmd.stats.usec += usec;
  if (failed) cmd.stats.failedCalls++;
  server.stats.totalCommandsProcessed++;
  c.commands++;
  c.lastCmd = cmd;
  const slower = server.config.slowlogLogSlowerThan;
  if (slower >= 0 && usec >= slower && !cmd.skipSlowlog) {
    server.slowlog.record(c, usec);
  }
}

/**
 * CMD_TOUCHES_ARBITRARY_KEYS (SCAN, RANDOMKEY): run directly, the lazy-expire
 * DELs they cause are not wrapped in a transaction (keys of any slot).
 */
function touchesArbitraryKeys(cmd: Command): boolean {
  return cmd.name === "scan" || cmd.name === "randomkey";
}

/**
 * Replies an error before running; `binary`: `msg` quotes client bytes as a binary string.
 * A rejected EXEC discards the transaction and names the reason (execCommandAbort): Redis
 * drops the ERR code of the reason, keeps any other (NOAUTH ...), inside MULTI or not.
 */
function rejectCommand(c: Client, msg: string, cmd?: Command, binary = false): void {
  if (cmd) cmd.stats.rejectedCalls++;
  if (c.multi !== null) c.multiError = true;
  if (cmd !== undefined && cmd.name === "exec" && cmd.parent === undefined) {
    c.multi = null;
    c.multiError = false;
    c.server.unwatchAll(c);
    msg = "EXECABORT Transaction discarded because of: " +
      (msg.startsWith("ERR ") ? msg.slice(4) : msg);
  }
  if (binary) c.reply.errorBinary(msg);
  else c.reply.error(msg);
}

/** DEBUG and MODULE are gated by enable-debug-command / enable-module-command (CMD_PROTECTED). */
function isProtectedCommand(cmd: Command): boolean {
  const n = (cmd.parent ?? cmd).name;
  return n === "debug" || n === "module";
}

/** allowProtectedAction: "yes", or "local" and the peer is on the loopback interface. */
function allowProtectedCommand(c: Client, cmd: Command): boolean {
  const cfg = c.server.config;
  const mode = (cmd.parent ?? cmd).name === "debug"
    ? cfg.enableDebugCommand
    : cfg.enableModuleCommand;
  if (mode === "yes") return true;
  if (mode !== "local") return false;
  return c.conn === null || c.addr.startsWith("127.0.0.1:") || c.addr.startsWith("[::1]:");
}

function isTransactionControl(cmd: Command): boolean {
  const n = cmd.parent ? cmd.parent.name : cmd.name;
  return n === "exec" || n === "discard" || n === "multi" || n === "watch" || n === "quit" ||
    n === "reset";
}

function allowedInPubSub(cmd: Command): boolean {
  const n = cmd.name;
  return n === "subscribe" || n === "ssubscribe" || n === "unsubscribe" || n === "sunsubscribe" ||
    n === "psubscribe" || n === "punsubscribe" || n === "ping" || n === "quit" || n === "reset";
}

/**
 * "ERR unknown command 'x', with args beginning with: 'a' 'b' " exactly as Redis
 * words it, as a binary string (the arguments' bytes are quoted raw).
 */
export function unknownCommandError(argv: Uint8Array[]): string {
  let args = "";
  for (let i = 1; i < argv.length && args.length < 128; i++) {
    args += `'${cString(argv[i], 128 - args.length)}' `;
  }
  return `ERR unknown command '${cString(argv[0], 128)}', with args beginning with: ${args}`;
}
