/**
 * The connection loop: an async iterator reads the socket and yields, per read,
 * the commands parsed in place from it; the loop runs all of them and writes all
 * their replies with one write. A protocol error answers `-ERR Protocol error:
 * ...` after the replies of the commands before it, and closes only this
 * connection.
 */

import { ProtocolError, QueryBufferLimitError, RequestParser } from "../resp/parser.ts";
import type { ParserLimits } from "../resp/parser.ts";
import type { Client } from "./client.ts";
import { processCommand } from "./executor.ts";

/**
 * What one read produced: its complete commands, then possibly a protocol error.
 * Commands are parsed lazily, each once the one before it has run, so each is
 * parsed under the limits in force at that point: an AUTH lifts the
 * unauthenticated size limits for the commands after it in the same read, as
 * Redis parses and runs in turn. `error` is set when iteration reaches a
 * malformed frame.
 */
export interface ReadBatch {
  commands: Iterable<Uint8Array[]>;
  error: ProtocolError | null;
}

/**
 * Reads `conn` until EOF, yielding the complete commands of each read.
 * Argument views stay valid until the consumer asks for the next batch.
 */
export async function* readCommands(
  conn: Deno.Conn,
  parser: RequestParser,
  limits: () => ParserLimits,
  onRead: (n: number) => void,
): AsyncGenerator<ReadBatch> {
  while (true) {
    let region: Uint8Array;
    try {
      region = parser.writable(limits());
    } catch (err) {
      if (err instanceof QueryBufferLimitError) throw err;
      throw err;
    }
    let n: number | null;
    try {
      n = await conn.read(region);
    } catch {
      return; // reset by peer or closed by us
    }
    if (n === null) return;
    parser.commit(n);
    onRead(n);
    const batch: ReadBatch = { commands: [], error: null };
    batch.commands = parseCommands(parser, limits, batch);
    yield batch;
    if (batch.error) return;
  }
}

/** Parses the buffered commands one at a time; a protocol error ends it and lands in `batch`. */
function* parseCommands(
  parser: RequestParser,
  limits: () => ParserLimits,
  batch: ReadBatch,
): Generator<Uint8Array[]> {
  try {
    let argv: Uint8Array[] | null;
    while ((argv = parser.next(limits())) !== null) yield argv;
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    batch.error = err;
  }
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
  try {
    for await (
      const batch of readCommands(conn, parser, currentLimits, (n) => {
        server.stats.netInputBytes += n;
        c.lastInteraction = Date.now(); // any input counts against the idle timeout
      })
    ) {
      c.processing = true;
      for (const argv of batch.commands) {
        if (c.closeAfterReply || c.closed) break;
        if (server.pause !== null && server.mustWaitForPause(c, argv)) {
          c.processing = false;
          await c.flush();
          while (server.pause !== null && server.mustWaitForPause(c, argv)) {
            await server.waitForUnpause();
          }
          if (c.closed) break;
          c.processing = true;
        }
        processCommand(c, argv);
        if (c.blocked !== null) {
          c.processing = false;
          await c.flush();
          await server.blocking.waitUntilUnblocked(c);
          c.processing = true;
          if (c.closed) break;
        }
      }
      c.queryBufferBytes = parser.pendingBytes;
      if (batch.error && !c.closeAfterReply) {
        // The message may quote the offending byte raw ("expected '$', got '\xff'").
        c.reply.errorBinary("ERR Protocol error: " + batch.error.message);
        server.log.verbose(
          `Protocol error (${batch.error.message}) from client: id=${c.id} addr=${c.addr}`,
        );
        c.closeAfterReply = true;
      }
      c.processing = false;
      await c.flush();
      if (c.closeAfterReply || c.closed) break;
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
    c.close();
  }
}

function formatAddr(a: Deno.NetAddr): string {
  return a.hostname.includes(":") ? `[${a.hostname}]:${a.port}` : `${a.hostname}:${a.port}`;
}
