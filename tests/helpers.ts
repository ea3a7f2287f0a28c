/**
 * Test helpers: an in-process server per test, and a raw RESP client for
 * byte-exact assertions.
 */

import { type RunningServer, type ServerOptions, startServer } from "../mod.ts";
import { parseReply, type RespReply } from "../src/resp/reply_parser.ts";
import { bytesToBinary } from "../src/util/bytes.ts";

export type { RespReply };

/** Starts a server on a free port, runs `fn`, and always stops the server. */
export async function withServer(
  options: ServerOptions,
  fn: (srv: RunningServer) => Promise<void>,
): Promise<void> {
  const srv = await startServer(options);
  try {
    await fn(srv);
  } finally {
    await srv.close();
  }
}

const enc = new TextEncoder();
// Not TextDecoder("latin1"): WHATWG maps that to windows-1252, which changes 0x80-0x9f.
const latin1 = { decode: (b: Uint8Array) => bytesToBinary(b) };

/** Encodes a command as a RESP multibulk request (strings are UTF-8, arrays raw bytes). */
export function encodeCommand(args: (string | Uint8Array | number)[]): Uint8Array {
  const parts: Uint8Array[] = [enc.encode(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = a instanceof Uint8Array ? a : enc.encode(String(a));
    parts.push(enc.encode(`$${b.length}\r\n`), b, enc.encode("\r\n"));
  }
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** A plain TCP client that speaks raw RESP, for exact-byte tests. */
export class RawClient {
  private buf = new Uint8Array(0);
  private constructor(readonly conn: Deno.TcpConn) {}

  static async connect(port: number): Promise<RawClient> {
    return new RawClient(await Deno.connect({ hostname: "127.0.0.1", port }));
  }

  /** Sends raw bytes (a string is sent as latin1 bytes, so any byte can be written). */
  async write(data: string | Uint8Array): Promise<void> {
    const bytes = typeof data === "string" ? Uint8Array.from(data, (ch) => ch.charCodeAt(0)) : data;
    let off = 0;
    while (off < bytes.length) off += await this.conn.write(bytes.subarray(off));
  }

  /** Sends one command as multibulk. */
  send(...args: (string | Uint8Array | number)[]): Promise<void> {
    return this.write(encodeCommand(args));
  }

  private async fill(): Promise<boolean> {
    const chunk = new Uint8Array(64 * 1024);
    const n = await this.conn.read(chunk);
    if (n === null) return false;
    const next = new Uint8Array(this.buf.length + n);
    next.set(this.buf);
    next.set(chunk.subarray(0, n), this.buf.length);
    this.buf = next;
    return true;
  }

  /** Reads exactly one reply and returns its raw bytes as a latin1 string. */
  async readRaw(): Promise<string> {
    while (true) {
      const r = this.buf.length > 0 ? parseReply(this.buf) : null;
      if (r !== null) {
        const raw = latin1.decode(this.buf.subarray(0, r[1]));
        this.buf = this.buf.slice(r[1]);
        return raw;
      }
      if (!await this.fill()) throw new Error("connection closed before a full reply");
    }
  }

  /** Reads exactly one decoded reply. */
  async read(): Promise<RespReply> {
    while (true) {
      const r = this.buf.length > 0 ? parseReply(this.buf) : null;
      if (r !== null) {
        this.buf = this.buf.slice(r[1]);
        return r[0];
      }
      if (!await this.fill()) throw new Error("connection closed before a full reply");
    }
  }

  /** Sends a command and returns the raw bytes of its reply. */
  async call(...args: (string | Uint8Array | number)[]): Promise<string> {
    await this.send(...args);
    return await this.readRaw();
  }

  /** Reads until the server closes the connection; returns what arrived (latin1). */
  async readUntilClosed(): Promise<string> {
    try {
      while (await this.fill()) { /* keep reading */ }
    } catch { /* reset */ }
    const out = latin1.decode(this.buf);
    this.buf = new Uint8Array(0);
    return out;
  }

  close(): void {
    try {
      this.conn.close();
    } catch { /* already closed */ }
  }
}

/** Simplifies a reply for deep-equality asserts: bulk -> latin1 string, int -> number. */
export function simplify(r: RespReply): unknown {
  switch (r.t) {
    case "simple":
      return r.v;
    case "error":
      return new Error(r.v);
    case "int":
      return Number(r.v);
    case "bulk":
      return latin1.decode(r.v);
    case "null":
      return null;
    case "double":
      return Number(r.v);
    case "bool":
      return r.v;
    case "verbatim":
      return latin1.decode(r.v);
    case "bignum":
      return BigInt(r.v);
    case "array":
    case "set":
    case "push":
      return r.v.map(simplify);
    case "map":
    case "attribute":
      return new Map(r.v.map(([k, v]) => [simplify(k), simplify(v)]));
  }
}

/** Path of a free-to-use temp dir, removed by the returned cleanup. */
export async function tempDir(): Promise<[string, () => Promise<void>]> {
  const dir = await Deno.makeTempDir({ prefix: "redis-deno-test-" });
  return [dir, () => Deno.remove(dir, { recursive: true }).catch(() => {})];
}

/** True when an executable is on PATH (interop tests skip without it). */
export function hasCommand(name: string): boolean {
  try {
    const out = new Deno.Command("sh", { args: ["-c", `command -v ${name}`] }).outputSync();
    return out.success;
  } catch {
    return false;
  }
}
