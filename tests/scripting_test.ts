// Lua scripting and functions: EVAL & co, SCRIPT, FUNCTION, FCALL. Error texts are Redis
// 7.2's (recorded from redis-server, whose script texts 7.0 and 7.2 share; valkey-server
// words several of them differently); conversions are also compared live with the reference.

import assert from "node:assert/strict";
import {
  type Arg,
  expectReplies,
  RawClient,
  runsWith,
  tempDir,
  withClient,
  withConnections,
} from "./helpers.ts";
import { withBinaryOn } from "./rdb_dataset.ts";
import { sha1hex } from "../src/scripting/scripting.ts";
import { binaryToBytes } from "../src/util/bytes.ts";
import { HAS_REFERENCE, HAS_VALKEY, requireValkey, withOursAndReference } from "./reference.ts";

const ev = (
  script: string,
  ...rest: string[]
): Arg[] => ["eval", script, String(rest.length > 0 ? rest[0] : "0"), ...rest.slice(1)];
const trailer = (sha: string, line = 1) => ` script: ${sha}, on @user_script:${line}.\r\n`;

Deno.test("eval: conversions Lua -> RESP2 (numbers truncate, false is nil, arrays stop at nil)", async () => {
  await withClient({}, async (c) => {
    await expectReplies(c, [
      [ev("return 1"), ":1\r\n"],
      [ev("return -3.9"), ":-3\r\n"],
      [ev("return 1e20"), ":-9223372036854775808\r\n"],
      [ev("return 'x'"), "$1\r\nx\r\n"],
      [ev("return true"), ":1\r\n"],
      [ev("return false"), "$-1\r\n"],
      [ev("return nil"), "$-1\r\n"],
      [
        ev("return {1,2,3.5,'x',{ok='fine'},{err='bad'},false,true,nil,5}"),
        "*8\r\n:1\r\n:2\r\n:3\r\n$1\r\nx\r\n+fine\r\n-bad\r\n$-1\r\n:1\r\n",
      ],
      [ev("local t = {} t.x = 1 return t"), "*0\r\n"],
      [
        ev("return {1,2,3,'ciao',{1,2}}"),
        "*5\r\n:1\r\n:2\r\n:3\r\n$4\r\nciao\r\n*2\r\n:1\r\n:2\r\n",
      ],
      [ev("return {err='boom'}"), "-boom\r\n"],
      [ev("return redis.error_reply('boom')"), "-ERR boom\r\n"],
      [ev("return redis.error_reply('MY err')"), "-MY err\r\n"],
      [ev("return redis.error_reply('my err')"), "-my err\r\n"],
      [ev("return redis.error_reply('-MY boom')"), "-MY boom\r\n"],
      [ev("return redis.error_reply('')"), "-ERR \r\n"],
      [ev("return redis.status_reply('FOO')"), "+FOO\r\n"],
      [ev("return redis.status_reply('')"), "+\r\n"],
      [ev("return redis.status_reply()"), "-ERR wrong number or type of arguments\r\n"],
      [ev("return {double=3.5}"), "$3\r\n3.5\r\n"],
      [ev("return {map={a=1}}"), "*2\r\n$1\r\na\r\n:1\r\n"],
      [ev("return {set={a=true}}"), "*1\r\n$1\r\na\r\n"],
      [ev("return {big_number='123'}"), "$3\r\n123\r\n"],
      [ev("return getmetatable(_G).__index"), "$-1\r\n"],
      [ev("return pcall(error, {err='x'})"), "$-1\r\n"],
      [ev("return KEYS"), "*0\r\n"],
      [
        ev("return {KEYS[1], ARGV[1], #KEYS, #ARGV}", "1", "k", "a"),
        "*4\r\n$1\r\nk\r\n$1\r\na\r\n:1\r\n:1\r\n",
      ],
    ]);
  });
});

Deno.test("eval: conversions RESP -> Lua (status tables, nil as false, RESP3 under setresp)", async () => {
  await withClient({}, async (c) => {
    await expectReplies(c, [
      [ev("return redis.call('set','k','x')"), "+OK\r\n"],
      [ev("return redis.call('ping').ok"), "$4\r\nPONG\r\n"],
      [ev("return redis.call('get','nokey')"), "$-1\r\n"],
      [ev("return {redis.call('get','nokey')}"), "*1\r\n$-1\r\n"],
      [ev("return type(redis.call('get','nokey'))"), "$7\r\nboolean\r\n"],
      [ev("redis.call('set', 'k', 1.5) return redis.call('get', 'k')"), "$3\r\n1.5\r\n"],
      [ev("return redis.pcall('incr','k')"), "-ERR value is not an integer or out of range\r\n"],
      [
        ev("local r = redis.pcall('incr','k') return r.err"),
        "$43\r\nERR value is not an integer or out of range\r\n",
      ],
      [ev("return redis.setresp(3)"), "$-1\r\n"],
      [ev("redis.setresp(3) return type(redis.call('get','nokey'))"), "$3\r\nnil\r\n"],
      [ev("redis.setresp(3) return redis.call('hgetall','nokey')"), "*0\r\n"],
      [ev("redis.setresp(3) return false"), ":0\r\n"],
      [ev("redis.setresp(3) return {double=3.5}"), "$3\r\n3.5\r\n"],
      [
        ev("redis.call('hset','h','f','v') redis.setresp(3) return redis.call('hgetall','h')"),
        "*2\r\n$1\r\nf\r\n$1\r\nv\r\n",
      ],
    ]);
    // A RESP3 caller gets RESP3 types.
    await c.call("hello", "3");
    await expectReplies(c, [
      [ev("return {double=3.5}"), ",3.5\r\n"],
      [ev("redis.setresp(3) return redis.call('hgetall','h')"), "%1\r\n$1\r\nf\r\n$1\r\nv\r\n"],
      [ev("redis.setresp(3) return false"), "#f\r\n"],
      [ev("return nil"), "_\r\n"],
    ]);
  });
});

Deno.test({
  name: "eval: conversions equal the reference's",
  ignore: !HAS_REFERENCE,
  async fn() {
    const cases: Arg[][] = [
      ev("return {1,2,3.5,'x',{ok='fine'},{err='bad'},false,true,nil,5}"),
      ev("return redis.call('set','a','1')"),
      ev("return {redis.call('get','a'), redis.call('get','nokey'), redis.call('incr','a')}"),
      ev("redis.call('rpush','l','a','b') return redis.call('lrange','l',0,-1)"),
      ev("return redis.pcall('lpush','a','x')"),
      ev("return cjson.encode({1,2,{a=1}})"),
      ev("return cjson.decode('[1,2,{\"a\":3}]')[3].a"),
      ev("return cmsgpack.unpack(cmsgpack.pack({1,2,'x'}))"),
      ev("return bit.tohex(bit.bxor(0xff, 0x0f))"),
      ev("return struct.unpack('>I2', struct.pack('>I2', 258))"),
      ev("return table.getn({1,2,3})"),
      ev("return #ARGV", "0", "a", "b"),
      ev("return unpack({1,2})"),
      ev("return tostring(12.5)"),
      ev("return math.floor(-3.5)"),
      ev("return string.format('%5.2f', 3.14159)"),
      ev("return redis.sha1hex('abc')"),
      ev("return redis.status_reply('a b')"),
      ev("redis.setresp(3) return redis.call('hgetall','nokey')"),
      ev("return {double=2.5}"),
    ];
    await withOursAndReference({}, async (ours, ref) => {
      for (const args of cases) {
        assert.equal(await ours.call(...args), await ref.call(...args), String(args[1]));
      }
    });
  },
});

Deno.test("eval: error texts of Redis 7.2", async () => {
  await withClient({}, async (c) => {
    await c.call("set", "s", "a");
    await expectReplies(c, [
      [ev("return 1", "-1"), "-ERR Number of keys can't be negative\r\n"],
      [ev("return 1", "2", "a"), "-ERR Number of keys can't be greater than number of args\r\n"],
      [ev("return 1", "x"), "-ERR value is not an integer or out of range\r\n"],
      [
        ["evalsha", "ffffffffffffffffffffffffffffffffffffffff", "0"],
        "-NOSCRIPT No matching script. Please use EVAL.\r\n",
      ],
      [["evalsha", "fff", "0"], "-NOSCRIPT No matching script. Please use EVAL.\r\n"],
      [["eval"], "-ERR wrong number of arguments for 'eval' command\r\n"],
      [
        ev("return syntax error here"),
        "-ERR Error compiling script (new function): user_script:1: '<eof>' expected near 'error'\r\n",
      ],
      [
        ev("return x"),
        "-ERR user_script:1: Script attempted to access nonexistent global variable 'x'" +
        trailer("03c387736bb5cc009ff35151572cee04677aa374"),
      ],
      [
        ev("x = 1"),
        "-ERR user_script:1: Attempt to modify a readonly table" +
        trailer("34bce5f775de97f557a34088509c8bfe1ea17e52"),
      ],
      [
        ev("error('boom')"),
        "-ERR user_script:1: boom" + trailer("82903a0434f1503e152f89c03c9acd881a0e8150"),
      ],
      [
        ev("error({err='my boom'})"),
        "-my boom" + trailer("f0e03374e45888784950c821ddeb7a3efeeccd87"),
      ],
      [
        ev("error('')"),
        "-ERR user_script:1: " + trailer("368930858d8b06664e98c921528da17b7eb3ec3b"),
      ],
      [
        ev("error(12)"),
        "-ERR user_script:1: 12" + trailer("531d78cb0a3022f46aa8fcca247caa61d303b321"),
      ],
      [
        ev('\nerror({err="boom"})'),
        "-boom" + trailer("9534e4841452de6e543886f95faa48566a9b6d53", 2),
      ],
      [
        ev("return redis.call('nosuch')"),
        "-ERR Unknown Redis command called from script" +
        trailer("206396248e12c6e742fd7296250433c8d7343b74"),
      ],
      [ev("return redis.pcall('nosuch')"), "-ERR Unknown Redis command called from script\r\n"],
      [
        ev("return redis.pcall('incr', {})"),
        "-ERR Lua redis lib command arguments must be strings or integers\r\n",
      ],
      [
        ev("redis.setresp(3) return redis.pcall('incr', {})"),
        "-ERR Lua redis lib command arguments must be strings or integers\r\n",
      ],
      [
        ev("return redis.call('get')"),
        "-ERR Wrong number of args calling Redis command from script" +
        trailer("f187dee77f607f7cff00bbabc9df38507582c78d"),
      ],
      [
        ev("return redis.call('incr', 'k', {})"),
        "-ERR Lua redis lib command arguments must be strings or integers" +
        trailer("50680612ff5c9ff15ef303b1122d9902788b5e2c"),
      ],
      [
        ev("return redis.call()"),
        "-ERR Please specify at least one argument for this redis lib call" +
        trailer("0a907e1429221a4d85516cab7fd219a82a9439d8"),
      ],
      [
        ev("return redis.call('multi')"),
        "-ERR This Redis command is not allowed from script" +
        trailer("c329a1a294be6bf95b44144f7502610661ae925a"),
      ],
      [
        ev("return redis.call('eval','return 1','0')"),
        "-ERR This Redis command is not allowed from script" +
        trailer("1e5046f3a9119d3dc9cf5824428b6d9fedd305d2"),
      ],
      [
        ev('\nlocal x = 1\nreturn redis.call("nosuch")'),
        "-ERR Unknown Redis command called from script" +
        trailer("003c4d39d12904b522f208749cef17277630b10a", 3),
      ],
      [
        ev('\nlocal r = redis.pcall("nosuch")\n\nerror(r)'),
        "-ERR Unknown Redis command called from script" +
        trailer("82f1de7573d9b63fb4dc2ad583338fa76911fcff", 4),
      ],
      [
        ev("redis.call('set','s','a') return redis.call('incr','s')"),
        "-ERR value is not an integer or out of range" +
        trailer("28f9593b2498b74e423ccadfbb64425856f9dfd7"),
      ],
      [
        ev("return redis.call('lpush','s','x')"),
        "-WRONGTYPE Operation against a key holding the wrong kind of value" +
        trailer("1bae58f5987a5f51b4735899cd21a9fd9c5bd4db"),
      ],
      [
        ev("redis.setresp(4)"),
        "-ERR RESP version must be 2 or 3." + trailer("68e72e4d8a428b9f599dce492315f2455a425a82"),
      ],
      [
        ev("redis.setresp()"),
        "-ERR redis.setresp() requires one argument." +
        trailer("42aacaf580759e59c97e8b1974d08a62f960014f"),
      ],
      [
        ev("return redis.sha1hex('a','b')"),
        "-ERR wrong number of arguments" + trailer("edf6261c570172733db1a1733deb85dff3d07a94"),
      ],
      [
        ev('\n\nredis.log(99,"x")'),
        "-ERR Invalid debug level." + trailer("33f05465c598637e7a279be12d419ad4ff3cf2bd", 3),
      ],
      [
        ev("redis.log('a','b')"),
        "-ERR First argument must be a number (log level)." +
        trailer("9369277607d3605674cb24c2c2b4df8d2a6497dc"),
      ],
      [
        ev("return redis.log(redis.LOG_WARNING)"),
        "-ERR redis.log() requires two arguments or more." +
        trailer("224c2b6c4d4a245fb6c4394854d25a2ca448909c"),
      ],
      [
        ev("return redis.set_repl(99)"),
        "-ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE." +
        trailer("fae934173b6296d6836d5d5f52e192640f8897d9"),
      ],
      [
        ev("redis.set_repl()"),
        "-ERR redis.set_repl() requires two arguments." +
        trailer("e39b47fd8e0d5dc1c7155bbafcefaf48cf163f82"),
      ],
    ]);
  });
});

Deno.test("eval: the redis table, globals and libraries of Redis 7.2's sandbox", async () => {
  await withClient({}, async (c) => {
    await expectReplies(c, [
      [
        ev(
          "return {redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL, redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING}",
        ),
        "*9\r\n:0\r\n:1\r\n:2\r\n:2\r\n:3\r\n:0\r\n:1\r\n:2\r\n:3\r\n",
      ],
      [
        ev("return {redis.REDIS_VERSION, redis.REDIS_VERSION_NUM}"),
        "*2\r\n$5\r\n7.2.4\r\n:459268\r\n",
      ],
      [ev("return redis.breakpoint()"), "$-1\r\n"],
      [ev("return redis.debug('x')"), "$-1\r\n"],
      [ev("return redis.replicate_commands()"), ":1\r\n"],
      [ev("return redis.set_repl(redis.REPL_ALL)"), "$-1\r\n"],
      [ev("redis.log(redis.LOG_WARNING, 'x', 1, 'y')"), "$-1\r\n"],
      [ev("return redis.sha1hex('')"), "$40\r\nda39a3ee5e6b4b0d3255bfef95601890afd80709\r\n"],
      [ev("return redis.sha1hex(1)"), "$40\r\n356a192b7913b04c54574d18c28d46e6395428ab\r\n"],
      [ev("local t = loadstring('return 1') return t()"), ":1\r\n"],
      [ev("return _VERSION"), "$7\r\nLua 5.1\r\n"],
      [ev("return table.getn({1,2,3})"), ":3\r\n"],
      [ev("return #{1,2,3,nil,5}"), ":5\r\n"],
      [ev("return math.type == nil"), ":1\r\n"],
      [ev("return 7 / 2"), ":3\r\n"],
      [ev("return tostring(7 / 2)"), "$3\r\n3.5\r\n"],
      [ev("return cjson.encode(cjson.decode('{\"a\":[1,2]}'))"), '$11\r\n{"a":[1,2]}\r\n'],
      [
        ev(
          "cjson.decode_array_with_array_mt(true) local r = cjson.encode(cjson.decode('[]')) " +
            "cjson.decode_array_with_array_mt(false) return r",
        ),
        "$2\r\n[]\r\n",
      ],
      [ev("return cjson.encode(cjson.decode('[]'))"), "$2\r\n{}\r\n"],
      [ev("return cmsgpack.pack({1,2})"), "$3\r\n\x92\x01\x02\r\n"],
      [ev("return bit.band(7,3)"), ":3\r\n"],
      [ev("return struct.pack('>I2', 258)"), "$2\r\n\x01\x02\r\n"],
    ]);
    // Absent: what Redis 7.2 does not load or removes.
    for (
      const g of [
        "io",
        "require",
        "dofile",
        "loadfile",
        "print",
        "setfenv",
        "getfenv",
        "debug",
        "module",
        "newproxy",
      ]
    ) {
      const reply = await c.call(...ev(`return type(${g})`));
      assert.match(
        reply,
        new RegExp(
          `^-ERR user_script:1: Script attempted to access nonexistent global variable '${g}'`,
        ),
        g,
      );
    }
  });
});

Deno.test("eval: os holds only clock, the process's CPU seconds", async () => {
  await withClient({}, async (c) => {
    await expectReplies(c, [
      [ev("return type(os)"), "$5\r\ntable\r\n"],
      [ev("return type(os.clock())"), "$6\r\nnumber\r\n"],
      [ev("local n = 0 for k in pairs(os) do n = n + 1 end return n"), ":1\r\n"],
    ]);
    // CPU time: a loop of Lua work moves it forward, and it is not the time since an epoch.
    const spent = await c.call(
      ...ev(
        "local t = os.clock() local x = 0 for i = 1, 3e6 do x = x + i end " +
          "return {tostring(t), tostring(os.clock() - t)}",
      ),
    );
    const [at, took] = [...spent.matchAll(/\r\n([0-9.e+-]+)\r\n/g)].map((m) => Number(m[1]));
    assert.ok(at >= 0 && at < 1e6, spent);
    assert.ok(took > 0 && took < 60, spent);
  });
});

Deno.test({
  name: "eval: os.clock and the missing os members as valkey-server gives them",
  ignore: !HAS_VALKEY,
  async fn() {
    requireValkey();
    const cases: Arg[][] = [
      ev("return type(os)"),
      ev("return type(os.clock)"),
      ev("return type(os.clock())"),
      ev("return os.clock() >= 0"),
      ev("return type(os.time)"),
      ev("return os.time()"),
      ev("return os.execute('true')"),
      ev("return os.getenv('HOME')"),
      ev("local t = {} for k in pairs(os) do t[#t + 1] = k end return t"),
      ev("os.clock = nil return 1"),
      ev("os.time = os.clock return 1"),
      ev("rawset(os, 'x', 1) return 1"),
      ev("os = nil return 1"),
      ev("return getmetatable(os) == nil"),
      ev("local o = os return o.foo"),
      ev("return os.clock('x') >= 0"),
    ];
    await withOursAndReference({}, async (ours, ref) => {
      for (const args of cases) {
        assert.equal(await ours.call(...args), await ref.call(...args), String(args[1]));
      }
    });
  },
});

Deno.test("eval: sandbox escapes are refused", async () => {
  await withClient({}, async (c) => {
    const refused = [
      "setmetatable(_G, nil)",
      "rawset(_G, 'x', 1)",
      "redis.call = nil",
      "string.upper = nil",
      "getmetatable('').__index.upper = nil",
      "cjson.encode = nil",
      "_G.x = 1",
      "local f = loadstring('y = 1') f()",
    ];
    for (const s of refused) {
      const reply = await c.call(...ev(s));
      assert.match(reply, /Attempt to modify a readonly table/, s);
    }
    // The library tables still work afterwards.
    assert.equal(await c.call(...ev("return string.upper('a')")), "$1\r\nA\r\n");
  });
});

Deno.test({
  name: "eval: a script's value is its first, whether it runs as it is or wrapped; EVALSHA twice",
  ignore: !HAS_REFERENCE,
  async fn() {
    // Scripts that can only return one value run as they are (engine.ts compileEvalScript); the
    // others in a function that keeps the first. Each runs by EVAL, then twice by EVALSHA
    // (the second found by the last-script shortcut), in upper case the second time.
    const scripts = [
      "return redis.call('get', KEYS[1])",
      "return redis.call('incr', KEYS[1])",
      "return redis.call(unpack({'get', KEYS[1]}))",
      "if KEYS[1] then return redis.call('get', KEYS[1]) end return 5",
      "local redis2 = redis return redis2.call('get', KEYS[1])",
      "local function f() return 1, 2 end return f()",
      "local function f() return 1, 2 end return (f())",
      "return 1, 2",
      "return nil, 2",
      "return select('#', ...)",
      "return ...",
      "local t = {redis.call('get', KEYS[1])} return t[1], t[2]",
      "return",
      "local x = 1",
      "return 1e17",
      "return -1e17",
      "return 9007199254740993",
      "return {1, 'a', {ok = 'x\\ny'}, {2, {3}}, nil, 4}",
      "return redis.status_reply('a\\r\\nb')",
      "return arg",
    ];
    await withOursAndReference({}, async (ours, ref) => {
      for (const c of [ours, ref]) await c.call("set", "k", "5");
      for (const script of scripts) {
        const sha = sha1hex(binaryToBytes(script));
        for (const args of [ev(script, "1", "k"), ["evalsha", sha, "1", "k"]]) {
          assert.equal(await ours.call(...args), await ref.call(...args), script);
        }
        const upper = ["evalsha", sha.toUpperCase(), "1", "k"];
        assert.equal(await ours.call(...upper), await ref.call(...upper), script);
      }
      // SCRIPT FLUSH forgets the script EVALSHA found last.
      const sha = sha1hex(binaryToBytes(scripts.at(-1)!));
      for (const c of [ours, ref]) assert.equal(await c.call("script", "flush"), "+OK\r\n");
      assert.equal(
        await ours.call("evalsha", sha, "1", "k"),
        "-NOSCRIPT No matching script. Please use EVAL.\r\n",
      );
    });
  },
});

Deno.test("script: LOAD, EXISTS, FLUSH, KILL, HELP; EVALSHA of a loaded script", async () => {
  await withClient({}, async (c) => {
    await expectReplies(c, [
      [["script", "load", "return 1"], "$40\r\ne0e1f9fabfc9d4800c877a703b823ac0578ff8db\r\n"],
      [[
        "script",
        "exists",
        "e0e1f9fabfc9d4800c877a703b823ac0578ff8db",
        "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB",
        "x",
      ], "*3\r\n:1\r\n:1\r\n:0\r\n"],
      [["evalsha", "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB", "0"], ":1\r\n"],
      [["evalsha_ro", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db", "0"], ":1\r\n"],
      [
        ["script", "load", "return x("],
        "-ERR Error compiling script (new function): user_script:1: unexpected symbol near '<eof>'\r\n",
      ],
      [["script", "flush", "x"], "-ERR SCRIPT FLUSH only support SYNC|ASYNC option\r\n"],
      [["script", "flush", "async"], "+OK\r\n"],
      [["script", "exists", "e0e1f9fabfc9d4800c877a703b823ac0578ff8db"], "*1\r\n:0\r\n"],
      [["script", "kill"], "-NOTBUSY No scripts in execution right now.\r\n"],
      [["script"], "-ERR wrong number of arguments for 'script' command\r\n"],
      [["script", "foo"], "-ERR unknown subcommand 'foo'. Try SCRIPT HELP.\r\n"],
      // EVAL caches what it runs.
      [ev("return 2"), ":2\r\n"],
      [["script", "exists", "7f923f79fe76194c868d7e1d0820de36700eb649"], "*1\r\n:1\r\n"],
    ]);
    const help = await c.call("script", "help");
    assert.ok(help.startsWith("*17\r\n+SCRIPT <subcommand> [<arg> [value] [opt] ...]."), help);
  });
});

Deno.test("eval: shebang flags, EVAL_RO and no-writes", async () => {
  await withClient({}, async (c) => {
    await expectReplies(c, [
      [ev("#!lua\nreturn 1"), ":1\r\n"],
      [ev("#!lua flags=\nreturn 1"), ":1\r\n"],
      [ev("#!lua  flags=no-writes\nreturn 1"), ":1\r\n"],
      [ev("#!lua"), "-ERR Invalid script shebang\r\n"],
      [ev("#!lua flags=bad\nreturn 1"), "-ERR Unexpected flag in script shebang: bad\r\n"],
      [ev("#!luax\nreturn 1"), "-ERR Unexpected engine in script shebang: #!luax\r\n"],
      [ev("#!lua foo=bar\nreturn 1"), "-ERR Unknown lua shebang option: foo=bar\r\n"],
      [
        ev(
          "#!lua flags=no-writes,allow-oom,allow-stale,no-cluster,allow-cross-slot-keys\nreturn redis.call('get','a')",
        ),
        "$-1\r\n",
      ],
      [
        ev("#!lua flags=no-writes\nreturn redis.call('set','a','b')"),
        "-ERR Write commands are not allowed from read-only scripts." +
        trailer("6acb400a50fe96e33eca4e0af6e9dcfb21193726", 2),
      ],
      [
        ["eval_ro", "return redis.call('set','a','b')", "0"],
        "-ERR Write commands are not allowed from read-only scripts." +
        trailer("ff967d0ae0e68b4f9e360fa91c54598bc25ad9b6"),
      ],
      [
        ["eval_ro", "#!lua\nreturn 1", "0"],
        "-ERR Can not execute a script with write flag using *_ro command.\r\n",
      ],
      [["eval_ro", "#!lua flags=no-writes\nreturn 1", "0"], ":1\r\n"],
      [
        ev("#!lua\nreturn 1 +"),
        "-ERR Error compiling script (new function): user_script:2: unexpected symbol near '<eof>'\r\n",
      ],
      [
        ev("#!lua\n\nreturn x"),
        "-ERR user_script:3: Script attempted to access nonexistent global variable 'x' script: 7c521c4c51e4c231cd844277c8da7c5de00bcf1c, on @user_script:3.\r\n",
      ],
    ]);
  });
});

Deno.test("eval: scripts are atomic under concurrent clients", async () => {
  await withClient({}, async (_c, srv) => {
    // Read-modify-write with GET and SET: lost updates would show without atomicity.
    const script = "local v = tonumber(redis.call('get', KEYS[1]) or '0') " +
      "redis.call('set', KEYS[1], v + 1) redis.call('rpush', KEYS[2], v) return v";
    await withConnections(srv.port, 8, async (clients) => {
      await Promise.all(clients.map(async (cl) => {
        for (let i = 0; i < 50; i++) await cl.call("eval", script, "2", "n", "seen");
      }));
      const c = clients[0];
      assert.equal(await c.call("get", "n"), "$3\r\n400\r\n");
      const seen = await c.call("lrange", "seen", "0", "-1");
      const values = seen.split("\r\n").filter((l) => /^\d+$/.test(l)).map(Number);
      assert.equal(values.length, 400);
      assert.deepEqual(values, Array.from({ length: 400 }, (_, i) => i));
    });
  });
});

Deno.test("eval: a script's SELECT stays in the script; writes inside MULTI", async () => {
  await withClient({}, async (c) => {
    await expectReplies(c, [
      [
        ev("redis.call('select','3') redis.call('set','k','v') return redis.call('get','k')"),
        "$1\r\nv\r\n",
      ],
      [["get", "k"], "$-1\r\n"],
      [["select", "3"], "+OK\r\n"],
      [["get", "k"], "$1\r\nv\r\n"],
      [["multi"], "+OK\r\n"],
      [ev("return redis.call('incr','c')"), "+QUEUED\r\n"],
      [ev("return redis.call('incr','c')"), "+QUEUED\r\n"],
      [["exec"], "*2\r\n:1\r\n:2\r\n"],
    ]);
  });
});

const LIB =
  "#!lua name=x\nredis.register_function{function_name='f', callback=function(keys, args) " +
  "return redis.call('set', keys[1], args[1]) end, flags={'no-writes'}, description='desc'} " +
  "redis.register_function('g', function() error('inner') end)";

Deno.test("function: LOAD errors of Redis 7.2", async () => {
  await withClient({}, async (c) => {
    const reg = "-ERR Error registering functions: ERR ";
    await expectReplies(c, [
      [["function", "load", "return 1"], "-ERR Missing library metadata\r\n"],
      [["function", "load", "#!lua\nreturn 1"], "-ERR Library name was not given\r\n"],
      [
        ["function", "load", "#!lua name=\nreturn 1"],
        "-ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long\r\n",
      ],
      [
        ["function", "load", "#!lua name=a-b\nreturn 1"],
        "-ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long\r\n",
      ],
      [["function", "load", "#!foo name=x\nreturn 1"], "-ERR Engine 'foo' not found\r\n"],
      [
        ["function", "load", "#!lua name=x foo=bar\nreturn 1"],
        "-ERR Invalid metadata value given: foo=bar\r\n",
      ],
      [["function", "load", "#!lua name=x\nreturn 1"], "-ERR No functions registered\r\n"],
      [
        ["function", "load", "#!lua name=x\nreturn 1 +"],
        "-ERR Error compiling function: user_function:2: unexpected symbol near '<eof>'\r\n",
      ],
      [
        ["function", "load", "#!lua name=x\nredis.register_function('f')"],
        reg +
        "calling redis.register_function with a single argument is only applicable to Lua table (representing named arguments).\r\n",
      ],
      [
        ["function", "load", "#!lua name=x\nredis.register_function('f', 1)"],
        reg + "second argument to redis.register_function must be a function\r\n",
      ],
      [
        ["function", "load", "#!lua name=x\nredis.register_function('f-1', function() end)"],
        reg +
        "Library names can only contain letters, numbers, or underscores(_) and must be at least one character long\r\n",
      ],
      [[
        "function",
        "load",
        "#!lua name=x\nredis.register_function{function_name='f', callback=function() end, flags={'bad'}}",
      ], reg + "unknown flag given\r\n"],
      [[
        "function",
        "load",
        "#!lua name=x\nredis.register_function{function_name='f', callback=function() end, foo=1}",
      ], reg + "unknown argument given to redis.register_function\r\n"],
      [
        ["function", "load", "#!lua name=x\nredis.register_function{callback=function() end}"],
        reg + "redis.register_function must get a function name argument\r\n",
      ],
      [[
        "function",
        "load",
        "#!lua name=x\nredis.register_function('f', function() end) redis.register_function('f', function() end)",
      ], reg + "Function already exists in the library\r\n"],
      [
        ["function", "load", "#!lua name=x\nredis.call('ping')"],
        reg + "user_function:2: Script attempted to access nonexistent global variable 'call'\r\n",
      ],
      [
        ["function", "load", "#!lua name=u\nredis.setresp(3)"],
        reg +
        "user_function:2: Script attempted to access nonexistent global variable 'setresp'\r\n",
      ],
      [
        ["function", "load", "#!lua name=x\nreturn x"],
        reg + "user_function:2: Script attempted to access nonexistent global variable 'x'\r\n",
      ],
      [
        ["function", "load", "#!lua name=u\nredis.register_function('u1', function() end) x = 1"],
        reg + "user_function:2: Attempt to modify a readonly table\r\n",
      ],
    ]);
  });
});

Deno.test("function: library life cycle, FCALL, FCALL_RO, LIST, STATS, DELETE, FLUSH", async () => {
  await withClient({}, async (c) => {
    await expectReplies(c, [
      [[
        "function",
        "load",
        "#!lua name=x\nredis.register_function('f', function(keys, args) return {keys[1], args[1]} end)",
      ], "$1\r\nx\r\n"],
      [["fcall", "f", "1", "k", "v"], "*2\r\n$1\r\nk\r\n$1\r\nv\r\n"],
      [
        ["function", "load", "#!lua name=x\nredis.register_function('f', function() return 2 end)"],
        "-ERR Library 'x' already exists\r\n",
      ],
      [
        ["function", "load", "#!lua name=y\nredis.register_function('f', function() return 2 end)"],
        "-ERR Function f already exists\r\n",
      ],
      [["function", "load", "replace", LIB], "$1\r\nx\r\n"],
      [
        ["fcall", "f", "1", "k", "v"],
        "-ERR Write commands are not allowed from read-only scripts. script: f, on @user_function:2.\r\n",
      ],
      [
        ["fcall_ro", "f", "1", "k", "v"],
        "-ERR Write commands are not allowed from read-only scripts. script: f, on @user_function:2.\r\n",
      ],
      [["fcall", "g", "0"], "-ERR user_function:2: inner script: g, on @user_function:2.\r\n"],
      [
        ["fcall_ro", "g", "0"],
        "-ERR Can not execute a script with write flag using *_ro command.\r\n",
      ],
      [["fcall", "nosuch", "0"], "-ERR Function not found\r\n"],
      [["fcall", "f", "-1"], "-ERR Number of keys can't be negative\r\n"],
      [["fcall", "f", "5"], "-ERR Number of keys can't be greater than number of args\r\n"],
      [
        ["function", "list"],
        "*1\r\n*6\r\n$12\r\nlibrary_name\r\n$1\r\nx\r\n$6\r\nengine\r\n$3\r\nLUA\r\n$9\r\nfunctions\r\n*2\r\n" +
        "*6\r\n$4\r\nname\r\n$1\r\nf\r\n$11\r\ndescription\r\n$4\r\ndesc\r\n$5\r\nflags\r\n*1\r\n+no-writes\r\n" +
        "*6\r\n$4\r\nname\r\n$1\r\ng\r\n$11\r\ndescription\r\n$-1\r\n$5\r\nflags\r\n*0\r\n",
      ],
      [["function", "list", "libraryname", "nomatch*"], "*0\r\n"],
      [["function", "list", "libraryname"], "-ERR library name argument was not given\r\n"],
      [["function", "list", "foo"], "-ERR Unknown argument foo\r\n"],
      [
        ["function", "stats"],
        "*4\r\n$14\r\nrunning_script\r\n$-1\r\n$7\r\nengines\r\n*2\r\n$3\r\nLUA\r\n*4\r\n$15\r\nlibraries_count\r\n:1\r\n$15\r\nfunctions_count\r\n:2\r\n",
      ],
      [["function", "delete", "nosuch"], "-ERR Library not found\r\n"],
      [["function", "kill"], "-NOTBUSY No scripts in execution right now.\r\n"],
      [["function", "flush", "foo"], "-ERR FUNCTION FLUSH only supports SYNC|ASYNC option\r\n"],
      [["function", "restore", "garbage"], "-ERR DUMP payload version or checksum are wrong\r\n"],
      [
        ["function", "restore", "x", "foo"],
        "-ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.\r\n",
      ],
      [["function", "delete", "x"], "+OK\r\n"],
      [["fcall", "f", "0"], "-ERR Function not found\r\n"],
      [[
        "function",
        "load",
        "#!lua name=z\nlocal function helper() return 1 end\nredis.register_function('h', function() return helper() end)",
      ], "$1\r\nz\r\n"],
      [["fcall", "h", "0"], ":1\r\n"],
      [["function", "flush", "sync"], "+OK\r\n"],
      [["function", "list"], "*0\r\n"],
    ]);
    const withCode = await c.call("function", "load", LIB);
    assert.equal(withCode, "$1\r\nx\r\n");
    const listed = await c.call("function", "list", "withcode", "libraryname", "x");
    assert.ok(
      listed.startsWith("*1\r\n*8\r\n") &&
        listed.endsWith(`$12\r\nlibrary_code\r\n$${LIB.length}\r\n${LIB}\r\n`),
      listed,
    );
  });
});

Deno.test("function: DUMP and RESTORE with the FLUSH, APPEND and REPLACE policies", async () => {
  await withClient({}, async (c) => {
    await c.call("function", "load", LIB);
    await c.call(
      "function",
      "load",
      "#!lua name=other\nredis.register_function('o', function() return 'o' end)",
    );
    await c.send("function", "dump");
    const payload = (await c.read()) as { t: "bulk"; v: Uint8Array };
    assert.equal(payload.t, "bulk");
    await expectReplies(c, [
      [["function", "restore", payload.v], "-ERR Library 'x' already exists\r\n"],
      [["function", "restore", payload.v, "replace"], "+OK\r\n"],
      [["function", "flush"], "+OK\r\n"],
      [["function", "restore", payload.v], "+OK\r\n"],
      [["fcall", "o", "0"], "$1\r\no\r\n"],
      [[
        "function",
        "load",
        "#!lua name=third\nredis.register_function('t', function() return 3 end)",
      ], "$5\r\nthird\r\n"],
      [["function", "restore", payload.v, "flush"], "+OK\r\n"],
      [["fcall", "t", "0"], "-ERR Function not found\r\n"],
      [["fcall", "o", "0"], "$1\r\no\r\n"],
    ]);
    // A corrupted checksum is refused.
    const bad = payload.v.slice();
    bad[bad.length - 1] ^= 1;
    assert.equal(
      await c.call("function", "restore", bad),
      "-ERR DUMP payload version or checksum are wrong\r\n",
    );
  });
});

Deno.test({
  name: "function: DUMP payloads interoperate with redis-server 7.0 both ways",
  ignore: !runsWith("redis-server"),
  async fn() {
    const [dir, cleanup] = await tempDir();
    try {
      await withBinaryOn("redis-server", dir, async (theirs) => {
        await withClient({}, async (ours) => {
          const long = "#!lua name=ilib\nredis.register_function('ifn', function(keys, args) " +
            "return 'hello from a fairly long library body to force lzf compression' end)";
          const short = "#!lua name=s\nredis.register_function('sf', function() return 7 end)";
          // Theirs -> ours.
          assert.equal(await theirs.call("function", "load", long), "$4\r\nilib\r\n");
          assert.equal(await theirs.call("function", "load", short), "$1\r\ns\r\n");
          await theirs.send("function", "dump");
          const fromThem = (await theirs.read()) as { t: "bulk"; v: Uint8Array };
          assert.equal(await ours.call("function", "restore", fromThem.v), "+OK\r\n");
          assert.equal(await ours.call("fcall", "sf", "0"), ":7\r\n");
          assert.equal(
            await ours.call("function", "list", "withcode", "libraryname", "ilib"),
            await theirs.call("function", "list", "withcode", "libraryname", "ilib"),
          );
          // Ours -> theirs, byte for byte the same payload.
          await ours.send("function", "dump");
          const fromUs = (await ours.read()) as { t: "bulk"; v: Uint8Array };
          assert.equal(await theirs.call("function", "restore", fromUs.v, "flush"), "+OK\r\n");
          assert.equal(
            await theirs.call("fcall", "ifn", "0"),
            "$62\r\nhello from a fairly long library body to force lzf compression\r\n",
          );
          assert.equal(await theirs.call("fcall", "sf", "0"), ":7\r\n");
        });
      });
    } finally {
      await cleanup();
    }
  },
});

Deno.test("scripting: INFO memory fields", async () => {
  await withClient({}, async (c) => {
    await c.call("script", "load", "return 1");
    await c.call("function", "load", LIB);
    const info = await c.call("info", "memory");
    assert.match(info, /\r\nnumber_of_cached_scripts:1\r\n/);
    assert.match(info, /\r\nnumber_of_functions:2\r\n/);
    assert.match(info, /\r\nnumber_of_libraries:1\r\n/);
    assert.match(info, /\r\nused_memory_lua:\d+\r\n/);
    assert.match(info, /\r\nused_memory_scripts:\d+\r\n/);
  });
});

Deno.test("eval: MONITOR shows EVAL and FCALL, then what they run as [db lua]", async () => {
  await withClient({}, async (c, srv) => {
    const mon = await RawClient.connect(srv.port);
    try {
      assert.equal(await mon.call("monitor"), "+OK\r\n");
      await c.call("eval", "redis.call('set','a','1') return redis.call('get','a')", "0");
      await c.call("fcall", "nosuch", "0");
      const lines: string[] = [];
      for (let i = 0; i < 4; i++) {
        lines.push(
          (await mon.readRaw()).replace(/^\+\d+\.\d+ /, "").replace(/127\.0\.0\.1:\d+/, "ADDR"),
        );
      }
      assert.deepEqual(lines, [
        `[0 ADDR] "eval" "redis.call('set','a','1') return redis.call('get','a')" "0"\r\n`,
        '[0 lua] "set" "a" "1"\r\n',
        '[0 lua] "get" "a"\r\n',
        '[0 ADDR] "fcall" "nosuch" "0"\r\n',
      ]);
    } finally {
      mon.close();
    }
  });
});

Deno.test("eval: a command's error raised or returned by a script counts once in INFO errorstats", async () => {
  await withClient({}, async (c) => {
    await c.call("set", "s", "a");
    await c.call("config", "resetstat");
    await c.call("eval", "return redis.call('incr','s')", "0");
    await c.call("eval", "return redis.pcall('incr','s')", "0");
    await c.call("eval", "local r = redis.pcall('incr','s') error(r)", "0");
    await c.call("eval", "return redis.call('nosuch')", "0");
    await c.call("eval", "return redis.error_reply('MY x')", "0");
    const stats = await c.call("info", "errorstats");
    // As redis-server and valkey-server count them.
    assert.match(stats, /errorstat_ERR:count=4\r\n/);
    assert.match(stats, /errorstat_MY:count=1\r\n/);
    const cmd = await c.call("info", "commandstats");
    assert.match(cmd, /cmdstat_eval:calls=5,.*rejected_calls=0,failed_calls=5\r\n/);
    assert.match(cmd, /cmdstat_incr:calls=3,.*rejected_calls=0,failed_calls=3\r\n/);
  });
});
