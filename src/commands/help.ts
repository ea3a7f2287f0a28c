/**
 * Replies shared by container commands (CONFIG, OBJECT, SLOWLOG, LATENCY, DEBUG, CLIENT, ...):
 * networking.c's addReplyHelp and addReplySubcommandSyntaxError, and their HELP row.
 */

import type { Client } from "../server/client.ts";
import { bytesToBinary, cString } from "../util/bytes.ts";
import type { CommandGroup, CommandHandler, CommandSpec } from "../server/command_table.ts";

/**
 * addReplyHelp: "<NAME> <subcommand> ..." header, the lines, then HELP, as status replies.
 * NAME is the command as the client typed it, upper-cased.
 */
export function replyHelp(c: Client, lines: string[]): void {
  c.reply.array(lines.length + 3);
  c.reply.simple(
    `${
      bytesToBinary(c.argv[0]).toUpperCase()
    } <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`,
  );
  for (const l of lines) c.reply.simple(l);
  c.reply.simple("HELP");
  c.reply.simple("    Print this help.");
}

/** addReplySubcommandSyntaxError: the subcommand as `%.128s` prints it, raw bytes. */
export function replySubcommandSyntaxError(c: Client): void {
  c.reply.errorBinary(
    `ERR unknown subcommand or wrong number of arguments for '${cString(c.argv[1], 128)}'. Try ${
      bytesToBinary(c.argv[0]).toUpperCase()
    } HELP.`,
  );
}

/**
 * The HELP subcommand row of a container command (CONFIG, COMMAND, CLIENT,
 * XGROUP, OBJECT ...): `group` is the container's.
 */
export function helpRow(
  handler: CommandHandler,
  since: string,
  group: CommandGroup = "server",
): CommandSpec {
  return {
    name: "help",
    arity: 2,
    flags: ["loading", "stale"],
    firstKey: 0,
    lastKey: 0,
    step: 0,
    group,
    since,
    summary: "Returns helpful text about the different subcommands.",
    complexity: "O(1)",
    handler,
  };
}
