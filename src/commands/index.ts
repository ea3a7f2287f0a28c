/**
 * Registers every command group into the table. One file per group, as in
 * Redis's t_*.c split; each exports its rows.
 */

import type { CommandTable } from "../server/command_table.ts";
import { connectionCommands } from "./connection.ts";
import { serverCommands } from "./server.ts";
import { commandCommands } from "./command.ts";
import { debugCommands } from "./debug.ts";
import { shutdownCommands } from "./shutdown.ts";
import { slowlogCommands } from "./slowlog.ts";
import { latencyCommands } from "./latency.ts";
import { keyspaceCommands } from "./keyspace.ts";
import { stringCommands } from "./string.ts";
import { transactionCommands } from "./transactions.ts";
import { listCommands } from "./list.ts";
import { hashCommands } from "./hash.ts";
import { setCommands } from "./set.ts";
import { zsetCommands } from "./zset.ts";
import { geoCommands } from "./geo.ts";
import { sortCommands } from "./sort.ts";
import { memoryCommands } from "./memory.ts";
import { pubsubCommands } from "./pubsub.ts";
import { scriptingCommands } from "./scripting.ts";
import { functionCommands } from "./function.ts";
import { streamCommands } from "./stream.ts";
import { replicationCommands } from "./replication.ts";
import { persistenceCommands } from "./persistence.ts";
import { restoreCommands } from "./restore.ts";
import { aofCommands } from "./aof.ts";

/** Fills `table` with all commands. */
export function registerAll(table: CommandTable): void {
  table.register(connectionCommands);
  table.register(serverCommands);
  table.register(commandCommands);
  table.register(debugCommands);
  table.register(shutdownCommands);
  table.register(slowlogCommands);
  table.register(latencyCommands);
  table.register(keyspaceCommands);
  table.register(stringCommands);
  table.register(transactionCommands);
  table.register(listCommands);
  table.register(hashCommands);
  table.register(setCommands);
  table.register(zsetCommands);
  table.register(geoCommands);
  table.register(sortCommands);
  table.register(memoryCommands);
  table.register(pubsubCommands);
  table.register(scriptingCommands);
  table.register(functionCommands);
  table.register(streamCommands);
  table.register(replicationCommands);
  table.register(persistenceCommands);
  table.register(restoreCommands);
  table.register(aofCommands);
}
