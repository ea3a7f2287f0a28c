/** String commands. */

import type { Client } from "../server/client.ts";
import { WRONGTYPE } from "../store/types.ts";
import type { CommandSpec } from "./table.ts";

function getCommand(c: Client): void {
  const v = c.db.get(c.key(1));
  if (v === undefined) c.reply.nullBulk();
  else if (v instanceof Uint8Array) c.reply.bulk(v);
  else c.reply.error(WRONGTYPE);
}

function setCommand(c: Client): void {
  const key = c.key(1);
  c.db.set(key, c.argv[2].slice());
  c.modified(key, "string", "set");
  c.reply.ok();
}

/** Rows of the string group. */
export const stringCommands: CommandSpec[] = [
  {
    name: "get",
    arity: 2,
    flags: ["readonly", "fast"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "string",
    since: "1.0.0",
    summary: "Returns the string value of a key.",
    handler: getCommand,
  },
  {
    name: "set",
    arity: -3,
    flags: ["write", "denyoom"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    group: "string",
    since: "1.0.0",
    summary: "Sets the string value of a key, ignoring its type.",
    handler: setCommand,
  },
];
