// Tests for the composition root (src/create.ts: rename-command, subsystems) and the
// embedding/test API of mod.ts (exec, fastForward, dirty, db, Clock).

import assert from "node:assert/strict";
import { Clock, startServer, type Subsystem } from "../mod.ts";
import { parseCommandLine, StartupError } from "../src/server/config_loader.ts";
import { buildCommandTable, renameCommandCheck } from "../src/create.ts";
import { RawClient, tempDir, withClient, withServer } from "./helpers.ts";
import { expectSameReply, HAS_REFERENCE, withOursAndReference } from "./reference.ts";

/** parseCommandLine's error for a config file holding `lines`, checked as main.ts checks. */
async function renameError(lines: string[]): Promise<string> {
  const [dir, cleanup] = await tempDir();
  try {
    await Deno.writeTextFile(`${dir}/redis.conf`, lines.join("\n") + "\n");
    try {
      await parseCommandLine([`${dir}/redis.conf`], dir, { renameCommand: renameCommandCheck() });
    } catch (e) {
      assert.ok(e instanceof StartupError, String(e));
      return e.message;
    }
    return "";
  } finally {
    await cleanup();
  }
}

Deno.test(
  "rename-command: the new name runs the command, the old one is unknown, COMMAND shows the original row",
  {
    ignore: !HAS_REFERENCE,
  },
  async () => {
    await withOursAndReference(
      { "rename-command": ["get", "mget2"] },
      async (ours, ref) => {
        for (
          const args of [
            ["SET", "a", "1"],
            ["MGET2", "a"],
            ["mget2"],
            ["GET", "a"],
            ["COMMAND", "INFO", "mget2"],
            ["COMMAND", "INFO", "get"],
            ["COMMAND", "DOCS", "mget2"],
            ["COMMAND", "GETKEYS", "mget2", "a"],
            ["COMMAND", "GETKEYS", "get", "a"],
            ["COMMAND", "LIST", "FILTERBY", "PATTERN", "get"],
            ["COMMAND", "LIST", "FILTERBY", "PATTERN", "mget2"],
          ]
        ) await expectSameReply(ours, ref, args);
      },
      ["--rename-command", "get", "mget2"],
    );
  },
);

Deno.test(
  "rename-command of a container: its subcommands follow, errors name what the client typed",
  {
    ignore: !HAS_REFERENCE,
  },
  async () => {
    await withOursAndReference(
      { "rename-command": ["config", "cfg"] },
      async (ours, ref) => {
        for (
          const args of [
            ["CFG", "GET", "maxmemory"],
            ["cfg", "NOPE"],
            ["cfg", "get"],
            ["CONFIG", "GET", "maxmemory"],
            ["COMMAND", "INFO", "cfg|get"],
            ["COMMAND", "INFO", "config|get"],
            ["COMMAND", "GETKEYS", "cfg", "get", "x"],
          ]
        ) await expectSameReply(ours, ref, args);
      },
      ["--rename-command", "config", "cfg"],
    );
  },
);

Deno.test("rename-command to an empty name removes the command", async () => {
  const count = buildCommandTable().size;
  await withClient({ "rename-command": ["flushall", ""] }, async (c) => {
    assert.equal(await c.call("COMMAND", "COUNT"), `:${count - 1}\r\n`);
    assert.equal(
      await c.call("FLUSHALL"),
      "-ERR unknown command 'FLUSHALL', with args beginning with: \r\n",
    );
    assert.equal(await c.call("COMMAND", "INFO", "flushall"), "*1\r\n$-1\r\n");
  });
});

Deno.test("rename-command: start-up errors at the directive's line, renames apply in order", async () => {
  assert.match(
    await renameError(["port 0", "rename-command nosuch x"]),
    /at line 2\n>>> 'rename-command nosuch x'\nNo such command in rename-command/,
  );
  assert.match(
    await renameError(["rename-command get set"]),
    /at line 1\n>>> 'rename-command get set'\nTarget command name already exists/,
  );
  // A renamed command is known under its new name only.
  assert.match(
    await renameError(["rename-command get x", "rename-command get y"]),
    /at line 2\n.*\nNo such command in rename-command/,
  );
  assert.equal(await renameError(["rename-command get x", "rename-command x y"]), "");
});

Deno.test("rename-command: a chain of renames from a config file", async () => {
  const [dir, cleanup] = await tempDir();
  try {
    await Deno.writeTextFile(
      `${dir}/redis.conf`,
      "rename-command get x\nrename-command x y\nrename-command set get\n",
    );
    const srv = await startServer({ include: `${dir}/redis.conf` });
    try {
      assert.equal(srv.exec("get", "k", "v"), "+OK\r\n");
      assert.equal(srv.exec("y", "k"), "$1\r\nv\r\n");
      assert.match(srv.exec("x", "k"), /^-ERR unknown command 'x'/);
      assert.match(srv.exec("set", "k", "v"), /^-ERR unknown command 'set'/);
    } finally {
      await srv.close();
    }
  } finally {
    await cleanup();
  }
});

Deno.test("exec runs commands in-process; its client keeps SELECT and MULTI state", async () => {
  await withServer({}, async (srv) => {
    assert.equal(srv.exec("SET", "k", "v"), "+OK\r\n");
    assert.equal(srv.dirty, 1);
    assert.equal(srv.exec("GET", new Uint8Array([107])), "$1\r\nv\r\n");
    assert.equal(srv.exec("SELECT", 3), "+OK\r\n");
    assert.equal(srv.exec("GET", "k"), "$-1\r\n");
    assert.equal(
      srv.exec("MULTI") + srv.exec("INCR", "n") + srv.exec("EXEC"),
      "+OK\r\n+QUEUED\r\n*1\r\n:1\r\n",
    );
    assert.equal(srv.exec("BLPOP", "nolist", 0), "*-1\r\n");
    assert.equal((srv.db(3).get("n") as Uint8Array)[0], "1".charCodeAt(0));
    // The same data is seen over the network.
    const c = await RawClient.connect(srv.port);
    try {
      assert.equal(await c.call("GET", "k"), "$1\r\nv\r\n");
    } finally {
      c.close();
    }
  });
});

Deno.test("fastForward expires keys and ages them without waiting", async () => {
  // deno-lint-ignore require-await
  await withServer({}, async (srv) => {
    srv.activeExpire = false;
    srv.exec("SET", "k", "v", "PX", 5000);
    srv.exec("SET", "idle", "v");
    srv.fastForward(4000);
    // The clock also runs in real time: a few ms may pass between the calls.
    const pttl = Number(/^:(\d+)\r\n$/.exec(srv.exec("PTTL", "k"))![1]);
    assert.ok(pttl > 900 && pttl <= 1000, String(pttl));
    assert.equal(srv.exec("OBJECT", "IDLETIME", "idle"), ":4\r\n");
    srv.fastForward(1001);
    const expired = srv.stats.expiredKeys;
    assert.equal(srv.exec("GET", "k"), "$-1\r\n");
    assert.equal(srv.stats.expiredKeys, expired + 1);
  });
});

Deno.test("a clock passed to startServer is the server's clock", async () => {
  const clock = new Clock();
  const srv = await startServer({}, { clock });
  try {
    srv.exec("SET", "k", "v", "EX", 100);
    clock.advance(100_001);
    assert.equal(srv.exec("EXISTS", "k"), ":0\r\n");
  } finally {
    await srv.close();
  }
});

Deno.test("subsystems: INFO, CONFIG RESETSTAT, freed clients, SHUTDOWN save and close reach their hooks", async () => {
  const seen: string[] = [];
  const sub: Subsystem = {
    name: "test",
    clientFreed: () => seen.push("freed"),
    info: (section, fields) => {
      if (section === "persistence") fields.push(["test_field", 7]);
    },
    resetStats: () => seen.push("reset"),
    shutdownSave: () => {
      seen.push("save");
      return Promise.resolve(true);
    },
    close: () => {
      seen.push("close");
    },
  };
  // The persistence subsystem saves too: into a dir of its own.
  const [dir, cleanup] = await tempDir();
  const srv = await startServer({ save: "3600 1", dir }, { subsystems: [sub] });
  try {
    assert.match(srv.exec("INFO", "persistence"), /\r\ntest_field:7\r\n/);
    assert.equal(srv.exec("CONFIG", "RESETSTAT"), "+OK\r\n");
    const c = await RawClient.connect(srv.port);
    await c.call("PING");
    c.close();
    const c2 = await RawClient.connect(srv.port);
    await c2.send("SHUTDOWN");
    assert.equal(await c2.readUntilClosed(), "");
    c2.close();
    await srv.closed;
    assert.deepEqual(seen.filter((s) => s !== "freed"), ["reset", "save", "close"]);
    assert.ok(seen.includes("freed"));
  } finally {
    await srv.close();
    await cleanup();
  }
});
