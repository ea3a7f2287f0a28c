/**
 * Reference-server helpers: a throw-away valkey-server (Redis 7.2 behaviour) or, without it,
 * a Redis 7.2 redis-server on a free port, and runners that send the same commands to it and to our
 * server and compare the raw replies.
 *
 * Tests that need a reference pass `ignore: !HAS_REFERENCE`: locally they skip (with one notice)
 * when neither binary is installed; under CI=true they run and fail saying it is missing. Each
 * test that ran against the reference is listed in the interop report (helpers.ts useCommand).
 */

import assert from "node:assert/strict";
import type { RunningServer, ServerOptions } from "../mod.ts";
import type { CommandSpec } from "../src/server/command_table.ts";
import {
  type Arg,
  CI,
  hasCommand,
  notice,
  RawClient,
  type RespReply,
  simplify,
  withClient,
  withServerBinary,
} from "./helpers.ts";

/** True when the installed redis-server is a 7.2 release (`redis-server --version`). */
function redisServerIs72(): boolean {
  if (!hasCommand("redis-server")) return false;
  try {
    const out = new Deno.Command("redis-server", { args: ["--version"], stderr: "null" })
      .outputSync();
    return /\bv=7\.2\./.test(new TextDecoder().decode(out.stdout));
  } catch {
    return false;
  }
}

/**
 * The reference binary: valkey-server (8.0 behaves as Redis 7.2), else redis-server when it
 * is 7.2, else null and reference tests skip. Other Redis releases differ in replies the
 * tests compare (7.0 lacks 7.2's changes and even blocks where 7.2 replies), so they are not
 * used.
 */
export const REFERENCE_SERVER: string | null = hasCommand("valkey-server")
  ? "valkey-server"
  : redisServerIs72()
  ? "redis-server"
  : null;

/** True when the reference is valkey-server: Valkey's own wording and additions apply. */
export const REFERENCE_IS_VALKEY = REFERENCE_SERVER === "valkey-server";

/**
 * True when tests against the reference run: one is installed, or CI=true (where a missing one
 * fails them in withReferenceClient).
 */
export const HAS_REFERENCE = REFERENCE_SERVER !== null || CI;

/** True when tests that need valkey-server itself (requireValkey) run: installed, or CI=true. */
export const HAS_VALKEY = REFERENCE_IS_VALKEY || CI;

if (!HAS_REFERENCE) {
  notice(
    "reference",
    "note: neither valkey-server nor a Redis 7.2 redis-server is on PATH; differential tests " +
      "are skipped (CI=true fails them)",
  );
} else if (!HAS_VALKEY) {
  notice("valkey", "note: valkey-server is not on PATH; its own tests are skipped");
}

/** Fails the running test unless the reference is valkey-server. */
export function requireValkey(): void {
  if (!REFERENCE_IS_VALKEY) throw new Error("valkey-server is not installed (not on PATH)");
}

/**
 * Starts a throw-away reference server (free port, own temp dir, no persistence, `args`
 * appended), hands `fn` the first connection to it, and always kills the server.
 */
export async function withReferenceClient(
  fn: (ref: RawClient, port: number) => Promise<void>,
  args: string[] = [],
): Promise<void> {
  if (REFERENCE_SERVER === null) {
    throw new Error("valkey-server is not installed (nor is a Redis 7.2 redis-server)");
  }
  const dir = await Deno.makeTempDir({ prefix: "redis-deno-reference-" });
  try {
    await withServerBinary(REFERENCE_SERVER, dir, fn, args);
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}

/**
 * Like withReferenceClient for tests that open their own connections: `fn` gets the port
 * once the server accepts connections (the probe connection is closed first).
 */
export function withReference(
  fn: (port: number) => Promise<void>,
  args: string[] = [],
): Promise<void> {
  return withReferenceClient((probe, port) => {
    probe.close();
    return fn(port);
  }, args);
}

/**
 * Our in-process server with one client (`ours`) next to a reference server with one client
 * (`ref`); everything is closed and killed afterwards.
 */
export async function withOursAndReference(
  options: ServerOptions,
  fn: (ours: RawClient, ref: RawClient, srv: RunningServer) => Promise<void>,
  referenceArgs: string[] = [],
): Promise<void> {
  await withClient(options, async (ours, srv) => {
    await withReferenceClient((ref) => fn(ours, ref, srv), referenceArgs);
  });
}

/** Sends `args` to both servers; returns [our reply, the reference's reply], raw. */
export async function callBoth(
  ours: RawClient,
  ref: RawClient,
  args: Arg[],
): Promise<[string, string]> {
  return [await ours.call(...args), await ref.call(...args)];
}

/** Asserts that both servers give the same raw reply to `args`. */
export async function expectSameReply(
  ours: RawClient,
  ref: RawClient,
  args: Arg[],
  message = args.join(" "),
): Promise<void> {
  const [a, b] = await callBoth(ours, ref, args);
  assert.equal(a, b, message);
}

/**
 * Asserts that COMMAND INFO and COMMAND DOCS of every named command give the same raw reply
 * on both servers (`skipDocs`: names whose docs legitimately differ).
 */
export async function expectSameCommandRows(
  ours: RawClient,
  ref: RawClient,
  names: string[],
  skipDocs: ReadonlySet<string> = new Set(),
): Promise<void> {
  for (const name of names) {
    await expectSameReply(ours, ref, ["command", "info", name]);
    if (!skipDocs.has(name)) await expectSameReply(ours, ref, ["command", "docs", name]);
  }
}

/** Asserts the same COMMAND GETKEYS reply on both servers for each argument list. */
export async function expectSameGetKeys(
  ours: RawClient,
  ref: RawClient,
  argLists: string[][],
): Promise<void> {
  for (const args of argLists) {
    await expectSameReply(ours, ref, ["command", "getkeys", ...args], args.join(" "));
  }
}

/** Sends each command on one fresh connection to `port`; returns the raw replies. */
export async function replies(port: number, cmds: Arg[][]): Promise<string[]> {
  const c = await RawClient.connect(port);
  try {
    const out: string[] = [];
    for (const cmd of cmds) out.push(await c.call(...cmd));
    return out;
  } finally {
    c.close();
  }
}

/**
 * The reference's HELLO server/version pair as Redis 7.2.4 writes it (only the reference's
 * name and version differ; everything around them is compared byte for byte).
 */
export function asRedis724(raw: string): string {
  return raw.replace(
    /\$(?:6\r\nvalkey|5\r\nredis)\r\n\$7\r\nversion\r\n\$\d+\r\n[0-9.]+\r\n/g,
    "$5\r\nredis\r\n$7\r\nversion\r\n$5\r\n7.2.4\r\n",
  );
}

/**
 * Asserts a COMMAND INFO entry (decoded RESP) against a table row: name, arity, flags and
 * tips (as sets), first/last/step keys, and, recursively, the subcommands (those named in
 * `notCompared` are left out of the reference's list).
 */
export function expectInfoMatchesSpec(
  spec: CommandSpec,
  info: RespReply,
  fullName: string,
  notCompared: ReadonlySet<string> = new Set(),
): void {
  assert.equal(info.t, "array", fullName);
  const v = (info as { v: RespReply[] }).v;
  assert.equal(simplify(v[0]), fullName);
  assert.equal(Number(simplify(v[1])), spec.arity, fullName + " arity");
  assert.deepEqual(
    (simplify(v[2]) as string[]).slice().sort(),
    spec.flags.slice().sort(),
    fullName + " flags",
  );
  assert.deepEqual(
    [simplify(v[3]), simplify(v[4]), simplify(v[5])],
    [spec.firstKey, spec.lastKey, spec.step],
    fullName + " keys",
  );
  assert.deepEqual(
    (simplify(v[7]) as string[]).slice().sort(),
    (spec.tips ?? []).slice().sort(),
    fullName + " tips",
  );
  if (spec.subcommands) {
    const subs = (v[9] as { v: RespReply[] }).v.filter((s) =>
      !notCompared.has(simplify((s as { v: RespReply[] }).v[0]) as string)
    );
    assert.equal(subs.length, spec.subcommands.length, fullName + " subcommands");
    for (const sub of subs) {
      const name = simplify((sub as { v: RespReply[] }).v[0]) as string;
      const s = spec.subcommands.find((x) => `${spec.name}|${x.name}` === name);
      assert.ok(s, "missing subcommand " + name);
      expectInfoMatchesSpec(s, sub, name, notCompared);
    }
  }
}

/** A field of a decoded COMMAND DOCS entry (a flat name/value list in RESP2). */
function docsField(entry: unknown[], name: string): unknown {
  return entry[entry.indexOf(name) + 1];
}

/**
 * Asserts a decoded RESP2 COMMAND DOCS reply for `spec` against the table row: summary (or
 * `summary`, where the reference words it differently), since, group, complexity, and with
 * `subcommands` the summary, since and complexity of each subcommand.
 */
export function expectDocsMatchSpec(
  spec: CommandSpec,
  docs: unknown[],
  { summary = spec.summary, subcommands = false }: { summary?: string; subcommands?: boolean } = {},
): void {
  const d = docs[1] as unknown[];
  assert.equal(docsField(d, "summary"), summary, spec.name);
  assert.equal(docsField(d, "since"), spec.since, spec.name);
  assert.equal(docsField(d, "group"), spec.group, spec.name);
  assert.equal(docsField(d, "complexity"), spec.complexity, spec.name);
  if (!subcommands) return;
  for (const sub of spec.subcommands ?? []) {
    const subs = docsField(d, "subcommands") as unknown[];
    const sd = subs[subs.indexOf(`${spec.name}|${sub.name}`) + 1] as unknown[];
    assert.equal(docsField(sd, "summary"), sub.summary, sub.name);
    assert.equal(docsField(sd, "since"), sub.since, sub.name);
    assert.equal(docsField(sd, "complexity"), sub.complexity, sub.name);
  }
}

/**
 * Asserts that the reference's COMMAND INFO and COMMAND DOCS of each table row match it
 * (expectInfoMatchesSpec, expectDocsMatchSpec); `summaries` maps command names to the
 * reference's own wording of their summary.
 */
export async function expectReferenceRowsMatch(
  ref: RawClient,
  specs: readonly CommandSpec[],
  { notCompared, summaries = {}, subcommandDocs = false }: {
    notCompared?: ReadonlySet<string>;
    summaries?: Record<string, string>;
    subcommandDocs?: boolean;
  } = {},
): Promise<void> {
  for (const spec of specs) {
    await ref.send("COMMAND", "INFO", spec.name);
    const reply = await ref.read();
    expectInfoMatchesSpec(spec, (reply as { v: RespReply[] }).v[0], spec.name, notCompared);
    await ref.send("COMMAND", "DOCS", spec.name);
    const docs = simplify(await ref.read()) as unknown[];
    expectDocsMatchSpec(spec, docs, { summary: summaries[spec.name], subcommands: subcommandDocs });
  }
}
