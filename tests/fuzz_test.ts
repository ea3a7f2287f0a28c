// Differential fuzz test: every command and subcommand of the table is called with seeded random
// hostile arguments (empty, negative, huge, nan, inf, binary, long, glob metacharacters, the
// command's own option keywords, key names of every type), on our server and on the reference
// (valkey-server 8.0 = Redis 7.2), each call starting from the same dataset; replies must match
// (errors by exact text, other replies byte for byte, or in kind where the reply is random).
//
//   FUZZ_SEED=123 FUZZ_ROUNDS=50 deno test --allow-all tests/fuzz_test.ts
//
// The default run uses a fixed seed and one round (VECTORS per row); FUZZ_TRACE=1 prints every
// vector before it is sent. A quarter of the vectors run in RESP3, some queued in MULTI. The
// recorded rows at the end (the differences the fuzzer found, fixed since) run against our
// server without a reference too.

import assert from "node:assert/strict";
import { registerAll } from "../src/commands/index.ts";
import {
  type ArgDoc,
  type Command,
  CommandTable,
  getKeysFromCommand,
} from "../src/server/command_table.ts";
import { binaryToBytes, bytesToBinary, concatBytes } from "../src/util/bytes.ts";
import { parseReply } from "../src/resp/reply_parser.ts";
import { encodeCommand, RawClient, type RespReply, rng, withClient } from "./helpers.ts";
import {
  HAS_REFERENCE,
  REFERENCE_IS_VALKEY,
  withOursAndReference,
  withReferenceClient,
} from "./reference.ts";

const SEED = Number(Deno.env.get("FUZZ_SEED") ?? 72);
const ROUNDS = Number(Deno.env.get("FUZZ_ROUNDS") ?? 1);
if (!Number.isSafeInteger(SEED) || !Number.isSafeInteger(ROUNDS) || ROUNDS < 1) {
  throw new Error("FUZZ_SEED must be an integer and FUZZ_ROUNDS a positive integer");
}
/** Vectors per command and round. */
const VECTORS = 16;

const table = new CommandTable();
registerAll(table);

// ---------------------------------------------------------------------------------------------
// What is not fuzzed or not compared byte for byte

/** Rows left out, with the reason they cannot be compared. */
const SKIPPED: Record<string, string> = {
  shutdown: "stops the server",
  bgrewriteaof: "whether the previous vector's rewrite still runs is timing (tests/aof_test.ts)",
  monitor: "turns the connection into a feed",
  quit: "closes the connection",
  "client|kill": "may close the fuzzing connection",
  "client|pause": "pauses every client of the server",
  "client|reply": "OFF and SKIP suppress the replies the harness waits for",
  // Replication: tests/replication_test.ts covers these against real servers.
  sync: "turns the connection into a replication stream",
  psync: "turns the connection into a replication stream",
  replconf: "ACK and GETACK are never answered",
  replicaof: "makes the server a replica",
  slaveof: "makes the server a replica",
  wait: "blocks until its timeout, forever with 0",
  // One reply per argument, and a subscribed context: tests/pubsub_test.ts compares them.
  subscribe: "one reply per channel",
  unsubscribe: "one reply per channel",
  psubscribe: "one reply per pattern",
  punsubscribe: "one reply per pattern",
  ssubscribe: "one reply per shard channel",
  sunsubscribe: "one reply per shard channel",
  save: "writes dump.rdb into the server's dir (tests/rdb_save_test.ts)",
  bgsave: "the reply depends on whether an earlier save still runs (tests/rdb_save_test.ts)",
};

/** Rows whose non-error replies are compared in kind only: random, timed or per-process. */
const KIND_ONLY: Record<string, string> = {
  randomkey: "random key",
  spop: "random members",
  srandmember: "random members",
  hrandfield: "random fields",
  zrandmember: "random members",
  time: "clock",
  ttl: "time left of a key with a fixed deadline",
  pttl: "time left of a key with a fixed deadline",
  lastsave: "clock",
  info: "server state",
  hello: "server name, version and client id",
  "client|id": "client ids differ",
  "client|list": "client ids, addresses, ages",
  "client|info": "client ids, addresses, ages",
  "config|get": "the parameter set differs (Valkey's additions, our missing ones)",
  "command|count": "commands not implemented yet (tests/command_table_test.ts)",
  "command|list": "commands not implemented yet (tests/command_table_test.ts)",
  "command|info": "Valkey's own rows (tests/command_table_test.ts)",
  "command|docs": "Valkey's own rows (tests/command_table_test.ts)",
  "slowlog|get": "timings and client addresses",
  "slowlog|len": "timings (a slow first call on a loaded machine is logged)",
  "latency|doctor": "server state",
  "latency|histogram": "timings",
  "latency|latest": "timings",
  "latency|history": "timings",
  "latency|graph": "timings",
  "memory|usage": "allocator sizes",
  "memory|stats": "allocator sizes",
  "memory|doctor": "allocator state",
  "memory|malloc-stats": "allocator",
  "object|idletime": "clock",
  "object|freq": "clock",
  scan: "hash-table order of the keyspace",
  keys: "hash-table order of the keyspace",
  dump: "RDB version 10 payloads (Valkey writes 11) and our LZF output (tests/dump_test.ts)",
};

/** [row, whether it applies to a vector (given both replies), why]. */
type Allowance = [string, (argv: string[], ref: string, ours: string) => boolean, string];

/** Both replies are arrays of the same bulk strings, in any order. */
function sameMembers(ours: string, ref: string): boolean {
  const a = parseReply(binaryToBytes(ours))![0], b = parseReply(binaryToBytes(ref))![0];
  if (a.t !== b.t || (a.t !== "array" && a.t !== "set")) return false;
  const members = (r: RespReply) => (r as { v: RespReply[] }).v.map(show1).sort().join("\n");
  return members(a) === members(b);
}

function show1(r: RespReply): string {
  return r.t === "bulk" ? bytesToBinary(r.v) : r.t;
}

/**
 * Valkey 8.0 changes to Redis 7.2 replies, checked against Redis 7.2's source: [row, when the
 * reference's reply is Valkey's own (given the vector and that reply), why].
 */
const VALKEY_ONLY: Allowance[] = [
  ["client|help", () => true, "Valkey lists CAPA and its own wording"],
  ["script|help", () => true, "Valkey lists SHOW and rewraps a line"],
  ["function|help", () => true, "Valkey drops the library description line"],
  ...["evalsha", "evalsha_ro"].map((name): Allowance => [
    name,
    (_, ref) => ref === "-NOSCRIPT No matching script.\r\n",
    "Redis 7.2's NOSCRIPT error ends 'Please use EVAL.' (shared.noscripterr)",
  ]),
  ["command|help", () => true, "Valkey drops 'Redis' from the text"],
  [
    "scan",
    (_, ref) => ref.startsWith("-ERR unknown type name"),
    "Redis 7.2's SCAN TYPE accepts any name (the error is a TODO for 8.0 in db.c)",
  ],
  ...["scan", "sscan", "hscan", "zscan"].map((name): Allowance => [
    name,
    (argv) => !/^(0|[1-9][0-9]*)$/.test(argv[name === "scan" ? 1 : 2] ?? "0"),
    "Redis 7.2 parses the cursor first, with strtoul (a sign, an empty string pass); Valkey " +
    "parses it strictly and after the key lookup and the options",
  ]),
  [
    "zscan",
    (argv) => argv.some((a) => a.toLowerCase() === "noscores"),
    "ZSCAN NOSCORES came with Redis 8.0 / Valkey 8.0 (Redis 7.2: syntax error)",
  ],
  [
    "lrem",
    (_, ref) => ref.startsWith("-ERR value is out of range, value must between"),
    "Redis 7.2 takes any long count (getLongFromObjectOrReply); Valkey excludes LONG_MIN",
  ],
  ...["sunion", "sdiff"].map((name): Allowance => [
    name,
    (_, ref, ours) => sameMembers(ours, ref),
    "Redis 7.2 builds the result in an intset/listpack (insertion order); Valkey in a hash table",
  ]),
];

/**
 * Where this server knowingly differs from Redis 7.2 (docs/scripting.md): [row, when, why].
 * Checked like VALKEY_ONLY.
 */
const KNOWN_DIFFERENCES: Allowance[] = [
  [
    "script|debug",
    (argv) => ["yes", "sync"].includes((argv[2] ?? "").toLowerCase()),
    "no Lua debugger: SCRIPT DEBUG YES/SYNC is refused",
  ],
  [
    "function|dump",
    () => true,
    "the payload says RDB version 10 (Redis 7.0's, so that 7.0 restores it); Valkey 8.0 writes 11",
  ],
];

/** Rows not run inside MULTI, where Valkey 8.0 behaves unlike Redis 7.2. */
const NOT_IN_MULTI: Record<string, string> = {
  multi: "Redis 7.2: 'MULTI calls can not be nested'; Valkey rejects it as no_multi",
  watch: "Redis 7.2: 'WATCH inside MULTI is not allowed'; Valkey rejects it as no_multi",
  auth: "valkey-server 8.0 never answers EXEC after a failed AUTH in the transaction",
  hello: "valkey-server 8.0 never answers EXEC after a failed HELLO AUTH in the transaction",
};

/**
 * Replies whose order Redis leaves to the C library: compared as the same elements in any
 * order. [row, when, why].
 */
const ANY_ORDER: Allowance[] = [
  ...["sort", "sort_ro"].map((name): Allowance => [
    name,
    (argv) => {
      const lower = argv.map((a) => a.toLowerCase());
      const by = lower.indexOf("by");
      return lower.includes("alpha") && by > 0 && (argv[by + 1] ?? "").includes("*");
    },
    "BY with ALPHA compares equal (or missing) weights as 0 and does not fall back to the " +
    "elements (sortCompare): their order is whatever qsort makes of ties (glibc 2.37+: unstable)",
  ]),
];

/** Index of the timeout argument of a blocking command (negative: from the end). */
const TIMEOUT_AT: Record<string, number> = {
  blpop: -1,
  brpop: -1,
  bzpopmin: -1,
  bzpopmax: -1,
  brpoplpush: 3,
  blmove: 5,
  blmpop: 1,
  bzmpop: 1,
};

// ---------------------------------------------------------------------------------------------
// The dataset and the vocabulary

/** The dataset every vector starts from (db 0), after RESET and FLUSHALL. */
const DATASET: string[][] = [
  ["set", "str", "hello"],
  ["set", "int", "42"],
  ["set", "float", "3.5"],
  ["set", "bin", "\x00\xff\r\n"],
  ["rpush", "list", "a", "b", "c", "1", "2", "a"],
  ["hset", "hash", "f1", "v1", "f2", "2", "f3", "3.5"],
  ["sadd", "set", "a", "b", "c"],
  ["sadd", "intset", "1", "2", "3"],
  ["zadd", "zset", "1", "a", "2", "b", "3", "c", "3", "d"],
  ["geoadd", "geo", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"],
  ["set", "ttl", "v"],
  ["pexpireat", "ttl", "4102444800000"],
  // Past the listpack limits (128 entries): hash table, skiplist and quicklist encodings.
  ["sadd", "bigset", ...range("m", 200)],
  ["hset", "bighash", ...range("m", 200).flatMap((m) => [m, m])],
  ["zadd", "bigzset", ...range("m", 200).flatMap((m, i) => [String(i % 50), m])],
  ["rpush", "biglist", ...range("m", 200)],
];

/** `prefix` + 0 .. n - 1. */
function range(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => prefix + i);
}

/** Keys whose elements Redis keeps in hash-table order (ours: insertion order). */
const HASH_TABLE_KEYS = new Set(["bigset", "bighash", "bigzset"]);

/** Rows answering elements in hash-table order: with a HASH_TABLE_KEYS key, any order. */
const HASH_ORDER = new Set([
  "smembers",
  "sinter",
  "sunion",
  "sdiff",
  "hgetall",
  "hkeys",
  "hvals",
  "sort",
  "sort_ro",
]);

/** Rows whose replies depend on the hash table's layout: with such a key, in kind only. */
const HASH_LAYOUT = new Set(["sscan", "hscan", "zscan"]);

const KEYS = [
  "str",
  "int",
  "float",
  "bin",
  "list",
  "hash",
  "set",
  "intset",
  "zset",
  "geo",
  "ttl",
  "bigset",
  "bighash",
  "bigzset",
  "biglist",
  "missing",
];
const MEMBERS = ["a", "b", "c", "d", "f1", "f2", "1", "2", "Palermo", "Catania", "m1", "m150"];
// No large negative count that is in range: SRANDMEMBER, HRANDFIELD and ZRANDMEMBER would
// answer that many elements (-9223372036854775808 and below are out of range).
const NUMBERS = [
  "0",
  "1",
  "-1",
  "2",
  "3",
  "10",
  "-100",
  "4294967296",
  "9223372036854775807",
  "9223372036854775808",
  "-9223372036854775808",
  "-9223372036854775809",
  "1.5",
  "-2.5",
  "1e400",
  "-1e400",
  "1e3",
  "nan",
  "inf",
  "-inf",
  "+inf",
  "0x10",
  " 1",
  "1 ",
  "007",
  "-0",
  "+1",
  ".5",
  "1.",
  "1e-400",
  "5e-324",
  "1.7976931348623157e308",
  "2147483648",
  "1e",
  "inf5",
];
const HOSTILE = [
  "",
  "(1",
  "[a",
  "(a",
  "-",
  "+",
  "*",
  "?",
  "[^]\\",
  "a*",
  "h?llo",
  "\\",
  "\x00\r\n",
  "\xff\xfe\x80",
  "x".repeat(300),
  "abc",
];

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

/** Every token of a command's arguments (option keywords), upper case as documented. */
function tokens(args: readonly ArgDoc[] | undefined, out: string[] = []): string[] {
  for (const a of args ?? []) {
    if (a.token !== undefined) out.push(a.token);
    tokens(a.args, out);
  }
  return out;
}

/** A hostile value of any kind, or one of the command's keywords. */
function anyValue(r: Rand, keywords: string[]): string {
  const x = r();
  if (x < 0.35) return pick(r, NUMBERS);
  if (x < 0.55) return pick(r, HOSTILE);
  if (x < 0.7 && keywords.length > 0) return pick(r, keywords);
  if (x < 0.85) return pick(r, MEMBERS);
  return pick(r, KEYS);
}

/** A value for a documented argument: mostly of its type, sometimes anything. */
function valueFor(r: Rand, a: ArgDoc, keywords: string[]): string {
  if (r() < 0.2) return anyValue(r, keywords);
  switch (a.type) {
    case "key":
      return pick(r, KEYS);
    case "integer":
    case "double":
    case "unix-time":
      return pick(r, NUMBERS);
    case "pattern":
      return pick(r, ["*", "?", "a*", "[^]\\", "h?llo", "*a*", "\\"]);
    default:
      return r() < 0.5 ? pick(r, MEMBERS) : anyValue(r, keywords);
  }
}

/** Arguments shaped by the command's documented syntax, with hostile values. */
function shaped(
  r: Rand,
  args: readonly ArgDoc[],
  keywords: string[],
  out: string[],
  optionalSkip: number,
): void {
  for (const a of args) {
    const optional = a.flags?.includes("optional");
    if (optional && r() < optionalSkip) continue;
    const reps = a.flags?.includes("multiple") ? 1 + Math.floor(r() * 3) : 1;
    for (let i = 0; i < reps; i++) {
      if (a.token !== undefined && (i === 0 || a.flags?.includes("multiple_token"))) {
        out.push(r() < 0.3 ? a.token.toLowerCase() : a.token);
      }
      if (a.type === "pure-token") continue;
      if (a.type === "oneof") shaped(r, [pick(r, a.args ?? [])], keywords, out, optionalSkip);
      else if (a.type === "block") shaped(r, a.args ?? [], keywords, out, optionalSkip);
      else out.push(valueFor(r, a, keywords));
    }
  }
}

/** The command name words of a row: ["get"] or ["config", "get"]. */
function nameWords(cmd: Command): string[] {
  return cmd.parent ? [cmd.parent.name, cmd.name] : [cmd.name];
}

/** One random argument vector for `cmd` (binary strings, name words included). */
function vector(r: Rand, cmd: Command): string[] {
  const keywords = tokens(cmd.args);
  const head = nameWords(cmd);
  let argv: string[];
  if (cmd.args && r() < 0.6) {
    argv = [...head];
    // Sometimes every option at once: their combinations have rules of their own.
    shaped(r, cmd.args, keywords, argv, r() < 0.3 ? 0.1 : 0.5);
    // Mutations: drop, duplicate or replace an argument.
    const m = r();
    const i = head.length + Math.floor(r() * Math.max(1, argv.length - head.length));
    if (m < 0.1 && argv.length > head.length) argv.splice(i, 1);
    else if (m < 0.2 && argv.length > head.length) argv.splice(i, 0, argv[i]);
    else if (m < 0.35 && argv.length > head.length) argv[i] = anyValue(r, keywords);
  } else {
    // Arities around the command's: exact, one less, a few more.
    const min = Math.abs(cmd.arity);
    const x = r();
    let n = cmd.arity > 0 ? min : min + Math.floor(r() * 4);
    if (x < 0.1) n = min - 1;
    else if (x < 0.15) n = min + 1;
    argv = [...head];
    const keys = new Set(keyPositions(cmd, n));
    for (let i = head.length; i < n; i++) {
      argv.push(keys.has(i) && r() < 0.7 ? pick(r, KEYS) : anyValue(r, keywords));
    }
  }
  if (argv.length > 0 && r() < 0.1) argv[0] = argv[0].toUpperCase();
  neutraliseTimeout(cmd, argv);
  return argv;
}

/** Key argument positions of a call of `cmd` with `n` arguments (empty ones). */
function keyPositions(cmd: Command, n: number): number[] {
  try {
    return getKeysFromCommand(cmd, Array.from({ length: n }, () => new Uint8Array())).map((k) =>
      k.pos
    );
  } catch {
    return [];
  }
}

/** A blocking command's valid timeout becomes 10 ms, so it never blocks for long. */
function neutraliseTimeout(cmd: Command, argv: string[]): void {
  const at = TIMEOUT_AT[cmd.name];
  if (at === undefined) return;
  const i = at < 0 ? argv.length + at : at;
  if (i < 1 || i >= argv.length) return;
  // strtold: decimal or hexadecimal; "-0" is 0, which blocks forever; from about 9.2e15 s the
  // milliseconds pass LLONG_MAX and the timeout is out of range.
  const decimal = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(argv[i]) && Number(argv[i]) < 1e16;
  if (decimal || /^[+-]?0x/i.test(argv[i])) {
    argv[i] = "0.01";
  }
}

// ---------------------------------------------------------------------------------------------
// Running and comparing

/** Reads one reply within `ms`, or throws naming `what`. */
async function readRaw(c: RawClient, what: string, ms = 15_000): Promise<string> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no reply within ${ms} ms: ${what}`)), ms);
  });
  try {
    return await Promise.race([c.readRaw(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const RESET_AND_DATASET: string[][] = [["reset"], ["flushall"], ...DATASET];
const SETUP = concatBytes(RESET_AND_DATASET.map((a) => encodeCommand(a.map(binaryToBytes))));
const SETUP_RESP3 = concatBytes([SETUP, encodeCommand(["hello", "3"])]);

/** How a vector runs: protocol 3 (HELLO 3 after the dataset), queued in MULTI then EXEC. */
interface Mode {
  resp3: boolean;
  multi: boolean;
}

/**
 * Sends RESET and the dataset in one write, then `argv` on its own (valkey-server 8.0 drops the
 * reply of a failed AUTH pipelined behind other commands), in MULTI when `mode.multi`; returns
 * the reply to `argv` (in MULTI: that reply, then EXEC's).
 */
async function run(
  c: RawClient,
  argv: string[],
  label = "ours",
  mode: Mode = { resp3: false, multi: false },
): Promise<string[]> {
  const what = `${label}: ${modeText(mode)}${show(argv)}`;
  await c.write(mode.resp3 ? SETUP_RESP3 : SETUP);
  for (let i = 0; i < RESET_AND_DATASET.length + (mode.resp3 ? 1 : 0); i++) {
    const setup = await readRaw(c, what);
    if (setup.startsWith("-")) throw new Error(`dataset step failed: ${setup}`);
  }
  if (mode.multi) {
    await c.write(encodeCommand(["multi"]));
    assert.equal(await readRaw(c, what), "+OK\r\n", what);
  }
  await c.write(encodeCommand(argv.map(binaryToBytes)));
  const out = [await readRaw(c, what)];
  if (mode.multi) {
    await c.write(encodeCommand(["exec"]));
    out.push(await readRaw(c, what));
  }
  return out;
}

function modeText(mode: Mode): string {
  return (mode.resp3 ? "(RESP3) " : "") + (mode.multi ? "(MULTI) " : "");
}

/** A vector as a readable line (binary bytes escaped). */
function show(argv: string[]): string {
  return argv.map((a) => JSON.stringify(a)).join(" ");
}

/** The type of a reply (RESP type; for aggregates the container type alone). */
/**
 * Vectors whose reply depends on what differs between the two servers at run time: which
 * client ids are connected, the millisecond the command runs in.
 */
const RUN_DEPENDENT: Allowance[] = [
  [
    "client|tracking",
    (argv) => argv.some((a) => a.toLowerCase() === "redirect"),
    "REDIRECT n succeeds only when a client with id n is connected",
  ],
  [
    "xadd",
    (argv, ref, ours) => argv.includes("*") && !ref.startsWith("-") && kind(ours) === kind(ref),
    "an ID of * is made from the clock's milliseconds",
  ],
];

function kind(raw: string): string {
  return parseReply(binaryToBytes(raw))![0].t;
}

/** Null when the replies match for `cmd`, else why not. */
function compare(cmd: Command, argv: string[], ours: string, ref: string): string | null {
  if (ours === ref) return null;
  if (
    REFERENCE_IS_VALKEY &&
    VALKEY_ONLY.some(([name, applies]) => name === cmd.fullName && applies(argv, ref, ours))
  ) return null;
  if (
    KNOWN_DIFFERENCES.some(([name, applies]) => name === cmd.fullName && applies(argv, ref, ours))
  ) return null;
  if (
    ANY_ORDER.some(([name, applies]) => name === cmd.fullName && applies(argv, ref, ours)) &&
    sameMembers(ours, ref)
  ) return null;
  if (RUN_DEPENDENT.some(([name, applies]) => name === cmd.fullName && applies(argv, ref, ours))) {
    return null;
  }
  const hashTable = argv.some((a) => HASH_TABLE_KEYS.has(a));
  if (hashTable && HASH_ORDER.has(cmd.fullName) && sameMembers(ours, ref)) return null;
  const inKind = cmd.fullName in KIND_ONLY || (hashTable && HASH_LAYOUT.has(cmd.fullName));
  if (ours.startsWith("-") || ref.startsWith("-") || !inKind) {
    return `ours ${JSON.stringify(ours.slice(0, 300))}\n   ref ${
      JSON.stringify(ref.slice(0, 300))
    }`;
  }
  const a = kind(ours), b = kind(ref);
  return a === b ? null : `kind ${a}, expected ${b}`;
}

/** The command's own reply: in MULTI, its element of EXEC's one-element array. */
function ownReply(replies: string[]): string {
  const last = replies[replies.length - 1];
  return replies.length === 2 && last.startsWith("*1\r\n") ? last.slice(4) : last;
}

/** Every fuzzed row, subcommands included, in table order. */
function rows(): Command[] {
  const out: Command[] = [];
  for (const cmd of table.all()) {
    if (cmd.subs) out.push(...cmd.subs.values());
    else out.push(cmd);
  }
  return out.filter((c) => !(c.fullName in SKIPPED));
}

Deno.test({
  name: `fuzz: every command with hostile arguments replies as the reference (seed ${SEED})`,
  ignore: !HAS_REFERENCE,
  fn: async () => {
    const r = rng(SEED);
    const mismatches = new Map<string, string>();
    let compared = 0;
    await withOursAndReference({}, async (ours, ref) => {
      for (let round = 0; round < ROUNDS; round++) {
        for (const cmd of rows()) {
          for (let v = 0; v < VECTORS; v++) {
            const argv = vector(r, cmd);
            if (Deno.env.get("FUZZ_TRACE")) console.log(show(argv));
            const mode = {
              resp3: r() < 0.25,
              multi: r() < 0.15 && !(cmd.fullName in NOT_IN_MULTI),
            };
            const t0 = performance.now();
            const [a, b] = await Promise.all([
              run(ours, argv, "ours", mode),
              run(ref, argv, "reference", mode),
            ]);
            if (Deno.env.get("FUZZ_TRACE") && performance.now() - t0 > 300) {
              console.log(
                `SLOW ${Math.round(performance.now() - t0)} ms ${modeText(mode)}${show(argv)}`,
              );
            }
            compared++;
            // In MULTI: the queueing reply exactly, then the command's own inside EXEC's.
            const why = a.length === 2 && a[0] !== b[0]
              ? `queued: ours ${JSON.stringify(a[0])}, ref ${JSON.stringify(b[0])}`
              : compare(cmd, argv, ownReply(a), ownReply(b));
            // One report per command and reply shape keeps the list readable.
            const key = cmd.fullName + " " + (why?.split("\n")[0] ?? "");
            if (why !== null && !mismatches.has(key)) {
              mismatches.set(key, `${modeText(mode)}${show(argv)}\n   ${why}`);
            }
          }
        }
      }
    });
    console.log(`fuzz: ${compared} vectors compared (seed ${SEED}, ${ROUNDS} rounds)`);
    assert.equal(compared, ROUNDS * rows().length * VECTORS);
    assert.ok(rows().length > 200, "every row of the table is fuzzed");
    if (mismatches.size > 0) {
      assert.fail(`${mismatches.size} differences:\n` + [...mismatches.values()].join("\n"));
    }
  },
});

// ---------------------------------------------------------------------------------------------
// Differences the fuzzer found, recorded from valkey-server 8.0 (= Redis 7.2)

/** [command, exact reply], each run after RESET and the dataset (binary strings). */
const FOUND: [string[], string][] = [
  // A rejected EXEC aborts with EXECABORT, in MULTI or not (server.c rejectCommand).
  [
    ["exec", "x"],
    "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n",
  ],
  // printf("%f") of an infinite coordinate.
  [["geoadd", "geo", "inf", "1", "m"], "-ERR invalid longitude,latitude pair inf,1.000000\r\n"],
  [
    ["georadius", "geo", "1e22", "-inf", "1", "m"],
    "-ERR invalid longitude,latitude pair 10000000000000000000000.000000,-inf\r\n",
  ],
  [["geoadd", "geo", "-0", "-inf", "m"], "-ERR invalid longitude,latitude pair -0.000000,-inf\r\n"],
  // Client bytes quoted raw and cut at NUL (%s).
  [["pexpire", "str", "1", "\xff\xfe"], "-ERR Unsupported option \xff\xfe\r\n"],
  [["expire", "str", "1", "a\x00b"], "-ERR Unsupported option a\r\n"],
  [
    ["config", "set", "\xff\x00x", "1"],
    "-ERR Unknown option or number of arguments for CONFIG SET - '\xff'\r\n",
  ],
  // SET's key flags depend on GET (setGetKeys).
  [
    ["command", "getkeysandflags", "set", "k", "v", "2"],
    "*1\r\n*2\r\n$1\r\nk\r\n*2\r\n+OW\r\n+update\r\n",
  ],
  [
    ["command", "getkeysandflags", "set", "k", "v", "get"],
    "*1\r\n*2\r\n$1\r\nk\r\n*3\r\n+RW\r\n+access\r\n+update\r\n",
  ],
];

Deno.test("fuzz: the recorded differences reply as Redis 7.2", async () => {
  await withClient({}, async (c) => {
    for (const [argv, want] of FOUND) assert.equal((await run(c, argv))[0], want, show(argv));
    // The aborted transaction is gone and its WATCHes with it.
    await c.write(SETUP);
    for (let i = 0; i < RESET_AND_DATASET.length; i++) await c.readRaw();
    for (
      const [argv, want] of [
        [["watch", "str"], "+OK\r\n"],
        [["multi"], "+OK\r\n"],
        [["set", "str", "x"], "+QUEUED\r\n"],
        [["exec", "x"], FOUND[0][1]],
        [["exec"], "-ERR EXEC without MULTI\r\n"],
        [["get", "str"], "$5\r\nhello\r\n"],
        [["set", "str", "y"], "+OK\r\n"],
        [["multi"], "+OK\r\n"],
        [["ping"], "+QUEUED\r\n"],
        [["exec"], "*1\r\n+PONG\r\n"],
      ] as [string[], string][]
    ) {
      assert.equal(await c.call(...argv.map(binaryToBytes)), want, show(argv));
    }
  });
});

Deno.test({
  name: "fuzz: the recorded differences are the reference's replies",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    await withReferenceClient(async (ref) => {
      for (const [argv, want] of FOUND) {
        assert.equal((await run(ref, argv, "reference"))[0], want, show(argv));
      }
    });
  },
});
