/** EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (Redis's eval.c). */

import type { Client } from "../server/client.ts";
import { type CommandSpec, keyNumKeys, type KeySpec } from "../server/command_table.ts";
import { type Script, scriptingOf, sha1hex } from "../scripting/scripting.ts";
import { getLongLong } from "./args.ts";
import { replyHelp } from "./help.ts";

/**
 * evalGetKeys' checks: the number of keys, or null after replying the error. The keys are
 * argv[3, 3 + n) and the arguments the rest.
 */
export function getNumKeys(c: Client): number | null {
  const a = c.argv[2];
  // One digit, the usual case: no BigInt.
  if (a.length === 1 && a[0] >= 48 && a[0] <= 57 && a[0] - 48 <= c.argc - 3) return a[0] - 48;
  const n = getLongLong(c, 2);
  if (n === null) return null;
  if (n > BigInt(c.argc - 3)) {
    c.reply.error("ERR Number of keys can't be greater than number of args");
    return null;
  }
  if (n < 0n) {
    c.reply.error("ERR Number of keys can't be negative");
    return null;
  }
  return Number(n);
}

/** evalGenericCommand: EVAL / EVALSHA and their _RO forms. */
function evalGeneric(c: Client, evalsha: boolean, ro: boolean): void {
  const scripting = scriptingOf(c.server);
  scripting.feedMonitors(c);
  let script: Script | null | undefined;
  // EVALSHA looks the script up first (evalGetCommandFlags, before the command runs); EVAL
  // checks the number of keys before compiling.
  if (evalsha) {
    script = scripting.scriptBySha(c.argv[1]);
    if (script === undefined) {
      c.reply.error("NOSCRIPT No matching script. Please use EVAL.");
      return;
    }
  }
  const numkeys = getNumKeys(c);
  if (numkeys === null) return;
  if (!evalsha) {
    script = scripting.createScript(c, c.argv[1], sha1hex(c.argv[1]));
    if (script === null) return;
  }
  const keys = c.argv.slice(3, 3 + numkeys);
  const args = c.argv.slice(3 + numkeys);
  scripting.run(c, script!.runnable, keys, args, ro);
}

function evalCommand(c: Client): void {
  evalGeneric(c, false, false);
}

function evalRoCommand(c: Client): void {
  evalGeneric(c, false, true);
}

function evalshaCommand(c: Client): void {
  evalGeneric(c, true, false);
}

function evalshaRoCommand(c: Client): void {
  evalGeneric(c, true, true);
}

const SCRIPT_HELP = [
  "DEBUG (YES|SYNC|NO)",
  "    Set the debug mode for subsequent scripts executed.",
  "EXISTS <sha1> [<sha1> ...]",
  "    Return information about the existence of the scripts in the script cache.",
  "FLUSH [ASYNC|SYNC]",
  "    Flush the Lua scripts cache. Very dangerous on replicas.",
  "    When called without the optional mode argument, the behavior is determined by the",
  "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
  "    * ASYNC: Asynchronously flush the scripts cache.",
  "    * SYNC: Synchronously flush the scripts cache.",
  "KILL",
  "    Kill the currently executing Lua script.",
  "LOAD <script>",
  "    Load a script into the scripts cache without executing it.",
];

function scriptHelpCommand(c: Client): void {
  replyHelp(c, SCRIPT_HELP);
}

function scriptFlushCommand(c: Client): void {
  if (c.argc === 3) {
    const mode = c.lower(2);
    if (mode !== "sync" && mode !== "async") {
      c.reply.error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
      return;
    }
  } else if (c.argc > 3) {
    c.reply.error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
    return;
  }
  scriptingOf(c.server).flushScripts();
  c.reply.ok();
}

function scriptExistsCommand(c: Client): void {
  const scripts = scriptingOf(c.server).scripts;
  c.reply.array(c.argc - 2);
  for (let i = 2; i < c.argc; i++) {
    c.reply.integer(scripts.has(c.lower(i)) ? 1 : 0);
  }
}

function scriptLoadCommand(c: Client): void {
  const sha = sha1hex(c.argv[2]);
  if (scriptingOf(c.server).createScript(c, c.argv[2], sha) === null) return;
  c.reply.bulkBinary(sha);
}

function scriptKillCommand(c: Client): void {
  scriptKill(c, true);
}

/** SCRIPT KILL (`isEval`) / FUNCTION KILL: stops a busy script that has not written. */
export function scriptKill(c: Client, isEval: boolean): void {
  const err = scriptingOf(c.server).kill(isEval);
  if (err === null) c.reply.ok();
  else c.reply.error(err);
}

function scriptDebugCommand(c: Client): void {
  // clientHasPendingReplies: replies of earlier pipelined commands, or EXEC's own.
  if (c.reply.len > 0 || c.inExec) {
    c.reply.error("ERR SCRIPT DEBUG must be called outside a pipeline");
    return;
  }
  const mode = c.lower(2);
  if (mode === "no") {
    c.reply.ok();
  } else if (mode === "yes" || mode === "sync") {
    // The Lua debugger (LDB) is not implemented.
    c.reply.error("ERR SCRIPT DEBUG is not supported by this server");
  } else {
    c.reply.error("ERR Use SCRIPT DEBUG YES/SYNC/NO");
  }
}

// ---------------------------------------------------------------------------------------------
// Table rows

const base = { firstKey: 0, lastKey: 0, step: 0, group: "scripting" as const };

function evalKeySpec(ro: boolean, notes: boolean): KeySpec {
  const spec: KeySpec = {
    flags: ro ? ["RO", "access"] : ["RW", "access", "update"],
    beginSearch: { index: 2 },
    findKeys: { keyNumIdx: 0, firstKey: 1, keyStep: 1 },
  };
  if (notes) {
    spec.notes = ro
      ? "We cannot tell how the keys will be used so we assume the worst, RO and ACCESS"
      : "We cannot tell how the keys will be used so we assume the worst, RW and UPDATE";
  }
  return spec;
}

function evalRow(
  name: string,
  first: "script" | "sha1",
  ro: boolean,
  summary: string,
  handler: (c: Client) => void,
): CommandSpec {
  return {
    ...base,
    name,
    arity: -3,
    flags: [
      ...(ro ? ["readonly" as const] : []),
      "noscript",
      "stale",
      "skip_monitor",
      "no_mandatory_keys",
      "movablekeys",
    ],
    since: ro ? "7.0.0" : "2.6.0",
    summary,
    complexity: "Depends on the script that is executed.",
    keySpecs: [evalKeySpec(ro, first === "script")],
    args: [
      { name: first, type: "string" },
      { name: "numkeys", type: "integer" },
      { name: "key", type: "key", flags: ["optional", "multiple"] },
      { name: "arg", type: "string", flags: ["optional", "multiple"] },
    ],
    getKeys: (argv) => keyNumKeys(argv, 2),
    handler,
  };
}

/** Rows of the scripting group's EVAL family and SCRIPT. */
export const scriptingCommands: CommandSpec[] = [
  evalRow("eval", "script", false, "Executes a server-side Lua script.", evalCommand),
  evalRow(
    "evalsha",
    "sha1",
    false,
    "Executes a server-side Lua script by SHA1 digest.",
    evalshaCommand,
  ),
  evalRow("eval_ro", "script", true, "Executes a read-only server-side Lua script.", evalRoCommand),
  evalRow(
    "evalsha_ro",
    "sha1",
    true,
    "Executes a read-only server-side Lua script by SHA1 digest.",
    evalshaRoCommand,
  ),
  {
    ...base,
    name: "script",
    arity: -2,
    flags: [],
    since: "2.6.0",
    summary: "A container for Lua scripts management commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      {
        ...base,
        name: "debug",
        arity: 3,
        flags: ["noscript"],
        since: "3.2.0",
        summary: "Sets the debug mode of server-side Lua scripts.",
        complexity: "O(1)",
        args: [{
          name: "mode",
          type: "oneof",
          args: [
            { name: "yes", type: "pure-token", token: "YES" },
            { name: "sync", type: "pure-token", token: "SYNC" },
            { name: "no", type: "pure-token", token: "NO" },
          ],
        }],
        handler: scriptDebugCommand,
      },
      {
        ...base,
        name: "exists",
        arity: -3,
        flags: ["noscript"],
        since: "2.6.0",
        summary: "Determines whether server-side Lua scripts exist in the script cache.",
        complexity:
          "O(N) with N being the number of scripts to check (so checking a single script is an O(1) operation).",
        tips: ["request_policy:all_shards", "response_policy:agg_logical_and"],
        args: [{ name: "sha1", type: "string", flags: ["multiple"] }],
        handler: scriptExistsCommand,
      },
      {
        ...base,
        name: "flush",
        arity: -2,
        flags: ["noscript"],
        since: "2.6.0",
        summary: "Removes all server-side Lua scripts from the script cache.",
        complexity: "O(N) with N being the number of scripts in cache",
        tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
        history: [["6.2.0", "Added the `ASYNC` and `SYNC` flushing mode modifiers."]],
        args: [{
          name: "flush-type",
          type: "oneof",
          since: "6.2.0",
          flags: ["optional"],
          args: [
            { name: "async", type: "pure-token", token: "ASYNC" },
            { name: "sync", type: "pure-token", token: "SYNC" },
          ],
        }],
        handler: scriptFlushCommand,
      },
      {
        ...base,
        name: "help",
        arity: 2,
        flags: ["loading", "stale"],
        since: "5.0.0",
        summary: "Returns helpful text about the different subcommands.",
        complexity: "O(1)",
        handler: scriptHelpCommand,
      },
      {
        ...base,
        name: "kill",
        arity: 2,
        flags: ["noscript", "allow_busy"],
        since: "2.6.0",
        summary: "Terminates a server-side Lua script during execution.",
        complexity: "O(1)",
        tips: ["request_policy:all_shards", "response_policy:one_succeeded"],
        handler: scriptKillCommand,
      },
      {
        ...base,
        name: "load",
        arity: 3,
        flags: ["noscript", "stale"],
        since: "2.6.0",
        summary: "Loads a server-side Lua script to the script cache.",
        complexity: "O(N) with N being the length in bytes of the script body.",
        tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
        args: [{ name: "script", type: "string" }],
        handler: scriptLoadCommand,
      },
    ],
  },
];
