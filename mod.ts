/**
 * Embedding API: start and stop a server inside a Deno program or test suite.
 *
 * ```ts
 * import { startServer } from "./mod.ts";
 * const srv = await startServer({ port: 0, save: "" });
 * // connect to 127.0.0.1:srv.port ...
 * await srv.close();
 * ```
 */

import { parseCommandLine } from "./src/server/config_loader.ts";
import { Server } from "./src/server/server.ts";
import { Log } from "./src/server/log.ts";

export { Server };

/** Config directives by name (`port`, `dir`, `save`, `requirepass`, ...). */
export type ServerOptions = Record<string, string | number | boolean | string[]>;

/** A running embedded server. */
export interface RunningServer {
  /** The bound TCP port (the real one when `port: 0` was given). */
  port: number;
  /** The server instance (for introspection in tests). */
  server: Server;
  /** Disconnects everyone and stops listening. */
  close(): Promise<void>;
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
 * port, no RDB save points, log level "warning".
 */
export async function startServer(options: ServerOptions = {}): Promise<RunningServer> {
  const merged: ServerOptions = { port: 0, save: "", loglevel: "warning", ...options };
  const parsed = await parseCommandLine(optionsToArgs(merged));
  if (parsed.action !== "run") throw new Error("startServer: options requested " + parsed.action);
  const config = parsed.config;
  const server = new Server(config, new Log(config));
  server.listen();
  return { port: server.port, server, close: () => server.close() };
}
