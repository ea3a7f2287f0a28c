/** keyspace commands (placeholder until implemented). */

import type { CommandSpec } from "./table.ts";

/** Rows of the keyspace group. */
export const keyspaceCommands: CommandSpec[] = [];
