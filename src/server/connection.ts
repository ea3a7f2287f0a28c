/**
 * The connection loop: per read of the socket, it parses the commands in place
 * one at a time, runs each, and writes all their replies with one write. A
 * protocol error answers `-ERR Protocol error: ...` after the replies of the
 * commands before it, and closes only this connection.
 */

import { ProtocolError, QueryBufferLimitError, RequestParser } from "../resp/parser.ts";
import type { ParserLimits } from "../resp/parser.ts";
import type { CommandArgs } from "../resp/arg_block.ts";
import { type Client, REPLY_CHUNK } from "./client.ts";
import { processCommand } from "./executor.ts";

/**
 * Input that arrived while the client was blocked (read to notice a disconnect,
 * as Redis keeps reading a blocked client's socket). readInto consumes it
 * before reading the socket again.
 */
export interface HeldInput {
  chunks: Uint8Array[];
  /** A read started while blocked and not finished: the next read must be this one. */
  inflight: Promise<Uint8Array | null> | null;
}

/**
 * Reads the next bytes of `held` into the parser's buffer (the connection loop
 * reads the socket itself when nothing is held). Returns the count read, or
 * null at EOF. Argument views parsed earlier become invalid. Throws
 * QueryBufferLimitError past client-query-buffer-limit.
 */
async function readHeld(
  parser: RequestParser,
  limits: ParserLimits,
  held: HeldInput,
): Promise<number | null> {
  const region = parser.writable(limits);
  if (held.chunks.length === 0) {
    const data = await held.inflight;
    held.inflight = null;
    if (data === null) return null;
    held.chunks.push(data);
  }
  const data = held.chunks[0];
  const n = Math.min(data.length, region.length);
  region.set(data.subarray(0, n));
  if (n === data.length) held.chunks.shift();
  else held.chunks[0] = data.subarray(n);
  parser.commit(n);
  return n;
}

/**
 * processCommand for a request `parser` just returned: when its bytes are the
 * canonical encoding of `argv` (RequestParser.rawArgv) and something listens
 * to propagation, they are marked as the running request, so the replication
 * stream may take them as they are (Propagation.request). The caller releases
 * them (Propagation.releaseRequests) before the parser's buffer is reused.
 */
export function processRequest(c: Client, argv: CommandArgs, parser: RequestParser): void {
  const propagation = c.server.propagation;
  if (argv !== parser.rawArgv || !propagation.active) {
    processCommand(c, argv);
    return;
  }
  propagation.request = argv;
  propagation.requestBuf = parser.buf;
  propagation.requestStart = parser.rawStart;
  propagation.requestEnd = parser.rawEnd;
  processCommand(c, argv);
  propagation.request = null;
}

/** Serves one client until it disconnects, is killed or sends bad protocol. */
export async function handleConnection(c: Client): Promise<void> {
  const server = c.server;
  const conn = c.conn!;
  const remote = conn.remoteAddr as Deno.NetAddr;
  const local = conn.localAddr as Deno.NetAddr;
  c.addr = formatAddr(remote);
  c.laddr = formatAddr(local);
  try {
    conn.setNoDelay(true);
    if (server.config.tcpKeepalive > 0) conn.setKeepAlive(true);
  } catch { /* not a TCP socket */ }
  const parser = new RequestParser();
  const limits: ParserLimits = {
    protoMaxBulkLen: 0,
    queryBufferLimit: 0,
    authRequired: false,
    isMaster: false,
  };
  const currentLimits = () => {
    limits.protoMaxBulkLen = server.config.protoMaxBulkLen;
    limits.queryBufferLimit = server.config.clientQueryBufferLimit;
    limits.authRequired = !c.authenticated;
    return limits;
  };
  const held: HeldInput = { chunks: [], inflight: null };
  try {
    while (true) {
      let n: number | null;
      if (held.chunks.length > 0 || held.inflight !== null) {
        n = await readHeld(parser, currentLimits(), held);
      } else {
        // Read the socket straight into the parser's buffer (no promise of our own per read).
        const region = parser.writable(currentLimits());
        try {
          n = await conn.read(region);
        } catch {
          n = null; // reset by peer or closed by us
        }
        if (n !== null) parser.commit(n);
      }
      if (n === null) break;
      server.stats.netInputBytes += n;
      // The read's commands run as a batch: its clock readings serve them all (command_timer.ts).
      const timer = server.timer;
      const now = timer.begin();
      c.lastInteraction = now; // any input counts against the idle timeout
      server.stats.recordClientBuffers(parser.bufferBytes, 0, now);
      c.processing = true;
      let error: ProtocolError | null = null;
      try {
        // Each command is parsed once the one before it has run, under the limits then in
        // force: an AUTH lifts the unauthenticated size limits for the rest of the read, as
        // Redis parses and runs in turn.
        while (!c.closeAfterReply && !c.closed) {
          let argv: CommandArgs | null;
          try {
            argv = parser.next(currentLimits());
          } catch (err) {
            if (!(err instanceof ProtocolError)) throw err;
            error = err;
            break;
          }
          if (argv === null) break;
          if (server.pause !== null && server.mustWaitForPause(c, argv)) {
            // Other clients run meanwhile: the batch ends here and starts again after.
            timer.end();
            server.propagation.releaseRequests();
            c.processing = false;
            await c.flush();
            while (server.pause !== null && server.mustWaitForPause(c, argv)) {
              await server.waitForUnpause();
            }
            timer.begin();
            if (c.closed) break;
            c.processing = true;
          }
          processRequest(c, argv, parser);
          if (c.reply.len >= REPLY_CHUNK) c.queueReplies();
          if (c.blocked !== null) {
            timer.end();
            server.propagation.releaseRequests();
            c.processing = false;
            await c.flush();
            await waitWhileBlocked(c, conn, held);
            timer.begin();
            c.processing = true;
            if (c.closed) break;
          }
        }
      } finally {
        timer.end();
        server.propagation.releaseRequests();
      }
      c.queryBufferBytes = parser.pendingBytes;
      if (error !== null && !c.closeAfterReply) {
        // The message may quote the offending byte raw ("expected '$', got '\xff'").
        c.reply.errorBinary("ERR Protocol error: " + error.message);
        server.log.verbose(
          `Protocol error (${error.message}) from client: id=${c.id} addr=${c.addr}`,
        );
        c.closeAfterReply = true;
      }
      c.processing = false;
      if (c.closeAfterReply || c.closed) {
        await c.flush();
        break;
      }
      // The write proceeds while the next read is awaited (Redis writes in
      // beforeSleep and goes back to epoll). Reading never waits for writing: a
      // client that sends a whole pipeline before reading would deadlock with
      // us. Its replies queue instead, bounded by client-output-buffer-limit.
      c.flush();
      c.closeOnOutputBufferLimit();
    }
  } catch (err) {
    if (err instanceof QueryBufferLimitError) {
      server.log.warning(
        `Closing client that reached max query buffer length: id=${c.id} addr=${c.addr}`,
      );
    } else if (!c.closed) {
      server.log.warning(`Client ${c.addr} error: ${(err as Error).message}`);
    }
  } finally {
    c.processing = false;
    // Let a write still in flight finish (it fails fast if the peer is gone).
    if (!c.closed) await c.flush();
    c.close();
  }
}

/**
 * Waits until `c` is unblocked while reading its socket, so a client that
 * disconnects while blocked is unblocked and freed at once (it must not be
 * served); bytes it sends meanwhile are kept in `held` for after the block.
 */
async function waitWhileBlocked(c: Client, conn: Deno.Conn, held: HeldInput): Promise<void> {
  const unblocked = c.server.blocking.waitUntilUnblocked(c).then(() => false as const);
  let heldBytes = 0;
  for (const ch of held.chunks) heldBytes += ch.length;
  while (c.blocked !== null && !c.closed) {
    if (held.inflight === null) held.inflight = readChunk(conn);
    const r = await Promise.race([unblocked, held.inflight]);
    if (r === false) return; // unblocked (served, timed out, CLIENT UNBLOCK)
    held.inflight = null;
    if (r === null) {
      // Peer closed: forget the block now, then let the loop free the client.
      c.server.blocking.unblock(c, "disconnect");
      c.close();
      return;
    }
    held.chunks.push(r);
    heldBytes += r.length;
    c.queryBufferBytes = heldBytes;
    if (heldBytes > c.server.config.clientQueryBufferLimit) {
      c.server.log.warning(
        `Closing client that reached max query buffer length: id=${c.id} addr=${c.addr}`,
      );
      c.server.blocking.unblock(c, "disconnect");
      c.close();
      return;
    }
  }
}

async function readChunk(conn: Deno.Conn): Promise<Uint8Array | null> {
  const buf = new Uint8Array(16 * 1024);
  try {
    const n = await conn.read(buf);
    return n === null ? null : buf.subarray(0, n);
  } catch {
    return null;
  }
}

function formatAddr(a: Deno.NetAddr): string {
  return a.hostname.includes(":") ? `[${a.hostname}]:${a.port}` : `${a.hostname}:${a.port}`;
}
