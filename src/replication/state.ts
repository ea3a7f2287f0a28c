/**
 * Replication identity and offsets: what INFO replication, ROLE and PSYNC
 * read. The replication subsystem (master.ts, replica.ts) changes them; the
 * core reads the role (read-only replica, no expiry of its own) and the count
 * of good replicas (min-replicas-to-write).
 */

import type { ReplBacklog } from "./backlog.ts";

/** 40 random hex chars, like Redis's getRandomHexChars for replication ids. */
export function randomReplId(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/** This server's replication role and offsets. */
export class ReplicationState {
  role: "master" | "slave" = "master";
  /** Current replication id (changes at boot and on failover). */
  replid = randomReplId();
  /** Previous id, all zeros when none. */
  replid2 = "0".repeat(40);
  /** master_repl_offset: bytes of the replication stream produced (master) or applied (replica). */
  offset = 0;
  secondReplidOffset = -1;
  /** Master we replicate from, when a replica. */
  masterHost = "";
  masterPort = 0;
  /** INFO's master_link_status. */
  linkStatus: "down" | "up" = "down";
  /**
   * repl_down_since: Unix ms the link to a master was lost, 0 while it is up or
   * was never up (master_link_down_since_seconds -1). It outlives a switch to
   * another master and is cleared by the next sync and by REPLICAOF NO ONE.
   */
  linkDownSince = 0;
  /** The backlog, once a replica attached (or this replica synced); null before. */
  backlog: ReplBacklog | null = null;
  /** repl_good_slaves_count: online replicas lagging at most min-replicas-max-lag. */
  goodReplicas = 0;
  /**
   * fsynced_reploff: the offset the AOF has fsynced up to (WAITAOF, REPLCONF
   * ACK's FACK); -1 while the AOF is off. The AOF sets it and calls `onFsynced`.
   */
  fsyncedReploff = -1;
  /** Told when fsyncedReploff changed (the replication subsystem serves WAITAOF). */
  onFsynced: (() => void) | null = null;

  /** Whether a backlog exists. */
  get backlogActive(): boolean {
    return this.backlog !== null;
  }

  /** repl_backlog_first_byte_offset. */
  get backlogFirstByteOffset(): number {
    return this.backlog?.firstByteOffset ?? 0;
  }

  /** repl_backlog_histlen. */
  get backlogHistlen(): number {
    return this.backlog?.histlen ?? 0;
  }

  /**
   * checkGoodReplicasStatus: whether a write may run under min-replicas-to-write
   * (always on a replica, or when the check is off).
   */
  enoughGoodReplicas(minToWrite: number, maxLag: number): boolean {
    return this.role === "slave" || minToWrite === 0 || maxLag === 0 ||
      this.goodReplicas >= minToWrite;
  }
}
