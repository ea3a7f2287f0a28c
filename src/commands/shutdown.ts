/** SHUTDOWN (Redis's shutdownCommand / prepareForShutdown). */

import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { waitFor } from "./server.ts";
import type { CommandSpec } from "../server/command_table.ts";

function shutdownCommand(c: Client): void {
  let nosave = false, save = false, now = false, force = false, abort = false;
  for (let i = 1; i < c.argc; i++) {
    const a = c.lower(i);
    if (a === "nosave") nosave = true;
    else if (a === "save") save = true;
    else if (a === "now") now = true;
    else if (a === "force") force = true;
    else if (a === "abort") abort = true;
    else {
      c.reply.error("ERR syntax error");
      return;
    }
  }
  if ((abort && (nosave || save || now || force)) || (nosave && save)) {
    c.reply.error("ERR syntax error");
    return;
  }
  if (abort) {
    c.reply.error("ERR No shutdown in progress.");
    return;
  }
  if (!now && c.inExec) {
    c.reply.error("ERR SHUTDOWN without NOW or ABORT isn't allowed for DENY BLOCKING client");
    return;
  }
  // A busy script: only SHUTDOWN NOSAVE (no save of a dataset the script is changing).
  if (!nosave && c.server.busyReply !== null) {
    c.reply.error(c.server.busyReply);
    return;
  }
  const server = c.server;
  // Saving a half-loaded dataset would overwrite the file being loaded: NOSAVE.
  if (server.loading) {
    nosave = true;
    save = false;
  }
  server.log.warning("User requested shutdown...");
  // Every subsystem with a final save (RDB, AOF) runs it; all must succeed.
  const savers = server.subsystems.filter((s) => s.shutdownSave !== undefined);
  const mustSave = (server.config.saveParams.length > 0 && !nosave) || save;
  if (mustSave && savers.length > 0) {
    server.log.notice("Saving the final RDB snapshot before exiting.");
    const work = Promise.all(savers.map((s) => s.shutdownSave!(force))).then((oks) => {
      if (oks.includes(false)) throw new Error("save failed");
    });
    if (!server.blocking.canBlock(c)) {
      work.then(() => finishShutdown(server), () => {});
      return;
    }
    waitFor(c, work, (c, ok) => {
      if (ok || force) {
        if (!ok) server.log.warning("Error trying to save the DB. Exit anyway.");
        finishShutdown(server);
        return;
      }
      server.log.warning("Error trying to save the DB, can't exit.");
      server.log.warning(
        "Errors trying to shut down the server. Check the logs for more information.",
      );
      c.reply.error("ERR Errors trying to SHUTDOWN. Check logs.");
    });
    return;
  }
  finishShutdown(server);
}

/** Closes every client and listener; whoever awaits `server.closed` (main.ts exits) takes over. */
function finishShutdown(server: Server): void {
  server.close();
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
