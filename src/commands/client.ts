/**
 * CLIENT container (Redis's clientCommand in networking.c): ID, SETNAME,
 * GETNAME, SETINFO, INFO, LIST, KILL, PAUSE, UNPAUSE, REPLY, NO-EVICT,
 * NO-TOUCH, UNBLOCK, TRACKING, GETREDIR, TRACKINGINFO, CACHING and HELP. The
 * tracking table and invalidation messages live in src/pubsub/tracking.ts.
 */

import type { Client } from "../server/client.ts";
import { clientInfoString, type ClientType, clientType } from "../server/client_info.ts";
import type { Server } from "../server/server.ts";
import { SYNTAX_ERR } from "../store/types.ts";
import { bytesToBinary, cString } from "../util/bytes.ts";
import { parseLongLong } from "../util/number.ts";
import { getLongLong } from "./args.ts";
import { helpRow, replyHelp, replySubcommandSyntaxError } from "./help.ts";
import { trackingOf } from "../pubsub/tracking.ts";
import type { CommandSpec } from "../server/command_table.ts";

const LLONG_MAX = 9223372036854775807n;

/**
 * validateClientAttr: a C string of printable ASCII without spaces ('!'..'~'),
 * so CLIENT LIST lines always split on spaces.
 */
function validClientAttr(b: Uint8Array): boolean {
  for (let i = 0; i < b.length && b[i] !== 0; i++) {
    if (b[i] < 33 || b[i] > 126) return false;
  }
  return true;
}

/** The error CLIENT SETNAME and HELLO SETNAME reply for a bad name. */
export const CLIENT_NAME_ERR =
  "ERR Client names cannot contain spaces, newlines or special characters.";

/** validateClientName: an empty name is allowed (it clears the name). */
export function validClientName(b: Uint8Array): boolean {
  return validClientAttr(b);
}

/** clientSetName: an empty name clears it (CLIENT GETNAME then replies null). */
export function setClientName(c: Client, name: Uint8Array): void {
  c.name = bytesToBinary(name);
}

/** getClientTypeByName (case-insensitive), null for an unknown name. */
function clientTypeByName(name: string): ClientType | null {
  switch (name.toLowerCase()) {
    case "normal":
      return "normal";
    case "slave":
    case "replica":
      return "replica";
    case "pubsub":
      return "pubsub";
    case "master":
      return "master";
    default:
      return null;
  }
}

/** Live clients (a killed client lingers until its connection loop ends). */
function* liveClients(server: Server): Generator<Client> {
  for (const cl of server.clients.values()) if (!cl.closed) yield cl;
}

/** True when a user of that name exists (the default user, or one from a `user` directive). */
function userExists(server: Server, name: string): boolean {
  if (name === "default") return true;
  return server.config.userDirectives.some((d) => d[0] === name);
}

function clientIdCommand(c: Client): void {
  c.reply.integer(c.id);
}

function clientSetnameCommand(c: Client): void {
  if (!validClientName(c.argv[2])) return c.reply.error(CLIENT_NAME_ERR);
  setClientName(c, c.argv[2]);
  c.reply.ok();
}

function clientGetnameCommand(c: Client): void {
  if (c.name === "") c.reply.nullBulk();
  else c.reply.bulkBinary(c.name);
}

function clientSetinfoCommand(c: Client): void {
  const attr = c.lower(2);
  if (attr !== "lib-name" && attr !== "lib-ver") {
    return c.reply.errorBinary(`ERR Unrecognized option '${cString(c.argv[2])}'`);
  }
  if (!validClientAttr(c.argv[3])) {
    return c.reply.errorBinary(
      `ERR ${cString(c.argv[2])} cannot contain spaces, newlines or special characters.`,
    );
  }
  // Unlike names, lib-name and lib-ver are kept as given (an empty value clears them).
  if (attr === "lib-name") c.libName = c.key(3);
  else c.libVer = c.key(3);
  c.reply.ok();
}

function clientInfoCommand(c: Client): void {
  for (const s of c.server.subsystems) s.settleOutput?.();
  c.reply.verbatim(clientInfoString(c, c) + "\n");
}

function clientListCommand(c: Client): void {
  for (const s of c.server.subsystems) s.settleOutput?.();
  let type: ClientType | null = null;
  let out = "";
  if (c.argc === 4 && c.lower(2) === "type") {
    type = clientTypeByName(c.key(3));
    if (type === null) {
      return c.reply.errorBinary(`ERR Unknown client type '${cString(c.argv[3])}'`);
    }
  } else if (c.argc > 3 && c.lower(2) === "id") {
    const ids: bigint[] = [];
    for (let j = 3; j < c.argc; j++) {
      const id = parseLongLong(c.argv[j]);
      if (id === null) return c.reply.error("ERR Invalid client ID");
      ids.push(id);
    }
    for (const id of ids) {
      const cl = id > 0n && id <= BigInt(Number.MAX_SAFE_INTEGER)
        ? c.server.clients.get(Number(id))
        : undefined;
      if (cl !== undefined && !cl.closed) out += clientInfoString(cl, c) + "\n";
    }
    return c.reply.verbatim(out);
  } else if (c.argc !== 2) {
    return c.reply.error(SYNTAX_ERR);
  }
  for (const cl of liveClients(c.server)) {
    if (type !== null && clientType(cl) !== type) continue;
    out += clientInfoString(cl, c) + "\n";
  }
  c.reply.verbatim(out);
}

function clientKillCommand(c: Client): void {
  let addr: string | null = null;
  let laddr: string | null = null;
  let user: string | null = null;
  let type: ClientType | null = null;
  let id = 0n;
  let skipme = true;
  if (c.argc === 3) {
    // Old form CLIENT KILL ip:port: it may kill the caller.
    addr = cString(c.argv[2]);
    skipme = false;
  } else {
    for (let i = 2; i < c.argc; i += 2) {
      const opt = c.lower(i);
      const moreargs = c.argc > i + 1;
      if (opt === "id" && moreargs) {
        const v = parseLongLong(c.argv[i + 1]);
        if (v === null || v < 1n) return c.reply.error("ERR client-id should be greater than 0");
        id = v;
      } else if (opt === "type" && moreargs) {
        type = clientTypeByName(c.key(i + 1));
        if (type === null) {
          return c.reply.errorBinary(`ERR Unknown client type '${cString(c.argv[i + 1])}'`);
        }
      } else if (opt === "addr" && moreargs) {
        addr = cString(c.argv[i + 1]);
      } else if (opt === "laddr" && moreargs) {
        laddr = cString(c.argv[i + 1]);
      } else if (opt === "user" && moreargs) {
        user = c.key(i + 1);
        if (!userExists(c.server, user)) {
          return c.reply.errorBinary(`ERR No such user '${cString(c.argv[i + 1])}'`);
        }
      } else if (opt === "skipme" && moreargs) {
        const v = c.lower(i + 1);
        if (v === "yes") skipme = true;
        else if (v === "no") skipme = false;
        else return c.reply.error(SYNTAX_ERR);
      } else {
        return c.reply.error(SYNTAX_ERR);
      }
    }
  }
  let killed = 0;
  let closeSelf = false;
  for (const cl of [...liveClients(c.server)]) {
    if (addr !== null && cl.addr !== addr) continue;
    if (laddr !== null && cl.laddr !== laddr) continue;
    if (type !== null && clientType(cl) !== type) continue;
    if (id !== 0n && BigInt(cl.id) !== id) continue;
    if (user !== null && cl.user !== user) continue;
    if (cl === c && skipme) continue;
    if (cl === c) closeSelf = true;
    else cl.close();
    killed++;
  }
  if (c.argc === 3) {
    if (killed === 0) c.reply.error("ERR No such client");
    else c.reply.ok();
  } else {
    c.reply.integer(killed);
  }
  // The caller gets its reply before its connection closes.
  if (closeSelf) c.closeAfterReply = true;
}

function clientPauseCommand(c: Client): void {
  if (c.argc > 4) return replySubcommandSyntaxError(c);
  let mode: "all" | "write" = "all";
  if (c.argc === 4) {
    const m = c.lower(3);
    if (m === "write") mode = "write";
    else if (m !== "all") return c.reply.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
  }
  // getTimeoutFromObjectOrReply with UNIT_MILLISECONDS.
  const ms = parseLongLong(c.argv[2]);
  if (ms === null) return c.reply.error("ERR timeout is not an integer or out of range");
  if (ms < 0n) return c.reply.error("ERR timeout is negative");
  if (ms > 0n && ms > LLONG_MAX - BigInt(Date.now())) {
    return c.reply.error("ERR timeout is out of range");
  }
  c.server.pauseClients(Number(ms), mode);
  c.reply.ok();
}

function clientUnpauseCommand(c: Client): void {
  c.server.unpauseClients();
  c.reply.ok();
}

function clientReplyCommand(c: Client): void {
  const mode = c.lower(2);
  if (mode === "on") {
    // Clears OFF and a pending or active SKIP; this OK is sent.
    c.replyMode = "on";
    c.replySkip = false;
    c.reply.ok();
  } else if (mode === "off") {
    c.replyMode = "off";
  } else if (mode === "skip") {
    if (c.replyMode !== "off") c.replyMode = "skip";
  } else {
    c.reply.error(SYNTAX_ERR);
  }
}

function onOff(c: Client, set: (on: boolean) => void): void {
  const v = c.lower(2);
  if (v === "on") set(true);
  else if (v === "off") set(false);
  else return c.reply.error(SYNTAX_ERR);
  c.reply.ok();
}

function clientNoEvictCommand(c: Client): void {
  onOff(c, (on) => c.noEvict = on);
}

function clientNoTouchCommand(c: Client): void {
  onOff(c, (on) => c.noTouch = on);
}

function clientUnblockCommand(c: Client): void {
  if (c.argc > 4) return replySubcommandSyntaxError(c);
  let error = false;
  if (c.argc === 4) {
    const r = c.lower(3);
    if (r === "error") error = true;
    else if (r !== "timeout") {
      return c.reply.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
    }
  }
  const id = getLongLong(c, 2);
  if (id === null) return;
  const target = id > 0n && id <= BigInt(Number.MAX_SAFE_INTEGER)
    ? c.server.clients.get(Number(id))
    : undefined;
  if (target !== undefined && target.blocked !== null && !target.closed) {
    c.server.blocking.unblock(target, error ? "error" : "timeout");
    c.reply.integer(1);
  } else {
    c.reply.integer(0);
  }
}

function clientGetredirCommand(c: Client): void {
  c.reply.integer(c.tracking !== null ? c.tracking.redirect : -1);
}

function clientTrackinginfoCommand(c: Client): void {
  const t = c.tracking;
  const flags = [t !== null ? "on" : "off"];
  if (t !== null) {
    if (t.bcast) flags.push("bcast");
    if (t.optin) flags.push("optin");
    if (t.optin && t.caching) flags.push("caching-yes");
    if (t.optout) flags.push("optout");
    if (t.optout && t.caching) flags.push("caching-no");
    if (t.noloop) flags.push("noloop");
    if (t.brokenRedirect) flags.push("broken_redirect");
  }
  c.reply.map(3);
  c.reply.bulkText("flags");
  c.reply.set(flags.length);
  for (const f of flags) c.reply.bulkText(f);
  c.reply.bulkText("redirect");
  c.reply.integer(t !== null ? t.redirect : -1);
  c.reply.bulkText("prefixes");
  const prefixes = t !== null && t.bcast ? t.prefixes : [];
  c.reply.array(prefixes.length);
  for (const p of prefixes) c.reply.bulkBinary(p);
}

function clientCachingCommand(c: Client): void {
  const t = c.tracking;
  if (t === null) {
    return c.reply.error(
      "ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled",
    );
  }
  const opt = c.lower(2);
  if (opt === "yes") {
    if (!t.optin) {
      return c.reply.error(
        "ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.",
      );
    }
  } else if (opt === "no") {
    if (!t.optout) {
      return c.reply.error(
        "ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.",
      );
    }
  } else {
    return c.reply.error(SYNTAX_ERR);
  }
  t.caching = true;
  c.reply.ok();
}

/** stringCheckPrefix: one of the two is a prefix of the other. */
function prefixesOverlap(a: string, b: string): boolean {
  return a.length <= b.length ? b.startsWith(a) : a.startsWith(b);
}

/** CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]. */
function clientTrackingCommand(c: Client): void {
  let redirect = 0;
  let bcast = false, optin = false, optout = false, noloop = false;
  const prefixes: string[] = [];
  for (let j = 3; j < c.argc; j++) {
    const moreargs = c.argc - 1 - j;
    const opt = c.lower(j);
    if (opt === "redirect" && moreargs > 0) {
      j++;
      if (redirect !== 0) {
        return c.reply.error("ERR A client can only redirect to a single other client");
      }
      const id = parseLongLong(c.argv[j]);
      if (id === null) return c.reply.error("ERR value is not an integer or out of range");
      if (c.server.clients.get(Number(id)) === undefined) {
        return c.reply.error("ERR The client ID you want redirect to does not exist");
      }
      redirect = Number(id);
    } else if (opt === "bcast") {
      bcast = true;
    } else if (opt === "optin") {
      optin = true;
    } else if (opt === "optout") {
      optout = true;
    } else if (opt === "noloop") {
      noloop = true;
    } else if (opt === "prefix" && moreargs > 0) {
      prefixes.push(c.key(++j));
    } else {
      return c.reply.error(SYNTAX_ERR);
    }
  }
  const tracking = trackingOf(c.server);
  const mode = c.lower(2);
  if (mode === "on") {
    const t = c.tracking;
    if (!bcast && prefixes.length > 0) {
      return c.reply.error("ERR PREFIX option requires BCAST mode to be enabled");
    }
    if (t !== null && t.bcast !== bcast) {
      return c.reply.error(
        "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.",
      );
    }
    if (bcast && (optin || optout)) {
      return c.reply.error("ERR OPTIN and OPTOUT are not compatible with BCAST");
    }
    if (optin && optout) {
      return c.reply.error("ERR You can't specify both OPTIN mode and OPTOUT mode");
    }
    if (t !== null && ((optin && t.optout) || (optout && t.optin))) {
      return c.reply.error(
        "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.",
      );
    }
    if (bcast) {
      // checkPrefixCollisionsOrReply: against the client's prefixes, then among the new ones.
      for (let i = 0; i < prefixes.length; i++) {
        for (const old of t?.prefixes ?? []) {
          if (prefixesOverlap(old, prefixes[i])) {
            return c.reply.errorBinary(
              `ERR Prefix '${cString(prefixes[i])}' overlaps with an existing prefix '${
                cString(old)
              }'. Prefixes for a single client must not overlap.`,
            );
          }
        }
        for (let j = i + 1; j < prefixes.length; j++) {
          if (prefixesOverlap(prefixes[i], prefixes[j])) {
            return c.reply.errorBinary(
              `ERR Prefix '${cString(prefixes[i])}' overlaps with another provided prefix '${
                cString(prefixes[j])
              }'. Prefixes for a single client must not overlap.`,
            );
          }
        }
      }
    }
    tracking.enable(c, { redirect, bcast, optin, optout, noloop, prefixes });
  } else if (mode === "off") {
    tracking.disable(c);
  } else {
    return c.reply.error(SYNTAX_ERR);
  }
  c.reply.ok();
}

const CLIENT_HELP = [
  "CACHING (YES|NO)",
  "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
  "GETREDIR",
  "    Return the client ID we are redirecting to when tracking is enabled.",
  "GETNAME",
  "    Return the name of the current connection.",
  "ID",
  "    Return the ID of the current connection.",
  "INFO",
  "    Return information about the current client connection.",
  "KILL <ip:port>",
  "    Kill connection made from <ip:port>.",
  "KILL <option> <value> [<option> <value> [...]]",
  "    Kill connections. Options are:",
  "    * ADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made from the specified address",
  "    * LADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made to specified local address",
  "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
  "      Kill connections by type.",
  "    * USER <username>",
  "      Kill connections authenticated by <username>.",
  "    * SKIPME (YES|NO)",
  "      Skip killing current connection (default: yes).",
  "LIST [options ...]",
  "    Return information about client connections. Options:",
  "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
  "      Return clients of specified type.",
  "UNPAUSE",
  "    Stop the current client pause, resuming traffic.",
  "PAUSE <timeout> [WRITE|ALL]",
  "    Suspend all, or just write, clients for <timeout> milliseconds.",
  "REPLY (ON|OFF|SKIP)",
  "    Control the replies sent to the current connection.",
  "SETNAME <name>",
  "    Assign the name <name> to the current connection.",
  "SETINFO <option> <value>",
  "    Set client meta attr. Options are:",
  "    * LIB-NAME: the client lib name.",
  "    * LIB-VER: the client lib version.",
  "UNBLOCK <clientid> [TIMEOUT|ERROR]",
  "    Unblock the specified blocked client.",
  "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
  "         [OPTIN] [OPTOUT] [NOLOOP]",
  "    Control server assisted client side caching.",
  "TRACKINGINFO",
  "    Report tracking status for the current connection.",
  "NO-EVICT (ON|OFF)",
  "    Protect current client connection from eviction.",
  "NO-TOUCH (ON|OFF)",
  "    Will not touch LRU/LFU stats when this mode is on.",
];

function clientHelpCommand(c: Client): void {
  replyHelp(c, CLIENT_HELP);
}

const sub = {
  firstKey: 0,
  lastKey: 0,
  step: 0,
  group: "connection" as const,
};

const onOffArg = {
  name: "enabled",
  type: "oneof" as const,
  args: [
    { name: "on", type: "pure-token" as const, token: "ON" },
    { name: "off", type: "pure-token" as const, token: "OFF" },
  ],
};

const clientTypeArgs = [
  { name: "normal", type: "pure-token" as const, token: "NORMAL" },
  { name: "master", type: "pure-token" as const, token: "MASTER" },
  { name: "replica", type: "pure-token" as const, token: "REPLICA" },
  { name: "pubsub", type: "pure-token" as const, token: "PUBSUB" },
];

/** The CLIENT container row; connection.ts registers it with the connection group. */
export const clientCommands: CommandSpec[] = [
  {
    ...sub,
    name: "client",
    arity: -2,
    flags: [],
    // The container itself is only @slow; its subcommands carry @connection.
    omitGroupCategory: true,
    since: "2.4.0",
    summary: "A container for client connection commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      {
        ...sub,
        name: "caching",
        arity: 3,
        flags: ["noscript", "loading", "stale"],
        since: "6.0.0",
        summary: "Instructs the server whether to track the keys in the next request.",
        complexity: "O(1)",
        args: [{
          name: "mode",
          type: "oneof",
          args: [
            { name: "yes", type: "pure-token", token: "YES" },
            { name: "no", type: "pure-token", token: "NO" },
          ],
        }],
        handler: clientCachingCommand,
      },
      {
        ...sub,
        name: "getname",
        arity: 2,
        flags: ["noscript", "loading", "stale"],
        since: "2.6.9",
        summary: "Returns the name of the connection.",
        complexity: "O(1)",
        handler: clientGetnameCommand,
      },
      {
        ...sub,
        name: "getredir",
        arity: 2,
        flags: ["noscript", "loading", "stale"],
        since: "6.0.0",
        summary:
          "Returns the client ID to which the connection's tracking notifications are redirected.",
        complexity: "O(1)",
        handler: clientGetredirCommand,
      },
      helpRow(clientHelpCommand, "5.0.0", "connection"),
      {
        ...sub,
        name: "id",
        arity: 2,
        flags: ["noscript", "loading", "stale"],
        since: "5.0.0",
        summary: "Returns the unique client ID of the connection.",
        complexity: "O(1)",
        handler: clientIdCommand,
      },
      {
        ...sub,
        name: "info",
        arity: 2,
        flags: ["noscript", "loading", "stale"],
        since: "6.2.0",
        summary: "Returns information about the connection.",
        complexity: "O(1)",
        tips: ["nondeterministic_output"],
        handler: clientInfoCommand,
      },
      {
        ...sub,
        name: "kill",
        arity: -3,
        flags: ["admin", "noscript", "loading", "stale"],
        since: "2.4.0",
        summary: "Terminates open connections.",
        complexity: "O(N) where N is the number of client connections",
        history: [
          ["2.8.12", "Added new filter format."],
          ["2.8.12", "`ID` option."],
          ["3.2.0", "Added `master` type in for `TYPE` option."],
          [
            "5.0.0",
            "Replaced `slave` `TYPE` with `replica`. `slave` still supported for backward compatibility.",
          ],
          ["6.2.0", "`LADDR` option."],
        ],
        args: [{
          name: "filter",
          type: "oneof",
          args: [
            {
              name: "old-format",
              type: "string",
              displayText: "ip:port",
              deprecatedSince: "2.8.12",
            },
            {
              name: "new-format",
              type: "oneof",
              flags: ["multiple"],
              args: [
                {
                  name: "client-id",
                  type: "integer",
                  token: "ID",
                  since: "2.8.12",
                  flags: ["optional"],
                },
                {
                  name: "client-type",
                  type: "oneof",
                  token: "TYPE",
                  since: "2.8.12",
                  flags: ["optional"],
                  args: [
                    { name: "normal", type: "pure-token", token: "NORMAL" },
                    { name: "master", type: "pure-token", token: "MASTER", since: "3.2.0" },
                    { name: "slave", type: "pure-token", token: "SLAVE" },
                    { name: "replica", type: "pure-token", token: "REPLICA", since: "5.0.0" },
                    { name: "pubsub", type: "pure-token", token: "PUBSUB" },
                  ],
                },
                { name: "username", type: "string", token: "USER", flags: ["optional"] },
                {
                  name: "addr",
                  type: "string",
                  token: "ADDR",
                  displayText: "ip:port",
                  flags: ["optional"],
                },
                {
                  name: "laddr",
                  type: "string",
                  token: "LADDR",
                  displayText: "ip:port",
                  since: "6.2.0",
                  flags: ["optional"],
                },
                {
                  name: "skipme",
                  type: "oneof",
                  token: "SKIPME",
                  flags: ["optional"],
                  args: [
                    { name: "yes", type: "pure-token", token: "YES" },
                    { name: "no", type: "pure-token", token: "NO" },
                  ],
                },
              ],
            },
          ],
        }],
        handler: clientKillCommand,
      },
      {
        ...sub,
        name: "list",
        arity: -2,
        flags: ["admin", "noscript", "loading", "stale"],
        since: "2.4.0",
        summary: "Lists open connections.",
        complexity: "O(N) where N is the number of client connections",
        tips: ["nondeterministic_output"],
        history: [
          ["2.8.12", "Added unique client `id` field."],
          ["5.0.0", "Added optional `TYPE` filter."],
          ["6.0.0", "Added `user` field."],
          [
            "6.2.0",
            "Added `argv-mem`, `tot-mem`, `laddr` and `redir` fields and the optional `ID` filter.",
          ],
          ["7.0.0", "Added `resp`, `multi-mem`, `rbs` and `rbp` fields."],
          ["7.0.3", "Added `ssub` field."],
        ],
        args: [
          {
            name: "client-type",
            type: "oneof",
            token: "TYPE",
            since: "5.0.0",
            flags: ["optional"],
            args: clientTypeArgs,
          },
          {
            name: "client-id",
            type: "integer",
            token: "ID",
            since: "6.2.0",
            flags: ["optional", "multiple"],
          },
        ],
        handler: clientListCommand,
      },
      {
        ...sub,
        name: "no-evict",
        arity: 3,
        flags: ["admin", "noscript", "loading", "stale"],
        since: "7.0.0",
        summary: "Sets the client eviction mode of the connection.",
        complexity: "O(1)",
        args: [onOffArg],
        handler: clientNoEvictCommand,
      },
      {
        ...sub,
        name: "no-touch",
        arity: 3,
        flags: ["noscript", "loading", "stale"],
        since: "7.2.0",
        summary:
          "Controls whether commands sent by the client affect the LRU/LFU of accessed keys.",
        complexity: "O(1)",
        args: [onOffArg],
        handler: clientNoTouchCommand,
      },
      {
        ...sub,
        name: "pause",
        arity: -3,
        flags: ["admin", "noscript", "loading", "stale"],
        since: "3.0.0",
        summary: "Suspends commands processing.",
        complexity: "O(1)",
        history: [["6.2.0", "`CLIENT PAUSE WRITE` mode added along with the `mode` option."]],
        args: [
          { name: "timeout", type: "integer" },
          {
            name: "mode",
            type: "oneof",
            since: "6.2.0",
            flags: ["optional"],
            args: [
              { name: "write", type: "pure-token", token: "WRITE" },
              { name: "all", type: "pure-token", token: "ALL" },
            ],
          },
        ],
        handler: clientPauseCommand,
      },
      {
        ...sub,
        name: "reply",
        arity: 3,
        flags: ["noscript", "loading", "stale"],
        since: "3.2.0",
        summary: "Instructs the server whether to reply to commands.",
        complexity: "O(1)",
        args: [{
          name: "action",
          type: "oneof",
          args: [
            { name: "on", type: "pure-token", token: "ON" },
            { name: "off", type: "pure-token", token: "OFF" },
            { name: "skip", type: "pure-token", token: "SKIP" },
          ],
        }],
        handler: clientReplyCommand,
      },
      {
        ...sub,
        name: "setinfo",
        arity: 4,
        flags: ["noscript", "loading", "stale"],
        since: "7.2.0",
        summary: "Sets information specific to the client or connection.",
        complexity: "O(1)",
        tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
        args: [{
          name: "attr",
          type: "oneof",
          args: [
            { name: "libname", type: "string", token: "LIB-NAME" },
            { name: "libver", type: "string", token: "LIB-VER" },
          ],
        }],
        handler: clientSetinfoCommand,
      },
      {
        ...sub,
        name: "setname",
        arity: 3,
        flags: ["noscript", "loading", "stale"],
        since: "2.6.9",
        summary: "Sets the connection name.",
        complexity: "O(1)",
        tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
        args: [{ name: "connection-name", type: "string" }],
        handler: clientSetnameCommand,
      },
      {
        ...sub,
        name: "tracking",
        arity: -3,
        flags: ["noscript", "loading", "stale"],
        since: "6.0.0",
        summary: "Controls server-assisted client-side caching for the connection.",
        complexity: "O(1). Some options may introduce additional complexity.",
        args: [
          {
            name: "status",
            type: "oneof",
            args: [
              { name: "on", type: "pure-token", token: "ON" },
              { name: "off", type: "pure-token", token: "OFF" },
            ],
          },
          { name: "client-id", type: "integer", token: "REDIRECT", flags: ["optional"] },
          {
            name: "prefix",
            type: "string",
            token: "PREFIX",
            flags: ["optional", "multiple", "multiple_token"],
          },
          { name: "bcast", type: "pure-token", token: "BCAST", flags: ["optional"] },
          { name: "optin", type: "pure-token", token: "OPTIN", flags: ["optional"] },
          { name: "optout", type: "pure-token", token: "OPTOUT", flags: ["optional"] },
          { name: "noloop", type: "pure-token", token: "NOLOOP", flags: ["optional"] },
        ],
        handler: clientTrackingCommand,
      },
      {
        ...sub,
        name: "trackinginfo",
        arity: 2,
        flags: ["noscript", "loading", "stale"],
        since: "6.2.0",
        summary:
          "Returns information about server-assisted client-side caching for the connection.",
        complexity: "O(1)",
        handler: clientTrackinginfoCommand,
      },
      {
        ...sub,
        name: "unblock",
        arity: -3,
        flags: ["admin", "noscript", "loading", "stale"],
        since: "5.0.0",
        summary: "Unblocks a client blocked by a blocking command from a different connection.",
        complexity: "O(log N) where N is the number of client connections",
        args: [
          { name: "client-id", type: "integer" },
          {
            name: "unblock-type",
            type: "oneof",
            flags: ["optional"],
            args: [
              { name: "timeout", type: "pure-token", token: "TIMEOUT" },
              { name: "error", type: "pure-token", token: "ERROR" },
            ],
          },
        ],
        handler: clientUnblockCommand,
      },
      {
        ...sub,
        name: "unpause",
        arity: 2,
        flags: ["admin", "noscript", "loading", "stale"],
        since: "6.2.0",
        summary: "Resumes processing commands from paused clients.",
        complexity: "O(N) Where N is the number of paused clients",
        handler: clientUnpauseCommand,
      },
    ],
  },
];
