/** SLOWLOG: commands slower than slowlog-log-slower-than microseconds. */

import { bytesToText } from "../util/bytes.ts";
import type { Client } from "./client.ts";

/** One logged command, as SLOWLOG GET reports it. */
export interface SlowlogEntry {
  id: number;
  /** Unix time in seconds. */
  time: number;
  usec: number;
  /** Arguments, already trimmed as Redis trims them. */
  args: Uint8Array[];
  addr: string;
  name: string;
}

const MAX_ARGC = 32;
const MAX_STRING = 128;
const encoder = new TextEncoder();

/** Bounded, newest-first slow log. */
export class Slowlog {
  entries: SlowlogEntry[] = [];
  private nextId = 0;

  constructor(private readonly settings: () => { slowerThan: number; maxLen: number }) {}

  /**
   * Logs the command `argv` of `c` (its current one unless given) when it took at
   * least the threshold (negative: off). `argv` is the command as the client sent
   * it, not its propagated rewrite (Redis: c->original_argv).
   */
  record(c: Client, usec: number, argv: Uint8Array[] = c.argv): void {
    const { slowerThan, maxLen } = this.settings();
    if (slowerThan < 0 || usec < slowerThan) return;
    const args: Uint8Array[] = [];
    const n = Math.min(argv.length, MAX_ARGC);
    for (let i = 0; i < n; i++) {
      if (i === MAX_ARGC - 1 && argv.length > MAX_ARGC) {
        args.push(encoder.encode(`... (${argv.length - MAX_ARGC + 1} more arguments)`));
        break;
      }
      const a = argv[i];
      if (a.length > MAX_STRING) {
        const head = a.subarray(0, MAX_STRING);
        const tail = encoder.encode(`... (${a.length - MAX_STRING} more bytes)`);
        const out = new Uint8Array(head.length + tail.length);
        out.set(head);
        out.set(tail, head.length);
        args.push(out);
      } else {
        args.push(a.slice());
      }
    }
    this.entries.unshift({
      id: this.nextId++,
      time: Math.floor(Date.now() / 1000),
      usec,
      args,
      addr: c.addr,
      name: c.name,
    });
    while (this.entries.length > maxLen) this.entries.pop();
  }

  reset(): void {
    this.entries = [];
  }

  /** Text form of an entry's args, for logs. */
  static describe(e: SlowlogEntry): string {
    return e.args.map(bytesToText).join(" ");
  }
}
