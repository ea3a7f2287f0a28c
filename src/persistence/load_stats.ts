/**
 * What INFO persistence reports about loading (loading_start_time,
 * loading_total_bytes, loading_loaded_bytes, rdb_last_load_keys_loaded, ...):
 * one object per server, written by the loaders and read by INFO. Whether a
 * load is in progress is `Server.loading` (set by the start-up load only: the
 * other loads run to their end without yielding, so nobody sees them).
 *
 * @module
 */

/** The counters of the current or last load. */
export class LoadStats {
  /** Unix seconds when the current or last load started (loading_start_time). */
  startTime = 0;
  /** Bytes of the files being loaded (loading_total_bytes). */
  totalBytes = 0;
  /** The `used-mem` aux field of the RDB being loaded (loading_rdb_used_mem). */
  rdbUsedMem = 0;
  /** Bytes read so far (loading_loaded_bytes). */
  loadedBytes = 0;
  /** rdb_last_load_keys_loaded. */
  keysLoaded = 0;
  /** rdb_last_load_keys_expired. */
  keysExpired = 0;

  /** Marks the start of a load of `size` bytes (startLoading). */
  start(size: number, nowMs: number): void {
    this.startTime = Math.floor(nowMs / 1000);
    this.totalBytes = size;
    this.rdbUsedMem = 0;
    this.loadedBytes = 0;
    this.keysLoaded = 0;
    this.keysExpired = 0;
  }

  /**
   * INFO's loading_* fields while a load runs (genRedisInfoString): the
   * percentage and ETA from the bytes loaded so far, against the file size
   * or, when that is unknown, the RDB's used-mem.
   */
  infoFields(nowMs: number): [string, number | string][] {
    let perc = 0;
    let remaining = 1;
    if (this.totalBytes > 0) {
      perc = this.loadedBytes / this.totalBytes * 100;
      remaining = this.totalBytes - this.loadedBytes;
    } else if (this.rdbUsedMem > 0) {
      // used-mem is only a rough estimate of the file size: never 100% or less than 1 byte.
      perc = Math.min(this.loadedBytes / this.rdbUsedMem * 100, 99.99);
      remaining = Math.max(this.rdbUsedMem - this.loadedBytes, 1);
    }
    const elapsed = Math.floor(nowMs / 1000) - this.startTime;
    const eta = elapsed === 0 ? 1 : Math.trunc(elapsed * remaining / (this.loadedBytes + 1));
    return [
      ["loading_start_time", this.startTime],
      ["loading_total_bytes", this.totalBytes],
      ["loading_rdb_used_mem", this.rdbUsedMem],
      ["loading_loaded_bytes", this.loadedBytes],
      ["loading_loaded_perc", perc.toFixed(2)],
      ["loading_eta_seconds", eta],
    ];
  }
}

const stats = new WeakMap<object, LoadStats>();

/** The load statistics of `server` (created on first use). */
export function loadStatsOf(server: object): LoadStats {
  let s = stats.get(server);
  if (s === undefined) {
    s = new LoadStats();
    stats.set(server, s);
  }
  return s;
}
