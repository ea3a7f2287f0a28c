/**
 * Embedding API: start and stop a server inside a Deno program or test suite,
 * and drive it directly (in the spirit of miniredis) without a connection.
 *
 * ```ts
 * import { startServer } from "./mod.ts";
 * const srv = await startServer({ port: 0, save: "" });
 * srv.exec("SET", "k", "v", "EX", "10"); // "+OK\r\n"
 * srv.fastForward(10_001);
 * srv.exec("GET", "k"); // "$-1\r\n"
 * // connect to 127.0.0.1:srv.port ...
 * await srv.close();
 * ```
 */

import { parseCommandLine } from "./src/server/config_loader.ts";
import { Client } from "./src/server/client.ts";
import { processCommand } from "./src/server/executor.ts";
import { Server } from "./src/server/server.ts";
import type { Stats } from "./src/server/stats.ts";
import { Log } from "./src/server/log.ts";
import type { Db } from "./src/store/keyspace.ts";
import { binaryToBytes, bytesToBinary } from "./src/util/bytes.ts";
import { createServer, type CreateServerOptions, renameCommandCheck } from "./src/create.ts";

export { createServer, Server };
export type { CreateServerOptions };
export type { Subsystem } from "./src/server/subsystem.ts";
export { Clock } from "./src/server/clock.ts";

/** Config directives by name (`port`, `dir`, `save`, `requirepass`, ...). */
export type ServerOptions = Record<string, string | number | boolean | string[]>;

/** A running embedded server. */
export interface RunningServer {
  /** The bound TCP port (the real one when `port: 0` was given). */
  port: number;
  /** The server instance (for introspection in tests). */
  server: Server;
  /** Resolves when the server has stopped (SHUTDOWN or close()). */
  closed: Promise<void>;
  /** Disconnects everyone and stops listening. */
  close(): Promise<void>;
  /**
   * Runs one command in-process, as a connected client would, and returns its
   * reply as RESP bytes in a binary string (one char per byte), like
   * RawClient.call. The client is the same for every exec: SELECT, MULTI,
   * HELLO 3 ... carry over between calls. Blocking commands do not block
   * (as inside MULTI): BLPOP on an empty list replies null at once.
   */
  exec(...args: (string | Uint8Array | number)[]): string;
  /**
   * Moves the server's clock `ms` ahead: TTLs run down, keys expire and idle
   * times grow as if that time had passed (miniredis's FastForward).
   */
  fastForward(ms: number): void;
  /** Changes since the last save (INFO rdb_changes_since_last_save). */
  readonly dirty: number;
  /** The counters INFO stats reports. */
  readonly stats: Stats;
  /** Database `index` (0 by default), for inspecting or seeding values directly. */
  db(index?: number): Db;
  /** Active expiry by the cron on or off (DEBUG SET-ACTIVE-EXPIRE). */
  activeExpire: boolean;
}

/** Converts options to `--directive value...` arguments. */
export function optionsToArgs(options: ServerOptions): string[] {
  const args: string[] = [];
  for (const [name, value] of Object.entries(options)) {
    args.push(`--${name}`);
    if (Array.isArray(value)) args.push(...value);
    else if (typeof value === "boolean") args.push(value ? "yes" : "no");
    else args.push(String(value));
  }
  return args;
}

/**
 * Starts a server with the given directives. Defaults for embedding: a free
 * port, no RDB save points, log level "warning". `create` passes a clock or
 * subsystems to createServer.
 */
export async function startServer(
  options: ServerOptions = {},
  create: CreateServerOptions = {},
): Promise<RunningServer> {
  const merged: ServerOptions = { port: 0, save: "", loglevel: "warning", ...options };
  const parsed = await parseCommandLine(optionsToArgs(merged), undefined, {
    renameCommand: renameCommandCheck(),
  });
  if (parsed.action !== "run") throw new Error("startServer: options requested " + parsed.action);
  const config = parsed.config;
  const server = createServer(config, new Log(config), create);
  server.listen();
  return new EmbeddedServer(server);
}

/** RunningServer over a listening Server. */
class EmbeddedServer implements RunningServer {
  readonly port: number;
  readonly closed: Promise<void>;
  private client: Client | null = null;

  constructor(readonly server: Server) {
    this.port = server.port;
    this.closed = server.closed;
  }

  close(): Promise<void> {
    return this.server.close();
  }

  exec(...args: (string | Uint8Array | number)[]): string {
    const c = this.client ??= new Client(this.server, null);
    const argv = args.map((a) => a instanceof Uint8Array ? a : binaryToBytes(String(a)));
    processCommand(c, argv);
    return bytesToBinary(c.reply.take(null));
  }

  fastForward(ms: number): void {
    this.server.clock.advance(ms);
    this.server.keyspace.now = this.server.clock.now();
  }

  get dirty(): number {
    return this.server.dirty;
  }

  get stats(): Stats {
    return this.server.stats;
  }

  db(index = 0): Db {
    return this.server.keyspace.dbs[index];
  }

  get activeExpire(): boolean {
    return this.server.activeExpireEnabled;
  }

  set activeExpire(on: boolean) {
    this.server.activeExpireEnabled = on;
  }
}
