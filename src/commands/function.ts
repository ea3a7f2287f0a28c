/** FUNCTION and FCALL / FCALL_RO (Redis's functions.c). */

import type { Client } from "../server/client.ts";
import { type CommandSpec, keyNumKeys } from "../server/command_table.ts";
import { SCRIPT_FLAG_NAMES, scriptingOf } from "../scripting/scripting.ts";
import { createLibrary, type Library, parseDump } from "../scripting/functions.ts";
import { matchGlob } from "../util/glob.ts";
import { replyHelp, replySubcommandSyntaxError } from "./help.ts";
import { getNumKeys, scriptKill } from "./scripting.ts";

/** fcallCommandGeneric: FCALL and FCALL_RO. */
function fcallGeneric(c: Client, ro: boolean): void {
  const scripting = scriptingOf(c.server);
  scripting.feedMonitors(c);
  const name = c.key(1);
  const fn = scripting.functions.lookup(name);
  if (fn === undefined) {
    c.reply.error("ERR Function not found");
    return;
  }
  const numkeys = getNumKeys(c);
  if (numkeys === null) return;
  scripting.run(
    c,
    fn,
    c.argv.slice(3, 3 + numkeys),
    c.argv.slice(3 + numkeys),
    ro,
  );
}

function fcallCommand(c: Client): void {
  fcallGeneric(c, false);
}

function fcallRoCommand(c: Client): void {
  fcallGeneric(c, true);
}

/** A redis.log call made while a library loads. */
function loadLog(c: Client): (level: number, message: Uint8Array) => void {
  return (level, message) => {
    const text = new TextDecoder().decode(message);
    const log = c.server.log;
    if (level === 0) log.debug(text);
    else if (level === 1) log.verbose(text);
    else if (level === 2) log.notice(text);
    else log.warning(text);
  };
}

function functionLoadCommand(c: Client): void {
  let replace = false;
  let i = 2;
  for (; i < c.argc - 1; i++) {
    if (c.lower(i) === "replace") {
      replace = true;
    } else {
      c.reply.errorBinary(`ERR Unknown option given: ${c.key(i)}`);
      return;
    }
  }
  const functions = scriptingOf(c.server).functions;
  const lib = createLibrary(c.argv[c.argc - 1], loadLog(c));
  if (typeof lib === "string") {
    c.reply.errorBinary(lib);
    return;
  }
  const err = functions.add([lib], replace);
  if (err !== null) {
    c.reply.errorBinary(err);
    return;
  }
  c.changed(1);
  c.reply.bulkBinary(lib.name);
}

function functionDeleteCommand(c: Client): void {
  if (!scriptingOf(c.server).functions.delete(c.key(2))) {
    c.reply.error("ERR Library not found");
    return;
  }
  c.changed(1);
  c.reply.ok();
}

/** The optional ASYNC|SYNC of FUNCTION FLUSH: false after replying the error. */
function flushMode(c: Client): boolean {
  if (c.argc > 3) {
    replySubcommandSyntaxError(c);
    return false;
  }
  if (c.argc === 3) {
    const mode = c.lower(2);
    if (mode === "sync" || mode === "async") return true;
  } else if (c.argc === 2) {
    return true;
  }
  c.reply.error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
  return false;
}

function functionFlushCommand(c: Client): void {
  if (!flushMode(c)) return;
  scriptingOf(c.server).functions.flush();
  c.changed(1);
  c.reply.ok();
}

function functionKillCommand(c: Client): void {
  scriptKill(c, false);
}

function functionStatsCommand(c: Client): void {
  const functions = scriptingOf(c.server).functions;
  const r = c.reply;
  r.map(2);
  r.bulkText("running_script");
  r.nullBulk(); // a script runs to its end before any other command is read
  r.bulkText("engines");
  r.map(1);
  r.bulkText("LUA");
  r.map(2);
  r.bulkText("libraries_count");
  r.integer(functions.libraries.size);
  r.bulkText("functions_count");
  r.integer(functions.functionCount);
}

function functionListCommand(c: Client): void {
  let withCode = false;
  let pattern: string | null = null;
  for (let i = 2; i < c.argc; i++) {
    const opt = c.lower(i);
    if (opt === "withcode" && !withCode) {
      withCode = true;
    } else if (opt === "libraryname" && pattern === null) {
      if (i + 1 >= c.argc) {
        c.reply.error("ERR library name argument was not given");
        return;
      }
      pattern = c.key(++i);
    } else {
      c.reply.errorBinary(`ERR Unknown argument ${c.key(i)}`);
      return;
    }
  }
  const libs: Library[] = [];
  for (const lib of scriptingOf(c.server).functions.libraries.values()) {
    if (pattern === null || matchGlob(pattern, lib.name)) libs.push(lib);
  }
  const r = c.reply;
  r.array(libs.length);
  for (const lib of libs) {
    r.map(withCode ? 4 : 3);
    r.bulkText("library_name");
    r.bulkBinary(lib.name);
    r.bulkText("engine");
    r.bulkText("LUA");
    r.bulkText("functions");
    r.array(lib.functions.size);
    for (const fn of lib.functions.values()) {
      r.map(3);
      r.bulkText("name");
      r.bulkBinary(fn.name);
      r.bulkText("description");
      if (fn.description === null) r.nullBulk();
      else r.bulk(fn.description);
      r.bulkText("flags");
      const names = SCRIPT_FLAG_NAMES.filter(([, bit]) => (fn.flags & bit) !== 0);
      r.set(names.length);
      for (const [n] of names) r.simple(n);
    }
    if (withCode) {
      r.bulkText("library_code");
      r.bulk(lib.code);
    }
  }
}

function functionDumpCommand(c: Client): void {
  c.reply.bulk(scriptingOf(c.server).functions.dump());
}

function functionRestoreCommand(c: Client): void {
  let policy = "append";
  if (c.argc === 4) {
    policy = c.lower(3);
    if (policy !== "flush" && policy !== "append" && policy !== "replace") {
      c.reply.error(
        "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.",
      );
      return;
    }
  } else if (c.argc > 4) {
    replySubcommandSyntaxError(c);
    return;
  }
  const codes = parseDump(c.argv[2]);
  if (typeof codes === "string") {
    c.reply.error(codes);
    return;
  }
  const libs: Library[] = [];
  const log = loadLog(c);
  for (const code of codes) {
    const lib = createLibrary(code, log);
    if (typeof lib === "string") {
      c.reply.errorBinary(lib);
      return;
    }
    libs.push(lib);
  }
  const functions = scriptingOf(c.server).functions;
  if (policy === "flush") {
    // All or nothing: the new set must be consistent on its own.
    const saved = [...functions.libraries.values()];
    functions.flush();
    const err = functions.add(libs, false);
    if (err !== null) {
      functions.flush();
      functions.add(saved, false);
      c.reply.errorBinary(err);
      return;
    }
  } else {
    const err = functions.add(libs, policy === "replace");
    if (err !== null) {
      c.reply.errorBinary(err);
      return;
    }
  }
  c.changed(1);
  c.reply.ok();
}

const FUNCTION_HELP = [
  "LOAD [REPLACE] <FUNCTION CODE>",
  "    Create a new library with the given library name and code.",
  "DELETE <LIBRARY NAME>",
  "    Delete the given library.",
  "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
  "    Return general information on all the libraries:",
  "    * Library name",
  "    * The engine used to run the Library",
  "    * Library description",
  "    * Functions list",
  "    * Library code (if WITHCODE is given)",
  "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
  "STATS",
  "    Return information about the current function running:",
  "    * Function name",
  "    * Command used to run the function",
  "    * Duration in MS that the function is running",
  "    If no function is running, return nil",
  "    In addition, returns a list of available engines.",
  "KILL",
  "    Kill the current running function.",
  "FLUSH [ASYNC|SYNC]",
  "    Delete all the libraries.",
  "    When called without the optional mode argument, the behavior is determined by the",
  "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
  "    * ASYNC: Asynchronously flush the libraries.",
  "    * SYNC: Synchronously flush the libraries.",
  "DUMP",
  "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
  "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
  "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
  "    control how to handle existing libraries (default APPEND):",
  "    * FLUSH: delete all existing libraries.",
  "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
  "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
  "      libraries with the new libraries (notice that even on this option there is a chance of failure",
  "      in case of functions name collision with another library).",
];

function functionHelpCommand(c: Client): void {
  replyHelp(c, FUNCTION_HELP);
}

// ---------------------------------------------------------------------------------------------
// Table rows

const base = { firstKey: 0, lastKey: 0, step: 0, group: "scripting" as const };
const ALL_SHARDS_SUCCEEDED = ["request_policy:all_shards", "response_policy:all_succeeded"];

function fcallRow(ro: boolean): CommandSpec {
  return {
    ...base,
    name: ro ? "fcall_ro" : "fcall",
    arity: -3,
    flags: [
      ...(ro ? ["readonly" as const] : []),
      "noscript",
      "stale",
      "skip_monitor",
      "no_mandatory_keys",
      "movablekeys",
    ],
    since: "7.0.0",
    summary: ro ? "Invokes a read-only function." : "Invokes a function.",
    complexity: "Depends on the function that is executed.",
    keySpecs: [{
      notes: ro
        ? "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS"
        : "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE",
      flags: ro ? ["RO", "access"] : ["RW", "access", "update"],
      beginSearch: { index: 2 },
      findKeys: { keyNumIdx: 0, firstKey: 1, keyStep: 1 },
    }],
    args: [
      { name: "function", type: "string" },
      { name: "numkeys", type: "integer" },
      { name: "key", type: "key", flags: ["optional", "multiple"] },
      { name: "arg", type: "string", flags: ["optional", "multiple"] },
    ],
    getKeys: (argv) => keyNumKeys(argv, 2),
    handler: ro ? fcallRoCommand : fcallCommand,
  };
}

/** Rows of FUNCTION, FCALL and FCALL_RO. */
export const functionCommands: CommandSpec[] = [
  fcallRow(false),
  fcallRow(true),
  {
    ...base,
    name: "function",
    arity: -2,
    flags: [],
    since: "7.0.0",
    summary: "A container for function commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      {
        ...base,
        name: "delete",
        arity: 3,
        flags: ["write", "noscript"],
        since: "7.0.0",
        summary: "Deletes a library and its functions.",
        complexity: "O(1)",
        tips: ALL_SHARDS_SUCCEEDED,
        args: [{ name: "library-name", type: "string" }],
        handler: functionDeleteCommand,
      },
      {
        ...base,
        name: "dump",
        arity: 2,
        flags: ["noscript"],
        since: "7.0.0",
        summary: "Dumps all libraries into a serialized binary payload.",
        complexity: "O(N) where N is the number of functions",
        handler: functionDumpCommand,
      },
      {
        ...base,
        name: "flush",
        arity: -2,
        flags: ["write", "noscript"],
        since: "7.0.0",
        summary: "Deletes all libraries and functions.",
        complexity: "O(N) where N is the number of functions deleted",
        tips: ALL_SHARDS_SUCCEEDED,
        args: [{
          name: "flush-type",
          type: "oneof",
          flags: ["optional"],
          args: [
            { name: "async", type: "pure-token", token: "ASYNC" },
            { name: "sync", type: "pure-token", token: "SYNC" },
          ],
        }],
        handler: functionFlushCommand,
      },
      {
        ...base,
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        since: "7.0.0",
        summary: "Returns helpful text about the different subcommands.",
        complexity: "O(1)",
        handler: functionHelpCommand,
      },
      {
        ...base,
        name: "kill",
        arity: 2,
        flags: ["noscript", "allow_busy"],
        since: "7.0.0",
        summary: "Terminates a function during execution.",
        complexity: "O(1)",
        tips: ["request_policy:all_shards", "response_policy:one_succeeded"],
        handler: functionKillCommand,
      },
      {
        ...base,
        name: "list",
        arity: -2,
        flags: ["noscript"],
        since: "7.0.0",
        summary: "Returns information about all libraries.",
        complexity: "O(N) where N is the number of functions",
        tips: ["nondeterministic_output_order"],
        args: [
          {
            name: "library-name-pattern",
            type: "string",
            token: "LIBRARYNAME",
            flags: ["optional"],
          },
          { name: "withcode", type: "pure-token", token: "WITHCODE", flags: ["optional"] },
        ],
        handler: functionListCommand,
      },
      {
        ...base,
        name: "load",
        arity: -3,
        flags: ["write", "denyoom", "noscript"],
        since: "7.0.0",
        summary: "Creates a library.",
        complexity: "O(1) (considering compilation time is redundant)",
        tips: ALL_SHARDS_SUCCEEDED,
        args: [
          { name: "replace", type: "pure-token", token: "REPLACE", flags: ["optional"] },
          { name: "function-code", type: "string" },
        ],
        handler: functionLoadCommand,
      },
      {
        ...base,
        name: "restore",
        arity: -3,
        flags: ["write", "denyoom", "noscript"],
        since: "7.0.0",
        summary: "Restores all libraries from a payload.",
        complexity: "O(N) where N is the number of functions on the payload",
        tips: ALL_SHARDS_SUCCEEDED,
        args: [
          { name: "serialized-value", type: "string" },
          {
            name: "policy",
            type: "oneof",
            flags: ["optional"],
            args: [
              { name: "flush", type: "pure-token", token: "FLUSH" },
              { name: "append", type: "pure-token", token: "APPEND" },
              { name: "replace", type: "pure-token", token: "REPLACE" },
            ],
          },
        ],
        handler: functionRestoreCommand,
      },
      {
        ...base,
        name: "stats",
        arity: 2,
        flags: ["noscript", "allow_busy"],
        since: "7.0.0",
        summary: "Returns information about a function during execution.",
        complexity: "O(1)",
        tips: [
          "nondeterministic_output",
          "request_policy:all_shards",
          "response_policy:special",
        ],
        handler: functionStatsCommand,
      },
    ],
  },
];
