/**
 * The multi-part AOF manifest (Redis 7's aof.c): which files under
 * `appenddirname` make up the log, one line each,
 * `file <name> seq <n> type <b|h|i>\n`: the base first, then history files,
 * then the incr files in sequence order. File names are
 * `<appendfilename>.<seq>.base.rdb|aof` and `<appendfilename>.<seq>.incr.aof`.
 */

import { binaryToBytes, bytesToBinary, reprBytes } from "../util/bytes.ts";
import { splitArgsBytes } from "../util/splitargs.ts";

/** AOF_FILE_TYPE_BASE / _HIST / _INCR. */
export type AofFileType = "b" | "h" | "i";

/** aofInfo: one file of the manifest. `name` is a binary string. */
export interface AofInfo {
  name: string;
  seq: number;
  type: AofFileType;
}

/** A manifest parse error: Redis's text and the offending line (1-based), if any. */
export class ManifestError extends Error {
  constructor(message: string, readonly line: number, readonly text: string | null) {
    super(message);
  }
}

/** aofManifest: the files of the log and the last sequence numbers handed out. */
export class AofManifest {
  base: AofInfo | null = null;
  history: AofInfo[] = [];
  incr: AofInfo[] = [];
  baseSeq = 0;
  incrSeq = 0;

  /** aofManifestDup: a copy to modify, swapped in once it is on disk. */
  clone(): AofManifest {
    const m = new AofManifest();
    m.base = this.base && { ...this.base };
    m.history = this.history.map((a) => ({ ...a }));
    m.incr = this.incr.map((a) => ({ ...a }));
    m.baseSeq = this.baseSeq;
    m.incrSeq = this.incrSeq;
    return m;
  }

  /**
   * getNewBaseFileNameAndMarkPreAsHistory: the next base file (`.rdb` with an
   * RDB preamble, else `.aof`); the current base becomes history.
   */
  newBase(filename: string, rdb: boolean): string {
    if (this.base !== null) {
      this.base.type = "h";
      this.history.unshift(this.base);
    }
    const seq = ++this.baseSeq;
    this.base = { name: `${filename}.${seq}.base.${rdb ? "rdb" : "aof"}`, seq, type: "b" };
    return this.base.name;
  }

  /** getNewIncrAofName: appends the next incr file. */
  newIncr(filename: string): string {
    const seq = ++this.incrSeq;
    const info: AofInfo = { name: `${filename}.${seq}.incr.aof`, seq, type: "i" };
    this.incr.push(info);
    return info.name;
  }

  /**
   * markRewrittenIncrAofAsHistory: after a rewrite every incr file but the one
   * being written (`keepLast`, when the AOF is on) is history.
   */
  markRewrittenIncrAsHistory(keepLast: boolean): void {
    const n = keepLast ? this.incr.length - 1 : this.incr.length;
    if (n <= 0) return;
    // Redis walks from the tail and puts each at the head: history keeps seq order.
    const moved = this.incr.splice(0, n);
    for (const a of moved) a.type = "h";
    this.history.unshift(...moved);
  }

  /** getAofManifestAsString. */
  format(): string {
    let out = "";
    const line = (a: AofInfo) => {
      const name = needsRepr(a.name) ? reprBytes(binaryToBytes(a.name)) : a.name;
      out += `file ${name} seq ${a.seq} type ${a.type}\n`;
    };
    if (this.base) line(this.base);
    for (const a of this.history) line(a);
    for (const a of this.incr) line(a);
    return out;
  }

  /**
   * aofLoadManifestFromFile: parses `text` (a binary string), with Redis's
   * checks and error texts. Throws ManifestError.
   */
  static parse(text: string): AofManifest {
    const m = new AofManifest();
    let maxSeq = 0;
    let lineNum = 0;
    let pos = 0;
    if (text.length === 0) throw new ManifestError("Found an empty AOF manifest", 0, null);
    while (pos < text.length) {
      const nl = text.indexOf("\n", pos);
      const raw = nl === -1 ? text.slice(pos) : text.slice(pos, nl + 1);
      pos = nl === -1 ? text.length : nl + 1;
      lineNum++;
      if (raw[0] === "#") continue;
      const line = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, "");
      if (nl === -1 || raw.length > MANIFEST_MAX_LINE) {
        throw new ManifestError("The AOF manifest file contains too long line", lineNum, line);
      }
      const fail = (msg: string) => new ManifestError(msg, lineNum, line);
      if (line.length === 0) throw fail("Invalid AOF manifest file format");
      const argv = splitArgsBytes(binaryToBytes(line));
      // argc < 6 rejected, more accepted for forward compatibility.
      if (argv === null || argv.length < 6 || argv.length % 2 !== 0) {
        throw fail("Invalid AOF manifest file format");
      }
      let name: string | null = null;
      let seq = 0;
      let type = "";
      for (let i = 0; i < argv.length; i += 2) {
        const k = bytesToBinary(argv[i]).toLowerCase();
        const v = bytesToBinary(argv[i + 1]);
        if (k === "file") {
          name = v;
          if (v.includes("/")) throw fail("File can't be a path, just a filename");
        } else if (k === "seq") {
          seq = atoll(v);
        } else if (k === "type") {
          type = v[0] ?? "";
        }
      }
      if (name === null || seq === 0 || type === "") {
        throw fail("Invalid AOF manifest file format");
      }
      const info: AofInfo = { name, seq, type: type as AofFileType };
      if (type === "b") {
        if (m.base !== null) throw fail("Found duplicate base file information");
        m.base = info;
        m.baseSeq = seq;
      } else if (type === "h") {
        m.history.push(info);
      } else if (type === "i") {
        if (seq <= maxSeq) throw fail("Found a non-monotonic sequence number");
        m.incr.push(info);
        m.incrSeq = seq;
        maxSeq = seq;
      } else {
        throw fail("Unknown AOF file type");
      }
    }
    return m;
  }
}

/** MANIFEST_MAX_LINE: longer lines are refused. */
const MANIFEST_MAX_LINE = 1024;

/** sdsneedsrepr: names with spaces, quotes, backslashes or unprintable bytes are quoted. */
function needsRepr(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch <= 0x20 || ch >= 0x7f || ch === 0x5c || ch === 0x22) return true;
  }
  return false;
}

/** atoll: leading decimal digits, optional sign, 0 when none. */
function atoll(s: string): number {
  const m = /^[ \t]*([+-]?\d+)/.exec(s);
  return m ? Number(m[1]) : 0;
}
