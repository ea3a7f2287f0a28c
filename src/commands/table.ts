/**
 * The command table: one row per command (and per subcommand of container
 * commands such as CONFIG or CLIENT), as in Redis's commands.def. COMMAND,
 * the executor, MULTI, replication, AOF and ACL all read it; nothing else
 * keeps a list of commands.
 */

import type { Client } from "../server/client.ts";
import { parseLongLong } from "../util/number.ts";

/** Command flags, named as Redis's COMMAND INFO reports them. */
export type CommandFlag =
  | "write"
  | "readonly"
  | "denyoom"
  | "module"
  | "admin"
  | "pubsub"
  | "noscript"
  | "blocking"
  | "loading"
  | "stale"
  | "skip_monitor"
  | "skip_slowlog"
  | "asking"
  | "fast"
  | "no_auth"
  | "may_replicate"
  | "sentinel"
  | "only_sentinel"
  | "no_mandatory_keys"
  | "no_async_loading"
  | "no_multi"
  | "movablekeys"
  | "allow_busy";

/** Command groups as COMMAND DOCS reports them. */
export type CommandGroup =
  | "generic"
  | "string"
  | "list"
  | "set"
  | "sorted-set"
  | "hash"
  | "pubsub"
  | "transactions"
  | "connection"
  | "server"
  | "scripting"
  | "hyperloglog"
  | "cluster"
  | "sentinel"
  | "geo"
  | "stream"
  | "bitmap";

/** A command implementation: reads `c.argv`, acts on `c.db`, writes to `c.reply`. */
export type CommandHandler = (c: Client) => void;

/** Key-spec flags, as COMMAND INFO and COMMAND GETKEYSANDFLAGS report them. */
export type KeySpecFlag =
  | "RO"
  | "RW"
  | "OW"
  | "RM"
  | "access"
  | "update"
  | "insert"
  | "delete"
  | "not_key"
  | "incomplete"
  | "variable_flags";

/**
 * A key specification (COMMAND INFO's key specs, Redis's keySpec). Optional on a
 * row: when absent, COMMAND INFO derives one from firstKey/lastKey/step.
 */
export interface KeySpec {
  notes?: string;
  flags: KeySpecFlag[];
  /** begin_search: a fixed index, a keyword searched from `startFrom`, or unknown. */
  beginSearch: { index: number } | { keyword: string; startFrom: number } | "unknown";
  /** find_keys: a range after the begin index, a key count argument, or unknown. */
  findKeys:
    | { lastKey: number; keyStep: number; limit: number }
    | { keyNumIdx: number; firstKey: number; keyStep: number }
    | "unknown";
}

/**
 * The common key spec: begin_search at argument `index`, find_keys a range to `lastKey` (0: just
 * that key, -1: through the last argument) every `keyStep` arguments.
 */
export function keySpecAt(
  flags: KeySpecFlag[],
  index = 1,
  lastKey = 0,
  keyStep = 1,
  notes?: string,
): KeySpec {
  const spec: KeySpec = { flags, beginSearch: { index }, findKeys: { lastKey, keyStep, limit: 0 } };
  if (notes !== undefined) spec.notes = notes;
  return spec;
}

/** One argument in COMMAND DOCS (kept short: name, type, flags). */
export interface ArgDoc {
  name: string;
  type:
    | "string"
    | "integer"
    | "double"
    | "key"
    | "pattern"
    | "unix-time"
    | "pure-token"
    | "oneof"
    | "block";
  token?: string;
  flags?: ("optional" | "multiple" | "multiple_token")[];
  args?: ArgDoc[];
  /** Shown by COMMAND DOCS as display_text; defaults to the name (leaf types only). */
  displayText?: string;
  /** Index of the key spec of a "key" argument; defaults to the key args' order. */
  keySpecIndex?: number;
  summary?: string;
  since?: string;
  deprecatedSince?: string;
}

/** A row of the command table. */
export interface CommandSpec {
  /** Lower-case name; subcommands are named "parent|sub" in `fullName`. */
  name: string;
  /** Redis arity: N means exactly N args (name included), -N means at least N. */
  arity: number;
  flags: CommandFlag[];
  /** Key positions: first key index, last key index (-1 = last arg, -2 = one before), step. */
  firstKey: number;
  lastKey: number;
  step: number;
  group: CommandGroup;
  /** One-line summary (COMMAND DOCS, docs/commands.md). */
  summary: string;
  /** Redis version that introduced it. */
  since: string;
  /** Big-O note for COMMAND DOCS. */
  complexity?: string;
  /** ACL categories beyond those derived from flags and group, without the "@". */
  aclCategories?: string[];
  /** The group's ACL category does not apply (SORT is "generic" but not @keyspace). */
  omitGroupCategory?: boolean;
  /** Command tips ("nondeterministic_output", "request_policy:all_shards", ...). */
  tips?: string[];
  /** Arguments for COMMAND DOCS. */
  args?: ArgDoc[];
  /** COMMAND DOCS history: [version, change] pairs. */
  history?: [string, string][];
  /** COMMAND DOCS doc_flags. */
  docFlags?: ("deprecated" | "syscmd")[];
  deprecatedSince?: string;
  replacedBy?: string;
  /** Exact key specs (COMMAND INFO); derived from firstKey/lastKey/step when absent. */
  keySpecs?: KeySpec[];
  /** Container commands (CONFIG, CLIENT, ...) list subcommands instead of a handler. */
  subcommands?: CommandSpec[];
  /** Key extraction for commands whose keys move (flag movablekeys), e.g. ZUNIONSTORE. */
  getKeys?: (argv: Uint8Array[]) => number[];
  handler?: CommandHandler;
}

/** A resolved table row: spec plus derived data the executor needs on every call. */
export interface Command extends CommandSpec {
  /** "config|get" for subcommands, else the name. */
  fullName: string;
  parent?: Command;
  isWrite: boolean;
  isReadonly: boolean;
  /** Flags the executor tests on every call, resolved once. */
  skipSlowlog: boolean;
  skipMonitor: boolean;
  isDenyOom: boolean;
  noAuth: boolean;
  /** Subcommand lookup by lower-case name. */
  subs?: Map<string, Command>;
  /** Per-command statistics (INFO commandstats). */
  stats: CommandStats;
}

/** INFO commandstats counters. */
export interface CommandStats {
  calls: number;
  usec: number;
  rejectedCalls: number;
  failedCalls: number;
}

/** Name -> command, filled by src/commands/index.ts. */
export class CommandTable {
  private readonly map = new Map<string, Command>();
  /** Names as clients spell them ("GET", "Get") -> command, so lookups skip toLowerCase. */
  private readonly spelled = new Map<string, Command>();

  /** Adds rows; throws on duplicates so two files can't define one command. */
  register(specs: CommandSpec[]): void {
    for (const spec of specs) {
      if (this.map.has(spec.name)) throw new Error(`duplicate command ${spec.name}`);
      const cmd = resolve(spec);
      this.map.set(spec.name, cmd);
      this.indexByHash(cmd);
    }
  }

  /** Finds a command by its (case-insensitive) name. */
  lookup(name: string): Command | undefined {
    const hit = this.map.get(name) ?? this.spelled.get(name);
    if (hit !== undefined) return hit;
    const cmd = this.map.get(name.toLowerCase());
    // Bounded: a client sending random casings must not grow it forever.
    if (cmd !== undefined && this.spelled.size < 4096) this.spelled.set(name, cmd);
    return cmd;
  }

  /**
   * Finds a command by the bytes of its name, case-insensitively, without
   * building a string: a case-folded hash picks the candidates, then the bytes
   * are compared. This is on every request's path.
   */
  lookupBytes(name: Uint8Array): Command | undefined {
    const n = name.length;
    if (n === 0 || n > 32) return undefined;
    let h = n;
    for (let i = 0; i < n; i++) h = (Math.imul(h, 31) + (name[i] | 0x20)) | 0;
    const candidates = this.byHash.get(h);
    if (candidates === undefined) return undefined;
    outer: for (const cmd of candidates) {
      const s = cmd.name;
      if (s.length !== n) continue;
      for (let i = 0; i < n; i++) {
        const b = name[i];
        // Only letters fold; '|' and digits must match exactly.
        const folded = b >= 65 && b <= 90 ? b | 0x20 : b;
        if (folded !== s.charCodeAt(i)) continue outer;
      }
      return cmd;
    }
    return undefined;
  }

  private readonly byHash = new Map<number, Command[]>();

  private indexByHash(cmd: Command): void {
    let h = cmd.name.length;
    for (let i = 0; i < cmd.name.length; i++) {
      h = (Math.imul(h, 31) + (cmd.name.charCodeAt(i) | 0x20)) | 0;
    }
    const list = this.byHash.get(h);
    if (list) list.push(cmd);
    else this.byHash.set(h, [cmd]);
  }

  /** Every top-level command. */
  all(): IterableIterator<Command> {
    return this.map.values();
  }

  get size(): number {
    return this.map.size;
  }
}

function resolve(spec: CommandSpec, parent?: Command): Command {
  const cmd: Command = {
    ...spec,
    fullName: parent ? `${parent.name}|${spec.name}` : spec.name,
    parent,
    isWrite: spec.flags.includes("write"),
    skipSlowlog: spec.flags.includes("skip_slowlog"),
    skipMonitor: spec.flags.includes("skip_monitor") || spec.flags.includes("admin"),
    isReadonly: spec.flags.includes("readonly"),
    isDenyOom: spec.flags.includes("denyoom"),
    noAuth: spec.flags.includes("no_auth"),
    stats: { calls: 0, usec: 0, rejectedCalls: 0, failedCalls: 0 },
  };
  if (spec.subcommands) {
    cmd.subs = new Map();
    for (const sub of spec.subcommands) cmd.subs.set(sub.name, resolve(sub, cmd));
  }
  return cmd;
}

/**
 * getKeys of a command whose keys follow a numkeys argument at `numIdx` (ZUNION, LMPOP,
 * SINTERCARD, ...): the `numkeys` arguments from `numIdx + firstOffset` on, or none when
 * numkeys is not a positive integer or the arguments run short.
 */
export function keyNumKeys(argv: Uint8Array[], numIdx: number, firstOffset = 1): number[] {
  if (numIdx >= argv.length) return [];
  const n = parseLongLong(argv[numIdx]);
  const first = numIdx + firstOffset;
  if (n === null || n < 1n || first + Number(n) - 1 >= argv.length) return [];
  const out: number[] = [];
  for (let i = 0; i < Number(n); i++) out.push(first + i);
  return out;
}

/**
 * Key argument indices of a call, from the table's (first, last, step) or the
 * command's own getKeys. Used by COMMAND GETKEYS, WATCH-style checks and ACL.
 */
export function commandKeys(cmd: Command, argv: Uint8Array[]): number[] {
  if (cmd.getKeys) return cmd.getKeys(argv);
  if (cmd.firstKey === 0) return [];
  const last = cmd.lastKey < 0 ? argv.length + cmd.lastKey : cmd.lastKey;
  const out: number[] = [];
  for (let i = cmd.firstKey; i <= last && i < argv.length; i += cmd.step) out.push(i);
  return out;
}

/** ACL categories of a command, derived as Redis does from flags and group. */
export function aclCategories(cmd: Command): string[] {
  const cats = new Set<string>();
  const f = cmd.flags;
  if (f.includes("write")) cats.add("write");
  if (f.includes("readonly") && cmd.group !== "scripting") cats.add("read");
  if (f.includes("admin")) {
    cats.add("admin");
    cats.add("dangerous");
  }
  if (f.includes("pubsub")) cats.add("pubsub");
  if (f.includes("fast")) cats.add("fast");
  if (f.includes("blocking")) cats.add("blocking");
  if (!f.includes("fast")) cats.add("slow");
  const byGroup: Partial<Record<CommandGroup, string>> = {
    generic: "keyspace",
    string: "string",
    list: "list",
    set: "set",
    "sorted-set": "sortedset",
    hash: "hash",
    pubsub: "pubsub",
    transactions: "transaction",
    connection: "connection",
    scripting: "scripting",
    hyperloglog: "hyperloglog",
    geo: "geo",
    stream: "stream",
    bitmap: "bitmap",
  };
  const g = byGroup[cmd.group];
  if (g && !cmd.omitGroupCategory) cats.add(g);
  for (const c of cmd.aclCategories ?? []) cats.add(c);
  return [...cats];
}
