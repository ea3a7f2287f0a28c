/**
 * Replication identity and offsets, as INFO replication reports them. No
 * master/replica link or backlog exists yet, so nothing but DEBUG
 * change-repl-id changes this state: the role stays master, the link down and
 * the backlog inactive.
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
  /** INFO's master_link_status. */
  linkStatus: "down" | "up" = "down";
  /** Whether a backlog exists and the stream range it holds (its size is repl-backlog-size). */
  backlogActive = false;
  backlogFirstByteOffset = 0;
  backlogHistlen = 0;
}
