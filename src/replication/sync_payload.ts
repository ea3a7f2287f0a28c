/**
 * The seams between replication and persistence: what a full resync ships
 * to a replica (`fullSyncSnapshot`: BGSAVE's point-in-time snapshot with the
 * repl-* aux fields), what a replica does with the RDB it receives
 * (`loadSyncPayload`: the RDB reader into the emptied dataset), and the
 * replica's AOF around that load (`stopAofForSync` / `restartAofAfterSync`).
 */

import { aofOf, aofRewriteEnd } from "../persistence/aof.ts";
import { persistenceOf, type SlicedSnapshot } from "../persistence/persistence.ts";
import type { Server } from "../server/server.ts";
import { rdbLoadOptions } from "../persistence/load.ts";
import { loadRdb, RdbFormatError } from "../persistence/rdb_reader.ts";

/** Replication info saved in the RDB's aux fields (rdbSaveInfo). */
export interface SyncInfo {
  replid: string;
  offset: number;
  /** The db the stream that follows is in (repl-stream-db). */
  streamDb: number;
  /** REPLCONF rdb-filter-only without data: the RDB holds no keys whatever the dataset. */
  excludeData: boolean;
  /** ... nor function libraries, unless the filter asked for "functions". */
  excludeFunctions: boolean;
}

/**
 * The point-in-time snapshot a full resync sends, taken now (BGSAVE's sliced
 * snapshot: the master keeps serving while it is serialized), or null
 * (logged) when it cannot be taken: the replicas are then refused.
 */
export function fullSyncSnapshot(server: Server, info: SyncInfo): SlicedSnapshot | null {
  try {
    return persistenceOf(server).openSnapshot(
      false,
      { streamDb: info.streamDb, replid: info.replid, offset: info.offset },
      !info.excludeData,
      !info.excludeFunctions,
    );
  } catch (err) {
    server.log.warning(`Can't produce the RDB for the replica: ${(err as Error).message}`);
    return null;
  }
}

/**
 * Loads the RDB a replica received into the (already emptied) dataset
 * (readSyncBulkPayload's rdbLoad); returns false (logged) when it cannot.
 */
export function loadSyncPayload(server: Server, rdb: Uint8Array): boolean {
  try {
    const r = loadRdb(rdb, rdbLoadOptions(server, server.log));
    server.log.notice(
      `Done loading RDB, keys loaded: ${r.keysLoaded}, keys expired: ${r.keysExpired}.`,
    );
    return true;
  } catch (err) {
    if (!(err instanceof RdbFormatError)) throw err;
    server.log.warning(
      `Failed trying to load the MASTER synchronization DB from socket, at offset ${err.offset}: ${err.message}`,
    );
    return false;
  }
}

/**
 * The end of the BGSAVE running now (true when it succeeded), or null when
 * none runs: a full resync waits for it (rdb_child_type disk without a
 * replica attached: "Waiting for next BGSAVE for SYNC").
 */
export function runningBgsave(server: Server): Promise<boolean> | null {
  const p = persistenceOf(server);
  return p.job === null ? null : p.waitBgsave();
}

/**
 * The end of the AOF rewrite running now, or null when none runs: another
 * child is active (hasActiveChildProcess), so a full resync's snapshot waits
 * for it to end (SLAVE_STATE_WAIT_BGSAVE_START until checkChildrenDone).
 */
export function runningAofRewrite(server: Server): Promise<void> | null {
  return aofRewriteEnd(server);
}

/**
 * readSyncBulkPayload, before the dataset is replaced: an RDB made in the
 * background (a BGSAVE, or a full resync's snapshot for a replica of ours)
 * is killed, so that it neither overwrites the synced data nor copies the
 * whole old dataset while the new one loads. The payload counts as a disk
 * load (it is read into memory first), so the notice is logged.
 */
export function killRdbChildBeforeLoad(server: Server): void {
  const p = persistenceOf(server);
  if (!p.saveInProgress) return;
  server.log.notice(
    `Replica is about to load the RDB file received from the master, but there is a pending RDB child running. Killing process ${Deno.pid} and removing its temp file to avoid any race`,
  );
  p.killRdbChild();
}

/**
 * readSyncBulkPayload, once the whole RDB arrived: the AOF stops before the
 * dataset is replaced (it described the old one).
 */
export function stopAofForSync(server: Server): void {
  aofOf(server).stopForSync();
}

/**
 * restartAOFAfterSYNC, once the master's RDB is loaded: with appendonly yes
 * the AOF starts over from the loaded dataset (a rewrite), then the stream.
 * A sync that failed leaves it stopped until the next one succeeds or the
 * replica is promoted (`restartAofAfterPromotion`).
 */
export function restartAofAfterSync(server: Server): void {
  aofOf(server).restartAfterSync();
}

/** replicationUnsetMaster: the AOF a failed sync left stopped starts again. */
export function restartAofAfterPromotion(server: Server): void {
  aofOf(server).restartAfterPromotion();
}
