/**
 * Command time and durations for a connection's batch (the commands parsed from
 * one read): the clocks are read per batch, not per command (each read of
 * `Date.now()` or `performance.now()` costs 0.1-0.5 us here, as much as a
 * whole GET). The rules, in docs/architecture.md "Time":
 *
 * - The command time (expiry, Redis's commandTimeSnapshot) is read when the
 *   batch starts: every command of it was sent before the read completed, so a
 *   client never sees server time behind its own clock. It is read again when a
 *   duration reading shows a millisecond passed since.
 * - Light commands (CMD_FAST or an O(1) string setter, few and small arguments)
 *   are timed as a segment: one `performance.now()` when a segment ends, its
 *   time spread over the segment's commands for INFO commandstats. A segment
 *   ends before any other command, after SEGMENT_MAX light commands, after a
 *   light command whose reply is large, and at the end of the batch.
 * - Every other command, and every command while slowlog-log-slower-than is
 *   below PRECISE_BELOW_USEC, is timed on its own as Redis's call() times it.
 */

import type { Client } from "./client.ts";
import type { Command } from "./command_table.ts";
import type { Server } from "./server.ts";

/** Light commands timed together at most (a few tens of microseconds). */
const SEGMENT_MAX = 64;
/**
 * Below this slowlog-log-slower-than (microseconds) every command is timed on
 * its own: a light command alone takes a few microseconds, a segment can take
 * a few hundred.
 */
const PRECISE_BELOW_USEC = 1000;
/** A light command has at most this many arguments ... */
const LIGHT_ARGC = 8;
/** ... of at most this many bytes in all, and ends its segment when its reply is larger. */
export const LIGHT_BYTES = 16 * 1024;
const NO_ARGV: Uint8Array[] = [];

/** The batch timer of a server (`server.timer`). */
export class CommandTimer {
  /** A connection's batch is running: commands take their time from it. */
  active = false;
  /** Light commands are timed in segments (slowlog-log-slower-than is not small). */
  private grouped = false;
  /** performance.now() where the current segment starts (the last reading). */
  mark = 0;
  /** performance.now() when the command time was last read. */
  private wallMark = 0;
  /** The light commands of the current segment (their usec waits for its end). */
  private readonly cmds: Command[] = [];
  /** How many of `cmds` belong to the current segment. */
  count = 0;
  /** The segment's last command, its client and arguments: the slowlog's entry. */
  private lastCmd: Command | null = null;
  private lastClient: Client | null = null;
  private lastArgv: Uint8Array[] = NO_ARGV;

  constructor(private readonly server: Server) {}

  /** Starts a batch: reads the command time and the segment's start. Returns the command time. */
  begin(): number {
    if (this.count > 0) this.checkpoint(false); // a batch ended by an exception
    const server = this.server;
    const now = server.clock.now();
    server.keyspace.now = now;
    this.mark = this.wallMark = performance.now();
    const slower = server.config.slowlogLogSlowerThan;
    this.grouped = slower < 0 || slower >= PRECISE_BELOW_USEC;
    this.active = true;
    return now;
  }

  /** Ends the batch (before the connection awaits anything): closes the open segment. */
  end(): void {
    if (this.count > 0) this.checkpoint(false);
    this.active = false;
  }

  /** `cmd` with these arguments may run in a segment (else it is timed on its own). */
  isLight(cmd: Command, argv: Uint8Array[]): boolean {
    if (!this.grouped || !cmd.light || argv.length > LIGHT_ARGC) return false;
    // A BGSAVE's copy-before-write hook copies what a write touches: not bounded.
    if (cmd.isWrite && this.server.beforeWrite !== null) return false;
    let bytes = 0;
    for (let i = 1; i < argv.length; i++) bytes += argv[i].length;
    return bytes <= LIGHT_BYTES;
  }

  /**
   * A light command ran (already counted in its stats): its time comes with its
   * segment's end. `heavy`: its reply was large, so the segment ends here and
   * is its time (for the slowlog too; the light commands before it in the
   * segment took microseconds each).
   */
  addLight(c: Client, cmd: Command, heavy: boolean): void {
    this.cmds[this.count++] = cmd;
    this.lastCmd = cmd;
    this.lastClient = c;
    this.lastArgv = c.argv;
    if (heavy || this.count >= SEGMENT_MAX) this.checkpoint(heavy);
  }

  /**
   * Where a command timed on its own starts: the end of the last reading when
   * no light command ran since, else now (closing their segment).
   */
  start(): number {
    return this.count === 0 ? this.mark : performance.now();
  }

  /**
   * A top-level command timed on its own ran from `start` to `end`: the open
   * segment ends at `start` (a blocked client served after a light command
   * reads its own start), the next one starts at `end`.
   */
  timed(start: number, end: number): void {
    if (this.count > 0) this.closeSegment(start, false);
    this.moveMark(end);
  }

  /** Reads the clock and ends the segment there. */
  private checkpoint(heavy: boolean): void {
    const now = performance.now();
    this.closeSegment(now, heavy);
    this.moveMark(now);
  }

  /**
   * Spreads the segment's time (integer microseconds) over its commands. A
   * segment of one command, or ended by a heavy one, is that command's time
   * for the slowlog; a longer segment of small light commands that took the
   * threshold was stalled (GC, the process descheduled) in one of them, which
   * one is not known, and nothing is logged.
   */
  private closeSegment(end: number, heavy: boolean): void {
    const n = this.count;
    const usec = Math.round((end - this.mark) * 1000);
    const each = Math.floor(usec / n);
    const extra = usec - each * n;
    const cmds = this.cmds;
    for (let i = 0; i < n; i++) cmds[i].stats.usec += i < extra ? each + 1 : each;
    this.count = 0;
    const slower = this.server.config.slowlogLogSlowerThan;
    if ((n === 1 || heavy) && slower >= 0 && usec >= slower && !this.lastCmd!.skipSlowlog) {
      this.server.slowlog.record(this.lastClient!, usec, this.lastArgv);
    }
    this.lastClient = this.lastCmd = null;
    this.lastArgv = NO_ARGV;
  }

  /** The next segment starts at `now`; the command time moves on once a millisecond passed. */
  private moveMark(now: number): void {
    this.mark = now;
    if (now - this.wallMark < 1) return;
    this.wallMark = now;
    const server = this.server;
    const wall = server.clock.now();
    if (wall > server.keyspace.now) server.keyspace.now = wall;
  }
}
