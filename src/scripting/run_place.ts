/**
 * Where a script's or function's runs start: the Lua VM's worker (which can be stopped and
 * lets the server answer -BUSY) or first the server's own VM with a small instruction budget
 * (no thread hand-offs). See Scripting.run and docs/scripting.md.
 */

/** Not run yet: the first run is in the worker, which tells what the script does. */
export const PLACE_UNKNOWN = 0;
/** Its last run only read: the next one is tried on the server's thread first. */
export const PLACE_SERVER_THREAD = 1;
/**
 * It ran a command with effects (a write, PUBLISH, an admin command) or went past the server
 * thread's budget once: it runs in the worker from then on.
 */
export const PLACE_WORKER = 2;

/** A script's or function's record (kept with it across runs). */
export interface RunPlace {
  mode: number;
}
