/**
 * The interface through which the composition root plugs parts with state of
 * their own (pub/sub, persistence, replication, scripting, ACL) into a Server.
 */

import type { Db } from "../store/keyspace.ts";
import type { Client } from "./client.ts";
import type { Command } from "./command_table.ts";

/** The replication aux fields of an RDB file (Redis's rdbSaveInfo). */
export interface RdbSaveInfo {
  streamDb: number;
  replid: string;
  offset: number;
}

/** One INFO line: field name and its printed value. */
export type InfoField = [name: string, value: string | number];

/**
 * A subsystem installed with `Server.install`. Every hook is optional; the
 * server calls it where Redis's core calls into that module.
 */
export interface Subsystem {
  /** For logs and errors ("pubsub", "persistence", ...). */
  readonly name: string;
  /** freeClient: forget the client's subscriptions, links, ... */
  clientFreed?(c: Client): void;
  /** Delivers a keyspace notification (pub/sub); returns the receiver count. */
  publish?(channel: string, message: Uint8Array): number;
  /** signalModifiedKey: a key changed (client-side caching invalidation). */
  keyModified?(db: Db, key: string): void;
  /**
   * Whether keyModified has anything to do right now; when false the server
   * may skip it, and with it building the key's name (absent: always true).
   */
  keyModifiedWanted?(): boolean;
  /** FLUSHDB (its db index) or FLUSHALL (-1): tracking clients drop their whole cache. */
  flushed?(dbid: number): void;
  /** After each top-level command (EXEC as a whole): deliver what had to wait for its reply. */
  afterCommand?(): void;
  /**
   * Before reply bytes go to any socket (Redis's beforeSleep): what the replies
   * acknowledge must be durable first (the AOF's write; with a promise, the
   * bytes wait for it: the AOF's fsync with appendfsync always).
   */
  beforeReplies?(): Promise<void> | undefined;
  /**
   * Moves output this subsystem stages for later delivery (the replication stream) into its
   * clients' buffers, before a report reads them (CLIENT LIST / CLIENT INFO, INFO).
   */
  settleOutput?(): void;
  /** Edits an INFO section's fields (in order) before they are printed. */
  info?(section: string, fields: InfoField[]): void;
  /** CONFIG RESETSTAT: reset the counters this subsystem reports in INFO. */
  resetStats?(): void;
  /** serverCron: periodic work (save points, scheduled saves). */
  cron?(): void;
  /** processCommand: an error rejecting `cmd` before it runs or is queued (-MISCONF), else null. */
  denyCommand?(c: Client, cmd: Command): string | null;
  /**
   * emptyData: the whole dataset is being replaced (a replica's full resync,
   * DEBUG RELOAD): drop what is saved with it (function libraries).
   */
  emptyData?(): void;
  /** The function libraries' code, saved in RDB files as RDB_OPCODE_FUNCTION2 entries. */
  rdbFunctions?(): Uint8Array[];
  /**
   * rdbPopulateSaveInfo: the replication id, offset and stream db an RDB file
   * save records (repl-id, repl-offset, repl-stream-db), or null for none.
   */
  rdbSaveInfo?(): RdbSaveInfo | null;
  /**
   * The start-up load read an RDB file with these aux fields: restore what it
   * recorded (loadDataFromDisk's replication id and offset).
   */
  rdbLoaded?(aux: Map<string, string>): void;
  /**
   * Loads one FUNCTION2 library read from an RDB file (rdbFunctionLoad;
   * `replace` with RDBFLAGS_ALLOW_DUP); returns the error text, or null.
   */
  rdbLoadFunction?(code: Uint8Array, replace: boolean): string | null;
  /**
   * FLUSHALL, once every db is empty (flushAllDataAndResetRDB): kill the RDB
   * being made in the background and, when `save` (save points configured),
   * save the empty dataset at once; false when that save failed. Not called
   * for emptyData (DEBUG RELOAD, a replica's full resync).
   */
  flushAll?(save: boolean): boolean;
  /** SHUTDOWN's final save (persistence); resolves false when it failed. */
  shutdownSave?(force: boolean): Promise<boolean>;
  /** Server close, after every client is gone: stop links, flush files. */
  close?(): Promise<void> | void;
}
