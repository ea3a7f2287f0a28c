// Set commands (src/commands/set.ts). Exact reply bytes in RESP2 and RESP3 for
// every reply shape and error path (recorded from valkey-server 8.0, which has
// Redis 7.2's behaviour, except where marked: Redis 7.2 builds SUNION/SDIFF
// results starting from an intset, so a small all-integer result comes back
// sorted, and parses SCAN cursors with strtoul), encodings against the
// set-max-* configs, keyspace events, deterministic propagation of SPOP, a
// randomized model test, the SSCAN guarantee under concurrent changes, client
// libraries, a differential run against valkey-server, and 1M-member scale.

import assert from "node:assert/strict";
import {
  bulks,
  bytesToBinary,
  expectReplies,
  expectReply,
  int,
  range,
  recordEffects,
  resp3,
  rng,
  type Row,
  withClient,
  withServer,
  WRONGTYPE_REPLY,
} from "./helpers.ts";
import { readScanStream, withIoredis, withNodeRedis } from "./clients.ts";
import {
  callBoth,
  expectSameCommandRows,
  expectSameGetKeys,
  HAS_REFERENCE,
  withOursAndReference,
} from "./reference.ts";
import { setCommands } from "../src/commands/set.ts";
import { RedisSet } from "../src/store/set.ts";

/** Members as a sorted list, for replies whose order is unspecified. */
const sorted = (raw: string) => bulks(raw).sort();

// ---------------------------------------------------------------------------
// Recorded replies

/** RESP2, in order on a fresh server. */
const SET_R2: Row[] = [
  // SADD / SREM / encodings
  [["sadd", "s", "3", "1", "2"], ":3\r\n"],
  [["sadd", "s", "3"], ":0\r\n"],
  [["sadd", "s"], "-ERR wrong number of arguments for 'sadd' command\r\n"],
  [["sadd", "t", "b", "a", "1"], ":3\r\n"],
  [["srem", "s"], "-ERR wrong number of arguments for 'srem' command\r\n"],
  [["srem", "nokey", "a"], ":0\r\n"],
  [["srem", "t", "zz"], ":0\r\n"],
  [["smembers", "s"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"],
  [["smembers", "t"], "*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\n1\r\n"],
  [["smembers", "nokey"], "*0\r\n"],
  [["object", "encoding", "s"], "$6\r\nintset\r\n"],
  [["object", "encoding", "t"], "$8\r\nlistpack\r\n"],
  [["sadd", "s", "-5", "10"], ":2\r\n"],
  [["smembers", "s"], "*5\r\n$2\r\n-5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n"],
  [["sadd", "s", "x"], ":1\r\n"],
  [["object", "encoding", "s"], "$8\r\nlistpack\r\n"],
  [["smembers", "s"], "*6\r\n$2\r\n-5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n$1\r\nx\r\n"],
  [["srem", "s", "x", "-5", "10"], ":3\r\n"],
  [["smembers", "s"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"],
  [["object", "encoding", "s"], "$8\r\nlistpack\r\n"],
  [["sismember", "s", "1"], ":1\r\n"],
  [["sismember", "s", "9"], ":0\r\n"],
  [["sismember", "s", "01"], ":0\r\n"],
  [["sismember", "nokey", "1"], ":0\r\n"],
  [["smismember", "s", "1", "9", "2"], "*3\r\n:1\r\n:0\r\n:1\r\n"],
  [["smismember", "nokey", "a", "b"], "*2\r\n:0\r\n:0\r\n"],
  [["scard", "s"], ":3\r\n"],
  [["scard", "nokey"], ":0\r\n"],
  // SINTERCARD
  [["sintercard", "0", "s"], "-ERR numkeys should be greater than 0\r\n"],
  [["sintercard", "-1", "s"], "-ERR numkeys should be greater than 0\r\n"],
  [["sintercard", "x", "s"], "-ERR numkeys should be greater than 0\r\n"],
  [["sintercard", "1.5", "s"], "-ERR numkeys should be greater than 0\r\n"],
  [["sintercard", "3", "s", "t"], "-ERR Number of keys can't be greater than number of args\r\n"],
  [["sintercard", "2", "s", "t", "limit"], "-ERR syntax error\r\n"],
  [["sintercard", "2", "s", "t", "limit", "-1"], "-ERR LIMIT can't be negative\r\n"],
  [["sintercard", "2", "s", "t", "limit", "x"], "-ERR LIMIT can't be negative\r\n"],
  [["sintercard", "2", "s", "t", "limit", "0"], ":1\r\n"],
  [["sintercard", "2", "s", "t", "limit", "1", "limit", "0"], ":1\r\n"],
  [["sintercard", "2", "s", "t", "LIMIT", "5"], ":1\r\n"],
  [["sintercard", "2", "s", "t", "foo", "1"], "-ERR syntax error\r\n"],
  [["sintercard", "1", "nokey"], ":0\r\n"],
  [["sintercard", "2", "s", "nokey"], ":0\r\n"],
  [["sintercard", "9223372036854775808", "s"], "-ERR numkeys should be greater than 0\r\n"],
  [["sintercard", "2", "s", "t"], ":1\r\n"],
  [["sintercard", "1", "s"], ":3\r\n"],
  [["sintercard", "1", "s", "limit", "2"], ":2\r\n"],
  [["sintercard", "2", "s", "s"], ":3\r\n"],
  // SSCAN
  [["sscan", "s", "x"], "-ERR invalid cursor\r\n"],
  [["sscan", "s", "1x"], "-ERR invalid cursor\r\n"],
  [["sscan", "s", "+0"], "*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"],
  [["sscan", "s", ""], "*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"],
  [["sscan", "s", "-1"], "*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"],
  [["sscan", "s", " 0"], "-ERR invalid cursor\r\n"],
  [["sscan", "s", "18446744073709551616"], "-ERR invalid cursor\r\n"],
  [
    ["sscan", "s", "18446744073709551615"],
    "*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n",
  ],
  [["sscan", "s", "0", "count", "0"], "-ERR syntax error\r\n"],
  [["sscan", "s", "0", "count", "-1"], "-ERR syntax error\r\n"],
  [["sscan", "s", "0", "count", "x"], "-ERR value is not an integer or out of range\r\n"],
  [["sscan", "s", "0", "match"], "-ERR syntax error\r\n"],
  [["sscan", "s", "0", "match", "*", "count"], "-ERR syntax error\r\n"],
  [["sscan", "s", "0", "type", "string"], "-ERR syntax error\r\n"],
  [["sscan", "s", "0", "match", "1*"], "*2\r\n$1\r\n0\r\n*1\r\n$1\r\n1\r\n"],
  [["sscan", "s", "0", "count", "1"], "*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"],
  [["sscan", "t", "0", "match", "[ab]"], "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nb\r\n$1\r\na\r\n"],
  [["sscan", "nokey", "0"], "*2\r\n$1\r\n0\r\n*0\r\n"],
  [["sscan", "nokey", "x"], "-ERR invalid cursor\r\n"],
  [["sscan", "nokey", "0", "count", "0"], "*2\r\n$1\r\n0\r\n*0\r\n"],
  // SINTER / SUNION / SDIFF (intsets and orders that match Redis 7.2)
  [["sinter", "t", "s"], "*1\r\n$1\r\n1\r\n"],
  [["sinter", "s", "t"], "*1\r\n$1\r\n1\r\n"],
  [["sinter", "s", "t", "nokey"], "*0\r\n"],
  [["sinter", "s"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"],
  [["sinter", "nokey"], "*0\r\n"],
  [["sinter", "s", "nokey", "s"], "*0\r\n"],
  [["sunion", "s"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"],
  [["sunion", "nokey", "s"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"],
  [["sunion", "nokey"], "*0\r\n"],
  [["sunion", "s", "s"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"],
  [["sdiff", "s", "nokey"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"],
  [["sdiff", "nokey", "s"], "*0\r\n"],
  [["sdiff", "s", "s"], "*0\r\n"],
  [["sdiff", "s", "t", "s"], "*0\r\n"],
  [["sdiff", "t", "t"], "*0\r\n"],
  [["sadd", "i1", "1", "2", "3", "4", "5"], ":5\r\n"],
  [["sadd", "i2", "4", "5", "6"], ":3\r\n"],
  [
    ["sunion", "i1", "i2"],
    "*6\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n",
  ],
  [["sdiff", "i1", "i2"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"],
  [["sinter", "i1", "i2"], "*2\r\n$1\r\n4\r\n$1\r\n5\r\n"],
  [
    ["sunion", "i2", "i1"],
    "*6\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n",
  ],
  // WRONGTYPE
  [["set", "str", "x"], "+OK\r\n"],
  [["sadd", "str", "a"], WRONGTYPE_REPLY],
  [["srem", "str", "a"], WRONGTYPE_REPLY],
  [["smembers", "str"], WRONGTYPE_REPLY],
  [["sismember", "str", "a"], WRONGTYPE_REPLY],
  [["smismember", "str", "a"], WRONGTYPE_REPLY],
  [["scard", "str"], WRONGTYPE_REPLY],
  [["spop", "str"], WRONGTYPE_REPLY],
  [["spop", "str", "2"], WRONGTYPE_REPLY],
  [["spop", "str", "0"], WRONGTYPE_REPLY],
  [["srandmember", "str"], WRONGTYPE_REPLY],
  [["srandmember", "str", "2"], WRONGTYPE_REPLY],
  [["sscan", "str", "0"], WRONGTYPE_REPLY],
  [["sinter", "s", "str"], WRONGTYPE_REPLY],
  [["sinter", "nokey", "str"], WRONGTYPE_REPLY],
  [["sinter", "str", "nokey"], WRONGTYPE_REPLY],
  [["sunion", "nokey", "str"], WRONGTYPE_REPLY],
  [["sdiff", "nokey", "str"], WRONGTYPE_REPLY],
  [["sdiff", "str"], WRONGTYPE_REPLY],
  [["sdiffstore", "d", "nokey", "str"], WRONGTYPE_REPLY],
  [["sunionstore", "d", "str"], WRONGTYPE_REPLY],
  [["sinterstore", "d", "str"], WRONGTYPE_REPLY],
  [["sinterstore", "d", "nokey", "str"], WRONGTYPE_REPLY],
  [["sintercard", "1", "str"], WRONGTYPE_REPLY],
  [["sintercard", "2", "nokey", "str"], WRONGTYPE_REPLY],
  [["smove", "s", "str", "1"], WRONGTYPE_REPLY],
  [["smove", "nokey", "str", "1"], ":0\r\n"],
  [["smove", "str", "s", "1"], WRONGTYPE_REPLY],
  [["smove", "str", "nokey", "1"], WRONGTYPE_REPLY],
  // SMOVE
  [["smove", "s", "s", "1"], ":1\r\n"],
  [["smove", "s", "s", "9"], ":0\r\n"],
  [["smove", "s", "nokey", "9"], ":0\r\n"],
  [["smove", "s", "newset", "1"], ":1\r\n"],
  [["smembers", "s"], "*2\r\n$1\r\n2\r\n$1\r\n3\r\n"],
  [["smembers", "newset"], "*1\r\n$1\r\n1\r\n"],
  [["object", "encoding", "newset"], "$6\r\nintset\r\n"],
  [["smove", "newset", "t", "1"], ":1\r\n"],
  [["exists", "newset"], ":0\r\n"],
  [["smembers", "t"], "*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\n1\r\n"],
  [["smove", "t", "s", "a"], ":1\r\n"],
  [["object", "encoding", "s"], "$8\r\nlistpack\r\n"],
  [["smembers", "s"], "*3\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\na\r\n"],
  // STORE variants
  [["sinterstore", "d", "s", "t"], ":0\r\n"],
  [["smembers", "d"], "*0\r\n"],
  [["sinterstore", "d", "s", "nokey"], ":0\r\n"],
  [["exists", "d"], ":0\r\n"],
  [["sunionstore", "d", "s", "t"], ":5\r\n"],
  [["smembers", "d"], "*5\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\n1\r\n"],
  [["object", "encoding", "d"], "$8\r\nlistpack\r\n"],
  [["sdiffstore", "d", "s", "t"], ":3\r\n"],
  [["smembers", "d"], "*3\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\na\r\n"],
  [["sdiffstore", "d", "s", "s"], ":0\r\n"],
  [["exists", "d"], ":0\r\n"],
  [["sunionstore", "d", "nokey"], ":0\r\n"],
  [["exists", "d"], ":0\r\n"],
  [["sunionstore", "d", "i1", "i2"], ":6\r\n"],
  [["object", "encoding", "d"], "$6\r\nintset\r\n"],
  [["smembers", "d"], "*6\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n"],
  [["sinterstore", "d", "i1", "i2"], ":2\r\n"],
  [["object", "encoding", "d"], "$6\r\nintset\r\n"],
  [["smembers", "d"], "*2\r\n$1\r\n4\r\n$1\r\n5\r\n"],
  [["sdiffstore", "d", "i1", "i2"], ":3\r\n"],
  [["smembers", "d"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"],
  [["set", "str2", "x"], "+OK\r\n"],
  [["sinterstore", "str2", "i1"], ":5\r\n"],
  [["type", "str2"], "+set\r\n"],
  [["smembers", "str2"], "*5\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\n4\r\n$1\r\n5\r\n"],
  [["sunionstore", "str2", "i2"], ":3\r\n"],
  [["smembers", "str2"], "*3\r\n$1\r\n4\r\n$1\r\n5\r\n$1\r\n6\r\n"],
  [["sdiffstore", "i1", "i1", "i2"], ":3\r\n"],
  [["smembers", "i1"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"],
  // SRANDMEMBER / SPOP argument errors and deterministic shapes
  [["srandmember", "nokey"], "$-1\r\n"],
  [["srandmember", "nokey", "3"], "*0\r\n"],
  [["srandmember", "nokey", "-3"], "*0\r\n"],
  [["srandmember", "s", "0"], "*0\r\n"],
  [["srandmember", "s", "-0"], "-ERR value is not an integer or out of range\r\n"],
  [["srandmember", "s", "100"], "*3\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\na\r\n"],
  [
    ["srandmember", "s", "-9223372036854775808"],
    "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
  ],
  [["srandmember", "s", "9223372036854775808"], "-ERR value is not an integer or out of range\r\n"],
  [["srandmember", "s", "x"], "-ERR value is not an integer or out of range\r\n"],
  [["srandmember", "s", "1", "2"], "-ERR syntax error\r\n"],
  [["spop", "nokey", "-1"], "-ERR value is out of range, must be positive\r\n"],
  [["spop", "nokey", "0"], "*0\r\n"],
  [["spop", "nokey", "x"], "-ERR value is out of range, must be positive\r\n"],
  [["spop", "nokey", "1.5"], "-ERR value is out of range, must be positive\r\n"],
  [["spop", "nokey", "9223372036854775808"], "-ERR value is out of range, must be positive\r\n"],
  [["spop", "nokey", "1", "2"], "-ERR syntax error\r\n"],
  [["spop", "nokey"], "$-1\r\n"],
  [["spop", "nokey", "3"], "*0\r\n"],
  [["spop", "s", "0"], "*0\r\n"],
  [["spop", "s", "-1"], "-ERR value is out of range, must be positive\r\n"],
  [["sadd", "one", "only"], ":1\r\n"],
  [["srandmember", "one"], "$4\r\nonly\r\n"],
  [["srandmember", "one", "1"], "*1\r\n$4\r\nonly\r\n"],
  [["srandmember", "one", "-3"], "*3\r\n$4\r\nonly\r\n$4\r\nonly\r\n$4\r\nonly\r\n"],
  [["srandmember", "one", "5"], "*1\r\n$4\r\nonly\r\n"],
  [["spop", "one", "5"], "*1\r\n$4\r\nonly\r\n"],
  [["exists", "one"], ":0\r\n"],
  [["sadd", "one", "only"], ":1\r\n"],
  [["spop", "one"], "$4\r\nonly\r\n"],
  [["exists", "one"], ":0\r\n"],
  [["spop", "s", "100"], "*3\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\na\r\n"],
  [["exists", "s"], ":0\r\n"],
  [[
    "sadd",
    "big",
    ...range("", 1, 20),
  ], ":20\r\n"],
  [[
    "srem",
    "big",
    ...range("", 1, 21),
  ], ":20\r\n"],
  [["exists", "big"], ":0\r\n"],
  // arity
  [["sadd", "s"], "-ERR wrong number of arguments for 'sadd' command\r\n"],
  [["srem", "s"], "-ERR wrong number of arguments for 'srem' command\r\n"],
  [["smembers"], "-ERR wrong number of arguments for 'smembers' command\r\n"],
  [["smembers", "s", "x"], "-ERR wrong number of arguments for 'smembers' command\r\n"],
  [["sismember", "s"], "-ERR wrong number of arguments for 'sismember' command\r\n"],
  [["smismember", "s"], "-ERR wrong number of arguments for 'smismember' command\r\n"],
  [["scard"], "-ERR wrong number of arguments for 'scard' command\r\n"],
  [["scard", "s", "x"], "-ERR wrong number of arguments for 'scard' command\r\n"],
  [["spop"], "-ERR wrong number of arguments for 'spop' command\r\n"],
  [["srandmember"], "-ERR wrong number of arguments for 'srandmember' command\r\n"],
  [["smove", "s", "d"], "-ERR wrong number of arguments for 'smove' command\r\n"],
  [["sinter"], "-ERR wrong number of arguments for 'sinter' command\r\n"],
  [["sintercard"], "-ERR wrong number of arguments for 'sintercard' command\r\n"],
  [["sintercard", "1"], "-ERR wrong number of arguments for 'sintercard' command\r\n"],
  [["sunion"], "-ERR wrong number of arguments for 'sunion' command\r\n"],
  [["sdiff"], "-ERR wrong number of arguments for 'sdiff' command\r\n"],
  [["sinterstore", "d"], "-ERR wrong number of arguments for 'sinterstore' command\r\n"],
  [["sunionstore", "d"], "-ERR wrong number of arguments for 'sunionstore' command\r\n"],
  [["sdiffstore", "d"], "-ERR wrong number of arguments for 'sdiffstore' command\r\n"],
  [["sscan", "s"], "-ERR wrong number of arguments for 'sscan' command\r\n"],
];

/** RESP3 (after HELLO 3), in order on a fresh server. */
const SET_R3: Row[] = [
  [["sadd", "s", "3", "1", "2"], ":3\r\n"],
  [["sadd", "t", "b", "a", "1"], ":3\r\n"],
  [["smembers", "s"], "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"],
  [["smembers", "nokey"], "~0\r\n"],
  [["sismember", "s", "1"], ":1\r\n"],
  [["smismember", "s", "1", "9"], "*2\r\n:1\r\n:0\r\n"],
  [["scard", "s"], ":3\r\n"],
  [["sinter", "s", "t"], "~1\r\n$1\r\n1\r\n"],
  [["sinter", "s", "nokey"], "~0\r\n"],
  [["sunion", "s", "nokey"], "~3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"],
  [["sdiff", "s", "t"], "~2\r\n$1\r\n2\r\n$1\r\n3\r\n"],
  [["sdiff", "nokey", "s"], "~0\r\n"],
  [["sintercard", "2", "s", "t"], ":1\r\n"],
  [["spop", "nokey"], "_\r\n"],
  [["spop", "nokey", "2"], "~0\r\n"],
  [["spop", "s", "0"], "~0\r\n"],
  [["srandmember", "nokey"], "_\r\n"],
  [["srandmember", "nokey", "2"], "*0\r\n"],
  [["srandmember", "s", "0"], "*0\r\n"],
  [["srandmember", "s", "10"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"],
  [["sscan", "s", "0"], "*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"],
  [["sscan", "nokey", "0"], "*2\r\n$1\r\n0\r\n*0\r\n"],
  [["sadd", "one", "x"], ":1\r\n"],
  [["spop", "one", "5"], "~1\r\n$1\r\nx\r\n"],
  [["sadd", "one", "x"], ":1\r\n"],
  [["spop", "one"], "$1\r\nx\r\n"],
  [["sadd", "one", "x"], ":1\r\n"],
  [["srandmember", "one", "-2"], "*2\r\n$1\r\nx\r\n$1\r\nx\r\n"],
  [["srandmember", "one"], "$1\r\nx\r\n"],
];

/** Encoding conversions driven by CONFIG SET set-max-*. */
const SET_ENC: Row[] = [
  [["config", "set", "set-max-intset-entries", "4"], "+OK\r\n"],
  [["config", "set", "set-max-listpack-entries", "3"], "+OK\r\n"],
  [["config", "set", "set-max-listpack-value", "5"], "+OK\r\n"],
  [["sadd", "s1", "1", "2", "3", "4"], ":4\r\n"],
  [["object", "encoding", "s1"], "$6\r\nintset\r\n"],
  [["sadd", "s1", "5"], ":1\r\n"],
  [["object", "encoding", "s1"], "$9\r\nhashtable\r\n"],
  [["sadd", "s2", "1", "2", "3", "4", "5"], ":5\r\n"],
  [["object", "encoding", "s2"], "$9\r\nhashtable\r\n"],
  [["sadd", "s3", "a", "b", "c"], ":3\r\n"],
  [["object", "encoding", "s3"], "$8\r\nlistpack\r\n"],
  [["sadd", "s3", "d"], ":1\r\n"],
  [["object", "encoding", "s3"], "$9\r\nhashtable\r\n"],
  [["sadd", "s4", "a", "b", "c", "d"], ":4\r\n"],
  [["object", "encoding", "s4"], "$9\r\nhashtable\r\n"],
  [["sadd", "s5", "1", "2", "a"], ":3\r\n"],
  [["object", "encoding", "s5"], "$8\r\nlistpack\r\n"],
  [["sadd", "s6", "1", "2", "3"], ":3\r\n"],
  [["sadd", "s6", "a"], ":1\r\n"],
  [["object", "encoding", "s6"], "$9\r\nhashtable\r\n"],
  [["sadd", "s7", "1", "2"], ":2\r\n"],
  [["sadd", "s7", "a"], ":1\r\n"],
  [["object", "encoding", "s7"], "$8\r\nlistpack\r\n"],
  [["smembers", "s7"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\na\r\n"],
  [["sadd", "s8", "abcdef"], ":1\r\n"],
  [["object", "encoding", "s8"], "$9\r\nhashtable\r\n"],
  [["sadd", "s9", "1", "123456"], ":2\r\n"],
  [["sadd", "s9", "a"], ":1\r\n"],
  [["object", "encoding", "s9"], "$9\r\nhashtable\r\n"],
  [["sadd", "s10", "1", "2", "3", "4"], ":4\r\n"],
  [["sadd", "s10", "1", "2", "3", "4", "5"], ":1\r\n"],
  [["object", "encoding", "s10"], "$9\r\nhashtable\r\n"],
  [["sadd", "s11", "a", "b"], ":2\r\n"],
  [["sadd", "s11", "a", "a", "a", "a"], ":0\r\n"],
  [["object", "encoding", "s11"], "$9\r\nhashtable\r\n"],
  [["sadd", "s12", "1", "2", "3", "4"], ":4\r\n"],
  [["srem", "s12", "1", "2", "3"], ":3\r\n"],
  [["sadd", "s12", "a"], ":1\r\n"],
  [["object", "encoding", "s12"], "$8\r\nlistpack\r\n"],
  [["sadd", "s13", "1", "01"], ":2\r\n"],
  [["object", "encoding", "s13"], "$8\r\nlistpack\r\n"],
  [["sadd", "s14", "-1", "9223372036854775807", "-9223372036854775808"], ":3\r\n"],
  [["object", "encoding", "s14"], "$6\r\nintset\r\n"],
  [
    ["smembers", "s14"],
    "*3\r\n$20\r\n-9223372036854775808\r\n$2\r\n-1\r\n$19\r\n9223372036854775807\r\n",
  ],
  [["sadd", "s15", "9223372036854775808"], ":1\r\n"],
  [["object", "encoding", "s15"], "$9\r\nhashtable\r\n"],
  [["sadd", "src", "1", "2", "3", "4"], ":4\r\n"],
  [["smove", "src", "dst", "1"], ":1\r\n"],
  [["object", "encoding", "dst"], "$6\r\nintset\r\n"],
  [["smove", "src", "dst2", "1"], ":0\r\n"],
  [["sadd", "strset", "abc"], ":1\r\n"],
  [["smove", "strset", "dst3", "abc"], ":1\r\n"],
  [["object", "encoding", "dst3"], "$8\r\nlistpack\r\n"],
  [["config", "set", "set-max-listpack-entries", "128"], "+OK\r\n"],
  [["config", "set", "set-max-listpack-value", "64"], "+OK\r\n"],
  [["config", "set", "set-max-intset-entries", "512"], "+OK\r\n"],
  [["sadd", "a1", "1", "2", "3", "a"], ":4\r\n"],
  [["sadd", "a2", "1", "2", "3"], ":3\r\n"],
  [["sinterstore", "r", "a1", "a2"], ":3\r\n"],
  [["object", "encoding", "r"], "$6\r\nintset\r\n"],
  [["smembers", "r"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n"],
  [["sinterstore", "r", "a2", "a1"], ":3\r\n"],
  [["object", "encoding", "r"], "$6\r\nintset\r\n"],
  [["sunionstore", "r", "a2"], ":3\r\n"],
  [["object", "encoding", "r"], "$6\r\nintset\r\n"],
  [["sdiffstore", "r", "a1", "a2"], ":1\r\n"],
  [["object", "encoding", "r"], "$8\r\nlistpack\r\n"],
  [["smembers", "r"], "*1\r\n$1\r\na\r\n"],
  [["sadd", "a3", "a", "b", "1"], ":3\r\n"],
  [["sdiffstore", "r", "a3", "nokey"], ":3\r\n"],
  [["object", "encoding", "r"], "$8\r\nlistpack\r\n"],
  [["sdiffstore", "r", "a1", "a3"], ":2\r\n"],
  [["object", "encoding", "r"], "$6\r\nintset\r\n"],
  [["smembers", "r"], "*2\r\n$1\r\n2\r\n$1\r\n3\r\n"],
];

/**
 * Rows where valkey-server 8.0 differs from Redis 7.2: it builds SUNION/SDIFF
 * replies in a hashtable (members match, order does not) and parses cursors
 * without strtoul's quirks.
 */
const VALKEY_ORDER_DIFFERS = new Set([
  JSON.stringify(["sunion", "s"]),
  JSON.stringify(["sunion", "nokey", "s"]),
  JSON.stringify(["sunion", "s", "s"]),
  JSON.stringify(["sdiff", "s", "nokey"]),
  JSON.stringify(["spop", "s", "100"]),
]);
const VALKEY_DIFFERS = new Set([
  JSON.stringify(["sscan", "s", ""]),
  JSON.stringify(["sscan", "s", "-1"]),
  JSON.stringify(["sscan", "s", " 0"]),
]);

Deno.test("set: exact replies and errors (RESP2)", async () => {
  await withClient({}, (c) => expectReplies(c, SET_R2));
});

Deno.test("set: exact replies (RESP3: sets, nulls)", async () => {
  await withClient({}, async (c, srv) => {
    await resp3(srv, c);
    await expectReplies(c, SET_R3);
  });
});

Deno.test("set: encodings follow set-max-intset-entries / set-max-listpack-*", async () => {
  await withClient({}, async (c) => {
    await expectReplies(c, SET_ENC);
    const enc = (k: string) => c.call("object", "encoding", k);
    const HT = "$9\r\nhashtable\r\n", LP = "$8\r\nlistpack\r\n", IS = "$6\r\nintset\r\n";
    // Defaults: 512 integers in an intset, 128 short strings in a listpack.
    assert.equal(await c.call("sadd", "i", ...range("", 1, 512)), ":512\r\n");
    assert.equal(await enc("i"), IS);
    assert.equal(await c.call("sadd", "i", "513"), ":1\r\n");
    assert.equal(await enc("i"), HT);
    assert.equal(await c.call("sadd", "l", ...range("m", 1, 128)), ":128\r\n");
    assert.equal(await enc("l"), LP);
    assert.equal(await c.call("sadd", "l", "m129"), ":1\r\n");
    assert.equal(await enc("l"), HT);
    assert.equal(await c.call("sadd", "v", "x".repeat(64)), ":1\r\n");
    assert.equal(await enc("v"), LP);
    assert.equal(await c.call("sadd", "v", "y".repeat(65)), ":1\r\n");
    assert.equal(await enc("v"), HT);
    // SINTERSTORE of hashtables holding integers ends as an intset.
    await c.call("sadd", "h1", ...range("", 1, 300), "x");
    await c.call("sadd", "h2", ...range("", 100, 400), "y");
    assert.equal(await c.call("sinterstore", "r", "h1", "h2"), ":201\r\n");
    assert.equal(await enc("r"), IS);
    await c.call("sadd", "h3", ...range("s", 1, 300));
    await c.call("sadd", "h4", ...range("s", 1, 200));
    assert.equal(await c.call("sinterstore", "r", "h3", "h4"), ":200\r\n");
    assert.equal(await enc("r"), HT);
    // SDIFFSTORE: algorithm 1 adds only survivors (a listpack), algorithm 2
    // adds the whole first set then removes (the result stays a hashtable).
    assert.equal(await c.call("sdiffstore", "r", "h3", "h4"), ":100\r\n");
    assert.equal(await enc("r"), LP);
    await c.call("sadd", "x1", ...range("x", 1, 140));
    await c.call("sadd", "x3", "x1");
    await c.call("sadd", "x4", "x2");
    assert.equal(await c.call("sdiffstore", "r", "x1", "x3", "x4"), ":138\r\n");
    assert.equal(await enc("r"), HT);
    // SPOP keeping few survivors moves them to a new (listpack) set.
    await c.call("sadd", "p", ...range("m", 1, 200));
    assert.equal(await enc("p"), HT);
    assert.equal(bulks(await c.call("spop", "p", "190")).length, 190);
    assert.equal(await c.call("scard", "p"), ":10\r\n");
    assert.equal(await enc("p"), LP);
    await c.call("config", "set", "set-max-intset-entries", "100");
    await c.call("sadd", "pi", ...range("", 1, 200));
    assert.equal(await enc("pi"), HT);
    assert.equal(bulks(await c.call("spop", "pi", "195")).length, 195);
    assert.equal(await enc("pi"), LP);
  });
});

Deno.test("set: binary-safe members", async () => {
  await withClient({}, async (c) => {
    const all = new Uint8Array(256).map((_, i) => i);
    const m = Uint8Array.from([0, 13, 10, 255, 42]);
    const want = (b: Uint8Array) => `$${b.length}\r\n${bytesToBinary(b)}\r\n`;
    assert.equal(await c.call("sadd", "b", all, m, Uint8Array.of()), ":3\r\n");
    assert.equal(await c.call("smembers", "b"), `*3\r\n${want(all)}${want(m)}$0\r\n\r\n`);
    assert.equal(await c.call("sismember", "b", m), ":1\r\n");
    assert.equal(await c.call("sismember", "b", Uint8Array.of(0)), ":0\r\n");
    assert.equal(
      await c.call("sscan", "b", "0", "match", Uint8Array.from([0, 13, 42])),
      `*2\r\n$1\r\n0\r\n*1\r\n${want(m)}`,
    );
    const key = Uint8Array.from([255, 0]);
    assert.equal(await c.call("smove", "b", key, m), ":1\r\n");
    assert.equal(await c.call("sunion", key), `*1\r\n${want(m)}`);
    assert.equal(await c.call("srem", "b", all, Uint8Array.of()), ":2\r\n");
    assert.equal(await c.call("exists", "b"), ":0\r\n");
  });
});

// ---------------------------------------------------------------------------
// Events, dirty counter, propagation

Deno.test("set: keyspace events, dirty counter and propagation", async () => {
  await withClient({}, async (c, srv) => {
    const { events, prop, step } = recordEffects(c, srv, "Egsn");
    await step(["sadd", "s", "a", "b", "a"], ":2\r\n", ["new s", "sadd s"], ["sadd s a b a"], 2);
    await step(["sadd", "s", "a"], ":0\r\n", [], [], 0);
    await step(["srem", "s", "zz"], ":0\r\n", [], [], 0);
    await step(["srem", "s", "a"], ":1\r\n", ["srem s"], ["srem s a"], 1);
    await step(["spop", "s"], "$1\r\nb\r\n", ["spop s", "del s"], ["SREM s b"], 1);
    await step(["spop", "s"], "$-1\r\n", [], [], 0);
    await c.call("sadd", "s", "1", "2", "3");
    await step(["spop", "s", "0"], "*0\r\n", [], [], 0);
    await step(
      ["spop", "s", "5"],
      "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n",
      [
        "spop s",
        "del s",
      ],
      ["DEL s"],
      3,
    );
    await c.call("sadd", "s", "1", "2", "3");
    srv.server.config.set("lazyfree-lazy-server-del", "yes");
    await step(
      ["spop", "s", "3"],
      "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n",
      [
        "spop s",
        "del s",
      ],
      ["UNLINK s"],
      3,
    );
    srv.server.config.set("lazyfree-lazy-server-del", "no");
    // SPOP with a count replicates the popped members as SREM.
    await c.call("sadd", "s", "a", "b", "c", "d", "e", "f");
    events.length = 0;
    prop.length = 0;
    const popped = bulks(await c.call("spop", "s", "2"));
    assert.equal(popped.length, 2);
    assert.deepEqual(events, ["spop s"]);
    assert.deepEqual(prop, ["SREM s " + popped.join(" ")]);
    // SMOVE: srem on the source (del when emptied), new + sadd on the destination.
    await c.call("del", "s");
    await c.call("sadd", "src", "m");
    await step(
      ["smove", "src", "dst", "m"],
      ":1\r\n",
      [
        "srem src",
        "del src",
        "new dst",
        "sadd dst",
      ],
      ["smove src dst m"],
      2,
    );
    await c.call("sadd", "src", "m", "n");
    await step(["smove", "src", "dst", "m"], ":1\r\n", ["srem src"], ["smove src dst m"], 1);
    await step(["smove", "src", "dst", "zz"], ":0\r\n", [], [], 0);
    await step(["smove", "src", "src", "n"], ":1\r\n", [], [], 0);
    // STORE variants: event named after the command; an empty result deletes.
    await step(["sunionstore", "u", "src", "dst"], ":2\r\n", ["new u", "sunionstore u"], [
      "sunionstore u src dst",
    ], 1);
    await step(["sinterstore", "u", "src", "dst"], ":0\r\n", ["del u"], [
      "sinterstore u src dst",
    ], 1);
    await step(["sinterstore", "u", "src", "dst"], ":0\r\n", [], [], 0);
    await step(["sdiffstore", "u", "dst", "src"], ":1\r\n", ["new u", "sdiffstore u"], [
      "sdiffstore u dst src",
    ], 1);
    await step(["sdiffstore", "u", "dst", "nokey"], ":1\r\n", ["sdiffstore u"], [
      "sdiffstore u dst nokey",
    ], 1);
    await step(["sinterstore", "u", "nokey", "dst"], ":0\r\n", ["del u"], [
      "sinterstore u nokey dst",
    ], 1);
    // The store result replaces any value and drops its TTL.
    await c.call("set", "str", "x", "ex", "100");
    await step(["sunionstore", "str", "dst"], ":1\r\n", ["sunionstore str"], [
      "sunionstore str dst",
    ], 1);
    assert.equal(await c.call("ttl", "str"), ":-1\r\n");
    assert.equal(await c.call("type", "str"), "+set\r\n");
  });
});

Deno.test("set: SPOP with a count replicates SREM batches, in MULTI/EXEC when several", async () => {
  await withClient({}, async (c, srv) => {
    const prop: string[][] = [];
    srv.server.propagateListeners.push((_db, argv) => prop.push(argv.map(bytesToBinary)));
    await c.call("sadd", "s", ...range("m", 1, 3000));
    prop.length = 0;
    // CASE 2 (few popped next to the size): random pops, 1024 members per SREM.
    const popped = bulks(await c.call("spop", "s", "2000"));
    assert.equal(new Set(popped).size, 2000);
    assert.deepEqual(prop.map((p) => p[0]), ["MULTI", "SREM", "SREM", "EXEC"]);
    assert.equal(prop[1].length, 2 + 1024);
    assert.equal(prop[2].length, 2 + 976);
    assert.deepEqual([...prop[1].slice(2), ...prop[2].slice(2)], popped);
    assert.equal(await c.call("scard", "s"), ":1000\r\n");
    for (const m of popped.slice(0, 50)) assert.equal(await c.call("sismember", "s", m), ":0\r\n");
    // CASE 3 (most popped): survivors move to a new set; one SREM batch.
    prop.length = 0;
    const popped2 = bulks(await c.call("spop", "s", "900"));
    assert.equal(popped2.length, 900);
    assert.deepEqual(prop.map((p) => p[0]), ["SREM"]);
    assert.deepEqual(prop[0].slice(2).sort(), [...popped2].sort());
    const rest = sorted(await c.call("smembers", "s"));
    assert.equal(rest.length, 100);
    assert.deepEqual(
      [...rest, ...popped, ...popped2].sort(),
      range("m", 1, 3000).sort(),
    );
    // Inside MULTI/EXEC the SREMs join the transaction's own MULTI/EXEC.
    await c.call("sadd", "t", ...range("t", 1, 3000));
    prop.length = 0;
    await c.call("multi");
    await c.call("spop", "t", "1500");
    await c.call("sadd", "t", "extra");
    const res = await c.call("exec");
    assert.ok(res.startsWith("*2\r\n*1500\r\n"));
    assert.deepEqual(prop.map((p) => p[0]), ["MULTI", "SREM", "SREM", "sadd", "EXEC"]);
    // SRANDMEMBER never propagates.
    prop.length = 0;
    await c.call("srandmember", "t", "-5");
    await c.call("srandmember", "t");
    assert.deepEqual(prop, []);
  });
});

Deno.test("set: keyspace hits/misses of reads and of store variants", async () => {
  await withClient({}, async (c, srv) => {
    const stats = srv.stats;
    await c.call("sadd", "a", "1");
    const h0 = stats.keyspaceHits, m0 = stats.keyspaceMisses;
    await c.call("sismember", "a", "1"); // hit
    await c.call("scard", "nokey"); // miss
    await c.call("sinterstore", "d", "a", "nokey"); // hit + miss
    await c.call("srem", "a", "2"); // write: not counted
    await c.call("spop", "a", "5"); // returns the whole set: one read lookup (hit)
    assert.equal(stats.keyspaceHits - h0, 3);
    assert.equal(stats.keyspaceMisses - m0, 2);
  });
});

// ---------------------------------------------------------------------------
// Randomized model test

async function modelRun(seed: number, options: Record<string, number>): Promise<void> {
  await withClient(options, async (c) => {
    const rand = rng(seed);
    const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)];
    const keys = ["k1", "k2", "k3", "k4"];
    const members = [...range("", 0, 14), "-3", "abc", "xyz", "m".repeat(8), "a b"];
    const model = new Map<string, Set<string>>();
    const setOf = (k: string) => model.get(k) ?? new Set<string>();
    const store = (k: string, s: Set<string>) => {
      if (s.size === 0) model.delete(k);
      else model.set(k, s);
    };
    for (let step = 0; step < 3000; step++) {
      const key = pick(keys);
      const s = model.get(key);
      const op = Math.floor(rand() * 16);
      let args: string[];
      let want = "";
      let unordered = false;
      switch (op) {
        case 0:
        case 1: {
          const ms = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick(members));
          args = ["sadd", key, ...ms];
          const t = setOf(key);
          let added = 0;
          for (const m of ms) if (!t.has(m)) (t.add(m), added++);
          store(key, t);
          want = int(added);
          break;
        }
        case 2:
        case 3: {
          const ms = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick(members));
          args = ["srem", key, ...ms];
          const t = setOf(key);
          let removed = 0;
          for (const m of ms) if (t.delete(m)) removed++;
          store(key, t);
          want = int(removed);
          break;
        }
        case 4: {
          const m = pick(members);
          args = ["sismember", key, m];
          want = int(s?.has(m) ? 1 : 0);
          break;
        }
        case 5: {
          const ms = [pick(members), pick(members), pick(members)];
          args = ["smismember", key, ...ms];
          want = "*3\r\n" + ms.map((m) => int(s?.has(m) ? 1 : 0)).join("");
          break;
        }
        case 6:
          args = ["scard", key];
          want = int(s?.size ?? 0);
          break;
        case 7:
        case 8: {
          const ks = [key, pick(keys), ...(rand() < 0.5 ? [pick(keys)] : [])];
          const kind = pick(["sinter", "sunion", "sdiff", "smembers"]);
          const sets = ks.map(setOf);
          let r: Set<string>;
          if (kind === "smembers") r = setOf(key);
          else if (kind === "sinter") {
            r = new Set([...sets[0]].filter((m) => sets.every((x) => x.has(m))));
          } else if (kind === "sunion") r = new Set(sets.flatMap((x) => [...x]));
          else r = new Set([...sets[0]].filter((m) => !sets.slice(1).some((x) => x.has(m))));
          const store2 = rand() < 0.4 && kind !== "smembers";
          if (store2) {
            const dst = pick(keys);
            args = [kind + "store", dst, ...ks];
            store(dst, new Set(r));
            want = int(r.size);
          } else {
            args = kind === "smembers" ? ["smembers", key] : [kind, ...ks];
            want = [...r].sort().join("\n");
            unordered = true;
          }
          break;
        }
        case 9: {
          const ks = [key, pick(keys)];
          const limit = Math.floor(rand() * 4);
          args = ["sintercard", "2", ...ks, "limit", String(limit)];
          const [a, b] = ks.map(setOf);
          const n = [...a].filter((m) => b.has(m)).length;
          want = int(limit === 0 ? n : Math.min(n, limit));
          break;
        }
        case 10: {
          const dst = pick(keys), m = pick(members);
          args = ["smove", key, dst, m];
          const src = setOf(key);
          if (!src.has(m)) want = int(0);
          else {
            want = int(1);
            if (dst !== key) {
              src.delete(m);
              store(key, src);
              const d = setOf(dst);
              d.add(m);
              store(dst, d);
            }
          }
          break;
        }
        case 11: {
          const withCount = rand() < 0.6;
          const count = Math.floor(rand() * 5);
          args = withCount ? ["spop", key, String(count)] : ["spop", key];
          const got = await c.call(...args);
          const t = setOf(key);
          const popped = bulks(got);
          if (!withCount) {
            if (t.size === 0) assert.equal(got, "$-1\r\n");
            else assert.equal(popped.length, 1);
          } else {
            assert.equal(popped.length, Math.min(count, t.size), args.join(" "));
            assert.equal(new Set(popped).size, popped.length);
          }
          for (const m of popped) assert.ok(t.delete(m), `popped non-member ${m}`);
          store(key, t);
          continue;
        }
        case 12: {
          const count = Math.floor(rand() * 24) - 12;
          args = ["srandmember", key, String(count)];
          const got = bulks(await c.call(...args));
          const t = setOf(key);
          for (const m of got) assert.ok(t.has(m));
          if (t.size === 0) assert.equal(got.length, 0);
          else if (count >= 0) {
            assert.equal(got.length, Math.min(count, t.size));
            assert.equal(new Set(got).size, got.length);
          } else assert.equal(got.length, -count);
          continue;
        }
        case 13: {
          args = ["srandmember", key];
          const got = await c.call(...args);
          if (!s) assert.equal(got, "$-1\r\n");
          else assert.ok(s.has(bulks(got)[0]));
          continue;
        }
        default: {
          // A complete SSCAN returns every member.
          const seen = new Set<string>();
          let cursor = "0";
          do {
            const parts = bulks(await c.call("sscan", key, cursor, "count", "4"));
            cursor = parts[0];
            for (const m of parts.slice(1)) seen.add(m);
          } while (cursor !== "0");
          assert.deepEqual([...seen].sort(), [...setOf(key)].sort());
          continue;
        }
      }
      const got = await c.call(...args);
      if (unordered) assert.equal(sorted(got).join("\n"), want, `step ${step}: ${args.join(" ")}`);
      else assert.equal(got, want, `step ${step}: ${args.join(" ")}`);
    }
    for (const k of keys) assert.equal(await c.call("exists", k), int(model.has(k) ? 1 : 0));
  });
}

Deno.test("set: randomized model test (small encoding limits)", async () => {
  await modelRun(11, {
    "set-max-intset-entries": 5,
    "set-max-listpack-entries": 6,
    "set-max-listpack-value": 3,
  });
});

Deno.test("set: randomized model test (default limits)", async () => {
  await modelRun(12, {});
});

// ---------------------------------------------------------------------------
// SSCAN guarantee

Deno.test("set: SSCAN returns every member present for the whole scan while the set changes", async () => {
  await withClient({}, async (c) => {
    const rand = rng(5);
    for (const mode of ["grow", "shrink", "churn", "spop"]) {
      await c.call("del", "s");
      const stable = range("s", 0, 1499);
      const volatile = range("t", 0, 1499);
      await c.call("sadd", "s", ...stable, ...volatile);
      const seen = new Set<string>();
      let cursor = "0";
      let added = 0;
      let calls = 0;
      do {
        const parts = bulks(await c.call("sscan", "s", cursor, "count", "13"));
        cursor = parts[0];
        for (const m of parts.slice(1)) seen.add(m);
        calls++;
        if (mode === "grow" || mode === "churn") {
          await c.call("sadd", "s", ...range("n", added, added + 29));
          added += 30;
        }
        if ((mode === "shrink" || mode === "churn") && volatile.length > 0) {
          const del: string[] = [];
          for (let k = 0; k < 45 && volatile.length > 0; k++) {
            del.push(volatile.splice(Math.floor(rand() * volatile.length), 1)[0]);
          }
          await c.call("srem", "s", ...del);
        }
        if (mode === "spop" && volatile.length > 0) {
          // Moving volatile members elsewhere and back reorders the slots too.
          const m = volatile.pop()!;
          await c.call("smove", "s", "other", m);
        }
        assert.ok(calls < 5000, "scan must terminate");
      } while (cursor !== "0");
      for (const m of stable) assert.ok(seen.has(m), `${mode}: ${m} missed`);
    }
    // Intsets and listpacks come back whole with cursor 0 whatever COUNT says.
    await c.call("sadd", "small", "3", "1", "2");
    assert.equal(
      await c.call("sscan", "small", "0", "count", "1"),
      "*2\r\n$1\r\n0\r\n*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n",
    );
    await c.call("sadd", "small", "x");
    assert.equal(
      await c.call("sscan", "small", "0", "count", "1"),
      "*2\r\n$1\r\n0\r\n*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$1\r\nx\r\n",
    );
  });
});

// ---------------------------------------------------------------------------
// Client libraries

Deno.test("set: ioredis round trips (Buffers, SSCAN stream, pipelines)", async () => {
  await withServer({}, async (srv) => {
    await withIoredis(srv.port, async (redis) => {
      assert.equal(await redis.sadd("s", "a", "b", "c", "héllo"), 4);
      assert.deepEqual((await redis.smembers("s")).sort(), ["a", "b", "c", "héllo"]);
      assert.deepEqual(await redis.smembers("missing"), []);
      assert.equal(await redis.sismember("s", "héllo"), 1);
      assert.deepEqual(await redis.smismember("s", "a", "zz"), [1, 0]);
      assert.equal(await redis.scard("s"), 4);
      assert.equal(await redis.smove("s", "t", "a"), 1);
      assert.deepEqual(await redis.sinter("s", "t"), []);
      assert.deepEqual((await redis.sunion("s", "t")).sort(), ["a", "b", "c", "héllo"]);
      assert.equal(await redis.sunionstore("u", "s", "t"), 4);
      assert.equal(await redis.sintercard(2, "u", "s"), 3);
      const p = await redis.spop("u", 2);
      assert.equal(p.length, 2);
      assert.equal((await redis.srandmember("u", -7))?.length, 7);
      const bm = Buffer.from([0, 255, 13, 10]);
      assert.equal(await redis.sadd(Buffer.from("bin"), bm, Buffer.from([1])), 2);
      const got = await redis.smembersBuffer("bin");
      assert.deepEqual(got.map((b: Buffer) => b.toString("hex")).sort(), ["00ff0d0a", "01"]);
      await redis.sadd("big", ...range("m", 1, 1000));
      const seen = await readScanStream(redis.sscanStream("big", { count: 40 }));
      assert.equal(seen.size, 1000);
      const res = await redis.pipeline().sadd("p", "1").srem("p", "1").exists("p").exec();
      assert.deepEqual(res?.map((r: [Error | null, unknown]) => r[1]), [1, 1, 0]);
      await assert.rejects(redis.sintercard(0, "s"), /ERR numkeys should be greater than 0/);
    }, { enableReadyCheck: false });
  });
});

Deno.test("set: node-redis round trips (RESP2 and RESP3)", async () => {
  await withServer({}, async (srv) => {
    await withNodeRedis(srv.port, async (client) => {
      await client.del(["s", "t"]);
      assert.equal(await client.sAdd("s", ["3", "1", "2"]), 3);
      assert.deepEqual([...(await client.sMembers("s"))].sort(), ["1", "2", "3"]);
      assert.deepEqual([...(await client.sMembers("missing"))], []);
      assert.equal(await client.sCard("s"), 3);
      assert.equal(await client.sAdd("t", ["2", "x"]), 2);
      assert.deepEqual([...(await client.sInter(["s", "t"]))], ["2"]);
      assert.deepEqual([...(await client.sDiff(["s", "t"]))].sort(), ["1", "3"]);
      assert.equal(await client.sInterCard(["s", "t"]), 1);
      assert.equal(await client.sRem("s", ["1", "2", "3"]), 3);
      assert.equal(await client.exists("s"), 0);
    });
  });
});

// ---------------------------------------------------------------------------
// Reference server

Deno.test({
  name: "set: byte-identical to valkey-server (recorded tables and generated sequences)",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    await withOursAndReference({}, async (ours, ref, srv) => {
      const both = (args: string[]) => callBoth(ours, ref, args);
      for (const rows of [SET_R2, SET_ENC]) {
        await both(["flushall"]);
        for (const [args] of rows) {
          const [a, b] = await both(args);
          const id = JSON.stringify(args);
          if (VALKEY_DIFFERS.has(id)) continue;
          if (VALKEY_ORDER_DIFFERS.has(id)) {
            assert.deepEqual(sorted(a), sorted(b), args.join(" "));
          } else assert.equal(a, b, args.join(" "));
        }
      }
      await both(["config", "set", "set-max-intset-entries", "6"]);
      await both(["config", "set", "set-max-listpack-entries", "8"]);
      await both(["config", "set", "set-max-listpack-value", "4"]);
      const rand = rng(77);
      const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)];
      const members = [...range("", 0, 11), "-1", "ab", "abcde", "q"];
      const keys = ["a", "b", "c"];
      for (let i = 0; i < 800; i++) {
        const k = pick(keys), k2 = pick(keys), m = pick(members);
        const cmd = pick([
          ["sadd", k, m, pick(members)],
          ["sadd", k, m],
          ["srem", k, m, pick(members)],
          ["sismember", k, m],
          ["smismember", k, m, pick(members)],
          ["scard", k],
          ["smove", k, k2, m],
          ["sintercard", "2", k, k2],
          ["sinterstore", pick(keys), k, k2],
          ["sunionstore", pick(keys), k, k2],
          ["sdiffstore", pick(keys), k, k2],
          ["object", "encoding", k],
          ["smembers", k],
          ["sinter", k, k2],
          ["sunion", k, k2],
          ["sdiff", k, k2],
          ["srandmember", k, "50"],
          ["spop", k, "0"],
        ]);
        const [a, b] = await both(cmd);
        if (["smembers", "sinter", "sunion", "sdiff", "srandmember"].includes(cmd[0])) {
          assert.deepEqual(sorted(a), sorted(b), cmd.join(" "));
        } else {
          assert.equal(a, b, cmd.join(" "));
        }
      }
      await resp3(srv, ours);
      await ref.call("hello", "3");
      await both(["flushall"]);
      for (const [args] of SET_R3) {
        const [a, b] = await both(args);
        if (args[0] === "sunion" || args[0] === "sdiff") {
          // Same reply type and members; valkey's order differs (see VALKEY_ORDER_DIFFERS).
          assert.equal(a.slice(0, a.indexOf("\r\n")), b.slice(0, b.indexOf("\r\n")));
          assert.deepEqual(sorted(a), sorted(b), "RESP3 " + args.join(" "));
        } else {
          assert.equal(a, b, "RESP3 " + args.join(" "));
        }
      }
    });
  },
});

Deno.test({
  name: "set: COMMAND INFO and COMMAND DOCS rows match valkey-server",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    await withOursAndReference({}, async (ours, ref) => {
      await expectSameCommandRows(ours, ref, setCommands.map((spec) => spec.name));
      await expectSameGetKeys(ours, ref, [
        ["sintercard", "2", "a", "b", "limit", "1"],
        ["smove", "a", "b", "m"],
        ["sinterstore", "d", "a", "b"],
      ]);
    });
  },
});

// ---------------------------------------------------------------------------
// Scale

Deno.test("set: a 1,000,000-member set stays responsive", async () => {
  await withClient({}, async (c, srv) => {
    const s = new RedisSet("hashtable");
    for (let i = 0; i < 1_000_000; i++) s.add("member:" + i);
    srv.db().set("big", s);
    await c.call("sadd", "small", "member:5", "member:6", "nope");
    const expect = (args: string[], check: (r: string) => void) => expectReply(c, args, check);
    await expect(["scard", "big"], (r) => assert.equal(r, ":1000000\r\n"));
    await expect(["sismember", "big", "member:424242"], (r) => assert.equal(r, ":1\r\n"));
    await expect(["sadd", "big", "new"], (r) => assert.equal(r, ":1\r\n"));
    await expect(["srem", "big", "member:1", "member:999999"], (r) => assert.equal(r, ":2\r\n"));
    await expect(
      ["smismember", "big", "member:2", "x"],
      (r) => assert.equal(r, "*2\r\n:1\r\n:0\r\n"),
    );
    await expect(["spop", "big"], (r) => assert.ok(r.startsWith("$")));
    await expect(["spop", "big", "10"], (r) => assert.ok(r.startsWith("*10\r\n")));
    await expect(["srandmember", "big"], (r) => assert.ok(r.startsWith("$")));
    await expect(["srandmember", "big", "10"], (r) => assert.equal(new Set(bulks(r)).size, 10));
    await expect(["srandmember", "big", "-10"], (r) => assert.ok(r.startsWith("*10\r\n")));
    await expect(["smove", "big", "other", "member:3"], (r) => assert.equal(r, ":1\r\n"));
    await expect(
      ["sinter", "small", "big"],
      (r) => assert.equal(sorted(r).join(), "member:5,member:6"),
    );
    await expect(["sintercard", "2", "big", "small"], (r) => assert.equal(r, ":2\r\n"));
    await expect(["sscan", "big", "0", "count", "100"], (r) => {
      const parts = bulks(r);
      assert.notEqual(parts[0], "0");
      assert.equal(parts.length, 101);
    });
  });
});
