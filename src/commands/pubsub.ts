/**
 * Pub/Sub commands (Redis's pubsub.c): (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE,
 * PUBLISH, SPUBLISH and the PUBSUB container. The subscriptions and delivery
 * live in src/pubsub/pubsub.ts.
 */

import type { Client } from "../server/client.ts";
import { PROPAGATE_REPL } from "../server/propagation.ts";
import { pubsubOf, type SubscriptionKind } from "../pubsub/pubsub.ts";
import { matchGlob } from "../util/glob.ts";
import { helpRow, replyHelp, replySubcommandSyntaxError } from "./help.ts";
import { type CommandSpec, keySpecAt } from "../server/command_table.ts";

/** addReplyPubsubSubscribed / addReplyPubsubUnsubscribed: `[kind, name or null, count]`. */
function replySubscription(
  c: Client,
  event: string,
  name: string | null,
  kind: SubscriptionKind,
): void {
  c.reply.push(3);
  c.reply.bulkText(event);
  if (name === null) c.reply.null();
  else c.reply.bulkBinary(name);
  c.reply.integer(pubsubOf(c.server).subscriptionCount(c, kind));
}

function subscribeGeneric(c: Client, kind: SubscriptionKind, event: string): void {
  const ps = pubsubOf(c.server);
  for (let j = 1; j < c.argc; j++) {
    const name = c.key(j);
    ps.subscribe(c, kind, name);
    replySubscription(c, event, name, kind);
  }
  ps.updateClientFlag(c, true);
}

function unsubscribeGeneric(c: Client, kind: SubscriptionKind, event: string): void {
  const ps = pubsubOf(c.server);
  if (c.argc === 1) {
    const mine = kind === "channel"
      ? c.channels
      : kind === "pattern"
      ? c.patterns
      : c.shardChannels;
    if (mine.size === 0) {
      // Subscribed to nothing: still one reply, with a null name.
      replySubscription(c, event, null, kind);
    } else {
      for (const name of [...mine]) {
        ps.unsubscribe(c, kind, name);
        replySubscription(c, event, name, kind);
      }
    }
  } else {
    for (let j = 1; j < c.argc; j++) {
      const name = c.key(j);
      ps.unsubscribe(c, kind, name);
      replySubscription(c, event, name, kind);
    }
  }
  ps.updateClientFlag(c, false);
}

function subscribeCommand(c: Client): void {
  subscribeGeneric(c, "channel", "subscribe");
}

function unsubscribeCommand(c: Client): void {
  unsubscribeGeneric(c, "channel", "unsubscribe");
}

function psubscribeCommand(c: Client): void {
  subscribeGeneric(c, "pattern", "psubscribe");
}

function punsubscribeCommand(c: Client): void {
  unsubscribeGeneric(c, "pattern", "punsubscribe");
}

function ssubscribeCommand(c: Client): void {
  // Inside EXEC the client cannot take a reply per channel (CLIENT_DENY_BLOCKING);
  // SUBSCRIBE and PSUBSCRIBE are exempt there for backward compatibility.
  if (c.inExec) return c.reply.error("ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client");
  subscribeGeneric(c, "shard", "ssubscribe");
}

function sunsubscribeCommand(c: Client): void {
  unsubscribeGeneric(c, "shard", "sunsubscribe");
}

function publishGeneric(c: Client, shard: boolean): void {
  const receivers = pubsubOf(c.server).publishMessage(c.argv[1], c.key(1), c.argv[2], shard);
  // Replicas deliver it to their own subscribers; the AOF does not log it
  // (forceCommandPropagation(c, PROPAGATE_REPL)).
  c.forcePropagation(PROPAGATE_REPL);
  c.reply.integer(receivers);
}

function publishCommand(c: Client): void {
  publishGeneric(c, false);
}

function spublishCommand(c: Client): void {
  publishGeneric(c, true);
}

/** PUBSUB CHANNELS / SHARDCHANNELS [pattern]: the active channels matching it. */
function replyChannels(c: Client, channels: Map<string, unknown>): void {
  if (c.argc > 3) return replySubcommandSyntaxError(c);
  const pattern = c.argc === 3 ? c.key(2) : null;
  const out: string[] = [];
  for (const ch of channels.keys()) {
    if (pattern === null || matchGlob(pattern, ch)) out.push(ch);
  }
  c.reply.array(out.length);
  for (const ch of out) c.reply.bulkBinary(ch);
}

/** PUBSUB NUMSUB / SHARDNUMSUB [channel ...]: flat channel, count pairs. */
function replyNumsub(c: Client, channels: Map<string, Set<Client>>): void {
  c.reply.array((c.argc - 2) * 2);
  for (let j = 2; j < c.argc; j++) {
    c.reply.bulk(c.argv[j]);
    c.reply.integer(channels.get(c.key(j))?.size ?? 0);
  }
}

function pubsubChannelsCommand(c: Client): void {
  replyChannels(c, pubsubOf(c.server).channels);
}

function pubsubNumsubCommand(c: Client): void {
  replyNumsub(c, pubsubOf(c.server).channels);
}

function pubsubNumpatCommand(c: Client): void {
  c.reply.integer(pubsubOf(c.server).patterns.size);
}

function pubsubShardchannelsCommand(c: Client): void {
  replyChannels(c, pubsubOf(c.server).shardChannels);
}

function pubsubShardnumsubCommand(c: Client): void {
  replyNumsub(c, pubsubOf(c.server).shardChannels);
}

function pubsubHelpCommand(c: Client): void {
  replyHelp(c, [
    "CHANNELS [<pattern>]",
    "    Return the currently active channels matching a <pattern> (default: '*').",
    "NUMPAT",
    "    Return number of subscriptions to patterns.",
    "NUMSUB [<channel> ...]",
    "    Return the number of subscribers for the specified channels, excluding",
    "    pattern subscriptions(default: no channels).",
    "SHARDCHANNELS [<pattern>]",
    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
    "SHARDNUMSUB [<shardchannel> ...]",
    "    Return the number of subscribers for the specified shard level channel(s)",
  ]);
}

// ---------------------------------------------------------------------------------------------
// Table rows

const row = { firstKey: 0, lastKey: 0, step: 0, group: "pubsub" as const };
const SUBSCRIBE_FLAGS = ["pubsub", "noscript", "loading", "stale"] as const;
const PUBSUB_READ = ["pubsub", "loading", "stale"] as const;

/** Rows of the pubsub group. */
export const pubsubCommands: CommandSpec[] = [
  {
    ...row,
    name: "subscribe",
    arity: -2,
    flags: [...SUBSCRIBE_FLAGS],
    since: "2.0.0",
    summary: "Listens for messages published to channels.",
    complexity: "O(N) where N is the number of channels to subscribe to.",
    args: [{ name: "channel", type: "string", flags: ["multiple"] }],
    handler: subscribeCommand,
  },
  {
    ...row,
    name: "unsubscribe",
    arity: -1,
    flags: [...SUBSCRIBE_FLAGS],
    since: "2.0.0",
    summary: "Stops listening to messages posted to channels.",
    complexity: "O(N) where N is the number of channels to unsubscribe.",
    args: [{ name: "channel", type: "string", flags: ["optional", "multiple"] }],
    handler: unsubscribeCommand,
  },
  {
    ...row,
    name: "psubscribe",
    arity: -2,
    flags: [...SUBSCRIBE_FLAGS],
    since: "2.0.0",
    summary: "Listens for messages published to channels that match one or more patterns.",
    complexity: "O(N) where N is the number of patterns to subscribe to.",
    args: [{ name: "pattern", type: "pattern", flags: ["multiple"] }],
    handler: psubscribeCommand,
  },
  {
    ...row,
    name: "punsubscribe",
    arity: -1,
    flags: [...SUBSCRIBE_FLAGS],
    since: "2.0.0",
    summary: "Stops listening to messages published to channels that match one or more patterns.",
    complexity: "O(N) where N is the number of patterns to unsubscribe.",
    args: [{ name: "pattern", type: "pattern", flags: ["optional", "multiple"] }],
    handler: punsubscribeCommand,
  },
  {
    ...row,
    name: "publish",
    arity: 3,
    flags: ["pubsub", "loading", "stale", "fast", "may_replicate"],
    since: "2.0.0",
    summary: "Posts a message to a channel.",
    complexity:
      "O(N+M) where N is the number of clients subscribed to the receiving channel and M is the total number of subscribed patterns (by any client).",
    args: [{ name: "channel", type: "string" }, { name: "message", type: "string" }],
    handler: publishCommand,
  },
  {
    ...row,
    name: "ssubscribe",
    arity: -2,
    flags: [...SUBSCRIBE_FLAGS],
    firstKey: 1,
    lastKey: -1,
    step: 1,
    since: "7.0.0",
    summary: "Listens for messages published to shard channels.",
    complexity: "O(N) where N is the number of shard channels to subscribe to.",
    keySpecs: [keySpecAt(["not_key"], 1, -1)],
    args: [{ name: "shardchannel", type: "string", flags: ["multiple"] }],
    handler: ssubscribeCommand,
  },
  {
    ...row,
    name: "sunsubscribe",
    arity: -1,
    flags: [...SUBSCRIBE_FLAGS],
    firstKey: 1,
    lastKey: -1,
    step: 1,
    since: "7.0.0",
    summary: "Stops listening to messages posted to shard channels.",
    complexity: "O(N) where N is the number of shard channels to unsubscribe.",
    keySpecs: [keySpecAt(["not_key"], 1, -1)],
    args: [{ name: "shardchannel", type: "string", flags: ["optional", "multiple"] }],
    handler: sunsubscribeCommand,
  },
  {
    ...row,
    name: "spublish",
    arity: 3,
    flags: ["pubsub", "loading", "stale", "fast", "may_replicate"],
    firstKey: 1,
    lastKey: 1,
    step: 1,
    since: "7.0.0",
    summary: "Post a message to a shard channel",
    complexity: "O(N) where N is the number of clients subscribed to the receiving shard channel.",
    keySpecs: [keySpecAt(["not_key"], 1)],
    args: [{ name: "shardchannel", type: "string" }, { name: "message", type: "string" }],
    handler: spublishCommand,
  },
  {
    ...row,
    name: "pubsub",
    arity: -2,
    flags: [],
    omitGroupCategory: true, // @slow only, like its HELP
    since: "2.8.0",
    summary: "A container for Pub/Sub commands.",
    complexity: "Depends on subcommand.",
    subcommands: [
      {
        ...row,
        name: "channels",
        arity: -2,
        flags: [...PUBSUB_READ],
        since: "2.8.0",
        summary: "Returns the active channels.",
        complexity:
          "O(N) where N is the number of active channels, and assuming constant time pattern matching (relatively short channels and patterns)",
        args: [{ name: "pattern", type: "pattern", flags: ["optional"] }],
        handler: pubsubChannelsCommand,
      },
      { ...helpRow(pubsubHelpCommand, "6.2.0", "pubsub"), omitGroupCategory: true },
      {
        ...row,
        name: "numpat",
        arity: 2,
        flags: [...PUBSUB_READ],
        since: "2.8.0",
        summary: "Returns a count of unique pattern subscriptions.",
        complexity: "O(1)",
        handler: pubsubNumpatCommand,
      },
      {
        ...row,
        name: "numsub",
        arity: -2,
        flags: [...PUBSUB_READ],
        since: "2.8.0",
        summary: "Returns a count of subscribers to channels.",
        complexity: "O(N) for the NUMSUB subcommand, where N is the number of requested channels",
        args: [{ name: "channel", type: "string", flags: ["optional", "multiple"] }],
        handler: pubsubNumsubCommand,
      },
      {
        ...row,
        name: "shardchannels",
        arity: -2,
        flags: [...PUBSUB_READ],
        since: "7.0.0",
        summary: "Returns the active shard channels.",
        complexity:
          "O(N) where N is the number of active shard channels, and assuming constant time pattern matching (relatively short shard channels).",
        args: [{ name: "pattern", type: "pattern", flags: ["optional"] }],
        handler: pubsubShardchannelsCommand,
      },
      {
        ...row,
        name: "shardnumsub",
        arity: -2,
        flags: [...PUBSUB_READ],
        since: "7.0.0",
        summary: "Returns the count of subscribers of shard channels.",
        complexity:
          "O(N) for the SHARDNUMSUB subcommand, where N is the number of requested shard channels",
        args: [{ name: "shardchannel", type: "string", flags: ["optional", "multiple"] }],
        handler: pubsubShardnumsubCommand,
      },
    ],
  },
];
