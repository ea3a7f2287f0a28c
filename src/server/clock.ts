/**
 * The server's wall clock: the one place command time, expiry, LRU idle times
 * and the cron read the time from.
 */

/**
 * Milliseconds since the epoch, like Date.now(), plus an offset tests move
 * forward (`advance`) to make keys expire or age without waiting.
 */
export class Clock {
  private offset = 0;
  /** Date.now() at the last read by `nowAt`, and the performance.now() it was read at. */
  private syncWall = 0;
  private syncPerf = -Infinity;

  /** The current time in ms. */
  now(): number {
    return Date.now() + this.offset;
  }

  /**
   * `now()` for a command starting at `perf`, a performance.now() the caller
   * has just read (its timing): Date.now() is read again only once `perf` is a
   * millisecond past the last read, so a pipelined command pays one clock read,
   * not two. The result lags the wall clock by under 1 ms, as Redis's cached
   * mstime does. A subclass that overrides now() is asked every time.
   */
  nowAt(perf: number): number {
    if (this.now !== Clock.prototype.now) return this.now();
    if (perf - this.syncPerf >= 1 || perf < this.syncPerf) {
      this.syncWall = Date.now();
      this.syncPerf = perf;
    }
    return this.syncWall + this.offset;
  }

  /** Moves the clock `ms` milliseconds ahead (miniredis's FastForward). */
  advance(ms: number): void {
    this.offset += ms;
  }
}
