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

  /** The current time in ms. */
  now(): number {
    return Date.now() + this.offset;
  }

  /**
   * Microseconds since the epoch (Redis's ustime) for what shows the machine's
   * time (TIME, MONITOR): from the high-resolution clock, so successive readings
   * never go back, and not moved by `advance`.
   */
  ustime(): number {
    return Math.floor((performance.timeOrigin + performance.now()) * 1000);
  }

  /** Moves the clock `ms` milliseconds ahead (miniredis's FastForward). */
  advance(ms: number): void {
    this.offset += ms;
  }
}
