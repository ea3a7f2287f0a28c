/**
 * Server commands: INFO, CONFIG, COMMAND, TIME, LASTSAVE, DEBUG, SHUTDOWN,
 * MONITOR, SLOWLOG, LATENCY (Redis's server.c, config.c, debug.c, slowlog.c,
 * latency.c). COMMAND reads the one command table, server.commands.
 */

import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { ConfigError } from "../server/config.ts";
import { memtoull } from "../server/config_file.ts";
import { randomReplId } from "../replication/state.ts";
import { setQuicklistPackedThreshold } from "../store/list.ts";
import { RedisList } from "../store/list.ts";
import { bytesToBinary, bytesToText, cString, textToBytes } from "../util/bytes.ts";
import { matchGlob } from "../util/glob.ts";
import { parseLongLong } from "../util/number.ts";
import { strtodPrefix } from "../util/strtod.ts";
import { replyHelp, replySubcommandSyntaxError } from "./help.ts";
import { genInfoString, resetInfoStats } from "./info.ts";
import { objectEncoding, objectRefcount } from "./keyspace.ts";
import {
  aclCategories,
  type ArgDoc,
  type Command,
  type CommandFlag,
  commandKeys,
  type CommandSpec,
  type KeySpec,
  type KeySpecFlag,
} from "./table.ts";

/** The peer is on the loopback interface (islocalClient). */
function isLocalClient(c: Client): boolean {
  return c.conn === null || c.addr.startsWith("127.0.0.1:") || c.addr.startsWith("[::1]:");
}

/**
 * Runs `work` while the client waits, like a blocked command: its later
 * commands wait for the reply, which `done` writes when the work settles.
 * Where a client cannot block (inside EXEC), `done` runs when the work settles
 * but its reply is already due, so OK is assumed and failures are only logged.
 */
function waitFor<T>(
  c: Client,
  work: Promise<T>,
  done: (c: Client, ok: boolean, result: T | unknown) => void,
): void {
  const server = c.server;
  const cmd = c.cmd!;
  if (!server.blocking.canBlock(c)) {
    c.reply.ok();
    work.catch((err) => server.log.warning(`${cmd.fullName}: ${(err as Error).message}`));
    return;
  }
  const start = performance.now();
  server.blocking.block(c, [], "string", 0, () => {});
  const state = c.blocked!;
  const settle = (ok: boolean, result: T | unknown) => {
    if (c.blocked !== state) return; // freed or unblocked meanwhile
    server.blocking.unblock(c, "served");
    const errorsBefore = server.stats.totalErrorReplies;
    done(c, ok, result);
    cmd.stats.calls++;
    cmd.stats.usec += Math.round((performance.now() - start) * 1000);
    if (server.stats.totalErrorReplies !== errorsBefore) cmd.stats.failedCalls++;
    server.stats.totalCommandsProcessed++;
    c.scheduleFlush();
    state.resume();
  };
  work.then((v) => settle(true, v), (e) => settle(false, e));
}

// ---------------------------------------------------------------------------------------------
// INFO

function infoCommand(c: Client): void {
  const args: string[] = [];
  for (let i = 1; i < c.argc; i++) args.push(c.key(i));
  c.reply.verbatim(genInfoString(c.server, args));
}

// ---------------------------------------------------------------------------------------------
// CONFIG

function configGetCommand(c: Client): void {
  const patterns: string[] = [];
  for (let i = 2; i < c.argc; i++) patterns.push(c.key(i));
  const pairs = c.server.config.getMatching(patterns);
  c.reply.map(pairs.length);
  for (const [name, value] of pairs) {
    c.reply.bulkBinary(name);
    c.reply.bulkBinary(value);
  }
}

const REDACTED = textToBytes("(redacted)");

function configSetCommand(c: Client): void {
  if ((c.argc - 2) % 2 !== 0) {
    c.reply.error("ERR syntax error");
    return;
  }
  const config = c.server.config;
  const pairs: [string, string][] = [];
  let redacted: Uint8Array[] | null = null;
  for (let i = 2; i < c.argc; i += 2) {
    const name = c.key(i);
    pairs.push([name, c.key(i + 1)]);
    // Secrets never reach the slowlog (redactClientCommandArgument).
    if (config.isSensitive(name)) {
      redacted ??= [...c.argv];
      redacted[i + 1] = REDACTED;
    }
  }
  if (redacted !== null) c.rewriteArgv(redacted);
  try {
    config.setMany(pairs, { isLocalClient: isLocalClient(c) });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    c.reply.error(`${err.code} ${err.message}`);
    return;
  }
  c.reply.ok();
}

/** Hooks run by CONFIG RESETSTAT for statistics kept outside Stats (persistence, ...). */
const resetStatHooks = new WeakMap<Server, (() => void)[]>();

/** Registers `fn` to run on CONFIG RESETSTAT (modules keeping their own INFO counters). */
export function onResetStat(server: Server, fn: () => void): void {
  const list = resetStatHooks.get(server);
  if (list) list.push(fn);
  else resetStatHooks.set(server, [fn]);
}

/** resetServerStats + resetCommandTableStats + resetErrorTableStats. */
export function resetStats(server: Server): void {
  server.stats.reset();
  const visit = (cmd: Command) => {
    cmd.stats.calls = 0;
    cmd.stats.usec = 0;
    cmd.stats.rejectedCalls = 0;
    cmd.stats.failedCalls = 0;
    if (cmd.subs) { for (const s of cmd.subs.values()) visit(s); }
  };
  for (const cmd of server.commands.all()) visit(cmd);
  resetInfoStats(server);
  for (const fn of resetStatHooks.get(server) ?? []) fn();
}

function configResetStatCommand(c: Client): void {
  resetStats(c.server);
  c.reply.ok();
}

function configRewriteCommand(c: Client): void {
  const server = c.server;
  if (server.config.configFile === null) {
    c.reply.error("ERR The server is running without a config file");
    return;
  }
  waitFor(c, server.config.rewrite(), (c, ok, result) => {
    if (ok) {
      server.log.notice("CONFIG REWRITE executed with success.");
      c.reply.ok();
      return;
    }
    const msg = result instanceof Error ? result.message : String(result);
    server.log.warning(`CONFIG REWRITE failed: ${msg.replace(/^Rewriting config file: /, "")}`);
    c.reply.error(`ERR ${msg}`);
  });
}

function configHelpCommand(c: Client): void {
  replyHelp(c, [
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value>",
    "    Set the configuration <directive> to <value>.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
  ]);
}

// ---------------------------------------------------------------------------------------------
// COMMAND

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

/**
 * The command's key specs: the row's own, or one derived from its legacy
 * (first, last, step) range with flags guessed from the command flags.
 */
export function commandKeySpecs(cmd: Command): KeySpec[] {
  if (cmd.keySpecs) return cmd.keySpecs;
  if (cmd.firstKey <= 0) return [];
  const flags: KeySpecFlag[] = cmd.isWrite
    ? ["RW", "update"]
    : cmd.isReadonly
    ? ["RO", "access"]
    : ["RO"];
  return [{
    flags,
    beginSearch: { index: cmd.firstKey },
    findKeys: {
      lastKey: cmd.lastKey >= 0 ? cmd.lastKey - cmd.firstKey : cmd.lastKey,
      keyStep: cmd.step,
      limit: 0,
    },
  }];
}

/** lookupCommandBySds: "get" or "config|get", case-insensitive. */
export function lookupCommandByName(server: Server, name: string): Command | undefined {
  const parts = name.split("|");
  if (parts.length > 2) return undefined;
  const base = server.commands.lookup(parts[0]);
  if (parts.length === 1 || base === undefined) return base;
  return base.subs?.get(parts[1].toLowerCase());
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
  for (let i = 2; i < c.argc; i++) replyCommandInfo(c, lookupCommandByName(server, c.key(i)));
}

function commandDocsCommand(c: Client): void {
  const server = c.server;
  const cmds: Command[] = [];
  if (c.argc === 2) {
    for (const cmd of server.commands.all()) cmds.push(cmd);
  } else {
    for (let i = 2; i < c.argc; i++) {
      const cmd = lookupCommandByName(server, c.key(i));
      if (cmd) cmds.push(cmd);
    }
  }
  c.reply.map(cmds.length);
  for (const cmd of cmds) {
    c.reply.bulkText(cmd.fullName);
    replyCommandDocs(c, cmd);
  }
}

/** Key positions of a call with their key-spec flags (getKeysFromCommandWithSpecs). */
export function keysWithFlags(
  cmd: Command,
  argv: Uint8Array[],
): { pos: number; flags: KeySpecFlag[] }[] {
  const specs = commandKeySpecs(cmd);
  const bySpec = cmd.getKeys ? new Map<number, KeySpecFlag[]>() : null;
  const out: { pos: number; flags: KeySpecFlag[] }[] = [];
  for (const spec of specs) {
    for (const pos of keysFromSpec(spec, argv)) {
      if (bySpec) {
        if (!bySpec.has(pos)) bySpec.set(pos, spec.flags);
      } else out.push({ pos, flags: spec.flags });
    }
  }
  if (bySpec === null) return out;
  const fallback = specs[0]?.flags ?? [];
  return commandKeys(cmd, argv).map((pos) => ({ pos, flags: bySpec.get(pos) ?? fallback }));
}

/** Key positions one key spec designates in `argv` (getKeysUsingKeySpecs for one spec). */
function keysFromSpec(spec: KeySpec, argv: Uint8Array[]): number[] {
  const argc = argv.length;
  const bs = spec.beginSearch;
  let first: number;
  if (bs === "unknown") return [];
  if ("index" in bs) {
    first = bs.index;
  } else {
    const kw = bs.keyword.toLowerCase();
    const start = bs.startFrom > 0 ? bs.startFrom : argc + bs.startFrom;
    const step = bs.startFrom > 0 ? 1 : -1;
    first = 0;
    for (let i = start; i > 0 && i < argc; i += step) {
      if (bytesToBinary(argv[i]).toLowerCase() === kw) {
        first = i + 1;
        break;
      }
    }
    if (first === 0) return [];
  }
  const fk = spec.findKeys;
  if (fk === "unknown" || first >= argc) return [];
  let last: number, step: number;
  if ("lastKey" in fk) {
    step = fk.keyStep;
    if (fk.lastKey >= 0) last = first + fk.lastKey;
    else if (fk.limit <= 1) last = argc + fk.lastKey;
    else last = first + Math.floor((argc - 1 - first) / fk.limit);
  } else {
    const numIdx = first + fk.keyNumIdx;
    if (numIdx >= argc) return [];
    const n = parseLongLong(argv[numIdx]);
    if (n === null || n < 0n) return [];
    step = fk.keyStep;
    first = numIdx + fk.firstKey;
    last = first + (Number(n) - 1) * step;
  }
  const out: number[] = [];
  for (let i = first; i <= last; i += step) {
    if (i >= argc || i < 1) break;
    out.push(i);
  }
  return out;
}

function getKeysSubcommand(c: Client, withFlags: boolean): void {
  const server = c.server;
  const argv = c.argv.slice(2);
  let cmd = server.commands.lookup(bytesToBinary(argv[0]));
  if (cmd?.subs && argv.length > 1) cmd = cmd.subs.get(bytesToBinary(argv[1]).toLowerCase());
  if (cmd === undefined) {
    c.reply.error("ERR Invalid command specified");
    return;
  }
  const hasKeys = cmd.getKeys !== undefined ||
    commandKeySpecs(cmd).some((s) => !s.flags.includes("not_key"));
  if (!hasKeys) {
    c.reply.error("ERR The command has no key arguments");
    return;
  }
  if ((cmd.arity > 0 && cmd.arity !== argv.length) || argv.length < -cmd.arity) {
    c.reply.error("ERR Invalid number of arguments specified for command");
    return;
  }
  let keys: { pos: number; flags: KeySpecFlag[] }[];
  try {
    keys = keysWithFlags(cmd, argv);
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
// TIME, LASTSAVE, MONITOR

function timeCommand(c: Client): void {
  const us = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  const sec = Math.floor(us / 1e6);
  c.reply.array(2);
  c.reply.bulkText(String(sec));
  c.reply.bulkText(String(us - sec * 1e6));
}

function lastsaveCommand(c: Client): void {
  c.reply.integer(c.server.lastSave);
}

function monitorCommand(c: Client): void {
  if (c.inExec) {
    c.reply.error("ERR MONITOR isn't allowed for DENY BLOCKING client");
    return;
  }
  // A replica or a client already monitoring gets no reply (CLIENT_SLAVE).
  if (c.monitor || c.kind === "replica") return;
  c.monitor = true;
  c.server.monitors.add(c);
  c.reply.ok();
}

// ---------------------------------------------------------------------------------------------
// SHUTDOWN

/** What SHUTDOWN saves with, installed by the persistence module; resolves false on failure. */
const shutdownSavers = new WeakMap<Server, (force: boolean) => Promise<boolean>>();

/**
 * Installs the final save SHUTDOWN performs when save points are configured
 * (or SAVE is given) and NOSAVE is not: the persistence module's RDB save.
 */
export function setShutdownSaver(
  server: Server,
  save: (force: boolean) => Promise<boolean>,
): void {
  shutdownSavers.set(server, save);
}

function shutdownCommand(c: Client): void {
  let nosave = false, save = false, now = false, force = false, abort = false;
  for (let i = 1; i < c.argc; i++) {
    const a = c.lower(i);
    if (a === "nosave") nosave = true;
    else if (a === "save") save = true;
    else if (a === "now") now = true;
    else if (a === "force") force = true;
    else if (a === "abort") abort = true;
    else {
      c.reply.error("ERR syntax error");
      return;
    }
  }
  if ((abort && (nosave || save || now || force)) || (nosave && save)) {
    c.reply.error("ERR syntax error");
    return;
  }
  if (abort) {
    c.reply.error("ERR No shutdown in progress.");
    return;
  }
  if (!now && c.inExec) {
    c.reply.error("ERR SHUTDOWN without NOW or ABORT isn't allowed for DENY BLOCKING client");
    return;
  }
  const server = c.server;
  server.log.warning("User requested shutdown...");
  const saver = shutdownSavers.get(server);
  const mustSave = (server.config.saveParams.length > 0 && !nosave) || save;
  if (mustSave && saver !== undefined) {
    server.log.notice("Saving the final RDB snapshot before exiting.");
    const work = saver(force).then((ok) => {
      if (!ok) throw new Error("save failed");
    });
    if (!server.blocking.canBlock(c)) {
      work.then(() => finishShutdown(server), () => {});
      return;
    }
    waitFor(c, work, (c, ok) => {
      if (ok || force) {
        if (!ok) server.log.warning("Error trying to save the DB. Exit anyway.");
        finishShutdown(server);
        return;
      }
      server.log.warning("Error trying to save the DB, can't exit.");
      server.log.warning(
        "Errors trying to shut down the server. Check the logs for more information.",
      );
      c.reply.error("ERR Errors trying to SHUTDOWN. Check logs.");
    });
    return;
  }
  finishShutdown(server);
}

/** Closes every client and listener; the process exits through server.onShutdown. */
function finishShutdown(server: Server): void {
  server.close().then(() => server.onShutdown?.());
}

// ---------------------------------------------------------------------------------------------
// SLOWLOG

function slowlogGetCommand(c: Client): void {
  if (c.argc > 3) {
    replySubcommandSyntaxError(c);
    return;
  }
  const log = c.server.slowlog;
  let count = 10;
  if (c.argc === 3) {
    const v = parseLongLong(c.argv[2]);
    if (v === null || v < -1n) {
      c.reply.error("ERR count should be greater than or equal to -1");
      return;
    }
    count = v === -1n ? log.entries.length : Number(v > 1n << 40n ? 1n << 40n : v);
  }
  if (count > log.entries.length) count = log.entries.length;
  c.reply.array(count);
  for (let i = 0; i < count; i++) {
    const e = log.entries[i];
    c.reply.array(6);
    c.reply.integer(e.id);
    c.reply.integer(e.time);
    c.reply.integer(e.usec);
    c.reply.array(e.args.length);
    for (const a of e.args) c.reply.bulk(a);
    c.reply.bulkBinary(e.addr);
    c.reply.bulkBinary(e.name);
  }
}

function slowlogLenCommand(c: Client): void {
  c.reply.integer(c.server.slowlog.entries.length);
}

function slowlogResetCommand(c: Client): void {
  c.server.slowlog.reset();
  c.reply.ok();
}

function slowlogHelpCommand(c: Client): void {
  replyHelp(c, [
    "GET [<count>]",
    "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
    "    Entries are made of:",
    "    id, timestamp, time in microseconds, arguments array, client IP and port,",
    "    client name",
    "LEN",
    "    Return the length of the slowlog.",
    "RESET",
    "    Reset the slowlog.",
  ]);
}

// ---------------------------------------------------------------------------------------------
// LATENCY (no latency events are ever sampled here: minimal but valid replies)

function latencyLatestCommand(c: Client): void {
  c.reply.array(0);
}

function latencyHistoryCommand(c: Client): void {
  c.reply.array(0);
}

function latencyResetCommand(c: Client): void {
  c.reply.integer(0);
}

function latencyGraphCommand(c: Client): void {
  c.reply.errorBinary(`ERR No samples available for event '${cString(c.argv[2])}'`);
}

function latencyDoctorCommand(c: Client): void {
  if (c.server.config.latencyMonitorThreshold === 0) {
    c.reply.verbatim(
      "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n",
    );
    return;
  }
  c.reply.verbatim(
    "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n",
  );
}

/**
 * LATENCY HISTOGRAM: per-call latencies are not kept, so each command that ran
 * reports all its calls in the power-of-two bucket of its mean latency.
 */
function latencyHistogramCommand(c: Client): void {
  const server = c.server;
  const cmds: Command[] = [];
  const add = (cmd: Command) => {
    if (cmd.stats.calls > 0 && server.config.latencyTracking) cmds.push(cmd);
  };
  if (c.argc === 2) {
    const visit = (cmd: Command) => {
      add(cmd);
      if (cmd.subs) { for (const s of cmd.subs.values()) visit(s); }
    };
    for (const cmd of server.commands.all()) visit(cmd);
  } else {
    for (let i = 2; i < c.argc; i++) {
      const cmd = lookupCommandByName(server, c.key(i));
      if (cmd && !cmds.includes(cmd)) add(cmd);
    }
  }
  c.reply.map(cmds.length);
  for (const cmd of cmds) {
    c.reply.bulkText(cmd.fullName);
    c.reply.map(2);
    c.reply.bulkText("calls");
    c.reply.integer(cmd.stats.calls);
    c.reply.bulkText("histogram_usec");
    c.reply.map(1);
    const mean = Math.max(1, cmd.stats.usec / cmd.stats.calls);
    c.reply.integer(2 ** Math.ceil(Math.log2(mean)));
    c.reply.integer(cmd.stats.calls);
  }
}

function latencyHelpCommand(c: Client): void {
  replyHelp(c, [
    "DOCTOR",
    "    Return a human readable latency analysis report.",
    "GRAPH <event>",
    "    Return an ASCII latency graph for the <event> class.",
    "HISTORY <event>",
    "    Return time-latency samples for the <event> class.",
    "LATEST",
    "    Return the latest latency samples for all events.",
    "RESET [<event> ...]",
    "    Reset latency data of one or more <event> classes.",
    "    (default: reset all data for all event classes)",
    "HISTOGRAM [COMMAND ...]",
    "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
    "    If no commands are specified then all histograms are replied.",
  ]);
}

// ---------------------------------------------------------------------------------------------
// DEBUG

const DEBUG_HELP = [
  "AOF-FLUSH-SLEEP <microsec>",
  "    Server will sleep before flushing the AOF, this is used for testing.",
  "ASSERT",
  "    Crash by assertion failed.",
  "CHANGE-REPL-ID",
  "    Change the replication IDs of the instance.",
  "    Dangerous: should be used only for testing the replication subsystem.",
  "CONFIG-REWRITE-FORCE-ALL",
  "    Like CONFIG REWRITE but writes all configuration options, including",
  "    keywords not listed in original configuration file or default values.",
  "CRASH-AND-RECOVER [<milliseconds>]",
  "    Hard crash and restart after a <milliseconds> delay (default 0).",
  "DIGEST",
  "    Output a hex signature representing the current DB content.",
  "DIGEST-VALUE <key> [<key> ...]",
  "    Output a hex signature of the values of all the specified keys.",
  "ERROR <string>",
  "    Return a Redis protocol error with <string> as message. Useful for clients",
  "    unit tests to simulate Redis errors.",
  "LEAK <string>",
  "    Create a memory leak of the input string.",
  "LOG <message>",
  "    Write <message> to the server log.",
  "HTSTATS <dbid>",
  "    Return hash table statistics of the specified Redis database.",
  "HTSTATS-KEY <key>",
  "    Like HTSTATS but for the hash table stored at <key>'s value.",
  "LOADAOF",
  "    Flush the AOF buffers on disk and reload the AOF in memory.",
  "REPLICATE <string>",
  "    Replicates the provided string to replicas, allowing data divergence.",
  "MALLCTL <key> [<val>]",
  "    Get or set a malloc tuning integer.",
  "MALLCTL-STR <key> [<val>]",
  "    Get or set a malloc tuning string.",
  "OBJECT <key>",
  "    Show low level info about `key` and associated value.",
  "DROP-CLUSTER-PACKET-FILTER <packet-type>",
  "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
  "OOM",
  "    Crash the server simulating an out-of-memory error.",
  "PANIC",
  "    Crash the server simulating a panic.",
  "POPULATE <count> [<prefix>] [<size>]",
  "    Create <count> string keys named key:<num>. If <prefix> is specified then",
  "    it is used instead of the 'key' prefix. These are not propagated to",
  "    replicas. Cluster slots are not respected so keys not belonging to the",
  "    current node can be created in cluster mode.",
  "PROTOCOL <type>",
  "    Reply with a test value of the specified type. <type> can be: string,",
  "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
  "    true, false.",
  "RELOAD [option ...]",
  "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
  "    * MERGE: conflicting keys will be loaded from RDB.",
  "    * NOFLUSH: the existing database will not be removed before load, but",
  "      conflicting keys will generate an exception and kill the server.",
  "    * NOSAVE: the database will be loaded from an existing RDB file.",
  "    Examples:",
  "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
  "      the database.",
  "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
  "      existing RDB file.",
  "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
  "      file to the database.",
  "RESTART [<milliseconds>]",
  "    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).",
  "SDSLEN <key>",
  "    Show low level SDS string info representing `key` and value.",
  "SEGFAULT",
  "    Crash the server with sigsegv.",
  "SET-ACTIVE-EXPIRE <0|1>",
  "    Setting it to 0 disables expiring keys in background when they are not",
  "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
  "    default.",
  "QUICKLIST-PACKED-THRESHOLD <size>",
  "    Sets the threshold for elements to be inserted as plain vs packed nodes",
  "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
  "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
  "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
  "SLEEP <seconds>",
  "    Stop the server for <seconds>. Decimals allowed.",
  "STRINGMATCH-TEST",
  "    Run a fuzz tester against the stringmatchlen() function.",
  "STRUCTSIZE",
  "    Return the size of different Redis core C structures.",
  "LISTPACK <key>",
  "    Show low level info about the listpack encoding of <key>.",
  "QUICKLIST <key> [<0|1>]",
  "    Show low level info about the quicklist encoding of <key>.",
  "    The optional argument (0 by default) sets the level of detail",
  "CLIENT-EVICTION",
  "    Show low level client eviction pools info (maxmemory-clients).",
  "PAUSE-CRON <0|1>",
  "    Stop periodic cron job processing.",
  "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
  "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
  "    In case NEVER is provided the last observed peak will never be reset",
  "    In case RESET is provided the peak reset time will be restored to the default value",
  "REPLYBUFFER RESIZING <0|1>",
  "    Enable or disable the reply buffer resize cron job",
  "CLUSTERLINK KILL <to|from|all> <node-id>",
  "    Kills the link based on the direction to/from (both) with the provided node.",
];

/** C atoi: optional spaces and sign, then digits; 0 when none. */
function atoi(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m ? Number(m[1]) : 0;
}

/** Blocks the whole server for `ms`, as DEBUG SLEEP's nanosleep does. */
function sleepSync(ms: number): void {
  if (!(ms > 0)) return;
  const cell = new Int32Array(new SharedArrayBuffer(4));
  const until = performance.now() + ms;
  let left = ms;
  while (left > 0) {
    Atomics.wait(cell, 0, 0, Math.min(left, 0x7fffffff));
    left = until - performance.now();
  }
}

function debugCommand(c: Client): void {
  const sub = c.lower(1);
  const server = c.server;
  if (sub === "help" && c.argc === 2) {
    replyHelp(c, DEBUG_HELP);
  } else if (sub === "sleep" && c.argc === 3) {
    // strtod, then C's cast to long long: out of its range (inf, nan, huge) x86-64 gives
    // LLONG_MIN, a negative time nanosleep refuses.
    const usec = strtodPrefix(c.key(2))[0] * 1e6;
    sleepSync(Math.abs(usec) < 2 ** 63 ? Math.trunc(usec) / 1000 : 0);
    c.reply.ok();
  } else if (sub === "set-active-expire" && c.argc === 3) {
    server.activeExpireEnabled = atoi(c.key(2)) !== 0;
    c.reply.ok();
  } else if (sub === "change-repl-id" && c.argc === 2) {
    server.log.warning("Changing replication IDs after receiving DEBUG change-repl-id");
    server.repl.replid = randomReplId();
    server.repl.replid2 = "0".repeat(40);
    server.repl.secondReplidOffset = -1;
    c.reply.ok();
  } else if (sub === "object" && c.argc === 3) {
    debugObject(c);
  } else if (sub === "error" && c.argc === 3) {
    c.reply.error(bytesToText(c.argv[2]));
  } else if (sub === "log" && c.argc === 3) {
    server.log.warning(`DEBUG LOG: ${bytesToText(c.argv[2])}`);
    c.reply.ok();
  } else if (sub === "protocol" && c.argc === 3) {
    debugProtocol(c);
  } else if (sub === "quicklist-packed-threshold" && c.argc === 3) {
    const sz = memtoull(c.key(2));
    if (sz === null || sz > 0xffffffffn || !setQuicklistPackedThreshold(Number(sz))) {
      c.reply.error("ERR argument must be a memory value bigger than 1 and smaller than 4gb");
    } else {
      c.reply.ok();
    }
  } else if (sub === "set-skip-checksum-validation" && c.argc === 3) {
    c.reply.ok();
  } else {
    replySubcommandSyntaxError(c);
  }
}

function debugProtocol(c: Client): void {
  const r = c.reply;
  switch (c.lower(2)) {
    case "string":
      return r.bulkText("Hello World");
    case "integer":
      return r.integer(12345);
    case "double":
      return r.double(3.141);
    case "bignum":
      return r.bigNumber("1234567999999999999999999999999999999");
    case "null":
      return r.nullBulk();
    case "array":
      r.array(3);
      for (let j = 0; j < 3; j++) r.integer(j);
      return;
    case "set":
      r.set(3);
      for (let j = 0; j < 3; j++) r.integer(j);
      return;
    case "map":
      r.map(3);
      for (let j = 0; j < 3; j++) {
        r.integer(j);
        r.bool(j === 1);
      }
      return;
    case "attrib":
      if (r.resp === 3) {
        c.reply.raw(textToBytes("|1\r\n"));
        r.bulkText("key-popularity");
        r.array(2);
        r.bulkText("key:123");
        r.integer(90);
      }
      return r.bulkText("Some real reply following the attribute");
    case "push":
      if (r.resp < 3) return r.error("ERR RESP2 is not supported by this command");
      r.push(2);
      r.bulkText("server-cpu-usage");
      r.integer(42);
      return r.bulkText("Some real reply following the push reply");
    case "true":
      return r.bool(true);
    case "false":
      return r.bool(false);
    case "verbatim":
      return r.verbatim("This is a verbatim\nstring");
    default:
      r.error(
        "ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false",
      );
  }
}

/** RDB length-prefix size (rdbSaveLen). */
function rdbLenSize(n: number): number {
  return n < 64 ? 1 : n < 16384 ? 2 : n <= 0xffffffff ? 5 : 9;
}

/** rdbSaveRawString's size without compression; integers take the int encodings. */
function rdbStringSize(v: Uint8Array): number {
  if (v.length <= 11) {
    const n = parseLongLong(v);
    if (n !== null) {
      if (n >= -128n && n <= 127n) return 2;
      if (n >= -32768n && n <= 32767n) return 3;
      if (n >= -2147483648n && n <= 2147483647n) return 5;
    }
  }
  return rdbLenSize(v.length) + v.length;
}

/**
 * DEBUG OBJECT's line. serializedlength is the RDB size for strings and lists
 * (without LZF compression); for other types an estimate from element sizes.
 */
function debugObject(c: Client): void {
  const server = c.server;
  const key = c.key(2);
  // A plain dict lookup: an expired key not yet reclaimed is still shown.
  const e = c.db.peek(key);
  if (e === undefined) {
    c.reply.error("ERR no such key");
    return;
  }
  const v = e.value;
  // The same object OBJECT ENCODING / OBJECT REFCOUNT describe.
  const encoding = objectEncoding(server, e);
  const refcount = objectRefcount(server, e);
  let serialized: number;
  let extra = "";
  if (v instanceof Uint8Array) {
    serialized = rdbStringSize(v);
  } else {
    const cfg = server.config;
    if (v instanceof RedisList) {
      const nodes = v.debugNodes();
      serialized = rdbLenSize(nodes.length);
      let total = 0;
      for (const n of nodes) {
        serialized += 1 + rdbLenSize(n.sz) + n.sz;
        total += n.sz;
      }
      if (encoding === "quicklist") {
        const avg = nodes.length ? v.length / nodes.length : 0;
        extra = ` ql_nodes:${nodes.length} ql_avg_node:${
          avg.toFixed(2)
        } ql_listpack_max:${cfg.listMaxListpackSize} ql_compressed:${
          cfg.listCompressDepth !== 0 ? 1 : 0
        } ql_uncompressed_size:${total}`;
      }
    } else {
      serialized = (v.length ?? 0) * 8 + 8;
    }
  }
  const lru = Math.floor(e.lru / 1000) & 0xffffff;
  const idle = Math.max(0, Math.floor((Date.now() - e.lru) / 1000));
  c.reply.simple(
    `Value at:0x${
      addressOf(e)
    } refcount:${refcount} encoding:${encoding} serializedlength:${serialized} lru:${lru} lru_seconds_idle:${idle}${extra}`,
  );
}

const addresses = new WeakMap<object, string>();
let nextAddress = 0x7f0000001000;

/** A stable fake pointer per value, for DEBUG OBJECT's "Value at". */
function addressOf(o: object): string {
  let a = addresses.get(o);
  if (a === undefined) {
    a = nextAddress.toString(16);
    nextAddress += 0x20;
    addresses.set(o, a);
  }
  return a;
}

// ---------------------------------------------------------------------------------------------
// Table rows

const serverRow = { firstKey: 0, lastKey: 0, step: 0, group: "server" as const };

const ADMIN_SUB: CommandFlag[] = ["admin", "noscript", "loading", "stale"];
const NODES_ALL_SUCCEEDED = ["request_policy:all_nodes", "response_policy:all_succeeded"];

function helpRow(handler: (c: Client) => void, since: string): CommandSpec {
  return {
    ...serverRow,
    name: "help",
    arity: 2,
    flags: ["loading", "stale"],
    since,
    summary: "Returns helpful text about the different subcommands.",
    complexity: "O(1)",
    handler,
  };
}

const optionalMultiple = ["optional", "multiple"] as ("optional" | "multiple")[];

/** Rows of the server group. */
export const serverCommands: CommandSpec[] = [
  {
    ...serverRow,
    name: "info",
    arity: -1,
    flags: ["loading", "stale", "sentinel"],
    since: "1.0.0",
    summary: "Returns information and statistics about the server.",
    complexity: "O(1)",
    aclCategories: ["dangerous"],
    tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
    history: [["7.0.0", "Added support for taking multiple section arguments."]],
    args: [{ name: "section", type: "string", flags: optionalMultiple }],
    handler: infoCommand,
  },
  {
    ...serverRow,
    name: "config",
    arity: -2,
    flags: [],
    since: "2.0.0",
    summary: "A container for server configuration commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      {
        ...serverRow,
        name: "get",
        arity: -3,
        flags: ADMIN_SUB,
        since: "2.0.0",
        summary: "Returns the effective values of configuration parameters.",
        complexity: "O(N) when N is the number of configuration parameters provided",
        history: [["7.0.0", "Added the ability to pass multiple pattern parameters in one call"]],
        args: [{ name: "parameter", type: "string", flags: ["multiple"] }],
        handler: configGetCommand,
      },
      {
        ...serverRow,
        name: "set",
        arity: -4,
        flags: [...ADMIN_SUB, "may_replicate"],
        since: "2.0.0",
        summary: "Sets configuration parameters in-flight.",
        complexity: "O(N) when N is the number of configuration parameters provided",
        tips: NODES_ALL_SUCCEEDED,
        history: [["7.0.0", "Added the ability to set multiple parameters in one call."]],
        args: [{
          name: "data",
          type: "block",
          flags: ["multiple"],
          args: [{ name: "parameter", type: "string" }, { name: "value", type: "string" }],
        }],
        handler: configSetCommand,
      },
      {
        ...serverRow,
        name: "resetstat",
        arity: 2,
        flags: ADMIN_SUB,
        since: "2.0.0",
        summary: "Resets the server's statistics.",
        complexity: "O(1)",
        tips: NODES_ALL_SUCCEEDED,
        handler: configResetStatCommand,
      },
      {
        ...serverRow,
        name: "rewrite",
        arity: 2,
        flags: ADMIN_SUB,
        since: "2.8.0",
        summary: "Persists the effective configuration to file.",
        complexity: "O(1)",
        tips: NODES_ALL_SUCCEEDED,
        handler: configRewriteCommand,
      },
      helpRow(configHelpCommand, "5.0.0"),
    ],
  },
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
  {
    ...serverRow,
    name: "time",
    arity: 1,
    flags: ["loading", "stale", "fast"],
    since: "2.6.0",
    summary: "Returns the server time.",
    complexity: "O(1)",
    tips: ["nondeterministic_output"],
    handler: timeCommand,
  },
  {
    ...serverRow,
    name: "lastsave",
    arity: 1,
    flags: ["loading", "stale", "fast"],
    since: "1.0.0",
    summary: "Returns the Unix timestamp of the last successful save to disk.",
    complexity: "O(1)",
    aclCategories: ["admin", "dangerous"],
    tips: ["nondeterministic_output"],
    handler: lastsaveCommand,
  },
  {
    ...serverRow,
    name: "debug",
    arity: -2,
    flags: ["admin", "noscript", "loading", "stale"],
    since: "1.0.0",
    summary: "A container for debugging commands.",
    complexity: "Depends on subcommand.",
    docFlags: ["syscmd"],
    handler: debugCommand,
  },
  {
    ...serverRow,
    name: "shutdown",
    arity: -1,
    flags: ["admin", "noscript", "loading", "stale", "no_multi", "sentinel", "allow_busy"],
    since: "1.0.0",
    summary: "Synchronously saves the database(s) to disk and shuts down the Redis server.",
    complexity:
      "O(N) when saving, where N is the total number of keys in all databases when saving data, otherwise O(1)",
    history: [["7.0.0", "Added the `NOW`, `FORCE` and `ABORT` modifiers."]],
    args: [{
      name: "abort-selector",
      type: "oneof",
      flags: ["optional"],
      args: [
        {
          name: "save-selector-block",
          type: "block",
          args: [
            {
              name: "save-selector",
              type: "oneof",
              flags: ["optional"],
              args: [
                { name: "nosave", type: "pure-token", token: "NOSAVE" },
                { name: "save", type: "pure-token", token: "SAVE" },
              ],
            },
            { name: "now", type: "pure-token", token: "NOW", since: "7.0.0", flags: ["optional"] },
            {
              name: "force",
              type: "pure-token",
              token: "FORCE",
              since: "7.0.0",
              flags: ["optional"],
            },
          ],
        },
        { name: "abort", type: "pure-token", token: "ABORT", since: "7.0.0" },
      ],
    }],
    handler: shutdownCommand,
  },
  {
    ...serverRow,
    name: "monitor",
    arity: 1,
    flags: ["admin", "noscript", "loading", "stale"],
    since: "1.0.0",
    summary: "Listens for all requests received by the server in real-time.",
    handler: monitorCommand,
  },
  {
    ...serverRow,
    name: "slowlog",
    arity: -2,
    flags: [],
    since: "2.2.12",
    summary: "A container for slow log commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      {
        ...serverRow,
        name: "get",
        arity: -2,
        flags: ["admin", "loading", "stale"],
        since: "2.2.12",
        summary: "Returns the slow log's entries.",
        complexity: "O(N) where N is the number of entries returned",
        tips: ["request_policy:all_nodes", "nondeterministic_output"],
        history: [["4.0.0", "Added client IP address, port and name to the reply."]],
        args: [{ name: "count", type: "integer", flags: ["optional"] }],
        handler: slowlogGetCommand,
      },
      {
        ...serverRow,
        name: "len",
        arity: 2,
        flags: ["admin", "loading", "stale"],
        since: "2.2.12",
        summary: "Returns the number of entries in the slow log.",
        complexity: "O(1)",
        tips: ["request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output"],
        handler: slowlogLenCommand,
      },
      {
        ...serverRow,
        name: "reset",
        arity: 2,
        flags: ["admin", "loading", "stale"],
        since: "2.2.12",
        summary: "Clears all entries from the slow log.",
        complexity: "O(N) where N is the number of entries in the slowlog",
        tips: NODES_ALL_SUCCEEDED,
        handler: slowlogResetCommand,
      },
      {
        ...helpRow(slowlogHelpCommand, "6.2.0"),
        summary: "Show helpful text about the different subcommands",
      },
    ],
  },
  {
    ...serverRow,
    name: "latency",
    arity: -2,
    flags: [],
    since: "2.8.13",
    summary: "A container for latency diagnostics commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      {
        ...serverRow,
        name: "doctor",
        arity: 2,
        flags: ADMIN_SUB,
        since: "2.8.13",
        summary: "Returns a human-readable latency analysis report.",
        complexity: "O(1)",
        tips: ["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"],
        handler: latencyDoctorCommand,
      },
      {
        ...serverRow,
        name: "graph",
        arity: 3,
        flags: ADMIN_SUB,
        since: "2.8.13",
        summary: "Returns a latency graph for an event.",
        complexity: "O(1)",
        tips: ["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"],
        args: [{ name: "event", type: "string" }],
        handler: latencyGraphCommand,
      },
      {
        ...serverRow,
        name: "histogram",
        arity: -2,
        flags: ADMIN_SUB,
        since: "7.0.0",
        summary: "Returns the cumulative distribution of latencies of a subset or all commands.",
        complexity:
          "O(N) where N is the number of commands with latency information being retrieved.",
        tips: ["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"],
        args: [{ name: "command", type: "string", flags: optionalMultiple }],
        handler: latencyHistogramCommand,
      },
      {
        ...serverRow,
        name: "history",
        arity: 3,
        flags: ADMIN_SUB,
        since: "2.8.13",
        summary: "Returns timestamp-latency samples for an event.",
        complexity: "O(1)",
        tips: ["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"],
        args: [{ name: "event", type: "string" }],
        handler: latencyHistoryCommand,
      },
      {
        ...serverRow,
        name: "latest",
        arity: 2,
        flags: ADMIN_SUB,
        since: "2.8.13",
        summary: "Returns the latest latency samples for all events.",
        complexity: "O(1)",
        tips: ["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"],
        handler: latencyLatestCommand,
      },
      {
        ...serverRow,
        name: "reset",
        arity: -2,
        flags: ADMIN_SUB,
        since: "2.8.13",
        summary: "Resets the latency data for one or more events.",
        complexity: "O(1)",
        tips: ["request_policy:all_nodes", "response_policy:agg_sum"],
        args: [{ name: "event", type: "string", flags: optionalMultiple }],
        handler: latencyResetCommand,
      },
      helpRow(latencyHelpCommand, "2.8.13"),
    ],
  },
];
