/**
 * The config table of Redis 7.2 (config.c standardConfig): every directive's type, default,
 * flags, bounds, enum values and validators, the name registry (aliases included) and the typed
 * view (`StandardConfigValues`) the Config class exposes. TLS configs are absent (a default
 * Redis build has none either).
 */

import type { Config } from "./config.ts";
import { asciiLower, type RewriteState } from "./config_file.ts";
import {
  bindOps,
  DEFAULT_BIND,
  dirOps,
  notifyOps,
  obufOps,
  oomValuesOps,
  percentilesOps,
  replicaofOps,
  saveOps,
} from "./config_special.ts";

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
export type Raw = unknown;

/** Behaviour of a "special" config (config.c createSpecialConfig). */
export interface SpecialOps {
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
export function enumName(
  values: readonly (readonly [string, number])[],
  v: number,
  bitflags: boolean,
) {
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

/** A registered name: the primary entry or an alias entry (they are distinct, as in Redis). */
export interface Entry {
  readonly name: string;
  readonly def: ConfigDef;
  readonly isAlias: boolean;
}

/** Every name (primary and alias, lower case) to its entry. */
export const REGISTRY = new Map<string, Entry>();
for (const def of CONFIG_TABLE as readonly ConfigDef[]) {
  REGISTRY.set(def.name, { name: def.name, def, isAlias: false });
  if (def.alias) REGISTRY.set(def.alias, { name: def.alias, def, isAlias: true });
}

/** Looks a directive up by name (case-insensitive, aliases included). */
export function lookupConfigDef(name: string): ConfigDef | undefined {
  return REGISTRY.get(asciiLower(name))?.def;
}
