// Connection commands byte for byte: PING, ECHO, QUIT, HELLO, AUTH (with and
// without requirepass), RESET and every CLIENT subcommand (ID, SETNAME,
// GETNAME, SETINFO, INFO, LIST, KILL, PAUSE, UNPAUSE, REPLY, NO-EVICT,
// NO-TOUCH, UNBLOCK, GETREDIR, TRACKINGINFO, CACHING, HELP); the command table
// rows and error texts against valkey-server when installed; and real clients
// (ioredis, node-redis in RESP2 and RESP3) connecting, authenticating and
// naming their connection. Expected texts are Redis 7.2's (networking.c,
// server.c, acl.c).

import assert from "node:assert/strict";
import { Redis } from "ioredis";
import { createClient } from "redis";
import {
  binaryToBytes,
  bulk,
  bytesToBinary,
  expectReplies,
  noIds,
  RawClient,
  type RespReply,
  simplify,
  sleep,
  waitBlocked,
  waitUntil,
  withClient,
  withServer,
} from "./helpers.ts";
import {
  asRedis724,
  expectReferenceRowsMatch,
  HAS_REFERENCE,
  REFERENCE_IS_VALKEY,
  replies,
  withReference,
  withReferenceClient,
} from "./reference.ts";
import type { RunningServer } from "../mod.ts";
import { Client } from "../src/server/client.ts";
import { connectionCommands } from "../src/commands/connection.ts";

/** The server-side Client behind a raw connection. */
async function serverClient(r: RawClient, srv: RunningServer): Promise<Client> {
  const id = Number((await r.call("CLIENT", "ID")).slice(1, -2));
  const c = srv.server.clients.get(id);
  assert.ok(c);
  return c;
}

/** CLIENT INFO of `r`, as "field" -> "value". */
async function clientInfo(r: RawClient): Promise<Map<string, string>> {
  const raw = await r.call("CLIENT", "INFO");
  const body = raw.slice(raw.indexOf("\r\n") + 2, -2);
  return parseInfoLine(body.replace(/^txt:/, "").replace(/\n$/, ""));
}

function parseInfoLine(line: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const kv of line.split(" ")) {
    const eq = kv.indexOf("=");
    m.set(kv.slice(0, eq), kv.slice(eq + 1));
  }
  return m;
}

/** Redis 7.2's CLIENT LIST fields, in order. */
const CLIENT_FIELDS = [
  "id",
  "addr",
  "laddr",
  "fd",
  "name",
  "age",
  "idle",
  "flags",
  "db",
  "sub",
  "psub",
  "ssub",
  "multi",
  "qbuf",
  "qbuf-free",
  "argv-mem",
  "multi-mem",
  "rbs",
  "rbp",
  "obl",
  "oll",
  "omem",
  "tot-mem",
  "events",
  "cmd",
  "user",
  "redir",
  "resp",
  "lib-name",
  "lib-ver",
];

const HELLO_TAIL = "$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n" +
  "$7\r\nmodules\r\n*0\r\n";

function hello(proto: 2 | 3, id: number): string {
  return (proto === 2 ? "*14" : "%7") +
    "\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n7.2.4\r\n" +
    `$5\r\nproto\r\n:${proto}\r\n$2\r\nid\r\n:${id}\r\n` + HELLO_TAIL;
}

const NOAUTH_HELLO = "-NOAUTH HELLO must be called with the client already authenticated, " +
  "otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the " +
  "client and select the RESP protocol version at the same time\r\n";
const WRONGPASS = "-WRONGPASS invalid username-password pair or user is disabled.\r\n";
const NAME_ERR = "-ERR Client names cannot contain spaces, newlines or special characters.\r\n";

/** Test-only commands: a write (for CLIENT PAUSE WRITE) and a blocking read (for UNBLOCK). */
function registerTestCommands(srv: RunningServer): void {
  const base = { firstKey: 0, lastKey: 0, step: 0, group: "server" as const, since: "0.0.0" };
  srv.server.commands.register([
    {
      ...base,
      name: "x-write",
      arity: 1,
      flags: ["write"],
      summary: "test only",
      handler: (c) => c.reply.simple("WROTE"),
    },
    {
      ...base,
      name: "x-block",
      arity: 2,
      flags: ["blocking"],
      summary: "test only",
      handler: (c) => {
        if (!c.server.blocking.canBlock(c)) return c.reply.nullArray();
        c.server.blocking.block(c, [c.key(1)], "list", 0, (cl) => cl.reply.nullArray());
      },
    },
  ]);
}

Deno.test("PING, ECHO and QUIT", async () => {
  await withClient({}, async (r, srv) => {
    await expectReplies(r, [
      [["PING"], "+PONG\r\n"],
      [["ping", "hello world"], bulk("hello world")],
      [["PING", ""], bulk("")],
      [["PING", "a", "b"], "-ERR wrong number of arguments for 'ping' command\r\n"],
      [["ECHO", "x"], bulk("x")],
      [["ECHO", binaryToBytes("\0\xff\r\n")], bulk("\0\xff\r\n")],
      [["ECHO"], "-ERR wrong number of arguments for 'echo' command\r\n"],
    ]);
    // A subscribed RESP2 client gets PING as a pseudo message; in RESP3, a plain PONG.
    const c = await serverClient(r, srv);
    c.channels.add("ch");
    c.kind = "pubsub";
    await expectReplies(r, [
      [["PING"], "*2\r\n$4\r\npong\r\n$0\r\n\r\n"],
      [["PING", "m"], "*2\r\n$4\r\npong\r\n$1\r\nm\r\n"],
      [
        ["ECHO", "x"],
        "-ERR Can't execute 'echo': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n",
      ],
    ]);
    c.reply.resp = 3;
    await expectReplies(r, [[["PING"], "+PONG\r\n"], [["PING", "m"], bulk("m")]]);
    c.reply.resp = 2;
    c.channels.clear();
    c.kind = "normal";
    // QUIT replies OK, closes, and ignores what follows; arguments are accepted.
    await r.write("QUIT extra\r\nPING\r\n");
    assert.equal(await r.readUntilClosed(), "+OK\r\n");
  });
  // QUIT needs no authentication and is not queued by MULTI.
  await withClient({ requirepass: "pw" }, async (r) => {
    assert.equal(await r.call("MULTI"), "-NOAUTH Authentication required.\r\n");
    await r.write("QUIT\r\n");
    assert.equal(await r.readUntilClosed(), "+OK\r\n");
  });
  await withClient({}, async (r) => {
    assert.equal(await r.call("MULTI"), "+OK\r\n");
    await r.write("QUIT\r\n");
    assert.equal(await r.readUntilClosed(), "+OK\r\n");
  });
});

Deno.test("HELLO: protocol switch, AUTH, SETNAME and errors", async () => {
  await withClient({}, async (r) => {
    const id = Number((await r.call("CLIENT", "ID")).slice(1, -2));
    await expectReplies(r, [
      [["HELLO"], hello(2, id)],
      [["HELLO", "3"], hello(3, id)],
      [["HELLO"], hello(3, id)],
      [["HELLO", "2"], hello(2, id)],
      [["HELLO", "4"], "-NOPROTO unsupported protocol version\r\n"],
      [["HELLO", "1"], "-NOPROTO unsupported protocol version\r\n"],
      [["HELLO", "-1"], "-NOPROTO unsupported protocol version\r\n"],
      [["HELLO", "abc"], "-ERR Protocol version is not an integer or out of range\r\n"],
      [["HELLO", "3 "], "-ERR Protocol version is not an integer or out of range\r\n"],
      [["HELLO", "03"], "-ERR Protocol version is not an integer or out of range\r\n"],
      [
        ["HELLO", "99999999999999999999"],
        "-ERR Protocol version is not an integer or out of range\r\n",
      ],
      [["HELLO", "3", "foo"], "-ERR Syntax error in HELLO option 'foo'\r\n"],
      [["HELLO", "3", "AUTH", "a"], "-ERR Syntax error in HELLO option 'AUTH'\r\n"],
      [["HELLO", "3", "setname"], "-ERR Syntax error in HELLO option 'setname'\r\n"],
      [
        ["HELLO", "3", binaryToBytes("\xffopt\0x")],
        "-ERR Syntax error in HELLO option '\xffopt'\r\n",
      ],
      [["HELLO", "3", "SETNAME", "a b"], NAME_ERR],
      // A failed option changes nothing, not even the protocol.
      [["CLIENT", "GETNAME"], "$-1\r\n"],
      [["HELLO", "3", "AUTH", "default", "x", "SETNAME", "n1"], hello(3, id)],
      [["CLIENT", "GETNAME"], bulk("n1")],
      [["HELLO", "2", "SETNAME", "n2", "AUTH", "nouser", "x"], WRONGPASS],
      [["CLIENT", "GETNAME"], bulk("n1")],
      [["PING"], "+PONG\r\n"],
      [["HELLO", "2", "SETNAME", "", "setname", "n3"], hello(2, id)],
      [["CLIENT", "GETNAME"], bulk("n3")],
      [["HELLO", "2", "SETNAME", ""], hello(2, id)],
      [["CLIENT", "GETNAME"], "$-1\r\n"],
    ]);
  });
  await withClient({ requirepass: "pw" }, async (r) => {
    const id = Number(
      (await r.call("HELLO", "3", "AUTH", "default", "pw")).match(/id\r\n:(\d+)/)![1],
    );
    await expectReplies(r, [[["PING"], "+PONG\r\n"], [["HELLO"], hello(3, id)]]);
    const r2 = await RawClient.connect(r.conn.remoteAddr.port);
    try {
      await expectReplies(r2, [
        [["HELLO"], NOAUTH_HELLO],
        [["HELLO", "3"], NOAUTH_HELLO],
        [["HELLO", "3", "SETNAME", "x"], NOAUTH_HELLO],
        [["HELLO", "3", "AUTH", "default", "bad"], WRONGPASS],
        [["HELLO", "4", "AUTH", "default", "pw"], "-NOPROTO unsupported protocol version\r\n"],
        [["CLIENT", "GETNAME"], "-NOAUTH Authentication required.\r\n"],
        [["HELLO", "2", "AUTH", "default", "pw", "SETNAME", "ok"], hello(2, id + 1)],
        [["CLIENT", "GETNAME"], bulk("ok")],
      ]);
    } finally {
      r2.close();
    }
  });
});

Deno.test("AUTH with and without requirepass; passwords redacted for MONITOR", async () => {
  await withClient({}, async (r) => {
    await expectReplies(r, [
      [
        ["AUTH", "x"],
        "-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n",
      ],
      [["AUTH", "default", "anything"], "+OK\r\n"],
      [["AUTH", "nouser", "x"], WRONGPASS],
      [["AUTH", "a", "b", "c"], "-ERR syntax error\r\n"],
      [["AUTH"], "-ERR wrong number of arguments for 'auth' command\r\n"],
      [["PING"], "+PONG\r\n"],
    ]);
  });
  await withClient({ requirepass: "pw" }, async (r, srv) => {
    // A fake MONITOR client sees "(redacted)" instead of passwords.
    const monitor = new Client(srv.server, null);
    monitor.monitor = true;
    srv.server.monitors.add(monitor);
    await expectReplies(r, [
      [["PING"], "-NOAUTH Authentication required.\r\n"],
      [["ECHO", "x"], "-NOAUTH Authentication required.\r\n"],
      [["AUTH", "bad"], WRONGPASS],
      [["AUTH", "default", "bad"], WRONGPASS],
      [["AUTH", "nouser", "pw"], WRONGPASS],
      [["PING"], "-NOAUTH Authentication required.\r\n"],
      [["AUTH", "a", "b", "c"], "-ERR syntax error\r\n"],
      [["AUTH", "pw"], "+OK\r\n"],
      [["PING"], "+PONG\r\n"],
      // A failed AUTH keeps the connection authenticated.
      [["AUTH", "bad"], WRONGPASS],
      [["PING"], "+PONG\r\n"],
      [["AUTH", "default", "pw"], "+OK\r\n"],
      [["HELLO", "2", "AUTH", "default", "pw"], hello(2, [...srv.server.clients.keys()][0])],
    ]);
    const fed = bytesToBinary(monitor.reply.buf.subarray(0, monitor.reply.len));
    assert.ok(!fed.includes('"pw"'), fed);
    assert.match(fed, /"AUTH" "\(redacted\)"/);
    assert.match(fed, /"AUTH" "\(redacted\)" "\(redacted\)"/);
    srv.server.monitors.delete(monitor);
    // Clients connected before requirepass changes keep their state.
    const r2 = await RawClient.connect(srv.port);
    try {
      assert.equal(await r2.call("PING"), "-NOAUTH Authentication required.\r\n");
      assert.equal(await r2.call("AUTH", "default", "pw"), "+OK\r\n");
      assert.match(await r2.call("CLIENT", "INFO"), / user=default /);
    } finally {
      r2.close();
    }
  });
});

Deno.test("RESET: back to the state of a new connection", async () => {
  await withClient({}, async (r, srv) => {
    registerTestCommands(srv);
    const other = await RawClient.connect(srv.port);
    try {
      const c = await serverClient(r, srv);
      await expectReplies(r, [
        [["SELECT", "3"], "+OK\r\n"],
        [["CLIENT", "SETNAME", "before"], "+OK\r\n"],
        [["CLIENT", "SETINFO", "LIB-NAME", "mylib"], "+OK\r\n"],
        [["CLIENT", "SETINFO", "LIB-VER", "1.2"], "+OK\r\n"],
        [["CLIENT", "NO-EVICT", "on"], "+OK\r\n"],
        [["CLIENT", "NO-TOUCH", "on"], "+OK\r\n"],
        [["WATCH", "k"], "+OK\r\n"],
        [["HELLO", "3"], hello(3, c.id)],
      ]);
      assert.equal(await other.call("SET", "k", "v"), "+OK\r\n");
      c.channels.add("ch");
      c.patterns.add("p*");
      c.kind = "pubsub";
      c.monitor = true;
      srv.server.monitors.add(c);
      assert.equal(await r.call("MULTI"), "+OK\r\n");
      assert.equal(await r.call("PING"), "+QUEUED\r\n");
      c.replyMode = "off"; // CLIENT REPLY OFF, which MULTI would queue
      // RESET is not queued, answers even with replies off, and answers +RESET in RESP3 too.
      assert.equal(await r.call("RESET"), "+RESET\r\n");
      const info = await clientInfo(r);
      assert.equal(info.get("db"), "0");
      assert.equal(info.get("name"), "");
      assert.equal(info.get("resp"), "2");
      assert.equal(info.get("flags"), "N");
      assert.equal(info.get("multi"), "-1");
      assert.equal(info.get("sub"), "0");
      assert.equal(info.get("psub"), "0");
      assert.equal(info.get("lib-name"), "mylib");
      assert.equal(info.get("lib-ver"), "1.2");
      assert.ok(!srv.server.monitors.has(c));
      assert.equal(c.monitor, false);
      await expectReplies(r, [
        [["EXEC"], "-ERR EXEC without MULTI\r\n"],
        // The WATCH went with the reset: this transaction runs.
        [["MULTI"], "+OK\r\n"],
        [["PING"], "+QUEUED\r\n"],
        [["EXEC"], "*1\r\n+PONG\r\n"],
        [["CLIENT", "GETNAME"], "$-1\r\n"],
        [["RESET", "x"], "-ERR wrong number of arguments for 'reset' command\r\n"],
      ]);
      // Replication links can't be reset.
      c.kind = "replica";
      assert.equal(await r.call("RESET"), "-ERR can only reset normal client connections\r\n");
      c.kind = "normal";
    } finally {
      other.close();
    }
  });
  // With requirepass RESET deauthenticates; without, the default user stays logged in.
  await withClient({ requirepass: "pw" }, async (r) => {
    await expectReplies(r, [
      [["AUTH", "pw"], "+OK\r\n"],
      [["PING"], "+PONG\r\n"],
      [["RESET"], "+RESET\r\n"],
      [["PING"], "-NOAUTH Authentication required.\r\n"],
      [["RESET"], "+RESET\r\n"],
    ]);
  });
});

Deno.test("CLIENT ID, SETNAME, GETNAME, SETINFO", async () => {
  await withClient({}, async (r, srv) => {
    const c = await serverClient(r, srv);
    const r2 = await RawClient.connect(srv.port);
    try {
      const id2 = Number((await r2.call("CLIENT", "ID")).slice(1, -2));
      assert.ok(id2 > c.id);
    } finally {
      r2.close();
    }
    await expectReplies(r, [
      [["CLIENT", "ID"], `:${c.id}\r\n`],
      [["CLIENT", "GETNAME"], "$-1\r\n"],
      [["CLIENT", "SETNAME", "my-conn_1"], "+OK\r\n"],
      [["CLIENT", "GETNAME"], bulk("my-conn_1")],
      [["client", "setname", "a b"], NAME_ERR],
      [["CLIENT", "SETNAME", "a\nb"], NAME_ERR],
      [["CLIENT", "SETNAME", "\x7f"], NAME_ERR],
      [["CLIENT", "SETNAME", binaryToBytes("caf\xc3\xa9")], NAME_ERR],
      [["CLIENT", "GETNAME"], bulk("my-conn_1")],
      [["CLIENT", "SETNAME", "!~"], "+OK\r\n"],
      // Validation stops at a NUL (a C string); the name keeps every byte.
      [["CLIENT", "SETNAME", binaryToBytes("a\0 b")], "+OK\r\n"],
      [["CLIENT", "GETNAME"], bulk("a\0 b")],
      [["CLIENT", "SETNAME", ""], "+OK\r\n"],
      [["CLIENT", "GETNAME"], "$-1\r\n"],
      [["CLIENT", "SETNAME"], "-ERR wrong number of arguments for 'client|setname' command\r\n"],
      [
        ["CLIENT", "GETNAME", "x"],
        "-ERR wrong number of arguments for 'client|getname' command\r\n",
      ],
      [["CLIENT", "SETINFO", "lib-name", "redis-py"], "+OK\r\n"],
      [["CLIENT", "SETINFO", "LIB-VER", "5.0.1"], "+OK\r\n"],
      [["CLIENT", "SETINFO", "foo", "bar"], "-ERR Unrecognized option 'foo'\r\n"],
      [
        ["CLIENT", "SETINFO", binaryToBytes("LIB\xff"), "x"],
        "-ERR Unrecognized option 'LIB\xff'\r\n",
      ],
      [
        ["CLIENT", "SETINFO", "Lib-Name", "a b"],
        "-ERR Lib-Name cannot contain spaces, newlines or special characters.\r\n",
      ],
      [
        ["CLIENT", "SETINFO", "lib-ver", "1\n"],
        "-ERR lib-ver cannot contain spaces, newlines or special characters.\r\n",
      ],
      [
        ["CLIENT", "SETINFO", "lib-name"],
        "-ERR wrong number of arguments for 'client|setinfo' command\r\n",
      ],
    ]);
    let info = await clientInfo(r);
    assert.equal(info.get("lib-name"), "redis-py");
    assert.equal(info.get("lib-ver"), "5.0.1");
    assert.equal(await r.call("CLIENT", "SETINFO", "lib-ver", ""), "+OK\r\n");
    info = await clientInfo(r);
    assert.equal(info.get("lib-ver"), "");
  });
});

Deno.test("CLIENT INFO and CLIENT LIST: Redis 7.2 fields, order and filters", async () => {
  await withClient({}, async (r, srv) => {
    const c = await serverClient(r, srv);
    const r2 = await RawClient.connect(srv.port);
    try {
      await r2.call("CLIENT", "SETNAME", "second");
      await r2.call("SELECT", "5");
      const raw = await r.call("CLIENT", "INFO");
      const m = raw.match(/^\$(\d+)\r\n(.*\n)\r\n$/s);
      assert.ok(m, raw);
      assert.equal(Number(m[1]), m[2].length);
      const line = m[2].slice(0, -1);
      assert.deepEqual(line.split(" ").map((kv) => kv.split("=")[0]), CLIENT_FIELDS);
      const f = parseInfoLine(line);
      assert.equal(f.get("id"), String(c.id));
      assert.equal(f.get("addr"), c.addr);
      assert.match(f.get("addr")!, /^127\.0\.0\.1:\d+$/);
      assert.equal(f.get("laddr"), `127.0.0.1:${srv.port}`);
      assert.match(f.get("fd")!, /^\d+$/);
      assert.equal(f.get("flags"), "N");
      assert.equal(f.get("db"), "0");
      assert.equal(f.get("multi"), "-1");
      assert.equal(f.get("cmd"), "client|info");
      assert.equal(f.get("argv-mem"), "10"); // "CLIENT" + "INFO"
      assert.equal(f.get("qbuf"), "26");
      assert.equal(f.get("user"), "default");
      assert.equal(f.get("redir"), "-1");
      assert.equal(f.get("resp"), "2");
      assert.equal(f.get("events"), "r");
      assert.equal(f.get("age"), "0");
      // CLIENT LIST: one line per client, oldest first, same format.
      const list = await r.call("CLIENT", "LIST");
      const lines = list.slice(list.indexOf("\r\n") + 2, -3).split("\n");
      assert.equal(lines.length, 2);
      const a = parseInfoLine(lines[0]);
      const b = parseInfoLine(lines[1]);
      assert.equal(a.get("id"), String(c.id));
      assert.equal(a.get("cmd"), "client|list");
      assert.equal(b.get("name"), "second");
      assert.equal(b.get("db"), "5");
      assert.equal(b.get("cmd"), "select");
      assert.equal(b.get("argv-mem"), "0");
      assert.equal(b.get("qbuf"), "0");
      assert.notEqual(a.get("fd"), b.get("fd"));
      // Filters.
      assert.equal((await r.call("CLIENT", "LIST", "TYPE", "normal")).split("id=").length, 3);
      assert.equal(await r.call("CLIENT", "LIST", "TYPE", "pubsub"), "$0\r\n\r\n");
      assert.equal(await r.call("CLIENT", "LIST", "type", "MASTER"), "$0\r\n\r\n");
      assert.equal(await r.call("CLIENT", "LIST", "TYPE", "replica"), "$0\r\n\r\n");
      assert.equal(await r.call("CLIENT", "LIST", "TYPE", "slave"), "$0\r\n\r\n");
      const byId = await r.call("CLIENT", "LIST", "ID", b.get("id")!, "99999", b.get("id")!);
      const idLines = byId.slice(byId.indexOf("\r\n") + 2, -3).split("\n");
      assert.deepEqual(idLines.map((l) => parseInfoLine(l).get("id")), [b.get("id"), b.get("id")]);
      await expectReplies(r, [
        [["CLIENT", "LIST", "TYPE", "foo"], "-ERR Unknown client type 'foo'\r\n"],
        [["CLIENT", "LIST", "ID", "abc"], "-ERR Invalid client ID\r\n"],
        [["CLIENT", "LIST", "ID", "1", "x"], "-ERR Invalid client ID\r\n"],
        [["CLIENT", "LIST", "ID", "-5"], "$0\r\n\r\n"],
        [["CLIENT", "LIST", "foo"], "-ERR syntax error\r\n"],
        [["CLIENT", "LIST", "TYPE"], "-ERR syntax error\r\n"],
        [["CLIENT", "LIST", "ID"], "-ERR syntax error\r\n"],
        [["CLIENT", "LIST", "TYPE", "normal", "x"], "-ERR syntax error\r\n"],
        [["CLIENT", "INFO", "x"], "-ERR wrong number of arguments for 'client|info' command\r\n"],
      ]);
      // Flags and state as the connection changes.
      await r2.call("CLIENT", "NO-EVICT", "on");
      await r2.call("CLIENT", "NO-TOUCH", "ON");
      await r2.call("MULTI");
      await r2.call("SET", "a", "b");
      await r2.call("SET", "abc", "defgh");
      const b2 = parseInfoLine(
        (await r.call("CLIENT", "LIST", "ID", b.get("id")!)).split("\r\n")[1].trimEnd(),
      );
      assert.equal(b2.get("flags"), "xeT");
      assert.equal(b2.get("multi"), "2");
      assert.equal(b2.get("multi-mem"), "64"); // bytes of the args + 8 per arg, as Redis counts
      assert.equal(b2.get("cmd"), "set");
      await r2.call("DISCARD");
      await r.call("WATCH", "w");
      await r2.call("SELECT", "0");
      await r2.call("SET", "w", "1");
      assert.equal((await clientInfo(r)).get("flags"), "d");
      // RESP3: a verbatim string.
      await r.call("HELLO", "3");
      assert.match(await r.call("CLIENT", "INFO"), /^=\d+\r\ntxt:id=/);
      assert.match(await r.call("CLIENT", "LIST"), /^=\d+\r\ntxt:id=.*\n\r\n$/s);
    } finally {
      r2.close();
    }
  });
});

Deno.test("CLIENT KILL: filters, old form, SKIPME and errors", async () => {
  await withClient({}, async (r, srv) => {
    const connect = async () => {
      const x = await RawClient.connect(srv.port);
      const id = Number((await x.call("CLIENT", "ID")).slice(1, -2));
      const addr = srv.server.clients.get(id)!.addr;
      return { x, id, addr };
    };
    const a = await connect();
    const b = await connect();
    const d = await connect();
    try {
      await expectReplies(r, [
        [["CLIENT", "KILL", "ID", String(a.id)], ":1\r\n"],
        [["CLIENT", "KILL", "ID", String(a.id)], ":0\r\n"],
        [["CLIENT", "KILL", b.addr], "+OK\r\n"],
        [["CLIENT", "KILL", b.addr], "-ERR No such client\r\n"],
        [["CLIENT", "KILL", "1.2.3.4:5"], "-ERR No such client\r\n"],
        [["CLIENT", "KILL", "ADDR", "1.2.3.4:5"], ":0\r\n"],
        [["CLIENT", "KILL", "LADDR", "1.2.3.4:5"], ":0\r\n"],
        [["CLIENT", "KILL", "ID", "0"], "-ERR client-id should be greater than 0\r\n"],
        [["CLIENT", "KILL", "ID", "abc"], "-ERR client-id should be greater than 0\r\n"],
        [["CLIENT", "KILL", "TYPE", "foo"], "-ERR Unknown client type 'foo'\r\n"],
        [["CLIENT", "KILL", "TYPE", "master"], ":0\r\n"],
        [["CLIENT", "KILL", "TYPE", "pubsub"], ":0\r\n"],
        [["CLIENT", "KILL", "USER", "nobody"], "-ERR No such user 'nobody'\r\n"],
        [["CLIENT", "KILL", "SKIPME", "maybe"], "-ERR syntax error\r\n"],
        [["CLIENT", "KILL", "FOO", "bar"], "-ERR syntax error\r\n"],
        [["CLIENT", "KILL", "ID", "5", "ADDR"], "-ERR syntax error\r\n"],
        [["CLIENT", "KILL"], "-ERR wrong number of arguments for 'client|kill' command\r\n"],
      ]);
      assert.equal(await a.x.readUntilClosed(), "");
      assert.equal(await b.x.readUntilClosed(), "");
      // LADDR and TYPE/USER match everyone else; SKIPME (default yes) spares the caller.
      const e = await connect();
      assert.equal(
        await r.call("CLIENT", "KILL", "LADDR", `127.0.0.1:${srv.port}`, "TYPE", "normal"),
        ":2\r\n",
      );
      assert.equal(await d.x.readUntilClosed(), "");
      assert.equal(await e.x.readUntilClosed(), "");
      const g = await connect();
      assert.equal(await r.call("CLIENT", "KILL", "USER", "default", "ADDR", g.addr), ":1\r\n");
      assert.equal(await g.x.readUntilClosed(), "");
      assert.equal(await r.call("PING"), "+PONG\r\n");
      // SKIPME no: the caller gets its reply, then is closed.
      const h = await connect();
      await r.send("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no");
      assert.equal(await r.readUntilClosed(), ":2\r\n");
      assert.equal(await h.x.readUntilClosed(), "");
    } finally {
      a.x.close();
      b.x.close();
      d.x.close();
    }
  });
  // The old form may kill the caller itself.
  await withClient({}, async (r, srv) => {
    const c = await serverClient(r, srv);
    await r.send("CLIENT", "KILL", c.addr);
    assert.equal(await r.readUntilClosed(), "+OK\r\n");
  });
});

Deno.test("CLIENT PAUSE and UNPAUSE", async () => {
  await withClient({}, async (r, srv) => {
    registerTestCommands(srv);
    const w = await RawClient.connect(srv.port);
    try {
      await expectReplies(r, [
        [["CLIENT", "PAUSE", "abc"], "-ERR timeout is not an integer or out of range\r\n"],
        [["CLIENT", "PAUSE", "-1"], "-ERR timeout is negative\r\n"],
        [["CLIENT", "PAUSE", "10", "FOO"], "-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n"],
        [["CLIENT", "PAUSE", "abc", "FOO"], "-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n"],
        [
          ["CLIENT", "PAUSE", "99999999999999999999"],
          "-ERR timeout is not an integer or out of range\r\n",
        ],
        [["CLIENT", "PAUSE", "9223372036854775807"], "-ERR timeout is out of range\r\n"],
        [
          ["CLIENT", "PAUSE", "1", "ALL", "x"],
          "-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.\r\n",
        ],
        [
          ["CLIENT", "UNPAUSE", "x"],
          "-ERR wrong number of arguments for 'client|unpause' command\r\n",
        ],
        [["CLIENT", "UNPAUSE"], "+OK\r\n"],
        // WRITE: reads go on, writes wait.
        [["CLIENT", "PAUSE", "100000", "WRITE"], "+OK\r\n"],
      ]);
      assert.equal(await w.call("PING"), "+PONG\r\n");
      await w.send("x-write");
      const written = w.readRaw();
      let done = false;
      written.then(() => done = true);
      await sleep(50);
      assert.equal(done, false);
      assert.equal(await r.call("CLIENT", "UNPAUSE"), "+OK\r\n");
      assert.equal(await written, "+WROTE\r\n");
      // An EXEC that queued a write waits too; one with only reads does not.
      await expectReplies(w, [[["MULTI"], "+OK\r\n"], [["x-write"], "+QUEUED\r\n"]]);
      assert.equal(await r.call("CLIENT", "PAUSE", "100000", "WRITE"), "+OK\r\n");
      await w.send("EXEC");
      const exec = w.readRaw();
      let execDone = false;
      exec.then(() => execDone = true);
      const reader = await RawClient.connect(srv.port);
      try {
        await expectReplies(reader, [
          [["MULTI"], "+OK\r\n"],
          [["PING"], "+QUEUED\r\n"],
          [["EXEC"], "*1\r\n+PONG\r\n"],
        ]);
      } finally {
        reader.close();
      }
      await sleep(30);
      assert.equal(execDone, false);
      assert.equal(await r.call("CLIENT", "UNPAUSE"), "+OK\r\n");
      assert.equal(await exec, "*1\r\n+WROTE\r\n");
      // ALL: everything waits, until the pause times out; a WRITE pause added
      // meanwhile does not weaken it.
      const start = Date.now();
      assert.equal(await r.call("CLIENT", "PAUSE", "150", "ALL"), "+OK\r\n");
      assert.equal(srv.server.pause?.mode, "all");
      srv.server.pauseClients(50, "write");
      assert.equal(srv.server.pause?.mode, "all");
      assert.equal(await w.call("PING"), "+PONG\r\n");
      assert.ok(Date.now() - start >= 140, `${Date.now() - start}`);
      assert.equal(srv.server.pause, null);
      // A huge timeout is accepted (the timer re-arms past setTimeout's range).
      assert.equal(await r.call("CLIENT", "PAUSE", "9223372036854", "WRITE"), "+OK\r\n");
      await sleep(10);
      assert.notEqual(srv.server.pause, null);
      srv.server.unpauseClients();
      assert.equal(await r.call("CLIENT", "PAUSE", "0"), "+OK\r\n");
      assert.equal(await w.call("x-write"), "+WROTE\r\n");
    } finally {
      w.close();
    }
  });
});

Deno.test("CLIENT REPLY ON, OFF, SKIP", async () => {
  await withClient({}, async (r) => {
    await r.write(
      "CLIENT REPLY OFF\r\nPING\r\nCLIENT REPLY FOO\r\nCLIENT REPLY ON\r\nPING a\r\n" +
        "CLIENT REPLY SKIP\r\nPING b\r\nPING c\r\nCLIENT REPLY SKIP\r\nCLIENT REPLY ON\r\n" +
        "PING d\r\nCLIENT REPLY SKIP\r\nFOO\r\nPING e\r\nCLIENT REPLY SKIP\r\n" +
        "CLIENT REPLY SKIP\r\nPING f\r\nPING g\r\nCLIENT REPLY SKIP\r\nCLIENT REPLY FOO\r\n" +
        "PING h\r\nCLIENT REPLY OFF\r\nCLIENT REPLY SKIP\r\nPING i\r\nCLIENT REPLY ON\r\n" +
        "PING j\r\nCLIENT REPLY SKIP\r\nMULTI\r\nPING k\r\nEXEC\r\nCLIENT REPLY\r\nQUIT\r\n",
    );
    assert.equal(
      await r.readUntilClosed(),
      "+OK\r\n" + bulk("a") + bulk("c") + "+OK\r\n" + bulk("d") + bulk("e") + bulk("g") +
        bulk("h") + "+OK\r\n" + bulk("j") + "+QUEUED\r\n*1\r\n" + bulk("k") +
        "-ERR wrong number of arguments for 'client|reply' command\r\n+OK\r\n",
    );
  });
  // Inside EXEC, what was written before a queued CLIENT REPLY OFF stays, the rest
  // goes, even EXEC's own array then being short (as Redis does).
  await withClient({}, async (r) => {
    await r.write(
      "MULTI\r\nPING\r\nCLIENT REPLY OFF\r\nPING\r\nEXEC\r\nPING\r\nCLIENT REPLY ON\r\n" +
        "MULTI\r\nCLIENT REPLY SKIP\r\nPING\r\nEXEC\r\nPING\r\nPING\r\nQUIT\r\n",
    );
    assert.equal(
      await r.readUntilClosed(),
      "+OK\r\n+QUEUED\r\n+QUEUED\r\n+QUEUED\r\n*3\r\n+PONG\r\n+OK\r\n" +
        "+OK\r\n+QUEUED\r\n+QUEUED\r\n*2\r\n+PONG\r\n+PONG\r\n+OK\r\n",
    );
  });
});

Deno.test("CLIENT NO-EVICT, NO-TOUCH, GETREDIR, TRACKINGINFO, CACHING", async () => {
  await withClient({}, async (r, srv) => {
    const c = await serverClient(r, srv);
    await expectReplies(r, [
      [["CLIENT", "NO-EVICT", "on"], "+OK\r\n"],
      [["CLIENT", "NO-TOUCH", "ON"], "+OK\r\n"],
    ]);
    assert.equal(c.noEvict && c.noTouch, true);
    assert.equal((await clientInfo(r)).get("flags"), "eT");
    await expectReplies(r, [
      [["CLIENT", "NO-EVICT", "off"], "+OK\r\n"],
      [["CLIENT", "NO-TOUCH", "Off"], "+OK\r\n"],
      [["CLIENT", "NO-EVICT", "maybe"], "-ERR syntax error\r\n"],
      [["CLIENT", "NO-TOUCH", "maybe"], "-ERR syntax error\r\n"],
      [["CLIENT", "NO-EVICT"], "-ERR wrong number of arguments for 'client|no-evict' command\r\n"],
      [["CLIENT", "GETREDIR"], ":-1\r\n"],
      [
        ["CLIENT", "TRACKINGINFO"],
        "*6\r\n$5\r\nflags\r\n*1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n",
      ],
      [
        ["CLIENT", "CACHING", "yes"],
        "-ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled\r\n",
      ],
    ]);
    assert.equal(c.noEvict || c.noTouch, false);
    assert.equal((await clientInfo(r)).get("flags"), "N");
  });
});

Deno.test("CLIENT UNBLOCK", async () => {
  await withClient({}, async (r, srv) => {
    registerTestCommands(srv);
    const blocked = await RawClient.connect(srv.port);
    try {
      const id = (await blocked.call("CLIENT", "ID")).slice(1, -2);
      await expectReplies(r, [
        [["CLIENT", "UNBLOCK", id], ":0\r\n"],
        [["CLIENT", "UNBLOCK", "abc"], "-ERR value is not an integer or out of range\r\n"],
        [
          ["CLIENT", "UNBLOCK", id, "foo"],
          "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n",
        ],
        [
          ["CLIENT", "UNBLOCK", "abc", "foo"],
          "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n",
        ],
        [["CLIENT", "UNBLOCK", "99999"], ":0\r\n"],
        [
          ["CLIENT", "UNBLOCK", id, "a", "b"],
          "-ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP.\r\n",
        ],
      ]);
      await blocked.send("x-block", "k");
      await waitBlocked(srv, 1);
      const list = await r.call("CLIENT", "LIST", "ID", id);
      assert.match(list, / flags=b .* cmd=x-block /);
      assert.equal(await r.call("CLIENT", "UNBLOCK", id), ":1\r\n");
      assert.equal(await blocked.readRaw(), "*-1\r\n");
      await blocked.send("x-block", "k");
      await waitBlocked(srv, 1);
      assert.equal(await r.call("CLIENT", "UNBLOCK", id, "ERROR"), ":1\r\n");
      assert.equal(await blocked.readRaw(), "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n");
      await blocked.send("x-block", "k");
      await waitBlocked(srv, 1);
      assert.equal(await r.call("CLIENT", "UNBLOCK", id, "timeout"), ":1\r\n");
      assert.equal(await blocked.readRaw(), "*-1\r\n");
      assert.equal(await blocked.call("PING"), "+PONG\r\n");
    } finally {
      blocked.close();
    }
  });
});

const CLIENT_HELP = [
  "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
  "CACHING (YES|NO)",
  "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
  "GETREDIR",
  "    Return the client ID we are redirecting to when tracking is enabled.",
  "GETNAME",
  "    Return the name of the current connection.",
  "ID",
  "    Return the ID of the current connection.",
  "INFO",
  "    Return information about the current client connection.",
  "KILL <ip:port>",
  "    Kill connection made from <ip:port>.",
  "KILL <option> <value> [<option> <value> [...]]",
  "    Kill connections. Options are:",
  "    * ADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made from the specified address",
  "    * LADDR (<ip:port>|<unixsocket>:0)",
  "      Kill connections made to specified local address",
  "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
  "      Kill connections by type.",
  "    * USER <username>",
  "      Kill connections authenticated by <username>.",
  "    * SKIPME (YES|NO)",
  "      Skip killing current connection (default: yes).",
  "LIST [options ...]",
  "    Return information about client connections. Options:",
  "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
  "      Return clients of specified type.",
  "UNPAUSE",
  "    Stop the current client pause, resuming traffic.",
  "PAUSE <timeout> [WRITE|ALL]",
  "    Suspend all, or just write, clients for <timeout> milliseconds.",
  "REPLY (ON|OFF|SKIP)",
  "    Control the replies sent to the current connection.",
  "SETNAME <name>",
  "    Assign the name <name> to the current connection.",
  "SETINFO <option> <value>",
  "    Set client meta attr. Options are:",
  "    * LIB-NAME: the client lib name.",
  "    * LIB-VER: the client lib version.",
  "UNBLOCK <clientid> [TIMEOUT|ERROR]",
  "    Unblock the specified blocked client.",
  "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
  "         [OPTIN] [OPTOUT] [NOLOOP]",
  "    Control server assisted client side caching.",
  "TRACKINGINFO",
  "    Report tracking status for the current connection.",
  "NO-EVICT (ON|OFF)",
  "    Protect current client connection from eviction.",
  "NO-TOUCH (ON|OFF)",
  "    Will not touch LRU/LFU stats when this mode is on.",
  "HELP",
  "    Print this help.",
];

Deno.test("CLIENT HELP", async () => {
  await withClient({}, async (r) => {
    const want = `*${CLIENT_HELP.length}\r\n` + CLIENT_HELP.map((l) => `+${l}\r\n`).join("");
    assert.equal(await r.call("CLIENT", "HELP"), want);
    // The header names the command as typed, upper-cased.
    assert.equal(await r.call("client", "help"), want);
    assert.equal(
      await r.call("CLIENT", "HELP", "x"),
      "-ERR wrong number of arguments for 'client|help' command\r\n",
    );
  });
});

Deno.test("real clients: ioredis connects, authenticates and names its connection", {
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  await withServer({ requirepass: "s3cret" }, async (srv) => {
    const io = new Redis({
      host: "127.0.0.1",
      port: srv.port,
      password: "s3cret",
      connectionName: "io-conn",
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      lazyConnect: true,
    });
    try {
      await io.connect();
      assert.equal(await io.ping(), "PONG");
      assert.equal(await io.echo("héllo"), "héllo");
      assert.equal(await io.client("GETNAME"), "io-conn");
      assert.equal(await io.client("SETNAME", "renamed"), "OK");
      assert.equal(await io.client("GETNAME"), "renamed");
      const id = await io.client("ID");
      assert.equal(typeof id, "number");
      const info = String(await io.client("INFO"));
      assert.match(info, new RegExp(`^id=${id} .* name=renamed .* resp=2 `));
      const hello = await io.call("HELLO", "2") as unknown[];
      assert.deepEqual(hello.slice(0, 6), ["server", "redis", "version", "7.2.4", "proto", 2]);
      await assert.rejects(io.call("AUTH", "wrong"), /WRONGPASS/);
      assert.equal(await io.ping(), "PONG");
    } finally {
      io.disconnect();
    }
    // A wrong password fails the connection with Redis's error.
    const bad = new Redis({
      host: "127.0.0.1",
      port: srv.port,
      password: "nope",
      enableReadyCheck: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
      lazyConnect: true,
    });
    const errors: string[] = [];
    bad.on("error", (e: Error) => errors.push(e.message));
    try {
      // ioredis reports the server's reply to its AUTH as an error event and then gives up the
      // connection (whether connect() settles first depends on timing): the reply is the check.
      await bad.connect().catch(() => {});
      await waitUntil(() => errors.length > 0, "ioredis's error event");
      assert.deepEqual(errors, ["WRONGPASS invalid username-password pair or user is disabled."]);
      await assert.rejects(bad.ping(), { message: "Connection is closed." });
    } finally {
      bad.disconnect();
    }
  });
});

Deno.test("real clients: node-redis in RESP2 and RESP3 (HELLO 3 AUTH SETNAME, CLIENT SETINFO)", {
  sanitizeOps: false,
  sanitizeResources: false,
}, async () => {
  await withServer({ requirepass: "s3cret" }, async (srv) => {
    for (const RESP of [2, 3] as const) {
      const client = createClient({
        socket: { host: "127.0.0.1", port: srv.port, reconnectStrategy: false },
        password: "s3cret",
        name: `node-${RESP}`,
        RESP,
      });
      client.on("error", () => {});
      await client.connect();
      try {
        assert.equal(await client.ping(), "PONG");
        assert.equal(await client.clientGetName(), `node-${RESP}`);
        const id = await client.clientId();
        const info = String(await client.sendCommand(["CLIENT", "INFO"]));
        assert.match(info, new RegExp(`^id=${id} .* name=node-${RESP} .* resp=${RESP} `));
        // node-redis v5 announces itself with CLIENT SETINFO.
        assert.match(info, / lib-name=node-redis(\(\S*\))? lib-ver=\d+\.\d+\.\d+/);
        await client.clientSetName("other");
        assert.equal(await client.clientGetName(), "other");
        assert.equal(await client.echo("x y"), "x y");
        const list = String(await client.sendCommand(["CLIENT", "LIST"]));
        assert.match(list, new RegExp(`id=${id} .* name=other `));
      } finally {
        client.destroy();
      }
    }
  });
});

// ---------------------------------------------------------------------------
// Against valkey-server (Redis 7.2 behaviour) when installed.

/** Subcommands valkey 8.0 has and Redis 7.2 lacks, or that this server leaves out. */
const NOT_COMPARED = new Set(["client|capa"]);

Deno.test({
  name: "connection command table rows match valkey-server's COMMAND INFO and DOCS",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    await withReferenceClient(async (vk) => {
      // Valkey took "Redis" out of HELLO's summary (tests/command_table_test.ts has the rest).
      await expectReferenceRowsMatch(vk, connectionCommands, {
        notCompared: NOT_COMPARED,
        summaries: REFERENCE_IS_VALKEY ? { hello: "Handshakes with the server." } : {},
        subcommandDocs: true,
      });
    });
  },
});

Deno.test({
  name: "differential: connection command replies against valkey-server",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    const seqs: (string | Uint8Array)[][][] = [
      [["PING"], ["PING", "x"], ["PING", "a", "b"], ["ECHO", binaryToBytes("\0\xff")], ["ECHO"]],
      [
        ["HELLO", "4"],
        ["HELLO", "abc"],
        ["HELLO", "3", "foo"],
        ["HELLO", "3", "AUTH", "a"],
        ["HELLO", "3", "SETNAME", "a b"],
        ["HELLO", "2", "SETNAME", "x", "AUTH", "default", "x"],
        ["CLIENT", "GETNAME"],
        ["HELLO", "3"],
        ["CLIENT", "GETNAME"],
        ["CLIENT", "TRACKINGINFO"],
        ["HELLO"],
        ["HELLO", "2"],
        ["HELLO", "3", binaryToBytes("\xffopt")],
        ["HELLO", "99999999999999999999999"],
      ],
      [
        ["AUTH", "x"],
        ["AUTH", "default", "x"],
        ["AUTH", "a", "b", "c"],
        ["CLIENT", "KILL", "1.2.3.4:5"],
        ["CLIENT", "KILL", "ID", "0"],
        ["CLIENT", "KILL", "ID", "abc"],
        ["CLIENT", "KILL", "ID", "99999"],
        ["CLIENT", "KILL", "TYPE", "foo"],
        ["CLIENT", "KILL", "TYPE", "master"],
        ["CLIENT", "KILL", "USER", "nobody"],
        ["CLIENT", "KILL", "USER", "default", "SKIPME", "maybe"],
        ["CLIENT", "KILL", "FOO", "bar"],
        ["CLIENT", "KILL", "ID", "5", "ADDR"],
        ["CLIENT", "KILL", "ADDR", "1.2.3.4:5", "LADDR", "x"],
        ["CLIENT", "PAUSE", "abc"],
        ["CLIENT", "PAUSE", "-1"],
        ["CLIENT", "PAUSE", "10", "FOO"],
        ["CLIENT", "PAUSE", "abc", "FOO"],
        ["CLIENT", "PAUSE", "9223372036854775807"],
        ["CLIENT", "PAUSE", "1", "a", "b"],
        ["CLIENT", "PAUSE", "0"],
        ["CLIENT", "UNPAUSE"],
        ["CLIENT", "UNBLOCK", "abc"],
        ["CLIENT", "UNBLOCK", "1", "foo"],
        ["CLIENT", "UNBLOCK", "abc", "foo"],
        ["CLIENT", "UNBLOCK", "99999"],
        ["CLIENT", "UNBLOCK", "1", "a", "b"],
      ],
      [
        ["CLIENT", "SETINFO", "foo", "bar"],
        ["CLIENT", "SETINFO", "LIB-NAME", "a b"],
        ["CLIENT", "SETINFO", binaryToBytes("LIB\xff"), "x"],
        ["CLIENT", "SETINFO", "lib-ver", ""],
        ["CLIENT", "LIST", "TYPE", "foo"],
        ["CLIENT", "LIST", "ID", "abc"],
        ["CLIENT", "LIST", "ID", "99999"],
        ["CLIENT", "LIST", "foo"],
        ["CLIENT", "LIST", "TYPE"],
        ["CLIENT", "LIST", "ID"],
        ["CLIENT", "NO-EVICT", "maybe"],
        ["CLIENT", "NO-TOUCH", "maybe"],
        ["CLIENT", "REPLY"],
        ["CLIENT", "SETNAME", ""],
        ["CLIENT", "SETNAME", binaryToBytes("a\0 b")],
        ["CLIENT", "GETNAME"],
        ["CLIENT", "SETNAME", binaryToBytes("\xc3\xa9")],
        ["CLIENT", "FOO"],
        ["CLIENT", binaryToBytes("\xff\0x")],
        ["CLIENT"],
        ["CLIENT", "ID", "x"],
        ["CLIENT", "HELP", "x"],
        ["CLIENT", "GETREDIR"],
        ["CLIENT", "CACHING", "yes"],
        ["CLIENT", "CACHING"],
        ["RESET"],
        ["RESET", "x"],
        ["QUIT", "x"],
      ],
    ];
    await withReference(async (vport) => {
      await withServer({}, async (srv) => {
        for (const seq of seqs) {
          const theirs = (await replies(vport, seq)).map((r) => noIds(asRedis724(r)));
          const ours = (await replies(srv.port, seq)).map(noIds);
          for (let i = 0; i < seq.length; i++) {
            assert.equal(
              ours[i],
              theirs[i],
              seq[i].map((a) => typeof a === "string" ? a : bytesToBinary(a)).join(" "),
            );
          }
        }
        // Field names of CLIENT INFO: valkey 8.0 adds watch= and tot-* fields that
        // Redis 7.2 does not have; everything else is in the same order.
        const [vinfo] = await replies(vport, [["CLIENT", "INFO"]]);
        const vfields = vinfo.split("\r\n")[1].trimEnd().split(" ").map((kv) => kv.split("=")[0])
          .filter((f) => !["watch", "tot-net-in", "tot-net-out", "tot-cmds"].includes(f));
        assert.deepEqual(vfields, CLIENT_FIELDS);
      });
    });
  },
});

Deno.test({
  name: "COMMAND INFO of the connection commands equals valkey-server's (ACL categories included)",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    /** name -> the entry without its subcommands, subcommands flattened in. */
    const flatten = (reply: RespReply): Map<string, unknown> => {
      const out = new Map<string, unknown>();
      for (const e of (reply as { v: RespReply[] }).v) {
        const v = simplify(e) as unknown[];
        out.set(v[0] as string, v.slice(0, 9));
        for (const s of v[9] as unknown[][]) {
          if (!NOT_COMPARED.has(s[0] as string)) out.set(s[0] as string, s);
        }
      }
      return out;
    };
    const names = connectionCommands.map((s) => s.name);
    await withReference(async (vport) => {
      await withServer({}, async (srv) => {
        const get = async (port: number) => {
          const r = await RawClient.connect(port);
          try {
            await r.send("COMMAND", "INFO", ...names);
            return flatten(await r.read());
          } finally {
            r.close();
          }
        };
        const theirs = await get(vport);
        const ours = await get(srv.port);
        assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort());
        for (const [name, v] of theirs) assert.deepEqual(ours.get(name), v, name);
      });
    });
  },
});
