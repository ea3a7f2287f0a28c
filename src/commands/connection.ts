/** Connection commands. */

import type { Client } from "../server/client.ts";
import type { CommandSpec } from "./table.ts";

function pingCommand(c: Client): void {
  if (c.argc > 2) {
    c.reply.error("ERR wrong number of arguments for 'ping' command");
  } else if (c.argc === 2) c.reply.bulk(c.argv[1]);
  else c.reply.simple("PONG");
}

/** Rows of the connection group. */
export const connectionCommands: CommandSpec[] = [
  {
    name: "ping",
    arity: -1,
    flags: ["fast", "sentinel"],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    group: "connection",
    since: "1.0.0",
    summary: "Returns the server's liveliness response.",
    handler: pingCommand,
  },
];
