/**
 * The pub/sub core (Redis's pubsub.c): who is subscribed to which channel,
 * pattern and shard channel, and message delivery. A message is encoded once
 * per channel or matching pattern and the same bytes are appended to every
 * receiver's output buffer; only the 4-byte aggregate header differs between
 * RESP2 (`*`) and RESP3 (`>`) receivers.
 *
 * Installed by the composition root as the "pubsub" subsystem; commands reach
 * it with `pubsubOf(server)`.
 */

import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import type { InfoField, Subsystem } from "../server/subsystem.ts";
import { binaryToBytes } from "../util/bytes.ts";
import { matchGlob } from "../util/glob.ts";
import { setImmediate } from "node:timers";

/** The three subscription kinds, as Redis's pubsubtype. */
export type SubscriptionKind = "channel" | "pattern" | "shard";

const enc = new TextEncoder();
const HEADERS: Record<2 | 3, Uint8Array[]> = {
  2: [
    enc.encode("*0\r\n"),
    enc.encode("*1\r\n"),
    enc.encode("*2\r\n"),
    enc.encode("*3\r\n"),
    enc.encode("*4\r\n"),
  ],
  3: [
    enc.encode(">0\r\n"),
    enc.encode(">1\r\n"),
    enc.encode(">2\r\n"),
    enc.encode(">3\r\n"),
    enc.encode(">4\r\n"),
  ],
};
const MESSAGE = bulkOf(enc.encode("message"));
const PMESSAGE = bulkOf(enc.encode("pmessage"));
const SMESSAGE = bulkOf(enc.encode("smessage"));

/** `$<len>\r\n<bytes>\r\n`. */
function bulkOf(b: Uint8Array): Uint8Array {
  return frameBody(new Uint8Array(0), [b]);
}

/** The encoded elements of a frame: `kind` (already a bulk), then each of `items` as a bulk. */
function frameBody(kind: Uint8Array, items: Uint8Array[]): Uint8Array {
  let n = kind.length;
  for (const b of items) n += b.length + String(b.length).length + 5;
  const out = new Uint8Array(n);
  out.set(kind);
  let off = kind.length;
  for (const b of items) {
    out[off++] = 36; // $
    const len = String(b.length);
    for (let i = 0; i < len.length; i++) out[off++] = len.charCodeAt(i);
    out[off++] = 13;
    out[off++] = 10;
    out.set(b, off);
    off += b.length;
    out[off++] = 13;
    out[off++] = 10;
  }
  return out;
}

/** Commands whose own replies are push frames (Redis's CMD_PUSHES_DATA): never deferred. */
const PUSHES_DATA = new Set([
  "subscribe",
  "unsubscribe",
  "psubscribe",
  "punsubscribe",
  "ssubscribe",
  "sunsubscribe",
]);

const registry = new WeakMap<Server, PubSub>();

/** The pub/sub subsystem installed on `server` (the composition root installs one on every server). */
export function pubsubOf(server: Server): PubSub {
  const ps = registry.get(server);
  if (ps === undefined) throw new Error("pubsub subsystem not installed");
  return ps;
}

/** Server-wide pub/sub state and delivery. */
export class PubSub implements Subsystem {
  readonly name = "pubsub";
  /** channel -> subscribers, in subscription order. */
  readonly channels = new Map<string, Set<Client>>();
  /** pattern -> subscribers (PUBSUB NUMPAT counts the keys). */
  readonly patterns = new Map<string, Set<Client>>();
  /** shard channel -> subscribers. */
  readonly shardChannels = new Map<string, Set<Client>>();
  /** Pushes to the client whose command is running, held until its reply is complete. */
  private deferredTo: Client | null = null;
  private deferred: Uint8Array[] = [];

  constructor(readonly server: Server) {
    registry.set(server, this);
  }

  /** The client's set and the server's map for a subscription kind. */
  private sets(c: Client, kind: SubscriptionKind): [Set<string>, Map<string, Set<Client>>] {
    switch (kind) {
      case "channel":
        return [c.channels, this.channels];
      case "pattern":
        return [c.patterns, this.patterns];
      case "shard":
        return [c.shardChannels, this.shardChannels];
    }
  }

  /** Adds a subscription; false when `c` already had it. */
  subscribe(c: Client, kind: SubscriptionKind, name: string): boolean {
    const [mine, all] = this.sets(c, kind);
    if (mine.has(name)) return false;
    mine.add(name);
    let subs = all.get(name);
    if (subs === undefined) all.set(name, subs = new Set());
    subs.add(c);
    return true;
  }

  /** Removes a subscription; false when `c` did not have it. */
  unsubscribe(c: Client, kind: SubscriptionKind, name: string): boolean {
    const [mine, all] = this.sets(c, kind);
    if (!mine.delete(name)) return false;
    const subs = all.get(name);
    if (subs === undefined) return true; // only on the client (set directly by a test)
    subs.delete(c);
    if (subs.size === 0) all.delete(name);
    return true;
  }

  /**
   * Keeps Redis's CLIENT_PUBSUB flag: set by every (P|S)SUBSCRIBE, cleared when
   * the client's last subscription of any kind is gone. It decides the RESP2
   * command restriction, PING's reply and the client's output-buffer class.
   */
  updateClientFlag(c: Client, subscribed: boolean): void {
    if (subscribed) {
      if (c.kind === "normal") c.kind = "pubsub";
    } else if (
      c.kind === "pubsub" && c.channels.size === 0 && c.patterns.size === 0 &&
      c.shardChannels.size === 0
    ) {
      c.kind = "normal";
    }
  }

  /** Subscriber count for a (P|S)SUBSCRIBE reply: shard channels count apart. */
  subscriptionCount(c: Client, kind: SubscriptionKind): number {
    return kind === "shard" ? c.shardChannels.size : c.channels.size + c.patterns.size;
  }

  /** Publishes a keyspace notification (the Subsystem hook); channel as a binary string. */
  publish(channel: string, message: Uint8Array): number {
    return this.publishMessage(null, channel, message, false);
  }

  /**
   * PUBLISH / SPUBLISH: delivers `message` to the channel's subscribers, then to
   * the clients of each matching pattern (not for shard channels); returns the
   * number of deliveries. `channelBytes` may be null: encoded from `channel`
   * only when someone receives it (keyspace notifications).
   */
  publishMessage(
    channelBytes: Uint8Array | null,
    channel: string,
    message: Uint8Array,
    shard: boolean,
  ): number {
    let receivers = 0;
    const subs = (shard ? this.shardChannels : this.channels).get(channel);
    if (subs !== undefined) {
      channelBytes ??= binaryToBytes(channel);
      const body = frameBody(shard ? SMESSAGE : MESSAGE, [channelBytes, message]);
      for (const c of subs) {
        this.push(c, 3, body);
        receivers++;
      }
    }
    if (shard || this.patterns.size === 0) return receivers;
    for (const [pattern, clients] of this.patterns) {
      if (!matchGlob(pattern, channel)) continue;
      channelBytes ??= binaryToBytes(channel);
      const body = frameBody(PMESSAGE, [binaryToBytes(pattern), channelBytes, message]);
      for (const c of clients) {
        this.push(c, 4, body);
        receivers++;
      }
    }
    return receivers;
  }

  /**
   * Appends a push frame of `n` elements whose encoded elements are `body`.
   * While `c` runs a command other than the subscribe family, the frame waits
   * until the command (a whole EXEC included) has replied, as Redis 7.2 holds
   * such pushes in pending_push_messages.
   */
  push(c: Client, n: number, body: Uint8Array): void {
    if (c.closed) return;
    const header = HEADERS[c.reply.resp][n];
    if (c === this.server.currentClient && !(c.cmd !== null && PUSHES_DATA.has(c.cmd.name))) {
      this.deferredTo = c;
      this.deferred.push(header, body);
      return;
    }
    c.reply.raw(header);
    c.reply.raw(body);
    this.wantFlush(c);
  }

  /**
   * Subscribers are written once the ready input has been processed (Redis
   * writes them in beforeSleep): messages from many publishers share a write.
   */
  private wantFlush(c: Client): void {
    this.toFlush.add(c);
    if (this.flushQueued) return;
    this.flushQueued = true;
    setImmediate(this.flushSubscribers);
  }

  private toFlush = new Set<Client>();
  private flushQueued = false;
  private flushSubscribers = (): void => {
    this.flushQueued = false;
    const clients = this.toFlush;
    this.toFlush = new Set();
    for (const c of clients) c.scheduleFlush();
  };

  /** After the command: the deferred pushes follow its reply. */
  afterCommand(): void {
    const c = this.deferredTo;
    if (c === null) return;
    const frames = this.deferred;
    this.deferredTo = null;
    this.deferred = [];
    if (c.closed) return;
    for (const f of frames) c.reply.raw(f);
    c.scheduleFlush();
  }

  clientFreed(c: Client): void {
    for (const ch of [...c.channels]) this.unsubscribe(c, "channel", ch);
    for (const p of [...c.patterns]) this.unsubscribe(c, "pattern", p);
    for (const s of [...c.shardChannels]) this.unsubscribe(c, "shard", s);
    if (this.deferredTo === c) {
      this.deferredTo = null;
      this.deferred = [];
    }
  }

  info(section: string, fields: InfoField[]): void {
    if (section !== "stats") return;
    for (const f of fields) {
      if (f[0] === "pubsub_channels") f[1] = this.channels.size;
      else if (f[0] === "pubsub_patterns") f[1] = this.patterns.size;
      else if (f[0] === "pubsubshard_channels") f[1] = this.shardChannels.size;
    }
  }
}
