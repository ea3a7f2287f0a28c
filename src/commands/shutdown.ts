/**
 * SHUTDOWN and the signal-initiated shutdown (Redis's shutdownCommand,
 * prepareForShutdown, finishShutdown, abortShutdown). A master with replicas
 * lagging behind first pauses writes, asks them for an ACK and waits up to
 * `shutdown-timeout` seconds for every one to reach its offset (NOW skips the
 * wait, SHUTDOWN ABORT cancels it); then the final save runs and the server
 * closes.
 */

import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { waitFor } from "./server.ts";
import type { CommandSpec } from "../server/command_table.ts";
import { replicationOf } from "../replication/master.ts";

/** SHUTDOWN's modifiers (SHUTDOWN_SAVE, SHUTDOWN_NOSAVE, SHUTDOWN_NOW, SHUTDOWN_FORCE). */
export interface ShutdownFlags {
  save: boolean;
  nosave: boolean;
  now: boolean;
  force: boolean;
}

/** A shutdown waiting for lagging replicas (shutdown_mstime set). */
interface PendingShutdown {
  flags: ShutdownFlags;
  /** Unix ms the wait ends at (shutdown_mstime). */
  deadline: number;
  timer: ReturnType<typeof setInterval>;
  /** Started by a signal (shutdown_asap): a second SIGINT exits at once. */
  bySignal: boolean;
  /** Settles with the outcome: true once the server closes, false if it failed or was aborted. */
  done: Promise<boolean>;
  settle: (closing: boolean) => void;
}

const pending = new WeakMap<Server, PendingShutdown>();

const ERRORS_TRYING = "ERR Errors trying to SHUTDOWN. Check logs.";

function shutdownCommand(c: Client): void {
  const flags: ShutdownFlags = { save: false, nosave: false, now: false, force: false };
  let abort = false;
  for (let i = 1; i < c.argc; i++) {
    const a = c.lower(i);
    if (a === "nosave") flags.nosave = true;
    else if (a === "save") flags.save = true;
    else if (a === "now") flags.now = true;
    else if (a === "force") flags.force = true;
    else if (a === "abort") abort = true;
    else {
      c.reply.error("ERR syntax error");
      return;
    }
  }
  const any = flags.nosave || flags.save || flags.now || flags.force;
  if ((abort && any) || (flags.nosave && flags.save)) {
    c.reply.error("ERR syntax error");
    return;
  }
  if (abort) {
    if (abortShutdown(c.server)) c.reply.ok();
    else c.reply.error("ERR No shutdown in progress.");
    return;
  }
  if (!flags.now && c.inExec) {
    c.reply.error("ERR SHUTDOWN without NOW or ABORT isn't allowed for DENY BLOCKING client");
    return;
  }
  // A busy script: only SHUTDOWN NOSAVE (no save of a dataset the script is changing).
  if (!flags.nosave && c.server.busyReply !== null) {
    c.reply.error(c.server.busyReply);
    return;
  }
  // Saving a half-loaded dataset would overwrite the file being loaded: NOSAVE.
  if (c.server.loading) {
    flags.nosave = true;
    flags.save = false;
  }
  const outcome = prepareForShutdown(c.server, flags, false);
  // Closed already (nothing to wait for), or unable to wait (inside EXEC): no reply.
  if (c.closed || !c.server.blocking.canBlock(c)) {
    outcome.catch(() => {});
    return;
  }
  // blockClient(c, BLOCKED_SHUTDOWN): no reply when the server closes, an error otherwise.
  waitFor(c, outcome, (c, ok, closing) => {
    if (!ok || closing !== true) c.reply.error(ERRORS_TRYING);
  });
}

/**
 * prepareForShutdown: starts shutting down with `flags`, or joins the
 * shutdown already waiting for replicas. Resolves true once the server is
 * closing, false when the shutdown failed (the save) or was aborted.
 */
export function prepareForShutdown(
  server: Server,
  flags: ShutdownFlags,
  bySignal: boolean,
): Promise<boolean> {
  const p = pending.get(server);
  if (p !== undefined) return p.done;
  server.log.warning("User requested shutdown...");
  const timeout = server.config.shutdownTimeout;
  if (!flags.now && timeout !== 0 && !readyToShutdown(server)) {
    let settle!: (closing: boolean) => void;
    const done = new Promise<boolean>((r) => settle = r);
    const wait: PendingShutdown = {
      flags,
      deadline: Date.now() + timeout * 1000,
      timer: setInterval(() => {
        if (Date.now() >= wait.deadline || readyToShutdown(server)) {
          finishShutdown(server, flags).then(settle);
        }
      }, Math.max(1, Math.floor(1000 / server.config.hz))),
      bySignal,
      done,
      settle,
    };
    pending.set(server, wait);
    // The GETACK leaves before the pause holds the stream still.
    if (server.pause === null) replicationOf(server).sendGetack();
    server.pauseActions("shutdown", Infinity, "write");
    server.log.notice("Waiting for replicas before shutting down.");
    return done;
  }
  return finishShutdown(server, flags);
}

/** isReadyToShutdown: every replica acknowledged the whole stream. */
function readyToShutdown(server: Server): boolean {
  const offset = server.repl.offset;
  for (const peer of replicationOf(server).replicas.values()) {
    if (peer.ackOffset !== offset) return false;
  }
  return true;
}

/**
 * finishShutdown: logs the replicas still lagging, runs the final save when
 * due and closes the server. A failed save (without FORCE) cancels the
 * shutdown: false.
 */
async function finishShutdown(server: Server, flags: ShutdownFlags): Promise<boolean> {
  const wait = pending.get(server);
  if (wait !== undefined) clearInterval(wait.timer);
  const log = server.log;
  const repl = replicationOf(server);
  const offset = server.repl.offset;
  const now = Math.floor(Date.now() / 1000);
  let lagging = 0;
  for (const [c, peer] of repl.replicas) {
    if (peer.ackOffset === offset) continue;
    lagging++;
    const lag = peer.state === "online" ? now - Math.floor(peer.ackTime / 1000) : 0;
    log.notice(
      `Lagging replica ${repl.replicaName(c, peer)} reported offset ${
        offset - peer.ackOffset
      } behind master, lag=${lag}, state=${peer.state}.`,
    );
  }
  if (repl.replicas.size > 0) {
    log.notice(
      `${
        repl.replicas.size - lagging
      } of ${repl.replicas.size} replicas are in sync when shutting down.`,
    );
  }
  // Every subsystem with a final save (RDB, AOF) runs it; all must succeed.
  const savers = server.subsystems.filter((s) => s.shutdownSave !== undefined);
  const mustSave = (server.config.saveParams.length > 0 && !flags.nosave) || flags.save;
  if (mustSave && savers.length > 0) {
    log.notice("Saving the final RDB snapshot before exiting.");
    let ok: boolean;
    try {
      ok = !(await Promise.all(savers.map((s) => s.shutdownSave!(flags.force)))).includes(false);
    } catch {
      ok = false;
    }
    if (!ok) {
      if (flags.force) {
        log.warning("Error trying to save the DB. Exit anyway.");
      } else {
        log.warning("Error trying to save the DB, can't exit.");
        log.warning("Errors trying to shut down the server. Check the logs for more information.");
        cancelShutdown(server);
        return false;
      }
    }
  }
  pending.delete(server);
  server.close();
  return true;
}

/** cancelShutdown: the waiting clients get an error, writes resume. */
function cancelShutdown(server: Server): void {
  const wait = pending.get(server);
  server.unpauseActions("shutdown");
  if (wait === undefined) return;
  pending.delete(server);
  clearInterval(wait.timer);
  wait.settle(false);
}

/** abortShutdown: cancels a shutdown waiting for replicas; false when none is. */
export function abortShutdown(server: Server): boolean {
  if (!pending.has(server)) return false;
  cancelShutdown(server);
  server.log.notice("Shutdown manually aborted.");
  return true;
}

/**
 * The SIGINT / SIGTERM handler: shuts down with the shutdown-on-sigint /
 * shutdown-on-sigterm flags. A second SIGINT while waiting for replicas exits at once.
 */
export function shutdownOnSignal(server: Server, signal: "SIGINT" | "SIGTERM"): void {
  const log = server.log;
  const wait = pending.get(server);
  if (wait !== undefined && wait.bySignal && signal === "SIGINT") {
    log.warning("You insist... exiting now.");
    Deno.exit(1);
  }
  // During the load the dataset is half-read: exit without saving it (whileBlockedCron).
  if (server.loading) {
    log.warning("Received shutdown signal during loading, scheduling shutdown.");
    server.close();
    return;
  }
  log.warning(`Received ${signal} scheduling shutdown...`);
  const words =
    (signal === "SIGINT" ? server.config.shutdownOnSigint : server.config.shutdownOnSigterm).split(
      " ",
    );
  const flags: ShutdownFlags = {
    save: words.includes("save"),
    nosave: words.includes("nosave"),
    now: words.includes("now"),
    force: words.includes("force"),
  };
  prepareForShutdown(server, flags, true);
}

// ---------------------------------------------------------------------------------------------
// Table rows

const serverRow = { firstKey: 0, lastKey: 0, step: 0, group: "server" as const };

/** Rows of SHUTDOWN. */
export const shutdownCommands: CommandSpec[] = [
  {
    ...serverRow,
    name: "shutdown",
    arity: -1,
    flags: ["admin", "noscript", "loading", "stale", "no_multi", "sentinel", "allow_busy"],
    since: "1.0.0",
    summary: "Synchronously saves the database(s) to disk and shuts down the Redis server.",
    complexity:
      "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
    history: [["7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers."]],
    args: [{
      name: "abort-selector",
      type: "oneof",
      flags: ["optional"],
      args: [
        {
          name: "save-selector-block",
          type: "block",
          args: [
            {
              name: "save-selector",
              type: "oneof",
              flags: ["optional"],
              args: [
                { name: "nosave", type: "pure-token", token: "NOSAVE" },
                { name: "save", type: "pure-token", token: "SAVE" },
              ],
            },
            { name: "now", type: "pure-token", token: "NOW", since: "7.0.0", flags: ["optional"] },
            {
              name: "force",
              type: "pure-token",
              token: "FORCE",
              since: "7.0.0",
              flags: ["optional"],
            },
          ],
        },
        { name: "abort", type: "pure-token", token: "ABORT", since: "7.0.0" },
      ],
    }],
    handler: shutdownCommand,
  },
];
