/**
 * Replication, replica side (Redis's syncWithMaster / readSyncBulkPayload /
 * the master client): a task that connects to the master, runs the handshake
 * one command at a time in Redis's order (PING, AUTH, REPLCONF listening-port,
 * REPLCONF ip-address, REPLCONF capa eof capa psync2, PSYNC), receives the RDB
 * of a full resync (`$<len>` or EOF-marked), then runs the command stream
 * through the executor as the master client, silently. The offset counts every
 * byte applied; the applied bytes go on unchanged to our own backlog and
 * replicas. A failed connect or handshake is tried again a second later (at
 * once when repl-timeout or an I/O error cancelled the handshake or the
 * transfer); a link that was up and is lost (I/O error, repl-timeout, CLIENT
 * KILL of the master client) reconnects at once, as Redis 7's
 * replicationHandleMasterDisconnection. Each attempt tries PSYNC with the
 * replication id and offset it has. With appendonly yes the AOF is
 * stopped before a full sync's load and rewritten from the loaded dataset after.
 */

import { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { processCommand } from "../server/executor.ts";
import { type ParserLimits, ProtocolError, RequestParser } from "../resp/parser.ts";
import type { CommandArgs } from "../resp/arg_block.ts";
import type { InfoField } from "../server/subsystem.ts";
import { binaryToBytes, bytesToBinary } from "../util/bytes.ts";
import type { Replication } from "./master.ts";
import {
  killRdbChildBeforeLoad,
  loadSyncPayload,
  restartAofAfterSync,
  stopAofForSync,
} from "./sync_payload.ts";

/** ROLE's and Redis's repl_state names for the link. */
export type LinkState = "connect" | "connecting" | "handshake" | "sync" | "connected";

const RETRY_MS = 1000;

/** Encodes a command as RESP. */
function command(args: (string | Uint8Array)[]): Uint8Array {
  let head = `*${args.length}\r\n`;
  const parts: Uint8Array[] = [];
  for (const a of args) {
    const b = typeof a === "string" ? binaryToBytes(a) : a;
    head += `$${b.length}\r\n`;
    parts.push(binaryToBytes(head), b);
    head = "\r\n";
  }
  parts.push(binaryToBytes(head));
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  n = 0;
  for (const p of parts) {
    out.set(p, n);
    n += p.length;
  }
  return out;
}

/** Buffered reads off the link during the handshake and the RDB transfer. */
class LinkReader {
  private buf = new Uint8Array(16 * 1024);
  private start = 0;
  private end = 0;
  /** Told the bytes consumed from now on (the RDB transfer counts as replication input). */
  counted: ((n: number) => void) | null = null;

  constructor(private readonly conn: Deno.Conn, private readonly onRead: (n: number) => void) {}

  private async fill(): Promise<void> {
    if (this.start > 0 && this.start === this.end) this.start = this.end = 0;
    if (this.end === this.buf.length) {
      const used = this.end - this.start;
      const next = new Uint8Array(
        used * 2 > this.buf.length ? this.buf.length * 2 : this.buf.length,
      );
      next.set(this.buf.subarray(this.start, this.end));
      this.buf = next;
      this.start = 0;
      this.end = used;
    }
    const n = await this.conn.read(this.buf.subarray(this.end));
    if (n === null) throw new Error("connection closed by the master");
    this.end += n;
    this.onRead(n);
  }

  /** One line without its CRLF (binary string). */
  async line(): Promise<string> {
    while (true) {
      const i = this.buf.subarray(this.start, this.end).indexOf(10);
      if (i !== -1) {
        let stop = this.start + i;
        if (stop > this.start && this.buf[stop - 1] === 13) stop--;
        const s = bytesToBinary(this.buf.subarray(this.start, stop));
        this.start += i + 1;
        this.counted?.(i + 1);
        return s;
      }
      await this.fill();
    }
  }

  /** Exactly `n` bytes. */
  async exact(n: number, progress: (got: number) => void): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      if (this.start === this.end) await this.fill();
      const k = Math.min(n - got, this.end - this.start);
      out.set(this.buf.subarray(this.start, this.start + k), got);
      this.start += k;
      got += k;
      this.counted?.(k);
      progress(got);
    }
    return out;
  }

  /** Bytes up to the EOF marker `mark` (the marker is consumed, not returned). */
  async untilMark(mark: Uint8Array, progress: (got: number) => void): Promise<Uint8Array> {
    let acc = new Uint8Array(64 * 1024);
    let len = 0;
    while (true) {
      if (this.start === this.end) await this.fill();
      const data = this.buf.subarray(this.start, this.end);
      if (len + data.length > acc.length) {
        const next = new Uint8Array(Math.max(acc.length * 2, len + data.length));
        next.set(acc.subarray(0, len));
        acc = next;
      }
      acc.set(data, len);
      const from = Math.max(0, len - mark.length + 1);
      len += data.length;
      this.start = this.end;
      this.counted?.(data.length);
      const at = indexOf(acc.subarray(0, len), mark, from);
      if (at !== -1) {
        // What follows the marker is already the stream: it stays in the reader.
        this.buf = acc.slice(at + mark.length, len);
        this.start = 0;
        this.end = this.buf.length;
        this.counted?.(-this.end);
        progress(at);
        return acc.subarray(0, at);
      }
      progress(len);
    }
  }

  /** What was read past the last consumed byte (the start of the stream). */
  rest(): Uint8Array {
    return this.buf.slice(this.start, this.end);
  }
}

/** First index of `needle` in `hay` at or after `from`, or -1. */
function indexOf(hay: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0];
  let i = hay.indexOf(first, from);
  while (i !== -1 && i + needle.length <= hay.length) {
    let k = 1;
    while (k < needle.length && hay[i + k] === needle[k]) k++;
    if (k === needle.length) return i;
    i = hay.indexOf(first, i + 1);
  }
  return -1;
}

/** Why the link connects: the first try (or a retry a second later), a retry at once, or after it was lost. */
type Attempt = "connect" | "retry" | "lost";

/**
 * The master client. Closing it (CLIENT KILL, a protocol error) drops the link at once,
 * as freeClient(server.master) does, and the link reconnects.
 */
class MasterClient extends Client {
  constructor(server: Server, private readonly link: ReplicaLink) {
    super(server, null);
  }

  override close(): void {
    if (this.closed) return;
    super.close();
    this.link.closeConn();
  }
}

/** The link to our master. */
export class ReplicaLink {
  state: LinkState = "connect";
  /** The master client: runs the stream (CLIENT LIST flag M). */
  master: Client | null = null;
  /** Unix ms of the last byte from the master (master_last_io_seconds_ago). */
  private lastIo = 0;
  /**
   * Stream offset up to which bytes were read, applied or not (slave_read_repl_offset);
   * a cached master's is its applied offset (replicationCacheMaster, and
   * replicationCacheMasterUsingMyself for a former master).
   */
  private readOffset: number;
  /** RDB transfer progress (master_sync_*). */
  private syncTotal = -1;
  private syncRead = 0;
  /** The cron closed the link for repl-timeout (its own log line said why). */
  private timedOut = false;
  /**
   * cancelReplicationHandshake(reconnect): the cron gave up connecting, the
   * handshake or the RDB transfer; the next attempt starts at once.
   */
  private reconnectNow = false;
  /** The link was up and is lost: reconnect at once (replicationHandleMasterDisconnection). */
  private lost = false;
  /** Aborts the TCP connect in progress (repl-timeout, stop). */
  private connecting: AbortController | null = null;
  /** A replication id and offset to PSYNC with (Redis's cached master). */
  private cached: boolean;
  /** The db the master client had selected, kept across a partial resync. */
  private masterDb = 0;
  private conn: Deno.TcpConn | null = null;
  private stopped = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private wake: (() => void) | null = null;
  private running: Promise<void> | null = null;
  private ackChain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly repl: Replication,
    readonly host: string,
    readonly port: number,
    cached: boolean,
  ) {
    this.cached = cached;
    this.readOffset = repl.server.repl.offset;
  }

  /** Starts the connect / sync / stream loop. */
  start(): void {
    this.running ??= this.run();
  }

  /** Ends the link (REPLICAOF NO ONE, another master, shutdown). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.connecting?.abort();
    clearTimeout(this.retryTimer);
    this.wake?.();
    this.linkDown();
    await this.running;
  }

  /** True when a partial resync can be asked for (a cached master exists). */
  get hasCachedMaster(): boolean {
    return this.cached;
  }

  /**
   * The stream db an RDB file save records (rdbPopulateSaveInfo): the master
   * client's, or the cached master's; null without either.
   */
  savedStreamDb(): number | null {
    if (this.master !== null) return this.master.db.id;
    return this.cached ? this.masterDb : null;
  }

  /**
   * replicationCacheMasterUsingMyself, for the replication id and offset an RDB
   * file recorded (start-up, before the link starts): PSYNC asks to continue
   * from them, in stream db `db`.
   */
  cacheMasterUsingMyself(db: number): void {
    this.cached = true;
    this.masterDb = db;
    this.readOffset = this.repl.server.repl.offset;
    this.repl.server.log.notice(
      "Before turning into a replica, using my own master parameters to synthesize a cached master: I may be able to synchronize with the new master with just a partial transfer.",
    );
  }

  /** Closes the TCP connection: the stream loop ends and the link goes down. */
  closeConn(): void {
    try {
      this.conn?.close();
    } catch { /* already closed */ }
    this.conn = null;
  }

  private async run(): Promise<void> {
    const server = this.repl.server;
    let attempt: Attempt = "connect";
    while (!this.stopped) {
      this.timedOut = false;
      this.reconnectNow = false;
      this.lost = false;
      try {
        await this.connectAndSync(attempt);
      } catch (e) {
        if (!this.stopped && !this.timedOut) server.log.warning((e as Error).message);
      }
      this.linkDown();
      if (this.stopped) break;
      attempt = this.lost ? "lost" : this.reconnectNow ? "retry" : "connect";
      if (attempt !== "connect") continue;
      await new Promise<void>((r) => {
        this.wake = r;
        this.retryTimer = setTimeout(r, RETRY_MS);
      });
      this.wake = null;
    }
    this.linkDown();
  }

  /** The link is lost: the master client goes, its state stays cached for PSYNC. */
  private linkDown(): void {
    const server = this.repl.server;
    this.closeConn();
    if (this.state === "connected") {
      server.log.warning("Connection with master lost.");
      server.log.notice("Caching the disconnected master state.");
      server.repl.linkDownSince = Date.now();
      // Bytes read past the last applied command are dropped with the query buffer.
      this.readOffset = server.repl.offset;
      if (!this.stopped) {
        server.log.notice(`Reconnecting to MASTER ${this.host}:${this.port}`);
        this.lost = true;
      }
    }
    if (this.master !== null) {
      this.masterDb = this.master.db.id;
      const m = this.master;
      this.master = null;
      server.freeClient(m);
    }
    this.state = "connect";
    // A link being replaced must not mark its successor's link down.
    if (this.repl.link === this || this.repl.link === null) server.repl.linkStatus = "down";
    this.syncTotal = -1;
  }

  private async send(args: (string | Uint8Array)[]): Promise<void> {
    const data = command(args);
    let off = 0;
    while (off < data.length) off += await this.conn!.write(data.subarray(off));
  }

  /** One handshake step: sends `args`, returns the reply line (newlines before it skipped). */
  private async ask(reader: LinkReader, args: (string | Uint8Array)[]): Promise<string> {
    await this.send(args);
    let line: string;
    do line = await reader.line(); while (line === "");
    return line;
  }

  /**
   * connectWithMaster and syncWithMaster: the TCP connect (given up by the
   * cron after repl-timeout), the handshake, then a full or partial resync.
   * `attempt` says why it starts (for the log line).
   */
  private async connectAndSync(attempt: Attempt): Promise<void> {
    const server = this.repl.server;
    const cfg = server.config;
    const log = server.log;
    if (attempt === "retry") {
      log.notice(`Reconnecting to MASTER ${this.host}:${this.port} after failure`);
    } else if (attempt === "connect") {
      log.notice(`Connecting to MASTER ${this.host}:${this.port}`);
    } // "lost": linkDown logged the reconnection
    this.state = "connecting";
    this.lastIo = Date.now();
    // The connect is under way (non-blocking in Redis): the sync counts as started.
    log.notice("MASTER <-> REPLICA sync started");
    const connecting = new AbortController();
    this.connecting = connecting;
    try {
      this.conn = await Deno.connect({
        hostname: this.host,
        port: this.port,
        signal: connecting.signal,
      });
    } catch (e) {
      if (connecting.signal.aborted) return; // timed out (logged by the cron) or stopped
      throw new Error(`Error condition on socket for SYNC: ${(e as Error).message}`);
    } finally {
      this.connecting = null;
    }
    if (this.stopped) return;
    log.notice("Non blocking connect for SYNC fired the event.");
    this.state = "handshake";
    const reader = new LinkReader(this.conn, () => {
      this.lastIo = Date.now();
    });
    const pong = await this.ask(reader, ["PING"]);
    if (
      pong.startsWith("-") && !pong.startsWith("-NOAUTH") && !pong.startsWith("-NOPERM") &&
      !pong.startsWith("-ERR operation not permitted")
    ) {
      throw new Error(`Error reply to PING from master: '${pong}'`);
    }
    log.notice("Master replied to PING, replication can continue...");
    if (cfg.masterauth) {
      const args = cfg.masteruser
        ? ["AUTH", cfg.masteruser, cfg.masterauth]
        : ["AUTH", cfg.masterauth];
      const r = await this.ask(reader, args);
      if (r.startsWith("-")) throw new Error(`Unable to AUTH to MASTER: ${r}`);
    }
    const port = cfg.replicaAnnouncePort || server.port;
    let r = await this.ask(reader, ["REPLCONF", "listening-port", String(port)]);
    if (r.startsWith("-")) {
      log.notice(`(Non critical) Master does not understand REPLCONF listening-port: ${r}`);
    }
    if (cfg.replicaAnnounceIp) {
      r = await this.ask(reader, ["REPLCONF", "ip-address", cfg.replicaAnnounceIp]);
      if (r.startsWith("-")) {
        log.notice(`(Non critical) Master does not understand REPLCONF ip-address: ${r}`);
      }
    }
    r = await this.ask(reader, ["REPLCONF", "capa", "eof", "capa", "psync2"]);
    if (r.startsWith("-")) {
      log.notice(`(Non critical) Master does not understand REPLCONF capa: ${r}`);
    }
    const repl = server.repl;
    let psync: [string, string];
    if (this.cached) {
      psync = [repl.replid, String(repl.offset + 1)];
      log.notice(`Trying a partial resynchronization (request ${psync[0]}:${psync[1]}).`);
    } else {
      psync = ["?", "-1"];
      log.notice("Partial resynchronization not possible (no cached master)");
    }
    // A master failing over to this master asks it to take over (PSYNC ... FAILOVER).
    const failover = this.repl.failoverState === "failover-in-progress";
    const reply = await this.ask(reader, ["PSYNC", ...psync, ...(failover ? ["FAILOVER"] : [])]);
    if (failover) {
      if (reply.startsWith("+FULLRESYNC") || reply.startsWith("+CONTINUE")) {
        this.repl.clearFailoverState();
      } else {
        this.repl.abortFailover("Failover target rejected psync request");
        throw new Error(`Unexpected reply to PSYNC from master: ${reply}`);
      }
    }
    if (reply.startsWith("+FULLRESYNC")) {
      const [, replid, offset] = reply.split(" ");
      if (replid === undefined || replid.length !== 40 || !/^\d+$/.test(offset ?? "")) {
        throw new Error("Master replied with wrong +FULLRESYNC syntax.");
      }
      log.notice(`Full resync from master: ${replid}:${offset}`);
      await this.fullSync(reader, replid, Number(offset));
    } else if (reply.startsWith("+CONTINUE")) {
      const id = reply.slice(10).trim();
      log.notice("Successful partial resynchronization with master.");
      if (id.length === 40 && id !== repl.replid) {
        log.notice(`Master replication ID changed to ${id}`);
        repl.replid2 = repl.replid;
        repl.secondReplidOffset = repl.offset + 1;
        repl.replid = id;
        this.repl.disconnectReplicas();
      }
      log.notice("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.");
      // Restarted from an RDB file's replication id and offset: no backlog yet.
      this.repl.createBacklog();
      this.readOffset = repl.offset;
      this.attachMaster(this.masterDb);
    } else if (reply.startsWith("-NOMASTERLINK") || reply.startsWith("-LOADING")) {
      throw new Error(`Master is currently unable to PSYNC but should be in the future: ${reply}`);
    } else {
      throw new Error(`Unexpected reply to PSYNC from master: ${reply}`);
    }
    await this.stream(reader.rest());
  }

  /** readSyncBulkPayload: receives the RDB, empties the dataset and loads it. */
  private async fullSync(reader: LinkReader, replid: string, offset: number): Promise<void> {
    const server = this.repl.server;
    const log = server.log;
    this.state = "sync";
    this.syncRead = 0;
    this.lastIo = Date.now();
    // readSyncBulkPayload counts from the bulk length line on (the handshake does not count).
    const stats = server.stats;
    reader.counted = (n) => stats.netReplInputBytes += n;
    let header: string;
    do header = await reader.line(); while (header === "");
    if (header.startsWith("-")) {
      throw new Error(`MASTER aborted replication with an error: ${header.slice(1)}`);
    }
    if (!header.startsWith("$")) {
      throw new Error(
        `Bad protocol from MASTER, the first byte is not '$' (we received '${header}'), are you sure the host and port are right?`,
      );
    }
    const progress = (got: number) => {
      this.syncRead = got;
    };
    let rdb: Uint8Array;
    const usemark = header.startsWith("$EOF:") && header.length === 45;
    let len = 0;
    if (usemark) {
      log.notice("MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk");
      this.syncTotal = 0;
    } else {
      len = Number(header.slice(1));
      if (!Number.isSafeInteger(len) || len < 0) {
        throw new Error(`Bad RDB length from MASTER: ${header}`);
      }
      log.notice(`MASTER <-> REPLICA sync: receiving ${len} bytes from master to disk`);
      this.syncTotal = len;
    }
    try {
      rdb = usemark
        ? await reader.untilMark(binaryToBytes(header.slice(5)), progress)
        : await reader.exact(len, progress);
    } catch (e) {
      if (this.stopped || this.timedOut) throw e;
      // cancelReplicationHandshake(1): the next attempt starts at once.
      this.reconnectNow = true;
      throw new Error("I/O error trying to sync with MASTER: connection lost");
    }
    if (this.stopped) return;
    // The AOF described the dataset about to be replaced: it restarts once the new one is loaded.
    stopAofForSync(server);
    killRdbChildBeforeLoad(server);
    // replicationAttachToNewMaster: our replicas and backlog belong to the old history.
    this.cached = false;
    this.repl.disconnectReplicas();
    this.repl.freeBacklog();
    log.notice("MASTER <-> REPLICA sync: Flushing old data");
    server.emptyData();
    log.notice("MASTER <-> REPLICA sync: Loading DB in memory");
    if (!loadSyncPayload(server, rdb)) {
      throw new Error(
        "Failed trying to load the MASTER synchronization DB from socket, check server logs.",
      );
    }
    const repl = server.repl;
    repl.replid = replid;
    repl.offset = offset;
    repl.replid2 = "0".repeat(40);
    repl.secondReplidOffset = -1;
    this.repl.createBacklog();
    this.repl.updateListening();
    this.readOffset = offset;
    this.attachMaster(0);
    log.notice("MASTER <-> REPLICA sync: Finished with success");
    if (usemark) this.sendAck(); // the master starts the stream on this first ACK
    restartAofAfterSync(server);
  }

  /** replicationCreateMasterClient: the client the stream runs as; the link is up. */
  private attachMaster(dbid: number): void {
    const server = this.repl.server;
    const c = new MasterClient(server, this);
    c.kind = "master";
    c.authenticated = true;
    // No ACL user: the master's commands are not checked (CLIENT LIST shows Redis's name for that).
    c.user = "(superuser)";
    c.addr = `${this.host.includes(":") ? `[${this.host}]` : this.host}:${this.port}`;
    const local = this.conn?.localAddr as Deno.NetAddr | undefined;
    if (local) c.laddr = `${local.hostname}:${local.port}`;
    c.db = server.keyspace.dbs[dbid] ?? server.keyspace.dbs[0];
    server.clients.set(c.id, c);
    this.master = c;
    this.cached = true;
    this.state = "connected";
    server.repl.linkStatus = "up";
    server.repl.linkDownSince = 0;
    this.syncTotal = -1;
  }

  /** Runs the command stream until the link drops. */
  private async stream(first: Uint8Array): Promise<void> {
    const server = this.repl.server;
    const conn = this.conn!;
    const parser = new RequestParser();
    const limits: ParserLimits = {
      protoMaxBulkLen: 0,
      queryBufferLimit: 0,
      authRequired: false,
      isMaster: true,
    };
    let counted = 0;
    // A transaction's bytes count, and go on, only once its EXEC ran (as in commandProcessed).
    let tx: Uint8Array[] = [];
    let pendingFirst: Uint8Array | null = first.length > 0 ? first : null;
    while (!this.stopped && this.master !== null && !this.master.closed) {
      const region = parser.writable(limits);
      let n: number;
      if (pendingFirst !== null) {
        n = Math.min(region.length, pendingFirst.length);
        region.set(pendingFirst.subarray(0, n));
        pendingFirst = n === pendingFirst.length ? null : pendingFirst.subarray(n);
      } else {
        let r: number | null;
        try {
          r = await conn.read(region);
        } catch {
          return;
        }
        if (r === null) return;
        n = r;
        this.lastIo = Date.now();
      }
      parser.commit(n);
      this.readOffset += n;
      server.stats.netReplInputBytes += n;
      const c = this.master;
      if (c === null || c.closed) return;
      let argv: CommandArgs | null;
      // The read's commands run as one batch, as a client's do (command_timer.ts).
      const timer = server.timer;
      c.lastInteraction = timer.begin();
      try {
        while ((argv = parser.next(limits)) !== null) {
          if (server.busyReply !== null) {
            // A script past busy-reply-threshold: the stream waits for its end (-BUSY would
            // lose the write); `argv` stays valid, nothing is read meanwhile.
            timer.end();
            server.propagation.releaseRequests();
            await server.notBusy();
            if (this.stopped || c.closed) return;
            timer.begin();
          }
          const end = parser.pos;
          const len = parser.consumed - counted;
          counted = parser.consumed;
          processCommand(c, argv);
          c.reply.len = 0; // the master gets no replies
          // commandProcessed: the applied bytes count and go on to our replicas.
          if (c.multi !== null) {
            tx.push(parser.buf.slice(end - len, end));
          } else {
            if (tx.length > 0) {
              for (const b of tx) this.repl.feedStream(b);
              tx = [];
            }
            this.repl.feedSpan(parser.buf, end - len, end);
          }
          if (c.closed) return;
        }
      } catch (e) {
        if (!(e instanceof ProtocolError)) throw e;
        server.log.warning(`Protocol error from MASTER: ${e.message}`);
        return;
      } finally {
        timer.end();
        // The spans fed point into the parser's buffer, which the next read reuses.
        server.propagation.releaseRequests();
      }
    }
  }

  /** replicationSendAck: REPLCONF ACK <offset> [FACK <aofoffset>] to the master. */
  sendAck(): void {
    const conn = this.conn;
    if (conn === null || this.state !== "connected") return;
    const repl = this.repl.server.repl;
    // FACK: how far our AOF is fsynced, when it is on (WAITAOF on the master).
    const data = command(
      repl.fsyncedReploff === -1
        ? ["REPLCONF", "ACK", String(repl.offset)]
        : ["REPLCONF", "ACK", String(repl.offset), "FACK", String(repl.fsyncedReploff)],
    );
    // The master client's output counts as ordinary output.
    this.repl.server.stats.netOutputBytes += data.length;
    this.ackChain = this.ackChain.then(async () => {
      let off = 0;
      while (off < data.length) off += await conn.write(data.subarray(off));
    }).catch(() => {});
  }

  /**
   * The replica part of replicationCron: ACK every second; repl-timeout drops
   * a link silent that long (in the handshake, while waiting for or receiving
   * the RDB — the master's newlines count —, or streaming), then it reconnects.
   */
  cron(): void {
    const server = this.repl.server;
    const timeout = server.config.replTimeout;
    // Whole seconds of silence, as Redis's time(NULL) - lastio.
    const silent = Math.floor(Date.now() / 1000) - Math.floor(this.lastIo / 1000);
    if (this.state === "connected") {
      if (silent > timeout) {
        server.log.warning("MASTER timeout: no data nor PING received...");
        this.timeoutLink(false);
        return;
      }
      this.sendAck();
    } else if (this.state === "sync" && silent > timeout) {
      server.log.warning(
        "Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value.",
      );
      this.timeoutLink(true);
    } else if (
      (this.state === "connecting" || this.state === "handshake") && silent > timeout
    ) {
      server.log.warning("Timeout connecting to the MASTER...");
      this.timeoutLink(true);
    }
  }

  /**
   * freeClient(master) (`reconnect` false: a link that was up reconnects at
   * once, see linkDown) or cancelReplicationHandshake(1) (`reconnect`: the
   * run loop connects again at once).
   */
  private timeoutLink(reconnect: boolean): void {
    this.timedOut = true;
    this.reconnectNow = reconnect;
    this.connecting?.abort();
    this.closeConn();
  }

  /** The replica fields of INFO replication, master_host to replica_announced. */
  infoFields(): InfoField[] {
    const server = this.repl.server;
    const cfg = server.config;
    const repl = server.repl;
    const now = Date.now();
    const up = this.state === "connected";
    const fields: InfoField[] = [
      ["master_host", this.host],
      ["master_port", this.port],
      ["master_link_status", up ? "up" : "down"],
      [
        "master_last_io_seconds_ago",
        this.master !== null ? Math.floor((now - this.lastIo) / 1000) : -1,
      ],
      ["master_sync_in_progress", this.state === "sync" ? 1 : 0],
      ["slave_read_repl_offset", this.master !== null || this.cached ? this.readOffset : 1],
      ["slave_repl_offset", this.master !== null || this.cached ? repl.offset : 1],
    ];
    if (this.state === "sync") {
      const total = this.syncTotal;
      fields.push(
        ["master_sync_total_bytes", total],
        ["master_sync_read_bytes", this.syncRead],
        ["master_sync_left_bytes", total - this.syncRead],
        ["master_sync_perc", total > 0 ? (this.syncRead * 100 / total).toFixed(2) : "0.00"],
        ["master_sync_last_io_seconds_ago", Math.floor((now - this.lastIo) / 1000)],
      );
    }
    if (!up) {
      fields.push([
        "master_link_down_since_seconds",
        repl.linkDownSince ? Math.floor((now - repl.linkDownSince) / 1000) : -1,
      ]);
    }
    fields.push(
      ["slave_priority", cfg.replicaPriority],
      ["slave_read_only", cfg.replicaReadOnly ? 1 : 0],
      ["replica_announced", cfg.replicaAnnounced ? 1 : 0],
    );
    return fields;
  }

  /** ROLE's offset: the applied offset once a master client exists, else -1. */
  get roleOffset(): number {
    return this.master !== null ? this.repl.server.repl.offset : -1;
  }
}
