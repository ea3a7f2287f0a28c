/**
 * What INFO persistence reports about loading (server.loading,
 * loading_start_time, loading_loaded_bytes, rdb_last_load_keys_loaded, ...):
 * one object per server, written by the loaders and read by INFO.
 *
 * @module
 */

/**
 * Loading state and the counters of the last RDB load. Loading runs to the
 * end before the server serves a command, so INFO sees `loading` set only
 * if a future loader yields while it works.
 */
export class LoadStats {
  /** A load is in progress (INFO loading). */
  loading = false;
  /** Unix seconds when the current or last load started (loading_start_time). */
  startTime = 0;
  /** Bytes of the file being loaded (loading_total_bytes). */
  totalBytes = 0;
  /** Bytes read so far (loading_loaded_bytes). */
  loadedBytes = 0;
  /** rdb_last_load_keys_loaded. */
  keysLoaded = 0;
  /** rdb_last_load_keys_expired. */
  keysExpired = 0;

  /** Marks the start of a load of `size` bytes (startLoading). */
  start(size: number, nowMs: number): void {
    this.loading = true;
    this.startTime = Math.floor(nowMs / 1000);
    this.totalBytes = size;
    this.loadedBytes = 0;
    this.keysLoaded = 0;
    this.keysExpired = 0;
  }

  /** Marks the end of a load (stopLoading). */
  stop(): void {
    this.loading = false;
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
