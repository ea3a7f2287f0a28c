/**
 * The request parser's one-pass path for small complete commands (parseSmall)
 * must parse, reject and count bytes exactly as the general path does. Fed one
 * byte per read, a command is never complete when first seen, so only the
 * general path runs: each input is parsed both ways and the results compared.
 */

import assert from "node:assert/strict";
import { type ParserLimits, ProtocolError, RequestParser } from "../src/resp/parser.ts";
import type { CommandArgs } from "../src/resp/arg_block.ts";

const OPEN: ParserLimits = {
  protoMaxBulkLen: 512 * 1024 * 1024,
  queryBufferLimit: 1024 * 1024 * 1024,
  authRequired: false,
  isMaster: false,
};

interface Outcome {
  commands: string[];
  error: string | null;
  consumed: number;
  pending: number;
}

/** Parses `input` fed `step` bytes per read (0: all at once, into a buffer that holds it). */
function parse(input: Uint8Array, limits: ParserLimits, step: number): Outcome {
  const p = step === 0 ? new RequestParser(input.length + 1024) : new RequestParser();
  const commands: string[] = [];
  let error: string | null = null;
  let off = 0;
  try {
    while (off < input.length) {
      const region = p.writable(limits);
      const n = Math.min(region.length, step === 0 ? input.length : step, input.length - off);
      region.set(input.subarray(off, off + n));
      p.commit(n);
      off += n;
      let args: CommandArgs | null;
      while ((args = p.next(limits)) !== null) {
        const argv = Array.isArray(args) ? args : args.views();
        commands.push(argv.map((a) => JSON.stringify(String.fromCharCode(...a))).join(" "));
      }
    }
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err;
    error = err.message;
  }
  // After an error the connection closes: how far the count got depends on the reads.
  if (error !== null) return { commands, error, consumed: -1, pending: -1 };
  return { commands, error, consumed: p.consumed, pending: p.pendingBytes };
}

const bin = (s: string) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));

const CASES = [
  "*1\r\n$4\r\nPING\r\n",
  "*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$0\r\n\r\n",
  "*2\r\n$3\r\nGET\r\n$5\r\na\r\nb\x00\r\n*1\r\n$4\r\nPING\r\n",
  "*0\r\n*1\r\n$4\r\nPING\r\n",
  "*-1\r\n*1\r\n$4\r\nPING\r\n",
  "*01\r\n$4\r\nPING\r\n",
  "*1\r\n$04\r\nPING\r\n",
  "*1\r\n$-4\r\nPING\r\n",
  "*1\r\n$\r\nPING\r\n",
  "*1\r\n+4\r\nPING\r\n",
  "*\r\n",
  "*1x\r\n$4\r\nPING\r\n",
  "*1\r\n$4x\r\nPING\r\n",
  "*1\r\n$4\r\nPINGxy*1\r\n$4\r\nPING\r\n", // the two bytes after a payload are skipped unchecked
  "*1\rx$4\rxPING\r\n", // so are the bytes after a count line's CR
  "*1\r\n$4\x00\r\nPING\r\n",
  "*2\r\n$4\r\nECHO\r\n$99999999999\r\nx\r\n",
  "*2\r\n$4\r\nECHO\r\n$40000\r\n" + "x".repeat(40000) + "\r\n",
  "*11\r\n" + "$1\r\nx\r\n".repeat(11),
  "*65\r\n" + "$1\r\nx\r\n".repeat(65),
  "*64\r\n" + "$1\r\nx\r\n".repeat(64),
  "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$20000\r\n" + "v".repeat(20000) + "\r\n",
  "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$16384\r\n" + "v".repeat(16384) + "\r\n",
  "PING\r\n*1\r\n$4\r\nPING\r\n",
  "*2\r\n$4\r\nECHO\r\n$3\r\nabc", // incomplete: nothing parsed, all pending
];

const LIMITS: [string, ParserLimits][] = [
  ["open", OPEN],
  ["unauthenticated", { ...OPEN, authRequired: true }],
  ["proto-max-bulk-len 3", { ...OPEN, protoMaxBulkLen: 3 }],
  ["master link", { ...OPEN, protoMaxBulkLen: 3, isMaster: true }],
];

Deno.test("parser: small complete commands parse as the general path parses them", () => {
  for (const [name, limits] of LIMITS) {
    for (const text of CASES) {
      // A master is trusted: the read buffer would be grown to the huge length it sends.
      if (limits.isMaster && text.includes("$99999999999")) continue;
      const input = bin(text);
      const whole = parse(input, limits, 0);
      const bytewise = parse(input, limits, 1);
      assert.deepEqual(whole, bytewise, `${name}: ${JSON.stringify(text.slice(0, 60))}`);
    }
  }
  // The cases do reach both paths' outcomes: commands, and errors.
  assert.equal(parse(bin(CASES[1]), OPEN, 0).commands[0], '"SET" "key" ""');
  assert.equal(parse(bin(CASES[5]), OPEN, 0).error, "invalid multibulk length");
  assert.equal(parse(bin(CASES[11]), OPEN, 0).error, "invalid multibulk length");
  assert.equal(parse(bin(CASES[18]), LIMITS[1][1], 0).error, "unauthenticated multibulk length");
});

Deno.test("parser: random requests, valid and damaged, parse alike whole and byte by byte", () => {
  let seed = 12345;
  const rand = (n: number) => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 8) % n;
  };
  let errors = 0;
  let commands = 0;
  for (let round = 0; round < 3000; round++) {
    let text = "";
    for (let c = 0, cmds = 1 + rand(4); c < cmds; c++) {
      const argc = 1 + rand(rand(10) === 0 ? 70 : 5);
      text += `*${argc}\r\n`;
      for (let i = 0; i < argc; i++) {
        const len = rand(10) === 0 ? rand(40) : rand(8);
        let arg = "";
        for (let k = 0; k < len; k++) arg += String.fromCharCode(rand(256));
        text += `$${len}\r\n${arg}\r\n`;
      }
    }
    const bytes = bin(text);
    // Damage one byte in a third of the rounds, cut the end off in another third.
    let input = bytes;
    if (round % 3 === 1) bytes[rand(bytes.length)] = [0, 13, 10, 36, 42, 45, 48, 57][rand(8)];
    if (round % 3 === 2) input = bytes.subarray(0, rand(bytes.length));
    const limits = LIMITS[rand(LIMITS.length)][1];
    const whole = parse(input, limits, 0);
    assert.deepEqual(whole, parse(input, limits, 1), JSON.stringify(String.fromCharCode(...input)));
    if (whole.error !== null) errors++;
    commands += whole.commands.length;
  }
  assert.ok(errors > 100 && commands > 1000, `errors ${errors}, commands ${commands}`);
});
