/**
 * The command table: one row per command (and per subcommand of container
 * commands such as CONFIG or CLIENT), as in Redis's commands.def, with the
 * lookups and the key extraction everyone shares. COMMAND, the executor, MULTI,
 * replication, AOF and ACL all read it; nothing else keeps a list of commands.
 */

import type { Client } from "./client.ts";
import type { ArgBlock } from "../resp/arg_block.ts";
import { bytesToBinary } from "../util/bytes.ts";
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

/** A command implementation reading its arguments from `args` (see CommandSpec.bulk). */
export type BulkHandler = (c: Client, args: ArgBlock) => void;

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

/**
 * The key spec of a numkeys command (ZUNION, LMPOP, SINTERCARD ...): the key count at argument
 * `index`, the keys right after it.
 */
export function keySpecNumKeys(flags: KeySpecFlag[], index = 1): KeySpec {
  return { flags, beginSearch: { index }, findKeys: { keyNumIdx: 0, firstKey: 1, keyStep: 1 } };
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
  /**
   * Keys with call-dependent flags (a key spec with variable_flags, Redis's
   * getkeys_proc such as setGetKeys): takes precedence over the key specs.
   */
  getKeysAndFlags?: (argv: Uint8Array[]) => KeyReference[];
  handler?: CommandHandler;
  /**
   * The handler for a command of over 1,024 arguments, reading them from the
   * parser's argument block instead of `c.argv` (which then holds only the
   * first ARGV_HEAD). Same behaviour as `handler`; the executor picks it.
   */
  bulk?: BulkHandler;
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
  /**
   * Its own work is bounded by its argument and reply sizes: CMD_FAST, or an O(1)
   * string setter (Redis leaves SET unflagged because freeing the value it replaces
   * takes time there; here the GC does). A connection's batch times such commands
   * together (command_timer.ts).
   */
  light: boolean;
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

/** A table name and the row it calls (the name differs from the row's after rename-command). */
interface NameEntry {
  name: string;
  cmd: Command;
}

/**
 * Name -> command (Redis's server.commands), filled from the groups by the
 * composition root. Every lookup by name, by request arguments or by
 * "container|sub" goes through here.
 */
export class CommandTable {
  /** Lower-case table name -> command. */
  private readonly map = new Map<string, Command>();
  /** Names as clients spell them ("GET", "Get") -> command, so lookups skip toLowerCase. */
  private readonly spelled = new Map<string, Command>();
  /** Case-folded name hash -> names, for lookupBytes. */
  private readonly byHash = new Map<number, NameEntry[]>();
  /** Longest table name: longer request names cannot match. */
  private maxNameLength = 0;
  /** Longest subcommand name. */
  private maxSubNameLength = 0;
  /** The table name lookupBytes found last, and its command. */
  private lastName = "";
  private lastCmd: Command | undefined = undefined;

  /** Adds rows; throws on duplicates so two files can't define one command. */
  register(specs: CommandSpec[]): void {
    for (const spec of specs) {
      if (this.map.has(spec.name)) throw new Error(`duplicate command ${spec.name}`);
      this.map.set(spec.name, resolve(spec));
    }
    this.reindex();
  }

  /**
   * rename-command: the command named `from` answers to `to` from now on, or to
   * nothing when `to` is "". As in Redis the row keeps its own name: COMMAND
   * INFO, COMMAND LIST, error texts and statistics still show the original one.
   * Returns Redis's start-up error text, or null when done.
   */
  rename(from: string, to: string): string | null {
    const old = from.toLowerCase();
    const cmd = this.map.get(old);
    if (cmd === undefined) return "No such command in rename-command";
    this.map.delete(old);
    if (to !== "") {
      const name = to.toLowerCase();
      if (this.map.has(name)) {
        this.map.set(old, cmd);
        return "Target command name already exists";
      }
      this.map.set(name, cmd);
    }
    this.reindex();
    return null;
  }

  /** Finds a command by its (case-insensitive) table name. */
  lookup(name: string): Command | undefined {
    const hit = this.map.get(name) ?? this.spelled.get(name);
    if (hit !== undefined) return hit;
    const cmd = this.map.get(name.toLowerCase());
    // Bounded: a client sending random casings must not grow it forever.
    if (cmd !== undefined && this.spelled.size < 4096) this.spelled.set(name, cmd);
    return cmd;
  }

  /**
   * lookupCommandBySds: "get" or "container|sub" (COMMAND INFO, COMMAND DOCS,
   * LATENCY HISTOGRAM, ACL rules), case-insensitive.
   */
  lookupByName(name: string): Command | undefined {
    const bar = name.indexOf("|");
    if (bar === -1) return this.lookup(name);
    const sub = name.slice(bar + 1);
    if (sub.includes("|")) return undefined;
    return this.lookup(name.slice(0, bar))?.subs?.get(sub.toLowerCase());
  }

  /**
   * lookupCommand: the row a request runs. For a container command (CONFIG,
   * CLIENT, ...) given a second argument that is the subcommand it names, or
   * undefined when it names none; otherwise the command argv[0] names, if any.
   */
  lookupArgv(argv: Uint8Array[]): Command | undefined {
    const cmd = this.lookupBytes(argv[0]);
    if (cmd === undefined || cmd.subs === undefined || argv.length < 2) return cmd;
    const sub = argv[1];
    // A long argument names no subcommand (and is not decoded).
    if (sub.length > this.maxSubNameLength) return undefined;
    return cmd.subs.get(bytesToBinary(sub).toLowerCase());
  }

  /**
   * Finds a command by the bytes of its name, case-insensitively, without
   * building a string: a case-folded hash picks the candidates, then the bytes
   * are compared. This is on every request's path.
   */
  lookupBytes(name: Uint8Array): Command | undefined {
    const n = name.length;
    if (n === 0 || n > this.maxNameLength) return undefined;
    // A pipeline mostly repeats one command: the last name found is tried first.
    const last = this.lastName;
    if (last.length === n) {
      let i = 0;
      while (i < n) {
        const b = name[i];
        if ((b >= 65 && b <= 90 ? b | 0x20 : b) !== last.charCodeAt(i)) break;
        i++;
      }
      if (i === n) return this.lastCmd;
    }
    let h = n;
    for (let i = 0; i < n; i++) h = (Math.imul(h, 31) + (name[i] | 0x20)) | 0;
    const candidates = this.byHash.get(h);
    if (candidates === undefined) return undefined;
    outer: for (const e of candidates) {
      const s = e.name;
      if (s.length !== n) continue;
      for (let i = 0; i < n; i++) {
        const b = name[i];
        // Only letters fold; '|' and digits must match exactly.
        const folded = b >= 65 && b <= 90 ? b | 0x20 : b;
        if (folded !== s.charCodeAt(i)) continue outer;
      }
      this.lastName = s;
      this.lastCmd = e.cmd;
      return e.cmd;
    }
    return undefined;
  }

  /** Rebuilds the lookup indexes from `map` (after registering or renaming). */
  private reindex(): void {
    this.lastName = "";
    this.lastCmd = undefined;
    this.spelled.clear();
    this.byHash.clear();
    this.maxNameLength = 0;
    for (const [name, cmd] of this.map) {
      let h = name.length;
      for (let i = 0; i < name.length; i++) {
        h = (Math.imul(h, 31) + (name.charCodeAt(i) | 0x20)) | 0;
      }
      const list = this.byHash.get(h);
      if (list) list.push({ name, cmd });
      else this.byHash.set(h, [{ name, cmd }]);
      if (name.length > this.maxNameLength) this.maxNameLength = name.length;
      for (const sub of cmd.subs?.keys() ?? []) {
        if (sub.length > this.maxSubNameLength) this.maxSubNameLength = sub.length;
      }
    }
  }

  /** Every top-level command, once each, whatever name it answers to. */
  all(): IterableIterator<Command> {
    return this.map.values();
  }

  /** Number of commands (COMMAND COUNT). */
  get size(): number {
    return this.map.size;
  }
}

function resolve(spec: CommandSpec, parent?: Command): Command {
  // Every field named, in one order, optional ones included: all commands share one hidden
  // class, so the executor's reads of `cmd.arity`, `cmd.isWrite`, `cmd.stats`, ... stay
  // monomorphic. Spreading the spec gave one shape per combination of optional fields
  // (65 of them), and the executor's property accesses went megamorphic.
  const cmd: Command = {
    name: spec.name,
    arity: spec.arity,
    flags: spec.flags,
    firstKey: spec.firstKey,
    lastKey: spec.lastKey,
    step: spec.step,
    group: spec.group,
    summary: spec.summary,
    since: spec.since,
    complexity: spec.complexity,
    aclCategories: spec.aclCategories,
    omitGroupCategory: spec.omitGroupCategory,
    tips: spec.tips,
    args: spec.args,
    history: spec.history,
    docFlags: spec.docFlags,
    deprecatedSince: spec.deprecatedSince,
    replacedBy: spec.replacedBy,
    keySpecs: spec.keySpecs,
    subcommands: spec.subcommands,
    getKeys: spec.getKeys,
    getKeysAndFlags: spec.getKeysAndFlags,
    handler: spec.handler,
    bulk: spec.bulk,
    fullName: parent ? `${parent.name}|${spec.name}` : spec.name,
    parent,
    isWrite: spec.flags.includes("write"),
    skipSlowlog: spec.flags.includes("skip_slowlog"),
    skipMonitor: spec.flags.includes("skip_monitor") || spec.flags.includes("admin"),
    isReadonly: spec.flags.includes("readonly"),
    isDenyOom: spec.flags.includes("denyoom"),
    noAuth: spec.flags.includes("no_auth"),
    light: spec.flags.includes("fast") ||
      (!parent && (spec.name === "set" || spec.name === "setex" || spec.name === "psetex")),
    subs: undefined,
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
 * The command's key specs: the row's own, or one derived from its legacy
 * (first, last, step) range with flags guessed from the command flags.
 */
export function commandKeySpecs(cmd: Command): KeySpec[] {
  if (cmd.keySpecs) return cmd.keySpecs;
  if (cmd.firstKey <= 0) return [];
  const flags: KeySpecFlag[] = cmd.isWrite
    ? ["RW", "update"]
    : cmd.isReadonly
    ? ["RO", "access"]
    : ["RO"];
  return [{
    flags,
    beginSearch: { index: cmd.firstKey },
    findKeys: {
      lastKey: cmd.lastKey >= 0 ? cmd.lastKey - cmd.firstKey : cmd.lastKey,
      keyStep: cmd.step,
      limit: 0,
    },
  }];
}

/** doesCommandHaveKeys: a key extractor or a key spec naming real keys. */
export function commandHasKeys(cmd: Command): boolean {
  return cmd.getKeys !== undefined ||
    commandKeySpecs(cmd).some((s) => !s.flags.includes("not_key"));
}

/** A key argument of a call: its index in argv and its key-spec flags. */
export interface KeyReference {
  pos: number;
  flags: KeySpecFlag[];
}

/**
 * getKeysFromCommandWithSpecs: the key arguments of a call with their flags
 * (COMMAND GETKEYS / GETKEYSANDFLAGS, and what ACL key rules and cluster slot
 * checks read). A command with its own getKeys (movablekeys) decides which
 * arguments are keys; the key specs give their flags.
 */
export function getKeysFromCommand(cmd: Command, argv: Uint8Array[]): KeyReference[] {
  if (cmd.getKeysAndFlags) return cmd.getKeysAndFlags(argv);
  const specs = commandKeySpecs(cmd);
  const bySpec = cmd.getKeys ? new Map<number, KeySpecFlag[]>() : null;
  const out: KeyReference[] = [];
  for (const spec of specs) {
    for (const pos of keysFromSpec(spec, argv)) {
      if (bySpec) {
        if (!bySpec.has(pos)) bySpec.set(pos, spec.flags);
      } else out.push({ pos, flags: spec.flags });
    }
  }
  if (bySpec === null) return out;
  const fallback = specs[0]?.flags ?? [];
  return cmd.getKeys!(argv).map((pos) => ({ pos, flags: bySpec.get(pos) ?? fallback }));
}

/** Key positions one key spec designates in `argv` (getKeysUsingKeySpecs for one spec). */
function keysFromSpec(spec: KeySpec, argv: Uint8Array[]): number[] {
  const argc = argv.length;
  const bs = spec.beginSearch;
  let first: number;
  if (bs === "unknown") return [];
  if ("index" in bs) {
    first = bs.index;
  } else {
    const kw = bs.keyword.toLowerCase();
    const start = bs.startFrom > 0 ? bs.startFrom : argc + bs.startFrom;
    const step = bs.startFrom > 0 ? 1 : -1;
    first = 0;
    for (let i = start; i > 0 && i < argc; i += step) {
      if (bytesToBinary(argv[i]).toLowerCase() === kw) {
        first = i + 1;
        break;
      }
    }
    if (first === 0) return [];
  }
  const fk = spec.findKeys;
  if (fk === "unknown" || first >= argc) return [];
  let last: number, step: number;
  if ("lastKey" in fk) {
    step = fk.keyStep;
    if (fk.lastKey >= 0) last = first + fk.lastKey;
    else if (fk.limit <= 1) last = argc + fk.lastKey;
    else last = first + Math.floor((argc - 1 - first) / fk.limit);
  } else {
    const numIdx = first + fk.keyNumIdx;
    if (numIdx >= argc) return [];
    const n = parseLongLong(argv[numIdx]);
    if (n === null || n < 0n) return [];
    step = fk.keyStep;
    first = numIdx + fk.firstKey;
    last = first + (Number(n) - 1) * step;
  }
  const out: number[] = [];
  for (let i = first; i <= last; i += step) {
    if (i >= argc || i < 1) break;
    out.push(i);
  }
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
