/**
 * LATENCY (Redis's latency.c). No latency events are ever sampled here:
 * minimal but valid replies; HISTOGRAM reads the per-command stats.
 */

import type { Client } from "../server/client.ts";
import { cString } from "../util/bytes.ts";
import { helpRow, replyHelp } from "./help.ts";
import type { Command, CommandFlag, CommandSpec } from "../server/command_table.ts";

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
      const cmd = server.commands.lookupByName(c.key(i));
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
// Table rows

const serverRow = { firstKey: 0, lastKey: 0, step: 0, group: "server" as const };

const ADMIN_SUB: CommandFlag[] = ["admin", "noscript", "loading", "stale"];

const optionalMultiple = ["optional", "multiple"] as ("optional" | "multiple")[];

/** Rows of LATENCY. */
export const latencyCommands: CommandSpec[] = [
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
