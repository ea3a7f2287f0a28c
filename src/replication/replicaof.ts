/**
 * Role changes (Redis's replicationSetMaster / replicationUnsetMaster): becoming
 * a replica of a master (REPLICAOF host port, --replicaof at start-up) and
 * becoming a master again (REPLICAOF NO ONE).
 */

import type { Client } from "../server/client.ts";
import { clientInfoString } from "../server/client_info.ts";
import type { Server } from "../server/server.ts";
import { replicationOf } from "./master.ts";
import { ReplicaLink } from "./replica.ts";
import { restartAofAfterPromotion } from "./sync_payload.ts";

/**
 * replicationSetMaster: follow `host`:`port` from now on. Replicas of ours stay
 * attached (they may continue partially); clients blocked on keys are released
 * with an error. A former master PSYNCs with its own replication id and offset.
 * `by` is the client that asked (REPLICAOF), null for FAILOVER (`live`) and for
 * `replicaof` in the configuration: then nothing is cached (PSYNC ? -1) and the
 * link starts once the server is up.
 */
export function setMaster(
  server: Server,
  host: string,
  port: number,
  by: Client | null,
  live = true,
): void {
  const repl = replicationOf(server);
  const wasMaster = !server.isReplica();
  const old = repl.link;
  const cached = live && (wasMaster || (old?.hasCachedMaster ?? false));
  repl.link = null;
  old?.stop();
  for (const c of server.clients.values()) {
    if (c.blocked === null) continue;
    const state = c.blocked;
    c.reply.error(
      "UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)",
    );
    server.blocking.unblock(c, "served");
    c.scheduleFlush();
    state.resume();
  }
  server.repl.role = "slave";
  repl.updateListening();
  server.repl.masterHost = host;
  server.repl.masterPort = port;
  server.repl.linkStatus = "down";
  server.config.setReplicaOf({ host, port });
  const link = new ReplicaLink(repl, host, port, cached);
  repl.link = link;
  repl.ensureCron();
  if (!live) {
    // Like replicationCron, the link waits for the start-up load to end.
    queueMicrotask(() => server.whenLoaded(() => link.start()));
    return;
  }
  if (by !== null) {
    server.log.notice(
      `REPLICAOF ${host}:${port} enabled (user request from '${clientInfoString(by, by)}')`,
    );
  }
  link.start();
}

/**
 * replicationUnsetMaster: stop following the master. The replication id we had
 * stays valid as replid2 up to the current offset, so our replicas (told by a
 * disconnection) and siblings continue partially.
 */
export function unsetMaster(server: Server, by: Client | null, reason = "user request"): void {
  const repl = replicationOf(server);
  const link = repl.link;
  repl.link = null;
  link?.stop();
  repl.shiftReplicationId();
  repl.disconnectReplicas();
  repl.resetSelectedDb();
  server.repl.role = "master";
  repl.updateListening();
  server.repl.masterHost = "";
  server.repl.masterPort = 0;
  server.repl.linkStatus = "down";
  server.repl.linkDownSince = 0;
  server.config.setReplicaOf(null);
  restartAofAfterPromotion(server);
  if (by !== null) {
    server.log.notice(`MASTER MODE enabled (${reason} from '${clientInfoString(by, by)}')`);
  }
}
