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

  /** Moves the clock `ms` milliseconds ahead (miniredis's FastForward). */
  advance(ms: number): void {
    this.offset += ms;
  }
}
