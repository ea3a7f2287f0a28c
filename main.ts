/**
 * Command-line entry point, used like redis-server:
 *   deno run --allow-net --allow-read --allow-write main.ts [/path/to/redis.conf] [--directive value ...]
 */

import { helpText, parseCommandLine, StartupError } from "./src/server/config_loader.ts";
import {
  Log,
  logMonotonicClock,
  logReadyToAccept,
  logRunningMode,
  logServerInitialized,
  logStartupBanner,
} from "./src/server/log.ts";
import { createServer, renameCommandCheck } from "./src/create.ts";
import { REDIS_VERSION } from "./src/version.ts";
import { loadDataAtStartup } from "./src/persistence/load.ts";
import { shutdownOnSignal } from "./src/commands/shutdown.ts";

/** Explains a missing Deno permission with the flag that grants it. */
function permissionHint(err: unknown): string | null {
  if (err instanceof Deno.errors.NotCapable || err instanceof Deno.errors.PermissionDenied) {
    const m = (err as Error).message;
    if (m.includes("net")) return `${m}\nAdd --allow-net to the deno command line.`;
    if (m.includes("read")) {
      return `${m}\nAdd --allow-read=<dir> (the --dir directory) to the deno command line.`;
    }
    if (m.includes("write")) {
      return `${m}\nAdd --allow-write=<dir> (the --dir directory) to the deno command line.`;
    }
    return m;
  }
  return null;
}

async function main(args: string[]): Promise<number> {
  const log = new Log();
  let parsed: Awaited<ReturnType<typeof parseCommandLine>>;
  try {
    parsed = await parseCommandLine(args, Deno.cwd(), {
      log,
      renameCommand: renameCommandCheck(),
    });
  } catch (err) {
    const hint = permissionHint(err);
    if (hint) {
      console.error(hint);
      return 1;
    }
    if (err instanceof StartupError) {
      err.print(log);
      return 1;
    }
    throw err;
  }
  if (parsed.action === "help") {
    // Like redis-server: usage on stderr, exit status 1.
    console.error(helpText());
    return 1;
  }
  if (parsed.action === "version") {
    console.log(
      `Redis server v=${REDIS_VERSION} sha=00000000:0 malloc=libc bits=64 build=deno-${Deno.version.deno}`,
    );
    return 0;
  }
  const config = parsed.config;
  log.attach(config);
  logStartupBanner(log, args.length > 0);
  let server: ReturnType<typeof createServer>;
  try {
    server = createServer(config, log, { deferLoad: true });
  } catch (err) {
    log.warning((err as Error).message);
    return 1;
  }
  log.setServerRole(() => server.isReplica());
  try {
    server.listen();
  } catch (err) {
    log.warning((err as Error).message);
    return 1;
  }
  logRunningMode(log, server.port);
  logServerInitialized(log);
  logMonotonicClock(log);
  for (const sig of ["SIGINT", "SIGTERM"] as const) {
    try {
      Deno.addSignalListener(sig, () => shutdownOnSignal(server, sig));
    } catch { /* signals unsupported (Windows) */ }
  }
  // Clients are served (-LOADING) while the dataset loads. On a failed load exit at once: no
  // close hook may save over the file.
  try {
    if (!await loadDataAtStartup(server, log)) return 1;
  } catch (err) {
    // The AOF could not be loaded (corrupt, unreadable, ...): Redis exits 1.
    const hint = permissionHint(err);
    log.warning(hint ?? (err as Error).message);
    return 1;
  }
  if (!server.closing) logReadyToAccept(log);
  await server.closed;
  log.warning("Redis is now ready to exit, bye bye...");
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
