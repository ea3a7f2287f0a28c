// Tests for the string commands (src/commands/string.ts). Expected replies were
// recorded from valkey-server 8.0 and redis-server 7.0 (identical for every case
// below); when valkey-server is installed the same sequences, plus generated
// ones, are also compared byte for byte against a live instance.

import assert from "node:assert/strict";
import { createClient } from "redis";
import {
  binaryToBytes,
  bytesToBinary,
  callBinary as call,
  captureKeyEvents,
  captureNotifications,
  encodeCommand,
  RawClient,
  resp3,
  type RespReply,
  sleep,
  withClient,
  withServer,
  WRONGTYPE_REPLY,
} from "./helpers.ts";
import { withIoredis } from "./clients.ts";
import {
  expectSameReply,
  HAS_REFERENCE,
  REFERENCE_IS_VALKEY,
  withOursAndReference,
  withReferenceClient,
} from "./reference.ts";
import type { RunningServer } from "../mod.ts";
import { stringCommands } from "../src/commands/string.ts";
import { RedisList } from "../src/store/list.ts";

/** A command and its exact reply, or a step creating a list at `list` (for WRONGTYPE paths). */
type Case = [string[], string] | { list: string };

/** Puts a one-element list at `key` in db 0 of our server. */
function makeList(srv: RunningServer, key: string): void {
  const db = srv.server.keyspace.dbs[0];
  db.delete(key);
  db.set(key, RedisList.from([binaryToBytes("x")]));
}

/** Command sequence -> exact reply, recorded from valkey-server 8.0 and redis-server 7.0 (identical). */
const CASES: Case[] = [
  // GET / SET basics and option errors
  [["get", "nokey"], "$-1\r\n"],
  [["set", "k", "v"], "+OK\r\n"],
  [["get", "k"], "$1\r\nv\r\n"],
  [["set", "k", "v", "ex"], "-ERR syntax error\r\n"],
  [["set", "k", "v", "ex", "0"], "-ERR invalid expire time in 'set' command\r\n"],
  [["set", "k", "v", "ex", "-1"], "-ERR invalid expire time in 'set' command\r\n"],
  [["set", "k", "v", "ex", "abc"], "-ERR value is not an integer or out of range\r\n"],
  [["set", "k", "v", "px", "9223372036854775807"], "-ERR invalid expire time in 'set' command\r\n"],
  [["set", "k", "v", "ex", "9223372036854775"], "-ERR invalid expire time in 'set' command\r\n"],
  [["set", "k", "v", "ex", "9223372036854776"], "-ERR invalid expire time in 'set' command\r\n"],
  [["set", "k", "v", "exat", "9223372036854775"], "+OK\r\n"],
  [["set", "k", "v", "pxat", "9223372036854775807"], "+OK\r\n"],
  [["set", "k", "v", "exat", "9223372036854776"], "-ERR invalid expire time in 'set' command\r\n"],
  [["set", "k", "v", "nx", "xx"], "-ERR syntax error\r\n"],
  [["set", "k", "v", "xx", "nx"], "-ERR syntax error\r\n"],
  [["set", "k", "v", "ex", "10", "px", "10"], "-ERR syntax error\r\n"],
  [["set", "k", "v", "px", "10", "ex", "10"], "-ERR syntax error\r\n"],
  [["set", "k", "v", "exat", "10", "pxat", "10"], "-ERR syntax error\r\n"],
  [["set", "k", "v", "ex", "10", "keepttl"], "-ERR syntax error\r\n"],
  [["set", "k", "v", "keepttl", "ex", "10"], "-ERR syntax error\r\n"],
  [["set", "k", "v", "keepttl", "pxat", "10"], "-ERR syntax error\r\n"],
  [["set", "k", "v", "persist"], "-ERR syntax error\r\n"],
  [["set", "k", "v", "foo"], "-ERR syntax error\r\n"],
  [["set", "k", "v", "EX", "10", "EX", "20"], "+OK\r\n"],
  [["set", "k", "v", "ex", "10", "ex"], "-ERR syntax error\r\n"],
  [["set", "k", "v", "Nx"], "$-1\r\n"],
  [["set", "k", "v", "gEt"], "$1\r\nv\r\n"],
  [["set", "k", "v", "get", "get"], "$1\r\nv\r\n"],
  [["set", "k", "v", "nx", "get"], "$1\r\nv\r\n"],
  [["set", "k", "v2", "xx", "get"], "$1\r\nv\r\n"],
  [["set", "k", "v3", "XX", "KEEPTTL", "GET"], "$2\r\nv2\r\n"],
  [["set", "k", "v4", "keepttl", "keepttl"], "+OK\r\n"],
  [["set", "nk", "v", "xx"], "$-1\r\n"],
  [["set", "nk", "v", "xx", "get"], "$-1\r\n"],
  [["get", "nk"], "$-1\r\n"],
  [["set", "nk", "v", "nx", "get"], "$-1\r\n"],
  [["set", "nk", "v2", "nx"], "$-1\r\n"],
  [["set", "nk", "v2", "nx", "get"], "$1\r\nv\r\n"],
  [["get", "nk"], "$1\r\nv\r\n"],
  [["set", "k", "v", "pxat", "1"], "+OK\r\n"],
  [["get", "k"], "$-1\r\n"],
  [["set", "k", "v", "exat", "1", "get"], "$-1\r\n"],
  { list: "l" },
  [["set", "l", "v", "get"], WRONGTYPE_REPLY],
  [["set", "l", "v", "nx", "get"], WRONGTYPE_REPLY],
  [["set", "l", "v", "xx"], "+OK\r\n"],
  [["get", "l"], "$1\r\nv\r\n"],
  [["set", "l", "v"], "+OK\r\n"],
  [["get", "l"], "$1\r\nv\r\n"],
  // SETNX / SETEX / PSETEX
  [["setnx", "sn", "a"], ":1\r\n"],
  [["setnx", "sn", "b"], ":0\r\n"],
  [["get", "sn"], "$1\r\na\r\n"],
  [["setex", "se", "0", "v"], "-ERR invalid expire time in 'setex' command\r\n"],
  [["setex", "se", "-5", "v"], "-ERR invalid expire time in 'setex' command\r\n"],
  [["setex", "se", "abc", "v"], "-ERR value is not an integer or out of range\r\n"],
  [["setex", "se", "9223372036854776", "v"], "-ERR invalid expire time in 'setex' command\r\n"],
  [["setex", "se", "100", "v"], "+OK\r\n"],
  [["get", "se"], "$1\r\nv\r\n"],
  [["psetex", "pe", "0", "v"], "-ERR invalid expire time in 'psetex' command\r\n"],
  [["psetex", "pe", "100000", "v"], "+OK\r\n"],
  [["get", "pe"], "$1\r\nv\r\n"],
  { list: "l2" },
  [["setnx", "l2", "v"], ":0\r\n"],
  [["setex", "l2", "10", "v"], "+OK\r\n"],
  [["get", "l2"], "$1\r\nv\r\n"],
  // GETEX
  [["getex", "nokey"], "$-1\r\n"],
  [["getex", "nokey", "ex", "0"], "$-1\r\n"],
  [["getex", "nokey", "foo"], "-ERR syntax error\r\n"],
  [["set", "s", "hello"], "+OK\r\n"],
  [["getex", "s"], "$5\r\nhello\r\n"],
  [["getex", "s", "foo"], "-ERR syntax error\r\n"],
  [["getex", "s", "ex"], "-ERR syntax error\r\n"],
  [["getex", "s", "ex", "0"], "-ERR invalid expire time in 'getex' command\r\n"],
  [["getex", "s", "ex", "-1"], "-ERR invalid expire time in 'getex' command\r\n"],
  [["getex", "s", "ex", "abc"], "-ERR value is not an integer or out of range\r\n"],
  [["getex", "s", "px", "9223372036854775807"], "-ERR invalid expire time in 'getex' command\r\n"],
  [["getex", "s", "persist", "ex", "10"], "-ERR syntax error\r\n"],
  [["getex", "s", "ex", "10", "persist"], "-ERR syntax error\r\n"],
  [["getex", "s", "keepttl"], "-ERR syntax error\r\n"],
  [["getex", "s", "nx"], "-ERR syntax error\r\n"],
  [["getex", "s", "get"], "-ERR syntax error\r\n"],
  [["getex", "s", "px", "100000"], "$5\r\nhello\r\n"],
  [["getex", "s", "persist"], "$5\r\nhello\r\n"],
  [["getex", "s", "persist"], "$5\r\nhello\r\n"],
  [["getex", "s", "PXAT", "99999999999000"], "$5\r\nhello\r\n"],
  [["getex", "s", "EXat", "1"], "$5\r\nhello\r\n"],
  [["get", "s"], "$-1\r\n"],
  { list: "l3" },
  [["getex", "l3"], WRONGTYPE_REPLY],
  [["getex", "l3", "ex", "10"], WRONGTYPE_REPLY],
  [["getex", "l3", "foo"], "-ERR syntax error\r\n"],
  // GETDEL / GETSET
  [["set", "gd", "1"], "+OK\r\n"],
  [["getdel", "gd"], "$1\r\n1\r\n"],
  [["getdel", "gd"], "$-1\r\n"],
  { list: "l4" },
  [["getdel", "l4"], WRONGTYPE_REPLY],
  [["getset", "gs", "1"], "$-1\r\n"],
  [["getset", "gs", "2"], "$1\r\n1\r\n"],
  [["get", "gs"], "$1\r\n2\r\n"],
  [["getset", "l4", "9"], WRONGTYPE_REPLY],
  // MGET / MSET / MSETNX
  [["mset", "a"], "-ERR wrong number of arguments for 'mset' command\r\n"],
  [["mset", "a", "1", "b"], "-ERR wrong number of arguments for 'mset' command\r\n"],
  [["msetnx", "a", "1", "b"], "-ERR wrong number of arguments for 'msetnx' command\r\n"],
  [["mset", "a", "1", "b", "2"], "+OK\r\n"],
  [["mget", "a", "b", "nokey"], "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$-1\r\n"],
  { list: "l5" },
  [["mget", "a", "l5", "b"], "*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n2\r\n"],
  [["msetnx", "a", "1", "c", "2"], ":0\r\n"],
  [["mget", "c"], "*1\r\n$-1\r\n"],
  [["msetnx", "c", "1", "d", "2"], ":1\r\n"],
  [["mget", "c", "d"], "*2\r\n$1\r\n1\r\n$1\r\n2\r\n"],
  [["msetnx", "x", "1", "x", "2"], ":1\r\n"],
  [["get", "x"], "$1\r\n2\r\n"],
  [["mset", "a", "9", "a", "10"], "+OK\r\n"],
  [["get", "a"], "$2\r\n10\r\n"],
  // INCR family
  [["incr", "cnt"], ":1\r\n"],
  [["incr", "cnt"], ":2\r\n"],
  [["incrby", "cnt", "10"], ":12\r\n"],
  [["decr", "cnt"], ":11\r\n"],
  [["decrby", "cnt", "5"], ":6\r\n"],
  [["incrby", "cnt", "-100"], ":-94\r\n"],
  [["get", "cnt"], "$3\r\n-94\r\n"],
  [["set", "n", " 1"], "+OK\r\n"],
  [["incr", "n"], "-ERR value is not an integer or out of range\r\n"],
  [["set", "n", "+1"], "+OK\r\n"],
  [["incr", "n"], "-ERR value is not an integer or out of range\r\n"],
  [["set", "n", "01"], "+OK\r\n"],
  [["incr", "n"], "-ERR value is not an integer or out of range\r\n"],
  [["set", "n", "-0"], "+OK\r\n"],
  [["incr", "n"], "-ERR value is not an integer or out of range\r\n"],
  [["set", "n", "1 "], "+OK\r\n"],
  [["incr", "n"], "-ERR value is not an integer or out of range\r\n"],
  [["set", "n", ""], "+OK\r\n"],
  [["incr", "n"], "-ERR value is not an integer or out of range\r\n"],
  [["set", "n", "1.5"], "+OK\r\n"],
  [["incr", "n"], "-ERR value is not an integer or out of range\r\n"],
  [["set", "n", "9223372036854775806"], "+OK\r\n"],
  [["incr", "n"], ":9223372036854775807\r\n"],
  [["incr", "n"], "-ERR increment or decrement would overflow\r\n"],
  [["set", "n", "-9223372036854775807"], "+OK\r\n"],
  [["decr", "n"], ":-9223372036854775808\r\n"],
  [["decr", "n"], "-ERR increment or decrement would overflow\r\n"],
  [["incrby", "n", "-1"], "-ERR increment or decrement would overflow\r\n"],
  [["incrby", "n", "9223372036854775808"], "-ERR value is not an integer or out of range\r\n"],
  [["incrby", "n", "1.5"], "-ERR value is not an integer or out of range\r\n"],
  [["incrby", "n", ""], "-ERR value is not an integer or out of range\r\n"],
  [["incrby", "n", " 1"], "-ERR value is not an integer or out of range\r\n"],
  [["decrby", "n", "-9223372036854775808"], "-ERR decrement would overflow\r\n"],
  [["decrby", "n", "9223372036854775807"], "-ERR increment or decrement would overflow\r\n"],
  [["decrby", "x2", "-9223372036854775808"], "-ERR decrement would overflow\r\n"],
  [["set", "n", "5"], "+OK\r\n"],
  [["decrby", "n", "-9223372036854775807"], "-ERR increment or decrement would overflow\r\n"],
  [["decrby", "n", "-9223372036854775802"], ":9223372036854775807\r\n"],
  [["get", "n"], "$19\r\n9223372036854775807\r\n"],
  [["incrby", "x3", "00"], "-ERR value is not an integer or out of range\r\n"],
  [["incrby", "x3", "-0"], "-ERR value is not an integer or out of range\r\n"],
  [["incrby", "x3", "9223372036854775807"], ":9223372036854775807\r\n"],
  [["incrby", "x3", "1"], "-ERR increment or decrement would overflow\r\n"],
  [["get", "x3"], "$19\r\n9223372036854775807\r\n"],
  { list: "l6" },
  [["incr", "l6"], WRONGTYPE_REPLY],
  [["incrby", "l6", "abc"], "-ERR value is not an integer or out of range\r\n"],
  [["incrby", "l6", "1"], WRONGTYPE_REPLY],
  [["decrby", "l6", "1"], WRONGTYPE_REPLY],
  [["incrbyfloat", "l6", "abc"], WRONGTYPE_REPLY],
  [["incrbyfloat", "l6", "1"], WRONGTYPE_REPLY],
  // INCRBYFLOAT
  [["incrbyfloat", "nf", "abc"], "-ERR value is not a valid float\r\n"],
  [["incrbyfloat", "nf", ""], "-ERR value is not a valid float\r\n"],
  [["incrbyfloat", "nf", " 1"], "-ERR value is not a valid float\r\n"],
  [["incrbyfloat", "nf", "1 "], "-ERR value is not a valid float\r\n"],
  [["incrbyfloat", "nf", "inf"], "-ERR increment would produce NaN or Infinity\r\n"],
  [["incrbyfloat", "nf", "-inf"], "-ERR increment would produce NaN or Infinity\r\n"],
  [["incrbyfloat", "nf", "nan"], "-ERR value is not a valid float\r\n"],
  [
    ["incrbyfloat", "nf", "1e309"],
    "$309\r\n999999999999999999986349424581256454766307763249906048699722933664407363742116431635427166600418245409398702382304152749971957328402423172341126484032370375772746974788657214625693651444984012739133113268869496442311034817571120406763557498021655642425941543468850939783228659030453659621446207643423114002432\r\n",
  ],
  [["exists", "nf"], ":1\r\n"],
  [
    ["incrbyfloat", "nf2", "1e308"],
    "$308\r\n99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153395788938914560543563061268364901618630217086589253444881623791300855757318142424510452728255046343928578048\r\n",
  ],
  [
    ["incrbyfloat", "nf2", "1e308"],
    "$309\r\n199999999999999999993371759311691291321120199694831134415594095989843469737676123744200253843777078640893494450108026446304269499187921167194841628860392837535918200039206381557326219209014213335878306791577877829121087126122536729803237260434173178506889763247582601711514636284849020905456510092687857156096\r\n",
  ],
  [["incrbyfloat", "nf3", "0x10"], "$2\r\n16\r\n"],
  [["incrbyfloat", "nf4", "1.0e2"], "$3\r\n100\r\n"],
  [["incrbyfloat", "nf5", "-0"], "$1\r\n0\r\n"],
  [["incrbyfloat", "nf6", "3.0000000000000000001"], "$1\r\n3\r\n"],
  [["incrbyfloat", "nf7", ".5"], "$3\r\n0.5\r\n"],
  [["incrbyfloat", "nf8", "5."], "$1\r\n5\r\n"],
  [["set", "nf9", " 2"], "+OK\r\n"],
  [["incrbyfloat", "nf9", "1"], "-ERR value is not a valid float\r\n"],
  [["set", "nf9", "2 "], "+OK\r\n"],
  [["incrbyfloat", "nf9", "1"], "-ERR value is not a valid float\r\n"],
  [["set", "nf9", "abc"], "+OK\r\n"],
  [["incrbyfloat", "nf9", "1"], "-ERR value is not a valid float\r\n"],
  [["incrbyfloat", "nf10", "1e17"], "$18\r\n100000000000000000\r\n"],
  [
    ["incrbyfloat", "nf11", "123456789012345678901234567890"],
    "$30\r\n123456789012345678899921813504\r\n",
  ],
  [["incrbyfloat", "nf12", "0.1"], "$3\r\n0.1\r\n"],
  [["incrbyfloat", "nf12", "0.2"], "$3\r\n0.3\r\n"],
  [["incrbyfloat", "nf13", "-1.5e-10"], "$14\r\n-0.00000000015\r\n"],
  [["incrbyfloat", "nf14", "1e-400"], "$1\r\n0\r\n"],
  [["set", "f", "10.5"], "+OK\r\n"],
  [["incrbyfloat", "f", "0.1"], "$4\r\n10.6\r\n"],
  [["incrbyfloat", "f", "1e3"], "$22\r\n1010.59999999999999998\r\n"],
  [["set", "f2", "5.0e3"], "+OK\r\n"],
  [["incrbyfloat", "f2", "2.0e2"], "$4\r\n5200\r\n"],
  [["set", "f3", "3"], "+OK\r\n"],
  [["incrbyfloat", "f3", "-3"], "$1\r\n0\r\n"],
  [["incrbyfloat", "f3", "-3"], "$2\r\n-3\r\n"],
  [
    ["incrbyfloat", "f4", "1.7976931348623157e308"],
    "$309\r\n179769313486231569995921046774104434048386446944329178485314420765176628523124396354701868608387085564428793419425520689308708363451136055357897278026477617073498977686288394835618163294045594434929537447290627480669417384648879122776218333598953852832103282504751611691208117720159985926376802466863339536384\r\n",
  ],
  [
    ["incrbyfloat", "f4", "1.7976931348623157e308"],
    "$309\r\n359538626972463139991842093548208868096772893888658356970628841530353257046248792709403737216774171128857586838851041378617416726902272110715794556052955234146997955372576789671236326588091188869859074894581254961338834769297758245552436667197907705664206565009503223382416235440319971852753604933726679072768\r\n",
  ],
  // APPEND / STRLEN / GETRANGE / SUBSTR / SETRANGE
  [["append", "ap", "abc"], ":3\r\n"],
  [["append", "ap", "def"], ":6\r\n"],
  [["append", "ap", ""], ":6\r\n"],
  [["get", "ap"], "$6\r\nabcdef\r\n"],
  [["strlen", "ap"], ":6\r\n"],
  [["strlen", "nokey"], ":0\r\n"],
  { list: "l7" },
  [["append", "l7", "x"], WRONGTYPE_REPLY],
  [["strlen", "l7"], WRONGTYPE_REPLY],
  [["set", "s", "Hello World"], "+OK\r\n"],
  [["getrange", "s", "0", "4"], "$5\r\nHello\r\n"],
  [["getrange", "s", "-5", "-1"], "$5\r\nWorld\r\n"],
  [["getrange", "s", "-1", "-5"], "$0\r\n\r\n"],
  [["getrange", "s", "5", "3"], "$0\r\n\r\n"],
  [["getrange", "s", "0", "-100"], "$1\r\nH\r\n"],
  [["getrange", "s", "-100", "-50"], "$1\r\nH\r\n"],
  [["getrange", "s", "-100", "100"], "$11\r\nHello World\r\n"],
  [["getrange", "s", "100", "200"], "$0\r\n\r\n"],
  [["getrange", "s", "0", "9223372036854775807"], "$11\r\nHello World\r\n"],
  [["getrange", "s", "-9223372036854775808", "-1"], "$11\r\nHello World\r\n"],
  [
    ["getrange", "s", "0", "9223372036854775808"],
    "-ERR value is not an integer or out of range\r\n",
  ],
  [["getrange", "s", "a", "1"], "-ERR value is not an integer or out of range\r\n"],
  [["getrange", "s", "1", "a"], "-ERR value is not an integer or out of range\r\n"],
  [["getrange", "nokey", "0", "-1"], "$0\r\n\r\n"],
  [["getrange", "nokey", "a", "1"], "-ERR value is not an integer or out of range\r\n"],
  [["getrange", "l7", "0", "1"], WRONGTYPE_REPLY],
  [["getrange", "l7", "a", "1"], "-ERR value is not an integer or out of range\r\n"],
  [["substr", "s", "0", "2"], "$3\r\nHel\r\n"],
  [["substr", "s", "-3", "-1"], "$3\r\nrld\r\n"],
  [["set", "e", ""], "+OK\r\n"],
  [["getrange", "e", "0", "-1"], "$0\r\n\r\n"],
  [["getrange", "e", "0", "0"], "$0\r\n\r\n"],
  [["getrange", "e", "-1", "0"], "$0\r\n\r\n"],
  [["set", "i", "12345"], "+OK\r\n"],
  [["getrange", "i", "1", "2"], "$2\r\n23\r\n"],
  [["setrange", "s", "6", "Redis"], ":11\r\n"],
  [["get", "s"], "$11\r\nHello Redis\r\n"],
  [["setrange", "s", "-1", "x"], "-ERR offset is out of range\r\n"],
  [["setrange", "s", "a", "x"], "-ERR value is not an integer or out of range\r\n"],
  [
    ["setrange", "s", "9223372036854775807", "x"],
    "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
  ],
  [
    ["setrange", "s", "536870911", "xy"],
    "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
  ],
  [["setrange", "s", "536870912", ""], ":11\r\n"],
  [["setrange", "nokey", "5", ""], ":0\r\n"],
  [["exists", "nokey"], ":0\r\n"],
  [["setrange", "sr", "2", "ab"], ":4\r\n"],
  [["get", "sr"], "$4\r\n\u0000\u0000ab\r\n"],
  [["setrange", "sr", "0", ""], ":4\r\n"],
  [["setrange", "sr", "0", "X"], ":4\r\n"],
  [["setrange", "sr", "3", "YZW"], ":6\r\n"],
  [["get", "sr"], "$6\r\nX\u0000aYZW\r\n"],
  [["setrange", "sr", "10", "!"], ":11\r\n"],
  [["get", "sr"], "$11\r\nX\u0000aYZW\u0000\u0000\u0000\u0000!\r\n"],
  [["setrange", "l7", "0", "x"], WRONGTYPE_REPLY],
  [["setrange", "l7", "0", ""], WRONGTYPE_REPLY],
  [["setrange", "l7", "-1", "x"], "-ERR offset is out of range\r\n"],
  [
    ["setrange", "nk3", "536870912", "x"],
    "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
  ],
  [
    ["setrange", "nk3", "536870911", "xy"],
    "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n",
  ],
  // LCS
  [["mset", "key1", "ohmytext", "key2", "mynewtext"], "+OK\r\n"],
  [["lcs", "key1", "key2"], "$6\r\nmytext\r\n"],
  [["lcs", "key1", "key2", "len"], ":6\r\n"],
  [["lcs", "key1", "key2", "LEN"], ":6\r\n"],
  [
    ["lcs", "key1", "key2", "idx"],
    "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n",
  ],
  [
    ["lcs", "key1", "key2", "idx", "minmatchlen", "4"],
    "*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n",
  ],
  [
    ["lcs", "key1", "key2", "idx", "minmatchlen", "4", "withmatchlen"],
    "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n",
  ],
  [
    ["lcs", "key1", "key2", "idx", "withmatchlen"],
    "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n",
  ],
  [
    ["lcs", "key1", "key2", "withmatchlen", "idx"],
    "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n",
  ],
  [
    ["lcs", "key1", "key2", "len", "idx"],
    "-ERR If you want both the length and indexes, please just use IDX.\r\n",
  ],
  [
    ["lcs", "key1", "key2", "idx", "len"],
    "-ERR If you want both the length and indexes, please just use IDX.\r\n",
  ],
  [["lcs", "key1", "key2", "withmatchlen"], "$6\r\nmytext\r\n"],
  [["lcs", "key1", "key2", "minmatchlen", "2"], "$6\r\nmytext\r\n"],
  [["lcs", "key1", "key2", "minmatchlen"], "-ERR syntax error\r\n"],
  [
    ["lcs", "key1", "key2", "minmatchlen", "abc"],
    "-ERR value is not an integer or out of range\r\n",
  ],
  [
    ["lcs", "key1", "key2", "idx", "minmatchlen", "-5"],
    "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n",
  ],
  [["lcs", "key1", "key2", "foo"], "-ERR syntax error\r\n"],
  [["lcs", "key1", "nokey"], "$0\r\n\r\n"],
  [["lcs", "nokey", "key1", "idx"], "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n"],
  [["lcs", "nokey", "nokey2", "idx"], "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n"],
  [["lcs", "nokey", "nokey2", "len"], ":0\r\n"],
  [["lcs", "nokey", "nokey2"], "$0\r\n\r\n"],
  [["lcs", "key1", "l7"], "-ERR The specified keys must contain string values\r\n"],
  [["lcs", "l7", "key1", "foo"], "-ERR The specified keys must contain string values\r\n"],
  [["lcs", "key1", "key2", "len", "len"], ":6\r\n"],
  [["mset", "la", "ABCBDAB", "lb", "BDCABA"], "+OK\r\n"],
  [
    ["lcs", "la", "lb", "idx", "withmatchlen"],
    "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:5\r\n:6\r\n*2\r\n:3\r\n:4\r\n:2\r\n*3\r\n*2\r\n:3\r\n:4\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:4\r\n",
  ],
  [["lcs", "la", "lb"], "$4\r\nBDAB\r\n"],
  [
    ["lcs", "la", "la", "idx", "withmatchlen"],
    "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:0\r\n:6\r\n*2\r\n:0\r\n:6\r\n:7\r\n$3\r\nlen\r\n:7\r\n",
  ],
  [
    ["lcs", "la", "la", "idx", "minmatchlen", "8"],
    "*4\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:7\r\n",
  ],
  // wrong arity
  [["get"], "-ERR wrong number of arguments for 'get' command\r\n"],
  [["get", "a", "b"], "-ERR wrong number of arguments for 'get' command\r\n"],
  [["set", "k"], "-ERR wrong number of arguments for 'set' command\r\n"],
  [["getex"], "-ERR wrong number of arguments for 'getex' command\r\n"],
  [["getdel"], "-ERR wrong number of arguments for 'getdel' command\r\n"],
  [["getdel", "a", "b"], "-ERR wrong number of arguments for 'getdel' command\r\n"],
  [["getset", "a"], "-ERR wrong number of arguments for 'getset' command\r\n"],
  [["mget"], "-ERR wrong number of arguments for 'mget' command\r\n"],
  [["msetnx", "a"], "-ERR wrong number of arguments for 'msetnx' command\r\n"],
  [["incr"], "-ERR wrong number of arguments for 'incr' command\r\n"],
  [["incr", "a", "b"], "-ERR wrong number of arguments for 'incr' command\r\n"],
  [["incrby", "a"], "-ERR wrong number of arguments for 'incrby' command\r\n"],
  [["decrby", "a"], "-ERR wrong number of arguments for 'decrby' command\r\n"],
  [["incrbyfloat", "a"], "-ERR wrong number of arguments for 'incrbyfloat' command\r\n"],
  [["append", "a"], "-ERR wrong number of arguments for 'append' command\r\n"],
  [["strlen"], "-ERR wrong number of arguments for 'strlen' command\r\n"],
  [["getrange", "a", "1"], "-ERR wrong number of arguments for 'getrange' command\r\n"],
  [["substr", "a", "1"], "-ERR wrong number of arguments for 'substr' command\r\n"],
  [["setrange", "a", "1"], "-ERR wrong number of arguments for 'setrange' command\r\n"],
  [["setnx", "a"], "-ERR wrong number of arguments for 'setnx' command\r\n"],
  [["setex", "a", "1"], "-ERR wrong number of arguments for 'setex' command\r\n"],
  [["psetex", "a", "1"], "-ERR wrong number of arguments for 'psetex' command\r\n"],
  [["lcs", "a"], "-ERR wrong number of arguments for 'lcs' command\r\n"],
];

Deno.test("string: exact replies for every command, option and error path", async () => {
  await withClient({}, async (c, srv) => {
    for (const step of CASES) {
      if (!Array.isArray(step)) {
        makeList(srv, step.list);
        continue;
      }
      const [args, expected] = step;
      assert.equal(await call(c, ...args), expected, args.join(" "));
    }
  });
});

/** Generated sequences whose replies are compared with valkey-server's. */
function generatedCases(): string[][] {
  const out: string[][] = [];
  // GETRANGE over every small start/end pair, on an empty, short and int-like value.
  for (const v of ["", "a", "Hello", "12345678"]) {
    out.push(["set", "gr", v]);
    for (let s = -10; s <= 10; s++) {
      for (let e = -10; e <= 10; e++) out.push(["getrange", "gr", String(s), String(e)]);
    }
  }
  // SETRANGE at every offset around the end of a value.
  for (let off = 0; off <= 8; off++) {
    for (const v of ["", "Z", "XYZ"]) {
      out.push(["set", "srg", "abcd"], ["setrange", "srg", String(off), v], ["get", "srg"]);
      out.push(["del", "srn"], ["setrange", "srn", String(off), v], ["get", "srn"]);
    }
  }
  // INCR/DECR across the int64 edges.
  for (
    const start of ["9223372036854775800", "-9223372036854775800", "0", "-1", "4503599627370496"]
  ) {
    for (const by of ["7", "8", "-7", "-8", "9223372036854775807", "-9223372036854775808", "1"]) {
      out.push(["set", "ic", start], ["incrby", "ic", by], ["decrby", "ic", by], ["get", "ic"]);
    }
  }
  // INCRBYFLOAT sequences (long double arithmetic and formatting).
  const floats = ["0.1", "-0.3", "1e3", "3.14159", "-2.5e-5", "100", "1.5e10", "7", "0.000001"];
  for (const init of ["0", "10.5", "-1", "1e20", "3.0", "0.1"]) {
    out.push(["set", "fl", init]);
    for (const f of floats) out.push(["incrbyfloat", "fl", f]);
  }
  // LCS over pseudo-random strings from small alphabets.
  let seed = 12345;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  for (let k = 0; k < 40; k++) {
    const mk = () => {
      let s = "";
      const len = rnd(14);
      for (let i = 0; i < len; i++) s += "abcd"[rnd(k % 2 === 0 ? 2 : 4)];
      return s;
    };
    out.push(["mset", "la", mk(), "lb", mk()]);
    out.push(["lcs", "la", "lb"], ["lcs", "la", "lb", "len"], ["lcs", "la", "lb", "idx"]);
    out.push(["lcs", "la", "lb", "idx", "withmatchlen"]);
    out.push(["lcs", "la", "lb", "idx", "minmatchlen", String(rnd(4)), "withmatchlen"]);
  }
  return out;
}

Deno.test({
  name: "string: byte-identical to valkey-server for recorded and generated sequences",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    await withOursAndReference({}, async (ours, ref, srv) => {
      const same = (args: string[]) =>
        expectSameReply(ours, ref, args.map(binaryToBytes), args.join(" "));
      for (const step of CASES) {
        if (!Array.isArray(step)) {
          makeList(srv, step.list);
          await call(ref, "del", step.list);
          await call(ref, "rpush", step.list, "x");
          continue;
        }
        await same(step[0]);
      }
      for (const args of generatedCases()) {
        if (args[0] === "del") {
          srv.server.keyspace.dbs[0].delete(args[1]);
          await call(ref, ...args);
          continue;
        }
        await same(args);
      }
    });
  },
});

Deno.test({
  name: "string: COMMAND INFO rows match valkey-server (arity, flags, keys)",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    await withReferenceClient(async (ref) => {
      await ref.send("COMMAND", "INFO", ...stringCommands.map((s) => s.name));
      const reply = await ref.read();
      assert.equal(reply.t, "array");
      const rows = (reply as { v: RespReply[] }).v;
      assert.equal(rows.length, stringCommands.length);
      for (let i = 0; i < rows.length; i++) {
        const r = (rows[i] as { v: RespReply[] }).v;
        const spec = stringCommands[i];
        const text = (x: RespReply) => bytesToBinary((x as { v: Uint8Array }).v);
        const num = (x: RespReply) => Number((x as { v: bigint }).v);
        assert.equal(text(r[0]), spec.name);
        assert.equal(num(r[1]), spec.arity, spec.name);
        const flags = (r[2] as { v: RespReply[] }).v.map((f) => (f as { v: string }).v);
        assert.deepEqual(flags, spec.flags, spec.name);
        assert.deepEqual([num(r[3]), num(r[4]), num(r[5])], [
          spec.firstKey,
          spec.lastKey,
          spec.step,
        ], spec.name);
      }
    });
  },
});

Deno.test({
  name: "string: COMMAND INFO / COMMAND DOCS replies equal valkey-server's (Redis 7.2 rows)",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    await withOursAndReference({}, async (ours, ref) => {
      for (const spec of stringCommands) {
        const info = await call(ours, "COMMAND", "INFO", spec.name);
        const docs = await call(ours, "COMMAND", "DOCS", spec.name);
        // MSETNX has no tips since Redis 7.2 (#12417, like SCAN's and RANDOMKEY's policies);
        // Valkey says "the server" where Redis 7.2 says "Redis" in APPEND's complexity.
        assert.equal(info, await call(ref, "COMMAND", "INFO", spec.name), spec.name);
        if (spec.name === "append" && REFERENCE_IS_VALKEY) {
          assert.ok(docs.includes("the dynamic string library used by Redis will"), docs);
        } else {
          assert.equal(docs, await call(ref, "COMMAND", "DOCS", spec.name), spec.name);
        }
      }
    });
  },
});

Deno.test("string: RESP3 replies (LCS IDX map, nulls)", async () => {
  await withClient({}, async (c, srv) => {
    await resp3(srv, c);
    await call(c, "mset", "key1", "ohmytext", "key2", "mynewtext");
    assert.equal(
      await call(c, "lcs", "key1", "key2", "idx", "minmatchlen", "4", "withmatchlen"),
      "%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n",
    );
    assert.equal(
      await call(c, "lcs", "key1", "key2", "idx"),
      "%2\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n",
    );
    assert.equal(await call(c, "get", "nokey"), "_\r\n");
    assert.equal(await call(c, "mget", "key1", "nokey"), "*2\r\n$8\r\nohmytext\r\n_\r\n");
    assert.equal(await call(c, "set", "key1", "v", "xx", "get"), "$8\r\nohmytext\r\n");
    assert.equal(await call(c, "set", "nokey", "v", "xx"), "_\r\n");
    assert.equal(await call(c, "getex", "nokey"), "_\r\n");
    assert.equal(await call(c, "incrbyfloat", "f", "1.5"), "$3\r\n1.5\r\n");
  });
});

Deno.test("string: binary-safe keys and values (NUL, CRLF, invalid UTF-8)", async () => {
  await withClient({}, async (c, srv) => {
    const key = "k\x00\r\n\xff\xfe";
    const val = "\x00\r\n\xc3\x28\xff\xa0 \r\n$-1\r\n";
    assert.equal(await call(c, "set", key, val), "+OK\r\n");
    assert.equal(await call(c, "get", key), `$${val.length}\r\n${val}\r\n`);
    assert.equal(await call(c, "strlen", key), `:${val.length}\r\n`);
    assert.equal(await call(c, "append", key, "\xff\x00"), `:${val.length + 2}\r\n`);
    assert.equal(await call(c, "getrange", key, "0", "2"), "$3\r\n\x00\r\n\r\n");
    assert.equal(await call(c, "getrange", key, "-2", "-1"), "$2\r\n\xff\x00\r\n");
    assert.equal(await call(c, "setrange", key, "1", "\xfe\xfd"), `:${val.length + 2}\r\n`);
    assert.equal(await call(c, "getrange", key, "0", "3"), "$4\r\n\x00\xfe\xfd\xc3\r\n");
    assert.equal(await call(c, "mset", "\xff1", "\x00a", "\xff2", "\r\n"), "+OK\r\n");
    assert.equal(
      await call(c, "mget", "\xff1", "\xff2", "\xff3"),
      "*3\r\n$2\r\n\x00a\r\n$2\r\n\r\n\r\n$-1\r\n",
    );
    assert.equal(
      await call(c, "mset", "b1", "\x00\xff\x01\r", "b2", "\xff\x00\x01\n"),
      "+OK\r\n",
    );
    assert.equal(await call(c, "lcs", "b1", "b2"), "$2\r\n\xff\x01\r\n");
    assert.equal(await call(c, "getset", "\xff1", "\xa0"), "$2\r\n\x00a\r\n");
    assert.equal(await call(c, "getdel", "\xff1"), "$1\r\n\xa0\r\n");
    // Stored bytes are exactly what was sent.
    const stored = srv.server.keyspace.dbs[0].peek("\xff2")!.value as Uint8Array;
    assert.deepEqual([...stored], [13, 10]);
  });
});

Deno.test("string: stored values are copies, not views into the read buffer", async () => {
  await withClient({}, async (c, srv) => {
    // Pipelined in one write so all arguments share one read buffer.
    const cmds = [
      ["set", "p1", "AAAA"],
      ["mset", "p2", "BBBB", "p3", "CCCC"],
      [
        "append",
        "p4",
        "DDDD",
      ],
      ["getset", "p5", "EEEE"],
      ["setnx", "p6", "FFFF"],
      ["setex", "p7", "100", "GGGG"],
    ];
    for (const cmd of cmds) await c.write(encodeCommand(cmd.map(binaryToBytes)));
    for (let i = 0; i < cmds.length; i++) await c.readRaw();
    await call(c, "set", "junk", "Z".repeat(5000));
    assert.equal(
      await call(c, "mget", "p1", "p2", "p3", "p4", "p5", "p6", "p7"),
      "*7\r\n$4\r\nAAAA\r\n$4\r\nBBBB\r\n$4\r\nCCCC\r\n$4\r\nDDDD\r\n$4\r\nEEEE\r\n$4\r\nFFFF\r\n$4\r\nGGGG\r\n",
    );
    for (const k of ["p1", "p2", "p4", "p7"]) {
      const v = srv.server.keyspace.dbs[0].peek(k)!.value as Uint8Array;
      assert.ok(v.buffer.byteLength < 64 * 1024, "value must not pin the read buffer");
    }
  });
});

Deno.test("string: expire times, KEEPTTL and which writes keep or clear a TTL", async () => {
  await withServer({}, async (srv) => {
    const c = await RawClient.connect(srv.port);
    const db = srv.server.keyspace.dbs[0];
    const ttl = (k: string) => {
      const e = db.peek(k);
      if (e === undefined) return -2;
      return e.expireAt === -1 ? -1 : e.expireAt - Date.now();
    };
    const near = (k: string, ms: number) => {
      const t = ttl(k);
      assert.ok(t > ms - 2000 && t <= ms, `${k}: ttl ${t}, expected about ${ms}`);
    };
    try {
      assert.equal(await call(c, "set", "a", "1", "ex", "100"), "+OK\r\n");
      near("a", 100_000);
      assert.equal(await call(c, "set", "a", "1", "px", "5000"), "+OK\r\n");
      near("a", 5000);
      const at = Date.now() + 50_000;
      assert.equal(await call(c, "set", "a", "1", "pxat", String(at)), "+OK\r\n");
      assert.equal(db.peek("a")!.expireAt, at);
      assert.equal(
        await call(c, "set", "a", "1", "exat", String(Math.floor(at / 1000))),
        "+OK\r\n",
      );
      assert.equal(db.peek("a")!.expireAt, Math.floor(at / 1000) * 1000);
      assert.equal(await call(c, "set", "a", "2", "keepttl"), "+OK\r\n");
      assert.equal(db.peek("a")!.expireAt, Math.floor(at / 1000) * 1000);
      assert.equal(await call(c, "set", "a", "3", "xx", "get", "keepttl"), "$1\r\n2\r\n");
      assert.notEqual(ttl("a"), -1);
      // Writes that keep the TTL: INCR family, INCRBYFLOAT, APPEND, SETRANGE.
      for (
        const args of [["incr", "a"], ["incrby", "a", "5"], ["decr", "a"], [
          "incrbyfloat",
          "a",
          "1",
        ], [
          "append",
          "a",
          "0",
        ], ["setrange", "a", "0", "9"]]
      ) {
        await call(c, ...args);
        assert.notEqual(ttl("a"), -1, args.join(" "));
      }
      // Writes that clear it: SET, GETSET, MSET, and a SET NX/XX that applies.
      await call(c, "set", "a", "1", "ex", "100");
      await call(c, "set", "a", "1");
      assert.equal(ttl("a"), -1);
      await call(c, "set", "a", "1", "ex", "100");
      await call(c, "getset", "a", "2");
      assert.equal(ttl("a"), -1);
      await call(c, "set", "a", "1", "ex", "100");
      await call(c, "mset", "a", "3");
      assert.equal(ttl("a"), -1);
      await call(c, "set", "a", "1", "ex", "100");
      await call(c, "set", "a", "4", "xx");
      assert.equal(ttl("a"), -1);
      // SETEX / PSETEX.
      assert.equal(await call(c, "setex", "b", "100", "v"), "+OK\r\n");
      near("b", 100_000);
      assert.equal(await call(c, "psetex", "b", "3000", "v"), "+OK\r\n");
      near("b", 3000);
      // GETEX sets, replaces and removes the TTL.
      assert.equal(await call(c, "getex", "b", "ex", "200"), "$1\r\nv\r\n");
      near("b", 200_000);
      assert.equal(await call(c, "getex", "b", "px", "7000"), "$1\r\nv\r\n");
      near("b", 7000);
      assert.equal(await call(c, "getex", "b", "pxat", String(at)), "$1\r\nv\r\n");
      assert.equal(db.peek("b")!.expireAt, at);
      assert.equal(await call(c, "getex", "b"), "$1\r\nv\r\n");
      assert.equal(db.peek("b")!.expireAt, at);
      assert.equal(await call(c, "getex", "b", "persist"), "$1\r\nv\r\n");
      assert.equal(ttl("b"), -1);
      // An absolute time in the past: SET keeps the key until it is looked up, GETEX deletes.
      assert.equal(await call(c, "set", "c", "v", "pxat", "1"), "+OK\r\n");
      assert.ok(db.peek("c") !== undefined);
      const expiredBefore = srv.server.stats.expiredKeys;
      assert.equal(await call(c, "get", "c"), "$-1\r\n");
      assert.equal(srv.server.stats.expiredKeys, expiredBefore + 1);
      assert.equal(db.peek("c"), undefined);
      await call(c, "set", "c", "v");
      assert.equal(await call(c, "getex", "c", "exat", "1"), "$1\r\nv\r\n");
      assert.equal(db.peek("c"), undefined);
      // A key that expires by time is gone for reads and writes alike.
      await call(c, "set", "d", "5", "px", "1");
      await sleep(5);
      assert.equal(await call(c, "incr", "d"), ":1\r\n");
      assert.equal(ttl("d"), -1);
      await call(c, "set", "d", "v", "px", "1");
      await sleep(5);
      assert.equal(await call(c, "set", "d", "w", "nx"), "+OK\r\n");
      await call(c, "set", "d", "v", "px", "1");
      await sleep(5);
      assert.equal(await call(c, "append", "d", "x"), ":1\r\n");
      // Huge absolute times are accepted up to the int64 limit.
      assert.equal(await call(c, "set", "e", "v", "pxat", "9223372036854775807"), "+OK\r\n");
      assert.equal(await call(c, "get", "e"), "$1\r\nv\r\n");
    } finally {
      c.close();
    }
  });
});

/** Starts a server that records what it propagates (replicas/AOF) as binary strings. */
async function withPropagation(
  options: Record<string, string>,
  fn: (c: RawClient, log: string[][], srv: RunningServer) => Promise<void>,
): Promise<void> {
  await withClient(options, async (c, srv) => {
    const log: string[][] = [];
    srv.server.propagateListeners.push((_db, argv) => log.push(argv.map(bytesToBinary)));
    await fn(c, log, srv);
  });
}

Deno.test("string: propagation to replicas and the AOF as Redis 7.2 rewrites it", async () => {
  await withPropagation({}, async (c, log) => {
    const expect = async (args: string[], ...want: (string | RegExp)[][]) => {
      log.length = 0;
      await call(c, ...args);
      assert.equal(log.length, want.length, `${args.join(" ")}: ${JSON.stringify(log)}`);
      for (let i = 0; i < want.length; i++) {
        assert.equal(log[i].length, want[i].length, JSON.stringify(log[i]));
        for (let j = 0; j < want[i].length; j++) {
          const w = want[i][j];
          if (w instanceof RegExp) assert.match(log[i][j], w);
          else assert.equal(log[i][j], w);
        }
      }
    };
    const ms = /^\d{13}$/;
    await expect(["set", "a", "1"], ["set", "a", "1"]);
    await expect(["set", "a", "1", "ex", "100"], ["SET", "a", "1", "PXAT", ms]);
    await expect(["set", "a", "1", "px", "100000", "nx"]);
    await expect(["set", "a", "1", "px", "100000", "xx"], ["SET", "a", "1", "PXAT", ms]);
    await expect(["set", "a", "1", "exat", "99999999999"], [
      "SET",
      "a",
      "1",
      "PXAT",
      "99999999999000",
    ]);
    await expect(["set", "a", "1", "pxat", "99999999999000"], [
      "set",
      "a",
      "1",
      "pxat",
      "99999999999000",
    ]);
    await expect(["set", "a", "1", "pxat", "99999999999000", "get"], [
      "set",
      "a",
      "1",
      "pxat",
      "99999999999000",
      "get",
    ]);
    await expect(["set", "a", "2", "get"], ["set", "a", "2"]);
    await expect(["set", "a", "2", "GET", "keepttl", "get"], ["set", "a", "2", "keepttl"]);
    await expect(["set", "a", "3", "xx", "keepttl"], ["set", "a", "3", "xx", "keepttl"]);
    await expect(["set", "a", "3", "ex", "0"]);
    await expect(["setnx", "a", "3"]);
    await expect(["setnx", "n", "3"], ["setnx", "n", "3"]);
    await expect(["setex", "b", "100", "v"], ["SET", "b", "v", "PXAT", ms]);
    await expect(["psetex", "b", "100000", "v"], ["SET", "b", "v", "PXAT", ms]);
    await expect(["getex", "b"]);
    await expect(["getex", "b", "ex", "100"], ["PEXPIREAT", "b", ms]);
    await expect(["getex", "b", "pxat", "99999999999000"], ["PEXPIREAT", "b", "99999999999000"]);
    await expect(["getex", "b", "persist"], ["PERSIST", "b"]);
    await expect(["getex", "b", "persist"]);
    await expect(["getex", "b", "exat", "1"], ["DEL", "b"]);
    await expect(["getex", "b", "exat", "1"]);
    await expect(["set", "c", "10.5"], ["set", "c", "10.5"]);
    await expect(["incrbyfloat", "c", "0.1"], ["SET", "c", "10.6", "KEEPTTL"]);
    await expect(["incrbyfloat", "c", "1e3"], ["SET", "c", "1010.59999999999999998", "KEEPTTL"]);
    await expect(["getdel", "c"], ["DEL", "c"]);
    await expect(["getdel", "c"]);
    await expect(["getset", "d", "1"], ["SET", "d", "1"]);
    await expect(["incr", "d"], ["incr", "d"]);
    await expect(["incrby", "d", "5"], ["incrby", "d", "5"]);
    await expect(["decrby", "d", "5"], ["decrby", "d", "5"]);
    await expect(["set", "s", "x"], ["set", "s", "x"]);
    await expect(["incr", "s"]); // not an integer: nothing happened
    await expect(["append", "d", "x"], ["append", "d", "x"]);
    await expect(["setrange", "d", "1", "y"], ["setrange", "d", "1", "y"]);
    await expect(["setrange", "d", "1", ""]);
    await expect(["mset", "e", "1", "f", "2"], ["mset", "e", "1", "f", "2"]);
    await expect(["msetnx", "e", "1", "g", "2"]);
    await expect(["msetnx", "g", "1", "h", "2"], ["msetnx", "g", "1", "h", "2"]);
    await expect(["get", "a"]);
    await expect(["mget", "a", "b"]);
    await expect(["lcs", "a", "b"]);
  });
  // With lazyfree-lazy-user-del / lazyfree-lazy-expire Redis propagates UNLINK instead of DEL.
  await withPropagation(
    { "lazyfree-lazy-user-del": "yes", "lazyfree-lazy-expire": "yes" },
    async (c, log) => {
      await call(c, "set", "a", "1");
      await call(c, "getdel", "a");
      await call(c, "set", "a", "1");
      await call(c, "getex", "a", "pxat", "1");
      assert.deepEqual(log.slice(1), [["UNLINK", "a"], ["set", "a", "1"], ["UNLINK", "a"]]);
    },
  );
});

Deno.test("string: keyspace notifications named as Redis names them", async () => {
  await withClient({ "notify-keyspace-events": "KEA" }, async (c, srv) => {
    const events = captureKeyEvents(srv);
    const expect = async (args: string[], ...want: string[]) => {
      events.length = 0;
      await call(c, ...args);
      assert.deepEqual(events, want, args.join(" "));
    };
    await expect(["set", "a", "1"], "set a");
    await expect(["set", "a", "1", "ex", "100"], "set a", "expire a");
    await expect(["set", "a", "1", "nx"]);
    await expect(["setex", "a", "100", "1"], "set a", "expire a");
    await expect(["setnx", "b", "1"], "set b");
    await expect(["incr", "b"], "incrby b");
    await expect(["decrby", "b", "3"], "incrby b");
    await expect(["incrbyfloat", "b", "1.5"], "incrbyfloat b");
    await expect(["append", "b", "x"], "append b");
    await expect(["setrange", "b", "0", "y"], "setrange b");
    await expect(["setrange", "b", "0", ""]);
    await expect(["getset", "b", "z"], "set b");
    await expect(["mset", "c", "1", "d", "2"], "set c", "set d");
    await expect(["msetnx", "e", "1", "f", "2"], "set e", "set f");
    await expect(["getex", "c", "px", "100000"], "expire c");
    await expect(["getex", "c", "persist"], "persist c");
    await expect(["getex", "c", "persist"]);
    await expect(["getex", "c", "exat", "1"], "del c");
    await expect(["getdel", "d"], "del d");
    await expect(["getdel", "d"]);
    await expect(["get", "nokey"]); // keymiss is not part of "A"
    await call(c, "set", "x", "v", "px", "1");
    await sleep(5);
    await expect(["get", "x"], "expired x");
  });
  await withClient({ "notify-keyspace-events": "Em" }, async (c, srv) => {
    const events = captureNotifications(srv);
    await call(c, "set", "a", "1");
    await call(c, "mget", "a", "nokey");
    await call(c, "incr", "nokey2"); // write lookups do not report misses
    assert.deepEqual(events, ["__keyevent@0__:keymiss nokey"]);
  });
});

Deno.test("string: keyspace hits and misses counted by read lookups only", async () => {
  await withServer({}, async (srv) => {
    const c = await RawClient.connect(srv.port);
    const stats = srv.server.stats;
    const delta = async (args: string[]) => {
      const h = stats.keyspaceHits, m = stats.keyspaceMisses;
      await call(c, ...args);
      return [stats.keyspaceHits - h, stats.keyspaceMisses - m];
    };
    try {
      makeList(srv, "l");
      assert.deepEqual(await delta(["set", "a", "1"]), [0, 0]);
      assert.deepEqual(await delta(["get", "a"]), [1, 0]);
      assert.deepEqual(await delta(["get", "nokey"]), [0, 1]);
      assert.deepEqual(await delta(["get", "l"]), [1, 0]);
      assert.deepEqual(await delta(["mget", "a", "nokey", "l", "a"]), [3, 1]);
      assert.deepEqual(await delta(["strlen", "a"]), [1, 0]);
      assert.deepEqual(await delta(["getrange", "nokey", "0", "1"]), [0, 1]);
      assert.deepEqual(await delta(["getrange", "a", "x", "1"]), [0, 0]);
      assert.deepEqual(await delta(["substr", "a", "0", "1"]), [1, 0]);
      assert.deepEqual(await delta(["lcs", "a", "nokey"]), [1, 1]);
      assert.deepEqual(await delta(["set", "a", "2", "get"]), [1, 0]);
      assert.deepEqual(await delta(["set", "b", "2", "get"]), [0, 1]);
      assert.deepEqual(await delta(["getset", "a", "3"]), [1, 0]);
      assert.deepEqual(await delta(["getex", "a"]), [1, 0]);
      assert.deepEqual(await delta(["getdel", "nokey"]), [0, 1]);
      assert.deepEqual(await delta(["getdel", "a"]), [1, 0]);
      for (
        const args of [
          ["incr", "n"],
          ["append", "n", "1"],
          ["setrange", "n", "0", "2"],
          [
            "incrbyfloat",
            "n",
            "1",
          ],
          ["setnx", "n", "1"],
          ["msetnx", "n", "1"],
          ["mset", "n", "1"],
          ["set", "n", "1", "nx"],
        ]
      ) {
        assert.deepEqual(await delta(args), [0, 0], args.join(" "));
      }
    } finally {
      c.close();
    }
  });
});

Deno.test("string: APPEND and SETRANGE mark the value raw (OBJECT ENCODING)", async () => {
  await withClient({}, async (c, srv) => {
    const db = srv.server.keyspace.dbs[0];
    await call(c, "set", "a", "12");
    assert.equal(db.peek("a")!.raw, false);
    await call(c, "append", "a", "3");
    assert.equal(db.peek("a")!.raw, true);
    await call(c, "incr", "a"); // INCR stores a new integer object
    assert.equal(db.peek("a")!.raw, false);
    await call(c, "setrange", "a", "0", "9");
    assert.equal(db.peek("a")!.raw, true);
    await call(c, "set", "a", "x");
    assert.equal(db.peek("a")!.raw, false);
    await call(c, "append", "new", "abc"); // a new key is created from the argument as is
    assert.equal(db.peek("new")!.raw, false);
    await call(c, "setrange", "new2", "1", "abc");
    assert.equal(db.peek("new2")!.raw, true);
    await call(c, "setrange", "new2", "1", ""); // nothing written: encoding untouched
    await call(c, "set", "s", "abc");
    await call(c, "setrange", "s", "1", "");
    assert.equal(db.peek("s")!.raw, false);
  });
});

Deno.test("string: APPEND grows in place without changing values others hold", async () => {
  await withClient({}, async (c, srv) => {
    const db = srv.server.keyspace.dbs[0];
    await call(c, "set", "a", "x");
    let expected = "x";
    const snapshots: [Uint8Array, string][] = [];
    for (let i = 0; i < 300; i++) {
      const piece = String.fromCharCode(65 + (i % 26)).repeat(i % 7);
      expected += piece;
      assert.equal(await call(c, "append", "a", piece), `:${expected.length}\r\n`);
      // Keep the stored view, as COPY or a list element sharing it would.
      if (i % 10 === 0) snapshots.push([db.peek("a")!.value as Uint8Array, expected]);
      if (i % 50 === 0) {
        await call(c, "setrange", "a", String(expected.length), "!");
        expected += "!";
        await call(c, "setrange", "a", "0", "#");
        expected = "#" + expected.slice(1);
      }
    }
    assert.equal(await call(c, "get", "a"), `$${expected.length}\r\n${expected}\r\n`);
    for (const [view, text] of snapshots) assert.equal(bytesToBinary(view), text);
    // Two keys sharing one buffer (as COPY does) stay independent.
    const shared = db.peek("a")!.value as Uint8Array;
    db.set("b", shared);
    await call(c, "append", "a", "AAA");
    await call(c, "append", "b", "BBB");
    assert.equal(await call(c, "get", "a"), `$${expected.length + 3}\r\n${expected}AAA\r\n`);
    assert.equal(await call(c, "get", "b"), `$${expected.length + 3}\r\n${expected}BBB\r\n`);
  });
});

Deno.test("string: proto-max-bulk-len limits SETRANGE, APPEND and LCS's table", async () => {
  await withClient({ "proto-max-bulk-len": "1mb" }, async (c, srv) => {
    const tooBig = "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n";
    assert.equal(await call(c, "setrange", "a", "1048575", "x"), ":1048576\r\n");
    assert.equal(await call(c, "setrange", "a", "1048576", "x"), tooBig);
    assert.equal(await call(c, "setrange", "b", "1048575", "xy"), tooBig);
    assert.equal(srv.server.keyspace.dbs[0].peek("b"), undefined);
    assert.equal(await call(c, "append", "a", "y"), tooBig);
    assert.equal(await call(c, "append", "a", ""), ":1048576\r\n");
    assert.equal(await call(c, "strlen", "a"), ":1048576\r\n");
    const s = "ab".repeat(300);
    await call(c, "mset", "x", s, "y", s);
    assert.equal(
      await call(c, "lcs", "x", "y", "len"),
      "-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n",
    );
    await call(c, "mset", "x", s.slice(0, 500), "y", s.slice(0, 500));
    assert.equal(await call(c, "lcs", "x", "y", "len"), ":500\r\n");
  });
});

Deno.test("string: ioredis round trips (strings, Buffers, pipelines, MSET/MGET)", async () => {
  await withServer({}, async (srv) => {
    await withIoredis(srv.port, async (redis) => {
      assert.equal(await redis.set("s", "héllo wörld"), "OK");
      assert.equal(await redis.get("s"), "héllo wörld");
      assert.equal(await redis.get("missing"), null);
      const bin = Buffer.from([0, 255, 13, 10, 0xc3, 0x28, 128, 0]);
      assert.equal(await redis.set(Buffer.from([1, 0, 255]), bin), "OK");
      assert.deepEqual(await redis.getBuffer(Buffer.from([1, 0, 255])), bin);
      assert.equal(await redis.append(Buffer.from([1, 0, 255]), Buffer.from([7])), 9);
      assert.deepEqual(
        await redis.getrangeBuffer(Buffer.from([1, 0, 255]), -2, -1),
        Buffer.from([0, 7]),
      );
      assert.equal(await redis.set("e", "v", "EX", 100), "OK");
      assert.equal(await redis.set("e", "w", "NX"), null);
      assert.equal(await redis.set("e", "w", "XX", "GET"), "v");
      assert.equal(await redis.setnx("nx", "1"), 1);
      assert.equal(await redis.setnx("nx", "1"), 0);
      assert.equal(await redis.setex("sx", 100, "v"), "OK");
      assert.equal(await redis.psetex("px", 100000, "v"), "OK");
      assert.equal(await redis.getex("sx", "PERSIST"), "v");
      assert.equal(await redis.getdel("sx"), "v");
      assert.equal(await redis.getset("gs", "1"), null);
      assert.equal(await redis.incr("gs"), 2);
      assert.equal(await redis.incrby("gs", 10), 12);
      assert.equal(await redis.decr("gs"), 11);
      assert.equal(await redis.decrby("gs", 20), -9);
      assert.equal(await redis.incrbyfloat("f", "10.5"), "10.5");
      assert.equal(await redis.incrbyfloat("f", "0.1"), "10.6");
      assert.equal(await redis.strlen("f"), 4);
      assert.equal(await redis.setrange("f", 0, "2"), 4);
      assert.equal(await redis.get("f"), "20.6");
      await assert.rejects(redis.incr("s"), /ERR value is not an integer or out of range/);
      assert.equal(await redis.mset({ m1: "a", m2: Buffer.from([0, 1]), m3: "c" }), "OK");
      assert.deepEqual(await redis.mget("m1", "nope", "m3"), ["a", null, "c"]);
      assert.deepEqual(await redis.mgetBuffer("m2"), [Buffer.from([0, 1])]);
      assert.equal(await redis.msetnx("m1", "x", "m9", "y"), 0);
      await redis.mset("key1", "ohmytext", "key2", "mynewtext");
      assert.equal(await redis.lcs("key1", "key2"), "mytext");
      assert.equal(await redis.lcs("key1", "key2", "LEN"), 6);
      const pipe = redis.pipeline();
      for (let i = 0; i < 200; i++) pipe.set(`p${i}`, Buffer.from([i & 255, 0, 10]));
      for (let i = 0; i < 200; i++) pipe.getBuffer(`p${i}`);
      pipe.incr("pc").incr("pc").get("pc");
      const res = await pipe.exec();
      assert.ok(res !== null);
      for (let i = 0; i < 200; i++) assert.equal(res[i][1], "OK");
      for (let i = 0; i < 200; i++) {
        assert.deepEqual(res[200 + i][1], Buffer.from([i & 255, 0, 10]));
      }
      assert.deepEqual(res.slice(400).map((r: [Error | null, unknown]) => r[1]), [1, 2, "2"]);
      const big = Buffer.alloc(3 * 1024 * 1024, 0xab);
      assert.equal(await redis.set("big", big), "OK");
      assert.deepEqual(await redis.getBuffer("big"), big);
    }, { enableReadyCheck: false });
  });
});

Deno.test("string: node-redis round trips (strings, Buffers, pipelines, MSET/MGET)", async () => {
  await withServer({}, async (srv) => {
    const client = createClient({ socket: { port: srv.port, host: "127.0.0.1" } });
    client.on("error", () => {});
    await client.connect();
    try {
      assert.equal(await client.set("s", "héllo"), "OK");
      assert.equal(await client.get("s"), "héllo");
      assert.equal(await client.get("missing"), null);
      assert.equal(await client.set("s", "v2", { GET: true }), "héllo");
      assert.equal(await client.set("ex", "v", { EX: 100 }), "OK");
      assert.equal(await client.set("ex", "v", { NX: true }), null);
      assert.equal(await client.getEx("ex", { PERSIST: true }), "v");
      assert.equal(await client.getDel("ex"), "v");
      assert.equal(await client.incr("n"), 1);
      assert.equal(await client.incrBy("n", 41), 42);
      assert.equal(await client.decrBy("n", 2), 40);
      assert.equal(await client.incrByFloat("n", 0.5), "40.5");
      assert.equal(await client.append("n", "0"), 5);
      assert.equal(await client.strLen("n"), 5);
      assert.equal(await client.getRange("n", 0, 1), "40");
      assert.equal(await client.setRange("n", 0, "9"), 5);
      assert.equal(await client.mSet({ a: "1", b: "2" }), "OK");
      assert.deepEqual(await client.mGet(["a", "b", "c"]), ["1", "2", null]);
      assert.equal(await client.mSetNX({ a: "1", z: "2" }), 0);
      const bin = Buffer.from([0, 255, 13, 10, 0xfe]);
      await client.set("bin", bin);
      const buf = client.withTypeMapping({ [36]: Buffer }); // bulk strings as Buffers
      assert.deepEqual(await buf.get("bin"), bin);
      const results = await client.multi().set("t1", "a").append("t1", "b").get("t1").exec();
      assert.deepEqual(results, ["OK", 2, "ab"]);
      const replies = await Promise.all(
        Array.from({ length: 100 }, (_, i) => client.set(`k${i}`, String(i))),
      );
      assert.ok(replies.every((r) => r === "OK"));
      assert.deepEqual(
        await client.mGet(Array.from({ length: 100 }, (_, i) => `k${i}`)),
        Array.from({ length: 100 }, (_, i) => String(i)),
      );
    } finally {
      // QUIT may be unavailable; destroy() closes the socket either way.
      await client.quit().catch(() => {});
      if (client.isOpen) client.destroy();
    }
  });
});
