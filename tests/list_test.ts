// Tests for the list commands (src/commands/list.ts). Expected replies were
// recorded from valkey-server 8.0 (Redis 7.2 behaviour) except where Redis 7.2
// differs (noted); when valkey-server is installed the same sequences, the
// keyspace events, random operation streams (every reply, and OBJECT ENCODING
// of every key each 10 operations) and the command table rows are also
// compared against a live instance. Blocking behaviour is in blocking_test.ts.

import assert from "node:assert/strict";
import {
  arr,
  binaryToBytes,
  bulk,
  bytesToBinary,
  callBinary,
  captureKeyEvents,
  capturePropagation,
  encodeCommand,
  int,
  RawClient,
  rng,
  withClient,
  withConnections,
  withServer,
  WRONGTYPE_REPLY,
} from "./helpers.ts";
import { withIoredis } from "./clients.ts";
import { HAS_REFERENCE, withReference } from "./reference.ts";
import type { RunningServer } from "../mod.ts";
import { RedisList } from "../src/store/list.ts";
import { concatBytes } from "../src/util/bytes.ts";
import { listCommands } from "../src/commands/list.ts";

/** The list stored at `key` in db 0, or undefined. */
function listAt(srv: RunningServer, key: string): RedisList | undefined {
  const v = srv.db().get(key);
  if (v === undefined) return undefined;
  assert.ok(v instanceof RedisList, `${key} holds a list`);
  return v;
}

/**
 * Command sequences (each starts on an empty db) with the exact reply of every
 * step; null = not checked (HELLO's reply names the server).
 */
const CASES: [string[], string | null][][] = [
  [
    [["LPUSH", "l", "a", "b", "c"], ":3\r\n"],
    [["RPUSH", "l", "d"], ":4\r\n"],
    [["LRANGE", "l", "0", "-1"], "*4\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nd\r\n"],
    [["LLEN", "l"], ":4\r\n"],
    [["LINDEX", "l", "1"], "$1\r\nb\r\n"],
    [["LINDEX", "l", "-1"], "$1\r\nd\r\n"],
    [["LINDEX", "l", "100"], "$-1\r\n"],
    [["LINDEX", "l", "x"], "-ERR value is not an integer or out of range\r\n"],
    [["LINDEX", "nokey", "x"], "$-1\r\n"],
    [["LINDEX", "nokey", "0"], "$-1\r\n"],
    [["LLEN", "nokey"], ":0\r\n"],
  ],
  [
    [["LPUSHX", "l", "a"], ":0\r\n"],
    [["RPUSHX", "l", "a"], ":0\r\n"],
    [["EXISTS", "l"], ":0\r\n"],
    [["RPUSH", "l", "x"], ":1\r\n"],
    [["LPUSHX", "l", "y", "z"], ":3\r\n"],
    [["RPUSHX", "l", "w"], ":4\r\n"],
    [["LRANGE", "l", "0", "-1"], "*4\r\n$1\r\nz\r\n$1\r\ny\r\n$1\r\nx\r\n$1\r\nw\r\n"],
  ],
  [
    [["RPUSH", "l", "a", "b", "c", "d", "e"], ":5\r\n"],
    [["LPOP", "l"], "$1\r\na\r\n"],
    [["RPOP", "l"], "$1\r\ne\r\n"],
    [["LPOP", "l", "2"], "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"],
    [["RPOP", "l", "0"], "*0\r\n"],
    [["LPOP", "l", "-1"], "-ERR value is out of range, must be positive\r\n"],
    [["LPOP", "l", "x"], "-ERR value is out of range, must be positive\r\n"],
    [["LPOP", "l", "1", "2"], "-ERR wrong number of arguments for 'lpop' command\r\n"],
    [["RPOP", "l", "1", "2"], "-ERR wrong number of arguments for 'rpop' command\r\n"],
    [["LPOP", "nokey", "2"], "*-1\r\n"],
    [["LPOP", "nokey", "0"], "*-1\r\n"],
    [["LPOP", "nokey"], "$-1\r\n"],
    [["RPOP", "nokey"], "$-1\r\n"],
    [["RPOP", "l", "5"], "*1\r\n$1\r\nd\r\n"],
    [["EXISTS", "l"], ":0\r\n"],
    [["LPOP", "l"], "$-1\r\n"],
  ],
  [
    [["RPUSH", "l", "a", "b", "c", "d", "e"], ":5\r\n"],
    [["RPOP", "l", "3"], "*3\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n"],
    [["LPOP", "l", "9223372036854775807"], "*2\r\n$1\r\na\r\n$1\r\nb\r\n"],
    [["RPUSH", "l", "a"], ":1\r\n"],
    [["LPOP", "l", "9223372036854775808"], "-ERR value is out of range, must be positive\r\n"],
    [["LPOP", "l", "-0"], "-ERR value is out of range, must be positive\r\n"],
    [["LPOP", "l", "+1"], "-ERR value is out of range, must be positive\r\n"],
    [["LPOP", "l", "01"], "-ERR value is out of range, must be positive\r\n"],
    [["LPOP", "l", " 1"], "-ERR value is out of range, must be positive\r\n"],
  ],
  [
    [["SET", "s", "v"], "+OK\r\n"],
    [["LPUSH", "s", "a"], WRONGTYPE_REPLY],
    [["RPUSH", "s", "a"], WRONGTYPE_REPLY],
    [["LPUSHX", "s", "a"], WRONGTYPE_REPLY],
    [["RPUSHX", "s", "a"], WRONGTYPE_REPLY],
    [["LPOP", "s"], WRONGTYPE_REPLY],
    [["RPOP", "s", "0"], WRONGTYPE_REPLY],
    [["LLEN", "s"], WRONGTYPE_REPLY],
    [["LRANGE", "s", "0", "1"], WRONGTYPE_REPLY],
    [["LRANGE", "s", "a", "1"], "-ERR value is not an integer or out of range\r\n"],
    [["LINDEX", "s", "0"], WRONGTYPE_REPLY],
    [["LINDEX", "s", "x"], WRONGTYPE_REPLY],
    [["LSET", "s", "0", "x"], WRONGTYPE_REPLY],
    [["LSET", "s", "x", "x"], WRONGTYPE_REPLY],
    [["LINSERT", "s", "BEFORE", "a", "b"], WRONGTYPE_REPLY],
    [["LINSERT", "s", "MIDDLE", "a", "b"], "-ERR syntax error\r\n"],
    [["LREM", "s", "0", "a"], WRONGTYPE_REPLY],
    [["LREM", "s", "x", "a"], "-ERR value is not an integer or out of range\r\n"],
    [["LTRIM", "s", "0", "1"], WRONGTYPE_REPLY],
    [["LTRIM", "s", "x", "1"], "-ERR value is not an integer or out of range\r\n"],
    [["LPOS", "s", "a"], WRONGTYPE_REPLY],
    [
      ["LPOS", "s", "a", "RANK", "0"],
      "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n",
    ],
    [["LMOVE", "s", "l", "LEFT", "RIGHT"], WRONGTYPE_REPLY],
    [["RPOPLPUSH", "s", "l"], WRONGTYPE_REPLY],
    [["LMPOP", "1", "s", "LEFT"], WRONGTYPE_REPLY],
    [["LMPOP", "2", "nokey", "s", "LEFT"], WRONGTYPE_REPLY],
    [["BLPOP", "s", "0"], WRONGTYPE_REPLY],
    [["BLPOP", "nokey", "s", "0"], WRONGTYPE_REPLY],
    [["BRPOP", "s", "0"], WRONGTYPE_REPLY],
    [["BLMOVE", "s", "l", "LEFT", "LEFT", "0"], WRONGTYPE_REPLY],
    [["BRPOPLPUSH", "s", "l", "0"], WRONGTYPE_REPLY],
    [["BLMPOP", "0", "1", "s", "LEFT"], WRONGTYPE_REPLY],
    [["GET", "s"], "$1\r\nv\r\n"],
  ],
  [
    [["RPUSH", "l", "a", "b", "c"], ":3\r\n"],
    [["LRANGE", "l", "-100", "100"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"],
    [["LRANGE", "l", "2", "1"], "*0\r\n"],
    [["LRANGE", "l", "-1", "-2"], "*0\r\n"],
    [["LRANGE", "l", "5", "10"], "*0\r\n"],
    [["LRANGE", "l", "1", "-1"], "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"],
    [["LRANGE", "l", "-1", "-1"], "*1\r\n$1\r\nc\r\n"],
    [["LRANGE", "nokey", "0", "-1"], "*0\r\n"],
    [["LRANGE", "nokey", "x", "-1"], "-ERR value is not an integer or out of range\r\n"],
    [["LRANGE", "l", "0", "9223372036854775807"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"],
    [
      ["LRANGE", "l", "-9223372036854775808", "9223372036854775807"],
      "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n",
    ],
    [
      ["LRANGE", "l", "0", "9223372036854775808"],
      "-ERR value is not an integer or out of range\r\n",
    ],
  ],
  [
    [["LSET", "nokey", "0", "a"], "-ERR no such key\r\n"],
    [["LSET", "nokey", "x", "a"], "-ERR no such key\r\n"],
    [["RPUSH", "l", "a", "b"], ":2\r\n"],
    [["LSET", "l", "2", "x"], "-ERR index out of range\r\n"],
    [["LSET", "l", "-3", "x"], "-ERR index out of range\r\n"],
    [["LSET", "l", "-2", "x"], "+OK\r\n"],
    [["LSET", "l", "1", "y"], "+OK\r\n"],
    [["LSET", "l", "x", "y"], "-ERR value is not an integer or out of range\r\n"],
    [["LRANGE", "l", "0", "-1"], "*2\r\n$1\r\nx\r\n$1\r\ny\r\n"],
  ],
  [
    [["LINSERT", "nokey", "BEFORE", "a", "b"], ":0\r\n"],
    [["LINSERT", "nokey", "MIDDLE", "a", "b"], "-ERR syntax error\r\n"],
    [["EXISTS", "nokey"], ":0\r\n"],
    [["RPUSH", "l", "a", "b", "c"], ":3\r\n"],
    [["LINSERT", "l", "before", "b", "x"], ":4\r\n"],
    [["LINSERT", "l", "AFTER", "c", "y"], ":5\r\n"],
    [["LINSERT", "l", "After", "zz", "y"], ":-1\r\n"],
    [["LINSERT", "l", "foo", "zz", "y"], "-ERR syntax error\r\n"],
    [["LINSERT", "l", "BEFORE", "a", "first"], ":6\r\n"],
    [
      ["LRANGE", "l", "0", "-1"],
      "*6\r\n$5\r\nfirst\r\n$1\r\na\r\n$1\r\nx\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\ny\r\n",
    ],
  ],
  [
    [["RPUSH", "l", "a", "b", "a", "c", "a", "b"], ":6\r\n"],
    [["LREM", "l", "1", "a"], ":1\r\n"],
    [["LREM", "l", "-1", "b"], ":1\r\n"],
    [["LRANGE", "l", "0", "-1"], "*4\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n$1\r\na\r\n"],
    [["LREM", "l", "0", "a"], ":2\r\n"],
    [["LREM", "l", "0", "zz"], ":0\r\n"],
    [["LREM", "nokey", "0", "a"], ":0\r\n"],
    [["LREM", "nokey", "x", "a"], "-ERR value is not an integer or out of range\r\n"],
    [["LREM", "l", "x", "a"], "-ERR value is not an integer or out of range\r\n"],
    [["LRANGE", "l", "0", "-1"], "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"],
    [["LREM", "l", "0", "b"], ":1\r\n"],
    // Redis 7.2 (and 7.0) take LONG_MIN and remove every match; Valkey 8 range-checks it.
    [["LREM", "l", "-9223372036854775808", "c"], ":1\r\n"],
    [["LLEN", "l"], ":0\r\n"],
    [["EXISTS", "l"], ":0\r\n"],
  ],
  [
    [["RPUSH", "l", "a", "b", "c", "d", "e"], ":5\r\n"],
    [["LTRIM", "l", "1", "-2"], "+OK\r\n"],
    [["LRANGE", "l", "0", "-1"], "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"],
    [["LTRIM", "l", "0", "100"], "+OK\r\n"],
    [["LTRIM", "l", "-100", "0"], "+OK\r\n"],
    [["LRANGE", "l", "0", "-1"], "*1\r\n$1\r\nb\r\n"],
    [["LTRIM", "l", "5", "1"], "+OK\r\n"],
    [["EXISTS", "l"], ":0\r\n"],
    [["LTRIM", "nokey", "0", "1"], "+OK\r\n"],
    [["LTRIM", "nokey", "x", "1"], "-ERR value is not an integer or out of range\r\n"],
    [["LTRIM", "nokey", "0", "x"], "-ERR value is not an integer or out of range\r\n"],
  ],
  [
    [["RPUSH", "l", "a", "b", "c", "1", "2", "3", "c", "c"], ":8\r\n"],
    [["LPOS", "l", "c"], ":2\r\n"],
    [["LPOS", "l", "c", "RANK", "2"], ":6\r\n"],
    [["LPOS", "l", "c", "RANK", "-1"], ":7\r\n"],
    [["LPOS", "l", "c", "RANK", "-3"], ":2\r\n"],
    [["LPOS", "l", "c", "RANK", "-4"], "$-1\r\n"],
    [["LPOS", "l", "c", "COUNT", "0"], "*3\r\n:2\r\n:6\r\n:7\r\n"],
    [["LPOS", "l", "c", "COUNT", "2"], "*2\r\n:2\r\n:6\r\n"],
    [["LPOS", "l", "c", "COUNT", "0", "RANK", "-1"], "*3\r\n:7\r\n:6\r\n:2\r\n"],
    [["LPOS", "l", "c", "COUNT", "0", "RANK", "2"], "*2\r\n:6\r\n:7\r\n"],
    [["LPOS", "l", "c", "MAXLEN", "3"], ":2\r\n"],
    [["LPOS", "l", "c", "MAXLEN", "2"], "$-1\r\n"],
    [["LPOS", "l", "c", "MAXLEN", "2", "COUNT", "0"], "*0\r\n"],
    [
      ["LPOS", "l", "c", "RANK", "0"],
      "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n",
    ],
    [["LPOS", "l", "c", "RANK", "x"], "-ERR value is not an integer or out of range\r\n"],
    [
      ["LPOS", "l", "c", "RANK", "-9223372036854775808"],
      "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n",
    ],
    [["LPOS", "l", "c", "RANK", "9223372036854775807"], "$-1\r\n"],
    [["LPOS", "l", "c", "RANK", "-9223372036854775807"], "$-1\r\n"],
    [["LPOS", "l", "c", "COUNT", "-1"], "-ERR COUNT can't be negative\r\n"],
    [["LPOS", "l", "c", "COUNT", "x"], "-ERR COUNT can't be negative\r\n"],
    [["LPOS", "l", "c", "MAXLEN", "-1"], "-ERR MAXLEN can't be negative\r\n"],
    [["LPOS", "l", "c", "MAXLEN", "x"], "-ERR MAXLEN can't be negative\r\n"],
    [["LPOS", "l", "c", "FOO"], "-ERR syntax error\r\n"],
    [["LPOS", "l", "c", "RANK"], "-ERR syntax error\r\n"],
    [["LPOS", "l", "c", "COUNT"], "-ERR syntax error\r\n"],
    [["LPOS", "nokey", "c"], "$-1\r\n"],
    [["LPOS", "nokey", "c", "COUNT", "1"], "*0\r\n"],
    [
      ["LPOS", "nokey", "c", "RANK", "0"],
      "-ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list\r\n",
    ],
    [["LPOS", "l", "zz", "COUNT", "1"], "*0\r\n"],
    [["LPOS", "l", "zz"], "$-1\r\n"],
    [["LPOS", "l", "1"], ":3\r\n"],
    [["LPOS", "l", "c", "rank", "-2", "count", "5", "maxlen", "0"], "*2\r\n:6\r\n:2\r\n"],
    [["LPOS", "l", "c", "RANK", "1", "RANK", "-1"], ":7\r\n"],
  ],
  [
    [["RPUSH", "src", "a", "b", "c"], ":3\r\n"],
    [["LMOVE", "src", "dst", "LEFT", "RIGHT"], "$1\r\na\r\n"],
    [["LMOVE", "src", "dst", "right", "left"], "$1\r\nc\r\n"],
    [["LMOVE", "src", "dst", "UP", "left"], "-ERR syntax error\r\n"],
    [["LMOVE", "src", "dst", "left", "DOWN"], "-ERR syntax error\r\n"],
    [["LRANGE", "dst", "0", "-1"], "*2\r\n$1\r\nc\r\n$1\r\na\r\n"],
    [["LMOVE", "src", "src", "LEFT", "RIGHT"], "$1\r\nb\r\n"],
    [["LMOVE", "src", "dst", "LEFT", "RIGHT"], "$1\r\nb\r\n"],
    [["LMOVE", "src", "dst", "LEFT", "RIGHT"], "$-1\r\n"],
    [["EXISTS", "src"], ":0\r\n"],
    [["LRANGE", "dst", "0", "-1"], "*3\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nb\r\n"],
    [["RPOPLPUSH", "dst", "dst"], "$1\r\nb\r\n"],
    [["RPOPLPUSH", "nokey", "dst"], "$-1\r\n"],
    [["SET", "s", "x"], "+OK\r\n"],
    [["RPOPLPUSH", "dst", "s"], WRONGTYPE_REPLY],
    [["RPOPLPUSH", "nokey", "s"], "$-1\r\n"],
    [["LMOVE", "dst", "s", "LEFT", "LEFT"], WRONGTYPE_REPLY],
    [["LRANGE", "dst", "0", "-1"], "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\na\r\n"],
  ],
  [
    [["LMPOP", "0", "l", "LEFT"], "-ERR numkeys should be greater than 0\r\n"],
    [["LMPOP", "-1", "l", "LEFT"], "-ERR numkeys should be greater than 0\r\n"],
    [["LMPOP", "x", "l", "LEFT"], "-ERR numkeys should be greater than 0\r\n"],
    [["LMPOP", "2", "l", "LEFT"], "-ERR syntax error\r\n"],
    [["LMPOP", "1", "l", "MIDDLE"], "-ERR syntax error\r\n"],
    [["LMPOP", "1", "l", "LEFT", "COUNT"], "-ERR syntax error\r\n"],
    [["LMPOP", "1", "l", "LEFT", "COUNT", "0"], "-ERR count should be greater than 0\r\n"],
    [["LMPOP", "1", "l", "LEFT", "COUNT", "-1"], "-ERR count should be greater than 0\r\n"],
    [["LMPOP", "1", "l", "LEFT", "COUNT", "x"], "-ERR count should be greater than 0\r\n"],
    [["LMPOP", "1", "l", "LEFT", "COUNT", "1", "COUNT", "2"], "-ERR syntax error\r\n"],
    [["LMPOP", "1", "l", "LEFT", "FOO"], "-ERR syntax error\r\n"],
    [["LMPOP", "1", "l", "LEFT"], "*-1\r\n"],
    [["RPUSH", "l2", "a", "b", "c"], ":3\r\n"],
    [["LMPOP", "2", "l", "l2", "LEFT"], "*2\r\n$2\r\nl2\r\n*1\r\n$1\r\na\r\n"],
    [
      ["LMPOP", "2", "l", "l2", "RIGHT", "COUNT", "10"],
      "*2\r\n$2\r\nl2\r\n*2\r\n$1\r\nc\r\n$1\r\nb\r\n",
    ],
    [["LMPOP", "2", "l", "l2", "RIGHT", "COUNT", "10"], "*-1\r\n"],
    [["LMPOP", "9223372036854775807", "l", "LEFT"], "-ERR syntax error\r\n"],
    [["LMPOP", "9223372036854775808", "l", "LEFT"], "-ERR numkeys should be greater than 0\r\n"],
    [["RPUSH", "l", "x", "y"], ":2\r\n"],
    [["lmpop", "1", "l", "right", "count", "1"], "*2\r\n$1\r\nl\r\n*1\r\n$1\r\ny\r\n"],
  ],
  [
    [["BLPOP", "l", "x"], "-ERR timeout is not a float or out of range\r\n"],
    [["BLPOP", "l", "-1"], "-ERR timeout is negative\r\n"],
    [["BLPOP", "l", "inf"], "-ERR timeout is out of range\r\n"],
    [["BLPOP", "l", "nan"], "-ERR timeout is not a float or out of range\r\n"],
    [["BLPOP", "l", "1e400"], "-ERR timeout is out of range\r\n"],
    [["BLPOP", "l", ""], "-ERR timeout is not a float or out of range\r\n"],
    [["RPUSH", "l", "a", "b"], ":2\r\n"],
    [["BLPOP", "l", "x"], "-ERR timeout is not a float or out of range\r\n"],
    [["BLPOP", "nokey", "l", "0"], "*2\r\n$1\r\nl\r\n$1\r\na\r\n"],
    [["BRPOP", "nokey", "l", "0x10"], "*2\r\n$1\r\nl\r\n$1\r\nb\r\n"],
    [["RPUSH", "l", "a", "b", "c", "d"], ":4\r\n"],
    [
      ["BLMPOP", "0", "1", "l", "LEFT", "COUNT", "2"],
      "*2\r\n$1\r\nl\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n",
    ],
    [
      ["BLMPOP", "0", "1", "l", "RIGHT", "COUNT", "5"],
      "*2\r\n$1\r\nl\r\n*2\r\n$1\r\nd\r\n$1\r\nc\r\n",
    ],
    [["BLMPOP", "x", "1", "l", "LEFT"], "-ERR timeout is not a float or out of range\r\n"],
    [["BLMPOP", "x", "0", "l", "LEFT"], "-ERR numkeys should be greater than 0\r\n"],
    [["BLMPOP", "0", "0", "l", "LEFT"], "-ERR numkeys should be greater than 0\r\n"],
    [["BLMPOP", "0", "2", "l", "LEFT"], "-ERR syntax error\r\n"],
    [["BLMPOP", "0", "1", "l", "LEFT", "COUNT", "0"], "-ERR count should be greater than 0\r\n"],
    [["BLMOVE", "l", "l2", "LEFT", "LEFT", "x"], "-ERR timeout is not a float or out of range\r\n"],
    [["BLMOVE", "l", "l2", "FOO", "LEFT", "x"], "-ERR syntax error\r\n"],
    [["BLMOVE", "l", "l2", "LEFT", "FOO", "x"], "-ERR syntax error\r\n"],
    [["BRPOPLPUSH", "l", "l2", "x"], "-ERR timeout is not a float or out of range\r\n"],
    [["BRPOPLPUSH", "l", "l2", "-1"], "-ERR timeout is negative\r\n"],
    [["RPUSH", "l", "z", "zz"], ":2\r\n"],
    [["BRPOPLPUSH", "l", "l2", "0"], "$2\r\nzz\r\n"],
    [["BLMOVE", "l", "l2", "LEFT", "RIGHT", "0"], "$1\r\nz\r\n"],
    [["LRANGE", "l2", "0", "-1"], "*2\r\n$2\r\nzz\r\n$1\r\nz\r\n"],
    [["BLPOP", "l", "l2", "+0.5"], "*2\r\n$2\r\nl2\r\n$2\r\nzz\r\n"],
  ],
  [
    [["RPUSH", "l"], "-ERR wrong number of arguments for 'rpush' command\r\n"],
    [["LPUSH"], "-ERR wrong number of arguments for 'lpush' command\r\n"],
    [["LPOP"], "-ERR wrong number of arguments for 'lpop' command\r\n"],
    [["LLEN"], "-ERR wrong number of arguments for 'llen' command\r\n"],
    [["LLEN", "a", "b"], "-ERR wrong number of arguments for 'llen' command\r\n"],
    [["LRANGE", "l", "0"], "-ERR wrong number of arguments for 'lrange' command\r\n"],
    [["LPOS", "l"], "-ERR wrong number of arguments for 'lpos' command\r\n"],
    [["LMPOP", "1", "l"], "-ERR wrong number of arguments for 'lmpop' command\r\n"],
    [["BLMPOP", "0", "1", "l"], "-ERR wrong number of arguments for 'blmpop' command\r\n"],
    [["BLPOP", "l"], "-ERR wrong number of arguments for 'blpop' command\r\n"],
    [["LMOVE", "a", "b", "LEFT"], "-ERR wrong number of arguments for 'lmove' command\r\n"],
    [["LINDEX", "l"], "-ERR wrong number of arguments for 'lindex' command\r\n"],
    [["LSET", "l", "0"], "-ERR wrong number of arguments for 'lset' command\r\n"],
    [["LINSERT", "l", "BEFORE", "a"], "-ERR wrong number of arguments for 'linsert' command\r\n"],
    [["LREM", "l", "0"], "-ERR wrong number of arguments for 'lrem' command\r\n"],
    [["LTRIM", "l", "0"], "-ERR wrong number of arguments for 'ltrim' command\r\n"],
    [["RPOPLPUSH", "a"], "-ERR wrong number of arguments for 'rpoplpush' command\r\n"],
    [["BRPOPLPUSH", "a", "b"], "-ERR wrong number of arguments for 'brpoplpush' command\r\n"],
    [
      ["BLMOVE", "a", "b", "LEFT", "LEFT"],
      "-ERR wrong number of arguments for 'blmove' command\r\n",
    ],
  ],
  [
    [["MULTI"], "+OK\r\n"],
    [["BLPOP", "l", "0"], "+QUEUED\r\n"],
    [["BRPOP", "l", "0"], "+QUEUED\r\n"],
    [["BLMOVE", "l", "l2", "LEFT", "LEFT", "0"], "+QUEUED\r\n"],
    [["BRPOPLPUSH", "l", "l2", "0"], "+QUEUED\r\n"],
    [["BLMPOP", "0", "1", "l", "LEFT"], "+QUEUED\r\n"],
    [["RPUSH", "l", "a"], "+QUEUED\r\n"],
    [["BLPOP", "l", "0"], "+QUEUED\r\n"],
    [["BLPOP", "l", "x"], "+QUEUED\r\n"],
    [
      ["EXEC"],
      "*8\r\n*-1\r\n*-1\r\n$-1\r\n$-1\r\n*-1\r\n:1\r\n*2\r\n$1\r\nl\r\n$1\r\na\r\n-ERR timeout is not a float or out of range\r\n",
    ],
  ],
  [
    [["HELLO", "3"], null],
    [["LPOP", "nokey"], "_\r\n"],
    [["LPOP", "nokey", "1"], "_\r\n"],
    [["LINDEX", "nokey", "0"], "_\r\n"],
    [["LPOS", "nokey", "a"], "_\r\n"],
    [["LMPOP", "1", "nokey", "LEFT"], "_\r\n"],
    [["RPUSH", "l", "a"], ":1\r\n"],
    [["LINDEX", "l", "5"], "_\r\n"],
    [["LPOS", "l", "b"], "_\r\n"],
    [["LMOVE", "nokey", "l", "LEFT", "LEFT"], "_\r\n"],
    [["MULTI"], "+OK\r\n"],
    [["BLPOP", "nokey", "0"], "+QUEUED\r\n"],
    [["BLMOVE", "nokey", "l", "LEFT", "LEFT", "0"], "+QUEUED\r\n"],
    [["BLMPOP", "0", "1", "nokey", "LEFT"], "+QUEUED\r\n"],
    [["EXEC"], "*3\r\n_\r\n_\r\n_\r\n"],
    [["LRANGE", "l", "0", "-1"], "*1\r\n$1\r\na\r\n"],
  ],
  [
    [["RPUSH", "bin", "\u0000\u00ff\r\n", "", "x y"], ":3\r\n"],
    [["LRANGE", "bin", "0", "-1"], "*3\r\n$4\r\n\u0000\u00ff\r\n\r\n$0\r\n\r\n$3\r\nx y\r\n"],
    [["LPOS", "bin", ""], ":1\r\n"],
    [["LINSERT", "bin", "AFTER", "", "\u0001"], ":4\r\n"],
    [["LREM", "bin", "0", "\u0000\u00ff\r\n"], ":1\r\n"],
    [["LRANGE", "bin", "0", "-1"], "*3\r\n$0\r\n\r\n$1\r\n\u0001\r\n$3\r\nx y\r\n"],
  ],
];

async function runCases(port: number, cases: [string[], string | null][][], flush: boolean) {
  const out: string[][] = [];
  for (const seq of cases) {
    const c = await RawClient.connect(port);
    try {
      if (flush) assert.equal(await callBinary(c, "FLUSHALL"), "+OK\r\n");
      const replies: string[] = [];
      for (const [cmd] of seq) replies.push(await callBinary(c, ...cmd));
      out.push(replies);
    } finally {
      c.close();
    }
  }
  return out;
}

Deno.test("list commands: exact replies and errors for every command", async () => {
  await withServer({}, async (srv) => {
    const got = await runCases(srv.port, CASES, true);
    CASES.forEach((seq, i) =>
      seq.forEach(([cmd, want], j) => {
        if (want !== null) assert.equal(got[i][j], want, `${cmd.join(" ")} (sequence ${i})`);
      })
    );
  });
});

/**
 * Encoding conversions (listpack <-> quicklist at the points Redis converts), int64
 * edge values, LSET's 32-bit index truncation and timeout parsing, recorded from
 * valkey-server 8.0. Starts on an empty db with the default config (DEBUG enabled).
 */
const ENCODING_CASES: [string[], string][] = [
  [["RPUSH", "l", "a", "b", "c"], ":3\r\n"],
  [["OBJECT", "ENCODING", "l"], "$8\r\nlistpack\r\n"],
  [["CONFIG", "SET", "list-max-listpack-size", "4"], "+OK\r\n"],
  [["RPUSH", "l", "d"], ":4\r\n"],
  [["OBJECT", "ENCODING", "l"], "$8\r\nlistpack\r\n"],
  [["RPUSH", "l", "e"], ":5\r\n"],
  [["OBJECT", "ENCODING", "l"], "$9\r\nquicklist\r\n"],
  [["LPOP", "l"], "$1\r\na\r\n"],
  [["OBJECT", "ENCODING", "l"], "$9\r\nquicklist\r\n"],
  [["LPOP", "l", "2"], "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"],
  [["OBJECT", "ENCODING", "l"], "$9\r\nquicklist\r\n"],
  [["RPUSH", "l", "1", "2", "3", "4", "5", "6", "7", "8", "9"], ":11\r\n"],
  [["OBJECT", "ENCODING", "l"], "$9\r\nquicklist\r\n"],
  [["LTRIM", "l", "0", "1"], "+OK\r\n"],
  [["OBJECT", "ENCODING", "l"], "$9\r\nquicklist\r\n"],
  [["LSET", "l", "0", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"], "+OK\r\n"],
  [["OBJECT", "ENCODING", "l"], "$9\r\nquicklist\r\n"],
  [["LINSERT", "l", "BEFORE", "nothere", "y"], ":-1\r\n"],
  [["OBJECT", "ENCODING", "l"], "$9\r\nquicklist\r\n"],
  [["LINSERT", "l", "BEFORE", "4", "y"], ":-1\r\n"],
  [["OBJECT", "ENCODING", "l"], "$9\r\nquicklist\r\n"],
  [
    ["LRANGE", "l", "0", "-1"],
    "*2\r\n$39\r\nxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\r\n$1\r\ne\r\n",
  ],
  [["CONFIG", "SET", "list-max-listpack-size", "-2"], "+OK\r\n"],
  [["DEL", "l"], ":1\r\n"],
  [["RPUSH", "big", "1"], ":1\r\n"],
  [["LPUSHX", "big", "2"], ":2\r\n"],
  [["OBJECT", "ENCODING", "big"], "$8\r\nlistpack\r\n"],
  [["CONFIG", "SET", "list-max-listpack-size", "2"], "+OK\r\n"],
  [["LPUSHX", "big", "3"], ":3\r\n"],
  [["OBJECT", "ENCODING", "big"], "$9\r\nquicklist\r\n"],
  [["LREM", "big", "0", "3"], ":1\r\n"],
  [["OBJECT", "ENCODING", "big"], "$9\r\nquicklist\r\n"],
  [["LREM", "big", "0", "2"], ":1\r\n"],
  [["OBJECT", "ENCODING", "big"], "$8\r\nlistpack\r\n"],
  [["CONFIG", "SET", "list-max-listpack-size", "3"], "+OK\r\n"],
  [["RPUSH", "m", "a"], ":1\r\n"],
  [["LMOVE", "m", "dst", "LEFT", "LEFT"], "$1\r\na\r\n"],
  [["OBJECT", "ENCODING", "dst"], "$8\r\nlistpack\r\n"],
  [["RPUSH", "dst", "1", "2"], ":3\r\n"],
  [["OBJECT", "ENCODING", "dst"], "$8\r\nlistpack\r\n"],
  [["LMOVE", "dst", "dst", "RIGHT", "LEFT"], "$1\r\n2\r\n"],
  [["OBJECT", "ENCODING", "dst"], "$8\r\nlistpack\r\n"],
  [["RPOPLPUSH", "dst", "dst2"], "$1\r\n1\r\n"],
  [["LMPOP", "1", "dst", "LEFT", "COUNT", "2"], "*2\r\n$3\r\ndst\r\n*2\r\n$1\r\n2\r\n$1\r\na\r\n"],
  [["OBJECT", "ENCODING", "dst"], "$-1\r\n"],
  [["CONFIG", "SET", "list-max-listpack-size", "-2"], "+OK\r\n"],
  [["LRANGE", "dst", "0", "-1"], "*0\r\n"],
  [["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "10"], "+OK\r\n"],
  [["RPUSH", "p", "short"], ":1\r\n"],
  [["OBJECT", "ENCODING", "p"], "$8\r\nlistpack\r\n"],
  [["RPUSH", "p", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"], ":2\r\n"],
  [["OBJECT", "ENCODING", "p"], "$8\r\nlistpack\r\n"],
  [["RPOP", "p"], "$34\r\naaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n"],
  [["OBJECT", "ENCODING", "p"], "$8\r\nlistpack\r\n"],
  [["DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0"], "+OK\r\n"],
  [[
    "RPUSH",
    "n",
    "9223372036854775807",
    "-9223372036854775808",
    "9223372036854775808",
    "00",
    "-0",
    "+1",
    "1.5",
    "12",
  ], ":8\r\n"],
  [
    ["LRANGE", "n", "0", "-1"],
    "*8\r\n$19\r\n9223372036854775807\r\n$20\r\n-9223372036854775808\r\n$19\r\n9223372036854775808\r\n$2\r\n00\r\n$2\r\n-0\r\n$2\r\n+1\r\n$3\r\n1.5\r\n$2\r\n12\r\n",
  ],
  [["LPOS", "n", "12"], ":7\r\n"],
  [["LPOS", "n", "9223372036854775808"], ":2\r\n"],
  [["LREM", "n", "1", "00"], ":1\r\n"],
  [["LINDEX", "n", "-2"], "$3\r\n1.5\r\n"],
  [["LINDEX", "n", "9223372036854775807"], "$-1\r\n"],
  [["LINDEX", "n", "-9223372036854775808"], "$-1\r\n"],
  [["LINDEX", "n", "9223372036854775808"], "-ERR value is not an integer or out of range\r\n"],
  [["LSET", "n", "9223372036854775807", "x"], "+OK\r\n"],
  [["LSET", "n", "-9223372036854775808", "x"], "+OK\r\n"],
  [["LTRIM", "n", "-9223372036854775808", "9223372036854775807"], "+OK\r\n"],
  [["LLEN", "n"], ":7\r\n"],
  [["LTRIM", "n", "9223372036854775807", "-9223372036854775808"], "+OK\r\n"],
  [["EXISTS", "n"], ":0\r\n"],
  [["LPOS", "n", "x", "COUNT", "9223372036854775807", "MAXLEN", "9223372036854775807"], "*0\r\n"],
  [["RPUSH", "q", "a", "b", "a", "b", "a"], ":5\r\n"],
  [["LPOS", "q", "a", "COUNT", "2", "RANK", "-2"], "*2\r\n:2\r\n:0\r\n"],
  [["LPOS", "q", "a", "COUNT", "1", "RANK", "-9223372036854775807"], "*0\r\n"],
  [["LPOS", "q", "a", "MAXLEN", "1", "RANK", "2"], "$-1\r\n"],
  [["LPOS", "q", "a", "MAXLEN", "1", "RANK", "-1"], ":4\r\n"],
  [["LPOS", "q", "a", "MAXLEN", "2", "RANK", "-1"], ":4\r\n"],
  [["LPOS", "q", "b", "RANK", "1", "COUNT", "0", "MAXLEN", "0"], "*2\r\n:1\r\n:3\r\n"],
  [["LREM", "q", "-2", "a"], ":2\r\n"],
  [["LRANGE", "q", "0", "-1"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nb\r\n"],
  [["LREM", "q", "9223372036854775807", "b"], ":2\r\n"],
  [["LRANGE", "q", "0", "-1"], "*1\r\n$1\r\na\r\n"],
  [["LPOP", "q", "1"], "*1\r\n$1\r\na\r\n"],
  [["EXISTS", "q"], ":0\r\n"],
  [["BLPOP", "q", "0.000001"], "*-1\r\n"],
  [["BLPOP", "q", "0x1p-20"], "*-1\r\n"],
  [["BLPOP", "q", ".5e-3"], "*-1\r\n"],
  [["BLPOP", "q", "5.e-3"], "*-1\r\n"],
  [["BLPOP", "q", "1e"], "-ERR timeout is not a float or out of range\r\n"],
  [["BLPOP", "q", "0x"], "-ERR timeout is not a float or out of range\r\n"],
  [["BLPOP", "q", " 1"], "-ERR timeout is not a float or out of range\r\n"],
  [["BLPOP", "q", "1\u0000"], "-ERR timeout is not a float or out of range\r\n"],
  [["BLPOP", "q", "infinity"], "-ERR timeout is out of range\r\n"],
  [["BLPOP", "q", "-inf"], "-ERR timeout is negative\r\n"],
  [["BLPOP", "q", "9223372036854775.807"], "-ERR timeout is out of range\r\n"],
  [["BLPOP", "q", "9223372036854775807"], "-ERR timeout is out of range\r\n"],
  [["BLPOP", "q", "-9223372036854775807"], "-ERR timeout is negative\r\n"],
  [["RPUSH", "q", "v"], ":1\r\n"],
  [["BLPOP", "q", "9223372036854775807"], "-ERR timeout is out of range\r\n"],
];

Deno.test("list: encoding conversions, int64 edges and timeout parsing", async () => {
  await withClient({ "enable-debug-command": "local" }, async (c) => {
    for (const [cmd, want] of ENCODING_CASES) {
      assert.equal(await callBinary(c, ...cmd), want, cmd.join(" "));
    }
  });
});

/** Per command, the keyspace events it fires ("event key"), recorded from valkey-server 8.0. */
const EVENT_CASES: [string, string[]][] = [
  ["LPUSH l a b", ["new l", "lpush l"]],
  ["RPUSH l c", ["rpush l"]],
  ["LPUSHX nokey a", []],
  ["LPUSHX l z", ["lpush l"]],
  ["RPUSHX l y", ["rpush l"]],
  ["LPOP l", ["lpop l"]],
  ["RPOP l 2", ["rpop l"]],
  ["LINSERT l BEFORE a q", ["linsert l"]],
  ["LINSERT l BEFORE nope q", []],
  ["LSET l 0 r", ["lset l"]],
  ["LSET l 9 r", []],
  ["LREM l 0 nope", []],
  ["LREM l 1 r", ["lrem l"]],
  ["LTRIM l 0 -1", ["ltrim l"]],
  ["LTRIM l 0 0", ["ltrim l"]],
  ["LRANGE l 0 -1", []],
  ["LINDEX nokey 0", ["keymiss nokey"]],
  ["LLEN nokey", ["keymiss nokey"]],
  ["LRANGE nokey 0 1", ["keymiss nokey"]],
  ["LPOS nokey a", ["keymiss nokey"]],
  ["LMOVE l l2 LEFT RIGHT", ["new l2", "rpush l2", "lpop l", "del l"]],
  ["RPUSH l3 a b", ["new l3", "rpush l3"]],
  ["LMOVE l3 l3 LEFT RIGHT", ["rpush l3", "lpop l3"]],
  ["RPOPLPUSH l3 l2", ["lpush l2", "rpop l3"]],
  ["LMPOP 2 nokey l2 LEFT COUNT 5", ["lpop l2", "del l2"]],
  ["RPUSH l4 x", ["new l4", "rpush l4"]],
  ["LMPOP 1 l4 RIGHT", ["rpop l4", "del l4"]],
  ["RPUSH l4 x", ["new l4", "rpush l4"]],
  ["BLPOP nokey l4 0", ["lpop l4", "del l4"]],
  ["RPUSH l4 x y", ["new l4", "rpush l4"]],
  ["BRPOP l4 0", ["rpop l4"]],
  ["BLMPOP 0 1 l4 LEFT COUNT 3", ["lpop l4", "del l4"]],
  ["RPUSH l4 x", ["new l4", "rpush l4"]],
  ["BLMOVE l4 l5 RIGHT LEFT 0", ["new l5", "lpush l5", "rpop l4", "del l4"]],
  ["BRPOPLPUSH l5 l5 0", ["lpush l5", "rpop l5"]],
  ["LTRIM l5 1 0", ["ltrim l5", "del l5"]],
  ["LPOP nokey", []],
];

/** Runs EVENT_CASES on our server and returns the events of each command. */
async function ourEvents(): Promise<string[][]> {
  const out: string[][] = [];
  await withClient({ "notify-keyspace-events": "KEAnm" }, async (c, srv) => {
    const events = captureKeyEvents(srv);
    for (const [cmd] of EVENT_CASES) {
      events.length = 0;
      await callBinary(c, ...cmd.split(" "));
      out.push([...events]);
    }
  });
  return out;
}

Deno.test("list: keyspace events of every command (new, del, keymiss included)", async () => {
  const got = await ourEvents();
  EVENT_CASES.forEach(([cmd, want], i) => assert.deepEqual(got[i], want, cmd));
});

/** Commands and the replication stream valkey-server 8.0 produced for them. */
const PROPAGATION_CMDS = [
  "RPUSH a 1 2 3",
  "LPOP nokey",
  "LPOP a 0",
  "LREM a 0 zz",
  "LTRIM a 0 -1",
  "LINSERT a BEFORE zz x",
  "LSET a 0 9",
  "LSET a 7 9",
  "LTRIM a 1 -1",
  "BLPOP nokey a 0",
  "RPUSH a 4 5 6",
  "BRPOP a 0",
  "LMPOP 1 a RIGHT COUNT 10",
  "RPUSH a 1 2",
  "BLMPOP 0 2 x a LEFT COUNT 1",
  "BLMOVE a b LEFT RIGHT 0",
  "BRPOPLPUSH b a 0",
  "RPOPLPUSH a a",
  "LMOVE a a LEFT RIGHT",
  "LPUSHX nokey 1",
  "LPUSH q 1",
  "LPOP q 1",
  "LMOVE q q LEFT LEFT",
  "LRANGE a 0 -1",
];
const PROPAGATED = [
  "RPUSH a 1 2 3",
  "LSET a 0 9",
  "LTRIM a 1 -1",
  "LPOP a",
  "RPUSH a 4 5 6",
  "RPOP a",
  "RPOP a 3",
  "RPUSH a 1 2",
  "LPOP a 1",
  "LMOVE a b LEFT RIGHT",
  "RPOPLPUSH b a",
  "RPOPLPUSH a a",
  "LMOVE a a LEFT RIGHT",
  "LPUSH q 1",
  "LPOP q 1",
];

Deno.test("list: propagation (no-ops skipped, blocking forms as LPOP/RPOP/LMOVE/RPOPLPUSH)", async () => {
  await withClient({}, async (c, srv) => {
    const log = capturePropagation(srv);
    for (const cmd of PROPAGATION_CMDS) await callBinary(c, ...cmd.split(" "));
    assert.deepEqual(log, PROPAGATED);
    // Inside MULTI the non-blocking fallback propagates what it did.
    log.length = 0;
    await callBinary(c, "RPUSH", "m", "x");
    await callBinary(c, "MULTI");
    await callBinary(c, "BLPOP", "m", "0");
    await callBinary(c, "BLPOP", "m", "0");
    await callBinary(c, "BLMOVE", "m", "n", "LEFT", "LEFT", "0");
    assert.equal(await callBinary(c, "EXEC"), "*3\r\n*2\r\n$1\r\nm\r\n$1\r\nx\r\n*-1\r\n$-1\r\n");
    assert.deepEqual(log, ["RPUSH m x", "LPOP m"]);
  });
});

Deno.test("list: keyspace hits and misses count reads only", async () => {
  await withClient({}, async (c, srv) => {
    const stats = srv.stats;
    await callBinary(c, "RPUSH", "l", "a");
    const [h, m] = [stats.keyspaceHits, stats.keyspaceMisses];
    for (
      const cmd of ["LLEN l", "LRANGE l 0 -1", "LINDEX l 0", "LPOS l a", "LLEN x", "LPOS x a"]
    ) {
      await callBinary(c, ...cmd.split(" "));
    }
    // Writes (pops, moves, pushes) use lookupKeyWrite: no stats.
    for (
      const cmd of ["LPOP x", "LMOVE x y LEFT LEFT", "LMPOP 1 x LEFT", "RPUSH l b", "LPOP l"]
    ) {
      await callBinary(c, ...cmd.split(" "));
    }
    assert.deepEqual([stats.keyspaceHits - h, stats.keyspaceMisses - m], [4, 2]);
  });
});

Deno.test("list: OBJECT ENCODING follows list-max-listpack-size at Redis's conversion points", async () => {
  await withClient({}, async (c, srv) => {
    const enc = async (k: string) =>
      (await callBinary(c, "OBJECT", "ENCODING", k)).split("\r\n")[1];
    await callBinary(c, "CONFIG", "SET", "list-max-listpack-size", "8");
    await callBinary(c, "RPUSH", "l", ..."12345678".split(""));
    assert.equal(await enc("l"), "listpack");
    await callBinary(c, "RPUSH", "l", "9");
    assert.equal(await enc("l"), "quicklist");
    // Shrinking converts back only below half the limit.
    await callBinary(c, "RPOP", "l", "4");
    assert.equal(await enc("l"), "quicklist");
    await callBinary(c, "RPOP", "l");
    assert.equal(await enc("l"), "listpack");
    // LINSERT converts before looking for the pivot, even when it is missing.
    await callBinary(c, "CONFIG", "SET", "list-max-listpack-size", "-1");
    assert.equal(
      await callBinary(c, "LINSERT", "l", "BEFORE", "nope", "x".repeat(5000)),
      ":-1\r\n",
    );
    assert.equal(await enc("l"), "quicklist");
    assert.equal(listAt(srv, "l")!.length, 4);
    // Big LSET converts; replacing it by a small one converts back.
    await callBinary(c, "DEL", "l");
    await callBinary(c, "RPUSH", "l", "a", "b");
    await callBinary(c, "LSET", "l", "0", "y".repeat(5000));
    assert.equal(await enc("l"), "quicklist");
    await callBinary(c, "LSET", "l", "0", "a");
    assert.equal(await enc("l"), "listpack");
  });
});

// ---------------------------------------------------------------------------
// Randomized model test: random list operations against a JS array model.

const NULL_BULK = "$-1\r\n";
const NULL_ARRAY = "*-1\r\n";

/** Applies one command to the model and returns the reply Redis would give. */
function modelApply(model: Map<string, string[]>, cmd: string[]): string {
  const [name, key] = cmd;
  const get = (k: string) => model.get(k);
  const take = (k: string) => {
    let l = model.get(k);
    if (!l) model.set(k, l = []);
    return l;
  };
  const tidy = (k: string) => {
    if (model.get(k)?.length === 0) model.delete(k);
  };
  const norm = (l: string[], i: number) => (i < 0 ? l.length + i : i);
  const range = (l: string[], start: number, end: number) => {
    if (start < 0) start = l.length + start;
    if (end < 0) end = l.length + end;
    if (start < 0) start = 0;
    if (start > end || start >= l.length) return [];
    return l.slice(start, Math.min(end, l.length - 1) + 1);
  };
  switch (name) {
    case "LPUSH":
    case "RPUSH":
    case "LPUSHX":
    case "RPUSHX": {
      if (name.endsWith("X") && !get(key)) return int(0);
      const l = take(key);
      for (const v of cmd.slice(2)) name[0] === "L" ? l.unshift(v) : l.push(v);
      return int(l.length);
    }
    case "LPOP":
    case "RPOP": {
      const l = get(key);
      if (cmd.length === 3) {
        if (!l) return NULL_ARRAY;
        const n = Math.min(Number(cmd[2]), l.length);
        const out = name === "LPOP" ? l.splice(0, n) : l.splice(l.length - n, n).reverse();
        tidy(key);
        return arr(out.map(bulk));
      }
      if (!l) return NULL_BULK;
      const v = name === "LPOP" ? l.shift()! : l.pop()!;
      tidy(key);
      return bulk(v);
    }
    case "LLEN":
      return int(get(key)?.length ?? 0);
    case "LRANGE":
      return arr(range(get(key) ?? [], Number(cmd[2]), Number(cmd[3])).map(bulk));
    case "LINDEX": {
      const l = get(key) ?? [];
      const i = norm(l, Number(cmd[2]));
      return i >= 0 && i < l.length ? bulk(l[i]) : NULL_BULK;
    }
    case "LSET": {
      const l = get(key);
      if (!l) return "-ERR no such key\r\n";
      const i = norm(l, Number(cmd[2]));
      if (i < 0 || i >= l.length) return "-ERR index out of range\r\n";
      l[i] = cmd[3];
      return "+OK\r\n";
    }
    case "LINSERT": {
      const l = get(key);
      if (!l) return int(0);
      const i = l.indexOf(cmd[3]);
      if (i === -1) return int(-1);
      l.splice(cmd[2] === "AFTER" ? i + 1 : i, 0, cmd[4]);
      return int(l.length);
    }
    case "LREM": {
      const l = get(key);
      if (!l) return int(0);
      const count = Number(cmd[2]);
      let removed = 0;
      if (count >= 0) {
        for (let i = 0; i < l.length;) {
          if (l[i] === cmd[3] && (count === 0 || removed < count)) {
            l.splice(i, 1);
            removed++;
          } else i++;
        }
      } else {
        for (let i = l.length - 1; i >= 0 && removed < -count; i--) {
          if (l[i] === cmd[3]) {
            l.splice(i, 1);
            removed++;
          }
        }
      }
      tidy(key);
      return int(removed);
    }
    case "LTRIM": {
      const l = get(key);
      if (!l) return "+OK\r\n";
      model.set(key, range(l, Number(cmd[2]), Number(cmd[3])));
      tidy(key);
      return "+OK\r\n";
    }
    case "LPOS": {
      const l = get(key);
      let rank = 1, count = -1, maxlen = 0;
      for (let j = 3; j < cmd.length; j += 2) {
        if (cmd[j] === "RANK") rank = Number(cmd[j + 1]);
        else if (cmd[j] === "COUNT") count = Number(cmd[j + 1]);
        else maxlen = Number(cmd[j + 1]);
      }
      if (!l) return count === -1 ? NULL_BULK : arr([]);
      const found: number[] = [];
      let matches = 0;
      const n = maxlen === 0 ? l.length : Math.min(maxlen, l.length);
      for (let k = 0; k < n; k++) {
        const idx = rank > 0 ? k : l.length - 1 - k;
        if (l[idx] !== cmd[2]) continue;
        if (++matches < Math.abs(rank)) continue;
        found.push(idx);
        if (count === -1 || (count !== 0 && found.length === count)) break;
      }
      if (count === -1) return found.length ? int(found[0]) : NULL_BULK;
      return arr(found.map(int));
    }
    case "LMOVE":
    case "RPOPLPUSH": {
      const [from, to] = name === "LMOVE" ? [cmd[3], cmd[4]] : ["RIGHT", "LEFT"];
      const src = get(key);
      if (!src) return NULL_BULK;
      const v = from === "LEFT" ? src.shift()! : src.pop()!;
      const dst = take(cmd[2]);
      to === "LEFT" ? dst.unshift(v) : dst.push(v);
      tidy(key);
      return bulk(v);
    }
    case "BLPOP":
    case "BRPOP": {
      const k = cmd.slice(1, -1).find((k) => get(k));
      if (k === undefined) return NULL_ARRAY; // (generated only when a key has data)
      const l = get(k)!;
      const v = name === "BLPOP" ? l.shift()! : l.pop()!;
      tidy(k);
      return arr([bulk(k), bulk(v)]);
    }
    case "BLMOVE":
    case "BRPOPLPUSH":
      return modelApply(model, [name.slice(1), ...cmd.slice(1, -1)]);
    case "BLMPOP":
      return modelApply(model, cmd.slice(1).toSpliced(0, 1, "LMPOP"));
    case "LMPOP": {
      const n = Number(cmd[1]);
      const keys = cmd.slice(2, 2 + n);
      const where = cmd[2 + n];
      const count = cmd.length > 3 + n ? Number(cmd[4 + n]) : 1;
      for (const k of keys) {
        const l = get(k);
        if (!l) continue;
        const c = Math.min(count, l.length);
        const out = where === "LEFT" ? l.splice(0, c) : l.splice(l.length - c, c).reverse();
        tidy(k);
        return arr([bulk(k), arr(out.map(bulk))]);
      }
      return NULL_ARRAY;
    }
  }
  throw new Error("model: unknown command " + name);
}

/**
 * A random list command over a few keys and a small alphabet (plus occasional
 * big values). Blocking forms are generated only when `model` says one of
 * their keys has data, so they never block.
 */
function randomListCommand(
  r: () => number,
  bigValues: boolean,
  model: Map<string, string[]>,
): string[] {
  const pick = <T>(a: T[]) => a[Math.floor(r() * a.length)];
  const keys = ["k0", "k1", "k2"];
  const small = ["a", "b", "c", "1", "22", "-3", "9223372036854775807", "x".repeat(40)];
  const val =
    () => (bigValues && r() < 0.03 ? "B".repeat(200 + Math.floor(r() * 9000)) : pick(small));
  const idx = () => String(Math.floor(r() * 14) - 7);
  const key = pick(keys);
  const side = () => pick(["LEFT", "RIGHT"]);
  const timeout = () => pick(["0", "0.5", "1"]);
  switch (Math.floor(r() * 19)) {
    case 0:
    case 1:
      return [
        pick(["LPUSH", "RPUSH"]),
        key,
        ...Array.from({ length: 1 + Math.floor(r() * 4) }, val),
      ];
    case 2:
      return [pick(["LPUSHX", "RPUSHX"]), key, val()];
    case 3:
      return r() < 0.5
        ? [pick(["LPOP", "RPOP"]), key]
        : [pick(["LPOP", "RPOP"]), key, String(Math.floor(r() * 4))];
    case 4:
      return ["LLEN", key];
    case 5:
    case 6:
      return ["LRANGE", key, idx(), idx()];
    case 7:
      return ["LINDEX", key, idx()];
    case 8:
      return ["LSET", key, idx(), val()];
    case 9:
      return ["LINSERT", key, pick(["BEFORE", "AFTER"]), pick(small), val()];
    case 10:
      return ["LREM", key, String(Math.floor(r() * 5) - 2), pick(small)];
    case 11:
      return ["LTRIM", key, idx(), String(Math.floor(r() * 20) - 3)];
    case 12: {
      const cmd = ["LPOS", key, pick(small)];
      if (r() < 0.5) cmd.push("RANK", pick(["1", "2", "-1", "-2", "3"]));
      if (r() < 0.5) cmd.push("COUNT", String(Math.floor(r() * 3)));
      if (r() < 0.3) cmd.push("MAXLEN", String(Math.floor(r() * 6)));
      return cmd;
    }
    case 13:
      return ["LMOVE", key, pick(keys), side(), side()];
    case 14:
      return ["RPOPLPUSH", key, pick(keys)];
    case 15: {
      const n = 1 + Math.floor(r() * 3);
      const cmd = ["LMPOP", String(n), ...Array.from({ length: n }, () => pick(keys)), side()];
      if (r() < 0.5) cmd.push("COUNT", String(1 + Math.floor(r() * 4)));
      return cmd;
    }
    case 16: {
      const ks = Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(keys));
      if (!ks.some((k) => model.has(k))) return ["LLEN", key];
      return [pick(["BLPOP", "BRPOP"]), ...ks, timeout()];
    }
    case 17: {
      if (!model.has(key)) return ["LLEN", key];
      if (r() < 0.3) return ["BRPOPLPUSH", key, pick(keys), timeout()];
      return ["BLMOVE", key, pick(keys), side(), side(), timeout()];
    }
    case 18: {
      const n = 1 + Math.floor(r() * 3);
      const ks = Array.from({ length: n }, () => pick(keys));
      if (!ks.some((k) => model.has(k))) return ["LLEN", key];
      const cmd = ["BLMPOP", timeout(), String(n), ...ks, side()];
      if (r() < 0.5) cmd.push("COUNT", String(1 + Math.floor(r() * 4)));
      return cmd;
    }
    default:
      return ["LRANGE", key, "0", "-1"];
  }
}

/** Sends commands pipelined in batches; returns the raw replies. */
async function pipeline(c: RawClient, cmds: string[][], batch = 250): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < cmds.length; i += batch) {
    const part = cmds.slice(i, i + batch);
    await c.write(concatBytes(part.map((cmd) => encodeCommand(cmd.map(binaryToBytes)))));
    for (let j = 0; j < part.length; j++) out.push(await c.readRaw());
  }
  return out;
}

Deno.test("list: thousands of random operations match a JS array model reply for reply", async () => {
  // Each configuration exercises another quicklist layout: one listpack, nodes of
  // a few entries, size-limited nodes with plain nodes for big values.
  const configs: [string, number, boolean][] = [["-2", 1, false], ["3", 2, true], ["-1", 3, true]];
  await withClient({}, async (c, srv) => {
    for (const [fill, seed, big] of configs) {
      assert.equal(await callBinary(c, "FLUSHALL"), "+OK\r\n");
      await callBinary(c, "CONFIG", "SET", "list-max-listpack-size", fill);
      const r = rng(seed);
      const model = new Map<string, string[]>();
      const cmds: string[][] = [];
      const want: string[] = [];
      for (let i = 0; i < 4000; i++) {
        const cmd = randomListCommand(r, big, model);
        cmds.push(cmd);
        want.push(modelApply(model, cmd));
      }
      const got = await pipeline(c, cmds);
      for (let i = 0; i < cmds.length; i++) {
        assert.equal(got[i], want[i], `fill ${fill} op ${i}: ${cmds[i].join(" ").slice(0, 120)}`);
      }
      // Final state: the same lists, and no empty list left behind.
      for (const k of ["k0", "k1", "k2"]) {
        const l = listAt(srv, k);
        assert.deepEqual(l ? [...l].map(bytesToBinary) : undefined, model.get(k), k);
      }
    }
  });
});

Deno.test("list: a 1,000,000-element list built by pipelined batches stays correct and responsive", async () => {
  await withServer({}, async (srv) => {
    await withConnections(srv.port, 2, async ([c, other]) => {
      const perCmd = 1000;
      const cmds: string[][] = [];
      for (let b = 0; b < 1000; b++) {
        const cmd = ["RPUSH", "big"];
        for (let i = b * perCmd; i < (b + 1) * perCmd; i++) cmd.push("v" + i);
        cmds.push(cmd);
      }
      for (let i = 0; i < cmds.length; i += 100) {
        const got = await pipeline(c, cmds.slice(i, i + 100), 100);
        assert.equal(got[got.length - 1], int((i + 100) * perCmd));
        // Another client is served between batches.
        assert.equal(await other.call("LINDEX", "big", String(i * perCmd)), bulk("v" + i * perCmd));
      }
      assert.equal(await callBinary(other, "LLEN", "big"), ":1000000\r\n");
      assert.equal(await callBinary(other, "OBJECT", "ENCODING", "big"), "$9\r\nquicklist\r\n");
      assert.equal(await callBinary(c, "LINDEX", "big", "500000"), bulk("v500000"));
      assert.equal(await callBinary(c, "LINDEX", "big", "-1"), bulk("v999999"));
      assert.equal(await callBinary(c, "LINDEX", "big", "-1000000"), bulk("v0"));
      assert.equal(await callBinary(c, "LINDEX", "big", "1000000"), NULL_BULK);
      assert.equal(
        await callBinary(c, "LRANGE", "big", "499998", "500001"),
        arr(["v499998", "v499999", "v500000", "v500001"].map(bulk)),
      );
      assert.equal(
        await callBinary(c, "LRANGE", "big", "-500001", "-499999"),
        arr(["v499999", "v500000", "v500001"].map(bulk)),
      );
      assert.equal(await callBinary(c, "LSET", "big", "654321", "X"), "+OK\r\n");
      assert.equal(await callBinary(c, "LINDEX", "big", "654321"), bulk("X"));
      assert.equal(await callBinary(c, "LINSERT", "big", "BEFORE", "v700000", "Y"), ":1000001\r\n");
      assert.equal(
        await callBinary(c, "LRANGE", "big", "699999", "700001"),
        arr(["v699999", "Y", "v700000"].map(bulk)),
      );
      assert.equal(await callBinary(c, "LPOS", "big", "v900000"), ":900001\r\n");
      assert.equal(await callBinary(c, "LPOS", "big", "v900000", "RANK", "-1"), ":900001\r\n");
      assert.equal(await callBinary(c, "LPOS", "big", "v900000", "MAXLEN", "1000"), NULL_BULK);
      assert.equal(await callBinary(c, "LREM", "big", "-1", "v3"), ":1\r\n");
      assert.equal(await callBinary(c, "LINDEX", "big", "3"), bulk("v4"));
      assert.equal(await callBinary(c, "RPOP", "big", "2"), arr(["v999999", "v999998"].map(bulk)));
      assert.equal(await callBinary(c, "LPOP", "big", "2"), arr(["v0", "v1"].map(bulk)));
      assert.equal(await callBinary(c, "LTRIM", "big", "100000", "-100001"), "+OK\r\n");
      assert.equal(await callBinary(c, "LLEN", "big"), ":799996\r\n");
      assert.equal(await callBinary(c, "LINDEX", "big", "0"), bulk("v100003"));
      assert.equal(await callBinary(other, "PING"), "+PONG\r\n");
      assert.equal(await callBinary(c, "DEL", "big"), ":1\r\n");
    });
  });
});

Deno.test("list: ioredis round trips (pushes, ranges, Buffers, LPOS, LMPOP)", async () => {
  await withServer({}, async (srv) => {
    await withIoredis(srv.port, async (redis) => {
      assert.equal(await redis.rpush("l", "a", "b", "c"), 3);
      assert.equal(await redis.lpush("l", "z"), 4);
      assert.deepEqual(await redis.lrange("l", 0, -1), ["z", "a", "b", "c"]);
      assert.equal(await redis.lindex("l", -1), "c");
      assert.equal(await redis.lpos("l", "b"), 2);
      assert.deepEqual(await redis.lpos("l", "b", "COUNT", 0), [2]);
      assert.equal(await redis.linsert("l", "AFTER", "a", "ä"), 5);
      assert.deepEqual(await redis.lpop("l", 2), ["z", "a"]);
      assert.equal(await redis.rpop("l"), "c");
      assert.deepEqual(await redis.lmpop(1, "l", "LEFT", "COUNT", 5), ["l", ["ä", "b"]]);
      assert.equal(await redis.exists("l"), 0);
      const bin = Buffer.from([0, 255, 13, 10, 128]);
      await redis.rpush("bin", bin);
      assert.deepEqual(await redis.lrangeBuffer("bin", 0, -1), [bin]);
      assert.equal(await redis.lmove("bin", "bin2", "LEFT", "RIGHT"), bin.toString());
      assert.equal(await redis.lpop("nokey"), null);
    });
  });
});

// ---------------------------------------------------------------------------
// Differential tests against a live valkey-server (Redis 7.2 behaviour), when installed.

/** The reference runs DEBUG QUICKLIST-PACKED-THRESHOLD like our server. */
const DEBUG_REFERENCE = ["--enable-debug-command", "yes"];

/** Runs sequences (each on a flushed db with default list settings) and returns the replies. */
async function runSequences(port: number, seqs: string[][][]): Promise<string[][]> {
  const c = await RawClient.connect(port);
  try {
    const out: string[][] = [];
    for (const seq of seqs) {
      await callBinary(c, "FLUSHALL");
      await callBinary(c, "CONFIG", "SET", "list-max-listpack-size", "-2");
      await callBinary(c, "DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0");
      const replies: string[] = [];
      for (const cmd of seq) replies.push(await callBinary(c, ...cmd));
      await callBinary(c, "HELLO", "2");
      out.push(replies);
    }
    return out;
  } finally {
    c.close();
  }
}

Deno.test({
  name: "list: byte-identical to valkey-server for the recorded sequences and COMMAND rows",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    const seqs = CASES.map((seq) => seq.filter(([, want]) => want !== null).map(([cmd]) => cmd));
    seqs.push(ENCODING_CASES.map(([cmd]) => cmd));
    const names = listCommands.map((r) => r.name);
    seqs.push([
      ["COMMAND", "INFO", ...names],
      ["COMMAND", "DOCS", ...names],
      ["COMMAND", "GETKEYS", "LMPOP", "2", "a", "b", "LEFT"],
      ["COMMAND", "GETKEYS", "BLMPOP", "0", "2", "a", "b", "LEFT", "COUNT", "3"],
      ["COMMAND", "GETKEYS", "BLPOP", "a", "b", "c", "0"],
      ["COMMAND", "GETKEYSANDFLAGS", "LMOVE", "a", "b", "LEFT", "LEFT"],
      ["COMMAND", "GETKEYSANDFLAGS", "BLMPOP", "0", "2", "a", "b", "LEFT", "COUNT", "3"],
      ["COMMAND", "GETKEYS", "LMPOP", "3", "a", "b", "LEFT"],
      ["COMMAND", "GETKEYS", "LMPOP", "0", "a", "b", "LEFT"],
    ]);
    let ours: string[][] = [];
    await withServer({ "enable-debug-command": "local" }, async (srv) => {
      ours = await runSequences(srv.port, seqs);
    });
    await withReference(async (port) => {
      const ref = await runSequences(port, seqs);
      seqs.forEach((seq, i) => {
        for (let j = 0; j < seq.length; j++) {
          const cmd = seq[j];
          // Valkey range-checks LREM's count; Redis 7.2 takes LONG_MIN (removes all from
          // the tail): the rest of that sequence can't be compared.
          if (cmd[0] === "LREM" && cmd[2] === "-9223372036854775808") break;
          assert.equal(ours[i][j], ref[i][j], `${cmd.join(" ")} (seq ${i})`);
        }
      });
    }, DEBUG_REFERENCE);
  },
});

Deno.test({
  name: "list: keyspace events equal valkey-server's",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    const ours = await ourEvents();
    await withReference(async (port) => {
      const a = await RawClient.connect(port);
      const sub = await RawClient.connect(port);
      try {
        await callBinary(a, "CONFIG", "SET", "notify-keyspace-events", "KEAnm");
        await callBinary(sub, "PSUBSCRIBE", "__keyevent@0__:*");
        for (let i = 0; i < EVENT_CASES.length; i++) {
          await callBinary(a, ...EVENT_CASES[i][0].split(" "));
          await callBinary(a, "PUBLISH", "__keyevent@0__:mark", "end");
          const events: string[] = [];
          while (true) {
            const parts = (await sub.readRaw()).split("\r\n");
            const event = parts[6].slice("__keyevent@0__:".length);
            if (event === "mark") break;
            events.push(`${event} ${parts[8]}`);
          }
          assert.deepEqual(ours[i], events, EVENT_CASES[i][0]);
        }
      } finally {
        a.close();
        sub.close();
      }
    }, DEBUG_REFERENCE);
  },
});

Deno.test({
  name: "list: random operation streams equal valkey-server's (replies and OBJECT ENCODING)",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    const configs: [string, string, number][] = [
      ["-2", "0", 11],
      ["2", "0", 12],
      ["5", "0", 13],
      ["-1", "0", 14],
      ["4", "100", 15],
    ];
    const streams = configs.map(([fill, packed, seed]) => {
      const r = rng(seed);
      const model = new Map<string, string[]>();
      const cmds: string[][] = [
        ["FLUSHALL"],
        ["CONFIG", "SET", "list-max-listpack-size", fill],
        ["DEBUG", "QUICKLIST-PACKED-THRESHOLD", packed],
      ];
      for (let i = 0; i < 1500; i++) {
        const cmd = randomListCommand(r, true, model);
        modelApply(model, cmd);
        cmds.push(cmd);
        if (i % 10 === 0) {
          for (const k of ["k0", "k1", "k2"]) cmds.push(["OBJECT", "ENCODING", k]);
        }
      }
      return cmds;
    });
    const run = async (port: number) => {
      const c = await RawClient.connect(port);
      try {
        const out: string[][] = [];
        for (const cmds of streams) out.push(await pipeline(c, cmds));
        return out;
      } finally {
        c.close();
      }
    };
    let ours: string[][] = [];
    await withServer({ "enable-debug-command": "local" }, async (srv) => {
      ours = await run(srv.port);
    });
    await withReference(async (port) => {
      const ref = await run(port);
      streams.forEach((cmds, i) =>
        cmds.forEach((cmd, j) =>
          assert.equal(ours[i][j], ref[i][j], `stream ${i} op ${j}: ${cmd.join(" ").slice(0, 100)}`)
        )
      );
    }, DEBUG_REFERENCE);
  },
});
