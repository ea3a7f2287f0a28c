/**
 * The "special" configs of config.c (createSpecialConfig): directives with their own parsing,
 * CONFIG GET text and CONFIG REWRITE lines (dir, save, client-output-buffer-limit,
 * oom-score-adj-values, notify-keyspace-events, bind, replicaof,
 * latency-tracking-info-percentiles).
 */

import { parseDouble } from "../util/strtod.ts";
import {
  asciiLower,
  formatMemory,
  formatTrimmedDouble,
  fromNativePath,
  memtoull,
  repr,
  strerror,
  strtoll,
} from "./config_file.ts";
import type { SpecialOps } from "./config_table.ts";
import { keyspaceEventsFlagsToString, keyspaceEventsStringToFlags } from "./notify.ts";

/** Our default bind list (the stock redis.conf's, not the compiled-in "* -::*"). */
export const DEFAULT_BIND = ["127.0.0.1", "-::1"] as const;
const CONFIG_BINDADDR_MAX = 16;

/** One client-output-buffer-limit class. */
export interface ClientBufferLimit {
  hard: number;
  soft: number;
  seconds: number;
}
/** A client-output-buffer-limit class as stored (bytes as bigint). */
export interface ObufRaw {
  hard: bigint;
  soft: bigint;
  seconds: number;
}
const OBUF_CLASSES = ["normal", "slave", "pubsub"] as const;
const OBUF_DEFAULTS: ObufRaw[] = [
  { hard: 0n, soft: 0n, seconds: 0 },
  { hard: 256n * 1024n * 1024n, soft: 64n * 1024n * 1024n, seconds: 60 },
  { hard: 32n * 1024n * 1024n, soft: 8n * 1024n * 1024n, seconds: 60 },
];
const OOM_DEFAULTS = [0, 200, 800];

/** A save point: save after `seconds` if at least `changes` writes happened. */
export interface SaveParam {
  seconds: number;
  changes: number;
}
const SAVE_DEFAULTS: SaveParam[] = [
  { seconds: 3600, changes: 1 },
  { seconds: 300, changes: 100 },
  { seconds: 60, changes: 10000 },
];

export const dirOps: SpecialOps = {
  init: () => "",
  set(cfg, argv) {
    if (argv.length !== 1) return "wrong number of arguments";
    const target = cfg.resolvePath(argv[0]);
    // The sandbox: all file access stays under paths deno was granted.
    if (Deno.permissions.querySync({ name: "read", path: target }).state !== "granted") {
      return `${target} is outside the paths this server may read: restart deno with --allow-read=${target}`;
    }
    try {
      const st = Deno.statSync(target);
      if (!st.isDirectory) return "Not a directory";
      cfg._raw.set("dir", Deno.realPathSync(target));
    } catch (err) {
      return strerror(err);
    }
    return null;
  },
  get: (cfg) => fromNativePath(cfg._raw.get("dir") as string),
  rewrite(cfg, name, state) {
    cfg._rewriteString(state, name, fromNativePath(cfg._raw.get("dir") as string), null);
  },
  typed: (cfg) => cfg._raw.get("dir"),
};

export const saveOps: SpecialOps = {
  init: () => SAVE_DEFAULTS.map((p) => ({ ...p })),
  set(cfg, argv) {
    let args = argv;
    if (args.length === 1 && args[0] === "") args = [];
    if (args.length & 1) return "Invalid save parameters";
    for (let j = 0; j < args.length; j++) {
      const { value, rest } = strtoll(args[j]);
      if (rest !== "" || ((j & 1) === 0 && value < 1n) || ((j & 1) === 1 && value < 0n)) {
        return "Invalid save parameters";
      }
    }
    // While reading a config file the first "save" line replaces the defaults and later lines
    // append; otherwise every set replaces the list.
    let params = cfg._raw.get("save") as SaveParam[];
    if (!cfg._readingConfigFile) {
      params = [];
    } else if (!cfg._saveLoaded) {
      cfg._saveLoaded = true;
      params = [];
    } else {
      params = params.slice();
    }
    for (let j = 0; j < args.length; j += 2) {
      params.push({
        seconds: Number(strtoll(args[j]).value),
        changes: Number(BigInt.asIntN(32, strtoll(args[j + 1]).value)),
      });
    }
    cfg._raw.set("save", params);
    return null;
  },
  get: (cfg) =>
    (cfg._raw.get("save") as SaveParam[]).map((p) => `${p.seconds} ${p.changes}`).join(" "),
  rewrite(cfg, name, state) {
    const params = cfg._raw.get("save") as SaveParam[];
    if (params.length === 0) {
      state.rewriteLine(name, 'save ""', true);
    } else {
      for (const p of params) state.rewriteLine(name, `save ${p.seconds} ${p.changes}`, true);
    }
    state.markProcessed(name);
  },
  typed: (cfg) => saveOps.get(cfg),
};

function clientTypeByName(name: string): number {
  switch (asciiLower(name)) {
    case "normal":
      return 0;
    case "slave":
    case "replica":
      return 1;
    case "pubsub":
      return 2;
    case "master":
      return 3;
    default:
      return -1;
  }
}

export const obufOps: SpecialOps = {
  init: () => OBUF_DEFAULTS.map((l) => ({ ...l })),
  set(cfg, argv) {
    if (argv.length % 4) return "Wrong number of arguments in buffer limit configuration.";
    const updates: [number, ObufRaw][] = [];
    for (let j = 0; j < argv.length; j += 4) {
      const cls = clientTypeByName(argv[j]);
      if (cls === -1 || cls === 3) {
        return "Invalid client class specified in buffer limit configuration.";
      }
      const hard = memtoull(argv[j + 1]);
      const soft = memtoull(argv[j + 2]);
      const secs = strtoll(argv[j + 3]);
      const seconds = Number(BigInt.asIntN(32, secs.value));
      if (hard === null || soft === null || seconds < 0 || secs.rest !== "") {
        return "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
      }
      updates.push([cls, { hard, soft, seconds }]);
    }
    const limits = (cfg._raw.get("client-output-buffer-limit") as ObufRaw[]).map((l) => ({
      ...l,
    }));
    for (const [cls, l] of updates) limits[cls] = l;
    cfg._raw.set("client-output-buffer-limit", limits);
    return null;
  },
  get(cfg) {
    const limits = cfg._raw.get("client-output-buffer-limit") as ObufRaw[];
    return limits.map((l, i) => `${OBUF_CLASSES[i]} ${l.hard} ${l.soft} ${l.seconds}`).join(" ");
  },
  rewrite(cfg, name, state) {
    const limits = cfg._raw.get("client-output-buffer-limit") as ObufRaw[];
    limits.forEach((l, i) => {
      const d = OBUF_DEFAULTS[i];
      const force = l.hard !== d.hard || l.soft !== d.soft || l.seconds !== d.seconds;
      const cls = i === 1 ? "replica" : OBUF_CLASSES[i];
      state.rewriteLine(
        name,
        `${name} ${cls} ${formatMemory(l.hard)} ${formatMemory(l.soft)} ${l.seconds}`,
        force,
      );
    });
  },
  typed: (cfg) => obufOps.get(cfg),
};

export const oomValuesOps: SpecialOps = {
  init: () => OOM_DEFAULTS.slice(),
  set(cfg, argv) {
    if (argv.length !== 3) return "wrong number of arguments";
    const values: number[] = [];
    for (const a of argv) {
      const { value, rest } = strtoll(a);
      if (rest !== "" || value < -2000n || value > 2000n) {
        return "Invalid oom-score-adj-values, elements must be between -2000 and 2000.";
      }
      values.push(Number(value));
    }
    cfg._raw.set("oom-score-adj-values", values);
    return null;
  },
  get: (cfg) => (cfg._raw.get("oom-score-adj-values") as number[]).join(" "),
  rewrite(cfg, name, state) {
    const v = cfg._raw.get("oom-score-adj-values") as number[];
    const force = v.some((x, i) => x !== OOM_DEFAULTS[i]);
    state.rewriteLine(name, `${name} ${v.join(" ")}`, force);
  },
  typed: (cfg) => oomValuesOps.get(cfg),
};

export const notifyOps: SpecialOps = {
  init: () => 0,
  set(cfg, argv) {
    if (argv.length !== 1) return "wrong number of arguments";
    const flags = keyspaceEventsStringToFlags(argv[0]);
    if (flags === -1) return "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.";
    cfg._raw.set("notify-keyspace-events", flags);
    return null;
  },
  get: (cfg) => keyspaceEventsFlagsToString(cfg._raw.get("notify-keyspace-events") as number),
  rewrite(cfg, name, state) {
    const flags = cfg._raw.get("notify-keyspace-events") as number;
    state.rewriteLine(name, `${name} ${repr(keyspaceEventsFlagsToString(flags))}`, flags !== 0);
  },
  typed: (cfg) => notifyOps.get(cfg),
};

export const bindOps: SpecialOps = {
  init: () => DEFAULT_BIND.slice(),
  set(cfg, argv) {
    if (argv.length > CONFIG_BINDADDR_MAX) return "Too many bind addresses specified.";
    const addrs = argv.length === 1 && argv[0] === "" ? [] : argv.slice();
    cfg._raw.set("bind", addrs);
    return null;
  },
  get: (cfg) => (cfg._raw.get("bind") as string[]).join(" "),
  rewrite(cfg, name, state) {
    const addrs = cfg._raw.get("bind") as string[];
    if (addrs.length === DEFAULT_BIND.length && addrs.every((a, i) => a === DEFAULT_BIND[i])) {
      state.markProcessed(name);
      return;
    }
    state.rewriteLine(name, `${name} ${addrs.length > 0 ? addrs.join(" ") : '""'}`, true);
  },
  typed: (cfg) => (cfg._raw.get("bind") as string[]).slice(),
};

/** The master a replica follows. */
export interface ReplicaOf {
  host: string;
  port: number;
}

export const replicaofOps: SpecialOps = {
  init: () => null,
  set(cfg, argv) {
    if (argv.length !== 2) return "wrong number of arguments";
    cfg._raw.set("replicaof", null);
    if (asciiLower(argv[0]) === "no" && asciiLower(argv[1]) === "one") return null;
    // strtol: leading blanks and a sign are accepted, trailing garbage is not.
    const { value, rest } = strtoll(argv[1]);
    if (value < 0n || value > 65535n || rest !== "") return "Invalid master port";
    cfg._raw.set("replicaof", { host: argv[0], port: Number(value) });
    return null;
  },
  get(cfg) {
    const r = cfg._raw.get("replicaof") as ReplicaOf | null;
    return r ? `${r.host} ${r.port}` : "";
  },
  rewrite(cfg, name, state) {
    const r = cfg._raw.get("replicaof") as ReplicaOf | null;
    if (!r) {
      state.markProcessed(name);
      return;
    }
    state.rewriteLine(name, `${name} ${r.host} ${r.port}`, true);
  },
  typed(cfg) {
    const r = cfg._raw.get("replicaof") as ReplicaOf | null;
    return r ? { ...r } : null;
  },
};

export const percentilesOps: SpecialOps = {
  init: () => [50, 99, 99.9],
  set(cfg, argv) {
    const list: number[] = [];
    if (!(argv.length === 1 && argv[0] === "")) {
      for (const a of argv) {
        const d = parseDouble(a);
        if (d === null) return "Invalid latency-tracking-info-percentiles parameters";
        if (d > 100 || d < 0) {
          return "latency-tracking-info-percentiles parameters should sit between [0.0,100.0]";
        }
        list.push(d);
      }
    }
    cfg._raw.set("latency-tracking-info-percentiles", list);
    return null;
  },
  get: (cfg) =>
    (cfg._raw.get("latency-tracking-info-percentiles") as number[]).map(formatTrimmedDouble)
      .join(" "),
  rewrite(cfg, name, state) {
    const list = cfg._raw.get("latency-tracking-info-percentiles") as number[];
    const line = list.length === 0
      ? `${name} ""`
      : `${name} ${list.map(formatTrimmedDouble).join(" ")}`;
    state.rewriteLine(name, line, true);
  },
  typed: (cfg) => (cfg._raw.get("latency-tracking-info-percentiles") as number[]).slice(),
};
