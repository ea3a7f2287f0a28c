// The protocol layer over raw sockets, byte for byte: inline commands (quoting
// as sdssplitargs), pipelining, frames split at every byte, binary-safe
// arguments, every protocol error text followed by the connection closing
// (replies before the bad frame still arrive, other clients unaffected), the
// RESP3 reply types and the switch back to RESP2, unknown command / arity /
// subcommand texts, and the limits (proto-max-bulk-len, client-query-buffer-
// limit, maxclients, timeout, unauthenticated sizes). Texts are Redis 7.2's
// (networking.c, server.c); the byte sequences are also replayed against
// valkey-server 8.0 when it is installed.

import assert from "node:assert/strict";
import {
  binaryToBytes,
  bulk,
  bytesToBinary,
  encodeCommand,
  noIds,
  RawClient,
  sleep,
  waitUntil,
  withClient,
  withConnections,
  withServer,
} from "./helpers.ts";
import { asRedis724, HAS_REFERENCE, withReference } from "./reference.ts";

function cmd(...args: (string | Uint8Array)[]): string {
  return bytesToBinary(
    encodeCommand(args.map((a) => typeof a === "string" ? binaryToBytes(a) : a)),
  );
}

/**
 * Sends `data` on a fresh connection and returns everything received until the
 * server closes it or stays silent for `quietMs`; "<EOF>" marks a close.
 */
async function exchange(port: number, data: string | Uint8Array, quietMs = 150): Promise<string> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const bytes = typeof data === "string" ? binaryToBytes(data) : data;
    let off = 0;
    while (off < bytes.length) off += await conn.write(bytes.subarray(off));
    let out = "";
    const buf = new Uint8Array(64 * 1024);
    while (true) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const quiet = new Promise<"quiet">((r) => timer = setTimeout(() => r("quiet"), quietMs));
      const read = conn.read(buf).catch(() => null);
      const n = await Promise.race([read, quiet]);
      clearTimeout(timer);
      if (n === "quiet") {
        conn.close();
        await read;
        return out;
      }
      if (n === null) return out + "<EOF>";
      out += bytesToBinary(buf.subarray(0, n));
    }
  } finally {
    try {
      conn.close();
    } catch { /* closed */ }
  }
}

const HELLO2 = "*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n7.2.4\r\n" +
  "$5\r\nproto\r\n:2\r\n$2\r\nid\r\n:ID\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n" +
  "$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n";
const HELLO3 = "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n7.2.4\r\n" +
  "$5\r\nproto\r\n:3\r\n$2\r\nid\r\n:ID\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n" +
  "$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n";

Deno.test("inline commands: quoting, escapes and blanks as sdssplitargs", async () => {
  await withServer({}, async (srv) => {
    const cases: [string, string][] = [
      ["PING\r\n", "+PONG\r\n"],
      ["PING\n", "+PONG\r\n"],
      ["ping   \t hello\r\n", bulk("hello")],
      ['ECHO "hello world"\r\n', bulk("hello world")],
      ["ECHO 'hello world'\r\n", bulk("hello world")],
      ['ECHO "a\\x41\\x4g\\n\\r\\t\\b\\a\\\\\\"z"\r\n', bulk('aAx4g\n\r\t\b\x07\\"z')],
      ["ECHO 'it\\'s \\n'\r\n", bulk("it's \\n")],
      ['ECHO ""\r\n', bulk("")],
      ['ECHO a"b c"\r\n', bulk("ab c")],
      // \v and \f are blanks between arguments but not inside a plain token.
      ["ECHO a\x0bb\r\n", bulk("a\x0bb")],
      ["ECHO \x0b\x0ca\x0c\r\n", bulk("a\x0c")],
      ["ECHO a\rb\r\n", "-ERR wrong number of arguments for 'echo' command\r\n"],
      ["\r\n\n   \r\nPING\r\n", "+PONG\r\n"],
      ["ECHO \xff\xfe\r\n", bulk("\xff\xfe")],
    ];
    const r = await RawClient.connect(srv.port);
    try {
      for (const [input, want] of cases) {
        await r.write(input);
        assert.equal(await r.readRaw(), want, JSON.stringify(input));
      }
    } finally {
      r.close();
    }
    const bad = "-ERR Protocol error: unbalanced quotes in request\r\n<EOF>";
    for (
      const input of [
        'ECHO "a\r\n',
        "ECHO 'a\r\n",
        'ECHO "a"b\r\n',
        "ECHO 'a'b\r\n",
        'ECHO a"b"c\r\n',
      ]
    ) {
      assert.equal(await exchange(srv.port, "PING\r\n" + input), "+PONG\r\n" + bad, input);
    }
    assert.equal(await exchange(srv.port, 'ECHO "a\\\r\n'), bad);
  });
});

Deno.test("pipelining: many commands in one write get all replies, in order", async () => {
  await withClient({}, async (r) => {
    let req = "";
    let want = "";
    for (let i = 0; i < 2000; i++) {
      const v = "v" + i + "x".repeat(i % 50);
      req += i % 3 === 0 ? `ECHO ${v}\r\n` : cmd("ECHO", v);
      want += bulk(v);
      if (i % 7 === 0) {
        req += "PING\r\n";
        want += "+PONG\r\n";
      }
    }
    await r.write(req);
    let got = "";
    while (got.length < want.length) got += await r.readRaw();
    assert.equal(got, want);
  });
});

Deno.test("frames split across writes at every byte position", async () => {
  await withClient({}, async (r) => {
    const frame = cmd("CLIENT", "SETNAME", "split-name") + cmd("ECHO", "a\r\nb") +
      "ECHO inline\r\n";
    const want = "+OK\r\n" + bulk("a\r\nb") + bulk("inline");
    for (let cut = 1; cut < frame.length; cut++) {
      await r.write(frame.slice(0, cut));
      await sleep(1);
      await r.write(frame.slice(cut));
      assert.equal(await r.readRaw() + await r.readRaw() + await r.readRaw(), want, `cut ${cut}`);
    }
    // One byte per write.
    for (const ch of frame) {
      await r.write(ch);
      await sleep(0);
    }
    assert.equal(await r.readRaw() + await r.readRaw() + await r.readRaw(), want);
    assert.equal(await r.call("CLIENT", "GETNAME"), bulk("split-name"));
    // A bulk argument far bigger than one read, arriving in pieces.
    const big = "z".repeat(200_000);
    const f = cmd("ECHO", big);
    for (let i = 0; i < f.length; i += 30_001) {
      await r.write(f.slice(i, i + 30_001));
      await sleep(1);
    }
    assert.equal(await r.readRaw(), bulk(big));
  });
});

Deno.test("binary-safe arguments: NUL, CR LF and high bytes round-trip", async () => {
  await withClient({}, async (r) => {
    const all = new Uint8Array(256);
    for (let i = 0; i < 256; i++) all[i] = i;
    const back = await r.call("ECHO", all);
    assert.equal(back, bulk(bytesToBinary(all)));
    for (const v of ["\0", "\r\n", "a\0b\r\nc", "\xff\xfe\x80", "$3\r\nfoo\r\n", "*1\r\n"]) {
      assert.equal(await r.call("ECHO", binaryToBytes(v)), bulk(v));
    }
    assert.equal(await r.call("PING", binaryToBytes("\0\r\n\xff")), bulk("\0\r\n\xff"));
    assert.equal(await r.call("ECHO", ""), bulk(""));
  });
});

/**
 * Each malformed input and its error; the connection then closes. The "too big"
 * ones have no line end at all (with one, a read boundary decides).
 */
const PROTOCOL_ERRORS: [string, string][] = [
  ["*a\r\n", "-ERR Protocol error: invalid multibulk length\r\n"],
  ["*3000000000\r\n", "-ERR Protocol error: invalid multibulk length\r\n"],
  ["*-0\r\n", "-ERR Protocol error: invalid multibulk length\r\n"],
  ["*01\r\n", "-ERR Protocol error: invalid multibulk length\r\n"],
  ["*+1\r\n", "-ERR Protocol error: invalid multibulk length\r\n"],
  ["* 1\r\n", "-ERR Protocol error: invalid multibulk length\r\n"],
  ["*\r\n", "-ERR Protocol error: invalid multibulk length\r\n"],
  ["*1\r\nx\r\n", "-ERR Protocol error: expected '$', got 'x'\r\n"],
  ["*1\r\n\xff\r\n", "-ERR Protocol error: expected '$', got '\xff'\r\n"],
  ["*1\r\n\r\n", "-ERR Protocol error: expected '$', got ' '\r\n"],
  ["*2\r\n$4\r\nECHO\r\n:1\r\n", "-ERR Protocol error: expected '$', got ':'\r\n"],
  ["*1\r\n$-1\r\n", "-ERR Protocol error: invalid bulk length\r\n"],
  ["*1\r\n$abc\r\n", "-ERR Protocol error: invalid bulk length\r\n"],
  ["*1\r\n$01\r\n", "-ERR Protocol error: invalid bulk length\r\n"],
  ["*1\r\n$+1\r\n", "-ERR Protocol error: invalid bulk length\r\n"],
  ["*1\r\n$\r\n", "-ERR Protocol error: invalid bulk length\r\n"],
  ["*1\r\n$600000000\r\n", "-ERR Protocol error: invalid bulk length\r\n"],
  ['SET a "b\r\n', "-ERR Protocol error: unbalanced quotes in request\r\n"],
  ["x".repeat(65 * 1024), "-ERR Protocol error: too big inline request\r\n"],
  ["*" + "1".repeat(65 * 1024), "-ERR Protocol error: too big mbulk count string\r\n"],
  ["*1\r\n$" + "1".repeat(65 * 1024), "-ERR Protocol error: too big bulk count string\r\n"],
];

Deno.test("protocol errors: exact text, earlier replies kept, connection closed, others served", async () => {
  await withClient({}, async (other, srv) => {
    for (const [bad, err] of PROTOCOL_ERRORS) {
      // Commands before the bad frame, in the same write, are answered first.
      const before = "PING\r\n" + cmd("ECHO", "before");
      const after = bad.length > 65536 ? "" : "PING\r\n";
      const got = await exchange(srv.port, before + bad + after);
      assert.equal(got, "+PONG\r\n" + bulk("before") + err + "<EOF>", JSON.stringify(bad));
      assert.equal(await other.call("PING"), "+PONG\r\n");
    }
    // Frames that a C string search can't see past: a NUL before the line end.
    assert.equal(await exchange(srv.port, "*1\r\n\0\r\n"), "");
    assert.equal(await exchange(srv.port, "PI\0NG\r\n"), "");
    // A payload not followed by CRLF: the two bytes after it are skipped unchecked.
    assert.equal(
      await exchange(srv.port, "*1\r\n$1\r\nabc\r\nPING\r\n"),
      "-ERR unknown command 'a', with args beginning with: \r\n+PONG\r\n",
    );
    // Empty multibulks are skipped.
    assert.equal(await exchange(srv.port, "*0\r\n*-1\r\n*-5\r\nPING\r\n"), "+PONG\r\n");
    // A bad frame after QUIT is never looked at.
    assert.equal(await exchange(srv.port, "QUIT\r\n*a\r\n"), "+OK\r\n<EOF>");
    assert.equal(await other.call("ECHO", "still here"), bulk("still here"));
  });
});

Deno.test("RESP3 after HELLO 3 and back with HELLO 2", async () => {
  await withClient({ "enable-debug-command": "yes" }, async (r) => {
    const resp2: [string, string][] = [
      ["string", bulk("Hello World")],
      ["integer", ":12345\r\n"],
      ["double", bulk("3.141")],
      ["bignum", bulk("1234567999999999999999999999999999999")],
      ["null", "$-1\r\n"],
      ["array", "*3\r\n:0\r\n:1\r\n:2\r\n"],
      ["set", "*3\r\n:0\r\n:1\r\n:2\r\n"],
      ["map", "*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n"],
      ["true", ":1\r\n"],
      ["false", ":0\r\n"],
      ["verbatim", bulk("This is a verbatim\nstring")],
      ["attrib", bulk("Some real reply following the attribute")],
      ["push", "-ERR RESP2 is not supported by this command\r\n"],
    ];
    const resp3: [string, string][] = [
      ["string", bulk("Hello World")],
      ["integer", ":12345\r\n"],
      ["double", ",3.141\r\n"],
      ["bignum", "(1234567999999999999999999999999999999\r\n"],
      ["null", "_\r\n"],
      ["array", "*3\r\n:0\r\n:1\r\n:2\r\n"],
      ["set", "~3\r\n:0\r\n:1\r\n:2\r\n"],
      ["map", "%3\r\n:0\r\n#f\r\n:1\r\n#t\r\n:2\r\n#f\r\n"],
      ["true", "#t\r\n"],
      ["false", "#f\r\n"],
      ["verbatim", "=29\r\ntxt:This is a verbatim\nstring\r\n"],
    ];
    for (const [t, want] of resp2) assert.equal(await r.call("DEBUG", "PROTOCOL", t), want, t);
    assert.equal(noIds(await r.call("HELLO", "3")), HELLO3);
    for (const [t, want] of resp3) assert.equal(await r.call("DEBUG", "PROTOCOL", t), want, t);
    // The attribute, then the real reply.
    assert.equal(
      await r.call("DEBUG", "PROTOCOL", "attrib") + await r.readRaw(),
      "|1\r\n$14\r\nkey-popularity\r\n*2\r\n$7\r\nkey:123\r\n:90\r\n" +
        bulk("Some real reply following the attribute"),
    );
    // The real reply, then the push.
    assert.equal(
      await r.call("DEBUG", "PROTOCOL", "push") + await r.readRaw(),
      bulk("Some real reply following the push reply") +
        ">2\r\n$16\r\nserver-cpu-usage\r\n:42\r\n",
    );
    // Replies of the connection commands in RESP3.
    assert.equal(await r.call("CLIENT", "GETNAME"), "_\r\n");
    assert.equal(
      await r.call("CLIENT", "TRACKINGINFO"),
      "%3\r\n$5\r\nflags\r\n~1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n",
    );
    assert.match(
      await r.call("CLIENT", "INFO"),
      /^=\d+\r\ntxt:id=\d+ .* resp=3 lib-name= lib-ver=\n\r\n$/,
    );
    assert.equal(noIds(await r.call("HELLO")), HELLO3);
    assert.equal(noIds(await r.call("HELLO", "2")), HELLO2);
    for (const [t, want] of resp2) assert.equal(await r.call("DEBUG", "PROTOCOL", t), want, t);
    assert.equal(await r.call("CLIENT", "GETNAME"), "$-1\r\n");
    assert.match(
      await r.call("CLIENT", "INFO"),
      /^\$\d+\r\nid=\d+ .* resp=2 lib-name= lib-ver=\n\r\n$/,
    );
    // RESET returns to RESP2 as well.
    assert.equal(noIds(await r.call("HELLO", "3")), HELLO3);
    assert.equal(await r.call("RESET"), "+RESET\r\n");
    assert.equal(await r.call("DEBUG", "PROTOCOL", "map"), resp2[7][1]);
  });
});

Deno.test("unknown command, wrong arity and unknown subcommand texts", async () => {
  await withClient({}, async (r) => {
    const cases: [(string | Uint8Array)[], string][] = [
      [["foo", "a", "b"], "-ERR unknown command 'foo', with args beginning with: 'a' 'b' \r\n"],
      [["foo"], "-ERR unknown command 'foo', with args beginning with: \r\n"],
      [["get"], "-ERR wrong number of arguments for 'get' command\r\n"],
      [["GET"], "-ERR wrong number of arguments for 'get' command\r\n"],
      [["echo", "a", "b"], "-ERR wrong number of arguments for 'echo' command\r\n"],
      [["ping", "a", "b"], "-ERR wrong number of arguments for 'ping' command\r\n"],
      [["client"], "-ERR wrong number of arguments for 'client' command\r\n"],
      [["client", "id", "x"], "-ERR wrong number of arguments for 'client|id' command\r\n"],
      [["CLIENT", "KILL"], "-ERR wrong number of arguments for 'client|kill' command\r\n"],
      [["client", "foo"], "-ERR unknown subcommand 'foo'. Try CLIENT HELP.\r\n"],
      [["Client", "FOO", "x"], "-ERR unknown subcommand 'FOO'. Try CLIENT HELP.\r\n"],
      // Arguments are quoted raw, as C strings (cut at NUL), newlines blanked.
      [
        [
          binaryToBytes("fo\xffo"),
          binaryToBytes("a\0b"),
          binaryToBytes("\xc3\xa9"),
          binaryToBytes("x\r\ny"),
        ],
        "-ERR unknown command 'fo\xffo', with args beginning with: 'a' '\xc3\xa9' 'x  y' \r\n",
      ],
      [
        ["client", binaryToBytes("\xff\0x")],
        "-ERR unknown subcommand '\xff'. Try CLIENT HELP.\r\n",
      ],
      [
        ["client", "y".repeat(200)],
        `-ERR unknown subcommand '${"y".repeat(128)}'. Try CLIENT HELP.\r\n`,
      ],
      // 128 bytes of arguments at most, the last one cut to fit.
      [
        ["foo", "a".repeat(200)],
        `-ERR unknown command 'foo', with args beginning with: '${"a".repeat(128)}' \r\n`,
      ],
      [
        ["foo", "a".repeat(100), "b".repeat(100), "c"],
        `-ERR unknown command 'foo', with args beginning with: '${"a".repeat(100)}' '${
          "b".repeat(25)
        }' \r\n`,
      ],
      [
        ["f".repeat(200)],
        `-ERR unknown command '${"f".repeat(128)}', with args beginning with: \r\n`,
      ],
    ];
    for (const [args, want] of cases) assert.equal(await r.call(...args), want, String(args));
    // Inside MULTI an unknown command flags the transaction.
    assert.equal(await r.call("MULTI"), "+OK\r\n");
    assert.equal(
      await r.call("nosuch"),
      "-ERR unknown command 'nosuch', with args beginning with: \r\n",
    );
    assert.equal(await r.call("PING"), "+QUEUED\r\n");
    assert.equal(
      await r.call("EXEC"),
      "-EXECABORT Transaction discarded because of previous errors.\r\n",
    );
  });
});

Deno.test("limits: proto-max-bulk-len", async () => {
  await withClient({ "proto-max-bulk-len": "1mb" }, async (r, srv) => {
    const mb = 1024 * 1024;
    assert.equal(
      await exchange(srv.port, `PING\r\n*2\r\n$4\r\nECHO\r\n$${mb + 1}\r\n`),
      "+PONG\r\n-ERR Protocol error: invalid bulk length\r\n<EOF>",
    );
    // Exactly at the limit: accepted.
    const ok = "q".repeat(mb);
    assert.equal(await r.call("ECHO", ok), bulk(ok));
  });
});

Deno.test("limits: client-query-buffer-limit closes the client without a reply", async () => {
  await withServer({ "client-query-buffer-limit": "1mb" }, async (srv) => {
    const mb = 1024 * 1024;
    const fits = "f".repeat(mb - 100);
    const r = await RawClient.connect(srv.port);
    try {
      assert.equal(await r.call("ECHO", fits), bulk(fits));
    } finally {
      r.close();
    }
    const conn = await Deno.connect({ hostname: "127.0.0.1", port: srv.port });
    try {
      await conn.write(binaryToBytes(`PING\r\n*2\r\n$4\r\nECHO\r\n$${2 * mb}\r\n`));
      const filler = new Uint8Array(64 * 1024).fill(120);
      const writer = (async () => {
        try {
          for (let i = 0; i < 40; i++) await conn.write(filler);
        } catch { /* closed by the server */ }
      })();
      let got = "";
      const buf = new Uint8Array(1024);
      while (true) {
        const n = await conn.read(buf).catch(() => null);
        if (n === null) break;
        got += bytesToBinary(buf.subarray(0, n));
      }
      assert.equal(got, "+PONG\r\n");
      await writer;
    } finally {
      conn.close();
    }
    assert.equal(await exchange(srv.port, "PING\r\n"), "+PONG\r\n");
  });
});

Deno.test("limits: maxclients", async () => {
  await withServer({ maxclients: 2 }, async (srv) => {
    await withConnections(srv.port, 2, async ([a, b]) => {
      assert.equal(await a.call("PING"), "+PONG\r\n");
      assert.equal(await b.call("PING"), "+PONG\r\n");
      const c = await RawClient.connect(srv.port);
      assert.equal(await c.readUntilClosed(), "-ERR max number of clients reached\r\n");
      c.close();
      assert.equal(await a.call("PING"), "+PONG\r\n");
      b.close();
      // The freed slot can be used again.
      await waitUntil(() => srv.server.clients.size <= 1, "the closed client's slot to be freed");
      assert.equal(await exchange(srv.port, "PING\r\n"), "+PONG\r\n");
    });
  });
});

Deno.test("limits: idle timeout closes quiet clients only", async () => {
  await withServer({ timeout: 1, hz: 50 }, async (srv) => {
    await withConnections(srv.port, 3, async ([idle, busy, monitor]) => {
      assert.equal(await idle.call("PING"), "+PONG\r\n");
      assert.equal(await monitor.call("PING"), "+PONG\r\n");
      // A MONITOR client is never timed out (Redis flags monitors as replicas).
      const monitorId = Number((await monitor.call("CLIENT", "ID")).slice(1, -2));
      srv.server.clients.get(monitorId)!.monitor = true;
      const start = Date.now();
      const closed = idle.readUntilClosed();
      while (Date.now() - start < 1800) {
        assert.equal(await busy.call("PING"), "+PONG\r\n");
        await sleep(200);
      }
      assert.equal(await closed, "");
      assert.ok(Date.now() - start >= 900);
      assert.equal(await busy.call("PING"), "+PONG\r\n");
      assert.equal(await monitor.call("PING"), "+PONG\r\n");
    });
  });
});

Deno.test("limits: unauthenticated multibulk and bulk sizes", async () => {
  await withServer({ requirepass: "pw" }, async (srv) => {
    assert.equal(
      await exchange(srv.port, "*11\r\n"),
      "-ERR Protocol error: unauthenticated multibulk length\r\n<EOF>",
    );
    assert.equal(
      await exchange(srv.port, "*1\r\n$16385\r\n"),
      "-ERR Protocol error: unauthenticated bulk length\r\n<EOF>",
    );
    // At the limits: parsed, then refused as unauthenticated.
    const ten = cmd("CLIENT", "LIST", "ID", ...Array(7).fill("1"));
    assert.equal(await exchange(srv.port, ten), "-NOAUTH Authentication required.\r\n");
    assert.equal(
      await exchange(srv.port, cmd("ECHO", "b".repeat(16384))),
      "-NOAUTH Authentication required.\r\n",
    );
    // AUTH earlier in the same write lifts the limits for what follows.
    const big = "c".repeat(20000);
    assert.equal(
      await exchange(
        srv.port,
        "AUTH pw\r\n" + cmd("ECHO", big) + cmd("CLIENT", "LIST", "ID", ...Array(9).fill("0")),
      ),
      "+OK\r\n" + bulk(big) + "$0\r\n\r\n",
    );
    // RESET deauthenticates, and the limits apply again.
    assert.equal(
      await exchange(srv.port, "AUTH pw\r\nRESET\r\n*11\r\n"),
      "+OK\r\n+RESET\r\n-ERR Protocol error: unauthenticated multibulk length\r\n<EOF>",
    );
  });
});

// ---------------------------------------------------------------------------
// The same byte sequences against valkey-server (Redis 7.2 behaviour).

/** valkey's HELLO names itself and its version; everything else must match byte for byte. */
function normalizeValkey(s: string): string {
  return noIds(asRedis724(s));
}

Deno.test({
  name: "differential: protocol byte sequences against valkey-server",
  ignore: !HAS_REFERENCE,
  fn: async () => {
    const inputs: string[] = [
      ...PROTOCOL_ERRORS.map(([bad]) => "PING\r\n" + bad + (bad.length > 65536 ? "" : "PING\r\n")),
      "*1\r\n\0\r\n",
      "PI\0NG\r\n",
      "*1\r\n$1\r\nabc\r\nPING\r\n",
      "*0\r\n*-1\r\nPING\r\n",
      'ECHO "a\\x41\\x4g\\n\\r\\t\\b\\a\\\\\\"z"\r\nECHO \'it\\\'s\'\r\nECHO a"b c"d\r\n',
      "ECHO a\x0bb\r\nECHO \x0b\x0ca\x0c\r\nECHO a\rb\r\n\r\n\n  \r\nPING\n",
      'ECHO "a"b\r\n',
      cmd("foo", "a", "b") + cmd("fo\xffo", "a\0b", "\xc3\xa9", "x\r\ny") +
      cmd("foo", "a".repeat(200)),
      cmd("foo", "a".repeat(100), "b".repeat(100), "c") + cmd("f".repeat(200)),
      cmd("client") + cmd("client", "foo") + cmd("client", "\xff\0x") + cmd("client", "id", "x"),
      cmd("get") + cmd("echo") + cmd("ping", "a", "b"),
      "HELLO 3\r\n" +
      [
        "string",
        "integer",
        "double",
        "bignum",
        "null",
        "array",
        "set",
        "map",
        "true",
        "false",
        "verbatim",
        "attrib",
        "push",
      ]
        .map((t) => `DEBUG PROTOCOL ${t}\r\n`).join("") +
      "HELLO 2\r\nDEBUG PROTOCOL map\r\n",
      "MULTI\r\nnosuch\r\nPING\r\nEXEC\r\n",
      "QUIT\r\n*a\r\n",
    ];
    await withReference(async (vport) => {
      await withServer({ "enable-debug-command": "yes" }, async (srv) => {
        for (const input of inputs) {
          const theirs = normalizeValkey(await exchange(vport, input));
          const ours = noIds(await exchange(srv.port, input));
          assert.equal(ours, theirs, JSON.stringify(input).slice(0, 200));
        }
      });
    }, ["--enable-debug-command", "yes"]);
  },
});
