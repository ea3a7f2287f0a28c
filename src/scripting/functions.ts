/**
 * Function libraries (Redis's functions.c and function_lua.c): FUNCTION LOAD parses a
 * library's "#!lua name=..." line, compiles it and runs its top level once to learn what it
 * registers; the library's functions are then compiled once per VM (engine.ts
 * `compiledLibrary`), and each function can build the standalone source (the library, then
 * the call) for a VM without compile-once and for the replay of a killed one.
 * FUNCTION DUMP / RESTORE use Redis's payload: per library the FUNCTION2 opcode and the code
 * as an RDB string, then the RDB version and a CRC64.
 */

import { crc64 } from "../persistence/crc64.ts";
import { lzfCompress, lzfDecompress } from "../persistence/lzf.ts";
import { binaryToBytes, bytesToBinary } from "../util/bytes.ts";
import {
  type Compiled,
  compiledLibrary,
  compileError,
  functionSource,
  isError,
  libraryLoadSource,
  type ReplyValue,
  runLua,
  scriptError,
  type ScriptHost,
} from "./engine.ts";
import { PLACE_UNKNOWN, type RunPlace } from "./run_place.ts";

/** A function a library registered (what FCALL runs: a Runnable). */
export interface LibraryFunction {
  name: string;
  /** Chunk name in Lua's messages. */
  chunk: "user_function";
  isEval: false;
  /** SCRIPT_FLAG_* bits. */
  flags: number;
  description: Uint8Array | null;
  /** What FCALL compiles when not compiled once (and for the replay of a killed one). */
  readonly source: Uint8Array;
  /** Its library's compiled functions, of which it is number `index`. */
  compiled: Compiled;
  index: number;
  /** Where its runs start (Scripting.run). */
  place: RunPlace;
}

/** A loaded library. */
export interface Library {
  name: string;
  /** The code as loaded (shebang line included): FUNCTION LIST WITHCODE, DUMP. */
  code: Uint8Array;
  functions: Map<string, LibraryFunction>;
  /** Its functions, compiled once per VM (in registration order). */
  compiled: Compiled;
}

const NAME_RE = /^[A-Za-z0-9_]+$/;
const NAME_ERROR =
  "ERR Library names can only contain letters, numbers, or underscores(_) and must be at least one character long";

/** RDB_OPCODE_FUNCTION2: a library in FUNCTION DUMP payloads and RDB files. */
export const RDB_OPCODE_FUNCTION2 = 245;
/** The RDB version FUNCTION DUMP writes: Redis 7.0's, so that 7.0 restores it too. */
const DUMP_RDB_VERSION = 10;
/** The newest RDB version FUNCTION RESTORE accepts (Redis 7.2's). */
const MAX_RDB_VERSION = 11;

const SILENT_HOST: ScriptHost = {
  call: () => "ERR not allowed",
  log: () => {},
  setResp: () => {},
};

/** Flag names as bits (SCRIPT_FLAG_*, in scripts_flags_def order). */
const FLAG_BITS: Record<string, number> = {
  "no-writes": 1,
  "allow-oom": 2,
  "allow-stale": 4,
  "no-cluster": 8,
  "allow-cross-slot-keys": 16,
};

/**
 * Compiles and registers a library (functionsCreateWithLibraryCtx up to the collision checks):
 * the library, or the error text. `log` receives redis.log calls made while it loads.
 */
export function createLibrary(code: Uint8Array, log: ScriptHost["log"]): Library | string {
  if (code[0] !== 35 || code[1] !== 33) return "ERR Missing library metadata";
  const nl = code.indexOf(10);
  if (nl < 0) return "ERR Invalid library metadata";
  const parts = bytesToBinary(code.subarray(2, nl)).split(" ").filter((p) => p !== "");
  const engine = parts[0] ?? "";
  let name: string | null = null;
  for (let i = 1; i < parts.length; i++) {
    if (!parts[i].startsWith("name=")) return `ERR Invalid metadata value given: ${parts[i]}`;
    name = parts[i].slice(5);
  }
  if (name === null) return "ERR Library name was not given";
  if (!NAME_RE.test(name)) return NAME_ERROR;
  if (engine.toLowerCase() !== "lua") return `ERR Engine '${engine}' not found`;
  // The shebang line stays as blanks so that line numbers are the library's own.
  const body = code.slice();
  body.fill(32, 0, nl);
  const err = compileError(body, "user_function");
  if (err !== null) return `ERR Error compiling function: ${err}`;
  const result = runLua({ ...SILENT_HOST, log }, libraryLoadSource(body), [], []);
  if (isError(result)) {
    const text = result.meta !== undefined
      ? scriptError(result, "user_function")[0]
      : bytesToBinary(result.err);
    return `ERR Error registering functions: ${text}`;
  }
  const functions = new Map<string, LibraryFunction>();
  const entries = result as ReplyValue[][];
  if (entries.length === 0) return "ERR No functions registered";
  const compiled = compiledLibrary(body, entries.length);
  for (const entry of entries) {
    let source: Uint8Array | null = null;
    const fname = bytesToBinary(entry[0] as Uint8Array);
    const flagList = bytesToBinary(entry[1] as Uint8Array);
    let flags = 0;
    if (flagList !== "") { for (const f of flagList.split(",")) flags |= FLAG_BITS[f]; }
    functions.set(fname, {
      name: fname,
      chunk: "user_function",
      isEval: false,
      flags,
      description: entry[2] === null ? null : (entry[2] as Uint8Array).slice(),
      get source() {
        return source ??= functionSource(body, fname);
      },
      compiled,
      index: functions.size,
      place: { mode: PLACE_UNKNOWN },
    });
  }
  return { name, code: code.slice(), functions, compiled };
}

/** Every loaded library and the function name index (functionsLibCtx). */
export class FunctionLibraries {
  readonly libraries = new Map<string, Library>();
  /** function name -> its library. */
  readonly functions = new Map<string, Library>();
  /** Bytes of the libraries' code (used_memory_functions). */
  memory = 0;
  /** Called with a library that leaves (deleted, replaced, flushed). */
  onDrop: ((lib: Library) => void) | null = null;

  get functionCount(): number {
    return this.functions.size;
  }

  /** The function `name` and its library, if loaded. */
  lookup(name: string): LibraryFunction | undefined {
    return this.functions.get(name)?.functions.get(name);
  }

  /**
   * Adds `libs` (libraryJoin): with `replace` a loaded library of the same name gives way;
   * otherwise a name collision fails. Nothing changes when it fails: the error text.
   */
  add(libs: Library[], replace: boolean): string | null {
    const replaced = new Set<string>();
    const names = new Set<string>();
    for (const lib of libs) {
      if (this.libraries.has(lib.name)) {
        if (!replace) return `ERR Library '${lib.name}' already exists`;
        replaced.add(lib.name);
      }
    }
    for (const lib of libs) {
      for (const f of lib.functions.keys()) {
        const owner = this.functions.get(f);
        if ((owner !== undefined && !replaced.has(owner.name)) || names.has(f)) {
          return `ERR Function ${f} already exists`;
        }
        names.add(f);
      }
    }
    for (const name of replaced) this.delete(name);
    for (const lib of libs) {
      this.libraries.set(lib.name, lib);
      for (const f of lib.functions.keys()) this.functions.set(f, lib);
      this.memory += lib.code.length;
    }
    return null;
  }

  /** FUNCTION DELETE: false when there is no such library. */
  delete(name: string): boolean {
    const lib = this.libraries.get(name);
    if (lib === undefined) return false;
    for (const f of lib.functions.keys()) this.functions.delete(f);
    this.libraries.delete(name);
    this.memory -= lib.code.length;
    this.onDrop?.(lib);
    return true;
  }

  /** FUNCTION FLUSH. */
  flush(): void {
    if (this.onDrop !== null) { for (const lib of this.libraries.values()) this.onDrop(lib); }
    this.libraries.clear();
    this.functions.clear();
    this.memory = 0;
  }

  /** FUNCTION DUMP's payload. */
  dump(): Uint8Array {
    const out: number[] = [];
    for (const lib of this.libraries.values()) {
      out.push(RDB_OPCODE_FUNCTION2);
      writeRdbString(out, lib.code);
    }
    out.push(DUMP_RDB_VERSION & 0xff, DUMP_RDB_VERSION >> 8);
    const body = new Uint8Array(out);
    const crc = crc64(body);
    const payload = new Uint8Array(body.length + 8);
    payload.set(body);
    new DataView(payload.buffer).setBigUint64(body.length, crc, true);
    return payload;
  }
}

/**
 * The library codes in a FUNCTION DUMP payload, or the error text (verifyDumpPayload, then
 * rdbFunctionLoad for each entry).
 */
export function parseDump(payload: Uint8Array): Uint8Array[] | string {
  const BAD = "ERR DUMP payload version or checksum are wrong";
  if (payload.length < 10) return BAD;
  const end = payload.length - 10;
  const version = payload[end] | (payload[end + 1] << 8);
  if (version > MAX_RDB_VERSION) return BAD;
  const crc = new DataView(payload.buffer, payload.byteOffset).getBigUint64(end + 2, true);
  if (crc !== crc64(payload.subarray(0, end + 2))) return BAD;
  const codes: Uint8Array[] = [];
  let pos = 0;
  while (pos < end) {
    if (payload[pos] !== RDB_OPCODE_FUNCTION2) return "ERR given type is not a function";
    const s = readRdbString(payload, pos + 1, end);
    if (s === null) return "ERR Failed loading the library";
    codes.push(s[0]);
    pos = s[1];
  }
  return codes;
}

/** rdbSaveLen. */
function writeLen(out: number[], n: number): void {
  if (n < 0x40) out.push(n);
  else if (n < 0x4000) out.push(0x40 | (n >> 8), n & 0xff);
  else out.push(0x80, (n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff);
}

/** rdbSaveRawString: LZF-compressed when longer than 20 bytes and it shrinks by 4 or more. */
function writeRdbString(out: number[], s: Uint8Array): void {
  if (s.length > 20) {
    const packed = lzfCompress(s, s.length - 4);
    if (packed !== null && packed.length > 0) {
      out.push(0xc3);
      writeLen(out, packed.length);
      writeLen(out, s.length);
      for (const b of packed) out.push(b);
      return;
    }
  }
  writeLen(out, s.length);
  for (const b of s) out.push(b);
}

/** rdbLoadLen: [value, position after it, encoded-type flag] or null past `end`. */
function readLen(b: Uint8Array, pos: number, end: number): [number, number, boolean] | null {
  if (pos >= end) return null;
  const t = b[pos] >> 6;
  if (t === 0) return [b[pos] & 0x3f, pos + 1, false];
  if (t === 1) return pos + 1 < end ? [((b[pos] & 0x3f) << 8) | b[pos + 1], pos + 2, false] : null;
  if (t === 3) return [b[pos] & 0x3f, pos + 1, true];
  if (b[pos] === 0x80) {
    if (pos + 5 > end) return null;
    return [new DataView(b.buffer, b.byteOffset).getUint32(pos + 1), pos + 5, false];
  }
  if (b[pos] === 0x81) {
    if (pos + 9 > end) return null;
    return [Number(new DataView(b.buffer, b.byteOffset).getBigUint64(pos + 1)), pos + 9, false];
  }
  return null;
}

/** rdbGenericLoadStringObject: the string and the position after it, or null. */
function readRdbString(b: Uint8Array, pos: number, end: number): [Uint8Array, number] | null {
  const l = readLen(b, pos, end);
  if (l === null) return null;
  const [n, next, encoded] = l;
  if (!encoded) return next + n <= end ? [b.slice(next, next + n), next + n] : null;
  const dv = new DataView(b.buffer, b.byteOffset);
  switch (n) {
    case 0: // RDB_ENC_INT8
      return next + 1 <= end ? [binaryToBytes(String(dv.getInt8(next))), next + 1] : null;
    case 1: // RDB_ENC_INT16
      return next + 2 <= end ? [binaryToBytes(String(dv.getInt16(next, true))), next + 2] : null;
    case 2: // RDB_ENC_INT32
      return next + 4 <= end ? [binaryToBytes(String(dv.getInt32(next, true))), next + 4] : null;
    case 3: { // RDB_ENC_LZF
      const c = readLen(b, next, end);
      if (c === null || c[2]) return null;
      const u = readLen(b, c[1], end);
      if (u === null || u[2] || u[1] + c[0] > end) return null;
      const data = lzfDecompress(b.subarray(u[1], u[1] + c[0]), u[0]);
      return data === null ? null : [data, u[1] + c[0]];
    }
  }
  return null;
}
