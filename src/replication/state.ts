/**
 * Replication identity and offsets, as INFO replication reports them. The
 * master/replica protocol (PSYNC, backlog, WAIT) builds on this state.
 */

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
  /** Bytes of the replication stream produced (master) or processed (replica). */
  offset = 0;
  secondReplidOffset = -1;
  /** Master we replicate from, when a replica. */
  masterHost = "";
  masterPort = 0;
  /** "connect", "connecting", "sync", "connected". */
  linkStatus: "down" | "up" = "down";
  /** Replication backlog size in bytes and whether one exists. */
  backlogActive = false;
  backlogSize = 1024 * 1024;
  backlogFirstByteOffset = 0;
  backlogHistlen = 0;
}
