/**
 * Connection commands: PING, ECHO, QUIT, HELLO, AUTH, RESET, and the CLIENT
 * container (its rows live in client.ts and are registered from here).
 */

import { trackingOf } from "../pubsub/tracking.ts";
import type { Client } from "../server/client.ts";
import type { Server } from "../server/server.ts";
import { SYNTAX_ERR } from "../store/types.ts";
import { binaryToBytes, cString } from "../util/bytes.ts";
import { parseLongLong } from "../util/number.ts";
import { REDIS_VERSION } from "../version.ts";
import { CLIENT_NAME_ERR, clientCommands, setClientName, validClientName } from "./client.ts";
import type { CommandSpec } from "../server/command_table.ts";
import { isPubSubClient } from "../server/client_info.ts";

const WRONGPASS = "WRONGPASS invalid username-password pair or user is disabled.";

/**
 * Checks a username/password pair (ACLAuthenticateUser for the users this
 * server knows: the default user, protected by requirepass or "nopass").
 */
export function checkUserPassword(server: Server, user: string, pass: string): boolean {
  if (user !== "default") return false;
  const required = server.config.requirepass;
  return required === "" || pass === required;
}

/** Authenticates `c` as `user` when the password matches; false otherwise. */
export function authenticate(c: Client, user: string, pass: string): boolean {
  if (!checkUserPassword(c.server, user, pass)) return false;
  c.authenticated = true;
  c.user = user;
  return true;
}

function pingCommand(c: Client): void {
  if (c.argc > 2) return c.reply.error("ERR wrong number of arguments for 'ping' command");
  // A subscribed RESP2 client can't tell a +PONG from a message, so it gets a pseudo message.
  if (c.reply.resp === 2 && isPubSubClient(c)) {
    c.reply.array(2);
    c.reply.bulkText("pong");
    if (c.argc === 1) c.reply.bulkText("");
    else c.reply.bulk(c.argv[1]);
  } else if (c.argc === 1) {
    c.reply.simple("PONG");
  } else {
    c.reply.bulk(c.argv[1]);
  }
}

function echoCommand(c: Client): void {
  c.reply.bulk(c.argv[1]);
}

function quitCommand(c: Client): void {
  c.reply.ok();
  c.closeAfterReply = true;
}

function authCommand(c: Client): void {
  if (c.argc > 3) return c.reply.error(SYNTAX_ERR);
  let user: string;
  let pass: string;
  if (c.argc === 2) {
    // The one-argument form needs a password on the default user, as before ACLs.
    if (c.server.config.requirepass === "") {
      return c.reply.error(
        "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
      );
    }
    user = "default";
    pass = c.key(1);
    c.redactArgument(1);
  } else {
    user = c.key(1);
    pass = c.key(2);
    c.redactArgument(1);
    c.redactArgument(2);
  }
  if (authenticate(c, user, pass)) c.reply.ok();
  else c.reply.error(WRONGPASS);
}

function helloCommand(c: Client): void {
  let ver = 0;
  let next = 1;
  if (c.argc >= 2) {
    const v = parseLongLong(c.argv[next++]);
    if (v === null) return c.reply.error("ERR Protocol version is not an integer or out of range");
    if (v < 2n || v > 3n) return c.reply.error("NOPROTO unsupported protocol version");
    ver = Number(v);
  }
  let user: string | null = null;
  let pass = "";
  let name: Uint8Array | null = null;
  for (let j = next; j < c.argc; j++) {
    const moreargs = c.argc - 1 - j;
    const opt = c.lower(j);
    if (opt === "auth" && moreargs >= 2) {
      user = c.key(j + 1);
      pass = c.key(j + 2);
      c.redactArgument(j + 1);
      c.redactArgument(j + 2);
      j += 2;
    } else if (opt === "setname" && moreargs >= 1) {
      name = c.argv[j + 1];
      if (!validClientName(name)) return c.reply.error(CLIENT_NAME_ERR);
      j++;
    } else {
      return c.reply.errorBinary(`ERR Syntax error in HELLO option '${cString(c.argv[j])}'`);
    }
  }
  if (user !== null && !authenticate(c, user, pass)) return c.reply.error(WRONGPASS);
  if (!c.authenticated) {
    return c.reply.error(
      "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time",
    );
  }
  if (name !== null) setClientName(c, name);
  if (ver !== 0) c.reply.resp = ver as 2 | 3;
  const r = c.reply;
  r.map(7);
  r.bulkText("server");
  r.bulkText("redis");
  r.bulkText("version");
  r.bulkText(REDIS_VERSION);
  r.bulkText("proto");
  r.integer(r.resp);
  r.bulkText("id");
  r.integer(c.id);
  r.bulkText("mode");
  r.bulkText("standalone");
  r.bulkText("role");
  r.bulkText(c.server.isReplica() ? "replica" : "master");
  r.bulkText("modules");
  r.array(0);
}

/**
 * Leaves every channel, pattern and shard channel without notifications
 * (pubsubUnsubscributeAll*(c, 0)), through the pub/sub commands when they are
 * registered, then forgets the subscriptions.
 */
function unsubscribeAllSilently(c: Client): void {
  for (const name of ["unsubscribe", "punsubscribe", "sunsubscribe"]) {
    const cmd = c.server.commands.lookup(name);
    if (cmd?.handler === undefined) continue;
    const argv = c.argv;
    const start = c.reply.len;
    c.argv = [binaryToBytes(name)];
    try {
      cmd.handler(c);
    } finally {
      c.reply.len = start;
      c.argv = argv;
    }
  }
  c.channels.clear();
  c.patterns.clear();
  if (c.kind === "pubsub") c.kind = "normal";
}

/** clearClientConnectionState: the connection as it was right after connecting. */
function clearClientConnectionState(c: Client): void {
  const server = c.server;
  trackingOf(server).disable(c);
  if (c.monitor) {
    server.monitors.delete(c);
    c.monitor = false;
    if (c.kind === "replica") c.kind = "normal";
  }
  c.db = server.keyspace.dbs[0];
  c.reply.resp = 2;
  // clientSetDefaultAuth: the default user, authenticated only when it needs no password.
  c.user = "default";
  c.authenticated = server.config.requirepass === "";
  // discardTransaction, which also drops every WATCH.
  c.multi = null;
  c.multiError = false;
  server.unwatchAll(c);
  unsubscribeAllSilently(c);
  c.name = "";
  // lib-name and lib-ver stay: they describe the library behind the connection.
  c.replyMode = "on";
  c.noEvict = false;
  c.noTouch = false;
}

function resetCommand(c: Client): void {
  if (c.kind === "master" || (c.kind === "replica" && !c.monitor)) {
    return c.reply.error("ERR can only reset normal client connections");
  }
  clearClientConnectionState(c);
  c.reply.simple("RESET");
}

const base = { firstKey: 0, lastKey: 0, step: 0, group: "connection" as const };

/** Rows of the connection group (CLIENT included). */
export const connectionCommands: CommandSpec[] = [
  {
    ...base,
    name: "ping",
    arity: -1,
    flags: ["fast"],
    since: "1.0.0",
    summary: "Returns the server's liveliness response.",
    complexity: "O(1)",
    tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
    args: [{ name: "message", type: "string", flags: ["optional"] }],
    handler: pingCommand,
  },
  {
    ...base,
    name: "echo",
    arity: 2,
    flags: ["loading", "stale", "fast"],
    since: "1.0.0",
    summary: "Returns the given string.",
    complexity: "O(1)",
    args: [{ name: "message", type: "string" }],
    handler: echoCommand,
  },
  {
    ...base,
    name: "quit",
    arity: -1,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    since: "1.0.0",
    summary: "Closes the connection.",
    complexity: "O(1)",
    docFlags: ["deprecated"],
    deprecatedSince: "7.2.0",
    replacedBy: "just closing the connection",
    handler: quitCommand,
  },
  {
    ...base,
    name: "hello",
    arity: -1,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    since: "6.0.0",
    summary: "Handshakes with the Redis server.",
    complexity: "O(1)",
    history: [[
      "6.2.0",
      "`protover` made optional; when called without arguments the command reports the current connection's context.",
    ]],
    args: [{
      name: "arguments",
      type: "block",
      flags: ["optional"],
      args: [
        { name: "protover", type: "integer" },
        {
          name: "auth",
          type: "block",
          token: "AUTH",
          flags: ["optional"],
          args: [
            { name: "username", type: "string" },
            { name: "password", type: "string" },
          ],
        },
        { name: "clientname", type: "string", token: "SETNAME", flags: ["optional"] },
      ],
    }],
    handler: helloCommand,
  },
  {
    ...base,
    name: "auth",
    arity: -2,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    since: "1.0.0",
    summary: "Authenticates the connection.",
    complexity: "O(N) where N is the number of passwords defined for the user",
    history: [["6.0.0", "Added ACL style (username and password)."]],
    args: [
      { name: "username", type: "string", since: "6.0.0", flags: ["optional"] },
      { name: "password", type: "string" },
    ],
    handler: authCommand,
  },
  {
    ...base,
    name: "reset",
    arity: 1,
    flags: ["noscript", "loading", "stale", "fast", "no_auth", "allow_busy"],
    since: "6.2.0",
    summary: "Resets the connection.",
    complexity: "O(1)",
    handler: resetCommand,
  },
  ...clientCommands,
];
