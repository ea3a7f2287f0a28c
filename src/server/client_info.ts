/**
 * How a client describes itself (networking.c's getClientType and
 * catClientInfoString): its class, and the CLIENT LIST / CLIENT INFO line that
 * CLIENT LIST and the server's log lines show.
 */

import type { Client } from "./client.ts";
import type { Server } from "./server.ts";
import { cString } from "../util/bytes.ts";

/** True when `c` has subscriptions (Redis's CLIENT_PUBSUB flag). */
export function isPubSubClient(c: Client): boolean {
  return c.kind === "pubsub";
}

/** A client's class (CLIENT LIST/KILL TYPE, client-output-buffer-limit). */
export type ClientType = "normal" | "master" | "replica" | "pubsub";

/** getClientType: MONITOR clients count as normal although Redis flags them as replicas. */
export function clientType(c: Client): ClientType {
  if (c.kind === "master") return "master";
  if (c.kind === "replica" && !c.monitor) return "replica";
  if (isPubSubClient(c)) return "pubsub";
  return "normal";
}

/** CLIENT LIST flags letters, in catClientInfoString's order; "N" when none apply. */
function clientFlags(c: Client): string {
  let f = "";
  if (c.kind === "replica") f += c.monitor ? "O" : "S";
  else if (c.monitor) f += "O";
  if (c.kind === "master") f += "M";
  if (isPubSubClient(c)) f += "P";
  if (c.multi !== null) f += "x";
  if (c.blocked !== null) f += "b";
  if (c.tracking !== null) {
    f += "t";
    if (c.tracking.brokenRedirect) f += "R";
    if (c.tracking.bcast) f += "B";
  }
  if (c.dirtyCas) f += "d";
  if (c.closeAfterReply) f += "c";
  if (c.closed) f += "A";
  if (c.noEvict) f += "e";
  if (c.noTouch) f += "T";
  return f === "" ? "N" : f;
}

// File descriptors are not visible from Deno; CLIENT LIST shows the number the
// kernel would have handed out: the lowest one not held by a live client,
// starting after the descriptors a fresh Redis has open.
const FIRST_CLIENT_FD = 8;

function assignFds(server: Server): void {
  const used = new Set<number>();
  const pending: Client[] = [];
  for (const cl of server.clients.values()) {
    if (cl.fd !== undefined) used.add(cl.fd);
    else if (cl.conn !== null) pending.push(cl);
  }
  let next = FIRST_CLIENT_FD;
  for (const cl of pending) {
    while (used.has(next)) next++;
    cl.fd = next;
    used.add(next);
  }
}

/** Bytes of `argv` in multibulk form: what the query buffer holds for it. */
function multibulkSize(argv: Uint8Array[]): number {
  let n = 3 + String(argv.length).length;
  for (const a of argv) n += 5 + String(a.length).length + a.length;
  return n;
}

function argvMem(argv: Uint8Array[]): number {
  let n = 0;
  for (const a of argv) n += a.length;
  return n;
}

/** Redis's query buffer allocation (16 KB read buffer in jemalloc's 20 KB class). */
const QUERYBUF_ALLOC = 20474;
const REPLY_BUF = 16384;

/**
 * One CLIENT LIST / CLIENT INFO line (catClientInfoString, Redis 7.2 fields and
 * order). `self` is the client running the command: its query buffer and argv
 * hold that command. Memory figures follow Redis's accounting closely enough
 * to read the same way; they are not measured.
 */
export function clientInfoString(cl: Client, self: Client): string {
  const server = cl.server;
  assignFds(server);
  const now = Math.floor(server.clock.now() / 1000);
  const age = now - Math.floor(cl.createdAt / 1000);
  const idle = now - Math.floor(cl.lastInteraction / 1000);
  const current = cl === self;
  const qbuf = current ? multibulkSize(cl.argv) : cl.queryBufferBytes;
  const qbufFree = qbuf > 0 ? Math.max(0, QUERYBUF_ALLOC - qbuf) : idle > 2 ? 0 : QUERYBUF_ALLOC;
  const argv = current ? argvMem(cl.argv) : cl.blocked ? argvMem(cl.blocked.argv) : 0;
  let multiMem = 0;
  if (cl.multi !== null) {
    for (const q of cl.multi) {
      multiMem += argvMem(q.argv) + 8 * q.argv.length;
    }
  }
  const rbs = age < 1 ? REPLY_BUF : 1024;
  const pending = cl.pendingOutput;
  // Redis 7 feeds a replica from the shared replication buffer, not its reply buffer:
  // obl 0, omem the stream not sent yet (held during its full sync included), no RDB.
  const replica = clientType(cl) === "replica";
  const obl = replica ? 0 : Math.min(pending, rbs);
  const omem = replica ? cl.outputBufferMemory : pending - obl;
  const oll = omem > 0 ? Math.ceil(omem / REPLY_BUF) : 0;
  const totMem = qbuf + qbufFree + rbs + argv + multiMem + omem + 790;
  const fd = cl.conn === null ? -1 : cl.fd ?? FIRST_CLIENT_FD;
  return `id=${cl.id} addr=${cl.addr} laddr=${cl.laddr} fd=${fd} name=${
    cString(cl.name)
  } age=${age} idle=${idle} flags=${
    clientFlags(cl)
  } db=${cl.db.id} sub=${cl.channels.size} psub=${cl.patterns.size} ssub=${cl.shardChannels.size} multi=${
    cl.multi === null ? -1 : cl.multi.length
  } qbuf=${qbuf} qbuf-free=${qbufFree} argv-mem=${argv} multi-mem=${multiMem} rbs=${rbs} rbp=${obl} obl=${obl} oll=${oll} omem=${omem} tot-mem=${totMem} events=r cmd=${
    cl.lastCmd?.fullName ?? "NULL"
  } user=${cl.user} redir=${
    cl.tracking === null ? -1 : cl.tracking.redirect
  } resp=${cl.reply.resp} lib-name=${cString(cl.libName)} lib-ver=${cString(cl.libVer)}`;
}
