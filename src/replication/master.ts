/**
 * Replication, master side (Redis's replication.c): the replicas attached to
 * this server, the replication stream they and the backlog receive, full and
 * partial resynchronization (SYNC / PSYNC), acknowledgements (REPLCONF ACK,
 * WAIT), min-replicas-to-write, and INFO replication. The replica side (the
 * link to our own master, replica.ts) feeds the same stream, so chained
 * replicas get the master's bytes unchanged.
 *
 * The stream is the propagation stream (src/server/propagation.ts) encoded as
 * RESP, SELECT added where the db changes (selectingSink), every byte counted
 * in master_repl_offset. Nothing listens to propagation until the backlog
 * exists (the first replica attaches), so a server without replicas pays
 * nothing on its write path.
 */

import type { Client } from "../server/client.ts";
import { type PropagateListener, selectingSink } from "../server/propagation.ts";
import type { Server } from "../server/server.ts";
import type { InfoField, RdbSaveInfo, Subsystem } from "../server/subsystem.ts";
import { binaryToBytes } from "../util/bytes.ts";
import { NOT_INTEGER } from "../store/types.ts";
import { ReplBacklog } from "./backlog.ts";
import { randomReplId } from "./state.ts";
import { fullSyncSnapshot, runningAofRewrite, runningBgsave } from "./sync_payload.ts";
import type { SlicedSnapshot } from "../persistence/persistence.ts";
import type { ReplicaLink } from "./replica.ts";
import { setMaster, unsetMaster } from "./replicaof.ts";

/** What a connection told us with REPLCONF, and its state once it is a replica. */
export interface ReplicaPeer {
  /** REPLCONF listening-port (0 when not sent). */
  listeningPort: number;
  /** REPLCONF ip-address ("" when not sent: the peer address is used). */
  ipAddress: string;
  capaEof: boolean;
  capaPsync2: boolean;
  /** REPLCONF rdb-only 1: the connection wants the RDB only (redis-cli --rdb). */
  rdbOnly: boolean;
  /** REPLCONF rdb-filter-only: the RDB is to hold no keys. */
  excludeData: boolean;
  /** REPLCONF rdb-filter-only without "functions": the RDB is to hold no function libraries. */
  excludeFunctions: boolean;
  /** SLAVE_STATE_*: waiting for the RDB to start, or receiving the stream. */
  state: "wait_bgsave" | "send_bulk" | "online";
  /** Highest offset acknowledged (REPLCONF ACK). */
  ackOffset: number;
  /** Highest offset the replica's AOF fsynced (REPLCONF ACK's FACK, repl_aof_off). */
  aofOffset: number;
  /** Unix ms of the last ACK (or of going online): INFO lag, repl-timeout. */
  ackTime: number;
  /** Attached with old SYNC: no +FULLRESYNC line, never acknowledges. */
  preSync: boolean;
  /** Unix ms the replica started waiting for its RDB (repl-diskless-sync-delay). */
  waitSince: number;
  /**
   * After an EOF-marked (diskless) transfer the stream is held until the
   * replica's first ACK: it cannot tell stream bytes after the marker from RDB bytes.
   */
  held: Uint8Array[] | null;
}

/**
 * A full resync's snapshot being serialized while the master keeps serving
 * (Redis's BGSAVE for replication). The replicas it serves got +FULLRESYNC
 * with its `replid` and `offset`; the stream from then on waits in their
 * `held` until the RDB is sent.
 */
interface FullSync {
  /** The EOF-marker form, streamed slice by slice (rdb_child_type socket); else `$len` from memory. */
  eof: boolean;
  /** REPLCONF rdb-filter-only: the image holds no keys. */
  excludeData: boolean;
  /** ... and no function libraries unless "functions" was asked for. */
  excludeFunctions: boolean;
  replid: string;
  offset: number;
  /** The EOF form's marker. */
  mark: Uint8Array;
  targets: Set<Client>;
}

/** A client blocked in WAIT, or in WAITAOF (`numlocal` not null). */
interface Waiter {
  offset: number;
  numreplicas: number;
  numlocal: number | null;
}

const registry = new WeakMap<Server, Replication>();

/** Two rdb-filter-only requests that one snapshot serves (the same slave_req). */
function sameFilter(
  a: { excludeData: boolean; excludeFunctions: boolean },
  b: { excludeData: boolean; excludeFunctions: boolean },
): boolean {
  return a.excludeData === b.excludeData && a.excludeFunctions === b.excludeFunctions;
}

/** The replication subsystem of `server`. */
export function replicationOf(server: Server): Replication {
  const r = registry.get(server);
  if (r === undefined) throw new Error("replication subsystem not installed");
  return r;
}

const PING = [binaryToBytes("ping")];
const GETACK = [binaryToBytes("REPLCONF"), binaryToBytes("GETACK"), binaryToBytes("*")];
const ZERO_ID = "0".repeat(40);
/** The longest the stream waits in a replica's buffer while writes keep coming (ms). */
const STREAM_FLUSH_MS = 1;
/** Staged stream bytes that leave at once, whatever the interval. */
const STREAM_FLUSH_BYTES = 64 * 1024;
const STAGED_INITIAL = 16 * 1024;
/** A staged buffer grown past this (one huge command) is dropped after delivery. */
const STAGED_KEEP = 1024 * 1024;

/** The replication subsystem: replicas, backlog, stream, WAIT; and the link when a replica. */
export class Replication implements Subsystem {
  readonly name = "replication";
  /** Attached replicas (server.slaves), in attach order. */
  readonly replicas = new Map<Client, ReplicaPeer>();
  /** REPLCONF state of connections that are not replicas (yet). */
  private readonly peers = new WeakMap<Client, ReplicaPeer>();
  /** The link to our master while we are a replica (replica.ts sets it). */
  link: ReplicaLink | null = null;
  /** sync_full, sync_partial_ok, sync_partial_err (INFO stats). */
  syncFull = 0;
  syncPartialOk = 0;
  syncPartialErr = 0;
  /** Unix ms since when no replica is attached (repl-backlog-ttl). */
  private noReplicasSince = Date.now();
  private readonly waiters = new Map<Client, Waiter>();
  /** The full resync's snapshot in progress, if any (one at a time, as Redis's rdb child). */
  private fullSync: FullSync | null = null;
  private getackPending = false;
  /** FAILOVER: master_failover_state, and its target and deadline (0 = none). */
  failoverState: "no-failover" | "waiting-for-sync" | "failover-in-progress" = "no-failover";
  private failoverEnd = 0;
  private failoverForce = false;
  private failoverHost: string | null = null;
  private failoverPort = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private cronLoops = 0;
  /** The end of the AOF rewrite replicas wait for, once startPendingSync waits for it. */
  private awaitedChild: Promise<void> | null = null;
  /** Stream bytes counted in the offset, not yet in the backlog and the replicas' output. */
  private staged = new Uint8Array(STAGED_INITIAL);
  private stagedLen = 0;
  /** Request bytes fed as they are, not yet copied to `staged`: `spanSrc` from spanStart to spanEnd. */
  private spanSrc: Uint8Array | null = null;
  private spanStart = 0;
  private spanEnd = 0;
  /** Stream bytes copied from requests as received rather than encoded (tests read it). */
  spanBytes = 0;
  /** The stream's flush interval is running (scheduleStreamFlush); bytes wait for it. */
  private streamTimer: ReturnType<typeof setTimeout> | undefined;
  private streamPending = false;
  private selecting: PropagateListener;
  /** The db the stream selected last (slaveseldb), -1 until a command after a reset. */
  private streamDb = -1;
  /** What the selecting sink passes on: the stream's db is the command's. */
  private readonly feedSelected = (db: number, argv: Uint8Array[]): void => {
    this.streamDb = db;
    this.feedCommand(argv);
  };
  /**
   * Listens to propagation only while we are a master with a backlog (updateListening):
   * a replica propagates nothing of its own, its stream is its master's.
   */
  private readonly listener: PropagateListener = (dbid, argv, target) =>
    this.selecting(dbid, argv, target);

  constructor(readonly server: Server) {
    registry.set(server, this);
    server.propagation.releaseRequests = this.takeSpan;
    this.selecting = selectingSink(this.feedSelected);
    const target = server.config.replicaof;
    if (target !== null) setMaster(server, target.host, target.port, null, false);
    server.repl.onFsynced = () => {
      if (this.waiters.size > 0) this.serveWaiters();
    };
    // WAITAOF for a local fsync fails once the AOF is turned off.
    server.config.onChange("appendonly", () => {
      if (this.waiters.size > 0) this.serveWaiters();
    });
  }

  // -------------------------------------------------------------------------------------------
  // The stream

  /**
   * Appends one command, RESP-encoded, to the staged stream: the bytes count
   * in master_repl_offset at once and reach the backlog and the replicas at
   * the next delivery (deliverStaged).
   */
  private feedCommand(argv: Uint8Array[]): void {
    const repl = this.server.repl;
    if (repl.backlog === null && this.replicas.size === 0) return;
    const propagation = this.server.propagation;
    if (argv === propagation.request) {
      this.feedSpan(propagation.requestBuf, propagation.requestStart, propagation.requestEnd);
      return;
    }
    if (this.spanSrc !== null) this.takeSpan();
    const argc = argv.length;
    // Room for the encoding: a length line and CRLF take at most 21 bytes (16 digits).
    let bound = 24;
    for (let i = 0; i < argc; i++) bound += argv[i].length + 24;
    const start = this.stagedLen;
    const buf = start + bound <= this.staged.length ? this.staged : this.growStaged(start + bound);
    let p = writeLengthLine(buf, start, 42, argc); // *
    for (let i = 0; i < argc; i++) {
      const a = argv[i];
      const n = a.length;
      p = writeLengthLine(buf, p, 36, n); // $
      // A call to set() costs more than copying a short argument byte by byte.
      if (n <= 32) { for (let j = 0; j < n; j++) buf[p + j] = a[j]; }
      else buf.set(a, p);
      p += n;
      buf[p++] = 13;
      buf[p++] = 10;
    }
    this.stagedLen = p;
    repl.offset += p - start;
    this.scheduleStreamFlush();
  }

  /**
   * Appends bytes `start` to `end` of `src` (a read buffer, valid until the
   * reader calls propagation.releaseRequests) to the stream, counting them at
   * once. The requests of one read follow each other in its buffer: a run of
   * them becomes one span, copied once (takeSpan).
   */
  feedSpan(src: Uint8Array, start: number, end: number): void {
    const repl = this.server.repl;
    if (repl.backlog === null && this.replicas.size === 0) return;
    if (src === this.spanSrc && start === this.spanEnd) {
      this.spanEnd = end;
    } else {
      if (this.spanSrc !== null) this.takeSpan();
      this.spanSrc = src;
      this.spanStart = start;
      this.spanEnd = end;
    }
    repl.offset += end - start;
    this.scheduleStreamFlush();
  }

  /** Copies the span of request bytes fed last to the staged stream (counted already). */
  private readonly takeSpan = (): void => {
    const src = this.spanSrc;
    if (src === null) return;
    this.spanSrc = null;
    const n = this.spanEnd - this.spanStart;
    const p = this.stagedLen;
    const buf = p + n <= this.staged.length ? this.staged : this.growStaged(p + n);
    buf.set(src.subarray(this.spanStart, this.spanEnd), p);
    this.stagedLen = p + n;
    this.spanBytes += n;
    this.spanStart = this.spanEnd = 0;
  };

  /**
   * Appends stream bytes (our master's, as applied) to the stream, counting
   * them in master_repl_offset.
   */
  feedStream(bytes: Uint8Array): void {
    const repl = this.server.repl;
    if (repl.backlog === null && this.replicas.size === 0) return;
    if (this.spanSrc !== null) this.takeSpan();
    const p = this.stagedLen;
    const buf = p + bytes.length <= this.staged.length
      ? this.staged
      : this.growStaged(p + bytes.length);
    buf.set(bytes, p);
    this.stagedLen = p + bytes.length;
    repl.offset += bytes.length;
    this.scheduleStreamFlush();
  }

  /** The staged buffer with room for `need` bytes (grown, the staged bytes kept). */
  private growStaged(need: number): Uint8Array {
    const next = new Uint8Array(Math.max(need, this.staged.length * 2));
    next.set(this.staged.subarray(0, this.stagedLen));
    this.staged = next;
    return next;
  }

  /**
   * Moves the staged stream to the backlog and to every online replica's
   * output (held for a replica in a full resync). Done before anything reads
   * the backlog or changes which replicas get the stream, so every byte goes
   * where it would have gone when it was produced.
   */
  private deliverStaged(): void {
    if (this.spanSrc !== null) this.takeSpan();
    const n = this.stagedLen;
    if (n === 0) return;
    this.stagedLen = 0;
    const bytes = this.staged.subarray(0, n);
    this.server.repl.backlog?.append(bytes);
    for (const [c, peer] of this.replicas) {
      // A replica in a full resync holds the stream from its snapshot on.
      if (c.closed || (peer.state === "wait_bgsave" && peer.held === null)) continue;
      if (peer.held !== null) {
        if (peer.rdbOnly) continue; // redis-cli --rdb gets no stream (canFeedReplicaReplBuffer)
        peer.held.push(bytes.slice());
        // Held bytes are output buffer too (Redis 7's shared replication buffer).
        c.heldOutput += bytes.length;
        c.closeOnOutputBufferLimit();
        continue;
      }
      c.reply.raw(bytes);
    }
    // One huge command must not keep its buffer alive.
    if (this.staged.length > STAGED_KEEP) this.staged = new Uint8Array(STAGED_INITIAL);
  }

  /**
   * Writes the stream to the replicas at most once per STREAM_FLUSH_MS while
   * writes keep coming (repl-disable-tcp-nodelay's trade, bounded): an idle
   * stream's first bytes leave at once (after the client batch that made
   * them), those that follow within the interval wait for the timer, unless
   * STREAM_FLUSH_BYTES are staged. Each delivery and socket write costs the
   * master far more than the bytes it carries.
   */
  private scheduleStreamFlush(): void {
    if (this.stagedLen + (this.spanEnd - this.spanStart) >= STREAM_FLUSH_BYTES) {
      this.flushStream();
    } else if (this.streamTimer !== undefined) {
      this.streamPending = true;
    } else {
      this.streamPending = true;
      this.streamTimer = setTimeout(this.onStreamTimer, STREAM_FLUSH_MS);
      queueMicrotask(this.flushStream);
    }
  }

  private readonly onStreamTimer = () => {
    this.streamTimer = undefined;
    if (!this.streamPending) return;
    this.flushStream();
    this.streamTimer = setTimeout(this.onStreamTimer, STREAM_FLUSH_MS);
  };

  /** Delivers the staged stream and writes the replicas' output now (GETACK, WAIT). */
  readonly flushStream = (): void => {
    this.streamPending = false;
    this.deliverStaged();
    for (const c of this.replicas.keys()) c.scheduleFlush();
  };

  /**
   * rdbPopulateSaveInfo: a master records its replication id and offset in
   * the RDB files it saves while it has a backlog (it is in a replication
   * chain), a replica while it has a master or a cached one; with them a
   * restarted server can continue with a partial resync.
   */
  rdbSaveInfo(): RdbSaveInfo | null {
    const repl = this.server.repl;
    let streamDb: number | null;
    if (this.link === null) {
      if (repl.backlog === null) return null;
      // No write since the last full sync: the next one selects its db anyway.
      streamDb = this.streamDb === -1 ? 0 : this.streamDb;
    } else {
      streamDb = this.link.savedStreamDb();
      if (streamDb === null) return null;
    }
    return { replid: repl.replid, offset: repl.offset, streamDb };
  }

  /**
   * loadDataFromDisk: the start-up RDB recorded a replication id and offset. A
   * replica takes them as a cached master to PSYNC with; a master keeps them as
   * its secondary id, valid up to that offset, with a backlog from there, so
   * its former replicas continue partially.
   */
  rdbLoaded(aux: Map<string, string>): void {
    const replid = aux.get("repl-id");
    const offset = Number(aux.get("repl-offset") ?? "-1");
    const streamDb = Number(aux.get("repl-stream-db") ?? "-1");
    if (replid === undefined || replid.length !== 40) return;
    if (!Number.isSafeInteger(offset) || offset === -1) return;
    if (!Number.isSafeInteger(streamDb) || streamDb === -1) return;
    const repl = this.server.repl;
    if (this.link !== null) {
      repl.replid = replid;
      repl.offset = offset;
      this.link.cacheMasterUsingMyself(streamDb);
      return;
    }
    repl.replid2 = replid;
    repl.secondReplidOffset = offset + 1;
    repl.offset += offset;
    this.createBacklog();
    this.noReplicasSince = Date.now();
  }

  /** CONFIG RESETSTAT: the sync counters restart. */
  resetStats(): void {
    this.syncFull = 0;
    this.syncPartialOk = 0;
    this.syncPartialErr = 0;
  }

  /** Forgets the db the stream last selected: the next command selects again (slaveseldb = -1). */
  resetSelectedDb(): void {
    this.streamDb = -1;
    this.selecting = selectingSink(this.feedSelected);
  }

  /** createReplicationBacklog: starts keeping the stream, and listening to propagation. */
  createBacklog(): void {
    const repl = this.server.repl;
    if (repl.backlog !== null) return;
    this.deliverStaged();
    repl.backlog = new ReplBacklog(this.server.config.replBacklogSize, repl.offset);
    this.updateListening();
    this.ensureCron();
  }

  /** freeReplicationBacklog. */
  freeBacklog(): void {
    this.deliverStaged();
    this.server.repl.backlog = null;
    const i = this.server.propagateListeners.indexOf(this.listener);
    if (i !== -1) this.server.propagateListeners.splice(i, 1);
  }

  /**
   * Listens to propagation only while a master with a backlog: a replica's
   * stream is its master's, so while one the listener is off and the master
   * client's writes cost the propagation nothing unless the AOF listens.
   */
  updateListening(): void {
    const ls = this.server.propagateListeners;
    const i = ls.indexOf(this.listener);
    if (this.server.isReplica() || this.server.repl.backlog === null) {
      if (i !== -1) ls.splice(i, 1);
    } else if (i === -1) {
      ls.push(this.listener);
    }
  }

  /** changeReplicationId + clearReplicationId2: a new history starts. */
  newReplicationHistory(): void {
    const repl = this.server.repl;
    repl.replid = randomReplId();
    repl.replid2 = ZERO_ID;
    repl.secondReplidOffset = -1;
  }

  /** shiftReplicationId: the current id stays valid as replid2 up to the current offset. */
  shiftReplicationId(): void {
    const repl = this.server.repl;
    repl.replid2 = repl.replid;
    repl.secondReplidOffset = repl.offset + 1;
    repl.replid = randomReplId();
    this.server.log.warning(
      `Setting secondary replication ID to ${repl.replid2}, valid up to offset: ${repl.secondReplidOffset}. New replication ID is ${repl.replid}`,
    );
  }

  /** disconnectSlaves: replicas reconnect (and learn a new replication id). */
  disconnectReplicas(): void {
    for (const c of [...this.replicas.keys()]) c.close();
  }

  // -------------------------------------------------------------------------------------------
  // REPLCONF, SYNC, PSYNC

  /**
   * Writes a line Redis writes straight to the replica's socket (+FULLRESYNC,
   * +CONTINUE, the newlines of a replica waiting for its RDB): it does not
   * count in total_net_repl_output_bytes, which the replica's client output adds to.
   */
  private handshakeReply(c: Client, line: string): void {
    c.reply.raw(binaryToBytes(line));
    this.server.stats.netReplOutputBytes -= line.length;
  }

  /** The REPLCONF state of `c`, created on first use. */
  peerOf(c: Client): ReplicaPeer {
    let p = this.replicas.get(c) ?? this.peers.get(c);
    if (p === undefined) {
      p = {
        listeningPort: 0,
        ipAddress: "",
        capaEof: false,
        capaPsync2: false,
        rdbOnly: false,
        excludeData: false,
        excludeFunctions: false,
        state: "wait_bgsave",
        ackOffset: 0,
        aofOffset: 0,
        ackTime: 0,
        preSync: false,
        waitSince: 0,
        held: null,
      };
      this.peers.set(c, p);
    }
    return p;
  }

  /** True when `c` is an attached replica (CLIENT_SLAVE). */
  isReplicaClient(c: Client): boolean {
    return this.replicas.has(c);
  }

  /** REPLCONF ACK <offset> [FACK <aofoffset>] from a replica (no reply). */
  ack(c: Client, offset: number, aofOffset: number | null): void {
    const peer = this.replicas.get(c);
    if (peer === undefined) return;
    if (offset > peer.ackOffset) peer.ackOffset = offset;
    if (aofOffset !== null && aofOffset > peer.aofOffset) peer.aofOffset = aofOffset;
    peer.ackTime = Date.now();
    if (peer.held !== null && peer.state === "online") {
      // replicaStartCommandStream: the first ACK after a diskless transfer.
      for (const b of peer.held) c.reply.raw(b);
      peer.held = null;
      c.heldOutput = 0;
      c.scheduleFlush();
    }
    if (this.waiters.size > 0) this.serveWaiters();
    if (this.failoverState === "waiting-for-sync") this.updateFailoverStatus();
  }

  /**
   * replicationGetSlaveName: "ip:port" ("[ip]:port" for IPv6), "ip:<unknown-replica-port>"
   * before REPLCONF listening-port, or the client id without an address.
   */
  replicaName(c: Client, peer: ReplicaPeer): string {
    const ip = peer.ipAddress || hostOf(c.addr);
    if (ip === "") return `client id #${c.id}`;
    if (!peer.listeningPort) return `${ip}:<unknown-replica-port>`;
    return ip.includes(":") ? `[${ip}]:${peer.listeningPort}` : `${ip}:${peer.listeningPort}`;
  }

  /**
   * SYNC (psync null) and PSYNC replid offset: attaches `c` as a replica,
   * continuing from the backlog when possible, else with a full resync. An
   * offset that is not an integer (null) is refused after the other checks.
   */
  sync(c: Client, psync: { replid: string; offset: bigint | null } | null): void {
    const server = this.server;
    if (this.replicas.has(c)) return; // already a replica: ignored
    // The backlog and the replicas attached so far get the stream made before this.
    this.deliverStaged();
    if (this.failoverState !== "no-failover") {
      c.reply.error("NOMASTERLINK Can't SYNC while failing over");
      return;
    }
    if (server.isReplica() && this.link?.state !== "connected") {
      c.reply.error("NOMASTERLINK Can't SYNC while not connected with my master");
      return;
    }
    if (c.pendingOutput > 0) {
      c.reply.error("ERR SYNC and PSYNC are invalid with pending output");
      return;
    }
    const peer = this.peerOf(c);
    if (peer.excludeData && !peer.capaEof) {
      c.reply.error("ERR Filtered replica requires EOF capability");
      return;
    }
    server.log.notice(`Replica ${this.replicaName(c, peer)} asks for synchronization`);
    if (psync !== null) {
      if (psync.offset === null) {
        server.log.warning(
          `Replica ${this.replicaName(c, peer)} asks for synchronization but with a wrong offset`,
        );
        c.reply.error(NOT_INTEGER);
        return;
      }
      if (this.tryPartialResync(c, peer, psync.replid, Number(psync.offset))) {
        this.syncPartialOk++;
        return;
      }
      // "?" (any id starting with it) asks for a full resync on purpose: no failed PSYNC.
      if (!psync.replid.startsWith("?")) this.syncPartialErr++;
    } else {
      peer.preSync = true;
    }
    this.syncFull++;
    peer.state = "wait_bgsave";
    peer.waitSince = Date.now();
    this.attach(c, peer);
    if (this.replicas.size === 1 && server.repl.backlog === null) {
      // A backlog created from scratch has no valid past: a new history starts.
      this.newReplicationHistory();
      this.createBacklog();
      server.log.notice(
        `Replication backlog created, my new replication IDs are '${server.repl.replid}' and '${server.repl.replid2}'`,
      );
    }
    // syncCommand's cases: a snapshot for SYNC or a BGSAVE running, or none.
    const job = this.fullSync;
    const bgsave = runningBgsave(server);
    if (job !== null) {
      if (job.eof) {
        server.log.notice("Current BGSAVE has socket target. Waiting for next BGSAVE for SYNC");
      } else if (sameFilter(job, peer) && this.joinFullSync(job, c, peer)) {
        server.log.notice("Waiting for end of BGSAVE for SYNC");
      } else {
        server.log.notice(
          "Can't attach the replica to the current BGSAVE. Waiting for next BGSAVE for SYNC",
        );
      }
    } else if (bgsave !== null) {
      server.log.notice(
        "Can't attach the replica to the current BGSAVE. Waiting for next BGSAVE for SYNC",
      );
      bgsave.then(() => this.startPendingSync());
    } else if (
      server.config.replDisklessSync && peer.capaEof && server.config.replDisklessSyncDelay > 0
    ) {
      server.log.notice("Delay next BGSAVE for diskless SYNC");
      this.startPendingSync();
    } else if (runningAofRewrite(server) !== null) {
      // An AOF rewrite is another child: the replica waits for its end.
      server.log.notice(
        "No BGSAVE in progress, but another BG operation is active. BGSAVE for replication delayed",
      );
      this.startPendingSync();
    } else {
      this.startSync(this.waitingReplicas());
    }
  }

  /** Replicas waiting for a snapshot to start (SLAVE_STATE_WAIT_BGSAVE_START). */
  private waitingReplicas(): Client[] {
    const out: Client[] = [];
    for (const [c, peer] of this.replicas) {
      if (peer.state === "wait_bgsave" && !c.closed && !this.fullSync?.targets.has(c)) out.push(c);
    }
    return out;
  }

  private attach(c: Client, peer: ReplicaPeer): void {
    this.peers.delete(c);
    c.kind = "replica";
    peer.ackTime = Date.now();
    this.replicas.set(c, peer);
    this.ensureCron();
  }

  /** masterTryPartialResynchronization: true when `c` continues from the backlog. */
  private tryPartialResync(c: Client, peer: ReplicaPeer, replid: string, offset: number): boolean {
    const server = this.server;
    const repl = server.repl;
    // strcasecmp: an id matches whatever the case it is sent in.
    const id = replid.toLowerCase();
    if (id !== repl.replid && (id !== repl.replid2 || offset > repl.secondReplidOffset)) {
      if (replid.startsWith("?")) {
        server.log.notice(`Full resync requested by replica ${this.replicaName(c, peer)}`);
      } else if (id !== repl.replid2) {
        server.log.notice(
          `Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '${replid}', my replication IDs are '${repl.replid}' and '${repl.replid2}')`,
        );
      } else {
        server.log.notice(
          `Partial resynchronization not accepted: Requested offset for second ID was ${offset}, but I can reply up to ${repl.secondReplidOffset}`,
        );
      }
      return false;
    }
    const backlog = repl.backlog;
    if (backlog === null || !backlog.covers(offset)) {
      server.log.notice(
        `Unable to partial resync with replica ${
          this.replicaName(c, peer)
        } for lack of backlog (Replica request was: ${offset}).`,
      );
      if (offset > repl.offset) {
        server.log.warning(
          `Warning: replica ${
            this.replicaName(c, peer)
          } tried to PSYNC with an offset that is greater than the master replication offset.`,
        );
      }
      return false;
    }
    peer.state = "online";
    this.attach(c, peer);
    this.handshakeReply(c, peer.capaPsync2 ? `+CONTINUE ${repl.replid}\r\n` : "+CONTINUE\r\n");
    let sent = 0;
    for (const chunk of backlog.from(offset)) {
      c.reply.raw(chunk);
      sent += chunk.length;
    }
    server.log.notice(
      `Partial resynchronization request from ${
        this.replicaName(c, peer)
      } accepted. Sending ${sent} bytes of backlog starting from offset ${offset}.`,
    );
    this.refreshGoodReplicas();
    return true;
  }

  /**
   * replicationStartPendingFork: starts a snapshot for the replicas waiting
   * for one, once no child runs (a snapshot, a BGSAVE, an AOF rewrite) and,
   * diskless, the delay passed or enough wait.
   */
  private startPendingSync(): void {
    if (this.fullSync !== null || runningBgsave(this.server) !== null) return;
    const cfg = this.server.config;
    const waiting = this.waitingReplicas();
    if (waiting.length === 0) return;
    const rewrite = runningAofRewrite(this.server);
    if (rewrite !== null) {
      // shouldStartChildReplication: not while another child runs; checkChildrenDone
      // tries again as soon as it ends (once per rewrite, however often this is called).
      if (this.awaitedChild !== rewrite) {
        this.awaitedChild = rewrite;
        rewrite.then(() => this.startPendingSync());
      }
      return;
    }
    let maxIdle = 0;
    const now = Date.now();
    for (const c of waiting) maxIdle = Math.max(maxIdle, now - this.replicas.get(c)!.waitSince);
    if (
      !cfg.replDisklessSync || maxIdle >= cfg.replDisklessSyncDelay * 1000 ||
      (cfg.replDisklessSyncMaxReplicas > 0 && waiting.length >= cfg.replDisklessSyncMaxReplicas)
    ) {
      this.startSync(waiting);
    }
  }

  /**
   * startBgsaveForReplication: takes one point-in-time snapshot (BGSAVE's)
   * for `targets` (those with the first one's rdb-filter-only; the others
   * wait for the next) and answers each +FULLRESYNC with the offset it was
   * taken at (unless it used SYNC). The RDB follows as it is serialized: as
   * `$<len>` once complete or, diskless to replicas that all said capa eof,
   * between EOF markers slice by slice; then the stream written meanwhile.
   */
  private startSync(targets: Client[]): void {
    const server = this.server;
    const repl = server.repl;
    if (targets.length === 0) return;
    // The snapshot holds the stream made so far: the targets must not get it again.
    this.deliverStaged();
    const first = this.replicas.get(targets[0])!;
    const { excludeData, excludeFunctions } = first;
    targets = targets.filter((c) => sameFilter(this.replicas.get(c)!, first));
    targets = targets.filter((c) => !c.closed);
    if (targets.length === 0) return;
    // A filtered RDB goes to sockets whatever repl-diskless-sync says (its replicas said capa eof).
    const eof = (server.config.replDisklessSync || excludeData || excludeFunctions) &&
      targets.every((c) => this.replicas.get(c)!.capaEof);
    server.log.notice(
      `Starting BGSAVE for SYNC with target: ${eof ? "replicas sockets" : "disk"}`,
    );
    // The stream after the RDB starts with a SELECT (replicationSetupSlaveForFullResync).
    this.resetSelectedDb();
    const info = {
      replid: repl.replid,
      offset: repl.offset,
      streamDb: 0,
      excludeData,
      excludeFunctions,
    };
    const snap = fullSyncSnapshot(server, info);
    if (snap === null) {
      for (const c of targets) {
        if (!this.replicas.delete(c)) continue;
        server.log.warning("BGSAVE for replication failed");
        c.kind = "normal";
        replyAndClose(c, "ERR BGSAVE failed, replication can't continue");
      }
      return;
    }
    const job: FullSync = {
      eof,
      excludeData,
      excludeFunctions,
      replid: info.replid,
      offset: info.offset,
      mark: binaryToBytes(randomReplId()),
      targets: new Set(),
    };
    this.fullSync = job;
    for (const c of targets) {
      const peer = this.replicas.get(c)!;
      if (c.closed) continue;
      this.setupFullResync(job, c, peer, []);
      if (eof) {
        c.reply.raw(binaryToBytes("$EOF:"));
        c.reply.raw(job.mark);
        c.reply.raw(binaryToBytes("\r\n"));
        c.scheduleFlush();
      }
    }
    void this.sendSnapshot(job, snap);
  }

  /** replicationSetupSlaveForFullResync: +FULLRESYNC, and the stream held from now on. */
  private setupFullResync(job: FullSync, c: Client, peer: ReplicaPeer, held: Uint8Array[]): void {
    if (!peer.preSync) {
      this.handshakeReply(c, `+FULLRESYNC ${job.replid} ${job.offset}\r\n`);
      c.scheduleFlush();
    }
    peer.held = held;
    c.heldOutput = 0;
    for (const b of held) c.heldOutput += b.length;
    job.targets.add(c);
  }

  /**
   * syncCommand's CASE 1: a replica joins a `$len` snapshot in progress with
   * the stream another of its replicas holds; false when none is left.
   */
  private joinFullSync(job: FullSync, c: Client, peer: ReplicaPeer): boolean {
    for (const other of job.targets) {
      const held = this.replicas.get(other)?.held;
      if (other.closed || held == null) continue;
      this.setupFullResync(job, c, peer, held.slice());
      return true;
    }
    return false;
  }

  /** Serializes the snapshot in slices and hands it to its replicas, the held stream after it. */
  private async sendSnapshot(job: FullSync, snap: SlicedSnapshot): Promise<void> {
    const server = this.server;
    const live = () => {
      for (const c of job.targets) if (!c.closed && this.replicas.has(c)) return true;
      return false;
    };
    const chunks: Uint8Array[] = [];
    let len = 0;
    const sink = job.eof
      ? (chunk: Uint8Array) => {
        for (const c of job.targets) {
          if (c.closed) continue;
          c.reply.raw(chunk);
          // The RDB does not count against client-output-buffer-limit replica; the stream does.
          c.outputExempt = c.pendingOutput;
          c.scheduleFlush();
        }
      }
      : (chunk: Uint8Array) => {
        chunks.push(chunk.slice());
        len += chunk.length;
      };
    let ok = false;
    try {
      ok = await snap.run(sink, () => this.fullSync !== job || !live());
    } catch (err) {
      server.log.warning(`Can't produce the RDB for the replica: ${(err as Error).message}`);
    }
    const current = this.fullSync === job;
    if (current) this.fullSync = null;
    if (snap.killed && current) {
      this.fullSyncKilled(job);
      this.startPendingSync();
      return;
    }
    for (const c of job.targets) {
      const peer = this.replicas.get(c);
      if (peer === undefined || c.closed) continue;
      if (!ok) {
        server.log.warning("BGSAVE for replication failed");
        this.replicas.delete(c);
        c.kind = "normal";
        replyAndClose(c, "ERR BGSAVE failed, replication can't continue");
        continue;
      }
      if (job.eof) c.reply.raw(job.mark);
      else {
        c.reply.raw(binaryToBytes(`$${len}\r\n`));
        for (const chunk of chunks) c.reply.raw(chunk);
      }
      c.outputExempt = c.pendingOutput;
      const held = peer.held ?? [];
      if (peer.rdbOnly) {
        // redis-cli --rdb: the connection ends after the RDB (replicaPutOnline refuses it). After
        // an EOF-marked one Redis has usually lost the client by then, and logs nothing.
        if (!job.eof) {
          server.log.notice(
            `RDB transfer completed, rdb only replica (${
              this.replicaName(c, peer)
            }) should be disconnected asap`,
          );
        }
        peer.held = null;
        this.replicas.delete(c);
        if (c.processing) c.closeAfterReply = true;
        else c.flush().finally(() => c.close());
        continue;
      }
      if (job.eof) {
        server.log.notice(
          `Streamed RDB transfer with replica ${
            this.replicaName(c, peer)
          } succeeded (socket). Waiting for REPLCONF ACK from replica to enable streaming`,
        );
        this.putOnline(c, peer);
      } else {
        // SLAVE_STATE_SEND_BULK until the RDB is written, then online (putSlaveOnline).
        peer.state = "send_bulk";
        c.onExemptWritten = () => {
          if (!c.closed && this.replicas.get(c) === peer) this.putOnline(c, peer);
        };
      }
      // After an EOF-marked RDB the stream stays held until the replica's first ACK.
      if (!job.eof || peer.preSync) {
        peer.held = null;
        c.heldOutput = 0;
        for (const b of held) c.reply.raw(b);
      }
      c.scheduleFlush();
    }
    this.startPendingSync();
  }

  /** putSlaveOnline: the replica has its RDB; it now counts (WAIT, min-replicas, ROLE). */
  private putOnline(c: Client, peer: ReplicaPeer): void {
    peer.state = "online";
    peer.ackTime = Date.now();
    this.server.log.notice(`Synchronization with replica ${this.replicaName(c, peer)} succeeded`);
    this.refreshGoodReplicas();
  }

  /**
   * The snapshot was killed (killRDBChild: FLUSHALL, a load of our master's
   * RDB): what checkChildrenDone and updateSlavesWaitingBgsave(C_ERR) log and
   * do; the replicas it was for are dropped and sync again when they reconnect.
   */
  private fullSyncKilled(job: FullSync): void {
    const log = this.server.log;
    const up = [...job.targets].filter((c) => !c.closed && this.replicas.has(c));
    if (job.eof) {
      // The child's pipe ends before its exit is seen.
      log.notice(`Diskless rdb transfer, done reading from pipe, ${up.length} replicas still up.`);
      log.warning("Background RDB transfer terminated by signal 10");
    } else {
      log.warning("Background saving terminated by signal 10");
    }
    for (const c of up) {
      log.warning("SYNC failed. BGSAVE child returned an error");
      c.close(); // freeClientAsync: "Connection with replica ... lost." follows
    }
  }

  // -------------------------------------------------------------------------------------------
  // WAIT and min-replicas

  /** replicationCountAcksByOffset: online replicas that acknowledged `offset`. */
  countAcks(offset: number): number {
    let n = 0;
    for (const peer of this.replicas.values()) {
      if (peer.state === "online" && peer.ackOffset >= offset) n++;
    }
    return n;
  }

  /** replicationCountAOFAcksByOffset: online replicas whose AOF fsynced `offset`. */
  countAofAcks(offset: number): number {
    let n = 0;
    for (const peer of this.replicas.values()) {
      if (peer.state === "online" && peer.aofOffset >= offset) n++;
    }
    return n;
  }

  /**
   * WAIT numreplicas timeout: replies the replicas that acknowledged the
   * client's last write, at once when enough did (or the client cannot block),
   * else blocks until they do or `deadline` (0 = never) passes.
   */
  wait(c: Client, numreplicas: number, deadline: number): void {
    const offset = c.woff;
    const acks = this.countAcks(offset);
    if (acks >= numreplicas || !this.server.blocking.canBlock(c)) {
      c.reply.integer(acks);
      return;
    }
    this.blockForAcks(c, { offset, numreplicas, numlocal: null }, deadline);
  }

  /**
   * WAITAOF numlocal numreplicas timeout (checked by the command): replies
   * [local AOF fsynced, replicas whose AOF fsynced] for the client's last
   * write, at once when enough did (or the client cannot block), else blocks
   * like WAIT.
   */
  waitAof(c: Client, numlocal: number, numreplicas: number, deadline: number): void {
    const offset = c.woff;
    const acks = this.countAofAcks(offset);
    const local = this.server.repl.fsyncedReploff >= offset ? 1 : 0;
    if ((acks >= numreplicas && local >= numlocal) || !this.server.blocking.canBlock(c)) {
      c.reply.array(2);
      c.reply.integer(local);
      c.reply.integer(acks);
      return;
    }
    this.blockForAcks(c, { offset, numreplicas, numlocal }, deadline);
  }

  /** blockForReplication / blockForAofFsync; replied by the timeout or serveWaiters. */
  private blockForAcks(c: Client, w: Waiter, deadline: number): void {
    this.waiters.set(c, w);
    this.server.blocking.block(c, [], "string", deadline, (cl) => {
      const w = this.waiters.get(cl);
      this.waiters.delete(cl);
      if (w === undefined) return cl.reply.integer(0);
      if (w.numlocal === null) return cl.reply.integer(this.countAcks(w.offset));
      if (w.numlocal > 0 && !this.server.config.appendonly) {
        return cl.reply.error(WAITAOF_NO_AOF);
      }
      cl.reply.array(2);
      cl.reply.integer(this.server.repl.fsyncedReploff >= w.offset ? 1 : 0);
      cl.reply.integer(this.countAofAcks(w.offset));
    });
    this.requestAcks();
  }

  /**
   * replicationRequestAckFromSlaves: REPLCONF GETACK * goes into the stream
   * once per batch; while clients are paused (PAUSE_ACTION_REPLICA) it waits
   * for the pause to end, the stream must not move.
   */
  requestAcks(): void {
    if (this.getackPending) return;
    this.getackPending = true;
    const send = () => {
      if (this.server.pause !== null) {
        this.server.waitForUnpause().then(send);
        return;
      }
      this.getackPending = false;
      this.sendGetack();
    };
    queueMicrotask(send);
  }

  /** sendGetackToReplicas: REPLCONF GETACK * into the stream now. */
  sendGetack(): void {
    const repl = this.server.repl;
    if (this.server.isReplica()) return;
    if (repl.backlog === null && this.replicas.size === 0) {
      // replicationFeedSlaves without a backlog: the offset still moves (WAITAOF tracks it).
      repl.offset += 1;
      return;
    }
    this.feedCommand(GETACK);
    this.flushStream(); // the ACKs are awaited: no flush interval
  }

  /**
   * processClientsWaitingReplicas: replies to the WAITs and WAITAOFs now
   * satisfied, and fails the WAITAOFs for a local fsync once the AOF is off.
   */
  private serveWaiters(): void {
    const fsynced = this.server.repl.fsyncedReploff;
    const aofOn = this.server.config.appendonly;
    for (const [c, w] of [...this.waiters]) {
      if (c.blocked === null) {
        this.waiters.delete(c); // released otherwise (a role change)
        continue;
      }
      const done = w.numlocal === null
        ? this.countAcks(w.offset) >= w.numreplicas
        : (w.numlocal > 0 && !aofOn) ||
          ((fsynced >= w.offset ? 1 : 0) >= w.numlocal &&
            this.countAofAcks(w.offset) >= w.numreplicas);
      if (done) this.server.blocking.unblock(c, "timeout");
    }
  }

  /** refreshGoodSlavesCount: online replicas whose last ACK is within min-replicas-max-lag. */
  refreshGoodReplicas(): void {
    const cfg = this.server.config;
    const repl = this.server.repl;
    if (cfg.minReplicasToWrite === 0 || cfg.minReplicasMaxLag === 0) {
      repl.goodReplicas = 0;
      return;
    }
    const now = Date.now();
    let good = 0;
    for (const peer of this.replicas.values()) {
      const lag = Math.floor((now - peer.ackTime) / 1000);
      if (peer.state === "online" && lag <= cfg.minReplicasMaxLag) good++;
    }
    repl.goodReplicas = good;
  }

  // -------------------------------------------------------------------------------------------
  // FAILOVER

  /** findReplica: the attached replica announced as `host`:`port`. */
  findReplica(host: string, port: number): [Client, ReplicaPeer] | null {
    for (const [c, peer] of this.replicas) {
      const ip = peer.ipAddress || hostOf(c.addr);
      if (ip.toLowerCase() === host.toLowerCase() && peer.listeningPort === port) return [c, peer];
    }
    return null;
  }

  /**
   * FAILOVER (checked by the command): pauses writes until the target (or any
   * replica) acknowledged the whole stream, then becomes its replica with
   * PSYNC ... FAILOVER, which promotes it.
   */
  startFailover(host: string | null, port: number, timeoutMs: number, force: boolean): void {
    const log = this.server.log;
    if (host !== null) log.notice(`FAILOVER requested to ${host}:${port}.`);
    else log.notice("FAILOVER requested to any replica.");
    this.failoverHost = host;
    this.failoverPort = port;
    this.failoverEnd = timeoutMs > 0 ? Date.now() + timeoutMs : 0;
    this.failoverForce = force;
    this.failoverState = "waiting-for-sync";
    this.server.pauseActions("failover", Infinity, "write");
    this.requestAcks();
    this.ensureCron();
  }

  /** updateFailoverStatus: fails over once the target caught up, or gives up at the timeout. */
  updateFailoverStatus(): void {
    if (this.failoverState !== "waiting-for-sync") return;
    const server = this.server;
    const offset = server.repl.offset;
    if (this.failoverEnd !== 0 && this.failoverEnd <= Date.now()) {
      if (this.failoverForce && this.failoverHost !== null) {
        server.log.notice(
          `FAILOVER to ${this.failoverHost}:${this.failoverPort} time out exceeded, failing over.`,
        );
        this.failoverState = "failover-in-progress";
        setMaster(server, this.failoverHost, this.failoverPort, null, true);
      } else {
        this.abortFailover("Replica never caught up before timeout");
      }
      return;
    }
    let synced = false;
    if (this.failoverHost !== null) {
      synced = this.findReplica(this.failoverHost, this.failoverPort)?.[1].ackOffset === offset;
    } else {
      for (const [c, peer] of this.replicas) {
        if (peer.ackOffset !== offset) continue;
        this.failoverHost = peer.ipAddress || hostOf(c.addr);
        this.failoverPort = peer.listeningPort;
        synced = true;
        break;
      }
    }
    if (!synced) return;
    this.failoverState = "failover-in-progress";
    server.log.notice(
      `Failover target ${this.failoverHost}:${this.failoverPort} is synced, failing over.`,
    );
    setMaster(server, this.failoverHost!, this.failoverPort, null, true);
  }

  /** clearFailoverState: the failover is over; writes resume. */
  clearFailoverState(): void {
    this.failoverEnd = 0;
    this.failoverForce = false;
    this.failoverHost = null;
    this.failoverPort = 0;
    this.failoverState = "no-failover";
    this.server.unpauseActions("failover");
  }

  /** abortFailover: back to the state before FAILOVER (a master again if already switching). */
  abortFailover(err: string): void {
    if (this.failoverState === "no-failover") return;
    const target = this.failoverHost !== null
      ? `${this.failoverHost}:${this.failoverPort}`
      : "any replica";
    this.server.log.notice(`FAILOVER to ${target} aborted: ${err}`);
    if (this.failoverState === "failover-in-progress") unsetMaster(this.server, null);
    this.clearFailoverState();
  }

  // -------------------------------------------------------------------------------------------
  // Cron

  /** Runs replicationCron once a second while there are replicas, a backlog or a link. */
  ensureCron(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.replicationCron(), 1000);
  }

  /** replicationCron. */
  private replicationCron(): void {
    const server = this.server;
    const cfg = server.config;
    const now = Date.now();
    this.cronLoops++;
    this.link?.cron();
    if (!server.isReplica()) {
      // No PING while clients are paused (PAUSE_ACTION_REPLICA): the offset holds still.
      if (
        this.replicas.size > 0 && this.cronLoops % cfg.replPingReplicaPeriod === 0 &&
        server.pause === null
      ) {
        this.feedCommand(PING);
      }
      // Replicas waiting for their RDB get newlines so they do not time out.
      for (const [c, peer] of this.replicas) {
        if (peer.state === "wait_bgsave" && !(this.fullSync?.eof && this.fullSync.targets.has(c))) {
          this.handshakeReply(c, "\n");
          c.scheduleFlush();
        }
      }
    }
    for (const [c, peer] of [...this.replicas]) {
      // clientsCron: a soft limit passed long enough ago cuts a replica no new byte reached.
      if (c.closeOnOutputBufferLimit(false)) continue;
      if (peer.state !== "online" || peer.preSync) continue;
      // In whole seconds, as Redis's unixtime: an ACK a second keeps repl-timeout 1 alive.
      if (unixSeconds(now) - unixSeconds(peer.ackTime) > cfg.replTimeout) {
        server.log.warning(
          `Disconnecting timedout replica (streaming sync): ${this.replicaName(c, peer)}`,
        );
        c.close();
      }
    }
    if (
      !server.isReplica() && this.replicas.size === 0 && cfg.replBacklogTtl > 0 &&
      server.repl.backlog !== null && now - this.noReplicasSince > cfg.replBacklogTtl * 1000
    ) {
      this.newReplicationHistory();
      this.freeBacklog();
      server.log.notice(
        `Replication backlog freed after ${cfg.replBacklogTtl} seconds without connected replicas.`,
      );
    }
    this.startPendingSync();
    this.updateFailoverStatus();
    this.refreshGoodReplicas();
    if (server.repl.backlog !== null && server.repl.backlog.size !== cfg.replBacklogSize) {
      this.deliverStaged();
      server.repl.backlog.resize(cfg.replBacklogSize);
    }
    if (
      this.replicas.size === 0 && server.repl.backlog === null && this.link === null &&
      this.failoverState === "no-failover"
    ) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  // -------------------------------------------------------------------------------------------
  // Subsystem hooks

  clientFreed(c: Client): void {
    this.waiters.delete(c);
    const peer = this.replicas.get(c);
    if (peer === undefined) return;
    this.replicas.delete(c);
    this.server.log.notice(`Connection with replica ${this.replicaName(c, peer)} lost.`);
    if (this.replicas.size === 0) this.noReplicasSince = Date.now();
    this.refreshGoodReplicas();
  }

  /** The staged stream into the backlog and the replicas' output (omem, backlog histlen). */
  settleOutput(): void {
    this.deliverStaged();
  }

  info(section: string, fields: InfoField[]): void {
    if (section === "replication") {
      fields.length = 0;
      fields.push(...this.infoFields());
    } else if (section === "stats") {
      setField(fields, "sync_full", this.syncFull);
      setField(fields, "sync_partial_ok", this.syncPartialOk);
      setField(fields, "sync_partial_err", this.syncPartialErr);
    } else if (section === "memory") {
      setField(fields, "mem_replication_backlog", this.server.repl.backlog?.memory ?? 0);
      setField(fields, "mem_clients_slaves", this.replicasMemory());
    }
  }

  /**
   * INFO's mem_clients_slaves as Redis 7 counts it: the backlog and the
   * replicas share one replication buffer, and only what it holds beyond
   * repl-backlog-size is the replicas' (0 without replicas). It spans the
   * oldest byte anyone still needs, so it is the longest of the backlog's
   * history and each replica's unsent (or held) stream.
   */
  private replicasMemory(): number {
    if (this.replicas.size === 0) return 0;
    let mem = this.server.repl.backlog?.histlen ?? 0;
    for (const c of this.replicas.keys()) mem = Math.max(mem, c.outputBufferMemory);
    const size = this.server.config.replBacklogSize;
    return mem > size ? mem - size : 0;
  }

  /** INFO replication, as Redis 7.2's genRedisInfoString prints it. */
  private infoFields(): InfoField[] {
    const server = this.server;
    const repl = server.repl;
    const cfg = server.config;
    const fields: InfoField[] = [["role", server.isReplica() ? "slave" : "master"]];
    if (server.isReplica()) fields.push(...(this.link?.infoFields() ?? []));
    fields.push(["connected_slaves", this.replicas.size]);
    if (cfg.minReplicasToWrite > 0 && cfg.minReplicasMaxLag > 0) {
      fields.push(["min_slaves_good_slaves", repl.goodReplicas]);
    }
    let i = 0;
    const now = Date.now();
    for (const [c, peer] of this.replicas) {
      // Only an online replica acknowledges: the others' lag is 0.
      const lag = peer.state === "online" ? Math.floor((now - peer.ackTime) / 1000) : 0;
      fields.push([
        `slave${i++}`,
        `ip=${peer.ipAddress || hostOf(c.addr)},port=${peer.listeningPort},state=${peer.state},` +
        `offset=${peer.ackOffset},lag=${lag}`,
      ]);
    }
    const backlog = repl.backlog;
    fields.push(
      ["master_failover_state", this.failoverState],
      ["master_replid", repl.replid],
      ["master_replid2", repl.replid2],
      ["master_repl_offset", repl.offset],
      ["second_repl_offset", repl.secondReplidOffset],
      ["repl_backlog_active", backlog !== null ? 1 : 0],
      ["repl_backlog_size", cfg.replBacklogSize],
      ["repl_backlog_first_byte_offset", backlog?.firstByteOffset ?? 0],
      ["repl_backlog_histlen", backlog?.histlen ?? 0],
    );
    return fields;
  }

  /** ROLE's reply for a master: offset and the online replicas. */
  roleReplicas(): [ip: string, port: number, offset: number][] {
    const out: [string, number, number][] = [];
    for (const [c, peer] of this.replicas) {
      if (peer.state !== "online") continue;
      out.push([peer.ipAddress || hostOf(c.addr), peer.listeningPort, peer.ackOffset]);
    }
    return out;
  }

  async close(): Promise<void> {
    this.fullSync = null; // its snapshot stops at the next slice
    clearTimeout(this.streamTimer);
    this.streamTimer = undefined;
    clearInterval(this.timer);
    this.timer = undefined;
    await this.link?.stop();
    this.link = null;
  }
}

/** WAITAOF's error when it asks for a local fsync and appendonly is off. */
export const WAITAOF_NO_AOF =
  "ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.";

/** Digits of a non-negative integer in decimal. */
function decimalLength(n: number): number {
  if (n < 10) return 1;
  if (n < 100) return 2;
  if (n < 1000) return 3;
  if (n < 10000) return 4;
  return String(n).length;
}

/** Writes `<prefix><n>\r\n` at `p`; returns the position after it. */
function writeLengthLine(buf: Uint8Array, p: number, prefix: number, n: number): number {
  buf[p++] = prefix;
  // Argument counts and lengths are mostly one or two digits: no division loop for them.
  if (n < 10) buf[p++] = 48 + n;
  else if (n < 100) {
    const tens = (n / 10) | 0;
    buf[p++] = 48 + tens;
    buf[p++] = 48 + n - tens * 10;
  } else {
    const end = p + decimalLength(n);
    for (let q = end - 1; q >= p; q--) {
      buf[q] = 48 + (n % 10);
      n = Math.floor(n / 10);
    }
    p = end;
  }
  buf[p] = 13;
  buf[p + 1] = 10;
  return p + 2;
}

function unixSeconds(ms: number): number {
  return Math.floor(ms / 1000);
}

function setField(fields: InfoField[], name: string, value: number): void {
  const f = fields.find((x) => x[0] === name);
  if (f) f[1] = value;
}

/** The host part of "ip:port" or "[ipv6]:port". */
function hostOf(addr: string): string {
  const i = addr.lastIndexOf(":");
  const host = i === -1 ? addr : addr.slice(0, i);
  return host.startsWith("[") ? host.slice(1, -1) : host;
}

/** Replies an error and closes the client once it is written (CLIENT_CLOSE_AFTER_REPLY). */
function replyAndClose(c: Client, msg: string): void {
  c.reply.error(msg);
  if (c.processing) c.closeAfterReply = true;
  else c.flush().finally(() => c.close());
}
