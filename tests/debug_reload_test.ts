/**
 * DEBUG RELOAD against the reference: the same replies for the same steps (save and
 * reload, NOSAVE, NOFLUSH with and without MERGE, bad options), the dataset and its
 * function libraries back as they were (DEBUG DIGEST, FCALL).
 */

import assert from "node:assert/strict";
import { type Arg, tempDir } from "./helpers.ts";
import { HAS_VALKEY, requireValkey, withOursAndReference } from "./reference.ts";

const LIB = "#!lua name=rl\nredis.register_function('rlf', function() return 42 end)";

const STEPS: Arg[][] = [
  ["SET", "s", "v"],
  ["SET", "n", "12345"],
  ["SET", "ttl", "x", "PX", "100000000"],
  ["RPUSH", "l", "a", "b", "c"],
  ["HSET", "h", "f", "v", "g", "w"],
  ["SADD", "si", "1", "2", "3"],
  ["SADD", "ss", "x", "y"],
  ["ZADD", "z", "1", "a", "2.5", "b"],
  ["XADD", "x", "1-1", "f", "v"],
  ["XGROUP", "CREATE", "x", "g", "0"],
  ["SELECT", "3"],
  ["SET", "in3", "v"],
  ["SELECT", "0"],
  ["FUNCTION", "LOAD", LIB],
  ["DEBUG", "DIGEST"],
  ["DEBUG", "RELOAD"],
  ["DEBUG", "DIGEST"],
  ["FCALL", "rlf", "0"],
  ["DBSIZE"],
  // Changed after the save: NOSAVE brings back the file's dataset.
  ["SET", "s", "changed"],
  ["DEL", "l"],
  ["DEBUG", "RELOAD", "NOSAVE"],
  ["GET", "s"],
  ["LRANGE", "l", "0", "-1"],
  // Without flushing, the file's library (saved before the keys) exists already: an error
  // unless MERGE.
  ["DEBUG", "RELOAD", "NOFLUSH"],
  ["SET", "s", "merged-over"],
  ["SET", "extra", "kept"],
  ["DEBUG", "RELOAD", "NOFLUSH", "MERGE", "NOSAVE"],
  ["GET", "s"],
  ["GET", "extra"],
  ["FCALL", "rlf", "0"],
  ["DEBUG", "RELOAD", "BOGUS"],
  ["DEBUG", "DIGEST-VALUE", "s", "h", "z"],
];

Deno.test({
  name: "debug reload: replies and dataset as the reference's",
  ignore: !HAS_VALKEY,
  async fn() {
    requireValkey();
    const [dir, cleanup] = await tempDir();
    try {
      await withOursAndReference({ dir, "enable-debug-command": "yes" }, async (ours, ref) => {
        for (const step of STEPS) {
          const [a, b] = [await ours.call(...step), await ref.call(...step)];
          assert.equal(a, b, step.join(" "));
        }
        assert.equal(await ours.call("GET", "extra"), "$4\r\nkept\r\n");
      }, ["--enable-debug-command", "yes"]);
    } finally {
      await cleanup();
    }
  },
});
