/**
 * Client-side caching (Redis's tracking.c): which clients may hold which keys,
 * and the invalidation messages sent when those keys change. Default mode
 * remembers the keys each tracking client read (all of them, OPTIN after
 * CLIENT CACHING YES, OPTOUT unless CLIENT CACHING NO) and forgets a key once
 * it is invalidated; BCAST mode sends every change under the client's prefixes,
 * collected per command and sent after it. Messages are RESP3 `invalidate`
 * pushes, or `__redis__:invalidate` pub/sub messages for a RESP2 client
 * redirecting to a subscribed connection.
 */

import { type Command, getKeysFromCommand } from "../server/command_table.ts";
import type { Client, TrackingState } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import type { InfoField, Subsystem } from "../server/subsystem.ts";
import type { Db } from "../store/keyspace.ts";
import { binaryToBytes, bytesToBinary } from "../util/bytes.ts";
import type { PubSub } from "./pubsub.ts";

const enc = new TextEncoder();
const INVALIDATE = enc.encode("$10\r\ninvalidate\r\n");
const REDIR_BROKEN = enc.encode("$21\r\ntracking-redir-broken\r\n");
const TRACKING_CHANNEL = "__redis__:invalidate";
const NULL2 = enc.encode("$-1\r\n");
const NULL3 = enc.encode("_\r\n");

/** `$<len>\r\n<key>\r\n` for a binary-string key. */
function bulkBinary(s: string): string {
  return `$${s.length}\r\n${s}\r\n`;
}

/** Keys modified under one BCAST prefix since the last broadcast, with who modified each. */
interface PrefixState {
  clients: Set<Client>;
  keys: Map<string, Client | null>;
}

/** The tracking subsystem: the tracking table, the BCAST prefix table and delivery. */
export class Tracking implements Subsystem {
  readonly name = "tracking";
  /** key -> ids of the clients that may have it cached (Redis's TrackingTable). */
  private readonly table = new Map<string, Set<number>>();
  private totalItems = 0;
  /** prefix -> BCAST clients and pending keys (Redis's PrefixTable). */
  private readonly prefixes = new Map<string, PrefixState>();
  private pendingBroadcast = false;
  /** Clients with tracking on (INFO tracking_clients). */
  private trackingClients = 0;

  constructor(readonly server: Server, private readonly pubsub: PubSub) {}

  /** Number of clients with tracking enabled. */
  get clients(): number {
    return this.trackingClients;
  }

  /** enableTracking: turns tracking on for `c` (options already validated). */
  enable(c: Client, opts: Omit<TrackingState, "caching" | "brokenRedirect">): void {
    const old = c.tracking;
    if (old === null) this.trackingClients++;
    const prefixes = old?.prefixes ?? [];
    c.tracking = { ...opts, caching: false, brokenRedirect: false, prefixes };
    if (opts.bcast) {
      const wanted = opts.prefixes.length === 0 ? [""] : opts.prefixes;
      for (const p of wanted) {
        if (prefixes.includes(p)) continue;
        prefixes.push(p);
        let st = this.prefixes.get(p);
        if (st === undefined) this.prefixes.set(p, st = { clients: new Set(), keys: new Map() });
        st.clients.add(c);
      }
    }
    this.server.trackReads = this.trackingClients > 0 ? this.rememberKeys : null;
  }

  /** disableTracking: the client stops tracking; its BCAST prefixes go. */
  disable(c: Client): void {
    const t = c.tracking;
    if (t === null) return;
    for (const p of t.prefixes) {
      const st = this.prefixes.get(p);
      if (st === undefined) continue;
      st.clients.delete(c);
      if (st.clients.size === 0) this.prefixes.delete(p);
    }
    c.tracking = null;
    this.trackingClients--;
    this.server.trackReads = this.trackingClients > 0 ? this.rememberKeys : null;
  }

  /**
   * trackingRememberKeys: after a read-only command run for the top-level
   * client `c` (EXEC's commands included), remember that `c` may cache its keys.
   */
  private rememberKeys = (c: Client, cmd: Command): void => {
    const owner = this.server.currentClient ?? c;
    const t = owner.tracking;
    if (t === null || t.bcast) return;
    if ((t.optin && !t.caching) || (t.optout && t.caching)) return;
    // Shard channels are keys only for cluster routing.
    if (cmd.flags.includes("pubsub")) return;
    for (const { pos } of getKeysFromCommand(cmd, c.argv)) {
      const key = bytesToBinary(c.argv[pos]);
      let ids = this.table.get(key);
      if (ids === undefined) this.table.set(key, ids = new Set());
      if (!ids.has(owner.id)) {
        ids.add(owner.id);
        this.totalItems++;
      }
    }
    const max = Number(this.server.config.get("tracking-table-max-keys"));
    if (max > 0 && this.table.size > max) this.limitUsedSlots(max);
  };

  /**
   * trackingLimitUsedSlots: past tracking-table-max-keys, keys are invalidated
   * (as if modified) until the table fits again.
   */
  private limitUsedSlots(max: number): void {
    for (const key of this.table.keys()) {
      if (this.table.size <= max) break;
      this.invalidateKey(key, null);
    }
  }

  /** signalModifiedKey: invalidates the key for default-mode clients, queues it for BCAST. */
  keyModifiedWanted(): boolean {
    return this.trackingClients !== 0 || this.table.size !== 0;
  }

  keyModified(_db: Db, key: string): void {
    if (this.trackingClients === 0 && this.table.size === 0) return;
    const by = this.server.currentClient;
    if (this.prefixes.size > 0) {
      for (const [p, st] of this.prefixes) {
        if (key.startsWith(p)) {
          st.keys.set(key, by);
          this.pendingBroadcast = true;
        }
      }
    }
    this.invalidateKey(key, by);
  }

  /** trackingInvalidateKey for the default mode: one message per client that read the key. */
  private invalidateKey(key: string, by: Client | null): void {
    const ids = this.table.get(key);
    if (ids === undefined) return;
    this.table.delete(key);
    this.totalItems -= ids.size;
    let body: Uint8Array | null = null;
    for (const id of ids) {
      const target = this.server.clients.get(id);
      if (target === undefined || target.tracking === null || target.tracking.bcast) continue;
      if (target.tracking.noloop && target === by) continue;
      body ??= binaryToBytes(`*1\r\n${bulkBinary(key)}`);
      this.send(target, body);
    }
  }

  /** sendTrackingMessage: `keys` is the encoded value part (an array of keys or a null). */
  private send(c: Client, keys: Uint8Array): void {
    const t = c.tracking!;
    let target = c;
    if (t.redirect !== 0) {
      const redir = this.server.clients.get(t.redirect);
      if (redir === undefined || redir.closed) {
        t.brokenRedirect = true;
        if (c.reply.resp === 3) {
          this.pubsub.push(c, 2, concat(REDIR_BROKEN, enc.encode(`:${t.redirect}\r\n`)));
        }
        return;
      }
      target = redir;
    }
    if (target.reply.resp === 3) {
      this.pubsub.push(target, 2, concat(INVALIDATE, keys));
    } else if (target !== c && target.kind === "pubsub") {
      const ch = bulkBinary(TRACKING_CHANNEL);
      this.pubsub.push(target, 3, concat(binaryToBytes(`$7\r\nmessage\r\n${ch}`), keys));
    }
    // A RESP2 client without redirection cannot receive pushes: nothing is sent.
  }

  /** After the command: BCAST clients get the keys changed under each of their prefixes. */
  afterCommand(): void {
    if (!this.pendingBroadcast) return;
    this.pendingBroadcast = false;
    // Prefixes in byte order, as Redis walks its prefix radix tree.
    for (const p of [...this.prefixes.keys()].sort()) {
      const st = this.prefixes.get(p)!;
      if (st.keys.size === 0) continue;
      const keys = [...st.keys].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      st.keys.clear();
      for (const c of st.clients) {
        const mine = c.tracking!.noloop ? keys.filter(([, by]) => by !== c) : keys;
        if (mine.length === 0) continue;
        let s = `*${mine.length}\r\n`;
        for (const [k] of mine) s += bulkBinary(k);
        this.send(c, binaryToBytes(s));
      }
    }
  }

  /** trackingInvalidateKeysOnFlush: every tracking client is told to drop all it cached. */
  flushed(_dbid: number): void {
    if (this.trackingClients > 0) {
      for (const c of this.server.clients.values()) {
        if (c.tracking !== null) this.send(c, c.reply.resp === 3 ? NULL3 : NULL2);
      }
    }
    this.table.clear();
    this.totalItems = 0;
  }

  clientFreed(c: Client): void {
    this.disable(c);
  }

  info(section: string, fields: InfoField[]): void {
    for (const f of fields) {
      if (section === "clients" && f[0] === "tracking_clients") f[1] = this.trackingClients;
      else if (section === "stats") {
        if (f[0] === "tracking_total_keys") f[1] = this.table.size;
        else if (f[0] === "tracking_total_items") f[1] = this.totalItems;
        else if (f[0] === "tracking_total_prefixes") f[1] = this.prefixes.size;
      }
    }
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

const registry = new WeakMap<Server, Tracking>();

/** Installs tracking on `server` next to its pub/sub subsystem. */
export function createTracking(server: Server, pubsub: PubSub): Tracking {
  const t = new Tracking(server, pubsub);
  registry.set(server, t);
  return t;
}

/** The tracking subsystem of `server`. */
export function trackingOf(server: Server): Tracking {
  const t = registry.get(server);
  if (t === undefined) throw new Error("tracking subsystem not installed");
  return t;
}
