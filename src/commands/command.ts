/**
 * COMMAND and its subcommands (Redis's server.c commandCommand & co): what the
 * command table says about each command, in COMMAND INFO / DOCS / LIST / COUNT /
 * GETKEYS form. Everything comes from the one table, server.commands.
 */

import type { Client } from "../server/client.ts";
import { matchGlob } from "../util/glob.ts";
import { helpRow, replyHelp } from "./help.ts";
import {
  aclCategories,
  type ArgDoc,
  type Command,
  type CommandFlag,
  commandHasKeys,
  commandKeySpecs,
  type CommandSpec,
  getKeysFromCommand,
  type KeyReference,
  type KeySpec,
  type KeySpecFlag,
} from "../server/command_table.ts";

/** Flags in the order COMMAND INFO lists them; may_replicate, sentinel, ... stay hidden. */
const FLAG_ORDER: CommandFlag[] = [
  "write",
  "readonly",
  "denyoom",
  "module",
  "admin",
  "pubsub",
  "noscript",
  "blocking",
  "loading",
  "stale",
  "skip_monitor",
  "skip_slowlog",
  "asking",
  "fast",
  "no_auth",
  "no_mandatory_keys",
  "no_async_loading",
  "no_multi",
  "movablekeys",
  "allow_busy",
];

/** ACL categories in Redis's category table order (COMMAND INFO, COMMAND LIST FILTERBY ACLCAT). */
export const ACL_CATEGORIES = [
  "keyspace",
  "read",
  "write",
  "set",
  "sortedset",
  "list",
  "hash",
  "string",
  "bitmap",
  "hyperloglog",
  "geo",
  "stream",
  "pubsub",
  "admin",
  "fast",
  "slow",
  "blocking",
  "dangerous",
  "connection",
  "transaction",
  "scripting",
];

const KEY_FLAG_ORDER: KeySpecFlag[] = [
  "RO",
  "RW",
  "OW",
  "RM",
  "access",
  "update",
  "insert",
  "delete",
  "not_key",
  "incomplete",
  "variable_flags",
];

/** The command's visible flags, in COMMAND INFO order. */
export function commandFlags(cmd: Command): CommandFlag[] {
  return FLAG_ORDER.filter((f) => cmd.flags.includes(f));
}

/** The command's ACL categories (without "@"), in Redis's order. */
export function commandCategories(cmd: Command): string[] {
  // A container (OBJECT, CLIENT, ...) has no group category of its own, only the
  // implicit ones its (empty) flags give: @slow.
  const cats = new Set(cmd.subs ? aclCategories({ ...cmd, group: "server" }) : aclCategories(cmd));
  return ACL_CATEGORIES.filter((c) => cats.has(c));
}

function replyCommandInfo(c: Client, cmd: Command | undefined): void {
  const r = c.reply;
  if (cmd === undefined) {
    r.nullBulk(); // addReplyNull
    return;
  }
  r.array(10);
  r.bulkText(cmd.fullName);
  r.integer(cmd.arity);
  const flags = commandFlags(cmd);
  r.set(flags.length);
  for (const f of flags) r.simple(f);
  r.integer(cmd.firstKey);
  r.integer(cmd.lastKey);
  r.integer(cmd.step);
  const cats = commandCategories(cmd);
  r.set(cats.length);
  for (const cat of cats) r.simple("@" + cat);
  const tips = cmd.tips ?? [];
  r.set(tips.length);
  for (const t of tips) r.bulkText(t);
  const specs = commandKeySpecs(cmd);
  r.set(specs.length);
  for (const s of specs) replyKeySpec(c, s);
  if (cmd.subs) {
    r.array(cmd.subs.size);
    for (const sub of cmd.subs.values()) replyCommandInfo(c, sub);
  } else {
    r.set(0);
  }
}

function replyKeySpec(c: Client, s: KeySpec): void {
  const r = c.reply;
  r.map(s.notes !== undefined ? 4 : 3);
  if (s.notes !== undefined) {
    r.bulkText("notes");
    r.bulkText(s.notes);
  }
  r.bulkText("flags");
  const flags = KEY_FLAG_ORDER.filter((f) => s.flags.includes(f));
  r.set(flags.length);
  for (const f of flags) r.simple(f);
  r.bulkText("begin_search");
  r.map(2);
  r.bulkText("type");
  const bs = s.beginSearch;
  if (bs === "unknown") {
    r.bulkText("unknown");
    r.bulkText("spec");
    r.map(0);
  } else if ("index" in bs) {
    r.bulkText("index");
    r.bulkText("spec");
    r.map(1);
    r.bulkText("index");
    r.integer(bs.index);
  } else {
    r.bulkText("keyword");
    r.bulkText("spec");
    r.map(2);
    r.bulkText("keyword");
    r.bulkText(bs.keyword);
    r.bulkText("startfrom");
    r.integer(bs.startFrom);
  }
  r.bulkText("find_keys");
  r.map(2);
  r.bulkText("type");
  const fk = s.findKeys;
  if (fk === "unknown") {
    r.bulkText("unknown");
    r.bulkText("spec");
    r.map(0);
  } else if ("lastKey" in fk) {
    r.bulkText("range");
    r.bulkText("spec");
    r.map(3);
    r.bulkText("lastkey");
    r.integer(fk.lastKey);
    r.bulkText("keystep");
    r.integer(fk.keyStep);
    r.bulkText("limit");
    r.integer(fk.limit);
  } else {
    r.bulkText("keynum");
    r.bulkText("spec");
    r.map(3);
    r.bulkText("keynumidx");
    r.integer(fk.keyNumIdx);
    r.bulkText("firstkey");
    r.integer(fk.firstKey);
    r.bulkText("keystep");
    r.integer(fk.keyStep);
  }
}

function replyCommandDocs(c: Client, cmd: Command): void {
  const r = c.reply;
  const args = cmd.args && cmd.args.length > 0 ? cmd.args : undefined;
  let n = 2; // summary (always filled here) and group
  if (cmd.since) n++;
  if (cmd.complexity) n++;
  if (cmd.docFlags?.length) n++;
  if (cmd.deprecatedSince) n++;
  if (cmd.replacedBy) n++;
  if (cmd.history?.length) n++;
  if (args) n++;
  if (cmd.subs) n++;
  r.map(n);
  r.bulkText("summary");
  r.bulkText(cmd.summary);
  if (cmd.since) {
    r.bulkText("since");
    r.bulkText(cmd.since);
  }
  r.bulkText("group");
  r.bulkText(cmd.group);
  if (cmd.complexity) {
    r.bulkText("complexity");
    r.bulkText(cmd.complexity);
  }
  if (cmd.docFlags?.length) {
    r.bulkText("doc_flags");
    r.set(cmd.docFlags.length);
    for (const f of cmd.docFlags) r.simple(f);
  }
  if (cmd.deprecatedSince) {
    r.bulkText("deprecated_since");
    r.bulkText(cmd.deprecatedSince);
  }
  if (cmd.replacedBy) {
    r.bulkText("replaced_by");
    r.bulkText(cmd.replacedBy);
  }
  if (cmd.history?.length) {
    r.bulkText("history");
    r.set(cmd.history.length);
    for (const [since, change] of cmd.history) {
      r.array(2);
      r.bulkText(since);
      r.bulkText(change);
    }
  }
  if (args) {
    r.bulkText("arguments");
    replyArgs(c, args, { next: 0 });
  }
  if (cmd.subs) {
    r.bulkText("subcommands");
    r.map(cmd.subs.size);
    for (const sub of cmd.subs.values()) {
      r.bulkText(sub.fullName);
      replyCommandDocs(c, sub);
    }
  }
}

const ARG_FLAG_ORDER = ["optional", "multiple", "multiple_token"] as const;

/**
 * addReplyCommandArgList. Every argument tied to a key spec shows its key_spec_index: key
 * arguments (numbered in order unless the row says otherwise) and any other argument with an
 * explicit index, like SORT's BY/GET patterns.
 */
function replyArgs(c: Client, args: ArgDoc[], keyIdx: { next: number }): void {
  const r = c.reply;
  r.array(args.length);
  for (const a of args) {
    const container = a.type === "oneof" || a.type === "block";
    const keySpecIndex = a.type === "key" ? (a.keySpecIndex ?? keyIdx.next++) : a.keySpecIndex;
    const flags = ARG_FLAG_ORDER.filter((f) => a.flags?.includes(f));
    let n = 2;
    if (!container) n++; // display_text
    if (keySpecIndex !== undefined) n++;
    if (a.token !== undefined) n++;
    if (a.summary !== undefined) n++;
    if (a.since !== undefined) n++;
    if (a.deprecatedSince !== undefined) n++;
    if (flags.length > 0) n++;
    if (container) n++;
    r.map(n);
    r.bulkText("name");
    r.bulkText(a.name);
    r.bulkText("type");
    r.bulkText(a.type);
    if (!container) {
      r.bulkText("display_text");
      r.bulkText(a.displayText ?? a.name);
    }
    if (keySpecIndex !== undefined) {
      r.bulkText("key_spec_index");
      r.integer(keySpecIndex);
    }
    if (a.token !== undefined) {
      r.bulkText("token");
      r.bulkText(a.token);
    }
    if (a.summary !== undefined) {
      r.bulkText("summary");
      r.bulkText(a.summary);
    }
    if (a.since !== undefined) {
      r.bulkText("since");
      r.bulkText(a.since);
    }
    if (a.deprecatedSince !== undefined) {
      r.bulkText("deprecated_since");
      r.bulkText(a.deprecatedSince);
    }
    if (flags.length > 0) {
      r.bulkText("flags");
      r.set(flags.length);
      for (const f of flags) r.simple(f);
    }
    if (container) {
      r.bulkText("arguments");
      replyArgs(c, a.args ?? [], keyIdx);
    }
  }
}

function commandCommand(c: Client): void {
  const server = c.server;
  c.reply.array(server.commands.size);
  for (const cmd of server.commands.all()) replyCommandInfo(c, cmd);
}

function commandCountCommand(c: Client): void {
  c.reply.integer(c.server.commands.size);
}

function commandListCommand(c: Client): void {
  let filter: ((cmd: Command) => boolean) | null = null;
  for (let i = 2; i < c.argc; i++) {
    const more = c.argc - 1 - i;
    if (c.lower(i) === "filterby" && more === 2) {
      const type = c.lower(i + 1);
      const arg = c.key(i + 2);
      if (type === "module") {
        filter = () => false; // no module is ever loaded
      } else if (type === "aclcat") {
        const cat = arg.toLowerCase();
        filter = (cmd) => ACL_CATEGORIES.includes(cat) && commandCategories(cmd).includes(cat);
      } else if (type === "pattern") {
        filter = (cmd) => matchGlob(arg, cmd.fullName, true);
      } else {
        c.reply.error("ERR syntax error");
        return;
      }
      i += 2;
    } else {
      c.reply.error("ERR syntax error");
      return;
    }
  }
  const names: string[] = [];
  const visit = (cmd: Command) => {
    if (filter === null || filter(cmd)) names.push(cmd.fullName);
    if (cmd.subs) { for (const s of cmd.subs.values()) visit(s); }
  };
  for (const cmd of c.server.commands.all()) visit(cmd);
  c.reply.array(names.length);
  for (const n of names) c.reply.bulkText(n);
}

function commandInfoCommand(c: Client): void {
  const server = c.server;
  if (c.argc === 2) {
    commandCommand(c);
    return;
  }
  c.reply.array(c.argc - 2);
  for (let i = 2; i < c.argc; i++) replyCommandInfo(c, server.commands.lookupByName(c.key(i)));
}

function commandDocsCommand(c: Client): void {
  const server = c.server;
  const cmds: Command[] = [];
  if (c.argc === 2) {
    for (const cmd of server.commands.all()) cmds.push(cmd);
  } else {
    for (let i = 2; i < c.argc; i++) {
      const cmd = server.commands.lookupByName(c.key(i));
      if (cmd) cmds.push(cmd);
    }
  }
  c.reply.map(cmds.length);
  for (const cmd of cmds) {
    c.reply.bulkText(cmd.fullName);
    replyCommandDocs(c, cmd);
  }
}

function getKeysSubcommand(c: Client, withFlags: boolean): void {
  const argv = c.argv.slice(2);
  const cmd = c.server.commands.lookupArgv(argv);
  if (cmd === undefined) {
    c.reply.error("ERR Invalid command specified");
    return;
  }
  if (!commandHasKeys(cmd)) {
    c.reply.error("ERR The command has no key arguments");
    return;
  }
  if ((cmd.arity > 0 && cmd.arity !== argv.length) || argv.length < -cmd.arity) {
    c.reply.error("ERR Invalid number of arguments specified for command");
    return;
  }
  let keys: KeyReference[];
  try {
    keys = getKeysFromCommand(cmd, argv);
  } catch {
    keys = [];
  }
  if (keys.length === 0) {
    if (cmd.flags.includes("no_mandatory_keys")) c.reply.array(0);
    else c.reply.error("ERR Invalid arguments specified for command");
    return;
  }
  c.reply.array(keys.length);
  for (const k of keys) {
    if (withFlags) {
      c.reply.array(2);
      c.reply.bulk(argv[k.pos]);
      const flags = KEY_FLAG_ORDER.filter((f) => k.flags.includes(f));
      c.reply.set(flags.length);
      for (const f of flags) c.reply.simple(f);
    } else {
      c.reply.bulk(argv[k.pos]);
    }
  }
}

function commandHelpCommand(c: Client): void {
  replyHelp(c, [
    "(no subcommand)",
    "    Return details about all Redis commands.",
    "COUNT",
    "    Return the total number of commands in this Redis server.",
    "LIST",
    "    Return a list of all commands in this Redis server.",
    "INFO [<command-name> ...]",
    "    Return details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "DOCS [<command-name> ...]",
    "    Return documentation details about multiple Redis commands.",
    "    If no command names are given, documentation details for all",
    "    commands are returned.",
    "GETKEYS <full-command>",
    "    Return the keys from a full Redis command.",
    "GETKEYSANDFLAGS <full-command>",
    "    Return the keys and the access flags from a full Redis command.",
  ]);
}

// ---------------------------------------------------------------------------------------------
// Table rows

const serverRow = { firstKey: 0, lastKey: 0, step: 0, group: "server" as const };

const optionalMultiple = ["optional", "multiple"] as ("optional" | "multiple")[];

/** Rows of COMMAND. */
export const commandCommands: CommandSpec[] = [
  {
    ...serverRow,
    name: "command",
    arity: -1,
    flags: ["loading", "stale", "sentinel"],
    since: "2.8.13",
    summary: "Returns detailed information about all commands.",
    complexity: "O(N) where N is the total number of Redis commands",
    aclCategories: ["connection"],
    tips: ["nondeterministic_output_order"],
    handler: commandCommand,
    subcommands: [
      {
        ...serverRow,
        name: "count",
        arity: 2,
        flags: ["loading", "stale", "sentinel"],
        since: "2.8.13",
        summary: "Returns a count of commands.",
        complexity: "O(1)",
        aclCategories: ["connection"],
        handler: commandCountCommand,
      },
      {
        ...serverRow,
        name: "docs",
        arity: -2,
        flags: ["loading", "stale", "sentinel"],
        since: "7.0.0",
        summary: "Returns documentary information about one, multiple or all commands.",
        complexity: "O(N) where N is the number of commands to look up",
        aclCategories: ["connection"],
        tips: ["nondeterministic_output_order"],
        args: [{ name: "command-name", type: "string", flags: optionalMultiple }],
        handler: commandDocsCommand,
      },
      {
        ...serverRow,
        name: "getkeys",
        arity: -3,
        flags: ["loading", "stale", "sentinel"],
        since: "2.8.13",
        summary: "Extracts the key names from an arbitrary command.",
        complexity: "O(N) where N is the number of arguments to the command",
        aclCategories: ["connection"],
        args: [
          { name: "command", type: "string" },
          { name: "arg", type: "string", flags: optionalMultiple },
        ],
        handler: (c) => getKeysSubcommand(c, false),
      },
      {
        ...serverRow,
        name: "getkeysandflags",
        arity: -3,
        flags: ["loading", "stale", "sentinel"],
        since: "7.0.0",
        summary: "Extracts the key names and access flags for an arbitrary command.",
        complexity: "O(N) where N is the number of arguments to the command",
        aclCategories: ["connection"],
        args: [
          { name: "command", type: "string" },
          { name: "arg", type: "string", flags: optionalMultiple },
        ],
        handler: (c) => getKeysSubcommand(c, true),
      },
      {
        ...helpRow(commandHelpCommand, "5.0.0"),
        flags: ["loading", "stale", "sentinel"],
        aclCategories: ["connection"],
      },
      {
        ...serverRow,
        name: "info",
        arity: -2,
        flags: ["loading", "stale", "sentinel"],
        since: "2.8.13",
        summary: "Returns information about one, multiple or all commands.",
        complexity: "O(N) where N is the number of commands to look up",
        aclCategories: ["connection"],
        tips: ["nondeterministic_output_order"],
        history: [["7.0.0", "Allowed to be called with no argument to get info on all commands."]],
        args: [{ name: "command-name", type: "string", flags: optionalMultiple }],
        handler: commandInfoCommand,
      },
      {
        ...serverRow,
        name: "list",
        arity: -2,
        flags: ["loading", "stale", "sentinel"],
        since: "7.0.0",
        summary: "Returns a list of command names.",
        complexity: "O(N) where N is the total number of Redis commands",
        aclCategories: ["connection"],
        tips: ["nondeterministic_output_order"],
        args: [{
          name: "filterby",
          type: "oneof",
          token: "FILTERBY",
          flags: ["optional"],
          args: [
            { name: "module-name", type: "string", token: "MODULE" },
            { name: "category", type: "string", token: "ACLCAT" },
            { name: "pattern", type: "pattern", token: "PATTERN" },
          ],
        }],
        handler: commandListCommand,
      },
    ],
  },
];
