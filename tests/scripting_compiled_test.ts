// Scripts and function libraries compiled once per VM (src/scripting/engine.ts, "Compiled
// once"): a cached script's EVALSHA and an FCALL call what was compiled before, in the worker
// (a script's first run) and on the server's thread (later runs of a script that only read).
// Replies are compared with the reference server.

import assert from "node:assert/strict";
import { type Arg, RawClient, withClient } from "./helpers.ts";
import { HAS_REFERENCE, withOursAndReference } from "./reference.ts";
import { sha1hex } from "../src/scripting/scripting.ts";
import {
  type Compiled,
  compiledScript,
  compileEvalScript,
  dropCompiled,
  HeldChunks,
  lastDefineFailed,
  runCompiled,
  runInWorker,
  runLua,
  type ScriptHost,
  takeResult,
} from "../src/scripting/engine.ts";
import { binaryToBytes, bytesToBinary } from "../src/util/bytes.ts";

/** Sends `args` to both servers `times` times and asserts the same replies. */
async function same(ours: RawClient, ref: RawClient, args: Arg[], times = 1): Promise<string> {
  let reply = "";
  for (let i = 0; i < times; i++) {
    reply = await ours.call(...args);
    assert.equal(reply, await ref.call(...args), `${args.join(" ")} (run ${i + 1})`);
  }
  return reply;
}

Deno.test({
  name: "compiled once: a cached script's errors by EVALSHA have valkey's texts and line numbers",
  ignore: !HAS_REFERENCE,
  async fn() {
    const scripts = [
      // A runtime error at line 3, in the worker and then on the server's thread.
      "local a = redis.call('get', KEYS[1])\nlocal b = nil\nreturn a + b",
      // A command's error raised by redis.call at line 3.
      "local x = 1\nlocal y = 2\nreturn redis.call('incr', KEYS[2])",
      // Reading an undeclared global, line 2.
      "local x = 1\nreturn undeclared_thing",
      // Writing a global, line 3.
      "local x = 1\n\nnew_global = 5",
      // error() with a string and with a table, after a blank shebang-less line.
      "\nlocal v = redis.call('get', KEYS[1])\nerror('boom ' .. v)",
      "\n\nerror({err = 'MY custom'})",
      // A prelude script (pcall): the wrapped body keeps its line numbers.
      "local r = redis.pcall('incr', KEYS[2])\nlocal t = nil\nreturn t.x",
    ];
    await withOursAndReference({}, async (ours, ref) => {
      await same(ours, ref, ["set", "k", "5"]);
      await same(ours, ref, ["set", "s", "abc"]);
      for (const script of scripts) {
        const sha = sha1hex(binaryToBytes(script));
        await same(ours, ref, ["eval", script, "2", "k", "s"]);
        // The first EVALSHA runs in the worker, the next ones on the server's thread.
        const reply = await same(ours, ref, ["evalsha", sha, "2", "k", "s"], 3);
        assert.match(reply, /^-/, script);
      }
      // A compile error is the same by EVAL and by SCRIPT LOAD, and caches nothing.
      const bad = "local x = 1\nlocal y = = 2";
      await same(ours, ref, ["eval", bad, "0"]);
      await same(ours, ref, ["script", "load", bad]);
      await noscript(ours, ref, sha1hex(binaryToBytes(bad)));
    });
  },
});

Deno.test({
  name: "compiled once: SCRIPT FLUSH then EVALSHA is NOSCRIPT; a script loaded again runs",
  ignore: !HAS_REFERENCE,
  async fn() {
    const script = "redis.call('incr', KEYS[1])\nreturn redis.call('get', KEYS[1])";
    const reader = "local v = redis.call('get', KEYS[1])\nreturn {v, #ARGV, ARGV[1]}";
    const sha = sha1hex(binaryToBytes(script));
    const readerSha = sha1hex(binaryToBytes(reader));
    await withOursAndReference({}, async (ours, ref) => {
      await same(ours, ref, ["script", "load", script]);
      await same(ours, ref, ["script", "load", reader]);
      await same(ours, ref, ["evalsha", sha, "1", "n"], 3);
      await same(ours, ref, ["evalsha", readerSha, "1", "n", "a", "b"], 3);
      await same(ours, ref, ["script", "flush"]);
      await noscript(ours, ref, sha);
      await noscript(ours, ref, readerSha);
      await same(ours, ref, ["script", "exists", sha, readerSha]);
      // Defined again (new numbers in both VMs): the same scripts run as before.
      await same(ours, ref, ["eval", script, "1", "n"], 2);
      await same(ours, ref, ["evalsha", sha, "1", "n"], 2);
      await same(ours, ref, ["script", "load", reader]);
      assert.equal(
        await same(ours, ref, ["evalsha", readerSha, "1", "n", "x"], 3),
        "*3\r\n$1\r\n7\r\n:1\r\n$1\r\nx\r\n",
      );
    });
  },
});

/** EVALSHA of `sha` is NOSCRIPT on both (valkey-server words it without "Please use EVAL."). */
async function noscript(ours: RawClient, ref: RawClient, sha: string): Promise<void> {
  assert.equal(
    await ours.call("evalsha", sha, "0"),
    "-NOSCRIPT No matching script. Please use EVAL.\r\n",
  );
  assert.match(await ref.call("evalsha", sha, "0"), /^-NOSCRIPT No matching script/);
}

const lib = (body: string, name = "mylib") => `#!lua name=${name}\n${body}`;

Deno.test({
  name: "compiled once: FCALL after FUNCTION LOAD REPLACE runs the new code; DELETE, FLUSH",
  ignore: !HAS_REFERENCE,
  async fn() {
    const v1 = lib(
      "redis.register_function('f', function(keys, args) return 'one ' .. (args[1] or '') end)\n" +
        "redis.register_function('g', function(keys) return redis.call('get', keys[1]) end)",
    );
    const v2 = lib(
      "redis.register_function('f', function(keys, args) return 'two ' .. #args end)\n" +
        "redis.register_function{function_name = 'h', callback = function() return 3 end, " +
        "flags = {'no-writes'}}",
    );
    await withOursAndReference({}, async (ours, ref) => {
      await same(ours, ref, ["set", "k", "v"]);
      await same(ours, ref, ["function", "load", v1]);
      assert.equal(await same(ours, ref, ["fcall", "f", "0", "a"], 3), "$5\r\none a\r\n");
      assert.equal(await same(ours, ref, ["fcall", "g", "1", "k"], 3), "$1\r\nv\r\n");
      await same(ours, ref, ["function", "load", v2]);
      await same(ours, ref, ["function", "load", "replace", v2]);
      assert.equal(await same(ours, ref, ["fcall", "f", "0", "a", "b"], 3), "$5\r\ntwo 2\r\n");
      await same(ours, ref, ["fcall", "g", "1", "k"]);
      await same(ours, ref, ["fcall_ro", "h", "0"], 3);
      await same(ours, ref, ["function", "delete", "mylib"]);
      assert.equal(await same(ours, ref, ["fcall", "f", "0"]), "-ERR Function not found\r\n");
      await same(ours, ref, ["fcall_ro", "h", "0"]);
      // Loaded again after the delete, then flushed.
      await same(ours, ref, ["function", "load", v1]);
      await same(ours, ref, ["fcall", "f", "0", "z"], 2);
      await same(ours, ref, ["function", "flush"]);
      await same(ours, ref, ["fcall", "f", "0"]);
      // RESTORE of a dump taken before: the same functions again.
      await same(ours, ref, ["function", "load", v2]);
      await ours.send("function", "dump");
      const dump = (await ours.read()) as { t: "bulk"; v: Uint8Array };
      await same(ours, ref, ["function", "flush"]);
      await same(ours, ref, ["function", "restore", dump.v]);
      await same(ours, ref, ["fcall", "f", "0", "q"], 3);
    });
  },
});

Deno.test({
  name: "compiled once: a function's errors, and redis.setresp not kept from one FCALL to the next",
  ignore: !HAS_REFERENCE,
  async fn() {
    const code = lib(
      "local function helper(x)\n  return x.field\nend\n" +
        "redis.register_function('bad', function(keys) return helper(nil) end)\n" +
        "redis.register_function('resp3', function(keys)\n  redis.setresp(3)\n" +
        "  return redis.call('hgetall', keys[1])\nend)\n" +
        "redis.register_function('resp', function(keys) return redis.call('hgetall', keys[1]) end)\n" +
        "redis.register_function('raise', function(keys)\n  error('no ' .. keys[1])\nend)",
    );
    await withOursAndReference({}, async (ours, ref) => {
      await same(ours, ref, ["hset", "h", "a", "1"]);
      await same(ours, ref, ["function", "load", code]);
      await same(ours, ref, ["fcall", "bad", "0"], 3);
      await same(ours, ref, ["fcall", "raise", "1", "h"], 3);
      for (let i = 0; i < 3; i++) {
        await same(ours, ref, ["fcall", "resp3", "1", "h"]);
        await same(ours, ref, ["fcall", "resp", "1", "h"]);
      }
    });
  },
});

Deno.test("compiled once: a script not compiled once (a short one) and a long one run alike", async () => {
  await withClient({}, async (c) => {
    // `return 1` is shorter than the call of a compiled script: it compiles at every run.
    for (const script of ["return 1", "return redis.call('get', KEYS[1]) or 'none'"]) {
      const sha = (await c.call("script", "load", script)).split("\r\n")[1];
      for (let i = 0; i < 3; i++) {
        assert.match(await c.call("evalsha", sha, "1", "nokey"), /^(:1|\$4\r\nnone)\r\n$/);
      }
    }
  });
});

const enc = new TextEncoder();
const HOST: ScriptHost = { call: () => "ERR no calls", log() {}, setResp() {} };

function compiled(text: string): Compiled {
  const source = compileEvalScript(enc.encode(text));
  if (typeof source === "string") throw new Error(source);
  return compiledScript(source)!;
}

Deno.test("compiled once: a dropped script leaves the server thread's VM and is defined again when run", () => {
  const c = compiled("return 'compiled ' .. #KEYS .. ' ' .. ARGV[1]");
  const run = () => {
    runCompiled(HOST, { source: c.defineArgs[0], compiled: c, index: 0 }, [], [enc.encode("a")]);
    return bytesToBinary(takeResult() as Uint8Array);
  };
  const defined = () =>
    runLua(HOST, enc.encode(`return redis.__f[${c.base}] ~= nil`), [], []) === 1;
  assert.equal(defined(), false);
  assert.equal(run(), "compiled 0 a");
  assert.equal(defined(), true);
  // Scripts cannot change it.
  const write = runLua(HOST, enc.encode(`redis.__f[${c.base}] = 1`), [], []);
  assert.equal(
    bytesToBinary((write as { err: Uint8Array }).err),
    "user_script:1: Attempt to modify a readonly table",
  );
  dropCompiled([c]);
  assert.equal(defined(), false);
  assert.equal(run(), "compiled 0 a");
  assert.equal(defined(), true);
  dropCompiled([c]);
});

Deno.test("compiled once: a VM holds a bounded size of compiled sources, oldest dropped first", () => {
  const a = compiled("return 'a script long enough to be compiled once'");
  const b = compiled("return 'another script long enough to be compiled'");
  const d = compiled("return 'a third script long enough to be compiled'");
  const held = new HeldChunks(a.size + b.size + 10);
  assert.deepEqual(held.add(a), []);
  assert.deepEqual(held.add(b), []);
  assert.equal(held.has(a) && held.has(b), true);
  assert.deepEqual(held.add(d), [a]);
  assert.equal(held.has(a), false);
  assert.equal(held.delete(b), true);
  assert.equal(held.delete(b), false);
  assert.equal(held.has(d), true);
});

Deno.test({
  name: "compiled once: commands a script runs count in INFO commandstats as valkey's",
  ignore: !HAS_REFERENCE,
  async fn() {
    // 20 GETs and an EXISTS per run: the first run in the worker, the next ones on the
    // server's thread, whose light commands are timed in segments.
    const script = "for i = 1, 20 do redis.call('get', KEYS[1]) end " +
      "return redis.call('exists', KEYS[1])";
    const sha = sha1hex(binaryToBytes(script));
    await withOursAndReference({}, async (ours, ref) => {
      await same(ours, ref, ["script", "load", script]);
      await same(ours, ref, ["config", "resetstat"]);
      await same(ours, ref, ["evalsha", sha, "1", "k"], 4);
      const stats = async (c: RawClient) => {
        const info = await c.call("info", "commandstats");
        const get = /cmdstat_get:calls=(\d+)/.exec(info);
        const exists = /cmdstat_exists:calls=(\d+)/.exec(info);
        return [Number(get?.[1]), Number(exists?.[1])];
      };
      const counts = await stats(ours);
      assert.deepEqual(counts, await stats(ref));
      assert.deepEqual(counts, [80, 4]);
    });
  },
});

Deno.test("compiled once: a definition that fails is reported, its error the run's result", () => {
  const wire = runInWorker(HOST, [], enc.encode("error('no room', 0)"), [], 987654, [], []);
  assert.equal(lastDefineFailed(), true);
  assert.match(bytesToBinary(wire!), /no room/);
  const ok = compiled("return 'defined and called in a worker run'");
  const value = runInWorker(HOST, [], ok.define, ok.defineArgs, ok.base, [], []);
  assert.equal(lastDefineFailed(), false);
  assert.match(bytesToBinary(value!), /defined and called in a worker run$/);
  dropCompiled([ok]);
  runInWorker(HOST, [ok.base, 1], null, [], ok.base, [], []);
  assert.equal(
    runLua(HOST, enc.encode(`return redis.__f[${ok.base}] == nil`), [], []),
    1,
  );
});
