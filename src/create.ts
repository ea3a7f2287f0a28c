/**
 * The composition root: the one module that knows both the core (src/server)
 * and the commands (src/commands). It builds the command table from the
 * command groups, applies rename-command, constructs the Server around that
 * table and installs the subsystems (pub/sub and tracking always, then the caller's). main.ts and mod.ts start servers here.
 */

import { registerAll } from "./commands/index.ts";
import { CommandTable } from "./server/command_table.ts";
import type { Config } from "./server/config.ts";
import type { Log } from "./server/log.ts";
import { Server, type ServerOptions } from "./server/server.ts";
import type { Subsystem } from "./server/subsystem.ts";
import { PubSub } from "./pubsub/pubsub.ts";
import { createTracking } from "./pubsub/tracking.ts";
import { Replication } from "./replication/master.ts";
import { aofRdbCodec, Persistence } from "./persistence/persistence.ts";
import { Aof, type AofOptions } from "./persistence/aof.ts";
import { Scripting } from "./scripting/scripting.ts";

/** What createServer takes besides the config and the log. */
export interface CreateServerOptions extends ServerOptions {
  /** Installed in order (pub/sub, persistence, replication, ...). */
  subsystems?: Subsystem[];
  /** The AOF's RDB base codec (aof-use-rdb-preamble), see AofRdbCodec. */
  aof?: AofOptions;
  /**
   * Leave the AOF to the caller's loadDataAtStartup (main.ts: it loads while
   * listening) instead of loading it here before returning.
   */
  deferLoad?: boolean;
}

/** A command table holding every command group, names as Redis ships them. */
export function buildCommandTable(): CommandTable {
  const table = new CommandTable();
  registerAll(table);
  return table;
}

/**
 * The `renameCommand` check for parseCommandLine: applies each rename-command
 * directive, in the order they are read, to a table of its own, so a bad one is
 * reported at its line as Redis's loadServerConfigFromString does.
 */
export function renameCommandCheck(): (from: string, to: string) => string | null {
  const table = buildCommandTable();
  return (from, to) => table.rename(from, to);
}

/**
 * Builds a server from a parsed config: command table, renames, subsystems,
 * and the AOF from disk (unless `deferLoad`). Throws AofLoadError when the AOF
 * cannot be loaded.
 */
export function createServer(config: Config, log: Log, options: CreateServerOptions = {}): Server {
  const table = buildCommandTable();
  for (const [from, to] of config.renamedCommands) {
    const err = table.rename(from, to);
    if (err !== null) throw new Error(`rename-command ${from} ${to}: ${err}`);
  }
  const server = new Server(config, log, table, options);
  const pubsub = new PubSub(server);
  server.install(pubsub);
  server.install(createTracking(server, pubsub));
  server.install(new Replication(server));
  server.install(new Persistence(server));
  server.install(new Scripting(server));
  for (const s of options.subsystems ?? []) server.install(s);
  const aof = new Aof(server, { rdb: aofRdbCodec, ...options.aof });
  server.install(aof);
  // Start-up load: with appendonly yes the AOF is the dataset (it wins over the RDB file).
  if (!options.deferLoad) aof.loadAtStart();
  return server;
}
