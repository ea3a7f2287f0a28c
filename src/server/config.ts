/**
 * The configuration subsystem: the config table of Redis 7.2 (config.c standardConfig), loading
 * redis.conf files and command-line overrides, CONFIG GET / SET / REWRITE semantics with Redis's
 * exact formats and error texts, and typed values for the server's hot reads.
 *
 * Names and values are binary strings (one char per byte), like keys. Typed properties
 * (`config.port`, `config.bind`, ...) are plain fields refreshed on every change, so reading them
 * costs nothing.
 *
 * Deliberate differences from Redis: the default `bind` is "127.0.0.1 -::1" (what the stock
 * redis.conf ships); `dir` is tracked as an absolute path instead of changing the process cwd
 * (use `config.dir` / `resolvePath()` for file paths); TLS configs are absent (a default Redis
 * build has none either).
 */

import { binaryToBytes, bytesToBinary } from "../util/bytes.ts";
import { matchGlob } from "../util/glob.ts";
import { parseDouble, parseLongLong } from "../util/number.ts";
import { splitArgs } from "../util/splitargs.ts";
import { REDIS_VERSION } from "../version.ts";
import type { Log } from "./log.ts";
import {
  formatMemory,
  formatTrimmedDouble,
  fromNativePath,
  isSpace,
  memtoull,
  repr,
  RewriteState,
  strerror,
  strtoll,
  toNativePath,
  trimConfigLine,
} from "./config_file.ts";

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/** A CONFIG command failure; `message` is the Redis error text without the leading code. */
export class ConfigError extends Error {
  /** The error code to prefix the reply with ("ERR", or "LOADING" while loading). */
  readonly code: string;
  constructor(message: string, code = "ERR") {
    super(message);
    this.name = "ConfigError";
    this.code = code;
  }
}

/**
 * A fatal start-up configuration error. When `viaLog` is false, `message` is the exact multi-line
 * "*** FATAL CONFIG FILE ERROR ***" text Redis writes to stderr; when true, it is a message Redis
 * logs at warning level (e.g. "Fatal error, can't open config file ..."). Either way the process
 * then exits with status 1.
 */
export class StartupError extends Error {
  readonly viaLog: boolean;
  constructor(message: string, viaLog = false) {
    super(message);
    this.name = "StartupError";
    this.viaLog = viaLog;
  }

  /** Prints the error the way Redis does (stderr, or a log line through `log`). */
  print(log?: Log): void {
    if (this.viaLog && log) {
      log.warning(this.message);
    } else {
      const text = this.viaLog ? this.message + "\n" : this.message;
      const bytes = new TextEncoder().encode(text);
      let off = 0;
      while (off < bytes.length) off += Deno.stderr.writeSync(bytes.subarray(off));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Keyspace notification flags (notify.c)
// ---------------------------------------------------------------------------------------------

export const NOTIFY_KEYSPACE = 1 << 0; // K
export const NOTIFY_KEYEVENT = 1 << 1; // E
export const NOTIFY_GENERIC = 1 << 2; // g
export const NOTIFY_STRING = 1 << 3; // $
export const NOTIFY_LIST = 1 << 4; // l
export const NOTIFY_SET = 1 << 5; // s
export const NOTIFY_HASH = 1 << 6; // h
export const NOTIFY_ZSET = 1 << 7; // z
export const NOTIFY_EXPIRED = 1 << 8; // x
export const NOTIFY_EVICTED = 1 << 9; // e
export const NOTIFY_STREAM = 1 << 10; // t
export const NOTIFY_KEY_MISS = 1 << 11; // m (not part of A)
export const NOTIFY_LOADED = 1 << 12; // module only
export const NOTIFY_MODULE = 1 << 13; // d
export const NOTIFY_NEW = 1 << 14; // n (not part of A)
/** The "A" alias: g$lshzxetd. */
export const NOTIFY_ALL = NOTIFY_GENERIC | NOTIFY_STRING | NOTIFY_LIST | NOTIFY_SET |
  NOTIFY_HASH | NOTIFY_ZSET | NOTIFY_EXPIRED | NOTIFY_EVICTED | NOTIFY_STREAM | NOTIFY_MODULE;

const NOTIFY_CHARS: Record<string, number> = {
  A: NOTIFY_ALL,
  g: NOTIFY_GENERIC,
  $: NOTIFY_STRING,
  l: NOTIFY_LIST,
  s: NOTIFY_SET,
  h: NOTIFY_HASH,
  z: NOTIFY_ZSET,
  x: NOTIFY_EXPIRED,
  e: NOTIFY_EVICTED,
  K: NOTIFY_KEYSPACE,
  E: NOTIFY_KEYEVENT,
  t: NOTIFY_STREAM,
  m: NOTIFY_KEY_MISS,
  d: NOTIFY_MODULE,
  n: NOTIFY_NEW,
};

/** keyspaceEventsStringToFlags: the flag bits of a class string, or -1 on a bad character. */
export function keyspaceEventsStringToFlags(classes: string): number {
  let flags = 0;
  for (const c of classes) {
    const f = NOTIFY_CHARS[c];
    if (f === undefined) return -1;
    flags |= f;
  }
  return flags;
}

/** keyspaceEventsFlagsToString: the canonical class string CONFIG GET prints. */
export function keyspaceEventsFlagsToString(flags: number): string {
  let res = "";
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) {
    res += "A";
  } else {
    if (flags & NOTIFY_GENERIC) res += "g";
    if (flags & NOTIFY_STRING) res += "$";
    if (flags & NOTIFY_LIST) res += "l";
    if (flags & NOTIFY_SET) res += "s";
    if (flags & NOTIFY_HASH) res += "h";
    if (flags & NOTIFY_ZSET) res += "z";
    if (flags & NOTIFY_EXPIRED) res += "x";
    if (flags & NOTIFY_EVICTED) res += "e";
    if (flags & NOTIFY_STREAM) res += "t";
    if (flags & NOTIFY_MODULE) res += "d";
    if (flags & NOTIFY_NEW) res += "n";
  }
  if (flags & NOTIFY_KEYSPACE) res += "K";
  if (flags & NOTIFY_KEYEVENT) res += "E";
  if (flags & NOTIFY_KEY_MISS) res += "m";
  return res;
}

// ---------------------------------------------------------------------------------------------
// Config table
// ---------------------------------------------------------------------------------------------

/** C integer type backing a numeric config; decides bounds checking (signed vs unsigned). */
export type NumericKind =
  | "int"
  | "uint"
  | "long"
  | "ulong"
  | "longlong"
  | "ulonglong"
  | "sizet"
  | "ssizet"
  | "timet"
  | "offt";

/** Config types: numeric configs are "int" (plain / octal) or "memory" (units, maybe percent). */
export type ConfigType = "bool" | "int" | "memory" | "string" | "enum" | "special";

/** Internal raw value: bool, bigint (numeric), string|null (string), number (enum), any. */
type Raw = unknown;

/** Behaviour of a "special" config (config.c createSpecialConfig). */
interface SpecialOps {
  /** Parses and stores; returns an error text, or null. Specials always count as changed. */
  set(cfg: Config, argv: string[]): string | null;
  /** CONFIG GET text. */
  get(cfg: Config): string;
  /** CONFIG REWRITE contribution. */
  rewrite(cfg: Config, name: string, state: RewriteState): void;
  /** Typed value for the camelCase property. */
  typed(cfg: Config): unknown;
  /** Initial raw value. */
  init(): Raw;
}

/** One row of the config table. */
export interface ConfigDef {
  readonly name: string;
  readonly alias?: string;
  readonly type: ConfigType;
  /** The default value, formatted as CONFIG GET prints it. */
  readonly default: string;
  /** False for IMMUTABLE_CONFIG (CONFIG SET refuses). */
  readonly mutable: boolean;
  /** HIDDEN_CONFIG: only an exact (non-pattern) CONFIG GET shows it. */
  readonly hidden?: boolean;
  /** SENSITIVE_CONFIG: CONFIG SET's value must be redacted from logs/slowlog/monitor. */
  readonly sensitive?: boolean;
  /** PROTECTED_CONFIG: CONFIG SET needs enable-protected-configs. */
  readonly protected?: boolean;
  /** DENY_LOADING_CONFIG: CONFIG SET refused while loading. */
  readonly denyLoading?: boolean;
  /** MULTI_ARG_CONFIG: takes several arguments (CONFIG SET splits its value on spaces). */
  readonly multiArg?: boolean;
  /** Numeric backing type. */
  readonly kind?: NumericKind;
  readonly min?: bigint;
  readonly max?: bigint;
  readonly percent?: boolean;
  readonly octal?: boolean;
  /** String configs: "" is stored as unset (shown as ""). */
  readonly emptyToNull?: boolean;
  /** Enum names and values (bit flags when multiArg). */
  readonly enumValues?: readonly (readonly [string, number])[];
  /** Extra validation of the parsed value; returns an error text or null. */
  readonly isValid?: (value: any) => string | null;
  /** Built-in apply step after CONFIG SET; returns an error text or null. */
  readonly apply?: (cfg: Config) => string | null;
  /** @internal special behaviour */
  readonly special?: SpecialOps;
}

const INT_MAX = 2147483647n;
const INT_MIN = -2147483648n;
const UINT_MAX = 4294967295n;
const LONG_MAX = 9223372036854775807n;
const LLONG_MAX = LONG_MAX;
const ULLONG_MAX = 18446744073709551615n;
const SSIZE_MAX = LONG_MAX;

interface Flags {
  alias?: string;
  immutable?: boolean;
  hidden?: boolean;
  sensitive?: boolean;
  protected?: boolean;
  denyLoading?: boolean;
  multiArg?: boolean;
  isValid?: (value: any) => string | null;
  apply?: (cfg: Config) => string | null;
}

function common(f: Flags) {
  return {
    alias: f.alias,
    mutable: !f.immutable,
    hidden: f.hidden,
    sensitive: f.sensitive,
    protected: f.protected,
    denyLoading: f.denyLoading,
    multiArg: f.multiArg,
    isValid: f.isValid,
    apply: f.apply,
  };
}

function bool<const N extends string>(name: N, def: boolean, f: Flags = {}) {
  return { name, type: "bool" as const, default: def ? "yes" : "no", ...common(f) };
}

function str<const N extends string>(
  name: N,
  def: string | null,
  emptyToNull: boolean,
  f: Flags = {},
) {
  return { name, type: "string" as const, default: def ?? "", emptyToNull, ...common(f) };
}

function num<const N extends string, const T extends "int" | "memory">(
  name: N,
  type: T,
  kind: NumericKind,
  min: bigint,
  max: bigint,
  def: bigint,
  f: Flags & { percent?: boolean; octal?: boolean } = {},
) {
  return {
    name,
    type,
    kind,
    min,
    max,
    default: f.octal ? def.toString(8) : `${def}`,
    percent: f.percent,
    octal: f.octal,
    ...common(f),
  };
}

function int<const N extends string>(
  name: N,
  kind: NumericKind,
  min: bigint,
  max: bigint,
  def: bigint,
  f: Flags & { octal?: boolean } = {},
) {
  return num(name, "int", kind, min, max, def, f);
}

function mem<const N extends string>(
  name: N,
  kind: NumericKind,
  min: bigint,
  max: bigint,
  def: bigint,
  f: Flags & { percent?: boolean } = {},
) {
  return num(name, "memory", kind, min, max, def, f);
}

function enm<const N extends string>(
  name: N,
  values: readonly (readonly [string, number])[],
  def: number,
  f: Flags = {},
) {
  return {
    name,
    type: "enum" as const,
    enumValues: values,
    default: enumName(values, def, !!f.multiArg),
    ...common(f),
  };
}

function special<const N extends string>(name: N, ops: SpecialOps, def: string, f: Flags = {}) {
  return { name, type: "special" as const, special: ops, default: def, ...common(f) };
}

/** configEnumGetName: exact match first, else (bit flags) the matching names; "unknown". */
function enumName(values: readonly (readonly [string, number])[], v: number, bitflags: boolean) {
  const names: string[] = [];
  let unmatched = v;
  for (const [name, val] of values) {
    if (val === v) return name;
    if (bitflags && val !== 0 && val === (unmatched & val)) {
      names.push(name);
      unmatched &= ~val;
    }
  }
  if (names.length === 0 || unmatched !== 0) return "unknown";
  return names.join(" ");
}

// Enum tables (config.c).
const MAXMEMORY_POLICY = [
  ["volatile-lru", 0],
  ["volatile-lfu", 1],
  ["volatile-random", 2],
  ["volatile-ttl", 3],
  ["allkeys-lru", 4],
  ["allkeys-lfu", 5],
  ["allkeys-random", 6],
  ["noeviction", 7],
] as const;
const SYSLOG_FACILITY = [
  ["user", 8],
  ["local0", 128],
  ["local1", 136],
  ["local2", 144],
  ["local3", 152],
  ["local4", 160],
  ["local5", 168],
  ["local6", 176],
  ["local7", 184],
] as const;
const LOGLEVEL = [["debug", 0], ["verbose", 1], ["notice", 2], ["warning", 3], [
  "nothing",
  4,
]] as const;
const SUPERVISED = [["upstart", 1], ["systemd", 2], ["auto", 3], ["no", 0]] as const;
const AOF_FSYNC = [["everysec", 2], ["always", 1], ["no", 0]] as const;
const SHUTDOWN_ON_SIG = [["default", 0], ["save", 1], ["nosave", 2], ["now", 4], [
  "force",
  8,
]] as const;
const REPL_DISKLESS_LOAD = [["disabled", 0], ["on-empty-db", 1], ["swapdb", 2]] as const;
const OOM_SCORE_ADJ = [["no", 0], ["yes", 1], ["relative", 1], ["absolute", 2]] as const;
const ACL_PUBSUB_DEFAULT = [["allchannels", 1], ["resetchannels", 0]] as const;
const SANITIZE_DUMP = [["no", 0], ["yes", 1], ["clients", 2]] as const;
const PROTECTED_ACTION = [["no", 0], ["yes", 1], ["local", 2]] as const;
const ENDPOINT_TYPE = [["ip", 0], ["hostname", 1], ["unknown-endpoint", 2]] as const;
const PROPAGATION_ERROR = [["ignore", 0], ["panic", 1], ["panic-on-replicas", 2]] as const;

// Validators (config.c is_valid_fn).
function pathIsBaseName(p: string): boolean {
  return !p.includes("/") && !p.includes("\\");
}

function isValidDBfilename(v: string): string | null {
  return pathIsBaseName(v) ? null : "dbfilename can't be a path, just a filename";
}

function isValidAOFfilename(v: string): string | null {
  if (v === "") return "appendfilename can't be empty";
  return pathIsBaseName(v) ? null : "appendfilename can't be a path, just a filename";
}

function isValidAOFdirname(v: string): string | null {
  if (v === "") return "appenddirname can't be empty";
  return pathIsBaseName(v) ? null : "appenddirname can't be a path, just a dirname";
}

function isValidAnnouncedHostname(v: string): string | null {
  if (v.length >= 256) return "Hostnames must be less than 256 characters";
  if (!/^[A-Za-z0-9.-]*$/.test(v)) {
    return "Hostnames may only contain alphanumeric characters, hyphens or dots";
  }
  return null;
}

function isValidAnnouncedNodename(v: string): string | null {
  for (const c of v) {
    if (!/[A-Za-z0-9]/.test(c) && "!#$%&()*+:;<>?@[]^{|}~".includes(c)) {
      return "Announced human node name contained invalid character";
    }
  }
  return null;
}

/** server.c validateProcTitleTemplate: known {variables} and a non-blank expansion. */
function isValidProcTitleTemplate(v: string): string | null {
  const vars: Record<string, string> = {
    "title": "",
    "listen-addr": "*:6379",
    "server-mode": "",
    "port": "6379",
    "tls-port": "0",
    "unixsocket": "",
    "config-file": "",
  };
  const bad = "template format is invalid or contains unknown variables";
  let out = "";
  for (let i = 0; i < v.length; i++) {
    const c = v[i];
    if (c === "{") {
      if (v[i + 1] === "{") {
        out += "{";
        i++;
        continue;
      }
      const end = v.indexOf("}", i + 1);
      if (end < 0) return bad;
      const name = v.slice(i + 1, end);
      if (!(name in vars)) return bad;
      out += vars[name];
      i = end;
    } else if (c === "}") {
      if (v[i + 1] !== "}") return bad;
      out += "}";
      i++;
    } else {
      out += c;
    }
  }
  return out.replace(/^ +| +$/g, "") === "" ? bad : null;
}

function isValidActiveDefrag(v: boolean): string | null {
  return v
    ? "Active defragmentation cannot be enabled: it requires a Redis server compiled with a " +
      "modified Jemalloc like the one shipped by default with the Redis source distribution"
    : null;
}

function isValidShutdownOnSigFlags(v: number): string | null {
  return (v & 1) && (v & 2)
    ? "shutdown options SAVE and NOSAVE can't be used simultaneously"
    : null;
}

function applyLocaleCollate(cfg: Config): string | null {
  const v = cfg.localeCollate;
  return ["", "C", "POSIX", "C.UTF-8", "C.utf8"].includes(v) ? null : "Invalid locale name";
}

/** updateHZ: hz is a hint, clamped to 1..500. */
function applyHz(cfg: Config): string | null {
  cfg._clampHz();
  return null;
}

// Special configs ------------------------------------------------------------------------------

/** Our default bind list (the stock redis.conf's, not the compiled-in "* -::*"). */
export const DEFAULT_BIND = ["127.0.0.1", "-::1"] as const;
const CONFIG_BINDADDR_MAX = 16;

/** One client-output-buffer-limit class. */
export interface ClientBufferLimit {
  hard: number;
  soft: number;
  seconds: number;
}
interface ObufRaw {
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

const dirOps: SpecialOps = {
  init: () => "",
  set(cfg, argv) {
    if (argv.length !== 1) return "wrong number of arguments";
    const target = cfg.resolvePath(argv[0]);
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

const saveOps: SpecialOps = {
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

const obufOps: SpecialOps = {
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

const oomValuesOps: SpecialOps = {
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

const notifyOps: SpecialOps = {
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

const bindOps: SpecialOps = {
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

const replicaofOps: SpecialOps = {
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

const percentilesOps: SpecialOps = {
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

const imm = { immutable: true };

/** The config table, in config.c order (TLS configs omitted: not supported). */
export const CONFIG_TABLE = [
  // Bool configs
  bool("rdbchecksum", true, imm),
  bool("daemonize", false, imm),
  bool("io-threads-do-reads", false, imm),
  bool("always-show-logo", false, imm),
  bool("protected-mode", true),
  bool("rdbcompression", true),
  bool("rdb-del-sync-files", false),
  bool("activerehashing", true),
  bool("stop-writes-on-bgsave-error", true),
  bool("set-proc-title", true, imm),
  bool("dynamic-hz", true),
  bool("lazyfree-lazy-eviction", false),
  bool("lazyfree-lazy-expire", false),
  bool("lazyfree-lazy-server-del", false),
  bool("lazyfree-lazy-user-del", false),
  bool("lazyfree-lazy-user-flush", false),
  bool("repl-disable-tcp-nodelay", false),
  bool("repl-diskless-sync", true),
  bool("aof-rewrite-incremental-fsync", true),
  bool("no-appendfsync-on-rewrite", false),
  bool("cluster-require-full-coverage", true),
  bool("rdb-save-incremental-fsync", true),
  bool("aof-load-truncated", true),
  bool("aof-use-rdb-preamble", true),
  bool("aof-timestamp-enabled", false),
  bool("cluster-replica-no-failover", false, { alias: "cluster-slave-no-failover" }),
  bool("replica-lazy-flush", false, { alias: "slave-lazy-flush" }),
  bool("replica-serve-stale-data", true, { alias: "slave-serve-stale-data" }),
  bool("replica-read-only", true, { alias: "slave-read-only" }),
  bool("replica-ignore-maxmemory", true, { alias: "slave-ignore-maxmemory" }),
  bool("jemalloc-bg-thread", true),
  bool("activedefrag", false, { isValid: isValidActiveDefrag }),
  bool("syslog-enabled", false, imm),
  bool("cluster-enabled", false, imm),
  bool("appendonly", false, { denyLoading: true }),
  bool("cluster-allow-reads-when-down", false),
  bool("cluster-allow-pubsubshard-when-down", true),
  bool("crash-log-enabled", true),
  bool("crash-memcheck-enabled", true),
  bool("use-exit-on-panic", false, { hidden: true }),
  bool("disable-thp", true, imm),
  bool("cluster-allow-replica-migration", true),
  bool("replica-announced", true),
  bool("latency-tracking", true),
  bool("aof-disable-auto-gc", false, { hidden: true }),
  bool("replica-ignore-disk-write-errors", false),

  // String configs
  str("aclfile", "", false, imm),
  str("unixsocket", null, true, imm),
  str("pidfile", null, true, imm),
  str("replica-announce-ip", null, true, { alias: "slave-announce-ip" }),
  str("masteruser", null, true, { sensitive: true }),
  str("cluster-announce-ip", null, true),
  str("cluster-config-file", "nodes.conf", false, imm),
  str("cluster-announce-hostname", null, true, { isValid: isValidAnnouncedHostname }),
  str("cluster-announce-human-nodename", null, true, { isValid: isValidAnnouncedNodename }),
  str("syslog-ident", "redis", false, imm),
  str("dbfilename", "dump.rdb", false, { protected: true, isValid: isValidDBfilename }),
  str("appendfilename", "appendonly.aof", false, { immutable: true, isValid: isValidAOFfilename }),
  str("appenddirname", "appendonlydir", false, { immutable: true, isValid: isValidAOFdirname }),
  str("server_cpulist", null, true, imm),
  str("bio_cpulist", null, true, imm),
  str("aof_rewrite_cpulist", null, true, imm),
  str("bgsave_cpulist", null, true, imm),
  str("ignore-warnings", "", false),
  str("proc-title-template", "{title} {listen-addr} {server-mode}", false, {
    isValid: isValidProcTitleTemplate,
  }),
  str("bind-source-addr", null, true),
  str("logfile", "", false, imm),
  str("locale-collate", "", false, { apply: applyLocaleCollate }),
  // SDS configs
  str("masterauth", null, true, { sensitive: true }),
  str("requirepass", null, true, { sensitive: true }),

  // Enum configs
  enm("supervised", SUPERVISED, 0, imm),
  enm("syslog-facility", SYSLOG_FACILITY, 128, imm),
  enm("repl-diskless-load", REPL_DISKLESS_LOAD, 0, { denyLoading: true }),
  enm("loglevel", LOGLEVEL, 2),
  enm("maxmemory-policy", MAXMEMORY_POLICY, 7),
  enm("appendfsync", AOF_FSYNC, 2),
  enm("oom-score-adj", OOM_SCORE_ADJ, 0),
  enm("acl-pubsub-default", ACL_PUBSUB_DEFAULT, 0),
  enm("sanitize-dump-payload", SANITIZE_DUMP, 0),
  enm("enable-protected-configs", PROTECTED_ACTION, 0, imm),
  enm("enable-debug-command", PROTECTED_ACTION, 0, imm),
  enm("enable-module-command", PROTECTED_ACTION, 0, imm),
  enm("cluster-preferred-endpoint-type", ENDPOINT_TYPE, 0),
  enm("propagation-error-behavior", PROPAGATION_ERROR, 0),
  enm("shutdown-on-sigint", SHUTDOWN_ON_SIG, 0, {
    multiArg: true,
    isValid: isValidShutdownOnSigFlags,
  }),
  enm("shutdown-on-sigterm", SHUTDOWN_ON_SIG, 0, {
    multiArg: true,
    isValid: isValidShutdownOnSigFlags,
  }),

  // Integer configs
  int("databases", "int", 1n, INT_MAX, 16n, imm),
  int("port", "int", 0n, 65535n, 6379n),
  int("io-threads", "int", 1n, 128n, 1n, imm),
  int("auto-aof-rewrite-percentage", "int", 0n, INT_MAX, 100n),
  int("cluster-replica-validity-factor", "int", 0n, INT_MAX, 10n, {
    alias: "cluster-slave-validity-factor",
  }),
  int("list-max-listpack-size", "int", INT_MIN, INT_MAX, -2n, { alias: "list-max-ziplist-size" }),
  int("tcp-keepalive", "int", 0n, INT_MAX, 300n),
  int("cluster-migration-barrier", "int", 0n, INT_MAX, 1n),
  int("active-defrag-cycle-min", "int", 1n, 99n, 1n),
  int("active-defrag-cycle-max", "int", 1n, 99n, 25n),
  int("active-defrag-threshold-lower", "int", 0n, 1000n, 10n),
  int("active-defrag-threshold-upper", "int", 0n, 1000n, 100n),
  int("lfu-log-factor", "int", 0n, INT_MAX, 10n),
  int("lfu-decay-time", "int", 0n, INT_MAX, 1n),
  int("replica-priority", "int", 0n, INT_MAX, 100n, { alias: "slave-priority" }),
  int("repl-diskless-sync-delay", "int", 0n, INT_MAX, 5n),
  int("maxmemory-samples", "int", 1n, INT_MAX, 5n),
  int("maxmemory-eviction-tenacity", "int", 0n, 100n, 10n),
  int("timeout", "int", 0n, INT_MAX, 0n),
  int("replica-announce-port", "int", 0n, 65535n, 0n, { alias: "slave-announce-port" }),
  int("tcp-backlog", "int", 0n, INT_MAX, 511n, imm),
  int("cluster-port", "int", 0n, 65535n, 0n, imm),
  int("cluster-announce-bus-port", "int", 0n, 65535n, 0n),
  int("cluster-announce-port", "int", 0n, 65535n, 0n),
  int("cluster-announce-tls-port", "int", 0n, 65535n, 0n),
  int("repl-timeout", "int", 1n, INT_MAX, 60n),
  int("repl-ping-replica-period", "int", 1n, INT_MAX, 10n, { alias: "repl-ping-slave-period" }),
  int("list-compress-depth", "int", 0n, INT_MAX, 0n),
  int("rdb-key-save-delay", "int", INT_MIN, INT_MAX, 0n, { hidden: true }),
  int("key-load-delay", "int", INT_MIN, INT_MAX, 0n, { hidden: true }),
  int("active-expire-effort", "int", 1n, 10n, 1n),
  int("hz", "int", 0n, INT_MAX, 10n, { apply: applyHz }),
  int("min-replicas-to-write", "int", 0n, INT_MAX, 0n, { alias: "min-slaves-to-write" }),
  int("min-replicas-max-lag", "int", 0n, INT_MAX, 10n, { alias: "min-slaves-max-lag" }),
  int("watchdog-period", "int", 0n, INT_MAX, 0n, { hidden: true }),
  int("shutdown-timeout", "int", 0n, INT_MAX, 10n),
  int("repl-diskless-sync-max-replicas", "int", 0n, INT_MAX, 0n),

  // Unsigned int configs
  int("maxclients", "uint", 1n, UINT_MAX, 10000n),
  int("unixsocketperm", "uint", 0n, 0o777n, 0n, { immutable: true, octal: true }),
  int("socket-mark-id", "uint", 0n, UINT_MAX, 0n, imm),

  // Unsigned long configs
  int("active-defrag-max-scan-fields", "ulong", 1n, LONG_MAX, 1000n),
  int("slowlog-max-len", "ulong", 0n, LONG_MAX, 128n),
  int("acllog-max-len", "ulong", 0n, LONG_MAX, 128n),

  // Long long configs
  int("busy-reply-threshold", "longlong", 0n, LONG_MAX, 5000n, { alias: "lua-time-limit" }),
  int("cluster-node-timeout", "longlong", 0n, LLONG_MAX, 15000n),
  int("slowlog-log-slower-than", "longlong", -1n, LLONG_MAX, 10000n),
  int("latency-monitor-threshold", "longlong", 0n, LLONG_MAX, 0n),
  mem("proto-max-bulk-len", "longlong", 1024n * 1024n, LONG_MAX, 512n * 1024n * 1024n),
  int("stream-node-max-entries", "longlong", 0n, LLONG_MAX, 100n),
  mem("repl-backlog-size", "longlong", 1n, LLONG_MAX, 1024n * 1024n),

  // Unsigned long long configs
  mem("maxmemory", "ulonglong", 0n, ULLONG_MAX, 0n),
  mem("cluster-link-sendbuf-limit", "ulonglong", 0n, ULLONG_MAX, 0n),

  // Size_t configs
  int("hash-max-listpack-entries", "sizet", 0n, LONG_MAX, 512n, {
    alias: "hash-max-ziplist-entries",
  }),
  int("set-max-intset-entries", "sizet", 0n, LONG_MAX, 512n),
  int("set-max-listpack-entries", "sizet", 0n, LONG_MAX, 128n),
  mem("set-max-listpack-value", "sizet", 0n, LONG_MAX, 64n),
  int("zset-max-listpack-entries", "sizet", 0n, LONG_MAX, 128n, {
    alias: "zset-max-ziplist-entries",
  }),
  mem("active-defrag-ignore-bytes", "sizet", 1n, LLONG_MAX, 100n << 20n),
  mem("hash-max-listpack-value", "sizet", 0n, LONG_MAX, 64n, { alias: "hash-max-ziplist-value" }),
  mem("stream-node-max-bytes", "sizet", 0n, LONG_MAX, 4096n),
  mem("zset-max-listpack-value", "sizet", 0n, LONG_MAX, 64n, { alias: "zset-max-ziplist-value" }),
  mem("hll-sparse-max-bytes", "sizet", 0n, LONG_MAX, 3000n),
  int("tracking-table-max-keys", "sizet", 0n, LONG_MAX, 1000000n),
  mem("client-query-buffer-limit", "sizet", 1024n * 1024n, LONG_MAX, 1024n * 1024n * 1024n),
  mem("maxmemory-clients", "ssizet", -100n, SSIZE_MAX, 0n, { percent: true }),

  // Other configs
  int("repl-backlog-ttl", "timet", 0n, LONG_MAX, 3600n),
  mem("auto-aof-rewrite-min-size", "offt", 0n, LLONG_MAX, 64n * 1024n * 1024n),
  int("loading-process-events-interval-bytes", "offt", 1024n, INT_MAX, 2n * 1024n * 1024n, {
    hidden: true,
  }),

  // Special configs
  special("dir", dirOps, "", { protected: true, denyLoading: true }),
  special("save", saveOps, "3600 1 300 100 60 10000", { multiArg: true }),
  special(
    "client-output-buffer-limit",
    obufOps,
    "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60",
    { multiArg: true },
  ),
  special("oom-score-adj-values", oomValuesOps, "0 200 800", { multiArg: true }),
  special("notify-keyspace-events", notifyOps, ""),
  special("bind", bindOps, DEFAULT_BIND.join(" "), { multiArg: true }),
  special("replicaof", replicaofOps, "", { alias: "slaveof", immutable: true, multiArg: true }),
  special("latency-tracking-info-percentiles", percentilesOps, "50 99 99.9", { multiArg: true }),
];

type TableDef = (typeof CONFIG_TABLE)[number];

/** "tcp-keepalive" -> "tcpKeepalive", "server_cpulist" -> "serverCpulist". */
type Camel<S extends string> = S extends `${infer H}-${infer T}` ? `${H}${Capitalize<Camel<T>>}`
  : S extends `${infer H}_${infer T}` ? `${H}${Capitalize<Camel<T>>}`
  : S;

type TypedOf<T> = T extends "bool" ? boolean : T extends "int" | "memory" ? number : string;

/** Typed, read-only current values of every standard (non-special) directive. */
export type StandardConfigValues = {
  readonly [D in TableDef as D["type"] extends "special" ? never : Camel<D["name"]>]: TypedOf<
    D["type"]
  >;
};

/** Runtime camelCase conversion matching `Camel`. */
export function camelName(name: string): string {
  return name.replace(/[-_]([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** ASCII-only lowercase (C tolower in the C locale): bytes >= 0x80 are left alone. */
function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/** A registered name: the primary entry or an alias entry (they are distinct, as in Redis). */
interface Entry {
  readonly name: string;
  readonly def: ConfigDef;
  readonly isAlias: boolean;
}

const REGISTRY = new Map<string, Entry>();
for (const def of CONFIG_TABLE as readonly ConfigDef[]) {
  REGISTRY.set(def.name, { name: def.name, def, isAlias: false });
  if (def.alias) REGISTRY.set(def.alias, { name: def.alias, def, isAlias: true });
}

/** Looks a directive up by name (case-insensitive, aliases included). */
export function lookupConfigDef(name: string): ConfigDef | undefined {
  return REGISTRY.get(asciiLower(name))?.def;
}

/** Listener run after CONFIG SET changed a directive; a returned string (or throw) = failure. */
export type ChangeListener = () => void | string | null | undefined;

/** Options for CONFIG SET from a client. */
export interface SetOptions {
  /** The client is local (loopback or unix socket): allowed by enable-protected-configs local. */
  isLocalClient?: boolean;
  /** The server is loading data: DENY_LOADING configs are refused with -LOADING. */
  loading?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Config
// ---------------------------------------------------------------------------------------------

/** Typed values of the special directives (plus derived forms). */
export interface Config extends StandardConfigValues {
  /** Absolute native path of the working directory (`dir`). */
  readonly dir: string;
  /** Save points as CONFIG GET prints them, e.g. "3600 1 300 100 60 10000" ("" = none). */
  readonly save: string;
  /** Save points, parsed. */
  readonly saveParams: readonly SaveParam[];
  /** Bind addresses ("-" prefix = optional); empty = none. */
  readonly bind: readonly string[];
  /** The master to replicate from, or null. */
  readonly replicaof: ReplicaOf | null;
  /** notify-keyspace-events as CONFIG GET prints it (e.g. "AKE", "" = off). */
  readonly notifyKeyspaceEvents: string;
  /** notify-keyspace-events as NOTIFY_* bits. */
  readonly notifyKeyspaceEventsFlags: number;
  /** client-output-buffer-limit as CONFIG GET prints it. */
  readonly clientOutputBufferLimit: string;
  /** client-output-buffer-limit per class. */
  readonly clientOutputBufferLimits: {
    readonly normal: ClientBufferLimit;
    readonly replica: ClientBufferLimit;
    readonly pubsub: ClientBufferLimit;
  };
  /** oom-score-adj-values as printed. */
  readonly oomScoreAdjValues: string;
  /** latency-tracking-info-percentiles. */
  readonly latencyTrackingInfoPercentiles: readonly number[];
}

/** The live configuration: typed values plus CONFIG GET / SET / REWRITE. */
export class Config {
  /** Absolute path of the config file loaded at start-up, or null. */
  configFile: string | null = null;
  /** The command-line arguments the server was started with (after the program name). */
  startupArgs: string[] = [];
  /** `rename-command old new` directives, in order (the command table applies them). */
  readonly renamedCommands: [string, string][] = [];
  /** `user ...` directives (each as its arguments, without "user"), for the ACL module. */
  readonly userDirectives: string[][] = [];
  /** `loadmodule path args...` directives (modules are not supported; the server decides). */
  readonly loadModules: string[][] = [];
  /**
   * Supplies the `user ...` lines for CONFIG REWRITE (the ACL module installs it); when null
   * only the default user is described, from requirepass.
   */
  aclRewriteLines: (() => string[] | Promise<string[]>) | null = null;

  /** @internal raw values by primary name */
  readonly _raw = new Map<string, Raw>();
  /** @internal true while a config file/string is being read (save semantics) */
  _readingConfigFile = false;
  /** @internal the first "save" line read replaced the defaults */
  _saveLoaded = false;
  private readonly listeners = new Map<string, ChangeListener[]>();

  /** A configuration with every directive at its default; `cwd` is the initial `dir`. */
  constructor(cwd: string = Deno.cwd()) {
    for (const def of CONFIG_TABLE as readonly ConfigDef[]) {
      this._raw.set(def.name, initialRaw(def));
    }
    let dir = cwd;
    try {
      dir = Deno.realPathSync(cwd);
    } catch {
      // keep as given
    }
    this._raw.set("dir", dir);
    for (const def of CONFIG_TABLE as readonly ConfigDef[]) this.refresh(def);
  }

  /** All directive definitions, in table order. */
  static definitions(): readonly ConfigDef[] {
    return CONFIG_TABLE as readonly ConfigDef[];
  }

  /** The definition of a directive or alias (case-insensitive). */
  lookup(name: string): ConfigDef | undefined {
    return lookupConfigDef(name);
  }

  /** True when CONFIG SET of `name` carries a secret (redact it from logs and MONITOR). */
  isSensitive(name: string): boolean {
    return !!lookupConfigDef(name)?.sensitive;
  }

  /** CONFIG GET value of one directive (exact name or alias, hidden ones too), or null. */
  get(name: string): string | null {
    const e = REGISTRY.get(asciiLower(name));
    return e ? this.format(e.def) : null;
  }

  /**
   * CONFIG GET: every (name, value) whose name or alias matches one of the glob patterns
   * (case-insensitive). A pattern without glob characters is an exact lookup that returns the
   * name as the client spelled it and also finds hidden directives. Deduplicated by name.
   */
  getMatching(patterns: string[]): [string, string][] {
    const out: [string, string][] = [];
    const seen = new Set<string>();
    for (const pattern of patterns) {
      if (!/[[*?]/.test(pattern)) {
        const key = asciiLower(pattern);
        if (seen.has(key)) continue;
        const e = REGISTRY.get(key);
        if (e) {
          seen.add(key);
          out.push([pattern, this.format(e.def)]);
        }
        continue;
      }
      for (const [key, e] of REGISTRY) {
        if (e.def.hidden || seen.has(key)) continue;
        if (matchGlob(pattern, key, true)) {
          seen.add(key);
          out.push([key, this.format(e.def)]);
        }
      }
    }
    return out;
  }

  /** CONFIG SET of a single directive (see setMany). */
  set(name: string, value: string, opts: SetOptions = {}): void {
    this.setMany([[name, value]], opts);
  }

  /**
   * CONFIG SET with several pairs, atomically (config.c configSetCommand): all names are checked
   * first, then all values are set, then apply steps and change listeners run; any failure
   * restores every previous value. Throws ConfigError with Redis's exact text.
   */
  setMany(pairs: [string, string][], opts: SetOptions = {}): void {
    const entries: Entry[] = [];
    let invalidArgName: string | null = null;
    let errstr: string | null = null;
    let errArgName = "";
    let invalid = false;
    let denyLoading = false;
    const protectedMode = this._raw.get("enable-protected-configs") as number;
    const protectedAllowed = protectedMode === 1 || (protectedMode === 2 && !!opts.isLocalClient);

    for (let i = 0; i < pairs.length; i++) {
      const name = pairs[i][0];
      const e = REGISTRY.get(asciiLower(name));
      if (!e) {
        if (!invalid) {
          invalidArgName = name;
          invalid = true;
        }
        continue;
      }
      if (invalid) continue;
      if (!e.def.mutable || (e.def.protected && !protectedAllowed)) {
        errstr = !e.def.mutable ? "can't set immutable config" : "can't set protected config";
        errArgName = name;
        invalid = true;
        continue;
      }
      if (opts.loading && e.def.denyLoading) {
        denyLoading = true;
        invalid = true;
        continue;
      }
      if (entries.includes(e)) {
        errstr = "duplicate parameter";
        errArgName = name;
        invalid = true;
      }
      entries[i] = e;
    }
    if (invalid) {
      if (denyLoading) {
        throw new ConfigError("Redis is loading the dataset in memory", "LOADING");
      }
      if (invalidArgName !== null) {
        throw new ConfigError(
          `Unknown option or number of arguments for CONFIG SET - '${invalidArgName}'`,
        );
      }
      throw setFailed(errArgName, errstr);
    }

    const backups = entries.map((e) => structuredClone(this._raw.get(e.def.name)));
    const restore = (count: number) => {
      for (let i = count - 1; i >= 0; i--) this._raw.set(entries[i].def.name, backups[i]);
      for (let i = 0; i < count; i++) this.refresh(entries[i].def);
    };

    // Set all new values (not applied yet).
    const applies: { fn: () => string | null; entry: Entry }[] = [];
    const applyIds = new Set<unknown>();
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i];
      const value = pairs[i][1];
      const argv = e.def.multiArg ? (value === "" ? [] : value.split(" ")) : [value];
      const res = this.setFromArgs(e.def, argv);
      if (typeof res === "string") {
        restore(i + 1);
        throw setFailed(e.name, res);
      }
      if (!res) continue;
      this.refresh(e.def);
      const internal = e.def.apply;
      if (internal && !applyIds.has(internal)) {
        applyIds.add(internal);
        applies.push({ fn: () => internal(this), entry: e });
      }
      for (const l of this.listeners.get(e.def.name) ?? []) {
        if (applyIds.has(l)) continue;
        applyIds.add(l);
        applies.push({ fn: () => runListener(l), entry: e });
      }
    }

    for (let i = 0; i < applies.length; i++) {
      const err = applies[i].fn();
      if (err !== null) {
        restore(entries.length);
        for (let j = 0; j < applies.length; j++) applies[j].fn();
        throw setFailed(applies[i].entry.name, err);
      }
    }
  }

  /**
   * Sets a directive on the server's own behalf (e.g. REPLICAOF updating `replicaof`, or the
   * real port chosen for `--port 0`): parsed like a config-file line's value (multi-arg values
   * are split on spaces), ignoring mutability and protection, without running listeners.
   * Throws ConfigError with the parse error text.
   */
  setInternal(name: string, value: string): void {
    const def = lookupConfigDef(name);
    if (!def) throw new ConfigError(`Unknown config '${name}'`);
    const argv = def.multiArg ? (value === "" ? [] : value.split(" ")) : [value];
    const backup = structuredClone(this._raw.get(def.name));
    const res = this._setDirective(def, argv);
    if (typeof res === "string") {
      this._raw.set(def.name, backup);
      this.refresh(def);
      throw new ConfigError(res);
    }
    if (def.apply) def.apply(this);
  }

  /** Updates `replicaof` (REPLICAOF / SLAVEOF commands): a master, or null for NO ONE. */
  setReplicaOf(target: ReplicaOf | null): void {
    this.setInternal("replicaof", target ? `${target.host} ${target.port}` : "no one");
  }

  /**
   * Registers a listener run after CONFIG SET changes `name` (alias or primary); the server
   * re-binds, resizes, etc. A listener registered for several names runs once per CONFIG SET.
   * Returning a string (or throwing) fails the CONFIG SET with that text and rolls it back.
   */
  onChange(name: string, fn: ChangeListener): void {
    const def = lookupConfigDef(name);
    if (!def) throw new Error(`onChange: unknown config '${name}'`);
    const list = this.listeners.get(def.name);
    if (list) list.push(fn);
    else this.listeners.set(def.name, [fn]);
  }

  /** Resolves a (binary string) path against `dir`, to a native absolute path. */
  resolvePath(p: string): string {
    const native = toNativePath(p);
    if (native.startsWith("/")) return native;
    const dir = this._raw.get("dir") as string;
    return dir.endsWith("/") ? dir + native : `${dir}/${native}`;
  }

  /**
   * CONFIG REWRITE: rewrites the config file loaded at start-up, keeping comments, unknown
   * lines and order, replacing the lines of known directives, blanking their extra lines, and
   * appending non-default directives after "# Generated by CONFIG REWRITE".
   */
  async rewrite(): Promise<void> {
    if (this.configFile === null) {
      throw new ConfigError("The server is running without a config file");
    }
    let old = "";
    try {
      const bytes = await Deno.readFile(this.configFile);
      old = bytesToBinary(bytes);
    } catch (err) {
      if (!(err instanceof Deno.errors.NotFound)) {
        throw new ConfigError(`Rewriting config file: ${strerror(err)}`);
      }
    }
    const state = RewriteState.fromContent(old, (lower) => {
      const e = REGISTRY.get(lower);
      if (e) return e.def.name;
      return FILE_ONLY_DIRECTIVES.has(lower) ? lower : null;
    });
    for (const def of CONFIG_TABLE as readonly ConfigDef[]) this.rewriteDef(def, state);

    // Users: an aclfile owns them; otherwise describe every user.
    if ((this._raw.get("aclfile") as string) !== "") {
      state.markProcessed("user");
    } else {
      const lines = this.aclRewriteLines
        ? await this.aclRewriteLines()
        : [await defaultUserLine(this._raw.get("requirepass") as string | null)];
      for (const line of lines) state.rewriteLine("user", line, true);
      state.markProcessed("user");
    }
    // No module is ever loaded, so loadmodule lines are dropped like Redis does with none.
    state.markProcessed("loadmodule");
    state.removeOrphaned();

    const content = binaryToBytes(state.content());
    const tmp = `${this.configFile}.${Math.random().toString(36).slice(2, 8)}`;
    try {
      await Deno.writeFile(tmp, content, { mode: 0o644 });
      await Deno.rename(tmp, this.configFile);
    } catch (err) {
      try {
        await Deno.remove(tmp);
      } catch {
        // nothing to clean
      }
      throw new ConfigError(`Rewriting config file: ${strerror(err)}`);
    }
  }

  /** @internal clamps hz to 1..500 (updateHZ and the end of config loading). */
  _clampHz(): void {
    const hz = this._raw.get("hz") as bigint;
    if (hz < 1n) this._raw.set("hz", 1n);
    if (hz > 500n) this._raw.set("hz", 500n);
    this.refresh(lookupConfigDef("hz")!);
  }

  /** @internal rewriteConfigStringOption */
  _rewriteString(state: RewriteState, name: string, value: string | null, def: string | null) {
    if (value === null) {
      state.markProcessed(name);
      return;
    }
    const force = !(def !== null && value === def);
    state.rewriteLine(name, `${name} ${repr(value)}`, force);
  }

  /**
   * @internal Sets a directive from its arguments (config file / command line form). Returns an
   * error text, true when the value changed, false when it was already that value.
   */
  _setDirective(def: ConfigDef, argv: string[]): string | boolean {
    const res = this.setFromArgs(def, argv);
    if (res === true) this.refresh(def);
    return res;
  }

  private setFromArgs(def: ConfigDef, argv: string[]): string | boolean {
    const name = def.name;
    const prev = this._raw.get(name);
    switch (def.type) {
      case "bool": {
        const a = asciiLower(argv[0] ?? "");
        if (a !== "yes" && a !== "no") return "argument must be 'yes' or 'no'";
        const v = a === "yes";
        const err = def.isValid?.(v);
        if (err) return err;
        if (prev === v) return false;
        this._raw.set(name, v);
        return true;
      }
      case "int":
      case "memory": {
        const parsed = parseNumeric(def, argv[0] ?? "");
        if (typeof parsed === "string") return parsed;
        const err = boundaryCheck(def, parsed) ?? def.isValid?.(parsed);
        if (err) return err;
        // Store in the C type's domain (unsigned types never read back negative).
        const v = UNSIGNED_KINDS.has(def.kind!) ? BigInt.asUintN(64, parsed) : parsed;
        if (prev === v) return false;
        this._raw.set(name, v);
        return true;
      }
      case "string": {
        const err = def.isValid?.(argv[0]);
        if (err) return err;
        const v = def.emptyToNull && argv[0] === "" ? null : argv[0];
        if (v === prev) return false;
        this._raw.set(name, v);
        return true;
      }
      case "enum": {
        const v = enumValue(def, argv);
        if (v === null) {
          return "argument(s) must be one of the following: " +
            def.enumValues!.map(([n]) => n).join(", ");
        }
        const err = def.isValid?.(v);
        if (err) return err;
        if (v === prev) return false;
        this._raw.set(name, v);
        return true;
      }
      case "special": {
        const err = def.special!.set(this, argv);
        return err ?? true;
      }
    }
  }

  private format(def: ConfigDef): string {
    const v = this._raw.get(def.name);
    switch (def.type) {
      case "bool":
        return v ? "yes" : "no";
      case "int":
      case "memory": {
        const n = v as bigint;
        if (def.percent && n < 0n) return `${-n}%`;
        if (def.octal) return n.toString(8);
        return `${n}`;
      }
      case "string":
        return (v as string | null) ?? "";
      case "enum":
        return enumName(def.enumValues!, v as number, !!def.multiArg);
      case "special":
        return def.special!.get(this);
    }
  }

  private rewriteDef(def: ConfigDef, state: RewriteState): void {
    const name = def.name;
    const v = this._raw.get(name);
    switch (def.type) {
      case "bool":
        state.rewriteLine(name, `${name} ${v ? "yes" : "no"}`, v !== (def.default === "yes"));
        return;
      case "int":
      case "memory": {
        const n = v as bigint;
        const d = def.octal ? BigInt("0o" + def.default) : BigInt(def.default);
        if (def.percent && n < 0n) {
          state.rewriteLine(name, `${name} ${-n}%`, -n !== d);
        } else if (def.type === "memory") {
          state.rewriteLine(name, `${name} ${formatMemory(n)}`, n !== d);
        } else if (def.octal) {
          state.rewriteLine(name, `${name} ${n.toString(8)}`, n !== d);
        } else {
          state.rewriteLine(name, `${name} ${n}`, n !== d);
        }
        return;
      }
      case "string":
        this._rewriteString(state, name, v as string | null, def.emptyToNull ? null : def.default);
        return;
      case "enum": {
        const text = enumName(def.enumValues!, v as number, !!def.multiArg);
        state.rewriteLine(name, `${name} ${text}`, text !== def.default);
        return;
      }
      case "special":
        def.special!.rewrite(this, name, state);
        return;
    }
  }

  /** Updates the typed camelCase property of `def` (and derived ones). */
  private refresh(def: ConfigDef): void {
    const self = this as unknown as Record<string, unknown>;
    const key = camelName(def.name);
    const v = this._raw.get(def.name);
    switch (def.type) {
      case "bool":
        self[key] = v;
        break;
      case "int":
      case "memory":
        self[key] = Number(v as bigint);
        break;
      case "string":
        self[key] = (v as string | null) ?? "";
        break;
      case "enum":
        self[key] = enumName(def.enumValues!, v as number, !!def.multiArg);
        break;
      case "special":
        self[key] = def.special!.typed(this);
        break;
    }
    if (def.name === "save") self.saveParams = (v as SaveParam[]).map((p) => ({ ...p }));
    if (def.name === "notify-keyspace-events") self.notifyKeyspaceEventsFlags = v;
    if (def.name === "client-output-buffer-limit") {
      const l = (v as ObufRaw[]).map((x) => ({
        hard: Number(x.hard),
        soft: Number(x.soft),
        seconds: x.seconds,
      }));
      self.clientOutputBufferLimits = { normal: l[0], replica: l[1], pubsub: l[2] };
    }
  }
}

function runListener(l: ChangeListener): string | null {
  try {
    const r = l();
    return typeof r === "string" ? r : null;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

function setFailed(name: string, errstr: string | null): ConfigError {
  return new ConfigError(
    errstr === null
      ? `CONFIG SET failed (possibly related to argument '${name}')`
      : `CONFIG SET failed (possibly related to argument '${name}') - ${errstr}`,
  );
}

function initialRaw(def: ConfigDef): Raw {
  switch (def.type) {
    case "bool":
      return def.default === "yes";
    case "int":
    case "memory":
      return def.octal ? BigInt("0o" + def.default) : BigInt(def.default);
    case "string":
      return def.emptyToNull && def.default === "" ? null : def.default;
    case "enum":
      return def.enumValues!.find(([n]) => n === def.default)![1];
    case "special":
      return def.special!.init();
  }
}

/** configEnumGetValue: one name, or (bit flags) several OR-ed; null when unknown. */
function enumValue(def: ConfigDef, argv: string[]): number | null {
  if (argv.length === 0 || (!def.multiArg && argv.length !== 1)) return null;
  let v = 0;
  for (const a of argv) {
    const lower = asciiLower(a);
    let matched = false;
    for (const [n, val] of def.enumValues!) {
      if (n === lower) {
        v |= val;
        matched = true;
      }
    }
    if (!matched) return null;
  }
  return v;
}

const UNSIGNED_KINDS = new Set<NumericKind>(["ulonglong", "uint", "sizet"]);
/** Value wrapping of the C destination type for what the parsers return. */
function toKind(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

/** numericParseString: memory units, N%, octal or a strict integer; error text on failure. */
function parseNumeric(def: ConfigDef, s: string): bigint | string {
  if (def.type === "memory") {
    const m = memtoull(s);
    if (m !== null) return toKind(m);
  }
  if (def.percent && s.length > 1 && s.endsWith("%")) {
    const p = parseLongLong(s.slice(0, -1));
    if (p !== null && p >= 0n) return -p;
  }
  if (def.octal) {
    const { value, rest } = strtoll(s, 8);
    if (rest === "" && value !== 9223372036854775807n && value !== -9223372036854775808n) {
      return value;
    }
  }
  if (def.type === "int" && !def.octal) {
    const v = parseLongLong(s);
    if (v !== null) return v;
  }
  if (def.type === "memory" && def.percent) return "argument must be a memory or percent value";
  if (def.type === "memory") return "argument must be a memory value";
  if (def.octal) return "argument couldn't be parsed as an octal number";
  return "argument couldn't be parsed into an integer";
}

/** numericBoundaryCheck, with Redis's messages (unsigned types compare as unsigned). */
function boundaryCheck(def: ConfigDef, v: bigint): string | null {
  const min = def.min!;
  const max = def.max!;
  if (UNSIGNED_KINDS.has(def.kind!)) {
    const u = BigInt.asUintN(64, v);
    const lo = BigInt.asUintN(64, min);
    const hi = BigInt.asUintN(64, max);
    if (u > hi || u < lo) {
      return def.octal
        ? `argument must be between ${lo.toString(8)} and ${hi.toString(8)} inclusive`
        : `argument must be between ${lo} and ${hi} inclusive`;
    }
    return null;
  }
  if (def.percent && v < 0n) {
    return v < min ? `percentage argument must be less or equal to ${-min}` : null;
  }
  if (v > max || v < min) return `argument must be between ${min} and ${max} inclusive`;
  return null;
}

/** Directives only valid in config files, kept as they are by CONFIG REWRITE. */
const FILE_ONLY_DIRECTIVES = new Set([
  "include",
  "rename-command",
  "user",
  "loadmodule",
  "sentinel",
]);

/** The default user's ACL description, as ACL LIST / CONFIG REWRITE print it. */
async function defaultUserLine(requirepass: string | null): Promise<string> {
  if (requirepass === null) return "user default on nopass sanitize-payload ~* &* +@all";
  const digest = await crypto.subtle.digest("SHA-256", binaryToBytes(requirepass));
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  return `user default on sanitize-payload #${hex} ~* &* +@all`;
}

// ---------------------------------------------------------------------------------------------
// Loading: config files and the command line
// ---------------------------------------------------------------------------------------------

/** Options for parseCommandLine. */
export interface ParseOptions {
  /** Where "Reading config from stdin" and similar start-up notices go. */
  log?: Log;
  /** Reads all of stdin (for the "-" argument); defaults to Deno.stdin. */
  readStdin?: () => Promise<string>;
  /** Checks a rename-command directive in order: Redis's error text, or null when valid. */
  renameCommand?: (from: string, to: string) => string | null;
}

const DEPRECATED_DIRECTIVES = new Set([
  "list-max-ziplist-entries",
  "list-max-ziplist-value",
  "lua-replicate-commands",
]);

/** Internal loader state shared by a file and the files it includes. */
class Loader {
  private moduleConfigs = new Map<string, string>();
  constructor(readonly cfg: Config, readonly opts: ParseOptions) {}

  /** loadServerConfig: file (glob-aware) + stdin + options, then parse the whole text. */
  async load(filename: string | null, fromStdin: boolean, options: string | null): Promise<void> {
    let content = "";
    if (filename !== null) content += await this.readConfigFiles(filename);
    if (fromStdin) {
      this.opts.log?.notice("Reading config from stdin");
      content += await (this.opts.readStdin ?? readAllStdin)();
    }
    if (options !== null) content += "\n" + options;
    await this.loadFromString(content);
  }

  /** Reads a config file, or every file matching a wildcard pattern (sorted); may be none. */
  private async readConfigFiles(filename: string): Promise<string> {
    const native = this.cfg.resolvePath(filename);
    const globbed = /[*?[]/.test(filename);
    const files = globbed ? await expandGlob(native) : [native];
    let content = "";
    for (const f of files) {
      try {
        content += bytesToBinary(await Deno.readFile(f));
      } catch (err) {
        const shown = globbed ? fromNativePath(f) : filename;
        throw new StartupError(
          `Fatal error, can't open config file '${shown}': ${strerror(err)}`,
          true,
        );
      }
    }
    return content;
  }

  /** loadServerConfigFromString. */
  async loadFromString(config: string): Promise<void> {
    const cfg = this.cfg;
    cfg._readingConfigFile = true;
    const nul = config.indexOf("\0");
    const lines = (nul >= 0 ? config.slice(0, nul) : config).split("\n");
    let i = 0;
    const fail = (err: string): never => {
      let msg = `\n*** FATAL CONFIG FILE ERROR (Redis ${REDIS_VERSION}) ***\n`;
      if (i < lines.length) {
        msg += `Reading the configuration file, at line ${i + 1}\n>>> '${lines[i]}'\n`;
      }
      throw new StartupError(msg + err + "\n");
    };
    for (i = 0; i < lines.length; i++) {
      lines[i] = trimConfigLine(lines[i]);
      const line = lines[i];
      if (line.length === 0 || line[0] === "#") continue;
      const argv = splitArgs(line);
      if (argv === null) fail("Unbalanced quotes in configuration line");
      if (argv!.length === 0) continue;
      argv![0] = asciiLower(argv![0]);
      const err = await this.directive(argv!);
      if (err !== null) fail(err);
    }
    i = lines.length;

    const logfile = cfg._raw.get("logfile") as string;
    if (logfile !== "") {
      try {
        const f = await Deno.open(cfg.resolvePath(logfile), { append: true, create: true });
        f.close();
      } catch (err) {
        fail(`Can't open the log file: ${strerror(err)}`);
      }
    }
    if ((cfg._raw.get("cluster-enabled") as boolean) && cfg._raw.get("replicaof") !== null) {
      fail("replicaof directive not allowed in cluster mode");
    }
    cfg._clampHz();
    cfg._readingConfigFile = false;
  }

  /** One directive; returns an error text or null. */
  private async directive(argv: string[]): Promise<string | null> {
    const name = argv[0];
    const argc = argv.length;
    const e = REGISTRY.get(name);
    if (e) {
      const def = e.def;
      if (!def.multiArg && argc !== 2) return "wrong number of arguments";
      let args: string[];
      if (def.multiArg && argc === 2 && argv[1].length > 0) {
        // "--replicaof 'host port'" arrives as one argument: split it (7.2 behaviour).
        args = splitArgs(argv[1]) ?? [];
      } else {
        args = argv.slice(1);
      }
      const res = this.cfg._setDirective(def, args);
      return typeof res === "string" ? res : null;
    }
    if (DEPRECATED_DIRECTIVES.has(name) && argc === 2) return null;
    if (name === "include" && argc === 2) {
      await this.load(argv[1], false, null);
      return null;
    }
    if (name === "rename-command" && argc === 3) {
      const err = this.opts.renameCommand?.(argv[1], argv[2]);
      if (err) return err;
      this.cfg.renamedCommands.push([argv[1], argv[2]]);
      return null;
    }
    if (name === "user" && argc >= 2) {
      this.cfg.userDirectives.push(argv.slice(1));
      return null;
    }
    if (name === "loadmodule" && argc >= 2) {
      this.cfg.loadModules.push(argv.slice(1));
      return null;
    }
    if (name.includes(".")) {
      if (argc !== 2) return "Module config specified without value";
      this.moduleConfigs.set(name, argv[1]);
      return null;
    }
    if (name === "sentinel") {
      return argc !== 1 ? "sentinel directive while not in sentinel mode" : null;
    }
    return "Bad directive or wrong number of arguments";
  }

  /** Module configs need their module loaded, which never happens here. */
  checkModuleConfigs(): void {
    if (this.moduleConfigs.size > 0 && this.cfg.loadModules.length === 0) {
      throw new StartupError(
        "Module Configuration detected without loadmodule directive or no ApplyConfig call: " +
          "aborting",
        true,
      );
    }
  }
}

async function readAllStdin(): Promise<string> {
  const chunks: Uint8Array[] = [];
  const buf = new Uint8Array(65536);
  for (;;) {
    const n = await Deno.stdin.read(buf);
    if (n === null) break;
    chunks.push(buf.slice(0, n));
  }
  let s = "";
  for (const c of chunks) s += bytesToBinary(c);
  return s;
}

/** glob(3) for include patterns: wildcards per path segment, sorted, hidden files skipped. */
async function expandGlob(pattern: string): Promise<string[]> {
  const segs = pattern.split("/");
  let paths = [pattern.startsWith("/") ? "/" : "."];
  const start = pattern.startsWith("/") ? 1 : 0;
  for (let s = start; s < segs.length; s++) {
    const seg = segs[s];
    if (seg === "") continue;
    const next: string[] = [];
    for (const base of paths) {
      const join = (n: string) => base === "/" ? `/${n}` : base === "." ? n : `${base}/${n}`;
      if (!/[*?[]/.test(seg)) {
        next.push(join(seg));
        continue;
      }
      try {
        const names: string[] = [];
        for await (const ent of Deno.readDir(base === "." ? "." : base)) {
          if (ent.name.startsWith(".") && !seg.startsWith(".")) continue;
          if (matchGlob(fromNativePath(seg), fromNativePath(ent.name), false)) {
            names.push(ent.name);
          }
        }
        names.sort();
        for (const n of names) next.push(join(n));
      } catch {
        // unreadable directory: no match
      }
    }
    paths = next;
  }
  const out: string[] = [];
  for (const p of paths) {
    try {
      await Deno.stat(p);
      out.push(p);
    } catch {
      // glob only returns existing paths
    }
  }
  return out;
}

/** What parseCommandLine asks main to do. */
export type ParseResult =
  | { action: "run"; config: Config }
  | { action: "help" }
  | { action: "version" };

/**
 * Parses a redis-server command line (arguments after the program name): an optional config
 * file first (when the first argument does not start with "-"), "-" to also read stdin, then
 * "--directive value..." overrides, built into config text exactly like Redis's main() does.
 * Handles -v/--version and -h/--help. Throws StartupError on a configuration error.
 */
export async function parseCommandLine(
  args: string[],
  cwd: string = Deno.cwd(),
  opts: ParseOptions = {},
): Promise<ParseResult> {
  const cfg = new Config(cwd);
  cfg.startupArgs = args.slice();
  if (args.length === 0) return { action: "run", config: cfg };
  if (args[0] === "-v" || args[0] === "--version") return { action: "version" };
  if (args[0] === "--help" || args[0] === "-h") return { action: "help" };

  let j = 0;
  let configFile: string | null = null;
  if (args[0][0] !== "-") {
    configFile = cfg.resolvePath(fromNativePath(args[0]));
    cfg.configFile = configFile;
    j = 1;
  }
  let options = "";
  let fromStdin = false;
  let handledLastConfigArg = true;
  const argc = args.length;
  for (; j < argc; j++) {
    const arg = fromNativePath(args[j]);
    if (arg === "-" && (j === 0 || j === argc - 1)) {
      fromStdin = true;
    } else if (handledLastConfigArg && arg.startsWith("--")) {
      if (options.length > 0) options += "\n";
      options += arg.slice(2) + " ";
      const split = splitArgs(arg);
      if (split !== null && split.length === 1) {
        // Only a name (like --port): its values follow as separate arguments.
        handledLastConfigArg = false;
        const isSave = asciiLower(arg) === "--save";
        if (isSave && j !== argc - 1 && args[j + 1].startsWith("--")) {
          // `--save --other ...`: an empty save, as before 7.0.1.
          options += '""';
          handledLastConfigArg = true;
        } else if (isSave && j === argc - 1) {
          options += '""';
        }
      } else {
        // "--port 6380" as a single argument carries its value.
        handledLastConfigArg = true;
      }
    } else {
      options += repr(arg) + " ";
      handledLastConfigArg = true;
    }
  }

  const loader = new Loader(cfg, opts);
  await loader.load(configFile === null ? null : fromNativePath(configFile), fromStdin, options);
  loader.checkModuleConfigs();
  return { action: "run", config: cfg };
}

/**
 * Loads config text (redis.conf syntax) into a fresh Config, as if it were the config file;
 * errors throw StartupError. Mainly for tests and embedding.
 */
export async function loadConfigFromString(
  text: string,
  cwd: string = Deno.cwd(),
  opts: ParseOptions = {},
): Promise<Config> {
  const cfg = new Config(cwd);
  const loader = new Loader(cfg, opts);
  await loader.loadFromString(text);
  loader.checkModuleConfigs();
  return cfg;
}

/** `redis-server --help` text (Redis prints it to stderr and exits with status 1). */
export function helpText(binary = "./redis-server-deno"): string {
  const b = binary;
  return `Usage: ${b} [/path/to/redis.conf] [options] [-]
       ${b} - (read config from stdin)
       ${b} -v or --version
       ${b} -h or --help

Examples:
       ${b} (run the server with default conf)
       echo 'maxmemory 128mb' | ${b} -
       ${b} /etc/redis/6379.conf
       ${b} --port 7777
       ${b} --port 7777 --replicaof 127.0.0.1 8888
       ${b} /etc/myredis.conf --loglevel verbose -
       ${b} /etc/myredis.conf --loglevel verbose

`;
}

/** `redis-server --version` line (printed to stdout, exit status 0). */
export function versionText(): string {
  return `Redis server v=${REDIS_VERSION} sha=00000000:0 malloc=libc bits=64 build=0000000000000000\n`;
}

// Re-exported for callers that format config-like text.
export { isSpace, repr, splitArgs };
